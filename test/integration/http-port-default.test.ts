/**
 * Issue 11 row 8: `http-port` defaults to `auto` = `port` + 1000, so that a second instance started with only
 * `--port` starts (a fixed default HTTP port made it exit with EADDRINUSE) and each instance serves its own
 * /metrics. Child processes of the built bin (dist/), started exactly as a user would: only `--port`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { getFreePort, isPortOpen, LOOPBACK } from '../support/ports.js';
import { withRawClient } from '../support/raw-client.js';
import { startTierkvProcess, type ServerHandle } from '../support/tierkv.js';

/** A free RESP port whose port + 1000 is free too (nothing listens there when probed). */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await getFreePort();
    if (p + 1000 <= 65535 && !(await isPortOpen(p + 1000, LOOPBACK, 200))) return p;
  }
  throw new Error('no free port P with P + 1000 free');
}

/** Starts the bin with only `--port P` (no `--http-port`), retrying when another process took P meanwhile. */
async function startWithOnlyPort(): Promise<ServerHandle> {
  let last: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePortPair();
    try {
      return await startTierkvProcess({ port: String(port) }, { httpDefault: true });
    } catch (e) {
      last = e;
      if (!/EADDRINUSE|address already in use/i.test(String((e as Error).message))) throw e;
    }
  }
  throw last;
}

describe('two instances started with only --port', () => {
  const servers: ServerHandle[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('both start, answer PING, and serve /metrics on port + 1000', async () => {
    servers.push(await startWithOnlyPort());
    servers.push(await startWithOnlyPort());
    for (const [i, s] of servers.entries()) {
      const httpPort = s.port + 1000;
      await withRawClient(s.port, async (c) => {
        expect(await c.call('PING')).toBe('PONG');
        // A distinct key count per instance, to see that each /metrics comes from its own server.
        for (let k = 0; k <= i; k++) expect(await c.call('SET', `k${k}`, 'v')).toBe('OK');
        expect(await c.call('CONFIG', 'GET', 'http-port')).toEqual(['http-port', String(httpPort)]);
      });
      const res = await fetch(`http://${LOOPBACK}:${httpPort}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain(`tcp_port="${s.port}"`);
      expect(text).toMatch(new RegExp(`^redis_db_keys\\{db="db0"\\} ${i + 1}$`, 'm'));
    }
  });
});
