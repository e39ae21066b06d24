// ops/scripts/backup.sh and restore.sh for real, against a PostgreSQL cluster of their own
// (a restore drops and recreates every table, which the shared test cluster must not see).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../../server/db/migrations.ts';
import { ensureDatabase } from '../../server/db/ensure-database.ts';
import { startTestPostgres, type TestPostgres } from '../../server/test/support/test-postgres.ts';
import { run, runScript } from './support.ts';

let cluster: TestPostgres;
let url: string;
let backupDir: string;

const BACKUP_NAME = /^fingerflow_backup_\d{8}_\d{6}\.dump$/;
const SAFETY_NAME = /^fingerflow_pre_restore_\d{8}_\d{6}\.dump$/;

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Row counts of the tables we fill, and checksums of their full contents in key order. */
async function state() {
  const [row] = await query(`SELECT
    (SELECT count(*) FROM users)::int AS users,
    (SELECT count(*) FROM typing_sessions)::int AS sessions,
    (SELECT count(*) FROM keystrokes)::int AS keystrokes,
    (SELECT count(*) FROM oauth_identities)::int AS identities,
    (SELECT count(*) FROM schema_migrations)::int AS migrations,
    (SELECT md5(string_agg(k::text, '|' ORDER BY session_id, batch_seq, batch_idx)) FROM keystrokes k) AS keystrokes_md5,
    (SELECT md5(string_agg(s::text, '|' ORDER BY id)) FROM typing_sessions s) AS sessions_md5,
    (SELECT md5(string_agg(u::text, '|' ORDER BY id)) FROM users u) AS users_md5`);
  return row!;
}

function files(pattern: RegExp): string[] {
  return fs.readdirSync(backupDir).filter((f) => pattern.test(f)).sort();
}

test.before(async () => {
  cluster = await startTestPostgres();
  await ensureDatabase(cluster.server.url(), 'fingerflow');
  url = cluster.server.url('fingerflow');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await migrate(client);
  await client.end();
  backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-backups-'));
  // Values with a newline, a tab and a backslash: COPY escapes them, and restore.sh counts
  // rows by COPY lines, so these must still count as one row each.
  await query(`
    INSERT INTO users (email, display_name)
      SELECT 'typist' || i || '@example.test', CASE WHEN i = 1 THEN E'two\\nlines\\tand \\\\ slash' ELSE 'Typist ' || i END
      FROM generate_series(1, 5) AS i;
    INSERT INTO oauth_identities (user_id, provider, subject, email)
      SELECT id, 'google', 'sub-' || email, email FROM users;
    INSERT INTO typing_sessions (user_id, mode, practice_text, committed_seq)
      SELECT id, 'words', 'the quick brown fox', 10 FROM users, generate_series(1, 2);
    INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits)
      SELECT s.id, b, array_agg((b * 100 + i) * 1000 ORDER BY i), array_agg('KeyA'::text ORDER BY i),
        array_agg(CASE WHEN i = 7 THEN E'\\n' WHEN i = 8 THEN E'\\\\' ELSE 'a' END ORDER BY i), array_agg(b * 50 + i / 2 ORDER BY i),
        keystroke_event_bits(array_agg((i % 2)::smallint ORDER BY i), array_agg(i % 17 = 0 ORDER BY i), array_agg(0::smallint ORDER BY i), array_agg(0::smallint ORDER BY i))
      FROM typing_sessions s, generate_series(1, 10) AS b, generate_series(0, 99) AS i
      GROUP BY s.id, b;
  `);
});

test.after(async () => {
  await cluster?.destroy();
  if (backupDir) fs.rmSync(backupDir, { recursive: true, force: true });
});

