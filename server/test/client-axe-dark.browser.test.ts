// axe-core in a real Chromium against the real servers: no serious or critical violation
// (WCAG 2.1 A/AA and best practice, colour contrast included) on any route, in the
// default and cyberpunk themes (client-axe-*.browser.test.ts split the themes so each file stays
// well inside the runner's time per file). Screenshots of the typing page, the results and
// the analysis page in each theme go to test-artifacts/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { axeSweep } from './support/axe-sweep.ts';
import { startClientStack, type ClientStack } from './support/client-stack.ts';
import { freshDatabase } from './support/database.ts';
import { CHROMIUM_TOOL, requireCi } from './support/system-tools.ts';

const chromiumTool = CHROMIUM_TOOL();
const db = chromiumTool.path !== undefined || requireCi() ? await freshDatabase() : null;
let stack: ClientStack | null = null;

test.before(async () => {
  if (db) stack = await startClientStack(db);
});

test.after(async () => {
  await stack?.close();
  await db?.drop();
});

chromiumTool.test('axe-core: no serious or critical violation on any route (default, cyberpunk)', async () => {
  const latest = async () => (await db!.pool.query<{ id: string }>('SELECT id FROM typing_sessions ORDER BY started_at DESC LIMIT 1')).rows[0]!.id;
  const found = await axeSweep(stack!.page, stack!.origin, ['default', 'cyberpunk'] as const, latest);
  console.log(`axe: default, cyberpunk: ${found.length} serious or critical violations`);
  assert.equal(found, [], found.join('\n'));
  assert.equal(stack!.takePageErrors(), [], 'uncaught errors in the page');
});

test.run();
