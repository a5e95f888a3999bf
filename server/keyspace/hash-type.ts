/**
 * The hash type (Redis's t_hash.c): a hash's fields over either encoding, on the keyspace's current item.
 *
 * - `listpack` (listpack.ts) while the hash has at most `hash-max-listpack-entries` fields and no field or value
 *   longer than `hash-max-listpack-value` bytes; the whole hash is the item's value, so it tiers, drops and zeroes
 *   exactly as a string does. Edits resize the item through the keyspace (`resizeValue`), which never writes a
 *   pinned extent in place.
 * - `hashtable` (dict.ts) past either threshold, for good (Redis never converts back either): one aux chunk per
 *   field (field and value together) and a table; the item stays in the hot tier.
 *
 * The conversion happens before the write that crosses a threshold, as Redis's hashTypeTryConversion does, so
 * `OBJECT ENCODING` answers what Redis would. Everything is allocation-free except the conversion itself (the
 * listpack is copied once to a transient buffer, at most hash-max-listpack-entries × value size).
 *
 * Callers (server/commands/hashes.ts) look the key up first, check `ks.type() === TYPE_HASH`, and delete the key
 * when `len()` reaches 0 (Redis deletes empty collections). Results (`get`, iteration, `random`) are left in the
 * `field*` and `value*` fields: byte ranges of the arena, valid until the next write or lookup.
 */
import { AUX_HASH_HEADER, TYPE_HASH, TYPE_SHIFT, auxHashSize, auxLen2, setAuxLen2 } from '../../allocator/item.js';
import { copyBytes, copyToExtent } from '../../allocator/bytes.js';
import type { ArenaDict } from './dict.js';
import { DICT_VALUE_LEN, dictHeaderOff } from './dict.js';
import { F_LARGE, KEEP_TTL, NO_TTL, type Keyspace } from './keyspace.js';
import { LP_HEADER, lpCount, lpData, lpEntrySize, lpFind, lpLen, lpNext, lpSetCount, lpWrite } from './listpack.js';

const HASH_FLAGS = TYPE_HASH << TYPE_SHIFT;
const EMPTY = new Uint8Array(0);

/** Hash operations on the keyspace's current item. */
export class HashType {
  /** hash-max-listpack-entries (Redis 7.0 default 512). */
  maxListpackEntries = 512;
  /** hash-max-listpack-value, bytes (default 64). */
  maxListpackValue = 64;

  /** Field of the last get/iteration/random: bytes fieldBuf[fieldOff .. fieldOff + fieldLen). */
  fieldBuf: Uint8Array = EMPTY;
  fieldOff = 0;
  fieldLen = 0;
  /** Value of the last get/iteration/random. */
  valueBuf: Uint8Array = EMPTY;
  valueOff = 0;
  valueLen = 0;

  /** Iteration state: listpack offset (relative to the value) or dict position. */
  private it = 0;
  private itEnd = 0;

  constructor(private readonly ks: Keyspace) {}

  /** True when the current hash uses the listpack encoding. */
  private compact(): boolean {
    return !this.ks.isLarge();
  }

  /** OBJECT ENCODING of the current hash. */
  encoding(): string {
    return this.compact() ? 'listpack' : 'hashtable';
  }

  /**
   * Creates an empty listpack hash at the key of the keyspace's last lookup (which found nothing); the caller adds at
   * least one field before the command ends (an empty hash must not stay).
   * @throws ArenaFullError when no memory can be had
   */
  create(): void {
    const voff = this.ks.storeAlloc(LP_HEADER, NO_TTL, HASH_FLAGS);
    lpSetCount(this.ks.ext.u8, voff, 0);
    this.ks.refind();
  }

  /** Number of fields (HLEN). */
  len(): number {
    const ks = this.ks;
    if (this.compact()) return lpCount(ks.ext.u8, ks.valOff()) >>> 1;
    return ks.bindDict().count();
  }

  /** Looks a field up; on success its value is in `value*` (and the field in `field*`). */
  get(fb: Uint8Array, fo: number, fl: number): boolean {
    const ks = this.ks;
    if (this.compact()) {
      const u8 = ks.ext.u8;
      const p = lpFind(u8, ks.valOff(), fb, fo, fl, 2);
      if (p < 0) return false;
      this.fromListpack(u8, p);
      return true;
    }
    const d = ks.bindDict();
    if (!d.find(fb, fo, fl)) return false;
    this.fromDict(d);
    return true;
  }

