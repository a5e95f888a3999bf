/**
 * The large encoding of hashes and sets (OBJECT ENCODING `hashtable`): an open-addressing hash table whose table
 * and elements are arena chunks (aux chunks, allocator/item.ts), with its header in the collection item's value.
 *
 * Algorithm: the keyspace index's (hash-index.ts) over arena memory, so no JS object exists per collection or per
 * element:
 * - A table is one aux chunk of `slots` 8-byte slots (u32 element address, u32 31-bit hash); linear probing, at most
 *   3/4 full; deletion by backward shift (no tombstones in the current table). Tables of more than 64 Ki slots are
 *   jumbo chunks (an extent of their own).
 * - An element is one aux chunk: a set member, or a hash field and its value. The hash in the slot is compared
 *   before any element is read, so a lookup reads about one element.
 * - Resizing is incremental as Redis's dict (src/dict.c `_dictRehashStep`): growing or shrinking allocates the new
 *   table and every later operation on the collection moves REHASH_STEP slots of the old one; meanwhile lookups
 *   look in both tables, and the old table marks moved and deleted slots with a tombstone. As in Redis, a
 *   collection's table rehashes only when the collection is used (the server cron rehashes only the keyspace).
 * - The table shrinks when it is less than 1/10 full (Redis: `HASHTABLE_MIN_FILL`), to at least MIN_SLOTS.
 * - Scanning walks ideal buckets with Redis's reverse-binary cursor (dict.c `dictScan`), across both tables while
 *   rehashing, so HSCAN/SSCAN return every element present for the whole iteration at least once.
 *
 * Header (DICT_HEADER bytes, 8-byte aligned at `dictHeaderOff(valOff)`; u32 words then one f64):
 * ```
 * 0 count  1 table addr  2 table mask  3 table used  4 old table addr (0: not rehashing)  5 old mask
 * 6 old used  7 rehash position  8 kind (TYPE_HASH | TYPE_SET)  9 unused  [f64 at byte 40] aux bytes
 * ```
 * The item's value is DICT_VALUE_LEN bytes: the header plus room to align it (an item's value offset modulo 8 is
 * its key length modulo 8 wherever the item is moved, so the padding never changes).
 *
 * Aux bytes: the sum of the chunk sizes the collection asked the arena for (tables and elements), for MEMORY USAGE.
 */
import { TIER_HOT, type Arena } from '../../allocator/arena.js';
import type { Extent } from '../../allocator/extent.js';
import { AUX_HASH_HEADER, AUX_SET_HEADER, AUX_ZSET_HEADER, TYPE_HASH, TYPE_ZSET, auxLen1, auxLen2, auxTableSize, writeAuxHeader } from '../../allocator/item.js';
import { bytesEqual, copyBytes, copyToExtent } from '../../allocator/bytes.js';
import { murmur3 } from './hash.js';
import { pow2AtLeast, revIncrement } from './hash-index.js';

/** Bytes of the dict header. */
export const DICT_HEADER = 48;
/** Value length of a collection item in the large encoding: the header plus alignment room. */
export const DICT_VALUE_LEN = DICT_HEADER + 7;
/** Offset of the 8-byte aligned dict header for a value at `valOff`. */
export function dictHeaderOff(valOff: number): number {
  return (valOff + 7) & ~7;
}

const W_COUNT = 0;
const W_TABLE = 1;
const W_MASK = 2;
const W_USED = 3;
const W_OLD = 4;
const W_OLD_MASK = 5;
const W_OLD_USED = 6;
const W_REHASH = 7;
const W_KIND = 8;
const F_AUX_BYTES = 5; // f64 index relative to the header's f64 index

const EMPTY = 0;
const TOMB = 0xffffffff;
const HASH_MASK = 0x7fffffff;
/** Smallest table, slots. */
export const MIN_SLOTS = 8;
const MAX_LOAD = 0.75;
const MIN_LOAD = 0.1;
/** Random slot draws before `random` walks to the next occupied slot. */
const RANDOM_DRAWS = 256;
/** Old-table slots moved by every operation while rehashing. */
const REHASH_STEP = 16;
/** Slot word offsets: a slot is two u32 words (address, hash) after the table chunk's 8-byte header. */
const SLOT0 = 2;

/**
 * Offset of an element's key in its chunk at (ext, off): `hdr` (the kind's header, see `keyHeader`), or for a zset
 * node (`hdr` -1) its header and its levels (zskiplist.ts: u32 level count at word 5, 8 bytes per level).
 */
