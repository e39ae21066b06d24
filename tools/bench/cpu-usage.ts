import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by a process, from /proc. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds of a process and all its direct children (PostgreSQL's postmaster and backends). */
export function cpuSecondsWithChildren(pid: number): number {
  let total = cpuSeconds(pid);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) total += cpuSeconds(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

/** Snapshot of who used the CPU between two points of a run. */
export function cpuMeter(pids: { loadGenerator: number; ingest: number; postgres: number }) {
  const read = () => ({
    loadGenerator: cpuSeconds(pids.loadGenerator),
    ingest: cpuSeconds(pids.ingest),
    postgres: cpuSecondsWithChildren(pids.postgres),
    at: performance.now(),
  });
  const start = read();
  return {
    /** Cores used by each part on average since the meter started (2.0 = both cores busy). */
    stop() {
      const end = read();
      const seconds = (end.at - start.at) / 1000;
      const cores = (a: number, b: number) => Math.round(((b - a) / seconds) * 100) / 100;
      return {
        loadGenerator: cores(start.loadGenerator, end.loadGenerator),
        ingest: cores(start.ingest, end.ingest),
        postgres: cores(start.postgres, end.postgres),
      };
    },
  };
}
