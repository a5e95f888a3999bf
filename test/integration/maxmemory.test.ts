/**
 * maxmemory as a Redis user sees it: a value bigger than the limit is refused (its bytes count before it is
 * stored), evicting policies never refuse writes while something can be evicted (eviction continues in the
 * background when a command's budget runs out), lowering maxmemory at run time converges, memory released by
 * FLUSHALL goes back to the OS, and turning tiering off brings the cold items back.
 */
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startTierkvInProcess, startTierkvProcess, type ServerHandle } from '../support/tierkv.js';
import { infoFields as fields } from '../support/info.js';
import { waitFor } from '../support/wait.js';

const BIG = Buffer.alloc(70 * 1024 * 1024, 1);

/** Runs `body` with an ioredis client on `srv`, then disconnects and stops the server. */
async function withRedis(srv: ServerHandle, body: (redis: Redis) => Promise<void>): Promise<void> {
  const redis = new Redis({ port: srv.port, host: srv.host });
  try {
    await body(redis);
  } finally {
    redis.disconnect();
    await srv.stop();
  }
}

/** SETs `k:0` … `k:<n-1>` to `valueBytes` bytes, 2000 per pipeline. */
async function fill(redis: Redis, n: number, valueBytes: number): Promise<void> {
  for (let start = 0; start < n; start += 2000) {
    const p = redis.pipeline();
    for (let i = start; i < start + 2000; i++) p.set(`k:${i}`, 'v'.repeat(valueBytes));
    await p.exec();
  }
}

