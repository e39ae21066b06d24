import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { offsetProblem } from '../../shared/protocol/offset-rules.ts';
import { makeEvents } from '../../server/test/support/ingest-fixtures.ts';
import { eventsOfBatch, SharedBatches } from './shared-batches.ts';
import { decodeMessage } from '../../shared/protocol/codec.ts';

test('a benchmark session streams offsets the ingest accepts, batch after batch', () => {
  const sample = makeEvents(50);
  const stream = [1, 2, 3, 400].flatMap((seq) => eventsOfBatch(sample, seq));
  assert.is(offsetProblem(stream), null);
  assert.is(eventsOfBatch(sample, 1), sample, 'the first batch is the sample itself');
  assert.equal(eventsOfBatch(sample, 2).map((e) => e.code), sample.map((e) => e.code), 'only the offsets move');
});

test('a shared batch is the frame and the JSON each client would have built for that seq', () => {
  const sample = makeEvents(20);
  const shared = new SharedBatches(sample);
  const batch = shared.get(3);
  assert.is(shared.get(3), batch, 'built once per seq');
  assert.equal(decodeMessage(batch.frame), { ok: true, message: { t: 3, seq: 3, events: eventsOfBatch(sample, 3) } });
  assert.equal(JSON.parse(batch.eventsJson), eventsOfBatch(sample, 3));
  assert.is.not(shared.get(4).frame, batch.frame);
});

test.run();
