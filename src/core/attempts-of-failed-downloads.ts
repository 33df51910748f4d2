// How many attempts a download that failed before its body came made in all, its part's earlier
// downloads included: a part read again after a refused URL counts them in its next failure.
// A module of its own, shared by the download code and the records reader (both loaded on
// first use), so that the page carries none of it.
const attemptsOfFailure = new WeakMap<object, number>();

/** Records that the download whose failure is `error` made `attempts` attempts in all. */
export function recordDownloadAttempts(error: unknown, attempts: number): void {
  if ((typeof error === "object" && error !== null) || typeof error === "function")
    attemptsOfFailure.set(error, attempts);
}

/** The attempts the failed download of `error` made in all, if it was recorded. */
export function downloadAttemptsOf(error: unknown): number | undefined {
  return (typeof error === "object" && error !== null) || typeof error === "function"
    ? attemptsOfFailure.get(error)
    : undefined;
}
