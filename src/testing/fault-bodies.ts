/**
 * The socket-level faults as `fetch` reports them: a rejection for a dropped connection, a body
 * stream that stalls or errors for one that stops or breaks off mid-body. The Node HTTP server
 * recognises them by the same signs (see fault-responses.ts).
 */
import type { Operation } from "./wire.js";

// The cause attached to simulated connection errors, shaped like Node's socket errors.
function connectionReset(detail: string): Error {
  return Object.assign(new Error(`FakeCohere fault: ${detail}`), { code: "ECONNRESET" });
}

// What fetch rejects with when the connection is lost before a response.
export function droppedConnection(): TypeError {
  return new TypeError("fetch failed", { cause: connectionReset("connection dropped before a response") });
}

export function firstHalf(bytes: Uint8Array): Uint8Array {
  return bytes.subarray(0, Math.max(1, Math.floor(bytes.byteLength / 2)));
}

// A body that sends `prefix` and then nothing, until the request's signal aborts.
export function stalledBody(prefix: Uint8Array, signal: AbortSignal): ReadableStream<Uint8Array> {
  let onAbort: (() => void) | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (prefix.byteLength > 0) controller.enqueue(prefix);
      onAbort = () => controller.error(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    },
    cancel() {
      if (onAbort) signal.removeEventListener("abort", onAbort);
    },
  });
}

// A body that sends `prefix` and then fails as a reset connection does under fetch.
export function brokenBody(prefix: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(prefix);
    },
    pull(controller) {
      controller.error(new TypeError("terminated", { cause: connectionReset("connection reset mid-body") }));
    },
  });
}

// The opening bytes of a body of this operation, for a reset before the server acted.
export function bodyPrefix(operation: Operation): string {
  if (operation === "list") return '{"batches":[';
  if (operation === "create" || operation === "retrieve") return '{"batch":{';
  if (operation === "datasets.list") return '{"datasets":[';
  if (operation === "datasets.retrieve") return '{"dataset":{';
  return "{";
}
