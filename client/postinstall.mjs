// npm's postinstall for the project: builds the web client (client/dist), which `npm start`
// serves, once the build tools are installed. A production install (`npm ci --omit=dev`, as
// the ingest and sidecar images do) has no Vite: it serves no client, so the build is
// skipped with a line saying so rather than failing the install. Vite is driven through its
// API with the same config file `npm run build:client` names, so nothing here depends on how
// npm was started or which npm is on the PATH.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let vite;
try {
  vite = await import('vite');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  console.log('postinstall: Vite is not installed (a production install without dev dependencies): the client is not built');
  process.exit(0);
}
const configFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'vite.config.ts');
await vite.build({ configFile, logLevel: 'warn' });
