import bcrypt from 'bcrypt';
import { isBreachedPassword } from './common-passwords.ts';

/** ASVS 2.1.1: at least 12 characters. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
/** bcrypt reads 72 bytes and silently ignores the rest: refused rather than half-used. */
export const PASSWORD_MAX_BYTES = 72;

/**
 * Why a new password is refused, or undefined when it is acceptable. ASVS 2.1: length, not
 * a breached or common password, not the email's name; no composition rules (they make
 * "Password1!" and nothing stronger). Any character is allowed, spaces and emoji included.
 */
export function passwordProblem(password: string, email?: string): string | undefined {
  const characters = [...password].length;
  if (characters < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (characters > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    return `must be at most ${PASSWORD_MAX_BYTES} bytes (72 plain letters; accented letters and emoji take 2 to 4 bytes each), because only that much is used`;
  }
  if (isBreachedPassword(password)) return 'is on a list of passwords leaked in data breaches; choose another';
  const lower = password.toLowerCase();
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
