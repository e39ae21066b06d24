// docker-compose.prod.yml: names that follow the compose project (two stacks never share a
// volume), versioned image tags, and a resource limit on every service, as DEPLOY.md says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { loadCompose } from './compose-model.ts';
import { REPO_ROOT } from './support.ts';

const REQUIRED = { DOMAIN: 'typing.example.org', SECRET_KEY: 'x'.repeat(64), POSTGRES_PASSWORD: 'pw', TRUSTED_PROXIES: '172.30.0.2' };

test('the default project keeps the names earlier versions created; another project gets its own', () => {
  const blue = loadCompose(REQUIRED);
  assert.is(blue.name, 'fingerflow');
  assert.is((blue.volumes['postgres-data'] as { name: string }).name, 'fingerflow-postgres-data');
  assert.is(blue.networks['fingerflow-internal']!.name, 'fingerflow-internal');
  assert.is(blue.services.sidecar!.image, 'fingerflow-sidecar:latest');

  const green = loadCompose({ ...REQUIRED, COMPOSE_PROJECT_NAME: 'fingerflow-green', FINGERFLOW_TAG: '0.1.0-1a2b3c4d5e6f' });
  assert.is(green.name, 'fingerflow-green');
  assert.is((green.volumes['postgres-data'] as { name: string }).name, 'fingerflow-green-postgres-data');
  assert.is(green.networks['fingerflow-internal']!.name, 'fingerflow-green-internal');
  for (const service of ['ingest', 'sidecar', 'client', 'migrate']) {
    assert.match(green.services[service]!.image!, /^fingerflow-green-(ingest|sidecar|client):0\.1\.0-1a2b3c4d5e6f$/, service);
  }
  assert.is(green.services.migrate!.image, green.services.sidecar!.image, 'migrate runs the sidecar image of the same deploy');
});

test('every service has a CPU and memory limit, and DEPLOY.md lists the same ones', () => {
  const compose = loadCompose(REQUIRED);
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'DEPLOY.md'), 'utf8');
  const table = /## Resource limits\n[\s\S]*?\n(\| service \|[\s\S]*?)\n\n/.exec(doc)?.[1] ?? '';
  const rows = new Map([...table.matchAll(/^\| `(\w+)`[^|]*\| ([\d.]+) \| (\d+) MB \|/gm)].map((m) => [m[1]!, { cpus: m[2]!, mb: Number(m[3]) }]));
  for (const [name, service] of Object.entries(compose.services)) {
    const limits = service.deploy?.resources?.limits;
    assert.ok(limits?.cpus && limits.memory, `${name} has no limits`);
    const documented = rows.get(name);
    assert.ok(documented, `DEPLOY.md's Resource limits table has no row for ${name}`);
    assert.is(Number(limits.cpus), Number(documented.cpus), `${name} cpus`);
    assert.is(Number(/^(\d+)M$/.exec(limits.memory)?.[1]), documented.mb, `${name} memory`);
  }
});

test.run();
