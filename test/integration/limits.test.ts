/**
 * Limits through real clients: maxclients, maxmemory with an evicting policy (allkeys-lfu evicts the least used,
 * cold tier first), the client timeout, a client that does not read its replies, and the bound on the draws of a
 * negative SRANDMEMBER/HRANDFIELD count.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RawClient } from '../support/raw-client.js';
import { startTierkvInProcess } from '../support/tierkv.js';
import { infoFields as fields } from '../support/info.js';
import { sleep } from '../support/wait.js';

describe('limits', () => {
  it('refuses a negative SRANDMEMBER/HRANDFIELD count beyond proto-max-bulk-len / 32 draws (Redis runs out of memory)', async () => {
    const srv = await startTierkvInProcess({ 'proto-max-bulk-len': '1mb' });
    const redis = new Redis({ port: srv.port, host: srv.host });
    try {
      await redis.sadd('s', 'a', 'b', 'c');
      await redis.hset('h', 'f', 'v');
      const limit = (1024 * 1024) / 32;
      expect(await redis.call('SRANDMEMBER', 's', String(-limit))).toHaveLength(limit);
      await expect(redis.call('SRANDMEMBER', 's', String(-limit - 1))).rejects.toThrow('ERR value is out of range');
      await expect(redis.call('SRANDMEMBER', 's', '-9223372036854775807')).rejects.toThrow('ERR value is out of range');
      await expect(redis.call('HRANDFIELD', 'h', '-9223372036854775807')).rejects.toThrow('ERR value is out of range');
      await expect(redis.call('HRANDFIELD', 'h', String(-limit - 1), 'WITHVALUES')).rejects.toThrow('ERR value is out of range');
      expect(await redis.call('HRANDFIELD', 'h', String(-limit))).toHaveLength(limit);
      // A missing key answers as in Redis, whatever the count; positive counts are bounded by the size anyway.
      expect(await redis.call('SRANDMEMBER', 'nokey', '-9223372036854775807')).toEqual([]);
      expect(await redis.call('SRANDMEMBER', 's', '9223372036854775807')).toHaveLength(3);
    } finally {
      redis.disconnect();
      await srv.stop();
    }
  });

  it('refuses connections beyond maxclients with Redis\'s error, and counts them', async () => {
    const srv = await startTierkvInProcess({ maxclients: '2' });
    const a = await RawClient.connect(srv.port, { host: srv.host });
    const b = await RawClient.connect(srv.port, { host: srv.host });
    try {
      expect((await a.command('PING')).toString()).toBe('+PONG\r\n');
      expect((await b.command('PING')).toString()).toBe('+PONG\r\n');
      const c = await RawClient.connect(srv.port, { host: srv.host });
      expect((await c.readReply()).toString()).toBe('-ERR max number of clients reached\r\n');
      await c.readClosed();
      expect(fields((await a.call('INFO', 'stats')) as string)['rejected_connections']).toBe('1');
    } finally {
      await a.close();
      await b.close();
      await srv.stop();
    }
  });

  it('with allkeys-lfu keeps used memory near maxmemory by evicting the least-used keys', async () => {
    const srv = await startTierkvInProcess({ maxmemory: '8mb', 'maxmemory-policy': 'allkeys-lfu' });
    const redis = new Redis({ port: srv.port, host: srv.host });
    try {
      // A few keys are read often; then far more data than fits is written.
      for (let i = 0; i < 100; i++) await redis.set(`keep:${i}`, 'x'.repeat(100));
      for (let r = 0; r < 30; r++) {
        const p = redis.pipeline();
        for (let i = 0; i < 100; i++) p.get(`keep:${i}`);
        await p.exec();
      }
      for (let start = 0; start < 150_000; start += 1000) {
        const p = redis.pipeline();
        for (let i = start; i < start + 1000; i++) p.set(`fill:${i}`, 'y'.repeat(100));
        const res = await p.exec();
        expect(res?.every(([err]) => err === null)).toBe(true);
      }
      const mem = fields(await redis.info('memory'));
      const stats = fields(await redis.info('stats'));
      expect(Number(stats['evicted_keys'])).toBeGreaterThan(50_000);
      expect(Number(mem['used_memory'])).toBeLessThanOrEqual(8 * 1024 * 1024 * 1.05);
      let kept = 0;
      for (let i = 0; i < 100; i++) if ((await redis.exists(`keep:${i}`)) === 1) kept++;
      expect(kept).toBeGreaterThanOrEqual(90);
    } finally {
      redis.disconnect();
      await srv.stop();
    }
  }, 60_000);

  it('closes clients idle for longer than timeout', async () => {
    const srv = await startTierkvInProcess({ timeout: '1', hz: '50' });
    const c = await RawClient.connect(srv.port, { host: srv.host });
    try {
      expect((await c.command('PING')).toString()).toBe('+PONG\r\n');
      await c.readClosed(4000);
    } finally {
      await c.close();
      await srv.stop();
    }
  });

  it('stops reading from a client that does not read its replies, and serves others meanwhile', async () => {
    const srv = await startTierkvInProcess();
    const value = 'v'.repeat(64 * 1024);
    const setup = new Redis({ port: srv.port, host: srv.host });
    await setup.set('big', value);
    // A raw socket that sends thousands of GETs of a 64 KiB value and never reads.
    const greedy = net.connect(srv.port, srv.host);
    await new Promise((r) => greedy.once('connect', r));
    greedy.pause();
    const cmd = Buffer.from('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n');
    for (let i = 0; i < 20_000; i++) greedy.write(cmd);
    await sleep(500);
    try {
      expect(await setup.get('big')).toBe(value);
      const list = (await setup.client('LIST')) as string;
      expect(list.split('\n').filter((l) => l.length > 0).length).toBe(2);
      const mem = fields(await setup.info('memory'));
      // The server did not buffer 20,000 replies of 64 KiB (1.25 GiB) for it.
      expect(Number(mem['used_memory_rss'])).toBeLessThan(1024 * 1024 * 1024);
    } finally {
      greedy.destroy();
      setup.disconnect();
      await srv.stop();
    }
  });
});
