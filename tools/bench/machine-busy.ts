import fs from 'node:fs';

/** Jiffies the whole machine spent busy and in total, from /proc/stat's first line. */
function machineTicks(): { busy: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * How many cores other work kept busy while this process sat idle for `sampleMs`: a
 * benchmark measured on a shared machine measures the sharing too. 0.25 of a core or more
 * is reported as busy.
 */
export async function otherWorkCores(sampleMs = 2000): Promise<number> {
  try {
    const a = machineTicks();
    await new Promise((r) => setTimeout(r, sampleMs));
    const b = machineTicks();
    const cores = (b.total - a.total) === 0 ? 0 : ((b.busy - a.busy) / (b.total - a.total)) * (fs.readFileSync('/proc/stat', 'utf8').match(/^cpu\d+ /gm)?.length ?? 1);
    return Math.round(cores * 100) / 100;
  } catch {
    return 0; // no /proc (not Linux): nothing to say
  }
}

export const BUSY_CORES = 0.25;

/** The warning line, or undefined when the machine was quiet. */
export function busyWarning(cores: number): string | undefined {
  return cores >= BUSY_CORES ? `the machine is busy: other processes kept ${cores} cores busy before the run; these figures are lower than the machine can do, compare ratios measured in the same run` : undefined;
}

/** The COPY ceiling BENCHMARKS.md records, to notice a run far below it. */
export function recordedCopyCeiling(markdown: string): number | undefined {
  const match = /\(a\) raw COPY ceiling\s+([\d,]+)/.exec(markdown);
  return match ? Number(match[1]!.replace(/,/g, '')) : undefined;
}

export function ceilingWarning(measured: number, recorded: number | undefined): string | undefined {
  return recorded && measured < recorded * 0.7 ? `the raw COPY ceiling (${Math.round(measured).toLocaleString('en')} rows/s) is ${Math.round((1 - measured / recorded) * 100)}% below the one BENCHMARKS.md records (${recorded.toLocaleString('en')}): the machine is busier or slower than then` : undefined;
}
