/**
 * The item: how one key/value pair is laid out in its arena chunk, and the only code that knows it. Every item of
 * tierkv lives in exactly this form, never as a JS object; everything outside allocator/ reads and writes item
 * headers through the accessors below (memcached's `ITEM_key`, `ITEM_data`, `ITEM_ntotal`, memcached.h).
 *
 * ```
 * byte  0      u8   flags        bit 0 HAS_TTL: an 8-byte expire time follows the header
 *                                bit 1 RAW: value was modified in place (APPEND/SETRANGE) -> OBJECT ENCODING raw
 *                                bit 2 NOINT: stored as a plain string even if it reads as an integer
 *                                bit 7 FREE: the chunk is on its page's free list (set by the arena; a free chunk
 *                                keeps its free-list link in bytes 4..7)
 * byte  1      u8   lfu          access counter (Redis-style 8-bit logarithmic LFU counter)
 * bytes 2..3   u16  epoch        low 16 bits of the counter epoch in which `lfu` was last written; a counter
 *                                whose epoch is not the current one reads as 0 (O(1) periodic reset)
 * bytes 4..7   u32  keyLen       key length in bytes
 * bytes 8..11  u32  valLen       value length in bytes
 * bytes 12..15 u32  atime        last access, seconds since the Unix epoch (OBJECT IDLETIME)
 * [bytes 16..23 f64 expireAt]    absolute expire time, ms since the Unix epoch (only when HAS_TTL)
 * then keyLen key bytes, then valLen value bytes (binary-safe, no terminator)
 * ```
 * All fields are little-endian (the typed-array views of the platform; x86-64 and arm64 are little-endian).
 * Chunks are 8-byte aligned, so the header can be read through Uint16/Uint32/Float64 views of the extent.
 *
 * The accessors take the extent and the item's byte offset in it (`Arena.resolve`): small monomorphic functions
 * that V8 inlines, so the hot path allocates nothing and reads the same typed arrays as before.
 *
 * Sources: memcached's `struct _stritem` (header, then key, then value, inline) and Redis's LFU counter
 * (src/evict.c); the header is 16 bytes against memcached's 48.
 */
import type { Extent } from './extent.js';

/** Header size in bytes (without the optional expire time). */
const ITEM_HEADER = 16;
/** Size in bytes of the optional expire-time field. */
const ITEM_TTL_FIELD = 8;

/** Flag: the item has an expire time. */
export const F_HAS_TTL = 1;
/** Flag: the value was edited in place (APPEND, SETRANGE): Redis reports such strings as `raw`. */
export const F_RAW = 2;
/** Flag: a string that Redis would not have integer-encoded (e.g. an INCRBYFLOAT result): OBJECT ENCODING embstr. */
export const F_NOINT = 4;
/** Flag written by the arena into a freed chunk, so that the CLOCK hand can tell free chunks from items. */
export const F_FREE = 0x80;

// Header fields, as indexes into the extent's views: u8[off], u16[(off >>> 1) + 1], u32[(off >>> 2) + n],
// f64[(off >>> 3) + 2] (off is 8-byte aligned).
const OFF_LFU = 1;
const U16_EPOCH = 1;
const U32_KEYLEN = 1;
const U32_VALLEN = 2;
const U32_ATIME = 3;
const F64_EXPIRE = 2;

/** Total item size in bytes for a key and value of the given lengths (what the arena is asked for). */
export function itemSize(keyLen: number, valLen: number, hasTtl: boolean): number {
  return ITEM_HEADER + (hasTtl ? ITEM_TTL_FIELD : 0) + keyLen + valLen;
}

/** Size in bytes of the item at `off` (memcached's ITEM_ntotal). */
export function itemTotal(ext: Extent, off: number): number {
  return itemSize(itemKeyLen(ext, off), itemValLen(ext, off), itemHasTtl(ext, off));
}

/** Flags byte. */
export function itemFlags(ext: Extent, off: number): number {
  return ext.u8[off];
}

/** Writes the flags byte (the caller keeps F_HAS_TTL consistent with the layout, see `keyOffFor`). */
export function setItemFlags(ext: Extent, off: number, flags: number): void {
  ext.u8[off] = flags;
}

/** True when the item has an expire time. */
export function itemHasTtl(ext: Extent, off: number): boolean {
  return (ext.u8[off] & F_HAS_TTL) !== 0;
}

/** True when the chunk at `off` is free (on its page's free list), not an item. */
export function chunkIsFree(ext: Extent, off: number): boolean {
  return (ext.u8[off] & F_FREE) !== 0;
}

