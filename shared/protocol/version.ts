/**
 * Wire protocol version carried in `hello.v` and `welcome.v`.
 * Bump it only for changes an old peer would misread; the server closes with
 * UNSUPPORTED_VERSION rather than guess.
 */
export const PROTOCOL_VERSION = 1;
