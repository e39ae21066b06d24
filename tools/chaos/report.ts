import fs from 'node:fs';
import type { ScenarioResult } from './result.ts';

/** The table of a chaos run, for the terminal and for RELIABILITY.md. */
export function resultTable(results: ScenarioResult[]): string {
  const cell = (v: number | null) => (v === null ? '-' : v.toLocaleString('en'));
  const rows = [
    ['scenario', 'sent', 'acked', 'stored', 'lost', 'duplicates', 'recovery s', 'verdict'],
    ...results.map((r) => [r.scenario, cell(r.sent), cell(r.acked), cell(r.stored), cell(r.lost), cell(r.duplicates), r.recoverySeconds === null ? '-' : String(r.recoverySeconds), r.verdict]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')).join('\n');
}

const START = '<!-- chaos:start -->';
const END = '<!-- chaos:end -->';

/** Replaces the measured section of RELIABILITY.md with this run's table and notes. */
export function writeReliability(file: string, results: ScenarioResult[], context: { date: string; machine: string; command: string }): void {
  const section = [
    START,
    `Measured ${context.date} on ${context.machine}. Reproduce: \`${context.command}\``,
    '',
    '```',
    resultTable(results),
    '```',
    '',
    ...results.map((r) => `- **${r.scenario}** (${r.verdict}): ${r.note}`),
    END,
  ].join('\n');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Reliability\n';
  const next = current.includes(START) ? current.replace(new RegExp(`${START}[\\s\\S]*?${END}`), section) : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
}