function keyAt(ext: Extent, off: number, hdr: number): number {
  return hdr >= 0 ? hdr : AUX_ZSET_HEADER + 8 * ext.u32[(off >>> 2) + 5];
}

/**
 * Operations on one dict at a time, the "bound" one (`bind`); allocation-free. Results of `find`, `random` and
 * iteration are left in `elemExt`/`elemOff` (the element chunk; its member/field starts at `keyOff()`), valid until
 * the next mutation of the arena.
 */
export class ArenaDict {
  private hext!: Extent;
  /** u32 index of the bound header. */
  private hw = 0;
  /** Extent and u32 word index of the current table's first slot; of the old table's (while rehashing). */
  private text!: Extent;
  private tw = 0;
  private oext!: Extent;
  private ow = 0;
  /** Element chunk of the last find/random/iteration. */
  elemExt!: Extent;
  elemOff = 0;
  elemAddr = 0;
  /** Encoded slot of the last successful find: ≥ 0 current table, ≤ -2 old table. */
  private slot = -1;

  constructor(
    private readonly arena: Arena,
    private readonly seed: number,
  ) {}

  /** 31-bit hash of an element key, as the tables store it. */
  hash(b: Uint8Array, o: number, l: number): number {
    return murmur3(b, o, l, this.seed) & HASH_MASK;
  }

  // ----- header ------------------------------------------------------------------------------------------------

  /**
   * Writes a new, empty dict header at (ext, hoff) with a table for `expected` elements (at most 3/4 full) and
   * binds it. `kind` is TYPE_HASH, TYPE_SET or TYPE_ZSET (the element layout; a zset's elements are its skiplist nodes, whose
   * links zskiplist.ts writes after `insertNew`).
   * @throws ArenaFullError when the arena cannot hold the table
   */
  init(ext: Extent, hoff: number, kind: number, expected: number): void {
    const slots = pow2AtLeast(Math.max(MIN_SLOTS, Math.ceil(expected / MAX_LOAD)));
    const w = hoff >>> 2;
    const u32 = ext.u32;
    for (let i = 0; i < 10; i++) u32[w + i] = 0;
    u32[w + W_KIND] = kind;
    ext.f64[(hoff >>> 3) + F_AUX_BYTES] = 0;
    this.hext = ext;
    this.hw = w;
    const t = this.newTable(slots);
    u32[w + W_TABLE] = t;
    u32[w + W_MASK] = slots - 1;
    this.bindTables();
  }

  /** Binds the dict whose header is at (ext, hoff) (8-byte aligned). */
  bind(ext: Extent, hoff: number): void {
    this.hext = ext;
    this.hw = hoff >>> 2;
    this.bindTables();
  }

  /** Re-reads the header's extent after the item that holds it moved (the header bytes moved with it). */
  private bindTables(): void {
    const u32 = this.hext.u32;
    const arena = this.arena;
    let off = arena.resolve(u32[this.hw + W_TABLE]);
    this.text = arena.ext;
    this.tw = (off >>> 2) + SLOT0;
    const old = u32[this.hw + W_OLD];
    if (old !== 0) {
      off = arena.resolve(old);
      this.oext = arena.ext;
      this.ow = (off >>> 2) + SLOT0;
    }
  }

  /** Elements in the bound dict. */
  count(): number {
    return this.hext.u32[this.hw + W_COUNT];
  }

  /** Bytes of aux chunks (tables and elements) the bound dict asked the arena for. */
  auxBytes(): number {
    return this.hext.f64[(this.hw >>> 1) + F_AUX_BYTES];
  }

  /** Current table size in slots (and the old table's, while rehashing): for tests and DEBUG-like reporting. */
  slots(): number {
    const u32 = this.hext.u32;
    return u32[this.hw + W_MASK] + 1 + (u32[this.hw + W_OLD] !== 0 ? u32[this.hw + W_OLD_MASK] + 1 : 0);
  }

  /** True while the bound dict is rehashing. */
  rehashing(): boolean {
    return this.hext.u32[this.hw + W_OLD] !== 0;
  }

  private addAux(bytes: number): void {
    this.hext.f64[(this.hw >>> 1) + F_AUX_BYTES] += bytes;
  }

  private kind(): number {
    return this.hext.u32[this.hw + W_KIND];
  }

