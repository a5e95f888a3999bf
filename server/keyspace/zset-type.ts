/**
 * The sorted-set type (Redis 7.0's t_zset.c): a zset's (member, score) pairs over either encoding, on the
 * keyspace's current item.
 *
 * - `listpack` while the zset has at most `zset-max-listpack-entries` members and none longer than
 *   `zset-max-listpack-value` bytes: the item's value is a count (u32) then, per member in (score, member bytes)
 *   order, a listpack.ts entry (length prefix, member bytes) followed by the score as 8 raw bytes (an f64, so no
 *   formatting or parsing round trip; Redis stores the score as a listpack string or integer). The whole zset is the
 *   item's value, so it tiers, drops and zeroes exactly as a string does. Lookups are linear, as in Redis.
 * - `skiplist` (zskiplist.ts) past either threshold, for good, as Redis 7.0 (zsetAdd converts before the insert
 *   that would cross it; only the *STORE commands build a result in the encoding its size calls for, as
 *   zsetConvertToListpackIfNeeded does): the item stays in the hot tier.
 *
 * Everything is rank based, so both encodings answer the same questions: `rank`, `countScoreBelow` /
 * `countLexBelow` (how many members precede a bound: a score or lex range is then a rank interval), `seek` + `next` /
 * `prev` (iteration from a rank), `deleteRange` (by rank).
 *
 * Callers (server/commands/zsets.ts) look the key up first, check `ks.type() === TYPE_ZSET`, and delete the key
 * when `len()` reaches 0. Results (`member*`, `score`) are byte ranges of the arena, valid until the next write or
 * lookup. WATCH: the skiplist writes node chunks, not the item, so its mutations call the keyspace's `onWrite`
 * (Redis's signalModifiedKey), as hash-type.ts does.
 */
import { TYPE_SHIFT, TYPE_ZSET } from '../../allocator/item.js';
import { copyBytes } from '../../allocator/bytes.js';
import { dictHeaderOff } from './dict.js';
import { F_LARGE, KEEP_TTL, NO_TTL, type Keyspace } from './keyspace.js';
import { LP_HEADER, lpCount, lpData, lpEntrySize, lpLen, lpNext, lpSetCount, lpWrite } from './listpack.js';
import { ZSET_VALUE_LEN, cmpBytes, type ZSkiplist } from './zskiplist.js';

const ZSET_FLAGS = TYPE_ZSET << TYPE_SHIFT;
const EMPTY = new Uint8Array(0);
/** Bytes of a score in the listpack encoding. */
const SCORE_BYTES = 8;

/** Sorted-set operations on the keyspace's current item. */
export class ZsetType {
  /** zset-max-listpack-entries (Redis 7.0 default 128). */
  maxListpackEntries = 128;
  /** zset-max-listpack-value, bytes (default 64). */
  maxListpackValue = 64;

  /** Member of the last score/seek/next/prev: bytes memberBuf[memberOff .. memberOff + memberLen). */
  memberBuf: Uint8Array = EMPTY;
  memberOff = 0;
  memberLen = 0;
  /** Score of the last score/seek/next/prev. */
  score = 0;

  /** f64 ↔ bytes of a listpack score. */
  private readonly f64 = new Float64Array(1);
  private readonly f8 = new Uint8Array(this.f64.buffer);
  /** Listpack iteration: entry offsets (relative to the value) of the members, by rank. */
  private offs = new Int32Array(16);
  private pos = 0;
  private end = 0;
  /** Skiplist iteration: current node. */
  private node = 0;

  constructor(private readonly ks: Keyspace) {}

  private compact(): boolean {
    return !this.ks.isLarge();
  }

  private zsl(): ZSkiplist {
    return this.ks.bindZset();
  }

  /** OBJECT ENCODING of the current zset. */
  encoding(): string {
    return this.compact() ? 'listpack' : 'skiplist';
  }

  /**
   * Creates an empty zset at the key of the keyspace's last lookup (found or not: a found value is replaced, TTL
   * dropped), a skiplist when `large` (Redis: zset-max-listpack-entries 0 or a first member longer than
   * zset-max-listpack-value), else a listpack. The caller adds at least one member before the command ends.
   * @throws ArenaFullError when no memory can be had
   */
  create(large: boolean, expected = 1): void {
    const ks = this.ks;
    if (large) {
      const voff = ks.storeAlloc(ZSET_VALUE_LEN, NO_TTL, ZSET_FLAGS | F_LARGE);
      ks.zset.init(ks.ext, dictHeaderOff(voff), expected);
    } else {
      const voff = ks.storeAlloc(LP_HEADER, NO_TTL, ZSET_FLAGS);
      lpSetCount(ks.ext.u8, voff, 0);
    }
    ks.refind();
  }

