import fs from 'node:fs';

const START = '<!-- bench:isolation:start -->';
const END = '<!-- bench:isolation:end -->';

/** Replaces the isolation section of BENCHMARKS.md (appended when missing) with this run. */
export function writeIsolationSection(file: string, run: { machine: string; date: string; table: string; summary: string; command: string }): void {
  const section = [
    START,
    `Measured ${run.date} on ${run.machine}; load generator, sidecar, ingest server and PostgreSQL share the machine, and the machine was busy (other helpers' builds and tests ran at the same time), so read the ratios, not the milliseconds.`,
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
  const current = fs.readFileSync(file, 'utf8');
  const next = current.includes(START) ? current.replace(new RegExp(`${START}[\\s\\S]*?${END}`), section) : `${current.trimEnd()}\n\n## Isolation: worst-case analytics beside typists and sign-in\n\n${section}\n`;
  fs.writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}
