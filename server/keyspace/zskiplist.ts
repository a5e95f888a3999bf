/**
 * The large encoding of sorted sets (OBJECT ENCODING `skiplist`): Redis's skiplist with spans (src/t_zset.c,
 * after William Pugh's "Skip Lists: A Probabilistic Alternative to Balanced Trees") plus a member → node index, all
 * in the arena.
 *
 * Algorithm and layout:
 * - Each element is ONE aux chunk, a skiplist node (allocator/item.ts `AUX_ZSET_HEADER`): score (f64), member,
 *   backward node address and its levels (forward address and span per level). The spans make ZRANK and "element
 *   at rank r" O(log n), as in Redis (zslGetRank, zslGetElementByRank).
 * - The member index is the shared ArenaDict (dict.ts) of kind TYPE_ZSET, whose elements ARE the nodes: a dict slot
 *   (8 bytes: node address and hash) points straight at the node, so a member costs one chunk plus ~1.3 slots,
 *   with no second copy of the member and no separate score. Redis keeps a dictEntry, an sds and a node per member.
 * - Node levels are drawn with p = 1/4, at most 32 (ZSKIPLIST_P, ZSKIPLIST_MAXLEVEL). The header node is an aux
 *   chunk of 32 levels, not in the dict.
 * - A score change keeps the node (and its dict slot): updated in place when the order still holds, else unlinked
 *   and linked again at its new place with its level (Redis zslUpdateScore frees and reallocates instead).
 * - Order: by score, then by member bytes (memcmp, a prefix first).
 *
 * Why not a B-tree: the skiplist with the dict hosting its nodes costs one chunk per member (24 bytes of header,
 * the member padded to 4 bytes and 8 bytes per level, 1.33 levels on average) plus a dict slot; a B-tree would
 * still need the member → score index, hence a second copy of the member or a pointer per member on top of its
 * leaves. Redis's own choice keeps its behaviour (ZRANDMEMBER, ZSCAN over the dict) easy to match.
 *
 * Measured (one zset of 1M members "member:N" with decimal scores, ZADD pipelined 100 members a command, fresh
 * servers, 2026-12-05): tierkv used_memory 67.5 bytes/member and RSS growth 82 bytes/member, redis-server 7.0.15
 * 110 and 117.
 *
 * Header (ZSET_HEADER bytes at `dictHeaderOff(valOff)`): the dict header (DICT_HEADER bytes), then u32 words
 * `0 header node address, 1 tail node address (0: empty), 2 level`. The length is the dict's count.
 *
 * Results (`node`, `member*`, `score`) are arena byte ranges, valid until the next mutation.
 */
import { TIER_HOT, type Arena } from '../../allocator/arena.js';
import type { Extent } from '../../allocator/extent.js';
import { AUX_ZSET_HEADER, TYPE_ZSET, writeAuxHeader } from '../../allocator/item.js';
import { DICT_HEADER, type ArenaDict } from './dict.js';

/** Bytes of a large zset's header (dict header, then the skiplist words). */
export const ZSET_HEADER = DICT_HEADER + 16;
/** Value length of a zset item in the skiplist encoding: the header plus alignment room. */
export const ZSET_VALUE_LEN = ZSET_HEADER + 7;
/** Redis ZSKIPLIST_MAXLEVEL. */
const MAX_LEVEL = 32;
/** Redis ZSKIPLIST_P. */
const P = 0.25;
const W_HEAD = 0;
const W_TAIL = 1;
const W_LEVEL = 2;
const EMPTY = new Uint8Array(0);

/** Size in bytes of a node chunk for a member of `ml` bytes with `level` levels. */
export function zslNodeSize(ml: number, level: number): number {
  return AUX_ZSET_HEADER + ((ml + 3) & ~3) + 8 * level;
}

/** memcmp-then-length order of two byte ranges (Redis sdscmp). */
export function cmpBytes(a: Uint8Array, ao: number, al: number, b: Uint8Array, bo: number, bl: number): number {
  const n = al < bl ? al : bl;
  for (let i = 0; i < n; i++) {
    const d = a[ao + i]! - b[bo + i]!;
    if (d !== 0) return d;
  }
  return al - bl;
}

function randomLevel(): number {
  let l = 1;
  while (l < MAX_LEVEL && Math.random() < P) l++;
  return l;
}

/** Skiplist operations on one zset at a time (the bound one), allocation-free. */
export class ZSkiplist {
  private hext!: Extent;
  /** u32 index of the bound header's skiplist words. */
  private sw = 0;
  private readonly update = new Uint32Array(MAX_LEVEL);
  private readonly rank = new Float64Array(MAX_LEVEL);

  /** Member of the last `load`: bytes memberBuf[memberOff .. memberOff + memberLen). */
  memberBuf: Uint8Array = EMPTY;
  memberOff = 0;
  memberLen = 0;
  /** Score of the last `load`. */
  score = 0;

