/**
 * The collection machinery against a model: hashes (listpack ↔ hashtable) and sets (intset ↔ hashtable) through
 * HashType/SetType on a real Keyspace and Arena, with random operations crossing the encoding thresholds, binary
 * and empty elements, huge elements (jumbo aux chunks), TTL changes and tier moves of the compact encodings; the
 * arena's byte accounting must come back to zero when everything is deleted.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Arena, TIER_COLD, TIER_HOT } from '../../allocator/arena.js';
import { Keyspace, NO_TTL, TYPE_HASH, TYPE_SET } from '../../server/keyspace/keyspace.js';
import { HashType } from '../../server/keyspace/hash-type.js';
import { SetType } from '../../server/keyspace/set-type.js';
import { formatInt64, parseInt64, I64 } from '../../server/keyspace/intset.js';

const FUTURE = Date.now() + 3_600_000;
const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function hashContents(ks: Keyspace, h: HashType): Map<string, string> {
  const m = new Map<string, string>();
  h.iterStart();
  while (h.iterNext()) {
    const f = Buffer.from(h.fieldBuf.subarray(h.fieldOff, h.fieldOff + h.fieldLen)).toString('latin1');
    const v = Buffer.from(h.valueBuf.subarray(h.valueOff, h.valueOff + h.valueLen)).toString('latin1');
    expect(m.has(f)).toBe(false);
    m.set(f, v);
  }
  void ks;
  return m;
}

function setContents(s: SetType): string[] {
  const out: string[] = [];
  s.iterStart();
  while (s.iterNext()) out.push(Buffer.from(s.memberBuf.subarray(s.memberOff, s.memberOff + s.memberLen)).toString('latin1'));
  return out;
}

/** Field/member pool: short, binary, empty, integers (canonical and not), long. */
const elem = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map((i) => `f${i}`),
  fc.integer({ min: -600, max: 600 }).map(String),
  fc.constantFrom('', '\x00', '\xff\x00\r\n', '01', '-0', '+1', '9223372036854775807', '-9223372036854775808', '9223372036854775808'),
  fc.integer({ min: 60, max: 70 }).map((n) => 'x'.repeat(n)),
);
const value = fc.oneof(fc.string({ maxLength: 10 }), fc.integer({ min: 60, max: 70 }).map((n) => 'v'.repeat(n)), fc.constant(''));

