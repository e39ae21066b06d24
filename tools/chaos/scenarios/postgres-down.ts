import { ChaosEnv, rssMB, sleep } from '../harness.ts';
import { fromReport, type Scenario } from '../result.ts';

const CAP_MB = 32;
// The process's own heap, uWS, sockets: what it holds before any buffered keystrokes.
const BASELINE_ALLOWANCE_MB = 256;

/**
 * PostgreSQL stopped abruptly (`pg_ctl stop -m immediate`: SIGQUIT to the postmaster) under
 * a running ingest server, then started again: memory stays under the cap (sampled every
 * second), nothing acknowledged is lost, and the server recovers without a restart.
 */
export const postgresDown: Scenario = {
  name: 'PostgreSQL down, then back',
  quick: false,
  async run(quick) {
    const env = await ChaosEnv.create();
    try {
      const ingest = await env.startIngest(undefined, { INGEST_BUFFER_CAP_MB: String(CAP_MB) });
      const downSeconds = quick ? 5 : 30;
      const clients = quick ? 20 : 100;
      let downAt = 0;
      let upAt = 0;
      let recoveredAt = 0;
      let ackedAtRestart = 0;
      let peak = 0;
      let restartError = '';
      const { report } = await env.type({
        clients, seconds: downSeconds + 10, ingestUrl: ingest.url, graceSec: 60, serverPid: ingest.process.child.pid,
        onSecond: (stats, elapsed) => {
          peak = Math.max(peak, rssMB(ingest.process.child.pid!));
          if (elapsed === 3 && !downAt) {
            downAt = Date.now();
            void env.cluster.server.stopImmediately();
          }
          if (downAt && !upAt && Date.now() - downAt >= downSeconds * 1000) {
            upAt = Date.now();
            ackedAtRestart = stats.ackedEvents;
            env.cluster.server.restart().catch((error: Error) => (restartError = error.message));
          }
          if (upAt && !recoveredAt && stats.ackedEvents > ackedAtRestart) recoveredAt = Date.now();
        },
      });
      await sleep(500);
      const alive = ingest.process.child.exitCode === null && ingest.process.child.signalCode === null;
      const health = await fetch(`http://127.0.0.1:${ingest.port}/ingest/health`).then((r) => r.json() as Promise<{ databaseAvailable: boolean }>).catch(() => undefined);
      ingest.process.child.kill('SIGTERM');
      await ingest.process.exited(10_000);
      return fromReport(this.name, report, recoveredAt ? (recoveredAt - upAt) / 1000 : null, [
        [peak < CAP_MB + BASELINE_ALLOWANCE_MB, `peak RSS ${Math.round(peak)} MB (buffer cap ${CAP_MB} MB + ${BASELINE_ALLOWANCE_MB} MB process allowance)`],
        [alive, alive ? 'the ingest process stayed up' : `the ingest process died: ${ingest.process.output().split('\n').filter((l) => /error|Error/.test(l)).slice(-3).join(' | ').slice(0, 400)}`],
        [restartError === '', `PostgreSQL started again${restartError ? `: ${restartError}` : ''}`],
        [recoveredAt > 0, 'acks resumed after PostgreSQL came back, same server process'],
        [health?.databaseAvailable === true, 'the server reports the database available again'],
        [report.completedSessions === clients, `${report.completedSessions}/${clients} sessions completed`],
      ]);
    } finally {
      await env.destroy();
    }
  },
};