  constructor(
    private readonly arena: Arena,
    /** The keyspace's dict, bound with the skiplist to the same header. */
    readonly dict: ArenaDict,
  ) {}

  /**
   * Writes an empty zset header at (ext, hoff) (8-byte aligned) for about `expected` members and binds it.
   * @throws ArenaFullError when the arena cannot hold the table or the header node
   */
  init(ext: Extent, hoff: number, expected: number): void {
    this.dict.init(ext, hoff, TYPE_ZSET, expected);
    this.hext = ext;
    this.sw = (hoff + DICT_HEADER) >>> 2;
    const size = zslNodeSize(0, MAX_LEVEL);
    const addr = this.arena.allocAux(size, TIER_HOT);
    const off = this.arena.resolve(addr);
    const e = this.arena.ext;
    e.u32.fill(0, off >>> 2, (off + size) >>> 2);
    writeAuxHeader(e, off, 0);
    e.u32[(off >>> 2) + 5] = MAX_LEVEL;
    this.dict.addAuxBytes(size);
    const u32 = ext.u32;
    u32[this.sw + W_HEAD] = addr;
    u32[this.sw + W_TAIL] = 0;
    u32[this.sw + W_LEVEL] = 1;
  }

  /** Binds the zset whose header is at (ext, hoff). */
  bind(ext: Extent, hoff: number): void {
    this.dict.bind(ext, hoff);
    this.hext = ext;
    this.sw = (hoff + DICT_HEADER) >>> 2;
  }

  /** Members in the bound zset. */
  length(): number {
    return this.dict.count();
  }

  /** Aux bytes of the bound zset (nodes, header node, tables). */
  auxBytes(): number {
    return this.dict.auxBytes();
  }

  // ----- node fields (by address; each access resolves, nodes never move) ----------------------------------------

  private head(): number {
    return this.hext.u32[this.sw + W_HEAD];
  }
  private level(): number {
    return this.hext.u32[this.sw + W_LEVEL];
  }
  /** Tail node address (0: empty). */
  tail(): number {
    return this.hext.u32[this.sw + W_TAIL];
  }
  /** First node address (0: empty). */
  first(): number {
    return this.fwd(this.head(), 0);
  }
  /** u32 index in `arena.ext` of level `i` of the node at `addr`. */
  private lw(addr: number, i: number): number {
    const off = this.arena.resolve(addr);
    const ml = this.arena.ext.u32[(off >>> 2) + 1];
    return ((off + AUX_ZSET_HEADER + ((ml + 3) & ~3)) >>> 2) + 2 * i;
  }
  /** Forward address of `addr` at level `i`. */
  fwd(addr: number, i: number): number {
    const w = this.lw(addr, i);
    return this.arena.ext.u32[w];
  }
  private span(addr: number, i: number): number {
    const w = this.lw(addr, i);
    return this.arena.ext.u32[w + 1];
  }
  private setFwd(addr: number, i: number, v: number): void {
    const w = this.lw(addr, i);
    this.arena.ext.u32[w] = v;
  }
  private setSpan(addr: number, i: number, v: number): void {
    const w = this.lw(addr, i);
    this.arena.ext.u32[w + 1] = v;
  }
  /** Backward address of `addr` (0 for the first node). */
  back(addr: number): number {
    const off = this.arena.resolve(addr);
    return this.arena.ext.u32[(off >>> 2) + 4];
  }
  private setBack(addr: number, v: number): void {
    const off = this.arena.resolve(addr);
    this.arena.ext.u32[(off >>> 2) + 4] = v;
  }
  /** Score of the node at `addr`. */
  nodeScore(addr: number): number {
    const off = this.arena.resolve(addr);
    return this.arena.ext.f64[(off >>> 3) + 1];
  }
  private nodeLevel(addr: number): number {
    const off = this.arena.resolve(addr);
    return this.arena.ext.u32[(off >>> 2) + 5];
  }

  /** Loads the member and score of the node at `addr` into `member*` / `score`. */
  load(addr: number): void {
    const off = this.arena.resolve(addr);
    const e = this.arena.ext;
    this.memberBuf = e.u8;
    this.memberOff = off + AUX_ZSET_HEADER;
    this.memberLen = e.u32[(off >>> 2) + 1];
    this.score = e.f64[(off >>> 3) + 1];
  }

  /** Order of the node at `addr` against (score, member b[o..o+l)): negative, 0 or positive. */
  private cmp(addr: number, score: number, b: Uint8Array, o: number, l: number): number {
    const off = this.arena.resolve(addr);
    const e = this.arena.ext;
    const s = e.f64[(off >>> 3) + 1];
    if (s < score) return -1;
    if (s > score) return 1;
    return cmpBytes(e.u8, off + AUX_ZSET_HEADER, e.u32[(off >>> 2) + 1], b, o, l);
  }

