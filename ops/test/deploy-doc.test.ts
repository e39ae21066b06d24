// DEPLOY.md names log events, make targets and files; each must exist, or operators grep for
// events that never come and run targets that are not there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './support.ts';

const DOC = fs.readFileSync(path.join(REPO_ROOT, 'DEPLOY.md'), 'utf8');

function serverSources(dir = path.join(REPO_ROOT, 'server')): string {
  let text = '';
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test' && entry.name !== 'bench') text += serverSources(full);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      text += fs.readFileSync(full, 'utf8');
    }
  }
  return text;
}

test('every log event in DEPLOY.md is one the server logs', () => {
  const section = /### Log events\n([\s\S]*?)\n### /.exec(DOC)?.[1] ?? '';
  const events = [...section.matchAll(/^\| ([^|]+)\|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z_]+)`/g)].map((e) => e[1]!));
  assert.ok(events.length >= 15, `found ${events.join(', ')}`);
  for (const required of ['database_migrations_complete', 'auth_lockout_triggered', 'rate_limit_exceeded', 'csrf_invalid_token', 'ingest_database_unavailable']) {
    assert.ok(events.includes(required), `${required} is not documented`);
  }
  const source = serverSources();
  for (const event of events) {
    // database_connected/disconnected are logged as `database_${state}`.
    const found = source.includes(`event: '${event}'`) || (/^database_(dis)?connected$/.test(event) && source.includes('event: `database_${state}`'));
    assert.ok(found, `DEPLOY.md documents ${event}, which nothing logs`);
  }
});

test('every make target DEPLOY.md uses exists, and the files it names exist', () => {
  const makefile = fs.readFileSync(path.join(REPO_ROOT, 'Makefile'), 'utf8');
  const targets = new Set([...makefile.matchAll(/^([a-zA-Z_-]+):/gm)].map((m) => m[1]!));
  const used = [...DOC.matchAll(/`?make ([a-z-]+)/g)].map((m) => m[1]!);
  assert.ok(used.length >= 8);
  for (const target of used) assert.ok(targets.has(target), `DEPLOY.md runs make ${target}, which does not exist`);
  for (const file of ['docker-compose.prod.yml', '.env.production.template', 'ops/scripts/backup.sh', 'ops/scripts/restore.sh', 'ops/scripts/deploy.sh', 'ops/scripts/health-check.sh', 'ops/docker/nginx.conf', 'ops/docker/ingest.Dockerfile', 'ops/docker/sidecar.Dockerfile', 'ops/docker/client.Dockerfile']) {
    assert.ok(DOC.includes(file), `DEPLOY.md does not mention ${file}`);
    assert.ok(fs.existsSync(path.join(REPO_ROOT, file)), `${file} is missing`);
  }
});

test('README links DEPLOY.md', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  assert.match(readme, /\]\(DEPLOY\.md\)/);
});

test.run();
