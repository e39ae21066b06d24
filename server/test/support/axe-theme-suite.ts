// One axe run over every route in some themes, against its own database and servers: the
// client-axe-*.browser.test.ts files each call this with their share of the themes, so each
// file stays well inside the runner's time per file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Theme } from '../../../shared/practice/options.ts';
import { axeSweep } from './axe-sweep.ts';
import { startClientStack, type ClientStack } from './client-stack.ts';
import { freshDatabase } from './database.ts';
import { CHROMIUM_TOOL, requireCi } from './system-tools.ts';

export async function axeThemeSuite(themes: readonly Theme[]): Promise<void> {
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

  const names = themes.join(', ');
  chromiumTool.test(`axe-core: no serious or critical violation on any route (${names})`, async () => {
    const latest = async () => (await db!.pool.query<{ id: string }>('SELECT id FROM typing_sessions ORDER BY started_at DESC LIMIT 1')).rows[0]!.id;
    const found = await axeSweep(stack!.page, stack!.origin, themes, latest);
    console.log(`axe: ${names}: ${found.length} serious or critical violations`);
    assert.equal(found, [], found.join('\n'));
    assert.equal(stack!.takePageErrors(), [], 'uncaught errors in the page');
  });

  test.run();
}
