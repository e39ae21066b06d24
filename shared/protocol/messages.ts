/**
 * The message catalogue of the ingest protocol. Every WebSocket binary frame
 * carries exactly one of these; `t` identifies which.
 */
import type { KeyEvent } from './key-event.ts';

export const MessageType = {
  Hello: 1,
  Welcome: 2,
  Batch: 3,
  Ack: 4,
  Error: 5,
  Stats: 6,
  End: 7,
  Ended: 8,
  Throttle: 9,
  Watch: 10,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** C→S, first message on every connection. */
export interface HelloMessage {
  t: typeof MessageType.Hello;
  /** PROTOCOL_VERSION the client speaks. */
  v: number;
  /** Lowercase canonical UUID of the typing session. */
  sessionId: string;
  /** Highest seq the client has seen acknowledged, 0 if none. */
  lastAckedSeq: number;
  /** Client name/version, up to 64 chars, may be empty. */
  client: string;
}

/** S→C, reply to hello. */
export interface WelcomeMessage {
  t: typeof MessageType.Welcome;
  v: number;
  sessionId: string;
  /** Highest batch seq durably stored for this session, 0 if none. */
  committedSeq: number;
  serverId: string;
  maxEventsPerBatch: number;
  maxFrameBytes: number;
}

/** C→S, a run of key events. Seqs are per session, consecutive, from 1. */
export interface BatchMessage {
  t: typeof MessageType.Batch;
  seq: number;
  events: KeyEvent[];
}

/** S→C, cumulative: every batch up to and including seq is committed. */
export interface AckMessage {
  t: typeof MessageType.Ack;
  seq: number;
}

/** S→C, a refusal; a close with the same-named close code may follow. */
export interface ErrorMessage {
  t: typeof MessageType.Error;
  /** Stable uppercase code, see ERROR_CODES. */
  code: string;
  /** Human-readable detail, not for parsing. */
  message: string;
  /** The batch seq it concerns, 0 if none. */
  seq: number;
}

/** S→C, live rolling figures over the last `windowSec` seconds. */
export interface StatsMessage {
  t: typeof MessageType.Stats;
  sessionId: string;
  windowSec: number;
  wpm: number;
  rawWpm: number;
  /** 0..1 */
  accuracy: number;
  /** Mean keydown→keyup of the same key. */
  dwellMs: number;
  /** Mean keyup→next keydown; negative when keys overlap (rollover). */
  flightMs: number;
  keystrokes: number;
}

/** C→S, the client finished the session. */
export interface EndMessage {
  t: typeof MessageType.End;
  /** Last batch seq of the session, 0 if it sent none. */
  seq: number;
}

/** S→C, session closed with all its batches committed. */
export interface EndedMessage {
  t: typeof MessageType.Ended;
  committedSeq: number;
}

/** S→C, server buffer is over its cap: send no batches for retryAfterMs. */
export interface ThrottleMessage {
  t: typeof MessageType.Throttle;
  retryAfterMs: number;
}

/** C→S, spectator: receive stats of a session instead of sending batches. */
export interface WatchMessage {
  t: typeof MessageType.Watch;
  sessionId: string;
}

export type ClientMessage = HelloMessage | BatchMessage | EndMessage | WatchMessage;
export type ServerMessage =
  | WelcomeMessage
  | AckMessage
  | ErrorMessage
  | StatsMessage
  | EndedMessage
  | ThrottleMessage;
export type Message = ClientMessage | ServerMessage;

/** The message whose `t` is T. */
export type MessageOf<T extends MessageType> = Extract<Message, { t: T }>;

const CLIENT_TYPES: ReadonlySet<number> = new Set([
  MessageType.Hello,
  MessageType.Batch,
  MessageType.End,
  MessageType.Watch,
]);

export function isClientMessage(message: Message): message is ClientMessage {
  return CLIENT_TYPES.has(message.t);
}

export function isServerMessage(message: Message): message is ServerMessage {
  return !CLIENT_TYPES.has(message.t);
}

/** Lowercase names: Socket.IO event names, log labels. */
export const MESSAGE_NAMES = {
  [MessageType.Hello]: 'hello',
  [MessageType.Welcome]: 'welcome',
  [MessageType.Batch]: 'batch',
  [MessageType.Ack]: 'ack',
  [MessageType.Error]: 'error',
  [MessageType.Stats]: 'stats',
  [MessageType.End]: 'end',
  [MessageType.Ended]: 'ended',
  [MessageType.Throttle]: 'throttle',
  [MessageType.Watch]: 'watch',
} as const satisfies Record<MessageType, string>;
export type MessageName = (typeof MESSAGE_NAMES)[MessageType];
