/**
 * Incremental, validating, zero-copy parser of client requests (RESP multibulk and inline commands).
 *
 * Behaviour follows Redis 7.0 src/networking.c (processInputBuffer, processInlineBuffer, processMultibulkBuffer,
 * readQueryFromClient) and util.c string2ll; every case listed in the class comment was checked against
 * redis-server 7.0.15 (see test/unit/protocol-parser.test.ts). The implementation is our own.
 */

import {
  CH_CR,
  CH_DOLLAR,
  CH_LF,
  CH_STAR,
  DEFAULT_CLIENT_QUERY_BUFFER_LIMIT,
  DEFAULT_PROTO_MAX_BULK_LEN,
  MAX_BULK_HARD,
  MAX_MULTIBULK,
  PROTO_INLINE_MAX_SIZE,
  PROTO_MBULK_BIG_ARG,
  UNAUTH_MAX_BULK,
  UNAUTH_MAX_MULTIBULK,
} from './resp-types.js';
import { maxSplitArgs, splitArgsInto } from './split-args.js';

/** Limits applied by a {@link RequestParser}; the object may be replaced or mutated at run time (CONFIG SET). */
export interface ParserLimits {
  /** proto-max-bulk-len, bytes (Redis default 512 MiB). Larger announced bulks are "invalid bulk length". */
  maxBulkLen: number;
  /** client-query-buffer-limit, bytes (Redis default 1 GiB). Compared with {@link RequestParser.bufferedBytes}. */
  maxQueryBuffer: number;
  /** Longest unterminated inline request / header line, bytes; default 64 KiB (Redis PROTO_INLINE_MAX_SIZE). */
  maxInlineLen?: number;
}

/** Redis 7.0 default limits: 512 MiB bulks, 1 GiB query buffer, 64 KiB inline lines. */
export const DEFAULT_PARSER_LIMITS: Readonly<Required<ParserLimits>> = Object.freeze({
  maxBulkLen: DEFAULT_PROTO_MAX_BULK_LEN,
  maxQueryBuffer: DEFAULT_CLIENT_QUERY_BUFFER_LIMIT,
  maxInlineLen: PROTO_INLINE_MAX_SIZE,
});

/**
 * Error codes reported in {@link RequestParser.errorCode} when `next()` returns -1. For every code except
 * `QUERY_BUFFER_LIMIT` Redis replies `-ERR <error text>` and then closes the connection; for `QUERY_BUFFER_LIMIT`
 * Redis closes the connection without any reply (it only logs "Closing client that reached max query buffer
 * length").
 */
export const ParseError = Object.freeze({
  NONE: 0,
  TOO_BIG_INLINE: 1,
  UNBALANCED_QUOTES: 2,
  TOO_BIG_MBULK_COUNT: 3,
  INVALID_MBULK_LENGTH: 4,
  UNAUTH_MBULK_LENGTH: 5,
  TOO_BIG_BULK_COUNT: 6,
  EXPECTED_DOLLAR: 7,
  INVALID_BULK_LENGTH: 8,
  UNAUTH_BULK_LENGTH: 9,
  /** The unparsed input exceeded `limits.maxQueryBuffer`: close without replying, as Redis does. */
  QUERY_BUFFER_LIMIT: 10,
  /** One command's bytes would exceed what one Buffer with Int32 offsets can hold (~2 GiB): not a Redis case. */
  COMMAND_TOO_LARGE: 11,
});

const MSG_TOO_BIG_INLINE = 'Protocol error: too big inline request';
const MSG_UNBALANCED = 'Protocol error: unbalanced quotes in request';
const MSG_TOO_BIG_MBULK = 'Protocol error: too big mbulk count string';
const MSG_INVALID_MBULK = 'Protocol error: invalid multibulk length';
const MSG_UNAUTH_MBULK = 'Protocol error: unauthenticated multibulk length';
const MSG_TOO_BIG_BULK = 'Protocol error: too big bulk count string';
const MSG_INVALID_BULK = 'Protocol error: invalid bulk length';
const MSG_UNAUTH_BULK = 'Protocol error: unauthenticated bulk length';
const MSG_QUERYBUF = 'Protocol error: client reached max query buffer length';
const MSG_TOO_LARGE = 'Protocol error: command too large';

