/**
 * The slab page mover (server/memory/page-mover.ts) on a keyspace over a small arena (64 KiB pages): moved items keep
 * their values, TTLs and counters; evicted ones are gone and counted; noeviction only compacts; accounting stays
 * consistent; a tier drop in the middle of an evacuation ends it.
 */
import { describe, expect, it } from 'vitest';
import { Arena, TIER_COLD, TIER_HOT } from '../../allocator/arena.js';
import { Keyspace, NO_TTL } from '../../server/keyspace/keyspace.js';
import { TierManager } from '../../server/memory/tiers.js';
import { RESERVE_PAGES, PageMover } from '../../server/memory/page-mover.js';
import type { Config } from '../../server/config/config.js';

const PAGE = 64 * 1024;

function setup(policy: string, hotRatio = 1) {
  const arena = new Arena({ extentSize: 16 * PAGE, pageSize: PAGE });
  const ks = new Keyspace(arena);
  const config = { maxmemory: 0, maxmemoryPolicy: policy, hotRatio, tierWorkBudgetUs: 100_000 } as unknown as Config;
  const tiers = new TierManager(ks, config);
  return { arena, ks, config, tiers, mover: new PageMover(ks, config, tiers) };
}

const key = (i: number) => Buffer.from(`key:${i}`);
const val = (i: number, len: number) => Buffer.alloc(len, `v${i}:`);

function put(ks: Keyspace, i: number, len: number, ttl = NO_TTL): void {
  const k = key(i);
  ks.lookupWrite(k, 0, k.length);
  const v = val(i, len);
  ks.store(v, 0, v.length, ttl);
}

function get(ks: Keyspace, i: number): Buffer | null {
  const k = key(i);
  if (!ks.lookupRead(k, 0, k.length, true)) return null;
  const off = ks.valOff();
  return Buffer.from(ks.ext.u8.subarray(off, off + ks.valLen()));
}

function del(ks: Keyspace, i: number): void {
  const k = key(i);
  ks.delete(k, 0, k.length);
}

/** Runs slices until the mover has nothing left to do (bounded). */
function settle(mover: PageMover): void {
  for (let i = 0; i < 100_000 && mover.pending(); i++) mover.slice();
}

/**
 * Sets maxmemory so that the mover must empty `pages` pages: the budget (maxmemory·33/32 + (classes in use +
 * RESERVE_PAGES) pages) then exceeds the slab pages plus the reserve by `pages` pages, give or take rounding.
 */
function squeeze(arena: Arena, mover: PageMover, config: Config, pages: number): void {
  const mm = (arena.slabPages() - pages - arena.classesInUse) * PAGE;
  (config as { maxmemory: number }).maxmemory = Math.ceil((mm * 32) / 33);
  expect(mover.overBudget()).toBe(true);
}

/** Sum over (tier, class) of chunks, compared with the per-tier item counts; pages with the page counts. */
function checkAccounting(arena: Arena, ks: Keyspace): void {
  const n = arena.classes.count;
  for (const t of [TIER_HOT, TIER_COLD]) {
    let chunks = 0;
    let pages = 0;
    for (let c = 0; c < n; c++) {
      chunks += arena.classChunks[t * n + c];
      pages += arena.classPages[t * n + c];
    }
    expect(chunks).toBe(arena.tierItems[t]);
    expect(pages).toBe(arena.tierSlabPages[t]);
  }
  expect(arena.tierItems[TIER_HOT] + arena.tierItems[TIER_COLD]).toBe(ks.keys);
}

