import { offsetProblem } from '../../shared/protocol/offset-rules.ts';
import { HttpError } from './errors.ts';

/**
 * The ingest protocol's time rules for an import chunk (issue 15): in stream order (batch
 * seq, then index) offsets never decrease and never pass MAX_SESSION_SPAN_US, so an imported
 * session costs the analytics no more than a streamed one. Refused as 400 with the same
 * codes the protocol uses, naming the event.
 */
export function assertImportTimeRules(events: ReadonlyArray<{ batchSeq: number; batchIdx: number; offsetUs: number }>): void {
  const ordered = [...events].sort((a, b) => a.batchSeq - b.batchSeq || a.batchIdx - b.batchIdx);
  const problem = offsetProblem(ordered);
  if (!problem) return;
  const event = ordered[problem.index]!;
  throw new HttpError(400, problem.code, problem.code === 'SESSION_TOO_LONG'
    ? `the event at batch ${event.batchSeq}, index ${event.batchIdx} is beyond the longest session (6 hours)`
    : `the event at batch ${event.batchSeq}, index ${event.batchIdx} is earlier than the event before it; offsets must not decrease`);
}
