// npm's postinstall for the project: builds the web client (client/dist), which `npm start`
// serves, once the build tools are installed. A production install (`npm ci --omit=dev`, as
// the ingest and sidecar images do) has no Vite: it serves no client, so the build is
// skipped with a line saying so rather than failing the install.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
try {
  require.resolve('vite/package.json');
} catch {
  console.log('postinstall: Vite is not installed (a production install without dev dependencies): the client is not built');
  process.exit(0);
}
// npm sets npm_execpath for its scripts. This install-time script is not the server: it runs
// before anything is built and reads only npm's own variable, so it does not go through
// server/config (the one reader of the app's settings).
const npm = process.env.npm_execpath;
const result = npm
  ? spawnSync(process.execPath, [npm, 'run', '--silent', 'build:client'], { stdio: 'inherit' })
  : spawnSync('npm', ['run', '--silent', 'build:client'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
