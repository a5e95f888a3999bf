/**
 * The list encoding (OBJECT ENCODING `quicklist`, the only list encoding of Redis 7.0): a doubly linked chain of
 * nodes, each a small run of entries, as Redis's quicklist of listpacks (src/quicklist.c); every node is an aux
 * chunk of the arena (allocator/item.ts), the chain's header is the list item's value. No JS object per list, node
 * or element.
 *
 * Node (aux chunk; u32 words, then the entries byte-packed):
 * ```
 * word 0 flags (TYPE_AUX)   1 entry bytes used   2 prev node addr (0: head)   3 next node addr (0: tail)
 * word 4 entry count        5 gap bytes             then the entries from byte NODE_HEADER + gap
 * ```
 * The gap: removing a node's first entry (LPOP, a head trim) does not move the others down; its bytes join the gap
 * in front of them, and a later push at the head writes into the gap when it is big enough. Without it each LPOP and
 * LPUSH moved the whole node (up to 8 KiB), and a move (copyWithin) within a SharedArrayBuffer costs V8 up to
 * 0.3 ns per byte (a relaxed-atomic copy, byte-wise unless co-aligned: ALIGN): that was a third of LPOP's server CPU at
 * -P 16. Redis's
 * listpack moves the bytes (lpDelete, lpInsert's memmove), which costs it far less. The node's chunk holds header,
 * gap and entries (`span`); a node that must grow into a new chunk is compacted there (gap 0).
 * Entry: a length prefix, the bytes, and the same length again as a suffix, so a node can be walked from either
 * end (Redis's listpack keeps a "backlen" for the same reason): prefix 1 byte when the length is < 254, else 0xFE
 * and a u32 LE; suffix 1 byte, else a u32 LE then 0xFE.
 *
 * Node size (`list-max-listpack-size`, Redis's rules, quicklist.c `_quicklistNodeAllowInsert`): negative -1..-5
 * limit a node's entry bytes to 4, 8, 16, 32 or 64 KiB (default -2: 8 KiB); positive N limits it to N entries and
 * 8 KiB; each limit rounded up to what fills the slab class of a node of that size (`limits`: 8 KiB becomes 8,280
 * bytes with the default classes). An element that does not fit an end node starts a node of its own, whatever its size. A node's chunk is
 * the arena's slab class for its size, so most pushes write in place; a node that outgrows its chunk moves to a
 * bigger one and its neighbours' links are updated. A node left empty is freed; nodes are not merged (Redis merges
 * neighbours after LINSERT/LREM; that only saves memory).
 *
 * Positions: `seek(i)` walks from the nearer end, node by node (O(nodes) + O(node)), as Redis's quicklistGetIteratorAtIdx.
 *
 * Header (QL_HEADER bytes, 8-byte aligned at `dictHeaderOff(valOff)`, as the dict's): u32 words, then one f64:
 * ```
 * 0 count   1 nodes   2 head node addr   3 tail node addr   4 kind (TYPE_LIST)   5 unused   [f64 at byte 24] aux bytes
 * ```
 *
 * Tiers: a list's node chunks always live in the tier of its item (the tier of the header's extent): new nodes are
 * allocated there (`newNode`, `moveNode`, `cloneTo` into the copy's tier), and `moveNodes` moves the whole chain
 * when the item changes tier (keyspace.ts `moveListTier`), so a list never has chunks in two tiers and dropping the
 * cold tier (MIGRATE_PREPARE) takes a cold list whole, item and nodes, with nothing hot pointing into it. Only a list
 * of at most TIER_LIST_MAX_NODES nodes and TIER_LIST_MAX_BYTES node bytes is demoted (server/memory/tiers.ts), so
 * each move copies at most that much; a longer list is pinned hot, as every other collection with aux chunks.
 */
import { ArenaFullError, type Arena } from '../../allocator/arena.js';
import type { Extent } from '../../allocator/extent.js';
import { TYPE_LIST, writeAuxHeader } from '../../allocator/item.js';
import { copyBytes, copyToExtent } from '../../allocator/bytes.js';

/**
 * The largest list that tiers like a string (server/memory/tiers.ts): at most this many nodes (the default node
 * limit, 8 KiB of entries, holds a list of a few hundred short elements in one node; two nodes cover a list that
 * just spilled over, or one built by pushes at both ends past a node's size)...
 */
export const TIER_LIST_MAX_NODES = 2;
/**
 * ...and at most this many bytes of node chunks, so that a demotion or promotion copies at most ~16 KiB besides the
 * item (a node holding one huge element is not moved between tiers).
 */
export const TIER_LIST_MAX_BYTES = 16384;

/** Bytes of the list header. */
export const QL_HEADER = 32;
/** Value length of a list item: the header plus alignment room (see dict.ts DICT_VALUE_LEN). */
export const QL_VALUE_LEN = QL_HEADER + 7;

const W_COUNT = 0;
const W_NODES = 1;
const W_HEAD = 2;
const W_TAIL = 3;
const W_KIND = 4;
const F_AUX = 3; // f64 index relative to the header's f64 index

/** Node header bytes. */
export const NODE_HEADER = 24;
const N_USED = 1;
const N_PREV = 2;
const N_NEXT = 3;
const N_COUNT = 4;
const N_GAP = 5;
/**
 * Room an LPUSH that must move a node's entries leaves in front of them (pushHeadWithRoom): as many bytes as the node
 * holds (it doubles), up to the fill limit, for nodes of HEAD_ROOM_FROM bytes or more (smaller nodes move short
 * distances, and small LPUSH-built lists keep no gap). Each entry byte is then moved O(1) times while a head node
 * fills up. The gap is memory the list holds: at most the free part of its head node, under the fill limit.
 */
