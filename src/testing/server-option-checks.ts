/** The checks `startFakeCohereServer` runs on its arguments before it listens. */
import type { FakeCohere } from "./fake-cohere.js";
import { checkKnownKeys } from "./option-checks.js";
import type { FakeCohereServerOptions } from "./server-types.js";

/** The port and host to listen on; a `TypeError` or `RangeError` for an argument that is not one. */
export function checkServerArguments(
  fake: FakeCohere,
  options: FakeCohereServerOptions,
): { port: number; host: string } {
  if (typeof fake !== "object" || fake === null || typeof (fake as Partial<FakeCohere>).handle !== "function")
    throw new TypeError("fake must be a FakeCohere");
  checkKnownKeys<FakeCohereServerOptions>("options", options, { port: true, host: true });
  const { port = 0, host = "127.0.0.1" } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    // A number as it is: JSON says null for NaN and Infinity.
    throw new RangeError(
      `port must be an integer from 0 to 65535, got ${typeof port === "number" ? String(port) : JSON.stringify(port)}`,
    );
  // An empty host would listen on every interface, and make no URL.
  if (typeof host !== "string" || host === "")
    throw new TypeError(`host must be an address of this machine, got ${JSON.stringify(host)}`);
  return { port, host };
}
