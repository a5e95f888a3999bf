/**
 * Issue 11, rows 4, 5 and the output part of 9: what a connection costs when it misbehaves.
 *
 * - Row 4: after a protocol error the connection is closed, and what the client keeps sending is not read (Redis's
 *   "Protocol desync regression" tests: a NUL byte, then an endless payload).
 * - Row 5: clients that pipeline thousands of GETs of a 100 KB value and never read their replies cost a bounded
 *   amount of memory each (the 64 MiB output stop applies within one read's batch), the memory shows in CLIENT LIST
 *   `omem`, INFO `mem_clients_normal`, `client_recent_max_output_buffer` and `used_memory`, and the RSS comes back
 *   once they are gone.
 * - Values sent by reference (jumbo items) are not counted as client memory: they are the keyspace's.
 *
 * RSS is read from the server's own INFO (used_memory_rss), so the servers run as child processes. Nothing here
 * asserts a duration: the tests poll for what must happen, with generous deadlines.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.js';
import { decodeReply } from '../support/resp.js';
import { hasRedisServer, startRedisServer } from '../support/redis-server.js';
import { sleep, waitFor } from '../support/wait.js';
import type { ServerHandle } from '../support/server-handle.js';
import { startTierkvProcess } from '../support/tierkv.js';
import { infoFields } from '../support/info.js';

const MiB = 1024 * 1024;
/** server.ts OUTPUT_HIGH_WATER */
const OUTPUT_STOP = 64 * MiB;

/** INFO fields of one section (or all). */
async function info(c: RawClient, section = 'everything'): Promise<Record<string, string>> {
  return infoFields(String(decodeReply(await c.command('INFO', section))));
}

async function infoNum(c: RawClient, field: string): Promise<number> {
  const v = (await info(c))[field];
  if (v === undefined) throw new Error(`INFO has no ${field}`);
  return Number(v);
}

/**
 * Sends `\x00` then `payload` repeatedly for up to `ms` over a half-open-capable socket (it keeps writing after
 * the server's FIN, as the client did); returns what the server answered, whether the connection ended
 * (reset or closed) and how many bytes were written meanwhile.
 */
async function desync(port: number, ms: number): Promise<{ reply: string; closed: boolean; sent: number }> {
  const sock = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  let closed = false;
  const got: Buffer[] = [];
  sock.on('data', (d: Buffer) => got.push(d));
  sock.on('close', () => {
    closed = true;
  });
  sock.on('error', () => {
    closed = true;
  });
  sock.write('\x00');
  const chunk = Buffer.alloc(64 * 1024, 'payload');
  let sent = 0;
  const end = Date.now() + ms;
  while (!closed && Date.now() < end) {
    if (!sock.write(chunk)) await sleep(5);
    sent += chunk.length;
    await new Promise((r) => setImmediate(r));
  }
  sock.destroy();
  return { reply: Buffer.concat(got).toString('latin1'), closed, sent };
}

describe('protocol errors close the connection (issue 11 row 4)', () => {
  let tierkv: ServerHandle;
  let redis: ServerHandle | null = null;
  beforeAll(async () => {
    tierkv = await startTierkvProcess();
    if (hasRedisServer()) redis = await startRedisServer();
  });
  afterAll(async () => {
    await tierkv?.stop();
    await redis?.stop();
  });

  it('answers the error, then closes instead of reading an endless payload', async () => {
    const r = await desync(tierkv.port, 3000);
    expect(r.reply).toMatch(/^-ERR Protocol error/);
    expect(r.closed).toBe(true);
    // Before the fix tierkv read gigabytes here; the kernel buffers take a few MiB at most.
    expect(r.sent).toBeLessThan(64 * MiB);
    if (redis !== null) {
      const ref = await desync(redis.port, 3000);
      expect(ref.closed).toBe(true);
      // redis-server closes at once, and a Node.js client whose write fails first may never read the reply.
      if (ref.reply !== '') expect(r.reply).toBe(ref.reply);
    }
  });

  it('still serves other clients', async () => {
    const c = await RawClient.connect(tierkv.port);
    expect(decodeReply(await c.command('PING'))).toBe('PONG');
    await c.close();
  });
});

