// The operator's view of refusals: claims and ends the database could not answer are logged
// with their cause (pool exhausted, database down), at most 20 a minute, then a count.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Logger } from '../../obs/logger.ts';
import type { ProtectionMetrics } from '../../obs/protection-metrics.ts';
import { ProtocolLog } from './protocol-log.ts';

function logged() {
  const lines: Array<Record<string, unknown>> = [];
  const log = { warn: (fields: Record<string, unknown>) => lines.push(fields), error: (fields: Record<string, unknown>) => lines.push(fields) } as unknown as Logger;
  return { lines, log };
}

test('a refused claim is logged with its cause; a flood of them is cut at 20 a minute and counted', () => {
  const { lines, log } = logged();
  let now = 0;
  const protocolLog = new ProtocolLog(log, {} as ProtectionMetrics, () => now);
  for (let i = 0; i < 50; i++) protocolLog.report({ kind: 'database_unavailable', sessionId: `s${i}`, during: 'claim', cause: 'timeout exceeded when trying to connect' });
  assert.is(lines.length, 20);
  assert.equal(lines[0], { event: 'ingest_database_refusal', sessionId: 's0', during: 'claim', cause: 'timeout exceeded when trying to connect' });
  now = 60_000;
  protocolLog.report({ kind: 'database_unavailable', sessionId: 'later', during: 'end', cause: 'connection terminated' });
  assert.equal(lines.slice(20).map((l) => l.event), ['ingest_protocol_log_suppressed', 'ingest_database_refusal']);
  assert.equal(lines[20]!.suppressed, [{ code: 'database_unavailable', suppressed: 30 }]);
});

test.run();
