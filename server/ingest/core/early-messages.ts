import type { ClientMessage } from '../../../shared/protocol/messages.ts';

/**
 * Messages that arrive after `hello` and before the session is claimed (a pipelined hello:
 * a reconnecting client sends hello and its first resends without waiting a round trip for
 * `welcome`). They are held in arrival order and handled once the claim is answered. The
 * bound (MAX_MESSAGES_BEFORE_WELCOME, stated in PROTOCOL.md) keeps a client from parking
 * unbounded work on a claim that waits for the database.
 */
export class EarlyMessages {
  private readonly held: ClientMessage[] = [];

  constructor(private readonly limit: number) {}

  /** False when the bound is reached: the caller closes the connection. */
  hold(message: ClientMessage): boolean {
    if (this.held.length >= this.limit) return false;
    this.held.push(message);
    return true;
  }

  /** Every held message, oldest first; the queue is empty afterwards. */
  takeAll(): ClientMessage[] {
    return this.held.splice(0);
  }
}
