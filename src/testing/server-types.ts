// The types of the fake's HTTP server, apart from its code (node:http), so that every build of
// `cohere-batches/testing` declares them: see server-unavailable.ts.

/**
 * Options of `startFakeCohereServer`.
 *
 * @public
 */
export interface FakeCohereServerOptions {
  /** The port; 0 picks a free one. @default 0 */
  port?: number | undefined;
  /** The interface to listen on; keep it loopback. @default "127.0.0.1" */
  host?: string | undefined;
}

/**
 * A running fake server.
 *
 * @public
 */
export interface FakeCohereServer {
  /** The base URL, e.g. `http://127.0.0.1:54321`: pass it as the SDK's `baseUrl`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The download origin of datasets' signed part URLs, on a second port. */
  readonly downloadUrl: string;
  /**
   * Stops the server and destroys every open socket (stalled responses and idle keep-alive
   * connections included), so that a test run can exit at once. Safe to call twice.
   */
  close(): Promise<void>;
}
