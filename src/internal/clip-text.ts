/**
 * `text` cut to `max` characters, and an ellipsis. A server or a proxy may send
 * megabytes where a line is expected, and an error's message is read in one line of a log: the
 * whole of it stays on the error (`body`, `text`).
 */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
