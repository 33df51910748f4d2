/**
 * The URL a response of the fake answers: a real fetch's response carries the URL it came from
 * (SDKs report it), and `new Response(...)` leaves `url` empty. Every response `FakeCohere.fetch`
 * and `FakeCohere.handle` give passes here, whichever path built it (an operation, a fault, the
 * 500 of a clock gone bad, the bodiless copy for a HEAD).
 */

/**
 * `response`, its `url` set to `requestUrl` without its fragment (as fetch's `Response.url` is),
 * on its clones too (a real response's clone keeps its URL).
 *
 * @example
 * ```ts
 * const response = answering(new Response("{}"), "https://api.cohere.com/v2/batches#top");
 * response.url; // "https://api.cohere.com/v2/batches"
 * response.clone().url; // the same
 * ```
 */
export function answering(response: Response, requestUrl: string): Response {
  const url = withoutFragment(requestUrl);
  const clone = response.clone;
  Object.defineProperties(response, {
    url: { value: url, configurable: true },
    clone: { value: () => answering(clone.call(response), url), configurable: true, writable: true },
  });
  return response;
}

function withoutFragment(url: string): string {
  const hash = url.indexOf("#");
  return hash === -1 ? url : url.slice(0, hash);
}
