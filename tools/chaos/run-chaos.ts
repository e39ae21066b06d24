import type { Scenario, ScenarioResult } from './result.ts';

/** Runs scenarios one after another (each owns the machine while it runs); a crash is a failure. */
export async function runScenarios(scenarios: Scenario[], quick: boolean, say: (line: string) => void): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const t0 = Date.now();
    say(`${scenario.name} ...`);
    let result: ScenarioResult;
    try {
      result = await scenario.run(quick);
    } catch (error) {
      result = { scenario: scenario.name, sent: null, acked: null, stored: null, lost: null, duplicates: null, recoverySeconds: null, verdict: 'fail', note: `the scenario crashed: ${(error as Error).stack ?? String(error)}` };
    }
    say(`  ${result.verdict} in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${result.note.slice(0, 300)}`);
    results.push(result);
  }
  return results;
}
