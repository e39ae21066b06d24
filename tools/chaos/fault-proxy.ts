import net from 'node:net';
import { decodeMessage } from '../../shared/protocol/codec.ts';
import { MessageType } from '../../shared/protocol/messages.ts';

const LIMITS = { maxFrameBytes: 1 << 20, maxEventsPerBatch: 100_000, maxDepth: 4, maxValues: 1 << 22 };

/**
 * A TCP proxy in front of an ingest server that injects network faults: it can drop
 * acknowledgements (it reads the server's WebSocket frames, which are unmasked), reset every
 * connection, or swallow traffic for a while. It stands in for tc netem, which this kernel
 * lacks, and for nftables, which needs a package the machines do not have.
 */
export class FaultProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private blackholeUntil = 0;
  /** Acks to drop from now on (each is swallowed; the connection stays up). */
  dropAcks = 0;
  droppedAcks = 0;
  port = 0;
  private nextTarget = 0;
  private readonly targets: Array<{ host: string; port: number }>;

  /** With several targets, each new connection goes to the next one (round robin). */
  constructor(target: { host: string; port: number } | Array<{ host: string; port: number }>) {
    this.targets = Array.isArray(target) ? target : [target];
    this.server = net.createServer((client) => this.accept(client));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** RST on every open connection, as a NAT timeout or a flapping link would. */
  resetAll(): number {
    const n = this.pairs.size;
    for (const [a, b] of this.pairs) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    this.pairs.clear();
    return n;
  }

  /** Nothing passes in either direction for `ms`; bytes are lost, not delayed. */
  blackhole(ms: number): void {
    this.blackholeUntil = Date.now() + ms;
  }

  async stop(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const target = this.targets[this.nextTarget++ % this.targets.length]!;
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => {
      if (Date.now() >= this.blackholeUntil) upstream.write(chunk);
    });
    const frames = new ServerFrameReader((frame) => {
      if (Date.now() < this.blackholeUntil) return;
      if (this.dropAcks > 0 && isAck(frame.payload)) {
        this.dropAcks--;
        this.droppedAcks++;
        return;
      }
      client.write(frame.raw);
    });
    upstream.on('data', (chunk: Buffer) => frames.push(chunk, (handshake) => client.write(handshake)));
  }
}

function isAck(payload: Buffer): boolean {
  const decoded = decodeMessage(new Uint8Array(payload), LIMITS);
  return decoded.ok && decoded.message.t === MessageType.Ack;
}

/** Splits the server's byte stream into the HTTP handshake and then whole WebSocket frames. */
class ServerFrameReader {
  private buffer = Buffer.alloc(0);
  private handshakeDone = false;

  constructor(private readonly onFrame: (frame: { raw: Buffer; payload: Buffer }) => void) {}

  push(chunk: Buffer, onHandshake: (bytes: Buffer) => void): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.handshakeDone) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      onHandshake(this.buffer.subarray(0, end + 4));
      this.buffer = this.buffer.subarray(end + 4);
      this.handshakeDone = true;
    }
    for (;;) {
      if (this.buffer.length < 2) return;
      let length = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const raw = this.buffer.subarray(0, offset + length);
      this.onFrame({ raw: Buffer.from(raw), payload: Buffer.from(raw.subarray(offset)) });
      this.buffer = this.buffer.subarray(offset + length);
    }
  }
}