/** Key length in bytes. */
export function itemKeyLen(ext: Extent, off: number): number {
  return ext.u32[(off >>> 2) + U32_KEYLEN];
}

/** Value length in bytes. */
export function itemValLen(ext: Extent, off: number): number {
  return ext.u32[(off >>> 2) + U32_VALLEN];
}

/** Writes the value length (the caller checked that the chunk has room). */
export function setItemValLen(ext: Extent, off: number, valLen: number): void {
  ext.u32[(off >>> 2) + U32_VALLEN] = valLen;
}

/** Offset of the key bytes of an item at `off` with (or without) an expire-time field. */
export function keyOffFor(off: number, hasTtl: boolean): number {
  return off + (hasTtl ? ITEM_HEADER + ITEM_TTL_FIELD : ITEM_HEADER);
}

/** Offset of the item's key bytes in `ext` (memcached's ITEM_key). */
export function itemKeyOff(ext: Extent, off: number): number {
  return off + ((ext.u8[off] & F_HAS_TTL) !== 0 ? ITEM_HEADER + ITEM_TTL_FIELD : ITEM_HEADER);
}

/** Offset of the item's value bytes in `ext` (memcached's ITEM_data). */
export function itemValOff(ext: Extent, off: number): number {
  return itemKeyOff(ext, off) + itemKeyLen(ext, off);
}

/** Expire time in ms since the Unix epoch, or 0 when the item has none. */
export function itemExpireAt(ext: Extent, off: number): number {
  return (ext.u8[off] & F_HAS_TTL) !== 0 ? ext.f64[(off >>> 3) + F64_EXPIRE] : 0;
}

/** Writes the expire time; the item must have the field (F_HAS_TTL). */
export function setItemExpireAt(ext: Extent, off: number, expireAt: number): void {
  ext.f64[(off >>> 3) + F64_EXPIRE] = expireAt;
}

/** True when the item has an expire time and it is at or before `now` (ms). */
export function itemExpired(ext: Extent, off: number, now: number): boolean {
  return (ext.u8[off] & F_HAS_TTL) !== 0 && ext.f64[(off >>> 3) + F64_EXPIRE] <= now;
}

/** Access counter as seen in `epoch`: 0 when it was last written in another epoch. */
export function itemLfu(ext: Extent, off: number, epoch: number): number {
  return ext.u16[(off >>> 1) + U16_EPOCH] === epoch ? ext.u8[off + OFF_LFU] : 0;
}

/** Access counter byte as stored, whatever its epoch (to copy an item). */
export function itemLfuRaw(ext: Extent, off: number): number {
  return ext.u8[off + OFF_LFU];
}

/** Epoch (low 16 bits) in which the access counter was last written. */
export function itemEpoch(ext: Extent, off: number): number {
  return ext.u16[(off >>> 1) + U16_EPOCH];
}

/** Writes the access counter and its epoch. */
export function setItemLfu(ext: Extent, off: number, lfu: number, epoch: number): void {
  ext.u8[off + OFF_LFU] = lfu;
  ext.u16[(off >>> 1) + U16_EPOCH] = epoch;
}

/** Last access time, seconds since the Unix epoch. */
export function itemAtime(ext: Extent, off: number): number {
  return ext.u32[(off >>> 2) + U32_ATIME];
}

/** Writes the last access time (seconds since the Unix epoch). */
export function setItemAtime(ext: Extent, off: number, sec: number): void {
  ext.u32[(off >>> 2) + U32_ATIME] = sec;
}

/**
 * Writes a whole header; the expire time only when `expireAt` > 0 (then `flags` must have F_HAS_TTL). Key and
 * value bytes go to `keyOffFor(off, expireAt > 0)` and after.
 */
export function writeItemHeader(
  ext: Extent,
  off: number,
  flags: number,
  lfu: number,
  epoch: number,
  keyLen: number,
  valLen: number,
  atimeSec: number,
  expireAt: number,
): void {
  ext.u8[off] = flags;
  ext.u8[off + OFF_LFU] = lfu;
  ext.u16[(off >>> 1) + U16_EPOCH] = epoch;
  ext.u32[(off >>> 2) + U32_KEYLEN] = keyLen;
  ext.u32[(off >>> 2) + U32_VALLEN] = valLen;
  ext.u32[(off >>> 2) + U32_ATIME] = atimeSec;
  if (expireAt > 0) ext.f64[(off >>> 3) + F64_EXPIRE] = expireAt;
}
