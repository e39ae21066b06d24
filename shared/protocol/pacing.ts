/**
 * Timing rules of the protocol that both ends rely on (PROTOCOL.md §6 "Resending a backlog"
 * and §6.1 "Heartbeat"). The frame budget itself is per deployment and stated in `welcome`.
 */

/** Messages a client may send after `hello` and before `welcome`; the server holds them. */
export const MAX_MESSAGES_BEFORE_WELCOME = 32;

/** A client sends `ping` when it has heard nothing from the server for this long... */
export const HEARTBEAT_IDLE_MS = 2000;

/** ...and treats the connection as dead (a frozen server) after this long of silence. */
export const HEARTBEAT_DEAD_MS = 5000;
