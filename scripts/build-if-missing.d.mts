// Types of scripts/build-if-missing.mjs, for test/tooling/prepack.test.ts.
/** The files under `dir` that its package.json's `main`, `module`, `types` and `exports` name and that do not exist. */
export declare function missingEntryFiles(dir: string): string[];
