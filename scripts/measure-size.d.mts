// Types of scripts/measure-size.mjs, for test/runtimes/size.test.ts.
export declare const BUDGET_GZIP_BYTES: number;
/** The dependency functions the SDK uses, as a snippet to bundle alone. */
export declare const DEPENDENCY_FLOOR: string;
export declare const USES: Readonly<Record<"cohere-batches" | "cohere-ai" | "openapi-fetch", string>>;
export interface Measurement {
  /** Bytes of the minified bundle. */
  minBytes: number;
  /** Bytes of the minified bundle gzipped at level 9. */
  gzipBytes: number;
  /** The same with every double-quoted message replaced by one character. */
  gzipWithoutMessagesBytes: number;
  /** Bytes of the chunks loaded only by a dynamic import (the upload code), gzipped at level 9. */
  lazyGzipBytes: number;
  /** Bytes each input contributes to the minified bundle, largest first. */
  inputs: Record<string, number>;
}
export declare function measure(contents: string, resolveDir: string): Promise<Measurement>;
