// The quick version of `npm run chaos`: kill -9, lost acks, two processes, hostile frames and
// bad tickets, each with its loss/duplicate figures, inside npm test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCENARIOS } from './scenarios.ts';
import { runScenarios } from './run-chaos.ts';

for (const scenario of SCENARIOS.filter((s) => s.quick)) {
  test(`chaos (quick): ${scenario.name}`, async () => {
    const [result] = await runScenarios([scenario], true, () => undefined);
    assert.is(result!.verdict, 'ok', result!.note);
    if (result!.sent !== null) {
      assert.is(result!.lost, 0);
      assert.is(result!.duplicates, 0);
      assert.ok(result!.sent > 0);
      assert.is(result!.stored, result!.acked);
    }
  });
}

test.run();
