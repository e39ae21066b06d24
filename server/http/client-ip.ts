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
