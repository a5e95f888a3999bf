/**
 * RESP2/RESP3 reply encoder writing into pooled output buffers, flushing one client's batch of replies with one
 * socket write (or one corked series of writes when large values are sent by reference).
 *
 * Wire formats follow the RESP3 specification and Redis 7.0 networking.c (addReply*, e.g. addReplyDouble,
 * addReplyNullArray, addReplyMapLen, addReplyVerbatim), checked byte for byte against redis-server 7.0.15.
 */

import { WORDS_FROM, WORDS_TO, copyByWords } from '../allocator/bytes.js';
import type { Extent } from '../allocator/extent.js';
import { formatDouble, formatLongDouble } from './number-format.js';
import { ReplyMemory } from './reply-memory.js';

export { formatDouble, formatLongDouble };

/** Minimal socket interface used by {@link ReplyWriter.flushTo} (net.Socket satisfies it). */
export interface ReplySink {
  /** Queues `b`; `cb` (given for bytes sent by reference) runs once they were written, or failed to be. */
  write(b: Buffer, cb?: (err?: Error | null) => void): boolean;
  cork?(): void;
  uncork?(): void;
  /**
   * Bytes handed to `write` and not written out yet (net.Socket). 0 right after a flush means the sink holds no
   * reference to the batch's bytes; a sink without it (e.g. one that keeps the buffers) is assumed to hold them.
   */
  readonly writableLength?: number;
}

/**
 * Owner of bytes a reply sends by reference (an arena extent, allocator/extent.ts): `pins` counts the unsent
 * replies that reference them; the owner must not change those bytes while it is above 0.
 */
export interface RefOwner {
  pins: number;
}

/** Per-connection count of reply bytes queued by reference and not yet written (client.ts `refBytes`). */
export interface RefAccount {
  refBytes: number;
}

/** Default size of a pool buffer: 256 KiB. */
export const REPLY_POOL_SIZE = 256 * 1024;
/** `bulkRef` values shorter than this are copied (cheaper than an extra write segment); longer ones are referenced. */
export const BULK_REF_MIN = 4096;
/**
 * When a pool runs out in the middle of a batch, the batch's bytes in the old pool are carried over into the new
 * pool (keeping a single write) if they are at most this long; otherwise the batch is split into two segments.
 */
const CARRY_MAX = 16 * 1024;
/** Written pools a writer keeps for reuse (see ReplyWriter `spares`). */
const SPARE_POOLS = 32;
/**
 * Bytes of memory a value sent by reference is counted for (its view, write request and callback are JS objects):
 * the rest of its length is the owner's memory, not the reply's (`memorySize`, RefAccount `refBytes`). Keeps a
 * client that pipelines endless GETs of one large value bounded too.
 */
export const REF_OVERHEAD = 1024;
/** The empty word view (ReplyWriter `poolWords` while none is made). */
const NO_WORDS = new Uint32Array(0);
/** Status and error texts, and ASCII bulk strings, up to this long are encoded by a loop (see `line`). */
const LINE_LOOP_MAX = 64;
/** Room for a type byte, a sign, 20 digits and CRLF. */
const HDR_MAX = 24;
/**
 * A bulk of at least this many bytes whose source and destination are not co-aligned (address mod 8) is staged: copied
 * co-aligned behind its place in the pool, then moved into place within the pool. V8 copies out of a
 * SharedArrayBuffer (the arena) word by word only between co-aligned addresses, byte by byte otherwise; the move
 * within the pool (an ordinary ArrayBuffer) is a plain memmove. Node 20, arena → pool: 300 B 149 → 95 ns, 1000 B
 * 355 → 174 ns, 4000 B 1,207 → 370 ns; below ~200 B the second copy costs more than it saves.
 */
const STAGE_FROM = 256;
/** ...and of at most this many bytes (bigger bulks are rare and would double their room in the pool). */
const STAGE_MAX = 65536;

