// The runner's guards: a stray `.only`, a file that registers no test, and tests that need a
// system tool (skipped with a reason locally, required under CI=true).
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findOnly, parseUvuSummary, skipReasons } from './runner-support.ts';
import { SKIP_MARK } from './support/system-tools.ts';
import { REPO_ROOT } from './support/processes.ts';

test('findOnly reports the line of each .only call and ignores comments', () => {
  // Built from parts so that this file does not trip the guard it tests.
  const only = ['', 'only'].join('.');
  const source = ["test('a', () => {});", `test${only}('b', () => {});`, `// test${only} is banned`, `  suite${only} ('c', fn);`].join('\n');
  assert.equal(findOnly(source), [2, 4]);
  assert.equal(findOnly("test('only the first', () => {});"), []);
});

test('skipReasons keeps the text after the mark', () => {
  const output = `ok\n${SKIP_MARK} chromium is not installed (apt-get install -y chromium); its tests are skipped\nTotal: 0`;
  assert.equal(skipReasons(output, SKIP_MARK), ['chromium is not installed (apt-get install -y chromium); its tests are skipped']);
});

// A tiny uvu file that needs a tool no machine has, run as the runner runs files.
const PROBE = `
import { test } from 'uvu';
import { systemTool, toolPath } from './server/test/support/system-tools.ts';
const tool = systemTool('ff-no-such-tool', [], 'apt-get install -y ff-no-such-tool');
tool.test('uses the tool', () => { toolPath(tool); });
test.run();
`;

function runProbe(ci: string | undefined): { output: string; status: number | null } {
  const env = { ...process.env, NO_COLOR: '1' } as Record<string, string>;
  delete env.CI;
  if (ci) env.CI = ci;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], { cwd: REPO_ROOT, env, encoding: 'utf8' });
  return { output: result.stdout + result.stderr, status: result.status };
}

test('a missing system tool skips its tests with a reason outside CI', () => {
  const { output, status } = runProbe(undefined);
  assert.is(status, 0, output);
  assert.equal(skipReasons(output, SKIP_MARK), ['ff-no-such-tool is not installed (apt-get install -y ff-no-such-tool); its tests are skipped']);
  assert.equal(parseUvuSummary(output), { total: 0, passed: 0, skipped: 1 });
});

test('under CI=true a missing system tool fails its tests', () => {
  const { output, status } = runProbe('true');
  assert.is.not(status, 0, output);
  assert.match(output, /ff-no-such-tool is required when CI=true/);
  assert.equal(parseUvuSummary(output), { total: 1, passed: 0, skipped: 0 });
});

test.run();