const HEAD_ROOM_FROM = 1024;
/** Least room worth a move with a gap (smaller: the entry is inserted the plain way). */
const HEAD_ROOM_MIN = 128;
/**
 * ALIGN: V8 copies bytes within or into a SharedArrayBuffer (copyWithin, set) with a relaxed-atomic memmove that goes
 * word by word only when source and destination have the same address mod 8, and byte by byte otherwise: measured on
 * Node 20, 4 KiB in ~200 ns co-aligned vs ~1,300 ns not (a plain ArrayBuffer's memmove: ~60 ns either way). Chunks
 * are 8-byte aligned, so a node move keeps (gap mod 8) and a head move shifts the entries by a multiple of 8.
 */
const ALIGN_MASK = 7;
/** Entry bytes from which a node that outgrows its chunk gets one twice as big (growNode). */
const GROW_DOUBLE_MIN = 256;

const LONG = 0xfe;
/** Node byte limits of list-max-listpack-size -1..-5 (Redis's optimization_level), before rounding to a slab class. */
const LEVELS = [4096, 8192, 16384, 32768, 65536];
const SAFETY_LIMIT = 8192;

/** Encoded size of an entry of `len` bytes (prefix, bytes, suffix). */
export function qlEntrySize(len: number): number {
  return len < LONG ? len + 2 : len + 10;
}

/**
 * Where `writeBulks` encodes: a reply buffer written directly (protocol/reply-writer.ts ReplyWriter's `reserve`
 * and `at`). `reserve(n)` makes room for `n` bytes and returns the buffer to write from `at` on.
 */
export interface BulkSink {
  reserve(n: number): Uint8Array;
  at: number;
}

/** Most bytes RESP adds around an element of a bulk reply: `$`, up to 10 length digits, two CRLFs. */
const BULK_FRAME_MAX = 15;
/**
 * writeBulks stages a node of at most this many entry bytes: one copy of its entries out of the arena into the reply
 * buffer, behind the room its reply takes, co-aligned (ALIGN); each element is then moved to its place within that
 * (non-shared) buffer, a plain memmove, instead of a copy out of the SharedArrayBuffer per element (a typed-array
 * view and a relaxed copy, ~75 ns for 100 bytes). Bigger nodes (one huge element) are copied element by element.
 */
const STAGE_MAX = 65536;

/** Writes the decimal digits of `n` (0 ≤ n < 2^32) at b[w..]; returns the offset after them. */
function putDigits(b: Uint8Array, w: number, n: number): number {
  if (n < 10) {
    b[w] = 0x30 + n;
    return w + 1;
  }
  if (n < 100) {
    const t = (n / 10) | 0;
    b[w] = 0x30 + t;
    b[w + 1] = 0x30 + n - t * 10;
    return w + 2;
  }
  let d = 3;
  for (let x = 1000; n >= x && d < 10; x *= 10) d++;
  let e = w + d;
  const end = e;
  do {
    const q = Math.floor(n / 10);
    b[--e] = 0x30 + (n - q * 10);
    n = q;
  } while (n > 0);
  return end;
}

/**
 * Operations on one list at a time (the bound one); allocation-free. Element results (`peek`, `seek`, iteration)
 * are left in `elemBuf`/`elemOff`/`elemLen`, valid until the next mutation.
 */
export class QuickList {
  private hext!: Extent;
  private hw = 0;
  /** list-max-listpack-size. */
  fill = -2;

  elemBuf: Uint8Array = new Uint8Array(0);
  elemOff = 0;
  elemLen = 0;
  /** The extent whose `u8` is `elemBuf` (the current element's node's). */
  get elemExt(): Extent {
    return this.next;
  }

  /** Position of the current element: node address, node extent and offset, entry offset (absolute), index in node. */
  private node = 0;
  private next!: Extent;
  private noff = 0;
  private entry = 0;
  private idx = 0;

  /**
   * Entry bytes a node may hold for list-max-listpack-size -1..-5, then for a positive size (SAFETY_LIMIT): Redis's
   * limit rounded up so that header and entries fill the slab class holding them (8,192 + 24 bytes would take an
   * 8,304-byte chunk and leave 88 bytes of it unused: 1 % of a long list's memory; the limit becomes 8,280).
   */
  private readonly limits: Int32Array;

  constructor(private readonly arena: Arena) {
    const fit = (bytes: number): number => {
      const cls = arena.classes.classFor(NODE_HEADER + bytes);
      return cls < 0 ? bytes : arena.classes.sizes[cls] - NODE_HEADER;
    };
    this.limits = Int32Array.from([...LEVELS, SAFETY_LIMIT], fit);
  }

  // ----- header ------------------------------------------------------------------------------------------------

  /** Writes an empty list header at (ext, hoff) and binds it. */
  init(ext: Extent, hoff: number): void {
    const w = hoff >>> 2;
    for (let i = 0; i < 6; i++) ext.u32[w + i] = 0;
    ext.u32[w + W_KIND] = TYPE_LIST;
    ext.f64[(hoff >>> 3) + F_AUX] = 0;
    this.bind(ext, hoff);
  }

  /** Binds the list whose header is at (ext, hoff). */
  bind(ext: Extent, hoff: number): void {
    this.hext = ext;
    this.hw = hoff >>> 2;
  }

