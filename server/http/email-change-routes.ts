import Router from '@koa/router';
import { consumeOneTimeToken, createOneTimeToken, revokeAllOneTimeTokens, revokeOneTimeTokens } from '../db/one-time-tokens.ts';
import { findUserByEmail, setProvenEmail } from '../db/users.ts';
import { emailChangeMail, emailChangedMail, emailChangeTakenMail, passwordResetMail, securityNoticeMail } from '../email/templates.ts';
import { tokenError } from './auth-account-routes.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { bodyOf } from './body.ts';
import { clientIp } from './client-ip.ts';
import { HttpError } from './errors.ts';
import { rateLimit, type RateRule } from './rate-limit.ts';
import { reauthenticate } from './reauthenticate.ts';
import { parseInput } from './validation.ts';
import { emailChangeBody, linkTokenBody } from '../../shared/api/auth.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

const CONFIRM_MINUTES = 24 * 60;
const UNDO_MINUTES = 7 * 24 * 60;
const RESET_MINUTES = 60;
// Each request mails two addresses: few per account, so it cannot be used to bomb a mailbox.
const EMAIL_CHANGE_RULE: RateRule = { name: 'email_change', limit: 5, windowMs: 60 * 60_000, shared: true };

/**
 * Changing an account's email without letting a thief (or a squatter) take the account:
 *  1. POST /auth/email-change asks for the password (and 2FA code) and only mails a link to
 *     the new address; nothing changes yet, and the old address hears of the request.
 *  2. POST /auth/email-change/confirm, with the link's token, moves the account: the new
 *     address is proven. Every other mailed link dies; the old address gets an undo link.
 *  3. POST /auth/email-change/undo puts the old address back, signs out every device and
 *     mails a password reset link to it.
 * The request answers the same whether or not the new address is taken.
 */
export function emailChangeRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/auth/email-change' });
  const { log, config, pool } = deps;
  const link = (page: string, value: string) => `${config.publicUrl}/${page}?token=${encodeURIComponent(value)}`;
  const ip = (ctx: Parameters<typeof clientIp>[0]) => clientIp(ctx, deps.trustedProxies);

  router.post('/', requireUser(deps.tokens), rateLimit(deps.limiter, EMAIL_CHANGE_RULE, log, (ctx) => userIdOf(ctx), config.security.authRateLimit), async (ctx) => {
    const userId = userIdOf(ctx);
    // The password is optional here: an account made through Google confirms with a fresh
    // Google sign-in instead (reauthenticate says which it needs).
    const input = parseInput(emailChangeBody, bodyOf(ctx));
    const user = await reauthenticate(ctx, deps, userId, input, 'email_change');
    if (user.email.toLowerCase() === input.email.toLowerCase()) throw new HttpError(400, 'EMAIL_UNCHANGED', 'this is already the account\'s email', { fields: { email: 'unchanged' } });
    const taken = await findUserByEmail(pool, input.email);
    if (taken) {
      await deps.mailer.send(emailChangeTakenMail(input.email));
    } else {
      await revokeOneTimeTokens(pool, userId, 'email_change');
      const value = await createOneTimeToken(pool, { userId, purpose: 'email_change', ttlMinutes: CONFIRM_MINUTES, email: input.email, previousEmail: user.email });
      await deps.mailer.send(emailChangeMail(input.email, link('confirm-email', value)));
    }
    await deps.mailer.send(securityNoticeMail(user.email, `a change of the account's email to ${input.email} was asked for; it happens only if the link sent there is opened`));
    log.info({ event: 'auth_email_change_requested', userId, ip: ip(ctx) }, 'email change requested');
    ctx.status = 202;
    ctx.body = { pending: true, message: `open the link we sent to ${input.email} to finish the change` };
  });

  router.post('/confirm', async (ctx) => {
    const input = parseInput(linkTokenBody, bodyOf(ctx));
    const used = await consumeOneTimeToken(pool, input.token, 'email_change');
    if (!used.ok) throw tokenError(used.code, 'email change');
    const previous = used.previousEmail!;
    if (!(await setProvenEmail(pool, used.userId, used.email))) {
      throw new HttpError(409, 'EMAIL_TAKEN', 'another account took this address meanwhile', { fields: { email: 'taken' } });
    }
    await revokeAllOneTimeTokens(pool, used.userId, false);
    const undo = await createOneTimeToken(pool, { userId: used.userId, purpose: 'email_change_undo', ttlMinutes: UNDO_MINUTES, email: previous, previousEmail: used.email });
    await deps.mailer.send(emailChangedMail(previous, used.email, link('undo-email', undo)));
    log.info({ event: 'auth_email_changed', userId: used.userId, ip: ip(ctx) }, 'email changed');
    ctx.body = { changed: true, email: used.email };
  });

  router.post('/undo', async (ctx) => {
    const input = parseInput(linkTokenBody, bodyOf(ctx));
    const used = await consumeOneTimeToken(pool, input.token, 'email_change_undo');
    if (!used.ok) throw tokenError(used.code, 'email change');
    if (!(await setProvenEmail(pool, used.userId, used.email))) {
      throw new HttpError(409, 'EMAIL_TAKEN', 'another account uses this address now', { fields: { email: 'taken' } });
    }
    // Whoever moved the address may hold sessions and the password: end all of them and
    // send the owner a way to choose a new password.
    await revokeAllOneTimeTokens(pool, used.userId, false);
    const devices = await deps.refreshTokens.revokeAll(used.userId, 'email_change_undone');
    const reset = await createOneTimeToken(pool, { userId: used.userId, purpose: 'password_reset', ttlMinutes: RESET_MINUTES, email: used.email });
    await deps.mailer.send(passwordResetMail(used.email, link('reset', reset)));
    log.warn({ event: 'auth_email_change_undone', userId: used.userId, devicesSignedOut: devices, ip: ip(ctx) }, 'email change undone by the old address');
    ctx.body = { restored: true, email: used.email, devicesSignedOut: devices };
  });

  return router;
}