describe('maxmemory', () => {
  it.each(['allkeys-lru', 'noeviction'])('refuses a value bigger than maxmemory with -OOM (%s)', async (policy) => {
    await withRedis(await startTierkvInProcess({ maxmemory: '64mb', 'maxmemory-policy': policy }), async (redis) => {
      await redis.set('small', '1');
      await expect(redis.set('v70', BIG)).rejects.toThrow("OOM command not allowed when used memory > 'maxmemory'.");
      expect(await redis.exists('v70')).toBe(0);
      if (policy === 'noeviction') expect(await redis.get('small')).toBe('1');
      expect(Number(fields(await redis.info('memory'))['used_memory'])).toBeLessThan(64 * 1024 * 1024);
    });
  }, 60_000);

  it('never refuses writes under allkeys-lru while keys can be evicted, across index growth', async () => {
    await withRedis(await startTierkvInProcess({ maxmemory: '50mb', 'maxmemory-policy': 'allkeys-lru' }), async (redis) => {
      let errors = 0;
      for (let start = 0; start < 1_000_000; start += 1000) {
        const p = redis.pipeline();
        for (let i = start; i < start + 1000; i++) p.set(`loop:${i}`, '0123456789');
        const res = await p.exec();
        errors += res?.filter(([e]) => e !== null).length ?? 0;
      }
      expect(errors).toBe(0);
      expect(await waitFor(async () => Number(fields(await redis.info('memory'))['used_memory']) <= 50 * 1024 * 1024, 10_000)).toBe(true);
      expect(Number(fields(await redis.info('stats'))['evicted_keys'])).toBeGreaterThan(0);
    });
  }, 120_000);

  it('converges when maxmemory is lowered at run time, and keeps accepting writes meanwhile', async () => {
    await withRedis(await startTierkvInProcess({}), async (redis) => {
      await fill(redis, 400_000, 50);
      await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await redis.config('SET', 'maxmemory', '20mb');
      expect(await redis.set('x1', 'y')).toBe('OK');
      const ok = await waitFor(async () => Number(fields(await redis.info('memory'))['used_memory']) <= 20 * 1024 * 1024, 10_000);
      expect(ok).toBe(true);
      expect(await redis.set('x2', 'y')).toBe('OK');
      expect(await redis.dbsize()).toBeLessThan(400_000);
    });
  }, 120_000);

  it('brings the cold items back to the hot tier when tiering is turned off (hot-ratio 1)', async () => {
    await withRedis(await startTierkvInProcess({ maxmemory: '32mb', 'maxmemory-policy': 'allkeys-lfu' }), async (redis) => {
      await fill(redis, 120_000, 100);
      expect(Number(fields(await redis.info('tiers'))['cold_keys'])).toBeGreaterThan(20_000);
      await redis.config('SET', 'hot-ratio', '1');
      expect(await waitFor(async () => fields(await redis.info('tiers'))['cold_keys'] === '0', 20_000)).toBe(true);
      const report = (await redis.call('MIGRATE_PREPARE')) as unknown[];
      expect(report[report.indexOf('dropped_keys') + 1]).toBe(0);
      expect(await redis.dbsize()).toBe(120_000);
      await redis.call('MIGRATE_DONE');
    });
  }, 60_000);

  it('gives the memory of a FLUSHALL back to the OS without waiting for MIGRATE_PREPARE', async () => {
    await withRedis(await startTierkvProcess({}), async (redis) => {
      await fill(redis, 600_000, 100);
      const before = fields(await redis.info('memory'));
      const rssBefore = Number(before['used_memory_rss']);
      const arena = Number(before['arena_bytes']);
      expect(arena).toBeGreaterThan(64 * 1024 * 1024);
      expect(await redis.flushall()).toBe('OK');
      const fell = await waitFor(async () => rssBefore - Number(fields(await redis.info('memory'))['used_memory_rss']) >= arena / 2, 5000);
      expect(fell).toBe(true);
    });
  }, 120_000);

  it('keeps the arena within its budget while the value sizes change (slab page mover), and every key reads back', async () => {
    // The churn of the README's reproduction, scaled down: values of 100, then 1000, then 30 bytes over a key range
    // much larger than what fits, so that eviction runs all the time. Without the page mover the pages of the old
    // sizes stay with their classes and the arena grows by an extent or more per size change.
    const MiB = 1024 * 1024;
    const written = new Map<number, number>(); // key index -> phase of its last write
    const value = (i: number, phase: number, len: number) => `${phase}:${i}:`.padEnd(len, String.fromCharCode(97 + ((i + phase) % 26)));
    const lens = [100, 1000, 30];
    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 1_000_000;
    await withRedis(await startTierkvInProcess({ maxmemory: '16mb', 'maxmemory-policy': 'allkeys-lfu' }), async (redis) => {
      const arenaMax: number[] = [];
      for (const [phase, count] of [[0, 240_000], [1, 48_000], [2, 240_000]] as const) {
        let peak = 0;
        for (let start = 0; start < count; start += 2000) {
          const p = redis.pipeline();
          for (let j = 0; j < 2000; j++) {
            const i = rnd();
            written.set(i, phase);
            p.set(`k:${i}`, value(i, phase, lens[phase]));
          }
          const res = await p.exec();
          expect(res?.every(([e]) => e === null)).toBe(true);
          if ((start / 2000) % 10 === 0) peak = Math.max(peak, Number(fields(await redis.info('memory'))['arena_bytes']));
        }
        arenaMax.push(Math.max(peak, Number(fields(await redis.info('memory'))['arena_bytes'])));
      }
      // Let the background work (demotion, eviction, the mover) settle.
      await waitFor(async () => {
        const m = fields(await redis.info('memory'));
        return Number(m['slab_pages_bytes']) <= Number(m['slab_page_budget_bytes']);
      }, 10_000);
      const mem = fields(await redis.info('memory'));
      const stats = fields(await redis.info('stats'));
      const budget = Number(mem['slab_page_budget_bytes']);
      // The budget: 16 MiB + 1/32 + a page per (tier, class) in use + 4 pages of reserve.
      expect(budget).toBeGreaterThan(16 * MiB);
      expect(budget).toBeLessThan(16 * MiB + 0.5 * MiB + 20 * MiB);
      expect(Number(mem['slab_pages_bytes'])).toBeLessThanOrEqual(budget);
      // The arena: one 32 MiB extent per tier holds the budget; it never needed more.
      for (const a of arenaMax) expect(a).toBeLessThanOrEqual(64 * MiB);
      expect(Number(mem['arena_bytes'])).toBeLessThanOrEqual(64 * MiB);
      expect(Number(stats['slab_reassigned_pages'])).toBeGreaterThan(0);
      expect(Number(stats['evicted_keys'])).toBeGreaterThanOrEqual(Number(stats['slab_reassign_evicted_keys']));
      // Every key still there reads back the value of its last write.
      const keys = [...written.keys()];
      let live = 0;
      for (let k = 0; k < keys.length; k += 5000) {
        const batch = keys.slice(k, k + 5000);
        const vals = await redis.mget(...batch.map((i) => `k:${i}`));
        vals.forEach((v, j) => {
          if (v === null) return;
          live++;
          const i = batch[j];
          const phase = written.get(i) as number;
          expect(v).toBe(value(i, phase, lens[phase]));
        });
      }
      expect(live).toBe(await redis.dbsize());
      expect(live).toBeGreaterThan(50_000);
    });
  }, 180_000);
});
