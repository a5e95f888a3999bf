import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HashIndex, NOT_FOUND, TTL_BIT, type KeyMatcher } from '../../server/keyspace/hash-index.js';

/** Keys are integers; an entry's address is key + 1; hashes are deliberately weak to force long probe runs. */
class IntMatcher implements KeyMatcher {
  key = 0;
  matches(addr: number): boolean {
    return addr === this.key + 1;
  }
}

function hashOf(key: number, bits: number): number {
  return Math.imul(key, 2654435761) >>> (32 - bits);
}

function find(ix: HashIndex, m: IntMatcher, key: number, bits: number): number {
  m.key = key;
  return ix.find(hashOf(key, bits), m);
}

describe('HashIndex', () => {
  it('finds what was inserted and forgets what was removed', () => {
    const ix = new HashIndex();
    const m = new IntMatcher();
    for (let k = 0; k < 5000; k++) ix.insert(hashOf(k, 31), k + 1, k % 3 === 0);
    expect(ix.size).toBe(5000);
    for (let k = 0; k < 5000; k++) {
      const s = find(ix, m, k, 31);
      expect(s).not.toBe(NOT_FOUND);
      expect(ix.addrAt(s)).toBe(k + 1);
      expect((ix.hashWordAt(s) & TTL_BIT) !== 0).toBe(k % 3 === 0);
    }
    for (let k = 0; k < 5000; k += 2) ix.removeAt(find(ix, m, k, 31));
    for (let k = 0; k < 5000; k++) expect(find(ix, m, k, 31) === NOT_FOUND).toBe(k % 2 === 0);
    expect(ix.size).toBe(2500);
  });

  it('grows and shrinks incrementally: a rehash is spread over operations and the cron', () => {
    const ix = new HashIndex();
    const m = new IntMatcher();
    const cap0 = ix.capacity;
    let sawRehash = false;
    for (let k = 0; k < 100_000; k++) {
      ix.insert(hashOf(k, 31), k + 1, false);
      if (ix.rehashing) sawRehash = true;
    }
    expect(sawRehash).toBe(true);
    expect(ix.capacity).toBeGreaterThan(cap0);
    ix.rehashFor(1000);
    expect(ix.rehashing).toBe(false);
    for (let k = 0; k < 100_000; k++) ix.removeAt(find(ix, m, k, 31));
    ix.rehashFor(1000);
    expect(ix.size).toBe(0);
    expect(ix.capacity).toBe(cap0);
  });

  it('matches a model under random churn with colliding hashes, during rehashes too (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('ins', 'del', 'cron'), fc.integer({ min: 0, max: 3000 })), { maxLength: 3000 }),
        fc.integer({ min: 4, max: 31 }),
        (ops, bits) => {
          const ix = new HashIndex();
          const m = new IntMatcher();
          const model = new Set<number>();
          for (const [op, k] of ops) {
            const s = find(ix, m, k, bits);
            expect(s !== NOT_FOUND).toBe(model.has(k));
            if (op === 'ins' && !model.has(k)) {
              ix.insert(hashOf(k, bits), k + 1, false);
              model.add(k);
            } else if (op === 'del' && model.has(k)) {
              ix.removeAt(s);
              model.delete(k);
            } else if (op === 'cron') {
              ix.rehashSlots(64);
            }
          }
          expect(ix.size).toBe(model.size);
          for (const k of model) expect(find(ix, m, k, bits)).not.toBe(NOT_FOUND);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('SCAN returns every key present for the whole iteration at least once, across resizes', () => {
    const ix = new HashIndex();
    const m = new IntMatcher();
    const stable: number[] = [];
    for (let k = 0; k < 3000; k++) {
      ix.insert(hashOf(k, 31), k + 1, false);
      stable.push(k);
    }
    const seen = new Set<number>();
    let cursor = 0;
    let next = 3000;
    const churn: number[] = [];
    let steps = 0;
    do {
      cursor = ix.scan(cursor, (slot) => seen.add(ix.addrAt(slot) - 1));
      // Churn between calls: grow with new keys, then delete them again (forces grow and shrink rehashes).
      if (steps % 3 === 0) {
        for (let i = 0; i < 200; i++) {
          ix.insert(hashOf(next, 31), next + 1, false);
          churn.push(next++);
        }
      }
      if (steps % 7 === 0) {
        for (const k of churn) ix.removeAt(find(ix, m, k, 31));
        churn.length = 0;
      }
      ix.rehashSlots(256);
      steps++;
    } while (cursor !== 0 && steps < 1_000_000);
    expect(cursor).toBe(0);
    for (const k of stable) expect(seen.has(k)).toBe(true);
  });

  it('picks random slots only among entries', () => {
    const ix = new HashIndex();
    expect(ix.randomSlot()).toBe(NOT_FOUND);
    for (let k = 0; k < 10; k++) ix.insert(hashOf(k, 31), k + 1, false);
    for (let i = 0; i < 100; i++) {
      const s = ix.randomSlot();
      expect(ix.addrAt(s)).toBeGreaterThan(0);
      expect(ix.addrAt(s)).toBeLessThanOrEqual(10);
    }
  });

  it('samples only occupied slots of both tables during a rehash, and every entry afterwards', () => {
    const ix = new HashIndex();
    let k = 0;
    // Insert until a growth rehash starts, then move most of the old table.
    while (!ix.rehashing) {
      ix.insert(hashOf(k, 31), k + 1, false);
      k++;
    }
    while (ix.rehashing && !ix.rehashSlots(16)) {
      let oldLeft = 0;
      for (let i = 0; i < 400; i++) if (ix.randomSlot() < 0) oldLeft++;
      if (oldLeft === 0) continue;
      // Every slot sampled from the old table holds an entry.
      for (let i = 0; i < 200; i++) {
        const s = ix.randomSlot();
        expect(ix.addrAt(s)).toBeGreaterThan(0);
        expect(ix.addrAt(s)).toBeLessThanOrEqual(k);
      }
    }
    expect(ix.rehashing).toBe(false);
    const seen = new Set<number>();
    for (let i = 0; i < 200_000 && seen.size < k; i++) seen.add(ix.addrAt(ix.randomSlot()));
    expect(seen.size).toBe(k);
  });

  it('drops entries the keep-filter rejects while rehashing, and reports them', () => {
    const dropped: number[] = [];
    const ix = new HashIndex(1024, (addr) => addr % 2 === 0, (addr) => dropped.push(addr));
    for (let k = 0; k < 2000; k++) ix.insert(hashOf(k, 31), k + 1, false);
    ix.rehashFor(1000);
    // Entries moved by the growth rehashes were filtered: odd addresses are gone.
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((a) => a % 2 === 1)).toBe(true);
  });
});
