import { z } from 'zod';

// Accounts and sign-in (API.md: /auth). Bodies are not strict unless said: these routes
// predate the strict rule and a client may send a field more without harm.

/**
 * Longest password field read: four times the policy's 128 characters (server/auth/
 * passwords.ts), so an over-long password is refused by the policy with its reason, while
 * the bcrypt work stays bounded.
 */
const PASSWORD_FIELD_MAX = 128 * 4;

const email = z.email().max(320).transform((e) => e.trim());
/** A mailed link's token. */
const linkToken = z.string().min(20).max(200);
const newPassword = z.string().max(PASSWORD_FIELD_MAX);
const displayName = z.string().trim().max(100);
/** A TOTP or backup code. */
const code = z.string().trim().min(1).max(32);

/** What every sensitive change asks for: the password, and the code when 2FA is on. */
export const reauthFields = { password: z.string().min(1).max(1024), code: code.optional() };

export const registerBody = z.object({ email, password: newPassword, displayName: displayName.optional() });
export const linkTokenBody = z.object({ token: linkToken });
export const emailBody = z.object({ email });
export const resetPasswordBody = z.object({ token: linkToken, password: newPassword, code: z.string().trim().max(20).optional() });
export const changePasswordBody = z.object({ currentPassword: reauthFields.password, code: reauthFields.code, newPassword });
export const profilePatch = z.object({ displayName: displayName.optional(), email: email.optional() }).strict();
export const loginBody = z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1024) });
/** Without a token, the server reads the step token from the cookie a Google sign-in left. */
export const loginSecondStepBody = z.object({ twoFactorToken: z.string().min(1).max(4096).optional(), code });
export const passwordBody = z.object({ password: reauthFields.password });
export const codeAndPasswordBody = z.object({ code, password: reauthFields.password });
/** The same fields in the order 2FA's disable route reports them. */
export const passwordAndCodeBody = z.object({ password: reauthFields.password, code });
export const emailChangeBody = z.object({ email, password: reauthFields.password.optional(), code: reauthFields.code }).strict();
export const googleLinkBody = z.object({ password: reauthFields.password.optional(), code: reauthFields.code });
export const deviceIdParam = z.object({ id: z.uuid() });

export type RegisterBody = z.input<typeof registerBody>;
export type LinkTokenBody = z.input<typeof linkTokenBody>;
export type EmailBody = z.input<typeof emailBody>;
export type ResetPasswordBody = z.input<typeof resetPasswordBody>;
export type ChangePasswordBody = z.input<typeof changePasswordBody>;
export type LoginBody = z.input<typeof loginBody>;
export type LoginSecondStepBody = z.input<typeof loginSecondStepBody>;
export type ProfilePatch = z.input<typeof profilePatch>;
export type PasswordBody = z.input<typeof passwordBody>;
export type CodeAndPasswordBody = z.input<typeof codeAndPasswordBody>;
export type EmailChangeBody = z.input<typeof emailChangeBody>;
export type GoogleLinkBody = z.input<typeof googleLinkBody>;

const isoTime = z.iso.datetime({ offset: true });

/** What the API shows of an account. */
export const publicUser = z.strictObject({
  id: z.uuid(),
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  emailVerified: z.boolean(),
  twoFactorEnabled: z.boolean(),
  isAnonymous: z.boolean(),
  createdAt: isoTime,
});
export type PublicUser = z.infer<typeof publicUser>;

/** An access token (`expiresIn` seconds); the refresh token travels in an HttpOnly cookie. */
export const tokenAnswer = z.strictObject({ accessToken: z.string().min(1), expiresIn: z.int().positive() });
export type TokenAnswer = z.infer<typeof tokenAnswer>;
export const signInAnswer = tokenAnswer.extend({ user: publicUser });
export type SignInAnswer = z.infer<typeof signInAnswer>;
export const twoFactorStepAnswer = z.strictObject({ twoFactorRequired: z.literal(true), twoFactorToken: z.string(), expiresIn: z.int().positive() });
export const loginAnswer = z.union([signInAnswer, twoFactorStepAnswer]);
export type LoginAnswer = z.infer<typeof loginAnswer>;

export const device = z.strictObject({
  id: z.uuid(),
  userAgent: z.string().nullable(),
  /** The User-Agent parsed by the server (server/auth/device-label.ts). */
  device: z.strictObject({ browser: z.string().nullable(), os: z.string().nullable(), type: z.string() }),
  ip: z.string().nullable(),
  signedInAt: isoTime,
  lastUsedAt: isoTime,
  current: z.boolean(),
});
export type Device = z.infer<typeof device>;
export const devicesAnswer = z.strictObject({ devices: z.array(device) });

export const userAnswer = z.strictObject({ user: publicUser });
export const registerAnswer = z.strictObject({ verificationSent: z.literal(true), message: z.string() });
export const verifiedAnswer = z.strictObject({ verified: z.literal(true) });
/** The same answer whether or not the address has an account. */
export const messageAnswer = z.strictObject({ message: z.string() });
export const resetAnswer = z.strictObject({ reset: z.literal(true) });
export const passwordChangedAnswer = z.strictObject({ changed: z.literal(true), otherDevicesSignedOut: z.int().min(0) });
export const twoFactorSetupAnswer = z.strictObject({ secret: z.string(), otpauthUri: z.string() });
export const twoFactorEnabledAnswer = z.strictObject({ enabled: z.literal(true), backupCodes: z.array(z.string()) });
export const backupCodesAnswer = z.strictObject({ backupCodes: z.array(z.string()) });
export const twoFactorDisabledAnswer = z.strictObject({ disabled: z.literal(true) });
export const emailChangePendingAnswer = z.strictObject({ pending: z.literal(true), message: z.string() });
export const emailChangedAnswer = z.strictObject({ changed: z.literal(true), email: z.string() });
export const emailRestoredAnswer = z.strictObject({ restored: z.literal(true), email: z.string(), devicesSignedOut: z.int().min(0) });
export const authorizationUrlAnswer = z.strictObject({ authorizationUrl: z.url() });

export type RegisterAnswer = z.infer<typeof registerAnswer>;
export type UserAnswer = z.infer<typeof userAnswer>;
export type DevicesAnswer = z.infer<typeof devicesAnswer>;
export type VerifiedAnswer = z.infer<typeof verifiedAnswer>;
export type ResetAnswer = z.infer<typeof resetAnswer>;
export type PasswordChangedAnswer = z.infer<typeof passwordChangedAnswer>;
export type TwoFactorSetupAnswer = z.infer<typeof twoFactorSetupAnswer>;
export type TwoFactorEnabledAnswer = z.infer<typeof twoFactorEnabledAnswer>;
export type EmailChangePendingAnswer = z.infer<typeof emailChangePendingAnswer>;
export type EmailChangedAnswer = z.infer<typeof emailChangedAnswer>;
export type EmailRestoredAnswer = z.infer<typeof emailRestoredAnswer>;
export type AuthorizationUrlAnswer = z.infer<typeof authorizationUrlAnswer>;
