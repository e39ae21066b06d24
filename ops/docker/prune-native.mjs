// Run in the images' dependency stage: uWebSockets.js ships its native binary for every
// platform and Node ABI (18 files, ~110 MB); the image needs the one this Node loads
// (uws.js picks `uws_<platform>_<arch>_<ABI>.node`). Fails if that one is missing, so an
// image can never lose its native binary and fall back to the slow JavaScript shim.
import fs from 'node:fs';
import path from 'node:path';

const usage = 'usage: node prune-native.mjs NODE_MODULES_DIR';
const nodeModules = process.argv[2];
if (!nodeModules) {
  console.error(usage);
  process.exit(2);
}
const own = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
const uws = path.join(nodeModules, 'uWebSockets.js');
if (!fs.existsSync(path.join(uws, 'binaries', own))) {
  console.error(`prune-native: ${own} is not shipped by uWebSockets.js: this Node (${process.version}) cannot run the ingest server`);
  process.exit(1);
}
let freed = 0;
for (const folder of ['binaries', 'dist']) {
  const dir = path.join(uws, folder);
  if (!fs.existsSync(dir)) continue;
  for (const file of fs.readdirSync(dir)) {
    if (!file.endsWith('.node') || (folder === 'binaries' && file === own)) continue;
    freed += fs.statSync(path.join(dir, file)).size;
    fs.rmSync(path.join(dir, file));
  }
}
console.log(`prune-native: kept ${own}, removed ${(freed / 1e6).toFixed(0)} MB of other platforms' binaries`);
