import type { AuthDeps } from '../auth-deps.ts';
import { AuthError } from '../errors.ts';
import type { Requester } from '../requester.ts';
import type { DeviceRow } from '../store/refresh-tokens.ts';

/** Ends the browser's own sign-in, if it has one (`checkCsrf` runs first). */
export async function signOut(deps: AuthDeps, from: Requester, checkCsrf: (familyId: string) => void): Promise<void> {
  const family = from.refreshToken ? await deps.refreshTokens.familyOf(from.refreshToken) : undefined;
  if (!family) return;
  checkCsrf(family.familyId);
  await deps.refreshTokens.revokeFamily(family.userId, family.familyId, 'logout');
  deps.log.info({ event: 'auth_logout', userId: family.userId, ip: from.ip }, 'signed out');
}

/** Ends every sign-in of the account; returns how many devices were signed out. */
export async function signOutEverywhere(deps: AuthDeps, userId: string, from: Requester): Promise<number> {
  const revoked = await deps.refreshTokens.revokeAll(userId, 'logout_everywhere');
  deps.log.info({ event: 'auth_logout_everywhere', userId, devices: revoked, ip: from.ip }, 'signed out everywhere');
  return revoked;
}

/** The device (refresh token family) the browser's own sign-in belongs to, if any. */
export async function currentDevice(deps: AuthDeps, from: Requester): Promise<string | undefined> {
  return from.refreshToken ? (await deps.refreshTokens.familyOf(from.refreshToken))?.familyId : undefined;
}

/** A change to a way in ends every other sign-in of the account (and its access tokens). */
export async function signOutOtherDevices(deps: AuthDeps, userId: string, reason: string, from: Requester): Promise<number> {
  return deps.refreshTokens.revokeAll(userId, reason, await currentDevice(deps, from));
}

export async function listDevices(deps: AuthDeps, userId: string, from: Requester): Promise<{ devices: DeviceRow[]; current: string | undefined }> {
  const current = await currentDevice(deps, from);
  return { devices: await deps.refreshTokens.devices(userId), current };
}

export async function revokeDevice(deps: AuthDeps, userId: string, familyId: string): Promise<void> {
  if (!(await deps.refreshTokens.revokeFamily(userId, familyId, 'revoked_by_user'))) throw new AuthError('not_found', 'DEVICE_NOT_FOUND', 'no such signed-in device');
}
