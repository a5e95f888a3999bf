/**
 * Scale-out behind twemproxy (Debian's `nutcracker`), as README "Scale-out behind twemproxy" describes it: three
 * tierkv instances behind one nutcracker (ketama, `redis: true`), driven by ioredis through the proxy. The keys
 * spread over all three; MIGRATE_PREPARE sent straight to one backend (the proxy does not forward it) leaves the proxy
 * serving, and every key of the other backends reads back intact. Skipped when nutcracker is not installed
 * (`.ci/run` installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort, isPortOpen } from '../support/ports.js';
import { decodeReply, RawClient } from '../support/raw-client.js';
import { killOnExit, stopChild, watchChild } from '../support/redis-server.js';
import { OutputTail, type ServerHandle } from '../support/server-handle.js';
import { startTierkvProcess } from '../support/tierkv.js';
import { waitFor } from '../support/wait.js';

const NUTCRACKER = process.env['NUTCRACKER_BIN'] ?? 'nutcracker';
const hasNutcracker = spawnSync(NUTCRACKER, ['--version'], { stdio: 'ignore' }).status === 0;
const suite = hasNutcracker ? describe : describe.skip;
const KEYS = 300;

suite(`tierkv behind twemproxy${hasNutcracker ? '' : ' (SKIPPED: nutcracker not found: apt-get install nutcracker)'}`, () => {
  const backends: ServerHandle[] = [];
  let proxy: ChildProcess | undefined;
  let proxyExit: { exited: Promise<void>; hasExited: () => boolean } | undefined;
  const proxyOut = new OutputTail();
  let proxyPort = 0;
  let dir = '';
  let client: Redis | undefined;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) backends.push(await startTierkvProcess());
    dir = mkdtempSync(path.join(tmpdir(), 'tierkv-nutcracker-'));
    proxyPort = await getFreePort();
    const statsPort = await getFreePort();
    const conf = path.join(dir, 'nutcracker.yml');
    writeFileSync(conf, [
      'tierkv:',
      `  listen: 127.0.0.1:${proxyPort}`,
      '  hash: md5', // nutcracker 0.5.0's fnv1a_64 put every "user:N" key on one of three backends here
      '  distribution: ketama',
      '  redis: true',
      '  auto_eject_hosts: false',
      '  timeout: 2000',
      '  servers:',
      ...backends.map((b, i) => `   - 127.0.0.1:${b.port}:1 tierkv${i + 1}`),
      '',
    ].join('\n'));
    proxy = spawn(NUTCRACKER, ['-c', conf, '-s', String(statsPort), '-o', path.join(dir, 'nutcracker.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(proxy);
    proxyExit = watchChild(proxy, proxyOut);
    const up = await waitFor(() => isPortOpen(proxyPort), 10_000, 50);
    if (!up) throw new Error(`nutcracker did not listen on ${proxyPort}:\n${proxyOut.toString()}`);
    // twemproxy forwards only keyed commands and closes the connection on others: no ready check (INFO), RESP2 (no
    // HELLO), no CLIENT SETINFO.
    client = new Redis(proxyPort, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 2, enableReadyCheck: false, protocol: 2, disableClientInfo: true });
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    if (proxy && proxyExit) await stopChild(proxy, proxyExit.exited, proxyExit.hasExited);
    for (const b of backends) await b.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const dbsize = async (b: ServerHandle): Promise<number> => {
    const c = await RawClient.connect(b.port, { host: b.host });
    try {
      return Number(decodeReply(await c.command('DBSIZE')));
    } finally {
      c.destroy();
    }
  };

  it('spreads keys over every backend and reads them back through the proxy', async () => {
    const r = client!;
    const p = r.pipeline();
    for (let i = 0; i < KEYS; i++) p.set(`user:${i}`, `value-${i}`);
    for (const [err, res] of (await p.exec())!) {
      expect(err).toBeNull();
      expect(res).toBe('OK');
    }
    const sizes = await Promise.all(backends.map(dbsize));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(KEYS);
    for (const n of sizes) expect(n, `keys per backend: ${sizes.join(", ")}`).toBeGreaterThan(KEYS / 10); // ketama: roughly a third each
    const got = await r.mget(...Array.from({ length: KEYS }, (_, i) => `user:${i}`));
    expect(got).toEqual(Array.from({ length: KEYS }, (_, i) => `value-${i}`));
    expect(await r.incr('counter')).toBe(1);
  });

  it('keeps serving while one backend runs MIGRATE_PREPARE (sent to it directly), and after MIGRATE_DONE', async () => {
    const r = client!;
    const direct = await RawClient.connect(backends[0]!.port, { host: backends[0]!.host });
    try {
      const prep = String(decodeReply(await direct.command('MIGRATE_PREPARE')));
      expect(prep).toMatch(/dropped_keys/);
      // Through the proxy, while backend 1 is in migration mode: writes and reads keep working everywhere.
      for (let i = 0; i < 50; i++) expect(await r.set(`during:${i}`, `d-${i}`)).toBe('OK');
      const during = await r.mget(...Array.from({ length: 50 }, (_, i) => `during:${i}`));
      expect(during).toEqual(Array.from({ length: 50 }, (_, i) => `d-${i}`));
      // Every key of the other two backends is intact (backend 1 may have dropped its cold keys, none here:
      // without maxmemory every key is hot).
      const got = await r.mget(...Array.from({ length: KEYS }, (_, i) => `user:${i}`));
      const intact = got.filter((v, i) => v === `value-${i}`).length;
      expect(intact).toBeGreaterThanOrEqual(KEYS - (await dbsize(backends[0]!)));
      expect(got.every((v, i) => v === null || v === `value-${i}`)).toBe(true);
      expect(String(decodeReply(await direct.command('MIGRATE_DONE')))).toBe('OK');
    } finally {
      direct.destroy();
    }
    expect(await r.get('user:7')).toBe('value-7');
  });
});
