import type { PasswordCheck } from './password-rules.ts';

const WORDS = ['too weak', 'weak', 'not yet', 'good', 'strong'] as const;

/**
 * What the strength meter shows, tied to the rules so the two can never disagree: while a
 * rule fails it reads at most "not yet" (the form refuses the password); once every rule
 * holds it reads at least "good" (the form accepts it), "strong" when the rules module rates
 * it 4. The rules module (password-rules.ts) stays the only place that knows the policy.
 */
export function meterReading(checks: readonly PasswordCheck[], strength: number): { value: number; word: (typeof WORDS)[number] } {
  const value = checks.every((c) => c.ok) ? Math.max(3, Math.min(4, strength)) : Math.max(0, Math.min(2, strength));
  return { value, word: WORDS[value]! };
}
