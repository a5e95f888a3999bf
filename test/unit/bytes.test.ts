/**
 * server/keyspace/bytes.ts: copyBytes gives the same bytes on every path (short loop, same-buffer move, direct copy,
 * the staged copy of non-co-aligned ranges, in pieces beyond 64 KiB), between Buffers and SharedArrayBuffer views
 * that start at any offset, and writes nothing outside the destination range; copies from several Buffers in turns
 * read each one's own bytes (the cached plain view of the last small Buffer).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesEqual, copyBytes } from '../../server/keyspace/bytes.js';

function filled(u8: Uint8Array, seed: number): Uint8Array {
  for (let i = 0; i < u8.length; i++) u8[i] = (i * 131 + seed * 7 + (i >> 9)) & 0xff;
  return u8;
}

describe('copyBytes', () => {
  it('copies exactly the range, whatever the buffers, offsets and length', () => {
    const kinds = ['buffer', 'shared', 'sharedView'] as const;
    const make = (kind: (typeof kinds)[number], size: number, seed: number): Uint8Array => {
      if (kind === 'buffer') return filled(Buffer.alloc(size + 3).subarray(3), seed);
      if (kind === 'shared') return filled(new Uint8Array(new SharedArrayBuffer(size)), seed);
      return filled(new Uint8Array(new SharedArrayBuffer(size + 5), 5, size), seed);
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.constantFrom(...kinds),
        fc.oneof(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 500, max: 5000 }), fc.integer({ min: 65_000, max: 140_000 })),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        (sk, dk, len, so, dOff) => {
          const src = make(sk, len + 32, 1);
          const dst = make(dk, len + 32, 2);
          const before = Buffer.from(dst);
          copyBytes(src, so, dst, dOff, len);
          expect(bytesEqual(dst, dOff, src, so, len)).toBe(true);
          expect(Buffer.from(dst.subarray(0, dOff)).equals(before.subarray(0, dOff))).toBe(true);
          expect(Buffer.from(dst.subarray(dOff + len)).equals(before.subarray(dOff + len))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('copies from Buffers in turns: views of one ArrayBuffer, a big one, a plain view (the twin view of sourceView)', () => {
    const slab = new ArrayBuffer(8192);
    const a = filled(Buffer.from(slab, 100, 3000), 11);
    const b = filled(Buffer.from(slab, 3333, 3000), 12);
    const big = filled(Buffer.from(new ArrayBuffer(200_000), 70_001, 3000), 13);
    const plain = filled(new Uint8Array(slab, 6400, 1500), 14);
    const dst = new Uint8Array(new SharedArrayBuffer(4096));
    fc.assert(
      fc.property(
        fc.array(fc.record({ src: fc.constantFrom(a, b, big, plain), so: fc.nat(900), len: fc.integer({ min: 49, max: 511 }), dOff: fc.nat(3000) }), { minLength: 1, maxLength: 12 }),
        (copies) => {
          for (const { src, so, len, dOff } of copies) {
            copyBytes(src, so, dst, dOff, len);
            for (let i = 0; i < len; i++) if (dst[dOff + i] !== src[so + i]) expect([dOff + i, dst[dOff + i]]).toEqual([dOff + i, src[so + i]]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('moves within one buffer (overlapping ranges) as memmove does', () => {
    const u8 = filled(new Uint8Array(new SharedArrayBuffer(4096)), 3);
    const want = Buffer.from(u8);
    want.copy(want, 13, 5, 5 + 3000);
    copyBytes(u8, 5, u8, 13, 3000);
    expect(Buffer.from(u8).equals(want)).toBe(true);
  });
});
