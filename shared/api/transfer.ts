import { z } from 'zod';
import { IMPORT_MAX_EVENTS as FILES_MAX_EVENTS, IMPORT_MAX_SESSIONS } from './import-limits.ts';
import { typingMode } from './fields.ts';

// Exports and imports of a typist's own data (API.md: /api/export, /api/import).

/** Events per POST /api/import: ~250 fit the 64 KB body limit; the schema allows a little headroom. */
export const IMPORT_CHUNK_MAX_EVENTS = 400;

const isoTime = z.iso.datetime({ offset: true });

/** One row of the events export (JSON): a stored keystroke, as an import takes it back. */
export const exportedEvent = z.object({
  batchSeq: z.number().int().min(1).max(2 ** 31 - 1),
  batchIdx: z.number().int().min(0).max(32_767),
  offsetUs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  type: z.union([z.literal(0), z.literal(1)]),
  code: z.string().min(1).max(32),
  key: z.string().max(32),
  textPos: z.number().int().min(-1).max(2 ** 31 - 1),
  // The file's finger is ignored (the server assigns fingers from the code) but allowed,
  // so an export goes back in unchanged.
  finger: z.number().int().optional(),
  isError: z.boolean(),
  flags: z.number().int().min(0).max(255),
}).strict();
export const exportedSessionEvent = exportedEvent.extend({ sessionId: z.uuid() });
export type ExportedEvent = z.infer<typeof exportedSessionEvent>;

/** One row of the sessions export (JSON). `summary` is the session's figures (METRICS.md). */
export const exportedSession = z.strictObject({
  sessionId: z.uuid(),
  originId: z.uuid(),
  mode: typingMode,
  startedAt: isoTime,
  endedAt: isoTime.nullable(),
  eventCount: z.int().min(0),
  noKeystrokes: z.boolean(),
  summary: z.record(z.string(), z.unknown()).nullable(),
});
export type ExportedSession = z.infer<typeof exportedSession>;

/** POST /api/import: one session and up to 400 of its events. */
export const importChunkBody = z.object({
  session: z.object({
    sourceId: z.uuid(),
    mode: typingMode,
    startedAt: isoTime.nullable().optional(),
    endedAt: isoTime.nullable().optional(),
  }).strict(),
  events: z.array(exportedEvent).max(IMPORT_CHUNK_MAX_EVENTS),
}).strict();
export type ImportChunkBody = z.input<typeof importChunkBody>;
export const importChunkAnswer = z.strictObject({ sessionId: z.uuid(), created: z.boolean(), inserted: z.int().min(0) });
export type ImportChunkAnswer = z.infer<typeof importChunkAnswer>;

/** A row of the sessions file as an import takes it (`originId` is absent in old exports). */
const importedSessionRow = z.object({
  sessionId: z.uuid(),
  originId: z.uuid().optional(),
  mode: typingMode,
  startedAt: isoTime,
  endedAt: isoTime.nullable(),
  eventCount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
}).strict();

/** POST /api/import/files: a whole JSON export, stored all or nothing. */
export const importFilesBody = z.object({
  sessions: z.array(importedSessionRow).max(IMPORT_MAX_SESSIONS),
  events: z.array(exportedSessionEvent).max(FILES_MAX_EVENTS),
  withoutKeystrokes: z.boolean().optional(),
}).strict();
export type ImportFilesBody = z.input<typeof importFilesBody>;

const count = z.int().min(0);
export const importFilesAnswer = z.strictObject({
  sessions: z.strictObject({ added: count, alreadyPresent: count, withoutKeystrokes: count }),
  events: z.strictObject({ added: count, alreadyPresent: count }),
  orphanEvents: z.strictObject({ sessions: count, events: count }),
});
export type ImportFilesAnswer = z.infer<typeof importFilesAnswer>;
