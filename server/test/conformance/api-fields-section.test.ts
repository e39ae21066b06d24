// API.md's Fields section against the schemas of shared/api: each bullet (Session, Settings,
// Word set, Log entry) names every field of its schema and no other, lists each choice
// (`theme` `default|cyberpunk|...`) as the schema's enum has it, and the fields of a nested
// object (`config` `{ duration, ... }`, `sound { enabled, volume }`) as the schema nests them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { createSessionBody, sessionDetail } from '../../../shared/api/sessions.ts';
import { settingsAnswer } from '../../../shared/api/settings.ts';
import { logBody } from '../../../shared/api/system.ts';
import { createWordSetInput } from '../../../shared/api/word-sets.ts';
import { parseShape } from './api-doc-shapes.ts';
import { readDoc, section } from './doc-tables.ts';

/** The schema inside optional, nullable and default wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let inner = schema as z.ZodType & { def: { innerType?: z.ZodType } };
  while (inner.def.innerType) inner = inner.def.innerType;
  return inner;
}

function keysOf(schema: z.ZodType): string[] {
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

interface Bullet {
  title: string;
  schema: z.ZodObject;
  /** Fields a bullet may also name: answer-only fields it explains. */
  alsoAnswers?: string[];
}

const BULLETS: Bullet[] = [
  { title: 'Session', schema: createSessionBody, alsoAnswers: Object.keys(sessionDetail.shape) },
  { title: 'Settings', schema: settingsAnswer.shape.settings },
  { title: 'Word set', schema: createWordSetInput },
  { title: 'Log entry', schema: logBody.shape.entries.element },
];

const fieldsSection = section(readDoc('server/http/API.md'), /^### Fields/);

function bulletText(title: string): string {
  const found = new RegExp(`^- \\*\\*${title}\\*\\*: ([\\s\\S]*?)(?=\\n- \\*\\*|\\n\\n|(?![\\s\\S]))`, 'm').exec(fieldsSection);
  if (!found) throw new Error(`no **${title}** bullet in API.md's Fields`);
  return found[1]!;
}

/** Problems of one bullet against its schema. */
function problemsOf(bullet: Bullet): string[] {
  const text = bulletText(bullet.title);
  const spans = [...text.matchAll(/`([^`]+)`/g)].map((m) => ({ text: m[1]!.replace(/\s+/g, ' '), start: m.index, end: m.index + m[0].length }));
  const adjacent = (i: number) => spans[i + 1] && /^\s*$/.test(text.slice(spans[i]!.end, spans[i + 1]!.start)) ? spans[i + 1]!.text : undefined;
  const shape = bullet.schema.shape as Record<string, z.ZodType>;
  const problems: string[] = [];
  const named = new Set<string>();
  // A field is named at the start of a clause, outside parentheses; a name in running prose
  // (`a timed session needs \`duration\``, `(written as \`clientTime\`)`) is an example.
  const prose = text.replace(/`[^`]*`/g, (span) => ' '.repeat(span.length));
  const startsClause = (at: number) => {
    const before = prose.slice(0, at);
    const depth = (before.match(/\(/g)?.length ?? 0) - (before.match(/\)/g)?.length ?? 0);
    return depth === 0 && /(^|[,;:])\s*$/.test(before);
  };
  const nestedKeys = new Set(Object.values(shape).flatMap(keysOf));
  spans.forEach((span, i) => {
    const m = /^([a-z][A-Za-z]*)( \{.*\})?$/.exec(span.text);
    if (!m || !startsClause(span.start) || (!shape[m[1]!] && nestedKeys.has(m[1]!))) return;
    const name = m[1]!;
    named.add(name);
    const field = shape[name];
    if (!field) {
      if (!bullet.alsoAnswers?.includes(name)) problems.push(`${name} is not a field`);
      return;
    }
    const next = adjacent(i);
    const nested = m[2] ?? (next?.startsWith('{') ? next : undefined);
    if (nested) {
      const documented = parseShape(nested.trim())!.fields.map((f) => f.name).sort();
      if (JSON.stringify(documented) !== JSON.stringify(keysOf(field).sort())) problems.push(`${name} has ${keysOf(field).join(', ')}, API.md says ${documented.join(', ')}`);
    }
    const inner = unwrap(field);
    if (next && /^[\w-]+(\|[\w-]+)+$/.test(next) && inner instanceof z.ZodEnum) {
      const options = (inner.options as string[]).join('|');
      if (next !== options) problems.push(`${name} is ${options}, API.md says ${next}`);
    }
  });
  for (const key of Object.keys(shape)) if (!named.has(key)) problems.push(`${key} is not named`);
  return problems.map((p) => `${bullet.title}: ${p}`);
}

test('the bullet scan reads names, choices and nested fields (a sanity check on the scan itself)', () => {
  assert.ok(bulletText('Settings').includes('`caretStyle`'));
  assert.equal(keysOf(settingsAnswer.shape.settings.shape.sound), ['enabled', 'volume']);
});

test('each Fields bullet names the fields of its schema, their choices and nested fields', () => {
  assert.equal(BULLETS.flatMap(problemsOf), []);
});

test.run();