/** Parser stages. */
const S_START = 0; // at a command boundary
const S_BULK_HDR = 1; // inside a multibulk, expecting a `$len` line
const S_BULK_DATA = 2; // inside a multibulk, expecting `bulkLen` bytes + 2

const EMPTY = Buffer.alloc(0);
const ACC_MIN = 16 * 1024;
/** An accumulation buffer larger than this is dropped once it is empty, so a past big command does not pin it. */
const ACC_KEEP_MAX = 1024 * 1024;
const MAX_BUFFER = 0x7fffffff;
const INT64_MAX_DIGITS = Buffer.from('9223372036854775807', 'latin1');

/**
 * Parses bytes [s, e) strictly like Redis util.c string2ll: optional '-', no '+', no spaces, no leading zeros
 * (except the single "0"; "-0" is invalid), at most 20 bytes, and the value must fit in int64.
 * Returns the value (approximate beyond 2^53, which only matters for comparisons with far smaller limits) or NaN
 * when invalid.
 */
function parseLL(b: Uint8Array, s: number, e: number): number {
  const len = e - s;
  if (len <= 0 || len >= 21) return NaN;
  let p = s;
  if (len === 1 && b[p] === 0x30) return 0;
  let neg = false;
  if (b[p] === 0x2d) {
    neg = true;
    p++;
    if (p === e) return NaN;
  }
  let c = b[p]!;
  if (c < 0x31 || c > 0x39) return NaN;
  const digitsStart = p;
  let v = c - 0x30;
  for (p++; p < e; p++) {
    c = b[p]!;
    if (c < 0x30 || c > 0x39) return NaN;
    v = v * 10 + (c - 0x30);
  }
  const nd = e - digitsStart;
  if (nd > 19) return NaN;
  if (nd === 19) {
    // Compare with 9223372036854775807 (…808 for negatives) digit by digit.
    for (let i = 0; i < 19; i++) {
      const lim = i === 18 && neg ? 0x38 : INT64_MAX_DIGITS[i]!;
      const d = b[digitsStart + i]!;
      if (d < lim) break;
      if (d > lim) return NaN;
    }
  }
  return neg ? -v : v;
}

/**
 * Per-connection request parser.
 *
 * Usage: for each socket read call `feed(chunk)`, then call `next()` until it returns 0 (need more data) or -1
 * (protocol error: reply `-ERR ${error}` unless `errorCode === ParseError.QUERY_BUFFER_LIMIT`, then close). After
 * `next()` returns 1, argument i of the command is `buf[argOff[i], argOff[i] + argLen[i])` for i < argc. These views
 * are valid only until the next call to `next()`, `feed()` or `reset()`: copy what must outlive the command.
 *
 * Memory: a command that lies wholly inside a fed chunk is returned as offsets into that chunk (zero-copy); the
 * chunk is referenced, never copied, and many pipelined commands are consumed by advancing an offset. Only the
 * bytes of a command that straddles chunks are copied into an internal accumulation buffer (the unconsumed tail of
 * the old chunk, then exactly the bytes of the new chunk that complete the command; the rest of the new chunk is
 * parsed in place again). When a `$len` header announces a bulk that has not fully arrived, the accumulation buffer
 * is sized for the whole remaining bulk at once, so a 100 MiB argument arriving in 64 KiB reads is assembled with
 * one copy per byte (the idea of Redis's PROTO_MBULK_BIG_ARG handling). Inline commands are unescaped into a
 * separate scratch buffer.
 *
 * Redis 7.0 behaviours reproduced (all verified against redis-server 7.0.15):
 * - A frame whose first byte is `*` is multibulk, anything else is inline. Inline lines end at `\n`; one `\r` before
 *   it is dropped; arguments are split as {@link splitArgsInto} describes. Empty/blank lines are skipped.
 * - `*N` with N <= 0 (e.g. `*0`, `*-1`, `*-5`) is a no-op that is skipped internally: `next()` never returns a
 *   command with argc = 0. N > 2147483647 (INT_MAX) is "invalid multibulk length".
 * - Counts and lengths are parsed like string2ll (no '+', no leading zeros, no blanks, int64 range; "-0" invalid).
 * - Header lines end at the first `\r` in the buffer; the byte after it must have arrived but is not checked to be
 *   `\n`. The two bytes after a bulk's data are skipped without being checked to be `\r\n` (Redis does the same).
 * - Header and inline lines are searched like C strchr: a NUL byte before the terminator hides the terminator, so
 *   the request stalls until more than `maxInlineLen` unparsed bytes are buffered, which is then "too big inline
 *   request" / "too big mbulk count string" / "too big bulk count string". Those errors are raised only when no
 *   terminator is buffered (a complete line is never rejected for its length, exactly like Redis, whose result thus
 *   depends on read sizes).
 * - `expected '$', got 'X'`: X is the offending byte as a one-char latin1 string, CR and LF shown as a space
 *   (as addReplyErrorFormat does).
 * - Unauthenticated limits (only when `requireAuth && !authenticated`): count > 10 and bulk length > 16384 are
 *   errors, checked after the ordinary validity checks.
 * - Query buffer limit: after each `feed()`, if {@link bufferedBytes} (unparsed bytes, as Redis's querybuf length;
 *   arguments already parsed for an incomplete command do not count) exceeds `limits.maxQueryBuffer`, the next call
 *   to `next()` returns -1 with `errorCode === ParseError.QUERY_BUFFER_LIMIT` without parsing anything of that read.
 *
 * Deviations: a single bulk larger than ~2 GiB is "invalid bulk length" whatever `maxBulkLen` says, and a command
 * whose total size would exceed ~2 GiB fails with `ParseError.COMMAND_TOO_LARGE` (Redis keeps arguments in
 * separate objects and has no such limit).
 *
 * Errors are sticky: after -1, `next()` keeps returning -1 and `feed()` ignores data until `reset()`.
 */
