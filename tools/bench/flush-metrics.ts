/** Where the time goes: the ingest process's own flush histograms, read from /metrics. */
export async function scrapeFlushHistogram(port: number): Promise<{ count: number; meanRows: number; meanMs: number; durationShare: string }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  const count = value(/^ingest_flush_seconds_count\{[^}]*\} (\S+)$/m);
  const seconds = value(/^ingest_flush_seconds_sum\{[^}]*\} (\S+)$/m);
  const rows = value(/^ingest_flush_rows_sum\{[^}]*\} (\S+)$/m);
  const share = (le: string) => {
    const n = value(new RegExp(`^ingest_flush_seconds_bucket\\{le="${le}"[^}]*\\} (\\S+)$`, 'm'));
    return count ? `${Math.round((n / count) * 100)}%` : '-';
  };
  return {
    count,
    meanRows: count ? Math.round(rows / count) : 0,
    meanMs: count ? Math.round((seconds / count) * 10_000) / 10 : 0,
    durationShare: ['0.025', '0.05', '0.1', '0.25'].map(share).join(' / '),
  };
}
