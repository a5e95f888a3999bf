/**
 * The large encoding of sorted sets (OBJECT ENCODING `skiplist`): Redis's skiplist with spans (src/t_zset.c,
 * after William Pugh's "Skip Lists: A Probabilistic Alternative to Balanced Trees") plus a member → node index, all
 * in the arena.
 *
 * Algorithm and layout:
 * - Each element is ONE aux chunk, a skiplist node (allocator/item.ts `AUX_ZSET_HEADER`): a 24-byte header (aux
 *   flags, member length, score f64, backward node address, level count), then its levels (forward address and
 *   span per level, u32 each), then the member. The spans make ZRANK and "element at rank r" O(log n), as in Redis
 *   (zslGetRank, zslGetElementByRank).
 * - Levels before the member: a walk reads a node's score and its level i at fixed offsets (no member length to
 *   load first), and for the low levels, which most steps use, on the same cache line as the score. The walks of
 *   ZADD/ZREM on a large zset are bound by the cache misses on the nodes they visit; with the member between the
 *   header and the levels (the first layout), level 0 of a typical node sat on the next cache line.
 * - The member index is the shared ArenaDict (dict.ts) of kind TYPE_ZSET, whose elements ARE the nodes: a dict slot
 *   (8 bytes: node address and hash) points straight at the node, so a member costs one chunk plus ~1.3 slots,
 *   with no second copy of the member and no separate score. Redis keeps a dictEntry, an sds and a node per member.
 * - Node levels are drawn with p = 1/2 (Redis's ZSKIPLIST_P is 1/4), at most 32 (ZSKIPLIST_MAXLEVEL). On a zset too
 *   large for the cache a walk's time is its chain of steps forward, each a cache miss on the node it moves to (a
 *   step that stops reads a node the CPU fetches in parallel with the next level's). A simulated search of 330,000
 *   members makes ~17 such steps with p = 1/2 against ~25 with 1/4; measured in-process (two builds alternated, each
 *   a zset of ~330,000 random members), ZRANK 7–9 % and ZADD 4 % faster. The price: 2 levels per node on average
 *   instead of 1.33, 73 bytes of chunks per member instead of 67.5 (1M members "member:N"; Redis 110). The header
 *   node is an aux chunk of 32 levels, not in the dict.
 * - A score change keeps the node (and its dict slot): updated in place when the order still holds, else unlinked
 *   and linked again at its new place with its level (Redis zslUpdateScore frees and reallocates instead).
 * - Order: by score, then by member bytes (memcmp, a prefix first).
 *
 * Why not a B-tree: the skiplist with the dict hosting its nodes costs one chunk per member (24 bytes of header,
 * 8 bytes per level, 2 levels on average, the member padded to 4 bytes) plus a dict slot; a B-tree would
 * still need the member → score index, hence a second copy of the member or a pointer per member on top of its
 * leaves. Redis's own choice keeps its behaviour (ZRANDMEMBER, ZSCAN over the dict) easy to match.
 *
 * Measured (one zset of 1M members "member:N" with decimal scores, ZADD pipelined 100 members a command, fresh
 * servers, 2026-12-05, with p = 1/4): tierkv used_memory 67.5 bytes/member and RSS growth 82 bytes/member,
 * redis-server 7.0.15 110 and 117; with p = 1/2, 73 bytes of chunks per member (bench/RESULTS.md has the RSS).
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
/** Probability of one more level (Redis ZSKIPLIST_P is 0.25; see the file comment). */
const P = 0.5;
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

/** u32 word index of level 0 of the node at byte offset `off` (level i: + 2i): right after the node header. */
function levelWord(off: number): number {
  return (off + AUX_ZSET_HEADER) >>> 2;
}

/** Byte offset of the member of the node at byte offset `off` (its extent's u32 view `u32`): after its levels. */
function memberAt(u32: Uint32Array, off: number): number {
  return off + AUX_ZSET_HEADER + 8 * u32[(off >>> 2) + 5]!;
}

function randomLevel(): number {
  let l = 1;
  while (l < MAX_LEVEL && Math.random() < P) l++;
  return l;
}

/**
 * Skiplist operations on one zset at a time (the bound one), allocation-free.
 *
 * Speed: a walk resolves each node it visits once and then keeps the node's extent view and level word index
 * (nodes never move, and an extent's views never change), so a step costs one arena lookup and the node's cache
 * lines; the path of a mutation (`update`) keeps the same pair per level for `link`/`unlink`.
 */