  /** Size in bytes of the element chunk at (ext, off), as it was asked of the arena. */
  private elemSize(ext: Extent, off: number): number {
    const kind = this.kind();
    if (kind === TYPE_ZSET) return AUX_ZSET_HEADER + ((auxLen1(ext, off) + 3) & ~3) + 8 * ext.u32[(off >>> 2) + 5];
    return kind === TYPE_HASH ? AUX_HASH_HEADER + auxLen1(ext, off) + auxLen2(ext, off) : AUX_SET_HEADER + auxLen1(ext, off);
  }

  /**
   * Bytes before an element's key in its chunk: the element layout of the dict's kind (allocator/item.ts); -1 for a
   * zset, whose node has its levels before the member (see `keyAt`).
   */
  private keyHeader(): number {
    const kind = this.kind();
    return kind === TYPE_HASH ? AUX_HASH_HEADER : kind === TYPE_ZSET ? -1 : AUX_SET_HEADER;
  }

  /** Accounts `bytes` more (or fewer) aux bytes that belong to the collection but not to the dict (a skiplist header). */
  addAuxBytes(bytes: number): void {
    this.addAux(bytes);
  }

  /** Offset in `elemExt.u8` of the current element's member or field bytes. */
  keyOff(): number {
    return this.elemOff + keyAt(this.elemExt, this.elemOff, this.keyHeader());
  }

  /** Length of the current element's member or field. */
  keyLen(): number {
    return auxLen1(this.elemExt, this.elemOff);
  }

  // ----- lookup --------------------------------------------------------------------------------------------------

  private matches(addr: number, b: Uint8Array, o: number, l: number, hdr: number): boolean {
    const off = this.arena.resolve(addr);
    const ext = this.arena.ext;
    if (auxLen1(ext, off) !== l) return false;
    if (!bytesEqual(ext.u8, off + keyAt(ext, off, hdr), b, o, l)) return false;
    this.elemExt = ext;
    this.elemOff = off;
    this.elemAddr = addr;
    return true;
  }

  /**
   * Finds an element by its member (set) or field (hash) bytes; on success the element is current.
   * Moves the rehash along when one is in progress (as every operation does).
   */
  find(b: Uint8Array, o: number, l: number): boolean {
    if (this.rehashing()) this.rehashStep(REHASH_STEP);
    const h = this.hash(b, o, l);
    this.lastHash = h;
    return this.findHashed(b, o, l, h);
  }

  /**
   * `find` of the element at address `addr`, which is in the dict, with key b[o..o+l) (its own bytes: a skiplist
   * node being deleted): the probe compares slot addresses, no element is read. The element is then current.
   * @throws Error when `addr` is not in the dict (a corrupt collection)
   */
  findNode(addr: number, b: Uint8Array, o: number, l: number): void {
    if (this.rehashing()) this.rehashStep(REHASH_STEP);
    const h = this.hash(b, o, l);
    this.lastHash = h;
    const hu = this.hext.u32;
    let u32 = this.text.u32;
    let mask = hu[this.hw + W_MASK];
    let w = this.tw;
    let i = h & mask;
    for (;;) {
      const a = u32[w + 2 * i];
      if (a === EMPTY) break;
      if (a === addr) {
        this.slot = i;
        return this.setElem(a);
      }
      i = (i + 1) & mask;
    }
    if (hu[this.hw + W_OLD] !== 0) {
      u32 = this.oext.u32;
      mask = hu[this.hw + W_OLD_MASK];
      w = this.ow;
      i = h & mask;
      for (;;) {
        const a = u32[w + 2 * i];
        if (a === EMPTY) break;
        if (a === addr) {
          this.slot = -2 - i;
          return this.setElem(a);
        }
        i = (i + 1) & mask;
      }
    }
    throw new Error('dict: element not found by address');
  }

  /** Hash of the key of the last `find`, which `insertNew` reuses (it always follows a failed find). */
  private lastHash = 0;

