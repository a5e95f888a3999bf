/**
 * allocator/bytes.ts: copyBytes gives the same bytes on every path (short loop, same-buffer move, direct copy,
 * the staged copy of non-co-aligned ranges, in pieces beyond 64 KiB), between Buffers and SharedArrayBuffer views
 * that start at any offset, and writes nothing outside the destination range; copies from several Buffers in turns
 * read each one's own bytes (the cached plain view of the last small Buffer). The four-bytes-at-a-time copies
 * (copyByWords, copyToExtent, and the reply writer's bulkFromExtent) likewise, at every alignment of both sides,
 * from buffers whose length is not a multiple of 4, and from Buffers in turns (the cached word view).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Extent } from '../../allocator/extent.js';
import { bytesEqual, copyBytes, copyByWords, copyToExtent } from '../../allocator/bytes.js';
import { ReplyWriter } from '../../protocol/index.js';

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

describe('copyByWords / copyToExtent', () => {
  it('copies exactly the range at every alignment of source and destination, or declines past the last word', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 700 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 6 }),
        (len, so, dOff, sStart, dStart, slack) => {
          // Views that start `sStart`/`dStart` bytes into their buffers; the source buffer ends `slack` bytes after
          // the range, so its length is often not a multiple of 4.
          const sab = new ArrayBuffer(sStart + so + len + slack);
          const s8 = filled(new Uint8Array(sab, sStart), 5);
          const s32 = new Uint32Array(sab, 0, sab.byteLength >>> 2);
          const dab = new SharedArrayBuffer(dStart + dOff + len + 16);
          const d8 = filled(new Uint8Array(dab, dStart), 6);
          const d32 = new Uint32Array(dab, 0, dab.byteLength >>> 2);
          const before = Buffer.from(d8);
          const done = copyByWords(s8, s32, sStart, so, d8, d32, dStart, dOff, len);
          if (!done) {
            // Declined only when the source's last word would lie past the buffer's last whole word.
            expect(Math.ceil((sStart + so + len) / 4)).toBeGreaterThan(s32.length - 1);
            expect(Buffer.from(d8).equals(before)).toBe(true);
            return;
          }
          expect(bytesEqual(d8, dOff, s8, so, len)).toBe(true);
          expect(Buffer.from(d8.subarray(0, dOff)).equals(before.subarray(0, dOff))).toBe(true);
          expect(Buffer.from(d8.subarray(dOff + len)).equals(before.subarray(dOff + len))).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('copies into an extent from Buffers in turns, small and big, and from the arena itself', () => {
    const ext = new Extent(0, 0, 1 << 16, 0, 1, false);
    filled(ext.u8, 9);
    const slab = new ArrayBuffer(8191); // not a multiple of 4
    const a = filled(Buffer.from(slab, 1, 4000), 21);
    const b = filled(Buffer.from(slab, 4002, 4189), 22);
    const big = filled(Buffer.from(new ArrayBuffer(200_001), 70_003, 3000), 23);
    const plain = filled(new Uint8Array(slab, 6401, 1500), 24);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            src: fc.constantFrom<Uint8Array>(a, b, big, plain, ext.u8),
            so: fc.nat(1000),
            len: fc.integer({ min: 0, max: 600 }),
            dOff: fc.integer({ min: 20_000, max: 60_000 }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        (copies) => {
          for (const { src, so: at, len, dOff } of copies) {
            const so = at % (src.length - len + 1);
            const want = Buffer.from(src.subarray(so, so + len));
            const edge = [ext.u8[dOff - 1], ext.u8[dOff + len]];
            copyToExtent(src, so, ext, dOff, len);
            expect(Buffer.from(ext.u8.subarray(dOff, dOff + len)).equals(want)).toBe(true);
            expect([ext.u8[dOff - 1], ext.u8[dOff + len]]).toEqual(edge);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("bulkFromExtent's view of the reply pool is dropped when the writer switches pools", () => {
    // (White-box: the view covers the pool's whole reply extent, and would keep a given-back extent alive.)
    const ext = new Extent(0, 0, 1 << 16, 0, 1, false);
    filled(ext.u8, 3);
    const w = new ReplyWriter(4096);
    const words = (): Uint32Array => (w as unknown as { poolWords: Uint32Array }).poolWords;
    w.begin();
    w.bulkFromExtent(ext, 0, 100);
    expect(words().length).toBeGreaterThan(0);
    w.raw(Buffer.alloc(40_000)); // more than the pool holds: a new pool
    expect(words().length).toBe(0);
    w.bulkFromExtent(ext, 0, 100);
    expect(words().length).toBeGreaterThan(0);
  });

  it('bulkFromExtent writes the same reply as bulk, at every length and alignment', () => {
    const ext = new Extent(0, 0, 1 << 16, 0, 1, false);
    filled(ext.u8, 4);
    const encode = (w: ReplyWriter, lead: number, items: { off: number; len: number }[], fromExtent: boolean): Buffer => {
      const writes: Buffer[] = [];
      w.begin();
      // A lead of 0..3 bytes first, so that the pool's write position varies mod 4.
      if (lead > 0) w.raw(Buffer.alloc(lead, 0x2e));
      for (const { off, len } of items) {
        const n = Math.min(len, ext.size - off);
        if (fromExtent) w.bulkFromExtent(ext, off, n);
        else w.bulk(ext.u8, off, n);
      }
      w.flushTo({ writableLength: 0, write: (b: Buffer) => (writes.push(Buffer.from(b)), true) });
      return Buffer.concat(writes).subarray(lead);
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.record({ off: fc.nat(60_000), len: fc.integer({ min: 0, max: 2000 }) }), { minLength: 1, maxLength: 40 }),
        (lead, items) => {
          expect(encode(new ReplyWriter(4096), lead, items, true).equals(encode(new ReplyWriter(4096), 0, items, false))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