export class RequestParser {
  /** Current limits; may be replaced or mutated at any time (read on every check). */
  limits: ParserLimits;
  /** Set by the server once the client has authenticated. */
  authenticated = false;
  /** When true and `authenticated` is false, Redis's unauthenticated multibulk/bulk limits apply. */
  requireAuth = false;

  /** Number of arguments of the current command (valid after `next()` returned 1; 0 otherwise). */
  argc = 0;
  /** Buffer holding every argument of the current command. */
  buf: Buffer = EMPTY;
  /** Byte offsets of the arguments in `buf` (entries [0, argc) are valid). Replaced by a bigger array when needed. */
  argOff: Int32Array = new Int32Array(16);
  /** Byte lengths of the arguments (entries [0, argc) are valid). Replaced by a bigger array when needed. */
  argLen: Int32Array = new Int32Array(16);
  /** Error text without the "-ERR " prefix, e.g. "Protocol error: invalid multibulk length"; "" when none. */
  error = '';
  /** One of {@link ParseError}; 0 when there is no error. */
  errorCode = 0;
  /**
   * Called with the size in bytes of every accumulation buffer the parser lets go of (after the command it held
   * ran, on growth, on `reset()`), so that the owner can get the memory collected promptly (the server passes
   * gc.ts `noteReleased`). Large buffers are never kept for the next command: see {@link ACC_KEEP_MAX}.
   */
  onDrop: ((bytes: number) => void) | null = null;

  /** Buffer being parsed: a fed chunk (zero-copy) or `acc`. */
  private src: Buffer = EMPTY;
  private pos = 0;
  private end = 0;
  private inAcc = false;
  private acc: Buffer | null = null;
  /** Chunk fed while `src === acc`; bytes are pulled from it only as far as the straddling command needs. */
  private nxt: Buffer | null = null;
  private nxtPos = 0;
  /** End of the pending chunk's bytes in `nxt` (its length unless fed with a length). */
  private nxtEnd = 0;

  private stage = S_START;
  private cmdStart = 0;
  private mbLeft = 0;
  private bulkLen = 0;
  private nargs = 0;
  private overflow = false;
  private scratch: Buffer = EMPTY;

  /**
   * @param limits initial limits (kept by reference, so later mutation is seen); defaults to Redis 7.0's.
   */
  constructor(limits: ParserLimits = { ...DEFAULT_PARSER_LIMITS }) {
    this.limits = limits;
  }

