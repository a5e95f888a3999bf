/**
 * ZsetType (server/keyspace/zset-type.ts) and its skiplist (zskiplist.ts) against a model (a JS array sorted by
 * score then member bytes), on a real Keyspace and Arena: adds, score updates, removals, ranks, score and lex
 * counts, iteration from any rank both ways, range deletions, conversion at both thresholds (entries and member
 * length), equal scores ordered by member bytes, binary and empty members, ±inf; deleting the zset gives every
 * byte back to the arena; COPY's clone and MEMORY USAGE accounting.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Arena } from '../../allocator/arena.js';
import { Keyspace, NO_TTL } from '../../server/keyspace/keyspace.js';
import { ZsetType } from '../../server/keyspace/zset-type.js';

type E = { m: Buffer; s: number };
const cmp = (a: E, b: E): number => (a.s < b.s ? -1 : a.s > b.s ? 1 : Buffer.compare(a.m, b.m));
const key = Buffer.from('z');

function modelCheck(z: ZsetType, model: E[]): void {
  expect(z.len()).toBe(model.length);
  if (model.length === 0) return;
  const got: E[] = [];
  z.seek(0);
  do got.push({ m: Buffer.from(z.memberBuf.subarray(z.memberOff, z.memberOff + z.memberLen)), s: z.score });
  while (z.next());
  expect(got).toEqual(model);
  // Backward from the last rank.
  const back: E[] = [];
  z.seek(model.length - 1);
  do back.push({ m: Buffer.from(z.memberBuf.subarray(z.memberOff, z.memberOff + z.memberLen)), s: z.score });
  while (z.prev());
  expect(back.reverse()).toEqual(model);
}

const member = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('a', 'b', 'c', 'ab', '', '\x00', '\xff', 'a\x00') },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 300 }).map((n) => 'm' + n) },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 90 }).map((n) => 'y'.repeat(n)) },
);
const score = fc.oneof(
  fc.constantFrom(0, 1, -1, 1.5, Infinity, -Infinity, -0),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: true }),
);

describe('ZsetType', () => {
  it('random operations against a sorted-array model, for several thresholds', () => {
    fc.assert(
      fc.property(
        fc.constantFrom([128, 64], [0, 64], [4, 64], [16, 2], [1000, 1000]),
        fc.array(fc.tuple(fc.constantFrom('set', 'set', 'set', 'del', 'rank', 'count', 'lex', 'seek', 'delrange'), member, fc.oneof(score, fc.constant(7), fc.constant(7)), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 10 })), { maxLength: 400 }),
        ([entries, value], ops) => {
          const ks = new Keyspace(new Arena({ extentSize: 4 << 20 }));
          const z = new ZsetType(ks);
          z.maxListpackEntries = entries!;
          z.maxListpackValue = value!;
          let model: E[] = [];
          let sawLarge = false;
          for (const [op, ms, s, i, n] of ops) {
            const m = Buffer.from(ms, 'latin1');
            const found = ks.lookupWrite(key, 0, 1);
            if (!found) {
              if (op !== 'set') continue;
              z.create(entries === 0 || m.length > value!);
            }
            const at = model.findIndex((e) => e.m.equals(m));
            if (op === 'set') {
              const r = z.set(m, 0, m.length, s);
              expect(r).toBe(at < 0 ? 1 : model[at]!.s === s ? 0 : 2);
              // An equal score (0 and -0 too) changes nothing; a listpack stores -0 as 0 (as Redis's text scores do).
              if (at < 0 || model[at]!.s !== s) {
                if (at >= 0) model.splice(at, 1);
                model.push({ m, s: z.encoding() === 'listpack' && s === 0 ? 0 : s });
                model.sort(cmp);
              }
            } else if (op === 'del') {
              expect(z.del(m, 0, m.length)).toBe(at >= 0);
              if (at >= 0) model.splice(at, 1);
            } else if (op === 'rank') {
              const r = z.rank(m, 0, m.length);
              expect(r).toBe(at < 0 ? -1 : model.findIndex((e) => e.m.equals(m)));
              if (at >= 0) expect(z.score).toBe(model[r]!.s);
            } else if (op === 'count') {
              expect(z.countScoreBelow(s, false)).toBe(model.filter((e) => e.s < s).length);
              expect(z.countScoreBelow(s, true)).toBe(model.filter((e) => e.s <= s).length);
            } else if (op === 'lex') {
              // Lex ranges assume equal scores (Redis: undefined otherwise); a listpack answers the leading run anyway.
              if (z.encoding() === 'listpack' || model.every((e) => e.s === model[0]!.s)) {
                const run = (f: (e: E) => boolean): number => {
                  let k = 0;
                  while (k < model.length && f(model[k]!)) k++;
                  return k;
                };
                expect(z.countLexBelow(m, 0, m.length, false)).toBe(run((e) => Buffer.compare(e.m, m) < 0));
                expect(z.countLexBelow(m, 0, m.length, true)).toBe(run((e) => Buffer.compare(e.m, m) <= 0));
              }
            } else if (op === 'seek' && model.length > 0) {
              const r = i % model.length;
              z.seek(r);
              expect(Buffer.from(z.memberBuf.subarray(z.memberOff, z.memberOff + z.memberLen))).toEqual(model[r]!.m);
              expect(z.score).toBe(model[r]!.s);
            } else if (op === 'delrange' && model.length > 0) {
              const r = i % model.length;
              const c = Math.min(n, model.length - r);
              z.deleteRange(r, c);
              model.splice(r, c);
            }
            if (ks.isLarge()) sawLarge = true;
            // Once a skiplist, always a skiplist (Redis 7.0 never converts back on writes).
            if (sawLarge && model.length > 0) expect(z.encoding()).toBe('skiplist');
            if (model.length > entries! || model.some((e) => e.m.length > value!)) expect(z.encoding()).toBe('skiplist');
            modelCheck(z, model);
            if (model.length === 0) {
              ks.removeCurrent();
              sawLarge = false;
            }
          }
          if (ks.lookupWrite(key, 0, 1)) ks.removeCurrent();
          expect(ks.arena.usedBytes()).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('converts at the entry threshold and the member-length threshold, not before', () => {
    const ks = new Keyspace(new Arena({ extentSize: 4 << 20 }));
    const z = new ZsetType(ks);
    ks.lookupWrite(key, 0, 1);
    z.create(false);
    for (let i = 0; i < 128; i++) z.set(Buffer.from('m' + i), 0, ('m' + i).length, i);
    expect(z.encoding()).toBe('listpack');
    z.set(Buffer.from('m0'), 0, 2, 5); // an update is not an insert
    expect(z.encoding()).toBe('listpack');
    z.set(Buffer.from('x'), 0, 1, 1);
    expect(z.encoding()).toBe('skiplist');
    expect(z.len()).toBe(129);
    ks.removeCurrent();
    ks.lookupWrite(key, 0, 1);
    z.create(false);
    z.set(Buffer.alloc(64, 97), 0, 64, 1);
    expect(z.encoding()).toBe('listpack');
    z.set(Buffer.alloc(65, 97), 0, 65, 1);
    expect(z.encoding()).toBe('skiplist');
    ks.removeCurrent();
    expect(ks.arena.usedBytes()).toBe(0);
  });

  it('keeps ranks right through many inserts and deletes in a large skiplist; clone and accounting', () => {
    const ks = new Keyspace(new Arena({ extentSize: 4 << 20 }));
    const z = new ZsetType(ks);
    ks.lookupWrite(key, 0, 1);
    z.create(true);
    const model: E[] = [];
    for (let i = 0; i < 3000; i++) {
      const m = Buffer.from('k' + ((i * 7919) % 5000));
      const s = (i * 31) % 97;
      const at = model.findIndex((e) => e.m.equals(m));
      if (at >= 0) model.splice(at, 1);
      z.set(m, 0, m.length, s);
      model.push({ m, s });
    }
    model.sort(cmp);
    for (let i = 0; i < 1000; i++) {
      const r = (i * 13) % model.length;
      const m = model[r]!.m;
      expect(z.del(m, 0, m.length)).toBe(true);
      model.splice(r, 1);
    }
    for (let r = 0; r < model.length; r += 37) expect(z.rank(model[r]!.m, 0, model[r]!.m.length)).toBe(r);
    modelCheck(z, model);
    expect(ks.auxBytes()).toBeGreaterThan(0);
    // COPY's clone: an independent copy.
    const k2 = Buffer.from('y');
    ks.lookupWrite(key, 0, 1);
    const vl = ks.valLen();
    const srcExt = ks.ext;
    const srcVal = ks.valOff();
    const flags = ks.flags() & ~1;
    ks.lookupWrite(k2, 0, 1);
    ks.storeAlloc(vl, NO_TTL, flags);
    ks.cloneValueFrom(srcExt, srcVal, vl, true);
    modelCheck(z, model);
    ks.lookupWrite(key, 0, 1);
    z.del(model[0]!.m, 0, model[0]!.m.length);
    ks.lookupWrite(k2, 0, 1);
    expect(z.len()).toBe(model.length);
    ks.removeCurrent();
    ks.lookupWrite(key, 0, 1);
    ks.removeCurrent();
    expect(ks.arena.usedBytes()).toBe(0);
  });
});
