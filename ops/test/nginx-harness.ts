// Runs our nginx server block for real: the block as the client image installs it, with the
// port and web root of this machine, inside the smallest main configuration that runs
// without root (optionally as another user, like the image's uid 101).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../server/test/support/test-postgres.ts';
import { pollUntil } from '../../server/test/support/processes.ts';
import { NGINX_TOOL } from '../../server/test/support/system-tools.ts';

/** Skipped with a reason without nginx, required under CI=true (see system-tools.ts). */
export const nginxTool = NGINX_TOOL();
export const NGINX_BINARY = nginxTool.path;

export interface RunningNginx {
  base: string;
  stop(): Promise<void>;
}

export async function startNginx(serverBlock: string, webRoot: string, options: { uid?: number } = {}): Promise<RunningNginx> {
  if (!NGINX_BINARY) throw new Error('nginx is not installed (apt-get install -y nginx)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-nginx-'));
  fs.chmodSync(dir, 0o755);
  if (options.uid !== undefined) fs.chownSync(dir, options.uid, options.uid);
  const port = await freePort();
  const server = serverBlock.replace(/listen 8080;/, `listen 127.0.0.1:${port};`).replace(/\s*listen \[::\]:8080;/, '').replace('/usr/share/nginx/html', webRoot);
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, name)};`;
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, `
    daemon off; master_process off; worker_processes 1; pid ${path.join(dir, 'nginx.pid')};
    error_log stderr warn;
    events { worker_connections 64; }
    http {
      include /etc/nginx/mime.types; default_type application/octet-stream; access_log off;
      ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}
      ${server}
    }`);
  const identity = options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {};
  const syntax = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const check = spawn(NGINX_BINARY, ['-t', '-p', dir, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'], ...identity });
    let stderr = '';
    check.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    check.once('close', (code) => resolve({ code, stderr }));
  });
  if (syntax.code !== 0) throw new Error(`nginx -t failed: ${syntax.stderr}`);
  const child: ChildProcess = spawn(NGINX_BINARY, ['-p', dir, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'], ...identity });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const up = await pollUntil(async () => (await fetch(`${base}/nginx-health`)).ok, 5000);
  if (up === undefined) {
    await stop();
    throw new Error(`nginx did not start: ${stderr}`);
  }
  return { base, stop };
}
