import jwt from 'jsonwebtoken';
import { MessageType } from '../../../shared/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.ts';
import { openSocket } from '../../../server/test/support/ws-client.ts';
import { TEST_SECRET } from '../../../server/test/support/ingest-fixtures.ts';
import { ChaosEnv } from '../harness.ts';
import { fromChecks, type Scenario } from '../result.ts';
import type { WireBody } from '../wire.ts';

/** Getting in without the right to: bad Origin, and every kind of bad ticket. */
export const upgradeAuth: Scenario = {
  name: 'bad origin and tickets',
  quick: true,
  async run() {
    const env = await ChaosEnv.create();
    const ingest = await env.startIngest();
    try {
      const [mine] = await env.sessions(1);
      const other = (await env.db.query<{ id: string }>("INSERT INTO users (email) VALUES ('other@example.com') RETURNING id")).rows[0]!.id;
      const refused = (ticket: string | undefined, origin?: string) =>
        openSocket(ingest.url, ticket, { origin }).then((s) => {
          s.ws.close();
          return 'accepted';
        }, (e: { status?: number; body?: string }) => `${e.status} ${(JSON.parse(e.body || '{}') as WireBody).error?.code ?? ''}`);
      const forged = (payload: object, options: jwt.SignOptions, key: string | Buffer = TEST_SECRET) => jwt.sign(payload, key, options);
      const sub = { subject: env.userId, issuer: 'fingerflow' };
      const checks: Array<[boolean, string]> = [];
      const expect = async (ticket: string | undefined, wanted: string, what: string, origin?: string) => {
        const got = await refused(ticket, origin);
        checks.push([got === wanted, `${what}: ${got}`]);
      };
      await expect(mine!.ticket, '403 ORIGIN_REJECTED', 'bad origin', 'https://evil.example');
      await expect(undefined, '401 TICKET_MISSING', 'no ticket');
      await expect(env.ticket(mine!.sessionId, 'ingest', env.userId, -60), '401 TICKET_EXPIRED', 'expired ticket');
      await expect(forged({ sid: mine!.sessionId }, { algorithm: 'none', audience: 'ingest', ...sub }, ''), '401 TICKET_INVALID', 'alg none');
      await expect(forged({ sid: mine!.sessionId }, { algorithm: 'HS256', audience: 'api', ...sub }), '401 TICKET_INVALID', 'wrong audience');
      await expect(forged({ sid: mine!.sessionId }, { algorithm: 'HS256', audience: 'ingest', ...sub }, 'another-secret-another-secret-xx'), '401 TICKET_INVALID', 'wrong key');
      // A valid ticket for a session of another user: the upgrade passes, hello is refused.
      const stolen = await openSocket(ingest.url, env.ticket(mine!.sessionId, 'ingest', other));
      stolen.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: mine!.sessionId, lastAckedSeq: 0, client: 'thief' });
      const code = (await stolen.closed).code;
      checks.push([code === 4105, `another user's session: ${code}`]);
      return fromChecks(this.name, checks);
    } finally {
      ingest.process.child.kill('SIGTERM');
      await ingest.process.exited(10_000);
      await env.destroy();
    }
  },
};
