import pg from 'pg';
import type { Logger } from '../obs/logger.ts';

/** How long a "this sign-in is live" answer is reused when no notification says otherwise. */
export const LIVENESS_CACHE_MS = 10_000;
const CHANNEL = 'ff_sign_in_revoked';
const RECONNECT_MS = 2_000;

interface Entry {
  live: boolean;
  at: number;
}

/**
 * Whether the sign-in (refresh family) an access token belongs to is still live, so that
 * logout, logout everywhere, a password change or reset, refresh reuse, a device revoke or a
 * 2FA change ends the access tokens of the revoked sign-ins at once instead of up to 30 min
 * later.
 *
 * Each answer comes from PostgreSQL and is cached briefly per family. Any revocation of a
 * user's refresh tokens fires `NOTIFY ff_sign_in_revoked` (a trigger, so no code path can
 * forget it); every sidecar process LISTENs and drops that user's entries. While the LISTEN
 * connection is down, nothing is cached: correctness never rests on a missed notification.
 * A per-user generation counter keeps a query that raced with a notification from caching
 * the answer it read before the revocation.
 */
export class SignInLiveness {
  private readonly cache = new Map<string, Map<string, Entry>>();
  private readonly generation = new Map<string, number>();
  private listener: pg.Client | undefined;
  private listening = false;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly pool: Pick<pg.Pool, 'query'>, private readonly databaseUrl: string | undefined, private readonly log: Logger, private readonly now: () => number = Date.now) {}

  /** Opens the LISTEN connection (retried in the background when it fails or drops). */
  start(): void {
    if (this.databaseUrl) void this.connect();
  }

  async isLive(userId: string, familyId: string): Promise<boolean> {
    const cached = this.cache.get(userId)?.get(familyId);
    if (this.listening && cached && this.now() - cached.at < LIVENESS_CACHE_MS) return cached.live;
    const generation = this.generation.get(userId) ?? 0;
    const { rows } = await this.pool.query(
      `SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND user_id = $2
         AND revoked_at IS NULL AND used_at IS NULL AND expires_at > now() LIMIT 1`,
      [familyId, userId],
    );
    const live = rows.length > 0;
    if (this.listening && generation === (this.generation.get(userId) ?? 0)) {
      let families = this.cache.get(userId);
      if (!families) this.cache.set(userId, (families = new Map<string, Entry>()));
      families.set(familyId, { live, at: this.now() });
      if (this.cache.size > 100_000) this.cache.clear(); // bounded memory; it only costs queries
    }
    return live;
  }

  /** Forgets what is cached for a user (the notification handler; also used in-process). */
  forget(userId: string): void {
    this.generation.set(userId, (this.generation.get(userId) ?? 0) + 1);
    this.cache.delete(userId);
    if (this.generation.size > 100_000) this.generation.clear();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.listener;
    this.listener = undefined;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.databaseUrl });
    const lost = (error?: Error) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.listening = false;
      this.cache.clear();
      if (this.stopped) return;
      this.log.warn({ event: 'sign_in_liveness_listener_lost', err: error }, 'revocation notifications lost; checking every request until reconnected');
      this.retry = setTimeout(() => void this.connect(), RECONNECT_MS);
      this.retry.unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) this.forget(message.payload);
    });
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.cache.clear();
      this.listening = true;
    } catch (error) {
      lost(error as Error);
      await client.end().catch(() => undefined);
    }
  }
}
