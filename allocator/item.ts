/**
 * The item: how one key/value pair is laid out in its arena chunk, and the only code that knows it. Every item of
 * tierkv lives in exactly this form, never as a JS object; everything outside allocator/ reads and writes item
 * headers through the accessors below (memcached's `ITEM_key`, `ITEM_data`, `ITEM_ntotal`, memcached.h).
 *
 * ```
 * byte  0      u8   flags        bit 0 HAS_TTL: an 8-byte expire time follows the header
 *                                bit 1 RAW: value was modified in place (APPEND/SETRANGE) -> OBJECT ENCODING raw
 *                                      (strings); LARGE: the large encoding (collections, see below)
 *                                bit 2 NOINT: stored as a plain string even if it reads as an integer
 *                                bits 3..5 TYPE: 0 string, 1 hash, 2 set, 3 list, 4 zset, 7 AUX
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
 *
 * **Collections** (hashes, sets) are items like strings, with a TYPE in the flags; their value is the collection:
 * - compact encodings (flag LARGE clear) hold every element in the value itself: a hash's `listpack`
 *   (server/keyspace/listpack.ts) or a set's `intset` (server/keyspace/intset.ts). Such an item is moved between
 *   tiers, dropped and zeroed exactly as a string is.
 * - the large encoding (LARGE set, OBJECT ENCODING `hashtable`) holds a dict header (server/keyspace/dict.ts) whose
 *   table and elements are **aux chunks**: arena chunks that are not keyspace items and have no key. Their layout:
 * ```
 * byte  0      u8   flags        TYPE = 7 (AUX); bit 7 FREE as for items
 * bytes 1..3                     unused (0)
 * bytes 4..7   u32  len1         element: member or field length; table: slot count
 * bytes 8..11  u32  len2         hash element only: value length
 * then the member (set element), field then value (hash element), or the slots (table, from byte 8: per slot a
 *   u32 element address and the u32 31-bit hash of its member or field)
 * ```
 *   A collection with the large encoding and its aux chunks stay in the hot tier (see server/memory/tiers.ts):
 *   they are never demoted, so MIGRATE_PREPARE never drops them.
 *
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
/** Flag on a collection: the large encoding (dict header value, aux chunks). Same bit as F_RAW, which is for strings. */
export const F_LARGE = 2;
/** Shift and mask of the TYPE field of the flags. */
export const TYPE_SHIFT = 3;
export const TYPE_MASK = 7 << TYPE_SHIFT;
/** Item types (the TYPE field). */
export const TYPE_STRING = 0;
export const TYPE_HASH = 1;
export const TYPE_SET = 2;
export const TYPE_LIST = 3;
export const TYPE_ZSET = 4;
/** An aux chunk: part of a large collection, not a keyspace item. */
export const TYPE_AUX = 7;
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

/** TYPE field of the item (TYPE_STRING, TYPE_HASH...). */
export function itemType(ext: Extent, off: number): number {
  return (ext.u8[off] & TYPE_MASK) >>> TYPE_SHIFT;
}

/** True when the chunk at `off` is a keyspace item: neither free nor an aux chunk (CLOCK hands and the page mover). */
export function chunkIsItem(ext: Extent, off: number): boolean {
  const f = ext.u8[off];
  return (f & F_FREE) === 0 && (f & TYPE_MASK) !== TYPE_AUX << TYPE_SHIFT;
}

/**
 * True when the item is a collection in its large encoding (aux chunks hang off it; pinned to the hot tier, except a
 * short list: server/memory/tiers.ts).
 */
export function itemIsLarge(ext: Extent, off: number): boolean {
  const f = ext.u8[off];
  return (f & TYPE_MASK) !== 0 && (f & F_LARGE) !== 0;
}

// ----- aux chunks ------------------------------------------------------------------------------------------------

/** Header size in bytes of a set element aux chunk (flags, len1); the member follows. */
export const AUX_SET_HEADER = 8;
/** Header size in bytes of a hash element aux chunk (flags, len1, len2); field then value follow. */
export const AUX_HASH_HEADER = 12;
/**
 * Header size in bytes of a sorted-set skiplist node aux chunk (server/keyspace/zskiplist.ts): flags, len1 (member
 * length), f64 score, u32 backward node address, u32 level count; the levels follow (u32 forward address, u32 span
 * each), then the member (its length padded to 4 in the chunk size).
 */
export const AUX_ZSET_HEADER = 24;
/** Header size in bytes of a table aux chunk (flags, slot count); 8-byte slots follow (u32 address, u32 hash). */
export const AUX_TABLE_HEADER = 8;

/** Size in bytes of a set element aux chunk. */
export function auxSetSize(memberLen: number): number {
  return AUX_SET_HEADER + memberLen;
}
/** Size in bytes of a hash element aux chunk. */
export function auxHashSize(fieldLen: number, valueLen: number): number {
  return AUX_HASH_HEADER + fieldLen + valueLen;
}
/** Size in bytes of a table aux chunk of `slots` slots (8 bytes each: u32 element address, u32 hash). */
export function auxTableSize(slots: number): number {
  return AUX_TABLE_HEADER + 8 * slots;
}
/** Writes the first 8 bytes of an aux chunk header (a hash element also needs `setAuxLen2`). */
export function writeAuxHeader(ext: Extent, off: number, len1: number): void {
  ext.u32[off >>> 2] = TYPE_AUX << TYPE_SHIFT;
  ext.u32[(off >>> 2) + 1] = len1;
}
/** len1 of an aux chunk: member/field length, or a table's slot count. */
export function auxLen1(ext: Extent, off: number): number {
  return ext.u32[(off >>> 2) + 1];
}
/** len2 of an aux chunk: a hash element's value length. */
export function auxLen2(ext: Extent, off: number): number {
  return ext.u32[(off >>> 2) + 2];
}
/** Writes len2 (a hash element's value length; the caller checked the chunk has room). */
export function setAuxLen2(ext: Extent, off: number, len2: number): void {
  ext.u32[(off >>> 2) + 2] = len2;
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
