/** The packages bundled into dist/node; tsdown.config.ts imports this list. */
export declare const BUNDLED_IN_NODE_BUILD: readonly string[];
/** The text of THIRD_PARTY_NOTICES.md, from the installed packages' own license files. */
export declare function renderNotices(): string;