  /** Elements in the bound list (LLEN). */
  count(): number {
    return this.hext.u32[this.hw + W_COUNT];
  }

  /** Nodes in the bound list. */
  nodes(): number {
    return this.hext.u32[this.hw + W_NODES];
  }

  /** Bytes of node chunks the list asked the arena for (MEMORY USAGE). */
  auxBytes(): number {
    return this.hext.f64[(this.hw >>> 1) + F_AUX];
  }

  private addAux(d: number): void {
    this.hext.f64[(this.hw >>> 1) + F_AUX] += d;
  }

  // ----- nodes -------------------------------------------------------------------------------------------------

  /** Resolves node `addr` into `next`/`noff`. */
  private load(addr: number): void {
    this.node = addr;
    this.noff = this.arena.resolve(addr);
    this.next = this.arena.ext;
  }

  private nWord(i: number): number {
    return this.next.u32[(this.noff >>> 2) + i];
  }

  private setNWord(i: number, v: number): void {
    this.next.u32[(this.noff >>> 2) + i] = v;
  }

  /** Sets the `prev` (i = N_PREV) or `next` link of the node at `addr` without changing the current node. */
  private setLink(addr: number, i: number, v: number): void {
    if (addr === 0) return;
    const off = this.arena.resolve(addr);
    this.arena.ext.u32[(off >>> 2) + i] = v;
  }

  /** Most entry bytes a node may hold by the fill rule (list-max-listpack-size). */
  private limitBytes(): number {
    return this.limits[this.fill < 0 ? Math.min(-this.fill, LEVELS.length) - 1 : LEVELS.length];
  }

  /** True when a node holding `used` entry bytes and `count` entries may take an entry of `size` more bytes. */
  private allows(used: number, count: number, size: number): boolean {
    const sz = used + size;
    if (this.fill < 0) return sz <= this.limits[Math.min(-this.fill, LEVELS.length) - 1];
    return sz <= this.limits[LEVELS.length] && count < this.fill;
  }

  /**
   * Allocates a node with room for `bytes` entry bytes (a chunk of at least `capacity` bytes when that is more), links
   * it after `prev` (0: as the head). Leaves it current.
   */
  private newNode(prev: number, bytes: number, capacity = 0): void {
    const hu = this.hext.u32;
    const w = this.hw;
    const size = Math.max(NODE_HEADER + bytes, capacity);
    const addr = this.arena.allocAux(size, this.hext.tier);
    const next = prev === 0 ? hu[w + W_HEAD] : this.linkOf(prev, N_NEXT);
    this.load(addr);
    writeAuxHeader(this.next, this.noff, 0);
    this.setNWord(N_PREV, prev);
    this.setNWord(N_NEXT, next);
    this.setNWord(N_COUNT, 0);
    this.setNWord(N_GAP, 0);
    this.addAux(size);
    this.arena.resize(addr, size, NODE_HEADER);
    this.addAux(NODE_HEADER - size);
    if (prev === 0) hu[w + W_HEAD] = addr;
    else this.setLink(prev, N_NEXT, addr);
    if (next === 0) hu[w + W_TAIL] = addr;
    else this.setLink(next, N_PREV, addr);
    hu[w + W_NODES]++;
    this.load(addr);
  }

  private linkOf(addr: number, i: number): number {
    const off = this.arena.resolve(addr);
    return this.arena.ext.u32[(off >>> 2) + i];
  }

  /**
   * Makes room for `grow` more entry bytes in the current node: in place when its chunk has room, else the node
   * moves to a bigger chunk (links and header updated). The current node stays current.
   */
  private growNode(grow: number): void {
    const used = this.nWord(N_USED);
    const gap = this.nWord(N_GAP);
    const oldSize = NODE_HEADER + gap + used;
    const size = oldSize + grow;
    if (size <= this.arena.chunkSizeOf(this.node) && this.next.pins === 0) {
      this.arena.resize(this.node, oldSize, size);
      this.addAux(grow);
      return;
    }
    // A new chunk, the entries compacted to its start (the gap dropped). A node of GROW_DOUBLE_MIN bytes or more gets
    // a chunk for twice its new size (at most the fill limit), so RPUSHes fill it in place: each entry byte is then
    // copied O(1) times while the node fills up, instead of once per slab class it passes through (~9 times with
    // classes 1.125 apart; a copy inside a SharedArrayBuffer costs V8 about 1 ns per byte).
    // The new gap keeps the entries' address mod 8 (moveNode's copy is then word-wise; see ALIGN).
    const keep = gap & ALIGN_MASK;
    const need = used + grow;
    const cap = used >= GROW_DOUBLE_MIN ? NODE_HEADER + keep + Math.min(Math.max(this.limitBytes(), need), 2 * need) : 0;
    this.moveNode(NODE_HEADER + keep + need, keep, cap);
  }

