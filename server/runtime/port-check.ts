import net from 'node:net';

export class PortInUseError extends Error {
  constructor(readonly port: number, readonly variable: string) {
    super(`port ${port} is already in use (is FingerFlow already running? set ${variable} to use another port)`);
    this.name = 'PortInUseError';
  }
}

/** Fails before anything is started when a port we are about to listen on is taken. */
export async function assertPortFree(host: string, port: number, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, variable) : error);
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}
