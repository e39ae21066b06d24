import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyWarning, ceilingWarning, otherWorkCores, recordedCopyCeiling } from './machine-busy.ts';

test('a process spinning on a core is seen as other work on the machine', async () => {
  const spinner = spawn(process.execPath, ['-e', 'const end = Date.now() + 6000; while (Date.now() < end);'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const cores = await otherWorkCores(1500);
    assert.ok(cores >= 0.25, `a spinning process went unseen: ${cores} cores`);
    assert.match(busyWarning(cores)!, /the machine is busy: other processes kept [\d.]+ cores busy/);
  } finally {
    spinner.kill('SIGKILL');
  }
});

test('a COPY ceiling far below the recorded one is flagged; a quiet machine is not', () => {
  const md = '```\npath  events/s\n(a) raw COPY ceiling        471,233   1.00     -\n```';
  assert.is(recordedCopyCeiling(md), 471_233);
  assert.match(ceilingWarning(200_000, 471_233)!, /58% below the one BENCHMARKS.md records/);
  assert.is(ceilingWarning(450_000, 471_233), undefined);
  assert.is(ceilingWarning(1, undefined), undefined);
  assert.is(busyWarning(0.1), undefined);
});

test.run();
