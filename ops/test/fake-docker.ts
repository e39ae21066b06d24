// A stand-in docker for the deployment scripts' tests (no Docker engine runs here): it
// records each call with the image tag it was made for, and answers what the scripts ask.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// A stand-in docker (none runs here) that records each call with the image tag it was made
// for, and answers what the scripts ask: the Compose version, the containers' health (healthy
// only for the tags in healthy-tags), which images exist (images), a running postgres.
const FAKE_DOCKER = `#!/usr/bin/env bash
echo "\${FINGERFLOW_TAG:-}|$*" >> "$FAKE_DIR/docker.log"
case "$*" in
  "compose version --short") echo "\${FAKE_COMPOSE_VERSION:-2.29.7}" ;;
  *" ps --all --format "*)
    if grep -qxF "\${FINGERFLOW_TAG:-}" "$FAKE_DIR/healthy-tags"; then
      printf 'postgres\\trunning\\thealthy\\ningest\\trunning\\thealthy\\ningest\\trunning\\thealthy\\nsidecar\\trunning\\thealthy\\nclient\\trunning\\thealthy\\nmigrate\\texited\\t\\n'
    else
      printf 'postgres\\trunning\\thealthy\\ningest\\trestarting\\t\\ningest\\trunning\\thealthy\\nsidecar\\trunning\\thealthy\\nclient\\trunning\\thealthy\\n'
    fi ;;
  *" ps --status running --quiet postgres") ;;
  "image inspect "*) grep -qxF "$3" "$FAKE_DIR/images" ;;
  "image ls "*) sed -n 's/^[^:]*-sidecar://p' "$FAKE_DIR/images" ;;
  *" run --rm migrate") exit "\${FAKE_MIGRATE_EXIT:-0}" ;;
  *"rotate-secret.ts --check") exit "\${FAKE_CHECK_EXIT:-0}" ;;
esac
`;

export interface FakeDeployment {
  dir: string;
  env: (extra?: Record<string, string>) => Record<string, string>;
  calls: () => string[];
  state: (name: string) => string | undefined;
  close: () => void;
}

export function fakeDeployment(options: { healthyTags: string[]; images: string[]; currentTag?: string }): FakeDeployment {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-deploy-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'docker'), FAKE_DOCKER, { mode: 0o755 });
  // No crontab here: deploy.sh's note about backups must not depend on this machine's.
  fs.writeFileSync(path.join(dir, 'bin', 'crontab'), '#!/usr/bin/env bash\nexit 1\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'healthy-tags'), options.healthyTags.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'images'), options.images.flatMap((tag) => ['ingest', 'sidecar', 'client'].map((i) => `fingerflow-${i}:${tag}`)).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, '.env'), 'DOMAIN=typing.example.org\nSECRET_KEY=x\n');
  fs.mkdirSync(path.join(dir, 'state'));
  if (options.currentTag) fs.writeFileSync(path.join(dir, 'state', 'current-tag'), `${options.currentTag}\n`);
  return {
    dir,
    env: (extra = {}) => ({ PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, FAKE_DIR: dir, ENV_FILE: path.join(dir, '.env'), DEPLOY_STATE_DIR: path.join(dir, 'state'), DEPLOY_HEALTH_TIMEOUT: '1', HEALTH_POLL_SECONDS: '0.1', HEALTH_ATTEMPTS: '2', HEALTH_DELAY: '0.05', ...extra }),
    calls: () => (fs.existsSync(path.join(dir, 'docker.log')) ? fs.readFileSync(path.join(dir, 'docker.log'), 'utf8').trim().split('\n') : []),
    state: (name) => (fs.existsSync(path.join(dir, 'state', name)) ? fs.readFileSync(path.join(dir, 'state', name), 'utf8').trim() : undefined),
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

