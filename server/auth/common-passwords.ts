import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * 49,233 passwords from public breach corpora (the list zxcvbn-ts ships, ~380 KB packed),
 * lower-cased. ASVS 2.1.7 asks new passwords to be checked against breached ones; a local
 * list needs no call to a third party with a hash prefix of the user's password.
 */
const BREACHED: readonly string[] = dictionary['passwords-common'];
const ALL = new Set(BREACHED.map((p) => p.toLowerCase()));
// The most used ones are refused with digits or symbols stuck on either end as well:
// "Password123!" and "!!Qwerty2024" are what a composition rule makes of them.
const TOP = new Set(BREACHED.slice(0, 10_000).map((p) => p.toLowerCase()));
// Words anyone guessing at this site tries first.
const SITE_WORDS = ['fingerflow', 'finger flow', 'typing', 'keyboard'];

export function isBreachedPassword(password: string): boolean {
  const lower = password.toLowerCase();
  if (ALL.has(lower)) return true;
  const core = lower.replace(/^[\d\W_]+/u, '').replace(/[\d\W_]+$/u, '');
  return core.length >= 4 && (TOP.has(core) || SITE_WORDS.includes(core));
}
