/**
 * The list encoding (server/keyspace/quicklist.ts) against a model (a JS array): pushes and pops at both ends,
 * seeks from either end, forward and backward walks, inserts before and after (node splits), replacements that
 * grow and shrink, deletes while walking, every `list-max-listpack-size`, big elements in nodes of their own,
 * COPY's clone; the arena's accounting returns to zero once the list is freed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Arena, TIER_COLD, TIER_HOT } from '../../allocator/arena.js';
import { Keyspace, NO_TTL, F_LARGE, TYPE_LIST, TYPE_SHIFT } from '../../server/keyspace/keyspace.js';
import { QL_VALUE_LEN, type QuickList } from '../../server/keyspace/quicklist.js';
import { dictHeaderOff } from '../../server/keyspace/dict.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function newList(ks: Keyspace, key: string): QuickList {
  ks.lookupWrite(b(key), 0, key.length);
  const voff = ks.storeAlloc(QL_VALUE_LEN, NO_TTL, (TYPE_LIST << TYPE_SHIFT) | F_LARGE);
  ks.list.init(ks.ext, dictHeaderOff(voff));
  ks.refind();
  return ks.list;
}

function cur(q: QuickList): string {
  return Buffer.from(q.elemBuf.subarray(q.elemOff, q.elemOff + q.elemLen)).toString('latin1');
}

function contents(q: QuickList): string[] {
  const out: string[] = [];
  if (q.count() === 0) return out;
  q.seek(0);
  do out.push(cur(q));
  while (q.forward());
  // And backwards from the end.
  const back: string[] = [];
  q.seek(-1);
  do back.push(cur(q));
  while (q.backward());
  expect(back.reverse()).toEqual(out);
  return out;
}

const elem = fc.oneof(
  { weight: 8, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.integer({ min: 200, max: 300 }).map((n) => 'y'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 9000, max: 20000 }).map((n) => 'z'.repeat(n)) },
);

describe('quicklist', () => {
  it('random operations against a model, for each list-max-listpack-size', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(-1, -2, -5, 1, 2, 5, 128),
        fc.array(
          fc.tuple(fc.constantFrom('lpush', 'rpush', 'lpop', 'rpop', 'set', 'insb', 'insa', 'del', 'delwalk', 'trimh', 'trimt'), elem, fc.integer({ min: -50, max: 50 })),
          { maxLength: 250 },
        ),
        (fill, ops) => {
          const ks = new Keyspace(new Arena({ extentSize: 4 << 20 }));
          const q = newList(ks, 'l');
          q.fill = fill;
          const m: string[] = [];
          for (const [op, e, i] of ops) {
            ks.lookupWrite(b('l'), 0, 1);
            ks.bindList();
            const eb = b(e);
            const idx = i < 0 ? i + m.length : i;
            const inRange = idx >= 0 && idx < m.length;
            if (op === 'lpush') {
              q.push(true, eb, 0, eb.length);
              m.unshift(e);
            } else if (op === 'rpush') {
              q.push(false, eb, 0, eb.length);
              m.push(e);
            } else if (op === 'trimh' || op === 'trimt') {
              // deleteEnd: |i| elements (at most all) at one end, whole nodes and a partial one.
              const n = Math.min(Math.abs(i), m.length);
              q.deleteEnd(op === 'trimh', n);
              if (op === 'trimh') m.splice(0, n);
              else m.splice(m.length - n, n);
            } else if (op === 'lpop' || op === 'rpop') {
              if (m.length === 0) continue;
              q.peek(op === 'lpop');
              expect(cur(q)).toBe(op === 'lpop' ? m[0] : m[m.length - 1]);
              q.pop(op === 'lpop');
              if (op === 'lpop') m.shift();
              else m.pop();
            } else {
              expect(q.seek(i)).toBe(inRange);
              if (!inRange) continue;
              expect(cur(q)).toBe(m[idx]);
              if (op === 'set') {
                q.replaceCurrent(eb, 0, eb.length);
                m[idx] = e;
                expect(cur(q)).toBe(e);
              } else if (op === 'insb' || op === 'insa') {
                q.insertAtCurrent(op === 'insa', eb, 0, eb.length);
                m.splice(op === 'insa' ? idx + 1 : idx, 0, e);
                expect(cur(q)).toBe(e);
              } else if (op === 'del') {
                q.deleteCurrent();
                m.splice(idx, 1);
                if (q.seekNext()) expect(cur(q)).toBe(m[idx]);
                else expect(idx).toBe(m.length);
              } else {
                // LREM-like: delete every element equal to the current one's first byte class, walking forward.
                const target = m[idx];
                let k = idx;
                let go = true;
                while (go) {
                  if (cur(q) === target) {
                    q.deleteCurrent();
                    m.splice(k, 1);
                    go = q.seekNext();
                  } else {
                    k++;
                    go = q.forward();
                  }
                }
              }
            }
            expect(q.count()).toBe(m.length);
          }
          ks.lookupWrite(b('l'), 0, 1);
          ks.bindList();
          expect(contents(q)).toEqual(m);
          // COPY's clone is equal and independent.
          const srcAddr = ks.addr;
          const srcValRel = ks.valOff() - ks.off;
          ks.lookupWrite(b('c'), 0, 1);
          ks.storeAlloc(QL_VALUE_LEN, NO_TTL, (TYPE_LIST << TYPE_SHIFT) | F_LARGE);
          ks.refind();
          const so = ks.arena.resolve(srcAddr);
          ks.cloneValueFrom(ks.arena.ext, so + srcValRel, QL_VALUE_LEN, true);
          ks.lookupWrite(b('c'), 0, 1);
          ks.bindList();
          expect(contents(q)).toEqual(m);
          ks.removeCurrent();
          ks.lookupWrite(b('l'), 0, 1);
          ks.bindList();
          expect(contents(q)).toEqual(m);
          ks.removeCurrent();
          expect(ks.arena.usedBytes()).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('long runs of pops and pushes at the head (the gap in front of a node\'s entries) against a model', () => {
    // fast-check keeps its arrays short; this walks 20,000 steps per fill with a seeded generator, weighted to
    // head pops, head trims and head pushes of elements smaller and larger than what was popped, plus the
    // operations that move or grow a node with a gap (tail pushes, inserts, LSET, deletes in the middle).
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const sizes = [0, 1, 5, 12, 30, 100, 253, 254, 300, 9000];
    for (const fill of [-2, -1, 4, 128]) {
      const ks = new Keyspace(new Arena({ extentSize: 4 << 20 }));
      const q = newList(ks, 'l');
      q.fill = fill;
      const m: string[] = [];
      for (let step = 0; step < 20_000; step++) {
        ks.lookupWrite(b('l'), 0, 1);
        ks.bindList();
        const len = sizes[rnd(sizes.length)]!;
        const e = String.fromCharCode(97 + rnd(26)).repeat(len);
        const eb = b(e);
        const op = rnd(100);
        if (op < 30 || m.length === 0) {
          q.push(true, eb, 0, eb.length);
          m.unshift(e);
        } else if (op < 60) {
          q.peek(true);
          expect(cur(q)).toBe(m[0]);
          q.pop(true);
          m.shift();
        } else if (op < 66) {
          const n = Math.min(1 + rnd(20), m.length);
          q.deleteEnd(true, n);
          m.splice(0, n);
        } else if (op < 76) {
          q.push(false, eb, 0, eb.length);
          m.push(e);
        } else if (op < 82) {
          q.pop(false);
          m.pop();
        } else if (op < 88) {
          const i = rnd(Math.min(m.length, 40));
          expect(q.seek(i)).toBe(true);
          q.insertAtCurrent(op % 2 === 0, eb, 0, eb.length);
          m.splice(op % 2 === 0 ? i + 1 : i, 0, e);
        } else if (op < 94) {
          const i = rnd(Math.min(m.length, 40));
          expect(q.seek(i)).toBe(true);
          q.replaceCurrent(eb, 0, eb.length);
          m[i] = e;
        } else {
          const i = rnd(Math.min(m.length, 40));
          expect(q.seek(i)).toBe(true);
          q.deleteCurrent();
          m.splice(i, 1);
        }
        expect(q.count()).toBe(m.length);
        if (step % 997 === 0 || m.length < 3) expect(contents(q)).toEqual(m);
        if (m.length === 0) {
          ks.removeCurrent();
          newList(ks, 'l').fill = fill;
        }
      }
      ks.lookupWrite(b('l'), 0, 1);
      ks.bindList();
      expect(contents(q)).toEqual(m);
      // The accounting of nodes with gaps: every byte comes back to the arena.
      ks.removeCurrent();
      expect(ks.arena.usedBytes()).toBe(0);
    }
  });

  it('an LPUSH that moves the entries leaves room in front, in place when the chunk has it, else in a new chunk', () => {
    const ks = new Keyspace(new Arena({ extentSize: 4 << 20 }));
    const q = newList(ks, 'l');
    const m: string[] = [];
    for (let i = 0; i < 200; i++) {
      const e = `e${String(i).padStart(19, '0')}`;
      q.push(false, b(e), 0, e.length);
      m.push(e);
    }
    expect(q.nodes()).toBe(1);
    // Deleting from the middle leaves the chunk bigger than the node needs: the next LPUSH moves in place.
    for (let i = 0; i < 100; i++) {
      q.seek(50);
      q.deleteCurrent();
      m.splice(50, 1);
    }
    const aux = q.auxBytes();
    for (let i = 0; i < 300; i++) {
      const e = `h${i}`;
      q.push(true, b(e), 0, e.length);
      m.unshift(e);
      expect(q.seek(0)).toBe(true);
      expect(cur(q)).toBe(e);
    }
    expect(q.auxBytes()).toBeGreaterThan(aux);
    expect(contents(q)).toEqual(m);
    ks.removeCurrent();
    expect(ks.arena.usedBytes()).toBe(0);
  });

  it('a list of 200,000 elements: pushes and pops at both ends stay in end nodes; seeks from the nearer end', () => {
    const ks = new Keyspace(new Arena());
    const q = newList(ks, 'big');
    for (let i = 0; i < 100_000; i++) {
      const e = b(`e${i}`);
      q.push(false, e, 0, e.length);
      q.push(true, e, 0, e.length);
    }
    expect(q.count()).toBe(200_000);
    expect(q.nodes()).toBeGreaterThan(100);
    q.seek(0);
    expect(cur(q)).toBe('e99999');
    q.seek(-1);
    expect(cur(q)).toBe('e99999');
    q.seek(100_000);
    expect(cur(q)).toBe('e0');
    q.seek(150_000);
    expect(cur(q)).toBe('e50000');
    q.deleteEnd(true, 60_001);
    q.deleteEnd(false, 39_999);
    expect(q.count()).toBe(100_000);
    q.seek(0);
    expect(cur(q)).toBe('e39998');
    q.seek(-1);
    expect(cur(q)).toBe('e60000');
    let n = 0;
    while (q.count() > 0) {
      q.pop(n++ % 2 === 0);
    }
    expect(q.nodes()).toBe(0);
    expect(q.auxBytes()).toBe(0);
  });
});

/**
 * A short list moving between the tiers with its nodes (keyspace.ts `moveListTier`, quicklist.ts `moveNodes`): the
 * contents stay those of the model, every chunk of the list is in the item's tier (nodes allocated by writes on a
 * cold list too), the per-tier accounting (used bytes, chunks, aux chunks, keys) follows and is back to zero after
 * DEL; dropping the cold tier takes a cold list whole and leaves a hot one intact; a move that finds no room changes
 * nothing.
 */
