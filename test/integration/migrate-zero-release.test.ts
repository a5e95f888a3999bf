/**
 * MIGRATE_PREPARE's zeroing release (issue 12, server/memory/zero-release.ts): every byte of the dropped cold extents
 * that had been written is zero once the reply arrives, hot keys keep their values and TTLs, commands are served
 * while the worker zeroes, the reply carries zeroed_bytes and zero_ms (RESP2 and RESP3), the hash index shrinks to
 * the keys left once migration mode ends, and `migrate-zero-freed no` leaves the bytes as they were.
 *
 * The test hook: the server runs in this process, and the test keeps its own references to the cold extents'
 * SharedArrayBuffers before the drop (which also keeps their memory from being freed), then reads them afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { TIER_COLD } from '../../allocator/arena.js';
import { startServer, type TierkvServer } from '../../server/net/server.js';
import { replyPairs as pairs } from '../support/info.js';

const KEYS = 200_000;
const VALUE = (i: number): string => `value-${i}-`.padEnd(100, 'v');

interface Held {
  sab: SharedArrayBuffer;
  /** Bytes that were not zero before the drop. */
  nonZero: number;
}

function countNonZero(u8: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < u8.length; i++) if (u8[i] !== 0) n++;
  return n;
}

/** Loads KEYS keys (every 10th with a TTL), reading the first 3,000 often so they stay hot; waits for the tiers. */
async function load(redis: Redis): Promise<void> {
  const exat = Math.floor(Date.now() / 1000) + 86_400;
  for (let start = 0; start < KEYS; start += 2000) {
    const p = redis.pipeline();
    for (let i = start; i < start + 2000; i++) {
      if (i % 10 === 0) p.set(`k:${i}`, VALUE(i), 'EXAT', exat);
      else p.set(`k:${i}`, VALUE(i));
    }
    for (let i = 0; i < 3000; i += 3) p.get(`k:${i}`);
    await p.exec();
  }
}

function coldBuffers(srv: TierkvServer): Held[] {
  const held: Held[] = [];
  for (const ext of srv.core.arena.extentsOf(TIER_COLD)) {
    const sab = ext.u8.buffer as SharedArrayBuffer;
    held.push({ sab, nonZero: countNonZero(new Uint8Array(sab)) });
  }
  return held;
}

describe('MIGRATE_PREPARE zeroing release', () => {
  let srv: TierkvServer | null = null;
  let redis: Redis | null = null;
  afterEach(async () => {
    redis?.disconnect();
    await srv?.close();
    srv = null;
    redis = null;
  });

  async function start(zero: 'yes' | 'no'): Promise<{ srv: TierkvServer; redis: Redis }> {
    srv = await startServer({ maxmemory: '20mb', 'maxmemory-policy': 'allkeys-lfu', 'hot-ratio': '0.2', 'migrate-zero-freed': zero });
    redis = new Redis({ port: srv.port, host: '127.0.0.1' });
    await load(redis);
    return { srv, redis };
  }

  it('zeroes every written byte of the dropped extents, keeps the hot keys, and serves commands meanwhile', async () => {
    const { srv: s, redis: r } = await start('yes');
    const held = coldBuffers(s);
    expect(held.length).toBeGreaterThan(0);
    expect(held.reduce((n, h) => n + h.nonZero, 0)).toBeGreaterThan(1_000_000);
    const hot = new Map<string, string | null>();
    for (let i = 0; i < 3000; i += 3) hot.set(`k:${i}`, await r.get(`k:${i}`));
    const ttlBefore = await r.pttl('k:0');

    const other = new Redis({ port: s.port, host: '127.0.0.1' });
    const prepare = r.call('MIGRATE_PREPARE');
    // Commands are served while the release runs (the reply waits for the worker).
    expect(await other.set('during', 'x')).toBe('OK');
    expect(await other.get('during')).toBe('x');
    const report = pairs(await prepare);
    other.disconnect();

    expect(Number(report['zeroed_bytes'])).toBeGreaterThan(1_000_000);
    expect(report['zero_ms']).toBeDefined();
    // The index is left as it is during the migration and shrinks to the keys left once migration mode ends.
    const idxBefore = Number(report['index_bytes']);
    expect(idxBefore).toBe(s.core.ks.index.bytes());
    expect(Number(report['zeroed_bytes'])).toBeGreaterThanOrEqual(held.reduce((n, h) => n + h.nonZero, 0) / 2);
    expect(await r.call('MIGRATE_DONE')).toBe('OK');
    const end = Date.now() + 10_000;
    while ((s.core.ks.index.rehashing || s.core.ks.index.bytes() >= idxBefore) && Date.now() < end) await new Promise((res) => setTimeout(res, 50));
    expect(s.core.ks.index.rehashing).toBe(false);
    expect(s.core.ks.index.bytes()).toBeLessThan(idxBefore);
    // The hot keys, plus the key SET while the release ran (which may have evicted one: the hot tier is full).
    const size = await r.dbsize();
    expect(size).toBeGreaterThanOrEqual(Number(report['hot_keys']) - 1);
    expect(size).toBeLessThanOrEqual(Number(report['hot_keys']) + 1);
    for (const h of held) expect(countNonZero(new Uint8Array(h.sab))).toBe(0);
    // Hot keys intact, with their TTLs.
    for (const [k, v] of hot) if (v !== null) expect(await r.get(k)).toBe(v);
    expect(await r.pttl('k:0')).toBeGreaterThan(ttlBefore - 60_000);
  });

  it('replies zeroed_bytes and zero_ms in RESP3 too', async () => {
    const { srv: s } = await start('yes');
    const r3 = new Redis({ port: s.port, host: '127.0.0.1' });
    await r3.call('HELLO', '3');
    const report = pairs(await r3.call('MIGRATE_PREPARE'));
    r3.disconnect();
    expect(Number(report['zeroed_bytes'])).toBeGreaterThan(0);
    expect(typeof report['zero_ms']).toBe('number');
  });

  it('with migrate-zero-freed no, leaves the dropped bytes as they were', async () => {
    const { srv: s, redis: r } = await start('no');
    const held = coldBuffers(s);
    const before = held.reduce((n, h) => n + h.nonZero, 0);
    expect(before).toBeGreaterThan(1_000_000);
    const report = pairs(await r.call('MIGRATE_PREPARE'));
    expect(Number(report['zeroed_bytes'])).toBe(0);
    expect(held.reduce((n, h) => n + countNonZero(new Uint8Array(h.sab)), 0)).toBe(before);
  });
});
