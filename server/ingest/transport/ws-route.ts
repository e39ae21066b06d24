import uWS from 'uWebSockets.js';
import { encodeMessage } from '../../../shared/protocol/codec.ts';
import { MessageType, type ServerMessage } from '../../../shared/protocol/messages.ts';
import { IngestConnection } from '../core/ingest-connection.ts';
import type { IngestHub } from '../core/hub.ts';
import type { ConnectionIdentity, ConnectionPorts } from '../core/ports.ts';
import type { IngestMetrics } from '../../obs/ingest-metrics.ts';
import type { UpgradeGate } from './upgrade-gate.ts';
import type { IngestLimits } from './limits.ts';
import { clientAddress, type ConnectionCaps } from './connection-caps.ts';
import type net from 'node:net';

interface UserData {
  identity: ConnectionIdentity;
  connection?: IngestConnection;
  closed: boolean;
  /** Gives this connection's slots back to the caps (ticket, user, address). */
  releaseCaps: () => void;
}

export interface WsRouteDeps {
  hub: IngestHub;
  gate: UpgradeGate;
  limits: IngestLimits;
  metrics: IngestMetrics;
  portsFor: (identity: ConnectionIdentity) => Omit<ConnectionPorts, 'send' | 'close'>;
  caps: ConnectionCaps;
  /** Reverse proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES). */
  trustedProxies: net.BlockList | undefined;
  capRefused: (cap: string) => void;
}

const TRANSPORT = 'ws';

/**
 * The uWebSockets.js adapter for `/ws`: authenticates the upgrade, then moves bytes between
 * the socket and the pure IngestConnection. It keeps uWS's rules: headers are copied before
 * anything else, the socket is never touched after its close handler ran, per-socket state
 * lives in typed UserData, and a client that does not read is closed at a backpressure limit.
 */
export function attachWsRoute(app: uWS.TemplatedApp, deps: WsRouteDeps): void {
  app.ws<UserData>('/ws', {
    compression: uWS.DISABLED,
    // Frames over the protocol limit still reach the codec (and get FRAME_TOO_LARGE); only
    // frames over twice the limit are cut by uWS itself (close 1009), before any allocation.
    maxPayloadLength: deps.limits.maxFrameBytes * 2,
    maxBackpressure: deps.limits.maxBackpressureBytes * 2,
    closeOnBackpressureLimit: 0,
    idleTimeout: deps.limits.idleTimeoutSec,
    sendPingsAutomatically: true,

    upgrade: (res, req, context) => {
      const headers = {
        origin: req.getHeader('origin'),
        key: req.getHeader('sec-websocket-key'),
        protocol: req.getHeader('sec-websocket-protocol'),
        extensions: req.getHeader('sec-websocket-extensions'),
        forwardedFor: req.getHeader('x-forwarded-for'),
      };
      const ticket = new URLSearchParams(req.getQuery() ?? '').get('ticket') ?? undefined;
      const decision = deps.gate.admit(headers.origin, ticket);
      if (!decision.ok) {
        deps.metrics.upgradeRefused(decision.code);
        res.cork(() => {
          res.writeStatus(decision.status).writeHeader('Content-Type', 'application/json')
            .end(JSON.stringify({ error: { code: decision.code, message: decision.message } }));
        });
        return;
      }
      const address = clientAddress(Buffer.from(res.getRemoteAddressAsText()).toString(), headers.forwardedFor, deps.trustedProxies);
      const slot = deps.caps.acquire(ticket ?? '', decision.identity.userId, address);
      if (!slot.ok) {
        deps.capRefused(slot.cap);
        res.cork(() => {
          res.writeStatus('429 Too Many Requests').writeHeader('Content-Type', 'application/json').writeHeader('Retry-After', '5')
            .end(JSON.stringify({ error: { code: 'TOO_MANY_CONNECTIONS', message: slot.message } }));
        });
        return;
      }
      // Compression is off: the extensions header is not echoed, so none is negotiated.
      res.upgrade<UserData>({ identity: decision.identity, closed: false, releaseCaps: slot.release }, headers.key, headers.protocol, '', context);
    },

    open: (ws) => {
      const data = ws.getUserData();
      const send = (message: ServerMessage) => {
        if (data.closed) return;
        countOutgoing(deps.metrics, message);
        ws.send(encodeMessage(message), true);
        if (ws.getBufferedAmount() > deps.limits.maxBackpressureBytes) {
          data.connection?.abort('SLOW_CONSUMER', 'the client is not reading; reconnect');
        }
      };
      const close = (code: number, reason: string) => {
        if (data.closed) return;
        data.closed = true;
        ws.end(code, reason);
      };
      const connection = new IngestConnection(data.identity, { ...deps.portsFor(data.identity), send, close }, deps.limits);
      data.connection = connection;
      // The socket's writes inside fn leave in one syscall; a closed socket must not be touched.
      const cork = (fn: () => void) => (data.closed ? fn() : ws.cork(fn));
      deps.hub.add(connection, send, cork);
      deps.metrics.connectionOpened(TRANSPORT);
    },

    message: (ws, message, isBinary) => {
      const data = ws.getUserData();
      deps.metrics.frameReceived(TRANSPORT);
      if (!isBinary) {
        data.connection?.abort('MALFORMED_FRAME', 'text frames are not accepted; send binary msgpack');
        return;
      }
      // The ArrayBuffer is only valid during this call; decoding is synchronous and copies
      // every value out of it.
      data.connection?.receive(new Uint8Array(message));
    },

    close: (ws) => {
      const data = ws.getUserData();
      data.closed = true;
      data.releaseCaps();
      data.connection?.closed();
      deps.hub.remove(data.identity.connectionId);
      deps.metrics.connectionClosed(TRANSPORT);
    },
  });
}

export function countOutgoing(metrics: IngestMetrics, message: ServerMessage): void {
  if (message.t === MessageType.Ack) metrics.ackSent();
  else if (message.t === MessageType.Error) metrics.errorSent(message.code);
}