test('backup, change, restore: every table is back to the backed-up rows', async () => {
  const before = await state();
  assert.equal([before.users, before.sessions, before.keystrokes, before.identities], [5, 10, 10_000, 5]);

  const backup = await runScript('backup.sh', [], { DATABASE_URL: url, BACKUP_DIR: backupDir });
  assert.is(backup.code, 0, backup.stderr);
  const [dump] = files(BACKUP_NAME);
  assert.ok(dump, `no backup file in ${fs.readdirSync(backupDir).join(', ')}`);
  assert.not.ok(backup.stdout.includes(new URL(url).password), 'the database password was printed');
  assert.is(fs.statSync(path.join(backupDir, dump)).mode & 0o077, 0, 'a backup must be readable by its owner only');
  assert.not.ok(fs.readdirSync(backupDir).some((f) => f.endsWith('.partial')));

  // Change everything a restore must undo: delete a session (its keystrokes follow by
  // trigger), add a user, rewrite keystrokes.
  await query(`
    DELETE FROM typing_sessions WHERE id = (SELECT id FROM typing_sessions ORDER BY id LIMIT 1);
    INSERT INTO users (email) VALUES ('late@example.test');
    UPDATE keystroke_batches SET event_bits = array_fill(2::smallint, ARRAY[cardinality(event_bits)]) WHERE batch_seq = 3; -- every event an error
    CREATE TABLE added_after_the_backup (id int);
  `);
  const changed = await state();
  assert.equal([changed.users, changed.sessions, changed.keystrokes], [6, 9, 9_000]);
  assert.is.not(changed.keystrokes_md5, before.keystrokes_md5);

  const refused = await runScript('restore.sh', [path.join(backupDir, dump)], { DATABASE_URL: url, BACKUP_DIR: backupDir });
  assert.is.not(refused.code, 0);
  assert.match(refused.stderr, /--yes-i-am-sure/);
  assert.equal(await state(), changed, 'a refused restore changed the database');
  assert.equal(files(SAFETY_NAME), [], 'a refused restore took a safety dump');

  const restore = await runScript('restore.sh', [path.join(backupDir, dump), '--yes-i-am-sure'], { DATABASE_URL: url, BACKUP_DIR: backupDir });
  assert.is(restore.code, 0, `${restore.stdout}\n${restore.stderr}`);
  assert.equal(await state(), before);
  assert.match(restore.stdout, /public\.keystroke_batches\s+100\s+100\s+ok/);
  assert.match(restore.stdout, /public\.users\s+5\s+5\s+ok/);
  assert.not.match(restore.stdout, /MISMATCH/);
  // A table the backup does not know is left alone, and the operator is told.
  assert.match(restore.stdout, /not in the backup[^\n]*\n\s+public\.added_after_the_backup/);

  // The safety dump holds the database as it was just before the restore.
  const [safety] = files(SAFETY_NAME);
  assert.ok(safety, 'no safety dump');
  const safetyRows = await run('pg_restore', ['--data-only', '--table=keystroke_batches', '--file=-', path.join(backupDir, safety)]);
  assert.is(safetyRows.code, 0, safetyRows.stderr);
  const copyBlock = safetyRows.stdout.split('\n').filter((line) => /^[0-9a-f-]{36}\t/.test(line));
  assert.is(copyBlock.length, 90, 'the 9 sessions left, 10 batches each');

  // What a restore must also bring back beyond rows: identity sequences (a new row gets a
  // fresh id) and the trigger that deletes a session's keystrokes with it.
  await query(`INSERT INTO oauth_identities (user_id, provider, subject, email) SELECT id, 'google', 'another', email FROM users WHERE email = 'typist2@example.test'`);
  await query('DELETE FROM typing_sessions WHERE id = (SELECT id FROM typing_sessions ORDER BY id LIMIT 1)');
  const [{ keystrokes }] = (await query<{ keystrokes: number }>('SELECT count(*)::int AS keystrokes FROM keystrokes')) as [{ keystrokes: number }];
  assert.is(keystrokes, 9_000);
});

