/**
 * An `AsyncIterable` returned at once, whose iterator is opened by the first `next()` (nothing
 * is fetched or loaded before), then called directly: no extra promise per item.
 */
export function lazyAsyncIterable<T>(open: () => Promise<AsyncIterator<T>>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      let opening: Promise<AsyncIterator<T>> | undefined;
      let inner: AsyncIterator<T> | undefined;
      const done: IteratorResult<T> = { done: true, value: undefined };
      return {
        next: () => {
          if (inner !== undefined) return inner.next();
          opening ??= open();
          return opening.then((opened) => {
            inner = opened;
            return opened.next();
          });
        },
        return: async () => {
          const opened = inner ?? (opening === undefined ? undefined : await opening.catch(() => undefined));
          return (await opened?.return?.()) ?? done;
        },
      };
    },
  };
}
