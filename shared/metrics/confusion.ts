import type { ConfusionEntry } from './analytics-types.ts';
import type { KeydownFact } from './derive.ts';

/**
 * Which character was typed instead of which: every erroneous character keystroke whose
 * position lies inside the practice text, counted by (expected, typed). Exact characters,
 * case kept: 'A' for 'a' is a Shift mistake worth seeing.
 */
export function confusionTable(facts: readonly KeydownFact[]): ConfusionEntry[] {
  const counts = new Map<string, ConfusionEntry>();
  for (const f of facts) {
    if (!f.isChar || !f.isError || f.expected === null) continue;
    const id = `${f.expected}\u0000${f.key}`;
    const entry = counts.get(id);
    if (entry) entry.count++;
    else counts.set(id, { expected: f.expected, typed: f.key, count: 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
}
