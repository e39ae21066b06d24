import type {
  AuthorizationUrlAnswer, ChangePasswordBody, CodeAndPasswordBody, Device, DevicesAnswer, EmailBody, EmailChangeBody, EmailChangedAnswer,
  EmailChangePendingAnswer, EmailRestoredAnswer, GoogleLinkBody, LinkTokenBody, LoginAnswer, LoginBody, LoginSecondStepBody, PasswordBody,
  PasswordChangedAnswer, ProfilePatch, PublicUser, RegisterAnswer, RegisterBody, ResetAnswer, ResetPasswordBody, SignInAnswer,
  TwoFactorEnabledAnswer, TwoFactorSetupAnswer, UserAnswer, VerifiedAnswer,
} from '../../../shared/api/auth.ts';
import type { Auth } from './auth.ts';
import { requestJson } from './http.ts';

export type { Device, LoginAnswer, PublicUser };

/*
 * The /auth routes. The public ones (register, login, verify, forgot, reset) go through
 * requestJson, never Auth.request: a 401 there is the answer to the form (wrong password),
 * not an expired sign-in to renew, so it can never turn into "session expired".
 */
/** Always "check your mail": the answer does not say whether the address had an account. */
export const register = (email: string, password: string, displayName?: string) =>
  requestJson<RegisterAnswer>('/auth/register', { method: 'POST', body: { email, password, ...(displayName ? { displayName } : {}) } satisfies RegisterBody });
export const verifyEmail = (token: string) => requestJson<VerifiedAnswer>('/auth/verify', { method: 'POST', body: { token } satisfies LinkTokenBody });
export const resendVerification = (email: string) => requestJson('/auth/resend-verification', { method: 'POST', body: { email } satisfies EmailBody });
export const login = (email: string, password: string) => requestJson<LoginAnswer>('/auth/login', { method: 'POST', body: { email, password } satisfies LoginBody });
/** Without a token, the server reads it from the cookie a Google sign-in left (never from the URL). */
export const loginSecondStep = (twoFactorToken: string | null, code: string) =>
  requestJson<SignInAnswer>('/auth/login/2fa', { method: 'POST', body: { ...(twoFactorToken ? { twoFactorToken } : {}), code } satisfies LoginSecondStepBody });
export const confirmEmailChange = (token: string) => requestJson<EmailChangedAnswer>('/auth/email-change/confirm', { method: 'POST', body: { token } satisfies LinkTokenBody });
export const undoEmailChange = (token: string) => requestJson<EmailRestoredAnswer>('/auth/email-change/undo', { method: 'POST', body: { token } satisfies LinkTokenBody });
export const forgotPassword = (email: string) => requestJson('/auth/forgot-password', { method: 'POST', body: { email } satisfies EmailBody });
export const resetPassword = (token: string, password: string, code?: string) =>
  requestJson<ResetAnswer>('/auth/reset-password', { method: 'POST', body: { token, password, ...(code ? { code } : {}) } satisfies ResetPasswordBody });

export const me = async (auth: Auth) => (await auth.request<UserAnswer>('/auth/me')).user;
export const updateProfile = async (auth: Auth, patch: ProfilePatch) =>
  (await auth.request<UserAnswer>('/auth/me', { method: 'PATCH', body: patch satisfies ProfilePatch })).user;
/**
 * Re-authentication for a sensitive change: the password, and the code when 2FA is on. An
 * account made through Google has no password and sends none: a Google sign-in of the last
 * 10 minutes on this device stands in (else 400 REAUTH_WITH_PROVIDER).
 */
export interface Reauth {
  password?: string;
  code?: string;
}
const withCode = (reauth: Reauth) => ({ ...(reauth.password ? { password: reauth.password } : {}), ...(reauth.code ? { code: reauth.code } : {}) });
export const requestEmailChange = (auth: Auth, email: string, reauth: Reauth) =>
  auth.request<EmailChangePendingAnswer>('/auth/email-change', { method: 'POST', body: { email, ...withCode(reauth) } satisfies EmailChangeBody });
export const changePassword = (auth: Auth, currentPassword: string, newPassword: string, code?: string) =>
  auth.request<PasswordChangedAnswer>('/auth/change-password', { method: 'POST', body: { currentPassword, newPassword, ...(code ? { code } : {}) } satisfies ChangePasswordBody });
export const linkGoogle = (auth: Auth, reauth: Reauth | null) =>
  auth.request<AuthorizationUrlAnswer>('/auth/google/link', { method: 'POST', body: (reauth ? withCode(reauth) : {}) satisfies GoogleLinkBody });
export const listDevices = async (auth: Auth) => (await auth.request<DevicesAnswer>('/auth/devices')).devices;
export const revokeDevice = (auth: Auth, id: string) => auth.request(`/auth/devices/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const startTwoFactor = (auth: Auth, password: string) => auth.request<TwoFactorSetupAnswer>('/auth/2fa/setup', { method: 'POST', body: { password } satisfies PasswordBody });
export const enableTwoFactor = (auth: Auth, code: string, password: string) => auth.request<TwoFactorEnabledAnswer>('/auth/2fa/enable', { method: 'POST', body: { code, password } satisfies CodeAndPasswordBody });
export const disableTwoFactor = (auth: Auth, password: string, code: string) => auth.request('/auth/2fa/disable', { method: 'POST', body: { password, code } satisfies CodeAndPasswordBody });
