// Read only by the analysis of api-extractor.otel.json (api-extractor.otel.tsconfig.json).
//
// api-extractor analyses one entry point at a time. The otel entry's d.ts imports the main
// entry's types by the package's name ("cohere-batches"); resolved as TypeScript resolves a
// package importing itself (its own `exports`, into dist/), those types count as this entry's
// own and are reported as forgotten exports. For the otel entry the main entry is another
// package, as it is for a user, so that tsconfig resolves modules as Node10 does (no
// self-reference) and this ambient module stands for the main entry: the report shows
// `import { TwoPhasePlugin } from 'cohere-batches'`. It points at the same d.ts as
// api-extractor.json. A main-entry type the otel d.ts imports and this file does not list
// fails the check with a compiler error.
declare module "cohere-batches" {
  export type TwoPhasePlugin = import("../dist/default/index.mjs").TwoPhasePlugin;
}
