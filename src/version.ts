/**
 * The version of this package; a test keeps it equal to package.json's.
 *
 * @example
 * ```ts
 * import { VERSION } from "cohere-batches";
 * console.log(`cohere-batches ${VERSION}`); // "cohere-batches 0.1.0"
 * ```
 * @public
 */
export const VERSION = "0.1.0";