  /**
   * Moves the current node to a new chunk of `newSize` bytes, its entries `gap` bytes after the header (the new
   * gap); links and header updated, the node stays current.
   */
  private moveNode(newSize: number, gap: number, capacity = 0): void {
    const oldSize = this.span();
    let addr: number;
    if (capacity > newSize) {
      // A chunk with room to grow in place; the arena counts the node's own bytes.
      addr = this.arena.allocAux(capacity, this.hext.tier);
      this.arena.resize(addr, capacity, newSize);
    } else addr = this.arena.allocAux(newSize, this.hext.tier);
    const off = this.arena.resolve(addr);
    const ext = this.arena.ext;
    copyBytes(this.next.u8, this.noff, ext.u8, off, NODE_HEADER);
    copyBytes(this.next.u8, this.first(), ext.u8, off + NODE_HEADER + gap, this.nWord(N_USED));
    ext.u32[(off >>> 2) + N_GAP] = gap;
    const prev = this.nWord(N_PREV);
    const next = this.nWord(N_NEXT);
    this.arena.freeAux(this.node, oldSize);
    this.addAux(newSize - oldSize);
    const hu = this.hext.u32;
    if (prev === 0) hu[this.hw + W_HEAD] = addr;
    else this.setLink(prev, N_NEXT, addr);
    if (next === 0) hu[this.hw + W_TAIL] = addr;
    else this.setLink(next, N_PREV, addr);
    this.load(addr);
  }

  /**
   * Shrinks the current node's accounting by `bytes` (taken off its chunk's end: its entries were moved down already;
   * 0 when the gap took them); frees it when empty.
   */
  private shrinkNode(bytes: number): void {
    const oldSize = this.span() + bytes;
    if (this.nWord(N_COUNT) === 0) {
      this.unlinkNode(oldSize);
      return;
    }
    if (bytes === 0) return; // the gap took them: the span is unchanged
    this.arena.resize(this.node, oldSize, oldSize - bytes);
    this.addAux(-bytes);
  }

  /** Frees the current (empty) node, `size` bytes requested, and unlinks it. `node` becomes 0. */
  private unlinkNode(size: number): void {
    const prev = this.nWord(N_PREV);
    const next = this.nWord(N_NEXT);
    const hu = this.hext.u32;
    this.arena.freeAux(this.node, size);
    this.addAux(-size);
    if (prev === 0) hu[this.hw + W_HEAD] = next;
    else this.setLink(prev, N_NEXT, next);
    if (next === 0) hu[this.hw + W_TAIL] = prev;
    else this.setLink(next, N_PREV, prev);
    hu[this.hw + W_NODES]--;
    this.node = 0;
  }

  // ----- entries -----------------------------------------------------------------------------------------------

  private first(): number {
    return this.noff + NODE_HEADER + this.nWord(N_GAP);
  }

  private end(): number {
    return this.noff + NODE_HEADER + this.nWord(N_GAP) + this.nWord(N_USED);
  }

  /** Bytes of the current node's chunk in use: header, gap, entries. */
  private span(): number {
    return NODE_HEADER + this.nWord(N_GAP) + this.nWord(N_USED);
  }

  /** Makes the entry at absolute offset `p` of the current node the current element. */
  private setEntry(p: number, idx: number): void {
    const u8 = this.next.u8;
    this.entry = p;
    this.idx = idx;
    let len = u8[p];
    let d = p + 1;
    if (len === LONG) {
      len = (u8[p + 1] | (u8[p + 2] << 8) | (u8[p + 3] << 16) | (u8[p + 4] << 24)) >>> 0;
      d = p + 5;
    }
    this.elemBuf = u8;
    this.elemOff = d;
    this.elemLen = len;
  }

  /** Offset of the entry after the one at `p`. */
  private after(p: number): number {
    const u8 = this.next.u8;
    const b = u8[p];
    if (b !== LONG) return p + b + 2;
    return p + ((u8[p + 1] | (u8[p + 2] << 8) | (u8[p + 3] << 16) | (u8[p + 4] << 24)) >>> 0) + 10;
  }

  /** Offset of the entry before the one that starts at `p` (the previous entry ends at p). */
  private before(p: number): number {
    const u8 = this.next.u8;
    const b = u8[p - 1];
    if (b !== LONG) return p - b - 2;
    return p - ((u8[p - 5] | (u8[p - 4] << 8) | (u8[p - 3] << 16) | (u8[p - 2] << 24)) >>> 0) - 10;
  }

  /** Writes an entry at `p`. */
  private writeEntry(p: number, b: Uint8Array, o: number, l: number): void {
    const u8 = this.next.u8;
    if (l < LONG) {
      u8[p] = l;
      copyToExtent(b, o, this.next, p + 1, l);
      u8[p + 1 + l] = l;
      return;
    }
    u8[p] = LONG;
    u8[p + 1] = l & 0xff;
    u8[p + 2] = (l >>> 8) & 0xff;
    u8[p + 3] = (l >>> 16) & 0xff;
    u8[p + 4] = l >>> 24;
    copyToExtent(b, o, this.next, p + 5, l);
    const q = p + 5 + l;
    u8[q] = l & 0xff;
    u8[q + 1] = (l >>> 8) & 0xff;
    u8[q + 2] = (l >>> 16) & 0xff;
    u8[q + 3] = l >>> 24;
    u8[q + 4] = LONG;
  }

  /**
   * Inserts b[o..o+l) at entry offset `rel` (relative to the node's first entry) of the current node, which has
   * room by the fill rule; the node grows (and may move). The new entry becomes current.
   */
  private insertInNode(rel: number, idx: number, b: Uint8Array, o: number, l: number): void {
    const size = qlEntrySize(l);
    const used = this.nWord(N_USED);
    this.growNode(size);
    const start = this.first();
    const at = start + rel;
    // (Not at the end, an RPUSH: a call for nothing.)
    if (rel < used) this.next.u8.copyWithin(at + size, at, start + used);
    this.writeEntry(at, b, o, l);
    this.setNWord(N_USED, used + size);
    this.setNWord(N_COUNT, this.nWord(N_COUNT) + 1);
    this.hext.u32[this.hw + W_COUNT]++;
    this.setEntry(at, idx);
  }

