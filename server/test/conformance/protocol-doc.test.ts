// PROTOCOL.md against the protocol code, both ways: every message, field, flag, limit and
// close code the page lists exists with that number and meaning, and nothing the code
// defines is missing from the page. A change to either side without the other fails here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLOSE_CODES, closeCodeFor, ERROR_CODES, isErrorCode, shouldReconnect } from '../../../shared/protocol/codes.ts';
import { KEY_EVENT_FIELDS, KeyFlags } from '../../../shared/protocol/key-event.ts';
import { MAX_EVENTS_PER_BATCH, MAX_FRAME_BYTES } from '../../../shared/protocol/limits.ts';
import { isClientMessage, MESSAGE_NAMES, MessageType, type Message } from '../../../shared/protocol/messages.ts';
import { MESSAGE_FIELDS } from '../../../shared/protocol/wire-fields.ts';
import { fieldNames, readDoc, section, tableWithHeader } from './doc-tables.ts';

const PROTOCOL = readDoc('shared/protocol/PROTOCOL.md');
const messagesSection = section(PROTOCOL, /\. Messages/);
const closeSection = section(PROTOCOL, /Close codes/);

test('§3: the message table lists every message type with its id, name, direction and exact fields', () => {
  const rows = tableWithHeader(messagesSection, ['t', 'name', 'dir']);
  const documented = new Map(rows.map(([t, name, dir, fields]) => [Number(t), { name: name!.replace(/`/g, ''), dir: dir!, fields: fieldNames(fields!) }]));
  const ids = Object.values(MessageType) as number[];
  assert.equal([...documented.keys()].sort((a, b) => a - b), [...ids].sort((a, b) => a - b), 'message ids in the table vs MessageType');
  for (const id of ids) {
    const doc = documented.get(id)!;
    const name = MESSAGE_NAMES[id as keyof typeof MESSAGE_NAMES];
    assert.is(doc.name, name, `t=${id}`);
    const fromClient = isClientMessage({ t: id } as Message);
    assert.is(doc.dir, fromClient ? 'C→S' : 'S→C', `${name}: direction`);
    const fields = MESSAGE_FIELDS[id as keyof typeof MESSAGE_FIELDS].filter((f) => f !== 't');
    assert.equal(doc.fields, [...fields], `${name}: documented fields vs the wire fields`);
  }
});

test('§3: the KeyEvent table lists exactly the wire fields, and every flag bit', () => {
  const rows = tableWithHeader(messagesSection, ['field', 'type', 'meaning']);
  assert.equal(rows.map((r) => r[0]!.replace(/`/g, '')), [...KEY_EVENT_FIELDS]);
  const flagsRow = rows.find((r) => r[0] === '`flags`')!;
  const documented = Object.fromEntries([...flagsRow[2]!.matchAll(/`([A-Z_]+)` (\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
  assert.equal(documented, { ...KeyFlags });
});

test('§1: the frame and batch limits on the page are the ones the code enforces', () => {
  const transport = section(PROTOCOL, /\. Transport/);
  // Written either as `name` (65 536) or as (`name`, 512).
  const figure = (name: string) => {
    const match = new RegExp('`' + name + '`(?: \\(|, )([\\d\u202f\u00a0 ]+)\\)').exec(transport);
    return Number(match?.[1]?.replace(/[\s\u202f\u00a0]/g, ''));
  };
  assert.is(figure('maxFrameBytes'), MAX_FRAME_BYTES);
  assert.is(figure('maxEventsPerBatch'), MAX_EVENTS_PER_BATCH);
});

test('§7: every error code is in the table with its close code and reconnect policy, and no other', () => {
  const rows = tableWithHeader(closeSection, ['error code', 'close', 'client does']);
  const documented = rows.map(([code, close, does]) => ({ code: code!.replace(/`/g, ''), close: Number(close), does: does! }));
  assert.equal(documented.map((d) => d.code).sort(), Object.keys(ERROR_CODES).sort(), 'codes in the table vs ERROR_CODES');
  for (const { code, close, does } of documented) {
    assert.ok(isErrorCode(code), code);
    if (!isErrorCode(code)) continue;
    assert.is(close, closeCodeFor(code), `${code}: close code`);
    assert.is(does, shouldReconnect(close) ? 'reconnect' : 'stop', `${code}: what the client does`);
    const meaning = rows.find((r) => r[0] === `\`${code}\``)![3]!;
    assert.ok(meaning.length > 10, `${code}: meaning`);
  }
  assert.equal(new Set(Object.values(CLOSE_CODES)).size, Object.values(CLOSE_CODES).length, 'close codes are unique');
});

test('§7: the range rules table agrees with shouldReconnect for every code it names', () => {
  const rows = tableWithHeader(closeSection, ['close code', 'range rule', 'client does']);
  for (const [codes, , does] of rows) {
    const reconnect = /^reconnect/.test(does!);
    const stop = /^(stop|do \*\*not\*\* reconnect|do not reconnect)/.test(does!);
    assert.ok(reconnect !== stop, `unclear policy: ${does}`);
    const ranges = [...codes!.matchAll(/(\d{4})(?:–(\d{4}))?/g)].map((m) => [Number(m[1]), Number(m[2] ?? m[1])] as const);
    for (const [from, to] of ranges) {
      for (const code of [from, to, Math.floor((from + to) / 2)]) assert.is(shouldReconnect(code), reconnect, `close ${code}: ${does}`);
    }
  }
});

test.run();
