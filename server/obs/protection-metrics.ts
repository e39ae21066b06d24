import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Metrics of the ingest server's defences (issue 15): input the protocol refuses or reports,
 * connections refused by a cap, and how long the oldest received batch has waited for its
 * COMMIT (a stall of PostgreSQL shows here first, before any buffer fills).
 */
export function createProtectionMetrics(registry: Registry, probes: { oldestUnflushedBatchAgeMs: () => number }) {
  const seqConflicts = new Counter({ name: 'ingest_seq_conflicts_total', help: 'Resent batches whose content differs from the batch first received under that seq (the first is kept)', registers: [registry] });
  const ackedLost = new Counter({ name: 'ingest_acked_data_lost_total', help: 'Hellos whose lastAckedSeq is beyond what is stored', registers: [registry] });
  const capped = new Counter({ name: 'ingest_connections_capped_total', help: 'Upgrades refused by a connection cap, by cap', labelNames: ['cap'], registers: [registry] });
  new Gauge({
    name: 'ingest_oldest_unflushed_batch_seconds', help: 'Age of the oldest batch received and not yet committed; 0 when none waits', registers: [registry],
    collect() { this.set(probes.oldestUnflushedBatchAgeMs() / 1000); },
  });
  return {
    seqConflict: () => seqConflicts.inc(),
    ackedDataLost: () => ackedLost.inc(),
    connectionCapped: (cap: string) => capped.inc({ cap }),
  };
}

export type ProtectionMetrics = ReturnType<typeof createProtectionMetrics>;