  /** LPUSH (head) / RPUSH (tail) of one element. */
  push(head: boolean, b: Uint8Array, o: number, l: number): void {
    const hu = this.hext.u32;
    const size = qlEntrySize(l);
    const end = hu[this.hw + (head ? W_HEAD : W_TAIL)];
    if (end !== 0) {
      this.load(end);
      if (this.allows(this.nWord(N_USED), this.nWord(N_COUNT), size)) {
        const gap = this.nWord(N_GAP);
        if (head && gap >= size && this.next.pins === 0) {
          // Into the gap in front of the entries: nothing moves, the chunk's span is unchanged.
          const at = this.noff + NODE_HEADER + gap - size;
          this.writeEntry(at, b, o, l);
          this.setNWord(N_GAP, gap - size);
          this.setNWord(N_USED, this.nWord(N_USED) + size);
          this.setNWord(N_COUNT, this.nWord(N_COUNT) + 1);
          hu[this.hw + W_COUNT]++;
          this.setEntry(at, 0);
          return;
        }
        const used = this.nWord(N_USED);
        const room = head && used >= HEAD_ROOM_FROM ? Math.min(used, this.limitBytes() - used - size) : 0;
        if (room >= HEAD_ROOM_MIN && room >= size) {
          this.pushHeadWithRoom(b, o, l, size, room);
          return;
        }
        this.insertInNode(head ? 0 : this.nWord(N_USED), head ? 0 : this.nWord(N_COUNT), b, o, l);
        return;
      }
    }
    if (end !== 0 && this.fill < 0 && size <= this.limitBytes()) {
      this.pushNewEndNode(head, b, o, l, size);
      return;
    }
    this.newNode(head ? 0 : hu[this.hw + W_TAIL], size);
    this.insertInNode(0, 0, b, o, l);
  }

  /**
   * A push onto a list whose end node is full (a list that already spans a node's worth of entries): the new end node
   * gets a chunk for the whole fill limit at once, its first entry at the far end of it for an LPUSH (the rest of the
   * chunk is the gap that the next LPUSHes fill) or at the start for an RPUSH (growNode then grows it in place). So a
   * run of pushes never moves a node of a long list: each entry byte is written once, as Redis's listpack at the
   * tail (an LPUSH into a listpack moves the whole listpack, lpInsert's memmove). The cost is one partly filled chunk
   * at each end of a list that is at least a node long.
   */
  private pushNewEndNode(head: boolean, b: Uint8Array, o: number, l: number, size: number): void {
    const cap = NODE_HEADER + this.limitBytes();
    this.newNode(head ? 0 : this.hext.u32[this.hw + W_TAIL], size, cap);
    if (!head) {
      this.insertInNode(0, 0, b, o, l);
      return;
    }
    const gap = cap - NODE_HEADER - size;
    this.arena.resize(this.node, NODE_HEADER, cap);
    this.addAux(cap - NODE_HEADER);
    const at = this.noff + NODE_HEADER + gap;
    this.writeEntry(at, b, o, l);
    this.setNWord(N_GAP, gap);
    this.setNWord(N_USED, size);
    this.setNWord(N_COUNT, 1);
    this.hext.u32[this.hw + W_COUNT]++;
    this.setEntry(at, 0);
  }

  /**
   * LPUSH into the current (head) node whose gap is too small: the entries move once, leaving `room` bytes in front
   * for the next pushes (push: as many as the entries' bytes, under the fill limit; see HEAD_ROOM_FROM), so a run of
   * LPUSHes moves a node's bytes once per doubling instead of at each push (see the gap at
   * the top of the file). In place when the chunk has the room, else in a new chunk of that size. The new entry
   * becomes current.
   */
  private pushHeadWithRoom(b: Uint8Array, o: number, l: number, size: number, room: number): void {
    const used = this.nWord(N_USED);
    // The entries move by a multiple of 8 bytes, so the copy is word-wise (see ALIGN).
    room -= (room + size - this.nWord(N_GAP)) & ALIGN_MASK;
    const oldSpan = this.span();
    const newSpan = NODE_HEADER + room + size + used;
    if (newSpan <= this.arena.chunkSizeOf(this.node) && this.next.pins === 0) {
      const from = this.first();
      this.next.u8.copyWithin(this.noff + NODE_HEADER + room + size, from, from + used);
      this.arena.resize(this.node, oldSpan, newSpan);
      this.addAux(newSpan - oldSpan);
    } else this.moveNode(newSpan, room + size);
    // The entry goes at the end of the new gap.
    const at = this.noff + NODE_HEADER + room;
    this.writeEntry(at, b, o, l);
    this.setNWord(N_GAP, room);
    this.setNWord(N_USED, used + size);
    this.setNWord(N_COUNT, this.nWord(N_COUNT) + 1);
    this.hext.u32[this.hw + W_COUNT]++;
    this.setEntry(at, 0);
  }

  /** Makes the first (head) or last element current. The list must not be empty. */
  peek(head: boolean): void {
    const hu = this.hext.u32;
    this.load(hu[this.hw + (head ? W_HEAD : W_TAIL)]);
    if (head) this.setEntry(this.first(), 0);
    else this.setEntry(this.before(this.end()), this.nWord(N_COUNT) - 1);
  }

