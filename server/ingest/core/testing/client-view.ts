/**
 * What a client of the pure ingest core sees: every message and close, in order, each
 * message round-tripped through the real codec, and any protocol violation recorded so the
 * test that caused it fails (protocolTest).
 */
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeMessage, encodeMessage } from '../../../../shared/protocol/codec.ts';
import { MessageType, type ServerMessage } from '../../../../shared/protocol/messages.ts';

export interface Close {
  code: number;
  reason: string;
}

/** The client's side of one connection: every message and close, in order. */
export class ClientView {
  readonly received: ServerMessage[] = [];
  readonly closes: Close[] = [];
  /** Protocol violations by the server: a message after close, an undecodable message, a second close. */
  readonly violations: string[] = [];
  /** Every event, in order, as 'welcome', 'ack:3', 'error:CODE', 'close:4107', ... */
  readonly log: string[] = [];
  /** The log entries of each corked write (one socket write), in order. */
  readonly corked: string[][] = [];

  cork(fn: () => void): void {
    const from = this.log.length;
    fn();
    this.corked.push(this.log.slice(from));
  }

  deliver(message: ServerMessage): void {
    if (this.closes.length > 0) this.violations.push(`sent ${JSON.stringify(message)} after close ${this.closes[0]!.code}`);
    const decoded = decodeMessage(encodeMessage(message));
    if (!decoded.ok) this.violations.push(`sent an undecodable message ${JSON.stringify(message)}: ${decoded.message}`);
    this.received.push(message);
    this.log.push(describe(message));
  }

  close(code: number, reason: string): void {
    if (this.closes.length > 0) this.violations.push(`closed twice: ${this.closes[0]!.code} then ${code}`);
    this.closes.push({ code, reason });
    this.log.push(`close:${code}`);
  }

  get closeCode(): number | undefined {
    return this.closes[0]?.code;
  }

  get isClosed(): boolean {
    return this.closes.length > 0;
  }

  of<T extends ServerMessage['t']>(t: T): Array<Extract<ServerMessage, { t: T }>> {
    return this.received.filter((m): m is Extract<ServerMessage, { t: T }> => m.t === t);
  }

  /** The codes of the error messages received. */
  get errors(): string[] {
    return this.of(MessageType.Error).map((m) => m.code);
  }

  get acks(): number[] {
    return this.of(MessageType.Ack).map((m) => m.seq);
  }
}

function describe(message: ServerMessage): string {
  switch (message.t) {
    case MessageType.Welcome: return `welcome:${message.committedSeq}`;
    case MessageType.Ack: return `ack:${message.seq}`;
    case MessageType.Error: return `error:${message.code}`;
    case MessageType.Stats: return `stats:${message.keystrokes}`;
    case MessageType.Ended: return `ended:${message.committedSeq}`;
    case MessageType.Throttle: return `throttle:${message.retryAfterMs}`;
    case MessageType.Pong: return `pong:${message.n}`;
    case MessageType.Presence: return `presence:${message.typist}`;
  }
}

/** Every ClientView made since the last check, to assert that none saw a protocol violation. */
const views: ClientView[] = [];

/** A client view whose violations protocolTest checks. */
export function watchedClientView(): ClientView {
  const view = new ClientView();
  views.push(view);
  return view;
}

export function takeViolations(): string[] {
  const all = views.flatMap((v) => v.violations);
  views.length = 0;
  return all;
}

/**
 * uvu's `test`, with a check at the end of every test that no client saw a protocol violation.
 * The check runs inside the test, not in an after.each hook: uvu lets a hook that throws after
 * a failed test end the whole run silently, with exit code 0.
 */
export function protocolTest(uvuTest: Test): (name: string, body: () => void | Promise<void>) => void {
  return (name, body) => uvuTest(name, async () => {
    takeViolations();
    await body();
    assert.equal(takeViolations(), [], 'the server broke the protocol towards a client');
  });
}
