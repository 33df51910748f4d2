/**
 * `url` with the value of every query parameter that `plain` does not take replaced by
 * `REDACTED` (the names kept), as OpenTelemetry's conventions ask for sensitive values in
 * `url.full`; `href` as it is when all are plain.
 */
export function redactedQuery(href: string, url: URL, plain: (name: string) => boolean): string {
  if ([...url.searchParams.keys()].every(plain)) return href;
  const shown = new URL(url);
  shown.search = new URLSearchParams(
    [...url.searchParams].map(([name, value]) => [name, plain(name) ? value : "REDACTED"]),
  ).toString();
  return shown.href;
}

/** A signed URL's query is its credential: no value of it is plain. */
export const noneIsPlain = () => false;

/**
 * The query parameters of the API whose values say nothing secret. Any other value (a page
 * token, which is the server's text and may echo the key; a caller's extra `queryParams`) is
 * shown as `REDACTED` in `url.full`, as the conventions ask of sensitive values.
 */
const plainParameters = new Set([
  "page_size",
  "order_by",
  "limit",
  "offset",
  "datasetType",
  "validationStatus",
  "before",
  "after",
  "type",
  "skip_malformed_input",
  "keep_original_file",
]);

export const isPlainParameter = (name: string) => plainParameters.has(name);
