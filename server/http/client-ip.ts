import net from 'node:net';
import type { Context } from 'koa';

/**
 * The client's address. X-Forwarded-For is believed only when the request comes from a
 * configured proxy (Traefik); otherwise anyone could pick their own rate-limit bucket.
 * Walking the header from the right, the first address that is not a trusted proxy is the
 * client.
 */
export function clientIp(ctx: Context, trustedProxies: { has(ip: string): boolean }): string {
  const peer = normalise(ctx.req.socket.remoteAddress ?? '');
  if (!trustedProxies.has(peer)) return peer;
  const forwarded = (ctx.get('x-forwarded-for') || '').split(',').map((s) => normalise(s.trim())).filter(Boolean);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    if (!trustedProxies.has(forwarded[i]!)) return forwarded[i]!;
  }
  return forwarded[0] ?? peer;
}

function normalise(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * The key a client is limited by: its IPv4 address, or the /64 of an IPv6 address, because
 * one subscriber (one home, one cloud VM) is routinely given a whole /64 and could otherwise
 * take a fresh address for every request.
 */
export function addressGroup(ip: string): string {
  if (!net.isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => (parseInt(g || '0', 16) || 0).toString(16)).join(':')}::/64`;
}
