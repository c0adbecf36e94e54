import { createServer, connect, type Server, type Socket } from 'node:net';

/** A TCP proxy on loopback that a test can cut and restore, standing between the service and its database. */
export interface TcpProxy {
  readonly port: number;
  /** Closes every open connection and refuses new ones. */
  cut(): void;
  /** Keeps connections open but forwards nothing, like a network that drops packets. */
  blackhole(): void;
  /** Forwards traffic again. */
  restore(): void;
  close(): Promise<void>;
}

/** Starts a proxy from a free loopback port to `targetHost:targetPort`. */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: 'open' | 'cut' | 'blackhole' = 'open';
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (mode === 'open') {
          to.write(chunk);
        }
      });
    forward(client, upstream);
    forward(upstream, client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('proxy has no TCP address');
  }

  return {
    port: address.port,
    cut() {
      mode = 'cut';
      for (const socket of sockets) {
        socket.destroy();
      }
      sockets.clear();
    },
    blackhole() {
      mode = 'blackhole';
    },
    restore() {
      mode = 'open';
    },
    async close() {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
