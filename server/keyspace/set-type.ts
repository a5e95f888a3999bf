/**
 * The set type (Redis 7.0's t_set.c): a set's members over either encoding, on the keyspace's current item.
 *
 * - `intset` (intset.ts) while every member is a canonical 64-bit integer and there are at most
 *   `set-max-intset-entries` of them: the members sorted in the item's value, so SMEMBERS lists them in ascending
 *   order as Redis does, and the set tiers, drops and zeroes exactly as a string does.
 * - `hashtable` (dict.ts) otherwise, for good: one aux chunk per member and a table; the item stays in the hot
 *   tier. As in Redis 7.0 (no listpack sets before 7.2), a set created with a non-integer member is a hashtable
 *   from the start.
 *
 * Callers (server/commands/sets.ts) look the key up first, check `ks.type() === TYPE_SET`, and delete the key when
 * `card()` reaches 0. Results (`random`, iteration) are left in `member*`: a byte range of the arena, or of a
 * scratch buffer for an intset member (formatted in decimal), valid until the next call.
 */
import { AUX_SET_HEADER, TYPE_SET, TYPE_SHIFT, auxSetSize } from '../../allocator/item.js';
import { DICT_VALUE_LEN, dictHeaderOff, type ArenaDict } from './dict.js';
import { I64, IS_ENTRY, IS_HEADER, formatInt64, isCount, isHi, isLo, isSearch, isSetCount, isWrite, parseInt64 } from './intset.js';
import { F_LARGE, KEEP_TTL, NO_TTL, type Keyspace } from './keyspace.js';

const SET_FLAGS = TYPE_SET << TYPE_SHIFT;
const EMPTY = new Uint8Array(0);

/** Set operations on the keyspace's current item. */
export class SetType {
  /** set-max-intset-entries (default 512). */
  maxIntsetEntries = 512;

  /** Member of the last random/iteration: bytes memberBuf[memberOff .. memberOff + memberLen). */
  memberBuf: Uint8Array = EMPTY;
  memberOff = 0;
  memberLen = 0;
  /** Decimal digits of an intset member. */
  private readonly scratch = new Uint8Array(24);

  private it = 0;
  private itEnd = 0;

  constructor(private readonly ks: Keyspace) {}

  private compact(): boolean {
    return !this.ks.isLarge();
  }

  /** OBJECT ENCODING of the current set. */
  encoding(): string {
    return this.compact() ? 'intset' : 'hashtable';
  }

  /**
   * Creates an empty set at the key of the keyspace's last lookup (which found nothing), in the encoding Redis would
   * pick for its first member b[o..o+l) (setTypeCreate): an intset when it is an integer, else a hashtable. The
   * caller adds at least one member before the command ends.
   * @throws ArenaFullError when no memory can be had
   */
  create(b: Uint8Array, o: number, l: number): void {
    const ks = this.ks;
    if (parseInt64(b, o, l) && this.maxIntsetEntries > 0) {
      const voff = ks.storeAlloc(IS_HEADER, NO_TTL, SET_FLAGS);
      isSetCount(ks.ext.u8, voff, 0);
      ks.refind();
      return;
    }
    const voff = ks.storeAlloc(DICT_VALUE_LEN, NO_TTL, SET_FLAGS | F_LARGE);
    ks.dict.init(ks.ext, dictHeaderOff(voff), TYPE_SET, 1);
    ks.refind();
  }

  /** Number of members (SCARD). */
  card(): number {
    const ks = this.ks;
    if (this.compact()) return isCount(ks.ext.u8, ks.valOff());
    return ks.bindDict().count();
  }

  /** True when b[o..o+l) is a member (SISMEMBER). */
  has(b: Uint8Array, o: number, l: number): boolean {
    const ks = this.ks;
    if (this.compact()) return parseInt64(b, o, l) && isSearch(ks.ext.u8, ks.valOff(), I64.hi, I64.lo) >= 0;
    return ks.bindDict().find(b, o, l);
  }

