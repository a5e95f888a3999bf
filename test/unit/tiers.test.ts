import { describe, expect, it } from 'vitest';
import { Arena, TIER_COLD, TIER_HOT } from '../../allocator/arena.js';
import { Keyspace, NO_TTL } from '../../server/keyspace/keyspace.js';
import { LFU_INIT_VAL, lfuIncrement } from '../../server/keyspace/lfu.js';
import { TierManager } from '../../server/memory/tiers.js';
import type { Config } from '../../server/config/config.js';

const MiB = 1 << 20;

function setup(maxmemory: number, hotRatio = 0.3) {
  const arena = new Arena();
  const ks = new Keyspace(arena);
  const config = { maxmemory, hotRatio, tierWorkBudgetUs: 100_000 } as unknown as Config;
  return { arena, ks, config, tiers: new TierManager(ks, config) };
}

function put(ks: Keyspace, key: Buffer, value: Buffer, ttl = NO_TTL): void {
  ks.lookupWrite(key, 0, key.length);
  ks.store(value, 0, value.length, ttl);
}

function get(ks: Keyspace, key: Buffer): Buffer | null {
  if (!ks.lookupRead(key, 0, key.length, true)) return null;
  const off = ks.valOff();
  return Buffer.from(ks.ext.u8.subarray(off, off + ks.valLen()));
}

describe('LFU counter', () => {
  it('starts new items at 5 and grows logarithmically (factor 1: ~18 after 100 hits)', () => {
    let c = LFU_INIT_VAL;
    for (let i = 0; i < 100; i++) c = lfuIncrement(c, 1);
    expect(c).toBeGreaterThan(10);
    expect(c).toBeLessThan(30);
    let d = 254;
    for (let i = 0; i < 1000; i++) d = lfuIncrement(d, 0);
    expect(d).toBe(255);
  });

  it('resets in O(1): after an epoch change every counter reads 0 until touched', () => {
    const { ks } = setup(0);
    const k = Buffer.from('k');
    put(ks, k, Buffer.from('v'));
    for (let i = 0; i < 50; i++) ks.lookupRead(k, 0, 1);
    expect(ks.lfu()).toBeGreaterThan(LFU_INIT_VAL);
    ks.epoch = (ks.epoch + 1) & 0xffff;
    ks.lookup(k, 0, 1);
    expect(ks.lfu()).toBe(0);
    ks.lookupRead(k, 0, 1);
    expect(ks.lfu()).toBe(1);
  });
});

describe('TierManager', () => {
  it('demotes until the hot tier is within capacity, keeping keys, values, TTLs and binary bytes', () => {
    const { arena, ks, tiers } = setup(4 * MiB);
    const future = Date.now() + 3_600_000;
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const key = Buffer.from([0, i & 255, (i >> 8) & 255, (i >> 16) & 255, 0xff]);
      put(ks, key, Buffer.from(`\u0000value-${i}\r\n`, 'latin1'), i % 3 === 0 ? future : NO_TTL);
    }
    expect(arena.tierUsed[TIER_HOT]).toBeGreaterThan(tiers.hotCapacity());
    while (tiers.pending()) tiers.slice();
    expect(arena.tierUsed[TIER_HOT]).toBeLessThanOrEqual(tiers.hotCapacity());
    expect(arena.tierItems[TIER_COLD]).toBeGreaterThan(0);
    expect(tiers.stats.demotions).toBe(arena.tierItems[TIER_COLD]);
    expect(ks.keys).toBe(n);
    expect(ks.expires).toBe(Math.ceil(n / 3));
    for (let i = 0; i < n; i++) {
      const key = Buffer.from([0, i & 255, (i >> 8) & 255, (i >> 16) & 255, 0xff]);
      expect(get(ks, key)?.toString('latin1')).toBe(`\u0000value-${i}\r\n`);
      expect(ks.expireAt()).toBe(i % 3 === 0 ? future : 0);
    }
  });

  it('demotes the least-used items and promotes a cold item once it is read more than the demoted ones', () => {
    const { arena, ks, tiers } = setup(4 * MiB);
    const keys: Buffer[] = [];
    for (let i = 0; i < 20_000; i++) {
      keys.push(Buffer.from(`key:${i}`));
      put(ks, keys[i], Buffer.alloc(100, 1));
    }
    // The first 1000 keys are read often: they must stay hot.
    for (let r = 0; r < 20; r++) for (let i = 0; i < 1000; i++) ks.lookupRead(keys[i], 0, keys[i].length);
    while (tiers.pending()) tiers.slice();
    let hot = 0;
    for (let i = 0; i < 1000; i++) {
      ks.lookup(keys[i], 0, keys[i].length);
      if (ks.ext.tier === TIER_HOT) hot++;
    }
    expect(hot).toBeGreaterThanOrEqual(990);
    // A cold key read repeatedly comes back to the hot tier on access.
    const cold = keys.find((k) => ks.lookup(k, 0, k.length) && ks.ext.tier === TIER_COLD) as Buffer;
    for (let r = 0; r < 10 && ks.ext.tier === TIER_COLD; r++) ks.lookupRead(cold, 0, cold.length);
    expect(ks.ext.tier).toBe(TIER_HOT);
    expect(tiers.stats.promotions).toBeGreaterThan(0);
    expect(arena.tierItems[TIER_HOT] + arena.tierItems[TIER_COLD]).toBe(20_000);
  });

  it('moves a jumbo item between tiers by re-tagging its extent, without copying it', () => {
    const { arena, ks, tiers } = setup(2 * MiB, 0.5);
    const big = Buffer.alloc(3 * MiB, 7);
    put(ks, Buffer.from('big'), big);
    expect(arena.tierArena[TIER_HOT]).toBeGreaterThanOrEqual(3 * MiB);
    while (tiers.pending()) tiers.slice();
    expect(arena.tierItems[TIER_COLD]).toBe(1);
    expect(arena.tierArena[TIER_COLD]).toBeGreaterThanOrEqual(3 * MiB);
    expect(get(ks, Buffer.from('big'))?.equals(big)).toBe(true);
  });

  it('does nothing while paused (migration mode) or with hot-ratio 1', () => {
    const { arena, ks, tiers, config } = setup(1 * MiB);
    for (let i = 0; i < 20_000; i++) put(ks, Buffer.from(`k${i}`), Buffer.alloc(50));
    tiers.paused = true;
    expect(tiers.pending()).toBe(false);
    expect(tiers.slice()).toBe(0);
    tiers.paused = false;
    (config as { hotRatio: number }).hotRatio = 1;
    expect(tiers.pending()).toBe(false);
    expect(arena.tierItems[TIER_COLD]).toBe(0);
  });

  it('with maxmemory 0 (no limit) keeps everything hot: no tiering', () => {
    const { arena, ks, tiers } = setup(0, 0.3);
    for (let i = 0; i < 30_000; i++) put(ks, Buffer.from(`k${i}`), Buffer.alloc(100));
    expect(tiers.pending()).toBe(false);
    expect(tiers.slice()).toBe(0);
    expect(arena.tierItems[TIER_COLD]).toBe(0);
    expect(tiers.hotCapacity()).toBe(Infinity);
  });
});