  /** Number of members (ZCARD). */
  len(): number {
    const ks = this.ks;
    if (this.compact()) return lpCount(ks.ext.u8, ks.valOff());
    return this.zsl().length();
  }

  private readScore(u8: Uint8Array, p: number): number {
    const f8 = this.f8;
    for (let i = 0; i < 8; i++) f8[i] = u8[p + i]!;
    return this.f64[0]!;
  }

  private writeScore(u8: Uint8Array, p: number, s: number): void {
    this.f64[0] = s;
    const f8 = this.f8;
    for (let i = 0; i < 8; i++) u8[p + i] = f8[i]!;
  }

  /** Rank of the entry the last `lpFindMember` found. */
  private lpIndex = 0;

  /** Listpack: absolute offset of the entry of member b[o..o+l) (its rank in `lpIndex`), or -1. */
  private lpFindMember(b: Uint8Array, o: number, l: number): number {
    const ks = this.ks;
    const u8 = ks.ext.u8;
    const base = ks.valOff();
    const n = lpCount(u8, base);
    let p = base + LP_HEADER;
    for (let i = 0; i < n; i++) {
      const len = lpLen(u8, p);
      const d = lpData(u8, p);
      if (len === l) {
        let j = 0;
        while (j < l && u8[d + j] === b[o + j]) j++;
        if (j === l) {
          this.lpIndex = i;
          return p;
        }
      }
      p = d + len + SCORE_BYTES;
    }
    return -1;
  }

  /** Loads the listpack entry at `p` into `member*` / `score`; returns the next entry's offset. */
  private loadLp(u8: Uint8Array, p: number): number {
    const d = lpData(u8, p);
    const len = lpLen(u8, p);
    this.memberBuf = u8;
    this.memberOff = d;
    this.memberLen = len;
    this.score = this.readScore(u8, d + len);
    return d + len + SCORE_BYTES;
  }

  /** Looks a member up (ZSCORE); on success its score is in `score` (and the member in `member*`). */
  find(b: Uint8Array, o: number, l: number): boolean {
    if (this.compact()) {
      const p = this.lpFindMember(b, o, l);
      if (p < 0) return false;
      this.loadLp(this.ks.ext.u8, p);
      return true;
    }
    const z = this.zsl();
    if (!z.dict.find(b, o, l)) return false;
    z.load(z.dict.elemAddr);
    this.fromZsl(z);
    return true;
  }

  private fromZsl(z: ZSkiplist): void {
    this.memberBuf = z.memberBuf;
    this.memberOff = z.memberOff;
    this.memberLen = z.memberLen;
    this.score = z.score;
  }

  /**
   * Sets the score of member b[o..o+l) (not NaN), adding it when absent (Redis zsetAdd without flags: the caller
   * applies NX/XX/GT/LT/INCR with `find` first). Converts to the skiplist before an insert that would exceed
   * zset-max-listpack-entries or bring a member longer than zset-max-listpack-value.
   * @returns 1 added, 2 score changed, 0 same score
   * @throws ArenaFullError when no memory can be had
   */
  set(b: Uint8Array, o: number, l: number, score: number): number {
    const ks = this.ks;
    if (this.compact()) {
      const p = this.lpFindMember(b, o, l);
      if (p >= 0) {
        const d = lpData(ks.ext.u8, p);
        if (this.readScore(ks.ext.u8, d + l) === score) return 0;
        this.lpDelete(p);
        this.lpInsert(b, o, l, score);
        return 2;
      }
      if (lpCount(ks.ext.u8, ks.valOff()) + 1 > this.maxListpackEntries || l > this.maxListpackValue) this.convert();
      else {
        this.lpInsert(b, o, l, score);
        return 1;
      }
    }
    return this.setAfterFind(b, o, l, score, this.zsl().dict.find(b, o, l));
  }

  /**
   * `set` right after `find(b, o, l)` on this zset returned `found` (nothing written in between): ZADD's path. A
   * skiplist reuses that lookup (the dict's current node, or the hash of the failed probe) instead of looking the
   * member up again; a listpack takes `set`.
   * @returns 1 added, 2 score changed, 0 same score
   * @throws ArenaFullError when no memory can be had
   */
  setAfterFind(b: Uint8Array, o: number, l: number, score: number, found: boolean): number {
    if (this.compact()) return this.set(b, o, l, score);
    const ks = this.ks;
    const z = ks.zset;
    let r: number;
    if (found) {
      const x = z.dict.elemAddr;
      if (z.nodeScore(x) === score) return 0;
      z.updateScore(x, b, o, l, score);
      r = 2;
    } else {
      z.insert(b, o, l, score, true);
      r = 1;
    }
    if (ks.onWrite !== null) ks.onWrite(ks.ext.u8, ks.keyOff(), ks.keyLen());
    return r;
  }