/** Precomputed encodings of common replies, for {@link ReplyWriter.raw}. Do not modify. */
export const SHARED = Object.freeze({
  OK: Buffer.from('+OK\r\n', 'latin1'),
  PONG: Buffer.from('+PONG\r\n', 'latin1'),
  QUEUED: Buffer.from('+QUEUED\r\n', 'latin1'),
  CZERO: Buffer.from(':0\r\n', 'latin1'),
  CONE: Buffer.from(':1\r\n', 'latin1'),
  CNEGONE: Buffer.from(':-1\r\n', 'latin1'),
  CNEGTWO: Buffer.from(':-2\r\n', 'latin1'),
  CRLF: Buffer.from('\r\n', 'latin1'),
  EMPTY_BULK: Buffer.from('$0\r\n\r\n', 'latin1'),
  EMPTY_ARRAY: Buffer.from('*0\r\n', 'latin1'),
  /** RESP2 null bulk; in RESP3 use {@link RESP3_NULL} (or call `nullBulk()`). */
  NULL_BULK: Buffer.from('$-1\r\n', 'latin1'),
  /** RESP2 null array; in RESP3 use {@link RESP3_NULL} (or call `nullArray()`). */
  NULL_ARRAY: Buffer.from('*-1\r\n', 'latin1'),
  RESP3_NULL: Buffer.from('_\r\n', 'latin1'),
  RESP3_TRUE: Buffer.from('#t\r\n', 'latin1'),
  RESP3_FALSE: Buffer.from('#f\r\n', 'latin1'),
  SYNTAX_ERR: Buffer.from('-ERR syntax error\r\n', 'latin1'),
  WRONGTYPE: Buffer.from('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n', 'latin1'),
});

