// Spreadsheet formulas in exported CSV (OWASP CSV injection): keys typed as = + - @ must
// open as text in a spreadsheet, while the JSON export keeps them exactly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { down, stream, up } from '../../shared/metrics/testing/events.ts';
import { storeSession } from './support/analytics-fixtures.ts';
import { sidecarSuite } from './support/sidecar-suite.ts';
import { signedInBrowser } from './support/sidecar-fixtures.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false' });
const FORMULAS = stream([
  down('Equal', '=', 0, { textPos: 0 }), up('Equal', 50), down('Equal', '+', 100, { textPos: 1 }), up('Equal', 150),
  down('Minus', '-', 200, { textPos: 2 }), up('Minus', 250), down('Digit2', '@', 300, { textPos: 3 }), up('Digit2', 350),
  down('KeyA', 'a', 400, { textPos: 4 }), up('KeyA', 450),
]);

test('key values that start a formula are exported as text in CSV and exactly in JSON', async () => {
  const owner = await signedInBrowser(env.sidecar);
  const id = await storeSession(env.db.pool, { userId: owner.userId, startedAt: new Date(Date.UTC(2026, 1, 1)), practiceText: '=+-@a', events: FORMULAS });
  const csv = (await owner.browser.get(`/api/export/sessions/${id}/events.csv`)).body as string;
  const header = csv.split('\n')[0]!.split(',');
  const keyColumn = header.indexOf('key_value');
  const values = csv.trim().split('\n').slice(1).map((line) => line.split(',')[keyColumn]);
  for (const value of values) assert.not.match(value!, /^[-=+@]/, `a cell starts a formula: ${value}`);
  assert.ok(values.includes("'=") && values.includes("'+") && values.includes("'-") && values.includes("'@") && values.includes('a'), values.join(' '));
  const json = (await owner.browser.get(`/api/export/sessions/${id}/events.json`)).body as Array<{ key: string }>;
  assert.equal([...new Set(json.map((e) => e.key).filter(Boolean))], ['=', '+', '-', '@', 'a']);
});

test.run();
