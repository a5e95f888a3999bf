/**
 * HashType (server/keyspace/hash-type.ts) against a model (a Map per key), over both encodings and every threshold
 * pair: random HSET/HDEL/HGET sequences on three keys with small, threshold-sized and 70 KB values; after each
 * check, the length, every value, a full iteration (each field once), a full scan (each field at least once) and
 * random picks agree with the model; deleting every hash gives all arena memory back. Plus the two storage bugs
 * the hash commands found (a table allocated at half its size; a conversion in the command that created the hash
 * inserting a second item).
 */
import { describe, expect, it } from 'vitest';
import { Arena, TIER_COLD, TIER_HOT } from '../../allocator/arena.js';
import { HashType } from '../../server/keyspace/hash-type.js';
import { Keyspace } from '../../server/keyspace/keyspace.js';
import { Rng } from '../support/rng.js';

const B = (s: string): Buffer => Buffer.from(s, 'latin1');
const str = (b: Uint8Array, o: number, l: number): string => Buffer.from(b.subarray(o, o + l)).toString('latin1');

function fieldOf(h: HashType): string {
  return str(h.fieldBuf, h.fieldOff, h.fieldLen);
}
function valueOf(h: HashType): string {
  return str(h.valueBuf, h.valueOff, h.valueLen);
}

/** Runs `ops` random operations with the given thresholds; throws at the first disagreement with the model. */
function runModel(seed: number, entries: number, valueMax: number, ops: number): Arena {
  const r = new Rng(seed);
  const arena = new Arena();
  const ks = new Keyspace(arena);
  const h = new HashType(ks);
  h.maxListpackEntries = entries;
  h.maxListpackValue = valueMax;
  const keys = [B('k1'), B('k2\x00'), B('')];
  const model = new Map<string, Map<string, string>>(keys.map((k) => [k.toString('latin1'), new Map()]));
  const fieldSpace = r.int(5, 1500);
  const value = (): Buffer =>
    r.weighted<() => Buffer>([
      [60, () => B(`v${r.int(0, 99)}`)],
      [30, () => Buffer.alloc(r.int(0, 2 * valueMax + 2), 97 + r.int(0, 5))],
      [2, () => Buffer.alloc(r.int(1000, 70_000), 98)],
    ])();
  for (let i = 0; i < ops; i++) {
    const k = r.pick(keys);
    const m = model.get(k.toString('latin1'))!;
    const f = B(`f${r.int(0, fieldSpace)}`);
    const fs = f.toString('latin1');
    const where = `seed ${seed} op ${i} (${entries}/${valueMax})`;
    const found = ks.lookupWrite(k, 0, k.length);
    const op = r.float();
    if (op < 0.5) {
      if (!found) h.create();
      const v = value();
      expect(h.set(f, 0, f.length, v, 0, v.length), where).toBe(!m.has(fs));
      m.set(fs, v.toString('latin1'));
    } else if (op < 0.85) {
      if (!found) continue;
      expect(h.del(f, 0, f.length), where).toBe(m.has(fs));
      m.delete(fs);
      if (h.len() === 0) ks.removeCurrent();
    } else if (op < 0.95) {
      expect(found, where).toBe(m.size > 0);
      if (!found) continue;
      expect(h.len(), where).toBe(m.size);
      expect(h.get(f, 0, f.length), where).toBe(m.has(fs));
      if (m.has(fs)) expect(valueOf(h), where).toBe(m.get(fs));
    } else {
      if (!found) continue;
      const seen = new Map<string, string>();
      h.iterStart();
      while (h.iterNext()) {
        expect(seen.has(fieldOf(h)), where).toBe(false);
        seen.set(fieldOf(h), valueOf(h));
      }
      expect(seen, `${where} ${h.encoding()}`).toEqual(m);
      const scanned = new Set<string>();
      let cursor = 0;
      do cursor = h.scan(cursor, () => scanned.add(fieldOf(h)));
      while (cursor !== 0);
      for (const x of m.keys()) expect(scanned.has(x), where).toBe(true);
      for (let j = 0; j < 5; j++) {
        h.random();
        expect(m.has(fieldOf(h)), where).toBe(true);
      }
    }
  }
  for (const k of keys) if (ks.lookupWrite(k, 0, k.length)) ks.removeCurrent();
  expect(ks.keys).toBe(0);
  return arena;
}

describe('HashType against a model', () => {
  it('agrees over both encodings and every threshold pair, and gives all memory back', () => {
    let seed = 1;
    for (const entries of [0, 4, 128, 512]) {
      for (const valueMax of [0, 8, 64]) {
        const arena = runModel(seed++, entries, valueMax, 1000);
        for (const t of [TIER_HOT, TIER_COLD]) {
          expect(arena.tierUsed[t]).toBe(0);
          expect(arena.tierItems[t]).toBe(0);
        }
      }
    }
  });

  it('converts a hash created by the same command without a second item under its key', () => {
    const ks = new Keyspace(new Arena());
    const h = new HashType(ks);
    const k = B('h');
    expect(ks.lookupWrite(k, 0, 1)).toBe(false);
    h.create();
    h.set(B('a'), 0, 1, B('1'), 0, 1);
    const long = Buffer.alloc(100, 120);
    h.set(B('long'), 0, 4, long, 0, long.length); // converts
    expect(ks.keys).toBe(1);
    expect(ks.lookupWrite(k, 0, 1)).toBe(true);
    expect(h.encoding()).toBe('hashtable');
    expect(h.len()).toBe(2);
  });

  it('allocates a table of 8 bytes per slot: no slot overlaps another chunk after a conversion', () => {
    const ks = new Keyspace(new Arena());
    const h = new HashType(ks);
    const k = B('t');
    ks.lookupWrite(k, 0, 1);
    h.create();
    for (const f of ['a', 'b', 'c', 'd', 'e']) h.set(B(f), 0, 1, B(f), 0, 1);
    h.maxListpackEntries = 5;
    ks.lookupWrite(k, 0, 1);
    h.set(B('f'), 0, 1, B('f'), 0, 1); // converts: table, then six element chunks right after it
    ks.lookupWrite(k, 0, 1);
    const fields: string[] = [];
    h.iterStart();
    while (h.iterNext()) fields.push(fieldOf(h));
    expect(fields.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});