  /** Deletes the current element. Afterwards the position is that of the element that followed it (see `seekNext`). */
  deleteCurrent(): void {
    const size = this.after(this.entry) - this.entry;
    const end = this.end();
    const rel = this.entry - this.first();
    let freed = size;
    if (rel === 0) {
      // The node's first entry: its bytes join the gap, nothing moves.
      this.setNWord(N_GAP, this.nWord(N_GAP) + size);
      freed = 0;
    } else if (this.entry + size < end) this.next.u8.copyWithin(this.entry, this.entry + size, end); // (RPOP: none)
    this.setNWord(N_USED, this.nWord(N_USED) - size);
    this.setNWord(N_COUNT, this.nWord(N_COUNT) - 1);
    this.hext.u32[this.hw + W_COUNT]--;
    const next = this.nWord(N_NEXT);
    const remaining = this.nWord(N_COUNT);
    this.shrinkNode(freed);
    // Where the following element is now: same offset in this node, or the next node's first.
    this.delNext = this.node !== 0 && this.idx < remaining ? this.node : next;
    this.delRel = this.node !== 0 && this.idx < remaining ? rel : 0;
    this.delIdx = this.node !== 0 && this.idx < remaining ? this.idx : 0;
  }

  private delNext = 0;
  private delRel = 0;
  private delIdx = 0;

  /** After `deleteCurrent`: makes the element that followed the deleted one current. @returns false at the end */
  seekNext(): boolean {
    if (this.delNext === 0) return false;
    this.load(this.delNext);
    this.setEntry(this.first() + this.delRel, this.delIdx);
    return true;
  }

  /**
   * Deletes `n` elements (at most `count()`) at the head or the tail (LTRIM, pops with a count): whole nodes are
   * freed without walking their entries, the last one partly cut with one move (Redis quicklistDelRange).
   */
  deleteEnd(head: boolean, n: number): void {
    const hu = this.hext.u32;
    while (n > 0) {
      this.load(hu[this.hw + (head ? W_HEAD : W_TAIL)]);
      const c = this.nWord(N_COUNT);
      const used = this.nWord(N_USED);
      if (c <= n) {
        hu[this.hw + W_COUNT] -= c;
        this.unlinkNode(this.span());
        n -= c;
        continue;
      }
      const start = this.first();
      const end = start + used;
      let cut: number;
      if (head) {
        let p = start;
        for (let k = 0; k < n; k++) p = this.after(p);
        cut = p - start;
        // The cut entries join the gap (see the top of the file): nothing moves.
        this.setNWord(N_GAP, this.nWord(N_GAP) + cut);
      } else {
        let p = end;
        for (let k = 0; k < n; k++) p = this.before(p);
        cut = end - p;
      }
      this.setNWord(N_USED, used - cut);
      this.setNWord(N_COUNT, c - n);
      hu[this.hw + W_COUNT] -= n;
      this.shrinkNode(head ? 0 : cut);
      return;
    }
  }

  /** LPOP/RPOP of one element: the caller read it with `peek` first. */
  pop(head: boolean): void {
    this.peek(head);
    this.deleteCurrent();
  }

  /**
   * Makes element `i` current (0-based from the head; negative from the tail, -1 the last), walking from the nearer
   * end. @returns false when out of range
   */
  seek(i: number): boolean {
    const n = this.count();
    if (i < 0) i += n;
    if (i < 0 || i >= n) return false;
    const hu = this.hext.u32;
    if (i < n / 2) {
      let addr = hu[this.hw + W_HEAD];
      let base = 0;
      for (;;) {
        this.load(addr);
        const c = this.nWord(N_COUNT);
        if (i < base + c) break;
        base += c;
        addr = this.nWord(N_NEXT);
      }
      let p = this.first();
      for (let k = base; k < i; k++) p = this.after(p);
      this.setEntry(p, i - base);
    } else {
      let addr = hu[this.hw + W_TAIL];
      let last = n - 1; // index of the current node's last element
      for (;;) {
        this.load(addr);
        const c = this.nWord(N_COUNT);
        if (i > last - c) break;
        last -= c;
        addr = this.nWord(N_PREV);
      }
      let p = this.before(this.end());
      for (let k = last; k > i; k--) p = this.before(p);
      const c = this.nWord(N_COUNT);
      this.setEntry(p, c - 1 - (last - i));
    }
    return true;
  }

