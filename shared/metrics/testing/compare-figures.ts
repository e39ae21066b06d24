/**
 * Compares two analytics answers field by field: numbers within 1e-6 (relative above 1,
 * absolute below), nulls only with nulls, arrays as sets keyed by what identifies an
 * element (SQL and the reference need not list keys in the same order). Returns the
 * differences as readable paths; empty means equal.
 */
export const TOLERANCE = 1e-6;

const IDENTITY: Record<string, (item: Record<string, unknown>) => string> = {
  keys: (k) => String(k.code ?? k.key), // KeyFigures have a code, KeyModel entries a key
  fingers: (f) => String(f.finger),
  hands: (h) => String(h.hand),
  digraphs: (d) => String(d.pair),
  digraphClasses: (d) => String(d.class),
  confusion: (c) => `${String(c.expected)}\u0000${String(c.typed)}`,
  series: (s) => String(s.second),
  windows: (w) => String(w.index),
  points: (p) => String(p.sessionId),
};

export function compareFigures(actual: unknown, expected: unknown, path = '$', out: string[] = []): string[] {
  if (out.length > 20) return out;
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (!Number.isFinite(actual)) out.push(`${path}: ${actual} is not finite`);
    else if (Math.abs(actual - expected) > TOLERANCE * Math.max(1, Math.abs(expected))) out.push(`${path}: ${actual} != ${expected}`);
    return out;
  }
  if (expected === null || actual === null || typeof expected !== 'object' || typeof actual !== 'object') {
    if (actual !== expected) out.push(`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
    return out;
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return out.concat(`${path}: array against non-array`);
    if (actual.length !== expected.length) out.push(`${path}: ${actual.length} items != ${expected.length}`);
    const name = path.slice(path.lastIndexOf('.') + 1);
    const id = IDENTITY[name];
    if (!id) {
      expected.forEach((e, i) => compareFigures(actual[i], e, `${path}[${i}]`, out));
      return out;
    }
    const byId = new Map(actual.map((a) => [id(a as Record<string, unknown>), a]));
    for (const e of expected) {
      const key = id(e as Record<string, unknown>);
      if (!byId.has(key)) out.push(`${path}[${key}]: missing`);
      else compareFigures(byId.get(key), e, `${path}[${key}]`, out);
    }
    return out;
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  for (const k of new Set([...Object.keys(a), ...Object.keys(e)])) {
    if (!(k in a)) out.push(`${path}.${k}: missing`);
    else if (!(k in e)) out.push(`${path}.${k}: unexpected`);
    else compareFigures(a[k], e[k], `${path}.${k}`, out);
  }
  return out;
}
