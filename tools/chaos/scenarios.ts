import type { Scenario } from './result.ts';
import { killIngest } from './scenarios/kill-ingest.ts';
import { sigtermIngest } from './scenarios/sigterm-ingest.ts';
import { postgresDown } from './scenarios/postgres-down.ts';
import { ingestOutage } from './scenarios/ingest-outage.ts';
import { lostAck } from './scenarios/lost-ack.ts';
import { networkFaults } from './scenarios/network-faults.ts';
import { twoProcesses } from './scenarios/two-processes.ts';
import { hostileFrames } from './scenarios/hostile-frames.ts';
import { transportAbuse } from './scenarios/transport-abuse.ts';
import { upgradeAuth } from './scenarios/upgrade-auth.ts';
import { sidecarAttacks } from './scenarios/sidecar-attacks.ts';
import { boundedInput } from './scenarios/bounded-input.ts';
import { postmasterStopped } from './scenarios/postmaster-stopped.ts';
import { compactionWhileTyping } from './scenarios/compaction-while-typing.ts';

/** Every scenario, in the order of the reliability report. */
export const SCENARIOS: Scenario[] = [killIngest, sigtermIngest, postgresDown, ingestOutage, lostAck, networkFaults, twoProcesses, hostileFrames, transportAbuse, upgradeAuth, sidecarAttacks, boundedInput, postmasterStopped, compactionWhileTyping];