  /**
   * Hands over the bytes of one socket read, chunk[0, len). The chunk is kept by reference (zero-copy) and must not
   * be modified afterwards (see `detach`); only bytes of a command straddling two chunks are copied. Checks the query
   * buffer limit (see the class comment). Ignored while an error is pending.
   *
   * `len` lets a caller that reads into one buffer hand it over as it is, without a `subarray` per read: the same
   * Buffer object every time is also what keeps the copy helpers' view caches warm (allocator/bytes.ts).
   */
  feed(chunk: Buffer, len: number = chunk.length): void {
    if (len === 0 || this.errorCode !== 0) return;
    if (this.nxt !== null) {
      // Fed twice without draining: append the still-pending chunk to the accumulation buffer (rare).
      if (!this.appendPending()) return;
      this.nxt = chunk;
      this.nxtPos = 0;
      this.nxtEnd = len;
    } else if (this.cmdStart >= this.end) {
      // Nothing held: parse the new chunk in place.
      this.releaseAcc();
      this.src = chunk;
      this.pos = 0;
      this.end = len;
      this.cmdStart = 0;
      this.inAcc = false;
    } else {
      if (!this.inAcc && !this.moveTailToAcc()) return;
      this.nxt = chunk;
      this.nxtPos = 0;
      this.nxtEnd = len;
    }
    if (this.bufferedBytes() > this.limits.maxQueryBuffer) this.overflow = true;
  }

  /**
   * Lets go of every chunk fed so far: the bytes the parser still needs (a command not complete yet, or complete
   * commands not parsed yet) are copied into its own accumulation buffer, so the caller may overwrite the chunks'
   * memory (server/net/shared-read.ts reads every socket into one buffer). The command last returned by `next()` is
   * given up too. Nothing is copied when the input ended at a command boundary (the usual case).
   */
  detach(): void {
    if (this.errorCode !== 0) return;
    if (this.nxt !== null) {
      // Accumulating a straddling command: the rest of the pending chunk joins it.
      if (!this.appendPending()) return;
      this.nxt = null;
    } else if (!this.inAcc) {
      if (this.cmdStart < this.end) this.moveTailToAcc();
      else {
        this.src = EMPTY;
        this.pos = 0;
        this.end = 0;
        this.cmdStart = 0;
      }
    }
    this.buf = EMPTY;
  }

  /**
   * Parses the next command.
   *
   * @returns 1 when a command is ready in `argc`/`buf`/`argOff`/`argLen` (argc >= 1); 0 when more data is needed;
   *   -1 on a protocol error (see `error`, `errorCode`). Never throws.
   */
  next(): number {
    if (this.errorCode !== 0) return -1;
    if (this.overflow) return this.fail(ParseError.QUERY_BUFFER_LIMIT, MSG_QUERYBUF);
    for (;;) {
      const stage = this.stage;
      if (stage === S_START) {
        if (this.pos >= this.end) {
          if (this.nxt !== null) {
            // The straddling command is done: continue in place in the pending chunk.
            const nx = this.nxt;
            this.src = nx;
            this.pos = this.nxtPos;
            this.end = this.nxtEnd;
            this.cmdStart = this.pos;
            this.nxt = null;
            this.inAcc = false;
            this.releaseAcc();
            continue;
          }
          return this.idle();
        }
        this.cmdStart = this.pos;
        this.nargs = 0;
        if (this.src[this.pos] === CH_STAR) {
          const r = this.parseMultibulkCount();
          if (r <= 0) return r;
          continue; // r === 2: no-op `*N` with N <= 0, or r === 1 with stage switched to S_BULK_HDR
        }
        const r = this.parseInline();
        if (r === 2) continue; // empty line
        return r;
      } else if (stage === S_BULK_HDR) {
        const r = this.parseBulkHeader();
        if (r <= 0) return r;
      } else {
        const need = this.bulkLen + 2;
        if (this.end - this.pos < need) {
          if (this.nxt === null) return this.needMore();
          const want = need - (this.end - this.pos);
          if (this.bulkLen >= PROTO_MBULK_BIG_ARG && !this.accReserve(want + 4096)) return -1;
          if (!this.pull(Math.min(want, this.nxtEnd - this.nxtPos))) return -1;
          if (this.end - this.pos < need) return this.needMore();
        }
        let n = this.nargs;
        if (n >= this.argOff.length) this.growArgs(n + 1);
        this.argOff[n] = this.pos;
        this.argLen[n] = this.bulkLen;
        this.nargs = ++n;
        this.pos += need;
        if (--this.mbLeft === 0) {
          this.stage = S_START;
          this.argc = n;
          this.buf = this.src;
          this.cmdStart = this.pos;
          return 1;
        }
        this.stage = S_BULK_HDR;
      }
    }
  }

