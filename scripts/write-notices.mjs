// Writes THIRD_PARTY_NOTICES.md: the licenses of the packages whose code the node build
// carries (tsdown.config.ts `BUNDLED_IN_NODE_BUILD`). Their MIT licenses ask for the notice to
// go with every copy, and dist/node holds a copy of some of their functions.
//
//   node scripts/write-notices.mjs           # rewrite the file
//   node scripts/write-notices.mjs --check   # exit 1 when the committed file is stale
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The packages bundled into dist/node; tsdown.config.ts imports this list. */
export const BUNDLED_IN_NODE_BUILD = ["openapi-fetch", "valibot"];

/** The notices file's text, from the installed packages' own license files. */
export function renderNotices() {
  const sections = BUNDLED_IN_NODE_BUILD.map((name) => {
    const dir = join(root, "node_modules", name);
    const { version, license } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const file = readdirSync(dir).find((entry) => /^licen[cs]e(\.md|\.txt)?$/i.test(entry));
    if (file === undefined) throw new Error(`${name} has no license file`);
    return `## ${name} ${version} (${license})\n\n\`\`\`\n${readFileSync(join(dir, file), "utf8").trim()}\n\`\`\`\n`;
  });
  return `# Third-party notices\n\nThe \`node\` build (\`dist/node\`) carries code from these packages; the other builds import them.\nThis file is written by \`node scripts/write-notices.mjs\`.\n\n${sections.join("\n")}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = join(root, "THIRD_PARTY_NOTICES.md");
  const text = renderNotices();
  if (process.argv.includes("--check")) {
    if (readFileSync(path, "utf8") !== text) {
      console.error("THIRD_PARTY_NOTICES.md is stale: run node scripts/write-notices.mjs");
      process.exit(1);
    }
  } else {
    writeFileSync(path, text);
  }
}