  // ----- mutation --------------------------------------------------------------------------------------------------

  /** Fills update[]/rank[] with the last node before (score, member) at each level (zslInsert's first loop). */
  private pathTo(score: number, b: Uint8Array, o: number, l: number): void {
    const update = this.update;
    const rank = this.rank;
    let x = this.head();
    const level = this.level();
    for (let i = level - 1; i >= 0; i--) {
      rank[i] = i === level - 1 ? 0 : rank[i + 1]!;
      for (;;) {
        const f = this.fwd(x, i);
        if (f === 0 || this.cmp(f, score, b, o, l) >= 0) break;
        rank[i] += this.span(x, i);
        x = f;
      }
      update[i] = x;
    }
  }

  /** Links node `x` of `lvl` levels after the path of `pathTo` (zslInsert's second half); `len` is the length before. */
  private link(x: number, lvl: number, len: number): void {
    const update = this.update;
    const rank = this.rank;
    const level = this.level();
    if (lvl > level) {
      const h = this.head();
      for (let i = level; i < lvl; i++) {
        rank[i] = 0;
        update[i] = h;
        this.setSpan(h, i, len);
      }
      this.hext.u32[this.sw + W_LEVEL] = lvl;
    }
    for (let i = 0; i < lvl; i++) {
      const u = update[i]!;
      this.setFwd(x, i, this.fwd(u, i));
      this.setFwd(u, i, x);
      const us = this.span(u, i);
      this.setSpan(x, i, us - (rank[0]! - rank[i]!));
      this.setSpan(u, i, rank[0]! - rank[i]! + 1);
    }
    const top = this.level();
    for (let i = lvl; i < top; i++) {
      const u = update[i]!;
      this.setSpan(u, i, this.span(u, i) + 1);
    }
    this.setBack(x, update[0] === this.head() ? 0 : update[0]!);
    const next = this.fwd(x, 0);
    if (next !== 0) this.setBack(next, x);
    else this.hext.u32[this.sw + W_TAIL] = x;
  }

  /**
   * Inserts member b[o..o+l) with `score`; the member is not in the zset. With `found` true the caller's dict `find`
   * of the same bytes failed just before (its hash is reused). Returns the node address.
   * @throws ArenaFullError when the arena cannot hold it
   */
  insert(b: Uint8Array, o: number, l: number, score: number, found: boolean): number {
    const len = this.dict.count();
    this.pathTo(score, b, o, l);
    const lvl = randomLevel();
    const size = zslNodeSize(l, lvl);
    if (found) this.dict.insertNew(b, o, l, size);
    else this.dict.insertAbsent(b, o, l, size);
    const x = this.dict.elemAddr;
    const off = this.arena.resolve(x);
    const e = this.arena.ext;
    e.f64[(off >>> 3) + 1] = score;
    e.u32[(off >>> 2) + 4] = 0;
    e.u32[(off >>> 2) + 5] = lvl;
    // The key was copied by the dict; the member's padding and the levels follow.
    this.link(x, lvl, len);
    return x;
  }

