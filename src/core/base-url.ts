import { CohereError } from "./errors/cohere-error.js";

/**
 * Checks `baseUrl` (an absolute http(s) URL without query, fragment or credentials) and returns
 * it without a trailing slash. Each message says what to write instead: a bare host gets the
 * scheme it lacks, and a trailing `/v1` or `/v2` is refused because every path already starts
 * with its version (it would call `/v2/v2/batches`). `source` names where the value came from
 * (the option, or the `CO_API_URL` environment variable), as each message says.
 */
export function checkBaseUrl(baseUrl: string, source = "baseUrl"): string {
  // `new URL` reads a bare trailing "?" or "#" as an empty query or fragment; the path would
  // then be appended after it and every call would go to "/".
  if (/[?#]/.test(baseUrl)) throw new CohereError(`Invalid ${source}: must not contain a query or a fragment (? or #)`);
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    // Not quoted: it may hold a password (`//user:secret@proxy`) or be an API key pasted in the
    // wrong place. The hint quotes a bare host alone.
    throw new CohereError(`Invalid ${source}: the value is not an absolute URL${schemeHint(baseUrl)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new CohereError(
      `Invalid ${source}: protocol must be http: or https: (got ${url.protocol})${schemeHint(baseUrl)}`,
    );
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new CohereError(`Invalid ${source}: must not contain credentials, a query or a fragment`);
  }
  const href = url.href.replace(/\/+$/, "");
  const version = /\/(v[12])$/.exec(href);
  if (version !== null) {
    throw new CohereError(
      `Invalid ${source}: ${JSON.stringify(baseUrl)} ends in /${version[1]}, but every path already starts with ` +
        `its version (/v2/batches, /v1/datasets); pass ${JSON.stringify(href.slice(0, -version[0].length))}`,
    );
  }
  return href;
}

/**
 * "; did you mean "https://api.cohere.com"?" for a bare host (http for a local one), else "".
 * Not for a long run of letters and digits without a dot: no host looks so, an API key does.
 */
function schemeHint(baseUrl: string): string {
  if (!/^(?!\w{20,}$)[\w.-]+(:\d+)?(\/[^\s@]*)?$/.test(baseUrl)) return "";
  const local = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:|\/|$)/.test(baseUrl);
  return `; add the scheme: did you mean ${JSON.stringify(`${local ? "http" : "https"}://${baseUrl}`)}?`;
}
