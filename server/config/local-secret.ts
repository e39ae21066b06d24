import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const FILE = 'secret_key';

/**
 * Outside production a missing SECRET_KEY is not an error: a random one is generated on the
 * first start and kept in the data folder, so tokens signed before a restart stay valid.
 */
export function loadOrCreateLocalSecret(dataDir: string): { value: string; source: 'generated' | 'data-dir' } {
  const file = path.join(dataDir, FILE);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return { value: existing, source: 'data-dir' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(32).toString('hex');
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return { value, source: 'generated' };
}
