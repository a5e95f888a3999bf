/**
 * Free TCP ports on the loopback interface for test servers.
 *
 * A port returned here was free when it was probed, but nothing reserves it: another process may take it
 * before the caller binds. Callers that spawn a server on the port (see redis-server.ts, tierkv.ts) must detect
 * "address in use" and retry with a new port.
 */
import net from 'node:net';

/** The only address test servers listen on and test clients connect to. */
export const LOOPBACK = '127.0.0.1';

/**
 * Ports handed out by this process. The kernel hands out ephemeral ports round-robin, so a repeat within one
 * process is rare, but a repeat across a quick succession of getFreePort() calls (before the first caller has
 * bound) would make two servers race for one port; skipping ports we already returned avoids that.
 */
const handedOut = new Set<number>();

/**
 * Returns a TCP port on 127.0.0.1 that was free at the moment of the call (the kernel picks it: bind to port 0,
 * read the port, close).
 *
 * @param host address to probe; defaults to 127.0.0.1.
 * @returns a port number in 1..65535 that this process has not returned before.
 * @throws Error if the socket cannot be bound (e.g. no loopback interface) or 20 probes all return ports that
 *   were handed out already.
 */
export async function getFreePort(host: string = LOOPBACK): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await probe(host);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`getFreePort: no fresh free port found on ${host} after 20 probes`);
}

function probe(host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`getFreePort: unexpected server address ${String(address)}`));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/**
 * Resolves true if something accepts TCP connections on host:port within `timeoutMs`, false otherwise.
 * Used to wait for a server to start listening, and to check that a port is not in use.
 */
export function isPortOpen(port: number, host: string = LOOPBACK, timeoutMs = 1000): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(open);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