describe('PageMover', () => {
  it('compacts sparse pages by moving items: values, TTLs and counters kept, nothing evicted', () => {
    const { arena, ks, config, mover } = setup('allkeys-lru');
    ks.now = Date.now();
    const N = 20000;
    const ttl = ks.now + 3_600_000;
    for (let i = 0; i < N; i++) put(ks, i, 100, i % 3 === 0 ? ttl + i : NO_TTL);
    // Count some accesses on a few keys, so that moving must keep their counters.
    for (let r = 0; r < 50; r++) for (let i = 0; i < N; i += 101) ks.lookupRead(key(i), 0, key(i).length);
    const freqBefore = new Map<number, number>();
    for (let i = 0; i < N; i += 101) {
      ks.lookup(key(i), 0, key(i).length);
      freqBefore.set(i, ks.lfu());
    }
    // Delete 60% of the keys, spread over all pages: every page keeps some items (calcified).
    for (let i = 0; i < N; i++) if (i % 5 >= 2 && i % 101 !== 0) del(ks, i);
    const pagesBefore = arena.slabPages();
    const expiresBefore = ks.expires;
    squeeze(arena, mover, config, 4);
    settle(mover);
    expect(mover.stats.reassignedPages).toBe(4);
    expect(mover.stats.movedKeys).toBeGreaterThan(0);
    expect(mover.stats.evictedKeys).toBe(0);
    expect(ks.stats.evicted).toBe(0);
    expect(arena.slabPages()).toBeLessThanOrEqual(pagesBefore - 4);
    expect((arena.slabPages() + RESERVE_PAGES) * PAGE).toBeLessThanOrEqual(mover.budgetBytes());
    expect(ks.expires).toBe(expiresBefore);
    for (let i = 0; i < N; i++) {
      const live = i % 5 < 2 || i % 101 === 0;
      const v = get(ks, i);
      if (!live) {
        expect(v).toBeNull();
        continue;
      }
      expect(v?.equals(val(i, 100))).toBe(true);
      expect(ks.expireAt()).toBe(i % 3 === 0 ? ttl + i : 0);
      if (freqBefore.has(i)) expect(ks.lfu()).toBe(freqBefore.get(i));
    }
    checkAccounting(arena, ks);
  });

  it('evicts the items of a page when they fit nowhere (allkeys-*), counted in evicted_keys and told to onRemove', () => {
    const { arena, ks, config, mover } = setup('allkeys-lfu');
    ks.now = Date.now();
    const N = 12000;
    for (let i = 0; i < N; i++) put(ks, i, 100);
    const removed = new Set<string>();
    ks.onRemove = (b, o, l) => removed.add(Buffer.from(b.subarray(o, o + l)).toString());
    squeeze(arena, mover, config, 2);
    settle(mover);
    expect(mover.stats.reassignedPages).toBe(2);
    expect(mover.stats.evictedKeys).toBeGreaterThan(0);
    expect(ks.stats.evicted).toBe(mover.stats.evictedKeys);
    expect(removed.size).toBe(mover.stats.evictedKeys);
    expect(ks.keys).toBe(N - mover.stats.evictedKeys);
    let live = 0;
    for (let i = 0; i < N; i++) {
      const v = get(ks, i);
      if (v === null) {
        expect(removed.has(`key:${i}`)).toBe(true);
      } else {
        expect(v.equals(val(i, 100))).toBe(true);
        live++;
      }
    }
    expect(live).toBe(ks.keys);
    checkAccounting(arena, ks);
  });

  it('volatile-* evicts only keys with a TTL; noeviction only moves, then stops until the next cron tick', () => {
    for (const policy of ['noeviction', 'volatile-lru']) {
      const { arena, ks, config, mover } = setup(policy);
      ks.now = Date.now();
      const N = 12000;
      for (let i = 0; i < N; i++) put(ks, i, 100);
      squeeze(arena, mover, config, 2);
      settle(mover);
      expect(ks.keys).toBe(N);
      expect(mover.stats.evictedKeys).toBe(0);
      expect(mover.pending()).toBe(false);
      mover.onCron();
      settle(mover);
      expect(ks.keys).toBe(N);
      for (let i = 0; i < N; i += 97) expect(get(ks, i)?.equals(val(i, 100))).toBe(true);
      checkAccounting(arena, ks);
    }
  });

  it('moves hot items into free cold chunks of their class when the hot tier has no room', () => {
    const { arena, ks, config, tiers, mover } = setup('allkeys-lru', 0.5);
    ks.now = Date.now();
    (config as { maxmemory: number }).maxmemory = 1 << 30;
    const N = 12000;
    for (let i = 0; i < N; i++) put(ks, i, 100);
    // Everything to the cold tier, then a few holes there (1 in 40): a cold page could not be emptied by moving.
    while (arena.tierItems[TIER_HOT] > 0) if (!tiers.demoteOne()) break;
    for (let i = 0; i < N; i += 40) del(ks, i);
    // Three hot pages A, B, C of the same class (C 5 chunks short of full); most of A deleted, a few of B: A is
    // the cheapest page to empty, and its items fit only with the cold tier's free chunks.
    const cap = Math.floor(PAGE / arena.classes.sizes[arena.classes.classFor(16 + key(N).length + 100)]);
    const H = 3 * cap - 5;
    for (let i = N; i < N + H; i++) put(ks, i, 100);
    for (let i = N; i < N + cap - 100; i++) del(ks, i);
    for (let i = N + cap; i < N + cap + 10; i++) del(ks, i);
    const gone = (i: number) => (i < N && i % 40 === 0) || (i >= N && i < N + cap - 100) || (i >= N + cap && i < N + cap + 10);
    squeeze(arena, mover, config, 1);
    settle(mover);
    expect(mover.stats.reassignedPages).toBe(1);
    expect(mover.stats.demotedKeys).toBeGreaterThan(0);
    expect(mover.stats.evictedKeys).toBe(0);
    for (let i = 0; i < N + H; i++) {
      const v = get(ks, i);
      if (gone(i)) expect(v).toBeNull();
      else expect(v?.equals(val(i, 100))).toBe(true);
    }
    checkAccounting(arena, ks);
  });

  it('a tier drop in the middle of an evacuation ends it without counting it', () => {
    const { arena, ks, config, mover } = setup('allkeys-lru');
    ks.now = Date.now();
    for (let i = 0; i < 12000; i++) put(ks, i, 100);
    for (let i = 0; i < 12000; i++) if (i % 4 !== 0) del(ks, i);
    squeeze(arena, mover, config, 1);
    mover.slice(0.001); // starts a job, handles a few items at most
    expect(mover.currentPage()).not.toBe(0);
    ks.dropTier(TIER_HOT);
    const before = mover.stats.reassignedPages;
    settle(mover);
    expect(mover.currentPage()).toBe(0);
    expect(mover.stats.reassignedPages).toBe(before);
    expect(ks.keys).toBe(0);
    put(ks, 1, 100);
    expect(get(ks, 1)?.equals(val(1, 100))).toBe(true);
  });
});
