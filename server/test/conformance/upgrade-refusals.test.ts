// PROTOCOL.md §1 against a running ingest server: a missing, expired or foreign ticket, a
// foreign browser origin and a wrong path are refused at the upgrade, before any socket,
// with the status and JSON code the page gives; after TICKET_EXPIRED a fresh ticket from the
// sidecar opens the session, as the page tells a client to do.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { ticketFor } from '../support/ingest-fixtures.ts';
import { connectRaw, helloRaw, UpgradeRefused } from '../support/raw-protocol-client.ts';
import { readDoc, section } from './doc-tables.ts';
import { RunningStack } from './running-stack.ts';

const transport = section(readDoc('shared/protocol/PROTOCOL.md'), /\. Transport/);

let stack: RunningStack;
test.before(async () => {
  stack = await RunningStack.start();
});
test.after(async () => {
  await stack.close();
});

async function refusal(open: () => Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await open();
  } catch (error) {
    if (error instanceof UpgradeRefused) return { status: error.status, code: (JSON.parse(error.body) as { error: { code: string } }).error.code };
    throw error;
  }
  throw new Error('the upgrade was accepted');
}

/** The status §1 gives next to a code ("401 `TICKET_MISSING`, `TICKET_EXPIRED` ... or `TICKET_INVALID`; 403 `ORIGIN_REJECTED`"). */
function documentedStatus(code: string): number {
  const at = transport.indexOf(`\`${code}\``);
  assert.ok(at >= 0, `§1 names ${code}`);
  const before = [...transport.slice(0, at).matchAll(/\b(4\d\d)\b/g)];
  return Number(before.at(-1)![1]);
}

/** A ticket's user, read from the JWT the sidecar issued (its subject). */
function userOf(ticket: string): string {
  return (JSON.parse(Buffer.from(ticket.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
}

test('§1: no ticket, a foreign ticket and an expired one are refused with the documented status and code', async () => {
  const ingest = await stack.ingest();
  const api = await stack.typist();
  const { sessionId, ticket } = await api.createSession();
  const missing = await refusal(() => connectRaw(ingest.url, '', '/ws'));
  assert.equal(missing, { status: documentedStatus('TICKET_MISSING'), code: 'TICKET_MISSING' });
  const foreign = await refusal(() => connectRaw(ingest.url, `${ticket.slice(0, -4)}AAAA`));
  assert.equal(foreign, { status: documentedStatus('TICKET_INVALID'), code: 'TICKET_INVALID' });
  const expired = await refusal(() => connectRaw(ingest.url, ticketFor({ userId: userOf(ticket), sessionId }, 'ingest', -60)));
  assert.equal(expired, { status: documentedStatus('TICKET_EXPIRED'), code: 'TICKET_EXPIRED' });
  // "ask the sidecar for a new ticket"
  const { welcome, client } = await helloRaw(ingest.url, await api.ticket(sessionId), sessionId);
  assert.is(welcome.sessionId, sessionId);
  client.ws.close();
});

test('§1: a browser origin outside the allow-list is 403 ORIGIN_REJECTED; a client without Origin is bound by the ticket alone', async () => {
  const ingest = await stack.ingest();
  const api = await stack.typist();
  const { ticket } = await api.createSession();
  const status = await new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(`${ingest.url}/ws?ticket=${encodeURIComponent(ticket)}`, { origin: 'https://elsewhere.example', perMessageDeflate: false });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => reject(new Error('a foreign origin was let in')));
  });
  assert.is(status, documentedStatus('ORIGIN_REJECTED'));
});

test('§1: any other path is 404 NOT_FOUND, a WebSocket upgrade included', async () => {
  const ingest = await stack.ingest();
  const api = await stack.typist();
  const { ticket } = await api.createSession();
  assert.equal(await refusal(() => connectRaw(ingest.url, ticket, '/elsewhere')), { status: 404, code: 'NOT_FOUND' });
});

test.run();