  /** Listpack: removes the entry at absolute offset `p`. */
  private lpDelete(p: number): void {
    const ks = this.ks;
    const u8 = ks.ext.u8;
    const base = ks.valOff();
    const end = lpNext(u8, p) + SCORE_BYTES;
    const oldLen = ks.valLen();
    u8.copyWithin(p, end, base + oldLen);
    lpSetCount(u8, base, lpCount(u8, base) - 1);
    ks.resizeValue(oldLen - (end - p), 0);
  }

  /** Listpack: inserts (member, score) at its place (the member is absent). */
  private lpInsert(b: Uint8Array, o: number, l: number, score: number): void {
    // Redis writes a listpack score as text that reads back as an integer when it can: -0 becomes 0.
    if (score === 0) score = 0;
    const ks = this.ks;
    let u8 = ks.ext.u8;
    let base = ks.valOff();
    const n = lpCount(u8, base);
    let p = base + LP_HEADER;
    for (let i = 0; i < n; i++) {
      const d = lpData(u8, p);
      const len = lpLen(u8, p);
      const s = this.readScore(u8, d + len);
      if (s > score || (s === score && cmpBytes(u8, d, len, b, o, l) > 0)) break;
      p = d + len + SCORE_BYTES;
    }
    const rel = p - base;
    const oldLen = ks.valLen();
    const add = lpEntrySize(l) + SCORE_BYTES;
    base = ks.resizeValue(oldLen + add, 0);
    u8 = ks.ext.u8;
    u8.copyWithin(base + rel + add, base + rel, base + oldLen);
    const q = lpWrite(u8, base + rel, b, o, l);
    this.writeScore(u8, q, score);
    lpSetCount(u8, base, n + 1);
  }

  /**
   * Removes a member (ZREM). The caller deletes the key when `len()` is then 0.
   * @returns true when it was there
   */
  del(b: Uint8Array, o: number, l: number): boolean {
    const ks = this.ks;
    if (this.compact()) {
      const p = this.lpFindMember(b, o, l);
      if (p < 0) return false;
      this.lpDelete(p);
      return true;
    }
    const z = this.zsl();
    if (!z.dict.find(b, o, l)) return false;
    z.removeFound(b, o, l);
    if (ks.onWrite !== null) ks.onWrite(ks.ext.u8, ks.keyOff(), ks.keyLen());
    return true;
  }

  /**
   * Converts the current zset to the skiplist encoding if it is a listpack (Redis 7.0's SORT does so, destructively:
   * sort.c `zsetConvert(sortval, OBJ_ENCODING_SKIPLIST)`).
   * @throws ArenaFullError when no memory can be had
   */
  toSkiplist(): void {
    if (this.compact()) this.convert();
  }

  /** Converts the current listpack zset to the skiplist encoding (keeps TTL, counter, members). */
  private convert(): void {
    const ks = this.ks;
    const base = ks.valOff();
    const copy = Buffer.from(ks.ext.u8.subarray(base, base + ks.valLen()));
    const n = lpCount(copy, 0);
    const voff = ks.storeAlloc(ZSET_VALUE_LEN, KEEP_TTL, ZSET_FLAGS | F_LARGE);
    const z = ks.zset;
    z.init(ks.ext, dictHeaderOff(voff), n + 1);
    let p = LP_HEADER;
    for (let i = 0; i < n; i++) {
      const d = lpData(copy, p);
      const len = lpLen(copy, p);
      z.insert(copy, d, len, this.readScore(copy, d + len), false);
      p = d + len + SCORE_BYTES;
    }
  }

  // ----- rank queries ----------------------------------------------------------------------------------------------

  /** 0-based ascending rank of member b[o..o+l), or -1 when absent (its score is then in `score`). */
  rank(b: Uint8Array, o: number, l: number): number {
    const ks = this.ks;
    if (this.compact()) {
      const p = this.lpFindMember(b, o, l);
      if (p < 0) return -1;
      this.loadLp(ks.ext.u8, p);
      return this.lpIndex;
    }
    const z = this.zsl();
    if (!z.dict.find(b, o, l)) return -1;
    z.load(z.dict.elemAddr);
    this.fromZsl(z);
    return z.rankOf(z.score, b, o, l);
  }

  /** Number of members with a score < v (or ≤ v when `orEqual`). */
  countScoreBelow(v: number, orEqual: boolean): number {
    if (!this.compact()) return this.zsl().countScoreBelow(v, orEqual);
    const ks = this.ks;
    const u8 = ks.ext.u8;
    const base = ks.valOff();
    const n = lpCount(u8, base);
    let p = base + LP_HEADER;
    let i = 0;
    for (; i < n; i++) {
      const d = lpData(u8, p);
      const len = lpLen(u8, p);
      const s = this.readScore(u8, d + len);
      if (orEqual ? !(s <= v) : !(s < v)) break;
      p = d + len + SCORE_BYTES;
    }
    return i;
  }

