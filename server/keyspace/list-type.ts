/**
 * The list type (Redis 7.0's t_list.c): a list's elements on the keyspace's current item, always in the quicklist
 * encoding (quicklist.ts; Redis 7.0 has no other list encoding: OBJECT ENCODING `quicklist`).
 *
 * Callers (server/commands/lists.ts) look the key up first, check `ks.type() === TYPE_LIST`, call `bind()` (or an
 * operation below, which binds), and delete the key when `len()` reaches 0, as Redis never keeps an empty list.
 * Element results are left in `elemBuf`/`elemOff`/`elemLen` (a byte range of the arena), valid until the next
 * write or lookup: copy them (into a reply, or a Buffer) before either.
 *
 * WATCH: the quicklist writes node chunks, not the key's item, so each mutation here tells the keyspace's
 * `onWrite` (Redis's signalModifiedKey) itself, as hash-type.ts and set-type.ts do for their dicts.
 */
import { TYPE_LIST, TYPE_SHIFT } from '../../allocator/item.js';
import { dictHeaderOff } from './dict.js';
import { F_LARGE, NO_TTL, type Keyspace } from './keyspace.js';
import { QL_VALUE_LEN, type BulkSink, type QuickList } from './quicklist.js';

const LIST_FLAGS = (TYPE_LIST << TYPE_SHIFT) | F_LARGE;

/** True when the current element of `q` equals b[o..o+l). */
function elemEquals(q: QuickList, b: Uint8Array, o: number, l: number): boolean {
  if (q.elemLen !== l) return false;
  const e = q.elemBuf;
  const eo = q.elemOff;
  for (let i = 0; i < l; i++) if (e[eo + i] !== b[o + i]) return false;
  return true;
}

/** List operations on the keyspace's current item. */
export class ListType {
  /** list-max-listpack-size (default -2: nodes of at most 8 KiB). */
  fill = -2;

  constructor(private readonly ks: Keyspace) {}

  /** OBJECT ENCODING of a list. */
  encoding(): string {
    return 'quicklist';
  }

  /**
   * Creates an empty list at the key of the keyspace's last lookup (which found nothing), Redis's
   * createQuicklistObject + dbAdd; the caller pushes at least one element before the command ends.
   * @throws ArenaFullError when no memory can be had
   */
  create(): QuickList {
    const ks = this.ks;
    const voff = ks.storeAlloc(QL_VALUE_LEN, NO_TTL, LIST_FLAGS);
    ks.list.init(ks.ext, dictHeaderOff(voff));
    ks.refind();
    ks.list.fill = this.fill;
    return ks.list;
  }

  /** Binds the keyspace's quicklist to the current item (a list) and returns it. */
  bind(): QuickList {
    const q = this.ks.bindList();
    q.fill = this.fill;
    return q;
  }

  /** Number of elements (LLEN). */
  len(): number {
    return this.ks.bindList().count();
  }

  /** Tells WATCH that the current list changed (Redis signalModifiedKey). */
  modified(): void {
    const ks = this.ks;
    if (ks.onWrite !== null) ks.onWrite(ks.ext.u8, ks.keyOff(), ks.keyLen());
  }

  /** Pushes b[o..o+l) at the head or the tail. */
  push(head: boolean, b: Uint8Array, o: number, l: number): void {
    this.bind().push(head, b, o, l);
  }

  /** Makes element `i` current (negative: from the tail). @returns false when out of range (LINDEX) */
  index(i: number): boolean {
    return this.bind().seek(i);
  }

  /** Replaces element `i` (LSET). @returns false when out of range */
  set(i: number, b: Uint8Array, o: number, l: number): boolean {
    const q = this.bind();
    if (!q.seek(i)) return false;
    q.replaceCurrent(b, o, l);
    return true;
  }

  /**
   * Calls `emit` with each element from `start` to `end` (inclusive, 0 ≤ start ≤ end < len) current, walking
   * forward, or backward from `end` to `start` when `reverse` (Redis addListRangeReply).
   */
  range(start: number, end: number, reverse: boolean, emit: (q: QuickList) => void): void {
    const q = this.bind();
    let n = end - start + 1;
    if (n <= 0 || !q.seek(reverse ? end : start)) return;
    for (;;) {
      emit(q);
      if (--n === 0) return;
      if (!(reverse ? q.backward() : q.forward())) return;
    }
  }

  /**
   * Writes the elements `start` to `end` (inclusive, 0 ≤ start ≤ end < len) into a reply as bulk strings, from
   * `start` on, or from `end` back to `start` when `reverse` (as `range`, in one pass: QuickList.writeBulks).
   */
  writeRange(out: BulkSink, start: number, end: number, reverse: boolean): void {
    this.bind().writeBulks(out, start, end - start + 1, reverse);
  }

  /** Deletes `n` elements (at most the length) at the head or the tail (pops with a count, LTRIM). */
  trimEnd(head: boolean, n: number): void {
    const q = this.bind();
    q.deleteEnd(head, Math.min(n, q.count()));
  }

  /**
   * Inserts b[o..o+l) before (or `after`) the first element equal to the pivot p[po..po+pl) (LINSERT).
   * @returns false when the pivot is not in the list
   */
  insert(after: boolean, p: Uint8Array, po: number, pl: number, b: Uint8Array, o: number, l: number): boolean {
    const q = this.bind();
    if (!q.seek(0)) return false;
    do {
      if (elemEquals(q, p, po, pl)) {
        q.insertAtCurrent(after, b, o, l);
        return true;
      }
    } while (q.forward());
    return false;
  }

  /**
   * Removes the elements equal to b[o..o+l) (LREM): the first `count` from the head (count > 0), the last
   * `-count` from the tail (count < 0), or all of them (count 0).
   * @returns the number removed
   */
  rem(count: number, b: Uint8Array, o: number, l: number): number {
    const q = this.bind();
    const n = q.count();
    if (n === 0) return 0;
    let from = 0;
    let limit = count;
    if (count < 0) {
      // The elements to remove are the matches from the -count-th match from the tail on: find where it is, then
      // remove every match from there to the tail, walking forward (deletes while walking go forward only).
      let found = 0;
      let i = n - 1;
      q.seek(-1);
      for (;;) {
        if (elemEquals(q, b, o, l)) {
          found++;
          from = i;
          if (found === -count) break;
        }
        if (!q.backward()) break;
        i--;
      }
      if (found === 0) return 0;
      limit = 0;
    }
    let removed = 0;
    let more = q.seek(from);
    while (more) {
      if (elemEquals(q, b, o, l)) {
        q.deleteCurrent();
        removed++;
        if (limit > 0 && removed === limit) break;
        more = q.seekNext();
      } else more = q.forward();
    }
    return removed;
  }

  /**
   * LPOS's search: walks from the head (or from the tail when `fromTail`), scanning at most `maxlen` elements (0:
   * all), and calls `match(index)` for each match from the `rank`-th on (index from the head, as LINDEX's);
   * `match` returns false to stop.
   */
  pos(fromTail: boolean, rank: number, maxlen: number, b: Uint8Array, o: number, l: number, match: (index: number) => boolean): void {
    const q = this.bind();
    const n = q.count();
    if (n === 0 || !q.seek(fromTail ? -1 : 0)) return;
    let scanned = 0;
    let matches = 0;
    for (;;) {
      if (maxlen !== 0 && scanned >= maxlen) return;
      if (elemEquals(q, b, o, l)) {
        matches++;
        if (matches >= rank && !match(fromTail ? n - scanned - 1 : scanned)) return;
      }
      scanned++;
      if (!(fromTail ? q.backward() : q.forward())) return;
    }
  }
}
