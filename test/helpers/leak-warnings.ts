/** The `MaxListenersExceededWarning`s Node emits while `run` runs (they come on a later tick). */
export async function leakWarnings(run: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => {
    if (warning.name === "MaxListenersExceededWarning") warnings.push(warning.message);
  };
  process.on("warning", onWarning);
  try {
    await run();
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off("warning", onWarning);
  }
  return warnings;
}