  private fromListpack(u8: Uint8Array, p: number): void {
    this.fieldBuf = u8;
    this.fieldOff = lpData(u8, p);
    this.fieldLen = lpLen(u8, p);
    const q = lpNext(u8, p);
    this.valueBuf = u8;
    this.valueOff = lpData(u8, q);
    this.valueLen = lpLen(u8, q);
  }

  private fromDict(d: ArenaDict): void {
    const ext = d.elemExt;
    const off = d.elemOff;
    const fl = d.keyLen();
    this.fieldBuf = ext.u8;
    this.fieldOff = off + AUX_HASH_HEADER;
    this.fieldLen = fl;
    this.valueBuf = ext.u8;
    this.valueOff = off + AUX_HASH_HEADER + fl;
    this.valueLen = auxLen2(ext, off);
  }

  /**
   * Sets a field to a value (HSET): converts to the hashtable encoding first when the field or value is longer than
   * hash-max-listpack-value or the new field would exceed hash-max-listpack-entries.
   * @returns true when the field is new
   * @throws ArenaFullError when no memory can be had
   */
  set(fb: Uint8Array, fo: number, fl: number, vb: Uint8Array, vo: number, vl: number): boolean {
    const ks = this.ks;
    if (this.compact()) {
      if (fl > this.maxListpackValue || vl > this.maxListpackValue) this.convert();
      else {
        const base = ks.valOff();
        const p = lpFind(ks.ext.u8, base, fb, fo, fl, 2);
        if (p >= 0) {
          this.replaceListpackValue(p - base, vb, vo, vl);
          return false;
        }
        if ((lpCount(ks.ext.u8, base) >>> 1) + 1 > this.maxListpackEntries) this.convert();
        else {
          const oldLen = ks.valLen();
          const voff = ks.resizeValue(oldLen + lpEntrySize(fl) + lpEntrySize(vl), 0);
          const u8 = ks.ext.u8;
          lpWrite(u8, lpWrite(u8, voff + oldLen, fb, fo, fl), vb, vo, vl);
          lpSetCount(u8, voff, lpCount(u8, voff) + 2);
          return true;
        }
      }
    }
    const d = ks.bindDict();
    if (d.find(fb, fo, fl)) {
      this.replaceDictValue(d, fl, vb, vo, vl);
      return false;
    }
    d.insertNew(fb, fo, fl, auxHashSize(fl, vl));
    setAuxLen2(d.elemExt, d.elemOff, vl);
    copyToExtent(vb, vo, d.elemExt, d.elemOff + AUX_HASH_HEADER + fl, vl);
    if (ks.onWrite !== null) ks.onWrite(ks.ext.u8, ks.keyOff(), ks.keyLen());
    return true;
  }

  /** Replaces the value of the listpack entry pair whose field starts `rel` bytes into the value. */
  private replaceListpackValue(rel: number, vb: Uint8Array, vo: number, vl: number): void {
    const ks = this.ks;
    let u8 = ks.ext.u8;
    let base = ks.valOff();
    const q = lpNext(u8, base + rel) - base; // value entry, relative
    const oldEntry = lpEntrySize(lpLen(u8, base + q));
    const delta = lpEntrySize(vl) - oldEntry;
    const oldLen = ks.valLen();
    const tail = q + oldEntry; // relative start of what follows the value
    if (delta > 0) {
      base = ks.resizeValue(oldLen + delta, 0);
      u8 = ks.ext.u8;
      u8.copyWithin(base + tail + delta, base + tail, base + oldLen);
    } else if (delta < 0) {
      u8.copyWithin(base + tail + delta, base + tail, base + oldLen);
      base = ks.resizeValue(oldLen + delta, 0);
      u8 = ks.ext.u8;
    } else {
      base = ks.resizeValue(oldLen, 0); // in place unless pinned (copy-on-write); tells WATCH
      u8 = ks.ext.u8;
    }
    lpWrite(u8, base + q, vb, vo, vl);
  }

  /** Replaces the value of the dict element found by `find`, in place when its chunk keeps its class. */
  private replaceDictValue(d: ArenaDict, fl: number, vb: Uint8Array, vo: number, vl: number): void {
    const ks = this.ks;
    const oldSize = auxHashSize(fl, auxLen2(d.elemExt, d.elemOff));
    const size = auxHashSize(fl, vl);
    if (d.elemExt.pins === 0 && ks.arena.sameChunkClass(d.elemAddr, size)) d.resizedInPlace(oldSize, size);
    else d.replaceFound(size, AUX_HASH_HEADER + fl);
    setAuxLen2(d.elemExt, d.elemOff, vl);
    copyToExtent(vb, vo, d.elemExt, d.elemOff + AUX_HASH_HEADER + fl, vl);
    if (ks.onWrite !== null) ks.onWrite(ks.ext.u8, ks.keyOff(), ks.keyLen());
  }