export class ZSkiplist {
  private hext!: Extent;
  /** u32 index of the bound header's skiplist words. */
  private sw = 0;
  /** The bound zset's header node: its extent's u32 view and its level 0 word index. */
  private headU: Uint32Array = new Uint32Array(0);
  private headW = 0;
  private readonly update = new Uint32Array(MAX_LEVEL);
  private readonly rank = new Float64Array(MAX_LEVEL);
  /** Per level of `update`: the node's extent u32 view and level 0 word index. */
  private readonly updU: Uint32Array[] = new Array<Uint32Array>(MAX_LEVEL).fill(new Uint32Array(0));
  private readonly updW = new Uint32Array(MAX_LEVEL);

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
    this.headU = e.u32;
    this.headW = levelWord(off);
  }

  /** Binds the zset whose header is at (ext, hoff). */
  bind(ext: Extent, hoff: number): void {
    this.dict.bind(ext, hoff);
    this.hext = ext;
    this.sw = (hoff + DICT_HEADER) >>> 2;
    const off = this.arena.resolve(ext.u32[this.sw + W_HEAD]);
    this.headU = this.arena.ext.u32;
    this.headW = levelWord(off);
  }

  /** Members in the bound zset. */
  length(): number {
    return this.dict.count();
  }

  /** Aux bytes of the bound zset (nodes, header node, tables). */
  auxBytes(): number {
    return this.dict.auxBytes();
  }

  // ----- node fields (by address; each access resolves, nodes never move) -----------------------------------------

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
    return this.headU[this.headW];
  }
  /** Forward address of `addr` at level `i`. */
  fwd(addr: number, i: number): number {
    const off = this.arena.resolve(addr);
    const u32 = this.arena.ext.u32;
    return u32[levelWord(off) + 2 * i]!;
  }
  /** Backward address of `addr` (0 for the first node). */
  back(addr: number): number {
    const off = this.arena.resolve(addr);
    return this.arena.ext.u32[(off >>> 2) + 4];
  }
  /** Score of the node at `addr`. */
  nodeScore(addr: number): number {
    const off = this.arena.resolve(addr);
    return this.arena.ext.f64[(off >>> 3) + 1];
  }
  /** Loads the member and score of the node at `addr` into `member*` / `score`. */
  load(addr: number): void {
    const off = this.arena.resolve(addr);
    const e = this.arena.ext;
    this.memberBuf = e.u8;
    this.memberOff = memberAt(e.u32, off);
    this.memberLen = e.u32[(off >>> 2) + 1];
    this.score = e.f64[(off >>> 3) + 1];
  }

  // ----- mutation --------------------------------------------------------------------------------------------------

  /**
   * Fills update[]/rank[] (and updU/updW) with the last node before (score, member) at each level (zslInsert's first
   * loop).
   */
  private pathTo(score: number, b: Uint8Array, o: number, l: number): void {
    const arena = this.arena;
    const update = this.update;
    const rank = this.rank;
    const updU = this.updU;
    const updW = this.updW;
    let x = this.head();
    let xu = this.headU;
    let xw = this.headW;
    let r = 0;
    for (let i = this.level() - 1; i >= 0; i--) {
      for (;;) {
        const f = xu[xw + 2 * i]!;
        if (f === 0) break;
        const fo = arena.resolve(f);
        const fe = arena.ext;
        const s = fe.f64[(fo >>> 3) + 1]!;
        if (s > score) break;
        const fu = fe.u32;
        if (s === score && cmpBytes(fe.u8, memberAt(fu, fo), fu[(fo >>> 2) + 1]!, b, o, l) >= 0) break;
        r += xu[xw + 2 * i + 1]!;
        x = f;
        xu = fu;
        xw = levelWord(fo);
      }
      rank[i] = r;
      update[i] = x;
      updU[i] = xu;
      updW[i] = xw;
    }
  }

  /**
   * Links node `x` (at byte `xo` of the extent whose u32 view is `xu`, level 0 at word `xw`) of `lvl` levels after the
   * path of `pathTo` (zslInsert's second half); `len` is the length before.
   */
  private link(x: number, xu: Uint32Array, xo: number, xw: number, lvl: number, len: number): void {
    const update = this.update;
    const rank = this.rank;
    const updU = this.updU;
    const updW = this.updW;
    const level = this.level();
    if (lvl > level) {
      const h = this.head();
      const hu = this.headU;
      const hw = this.headW;
      for (let i = level; i < lvl; i++) {
        rank[i] = 0;
        update[i] = h;
        updU[i] = hu;
        updW[i] = hw;
        hu[hw + 2 * i + 1] = len;
      }
      this.hext.u32[this.sw + W_LEVEL] = lvl;
    }
    const r0 = rank[0]!;
    for (let i = 0; i < lvl; i++) {
      const uu = updU[i]!;
      const uw = updW[i]! + 2 * i;
      const d = r0 - rank[i]!;
      xu[xw + 2 * i] = uu[uw]!;
      uu[uw] = x;
      xu[xw + 2 * i + 1] = uu[uw + 1]! - d;
      uu[uw + 1] = d + 1;
    }
    for (let i = lvl; i < level; i++) updU[i]![updW[i]! + 2 * i + 1]++;
    const u0 = update[0]!;
    xu[(xo >>> 2) + 4] = u0 === this.head() ? 0 : u0;
    const next = xu[xw]!;
    if (next !== 0) {
      const no = this.arena.resolve(next);
      this.arena.ext.u32[(no >>> 2) + 4] = x;
    } else this.hext.u32[this.sw + W_TAIL] = x;
  }

  /**
   * Inserts member b[o..o+l) with `score`; the member is not in the zset. With `found` true the caller's dict `find`
   * of the same bytes failed just before (its hash is reused). Returns the node address.
   * @throws ArenaFullError when the arena cannot hold it
   */
  insert(b: Uint8Array, o: number, l: number, score: number, found: boolean): number {
    const d = this.dict;
    const len = d.count();
    this.pathTo(score, b, o, l);
    const lvl = randomLevel();
    const size = zslNodeSize(l, lvl);
    if (found) d.insertNew(b, o, l, size, AUX_ZSET_HEADER + 8 * lvl);
    else d.insertAbsent(b, o, l, size, AUX_ZSET_HEADER + 8 * lvl);
    const x = d.elemAddr;
    const off = d.elemOff;
    const e = d.elemExt;
    const u32 = e.u32;
    e.f64[(off >>> 3) + 1] = score;
    u32[(off >>> 2) + 4] = 0;
    u32[(off >>> 2) + 5] = lvl;
    // The key was copied by the dict; the member's padding and the levels follow.
    this.link(x, u32, off, levelWord(off), lvl, len);
    return x;
  }

  /**
   * Unlinks node `x` (at byte `xo` of the extent whose u32 view is `xu`) given the update[] path to it
   * (zslDeleteNode); the node chunk stays.
   */
  private unlink(x: number, xu: Uint32Array, xo: number): void {
    const updU = this.updU;
    const updW = this.updW;
    const xw = levelWord(xo);
    const level = this.level();
    for (let i = 0; i < level; i++) {
      const uu = updU[i]!;
      const uw = updW[i]! + 2 * i;
      if (uu[uw] === x) {
        uu[uw + 1] = uu[uw + 1]! + xu[xw + 2 * i + 1]! - 1;
        uu[uw] = xu[xw + 2 * i]!;
      } else {
        uu[uw + 1] = uu[uw + 1]! - 1;
      }
    }
    const next = xu[xw]!;
    const bk = xu[(xo >>> 2) + 4]!;
    if (next !== 0) {
      const no = this.arena.resolve(next);
      this.arena.ext.u32[(no >>> 2) + 4] = bk;
    } else this.hext.u32[this.sw + W_TAIL] = bk;
    const hu = this.headU;
    const hw = this.headW;
    let lv = level;
    while (lv > 1 && hu[hw + 2 * (lv - 1)] === 0) lv--;
    this.hext.u32[this.sw + W_LEVEL] = lv;
  }

  /**
   * Changes the score of node `x` (member b[o..o+l), found with the dict) to `score`: in place when the order holds,
   * else unlinked and linked again with its level (zslUpdateScore).
   */
  updateScore(x: number, b: Uint8Array, o: number, l: number, score: number): void {
    const arena = this.arena;
    const xo = arena.resolve(x);
    const xe = arena.ext;
    const xu = xe.u32;
    const xw = levelWord(xo);
    const cur = xe.f64[(xo >>> 3) + 1]!;
    const bk = xu[(xo >>> 2) + 4]!;
    const nx = xu[xw]!;
    if ((bk === 0 || this.nodeScore(bk) < score) && (nx === 0 || this.nodeScore(nx) > score)) {
      xe.f64[(xo >>> 3) + 1] = score;
      return;
    }
    this.pathTo(cur, b, o, l);
    this.unlink(x, xu, xo);
    xe.f64[(xo >>> 3) + 1] = score;
    this.pathTo(score, b, o, l);
    this.link(x, xu, xo, xw, xu[(xo >>> 2) + 5]!, this.dict.count() - 1);
  }

  /**
   * Removes member b[o..o+l) whose node the dict's last `find` made current (dict.elemAddr): unlinks it, then frees
   * it through the dict.
   */
  removeFound(b: Uint8Array, o: number, l: number): void {
    const d = this.dict;
    const x = d.elemAddr;
    const xo = d.elemOff;
    const xe = d.elemExt;
    this.pathTo(xe.f64[(xo >>> 3) + 1]!, b, o, l);
    this.unlink(x, xe.u32, xo);
    d.removeFound();
  }

  /**
   * Fills update[] (and updU/updW) with the last node before 0-based rank `start` at each level (the walk of
   * zslDeleteRangeByRank and zslGetElementByRank); the node at rank `start` is then level 0's successor of update[0].
   */
  private pathToRank(start: number): void {
    const arena = this.arena;
    const update = this.update;
    const updU = this.updU;
    const updW = this.updW;
    let x = this.head();
    let xu = this.headU;
    let xw = this.headW;
    let t = 0;
    for (let i = this.level() - 1; i >= 0; i--) {
      for (;;) {
        const f = xu[xw + 2 * i]!;
        if (f === 0) break;
        const sp = xu[xw + 2 * i + 1]!;
        if (t + sp > start) break;
        t += sp;
        const fo = arena.resolve(f);
        x = f;
        xu = arena.ext.u32;
        xw = levelWord(fo);
      }
      update[i] = x;
      updU[i] = xu;
      updW[i] = xw;
    }
  }

  /** Deletes `count` nodes from 0-based rank `start` on (zslDeleteRangeByRank). */
  deleteRange(start: number, count: number): void {
    const arena = this.arena;
    this.pathToRank(start);
    let x = this.updU[0]![this.updW[0]!]!;
    const d = this.dict;
    for (let k = 0; k < count && x !== 0; k++) {
      const off = arena.resolve(x);
      const e = arena.ext;
      const u32 = e.u32;
      const next = u32[levelWord(off)]!;
      this.unlink(x, u32, off);
      d.findNode(x, e.u8, memberAt(u32, off), u32[(off >>> 2) + 1]!);
      d.removeFound();
      x = next;
    }
  }

  // ----- queries ---------------------------------------------------------------------------------------------------

  /**
   * 0-based rank of the node of (score, member), which is in the zset (zslGetRank): the number of nodes before it,
   * which the insert path's walk counts.
   */
  rankOf(score: number, b: Uint8Array, o: number, l: number): number {
    this.pathTo(score, b, o, l);
    return this.rank[0]!;
  }

  /** Node at 0-based rank `r` (< length; else 0), zslGetElementByRank. */
  byRank(r: number): number {
    this.pathToRank(r);
    return this.updU[0]![this.updW[0]!]!;
  }

  /** Number of members whose score is < v (`orEqual` false) or ≤ v (true). */
  countScoreBelow(v: number, orEqual: boolean): number {
    const arena = this.arena;
    let xu = this.headU;
    let xw = this.headW;
    let n = 0;
    for (let i = this.level() - 1; i >= 0; i--) {
      for (;;) {
        const f = xu[xw + 2 * i]!;
        if (f === 0) break;
        const fo = arena.resolve(f);
        const fe = arena.ext;
        const s = fe.f64[(fo >>> 3) + 1]!;
        if (orEqual ? !(s <= v) : !(s < v)) break;
        n += xu[xw + 2 * i + 1]!;
        xu = fe.u32;
        xw = levelWord(fo);
      }
    }
    return n;
  }

  /** Number of members that sort before b[o..o+l) (`orEqual`: or equal to it), by member bytes alone (lex ranges). */
  countLexBelow(b: Uint8Array, o: number, l: number, orEqual: boolean): number {
    const arena = this.arena;
    let xu = this.headU;
    let xw = this.headW;
    let n = 0;
    for (let i = this.level() - 1; i >= 0; i--) {
      for (;;) {
        const f = xu[xw + 2 * i]!;
        if (f === 0) break;
        const fo = arena.resolve(f);
        const fe = arena.ext;
        const fu = fe.u32;
        const c = cmpBytes(fe.u8, memberAt(fu, fo), fu[(fo >>> 2) + 1]!, b, o, l);
        if (orEqual ? c > 0 : c >= 0) break;
        n += xu[xw + 2 * i + 1]!;
        xu = fu;
        xw = levelWord(fo);
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
      this.insert(e.u8, memberAt(e.u32, off), ml, s, false);
      a = this.fwd(a, 0);
    }
  }
}
