// PROTOCOL.md's "Write your own client" promise, kept by running its Python client (written
// from the documents alone, no FingerFlow code) against a real sidecar, ingest server and
// PostgreSQL: every event it typed must be stored exactly once.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { API_ROUTES } from '../http/api-routes.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { startTestIngest } from './support/ingest-fixtures.ts';
import { REPO_ROOT } from './support/processes.ts';
import { startTestSidecar, type TestSidecar } from './support/sidecar-fixtures.ts';
import { requireCi, SKIP_MARK } from './support/system-tools.ts';
import { freePort } from './support/test-postgres.ts';

const CLIENT = path.join(REPO_ROOT, 'shared/protocol/clients/minimal_client.py');
const INSTALL = 'apt-get install -y python3-msgpack python3-websockets';

/** The first Python 3 that can import the client's two packages (Debian's, then PATH's). */
function findPython(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', 'import msgpack, websockets'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const python = findPython();
const run = python || requireCi() ? test : test.skip;
if (!python && !requireCi()) process.stdout.write(`${SKIP_MARK} python3 with msgpack and websockets is not installed (${INSTALL}); the Python client is not run\n`);

let db: TestDatabase;
let sidecar: TestSidecar;
let stopIngest = async () => {};

test.before(async () => {
  if (!python && !requireCi()) return;
  db = await freshDatabase();
  const ingestPort = await freePort();
  const ingest = await startTestIngest(db.url, db.pool, { INGEST_PORT: String(ingestPort) });
  stopIngest = () => ingest.server.drain();
  sidecar = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', INGEST_PUBLIC_URL: `ws://127.0.0.1:${ingestPort}/ws` }, API_ROUTES);
});

test.after(async () => {
  if (!db) return;
  await stopIngest();
  await sidecar.close();
  await db.drop();
});

function runClient(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  if (!python) throw new Error(`python3 with msgpack and websockets is required when CI=true (${INSTALL})`);
  return new Promise((resolve) => {
    const child = spawn(python, [CLIENT, '--url', sidecar.base, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('close', (code) => resolve({ code, out, err }));
  });
}

run('the Python client from PROTOCOL.md streams a sentence; every event is stored once', async () => {
  const text = 'sphinx of black quartz judge my vow';
  const { code, out, err } = await runClient(['--text', text, '--batch-size', '7']);
  assert.is(code, 0, err);
  const report = JSON.parse(out.trim()) as { sessionId: string; events: number; batches: number; ackedSeq: number; committedSeq: number };
  assert.is(report.events, text.length * 2);
  assert.is(report.batches, Math.ceil(report.events / 7));
  assert.is(report.ackedSeq, report.batches);
  assert.is(report.committedSeq, report.batches);
  const { rows } = await db.pool.query<{ n: number; distinct_keys: number; ended: boolean }>(
    `SELECT count(*)::int AS n, count(DISTINCT (batch_seq, batch_idx))::int AS distinct_keys,
            bool_and(s.ended_at IS NOT NULL) AS ended
       FROM keystrokes k JOIN typing_sessions s ON s.id = k.session_id WHERE k.session_id = $1`,
    [report.sessionId],
  );
  assert.equal(rows[0], { n: report.events, distinct_keys: report.events, ended: true });
});

/** The hex bytes of PROTOCOL.md's worked example, read from the page itself. */
function workedExampleBytes(): string {
  const page = fs.readFileSync(path.join(REPO_ROOT, 'shared/protocol/PROTOCOL.md'), 'utf8');
  const section = page.slice(page.indexOf('### Worked example'));
  const block = section.slice(section.indexOf('```') + 3, section.indexOf('```', section.indexOf('```') + 3));
  return block.split('\n').map((line) => line.trim().split(/\s{2,}/)[0] ?? '').filter((hex) => /^[0-9a-f ]+$/.test(hex)).join('').replace(/ /g, '');
}

run('the Python client decodes PROTOCOL.md\'s 98-byte worked example to the documented batch', () => {
  const hex = workedExampleBytes();
  assert.is(hex.length / 2, 98);
  const script = `import json, sys; sys.path.insert(0, ${JSON.stringify(path.dirname(CLIENT))}); from minimal_client import FrameReader; print(json.dumps(FrameReader(bytes.fromhex(sys.argv[1])).read()))`;
  const decoded = JSON.parse(execFileSync(python ?? 'python3', ['-c', script, hex], { encoding: 'utf8' }));
  const event = { type: 0, code: 'KeyA', key: 'a', offsetUs: 0, textPos: 0, isError: false, flags: 0 };
  assert.equal(decoded, { t: 3, seq: 1, events: [event, { ...event, type: 1, offsetUs: 95000 }] });
});

test.run();
