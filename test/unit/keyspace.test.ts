import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Arena, TIER_COLD, TIER_HOT } from '../../allocator/arena.js';
import { itemSize } from '../../allocator/item.js';
import { Keyspace, KEEP_TTL, NO_TTL } from '../../server/keyspace/keyspace.js';

const FUTURE = Date.now() + 3_600_000;

function key(ks: Keyspace, k: Buffer): boolean {
  return ks.lookupWrite(k, 0, k.length);
}

function valueOf(ks: Keyspace): Buffer {
  const off = ks.valOff();
  return Buffer.from(ks.ext.u8.subarray(off, off + ks.valLen()));
}

/** Keys and values as a model of what the keyspace must hold. */
type Model = Map<string, { value: Buffer; ttl: number }>;

describe('Keyspace', () => {
  it('stores, overwrites in place or elsewhere, and deletes binary keys and values', () => {
    const ks = new Keyspace(new Arena());
    const k = Buffer.from([0, 255, 10, 13, 0]);
    key(ks, k);
    ks.store(Buffer.from('v1'), 0, 2, NO_TTL);
    expect(key(ks, k)).toBe(true);
    expect(valueOf(ks).toString()).toBe('v1');
    const addr1 = ks.addr;
    ks.store(Buffer.from('v2'), 0, 2, NO_TTL); // same class: in place
    key(ks, k);
    expect(ks.addr).toBe(addr1);
    expect(valueOf(ks).toString()).toBe('v2');
    const big = Buffer.alloc(5000, 7);
    ks.store(big, 0, big.length, FUTURE); // bigger: moved
    key(ks, k);
    expect(ks.addr).not.toBe(addr1);
    expect(valueOf(ks).equals(big)).toBe(true);
    expect(ks.expireAt()).toBe(FUTURE);
    expect(ks.keys).toBe(1);
    expect(ks.expires).toBe(1);
    expect(ks.delete(k, 0, k.length)).toBe(true);
    expect(ks.keys).toBe(0);
    expect(ks.expires).toBe(0);
    expect(ks.arena.usedBytes()).toBe(0);
  });

  it('expires lazily on access and actively in the background cycle', () => {
    const ks = new Keyspace(new Arena());
    for (let i = 0; i < 1000; i++) {
      const k = Buffer.from(`k${i}`);
      key(ks, k);
      ks.store(k, 0, k.length, i % 2 === 0 ? Date.now() + 50 : NO_TTL);
    }
    expect(ks.expires).toBe(500);
    ks.now = Date.now() + 100;
    expect(ks.lookupRead(Buffer.from('k0'), 0, 2)).toBe(false);
    expect(ks.stats.expired).toBe(1);
    let n = 0;
    for (let i = 0; i < 100 && ks.expires > 0; i++) n += ks.activeCycle(10, 100_000);
    expect(n).toBe(499);
    expect(ks.keys).toBe(500);
    expect(ks.expires).toBe(0);
  });

  it('drops a whole tier without visiting its keys; counts are exact at once and new writes win', () => {
    const arena = new Arena();
    const ks = new Keyspace(arena);
    const cold: Buffer[] = [];
    for (let i = 0; i < 20000; i++) {
      const k = Buffer.from(`key:${i}`);
      key(ks, k);
      ks.store(Buffer.from(`value-${i}`), 0, `value-${i}`.length, i % 10 === 0 ? FUTURE : NO_TTL);
      if (i >= 5000) {
        key(ks, k);
        ks.relocate(TIER_COLD, ks.flags(), ks.valLen(), ks.valLen()); // demote
        cold.push(k);
      }
    }
    expect(arena.tierItems[TIER_COLD]).toBe(15000);
    const r = ks.dropTier(TIER_COLD);
    expect(r.keys).toBe(15000);
    expect(ks.keys).toBe(5000);
    expect(ks.expires).toBe(500);
    expect(ks.deadEntries).toBe(15000);
    for (const k of cold.slice(0, 200)) expect(ks.lookupRead(k, 0, k.length)).toBe(false);
    // A dropped key set again is served its new value, never stale bytes.
    const k = cold[7];
    expect(key(ks, k)).toBe(false);
    ks.store(Buffer.from('fresh'), 0, 5, NO_TTL);
    expect(key(ks, k)).toBe(true);
    expect(valueOf(ks).toString()).toBe('fresh');
    // The background cycle removes the dead entries and then the page ids are reclaimed.
    for (let i = 0; i < 1000 && ks.deadEntries > 0; i++) ks.activeCycle(50, 1 << 20);
    expect(ks.deadEntries).toBe(0);
    expect(arena.hasDeadPages()).toBe(false);
    expect(ks.index.size).toBe(5001);
    const hot = Buffer.from('key:42');
    expect(key(ks, hot)).toBe(true);
    expect(valueOf(ks).toString()).toBe('value-42');
  });

  it('keeps keys, values, TTLs and byte accounting exact under random operations (property)', () => {
    // A small pool of keys (binary ones included) so that operations hit the same keys often.
    const pool = ['', 'a', 'key', '\u0000\u00ff', 'k\r\n', 'long-key-name-0123456789', 'x', 'y'].map((s) => Buffer.from(s, 'latin1'));
    const keyArb = fc.constantFrom(...pool);
    const valArb = fc.oneof(
      { weight: 4, arbitrary: fc.uint8Array({ maxLength: 24 }) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 100, maxLength: 3000 }) },
    ).map((a) => Buffer.from(a));
    const opArb = fc.oneof(
      fc.record({ op: fc.constant('set' as const), k: keyArb, v: valArb, ttl: fc.boolean(), keep: fc.boolean() }),
      fc.record({ op: fc.constant('del' as const), k: keyArb }),
      fc.record({ op: fc.constant('append' as const), k: keyArb, v: valArb }),
      fc.record({ op: fc.constant('expire' as const), k: keyArb, on: fc.boolean() }),
      fc.record({ op: fc.constant('demote' as const), k: keyArb }),
      fc.record({ op: fc.constant('drop' as const) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 20, maxLength: 400, size: 'large' }), (ops) => {
        const arena = new Arena();
        const ks = new Keyspace(arena);
        const model: Model = new Map();
        const cold = new Set<string>();
        for (const o of ops) {
          if (o.op === 'drop') {
            ks.dropTier(TIER_COLD);
            for (const c of cold) model.delete(c);
            cold.clear();
            continue;
          }
          const id = o.k.toString('hex');
          const found = key(ks, o.k);
          expect(found).toBe(model.has(id));
          if (o.op === 'set') {
            const ttl = o.keep ? KEEP_TTL : o.ttl ? FUTURE : NO_TTL;
            ks.store(o.v, 0, o.v.length, ttl);
            const prevTtl = model.get(id)?.ttl ?? 0;
            model.set(id, { value: o.v, ttl: o.keep ? prevTtl : o.ttl ? FUTURE : 0 });
            cold.delete(id);
          } else if (o.op === 'del' && found) {
            ks.removeCurrent();
            model.delete(id);
            cold.delete(id);
          } else if (o.op === 'append' && found) {
            const m = model.get(id)!;
            const oldLen = ks.valLen();
            const voff = ks.resizeValue(oldLen + o.v.length);
            ks.ext.u8.set(o.v, voff + oldLen);
            m.value = Buffer.concat([m.value, o.v]);
            cold.delete(id);
          } else if (o.op === 'expire' && found) {
            ks.setExpire(o.on ? FUTURE : 0);
            model.get(id)!.ttl = o.on ? FUTURE : 0;
          } else if (o.op === 'demote' && found && ks.ext.tier === TIER_HOT) {
            ks.relocate(TIER_COLD, ks.flags(), ks.valLen(), ks.valLen());
            cold.add(id);
          }
        }
        expect(ks.keys).toBe(model.size);
        expect(ks.expires).toBe([...model.values()].filter((m) => m.ttl > 0).length);
        let requested = 0;
        for (const [id, m] of model) {
          const k = Buffer.from(id, 'hex');
          expect(key(ks, k)).toBe(true);
          expect(valueOf(ks).equals(m.value)).toBe(true);
          expect(ks.expireAt()).toBe(m.ttl);
          expect(ks.ext.tier).toBe(cold.has(id) ? TIER_COLD : TIER_HOT);
          requested += itemSize(k.length, m.value.length, m.ttl > 0);
        }
        expect(arena.tierRequested[TIER_HOT] + arena.tierRequested[TIER_COLD]).toBe(requested);
        expect(arena.tierItems[TIER_HOT] + arena.tierItems[TIER_COLD]).toBe(model.size);
      }),
      { numRuns: 150 },
    );
  });

  it('never exposes a dropped key\'s bytes, whatever the interleaving of writes, reads, demotions and drops (property)', () => {
    const pool = Array.from({ length: 12 }, (_, i) => Buffer.from(`k${i}`));
    const op = fc.oneof(
      fc.record({ op: fc.constant('set' as const), k: fc.nat(11), v: fc.uint8Array({ maxLength: 60 }) }),
      fc.record({ op: fc.constant('get' as const), k: fc.nat(11) }),
      fc.record({ op: fc.constant('demote' as const), k: fc.nat(11) }),
      fc.record({ op: fc.constant('drop' as const) }),
      fc.record({ op: fc.constant('cycle' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 300 }), (ops) => {
        const ks = new Keyspace(new Arena());
        const model = new Map<number, Buffer>();
        const cold = new Set<number>();
        for (const o of ops) {
          if (o.op === 'set') {
            const k = pool[o.k];
            key(ks, k);
            ks.store(Buffer.from(o.v), 0, o.v.length, NO_TTL);
            model.set(o.k, Buffer.from(o.v));
            cold.delete(o.k);
          } else if (o.op === 'get') {
            const k = pool[o.k];
            const found = ks.lookupRead(k, 0, k.length);
            expect(found).toBe(model.has(o.k));
            if (found) expect(valueOf(ks).equals(model.get(o.k)!)).toBe(true);
          } else if (o.op === 'demote') {
            const k = pool[o.k];
            if (key(ks, k) && ks.ext.tier === TIER_HOT) {
              ks.relocate(TIER_COLD, ks.flags(), ks.valLen(), ks.valLen());
              cold.add(o.k);
            }
          } else if (o.op === 'drop') {
            ks.dropTier(TIER_COLD);
            for (const c of cold) model.delete(c);
            cold.clear();
          } else {
            ks.activeCycle(5, 64);
          }
        }
        expect(ks.keys).toBe(model.size);
      }),
      { numRuns: 200 },
    );
  });
});
