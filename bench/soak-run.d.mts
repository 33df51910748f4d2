export interface SoakResult {
  calls: number;
  ended: number;
  injected: number;
  outcomes: Record<string, number>;
  untyped: number;
  unhandled: number;
  heapGrowthBytes: number;
  durationMs: number;
}
export function runSoak(options: {
  calls: number;
  concurrency: number;
  faultRate: number;
  seed: number;
}): Promise<SoakResult>;
export function mulberry32(seed: number): () => number;
