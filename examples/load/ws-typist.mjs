// One typist over a plain WebSocket, speaking the protocol of shared/protocol/PROTOCOL.md:
// binary msgpack frames with records (msgpackr), hello -> welcome, batch -> ack, end -> ended.
//   LOADTEST_TOKEN=... SIDECAR_URL=http://127.0.0.1:8080 node examples/load/ws-typist.mjs
import { Packr, Unpackr } from 'msgpackr';
import WebSocket from 'ws';
import { newSession, typedBatches, verifyAndClean } from './common.mjs';

const packr = new Packr({ useRecords: true });
const unpackr = new Unpackr({ useRecords: true, mapsAsObjects: true, int64AsType: 'number' });
const T = { hello: 1, welcome: 2, batch: 3, ack: 4, error: 5, end: 7, ended: 8, throttle: 9 };

const session = await newSession();
const batches = typedBatches();
const sent = batches.reduce((n, b) => n + b.length, 0);
const ws = new WebSocket(`${session.ingestUrl}?ticket=${encodeURIComponent(session.ticket)}`);
const send = (message) => ws.send(packr.pack(message));
let ending = false;
ws.on('open', () => send({ t: T.hello, v: 1, sessionId: session.sessionId, lastAckedSeq: 0, client: 'example-ws' }));
ws.on('message', (data) => {
  const m = unpackr.unpack(data);
  if (m.t === T.welcome) batches.forEach((events, i) => send({ t: T.batch, seq: i + 1, events }));
  // A batch is safe once acked (acks are cumulative); after the last one, end the session once.
  else if (m.t === T.ack && m.seq >= batches.length && !ending) {
    ending = true;
    send({ t: T.end, seq: batches.length });
  }
  else if (m.t === T.error) console.error(`server error ${m.code}: ${m.message}`);
  else if (m.t === T.ended) {
    ws.close();
    void verifyAndClean(session.sessionId, sent);
  }
});
ws.on('close', (code) => code !== 1000 && code !== 1005 && console.error(`closed ${code}`));
