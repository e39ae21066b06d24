import Router from '@koa/router';
import { confirmEmailChange, requestEmailChange, undoEmailChange } from '../auth/use-cases/email-change.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { translateAuthErrors } from './auth-errors.ts';
import { bodyOf } from './body.ts';
import { rateLimit, type RateRule } from './rate-limit.ts';
import { requester } from './requester.ts';
import { parseInput } from './validation.ts';
import { emailChangeBody, linkTokenBody } from '../../shared/api/auth.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

// Each request mails two addresses: few per account, so it cannot be used to bomb a mailbox.
const EMAIL_CHANGE_RULE: RateRule = { name: 'email_change', limit: 5, windowMs: 60 * 60_000, shared: true };

/**
 * Changing an account's email (auth/use-cases/email-change.ts): POST /auth/email-change
 * mails a link to the new address, /confirm with the link's token moves the account,
 * /undo (the link mailed to the old address) puts it back and signs out every device.
 */
export function emailChangeRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/auth/email-change' });
  const { log, config } = deps;
  router.use(translateAuthErrors);

  router.post('/', requireUser(deps.tokens), rateLimit(deps.limiter, EMAIL_CHANGE_RULE, log, (ctx) => userIdOf(ctx), config.security.authRateLimit), async (ctx) => {
    const userId = userIdOf(ctx);
    // The password is optional here: an account made through Google confirms with a fresh
    // Google sign-in instead (reauthenticate says which it needs).
    const input = parseInput(emailChangeBody, bodyOf(ctx));
    await requestEmailChange(deps, userId, input, requester(ctx, deps));
    ctx.status = 202;
    ctx.body = { pending: true, message: `open the link we sent to ${input.email} to finish the change` };
  });

  router.post('/confirm', async (ctx) => {
    const input = parseInput(linkTokenBody, bodyOf(ctx));
    ctx.body = { changed: true, email: await confirmEmailChange(deps, input.token, requester(ctx, deps)) };
  });

  router.post('/undo', async (ctx) => {
    const input = parseInput(linkTokenBody, bodyOf(ctx));
    const restored = await undoEmailChange(deps, input.token, requester(ctx, deps));
    ctx.body = { restored: true, email: restored.email, devicesSignedOut: restored.devicesSignedOut };
  });

  return router;
}