  /**
   * Unparsed bytes held: the equivalent of Redis's query buffer length (CLIENT LIST qbuf, and what
   * client-query-buffer-limit is compared with). Arguments already parsed for a still incomplete command are not
   * counted (Redis keeps them in argv, reported as argv-mem), nor is the command last returned by `next()`.
   */
  bufferedBytes(): number {
    return this.end - this.pos + (this.nxt !== null ? this.nxtEnd - this.nxtPos : 0);
  }

  /** Bytes held for the command being assembled, including its already parsed arguments (0 at a boundary). */
  heldBytes(): number {
    return this.end - this.cmdStart + (this.nxt !== null ? this.nxtEnd - this.nxtPos : 0);
  }

  /** True when `next()` failed with an error Redis answers with `-ERR <error>` before closing. */
  errorNeedsReply(): boolean {
    return this.errorCode !== 0 && this.errorCode !== ParseError.QUERY_BUFFER_LIMIT;
  }

  /** Forgets all buffered data, the current command and any error (for reuse of the object). */
  reset(): void {
    if (this.acc !== null) this.dropped(this.acc.length);
    this.src = EMPTY;
    this.buf = EMPTY;
    this.pos = this.end = this.cmdStart = 0;
    this.inAcc = false;
    this.acc = null;
    this.nxt = null;
    this.nxtPos = 0;
    this.stage = S_START;
    this.mbLeft = this.bulkLen = this.nargs = this.argc = 0;
    this.overflow = false;
    this.error = '';
    this.errorCode = 0;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private fail(code: number, msg: string): number {
    this.errorCode = code;
    this.error = msg;
    this.argc = 0;
    return -1;
  }

  /** Nothing is held: drop references to chunks and oversized buffers, report "need more data". */
  private idle(): number {
    this.src = EMPTY;
    this.buf = EMPTY;
    this.pos = this.end = this.cmdStart = 0;
    this.inAcc = false;
    this.argc = 0;
    this.releaseAcc();
    return 0;
  }

  private needMore(): number {
    this.argc = 0;
    return 0;
  }

  /**
   * Drops a large accumulation buffer once nothing is held in it, so that a past big command (e.g. a 500 MB SET,
   * whose bulk was assembled in a buffer sized from its `$<len>` header) does not pin its buffer until the next
   * one, and reports its size through {@link onDrop}.
   */
  private releaseAcc(): void {
    const acc = this.acc;
    if (acc !== null && acc.length > ACC_KEEP_MAX) {
      this.acc = null;
      this.dropped(acc.length);
    }
  }

  private dropped(bytes: number): void {
    const f = this.onDrop;
    if (f !== null) f(bytes);
  }

  private maxInline(): number {
    const m = this.limits.maxInlineLen;
    return m === undefined ? PROTO_INLINE_MAX_SIZE : m;
  }

  private authRequired(): boolean {
    return this.requireAuth && !this.authenticated;
  }

  private growArgs(min: number): void {
    let n = this.argOff.length * 2;
    while (n < min) n *= 2;
    const off = new Int32Array(n);
    off.set(this.argOff);
    const len = new Int32Array(n);
    len.set(this.argLen);
    this.argOff = off;
    this.argLen = len;
  }

  /** Shifts parse positions and parsed argument offsets after the held bytes moved by `-delta`. */
  private shift(delta: number): void {
    if (delta === 0) return;
    const off = this.argOff;
    for (let i = 0; i < this.nargs; i++) off[i] = off[i]! - delta;
    this.pos -= delta;
    this.end -= delta;
    this.cmdStart -= delta;
  }

  /** Copies the held tail of the current chunk into the accumulation buffer (sized for a pending big bulk). */
  private moveTailToAcc(): boolean {
    const held = this.end - this.cmdStart;
    let extra = 0;
    if (this.stage === S_BULK_DATA) {
      const missing = this.bulkLen + 2 - (this.end - this.pos);
      if (missing > 0) extra = missing + 4096;
    }
    const want = held + extra;
    if (want > MAX_BUFFER) {
      this.fail(ParseError.COMMAND_TOO_LARGE, MSG_TOO_LARGE);
      return false;
    }
    let acc = this.acc;
    if (acc === null || acc.length < want) {
      if (acc !== null) this.dropped(acc.length);
      acc = Buffer.allocUnsafeSlow(Math.max(ACC_MIN, want, held * 2 > MAX_BUFFER ? 0 : held * 2));
      this.acc = acc;
    }
    this.src.copy(acc, 0, this.cmdStart, this.end);
    this.shift(this.cmdStart);
    this.src = acc;
    this.inAcc = true;
    return true;
  }

  /**
   * Makes room for `n` more bytes after `end` in the accumulation buffer (which is `src`), compacting or
   * reallocating it; the held bytes [cmdStart, end) are preserved and offsets shifted.
   */
  private accReserve(n: number): boolean {
    const acc = this.src;
    if (this.end + n <= acc.length) return true;
    const held = this.end - this.cmdStart;
    const want = held + n;
    if (want > MAX_BUFFER) {
      this.fail(ParseError.COMMAND_TOO_LARGE, MSG_TOO_LARGE);
      return false;
    }
    if (want <= acc.length && this.cmdStart >= held) {
      acc.copyWithin(0, this.cmdStart, this.end);
      this.shift(this.cmdStart);
      return true;
    }
    const cap = acc.length;
    let grown = cap < 16 * 1024 * 1024 ? cap * 2 : cap + (cap >> 2);
    if (grown > MAX_BUFFER) grown = MAX_BUFFER;
    const nb = Buffer.allocUnsafeSlow(Math.max(want, grown, ACC_MIN));
    acc.copy(nb, 0, this.cmdStart, this.end);
    this.shift(this.cmdStart);
    if (this.acc === acc) this.dropped(acc.length);
    this.acc = nb;
    this.src = nb;
    return true;
  }

  /** Copies the rest of the pending chunk to the end of the accumulation buffer (which is `src`). */
  private appendPending(): boolean {
    const nx = this.nxt!;
    const n = this.nxtEnd - this.nxtPos;
    if (!this.accReserve(n)) return false;
    nx.copy(this.src, this.end, this.nxtPos, this.nxtEnd);
    this.end += n;
    return true;
  }

  /** Copies `n` bytes of the pending chunk to the end of the accumulation buffer. */
  private pull(n: number): boolean {
    if (!this.accReserve(n)) return false;
    const nx = this.nxt!;
    nx.copy(this.src, this.end, this.nxtPos, this.nxtPos + n);
    this.end += n;
    this.nxtPos += n;
    if (this.nxtPos >= this.nxtEnd) this.nxt = null;
    return true;
  }

  /**
   * Finds `target` (CR or LF) from `pos` like C strchr over the unparsed input: returns its index in `src`, or -1
   * when it is not buffered or a NUL byte comes first. In accumulation mode, pulls from the pending chunk through
   * the target plus `extra` following bytes (or all of it when the target is not there).
   * Returns -3 if pulling failed (error already set).
   */
  private findTarget(target: number, extra: number): number {
    const src = this.src;
    const end = this.end;
    for (let i = this.pos; i < end; i++) {
      const c = src[i];
      if (c === target) {
        if (i + extra >= end && this.nxt !== null) {
          // Pulling may compact or reallocate the buffer: keep the index relative to pos.
          const rel = i - this.pos;
          const n = Math.min(i + extra + 1 - end, this.nxtEnd - this.nxtPos);
          if (!this.pull(n)) return -3;
          return this.pos + rel;
        }
        return i;
      }
      if (c === 0) return -1;
    }
    const nx = this.nxt;
    if (nx === null) return -1;
    const ne = this.nxtEnd;
    let j = this.nxtPos;
    for (; j < ne; j++) {
      const c = nx[j];
      if (c === target || c === 0) break;
    }
    const found = j < ne && nx[j] === target;
    const rel = this.end - this.pos + (j - this.nxtPos);
    const upto = found ? Math.min(j + 1 + extra, ne) : ne;
    if (!this.pull(upto - this.nxtPos)) return -3;
    return found ? this.pos + rel : -1;
  }

  /** `*N\r` at pos. Returns 1 (stage now S_BULK_HDR), 2 (no-op count, skipped), 0 (need more) or -1. */
  private parseMultibulkCount(): number {
    const r = this.findTarget(CH_CR, 1);
    if (r < 0) {
      if (r === -3) return -1;
      if (this.bufferedBytes() > this.maxInline()) return this.fail(ParseError.TOO_BIG_MBULK_COUNT, MSG_TOO_BIG_MBULK);
      return this.needMore();
    }
    if (r + 1 >= this.end) return this.needMore();
    const ll = parseLL(this.src, this.pos + 1, r);
    if (ll !== ll || ll > MAX_MULTIBULK) return this.fail(ParseError.INVALID_MBULK_LENGTH, MSG_INVALID_MBULK);
    if (ll > UNAUTH_MAX_MULTIBULK && this.authRequired()) {
      return this.fail(ParseError.UNAUTH_MBULK_LENGTH, MSG_UNAUTH_MBULK);
    }
    this.pos = r + 2;
    if (ll <= 0) {
      this.cmdStart = this.pos;
      return 2;
    }
    this.mbLeft = ll;
    this.stage = S_BULK_HDR;
    return 1;
  }

  /** `$L\r` at pos. Returns 1 (stage now S_BULK_DATA), 0 (need more) or -1. */
  private parseBulkHeader(): number {
    const r = this.findTarget(CH_CR, 1);
    if (r < 0) {
      if (r === -3) return -1;
      if (this.bufferedBytes() > this.maxInline()) return this.fail(ParseError.TOO_BIG_BULK_COUNT, MSG_TOO_BIG_BULK);
      return this.needMore();
    }
    if (r + 1 >= this.end) return this.needMore();
    const c = this.src[this.pos]!;
    if (c !== CH_DOLLAR) {
      const shown = c === CH_CR || c === CH_LF ? ' ' : String.fromCharCode(c);
      return this.fail(ParseError.EXPECTED_DOLLAR, "Protocol error: expected '$', got '" + shown + "'");
    }
    const ll = parseLL(this.src, this.pos + 1, r);
    if (ll !== ll || ll < 0 || ll > this.limits.maxBulkLen || ll > MAX_BULK_HARD) {
      return this.fail(ParseError.INVALID_BULK_LENGTH, MSG_INVALID_BULK);
    }
    if (ll > UNAUTH_MAX_BULK && this.authRequired()) return this.fail(ParseError.UNAUTH_BULK_LENGTH, MSG_UNAUTH_BULK);
    this.pos = r + 2;
    this.bulkLen = ll;
    this.stage = S_BULK_DATA;
    return 1;
  }

  /** Inline line at pos. Returns 1 (command ready), 2 (blank line skipped), 0 (need more) or -1. */
  private parseInline(): number {
    const nl = this.findTarget(CH_LF, 0);
    if (nl < 0) {
      if (nl === -3) return -1;
      if (this.bufferedBytes() > this.maxInline()) return this.fail(ParseError.TOO_BIG_INLINE, MSG_TOO_BIG_INLINE);
      return this.needMore();
    }
    const src = this.src;
    const start = this.pos;
    let lineEnd = nl;
    if (lineEnd > start && src[lineEnd - 1] === CH_CR) lineEnd--;
    const len = lineEnd - start;
    if (this.scratch.length < len) this.scratch = Buffer.allocUnsafeSlow(Math.max(256, len, this.scratch.length * 2));
    const maxArgs = maxSplitArgs(len);
    if (this.argOff.length < maxArgs) this.growArgs(maxArgs);
    const argc = splitArgsInto(src, start, lineEnd, this.scratch, this.argOff, this.argLen);
    if (argc < 0) return this.fail(ParseError.UNBALANCED_QUOTES, MSG_UNBALANCED);
    this.pos = nl + 1;
    this.cmdStart = this.pos;
    if (argc === 0) return 2;
    this.argc = argc;
    this.buf = this.scratch;
    return 1;
  }
}
