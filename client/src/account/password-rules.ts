/**
 * The server's password policy (server/auth/passwords.ts), repeated so the form can say what
 * is missing while the user types. The server stays the judge: a refusal from it is shown as
 * it comes. The common list here is a short sample of the server's; the meter only warns.
 */
const COMMON = new Set(['password1', 'password123', 'passw0rd', 'p@ssw0rd', 'qwerty123', 'qwerty1234', '1q2w3e4r', '1qaz2wsx', 'abc12345', 'abcd1234', 'welcome1', 'welcome123', 'letmein1', 'iloveyou1', 'sunshine1', 'princess1', 'football1', 'monkey123', 'dragon123', 'master123', 'changeme1', 'admin1234', 'test12345', 'secret123', 'hello1234', 'password2025']);

export interface PasswordCheck {
  label: string;
  ok: boolean;
}

export function passwordChecks(password: string, email = ''): PasswordCheck[] {
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  return [
    { label: '8 to 128 characters', ok: password.length >= 8 && password.length <= 128 },
    { label: 'a lowercase letter', ok: /[a-z]/.test(password) },
    { label: 'an uppercase letter', ok: /[A-Z]/.test(password) },
    { label: 'a digit', ok: /[0-9]/.test(password) },
    { label: 'not a common password', ok: password.length > 0 && !COMMON.has(password.toLowerCase()) },
    { label: 'not your email name', ok: !(local.length >= 4 && password.toLowerCase().includes(local)) },
  ];
}

/** 0..4: rules met plus length and variety beyond the minimum; 4 only when every rule holds. */
export function passwordStrength(password: string, email = ''): number {
  const checks = passwordChecks(password, email);
  if (!checks.every((c) => c.ok)) return Math.min(2, Math.floor((checks.filter((c) => c.ok).length / checks.length) * 3));
  const extra = (password.length >= 12 ? 1 : 0) + (/[^A-Za-z0-9]/.test(password) ? 1 : 0);
  return 2 + Math.min(2, extra) as number;
}
