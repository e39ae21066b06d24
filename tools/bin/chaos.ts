// `npm run chaos -- [--quick] [--only NAME] [--json FILE]`: each fault and attack scenario on
// this machine (loopback only, bounded in time, cleaning up after itself), a table of what was
// sent, acknowledged and stored, and RELIABILITY.md updated with the figures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SCENARIOS } from '../chaos/scenarios.ts';
import { runScenarios } from '../chaos/run-chaos.ts';
import { resultTable, writeReliability } from '../chaos/report.ts';
import { REPO_ROOT } from '../../server/test/support/processes.ts';

const USAGE = `usage: npm run chaos -- [--quick] [--only NAME] [--json FILE] [--no-report]

  --quick       the quick scenarios only, with smaller figures (what npm test runs); RELIABILITY.md untouched
  --only NAME   the scenarios whose name contains NAME; RELIABILITY.md untouched
  --json FILE   the results as JSON
  --no-report   leave RELIABILITY.md as it is after a full run

scenarios:
${SCENARIOS.map((s) => `  ${s.name}${s.quick ? ' (quick)' : ''}`).join('\n')}
`;

const args = parseOptions();
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const chosen = SCENARIOS.filter((s) => (args.only ? s.name.includes(args.only) : !args.quick || s.quick));
if (chosen.length === 0) {
  process.stderr.write(`no scenario matches; the scenarios are:\n${SCENARIOS.map((s) => `  ${s.name}`).join('\n')}\n`);
  process.exit(2);
}
const results = await runScenarios(chosen, args.quick, (line) => process.stderr.write(`[chaos] ${line}\n`));
process.stdout.write(`\n${resultTable(results)}\n\n`);
if (args.json) {
  fs.writeFileSync(args.json, `${JSON.stringify(results.map(({ note, ...r }) => (r.verdict === 'ok' ? r : { ...r, reason: note })), null, 2)}\n`);
}
if (!args.quick && !args.only && !args['no-report']) {
  writeReliability(path.join(REPO_ROOT, 'RELIABILITY.md'), results, {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    command: 'npm run chaos -- --json chaos.json',
  });
}
process.exitCode = results.some((r) => r.verdict === 'fail') ? 1 : 0;

/** The options, or one line and exit code 2 for a bad one: an operator's typo needs no stack trace. */
function parseOptions() {
  try {
    return parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, json: { type: 'string' }, 'no-report': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } }).values;
  } catch (error) {
    process.stderr.write(`npm run chaos: ${(error as Error).message} (--help lists the options)\n`);
    process.exit(2);
  }
}
