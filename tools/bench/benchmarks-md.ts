import fs from 'node:fs';

export interface BenchRun {
  machine: string;
  date: string;
  table: string;
  summary: string;
  command: string;
}

interface MarkedSection {
  /** Names the `<!-- bench:NAME:start -->` / `:end` markers around the section. */
  name: string;
  /** What the line after "Measured DATE on MACHINE;" says about the machine. */
  conditions: string;
  /** The file's text when it does not exist yet. */
  newFile: string;
  /** Written before the section when the file has no markers yet. */
  heading: string;
}

/**
 * Replaces one benchmark's section of BENCHMARKS.md with this run, between its markers, so a
 * run rewrites only its own figures and never the text around them (appended when missing).
 */
function writeMarkedSection(file: string, spec: MarkedSection, run: BenchRun): void {
  const start = `<!-- bench:${spec.name}:start -->`;
  const end = `<!-- bench:${spec.name}:end -->`;
  const section = [
    start,
    `Measured ${run.date} on ${run.machine}; ${spec.conditions}`,
    '',
    '```',
    run.table,
    '```',
    '',
    run.summary,
    '',
    `Reproduce: \`${run.command}\``,
    end,
  ].join('\n');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : spec.newFile;
  const next = current.includes(start) ? current.replace(new RegExp(`${start}[\\s\\S]*?${end}`), section) : `${current.trimEnd()}\n\n${spec.heading}${section}\n`;
  fs.writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}

/** The side-by-side section (`npm run bench`). */
export function writeBenchmarksSection(file: string, run: BenchRun): void {
  writeMarkedSection(file, { name: 'side-by-side', conditions: 'load generator, server and PostgreSQL share the machine.', newFile: '# Benchmarks\n\n## Ingest side by side\n\n', heading: '' }, run);
}

/** The isolation section (`npm run bench:isolation`). */
export function writeIsolationSection(file: string, run: BenchRun): void {
  writeMarkedSection(file, {
    name: 'isolation',
    conditions: "load generator, sidecar, ingest server and PostgreSQL share the machine, and the machine was busy (other helpers' builds and tests ran at the same time), so read the ratios, not the milliseconds.",
    newFile: '# Benchmarks\n',
    heading: '## Isolation: worst-case analytics beside typists and sign-in\n\n',
  }, run);
}
