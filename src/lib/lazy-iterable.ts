import { ignore } from "../internal/ignore.js";

/**
 * An `AsyncIterable` returned at once, whose iterator is opened by the first `next()` (nothing
 * is fetched or loaded before), then called directly: no extra promise per item. The iterator
 * behaves as a generator's: it is async-iterable itself, `return()` ends it for good (and ends
 * an opening in flight: `open` gets a signal for that), and after a failure it is done.
 */
export function lazyAsyncIterable<T>(open: (closing: AbortSignal) => Promise<AsyncIterator<T>>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      let opening: Promise<AsyncIterator<T>> | undefined;
      let inner: AsyncIterator<T> | undefined;
      // Once `return()` is called the iterator is done for good, as a generator's is: a later
      // `next()` must not open what the caller closed (and start a download nobody reads).
      let closed = false;
      const closing = new AbortController();
      // Awaited, not chained with `then`: the opened iterator's `next()` may return a promise
      // already rejected, a caller's abort seen at once (see `promiseOf`).
      const nextOnceOpen = async (pending: Promise<AsyncIterator<T>>): Promise<IteratorResult<T>> => {
        let opened: AsyncIterator<T>;
        try {
          opened = await pending;
        } catch (error) {
          // The first to see the failure throws it; a next() queued behind it, or made after, is done.
          if (closed) return finished();
          closed = true;
          throw error;
        }
        inner = opened;
        return closed ? finished() : await opened.next();
      };
      const iterator: AsyncIterableIterator<T> = {
        next: () => {
          if (closed) return Promise.resolve(finished());
          if (inner !== undefined) return inner.next();
          opening ??= open(closing.signal);
          return nextOnceOpen(opening);
        },
        return: async () => {
          closed = true;
          // An opening in flight (the dataset's retrieve) ends now, not when it is answered.
          closing.abort();
          const opened = inner ?? (await opening?.catch(ignore));
          return (await opened?.return?.()) ?? finished();
        },
        [Symbol.asyncIterator]: () => iterator,
      };
      return iterator;
    },
  };
}

/** The result of an iterator that is done: a new object each time, as a generator's (a caller may change the one it got). */
export function finished<T>(): IteratorResult<T> {
  return { value: undefined, done: true };
}
