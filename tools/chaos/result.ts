import type { LoadReport } from '../load/run-load.ts';

export interface ScenarioResult {
  scenario: string;
  sent: number | null;
  acked: number | null;
  stored: number | null;
  lost: number | null;
  duplicates: number | null;
  recoverySeconds: number | null;
  verdict: 'ok' | 'fail' | 'skipped';
  /** Why it failed or was skipped, or what it checked beyond the counts. */
  note: string;
}

export interface Scenario {
  name: string;
  /** Part of `--quick` (and so of npm test). */
  quick: boolean;
  run(quick: boolean): Promise<ScenarioResult>;
}

/** A result from a typing run: ok only when nothing was lost or doubled and every check held. */
export function fromReport(scenario: string, report: LoadReport, recoverySeconds: number | null, checks: Array<[boolean, string]>): ScenarioResult {
  const failed = checks.filter(([ok]) => !ok).map(([, what]) => what);
  const clean = report.lost === 0 && report.duplicates === 0;
  return {
    scenario, sent: report.sent, acked: report.acked, stored: report.stored, lost: report.lost, duplicates: report.duplicates,
    recoverySeconds: recoverySeconds === null ? null : Math.round(recoverySeconds * 10) / 10,
    verdict: clean && failed.length === 0 ? 'ok' : 'fail',
    note: failed.length ? `failed: ${failed.join('; ')}` : checks.map(([, what]) => what).join('; '),
  };
}

/** A result for checks that move no keystrokes (attacks, hostile frames). */
export function fromChecks(scenario: string, checks: Array<[boolean, string]>, extra = ''): ScenarioResult {
  const failed = checks.filter(([ok]) => !ok).map(([, what]) => what);
  return {
    scenario, sent: null, acked: null, stored: null, lost: null, duplicates: null, recoverySeconds: null,
    verdict: failed.length ? 'fail' : 'ok',
    note: failed.length ? `failed: ${failed.join('; ')}` : `${checks.length} checks held${extra ? `; ${extra}` : ''}`,
  };
}
