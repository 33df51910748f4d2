/**
 * Does nothing: the one handler for what is let go on purpose (a rejection already reported
 * elsewhere, an abort a listener only needs to be there for, a stream's `'error'` its reader
 * will meet). One function shared by the page's code instead of a copy in each file.
 */
export function ignore(): void {}
