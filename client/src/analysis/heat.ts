/**
 * Heat-map colouring: a value's place between the smallest and largest of the set, as a
 * mix of the theme's OK colour into its error colour. Null values stay the key colour.
 */
export function heatFraction(value: number | null, values: readonly (number | null)[]): number | null {
  if (value === null) return null;
  const known = values.filter((v): v is number => v !== null);
  const min = Math.min(...known);
  const max = Math.max(...known);
  return max === min ? 0.5 : (value - min) / (max - min);
}

export function heatColour(fraction: number | null): string {
  if (fraction === null) return 'var(--bg-key)';
  const pct = Math.round(fraction * 100);
  return `color-mix(in srgb, var(--status-error) ${pct}%, var(--status-ok))`;
}
