/**
 * The exact top-level fields of each message, in wire order. The encoder
 * writes only these (so a stray property never reaches the wire and record
 * definitions stay identical frame to frame) and the validator rejects a
 * message with any other key.
 */
import { MessageType, type Message } from './messages.ts';

type FieldCatalogue = { readonly [M in Message as M['t']]: readonly (keyof M & string)[] };

export const MESSAGE_FIELDS = {
  [MessageType.Hello]: ['t', 'v', 'sessionId', 'lastAckedSeq', 'client'],
  [MessageType.Welcome]: [
    't',
    'v',
    'sessionId',
    'committedSeq',
    'serverId',
    'maxEventsPerBatch',
    'maxFrameBytes',
    'framesPerSecond',
    'frameBurst',
  ],
  [MessageType.Batch]: ['t', 'seq', 'events'],
  [MessageType.Ack]: ['t', 'seq'],
  [MessageType.Error]: ['t', 'code', 'message', 'seq'],
  [MessageType.Stats]: [
    't',
    'sessionId',
    'windowSec',
    'wpm',
    'rawWpm',
    'accuracy',
    'dwellMs',
    'flightMs',
    'keystrokes',
  ],
  [MessageType.End]: ['t', 'seq'],
  [MessageType.Ended]: ['t', 'committedSeq'],
  [MessageType.Throttle]: ['t', 'retryAfterMs'],
  [MessageType.Watch]: ['t', 'sessionId'],
  [MessageType.Ping]: ['t', 'n'],
  [MessageType.Pong]: ['t', 'n'],
  [MessageType.Presence]: ['t', 'typist'],
} as const satisfies FieldCatalogue;
