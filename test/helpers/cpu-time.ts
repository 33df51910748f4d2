/**
 * What synchronous `run` returns and the CPU time it took, in ms: the process's, not the wall
 * clock's, so that a busy machine (another test file on the other core) does not count its waits.
 */
export function withCpuMs<T>(run: () => T): { value: T; ms: number } {
  const started = process.cpuUsage();
  const value = run();
  const { user, system } = process.cpuUsage(started);
  return { value, ms: (user + system) / 1000 };
}
