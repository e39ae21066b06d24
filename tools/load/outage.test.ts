// The outage target a load run starts itself (--server-cmd) must always be stopped at the end
// without crashing the tool: a run that crashed there lost its report (exit 2, no JSON).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Outage } from './outage.ts';

test('finish() stops a server that dies of SIGTERM (exit code null, signal set) without throwing', async () => {
  // `sleep` has no SIGTERM handler: it ends by the signal, as a shell wrapper does.
  const outage = new Outage({ atSec: 1000, seconds: 1, serverCmd: 'sleep 30' });
  outage.startServer();
  await new Promise((r) => setTimeout(r, 200));
  await outage.finish();
});

test('finish() after the server already died on its own does not throw either', async () => {
  const outage = new Outage({ atSec: 1000, seconds: 1, serverCmd: 'exit 0' });
  outage.startServer();
  await new Promise((r) => setTimeout(r, 300));
  await outage.finish();
  assert.ok(true);
});

test.run();