  /**
   * Encodes `n` elements (n ≥ 1, start + n ≤ count) as RESP bulk strings into `out`: element `start` and the ones
   * after it, or when `reverse` element `start + n - 1` and the ones before it (LRANGE, the pops with a count; Redis
   * addListRangeReply, which adds each element with its own call). Node by node: room for the node's part is asked
   * for once, then each entry's length is read, framed and its bytes copied in one loop, with no per-element call
   * or position bookkeeping (this was 60–70 % of LRANGE's server CPU time through a per-element `bulk()`). The
   * position is left on the last node visited, with no element current.
   */
  writeBulks(out: BulkSink, start: number, n: number, reverse: boolean): void {
    if (n <= 0 || !this.seek(reverse ? start + n - 1 : start)) return;
    let p = this.entry;
    let idx = this.idx;
    for (;;) {
      const u8 = this.next.u8;
      const lo = this.first();
      // This node's part: forward, entries idx..count-1 from p; backward, entries idx..0 ending at p's end.
      const k = reverse ? Math.min(n, idx + 1) : Math.min(n, this.nWord(N_COUNT) - idx);
      const bytes = reverse ? this.after(p) - this.first() : this.end() - p;
      const frame = bytes + k * BULK_FRAME_MAX;
      const stage = bytes <= STAGE_MAX;
      const b = out.reserve(stage ? frame + bytes + ALIGN_MASK : frame);
      let w = out.at;
      // Staging (see STAGE_MAX): this node's entries are copied once, co-aligned, behind the room of the reply,
      // then read from there: src/delta address the copy, else the node itself.
      let src: Uint8Array = u8;
      let delta = 0;
      if (stage) {
        const from = reverse ? lo : p;
        let at = w + frame;
        at += (from + u8.byteOffset - (at + b.byteOffset)) & ALIGN_MASK;
        b.set(u8.subarray(from, from + bytes), at);
        src = b;
        delta = at - from;
      }
      for (let i = 0; i < k; i++) {
        const q = p + delta;
        let len = src[q];
        let d = q + 1;
        if (len === LONG) {
          len = (src[q + 1] | (src[q + 2] << 8) | (src[q + 3] << 16) | (src[q + 4] << 24)) >>> 0;
          d = q + 5;
        }
        b[w] = 0x24;
        w = putDigits(b, w + 1, len);
        b[w] = 0x0d;
        b[w + 1] = 0x0a;
        w += 2;
        if (len <= 16) {
          for (let j = 0; j < len; j++) b[w + j] = src[d + j];
        } else if (stage) {
          b.copyWithin(w, d, d + len); // a plain memmove inside the reply buffer (never a SharedArrayBuffer)
        } else {
          b.set(u8.subarray(d, d + len), w); // faster than Buffer.prototype.copy from a SharedArrayBuffer view
        }
        w += len;
        b[w] = 0x0d;
        b[w + 1] = 0x0a;
        w += 2;
        if (!reverse) p = d - delta + len + (len < LONG ? 1 : 5);
        else if (p > lo) p = this.before(p);
      }
      out.at = w;
      n -= k;
      if (n === 0) return;
      this.load(this.nWord(reverse ? N_PREV : N_NEXT));
      if (reverse) {
        p = this.before(this.end());
        idx = this.nWord(N_COUNT) - 1;
      } else {
        p = this.first();
        idx = 0;
      }
    }
  }

  /** Moves to the element after the current one. @returns false at the end of the list */
  forward(): boolean {
    const p = this.after(this.entry);
    if (p < this.end()) {
      this.setEntry(p, this.idx + 1);
      return true;
    }
    const next = this.nWord(N_NEXT);
    if (next === 0) return false;
    this.load(next);
    this.setEntry(this.first(), 0);
    return true;
  }

  /** Moves to the element before the current one. @returns false at the head */
  backward(): boolean {
    if (this.entry > this.first()) {
      this.setEntry(this.before(this.entry), this.idx - 1);
      return true;
    }
    const prev = this.nWord(N_PREV);
    if (prev === 0) return false;
    this.load(prev);
    this.setEntry(this.before(this.end()), this.nWord(N_COUNT) - 1);
    return true;
  }

  /** Inserts an element before (or after) the current one (LINSERT). The new element becomes current. */
  insertAtCurrent(after: boolean, b: Uint8Array, o: number, l: number): void {
    const size = qlEntrySize(l);
    const at = after ? this.after(this.entry) : this.entry;
    const rel = at - this.first();
    const idx = after ? this.idx + 1 : this.idx;
    if (this.allows(this.nWord(N_USED), this.nWord(N_COUNT), size)) {
      this.insertInNode(rel, idx, b, o, l);
      return;
    }
    // The node is full: at one of its ends, a new neighbour node; in the middle, split it there.
    if (idx === 0) {
      this.newNode(this.nWord(N_PREV), size);
      this.insertInNode(0, 0, b, o, l);
      return;
    }
    if (idx === this.nWord(N_COUNT)) {
      this.newNode(this.node, size);
      this.insertInNode(0, 0, b, o, l);
      return;
    }
    this.splitAt(rel, idx);
    // The current node now ends at the insertion point: append there.
    this.insertInNode(this.nWord(N_USED), idx, b, o, l);
  }

  /** Moves the entries of the current node from relative offset `rel` (entry index `idx`) on into a new node after it. */
  private splitAt(rel: number, idx: number): void {
    const used = this.nWord(N_USED);
    const count = this.nWord(N_COUNT);
    const moveBytes = used - rel;
    const left = this.node;
    this.newNode(left, moveBytes);
    const right = this.node;
    this.growNode(moveBytes);
    const rOff = this.noff;
    const rExt = this.next;
    this.load(left);
    copyBytes(this.next.u8, this.first() + rel, rExt.u8, rOff + NODE_HEADER, moveBytes);
    rExt.u32[(rOff >>> 2) + N_USED] = moveBytes;
    rExt.u32[(rOff >>> 2) + N_COUNT] = count - idx;
    this.setNWord(N_USED, rel);
    this.setNWord(N_COUNT, idx);
    const gap = this.nWord(N_GAP);
    this.arena.resize(left, NODE_HEADER + gap + used, NODE_HEADER + gap + rel);
    this.addAux(-moveBytes);
    void right;
  }

  /** Replaces the current element's bytes (LSET). The element stays current. */
  replaceCurrent(b: Uint8Array, o: number, l: number): void {
    const oldSize = this.after(this.entry) - this.entry;
    const size = qlEntrySize(l);
    const rel = this.entry - this.first();
    const idx = this.idx;
    const used = this.nWord(N_USED);
    if (size > oldSize) {
      this.growNode(size - oldSize);
      const start = this.first();
      this.next.u8.copyWithin(start + rel + size, start + rel + oldSize, start + used);
    } else if (size < oldSize) {
      const start = this.first();
      this.next.u8.copyWithin(start + rel + size, start + rel + oldSize, start + used);
      const span = this.span();
      this.arena.resize(this.node, span, span - (oldSize - size));
      this.addAux(size - oldSize);
    }
    this.setNWord(N_USED, used + size - oldSize);
    this.writeEntry(this.first() + rel, b, o, l);
    this.setEntry(this.first() + rel, idx);
  }

