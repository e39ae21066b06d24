/** Runs `work` once cold, then `runs` times, and returns the first and the median in ms. */
export async function timed(work: () => Promise<unknown>, runs: number): Promise<{ firstMs: number; medianMs: number; samplesMs: number[] }> {
  const once = async () => {
    const t0 = performance.now();
    await work();
    return performance.now() - t0;
  };
  const firstMs = await once();
  const samplesMs: number[] = [];
  for (let i = 0; i < runs; i++) samplesMs.push(await once());
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { firstMs: round(firstMs), medianMs: round(medianMs), samplesMs: samplesMs.map(round) };
}

export const round = (ms: number) => Math.round(ms * 10) / 10;
