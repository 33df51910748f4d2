// What a log line shows of a request's headers and URL: the values of allowed names only.
// Part of the logging chunk (see logging-plugin.ts): only that chunk imports it.

/**
 * A value of the server's cut to 256 characters: a header of megabytes (a proxy's, a hostile
 * server's) would make every log line that long. (Not `clipText`: the page's, whose import
 * would split it out of the entry.)
 */
export function clipped(text: string): string {
  return text.length <= 256 ? text : `${text.slice(0, 256)}…`;
}

/** No query parameter's value is shown. */
export const noQuery: ReadonlySet<string> = new Set();

export function redactedHeaders(
  headers: Headers,
  allowed: ReadonlySet<string>,
  clean: (text: string) => string,
): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = allowed.has(name) ? clean(value) : "REDACTED";
  });
  return result;
}

export function redactedPath(url: string, allowed: ReadonlySet<string>): string {
  const { pathname, searchParams } = new URL(url);
  if ([...searchParams.keys()].length === 0) return pathname;
  const shown = new URLSearchParams();
  for (const [name, value] of searchParams) shown.append(name, allowed.has(name) ? value : "REDACTED");
  return `${pathname}?${shown.toString()}`;
}
