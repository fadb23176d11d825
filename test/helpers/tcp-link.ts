/**
 * A TCP forwarder that a test can cut and mend: it stands between two nats-servers' gateway
 * ports so "the link between two regions went down" is one call, not a firewall rule.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpLink {
  readonly port: number;
  /** Drops every forwarded connection and refuses new ones until mend(). */
  cut(): void;
  mend(): void;
  close(): Promise<void>;
}

export async function startTcpLink(targetPort: number, port = 0): Promise<TcpLink> {
  let open = true;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((inbound) => {
    track(inbound);
    if (!open) {
      inbound.destroy();
      return;
    }
    const outbound = connect(targetPort, '127.0.0.1');
    track(outbound);
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const dropAll = (): void => {
    for (const s of sockets) s.destroy();
  };
  return {
    port: address.port,
    cut() {
      open = false;
      dropAll();
    },
    mend() {
      open = true;
    },
    async close() {
      open = false;
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nobody listens on right now (the OS picks it; a tiny race, fine for tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
