import fs from 'node:fs';

const START = '<!-- bench:side-by-side:start -->';
const END = '<!-- bench:side-by-side:end -->';

/** Replaces the side-by-side section of BENCHMARKS.md (created when missing) with this run. */
export function writeBenchmarksSection(file: string, run: { machine: string; date: string; table: string; summary: string; command: string }): void {
  const section = [
    START,
    `Measured ${run.date} on ${run.machine}; load generator, server and PostgreSQL share the machine.`,
    '',
    '```',
    run.table,
    '```',
    '',
    run.summary,
    '',
    `Reproduce: \`${run.command}\``,
    END,
  ].join('\n');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\n## Ingest side by side\n\n';
  const next = current.includes(START) ? current.replace(new RegExp(`${START}[\\s\\S]*?${END}`), section) : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}
