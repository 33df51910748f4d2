/**
 * An `AsyncIterable` returned at once, whose iterator is opened by the first `next()` (nothing
 * is fetched or loaded before), then called directly: no extra promise per item.
 */
export function lazyAsyncIterable<T>(open: () => Promise<AsyncIterator<T>>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      let opening: Promise<AsyncIterator<T>> | undefined;
      let inner: AsyncIterator<T> | undefined;
      // Once `return()` is called the iterator is done for good, as a generator's is: a later
      // `next()` must not open what the caller closed (and start a download nobody reads).
      let closed = false;
      const done: IteratorResult<T> = { done: true, value: undefined };
      return {
        next: () => {
          if (closed) return Promise.resolve(done);
          if (inner !== undefined) return inner.next();
          opening ??= open();
          return opening.then((opened) => {
            inner = opened;
            return opened.next();
          });
        },
        return: async () => {
          closed = true;
          const opened = inner ?? (opening === undefined ? undefined : await opening.catch(() => undefined));
          return (await opened?.return?.()) ?? done;
        },
      };
    },
  };
}