  /** Number of members whose bytes sort before b[o..o+l) (or equal to it when `orEqual`): lex ranges. */
  countLexBelow(b: Uint8Array, o: number, l: number, orEqual: boolean): number {
    if (!this.compact()) return this.zsl().countLexBelow(b, o, l, orEqual);
    const ks = this.ks;
    const u8 = ks.ext.u8;
    const base = ks.valOff();
    const n = lpCount(u8, base);
    let p = base + LP_HEADER;
    let i = 0;
    for (; i < n; i++) {
      const d = lpData(u8, p);
      const len = lpLen(u8, p);
      const c = cmpBytes(u8, d, len, b, o, l);
      if (orEqual ? c > 0 : c >= 0) break;
      p = d + len + SCORE_BYTES;
    }
    return i;
  }

  // ----- iteration by rank ---------------------------------------------------------------------------------------

  /**
   * Positions an iteration at 0-based rank `r` (0 ≤ r < len) and loads that member; `next`/`prev` then move one
   * rank. No write may happen until the iteration ends.
   */
  seek(r: number): void {
    const ks = this.ks;
    if (this.compact()) {
      const u8 = ks.ext.u8;
      const base = ks.valOff();
      const n = lpCount(u8, base);
      if (this.offs.length < n) this.offs = new Int32Array(Math.max(n, this.offs.length * 2));
      const offs = this.offs;
      let p = base + LP_HEADER;
      for (let i = 0; i < n; i++) {
        offs[i] = p - base;
        p = lpNext(u8, p) + SCORE_BYTES;
      }
      this.end = n;
      this.pos = r;
      this.loadLp(u8, base + offs[r]!);
      return;
    }
    const z = this.zsl();
    this.node = r === 0 ? z.first() : r === z.length() - 1 ? z.tail() : z.byRank(r);
    z.load(this.node);
    this.fromZsl(z);
  }

  /** Moves to the next rank. @returns false past the end */
  next(): boolean {
    const ks = this.ks;
    if (this.compact()) {
      if (++this.pos >= this.end) return false;
      this.loadLp(ks.ext.u8, ks.valOff() + this.offs[this.pos]!);
      return true;
    }
    const z = ks.zset;
    this.node = z.fwd(this.node, 0);
    if (this.node === 0) return false;
    z.load(this.node);
    this.fromZsl(z);
    return true;
  }

  /** Moves to the previous rank. @returns false before the first */
  prev(): boolean {
    const ks = this.ks;
    if (this.compact()) {
      if (--this.pos < 0) return false;
      this.loadLp(ks.ext.u8, ks.valOff() + this.offs[this.pos]!);
      return true;
    }
    const z = ks.zset;
    this.node = z.back(this.node);
    if (this.node === 0) return false;
    z.load(this.node);
    this.fromZsl(z);
    return true;
  }

  /**
   * Deletes `count` members from 0-based rank `start` on (ZREMRANGEBY*, pops). The caller deletes the key when
   * `len()` is then 0.
   */
  deleteRange(start: number, count: number): void {
    const ks = this.ks;
    if (count <= 0) return;
    if (this.compact()) {
      const u8 = ks.ext.u8;
      const base = ks.valOff();
      const n = lpCount(u8, base);
      let p = base + LP_HEADER;
      for (let i = 0; i < start; i++) p = lpNext(u8, p) + SCORE_BYTES;
      let q = p;
      for (let i = 0; i < count; i++) q = lpNext(u8, q) + SCORE_BYTES;
      const oldLen = ks.valLen();
      u8.copyWithin(p, q, base + oldLen);
      lpSetCount(u8, base, n - count);
      ks.resizeValue(oldLen - (q - p), 0);
      return;
    }
    this.zsl().deleteRange(start, count);
    if (ks.onWrite !== null) ks.onWrite(ks.ext.u8, ks.keyOff(), ks.keyLen());
  }

  /**
   * One ZSCAN step: calls `emit()` with each member current (`member*`, `score`); returns the next cursor. A
   * listpack zset is returned whole, cursor 0, as Redis does; a skiplist through its dict (dict.ts `scan`).
   */
  scan(cursor: number, emit: () => void): number {
    if (this.compact()) {
      const n = this.len();
      if (n > 0) {
        this.seek(0);
        do emit();
        while (this.next());
      }
      return 0;
    }
    const z = this.zsl();
    const d = z.dict;
    return d.scan(cursor, () => {
      z.load(d.elemAddr);
      this.fromZsl(z);
      emit();
    });
  }
}

/** Copies b[o..o+l) into a new Buffer (a member kept across writes). */
export function copyOut(b: Uint8Array, o: number, l: number): Buffer {
  const out = Buffer.allocUnsafe(l);
  copyBytes(b, o, out, 0, l);
  return out;
}
