import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The ingest server's Prometheus metrics, named for what an operator asks of them. */
export function createIngestMetrics(registry: Registry, probes: { bufferedBytes: () => number; databaseAvailable: () => boolean; analyticsPending: () => number }) {
  const connections = new Gauge({ name: 'ingest_connections', help: 'Open keystroke connections', labelNames: ['transport'], registers: [registry] });
  const frames = new Counter({ name: 'ingest_frames_total', help: 'Frames received', labelNames: ['transport'], registers: [registry] });
  const rowsCopied = new Counter({ name: 'ingest_rows_copied_total', help: 'Keystroke rows committed with COPY', registers: [registry] });
  const flushRows = new Histogram({ name: 'ingest_flush_rows', help: 'Rows per COPY flush', buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 4000, 8000, 16000], registers: [registry] });
  const flushSeconds = new Histogram({ name: 'ingest_flush_seconds', help: 'Duration of a flush transaction', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] });
  const flushes = new Counter({ name: 'ingest_flushes_total', help: "Flush transactions, by plan: 'optimistic' or 'locked' (takeovers, ends, resends)", labelNames: ['path'], registers: [registry] });
  const commitSeconds = new Histogram({ name: 'ingest_batch_commit_seconds', help: 'From receiving a batch to committing it (then it is acknowledged)', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] });
  const flushFailures = new Counter({ name: 'ingest_flush_failures_total', help: "Flush transactions that failed, by reason: 'database_unavailable' (retried with backoff) or 'data' (sessions stored one by one)", labelNames: ['reason'], registers: [registry] });
  const acks = new Counter({ name: 'ingest_acks_total', help: 'Acknowledgements sent', registers: [registry] });
  const errors = new Counter({ name: 'ingest_errors_total', help: 'Errors sent to clients, by code', labelNames: ['code'], registers: [registry] });
  const upgradesRefused = new Counter({ name: 'ingest_upgrades_refused_total', help: 'WebSocket upgrades refused, by code', labelNames: ['code'], registers: [registry] });
  new Gauge({ name: 'ingest_buffered_bytes', help: 'Bytes of batches received but not yet committed', registers: [registry], collect() { this.set(probes.bufferedBytes()); } });
  new Gauge({ name: 'ingest_database_available', help: '1 while flushes reach PostgreSQL', registers: [registry], collect() { this.set(probes.databaseAvailable() ? 1 : 0); } });
  new Gauge({ name: 'ingest_analytics_pending', help: 'Ended sessions whose analytics wait to be computed', registers: [registry], collect() { this.set(probes.analyticsPending()); } });
  return {
    connectionOpened: (transport: string) => connections.inc({ transport }),
    connectionClosed: (transport: string) => connections.dec({ transport }),
    frameReceived: (transport: string) => frames.inc({ transport }),
    flushed: (rows: number, ms: number, path: string, batchAgesMs: readonly number[]) => {
      flushes.inc({ path });
      for (const age of batchAgesMs) commitSeconds.observe(age / 1000);
      rowsCopied.inc(rows);
      flushRows.observe(rows);
      flushSeconds.observe(ms / 1000);
    },
    flushFailed: (reason: string) => flushFailures.inc({ reason }),
    ackSent: () => acks.inc(),
    errorSent: (code: string) => errors.inc({ code }),
    upgradeRefused: (code: string) => upgradesRefused.inc({ code }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
