import { test as uvu } from 'uvu';
import * as assert from 'uvu/assert';
import { IngestHub } from './core/hub.ts';
import { IngestConnection } from './core/ingest-connection.ts';
import type { ConnectionPorts } from './core/ports.ts';
import { FakeBus, FakeClock, FakeLog, FakeSessionStore, frames, HUB_OPTIONS, identity, LIMITS, protocolTest } from './core/testing/fakes.ts';
import { watchedClientView } from './core/testing/client-view.ts';
import { KeystrokeWriter } from './store/keystroke-writer.ts';
import { connectionRefused, FakeFlushStore, turns } from './store/testing/fake-flush-store.ts';

// The hub and the real writer together, the flush transaction faked: what a client sees when
// a flush meets a bug, and when it meets an unreachable database.

const test = protocolTest(uvu);

function rig() {
  const clock = new FakeClock();
  const log = new FakeLog();
  const flushes = new FakeFlushStore();
  const writer = new KeystrokeWriter({ flushRows: 100, flushMs: 50, flushers: 1, store: flushes, clock, encodeRows: (b) => new Uint8Array(b.events.length) });
  const hub = new IngestHub({ sessions: new FakeSessionStore(), writer, bus: new FakeBus(), clock, log }, HUB_OPTIONS);
  const failures: Array<{ sessionId: string; error: Error }> = [];
  // As server/bin/ingest-wiring.ts does, with the log line of a session that could not be stored.
  writer.listen({
    committed: (s, o, seq) => hub.committed(s, o, seq),
    rejected: (s, o, reason, seq) => hub.rejected(s, o, reason, seq),
    databaseState: () => undefined,
    flushed: () => undefined,
    failed: (sessionId, error) => failures.push({ sessionId, error }),
  });
  const client = watchedClientView();
  const ports: ConnectionPorts = {
    claim: (s, u, c) => hub.claim(s, u, c),
    store: (b) => hub.store(b),
    bufferLevel: () => hub.bufferLevel(),
    end: (s, c, seq) => hub.end(s, c, seq),
    watch: (s, c) => hub.watch(s, c),
    send: (m) => client.deliver(m),
    close: (code, reason) => {
      client.close(code, reason);
      conn.closed();
      hub.remove(conn.identity.connectionId);
    },
    nowMs: () => clock.now(),
    log,
  };
  const conn = new IngestConnection(identity(), ports, LIMITS);
  hub.add(conn, (m) => client.deliver(m));
  return { clock, flushes, client, conn, failures, log };
}

test('a flush that fails with a bug (TypeError): the session is reported failed and the client closed with INTERNAL_ERROR 1011', async () => {
  const r = rig();
  r.conn.receive(frames.hello());
  await turns();
  r.conn.receive(frames.batch(1));
  r.clock.advance(50);
  const bug = new TypeError("Cannot read properties of undefined (reading 'rows')");
  r.flushes.open[0]!.fail(bug);
  await turns();
  r.flushes.open[0]!.fail(bug); // the session on its own, once more
  await turns();
  assert.is(r.failures.length, 1);
  assert.is(r.failures[0]!.error, bug);
  assert.equal(r.client.log, ['welcome:0', 'error:INTERNAL_ERROR', 'close:1011']);
});

test('a flush that meets an unreachable database: no close, retried after the backoff, then acknowledged', async () => {
  const r = rig();
  r.conn.receive(frames.hello());
  await turns();
  r.conn.receive(frames.batch(1));
  r.clock.advance(50);
  r.flushes.open[0]!.fail(connectionRefused());
  await turns();
  assert.equal(r.client.log, ['welcome:0']);
  r.clock.advance(100);
  r.flushes.open[0]!.commit();
  await turns();
  assert.equal(r.client.log, ['welcome:0', 'ack:1', 'stats:2'], 'the first ack carries the live figures');
  assert.equal(r.failures, []);
});

uvu.run();