describe('quicklist across tiers', () => {
  const tierState = (ks: Keyspace, t: number): number[] => [ks.arena.tierUsed[t], ks.arena.tierItems[t], ks.arena.tierAux[t]];

  it('moves with its nodes, all chunks in one tier, against a model', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(-2, -1, 3),
        fc.array(fc.tuple(fc.constantFrom('lpush', 'rpush', 'lpop', 'rpop', 'move'), elem), { minLength: 1, maxLength: 60 }),
        (fill, ops) => {
          const ks = new Keyspace(new Arena({ extentSize: 4 << 20 }));
          const q = newList(ks, 'l');
          q.fill = fill;
          const m: string[] = [];
          let tier = TIER_HOT;
          for (const [op, v] of ops) {
            // Bound without lookupWrite (which would bring a cold list back): writes where the list is.
            ks.lookup(b('l'), 0, 1);
            ks.bindList();
            q.fill = fill;
            if (op === 'lpush' || op === 'rpush') {
              q.push(op === 'lpush', b(v), 0, v.length);
              if (op === 'lpush') m.unshift(v);
              else m.push(v);
            } else if ((op === 'lpop' || op === 'rpop') && m.length > 1) {
              q.pop(op === 'lpop');
              if (op === 'lpop') m.shift();
              else m.pop();
            } else if (op === 'move') {
              tier = tier === TIER_HOT ? TIER_COLD : TIER_HOT;
              expect(ks.moveListTier(tier)).toBe(true);
            }
            expect(ks.ext.tier).toBe(tier);
            // Every chunk (item and nodes) is in the list's tier; the other tier is empty.
            expect(tierState(ks, 1 - tier)).toEqual([0, 0, 0]);
            expect(ks.arena.tierItems[tier]).toBe(1 + ks.bindList().nodes());
            expect(ks.arena.tierAux[tier]).toBe(ks.bindList().nodes());
            expect(ks.tierKeys(tier)).toBe(1);
            expect(ks.tierKeys(1 - tier)).toBe(0);
            expect(contents(ks.bindList())).toEqual(m);
          }
          ks.lookup(b('l'), 0, 1);
          ks.removeCurrent();
          expect(tierState(ks, TIER_HOT)).toEqual([0, 0, 0]);
          expect(tierState(ks, TIER_COLD)).toEqual([0, 0, 0]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a write lookup brings a cold list back to the hot tier; dropping the cold tier takes a cold list whole', () => {
    const ks = new Keyspace(new Arena({ extentSize: 4 << 20 }));
    for (const k of ['a', 'b', 'c']) {
      const q = newList(ks, k);
      q.fill = -2;
      for (let i = 0; i < 1500; i++) q.push(false, b(`${k}${i}`), 0, `${k}${i}`.length);
      expect(q.nodes()).toBeGreaterThan(1);
    }
    ks.lookup(b('a'), 0, 1);
    expect(ks.moveListTier(TIER_COLD)).toBe(true);
    ks.lookup(b('b'), 0, 1);
    expect(ks.moveListTier(TIER_COLD)).toBe(true);
    expect(ks.tierKeys(TIER_COLD)).toBe(2);
    expect(ks.tierKeys(TIER_HOT)).toBe(1);
    // b: a write lookup promotes it with its nodes.
    expect(ks.lookupWrite(b('b'), 0, 1)).toBe(true);
    expect(ks.ext.tier).toBe(TIER_HOT);
    expect(ks.tierKeys(TIER_COLD)).toBe(1);
    const bl = ks.bindList();
    bl.push(true, b('new'), 0, 3);
    expect(contents(bl)).toEqual(['new', ...Array.from({ length: 1500 }, (_, i) => `b${i}`)]);
    const coldNodes = (ks.lookup(b('a'), 0, 1), ks.bindList().nodes());
    expect(ks.arena.tierAux[TIER_COLD]).toBe(coldNodes);
    const hotUsed = ks.arena.tierUsed[TIER_HOT];
    const r = ks.dropTier(TIER_COLD);
    expect(r.keys).toBe(1);
    expect(ks.keys).toBe(2);
    expect(ks.lookup(b('a'), 0, 1)).toBe(false);
    expect(tierState(ks, TIER_COLD)).toEqual([0, 0, 0]);
    expect(ks.arena.tierUsed[TIER_HOT]).toBe(hotUsed);
    ks.lookup(b('c'), 0, 1);
    expect(contents(ks.bindList())).toEqual(Array.from({ length: 1500 }, (_, i) => `c${i}`));
    ks.removeCurrent();
    ks.lookup(b('b'), 0, 1);
    ks.removeCurrent();
    expect(ks.arena.usedBytes()).toBe(0);
    expect(ks.arena.tierAux[TIER_HOT]).toBe(0);
  });

  // Page ids 5: no room for the item's copy; 7: room for the item and the first node, not the second.
  it.each([
    [5, 0],
    [7, 1],
  ])('a move that finds no room in the target tier changes nothing (%i page ids)', (PAGE_IDS, partial) => {
    // Two pages per extent: two hot extents (the item's class page and the pages of the nodes' two classes), and
    // page ids for at most one cold one.
    const ks = new Keyspace(new Arena({ extentSize: 128 << 10, pageSize: 64 << 10, maxPageIds: PAGE_IDS }));
    const q = newList(ks, 'l');
    q.fill = -2;
    const m = ['x'.repeat(5000), 'y'.repeat(7000)];
    for (const v of m) q.push(false, b(v), 0, v.length);
    expect(q.nodes()).toBe(2);
    const hot = tierState(ks, TIER_HOT);
    const cold = tierState(ks, TIER_COLD);
    ks.lookup(b('l'), 0, 1);
    let freedAux = 0;
    const freeAux = ks.arena.freeAux.bind(ks.arena);
    ks.arena.freeAux = (addr: number, size: number): void => {
      freedAux++;
      freeAux(addr, size);
    };
    expect(ks.moveListTier(TIER_COLD)).toBe(false);
    // The node copies taken before the failure were given back.
    expect(freedAux).toBe(partial);
    expect(ks.ext.tier).toBe(TIER_HOT);
    expect(tierState(ks, TIER_HOT)).toEqual(hot);
    expect(tierState(ks, TIER_COLD)).toEqual(cold);
    ks.lookup(b('l'), 0, 1);
    expect(contents(ks.bindList())).toEqual(m);
  });
});
