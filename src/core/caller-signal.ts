// A caller's `AbortSignal`: recognised across realms, and listened to through a signal of the
// SDK's where its fields are the caller's own.
import { runtime } from "#platform";
import * as v from "valibot";
import { unreadable } from "./input.js";

/**
 * True for an `AbortSignal`, recognised by what the SDK uses of it so that signals from another
 * realm (a test DOM) pass: a boolean `aborted` and listeners it can add and remove. Every
 * caller's signal is checked here before any use: in Node, its listener limit is raised to
 * fetch's (`allowAbortListeners`), since each call in flight keeps a listener on it.
 *
 * @throws What the value throws as it is used (a getter, a method that throws), so that such a
 * value is refused once, as input (`checkInput`), rather than wherever the SDK would use it.
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== "object" || value === null || !("aborted" in value)) return false;
  const signal = value as AbortSignal;
  if (typeof signal.addEventListener !== "function" || typeof signal.removeEventListener !== "function") return false;
  // Raised first: the listener tried here for a moment is then never the one Node warns of.
  runtime.allowAbortListeners?.(signal);
  signal.addEventListener("abort", ignoreAbort);
  signal.removeEventListener("abort", ignoreAbort);
  return typeof signal.aborted === "boolean";
}

function ignoreAbort(): void {}

const nativeAborted = Object.getOwnPropertyDescriptor(globalThis.AbortSignal?.prototype ?? {}, "aborted")?.get;
/** The fields of a signal the SDK reads: one of a caller's own over them is followed, not trusted. */
const readFields = ["aborted", "reason", "addEventListener", "removeEventListener"];
const mirrors = new WeakMap<AbortSignal, AbortController>();

/**
 * The signal the SDK listens to for a caller's `abortSignal` (one that `isAbortSignal` took): the
 * signal itself when it is this realm's own `AbortSignal`, whose fields cannot throw; else (a
 * Proxy, a look-alike, a signal of another realm) a signal of the SDK's that follows it, one per
 * caller's signal. What the caller's object does is then met once, here: a `reason` getter that
 * throws as the signal fires was an uncaught exception in the SDK's listener, an `aborted` getter
 * that throws at the second read a raw error out of the call. Such a signal aborts the calls on
 * it, with a `CohereError` that says so as its reason.
 */
export function trustedSignal(signal: AbortSignal): AbortSignal {
  try {
    // Throws for anything but this realm's own signal, a Proxy of one included.
    nativeAborted?.call(signal);
    if (
      nativeAborted !== undefined &&
      !runtime.isProxy?.(signal) &&
      Object.getPrototypeOf(signal) === AbortSignal.prototype &&
      // No field of its own over the prototype's that the SDK reads.
      !readFields.some((key) => Object.hasOwn(signal, key))
    )
      return signal;
  } catch {}
  const known = mirrors.get(signal);
  const mirror = known ?? new AbortController();
  if (known === undefined) {
    mirrors.set(signal, mirror);
    runtime.allowAbortListeners?.(mirror.signal);
  }
  const unreadableSignal = (error: unknown) => mirror.abort(unreadable("Invalid request options: abortSignal", error));
  const follow = () => {
    try {
      mirror.abort(signal.reason);
    } catch (error) {
      unreadableSignal(error);
    }
  };
  try {
    // Looked at for every call: a look-alike may be aborted without telling its listeners.
    if (signal.aborted) follow();
    else if (known === undefined) signal.addEventListener("abort", follow, { once: true });
  } catch (error) {
    unreadableSignal(error);
  }
  return mirror.signal;
}

/** An `AbortSignal` (see `isAbortSignal`), as the SDK listens to it (see `trustedSignal`). */
export const abortSignalSchema = v.pipe(
  v.custom<AbortSignal>(isAbortSignal, "must be an AbortSignal"),
  v.transform(trustedSignal),
);
