import type net from 'node:net';
import type { IngestHub } from '../core/hub.ts';
import type { ConnectionIdentity, ConnectionPorts } from '../core/ports.ts';
import type { IngestMetrics } from '../../obs/ingest-metrics.ts';
import type { UpgradeGate } from './upgrade-gate.ts';
import type { IngestLimits } from './limits.ts';
import type { ConnectionCaps } from './connection-caps.ts';

/** What each transport (raw WebSocket, Socket.IO) is given by the wiring: the same for both. */
export interface RouteDeps {
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
