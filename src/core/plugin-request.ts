// The Request a user's plugin is handed, and its way back to the SDK's cheaper WireRequest.
// Loaded with the guard of users' middleware: a client without plugins carries none of it.
import { type PluginRequest, realRequest, toWire, WireRequest } from "./wire-request.js";

/**
 * `request` as the real Request a plugin is handed (see `realRequest`), on `signal`. One built
 * from a WireRequest carries its way back (`toWire`): an attempt's copy of a call-phase plugin's
 * request, and what the runtime's fetch gets from an attempt plugin, are then WireRequests again,
 * where `clone()` built a Request, a signal and a link to follow, and fetch copied that again.
 */
export function pluginRequest(request: Request, signal: AbortSignal | null): Request {
  const built = realRequest(request, signal);
  if (request instanceof WireRequest) (built as PluginRequest)[toWire] = (spend) => backToWire(built, request, spend);
  return built;
}

/**
 * A WireRequest of what `request` (built from `source`) would send now: the same URL, method
 * and body text, and its headers as they are (a plugin may have set some in place); `undefined`
 * where none can stand for it. With `spend`, the request's body is used up (cancelled, unread),
 * as fetch uses up a Request it sends: a plugin that hands the same request on twice sends once.
 */
function backToWire(request: Request, source: WireRequest, spend: boolean): Request | undefined {
  if (request.bodyUsed || request.body?.locked) return undefined;
  // Text without a Content-Type (a plugin deleted it) would go with fetch's default, text/plain:
  // a copy of the Request sends it without one, as the plugin left it.
  if (source.body !== null && !request.headers.has("content-type")) return undefined;
  const copy = new WireRequest(source.url, {
    method: source.method,
    headers: Object.fromEntries(request.headers),
    body: source.body,
    signal: source.signal ?? null,
  });
  if (spend) request.body?.cancel().catch(() => {});
  return copy as unknown as Request;
}
