import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../config/index.ts';
import { createLogger, type Logger } from '../../obs/logger.ts';
import { createRegistry } from '../../obs/metrics.ts';
import type { Pool } from '../../db/pool.ts';
import { startIngestServer, type IngestServer } from '../../bin/ingest-wiring.ts';
import { TicketSigner, type TicketAudience } from '../../auth/tickets.ts';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { freePort } from './test-postgres.ts';

export const TEST_SECRET = 'test-secret-'.padEnd(48, 'x');
export const signer = new TicketSigner(TEST_SECRET);

export function quietLogger(lines?: string[]): Logger {
  return createLogger({
    service: 'test',
    level: lines ? 'info' : 'silent',
    destination: new Writable({ write: (chunk, _e, cb) => { lines?.push(String(chunk)); cb(); } }),
  });
}

export async function testConfig(overrides: Record<string, string> = {}): Promise<Config> {
  return loadConfig({
    NODE_ENV: 'test', SECRET_KEY: TEST_SECRET, INGEST_PORT: String(await freePort()), PORT: String(await freePort()),
    ALLOWED_ORIGINS: 'http://localhost:8080', INGEST_FLUSH_MS: '5', SHUTDOWN_TIMEOUT_MS: '5000', ...overrides,
  });
}

/** An ingest server in this process, on the given database. */
export async function startTestIngest(databaseUrl: string, pool: Pool, overrides: Record<string, string> = {}, lines?: string[]): Promise<{ server: IngestServer; config: Config; url: string }> {
  const config = await testConfig({ DATABASE_URL: databaseUrl, ...overrides });
  const server = await startIngestServer({ config, log: quietLogger(lines), registry: createRegistry('test'), databaseUrl, pool });
  return { server, config, url: `ws://127.0.0.1:${server.port}` };
}

/** A user and a typing session they own. */
export async function createSession(pool: Pool, userId?: string): Promise<{ userId: string; sessionId: string }> {
  const user = userId ?? (await pool.query<{ id: string }>('INSERT INTO users (email) VALUES ($1) RETURNING id', [`${randomUUID()}@example.com`])).rows[0]!.id;
  const sessionId = randomUUID();
  await pool.query("INSERT INTO typing_sessions (id, user_id, mode) VALUES ($1, $2, 'timed')", [sessionId, user]);
  return { userId: user, sessionId };
}

export function ticketFor(ids: { userId: string; sessionId: string }, audience: TicketAudience = 'ingest', ttlSeconds?: number): string {
  return signer.sign({ ...ids, audience, ttlSeconds });
}

const CODES = ['KeyT', 'KeyH', 'KeyE', 'Space', 'KeyQ', 'KeyU', 'KeyI', 'KeyC', 'KeyK'];

/** `count` events (down/up pairs) starting at `startUs`, with plausible timing. */
export function makeEvents(count: number, startUs = 0): KeyEvent[] {
  const events: KeyEvent[] = [];
  for (let i = 0; i < count; i++) {
    const code = CODES[Math.floor(i / 2) % CODES.length]!;
    const key = code === 'Space' ? ' ' : code.slice(3).toLowerCase();
    events.push({ type: (i % 2) as 0 | 1, code, key, offsetUs: startUs + i * 60_000, textPos: Math.floor(i / 2), isError: false, flags: 0 });
  }
  return events;
}

/**
 * `batches` rows as live typing leaves them (one keydown and its keyup per 150 ms frame),
 * written straight into keystroke_batches, and the session's committed_seq and event count
 * advanced as ingest's flushes do: what compaction finds when a session has settled.
 */
export async function storeTypingRows(pool: Pool, sessionId: string, batches: number): Promise<void> {
  await pool.query(
    `WITH rows AS (
       INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits)
       SELECT $1, s, ARRAY[s * 150000, s * 150000 + 80000], '{KeyA,KeyA}', '{a,a}', ARRAY[s - 1, s - 1], '{0,1}' FROM generate_series(1, $2::int) s
       RETURNING batch_seq)
     UPDATE typing_sessions SET committed_seq = (SELECT max(batch_seq) FROM rows), event_count = 2 * $2::int, updated_at = now() WHERE id = $1`,
    [sessionId, batches],
  );
}

/** How many rows of keystroke_batches a session has (events are in the `keystrokes` view). */
export async function batchRowCount(pool: Pool, sessionId: string): Promise<number> {
  return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM keystroke_batches WHERE session_id = $1', [sessionId])).rows[0]!.n;
}

export async function storedCount(pool: Pool, sessionId: string): Promise<number> {
  return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM keystrokes WHERE session_id = $1', [sessionId])).rows[0]!.n;
}
