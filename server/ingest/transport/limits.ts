import { decodeLimits } from '../../../shared/protocol/limits.ts';
import type { Config } from '../../config/index.ts';
import type { ConnectionLimits } from '../core/ingest-connection.ts';

export interface IngestLimits extends ConnectionLimits {
  maxBackpressureBytes: number;
  idleTimeoutSec: number;
}

/** Per-connection limits from the configuration; the frame budget is generous for people. */
export function ingestLimits(config: Config['ingest']): IngestLimits {
  return {
    ...decodeLimits({ maxFrameBytes: config.maxFrameBytes, maxEventsPerBatch: config.maxEventsPerBatch }),
    framesPerSecond: config.framesPerSecond,
    frameBurst: config.frameBurst,
    throttleRetryMs: 500,
    maxBackpressureBytes: config.maxBackpressureBytes,
    idleTimeoutSec: config.idleTimeoutSec,
  };
}
