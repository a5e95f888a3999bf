/**
 * Protocol robustness as redis-server 7.0: the 64 KiB inline limit, multibulk count and bulk length limits
 * (proto-max-bulk-len) and the unauthenticated ones, a client that stalls in the middle of a frame (closed by
 * `timeout`; one that keeps sending slowly is not idle), slow readers (`client-output-buffer-limit normal`: hard
 * and soft limits close the client), and 10,000 concurrent connections (the next one gets
 * `-ERR max number of clients reached`). Where redis-server is installed, it is given the same bytes and must
 * answer the same. No timing is asserted: the tests wait for what must happen.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { both, describeCompat, type CompatServers } from '../support/compat.js';
import { startTierkvProcess } from '../support/tierkv.js';
import { RawClient } from '../support/raw-client.js';
import type { ServerHandle } from '../support/server-handle.js';
import { sleep } from '../support/wait.js';

/** Sends `bytes` and collects everything the server sends until it closes or stays quiet for `quietMs`. */
function exchange(h: ServerHandle, bytes: Buffer, quietMs = 500): Promise<{ out: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(h.port, h.host);
    const got: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = (closed: boolean): void => {
      if (timer) clearTimeout(timer);
      s.destroy();
      resolve({ out: Buffer.concat(got).toString('latin1'), closed });
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => done(false), quietMs);
    };
    s.on('data', (d: Buffer) => {
      got.push(d);
      arm();
    });
    s.on('close', () => done(true));
    s.on('error', () => {});
    s.on('connect', () => {
      s.write(bytes);
      arm();
    });
  });
}

/** Runs the exchange on tierkv (and redis-server, when installed) and checks both against `expected`. */
async function expectExchange(servers: CompatServers, bytes: Buffer, expected: { out: string; closed: boolean }): Promise<void> {
  expect(await exchange(servers.tierkv, bytes), 'tierkv').toEqual(expected);
  if (servers.redis !== null) expect(await exchange(servers.redis, bytes), 'redis-server').toEqual(expected);
}

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

