// Shared by the two example typists: the load-test routes of the sidecar (behind the
// load-test token) and a short phrase typed as keydown/keyup events. Plain Node 20, no
// FingerFlow code: what a k6/Artillery/Gatling user would write from docs/LOAD-TESTING.md.
import fs from 'node:fs';

export const SIDECAR = process.env.SIDECAR_URL ?? 'http://127.0.0.1:8080';
const TOKEN = process.env.LOADTEST_TOKEN ?? (process.env.LOADTEST_TOKEN_FILE ? fs.readFileSync(process.env.LOADTEST_TOKEN_FILE, 'utf8').trim() : '');
const RUN = `example-${Date.now()}`;

export async function loadtest(path, body) {
  const response = await fetch(`${SIDECAR}/api/loadtest/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', 'x-loadtest-token': TOKEN },
    body: body === undefined ? undefined : JSON.stringify({ run: RUN, ...body }),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** One session and its ticket, and where to connect. */
export async function newSession() {
  const info = await loadtest('info');
  const { sessions } = await loadtest('sessions', { count: 1 });
  return { ...sessions[0], ingestUrl: process.env.INGEST_URL ?? info.ingestUrl };
}

/** "hello world" as batches of events: keydown (type 0) and keyup (type 1), offsets in microseconds. */
export function typedBatches() {
  const events = [];
  let t = 0;
  for (const [i, ch] of [...'hello world'].entries()) {
    const code = ch === ' ' ? 'Space' : `Key${ch.toUpperCase()}`;
    events.push({ type: 0, code, key: ch, offsetUs: t, textPos: i, isError: false, flags: 0 });
    events.push({ type: 1, code, key: ch, offsetUs: t + 90_000, textPos: i, isError: false, flags: 0 });
    t += 170_000;
  }
  return [events.slice(0, 8), events.slice(8, 16), events.slice(16)];
}

/** Counts what the server stored, then removes the example's session. */
export async function verifyAndClean(sessionId, sent) {
  const { sessions } = await loadtest('verify', { sessionIds: [sessionId] });
  await loadtest('cleanup', {});
  const stored = sessions[0]?.events ?? 0;
  console.log(JSON.stringify({ sessionId, sent, stored, committedSeq: sessions[0]?.committedSeq }));
  process.exit(stored === sent ? 0 : 1);
}
