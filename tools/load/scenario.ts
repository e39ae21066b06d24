/**
 * What a run does over time. Stages set the number of typists typing at once (a closed
 * model, as k6's ramping-vus): each stage moves linearly from the previous target to its
 * own over its duration, so `10s:100, 30s:100, 5s:0` ramps up, holds and ramps down, and
 * `1s:500` after a hold is a spike. An arrival rate instead starts new sessions at a fixed
 * pace whatever is running (an open model, as ramping-arrival-rate), capped at maxTypists.
 */
export interface Stage {
  durationSec: number;
  target: number;
}

export interface Scenario {
  stages: Stage[];
  /** Each session types this long, ends, and (in the closed model) a new one takes its place; undefined: one session per typist for the whole run. */
  sessionSec?: number;
  /** New sessions per second (open model); each types sessionSec. */
  arrivalPerSec?: number;
  /** Most typists at once: the stages' peak, or the cap of the open model. */
  maxTypists: number;
  /** Seconds at which every connected typist drops its connection at once and comes back. */
  reconnectStormsAt: number[];
  /** Soak: report how latency and server memory drift between the start and the end. */
  soak: boolean;
}

export function totalSeconds(scenario: Scenario): number {
  return scenario.stages.reduce((n, s) => n + s.durationSec, 0);
}

/** The target number of typists `atSec` into the run (0 after the last stage). */
export function targetAt(stages: readonly Stage[], atSec: number): number {
  let from = 0;
  let start = 0;
  for (const stage of stages) {
    if (atSec < start + stage.durationSec) {
      const f = stage.durationSec === 0 ? 1 : (atSec - start) / stage.durationSec;
      return Math.round(from + (stage.target - from) * f);
    }
    start += stage.durationSec;
    from = stage.target;
  }
  return 0;
}

/** `10s:100,30s:100,5s:0` (durations in s, m or h); a clear error for anything else. */
export function parseStages(text: string): Stage[] {
  const stages = text.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const match = /^(\d+(?:\.\d+)?)(s|m|h)?:(\d+)$/.exec(part);
    if (!match) throw new Error(`--stages: "${part}" is not DURATION:TYPISTS (e.g. 30s:100, 2m:500)`);
    const unit = match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1;
    return { durationSec: Number(match[1]) * unit, target: Number(match[3]) };
  });
  if (stages.length === 0) throw new Error('--stages: no stage given');
  return stages;
}

/** The classic run: ramp up to `clients`, then hold them for `duration`. */
export function rampAndHold(clients: number, rampUpSec: number, durationSec: number): Stage[] {
  return rampUpSec > 0 ? [{ durationSec: rampUpSec, target: clients }, { durationSec, target: clients }] : [{ durationSec: 0, target: clients }, { durationSec, target: clients }];
}