describeCompat('request limits', { 'proto-max-bulk-len': '1mb' }, (f) => {

  it('refuses an inline request of more than 64 KiB without a newline, and closes', async () => {
    await expectExchange(f.servers, B('a'.repeat(70 * 1024)), { out: '-ERR Protocol error: too big inline request\r\n', closed: true });
  });

  it('accepts a 60 KiB inline request', async () => {
    await expectExchange(f.servers, B(`ECHO ${'a'.repeat(60 * 1024)}\r\n`), { out: `$${60 * 1024}\r\n${'a'.repeat(60 * 1024)}\r\n`, closed: false });
  });

  it('refuses a multibulk count above INT_MAX and malformed counts', async () => {
    await expectExchange(f.servers, B('*2147483648\r\n'), { out: '-ERR Protocol error: invalid multibulk length\r\n', closed: true });
    await expectExchange(f.servers, B('*-0\r\n'), { out: '-ERR Protocol error: invalid multibulk length\r\n', closed: true });
  });

  it('refuses a bulk longer than proto-max-bulk-len, accepts one of exactly that length', async () => {
    await expectExchange(f.servers, B(`*2\r\n$4\r\nECHO\r\n$${1024 * 1024 + 1}\r\n`), { out: '-ERR Protocol error: invalid bulk length\r\n', closed: true });
    const big = 'x'.repeat(1024 * 1024);
    await expectExchange(f.servers, B(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${big.length}\r\n${big}\r\n*2\r\n$6\r\nSTRLEN\r\n$1\r\nk\r\n`), { out: '+OK\r\n:1048576\r\n', closed: false });
  });
});

describeCompat('unauthenticated limits', { requirepass: 'pw' }, (f) => {

  it('limits a client that has not authenticated to 10 arguments of 16 KiB', async () => {
    await expectExchange(f.servers, B('*11\r\n'), { out: '-ERR Protocol error: unauthenticated multibulk length\r\n', closed: true });
    await expectExchange(f.servers, B('*2\r\n$16385\r\n'), { out: '-ERR Protocol error: unauthenticated bulk length\r\n', closed: true });
    await expectExchange(f.servers, B('*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*11\r\n'), { out: '+OK\r\n', closed: false });
  });
});

describeCompat('idle clients (timeout)', { timeout: '1', hz: '50' }, (f) => {

  const stallAndTrickle = async (h: ServerHandle): Promise<{ stalled: boolean; trickling: boolean }> => {
    const stalled = await RawClient.connect(h.port, { host: h.host, readTimeoutMs: 15_000 });
    const trickling = await RawClient.connect(h.port, { host: h.host, readTimeoutMs: 15_000 });
    const frame = B('*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n');
    stalled.socket.write(frame.subarray(0, 10));
    // The other client sends one byte of the same command every 300 ms: it is never idle for a whole second.
    for (let i = 0; i < frame.length; i++) {
      trickling.socket.write(frame.subarray(i, i + 1));
      await sleep(300);
    }
    const r = await trickling.readBatch(1, 5000);
    const out = { stalled: stalled.closed, trickling: !trickling.closed && r.replies[0]?.toString('latin1') === '$5\r\nhello\r\n' };
    stalled.destroy();
    trickling.destroy();
    return out;
  };

  it('closes a client that stalls in the middle of a frame, not one that keeps sending', async () => {
    const results = [stallAndTrickle(f.servers.tierkv), ...(f.servers.redis !== null ? [stallAndTrickle(f.servers.redis)] : [])];
    for (const r of await Promise.all(results)) expect(r).toEqual({ stalled: true, trickling: true });
  }, 30_000);
});

describeCompat('slow readers (client-output-buffer-limit normal)', {}, (f) => {

  /** A client that asks for far more than the limit and never reads: it must be disconnected. */
  const flood = async (h: ServerHandle, limit: string): Promise<boolean> => {
    const admin = await RawClient.connect(h.port, { host: h.host, readTimeoutMs: 15_000 });
    await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', limit);
    await admin.command('SET', 'big', 'v'.repeat(256 * 1024));
    const greedy = net.connect(h.port, h.host);
    await new Promise((r) => greedy.once('connect', r));
    greedy.pause();
    const closed = new Promise<boolean>((resolve) => {
      greedy.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 20_000);
    });
    greedy.on('error', () => {});
    const get = B('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n');
    // 400 × 256 KiB = 100 MiB of replies; sent a little at a time so that a soft limit has time to expire.
    for (let i = 0; i < 40 && !greedy.destroyed; i++) {
      greedy.write(Buffer.concat(Array.from({ length: 10 }, () => get)));
      await sleep(100);
    }
    const wasClosed = await closed;
    // The server still serves others, and the limit can be lifted again.
    expect((await admin.command('PING')).toString()).toBe('+PONG\r\n');
    await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
    admin.destroy();
    greedy.destroy();
    return wasClosed;
  };

  it('disconnects a client whose pending output reaches the hard limit', async () => {
    const all = [flood(f.servers.tierkv, 'normal 4mb 0 0'), ...(f.servers.redis !== null ? [flood(f.servers.redis, 'normal 4mb 0 0')] : [])];
    expect(await Promise.all(all)).toEqual(all.map(() => true));
  }, 60_000);

  it('disconnects a client whose pending output stays above the soft limit for longer than its seconds', async () => {
    const all = [flood(f.servers.tierkv, 'normal 0 2mb 1'), ...(f.servers.redis !== null ? [flood(f.servers.redis, 'normal 0 2mb 1')] : [])];
    expect(await Promise.all(all)).toEqual(all.map(() => true));
  }, 60_000);
});

describe('10,000 concurrent connections', () => {
  let tierkv: ServerHandle | undefined;
  beforeAll(async () => {
    // A child process: the 10,000 server-side sockets do not count against this worker's file descriptors.
    tierkv = await startTierkvProcess({});
  });
  afterAll(() => tierkv?.stop());

  it('serves maxclients (10000) clients at once and answers the next one with Redis\'s error', async () => {
    const h = tierkv!;
    const socks: net.Socket[] = [];
    // Wait until the start-up check's connection is gone: this one must be the only client.
    const probe = await RawClient.connect(h.port, { host: h.host, readTimeoutMs: 15_000 });
    while ((await probe.command('CLIENT', 'LIST')).toString('latin1').split('\n').filter((l) => l.startsWith('id=')).length > 1) {
      await sleep(20);
    }
    await new Promise<void>((resolve) => {
      probe.socket.once('close', () => resolve());
      probe.socket.end();
    });
    try {
      for (let i = 0; i < 10_000; i += 500) {
        const batch = await Promise.all(Array.from({ length: 500 }, () => new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(h.port, h.host, () => resolve(s));
          s.once('error', reject);
        })));
        socks.push(...batch);
      }
      // Every connection is served: one PING each, all answered.
      const pongs = await Promise.all(socks.map((s) => new Promise<string>((resolve) => {
        s.once('data', (d: Buffer) => resolve(d.toString('latin1')));
        s.write('PING\r\n');
      })));
      expect(pongs.every((p) => p === '+PONG\r\n')).toBe(true);
      expect(await exchange(h, B('PING\r\n'))).toEqual({ out: '-ERR max number of clients reached\r\n', closed: true });
      // Once one leaves, a new client is served again.
      await new Promise<void>((resolve) => {
        socks.pop()!.once('close', () => resolve()).destroy();
      });
      let again = await exchange(h, B('PING\r\n'));
      for (let i = 0; i < 20 && again.out !== '+PONG\r\n'; i++) again = await exchange(h, B('PING\r\n'));
      expect(again.out).toBe('+PONG\r\n');
    } finally {
      for (const s of socks) s.destroy();
    }
  }, 120_000);
});
