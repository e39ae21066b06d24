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
  Ping: 11,
  Pong: 12,
  Presence: 13,
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
  /** The frame budget: frames a second the connection may send on average... */
  framesPerSecond: number;
  /** ...and at once (a token bucket of this size, refilled at framesPerSecond). */
  frameBurst: number;
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

/** C→S, a heartbeat: the server answers `pong` with the same n at once, in any state. */
export interface PingMessage {
  t: typeof MessageType.Ping;
  n: number;
}

/** S→C, the answer to `ping`. */
export interface PongMessage {
  t: typeof MessageType.Pong;
  n: number;
}

/** What a spectator is told about the typist: 0 typing (connected), 1 offline, 2 ended. */
export const TypistState = { Live: 0, Offline: 1, Ended: 2 } as const;
export type TypistState = (typeof TypistState)[keyof typeof TypistState];

/** S→C, to spectators only: the typist's connection came, went, or the session ended. */
export interface PresenceMessage {
  t: typeof MessageType.Presence;
  typist: TypistState;
}

export type ClientMessage = HelloMessage | BatchMessage | EndMessage | WatchMessage | PingMessage;
export type ServerMessage =
  | WelcomeMessage
  | AckMessage
  | ErrorMessage
  | StatsMessage
  | EndedMessage
  | ThrottleMessage
  | PongMessage
  | PresenceMessage;
export type Message = ClientMessage | ServerMessage;

/** The message whose `t` is T. */
export type MessageOf<T extends MessageType> = Extract<Message, { t: T }>;

const CLIENT_TYPES: ReadonlySet<number> = new Set([
  MessageType.Hello,
  MessageType.Batch,
  MessageType.End,
  MessageType.Watch,
  MessageType.Ping,
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
  [MessageType.Ping]: 'ping',
  [MessageType.Pong]: 'pong',
  [MessageType.Presence]: 'presence',
} as const satisfies Record<MessageType, string>;
export type MessageName = (typeof MESSAGE_NAMES)[MessageType];
