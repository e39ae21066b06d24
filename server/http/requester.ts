import type { Context } from 'koa';
import type { Requester } from '../auth/requester.ts';
import { addressGroup, clientIp } from './client-ip.ts';
import { REFRESH_COOKIE, readCookie } from './cookies.ts';
import type { TrustedProxies } from './trusted-proxies.ts';

/** Marks a browser that signed in to an account before: its attempts pass the account ceiling. */
export const DEVICE_COOKIE = 'ff_device';

/** The facts about the request auth's use cases need: address, user agent, the browser's sign-in cookies. */
export function requester(ctx: Context, deps: { trustedProxies: TrustedProxies }): Requester {
  const ip = clientIp(ctx, deps.trustedProxies);
  return { ip, ipGroup: addressGroup(ip), userAgent: ctx.get('user-agent'), deviceMark: readCookie(ctx, DEVICE_COOKIE), refreshToken: readCookie(ctx, REFRESH_COOKIE) };
}
