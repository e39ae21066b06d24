// Reads the tables of the Markdown contracts (PROTOCOL.md, API.md) so that tests can hold
// the code to them, and the documents to the code, both ways.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../support/processes.ts';

export function readDoc(relative: string): string {
  return fs.readFileSync(path.join(REPO_ROOT, relative), 'utf8');
}

/** The text of a `## N. Title` (or any `##`) section, up to the next `##` heading. */
export function section(doc: string, heading: RegExp): string {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => /^#{2,3} /.test(l) && heading.test(l));
  if (start < 0) throw new Error(`no section matching ${heading}`);
  const depth = /^(#+)/.exec(lines[start]!)![1]!.length;
  const end = lines.findIndex((l, i) => i > start && new RegExp(`^#{1,${depth}} `).test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Every Markdown table in a text, as rows of trimmed cells (header and rule lines dropped). */
export function tables(text: string): string[][][] {
  const found: string[][][] = [];
  let current: string[][] | null = null;
  for (const line of text.split('\n')) {
    if (!line.trim().startsWith('|')) {
      current = null;
      continue;
    }
    const cells = line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim());
    if (!current) {
      current = [];
      found.push(current);
      continue; // the header row
    }
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    current.push(cells);
  }
  return found;
}

/** The first table whose header row contains every given word. */
export function tableWithHeader(text: string, words: string[]): string[][] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim().startsWith('|') && words.every((w) => line.includes(w)) && !lines[i - 1]?.trim().startsWith('|')) {
      return tables(lines.slice(i).join('\n'))[0]!;
    }
  }
  throw new Error(`no table with header ${words.join(', ')}`);
}

/** The backticked names at the start of each ` · `-separated part of a fields cell. */
export function fieldNames(cell: string): string[] {
  return cell.split(' · ').map((part) => /^`([A-Za-z]+)`/.exec(part.trim())?.[1]).filter((n): n is string => Boolean(n));
}

/** Every backticked UPPER_CASE code in a text. */
export function codesIn(text: string): string[] {
  return [...text.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)].map((m) => m[1]!);
}
