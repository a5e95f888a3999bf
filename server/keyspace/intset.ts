/**
 * The compact encoding of small all-integer sets (OBJECT ENCODING `intset`), as Redis's intset (src/intset.c): the
 * members as sorted 64-bit integers in the item's value, found by binary search; SMEMBERS lists them in ascending
 * order as Redis does. Layout (our own; Redis also narrows to 16/32-bit entries, we keep 64):
 * ```
 * bytes 0..3   u32 LE  member count
 * then count × 8 bytes: each member as (lo u32 LE, hi i32 LE) of its two's-complement 64-bit value, ascending
 * ```
 * A member is accepted only in Redis's canonical integer form (string2ll: no sign on 0, no leading zeros, no '+',
 * within the signed 64-bit range): "01" is a string member and turns the set into a hashtable, as in Redis.
 * Values are handled as (hi, lo) pairs so the full 64-bit range is exact without BigInt on the hot path.
 */

import { LL, parseLL } from './int64.js';

/** Bytes of the count header. */
export const IS_HEADER = 4;
/** Bytes per member. */
export const IS_ENTRY = 8;

function rdU32(u8: Uint8Array, p: number): number {
  return (u8[p] | (u8[p + 1] << 8) | (u8[p + 2] << 16) | (u8[p + 3] << 24)) >>> 0;
}
function rdI32(u8: Uint8Array, p: number): number {
  return u8[p] | (u8[p + 1] << 8) | (u8[p + 2] << 16) | (u8[p + 3] << 24);
}
function wrU32(u8: Uint8Array, p: number, v: number): void {
  u8[p] = v & 0xff;
  u8[p + 1] = (v >>> 8) & 0xff;
  u8[p + 2] = (v >>> 16) & 0xff;
  u8[p + 3] = (v >>> 24) & 0xff;
}

/** Member count of the intset at `base`. */
export function isCount(u8: Uint8Array, base: number): number {
  return rdU32(u8, base);
}
/** Writes the member count. */
export function isSetCount(u8: Uint8Array, base: number, n: number): void {
  wrU32(u8, base, n);
}
/** High (signed) 32 bits of member `i`. */
export function isHi(u8: Uint8Array, base: number, i: number): number {
  return rdI32(u8, base + IS_HEADER + i * IS_ENTRY + 4);
}
/** Low (unsigned) 32 bits of member `i`. */
export function isLo(u8: Uint8Array, base: number, i: number): number {
  return rdU32(u8, base + IS_HEADER + i * IS_ENTRY);
}
/** Writes member `i`. */
export function isWrite(u8: Uint8Array, base: number, i: number, hi: number, lo: number): void {
  const p = base + IS_HEADER + i * IS_ENTRY;
  wrU32(u8, p, lo);
  wrU32(u8, p + 4, hi);
}

/**
 * Binary search for (hi, lo).
 * @returns the member's index when present, else -(insertion index) - 1
 */
export function isSearch(u8: Uint8Array, base: number, hi: number, lo: number): number {
  let a = 0;
  let b = isCount(u8, base) - 1;
  while (a <= b) {
    const m = (a + b) >>> 1;
    const mh = isHi(u8, base, m);
    const ml = isLo(u8, base, m);
    if (mh < hi || (mh === hi && ml < lo)) a = m + 1;
    else if (mh > hi || ml > lo) b = m - 1;
    else return m;
  }
  return -a - 1;
}

/** Result of `parseInt64`: the (hi, lo) pair of the last successful parse. */
export const I64 = { hi: 0, lo: 0 };

const TWO32 = 4294967296;

/**
 * Parses b[o..o+l) as a canonical signed 64-bit decimal integer (Redis string2ll, int64.ts `parseLL`: what Redis
 * accepts into an intset). Leaves the value in `I64`.
 */
export function parseInt64(b: Uint8Array, o: number, l: number): boolean {
  if (!parseLL(b, o, l)) return false;
  if (LL.big === null) {
    const v = LL.value;
    const hi = Math.floor(v / TWO32);
    I64.hi = hi;
    I64.lo = v - hi * TWO32;
  } else {
    I64.hi = Number(BigInt.asIntN(32, LL.big >> 32n));
    I64.lo = Number(LL.big & 0xffffffffn);
  }
  return true;
}

/** Writes the decimal form of (hi, lo) into `out` at 0; returns its length (at most 20). */
export function formatInt64(hi: number, lo: number, out: Uint8Array): number {
  let s: string;
  if (hi >= -0x200000 && hi < 0x200000) s = String(hi * TWO32 + lo);
  else s = ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return s.length;
}