test('a damaged backup is refused before anything is dropped', async () => {
  const [dump] = files(BACKUP_NAME);
  const whole = fs.readFileSync(path.join(backupDir, dump!));
  const damaged = path.join(backupDir, 'damaged.dump');
  fs.writeFileSync(damaged, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const safetyBefore = files(SAFETY_NAME);
  const stateBefore = await state();
  const restore = await runScript('restore.sh', [damaged, '--yes-i-am-sure'], { DATABASE_URL: url, BACKUP_DIR: backupDir });
  assert.is.not(restore.code, 0);
  assert.match(restore.stderr, /nothing was changed/);
  assert.equal(await state(), stateBefore);
  assert.equal(files(SAFETY_NAME), safetyBefore);
  fs.rmSync(damaged);
});

test('retention deletes only our backups older than RETENTION_DAYS', async () => {
  const day = 24 * 60 * 60;
  const now = Date.now() / 1000;
  const aged = (name: string, days: number) => {
    const file = path.join(backupDir, name);
    fs.writeFileSync(file, 'old');
    fs.utimesSync(file, now - days * day, now - days * day);
    return name;
  };
  const expired = aged('fingerflow_backup_20200101_020000.dump', 8);
  const borderline = aged('fingerflow_backup_20200102_020000.dump', 6.9);
  const foreign = aged('someone_elses.dump', 30);
  const safety = aged('fingerflow_pre_restore_20200101_020000.dump', 30);
  const notADump = aged('fingerflow_backup_20200101_020000.dump.txt', 30);

  const kept = await runScript('backup.sh', [], { DATABASE_URL: url, BACKUP_DIR: backupDir, RETENTION_DAYS: '0' });
  assert.is(kept.code, 0, kept.stderr);
  assert.ok(fs.existsSync(path.join(backupDir, expired)), 'RETENTION_DAYS=0 must keep every backup');

  // backup.sh names files by the second; make sure this one gets a name of its own.
  await new Promise((r) => setTimeout(r, 1100));
  const result = await runScript('backup.sh', [], { DATABASE_URL: url, BACKUP_DIR: backupDir, RETENTION_DAYS: '7' });
  assert.is(result.code, 0, result.stderr);
  const left = fs.readdirSync(backupDir);
  assert.not.ok(left.includes(expired), 'an 8-day-old backup survived a 7-day retention');
  assert.match(result.stdout, new RegExp(`deleted backup older than 7 days: .*${expired}`));
  for (const name of [borderline, foreign, safety, notADump]) assert.ok(left.includes(name), `${name} was deleted`);
  assert.ok(files(BACKUP_NAME).length >= 3, 'the fresh backups must be kept');
});

test('bad arguments and settings print the usage line', async () => {
  for (const [script, args] of [['backup.sh', ['--bogus']], ['restore.sh', []], ['restore.sh', ['a.dump', 'b.dump', '--yes-i-am-sure']], ['health-check.sh', ['--bogus']], ['deploy.sh', ['--bogus']]] as const) {
    const result = await runScript(script, [...args]);
    assert.is(result.code, 2, `${script} ${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`^usage: ${script.replace('.', '\\.')}`), script);
  }
  for (const script of ['backup.sh', 'restore.sh', 'health-check.sh', 'deploy.sh']) {
    const help = await runScript(script, ['--help']);
    assert.is(help.code, 0, script);
    assert.match(help.stdout, new RegExp(`^usage: ${script.replace('.', '\\.')}`));
  }
  const badRetention = await runScript('backup.sh', [], { DATABASE_URL: url, BACKUP_DIR: backupDir, RETENTION_DAYS: 'week' });
  assert.is(badRetention.code, 1);
  assert.match(badRetention.stderr, /RETENTION_DAYS must be a whole number/);
});

test('--compose: the same round trip through `docker compose exec` (a stand-in docker runs the container side here)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-compose-backup-'));
  const log = path.join(dir, 'docker.log');
  fs.mkdirSync(path.join(dir, 'bin'));
  // docker compose -f FILE --env-file FILE <command> ...: `exec -T postgres CMD...` runs CMD
  // here with the container's POSTGRES_USER/POSTGRES_DB (libpq's PG* variables point it at
  // the test cluster, as the container's socket would); stop/start are only recorded.
  // It says it is Compose v2, as the scripts check first (and not logged: not a compose call).
  fs.writeFileSync(path.join(dir, 'bin', 'docker'), `#!/usr/bin/env bash
[[ $* == "compose version --short" ]] && { echo 2.29.7; exit 0; }
echo "$*" >> "$FAKE_DOCKER_LOG"
[[ $1 == compose ]] || exit 64
shift 5
case $1 in
  exec) shift; [[ $1 == -T ]] && shift; shift; exec env POSTGRES_USER="$FAKE_PG_USER" POSTGRES_DB="$FAKE_PG_DB" "$@" ;;
  stop | start) exit 0 ;;
  *) exit 64 ;;
esac
`, { mode: 0o755 });
  const envFile = path.join(dir, '.env');
  fs.writeFileSync(envFile, 'DOMAIN=typing.example.org\n');
  const u = new URL(url);
  const composeBackups = path.join(dir, 'backups');
  const env = {
    PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, FAKE_DOCKER_LOG: log, ENV_FILE: envFile, BACKUP_DIR: composeBackups,
    FAKE_PG_USER: decodeURIComponent(u.username), FAKE_PG_DB: u.pathname.slice(1), PGHOST: u.hostname, PGPORT: u.port, PGPASSWORD: decodeURIComponent(u.password),
  };
  try {
    const before = await state();
    const backup = await runScript('backup.sh', ['--compose'], env);
    assert.is(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /backing up the postgres service of docker-compose\.prod\.yml/);
    const [dump] = fs.readdirSync(composeBackups).filter((f) => BACKUP_NAME.test(f));
    assert.ok(dump);

    await query(`DELETE FROM keystroke_batches WHERE batch_seq > 5; INSERT INTO users (email) VALUES ('compose@example.test')`);
    assert.is.not((await state()).keystrokes, before.keystrokes);

    const restore = await runScript('restore.sh', [path.join(composeBackups, dump), '--yes-i-am-sure', '--compose'], env);
    assert.is(restore.code, 0, restore.stdout + restore.stderr);
    assert.equal(await state(), before);
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n').map((c) => c.replace(/^compose -f \S+ --env-file \S+ /, ''));
    // The writers are stopped for the restore and started again after it.
    const stop = calls.indexOf('stop ingest sidecar');
    const restoreCall = calls.findIndex((c) => c.includes('pg_restore --clean'));
    const start = calls.indexOf('start ingest sidecar');
    assert.ok(stop >= 0 && stop < restoreCall && restoreCall < start, calls.join('\n'));
    // Every database command went through the postgres container.
    assert.ok(calls.filter((c) => /pg_dump|pg_restore|psql/.test(c)).every((c) => c.startsWith('exec -T postgres ')), calls.join('\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('without DATABASE_URL the scripts use the local embedded database, or say how to start it', async () => {
  // The test cluster is laid out like `npm start`'s data folder (pg_password beside the
  // cluster), so server/bin/database-url.ts finds it exactly as it finds the real one.
  const localBackups = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-local-backups-'));
  try {
    const result = await runScript('backup.sh', [], { DATA_DIR: cluster.dir, EMBEDDED_PG_PORT: String(cluster.port), BACKUP_DIR: localBackups });
    assert.is(result.code, 0, result.stderr);
    assert.match(result.stdout, /backing up the local embedded database/);
    assert.is(fs.readdirSync(localBackups).filter((f) => BACKUP_NAME.test(f)).length, 1);

    const emptyDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-no-db-'));
    const missing = await runScript('backup.sh', [], { DATA_DIR: emptyDataDir, BACKUP_DIR: localBackups });
    fs.rmSync(emptyDataDir, { recursive: true, force: true });
    assert.is(missing.code, 1);
    assert.match(missing.stderr, /npm start/);
  } finally {
    fs.rmSync(localBackups, { recursive: true, force: true });
  }
});

test.run();
