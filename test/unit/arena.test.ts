import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Arena, ArenaFullError, PS_DEAD, TIER_COLD, TIER_HOT, CHUNK_BITS } from '../../allocator/arena.js';
import { SizeClasses } from '../../allocator/size-classes.js';

const MiB = 1 << 20;

describe('SizeClasses', () => {
  it('builds a memcached-style ladder: 8-byte aligned, growing by the factor, capped at half a page', () => {
    const c = new SizeClasses(48, 1.25, MiB);
    expect(c.sizes[0]).toBe(48);
    for (let i = 1; i < c.count; i++) {
      expect(c.sizes[i] % 8).toBe(0);
      expect(c.sizes[i]).toBeGreaterThan(c.sizes[i - 1]);
      if (i < c.count - 1) expect(c.sizes[i]).toBeLessThanOrEqual(Math.ceil((c.sizes[i - 1] * 1.25) / 8) * 8);
    }
    expect(c.maxChunk).toBe(MiB / 2);
    expect(c.sizes[c.count - 1]).toBe(MiB / 2);
  });

  it('maps every size to the smallest class that holds it', () => {
    const c = new SizeClasses(48, 1.25, MiB);
    for (const size of [1, 47, 48, 49, 100, 124, 125, 1000, 4096, MiB / 2]) {
      const cls = c.classFor(size);
      expect(c.sizes[cls]).toBeGreaterThanOrEqual(size);
      if (cls > 0) expect(c.sizes[cls - 1]).toBeLessThan(size);
    }
    expect(c.classFor(MiB / 2 + 1)).toBe(-1);
  });

  it('rejects parameters that make no sense', () => {
    expect(() => new SizeClasses(20, 1.25, MiB)).toThrow(RangeError);
    expect(() => new SizeClasses(48, 1, MiB)).toThrow(RangeError);
  });
});