  private findHashed(b: Uint8Array, o: number, l: number, h: number): boolean {
    const hdr = this.keyHeader();
    const hu = this.hext.u32;
    let u32 = this.text.u32;
    let mask = hu[this.hw + W_MASK];
    let w = this.tw;
    let i = h & mask;
    for (;;) {
      const a = u32[w + 2 * i];
      if (a === EMPTY) break;
      if (u32[w + 2 * i + 1] === h && this.matches(a, b, o, l, hdr)) {
        this.slot = i;
        return true;
      }
      i = (i + 1) & mask;
    }
    if (hu[this.hw + W_OLD] === 0) return false;
    u32 = this.oext.u32;
    mask = hu[this.hw + W_OLD_MASK];
    w = this.ow;
    i = h & mask;
    for (;;) {
      const a = u32[w + 2 * i];
      if (a === EMPTY) break;
      if (a !== TOMB && u32[w + 2 * i + 1] === h && this.matches(a, b, o, l, hdr)) {
        this.slot = -2 - i;
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  // ----- mutation ------------------------------------------------------------------------------------------------

  /**
   * Adds an element that is not in the dict (the caller's `find` of the same bytes failed just before, and its hash
   * is reused; see `insertAbsent` otherwise): allocates its chunk of
   * `size` bytes (item.ts `auxSetSize`/`auxHashSize`), writes the aux header and the key bytes, inserts it. The
   * element is then current; the caller writes the rest (a hash element's value length and value). `hdr` is the
   * offset of the key in the chunk: given for a zset node (after its levels), else the kind's header.
   * @throws ArenaFullError when the arena cannot hold it
   */
  insertNew(b: Uint8Array, o: number, l: number, size: number, hdr = this.keyHeader()): void {
    const h = this.lastHash;
    const hu = this.hext.u32;
    // The load counts the elements still in the old table: they all end up in the current one.
    if (hu[this.hw + W_COUNT] + 1 > (hu[this.hw + W_MASK] + 1) * MAX_LOAD) {
      // Finish the rehash in progress first (it may end in a shrink: finish that too), then grow.
      while (hu[this.hw + W_OLD] !== 0) this.rehashStep(Infinity);
      if (hu[this.hw + W_COUNT] + 1 > (hu[this.hw + W_MASK] + 1) * MAX_LOAD) this.startRehash((hu[this.hw + W_MASK] + 1) * 2);
    }
    const addr = this.arena.allocAux(size, TIER_HOT);
    const off = this.arena.resolve(addr);
    const ext = this.arena.ext;
    writeAuxHeader(ext, off, l);
    copyToExtent(b, o, ext, off + hdr, l);
    this.addAux(size);
    this.put(addr, h);
    hu[this.hw + W_COUNT]++;
    this.elemExt = ext;
    this.elemOff = off;
    this.elemAddr = addr;
    this.slot = -1;
  }

  /** `insertNew` of a key known to be absent without a `find` before it (a conversion from a compact encoding). */
  insertAbsent(b: Uint8Array, o: number, l: number, size: number, hdr = this.keyHeader()): void {
    this.lastHash = this.hash(b, o, l);
    this.insertNew(b, o, l, size, hdr);
  }

  /** Puts an entry into the current table (no duplicate check). */
  private put(addr: number, h: number): void {
    const hu = this.hext.u32;
    const u32 = this.text.u32;
    const mask = hu[this.hw + W_MASK];
    const w = this.tw;
    let i = h & mask;
    while (u32[w + 2 * i] !== EMPTY) i = (i + 1) & mask;
    u32[w + 2 * i] = addr;
    u32[w + 2 * i + 1] = h;
    hu[this.hw + W_USED]++;
  }

  /**
   * Replaces the current element (found by `find`) by a new chunk of `size` bytes whose first `keep` bytes are
   * copied from the old one (header and key), and frees the old chunk (a hash value that no longer fits, or a chunk
   * that a reply is sending by reference). The new element is current.
   * @throws ArenaFullError when the arena cannot hold it
   */
  replaceFound(size: number, keep: number): void {
    const oldSize = this.elemSize(this.elemExt, this.elemOff);
    const addr = this.arena.allocAux(size, TIER_HOT);
    const off = this.arena.resolve(addr);
    const ext = this.arena.ext;
    copyBytes(this.elemExt.u8, this.elemOff, ext.u8, off, keep);
    if (this.slot >= 0) this.text.u32[this.tw + 2 * this.slot] = addr;
    else this.oext.u32[this.ow + 2 * (-2 - this.slot)] = addr;
    this.arena.freeAux(this.elemAddr, oldSize);
    this.addAux(size - oldSize);
    this.elemExt = ext;
    this.elemOff = off;
    this.elemAddr = addr;
  }

  /** Accounts an in-place size change of the current element (its chunk had room). */
  resizedInPlace(oldSize: number, size: number): void {
    this.arena.resize(this.elemAddr, oldSize, size);
    this.addAux(size - oldSize);
  }

  /** Deletes the current element (found by `find`): frees its chunk and its slot. */
  removeFound(): void {
    const size = this.elemSize(this.elemExt, this.elemOff);
    const hu = this.hext.u32;
    if (this.slot >= 0) this.backshiftDelete(this.slot);
    else {
      this.oext.u32[this.ow + 2 * (-2 - this.slot)] = TOMB;
      hu[this.hw + W_OLD_USED]--;
    }
    this.arena.freeAux(this.elemAddr, size);
    this.addAux(-size);
    hu[this.hw + W_COUNT]--;
    this.slot = -1;
    if (hu[this.hw + W_OLD] !== 0) this.rehashStep(REHASH_STEP);
    else this.maybeShrink();
  }

  private backshiftDelete(slot: number): void {
    const hu = this.hext.u32;
    const u32 = this.text.u32;
    const mask = hu[this.hw + W_MASK];
    const w = this.tw;
    let i = slot;
    let j = (i + 1) & mask;
    for (;;) {
      const a = u32[w + 2 * j];
      if (a === EMPTY) break;
      const ideal = u32[w + 2 * j + 1] & mask;
      if (((j - ideal) & mask) >= ((j - i) & mask)) {
        u32[w + 2 * i] = a;
        u32[w + 2 * i + 1] = u32[w + 2 * j + 1];
        i = j;
      }
      j = (j + 1) & mask;
    }
    u32[w + 2 * i] = EMPTY;
    u32[w + 2 * i + 1] = 0;
    hu[this.hw + W_USED]--;
  }

  private maybeShrink(): void {
    const hu = this.hext.u32;
    const slots = hu[this.hw + W_MASK] + 1;
    const used = hu[this.hw + W_USED];
    if (slots > MIN_SLOTS && used < slots * MIN_LOAD) {
      this.startRehash(Math.max(MIN_SLOTS, pow2AtLeast(Math.ceil(used / 0.4))));
    }
  }

  /** Allocates a zeroed table chunk of `slots` slots; returns its address. */
  private newTable(slots: number): number {
    const size = auxTableSize(slots);
    const addr = this.arena.allocAux(size, TIER_HOT);
    const off = this.arena.resolve(addr);
    const ext = this.arena.ext;
    writeAuxHeader(ext, off, slots);
    ext.u32.fill(0, (off >>> 2) + SLOT0, (off >>> 2) + SLOT0 + 2 * slots);
    this.addAux(size);
    return addr;
  }

  private startRehash(slots: number): void {
    const hu = this.hext.u32;
    const w = this.hw;
    hu[w + W_OLD] = hu[w + W_TABLE];
    hu[w + W_OLD_MASK] = hu[w + W_MASK];
    hu[w + W_OLD_USED] = hu[w + W_USED];
    hu[w + W_REHASH] = 0;
    const t = this.newTable(slots);
    hu[w + W_TABLE] = t;
    hu[w + W_MASK] = slots - 1;
    hu[w + W_USED] = 0;
    this.bindTables();
    // Re-resolve the old table: newTable's allocation does not move it, but bindTables read it before.
    const off = this.arena.resolve(hu[w + W_OLD]);
    this.oext = this.arena.ext;
    this.ow = (off >>> 2) + SLOT0;
  }

  /** Moves up to `maxSlots` slots of the old table into the current one; frees the old table at the end. */
  private rehashStep(maxSlots: number): void {
    const hu = this.hext.u32;
    const w = this.hw;
    const oldAddr = hu[w + W_OLD];
    if (oldAddr === 0) return;
    const oMask = hu[w + W_OLD_MASK];
    const ou32 = this.oext.u32;
    const ow = this.ow;
    let pos = hu[w + W_REHASH];
    const end = Math.min(oMask + 1, pos + maxSlots);
    for (; pos < end; pos++) {
      const a = ou32[ow + 2 * pos];
      if (a === EMPTY || a === TOMB) continue;
      ou32[ow + 2 * pos] = TOMB;
      hu[w + W_OLD_USED]--;
      this.put(a, ou32[ow + 2 * pos + 1]);
    }
    hu[w + W_REHASH] = pos;
    if (pos > oMask) {
      const size = auxTableSize(oMask + 1);
      this.arena.freeAux(oldAddr, size);
      this.addAux(-size);
      hu[w + W_OLD] = 0;
      hu[w + W_OLD_MASK] = 0;
      hu[w + W_OLD_USED] = 0;
      hu[w + W_REHASH] = 0;
      this.maybeShrink();
    }
  }

  // ----- iteration -----------------------------------------------------------------------------------------------

  /** Iteration positions: current table slots then old table slots. Stable while the dict is not mutated. */
  positions(): number {
    const hu = this.hext.u32;
    return hu[this.hw + W_MASK] + 1 + (hu[this.hw + W_OLD] !== 0 ? hu[this.hw + W_OLD_MASK] + 1 : 0);
  }

  /** Makes the element at iteration position `pos` current. @returns false when that position holds none */
  loadPosition(pos: number): boolean {
    const hu = this.hext.u32;
    const n = hu[this.hw + W_MASK] + 1;
    let a: number;
    if (pos < n) a = this.text.u32[this.tw + 2 * pos];
    else a = this.oext.u32[this.ow + 2 * (pos - n)];
    if (a === EMPTY || a === TOMB) return false;
    this.elemOff = this.arena.resolve(a);
    this.elemExt = this.arena.ext;
    this.elemAddr = a;
    return true;
  }

  /**
   * Makes a random element current (the dict must not be empty), uniformly: a table is chosen in proportion to the
   * elements it holds, then random slots of it are drawn until one is occupied (rejection sampling; at least 1/10 of
   * a current table is occupied by the shrink rule, so ~10 draws at worst on average). Taking "the next occupied slot
   * after a random one" instead would favour the elements after long gaps, which linear probing makes common (Redis's
   * dictGetRandomKey draws random buckets until a non-empty one for the same reason). After RANDOM_DRAWS misses it
   * walks to the next occupied slot, so the time stays bounded on a nearly empty old table.
   */
  random(): void {
    const hu = this.hext.u32;
    const oldUsed = hu[this.hw + W_OLD] !== 0 ? hu[this.hw + W_OLD_USED] : 0;
    if (oldUsed > 0 && Math.random() * (oldUsed + hu[this.hw + W_USED]) < oldUsed) {
      // Entries of the old table remain only from the rehash position on.
      const from = hu[this.hw + W_REHASH];
      const span = hu[this.hw + W_OLD_MASK] + 1 - from;
      const u32 = this.oext.u32;
      let i = from + ((Math.random() * span) | 0);
      for (let n = 0; n < RANDOM_DRAWS; n++) {
        const a = u32[this.ow + 2 * i];
        if (a !== EMPTY && a !== TOMB) return this.setElem(a);
        i = from + ((Math.random() * span) | 0);
      }
      for (let n = 0; n < span; n++) {
        const a = u32[this.ow + 2 * i];
        if (a !== EMPTY && a !== TOMB) return this.setElem(a);
        if (++i === from + span) i = from;
      }
    }
    const mask = hu[this.hw + W_MASK];
    const u32 = this.text.u32;
    let i = (Math.random() * (mask + 1)) | 0;
    for (let n = 0; n < RANDOM_DRAWS; n++) {
      const a = u32[this.tw + 2 * i];
      if (a !== EMPTY) return this.setElem(a);
      i = (Math.random() * (mask + 1)) | 0;
    }
    for (let n = 0; n <= mask; n++) {
      const a = u32[this.tw + 2 * i];
      if (a !== EMPTY) return this.setElem(a);
      i = (i + 1) & mask;
    }
  }

  private setElem(a: number): void {
    this.elemOff = this.arena.resolve(a);
    this.elemExt = this.arena.ext;
    this.elemAddr = a;
  }

  /**
   * One scan step (HSCAN/SSCAN): calls `emit()` with each element of the ideal bucket(s) of `cursor` current, and
   * returns the next cursor, 0 at the end. Reverse-binary cursor as Redis's dictScan; see hash-index.ts `scan`.
   * `emit` must not mutate the dict.
   */
  scan(cursor: number, emit: () => void): number {
    const hu = this.hext.u32;
    let v = cursor >>> 0;
    const tMask = hu[this.hw + W_MASK];
    if (hu[this.hw + W_OLD] === 0) {
      this.scanBucket(this.text, this.tw, tMask, v & tMask, emit);
      return revIncrement(v, tMask);
    }
    const oMask = hu[this.hw + W_OLD_MASK];
    const oldSmall = oMask <= tMask;
    const sExt = oldSmall ? this.oext : this.text;
    const sW = oldSmall ? this.ow : this.tw;
    const sMask = oldSmall ? oMask : tMask;
    const lExt = oldSmall ? this.text : this.oext;
    const lW = oldSmall ? this.tw : this.ow;
    const lMask = oldSmall ? tMask : oMask;
    this.scanBucket(sExt, sW, sMask, v & sMask, emit);
    do {
      this.scanBucket(lExt, lW, lMask, v & lMask, emit);
      v = revIncrement(v, lMask);
    } while ((v & (sMask ^ lMask)) !== 0);
    return v;
  }

  private scanBucket(ext: Extent, w: number, mask: number, b: number, emit: () => void): void {
    const u32 = ext.u32;
    let i = b;
    for (let n = 0; n <= mask; n++) {
      const a = u32[w + 2 * i];
      if (a === EMPTY) return;
      if (a !== TOMB && (u32[w + 2 * i + 1] & mask) === b) {
        this.setElem(a);
        emit();
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Copies the bound dict, elements included, to a new header at (ext, hoff) (COPY): finishes a rehash in progress,
   * then copies the table slot by slot (same hashes, same positions) and each element into a chunk of its own.
   * O(elements), no JS allocation. The copy is bound afterwards.
   * @throws ArenaFullError when the arena cannot hold it
   */
  cloneTo(ext: Extent, hoff: number): void {
    while (this.rehashing()) this.rehashStep(Infinity);
    const arena = this.arena;
    const shu = this.hext.u32;
    const sw = this.hw;
    const slots = shu[sw + W_MASK] + 1;
    const src = this.text;
    const srcW = this.tw;
    const kind = shu[sw + W_KIND];
    const count = shu[sw + W_COUNT];
    const used = shu[sw + W_USED];
    const aux = this.auxBytes();
    // The new header first (its table is allocated through it).
    const w = hoff >>> 2;
    for (let i = 0; i < 10; i++) ext.u32[w + i] = 0;
    ext.u32[w + W_KIND] = kind;
    ext.f64[(hoff >>> 3) + F_AUX_BYTES] = 0;
    this.hext = ext;
    this.hw = w;
    const t = this.newTable(slots);
    ext.u32[w + W_TABLE] = t;
    ext.u32[w + W_MASK] = slots - 1;
    this.bindTables();
    const dst = this.text.u32;
    const dw = this.tw;
    for (let i = 0; i < slots; i++) {
      const a = src.u32[srcW + 2 * i];
      if (a === EMPTY) continue;
      const soff = arena.resolve(a);
      const sext = arena.ext;
      const size = this.elemSize(sext, soff);
      const na = arena.allocAux(size, TIER_HOT);
      const noff = arena.resolve(na);
      copyBytes(sext.u8, soff, arena.ext.u8, noff, size);
      dst[dw + 2 * i] = na;
      dst[dw + 2 * i + 1] = src.u32[srcW + 2 * i + 1];
    }
    ext.u32[w + W_COUNT] = count;
    ext.u32[w + W_USED] = used;
    ext.f64[(hoff >>> 3) + F_AUX_BYTES] = aux;
  }

  /**
   * Frees every element and table of the bound dict (DEL, overwrite, eviction, FLUSH of one key): O(elements).
   * The header is left stale; the caller frees the item.
   */
  freeAll(): void {
    const hu = this.hext.u32;
    this.freeTable(this.text, this.tw, hu[this.hw + W_MASK] + 1, hu[this.hw + W_TABLE]);
    if (hu[this.hw + W_OLD] !== 0) this.freeTable(this.oext, this.ow, hu[this.hw + W_OLD_MASK] + 1, hu[this.hw + W_OLD]);
    hu[this.hw + W_COUNT] = 0;
    hu[this.hw + W_OLD] = 0;
  }

  private freeTable(ext: Extent, w: number, slots: number, tableAddr: number): void {
    const arena = this.arena;
    const u32 = ext.u32;
    for (let i = 0; i < slots; i++) {
      const a = u32[w + 2 * i];
      if (a === EMPTY || a === TOMB) continue;
      const off = arena.resolve(a);
      arena.freeAux(a, this.elemSize(arena.ext, off));
    }
    arena.freeAux(tableAddr, auxTableSize(slots));
  }
}