  /** Unlinks node `x` given the update[] path to it (zslDeleteNode); the node chunk stays. */
  private unlink(x: number): void {
    const update = this.update;
    const level = this.level();
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      if (this.fwd(u, i) === x) {
        this.setSpan(u, i, this.span(u, i) + this.span(x, i) - 1);
        this.setFwd(u, i, this.fwd(x, i));
      } else {
        this.setSpan(u, i, this.span(u, i) - 1);
      }
    }
    const next = this.fwd(x, 0);
    if (next !== 0) this.setBack(next, this.back(x));
    else this.hext.u32[this.sw + W_TAIL] = this.back(x);
    const h = this.head();
    let lv = level;
    while (lv > 1 && this.fwd(h, lv - 1) === 0) lv--;
    this.hext.u32[this.sw + W_LEVEL] = lv;
  }

  /**
   * Changes the score of node `x` (member b[o..o+l), found with the dict) to `score`: in place when the order holds,
   * else unlinked and linked again with its level (zslUpdateScore).
   */
  updateScore(x: number, b: Uint8Array, o: number, l: number, score: number): void {
    const cur = this.nodeScore(x);
    const bk = this.back(x);
    const nx = this.fwd(x, 0);
    if ((bk === 0 || this.nodeScore(bk) < score) && (nx === 0 || this.nodeScore(nx) > score)) {
      const off = this.arena.resolve(x);
      this.arena.ext.f64[(off >>> 3) + 1] = score;
      return;
    }
    this.pathTo(cur, b, o, l);
    this.unlink(x);
    const off = this.arena.resolve(x);
    this.arena.ext.f64[(off >>> 3) + 1] = score;
    this.pathTo(score, b, o, l);
    this.link(x, this.nodeLevel(x), this.dict.count() - 1);
  }

  /**
   * Removes member b[o..o+l) whose node the dict's last `find` made current (dict.elemAddr): unlinks it, then frees
   * it through the dict.
   */
  removeFound(b: Uint8Array, o: number, l: number): void {
    const x = this.dict.elemAddr;
    this.pathTo(this.nodeScore(x), b, o, l);
    this.unlink(x);
    this.dict.removeFound();
  }

  /** Deletes `count` nodes from 0-based rank `start` on (zslDeleteRangeByRank). */
  deleteRange(start: number, count: number): void {
    const update = this.update;
    let x = this.head();
    let t = 0;
    for (let i = this.level() - 1; i >= 0; i--) {
      for (;;) {
        const f = this.fwd(x, i);
        if (f === 0 || t + this.span(x, i) > start) break;
        t += this.span(x, i);
        x = f;
      }
      update[i] = x;
    }
    x = this.fwd(x, 0);
    const d = this.dict;
    for (let k = 0; k < count && x !== 0; k++) {
      const next = this.fwd(x, 0);
      this.unlink(x);
      const off = this.arena.resolve(x);
      const e = this.arena.ext;
      d.find(e.u8, off + AUX_ZSET_HEADER, e.u32[(off >>> 2) + 1]);
      d.removeFound();
      x = next;
    }
  }

  // ----- queries ---------------------------------------------------------------------------------------------------

  /** 0-based rank of the node of (score, member), which is in the zset (zslGetRank). */
  rankOf(score: number, b: Uint8Array, o: number, l: number): number {
    let x = this.head();
    let r = 0;
    for (let i = this.level() - 1; i >= 0; i--) {
      for (;;) {
        const f = this.fwd(x, i);
        if (f === 0 || this.cmp(f, score, b, o, l) > 0) break;
        r += this.span(x, i);
        x = f;
      }
    }
    return r - 1;
  }

  /** Node at 0-based rank `r` (< length), zslGetElementByRank. */
  byRank(r: number): number {
    const want = r + 1;
    let x = this.head();
    let t = 0;
    for (let i = this.level() - 1; i >= 0; i--) {
      for (;;) {
        const f = this.fwd(x, i);
        if (f === 0 || t + this.span(x, i) > want) break;
        t += this.span(x, i);
        x = f;
      }
      if (t === want) return x;
    }
    return 0;
  }

  /** Number of members whose score is < v (`orEqual` false) or ≤ v (true). */
  countScoreBelow(v: number, orEqual: boolean): number {
    let x = this.head();
    let n = 0;
    for (let i = this.level() - 1; i >= 0; i--) {
      for (;;) {
        const f = this.fwd(x, i);
        if (f === 0) break;
        const s = this.nodeScore(f);
        if (orEqual ? !(s <= v) : !(s < v)) break;
        n += this.span(x, i);
        x = f;
      }
    }
    return n;
  }

  /** Number of members that sort before b[o..o+l) (`orEqual`: or equal to it), by member bytes alone (lex ranges). */
  countLexBelow(b: Uint8Array, o: number, l: number, orEqual: boolean): number {
    let x = this.head();
    let n = 0;
    for (let i = this.level() - 1; i >= 0; i--) {
      for (;;) {
        const f = this.fwd(x, i);
        if (f === 0) break;
        const off = this.arena.resolve(f);
        const e = this.arena.ext;
        const c = cmpBytes(e.u8, off + AUX_ZSET_HEADER, e.u32[(off >>> 2) + 1], b, o, l);
        if (orEqual ? c > 0 : c >= 0) break;
        n += this.span(x, i);
        x = f;
      }
    }
    return n;
  }

  // ----- whole-zset ----------------------------------------------------------------------------------------------

  /** Frees every node, the header node and the tables (DEL, overwrite). The header is left stale. */
  freeAll(): void {
    const h = this.head();
    this.dict.freeAll();
    this.arena.freeAux(h, zslNodeSize(0, MAX_LEVEL));
  }

  /**
   * Copies the bound zset to a new header at (ext, hoff) (COPY): O(n log n), no JS allocation. The copy is bound
   * afterwards.
   * @throws ArenaFullError when the arena cannot hold it
   */
  cloneTo(ext: Extent, hoff: number): void {
    let a = this.first();
    this.init(ext, hoff, this.dict.count());
    while (a !== 0) {
      const off = this.arena.resolve(a);
      const e = this.arena.ext;
      const ml = e.u32[(off >>> 2) + 1];
      const s = e.f64[(off >>> 3) + 1];
      // The source node's bytes stay where they are while the copy allocates (chunks never move).
      this.insert(e.u8, off + AUX_ZSET_HEADER, ml, s, false);
      a = this.fwd(a, 0);
    }
  }
}
