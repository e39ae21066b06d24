import bcrypt from 'bcrypt';
import { COMMON_PASSWORDS } from './common-passwords.ts';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  if (!/[a-z]/.test(password)) return 'must contain a lowercase letter';
  if (!/[A-Z]/.test(password)) return 'must contain an uppercase letter';
  if (!/[0-9]/.test(password)) return 'must contain a digit';
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return 'is one of the most common passwords; choose another';
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return 'must not contain your email name';
  return undefined;
}

/** bcrypt with a configurable cost (12 in production, ~280 ms here; tests use the minimum). */
export class PasswordHasher {
  /** How many passwords were compared: lets tests prove lockout stops evaluating. */
  verifications = 0;
  // A real hash to compare against when the account does not exist, so an unknown email
  // takes as long as a wrong password and timing does not reveal which emails exist.
  private dummyHash: Promise<string>;

  constructor(private readonly rounds: number) {
    this.dummyHash = bcrypt.hash('not-a-password-anyone-has', rounds);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.rounds);
  }

  async verify(password: string, hash: string | null): Promise<boolean> {
    this.verifications++;
    if (!hash) {
      await bcrypt.compare(password, await this.dummyHash);
      return false;
    }
    return bcrypt.compare(password, hash);
  }
}
