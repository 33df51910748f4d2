// Types of scripts/find-chromium.mjs, for vitest.browser.config.ts and its test.
export interface FoundChromium {
  readonly path: string;
  /** "CHROMIUM_PATH", "Playwright's download" or "system package". */
  readonly source: string;
}
export declare const SYSTEM_CHROMIUMS: readonly string[];
export declare const NO_CHROMIUM: string;
export declare function defaultCandidates(): FoundChromium[];
export declare function findChromium(options?: {
  env?: NodeJS.ProcessEnv;
  candidates?: readonly FoundChromium[];
}): FoundChromium | undefined;
export declare function ensureChromium(options?: {
  env?: NodeJS.ProcessEnv;
  candidates?: () => readonly FoundChromium[];
  install?: () => boolean;
}): FoundChromium;
