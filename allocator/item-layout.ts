/**
 * The item layout: how one key/value pair is laid out in its arena chunk. Every item of tierkv lives in
 * exactly this form, never as a JS object.
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
 * Sources: memcached's `struct _stritem` (header, then key, then value, inline) and Redis's LFU counter
 * (src/evict.c); the header is 16 bytes against memcached's 48.
 */

/** Header size in bytes (without the optional expire time). */
export const ITEM_HEADER = 16;
/** Size in bytes of the optional expire-time field. */
export const ITEM_TTL_FIELD = 8;

/** Flag: the item has an expire time. */
export const F_HAS_TTL = 1;
/** Flag: the value was edited in place (APPEND, SETRANGE): Redis reports such strings as `raw`. */
export const F_RAW = 2;
/** Flag: a string that Redis would not have integer-encoded (e.g. an INCRBYFLOAT result): OBJECT ENCODING embstr. */
export const F_NOINT = 4;
/** Flag written by the arena into a freed chunk, so that the CLOCK hand can tell free chunks from items. */
export const F_FREE = 0x80;

/** Byte offset of each header field from the start of the item. */
export const OFF_FLAGS = 0;
export const OFF_LFU = 1;
export const OFF_EPOCH = 2;
export const OFF_KEYLEN = 4;
export const OFF_VALLEN = 8;
export const OFF_ATIME = 12;
export const OFF_EXPIRE = 16;

/** Total item size in bytes for a key and value of the given lengths. */
export function itemSize(keyLen: number, valLen: number, hasTtl: boolean): number {
  return ITEM_HEADER + (hasTtl ? ITEM_TTL_FIELD : 0) + keyLen + valLen;
}

/** Offset of the key bytes from the start of the item, given its flags byte. */
export function keyOffset(flags: number): number {
  return (flags & F_HAS_TTL) !== 0 ? ITEM_HEADER + ITEM_TTL_FIELD : ITEM_HEADER;
}
