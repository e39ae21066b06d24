import net from 'node:net';

export type Cap = 'ticket' | 'user' | 'ip';

export interface CapLimits {
  perTicket: number;
  perUser: number;
  perIp: number;
}

export type CapDecision = { ok: true; release: () => void } | { ok: false; cap: Cap; message: string };

/**
 * Concurrent connections per ticket, per user and per client address, in this process
 * (issue 15: one watch ticket once held 1,500 sockets). A refused upgrade is answered
 * 429 TOO_MANY_CONNECTIONS before any socket exists; a connection's counts are released
 * once, when it closes. Per process, like the frame budget: with N replicas a client may
 * hold N times the cap, which still bounds what one client costs a replica.
 */
export class ConnectionCaps {
  private readonly counts = { ticket: new Map<string, number>(), user: new Map<string, number>(), ip: new Map<string, number>() };

  constructor(private readonly limits: CapLimits) {}

  acquire(ticket: string, userId: string, ip: string): CapDecision {
    const keys: Record<Cap, string> = { ticket, user: userId, ip };
    const limits: Record<Cap, number> = { ticket: this.limits.perTicket, user: this.limits.perUser, ip: this.limits.perIp };
    for (const cap of ['ticket', 'user', 'ip'] as const) {
      if ((this.counts[cap].get(keys[cap]) ?? 0) >= limits[cap]) {
        return { ok: false, cap, message: `too many connections open for this ${cap === 'ip' ? 'address' : cap} (at most ${limits[cap]})` };
      }
    }
    for (const cap of ['ticket', 'user', 'ip'] as const) this.counts[cap].set(keys[cap], (this.counts[cap].get(keys[cap]) ?? 0) + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        for (const cap of ['ticket', 'user', 'ip'] as const) {
          const left = (this.counts[cap].get(keys[cap]) ?? 1) - 1;
          if (left > 0) this.counts[cap].set(keys[cap], left);
          else this.counts[cap].delete(keys[cap]);
        }
      },
    };
  }
}

/**
 * The client's address: the peer, or, when the peer is a trusted reverse proxy (Traefik),
 * the last address it appended to X-Forwarded-For. The same rule as the sidecar's
 * TRUSTED_PROXIES; ingest keeps its own copy because it may not import the HTTP sidecar.
 */
export function clientAddress(peer: string, forwardedFor: string, trusted: net.BlockList | undefined): string {
  const ip = normalise(peer);
  if (!trusted || !net.isIP(ip) || !trusted.check(ip, net.isIPv6(ip) ? 'ipv6' : 'ipv4')) return ip;
  const last = forwardedFor.split(',').map((s) => s.trim()).filter(Boolean).at(-1);
  return last && net.isIP(last) ? last : ip;
}

export function trustedProxyList(entries: readonly string[]): net.BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new net.BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/** uWS gives IPv4 peers on a dual-stack socket as ::ffff:a.b.c.d (or in long hex form). */
function normalise(peer: string): string {
  const mapped = /^(?:0{1,4}:){5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(peer);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return peer.replace(/^::ffff:/i, '');
}
