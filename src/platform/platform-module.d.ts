// `#platform` is resolved per build by tsdown's `alias` (tsdown.config.ts) and by vitest's
// (vitest.config.ts); for the type checker every build's module has this one shape.
declare module "#platform" {
  export const runtime: import("./runtime.js").Runtime;
}
