// The yardstick: the original FingerFlow's ingestion, rebuilt only for the benchmark. Each
// batch arrives as an HTTP POST of JSON and is written with one multi-row INSERT, answered
// after it commits, one row per event (row-copy.ts). Usage: node --import tsx tools/bench/baseline-server.ts DATABASE_URL PORT
import http from 'node:http';
import pg from 'pg';
import { fingerOf } from '../../shared/metrics/fingers.ts';
import { ROW_COLUMNS, ROW_TABLE } from './row-copy.ts';

const [databaseUrl, port] = process.argv.slice(2);
if (!databaseUrl || !port) {
  process.stderr.write('usage: baseline-server.ts DATABASE_URL PORT\n');
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });

interface Batch {
  sessionId: string;
  seq: number;
  events: Array<{ type: number; code: string; key: string; offsetUs: number; textPos: number; isError: boolean; flags: number }>;
}

async function insert(batch: Batch): Promise<void> {
  const values: unknown[] = [];
  const rows = batch.events.map((e, i) => {
    const base = values.length;
    values.push(batch.sessionId, batch.seq, i, e.offsetUs, e.type, e.code, e.key, e.textPos, fingerOf(e.code), e.isError, e.flags);
    return `(${Array.from({ length: 11 }, (_, k) => `$${base + k + 1}`).join(',')})`;
  });
  await pool.query(
    `INSERT INTO ${ROW_TABLE} (${ROW_COLUMNS}) VALUES ${rows.join(',')}`,
    values,
  );
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    insert(JSON.parse(body) as Batch).then(
      () => res.writeHead(200).end('{"ok":true}'),
      (error: Error) => res.writeHead(500).end(JSON.stringify({ error: error.message })),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('baseline ready\n'));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