const EMPTY = Buffer.alloc(0);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Number of decimal digits of a non-negative safe integer. */
export function digitCount(n: number): number {
  let d = 1;
  while (n >= 10) {
    // Dividing keeps the comparison exact for every safe integer.
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/**
 * Reply encoder shared by all connections of the (single-threaded) server.
 *
 * Protocol per batch: the server sets `proto`, calls `begin()`, encodes the replies of one client's read with the
 * encoder methods, then `flushTo(socket)`. Bytes go into a pool Buffer (default 256 KiB, cut from an mmap-backed
 * reply extent: reply-memory.ts); a flushed batch is handed to `socket.write` as a `subarray` view. When the socket
 * wrote everything at once (its `writableLength` is 0 after the write) and no earlier batch left bytes of this pool
 * unwritten, the next batch starts again at the beginning of the pool; otherwise it starts after the flushed bytes,
 * so bytes a socket still holds are never overwritten. When the pool cannot take the next reply a new one is taken
 * (bigger when one reply needs more, after which the default size is used again); the old pool stays alive as long
 * as a socket references it.
 *
 * `bulkRef` queues a large value by reference as a separate segment (a batch with several segments is written
 * corked, in order). Its owner (an arena extent) is pinned from the moment the reply is encoded until the socket
 * has written the bytes (write callback), so that the keyspace copies instead of writing them in place: a reply is
 * what the keyspace held when the command ran, however late the client reads it (issue 11).
 *
 * Integers and lengths are written as ASCII digits directly (no number-to-string allocation); strings are encoded
 * straight into the pool. Doubles use {@link formatDouble} (string allocation).
 */
export class ReplyWriter {
  /** Protocol version of the client whose batch is being encoded. */
  proto: 2 | 3 = 2;
  /** False when a write of the last `flushTo` returned false (socket buffer full: the caller may pause reading). */
  lastWriteOk = true;
  /** Error replies encoded so far (for INFO errorstats and failed_calls), and the text of the last one. */
  errors = 0;
  lastError = '';

  private readonly poolSize: number;
  private pool: Buffer;
  /**
   * A u32 view over the whole buffer of `pool` (for `bulkFromExtent`), made when first needed and dropped at a pool
   * switch (`dropPoolWords`: the view would keep the old pool's reply extent alive).
   */
  private poolWordsOf: Buffer | null = null;
  private poolWords: Uint32Array = NO_WORDS;
  /** Start, in `pool`, of the batch bytes not yet closed into a segment. */
  private segStart = 0;
  /** Write position in `pool`. */
  private pos = 0;
  /** Closed segments of the current batch, in order (pool views and referenced buffers). */
  private segs: Buffer[] = [];
  /** Per segment, the owner pinned for it (referenced bytes) or null (pool bytes). */
  private segOwners: (RefOwner | null)[] = [];
  private nseg = 0;
  private segBytes = 0;
  /** Bytes of the current batch's segments sent by reference with an owner (pinned arena values). */
  private pinnedBytes = 0;
  /** Some bytes of the current pool were handed to a sink that may still hold them: never rewind this pool. */
  private poolHeld = false;
  /**
   * The pool that batches taken by `detach` and not yet `released` lie in (null: none): it is neither rewound nor
   * retired to the spares until they are.
   */
  private detachedPool: Buffer | null = null;
  private readonly memory = new ReplyMemory();
  /**
   * Pools (of `poolSize` bytes) the current batch left behind and that held no bytes of an earlier batch: once the
   * batch is written out at once (the socket's `writableLength` is 0 after the flush), nothing references them
   * and they become `spares`; otherwise they are dropped (the GC frees them, as before).
   */
  private retired: Buffer[] = [];
  /**
   * Written pools ready for reuse, taken before fresh reply memory: a reply larger than a pool (LRANGE of 200,000
   * elements: ~4.6 MiB) otherwise writes into pages never touched before, whose page faults cost more than the
   * encoding itself (measured in-process: 200,000 16-byte bulks, 20 ms with fresh pools, 6 ms reusing them). At most
   * SPARE_POOLS are kept (8 MiB at the default pool size), so a big reply costs page faults only for its part
   * beyond that. Spares are only ever slices of the reply extent the writer is cutting (reply-memory.ts
   * `current`), which its current pool keeps alive anyway: they pin no extent of their own, so the memory a burst
   * took still goes back as before; when the writer moves to a new extent, the spares are dropped.
   */
  private spares: Buffer[] = [];

  /**
   * @param poolSize size of each pool buffer in bytes (default 256 KiB); a reply larger than this gets a pool of
   *   its own size.
   */
  constructor(poolSize: number = REPLY_POOL_SIZE) {
    this.poolSize = poolSize;
    this.pool = this.memory.take(poolSize);
  }

  /** Reply extents allocated so far (reply-memory.ts). */
  allocations(): number {
    return this.memory.allocations;
  }

  /** Starts a new batch, discarding anything encoded since the last `flushTo` (bytes never handed to a write). */
  begin(): void {
    this.retired.length = 0;
    for (let i = 0; i < this.nseg; i++) {
      this.segs[i] = EMPTY;
      const o = this.segOwners[i];
      if (o !== null) {
        o.pins--;
        this.segOwners[i] = null;
      }
    }
    this.nseg = 0;
    this.segBytes = 0;
    this.pinnedBytes = 0;
    this.pos = this.segStart;
    this.lastWriteOk = true;
  }

  /**
   * A position in the current batch to which `rollback` can return (used to discard a partly written reply when a
   * command fails half-way). Encodes the segment count and the pool position.
   */
  mark(): number {
    return this.nseg * 0x100000000 + this.pos;
  }

  /**
   * Discards what was encoded since `mark` if no segment was closed in between (the usual case: the reply stayed
   * in one pool buffer). @returns false when it could not (the caller must then close the connection).
   */
  rollback(mark: number): boolean {
    const nseg = Math.floor(mark / 0x100000000);
    if (nseg !== this.nseg) return false;
    this.pos = mark - nseg * 0x100000000;
    return true;
  }

  /** Bytes in the current batch. */
  size(): number {
    return this.segBytes + (this.pos - this.segStart);
  }

  /**
   * Bytes in the current batch less those of pinned arena values sent by reference (each still counted for
   * REF_OVERHEAD): the memory the batch holds.
   */
  memorySize(): number {
    return this.size() - this.pinnedBytes;
  }

  /**
   * Writes the current batch to `sock` (one `write` call for a single-segment batch, otherwise `cork`, one `write`
   * per segment in order, `uncork`) and starts a new batch. Sets `lastWriteOk`. Each segment sent by reference
   * gets a write callback that unpins its owner and takes its length off `acct.refBytes` (added here).
   *
   * @returns the number of bytes handed to the socket (0 for an empty batch, in which case nothing is written).
   */
  flushTo(sock: ReplySink, acct: RefAccount | null = null): number {
    const tail = this.pos - this.segStart;
    let ok = true;
    let total: number;
    if (this.nseg === 0) {
      if (tail === 0) return 0;
      const view = this.pool.subarray(this.segStart, this.pos);
      this.segStart = this.pos;
      total = tail;
      ok = sock.write(view);
    } else {
      if (tail > 0) this.closeSegment();
      total = this.segBytes;
      const n = this.nseg;
      const segs = this.segs;
      const owners = this.segOwners;
      if (sock.cork !== undefined) sock.cork();
      for (let i = 0; i < n; i++) {
        const seg = segs[i]!;
        const o = owners[i];
        if (o !== null) {
          owners[i] = null;
          const shared = seg.length - REF_OVERHEAD;
          if (acct !== null) acct.refBytes += shared;
          if (!sock.write(seg, unpinWhenWritten(o, acct, shared))) ok = false;
        } else if (!sock.write(seg)) {
          ok = false;
        }
        segs[i] = EMPTY;
      }
      if (sock.uncork !== undefined) sock.uncork();
      this.nseg = 0;
      this.segBytes = 0;
      this.pinnedBytes = 0;
    }
    // Nothing of this pool is held by a sink any more: start the next batch at its beginning.
    // (Not while batches taken by `detach` wait in it.)
    if (sock.writableLength !== 0) this.poolHeld = true;
    else if (!this.poolHeld && this.detachedPool !== this.pool) this.segStart = this.pos = 0;
    const r = this.retired;
    if (r.length > 0) {
      if (sock.writableLength === 0) {
        const cur = this.memory.current;
        for (let i = 0; i < r.length && this.spares.length < SPARE_POOLS; i++) if (r[i]!.buffer === cur) this.spares.push(r[i]!);
      }
      r.length = 0;
    }
    this.lastWriteOk = ok;
    return total;
  }

  /**
   * Takes the current batch, when it is one run of pool bytes of at most `max` bytes, out of the writer without
   * writing it: the caller writes the returned view later (server.ts defers small batches to the end of the
   * event-loop turn) and then calls `released`. Until then the pool is not rewound or reused, so the view's bytes
   * stay as encoded; the next batch starts after them.
   *
   * @returns a view of the batch's bytes (length 0 for an empty batch), or null when the batch has segments (values
   *   sent by reference, a batch that outgrew its pool) or is longer than `max` bytes: flush it with `flushTo`.
   */
  detach(max: number): Buffer | null {
    const n = this.pos - this.segStart;
    if (this.nseg !== 0 || n > max) return null;
    if (n === 0) return EMPTY;
    const view = this.pool.subarray(this.segStart, this.pos);
    this.segStart = this.pos;
    this.detachedPool = this.pool;
    this.lastWriteOk = true;
    return view;
  }

  /**
   * Every batch taken by `detach` was handed to its socket. `drained`: every such socket wrote it out at once
   * (`writableLength` 0 after the write), so nothing references those bytes and the pool may start over.
   */
  released(drained: boolean): void {
    if (this.detachedPool !== this.pool) {
      this.detachedPool = null;
      return;
    }
    this.detachedPool = null;
    if (!drained) this.poolHeld = true;
    else if (!this.poolHeld && this.pos === this.segStart && this.nseg === 0) this.segStart = this.pos = 0;
  }

  // ---------------------------------------------------------------------------------------------------- encoders

  /** `+OK\r\n` */
  ok(): void {
    this.raw(SHARED.OK);
  }

  /** `+s\r\n`. `s` should be ASCII without CR/LF; any CR or LF is replaced by a space to keep the stream valid. */
  simple(s: string): void {
    this.line(0x2b, s);
  }

  /**
   * `-s\r\n`, e.g. `error("ERR unknown command")`. `s` must include the error code (ERR, WRONGTYPE, ...); it is
   * UTF-8 encoded, CR and LF replaced by spaces (as Redis addReplyErrorFormat does).
   */
  error(s: string): void {
    this.errors++;
    this.lastError = s;
    this.line(0x2d, s);
  }

  /**
   * `-s\r\n` with every UTF-16 unit of `s` written as one byte (latin1), CR/LF replaced by spaces: for error texts
   * that carry raw request bytes, such as `RequestParser.error` ("Protocol error: expected '$', got '\xff'" must
   * send the byte 0xff, as Redis does). Reply to a parser error with `errorLatin1('ERR ' + parser.error)`.
   */
  errorLatin1(s: string): void {
    this.errors++;
    this.lastError = s;
    this.ensure(s.length + 3);
    const p = this.pool;
    const start = this.pos + 1;
    p[this.pos] = 0x2d;
    const n = p.write(s, start, 'latin1');
    for (let i = start; i < start + n; i++) {
      const c = p[i];
      if (c === 0x0d || c === 0x0a) p[i] = 0x20;
    }
    this.pos = start + n;
    p[this.pos++] = 0x0d;
    p[this.pos++] = 0x0a;
  }

  /**
   * `:n\r\n`. `n` must be a safe integer (|n| <= 2^53 - 1; -0 is written as 0); throws RangeError otherwise (use
   * {@link bigInteger} beyond).
   */
  integer(n: number): void {
    if (!Number.isSafeInteger(n)) throw new RangeError('integer reply must be a safe integer: ' + n);
    this.header(0x3a, n);
  }

  /** `:n\r\n` for any int64 value; throws RangeError outside [-2^63, 2^63-1]. Allocates a string. */
  bigInteger(n: bigint): void {
    if (n < INT64_MIN || n > INT64_MAX) throw new RangeError('integer reply out of int64 range: ' + n);
    const s = n.toString();
    this.ensure(s.length + 3);
    const p = this.pool;
    p[this.pos] = 0x3a;
    this.pos += 1 + p.write(s, this.pos + 1, 'latin1');
    p[this.pos++] = 0x0d;
    p[this.pos++] = 0x0a;
  }

  /** `$len\r\n<bytes>\r\n`, copying `src[off, off + len)`. `src` may be a view of a SharedArrayBuffer. */
  bulk(src: Uint8Array, off: number, len: number): void {
    const big = len >= STAGE_FROM && len <= STAGE_MAX;
    this.ensure(HDR_MAX + len + 2 + (big ? len + 8 : 0));
    this.writeHeader(0x24, len);
    const p = this.pool;
    let w = this.pos;
    const stage = big && ((src.byteOffset + off - (p.byteOffset + w)) & 7) !== 0;
    if (len <= 32) {
      for (let i = 0; i < len; i++) p[w + i] = src[off + i]!;
    } else if (stage) {
      // See STAGE_FROM: co-aligned behind the reply, then moved into place within the pool.
      let at = w + len + 2;
      at += (src.byteOffset + off - (p.byteOffset + at)) & 7;
      p.set(src.subarray(off, off + len), at);
      p.copyWithin(w, at, at + len);
    } else {
      // TypedArray set of a subarray: ~40 % faster than Buffer.prototype.copy from a SharedArrayBuffer view at
      // 100 bytes (69 vs 115 ns on Node 20), for one short-lived view object.
      p.set(src.subarray(off, off + len), w);
    }
    w += len;
    p[w] = 0x0d;
    p[w + 1] = 0x0a;
    this.pos = w + 2;
  }

  /**
   * `bulk` of bytes in an arena extent, ext.u8[off, off + len): the same reply. A short one is copied four bytes at a
   * time (allocator/bytes.ts `copyByWords`: V8 copies out of a SharedArrayBuffer byte by byte unless co-aligned).
   */
  bulkFromExtent(ext: Extent, off: number, len: number): void {
    if (len < WORDS_FROM || len >= WORDS_TO) {
      this.bulk(ext.u8, off, len);
      return;
    }
    this.ensure(HDR_MAX + len + 2);
    this.writeHeader(0x24, len);
    const p = this.pool;
    if (this.poolWordsOf !== p) {
      this.poolWordsOf = p;
      this.poolWords = new Uint32Array(p.buffer, 0, p.buffer.byteLength >>> 2);
    }
    let w = this.pos;
    if (!copyByWords(ext.u8, ext.u32, 0, off, p, this.poolWords, p.byteOffset, w, len)) {
      p.set(ext.u8.subarray(off, off + len), w);
    }
    w += len;
    p[w] = 0x0d;
    p[w + 1] = 0x0a;
    this.pos = w + 2;
  }

  /**
   * Direct encoding, for loops that write many values in one go (LRANGE's elements: keyspace/quicklist.ts
   * `writeBulks`): makes room for `n` more bytes and returns the pool, which the caller writes from `at` on, then
   * moves `at` past what it wrote (at most `n` bytes). The caller writes the same bytes as the encoders above would.
   */
  reserve(n: number): Buffer {
    this.ensure(n);
    return this.pool;
  }

  /** Write position in the buffer `reserve` returned (see there). */
  get at(): number {
    return this.pos;
  }

  set at(v: number) {
    this.pos = v;
  }

  /** Bulk string of the UTF-8 encoding of `s`. */
  bulkString(s: string): void {
    const len = s.length <= 32 && isAscii(s) ? s.length : Buffer.byteLength(s, 'utf8');
    this.ensure(HDR_MAX + len + 2);
    this.writeHeader(0x24, len);
    const p = this.pool;
    if (len === s.length && len <= LINE_LOOP_MAX) {
      // Short ASCII: a loop instead of a call into C++ (see `line`).
      const w = this.pos;
      for (let i = 0; i < len; i++) p[w + i] = s.charCodeAt(i);
    } else if (len === s.length) p.write(s, this.pos, len, 'latin1');
    else p.write(s, this.pos, len, 'utf8');
    this.pos += len;
    p[this.pos++] = 0x0d;
    p[this.pos++] = 0x0a;
  }

  /** Bulk string of the decimal digits of the safe integer `n` (Redis addReplyBulkLongLong); RangeError otherwise. */
  bulkInteger(n: number): void {
    if (!Number.isSafeInteger(n)) throw new RangeError('bulk integer must be a safe integer: ' + n);
    if (n === 0) n = 0; // -0
    const len = n < 0 ? digitCount(-n) + 1 : digitCount(n);
    this.ensure(HDR_MAX + len + 2);
    this.writeHeader(0x24, len);
    this.writeInt(n);
    this.pool[this.pos++] = 0x0d;
    this.pool[this.pos++] = 0x0a;
  }

  /**
   * Bulk string whose payload is queued by reference (zero-copy). `owner` is pinned (`pins++`) now and unpinned
   * once the socket has written `b` (or the batch is discarded); the owner must not change `b` while pinned.
   * Without an owner, `b` must be immutable. Values shorter than {@link BULK_REF_MIN} bytes are copied instead.
   */
  bulkRef(b: Buffer, owner: RefOwner | null = null): void {
    const len = b.length;
    if (len < BULK_REF_MIN) {
      this.bulk(b, 0, len);
      return;
    }
    this.ensure(HDR_MAX);
    this.writeHeader(0x24, len);
    this.pushRef(b, owner);
    this.ensure(2);
    this.pool[this.pos++] = 0x0d;
    this.pool[this.pos++] = 0x0a;
  }

  /** Null bulk string: RESP2 `$-1\r\n`, RESP3 `_\r\n`. */
  nullBulk(): void {
    this.raw(this.proto === 3 ? SHARED.RESP3_NULL : SHARED.NULL_BULK);
  }

  /** Null array: RESP2 `*-1\r\n`, RESP3 `_\r\n`. */
  nullArray(): void {
    this.raw(this.proto === 3 ? SHARED.RESP3_NULL : SHARED.NULL_ARRAY);
  }

  /** Array header `*n\r\n` (n >= 0, or -1 for a RESP2 null array). */
  arrayLen(n: number): void {
    this.ensure(HDR_MAX);
    this.writeHeader(0x2a, n);
  }

  /** Map header: RESP3 `%n\r\n` (n pairs follow); RESP2 `*<2n>\r\n` (flat key/value array). */
  mapLen(n: number): void {
    this.ensure(HDR_MAX);
    if (this.proto === 3) this.writeHeader(0x25, n);
    else this.writeHeader(0x2a, n * 2);
  }

  /** Set header: RESP3 `~n\r\n`; RESP2 `*n\r\n`. */
  setLen(n: number): void {
    this.ensure(HDR_MAX);
    this.writeHeader(this.proto === 3 ? 0x7e : 0x2a, n);
  }

  /** Push header (pub/sub messages, invalidations): RESP3 `>n\r\n`; RESP2 `*n\r\n`. */
  pushLen(n: number): void {
    this.ensure(HDR_MAX);
    this.writeHeader(this.proto === 3 ? 0x3e : 0x2a, n);
  }

  /**
   * Double as Redis 7.0 addReplyDouble sends it: RESP3 `,<%.17g>\r\n` (`,inf`, `,-inf`, `,nan`); RESP2 the same
   * text as a bulk string (e.g. `$18\r\n1.1000000000000001\r\n`). See {@link formatDouble}.
   */
  double(d: number): void {
    // An integer below 2^53 in magnitude (not -0): %.17g prints its digits, written here without a string.
    if (Math.floor(d) === d && d < 9007199254740992 && d > -9007199254740992 && (d !== 0 || 1 / d > 0)) {
      if (this.proto === 3) this.header(0x2c, d);
      else this.bulkInteger(d);
      return;
    }
    const s = formatDouble(d);
    if (this.proto === 3) {
      this.ensure(s.length + 3);
      const p = this.pool;
      p[this.pos] = 0x2c;
      this.pos += 1 + p.write(s, this.pos + 1, 'latin1');
      p[this.pos++] = 0x0d;
      p[this.pos++] = 0x0a;
    } else {
      this.bulkString(s);
    }
  }

  /** Boolean: RESP3 `#t\r\n` / `#f\r\n`; RESP2 `:1\r\n` / `:0\r\n`. */
  bool(b: boolean): void {
    if (this.proto === 3) this.raw(b ? SHARED.RESP3_TRUE : SHARED.RESP3_FALSE);
    else this.raw(b ? SHARED.CONE : SHARED.CZERO);
  }

  /**
   * Verbatim string: RESP3 `=<len>\r\n<fmt>:<text>\r\n` (len counts the 4 bytes of "fmt:"); RESP2 a bulk string of
   * the text. `fmt` is exactly three ASCII characters ("txt" by default, or "mkd").
   */
  verbatim(s: string, fmt: string = 'txt'): void {
    if (this.proto !== 3) {
      this.bulkString(s);
      return;
    }
    if (fmt.length !== 3) throw new RangeError('verbatim format must be 3 characters: ' + fmt);
    const len = Buffer.byteLength(s, 'utf8');
    this.ensure(HDR_MAX + 4 + len + 2);
    this.writeHeader(0x3d, len + 4);
    const p = this.pool;
    p.write(fmt, this.pos, 3, 'latin1');
    p[this.pos + 3] = 0x3a;
    this.pos += 4;
    p.write(s, this.pos, len, 'utf8');
    this.pos += len;
    p[this.pos++] = 0x0d;
    p[this.pos++] = 0x0a;
  }

  /** Copies pre-encoded bytes (e.g. a {@link SHARED} reply) into the batch. */
  raw(b: Uint8Array): void {
    const n = b.length;
    this.ensure(n);
    const p = this.pool;
    const w = this.pos;
    if (n <= 32) {
      for (let i = 0; i < n; i++) p[w + i] = b[i]!;
    } else {
      p.set(b, w);
    }
    this.pos = w + n;
  }

  /** Queues pre-encoded bytes by reference (zero-copy; `b` must stay unmodified until written). */
  rawRef(b: Buffer): void {
    if (b.length < BULK_REF_MIN) this.raw(b);
    else this.pushRef(b, null);
  }

  /**
   * Bulk string of {@link formatLongDouble}(d): the reply of INCRBYFLOAT / HINCRBYFLOAT (in RESP2 and RESP3 alike,
   * as Redis 7.0 sends it as a bulk string, not a double).
   */
  longDoubleBulk(d: number): void {
    this.bulkString(formatLongDouble(d));
  }

  // ---------------------------------------------------------------------------------------------------- internals

  /**
   * Type byte + text + CRLF, CR/LF in the text replaced by spaces. A short text goes character by character: a
   * `Buffer#write` is a call into C++ (~60 ns on Node 20, most of a PING's reply).
   */
  private line(type: number, s: string): void {
    this.ensure(s.length * 3 + 3);
    const p = this.pool;
    const start = this.pos + 1;
    p[this.pos] = type;
    if (s.length <= LINE_LOOP_MAX) {
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        p[start + i] = c === 0x0d || c === 0x0a ? 0x20 : c;
      }
      if (i === s.length) {
        this.pos = start + i;
        p[this.pos++] = 0x0d;
        p[this.pos++] = 0x0a;
        return;
      }
    }
    const n = isAsciiShort(s) ? p.write(s, start, 'latin1') : p.write(s, start, 'utf8');
    for (let i = start; i < start + n; i++) {
      const c = p[i];
      if (c === 0x0d || c === 0x0a) p[i] = 0x20;
    }
    this.pos = start + n;
    p[this.pos++] = 0x0d;
    p[this.pos++] = 0x0a;
  }

  /** Writes `<type><n>\r\n`, making room first. */
  private header(type: number, n: number): void {
    this.ensure(HDR_MAX);
    this.writeHeader(type, n);
  }

  private writeHeader(type: number, n: number): void {
    const p = this.pool;
    p[this.pos++] = type;
    this.writeInt(n);
    p[this.pos++] = 0x0d;
    p[this.pos++] = 0x0a;
  }

  /** Writes the decimal digits of the safe integer `n` at `pos`. */
  private writeInt(n: number): void {
    const p = this.pool;
    if (n < 0) {
      p[this.pos++] = 0x2d;
      n = -n;
    }
    if (n < 10) {
      p[this.pos++] = 0x30 + n;
      return;
    }
    const d = digitCount(n);
    let w = this.pos + d;
    this.pos = w;
    if (n <= 0x7fffffff) {
      do {
        const q = (n / 10) | 0;
        p[--w] = 0x30 + (n - q * 10);
        n = q;
      } while (n > 0);
    } else {
      do {
        const q = Math.floor(n / 10);
        p[--w] = 0x30 + (n - q * 10);
        n = q;
      } while (n > 0);
    }
  }

  private dropPoolWords(): void {
    this.poolWordsOf = null;
    this.poolWords = NO_WORDS;
  }

  /** Makes room for `n` more bytes in the pool, switching to a new pool when needed. */
  private ensure(n: number): void {
    if (this.pos + n <= this.pool.length) return;
    const carry = this.pos - this.segStart;
    if (!this.poolHeld && this.detachedPool !== this.pool && this.pool.length === this.poolSize && this.retired.length < SPARE_POOLS) {
      this.retired.push(this.pool);
    }
    if (carry > 0 && carry <= CARRY_MAX) {
      // Keep the batch contiguous: move its (small) unflushed bytes to the new pool.
      const np = this.takePool(n + carry);
      this.pool.copy(np, 0, this.segStart, this.pos);
      this.pool = np;
      this.dropPoolWords();
      this.poolHeld = false;
      this.segStart = 0;
      this.pos = carry;
      return;
    }
    if (carry > 0) this.closeSegment();
    this.pool = this.takePool(n);
    this.dropPoolWords();
    this.poolHeld = false;
    this.segStart = 0;
    this.pos = 0;
  }

  /** A pool of at least `n` bytes: a spare when one is big enough, else fresh reply memory (poolSize at least). */
  private takePool(n: number): Buffer {
    if (n <= this.poolSize && this.spares.length > 0) return this.spares.pop()!;
    const m = this.memory;
    const ext = m.current;
    const b = m.take(Math.max(this.poolSize, n));
    // A new extent: the spares (slices of the old one) would keep it alive.
    if (m.current !== ext) this.spares.length = 0;
    return b;
  }

  private closeSegment(): void {
    this.addSeg(this.pool.subarray(this.segStart, this.pos), null);
    this.segStart = this.pos;
  }

  private pushRef(b: Buffer, owner: RefOwner | null): void {
    if (this.pos > this.segStart) this.closeSegment();
    if (owner !== null) {
      owner.pins++;
      this.pinnedBytes += b.length - REF_OVERHEAD;
    }
    this.addSeg(b, owner);
  }

  private addSeg(b: Buffer, owner: RefOwner | null): void {
    if (this.nseg === this.segs.length) {
      this.segs.push(b);
      this.segOwners.push(owner);
    } else {
      this.segs[this.nseg] = b;
      this.segOwners[this.nseg] = owner;
    }
    this.nseg++;
    this.segBytes += b.length;
  }
}

/** The write callback of a segment sent by reference: unpins its owner, takes its shared bytes off the account. */
function unpinWhenWritten(o: RefOwner, acct: RefAccount | null, shared: number): () => void {
  return () => {
    o.pins--;
    if (acct !== null) acct.refBytes -= shared;
  };
}

/** True when every UTF-16 unit of `s` is < 0x80 (then its byte length equals its length). */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Like isAscii, for short status/error texts. */
function isAsciiShort(s: string): boolean {
  return s.length <= 256 && isAscii(s);
}
