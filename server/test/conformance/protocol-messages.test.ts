// PROTOCOL.md §3 against a running ingest server, by a client written from the page alone:
// every server message the table lists is received and has exactly the documented fields,
// each of the documented type and range; every client message the table lists is accepted
// as documented, and refused (INVALID_MESSAGE) with any documented field left out or any
// other field added (§2), and so is a KeyEvent. A row added to the table without its
// message being produced or sent here fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectRaw, helloRaw, keyPairs, T, type RawClient, type Received } from '../support/raw-protocol-client.ts';
import { closing } from './close-code-cases.ts';
import { readDoc, section, tableWithHeader } from './doc-tables.ts';
import { RunningStack } from './running-stack.ts';
import type { TypistApi } from './typist-api.ts';

const messages = section(readDoc('shared/protocol/PROTOCOL.md'), /\. Messages/);
const rows = tableWithHeader(messages, ['t', 'name', 'dir']).map(([t, name, dir, fields]) => ({
  t: Number(t), name: name!.replace(/`/g, ''), fromClient: dir === 'C→S',
  fields: new Map(fields!.split(' · ').map((part) => [/^`([A-Za-z]+)`/.exec(part.trim())?.[1] ?? '', part.trim().replace(/^`[A-Za-z]+`\s*/, '')] as const).filter(([n]) => n)),
}));
const keyEventFields = tableWithHeader(messages, ['field', 'type', 'meaning']).map((r) => r[0]!.replace(/`/g, ''));
const INVALID = 4104;

/** Checks a value against a §3 type description ("int ≥ 1", "seq", "uuid", "string 1–64", "≥ 0", "0–1"...); null when it fits. */
function misfit(description: string, value: unknown): string | null {
  const num = typeof value === 'number' && Number.isFinite(value);
  const min = /≥ (\d+)/.exec(description)?.[1];
  if (min !== undefined && !(num && value >= Number(min))) return `not ≥ ${min}`;
  if (/^int\b/.test(description) && !Number.isSafeInteger(value)) return 'not an int';
  if (/^seq\b/.test(description) && !(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 2 ** 31 - 1)) return 'not a seq';
  if (/^uuid\b/.test(description) && !(typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value))) return 'not a uuid';
  const text = /^string (\d+)–(\d+)/.exec(description);
  if (text && !(typeof value === 'string' && value.length >= Number(text[1]) && value.length <= Number(text[2]))) return `not a string of ${text[1]}–${text[2]}`;
  if (/^number > 0/.test(description) && !(num && value > 0)) return 'not a number > 0';
  if (/^0–1\b/.test(description) && !(num && value >= 0 && value <= 1)) return 'not in 0–1';
  if (/^any finite number/.test(description) && !num) return 'not a finite number';
  return null;
}

let stack: RunningStack;
test.before(async () => {
  stack = await RunningStack.start();
});
test.after(async () => {
  await stack.close();
});

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A typist and a spectator of one session, a whole session through; every server message kept. */
async function serverMessages(): Promise<Received[]> {
  const ingest = await stack.ingest();
  const api = await stack.typist();
  const { sessionId, ticket } = await api.createSession();
  const spectator = await connectRaw(ingest.url, await api.watchTicket(sessionId));
  spectator.send({ t: T.watch, sessionId });
  const { client } = await helloRaw(ingest.url, ticket, sessionId);
  client.send({ t: 11, n: 7 });
  await client.next(12);
  // Keys for about two seconds: stats come about once a second while keys arrive.
  for (let seq = 1; seq <= 8; seq++) {
    client.send({ t: T.batch, seq, events: keyPairs(2, seq * 250_000) });
    await client.next(T.ack, (m) => m.seq === seq);
    await wait(250);
  }
  await client.next(T.stats, () => true, 10_000);
  client.send({ t: T.end, seq: 8 });
  await client.next(T.ended);
  await spectator.next(13, (m) => m.typist === 2);
  spectator.ws.close();
  // An error (a batch before hello), and a throttle (a frame budget of 33 frames, 1 a second).
  const refused = await connectRaw(ingest.url, await api.ticket((await api.createSession()).sessionId));
  refused.send({ t: T.batch, seq: 1, events: keyPairs(1) });
  await closing(refused);
  const tight = await stack.ingest({ INGEST_FRAMES_PER_SECOND: '1', INGEST_FRAME_BURST: '33' });
  const other = await api.createSession();
  const paced = await helloRaw(tight.url, other.ticket, other.sessionId);
  for (let n = 0; n < 40; n++) paced.client.send({ t: 11, n });
  await paced.client.next(T.throttle);
  paced.client.ws.close();
  return [...client.received, ...spectator.received, ...refused.received, ...paced.client.received];
}

test('§3: every server message is sent, with exactly its documented fields, each of its documented type', async () => {
  const received = await serverMessages();
  for (const row of rows.filter((r) => !r.fromClient)) {
    const seen = received.filter((m) => m.t === row.t);
    assert.ok(seen.length > 0, `${row.name} (t=${row.t}) was never received`);
    for (const message of seen) {
      assert.equal(Object.keys(message).filter((k) => k !== 't').sort(), [...row.fields.keys()].sort(), `${row.name}: fields`);
      for (const [field, description] of row.fields) {
        const wrong = misfit(description, message[field]);
        assert.is(wrong, null, `${row.name}.${field} = ${JSON.stringify(message[field])}: ${wrong} (${description})`);
      }
    }
  }
});

/** A valid message of each client type, what it needs first, and the reply that shows it was accepted. */
const CLIENT_MESSAGES: Record<string, { message: (sessionId: string) => Record<string, unknown>; after: 'nothing' | 'hello' | 'watch-ticket'; reply: number }> = {
  hello: { message: (sessionId) => ({ t: T.hello, v: 1, sessionId, lastAckedSeq: 0, client: 'conformance/1' }), after: 'nothing', reply: T.welcome },
  batch: { message: () => ({ t: T.batch, seq: 1, events: keyPairs(1) }), after: 'hello', reply: T.ack },
  end: { message: () => ({ t: T.end, seq: 0 }), after: 'hello', reply: T.ended },
  watch: { message: (sessionId) => ({ t: T.watch, sessionId }), after: 'watch-ticket', reply: 13 },
  ping: { message: () => ({ t: 11, n: 5 }), after: 'nothing', reply: 12 },
};

async function open(api: TypistApi, name: string): Promise<{ client: RawClient; sessionId: string }> {
  const { sessionId } = await api.createSession();
  const how = CLIENT_MESSAGES[name]!;
  const ticket = how.after === 'watch-ticket' ? await api.watchTicket(sessionId) : await api.ticket(sessionId);
  const ingest = await stack.ingest();
  if (how.after === 'hello') return { client: (await helloRaw(ingest.url, ticket, sessionId)).client, sessionId };
  return { client: await connectRaw(ingest.url, ticket), sessionId };
}

test('§3: every client message is accepted as documented, and refused with a field left out or added', async () => {
  const api = await stack.typist();
  for (const row of rows.filter((r) => r.fromClient)) {
    const how = CLIENT_MESSAGES[row.name];
    assert.ok(how, `no valid ${row.name} message in this test: add one for the new row of §3`);
    if (!how) continue;
    const valid = await open(api, row.name);
    const message = how.message(valid.sessionId);
    assert.equal(Object.keys(message).filter((k) => k !== 't').sort(), [...row.fields.keys()].sort(), `${row.name}: this test sends the documented fields`);
    valid.client.send(message);
    await valid.client.next(how.reply);
    valid.client.ws.close();
    type Change = (m: Record<string, unknown>) => void;
    const variants: Array<[string, Change]> = [...row.fields.keys()].map((field): [string, Change] => [`without ${field}`, (m) => void delete m[field]]);
    variants.push(['with an extra field', (m) => void (m.extra = 1)]);
    for (const [what, change] of variants) {
      const wrong = await open(api, row.name);
      const m = how.message(wrong.sessionId);
      change(m);
      wrong.client.send(m);
      assert.is((await closing(wrong.client)).closed.code, INVALID, `${row.name} ${what}`);
    }
  }
});

test('§3: a KeyEvent with a documented field left out, or another added, is refused', async () => {
  const api = await stack.typist();
  const [event] = keyPairs(1);
  assert.equal(Object.keys(event!).sort(), [...keyEventFields].sort(), 'this test sends the documented KeyEvent fields');
  const variants: Array<Record<string, unknown>> = keyEventFields.map((field) => Object.fromEntries(Object.entries(event!).filter(([k]) => k !== field)));
  variants.push({ ...event, extra: 1 });
  for (const wrong of variants) {
    const { client } = await open(api, 'batch');
    client.send({ t: T.batch, seq: 1, events: [wrong] });
    assert.is((await closing(client)).closed.code, INVALID, `KeyEvent ${JSON.stringify(wrong)}`);
  }
});

test.run();
