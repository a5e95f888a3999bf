/**
 * Regression tests: SCAN's cursor read as a C string (up to a NUL byte), and SCAN ... TYPE none, as redis-server
 * 7.0.15 (divergences found by the differential fuzzer). For TYPE none, Redis
 * looks each scanned key up for its type, which deletes a key that has expired, and then finds type "none", so
 * TYPE none returns (and deletes) the keys that had expired but were not deleted yet; every other TYPE skips them.
 * Checked on tierkv and, when installed, on redis-server itself.
 */
import { expect, it } from 'vitest';
import { describeCompat } from '../support/compat.js';
import { encodeCmds } from '../fuzz/wire.js';
import { RawClient } from '../support/raw-client.js';
import type { ServerHandle } from '../support/server-handle.js';
import { sleep } from '../support/wait.js';

const B = (s: string): Buffer => Buffer.from(s, 'latin1');
/**
 * Sets `live` and `gone` (1 ms TTL), then, once `gone` has expired, sends DBSIZE, `scan`, DBSIZE in one write (so
 * that no expiry cycle runs between them). Retries while the server's own expiry deleted `gone` first.
 * @returns the three replies, or null when every attempt was too late
 */
async function scanExpired(h: ServerHandle, scan: string[]): Promise<string[] | null> {
  const c = await RawClient.connect(h.port, { host: h.host, readTimeoutMs: 15_000 });
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      await c.command('FLUSHALL');
      await c.command('SET', 'live', 'v');
      await c.command('SET', 'gone', 'v', 'PX', '1');
      await sleep(3);
      await c.writeSplit(encodeCmds([[B('DBSIZE')], scan.map(B), [B('DBSIZE')]], false), []);
      const r = await c.readBatch(3, 5000);
      const replies = r.replies.map((x) => x.toString('latin1'));
      if (replies[0] === ':2\r\n') return replies;
    }
    return null;
  } finally {
    c.destroy();
  }
}

describeCompat('SCAN cursor', {}, (f) => {

  it('is read as a C string, up to a NUL byte', async () => {
    for (const h of [f.servers.tierkv, f.servers.redis]) {
      if (h === null) continue;
      const c = await RawClient.connect(h.port, { host: h.host, readTimeoutMs: 15_000 });
      try {
        const call = async (...args: (string | Buffer)[]): Promise<string> => (await c.command(...args)).toString('latin1');
        expect(await call('SCAN', B('\x001'), 'TYPE', 'hash'), h.kind).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
        expect(await call('SCAN', B('0\x00x')), h.kind).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
        expect(await call('SCAN', B(' \x00')), h.kind).toBe('-ERR invalid cursor\r\n');
        expect(await call('SCAN', B('x\x000')), h.kind).toBe('-ERR invalid cursor\r\n');
      } finally {
        c.destroy();
      }
    }
  });
});

describeCompat('SCAN TYPE and expired keys', {}, (f) => {

  it('SCAN TYPE none returns and deletes the keys that expired but were not deleted yet', async () => {
    for (const h of [f.servers.tierkv, f.servers.redis]) {
      if (h === null) continue;
      const r = await scanExpired(h, ['SCAN', '0', 'TYPE', 'none']);
      expect(r, h.kind).not.toBeNull();
      expect(r, h.kind).toEqual([':2\r\n', '*2\r\n$1\r\n0\r\n*1\r\n$4\r\ngone\r\n', ':1\r\n']);
    }
  });

  it('SCAN TYPE none with MATCH leaves the expired keys the pattern skips', async () => {
    for (const h of [f.servers.tierkv, f.servers.redis]) {
      if (h === null) continue;
      const r = await scanExpired(h, ['SCAN', '0', 'MATCH', 'l*', 'TYPE', 'NONE']);
      expect(r, h.kind).toEqual([':2\r\n', '*2\r\n$1\r\n0\r\n*0\r\n', ':2\r\n']);
    }
  });

  it('SCAN TYPE string skips an expired key', async () => {
    for (const h of [f.servers.tierkv, f.servers.redis]) {
      if (h === null) continue;
      const r = await scanExpired(h, ['SCAN', '0', 'TYPE', 'string']);
      expect(r?.[1], h.kind).toBe('*2\r\n$1\r\n0\r\n*1\r\n$4\r\nlive\r\n');
    }
  });
});
