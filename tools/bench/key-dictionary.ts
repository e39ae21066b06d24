// `npm run bench:dictionary -- [--json FILE] [--typists 200] [--typing-seconds 300] [--rounds 5]`
// The layout issue 20 asked to try: key codes and key values as smallint ids into a dictionary
// of names, against today's text arrays, measured in one run on the same events (the load
// tool's typing model). For three row shapes (a live typist's rows of one or two events,
// 64-event rows as the ingest bench and big imports write them, and compacted rows of ~160):
// bytes per event, binary COPY into the table (events/s, one connection), and reading every
// session back through a view that returns today's columns (ms per session). Ratios are
// dictionary / text. The dictionary layout exists only inside this bench.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { say, startBench } from './bench-cluster.ts';
import { storeLiveTyping } from './live-compaction.ts';
import { compactSessions } from '../../server/db/keystroke-compaction.ts';
import { DICTIONARY_SQL, dictionaryFunctionSql, shapeSql, type Shape } from './key-dictionary-sql.ts';

const { values: args } = parseArgs({
  options: { json: { type: 'string' }, typists: { type: 'string', default: '200' }, 'typing-seconds': { type: 'string', default: '300' }, rounds: { type: 'string', default: '5' } },
});
const { busy, cluster, url } = await startBench();
const db = new pg.Client({ connectionString: url });
await db.connect();

interface Figures { bytesPerEvent: number; copyEventsPerSec: number; readMsPerSession: number }
type Layout = 'text' | 'dict';

try {
  const user = (await db.query<{ id: string }>("INSERT INTO users (email) VALUES ('dictionary@bench.local') RETURNING id")).rows[0]!.id;
  say(`storing ${args.typists} typists x ${args['typing-seconds']} s of the typing model as ingest does`);
  const { sessionIds, events } = await storeLiveTyping(db, user, { sessions: Number(args.typists), seconds: Number(args['typing-seconds']) });
  for (const sql of DICTIONARY_SQL) await db.query(sql);
  for (const sql of await dictionaryFunctionSql(db)) await db.query(sql);
  const results: Record<string, Record<Layout, Figures>> = {};
  for (const shape of ['live', 'rows64', 'compacted'] as const) {
    if (shape === 'compacted') await compactSessions(db, sessionIds);
    for (const sql of shapeSql(shape)) await db.query(sql);
    results[shape] = { text: await measure(shape, 'text', events), dict: await measure(shape, 'dict', events) };
  }
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const lines: string[] = [];
  for (const [shape, r] of Object.entries(results)) {
    lines.push(`${shape.padEnd(10)} bytes/event ${r.text.bytesPerEvent} -> ${r.dict.bytesPerEvent} (${ratio(r.dict.bytesPerEvent, r.text.bytesPerEvent)}x)`
      + `  COPY events/s ${r.text.copyEventsPerSec.toLocaleString('en')} -> ${r.dict.copyEventsPerSec.toLocaleString('en')} (${ratio(r.dict.copyEventsPerSec, r.text.copyEventsPerSec)}x)`
      + `  read ms/session ${r.text.readMsPerSession} -> ${r.dict.readMsPerSession} (${ratio(r.dict.readMsPerSession, r.text.readMsPerSession)}x)`);
  }
  process.stdout.write(`\ntext arrays -> smallint dictionary, ${events.toLocaleString('en')} events of ${sessionIds.length} typists\n${lines.join('\n')}\n\n`);
  if (args.json) fs.writeFileSync(args.json, `${JSON.stringify({ events, sessions: sessionIds.length, busy: busy ?? null, results }, null, 2)}\n`);
} finally {
  await db.end();
  await cluster.destroy();
}

async function measure(shape: Shape, layout: Layout, events: number): Promise<Figures> {
  const table = `trial_${layout}_${shape}`;
  await db.query(`VACUUM ANALYZE ${table}`);
  const bytes = Number((await db.query<{ b: string }>(`SELECT pg_total_relation_size('${table}')::text AS b`)).rows[0]!.b);
  // The rows as binary COPY data, then COPY'd back into an empty twin: median of the rounds.
  const chunks: Buffer[] = [];
  for await (const chunk of db.query(copyTo(`COPY ${table} TO STDOUT (FORMAT binary)`))) chunks.push(chunk as Buffer);
  const data = Buffer.concat(chunks);
  await db.query(`CREATE TABLE ${table}_in (LIKE ${table} INCLUDING ALL)`);
  const copySeconds: number[] = [];
  for (let round = 0; round < Number(args.rounds); round++) {
    await db.query(`TRUNCATE ${table}_in`);
    await db.query('CHECKPOINT');
    const started = performance.now();
    await pipeline(Readable.from([data]), db.query(copyFrom(`COPY ${table}_in FROM STDIN (FORMAT binary)`)));
    copySeconds.push((performance.now() - started) / 1000);
  }
  await db.query(`DROP TABLE ${table}_in`);
  // Every session read back in stream order, as analytics and exports read one: a warm-up
  // pass, then the median of the rounds.
  const ids = (await db.query<{ id: string }>(`SELECT DISTINCT session_id AS id FROM ${table}`)).rows.map((r) => r.id);
  const readPasses: number[] = [];
  for (let pass = 0; pass <= Number(args.rounds); pass++) {
    const started = performance.now();
    for (const id of ids) await db.query(`SELECT * FROM ${table}_view WHERE session_id = $1 ORDER BY batch_seq, batch_idx`, [id]);
    if (pass > 0) readPasses.push(performance.now() - started);
  }
  const readMs = median(readPasses);
  const copyMedian = median(copySeconds);
  say(`${table}: ${(bytes / events).toFixed(1)} bytes/event, COPY ${Math.round(events / copyMedian).toLocaleString('en')} events/s, read ${(readMs / ids.length).toFixed(2)} ms/session`);
  return { bytesPerEvent: Math.round((bytes / events) * 10) / 10, copyEventsPerSec: Math.round(events / copyMedian), readMsPerSession: Math.round((readMs / ids.length) * 100) / 100 };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}