describe('clients that never read their replies (issue 11 row 5)', () => {
  let server: ServerHandle;
  let admin: RawClient;
  beforeAll(async () => {
    server = await startTierkvProcess();
    admin = await RawClient.connect(server.port, { readTimeoutMs: 30_000 });
  });
  afterAll(async () => {
    await admin?.close();
    await server?.stop();
  });

  it('bounds their output, counts it in INFO and CLIENT LIST, and gives the memory back when they go', async () => {
    const value = Buffer.alloc(100_000, 'x');
    expect(decodeReply(await admin.command('SET', 'v', value))).toBe('OK');
    const rssBefore = await infoNum(admin, 'used_memory_rss');
    const usedBefore = await infoNum(admin, 'used_memory');

    // 6 clients, each 200,000 pipelined GETs (20 GB of replies if all were run), never read.
    const get = Buffer.from('*2\r\n$3\r\nGET\r\n$1\r\nv\r\n');
    const burst = Buffer.concat(Array.from({ length: 10_000 }, () => get));
    const slow: RawClient[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await RawClient.connect(server.port);
      c.socket.pause();
      for (let j = 0; j < 20; j++) c.socket.write(burst);
      slow.push(c);
    }
    // Wait until every slow client has reached the output stop.
    const reached = await waitFor(async () => (await infoNum(admin, 'mem_clients_normal')) >= 6 * (OUTPUT_STOP - 8 * MiB), 30_000, 200);
    expect(reached).toBe(true);
    const list = String(decodeReply(await admin.command('CLIENT', 'LIST')));
    const omems = [...list.matchAll(/ omem=(\d+)/g)].map((m) => Number(m[1])).sort((a, b) => b - a);
    expect(omems.length).toBe(7);
    for (const om of omems.slice(0, 6)) {
      expect(om).toBeGreaterThan(OUTPUT_STOP - 8 * MiB);
      expect(om).toBeLessThan(OUTPUT_STOP + MiB); // the stop plus at most one reply
    }
    const fields = await info(admin);
    expect(Number(fields['client_recent_max_output_buffer'])).toBeGreaterThan(OUTPUT_STOP - 8 * MiB);
    const clientsMem = Number(fields['mem_clients_normal']);
    expect(Number(fields['used_memory'])).toBeGreaterThanOrEqual(usedBefore + clientsMem - MiB);
    const rssPeak = Number(fields['used_memory_rss']);
    // Bounded: about 6 x 64 MiB (before the fix: 1.9 GB and growing with the pipeline).
    expect(rssPeak - rssBefore).toBeLessThan(6 * OUTPUT_STOP + 200 * MiB);

    for (const c of slow) c.destroy();
    const back = await waitFor(async () => (await infoNum(admin, 'used_memory_rss')) < rssBefore + 64 * MiB, 10_000, 200);
    const rssAfter = await infoNum(admin, 'used_memory_rss');
    expect(back, `RSS before ${rssBefore}, peak ${rssPeak}, after ${rssAfter}`).toBe(true);
    expect(await infoNum(admin, 'mem_clients_normal')).toBeLessThan(MiB);
  }, 120_000);

  it('disconnects a MONITOR that does not read once 64 MiB of its lines are unsent (no output limit configured)', async () => {
    const mon = await RawClient.connect(server.port);
    try {
      expect((await mon.command('MONITOR')).toString()).toBe('+OK\r\n');
      mon.socket.pause();
      const value = Buffer.alloc(1 << 20, 'm'); // each SET is a line of ~1 MiB for the monitor
      let closed = false;
      mon.socket.once('close', () => (closed = true));
      for (let i = 0; i < 100 && !(await monitorGone()); i++) await admin.command('SET', 'mon', value);
      expect(await monitorGone()).toBe(true);
      mon.socket.resume(); // let the close arrive
      expect(await waitFor(async () => closed, 10_000, 50)).toBe(true);
    } finally {
      mon.destroy();
    }
    async function monitorGone(): Promise<boolean> {
      const list = String(decodeReply(await admin.command('CLIENT', 'LIST')));
      return !list.split('\n').some((l) => / flags=O /.test(l));
    }
  }, 60_000);

  it('does not count a large value sent by reference as client memory, and serves the whole pipeline', async () => {
    const big = Buffer.alloc(1 << 20, 'j'); // a jumbo item: sent by reference
    expect(decodeReply(await admin.command('SET', 'j', big))).toBe('OK');
    const getCalls = async (): Promise<number> => {
      const line = (await info(admin, 'commandstats'))['cmdstat_get'] ?? 'calls=0';
      return Number(/calls=(\d+)/.exec(line)![1]);
    };
    const callsBefore = await getCalls();
    const c = await RawClient.connect(server.port, { readTimeoutMs: 30_000 });
    c.socket.pause();
    const get = Buffer.from('*2\r\n$3\r\nGET\r\n$1\r\nj\r\n');
    c.socket.write(Buffer.concat(Array.from({ length: 200 }, () => get))); // 200 MiB of replies
    // All 200 run although the client reads nothing (they reference the same 1 MiB of the arena).
    const ran = await waitFor(async () => (await getCalls()) - callsBefore === 200, 10_000, 200);
    expect(ran).toBe(true);
    expect(await infoNum(admin, 'mem_clients_normal')).toBeLessThan(8 * MiB);
    c.socket.resume();
    for (let i = 0; i < 200; i++) {
      const r = await c.readReply();
      expect(r.length).toBe(big.length + 12); // "$1048576\r\n" + value + CRLF
    }
    await c.close();
  });

  it('still bounds a client that pipelines endless GETs of a large value (each reference counts 1 KiB)', async () => {
    expect(decodeReply(await admin.command('SET', 'j2', Buffer.alloc(600_000, 'k')))).toBe('OK');
    const getCalls = async (): Promise<number> => {
      const line = (await info(admin, 'commandstats'))['cmdstat_get'] ?? 'calls=0';
      return Number(/calls=(\d+)/.exec(line)![1]);
    };
    const before = await getCalls();
    const c = await RawClient.connect(server.port);
    c.socket.pause();
    const get = Buffer.from('*2\r\n$3\r\nGET\r\n$2\r\nj2\r\n');
    c.socket.write(Buffer.concat(Array.from({ length: 100_000 }, () => get))); // 60 GB of replies by reference
    // It stops at 64 MiB / 1 KiB = 65,536 unsent references, not at 100,000.
    let last = -1;
    await waitFor(async () => {
      const n = (await getCalls()) - before;
      const still = n === last;
      last = n;
      return still && n > 0;
    }, 20_000, 200);
    expect(last).toBeGreaterThan(OUTPUT_STOP / 1024 - 2000);
    expect(last).toBeLessThan(OUTPUT_STOP / 1024 + 2000);
    const om = Number(/ omem=(\d+)/.exec(String(decodeReply(await admin.command('CLIENT', 'LIST'))).split('\n').find((l) => / cmd=get /.test(l)) ?? '')?.[1]);
    expect(om).toBeGreaterThan(OUTPUT_STOP - 4 * MiB);
    c.destroy();
  }, 60_000);
});
