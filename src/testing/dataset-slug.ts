/**
 * The name part of a dataset id: Cohere's ids are the name's slug and six random characters
 * (`my-batch-output-c2waz1` in the spec's example).
 *
 * @example
 * ```ts
 * datasetSlug("My Nightly Batch/2"); // "my-nightly-batch-2"
 * ```
 */
export function datasetSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}
