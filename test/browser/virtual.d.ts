// See vitest.browser.config.ts: what "cohere-batches" resolved to in the browser run.
declare module "virtual:cohere-batches-resolution" {
  const resolvedId: string | null;
  export default resolvedId;
}
