/**
 * The server's password policy (server/auth/passwords.ts, ASVS 2.1), repeated so the form
 * can say what is missing while the user types: length, bcrypt's 72 bytes, not a common
 * password, not the email's name, and no rules about character classes. The server checks
 * against a 49,000-entry breached list; the sample here only warns early. The server stays
 * the judge: a refusal from it is shown as it comes.
 */
const COMMON_WORDS = ['password', 'qwerty', 'qwertyuiop', 'iloveyou', 'welcome', 'letmein', 'sunshine', 'princess', 'football', 'monkey', 'dragon', 'master', 'admin', 'changeme', 'secret', 'fingerflow', 'typing', 'keyboard'];
const COMMON = new Set(['123456789012', 'qwertyuiop12', 'qwertyuiop123', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'passwordpassword', ...COMMON_WORDS]);

export interface PasswordCheck {
  label: string;
  ok: boolean;
}

function common(password: string): boolean {
  const lower = password.toLowerCase();
  const core = lower.replace(/^[\d\W_]+/u, '').replace(/[\d\W_]+$/u, '');
  return COMMON.has(lower) || COMMON_WORDS.includes(core);
}

export function passwordChecks(password: string, email = ''): PasswordCheck[] {
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  const characters = [...password].length;
  return [
    { label: '12 to 128 characters', ok: characters >= 12 && characters <= 128 },
    { label: 'at most 72 bytes (fewer with accents or emoji)', ok: new TextEncoder().encode(password).length <= 72 },
    { label: 'not a common password', ok: password.length > 0 && !common(password) },
    { label: 'not your email name', ok: !(local.length >= 4 && password.toLowerCase().includes(local)) },
  ];
}

/** 0..4: rules met plus length and variety beyond the minimum; 4 only when every rule holds. */
export function passwordStrength(password: string, email = ''): number {
  const checks = passwordChecks(password, email);
  if (!checks.every((c) => c.ok)) return Math.min(2, Math.floor((checks.filter((c) => c.ok).length / checks.length) * 3));
  const extra = ([...password].length >= 14 ? 1 : 0) + (/[^A-Za-z0-9]/.test(password) || /\s/.test(password) ? 1 : 0);
  return 2 + Math.min(2, extra);
}
