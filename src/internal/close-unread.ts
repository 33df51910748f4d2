/**
 * Closes a caller's one-shot source: a Node stream (an `fs` read stream holds a file open) is
 * destroyed, even while it is read; a web stream not locked by a reader cancelled; a generator
 * returned (one that is running closes once its step ends).
 */
export function closeUnread(data: unknown): void {
  try {
    const source = data as { destroy?: () => void; return?: () => unknown };
    const closing =
      data instanceof ReadableStream
        ? data.locked || data.cancel()
        : typeof source.destroy === "function"
          ? source.destroy()
          : source.return?.();
    if (closing instanceof Promise) closing.catch(() => undefined);
  } catch {
    // A source that cannot even be closed is the caller's to deal with; the call's error stands.
  }
}