describe('Arena', () => {
  it('allocates chunks in the class of the item size and accounts bytes used and requested exactly', () => {
    const a = new Arena({ extentSize: 32 * MiB });
    const addr = a.alloc(124, TIER_HOT);
    expect(addr).not.toBe(0);
    const chunk = a.chunkSizeOf(addr);
    expect(chunk).toBeGreaterThanOrEqual(124);
    expect(a.tierUsed[TIER_HOT]).toBe(chunk);
    expect(a.tierRequested[TIER_HOT]).toBe(124);
    expect(a.tierItems[TIER_HOT]).toBe(1);
    expect(a.arenaBytes()).toBe(32 * MiB);
    expect(a.tierOf(addr)).toBe(TIER_HOT);
    a.free(addr, 124);
    expect(a.tierUsed[TIER_HOT]).toBe(0);
    expect(a.tierRequested[TIER_HOT]).toBe(0);
    expect(a.tierItems[TIER_HOT]).toBe(0);
  });

  it('gives distinct, non-overlapping chunks whose bytes survive other allocations', () => {
    const a = new Arena();
    const addrs: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const addr = a.alloc(100, TIER_HOT);
      const off = a.resolve(addr);
      a.ext.u32[off >>> 2] = i;
      addrs.push(addr);
    }
    expect(new Set(addrs).size).toBe(addrs.length);
    for (let i = 0; i < addrs.length; i++) {
      const off = a.resolve(addrs[i]);
      expect(a.ext.u32[off >>> 2]).toBe(i);
    }
  });

  it('reuses freed chunks and returns empty pages to the pool, so pages move between classes', () => {
    const a = new Arena({ extentSize: 32 * MiB, spareExtents: 1 });
    const small: number[] = [];
    for (let i = 0; i < 30000; i++) small.push(a.alloc(60, TIER_HOT));
    const arenaAfterSmall = a.arenaBytes();
    for (const s of small) a.free(s, 60);
    expect(a.tierUsed[TIER_HOT]).toBe(0);
    // The same pages can now hold a different class without growing the arena.
    for (let i = 0; i < 3000; i++) a.alloc(600, TIER_HOT);
    expect(a.arenaBytes()).toBe(arenaAfterSmall);
  });

  it('puts items larger than half a page in jumbo extents of their own and releases them on free', () => {
    const a = new Arena();
    const size = 3 * MiB + 5;
    const addr = a.alloc(size, TIER_COLD);
    expect(a.tierOf(addr)).toBe(TIER_COLD);
    const off = a.resolve(addr);
    expect(off).toBe(0);
    expect(a.ext.u8.length).toBeGreaterThanOrEqual(size);
    expect(a.tierArena[TIER_COLD]).toBeGreaterThanOrEqual(size);
    a.free(addr, size);
    expect(a.tierArena[TIER_COLD]).toBe(0);
    expect(a.tierUsed[TIER_COLD]).toBe(0);
  });

  it('keeps the tiers in separate extents', () => {
    const a = new Arena();
    const h = a.alloc(100, TIER_HOT);
    const c = a.alloc(100, TIER_COLD);
    a.resolve(h);
    const hotSlot = a.ext.slot;
    a.resolve(c);
    expect(hotSlot).not.toBe(a.ext.slot);
    expect(a.extentCount(TIER_HOT)).toBe(1);
    expect(a.extentCount(TIER_COLD)).toBe(1);
  });

  it('drops a whole tier in one shot: its pages turn dead, the other tier is untouched', () => {
    const a = new Arena();
    const cold: number[] = [];
    for (let i = 0; i < 50000; i++) cold.push(a.alloc(120, TIER_COLD));
    const hot = a.alloc(120, TIER_HOT);
    const hotOff = a.resolve(hot);
    a.ext.u32[hotOff >>> 2] = 0xabcdef;
    const r = a.dropTier(TIER_COLD);
    expect(r.items).toBe(50000);
    expect(r.freedBytes).toBeGreaterThanOrEqual(50000 * 120);
    expect(a.extentCount(TIER_COLD)).toBe(0);
    expect(a.tierUsed[TIER_COLD]).toBe(0);
    expect(a.tierItems[TIER_COLD]).toBe(0);
    for (const c of cold.slice(0, 100)) {
      expect(a.isLive(c)).toBe(false);
      expect(a.pageStateOf(c >>> CHUNK_BITS)).toBe(PS_DEAD);
    }
    // Freeing a dropped address is harmless.
    a.free(cold[0], 120);
    expect(a.isLive(hot)).toBe(true);
    const hotOff2 = a.resolve(hot);
    expect(a.ext.u32[hotOff2 >>> 2]).toBe(0xabcdef);
    // Dead page ids are not reused before reclaim; new cold items get fresh pages.
    const again = a.alloc(120, TIER_COLD);
    expect(a.pageStateOf(again >>> CHUNK_BITS)).not.toBe(PS_DEAD);
    expect(cold.some((c) => c >>> CHUNK_BITS === again >>> CHUNK_BITS)).toBe(false);
    expect(a.hasDeadPages()).toBe(true);
    a.reclaimDeadPages();
    expect(a.hasDeadPages()).toBe(false);
  });

  it('throws ArenaFullError when the page-id space is exhausted, and recovers after frees', () => {
    const a = new Arena({ extentSize: 32 * MiB, maxPageIds: 1 + 32 * 2 });
    const addrs: number[] = [];
    expect(() => {
      for (let i = 0; i < 1000; i++) addrs.push(a.alloc(MiB, TIER_HOT)); // jumbo: one page id each
    }).toThrow(ArenaFullError);
    expect(addrs.length).toBe(64);
    a.free(addrs.pop() as number, MiB);
    expect(a.alloc(MiB, TIER_HOT)).not.toBe(0);
  });

  it('keeps exact accounting under random alloc/free against a model (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('alloc' as const), size: fc.integer({ min: 1, max: 700_000 }), tier: fc.integer({ min: 0, max: 1 }) }),
            fc.record({ op: fc.constant('free' as const), pick: fc.nat() }),
          ),
          { maxLength: 400 },
        ),
        (ops) => {
          const a = new Arena({ extentSize: 32 * MiB });
          const live: Array<{ addr: number; size: number; tier: number; tag: number }> = [];
          let tag = 1;
          for (const o of ops) {
            if (o.op === 'alloc') {
              const addr = a.alloc(o.size, o.tier);
              const off = a.resolve(addr);
              a.ext.u32[off >>> 2] = tag;
              live.push({ addr, size: o.size, tier: o.tier, tag: tag++ });
            } else if (live.length > 0) {
              const [it] = live.splice(o.pick % live.length, 1);
              a.free(it.addr, it.size);
            }
          }
          for (const t of [TIER_HOT, TIER_COLD]) {
            const mine = live.filter((x) => x.tier === t);
            expect(a.tierItems[t]).toBe(mine.length);
            expect(a.tierRequested[t]).toBe(mine.reduce((s, x) => s + x.size, 0));
            expect(a.tierUsed[t]).toBe(mine.reduce((s, x) => s + a.chunkSizeOf(x.addr), 0));
          }
          for (const it of live) {
            expect(a.tierOf(it.addr)).toBe(it.tier);
            const off = a.resolve(it.addr); // sets a.ext: read it afterwards
            expect(a.ext.u32[off >>> 2]).toBe(it.tag);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('Arena page mover support (drain, allocExisting, page counts)', () => {
  const PAGE = 64 * 1024;
  const mk = () => new Arena({ extentSize: 8 * PAGE, pageSize: PAGE });

  it('a draining page takes no new item, and pools itself when its last chunk is freed', () => {
    const a = mk();
    const cap = Math.floor(PAGE / 120);
    const addrs: number[] = [];
    for (let i = 0; i < cap + 10; i++) addrs.push(a.alloc(120, TIER_HOT));
    const p1 = Arena.pageOf(addrs[0]);
    const p2 = Arena.pageOf(addrs[cap]);
    expect(p1).not.toBe(p2);
    expect(a.tierSlabPages[TIER_HOT]).toBe(2);
    expect(a.tierPoolPages[TIER_HOT]).toBe(6);
    expect(a.classesInUse).toBe(1);
    // Free a few chunks of p1: it rejoins its class's list; draining it takes it off again.
    for (let i = 0; i < 5; i++) a.free(addrs[i], 120);
    a.beginDrain(p1);
    expect(a.isDraining(p1)).toBe(true);
    for (let i = 0; i < 20; i++) {
      const x = a.alloc(120, TIER_HOT);
      expect(Arena.pageOf(x)).not.toBe(p1);
      addrs.push(x);
    }
    // allocExisting never takes a pool page: once p2 is full it answers 0.
    let got = 0;
    for (;;) {
      const x = a.allocExisting(120, TIER_HOT);
      if (x === 0) break;
      expect(Arena.pageOf(x)).toBe(p2);
      addrs.push(x);
      got++;
    }
    expect(got).toBeGreaterThan(0);
    expect(a.tierSlabPages[TIER_HOT]).toBe(2);
    expect(a.allocExisting(1000, TIER_HOT)).toBe(0);
    // Free the rest of p1: it goes back to the pool, the drain ends by itself.
    for (let i = 5; i < cap; i++) a.free(addrs[i], 120);
    expect(a.isDraining(p1)).toBe(false);
    expect(a.pageStateOf(p1)).not.toBe(2 /* PS_ACTIVE */);
    expect(a.tierSlabPages[TIER_HOT]).toBe(1);
    expect(a.tierPoolPages[TIER_HOT]).toBe(7);
    expect(a.classPages[a.classes.classFor(120)]).toBe(1);
    expect(a.tierItems[TIER_HOT]).toBe(addrs.length - cap);
  });

  it('endDrain lets a page that still holds items take new ones again', () => {
    const a = mk();
    const x = a.alloc(200, TIER_COLD);
    const p = Arena.pageOf(x);
    a.beginDrain(p);
    expect(a.allocExisting(200, TIER_COLD)).toBe(0);
    a.endDrain(p);
    expect(a.isDraining(p)).toBe(false);
    expect(Arena.pageOf(a.allocExisting(200, TIER_COLD))).toBe(p);
    expect(a.isClassHead(p)).toBe(true);
  });

  it('dropTier ends drains and resets the page counts', () => {
    const a = mk();
    const addrs = Array.from({ length: 50 }, () => a.alloc(300, TIER_COLD));
    a.alloc(100, TIER_COLD);
    const p = Arena.pageOf(addrs[0]);
    a.beginDrain(p);
    expect(a.classesInUse).toBe(2);
    const drops = a.drops;
    a.dropTier(TIER_COLD);
    expect(a.drops).toBe(drops + 1);
    expect(a.isDraining(p)).toBe(false);
    expect(a.tierSlabPages[TIER_COLD]).toBe(0);
    expect(a.tierPoolPages[TIER_COLD]).toBe(0);
    expect(a.classesInUse).toBe(0);
  });

  it('with a page budget, an extent that empties is released instead of kept as the spare', () => {
    const a = mk();
    const cap = Math.floor(PAGE / 120);
    const addrs = Array.from({ length: cap * 9 }, () => a.alloc(120, TIER_HOT)); // 2 extents
    expect(a.tierArena[TIER_HOT]).toBe(16 * PAGE);
    a.setPageBudget(9 * PAGE);
    for (let i = cap * 8; i < cap * 9; i++) a.free(addrs[i], 120); // the second extent empties
    expect(a.tierArena[TIER_HOT]).toBe(8 * PAGE);
    expect(a.tierPoolPages[TIER_HOT]).toBe(0);
  });
});
