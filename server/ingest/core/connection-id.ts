/**
 * A connection's id: the serverId of the ingest process that accepted it, then a counter
 * ("3fa2c1k4q:42"). Other processes read the serverId back from it, to tell whether a holder
 * of a session is one of their own connections.
 */
export function connectionIdOf(serverId: string, n: number): string {
  return `${serverId}:${n}`;
}

export function serverIdOf(connectionId: string): string {
  const at = connectionId.lastIndexOf(':');
  return at < 0 ? connectionId : connectionId.slice(0, at);
}
