/**
 * The checks of what a test passes to `FakeCohere.handle` itself (a handler of its own server, a
 * custom fetch), where the SDK's `fetch` does not stand between them.
 */
import type { HandleOptions } from "./fake-cohere.js";
import { checkKnownKeys } from "./option-checks.js";

const HANDLE_OPTIONS: Readonly<Record<keyof HandleOptions, true>> = { role: true };

/**
 * A `Request` by everything `handle` reads of it (one of another realm or a polyfill passes): its
 * URL and method, headers it can get and walk, a signal it can listen to, a body it can read.
 */
function isRequest(value: unknown): value is Request {
  if (value instanceof Request) return true;
  try {
    const { url, method, headers, signal, arrayBuffer, text, formData } = value as Request;
    return (
      typeof url === "string" &&
      typeof method === "string" &&
      typeof headers?.get === "function" &&
      typeof headers[Symbol.iterator] === "function" &&
      typeof signal?.aborted === "boolean" &&
      typeof signal.addEventListener === "function" &&
      typeof signal.removeEventListener === "function" &&
      [arrayBuffer, text, formData].every((read) => typeof read === "function")
    );
  } catch {
    return false;
  }
}

/** Throws a `TypeError` naming it for a `request` that is no `Request`, or options that are not `{ role?: "api" | "download" }`. */
export function checkHandleArguments(request: Request, options: HandleOptions): void {
  // A test's own call (a handler of its server, a custom fetch): a misspelt role took every
  // request for the API's, a URL string for a Request failed as "Cannot read properties".
  if (!isRequest(request))
    throw new TypeError(
      `handle(request) takes a Request, got ${request === null ? "null" : typeof request === "object" ? "an object that is not one" : typeof request}`,
    );
  checkKnownKeys<HandleOptions>("handle's options", options, HANDLE_OPTIONS);
  if (options.role !== undefined && options.role !== "api" && options.role !== "download")
    throw new TypeError(`handle's options.role must be "api" or "download", got ${JSON.stringify(options.role)}`);
}
