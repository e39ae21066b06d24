// client.Dockerfile, built without a Docker engine (see image-stages.test.ts for how): the
// app built from exactly the files its COPY lines bring, then served by our nginx
// configuration as the image's user (uid 101) from the folder the runtime stage holds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { folderBytes } from './dockerfile-model.ts';
import { buildAll, mb, removeScratch } from './image-build.ts';
import { nginxTool, startNginx } from './nginx-harness.ts';

const NGINX_USER_UID = 101; // nginx-unprivileged's user
const sizes: string[] = [];

test.after(() => {
  removeScratch();
  if (sizes.length) console.log(sizes.join('\n'));
});

nginxTool.test('client.Dockerfile: builds the app from the copied files; nginx serves it as uid 101', async () => {
  const stages = await buildAll('client.Dockerfile');
  const runtime = Object.values(stages).at(-1)!;
  const html = path.join(runtime.root, 'usr/share/nginx/html');
  const conf = fs.readFileSync(path.join(runtime.root, 'etc/nginx/conf.d/default.conf'), 'utf8');
  assert.ok(fs.existsSync(path.join(html, 'index.html')));
  sizes.push(`client.Dockerfile: web root ${mb(folderBytes(html))} (nginx image otherwise unchanged; no Node, no node_modules)`);
  const nginx = await startNginx(conf, html, { uid: NGINX_USER_UID });
  try {
    const page = await fetch(`${nginx.base}/stats`);
    assert.is(page.status, 200);
    assert.is(await page.text(), fs.readFileSync(path.join(html, 'index.html'), 'utf8'));
    assert.is((await fetch(`${nginx.base}/api/sessions`)).status, 503);
  } finally {
    await nginx.stop();
  }
});

test.run();