  /**
   * Adds a member (SADD); an intset becomes a hashtable when the member is not an integer or the set would exceed
   * set-max-intset-entries.
   * @returns true when it was not a member
   * @throws ArenaFullError when no memory can be had
   */
  add(b: Uint8Array, o: number, l: number): boolean {
    const ks = this.ks;
    if (this.compact()) {
      if (parseInt64(b, o, l)) {
        const hi = I64.hi;
        const lo = I64.lo;
        const base = ks.valOff();
        const i = isSearch(ks.ext.u8, base, hi, lo);
        if (i >= 0) return false;
        const n = isCount(ks.ext.u8, base);
        if (n + 1 <= this.maxIntsetEntries) {
          const at = -i - 1;
          const oldLen = ks.valLen();
          const voff = ks.resizeValue(oldLen + IS_ENTRY, 0);
          const u8 = ks.ext.u8;
          const from = voff + IS_HEADER + at * IS_ENTRY;
          u8.copyWithin(from + IS_ENTRY, from, voff + oldLen);
          isWrite(u8, voff, at, hi, lo);
          isSetCount(u8, voff, n + 1);
          return true;
        }
      }
      this.convert();
    }
    const d = ks.bindDict();
    if (d.find(b, o, l)) return false;
    d.insertNew(b, o, l, auxSetSize(l));
    if (ks.onWrite !== null) ks.onWrite(ks.ext.u8, ks.keyOff(), ks.keyLen());
    return true;
  }

  /**
   * Removes a member (SREM). The caller deletes the key when `card()` is then 0.
   * @returns true when it was a member
   */
  remove(b: Uint8Array, o: number, l: number): boolean {
    const ks = this.ks;
    if (this.compact()) {
      if (!parseInt64(b, o, l)) return false;
      const base = ks.valOff();
      const u8 = ks.ext.u8;
      const i = isSearch(u8, base, I64.hi, I64.lo);
      if (i < 0) return false;
      const oldLen = ks.valLen();
      const from = base + IS_HEADER + i * IS_ENTRY;
      u8.copyWithin(from, from + IS_ENTRY, base + oldLen);
      isSetCount(u8, base, isCount(u8, base) - 1);
      ks.resizeValue(oldLen - IS_ENTRY, 0);
      return true;
    }
    const d = ks.bindDict();
    if (!d.find(b, o, l)) return false;
    d.removeFound();
    if (ks.onWrite !== null) ks.onWrite(ks.ext.u8, ks.keyOff(), ks.keyLen());
    return true;
  }

  /** Converts the current intset to a hashtable (keeps TTL, counter, members). */
  private convert(): void {
    const ks = this.ks;
    const base = ks.valOff();
    const copy = Buffer.from(ks.ext.u8.subarray(base, base + ks.valLen()));
    const n = isCount(copy, 0);
    const voff = ks.storeAlloc(DICT_VALUE_LEN, KEEP_TTL, SET_FLAGS | F_LARGE);
    const d = ks.dict;
    d.init(ks.ext, dictHeaderOff(voff), TYPE_SET, n + 1);
    const s = this.scratch;
    for (let i = 0; i < n; i++) {
      const l = formatInt64(isHi(copy, 0, i), isLo(copy, 0, i), s);
      d.insertAbsent(s, 0, l, auxSetSize(l));
    }
  }

  private fromIntset(i: number): void {
    const ks = this.ks;
    const base = ks.valOff();
    const u8 = ks.ext.u8;
    this.memberBuf = this.scratch;
    this.memberOff = 0;
    this.memberLen = formatInt64(isHi(u8, base, i), isLo(u8, base, i), this.scratch);
  }

  private fromDict(d: ArenaDict): void {
    this.memberBuf = d.elemExt.u8;
    this.memberOff = d.elemOff + AUX_SET_HEADER;
    this.memberLen = d.keyLen();
  }

  /** Starts an iteration over the current set (SMEMBERS...); no write may happen until it ends. */
  iterStart(): void {
    this.it = 0;
    this.itEnd = this.compact() ? this.card() : this.ks.bindDict().positions();
  }

  /** Next member into `member*`. @returns false at the end */
  iterNext(): boolean {
    if (this.compact()) {
      if (this.it >= this.itEnd) return false;
      this.fromIntset(this.it++);
      return true;
    }
    const d = this.ks.dict;
    while (this.it < this.itEnd) {
      if (d.loadPosition(this.it++)) {
        this.fromDict(d);
        return true;
      }
    }
    return false;
  }

  /** Makes a random member current (the set is not empty). */
  random(): void {
    if (this.compact()) {
      this.fromIntset((Math.random() * this.card()) | 0);
      return;
    }
    const d = this.ks.bindDict();
    d.random();
    this.fromDict(d);
  }

  /**
   * One SSCAN step: calls `emit()` with each member current (`member*`); returns the next cursor. An intset is
   * returned whole, cursor 0, as Redis does; a hashtable by reverse-binary cursor (dict.ts `scan`).
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
