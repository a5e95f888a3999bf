/**
 * The compact encoding of small hashes (OBJECT ENCODING `listpack`): every entry in the item's value, one after the
 * other, as Redis keeps small hashes in a listpack (src/listpack.c). Our layout is our own and simpler:
 * ```
 * bytes 0..3   u32 LE  entry count (a hash: 2 × fields, field then value)
 * then each entry: a length prefix (1 byte when < 254; else 0xFE and a u32 LE), then the bytes
 * ```
 * No alignment (an item's value starts anywhere). Lookups are linear, as in Redis: the encoding is kept only while
 * the collection is small (`hash-max-listpack-entries`, `hash-max-listpack-value`), then converted for good.
 * Functions here are pure over a byte range; the type layer (hash-type.ts) sizes the item with the keyspace.
 */
import { copyBytes } from '../../allocator/bytes.js';

/** Bytes of the count header. */
export const LP_HEADER = 4;
const LONG_PREFIX = 0xfe;

/** Entry count stored at `base`. */
export function lpCount(u8: Uint8Array, base: number): number {
  return (u8[base] | (u8[base + 1] << 8) | (u8[base + 2] << 16) | (u8[base + 3] << 24)) >>> 0;
}

/** Writes the entry count at `base`. */
export function lpSetCount(u8: Uint8Array, base: number, n: number): void {
  u8[base] = n & 0xff;
  u8[base + 1] = (n >>> 8) & 0xff;
  u8[base + 2] = (n >>> 16) & 0xff;
  u8[base + 3] = n >>> 24;
}

/** Encoded size in bytes of an entry of `len` bytes (prefix included). */
export function lpEntrySize(len: number): number {
  return (len < LONG_PREFIX ? 1 : 5) + len;
}

/** Length of the entry at `p`. */
export function lpLen(u8: Uint8Array, p: number): number {
  const b = u8[p];
  if (b !== LONG_PREFIX) return b;
  return (u8[p + 1] | (u8[p + 2] << 8) | (u8[p + 3] << 16) | (u8[p + 4] << 24)) >>> 0;
}

/** Offset of the bytes of the entry at `p`. */
export function lpData(u8: Uint8Array, p: number): number {
  return p + (u8[p] === LONG_PREFIX ? 5 : 1);
}

/** Offset of the entry after the one at `p`. */
export function lpNext(u8: Uint8Array, p: number): number {
  return u8[p] === LONG_PREFIX ? p + 5 + lpLen(u8, p) : p + 1 + u8[p];
}

/** Writes an entry (prefix and bytes b[o..o+l)) at `p`; returns the offset after it. */
export function lpWrite(u8: Uint8Array, p: number, b: Uint8Array, o: number, l: number): number {
  if (l < LONG_PREFIX) u8[p++] = l;
  else {
    u8[p] = LONG_PREFIX;
    u8[p + 1] = l & 0xff;
    u8[p + 2] = (l >>> 8) & 0xff;
    u8[p + 3] = (l >>> 16) & 0xff;
    u8[p + 4] = l >>> 24;
    p += 5;
  }
  copyBytes(b, o, u8, p, l);
  return p + l;
}

/**
 * Finds the entry equal to b[o..o+l) among the entries at positions 0, step, 2·step… of the listpack at `base`
 * (step 2: the fields of a hash).
 * @returns offset of the matching entry, or -1
 */
export function lpFind(u8: Uint8Array, base: number, b: Uint8Array, o: number, l: number, step: number): number {
  const n = lpCount(u8, base);
  let p = base + LP_HEADER;
  for (let i = 0; i < n; i += step) {
    const len = lpLen(u8, p);
    if (len === l) {
      const d = lpData(u8, p);
      let j = 0;
      while (j < l && u8[d + j] === b[o + j]) j++;
      if (j === l) return p;
    }
    p = lpNext(u8, p);
    for (let k = 1; k < step; k++) p = lpNext(u8, p);
  }
  return -1;
}

/** Offset of entry number `index` (0-based) of the listpack at `base`. */
export function lpSeek(u8: Uint8Array, base: number, index: number): number {
  let p = base + LP_HEADER;
  for (let i = 0; i < index; i++) p = lpNext(u8, p);
  return p;
}
