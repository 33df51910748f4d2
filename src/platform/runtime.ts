/**
 * What differs between the builds. Each build (`node`, `browser`, and the default for workers
 * and edge runtimes) bundles exactly one implementation, chosen by the `#platform` alias in
 * `tsdown.config.ts`, so the browser and edge builds carry no trace of `process`.
 */
export interface Runtime {
  /** True where `readEnvironment` can return anything (Node only): error messages mention the variables. */
  readonly hasEnvironment: boolean;
  /** An environment variable, where the runtime has them (Node only). */
  readEnvironment(name: string): string | undefined;
  /**
   * Why `name` could not be read, when the runtime refused (Deno without `--allow-env`), for a
   * message about it; `undefined` when it was read or is not set. Node build only, so that the
   * other builds carry none of its words.
   */
  unreadableEnvironment?(name: string): string | undefined;
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
