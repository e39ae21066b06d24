import type { LoadtestApi } from './sidecar-api.ts';
import { addChecks, compareBatches, sessionsNeedingDetail, type SentSession, type StoredCheck } from './verify-compare.ts';

/**
 * End-to-end verification through the sidecar's load-test route: no database access needed,
 * so it works against any deployment the token opens. One summary per session; only the
 * sessions whose digest differs are fetched batch by batch.
 */
export async function verifyThroughApi(api: LoadtestApi, sent: readonly SentSession[]): Promise<StoredCheck> {
  const summaries = await api.storedSummaries(sent.map((c) => c.sessionId));
  const { clean, suspect } = sessionsNeedingDetail(sent, summaries);
  if (suspect.length === 0) return clean;
  const suspectSet = new Set(suspect);
  const rows = await api.storedBatches(suspect);
  return addChecks(clean, compareBatches(sent.filter((c) => suspectSet.has(c.sessionId)), rows));
}
