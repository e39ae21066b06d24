// `npm run load:merge -- a.json b.json ... [--json merged.json] [--html FILE] [--openmetrics FILE] [--threshold EXPR]`:
// the results of generators that ran on several machines (same --run-tag, same start) as
// one: counts summed, HDR histograms added, thresholds judged on the whole. Same exit codes
// as `npm run load`.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { EXIT, exitCodeFor } from '../load/exit-codes.ts';
import { htmlReport } from '../load/html-report.ts';
import { openMetrics } from '../load/openmetrics.ts';
import { printReport } from '../load/report.ts';
import { mergeResults, type LoadResult } from '../load/result.ts';
import { evaluateThresholds, parseThreshold, parseThresholdFile } from '../load/thresholds.ts';

const USAGE = 'usage: npm run load:merge -- RESULT.json RESULT.json ... [--json FILE] [--html FILE] [--openmetrics FILE] [--threshold EXPR ...] [--thresholds-file FILE]';
let merged: LoadResult;
let args;
try {
  const parsed = parseArgs({ allowPositionals: true, options: { json: { type: 'string' }, html: { type: 'string' }, openmetrics: { type: 'string' }, threshold: { type: 'string', multiple: true }, 'thresholds-file': { type: 'string' }, help: { type: 'boolean' } } });
  args = parsed.values;
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(EXIT.OK);
  }
  if (parsed.positionals.length === 0) throw new Error('give at least one result file');
  const results = parsed.positionals.map((file) => {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as LoadResult;
    if (data.tool?.name !== 'fingerflow-load' || typeof data.ackLatencyHistogram !== 'string') throw new Error(`${file} is not a result of npm run load --json`);
    return data;
  });
  const tags = new Set(results.map((r) => r.settings.runTag));
  if (tags.size > 1) process.stderr.write(`load:merge: warning: the results come from different runs (${[...tags].join(', ')})\n`);
  merged = mergeResults(results);
  const thresholds = [...(args.threshold ?? []).map(parseThreshold), ...(args['thresholds-file'] ? parseThresholdFile(fs.readFileSync(args['thresholds-file'], 'utf8')) : [])];
  merged.thresholds = evaluateThresholds(thresholds, merged);
} catch (error) {
  process.stderr.write(`load:merge: ${(error as Error).message}\n${USAGE}\n`);
  process.exit(EXIT.USAGE);
}
merged.exitCode = exitCodeFor(merged);
printReport(merged);
if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(merged, null, 2)}\n`);
if (args.html) fs.writeFileSync(args.html, htmlReport(merged));
if (args.openmetrics) fs.writeFileSync(args.openmetrics, openMetrics(merged));
process.exit(merged.exitCode);
