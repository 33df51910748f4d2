/**
 * What differs between the builds. Each build (`node`, `browser`, and the default for workers
 * and edge runtimes) bundles exactly one implementation, chosen by the `#platform` alias in
 * `tsdown.config.ts`, so the browser and edge builds carry no trace of `process`.
 */
import type { LogLevel } from "../core/logger.js";

/** The defaults a runtime with environment variables reads: `CO_API_KEY`, `CO_API_URL`, `COHERE_LOG`. */
export interface EnvironmentDefaults {
  /** `CO_API_KEY`, checked; a `CohereError` when it is unset, empty or malformed. */
  token(): string;
  /** `CO_API_URL`, checked; `undefined` when it is unset or empty. */
  baseUrl(): string | undefined;
  /** `COHERE_LOG`, checked; `"off"` when it is unset or empty. */
  logLevel(): LogLevel;
}

export interface Runtime {
  /**
   * The client's defaults from environment variables (Node only, so that the other builds carry
   * none of their words), each read only when its option is unset: a read may need a
   * permission (Deno's `--allow-env`).
   */
  readonly environment?: EnvironmentDefaults;
  /** The `User-Agent` to send, where the runtime lets us set one (Node only). */
  readonly userAgent: string | undefined;
  /** True where an API key would be exposed to a web page's users. */
  isBrowserLike(): boolean;
  /**
   * The runtime's own raw-deflate inflater for results, capped at `maxOutputLength` bytes, where
   * it beats `DecompressionStream` (Node's zlib: 3-5x); `undefined` elsewhere. Loaded when first
   * asked, so a program that never reads results never loads it.
   */
  nativeInflateRaw?(maxOutputLength: number): ((block: Uint8Array) => Uint8Array) | undefined;
  /**
   * Lets `signal` hold as many abort listeners as fetch lets it (Node only: past 10 it warns of
   * a leak, and every call in flight follows the caller's signal with one).
   */
  allowAbortListeners?(signal: AbortSignal): void;
  /**
   * True for a `Proxy` (Node only, where a Proxy of an `AbortSignal` passes for one: its brand
   * check reads a symbol, through the Proxy's traps; elsewhere the brand is an internal slot).
   */
  isProxy?(value: object): boolean;
  /**
   * The length of `text` in UTF-8 bytes, where the runtime counts it without a copy (Node's
   * `Buffer.byteLength`): tells a body that Node's `Response.text()` read with two byte order
   * marks removed (see `readBody`).
   */
  utf8Length?(text: string): number;
}
