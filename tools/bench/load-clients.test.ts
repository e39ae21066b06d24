import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { offsetProblem } from '../../shared/protocol/offset-rules.ts';
import { makeEvents } from '../../server/test/support/ingest-fixtures.ts';
import { eventsOfBatch } from './load-clients.ts';

test('a benchmark session streams offsets the ingest accepts, batch after batch', () => {
  const sample = makeEvents(50);
  const stream = [1, 2, 3, 400].flatMap((seq) => eventsOfBatch(sample, seq));
  assert.is(offsetProblem(stream), null);
  assert.is(eventsOfBatch(sample, 1), sample, 'the first batch is the sample itself');
  assert.equal(eventsOfBatch(sample, 2).map((e) => e.code), sample.map((e) => e.code), 'only the offsets move');
});

test.run();