  // ----- whole list --------------------------------------------------------------------------------------------

  /** Frees every node (DEL, overwrite, eviction): O(nodes). The header is left stale. */
  freeAll(): void {
    const hu = this.hext.u32;
    let addr = hu[this.hw + W_HEAD];
    while (addr !== 0) {
      this.load(addr);
      const next = this.nWord(N_NEXT);
      this.arena.freeAux(addr, this.span());
      addr = next;
    }
    hu[this.hw + W_HEAD] = 0;
    hu[this.hw + W_TAIL] = 0;
    hu[this.hw + W_COUNT] = 0;
    hu[this.hw + W_NODES] = 0;
  }

  /**
   * Moves every node of the bound list to new chunks in `tier` (a change of tier of the list's item: keyspace.ts
   * `moveListTier`), all or nothing: the new chain is built first; when the arena cannot hold it, what was taken is
   * freed and the list is left as it was. Then the old chunks are freed and the header points at the new chain. O(nodes
   * + node bytes); the tier policy moves only lists of at most TIER_LIST_MAX_NODES nodes and TIER_LIST_MAX_BYTES
   * bytes. No element is current afterwards.
   * @returns false when the arena had no room (nothing changed)
   * @throws whatever the arena throws besides ArenaFullError (after freeing the partial chain)
   */
  moveNodes(tier: number): boolean {
    const arena = this.arena;
    const hu = this.hext.u32;
    const w = this.hw;
    let addr = hu[w + W_HEAD];
    let prev = 0;
    let head = 0;
    this.node = 0;
    try {
      while (addr !== 0) {
        const soff = arena.resolve(addr);
        const sext = arena.ext;
        const sw = soff >>> 2;
        const size = NODE_HEADER + sext.u32[sw + N_GAP] + sext.u32[sw + N_USED];
        const na = arena.allocAux(size, tier);
        const noff = arena.resolve(na);
        const next = arena.ext;
        copyBytes(sext.u8, soff, next.u8, noff, size);
        next.u32[(noff >>> 2) + N_PREV] = prev;
        next.u32[(noff >>> 2) + N_NEXT] = 0;
        if (prev === 0) head = na;
        else this.setLink(prev, N_NEXT, na);
        prev = na;
        addr = sext.u32[sw + N_NEXT];
      }
    } catch (e) {
      // Free the partial new chain, from its tail back.
      while (prev !== 0) {
        const off = arena.resolve(prev);
        const u32 = arena.ext.u32;
        const before = u32[(off >>> 2) + N_PREV];
        arena.freeAux(prev, NODE_HEADER + u32[(off >>> 2) + N_GAP] + u32[(off >>> 2) + N_USED]);
        prev = before;
      }
      if (e instanceof ArenaFullError) return false;
      throw e;
    }
    addr = hu[w + W_HEAD];
    while (addr !== 0) {
      const off = arena.resolve(addr);
      const u32 = arena.ext.u32;
      const next = u32[(off >>> 2) + N_NEXT];
      arena.freeAux(addr, NODE_HEADER + u32[(off >>> 2) + N_GAP] + u32[(off >>> 2) + N_USED]);
      addr = next;
    }
    hu[w + W_HEAD] = head;
    hu[w + W_TAIL] = prev;
    return true;
  }

  /** Tier of the bound list's node chunks: its item's tier. */
  tier(): number {
    return this.hext.tier;
  }

  /**
   * Drops every view this object holds of an extent (after `dropTier`: a view would keep the dropped
   * SharedArrayBuffer alive). Bind again before any other call.
   */
  forget(empty: Extent): void {
    this.hext = empty;
    this.next = empty;
    this.hw = 0;
    this.node = 0;
    this.elemBuf = new Uint8Array(0);
    this.elemOff = 0;
    this.elemLen = 0;
  }

  /** Copies the bound list, node by node, to a new header at (ext, hoff), which is then bound (COPY). */
  cloneTo(ext: Extent, hoff: number): void {
    let addr = this.hext.u32[this.hw + W_HEAD];
    this.init(ext, hoff);
    let prev = 0;
    const hu = ext.u32;
    const w = hoff >>> 2;
    while (addr !== 0) {
      const soff = this.arena.resolve(addr);
      const sext = this.arena.ext;
      const used = sext.u32[(soff >>> 2) + N_USED];
      const size = NODE_HEADER + sext.u32[(soff >>> 2) + N_GAP] + used;
      const na = this.arena.allocAux(size, ext.tier);
      const noff = this.arena.resolve(na);
      const next = this.arena.ext;
      copyBytes(sext.u8, soff, next.u8, noff, size);
      next.u32[(noff >>> 2) + N_PREV] = prev;
      next.u32[(noff >>> 2) + N_NEXT] = 0;
      if (prev === 0) hu[w + W_HEAD] = na;
      else this.setLink(prev, N_NEXT, na);
      hu[w + W_TAIL] = na;
      hu[w + W_NODES]++;
      hu[w + W_COUNT] += next.u32[(noff >>> 2) + N_COUNT];
      this.addAux(size);
      prev = na;
      addr = sext.u32[(soff >>> 2) + N_NEXT];
    }
  }
}