describe('collections', () => {
  it('intset parses canonical 64-bit integers only and formats them back', () => {
    for (const s of ['0', '-1', '123', '9223372036854775807', '-9223372036854775808', '4294967296', '-4294967297', '9007199254740993']) {
      expect(parseInt64(b(s), 0, s.length)).toBe(true);
      const out = new Uint8Array(24);
      expect(Buffer.from(out.subarray(0, formatInt64(I64.hi, I64.lo, out))).toString()).toBe(s);
    }
    for (const s of ['', '-', '-0', '01', '+1', ' 1', '1 ', '9223372036854775808', '-9223372036854775809', '1.0', 'abc']) {
      expect(parseInt64(b(s), 0, s.length)).toBe(false);
    }
  });

  it('hashes: random operations against a model, across listpack/hashtable, TTL and tier moves', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.tuple(fc.constant('set' as const), elem, value),
            fc.tuple(fc.constant('del' as const), elem, fc.constant('')),
            fc.tuple(fc.constant('ttl' as const), fc.constant(''), fc.constant('')),
            fc.tuple(fc.constant('move' as const), fc.constant(''), fc.constant('')),
          ),
          { maxLength: 300 },
        ),
        fc.integer({ min: 1, max: 20 }),
        (ops, maxEntries) => {
          const ks = new Keyspace(new Arena({ extentSize: 4 << 20 }));
          const h = new HashType(ks);
          h.maxListpackEntries = maxEntries;
          h.maxListpackValue = 64;
          const k = b('h');
          const model = new Map<string, string>();
          for (const [op, f, v] of ops) {
            const exists = ks.lookupWrite(k, 0, 1);
            if (op === 'set') {
              if (!exists) h.create();
              else expect(ks.type()).toBe(TYPE_HASH);
              const isNew = h.set(b(f), 0, f.length, b(v), 0, v.length);
              expect(isNew).toBe(!model.has(f));
              model.set(f, v);
            } else if (op === 'del') {
              if (!exists) continue;
              expect(h.del(b(f), 0, f.length)).toBe(model.delete(f));
              if (h.len() === 0) ks.removeCurrent();
            } else if (op === 'ttl') {
              if (exists) ks.setExpire(ks.hasTtl() ? 0 : FUTURE);
            } else if (exists && !ks.isLarge()) {
              // What the tier policy does to a compact collection: it is moved like a string.
              const tier = ks.ext.tier === TIER_HOT ? TIER_COLD : TIER_HOT;
              ks.relocate(tier, ks.flags(), ks.valLen(), ks.valLen());
            }
            if (model.size === 0) {
              expect(ks.lookupWrite(k, 0, 1)).toBe(false);
              continue;
            }
            expect(ks.lookupWrite(k, 0, 1)).toBe(true);
            expect(h.len()).toBe(model.size);
            const large = model.size > maxEntries || [...model].some(([mf, mv]) => mf.length > 64 || mv.length > 64);
            if (large) expect(h.encoding()).toBe('hashtable'); // never converts back
            for (const [mf, mv] of model) {
              expect(h.get(b(mf), 0, mf.length)).toBe(true);
              expect(Buffer.from(h.valueBuf.subarray(h.valueOff, h.valueOff + h.valueLen)).toString('latin1')).toBe(mv);
            }
            expect(hashContents(ks, h)).toEqual(model);
          }
          if (ks.lookupWrite(k, 0, 1)) ks.removeCurrent();
          expect(ks.arena.usedBytes()).toBe(0);
          expect(ks.keys).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('sets: random operations against a model, across intset/hashtable; intsets iterate in ascending order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('add', 'rem', 'ttl'), elem), { maxLength: 300 }),
        fc.integer({ min: 0, max: 20 }),
        (ops, maxIntset) => {
          const ks = new Keyspace(new Arena({ extentSize: 4 << 20 }));
          const s = new SetType(ks);
          s.maxIntsetEntries = maxIntset;
          const k = b('s');
          const model = new Set<string>();
          let everNonInt = false;
          for (const [op, m] of ops) {
            const exists = ks.lookupWrite(k, 0, 1);
            if (op === 'add') {
              if (!exists) s.create(b(m), 0, m.length);
              else expect(ks.type()).toBe(TYPE_SET);
              expect(s.add(b(m), 0, m.length)).toBe(!model.has(m));
              model.add(m);
              if (!parseInt64(b(m), 0, m.length)) everNonInt = true;
            } else if (op === 'rem') {
              if (!exists) continue;
              expect(s.remove(b(m), 0, m.length)).toBe(model.delete(m));
              if (s.card() === 0) {
                ks.removeCurrent();
                everNonInt = false;
              }
            } else if (exists) ks.setExpire(ks.hasTtl() ? 0 : FUTURE);
            if (model.size === 0) continue;
            expect(ks.lookupWrite(k, 0, 1)).toBe(true);
            expect(s.card()).toBe(model.size);
            if (everNonInt) expect(s.encoding()).toBe('hashtable');
            const got = setContents(s);
            expect(new Set(got)).toEqual(model);
            expect(got.length).toBe(model.size);
            if (s.encoding() === 'intset') expect(got).toEqual([...got].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)));
            for (const mm of model) expect(s.has(b(mm), 0, mm.length)).toBe(true);
          }
          if (ks.lookupWrite(k, 0, 1)) ks.removeCurrent();
          expect(ks.arena.usedBytes()).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a large set grows and shrinks incrementally; scan returns every member; accounting is exact', () => {
    const ks = new Keyspace(new Arena());
    const s = new SetType(ks);
    const k = b('big');
    const N = 100_000;
    ks.lookupWrite(k, 0, 3);
    s.create(b('m0'), 0, 2);
    for (let i = 0; i < N; i++) {
      ks.lookupWrite(k, 0, 3);
      const m = b(`member:${i}`);
      expect(s.add(m, 0, m.length)).toBe(true);
    }
    ks.lookupWrite(k, 0, 3);
    expect(s.card()).toBe(N);
    // The pages of its elements are marked: the page mover leaves them alone.
    s.random();
    const elemPage = ks.dict.elemAddr >>> 15;
    expect(ks.arena.hasAux(elemPage)).toBe(true);
    const aux = ks.auxBytes();
    expect(aux).toBeGreaterThan(N * 16);
    // Scan with a cursor while deleting half: every member present throughout is returned.
    const seen = new Set<string>();
    let cursor = 0;
    let i = 0;
    do {
      ks.lookupWrite(k, 0, 3);
      cursor = s.scan(cursor, () => {
        seen.add(Buffer.from(s.memberBuf.subarray(s.memberOff, s.memberOff + s.memberLen)).toString());
      });
      for (let j = 0; j < 50 && i < N; j++, i += 2) {
        ks.lookupWrite(k, 0, 3);
        const m = b(`member:${i}`);
        expect(s.remove(m, 0, m.length)).toBe(true);
      }
    } while (cursor !== 0);
    for (let j = 1; j < N; j += 2) expect(seen.has(`member:${j}`)).toBe(true);
    // Delete down to a few: the table shrinks step by step.
    for (let j = 1; j < N - 10; j += 2) {
      ks.lookupWrite(k, 0, 3);
      const m = b(`member:${j}`);
      expect(s.remove(m, 0, m.length)).toBe(true);
    }
    ks.lookupWrite(k, 0, 3);
    expect(s.card()).toBe(5);
    for (let j = 0; j < 200; j++) {
      ks.lookupWrite(k, 0, 3);
      s.has(b('x'), 0, 1); // every operation moves a rehash along
    }
    expect(ks.auxBytes()).toBeLessThan(aux / 100);
    expect(ks.dict.slots()).toBeLessThanOrEqual(64);
    ks.removeCurrent();
    expect(ks.arena.usedBytes()).toBe(0);
    expect(ks.arena.hasAux(elemPage)).toBe(false);
  });

  it('huge fields and values live in jumbo aux chunks and are freed with the key; random members are members', () => {
    const ks = new Keyspace(new Arena());
    const h = new HashType(ks);
    const k = b('hj');
    ks.lookupWrite(k, 0, 2);
    h.create();
    const big = Buffer.alloc(2 << 20, 0x41);
    expect(h.set(b('big'), 0, 3, big, 0, big.length)).toBe(true);
    for (let i = 0; i < 1000; i++) h.set(b(`f${i}`), 0, `f${i}`.length, b(`v${i}`), 0, `v${i}`.length);
    ks.lookupWrite(k, 0, 2);
    expect(h.encoding()).toBe('hashtable');
    expect(h.get(b('big'), 0, 3)).toBe(true);
    expect(Buffer.from(h.valueBuf.subarray(h.valueOff, h.valueOff + h.valueLen)).equals(big)).toBe(true);
    expect(h.set(b('big'), 0, 3, b('small'), 0, 5)).toBe(false);
    expect(h.get(b('big'), 0, 3)).toBe(true);
    expect(h.valueLen).toBe(5);
    for (let i = 0; i < 100; i++) {
      h.random();
      const f = Buffer.from(h.fieldBuf.subarray(h.fieldOff, h.fieldOff + h.fieldLen)).toString();
      expect(f === 'big' || /^f\d+$/.test(f)).toBe(true);
    }
    ks.removeCurrent();
    expect(ks.arena.usedBytes()).toBe(0);
    // SET over a large collection frees its elements too.
    ks.lookupWrite(k, 0, 2);
    h.create();
    for (let i = 0; i < 1000; i++) h.set(b(`f${i}`), 0, `f${i}`.length, b('v'), 0, 1);
    ks.lookupWrite(k, 0, 2);
    ks.store(b('str'), 0, 3, NO_TTL);
    ks.lookupWrite(k, 0, 2);
    ks.removeCurrent();
    expect(ks.arena.usedBytes()).toBe(0);
  });

  it('a large collection is never moved to the cold tier; a compact one is', () => {
    const ks = new Keyspace(new Arena());
    const s = new SetType(ks);
    ks.lookupWrite(b('a'), 0, 1);
    s.create(b('x'), 0, 1);
    s.add(b('x'), 0, 1);
    ks.lookupWrite(b('a'), 0, 1);
    expect(ks.isLarge()).toBe(true);
    expect(ks.moveCurrent(TIER_COLD)).toBe(false);
    ks.lookupWrite(b('i'), 0, 1);
    s.create(b('1'), 0, 1);
    s.add(b('1'), 0, 1);
    ks.lookupWrite(b('i'), 0, 1);
    expect(ks.isLarge()).toBe(false);
    ks.relocate(TIER_COLD, ks.flags(), ks.valLen(), ks.valLen());
    expect(ks.lookupWrite(b('i'), 0, 1)).toBe(true);
    expect(ks.ext.tier).toBe(TIER_COLD);
    expect(s.has(b('1'), 0, 1)).toBe(true);
  });

  it('random members of a hashtable set are uniform, dense or sparse (no bias after probe clusters)', () => {
    const ks = new Keyspace(new Arena());
    const s = new SetType(ks);
    const k = b('r');
    ks.lookupWrite(k, 0, 1);
    s.create(b('m0'), 0, 2);
    for (let i = 0; i < 600; i++) {
      ks.lookupWrite(k, 0, 1);
      s.add(b(`m${i}`), 0, `m${i}`.length);
    }
    const draw = (n: number): Map<string, number> => {
      const counts = new Map<string, number>();
      ks.lookupWrite(k, 0, 1);
      for (let i = 0; i < n; i++) {
        s.random();
        const m = Buffer.from(s.memberBuf.subarray(s.memberOff, s.memberOff + s.memberLen)).toString();
        counts.set(m, (counts.get(m) ?? 0) + 1);
      }
      return counts;
    };
    // 600 members, 60,000 draws: chi-square per degree of freedom near 1 (it was 72 with "next occupied slot").
    const dense = draw(60_000);
    expect(dense.size).toBe(600);
    let chi = 0;
    for (const c of dense.values()) chi += (c - 100) ** 2 / 100;
    expect(chi / 599).toBeLessThan(1.6);
    // Delete all but 10: the table is sparse (and shrinking); each of the 10 still gets about a tenth.
    for (let i = 10; i < 600; i++) {
      ks.lookupWrite(k, 0, 1);
      s.remove(b(`m${i}`), 0, `m${i}`.length);
    }
    const sparse = draw(2000);
    expect(sparse.size).toBe(10);
    for (const c of sparse.values()) {
      expect(c).toBeGreaterThan(120);
      expect(c).toBeLessThan(280);
    }
  });
});