  /**
   * Deletes a field (HDEL). The caller deletes the key when `len()` is then 0.
   * @returns true when the field existed
   */
  del(fb: Uint8Array, fo: number, fl: number): boolean {
    const ks = this.ks;
    if (this.compact()) {
      const u8 = ks.ext.u8;
      const base = ks.valOff();
      const p = lpFind(u8, base, fb, fo, fl, 2);
      if (p < 0) return false;
      const end = lpNext(u8, lpNext(u8, p));
      const oldLen = ks.valLen();
      u8.copyWithin(p, end, base + oldLen);
      lpSetCount(u8, base, lpCount(u8, base) - 2);
      ks.resizeValue(oldLen - (end - p), 0);
      return true;
    }
    const d = ks.bindDict();
    if (!d.find(fb, fo, fl)) return false;
    d.removeFound();
    if (ks.onWrite !== null) ks.onWrite(ks.ext.u8, ks.keyOff(), ks.keyLen());
    return true;
  }

  /** Converts the current listpack hash to the hashtable encoding (keeps TTL, counter, fields). */
  private convert(): void {
    const ks = this.ks;
    const base = ks.valOff();
    const copy = Buffer.from(ks.ext.u8.subarray(base, base + ks.valLen()));
    const n = lpCount(copy, 0);
    const voff = ks.storeAlloc(DICT_VALUE_LEN, KEEP_TTL, HASH_FLAGS | F_LARGE);
    const d = ks.dict;
    d.init(ks.ext, dictHeaderOff(voff), TYPE_HASH, n >>> 1);
    let p = LP_HEADER;
    for (let i = 0; i < n; i += 2) {
      const q = lpNext(copy, p);
      const fo = lpData(copy, p);
      const fl = lpLen(copy, p);
      const vo = lpData(copy, q);
      const vl = lpLen(copy, q);
      d.insertAbsent(copy, fo, fl, auxHashSize(fl, vl));
      setAuxLen2(d.elemExt, d.elemOff, vl);
      copyBytes(copy, vo, d.elemExt.u8, d.elemOff + AUX_HASH_HEADER + fl, vl);
      p = lpNext(copy, q);
    }
  }

  // ----- iteration -----------------------------------------------------------------------------------------------

  /** Starts an iteration over the current hash (HGETALL, HKEYS...); no write may happen until it ends. */
  iterStart(): void {
    const ks = this.ks;
    if (this.compact()) {
      this.it = LP_HEADER;
      this.itEnd = ks.valLen();
    } else {
      this.it = 0;
      this.itEnd = ks.bindDict().positions();
    }
  }

  /** Next field and value into `field*`/`value*`. @returns false at the end */
  iterNext(): boolean {
    const ks = this.ks;
    if (this.compact()) {
      if (this.it >= this.itEnd) return false;
      const u8 = ks.ext.u8;
      const base = ks.valOff();
      const p = base + this.it;
      this.fromListpack(u8, p);
      this.it = lpNext(u8, lpNext(u8, p)) - base;
      return true;
    }
    const d = ks.dict;
    while (this.it < this.itEnd) {
      if (d.loadPosition(this.it++)) {
        this.fromDict(d);
        return true;
      }
    }
    return false;
  }

  /** Makes a uniformly (listpack) or nearly uniformly (hashtable) random field current; the hash is not empty. */
  random(): void {
    const ks = this.ks;
    if (this.compact()) {
      const u8 = ks.ext.u8;
      const base = ks.valOff();
      const n = lpCount(u8, base) >>> 1;
      let p = base + LP_HEADER;
      for (let i = (Math.random() * n) | 0; i > 0; i--) p = lpNext(u8, lpNext(u8, p));
      this.fromListpack(u8, p);
      return;
    }
    const d = ks.bindDict();
    d.random();
    this.fromDict(d);
  }

  /**
   * One HSCAN step: calls `emit()` with each field/value current (`field*`, `value*`); returns the next cursor. A
   * listpack hash is returned whole, cursor 0, as Redis does; a hashtable by reverse-binary cursor (dict.ts `scan`).
   */
  scan(cursor: number, emit: () => void): number {
    if (this.compact()) {
      this.iterStart();
      while (this.iterNext()) emit();
      return 0;
    }
    const d = this.ks.bindDict();
    return d.scan(cursor, () => {
      this.fromDict(d);
      emit();
    });
  }
}
