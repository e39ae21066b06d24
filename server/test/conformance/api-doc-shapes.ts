// Reads the request and answer shapes API.md's route rows state (`{ mode, config? }`,
// `→ 201 { session, ingest }`) and the top-level fields of a zod schema, so a test can hold
// one to the other.
import { z } from 'zod';

export interface DocShape {
  /** The status written before the braces (`201 { ... }`), if any. */
  status?: number;
  /** Top-level field names; `optional` when written `name?`. */
  fields: Array<{ name: string; optional: boolean }>;
}

/** `{ a, b?: {...}, c: [..] }` at depth 1, or undefined if the span is not a shape. */
export function parseShape(span: string): DocShape | undefined {
  const m = /^(?:(\d{3}) )?\{(.*)\}$/.exec(span.trim());
  if (!m) return undefined;
  const fields: DocShape['fields'] = [];
  let depth = 0;
  let part = '';
  const flush = () => {
    const name = /^\s*([A-Za-z]\w*)(\?)?/.exec(part);
    if (name) fields.push({ name: name[1]!, optional: Boolean(name[2]) });
    part = '';
  };
  for (const ch of m[2]!) {
    if ('{[('.includes(ch)) depth++;
    if ('}])'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) flush();
    else part += ch;
  }
  flush();
  return { status: m[1] ? Number(m[1]) : undefined, fields };
}

/** The object schemas a schema may be: itself, or each option of a union. */
function objects(schema: z.ZodType): z.ZodObject[] {
  if (schema instanceof z.ZodObject) return [schema];
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(objects);
  if (schema instanceof z.ZodPipe) return objects(schema.in as z.ZodType);
  return [];
}

/** Why a documented shape does not match the schema (empty when one of its objects fits). */
export function shapeProblems(doc: DocShape, schema: z.ZodType, input: boolean): string[] {
  const candidates = objects(schema);
  if (candidates.length === 0) return ['the schema is not an object'];
  const problems = candidates.map((object) => {
    const shape = object.shape as Record<string, z.ZodType>;
    const out: string[] = [];
    const documented = new Set(doc.fields.map((f) => f.name));
    for (const key of Object.keys(shape)) if (!documented.has(key)) out.push(`${key} is not documented`);
    for (const field of doc.fields) {
      const fieldSchema = shape[field.name];
      if (!fieldSchema) {
        out.push(`${field.name} is not in the schema`);
        continue;
      }
      // In a request, a field with a default may be left out too.
      const optional = input ? fieldSchema.safeParse(undefined).success : fieldSchema instanceof z.ZodOptional;
      if (optional !== field.optional) out.push(`${field.name} is ${optional ? 'optional' : 'required'} in the schema`);
    }
    return out;
  });
  return problems.find((p) => p.length === 0) ?? problems[0]!;
}
