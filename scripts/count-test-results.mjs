#!/usr/bin/env node
// The last line of .ci/run: "N passed, M failed" over vitest's JSON reports (the Node run's and
// the browser run's), exiting 1 unless every report is there and nothing failed.
//
// A failed test is not the only failure: a test file that fails to load, or a hook
// (beforeAll, afterAll...) that throws, fails its file without failing any test, so vitest
// counts it in numFailedTestSuites and not in numFailedTests. Each such file counts as one
// failure here. (numFailedTestSuites alone would count a file with a failed test twice: once
// for the test, once for its file, and again for each describe block around it.)
import { existsSync, readFileSync } from "node:fs";
import { basename, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * @param {readonly string[]} files the JSON reports, in order
 * @returns {{ line: string, ok: boolean }}
 */
export function countResults(files) {
  let passed = 0;
  let failedTests = 0;
  let skipped = 0;
  const failedFiles = [];
  const missing = [];
  let success = true;
  for (const file of files) {
    if (!existsSync(file)) {
      missing.push(basename(file));
      continue;
    }
    const report = JSON.parse(readFileSync(file, "utf8"));
    passed += report.numPassedTests;
    failedTests += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    success &&= report.success === true;
    for (const result of report.testResults) {
      const testFailed = result.assertionResults.some((assertion) => assertion.status === "failed");
      if (result.status === "failed" && !testFailed) failedFiles.push(relative(process.cwd(), result.name));
    }
  }
  const failed = failedTests + failedFiles.length;
  const notes = [];
  if (failedFiles.length > 0) notes.push(`failed outside a test (load or hook): ${failedFiles.join(", ")}`);
  if (missing.length > 0) notes.push(`no report: ${missing.join(", ")} (vitest did not run or did not finish)`);
  const line = `${passed} passed, ${failed} failed, ${skipped} skipped${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`;
  return { line, ok: failed === 0 && missing.length === 0 && success };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { line, ok } = countResults(process.argv.slice(2));
  console.log(line);
  process.exitCode = ok ? 0 : 1;
}
