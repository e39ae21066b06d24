import { securityNoticeMail } from '../../email/templates.ts';
import type { AuthDeps } from '../auth-deps.ts';
import { AuthError } from '../errors.ts';
import type { Requester } from '../requester.ts';
import { hashBackupCode, verifyTotp } from '../second-factor.ts';
import { deleteSecondFactor, enableWithBackupCodes, replaceBackupCodes, saveUnconfirmedSecret, totpState } from '../store/totp-store.ts';
import { encryptSecret } from '../totp-crypto.ts';
import { newBackupCodes, newTotpSecret, otpauthUri } from '../two-factor-setup.ts';
import { signOutOtherDevices } from './devices.ts';
import { reauthenticate } from './reauthenticate.ts';

/**
 * TOTP two-factor authentication: setup (secret for the QR code), enable with a first code
 * (and 10 backup codes, shown once), regenerate backup codes, disable. Every change asks
 * for the password again (and the code once 2FA is on), signs out the account's other
 * devices and mails the owner.
 */
export async function startTwoFactorSetup(deps: AuthDeps, userId: string, input: { password: string }, from: Requester): Promise<{ secret: string; otpauthUri: string }> {
  if (await deps.secondFactor.isEnabled(userId)) throw alreadyEnabled();
  const user = await reauthenticate(deps, userId, input, '2fa_setup', from);
  const secret = newTotpSecret();
  if (!(await saveUnconfirmedSecret(deps.pool, userId, encryptSecret(deps.keys.key('totp-encryption'), secret)))) throw alreadyEnabled();
  deps.log.info({ event: 'auth_2fa_setup_started', userId, ip: from.ip }, 'two-factor setup started');
  return { secret, otpauthUri: otpauthUri(secret, user.email) };
}

/** Returns the backup codes, which are shown this once. */
export async function enableTwoFactor(deps: AuthDeps, userId: string, input: { code: string; password: string }, from: Requester): Promise<string[]> {
  const { pool, keys } = deps;
  const state = await totpState(pool, userId);
  if (state.kind === 'enabled') throw alreadyEnabled();
  if (state.kind === 'none') throw new AuthError('conflict', 'TWO_FACTOR_NOT_SET_UP', 'start the setup first');
  const user = await reauthenticate(deps, userId, { password: input.password }, '2fa_enable', from);
  // Not yet enabled, so only the TOTP check applies; it records the step, so this code
  // cannot be replayed at the login that follows. It counts toward the throttle too.
  const guard = deps.signInGuard;
  const key = guard.keyFor(from, user.email, userId);
  await guard.check(from, key, { userId, context: '2fa_enable', event: 'auth_2fa_failed' }, () => verifyTotp(pool, keys, userId, input.code.replace(/\s/g, ''), false), refuseCode);
  await guard.succeeded(key);
  const backupCodes = newBackupCodes();
  if (!(await enableWithBackupCodes(pool, userId, state.secretEncrypted, backupCodes.map(hashBackupCode)))) {
    throw new AuthError('conflict', 'TWO_FACTOR_SETUP_CHANGED', 'the setup was restarted meanwhile; scan the new QR code');
  }
  await changed(deps, user, 'two-factor authentication was turned on', 'auth_2fa_enabled', from);
  return backupCodes;
}

export async function regenerateBackupCodes(deps: AuthDeps, userId: string, input: { code: string; password: string }, from: Requester): Promise<string[]> {
  if (!(await deps.secondFactor.isEnabled(userId))) throw notEnabled();
  const user = await reauthenticate(deps, userId, input, '2fa_backup_codes', from);
  const backupCodes = newBackupCodes();
  if (!(await replaceBackupCodes(deps.pool, userId, backupCodes.map(hashBackupCode)))) throw notEnabled();
  await changed(deps, user, 'new backup codes were made (the old ones no longer work)', 'auth_2fa_backup_codes_regenerated', from);
  return backupCodes;
}

export async function disableTwoFactor(deps: AuthDeps, userId: string, input: { code: string; password: string }, from: Requester): Promise<void> {
  if (!(await deps.secondFactor.isEnabled(userId))) throw notEnabled();
  const user = await reauthenticate(deps, userId, input, '2fa_disable', from);
  await deleteSecondFactor(deps.pool, userId);
  await changed(deps, user, 'two-factor authentication was turned off', 'auth_2fa_disabled', from);
}

async function changed(deps: AuthDeps, user: { id: string; email: string }, what: string, event: string, from: Requester): Promise<void> {
  const others = await signOutOtherDevices(deps, user.id, event, from);
  deps.log.info({ event, userId: user.id, ip: from.ip, otherDevicesSignedOut: others }, what);
  await deps.mailer.send(securityNoticeMail(user.email, what));
}

function refuseCode(): AuthError {
  return new AuthError('invalid', 'TWO_FACTOR_INVALID', 'that code is not valid (or was already used)', { fields: { code: 'invalid' } });
}

function alreadyEnabled(): AuthError {
  return new AuthError('conflict', 'TWO_FACTOR_ALREADY_ENABLED', 'two-factor authentication is already on; turn it off first to start again');
}

function notEnabled(): AuthError {
  return new AuthError('conflict', 'TWO_FACTOR_NOT_ENABLED', 'two-factor authentication is not on');
}
