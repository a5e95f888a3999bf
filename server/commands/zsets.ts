/**
 * Sorted-set commands (ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT ZRANGE ZRANGESTORE
 * ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZREVRANGE ZREMRANGEBYRANK ZREMRANGEBYSCORE
 * ZREMRANGEBYLEX ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER ZUNION ZINTER ZDIFF ZUNIONSTORE ZINTERSTORE ZDIFFSTORE ZINTERCARD
 * ZSCAN) over keyspace/zset-type.ts, with redis-server 7.0.15's semantics (t_zset.c): argument checks before or
 * after the key lookup where Redis makes them, its error texts, RESP2/RESP3 reply shapes (RESP3 member/score
 * pairs, doubles), keyspace events, and a key deleted when its last member goes.
 *
 * How it works:
 * - Every range is turned into a rank interval first: `countScoreBelow`/`countLexBelow` give how many members
 *   precede each bound (O(log n) on a skiplist, through its spans), then the members are read from the first rank
 *   on, forward or backward. The LIMIT offset/count and the reverse forms are rank arithmetic on that interval, as
 *   Redis's walks from zslFirstInRange/zslLastInRange amount to.
 * - Results a command stores (ZRANGESTORE, Z*STORE) are computed into transient JS arrays first (the source may be
 *   the destination), then written with the encoding Redis ends with: listpack when the result has at most
 *   zset-max-listpack-entries members none longer than zset-max-listpack-value (zsetConvertToListpackIfNeeded,
 *   zrangeResultBeginStore), else skiplist.
 * - ZUNION/ZINTER/ZDIFF accept sets as inputs (score 1), order inputs by cardinality as Redis does (stable), and
 *   aggregate with Redis's rules (a NaN product or sum is 0).
 * - ZRANDMEMBER draws uniformly by rank (exact on both encodings); a negative count is bounded by
 *   `maxRandomDraws` as SRANDMEMBER's is.
 * - `zsetPop` is the pop shared by ZPOPMIN/ZPOPMAX/ZMPOP and the blocking variants.
 */
import { globMatch, isMatchAll } from '../keyspace/glob.js';
import { TYPE_SET, TYPE_ZSET } from '../keyspace/keyspace.js';
import { copyOut } from '../keyspace/zset-type.js';
import { cmpBytes } from '../keyspace/zskiplist.js';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../pubsub/notify-flags.js';
import { notifyArg } from '../pubsub/notify.js';
import { formatDouble } from '../../protocol/number-format.js';
import { argIs, argLL, LL } from './args.js';
import type { CommandContext } from './context.js';
import { SCAN_OPTS, parseScanCursor, parseScanOptions } from './keys.js';
import { deleteKeyArg as deleteKey, ERR, FOUND, lookupTyped, maxRandomDraws, MISSING, refindArg as refind, WRONG_TYPE } from './reply-helpers.js';
import { keySpec, type CommandHandler, type CommandSpec } from './types.js';

const ERR_NAN = 'ERR resulting score is not a number (NaN)';
const ERR_MINMAX = 'ERR min or max is not a float';
const ERR_LEX = 'ERR min or max not valid string range item';
const ERR_POSITIVE = 'ERR value is out of range, must be positive';
const ERR_RAND_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';

// ----- parsing ---------------------------------------------------------------------------------------------------

const DEC_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^[+-]?inf(inity)?$/i;

/**
 * strtod of a whole string (glibc's grammar: decimal, hexadecimal, inf/infinity; nan is refused by every caller):
 * the value, or null when the text is not entirely a number. `range` tells whether an overflow/underflow (ERANGE)
 * is accepted (zslParseRange) or refused (string2d).
 */
function strtodWhole(s: string, range: boolean): number | null {
  if (INF_RE.test(s)) return s.charCodeAt(0) === 0x2d ? -Infinity : Infinity;
  if (DEC_RE.test(s)) {
    const v = Number(s);
    if (!range) {
      if (v === Infinity || v === -Infinity) return null;
      if (v === 0 && /[1-9]/.test(s.replace(/[eE].*$/, ''))) return null;
    }
    return v;
  }
  const m = HEX_RE.exec(s);
  if (m === null) return null;
  const int = m[2]!;
  const frac = m[3] ?? '';
  if (int === '' && frac === '') return null;
  const e2 = (m[4] !== undefined ? parseInt(m[4], 10) : 0) - 4 * frac.length;
  const mant = Number(BigInt('0x' + (int + frac || '0')));
  let v = mant === 0 ? 0 : e2 > 1100 ? Infinity : e2 < -1200 ? 0 : mant * 2 ** e2;
  if (v === 0 && e2 < -1074 && mant !== 0) v = mant * 2 ** (e2 + 100) * 2 ** -100;
  if (!range && mant !== 0 && (v === Infinity || v === 0)) return null;
  return m[1] === '-' ? -v : v;
}

/** Exact powers of ten 10^0 .. 10^15. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * strtod of b[o..o+l) when it is `[+-]digits[.digits]` with 1 to 15 digits in all, else NaN. Such a number is an
 * integer m < 2^53 over 10^k (k ≤ 15), both exact doubles, so the one IEEE division rounds it correctly, as strtod
 * does (Clinger's fast path). Spares the string and the regular expressions for the usual scores.
 */
function fastDecimal(b: Uint8Array, o: number, l: number): number {
  const end = o + l;
  let p = o;
  let neg = false;
  const c0 = b[p];
  if (c0 === 0x2d) {
    neg = true;
    p++;
  } else if (c0 === 0x2b) p++;
  let m = 0;
  let nd = 0;
  let k = 0;
  let dot = false;
  for (; p < end; p++) {
    const c = b[p]!;
    if (c >= 0x30 && c <= 0x39) {
      m = m * 10 + (c - 0x30);
      nd++;
      if (dot) k++;
    } else if (c === 0x2e && !dot) dot = true;
    else return NaN;
  }
  if (nd === 0 || nd > 15) return NaN;
  const v = k === 0 ? m : m / POW10[k]!;
  return neg ? -v : v;
}

/** Argument `i` as Redis's getDoubleFromObject (string2d): the value, or null ("value is not a valid float"). */
function argDouble(ctx: CommandContext, i: number): number | null {
  const a = ctx.argv;
  const l = a.argLen[i];
  if (l === 0) return null;
  if (l <= 17) {
    const v = fastDecimal(a.buf, a.argOff[i], l);
    if (v === v) return v;
  }
  const s = a.buf.toString('latin1', a.argOff[i], a.argOff[i] + l);
  if (s.indexOf('\x00') >= 0) return null;
  return strtodWhole(s, false);
}

/** A score range bound (zslParseRange): value and exclusivity, in `BOUND`. */
const BOUND = { v: 0, ex: false };

/** Parses argument `i` as a score range bound into BOUND. @returns false when invalid */
function argScoreBound(ctx: CommandContext, i: number): boolean {
  const a = ctx.argv;
  let s = a.buf.toString('latin1', a.argOff[i], a.argOff[i] + a.argLen[i]);
  BOUND.ex = false;
  if (s.charCodeAt(0) === 0x28) {
    BOUND.ex = true;
    s = s.slice(1);
  }
  // strtod reads a C string: a NUL ends it; leading white space is skipped; "" is 0 (nothing parsed, nothing left).
  const nul = s.indexOf('\x00');
  if (nul >= 0) s = s.slice(0, nul);
  if (s === '') {
    BOUND.v = 0;
    return true;
  }
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  if (t === '') return false;
  const v = strtodWhole(t, true);
  if (v === null || v !== v) return false;
  BOUND.v = v;
  return true;
}

/** A lex range bound (zslParseLexRangeItem): kind -1 "-", 1 "+", 0 a value (argument bytes after its prefix). */
interface LexBound {
  kind: number;
  ex: boolean;
  o: number;
  l: number;
}
const LEX_MIN: LexBound = { kind: 0, ex: false, o: 0, l: 0 };
const LEX_MAX: LexBound = { kind: 0, ex: false, o: 0, l: 0 };

function argLexBound(ctx: CommandContext, i: number, out: LexBound): boolean {
  const a = ctx.argv;
  const o = a.argOff[i];
  const l = a.argLen[i];
  if (l === 0) return false;
  const c = a.buf[o];
  if (c === 0x2b || c === 0x2d) {
    // "+" / "-" alone (a C-string test: "+\0x" counts as "+").
    if (l > 1 && a.buf[o + 1] !== 0) return false;
    out.kind = c === 0x2b ? 1 : -1;
    out.ex = true;
    return true;
  }
  if (c !== 0x28 && c !== 0x5b) return false;
  out.kind = 0;
  out.ex = c === 0x28;
  out.o = o + 1;
  out.l = l - 1;
  return true;
}

// ----- lookups ---------------------------------------------------------------------------------------------------

/** Looks up the key of argument `i` (reply-helpers.ts `lookupTyped`). @returns FOUND (a zset), MISSING or WRONG_TYPE */
function lookupZset(ctx: CommandContext, i: number, write: boolean): number {
  return lookupTyped(ctx, i, TYPE_ZSET, write);
}

function sameKey(ctx: CommandContext, i: number, j: number): boolean {
  const a = ctx.argv;
  return a.argLen[i] === a.argLen[j] && a.buf.compare(a.buf, a.argOff[i], a.argOff[i] + a.argLen[i], a.argOff[j], a.argOff[j] + a.argLen[j]) === 0;
}

// ----- replies ---------------------------------------------------------------------------------------------------

/** Replies the current member (`ctx.zsets.member*`) and, with `withScores`, its score (a RESP3 pair when `pair`). */
function replyCurrent(ctx: CommandContext, withScores: boolean): void {
  const z = ctx.zsets;
  const r = ctx.reply;
  if (withScores && r.proto === 3) r.arrayLen(2);
  r.bulk(z.memberBuf, z.memberOff, z.memberLen);
  if (withScores) r.double(z.score);
}

/** Array header for `n` results (members, or members with scores: RESP2 flat, RESP3 pairs). */
function resultsLen(ctx: CommandContext, n: number, withScores: boolean): void {
  ctx.reply.arrayLen(withScores && ctx.reply.proto !== 3 ? n * 2 : n);
}

/** Reads `count` members from rank `from`, forward or backward, into arrays (a stored result). */
function collect(ctx: CommandContext, from: number, count: number, reverse: boolean, members: Buffer[], scores: number[]): void {
  const z = ctx.zsets;
  if (count <= 0) return;
  z.seek(from);
  for (let k = 0; ; ) {
    members.push(copyOut(z.memberBuf, z.memberOff, z.memberLen));
    scores.push(z.score);
    if (++k >= count) break;
    if (!(reverse ? z.prev() : z.next())) break;
  }
}

/** Replies `count` members from rank `from`, forward or backward. */
function emitRange(ctx: CommandContext, from: number, count: number, reverse: boolean, withScores: boolean): void {
  const z = ctx.zsets;
  resultsLen(ctx, count, withScores);
  if (count <= 0) return;
  z.seek(from);
  for (let k = 0; ; ) {
    replyCurrent(ctx, withScores);
    if (++k >= count) break;
    if (!(reverse ? z.prev() : z.next())) break;
  }
}

/**
 * Stores members/scores (distinct members) at the key of argument `dst` (Redis setKey: replaces any value, drops
 * the TTL) and replies their number with the `event` event; an empty result deletes the destination instead (`del`
 * event when it existed) and replies 0.
 */
function storeResult(ctx: CommandContext, dst: number, members: readonly Buffer[], scores: readonly number[], event: string): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  const z = ctx.zsets;
  if (members.length === 0) {
    if (ks.find(a.buf, a.argOff[dst], a.argLen[dst])) {
      ks.removeCurrent();
      notifyArg(ctx, NOTIFY_GENERIC, 'del', dst); // keyspace event
    }
    ctx.reply.integer(0);
    return;
  }
  let maxLen = 0;
  for (const m of members) if (m.length > maxLen) maxLen = m.length;
  ks.lookupWrite(a.buf, a.argOff[dst], a.argLen[dst]);
  z.create(members.length > z.maxListpackEntries || maxLen > z.maxListpackValue, members.length);
  for (let i = 0; i < members.length; i++) z.set(members[i]!, 0, members[i]!.length, scores[i]!);
  ctx.reply.integer(members.length);
  notifyArg(ctx, NOTIFY_ZSET, event, dst); // keyspace event
}

// ----- ZADD / ZINCRBY / ZREM ---------------------------------------------------------------------------------------

const IN_NX = 1;
const IN_XX = 2;
const IN_GT = 4;
const IN_LT = 8;
const IN_INCR = 16;

/** ZADD's parsed scores (reused: no array per command). */
const ZADD_SCORES: number[] = [];

/** ZADD and ZINCRBY (Redis zaddGenericCommand). */
function zaddGeneric(ctx: CommandContext, flags: number): void {
  const a = ctx.argv;
  const z = ctx.zsets;
  let ch = false;
  let si = 2;
  for (; si < a.argc; si++) {
    if (argIs(a, si, 'nx')) flags |= IN_NX;
    else if (argIs(a, si, 'xx')) flags |= IN_XX;
    else if (argIs(a, si, 'ch')) ch = true;
    else if (argIs(a, si, 'incr')) flags |= IN_INCR;
    else if (argIs(a, si, 'gt')) flags |= IN_GT;
    else if (argIs(a, si, 'lt')) flags |= IN_LT;
    else break;
  }
  const incr = (flags & IN_INCR) !== 0;
  const nx = (flags & IN_NX) !== 0;
  const xx = (flags & IN_XX) !== 0;
  const gt = (flags & IN_GT) !== 0;
  const lt = (flags & IN_LT) !== 0;
  let elements = a.argc - si;
  if (elements % 2 !== 0 || elements === 0) return ctx.reply.error(ERR.syntax);
  elements /= 2;
  if (nx && xx) return ctx.reply.error('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) return ctx.reply.error('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (incr && elements > 1) return ctx.reply.error('ERR INCR option supports a single increment-element pair');
  const scores = ZADD_SCORES;
  scores.length = 0;
  for (let j = 0; j < elements; j++) {
    const s = argDouble(ctx, si + 2 * j);
    if (s === null) return ctx.reply.error(ERR.notFloat);
    scores.push(s);
  }
  const t = lookupZset(ctx, 1, true);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  let failed = false;
  if (t === MISSING && !xx) z.create(z.maxListpackEntries === 0 || a.argLen[si + 1] > z.maxListpackValue);
  if (t === FOUND || !xx) {
    for (let j = 0; j < elements; j++) {
      const mi = si + 1 + 2 * j;
      const mb = a.buf;
      const mo = a.argOff[mi];
      const ml = a.argLen[mi];
      score = scores[j]!;
      if (z.find(mb, mo, ml)) {
        if (nx) continue;
        const cur = z.score;
        if (incr) {
          score += cur;
          if (score !== score) {
            failed = true;
            break;
          }
        }
        if ((lt && score >= cur) || (gt && score <= cur)) continue;
        processed++;
        if (score !== cur) {
          z.setAfterFind(mb, mo, ml, score, true);
          updated++;
        }
      } else if (!xx) {
        z.setAfterFind(mb, mo, ml, score, false);
        added++;
        processed++;
      }
    }
  }
  if (failed) ctx.reply.error(ERR_NAN);
  else if (incr) {
    if (processed > 0) ctx.reply.double(score);
    else ctx.reply.nullBulk();
  } else ctx.reply.integer(ch ? added + updated : added);
  if (added > 0 || updated > 0) notifyArg(ctx, NOTIFY_ZSET, incr ? 'zincr' : 'zadd', 1); // keyspace event
}

function zremCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const z = ctx.zsets;
  const t = lookupZset(ctx, 1, true);
  if (t === MISSING) return ctx.reply.integer(0);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  let deleted = 0;
  let emptied = false;
  for (let j = 2; j < a.argc; j++) {
    if (z.del(a.buf, a.argOff[j], a.argLen[j])) deleted++;
    if (z.len() === 0) {
      emptied = true;
      break;
    }
  }
  if (deleted > 0) {
    notifyArg(ctx, NOTIFY_ZSET, 'zrem', 1); // keyspace event
    if (emptied) deleteKey(ctx, 1);
  }
  ctx.reply.integer(deleted);
}

// ----- simple reads ----------------------------------------------------------------------------------------------

function zcardCommand(ctx: CommandContext): void {
  const t = lookupZset(ctx, 1, false);
  if (t === MISSING) return ctx.reply.integer(0);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  ctx.reply.integer(ctx.zsets.len());
}

function zscoreCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const t = lookupZset(ctx, 1, false);
  if (t === MISSING) return ctx.reply.nullBulk();
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  if (ctx.zsets.find(a.buf, a.argOff[2], a.argLen[2])) ctx.reply.double(ctx.zsets.score);
  else ctx.reply.nullBulk();
}

function zmscoreCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const t = lookupZset(ctx, 1, false);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  ctx.reply.arrayLen(a.argc - 2);
  for (let j = 2; j < a.argc; j++) {
    if (t === FOUND && ctx.zsets.find(a.buf, a.argOff[j], a.argLen[j])) ctx.reply.double(ctx.zsets.score);
    else ctx.reply.nullBulk();
  }
}

function zrankGeneric(ctx: CommandContext, reverse: boolean): void {
  const a = ctx.argv;
  const t = lookupZset(ctx, 1, false);
  if (t === MISSING) return ctx.reply.nullBulk();
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  const r = ctx.zsets.rank(a.buf, a.argOff[2], a.argLen[2]);
  if (r < 0) return ctx.reply.nullBulk();
  ctx.reply.integer(reverse ? ctx.zsets.len() - 1 - r : r);
}

// ----- ranges as rank intervals ----------------------------------------------------------------------------------

/** Rank interval [start, end) of the score range (min, minEx) .. (max, maxEx) in the current zset. */
const IV = { start: 0, end: 0 };

function scoreInterval(ctx: CommandContext, min: number, minEx: boolean, max: number, maxEx: boolean): void {
  const z = ctx.zsets;
  IV.start = z.countScoreBelow(min, minEx);
  IV.end = z.countScoreBelow(max, !maxEx);
  if (IV.end < IV.start) IV.end = IV.start;
}

/** Order of a lex bound against b[o..o+l) (Redis sdscmplex with its "-"/"+" sentinels). */
function cmpLex(bound: LexBound, buf: Uint8Array, b: Uint8Array, o: number, l: number): number {
  if (bound.kind !== 0) return bound.kind;
  return cmpBytes(buf, bound.o, bound.l, b, o, l);
}

/**
 * Redis zslIsInLexRange / zzlIsInLexRange: false when the range is empty by itself or lies wholly after the last
 * member or before the first. (With equal scores the rank counts imply it; with mixed scores, which Redis leaves
 * undefined, it is what Redis checks first.)
 */
function lexRangeMayHit(ctx: CommandContext, min: LexBound, max: LexBound): boolean {
  const z = ctx.zsets;
  const b = ctx.argv.buf;
  const n = z.len();
  if (n === 0) return false;
  if (min.kind === 1 || max.kind === -1) return false;
  if (min.kind === 0 && max.kind === 0) {
    const c = cmpBytes(b, min.o, min.l, b, max.o, max.l);
    if (c > 0 || (c === 0 && (min.ex || max.ex))) return false;
  }
  z.seek(n - 1);
  const cl = cmpLex(min, b, z.memberBuf, z.memberOff, z.memberLen);
  if (min.ex ? cl >= 0 : cl > 0) return false;
  z.seek(0);
  const cf = cmpLex(max, b, z.memberBuf, z.memberOff, z.memberLen);
  if (max.ex ? cf <= 0 : cf < 0) return false;
  return true;
}

function lexInterval(ctx: CommandContext, min: LexBound, max: LexBound): void {
  const z = ctx.zsets;
  const b = ctx.argv.buf;
  const n = z.len();
  if (!lexRangeMayHit(ctx, min, max)) {
    IV.start = 0;
    IV.end = 0;
    return;
  }
  IV.start = min.kind < 0 ? 0 : min.kind > 0 ? n : z.countLexBelow(b, min.o, min.l, min.ex);
  IV.end = max.kind > 0 ? n : max.kind < 0 ? 0 : z.countLexBelow(b, max.o, max.l, !max.ex);
  if (IV.end < IV.start) IV.end = IV.start;
}

function zcountCommand(ctx: CommandContext): void {
  if (!argScoreBound(ctx, 2)) return ctx.reply.error(ERR_MINMAX);
  const min = BOUND.v;
  const minEx = BOUND.ex;
  if (!argScoreBound(ctx, 3)) return ctx.reply.error(ERR_MINMAX);
  const t = lookupZset(ctx, 1, false);
  if (t === MISSING) return ctx.reply.integer(0);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  scoreInterval(ctx, min, minEx, BOUND.v, BOUND.ex);
  ctx.reply.integer(IV.end - IV.start);
}

function zlexcountCommand(ctx: CommandContext): void {
  if (!argLexBound(ctx, 2, LEX_MIN) || !argLexBound(ctx, 3, LEX_MAX)) return ctx.reply.error(ERR_LEX);
  const t = lookupZset(ctx, 1, false);
  if (t === MISSING) return ctx.reply.integer(0);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  lexInterval(ctx, LEX_MIN, LEX_MAX);
  ctx.reply.integer(IV.end - IV.start);
}

const RANK = 0;
const BYSCORE = 1;
const BYLEX = 2;

/**
 * The ZRANGE family (Redis zrangeGenericCommand): `keyIdx` the source key, `type`/`rev` preset by the legacy
 * commands (-1: from the options), `store` the destination argument or -1.
 */
function zrangeGeneric(ctx: CommandContext, keyIdx: number, store: number, presetType: number, presetRev: number): void {
  const a = ctx.argv;
  const z = ctx.zsets;
  let minIdx = keyIdx + 1;
  let maxIdx = keyIdx + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  let type = presetType;
  let rev = presetRev;
  for (let j = keyIdx + 3; j < a.argc; j++) {
    const left = a.argc - j - 1;
    if (store < 0 && argIs(a, j, 'withscores')) withScores = true;
    else if (argIs(a, j, 'limit') && left >= 2) {
      if (!argLL(a, j + 1)) return ctx.reply.error(ERR.notInteger);
      offset = LL.value;
      if (!argLL(a, j + 2)) return ctx.reply.error(ERR.notInteger);
      limit = LL.value;
      j += 2;
      // REV, BYLEX and BYSCORE once each, and none a command implies (Redis: while still ZRANGE_*_AUTO).
    } else if (rev < 0 && argIs(a, j, 'rev')) rev = 1;
    else if (type < 0 && argIs(a, j, 'bylex')) type = BYLEX;
    else if (type < 0 && argIs(a, j, 'byscore')) type = BYSCORE;
    else return ctx.reply.error(ERR.syntax);
  }
  if (rev < 0) rev = 0;
  if (type < 0) type = RANK;
  if (limit !== -1 && type === RANK) return ctx.reply.error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && type === BYLEX) return ctx.reply.error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  if (rev === 1 && type !== RANK) {
    const tmp = maxIdx;
    maxIdx = minIdx;
    minIdx = tmp;
  }
  let start = 0;
  let end = 0;
  let min = 0;
  let minEx = false;
  let max = 0;
  let maxEx = false;
  if (type === RANK) {
    if (!argLL(a, minIdx)) return ctx.reply.error(ERR.notInteger);
    start = LL.value;
    if (!argLL(a, maxIdx)) return ctx.reply.error(ERR.notInteger);
    end = LL.value;
  } else if (type === BYSCORE) {
    if (!argScoreBound(ctx, minIdx)) return ctx.reply.error(ERR_MINMAX);
    min = BOUND.v;
    minEx = BOUND.ex;
    if (!argScoreBound(ctx, maxIdx)) return ctx.reply.error(ERR_MINMAX);
    max = BOUND.v;
    maxEx = BOUND.ex;
  } else if (!argLexBound(ctx, minIdx, LEX_MIN) || !argLexBound(ctx, maxIdx, LEX_MAX)) return ctx.reply.error(ERR_LEX);
  const t = lookupZset(ctx, keyIdx, false);
  if (t === MISSING) {
    if (store >= 0) return storeResult(ctx, store, [], [], 'zrangestore');
    return ctx.reply.arrayLen(0);
  }
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  const n = z.len();
  const reverse = rev === 1;
  // The interval [from, from ± count) in rank order.
  let from = 0;
  let count = 0;
  if (type === RANK) {
    if (start < 0) start = n + start;
    if (end < 0) end = n + end;
    if (start < 0) start = 0;
    if (!(start > end || start >= n)) {
      if (end >= n) end = n - 1;
      count = end - start + 1;
      from = reverse ? n - 1 - start : start;
    }
  } else {
    if (type === BYSCORE) scoreInterval(ctx, min, minEx, max, maxEx);
    else lexInterval(ctx, LEX_MIN, LEX_MAX);
    // LIMIT: a negative offset walks off the end (empty); a negative count is no limit (Redis's `offset--`/`limit--` loops).
    const inRange = IV.end - IV.start;
    if (!(offset < 0 || (offset > 0 && offset >= n) || offset >= inRange)) {
      count = inRange - offset;
      if (limit >= 0 && limit < count) count = limit;
      from = reverse ? IV.end - 1 - offset : IV.start + offset;
    }
  }
  if (store >= 0) {
    const members: Buffer[] = [];
    const scores: number[] = [];
    collect(ctx, from, count, reverse, members, scores);
    return storeResult(ctx, store, members, scores, 'zrangestore');
  }
  emitRange(ctx, from, count, reverse, withScores || false);
}

// ----- ZREMRANGEBY* ----------------------------------------------------------------------------------------------

function zremrangeGeneric(ctx: CommandContext, type: number): void {
  const a = ctx.argv;
  const z = ctx.zsets;
  let start = 0;
  let end = 0;
  let min = 0;
  let minEx = false;
  let max = 0;
  let maxEx = false;
  let event: string;
  if (type === RANK) {
    event = 'zremrangebyrank';
    if (!argLL(a, 2)) return ctx.reply.error(ERR.notInteger);
    start = LL.value;
    if (!argLL(a, 3)) return ctx.reply.error(ERR.notInteger);
    end = LL.value;
  } else if (type === BYSCORE) {
    event = 'zremrangebyscore';
    if (!argScoreBound(ctx, 2)) return ctx.reply.error(ERR_MINMAX);
    min = BOUND.v;
    minEx = BOUND.ex;
    if (!argScoreBound(ctx, 3)) return ctx.reply.error(ERR_MINMAX);
    max = BOUND.v;
    maxEx = BOUND.ex;
  } else {
    event = 'zremrangebylex';
    if (!argLexBound(ctx, 2, LEX_MIN) || !argLexBound(ctx, 3, LEX_MAX)) return ctx.reply.error(ERR_LEX);
  }
  const t = lookupZset(ctx, 1, true);
  if (t === MISSING) return ctx.reply.integer(0);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  const n = z.len();
  let from: number;
  let count: number;
  if (type === RANK) {
    if (start < 0) start = n + start;
    if (end < 0) end = n + end;
    if (start < 0) start = 0;
    if (start > end || start >= n) return ctx.reply.integer(0);
    if (end >= n) end = n - 1;
    from = start;
    count = end - start + 1;
  } else {
    if (type === BYSCORE) scoreInterval(ctx, min, minEx, max, maxEx);
    else lexInterval(ctx, LEX_MIN, LEX_MAX);
    from = IV.start;
    count = IV.end - IV.start;
  }
  if (count > 0) {
    z.deleteRange(from, count);
    notifyArg(ctx, NOTIFY_ZSET, event, 1); // keyspace event
    if (z.len() === 0) deleteKey(ctx, 1);
  }
  ctx.reply.integer(count);
}

// ----- pops ------------------------------------------------------------------------------------------------------

/**
 * Pops up to `count` members (count ≥ 1) from the zset at argument `keyIdx`, the current item (a non-empty zset),
 * at its minimum (`max` false) or maximum, and writes the reply as Redis genericZpopCommand does: `emitKey` puts the
 * key first; `nested` makes each member/score a pair (and, with the key, [key, [pairs]]), otherwise a flat array.
 * Emits zpopmin/zpopmax (and del when the zset is emptied, the key then deleted). For ZPOPMIN/ZPOPMAX/ZMPOP and
 * the blocking BZPOPMIN/BZPOPMAX/BZMPOP.
 */
export function zsetPop(ctx: CommandContext, keyIdx: number, max: boolean, count: number, emitKey: boolean, nested: boolean): void {
  const z = ctx.zsets;
  const r = ctx.reply;
  const a = ctx.argv;
  const n = z.len();
  const k = count > n ? n : count;
  if (!nested && !emitKey) r.arrayLen(k * 2);
  else if (nested && !emitKey) r.arrayLen(k);
  else if (!nested && emitKey) {
    r.arrayLen(k * 2 + 1);
    r.bulk(a.buf, a.argOff[keyIdx], a.argLen[keyIdx]);
  } else {
    r.arrayLen(2);
    r.bulk(a.buf, a.argOff[keyIdx], a.argLen[keyIdx]);
    r.arrayLen(k);
  }
  z.seek(max ? n - 1 : 0);
  for (let i = 0; ; ) {
    if (nested) r.arrayLen(2);
    r.bulk(z.memberBuf, z.memberOff, z.memberLen);
    r.double(z.score);
    if (++i >= k) break;
    if (!(max ? z.prev() : z.next())) break;
  }
  z.deleteRange(max ? n - k : 0, k);
  notifyArg(ctx, NOTIFY_ZSET, max ? 'zpopmax' : 'zpopmin', keyIdx); // keyspace event
  if (k === n) deleteKey(ctx, keyIdx);
}

/**
 * Redis genericZpopCommand over the keys at arguments [first, first + nkeys): pops from the first that exists
 * (WRONGTYPE when it is not a zset); none: an empty array, or a null array with `nilWhenEmpty`. `count` -1 is the
 * plain single pop.
 */
function genericZpop(ctx: CommandContext, first: number, nkeys: number, max: boolean, emitKey: boolean, count: number, nested: boolean, nilWhenEmpty: boolean): void {
  let idx = -1;
  for (let j = 0; j < nkeys; j++) {
    const t = lookupZset(ctx, first + j, true);
    if (t === MISSING) continue;
    if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
    idx = first + j;
    break;
  }
  if (idx < 0) return nilWhenEmpty ? ctx.reply.nullArray() : ctx.reply.arrayLen(0);
  if (count === 0) return ctx.reply.arrayLen(0);
  zsetPop(ctx, idx, max, count === -1 ? 1 : count, emitKey, nested);
}

function zpopMinMax(ctx: CommandContext, max: boolean): void {
  const a = ctx.argv;
  if (a.argc > 3) return ctx.reply.error(ERR.syntax);
  let count = -1;
  if (a.argc === 3) {
    if (!argLL(a, 2) || LL.value < 0) return ctx.reply.error(ERR_POSITIVE);
    count = LL.value;
  }
  genericZpop(ctx, 1, 1, max, false, count, ctx.reply.proto === 3 && count !== -1, false);
}

/** What {@link parseZmpop} read: the index of MIN|MAX, which end, and the count (1 when not given). */
export const ZMPOP = { whereIdx: 0, max: false, count: 1 };

/**
 * Reads the arguments of ZMPOP / BZMPOP from `numkeysIdx` on (numkeys key [key ...] MIN|MAX [COUNT count]) into
 * {@link ZMPOP}, with Redis zmpopGenericCommand's checks and errors in its order.
 * @returns false after replying the error
 */
export function parseZmpop(ctx: CommandContext, numkeysIdx: number): boolean {
  const a = ctx.argv;
  if (!argLL(a, numkeysIdx) || LL.value < 1) {
    ctx.reply.error('ERR numkeys should be greater than 0');
    return false;
  }
  const whereIdx = numkeysIdx + LL.value + 1;
  if (whereIdx >= a.argc) {
    ctx.reply.error(ERR.syntax);
    return false;
  }
  let max: boolean;
  if (argIs(a, whereIdx, 'min')) max = false;
  else if (argIs(a, whereIdx, 'max')) max = true;
  else {
    ctx.reply.error(ERR.syntax);
    return false;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < a.argc; j++) {
    if (count === -1 && argIs(a, j, 'count') && a.argc - 1 - j > 0) {
      j++;
      if (!argLL(a, j) || LL.value < 1) {
        ctx.reply.error('ERR count should be greater than 0');
        return false;
      }
      count = LL.value;
    } else {
      ctx.reply.error(ERR.syntax);
      return false;
    }
  }
  ZMPOP.whereIdx = whereIdx;
  ZMPOP.max = max;
  ZMPOP.count = count === -1 ? 1 : count;
  return true;
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] (Redis zmpopGenericCommand). */
function zmpopCommand(ctx: CommandContext): void {
  if (!parseZmpop(ctx, 1)) return;
  genericZpop(ctx, 2, ZMPOP.whereIdx - 2, ZMPOP.max, true, ZMPOP.count, true, true);
}

// ----- ZRANDMEMBER -----------------------------------------------------------------------------------------------

function zrandmemberCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const z = ctx.zsets;
  if (a.argc >= 3) {
    if (!argLL(a, 2)) return ctx.reply.error(ERR.notInteger);
    if (LL.big !== null && LL.big === -(2n ** 63n)) return ctx.reply.error(ERR_RAND_RANGE);
    const l = LL.value;
    let withScores = false;
    if (a.argc > 4 || (a.argc === 4 && !argIs(a, 3, 'withscores'))) return ctx.reply.error(ERR.syntax);
    if (a.argc === 4) {
      withScores = true;
      const half = 4611686018427387903n;
      const big = LL.big ?? BigInt(l);
      if (big < -half || big > half) return ctx.reply.error('ERR value is out of range');
    }
    return zrandmemberWithCount(ctx, l, withScores);
  }
  const t = lookupZset(ctx, 1, false);
  if (t === MISSING) return ctx.reply.nullBulk();
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  z.seek(Math.floor(Math.random() * z.len()));
  ctx.reply.bulk(z.memberBuf, z.memberOff, z.memberLen);
}

function zrandmemberWithCount(ctx: CommandContext, l: number, withScores: boolean): void {
  const z = ctx.zsets;
  const t = lookupZset(ctx, 1, false);
  if (t === MISSING) return ctx.reply.arrayLen(0);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  const size = z.len();
  const uniq = l >= 0;
  const count = Math.abs(l);
  if (count === 0) return ctx.reply.arrayLen(0);
  if (!uniq || count === 1) {
    if (!uniq && count > maxRandomDraws(ctx)) return ctx.reply.error('ERR value is out of range');
    resultsLen(ctx, count, withScores);
    for (let i = 0; i < count; i++) {
      z.seek(Math.floor(Math.random() * size));
      replyCurrent(ctx, withScores);
    }
    return;
  }
  // The whole zset, in Redis's zuiNext order: from the last rank down.
  if (count >= size) return emitRange(ctx, size - 1, size, true, withScores);
  // Distinct ranks: a partial Fisher-Yates shuffle when the sample is a large part of the set, else rejection.
  let ranks: number[];
  if (count * 3 > size) {
    const all = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const tmp = all[i]!;
      all[i] = all[j]!;
      all[j] = tmp;
    }
    ranks = all.slice(0, count);
  } else {
    const seen = new Set<number>();
    while (seen.size < count) seen.add(Math.floor(Math.random() * size));
    ranks = [...seen];
  }
  resultsLen(ctx, count, withScores);
  for (const r of ranks) {
    z.seek(r);
    replyCurrent(ctx, withScores);
  }
}

// ----- ZUNION / ZINTER / ZDIFF -----------------------------------------------------------------------------------

const OP_UNION = 0;
const OP_INTER = 1;
const OP_DIFF = 2;
const AGG_SUM = 0;
const AGG_MIN = 1;
const AGG_MAX = 2;

function aggregate(target: number, val: number, agg: number): number {
  if (agg === AGG_SUM) {
    const s = target + val;
    return s !== s ? 0 : s;
  }
  if (agg === AGG_MIN) return val < target ? val : target;
  return val > target ? val : target;
}

/** One input of the algebra: its argument, type (0 missing) and cardinality. */
interface Src {
  arg: number;
  type: number;
  card: number;
  weight: number;
}

/** Makes input `s` current (it exists). */
function loadSrc(ctx: CommandContext, s: Src): void {
  refind(ctx, s.arg);
}

/** Every (member, score) of input `s` (a set's members score 1), in its order. */
function readSrc(ctx: CommandContext, s: Src, members: Buffer[], scores: number[]): void {
  if (s.type === 0 || s.card === 0) return;
  loadSrc(ctx, s);
  if (s.type === TYPE_ZSET) collect(ctx, 0, s.card, false, members, scores);
  else {
    const st = ctx.sets;
    st.iterStart();
    while (st.iterNext()) {
      members.push(copyOut(st.memberBuf, st.memberOff, st.memberLen));
      scores.push(1);
    }
  }
}

/** Score of member m in input `s` (the current item), or null. */
function findIn(ctx: CommandContext, s: Src, m: Buffer): number | null {
  if (s.type === TYPE_ZSET) return ctx.zsets.find(m, 0, m.length) ? ctx.zsets.score : null;
  return ctx.sets.has(m, 0, m.length) ? 1 : null;
}

/** Sorts a result by (score, member bytes), the order of Redis's result skiplist. */
function sortResult(members: Buffer[], scores: number[]): void {
  const idx = members.map((_, i) => i);
  idx.sort((x, y) => {
    const a = scores[x]!;
    const b = scores[y]!;
    if (a < b) return -1;
    if (a > b) return 1;
    return cmpBytes(members[x]!, 0, members[x]!.length, members[y]!, 0, members[y]!.length);
  });
  const m2 = idx.map((i) => members[i]!);
  const s2 = idx.map((i) => scores[i]!);
  for (let i = 0; i < idx.length; i++) {
    members[i] = m2[i]!;
    scores[i] = s2[i]!;
  }
}

/**
 * Redis zunionInterDiffGenericCommand: `dst` the destination argument (-1 none), `numkeysIdx` where numkeys is,
 * `op`, `cardOnly` (ZINTERCARD).
 */
function zsetAlgebra(ctx: CommandContext, dst: number, numkeysIdx: number, op: number, cardOnly: boolean): void {
  const a = ctx.argv;
  if (!argLL(a, numkeysIdx)) return ctx.reply.error(ERR.notInteger);
  const setnum = LL.value;
  if (setnum < 1) return ctx.reply.error(`ERR at least 1 input key is needed for '${ctx.cmd.fullName}' command`);
  if (setnum > a.argc - (numkeysIdx + 1)) return ctx.reply.error(ERR.syntax);
  const srcs: Src[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const ks = ctx.ks;
    const found = ks.lookupRead(a.buf, a.argOff[j], a.argLen[j]);
    let type = 0;
    let card = 0;
    if (found) {
      const tt = ks.type();
      if (tt !== TYPE_ZSET && tt !== TYPE_SET) return ctx.reply.error(ERR.wrongType);
      type = tt;
      card = tt === TYPE_ZSET ? ctx.zsets.len() : ctx.sets.card();
    }
    srcs.push({ arg: j, type, card, weight: 1 });
  }
  let agg = AGG_SUM;
  let withScores = false;
  let limit = 0;
  let remaining = a.argc - j;
  while (remaining > 0) {
    if (op !== OP_DIFF && !cardOnly && remaining >= setnum + 1 && argIs(a, j, 'weights')) {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = argDouble(ctx, j);
        if (w === null) return ctx.reply.error('ERR weight value is not a float');
        srcs[i]!.weight = w;
      }
    } else if (op !== OP_DIFF && !cardOnly && remaining >= 2 && argIs(a, j, 'aggregate')) {
      j++;
      remaining--;
      if (argIs(a, j, 'sum')) agg = AGG_SUM;
      else if (argIs(a, j, 'min')) agg = AGG_MIN;
      else if (argIs(a, j, 'max')) agg = AGG_MAX;
      else return ctx.reply.error(ERR.syntax);
      j++;
      remaining--;
    } else if (remaining >= 1 && dst < 0 && !cardOnly && argIs(a, j, 'withscores')) {
      j++;
      remaining--;
      withScores = true;
    } else if (cardOnly && remaining >= 2 && argIs(a, j, 'limit')) {
      j++;
      remaining--;
      if (!argLL(a, j) || LL.value < 0) return ctx.reply.error("ERR LIMIT can't be negative");
      limit = LL.value;
      j++;
      remaining--;
    } else return ctx.reply.error(ERR.syntax);
  }
  // Inputs by increasing cardinality (union and intersection only; a stable sort).
  const order = op === OP_DIFF ? srcs : srcs.slice().sort((x, y) => x.card - y.card);
  const members: Buffer[] = [];
  const scores: number[] = [];
  let cardinality = 0;
  if (op === OP_INTER) {
    const s0 = order[0]!;
    const m0: Buffer[] = [];
    const sc0: number[] = [];
    readSrc(ctx, s0, m0, sc0);
    const keep: boolean[] = m0.map(() => true);
    const acc: number[] = sc0.map((s) => {
      const v = s0.weight * s;
      return v !== v ? 0 : v;
    });
    for (let k = 1; k < order.length; k++) {
      const sj = order[k]!;
      const same = sj.type !== 0 && s0.type !== 0 && sameKey(ctx, sj.arg, s0.arg);
      if (!same && (sj.type === 0 || sj.card === 0)) {
        keep.fill(false);
        break;
      }
      if (!same) loadSrc(ctx, sj);
      for (let i = 0; i < m0.length; i++) {
        if (!keep[i]) continue;
        const v = same ? sc0[i]! : findIn(ctx, sj, m0[i]!);
        if (v === null) keep[i] = false;
        else acc[i] = aggregate(acc[i]!, v * sj.weight, agg);
      }
    }
    for (let i = 0; i < m0.length; i++) {
      if (!keep[i]) continue;
      if (cardOnly) {
        cardinality++;
        if (limit > 0 && cardinality >= limit) break;
      } else {
        members.push(m0[i]!);
        scores.push(acc[i]!);
      }
    }
  } else if (op === OP_UNION) {
    const at = new Map<string, number>();
    for (const s of order) {
      const ms: Buffer[] = [];
      const ss: number[] = [];
      readSrc(ctx, s, ms, ss);
      for (let i = 0; i < ms.length; i++) {
        let v = s.weight * ss[i]!;
        if (v !== v) v = 0;
        const key = ms[i]!.toString('latin1');
        const p = at.get(key);
        if (p === undefined) {
          at.set(key, members.length);
          members.push(ms[i]!);
          scores.push(v);
        } else scores[p] = aggregate(scores[p]!, v, agg);
      }
    }
  } else {
    const s0 = srcs[0]!;
    let empty = s0.type === 0 || s0.card === 0;
    for (let k = 1; k < srcs.length && !empty; k++) if (srcs[k]!.type !== 0 && sameKey(ctx, srcs[k]!.arg, s0.arg)) empty = true;
    if (!empty) {
      const m0: Buffer[] = [];
      const sc0: number[] = [];
      readSrc(ctx, s0, m0, sc0);
      const keep = m0.map(() => true);
      for (let k = 1; k < srcs.length; k++) {
        const sj = srcs[k]!;
        if (sj.type === 0 || sj.card === 0) continue;
        loadSrc(ctx, sj);
        for (let i = 0; i < m0.length; i++) if (keep[i] && findIn(ctx, sj, m0[i]!) !== null) keep[i] = false;
      }
      for (let i = 0; i < m0.length; i++) {
        if (!keep[i]) continue;
        members.push(m0[i]!);
        scores.push(sc0[i]!);
      }
    }
  }
  if (cardOnly) return ctx.reply.integer(cardinality);
  sortResult(members, scores);
  if (dst >= 0) return storeResult(ctx, dst, members, scores, op === OP_UNION ? 'zunionstore' : op === OP_INTER ? 'zinterstore' : 'zdiffstore');
  const r = ctx.reply;
  resultsLen(ctx, members.length, withScores);
  for (let i = 0; i < members.length; i++) {
    if (withScores && r.proto === 3) r.arrayLen(2);
    r.bulk(members[i]!, 0, members[i]!.length);
    if (withScores) r.double(scores[i]!);
  }
}

// ----- ZSCAN -----------------------------------------------------------------------------------------------------

/** A listpack score as Redis's d2string writes it (what ZSCAN of a listpack zset returns). */
function d2string(v: number): string {
  if (Number.isInteger(v) && v >= -4611686018427387903 && v <= 4611686018427387903 && !Object.is(v, -0)) return BigInt(v).toString();
  return formatDouble(v);
}

function zscanCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const z = ctx.zsets;
  const cursorIn = parseScanCursor(ctx, 2);
  if (cursorIn < 0) return;
  const t = lookupZset(ctx, 1, false);
  if (t === MISSING) {
    ctx.reply.arrayLen(2);
    ctx.reply.bulkString('0');
    ctx.reply.arrayLen(0);
    return;
  }
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  if (!parseScanOptions(ctx, 3, false)) return;
  const { count, patIdx } = SCAN_OPTS;
  const usePattern = patIdx >= 0 && !isMatchAll(a.buf, a.argOff[patIdx], a.argLen[patIdx]);
  const listpack = z.encoding() === 'listpack';
  const found: Buffer[] = [];
  const scoreText: string[] = [];
  const emit = (): void => {
    if (usePattern && !globMatch(a.buf, a.argOff[patIdx], a.argLen[patIdx], z.memberBuf, z.memberOff, z.memberLen, false)) return;
    found.push(copyOut(z.memberBuf, z.memberOff, z.memberLen));
    scoreText.push(listpack ? d2string(z.score) : formatDouble(z.score));
  };
  let cursor: number;
  if (listpack) cursor = z.scan(cursorIn, emit);
  else {
    // As Redis: up to COUNT elements (×2 replies), visiting at most 10 × COUNT buckets.
    let scanned = 0;
    const counting = (): void => {
      scanned++;
      emit();
    };
    let maxIterations = count * 2 * 10;
    cursor = cursorIn;
    do {
      cursor = z.scan(cursor, counting);
    } while (cursor !== 0 && maxIterations-- > 0 && scanned * 2 < count * 2);
  }
  ctx.reply.arrayLen(2);
  ctx.reply.bulkString(String(cursor));
  ctx.reply.arrayLen(found.length * 2);
  for (let i = 0; i < found.length; i++) {
    ctx.reply.bulk(found[i]!, 0, found[i]!.length);
    ctx.reply.bulkString(scoreText[i]!);
  }
}

// ----- the table -------------------------------------------------------------------------------------------------

const H: Record<string, CommandHandler> = {
  zadd: (ctx) => zaddGeneric(ctx, 0),
  zincrby: (ctx) => zaddGeneric(ctx, IN_INCR),
  zrem: zremCommand,
  zcard: zcardCommand,
  zscore: zscoreCommand,
  zmscore: zmscoreCommand,
  zrank: (ctx) => zrankGeneric(ctx, false),
  zrevrank: (ctx) => zrankGeneric(ctx, true),
  zcount: zcountCommand,
  zlexcount: zlexcountCommand,
  zrange: (ctx) => zrangeGeneric(ctx, 1, -1, -1, -1),
  zrangestore: (ctx) => zrangeGeneric(ctx, 2, 1, -1, -1),
  zrangebyscore: (ctx) => zrangeGeneric(ctx, 1, -1, BYSCORE, 0),
  zrevrangebyscore: (ctx) => zrangeGeneric(ctx, 1, -1, BYSCORE, 1),
  zrangebylex: (ctx) => zrangeGeneric(ctx, 1, -1, BYLEX, 0),
  zrevrangebylex: (ctx) => zrangeGeneric(ctx, 1, -1, BYLEX, 1),
  zrevrange: (ctx) => zrangeGeneric(ctx, 1, -1, RANK, 1),
  zremrangebyrank: (ctx) => zremrangeGeneric(ctx, RANK),
  zremrangebyscore: (ctx) => zremrangeGeneric(ctx, BYSCORE),
  zremrangebylex: (ctx) => zremrangeGeneric(ctx, BYLEX),
  zpopmin: (ctx) => zpopMinMax(ctx, false),
  zpopmax: (ctx) => zpopMinMax(ctx, true),
  zmpop: zmpopCommand,
  zrandmember: zrandmemberCommand,
  zunion: (ctx) => zsetAlgebra(ctx, -1, 1, OP_UNION, false),
  zinter: (ctx) => zsetAlgebra(ctx, -1, 1, OP_INTER, false),
  zdiff: (ctx) => zsetAlgebra(ctx, -1, 1, OP_DIFF, false),
  zunionstore: (ctx) => zsetAlgebra(ctx, 1, 2, OP_UNION, false),
  zinterstore: (ctx) => zsetAlgebra(ctx, 1, 2, OP_INTER, false),
  zdiffstore: (ctx) => zsetAlgebra(ctx, 1, 2, OP_DIFF, false),
  zintercard: (ctx) => zsetAlgebra(ctx, -1, 1, OP_INTER, true),
  zscan: zscanCommand,
};

/** Our own one-line summaries (COMMAND DOCS prose). */
const S: Record<string, string> = {
  zadd: 'Adds members with scores to a sorted set, or updates their scores; creates the key if needed.',
  zincrby: "Increments a member's score in a sorted set.",
  zrem: 'Removes members from a sorted set; deletes the key when it is left empty.',
  zcard: 'Returns the number of members of a sorted set.',
  zscore: 'Returns the score of a member of a sorted set.',
  zmscore: 'Returns the scores of several members of a sorted set.',
  zrank: 'Returns the rank of a member of a sorted set, by ascending score.',
  zrevrank: 'Returns the rank of a member of a sorted set, by descending score.',
  zcount: 'Returns how many members of a sorted set have a score within a range.',
  zlexcount: 'Returns how many members of a sorted set are within a lexicographical range.',
  zrange: 'Returns the members of a sorted set within a range of ranks, scores or members.',
  zrangestore: 'Stores a range of the members of a sorted set in another key.',
  zrangebyscore: 'Returns the members of a sorted set within a range of scores.',
  zrevrangebyscore: 'Returns the members of a sorted set within a range of scores, highest first.',
  zrangebylex: 'Returns the members of a sorted set within a lexicographical range.',
  zrevrangebylex: 'Returns the members of a sorted set within a lexicographical range, in reverse order.',
  zrevrange: 'Returns the members of a sorted set within a range of ranks, highest score first.',
  zremrangebyrank: 'Removes the members of a sorted set within a range of ranks.',
  zremrangebyscore: 'Removes the members of a sorted set within a range of scores.',
  zremrangebylex: 'Removes the members of a sorted set within a lexicographical range.',
  zpopmin: 'Removes and returns the members with the lowest scores of a sorted set.',
  zpopmax: 'Removes and returns the members with the highest scores of a sorted set.',
  zmpop: 'Pops members from the first non-empty sorted set of several keys.',
  zrandmember: 'Returns random members of a sorted set (a negative count may repeat them).',
  zunion: 'Returns the union of sorted sets (and sets).',
  zinter: 'Returns the intersection of sorted sets (and sets).',
  zdiff: 'Returns the members of the first sorted set that no other input has.',
  zunionstore: 'Stores the union of sorted sets (and sets) in a key.',
  zinterstore: 'Stores the intersection of sorted sets (and sets) in a key.',
  zdiffstore: 'Stores the difference of sorted sets (and sets) in a key.',
  zintercard: 'Returns the number of members of the intersection of sorted sets, up to LIMIT.',
  zscan: 'Iterates over the members and scores of a sorted set with a cursor.',
};

/** Our own complexity notes (COMMAND DOCS prose); N the zset's size, M the members returned or touched. */
const CX: Record<string, string> = {
  zadd: 'O(log N) per member added or updated.',
  zincrby: 'O(log N)',
  zrem: 'O(log N) per member removed.',
  zcard: 'O(1)',
  zscore: 'O(1)',
  zmscore: 'O(1) per member asked.',
  zrank: 'O(log N)',
  zrevrank: 'O(log N)',
  zcount: 'O(log N)',
  zlexcount: 'O(log N)',
  zrange: 'O(log N + M)',
  zrangestore: 'O(log N + M)',
  zrangebyscore: 'O(log N + M)',
  zrevrangebyscore: 'O(log N + M)',
  zrangebylex: 'O(log N + M)',
  zrevrangebylex: 'O(log N + M)',
  zrevrange: 'O(log N + M)',
  zremrangebyrank: 'O(log N + M)',
  zremrangebyscore: 'O(log N + M)',
  zremrangebylex: 'O(log N + M)',
  zpopmin: 'O(M log N)',
  zpopmax: 'O(M log N)',
  zmpop: 'O(K + M log N), K the keys tried.',
  zrandmember: 'O(M log N)',
  zunion: 'O(N + M log M), N the total input size, M the result size.',
  zinter: 'O(N * K + M log M), N the smallest input, K the inputs, M the result size.',
  zdiff: 'O(N * K + M log M), N the first input, K the inputs, M the result size.',
  zunionstore: 'O(N + M log M), N the total input size, M the result size.',
  zinterstore: 'O(N * K + M log M), N the smallest input, K the inputs, M the result size.',
  zdiffstore: 'O(N * K + M log M), N the first input, K the inputs, M the result size.',
  zintercard: 'O(N * K), N the smallest input, K the inputs.',
  zscan: 'O(1) per call, O(N) for a whole iteration.',
};

const Z = { group: 'sorted-set', acl: ['sortedset'] };

/** The sorted-set commands of the table (metadata as redis-server 7.0.15's src/commands/z*.json). */
export const zsetCommands: CommandSpec[] = [
  { name: 'zadd', arity: -4, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "1.2.0", complexity: CX.zadd!, summary: S.zadd, keySpecs: [keySpec(["RW", "update"], 1, 0, 1)], handler: H.zadd, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "condition", type: "oneof", optional: true, since: "3.0.2", arguments: [{ name: "nx", type: "pure-token", token: "NX" }, { name: "xx", type: "pure-token", token: "XX" }] }, { name: "comparison", type: "oneof", optional: true, since: "6.2.0", arguments: [{ name: "gt", type: "pure-token", token: "GT" }, { name: "lt", type: "pure-token", token: "LT" }] }, { name: "change", type: "pure-token", token: "CH", optional: true, since: "3.0.2" }, { name: "increment", type: "pure-token", token: "INCR", optional: true, since: "3.0.2" }, { name: "score_member", type: "block", multiple: true, arguments: [{ name: "score", type: "double" }, { name: "member", type: "string" }] }] },
  { name: 'zincrby', arity: 4, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "1.2.0", complexity: CX.zincrby!, summary: S.zincrby, keySpecs: [keySpec(["RW", "access", "update"], 1, 0, 1)], handler: H.zincrby, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "increment", type: "integer" }, { name: "member", type: "string" }] },
  { name: 'zrem', arity: -3, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "1.2.0", complexity: CX.zrem!, summary: S.zrem, keySpecs: [keySpec(["RW", "delete"], 1, 0, 1)], handler: H.zrem, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "member", type: "string", multiple: true }] },
  { name: 'zcard', arity: 2, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "1.2.0", complexity: CX.zcard!, summary: S.zcard, keySpecs: [keySpec(["RO"], 1, 0, 1)], handler: H.zcard, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }] },
  { name: 'zscore', arity: 3, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "1.2.0", complexity: CX.zscore!, summary: S.zscore, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zscore, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "member", type: "string" }] },
  { name: 'zmscore', arity: -3, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "6.2.0", complexity: CX.zmscore!, summary: S.zmscore, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zmscore, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "member", type: "string", multiple: true }] },
  { name: 'zrank', arity: 3, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "2.0.0", complexity: CX.zrank!, summary: S.zrank, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zrank, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "member", type: "string" }] },
  { name: 'zrevrank', arity: 3, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "2.0.0", complexity: CX.zrevrank!, summary: S.zrevrank, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zrevrank, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "member", type: "string" }] },
  { name: 'zcount', arity: 4, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "2.0.0", complexity: CX.zcount!, summary: S.zcount, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zcount, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "min", type: "double" }, { name: "max", type: "double" }] },
  { name: 'zlexcount', arity: 4, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "2.8.9", complexity: CX.zlexcount!, summary: S.zlexcount, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zlexcount, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "min", type: "string" }, { name: "max", type: "string" }] },
  { name: 'zrange', arity: -4, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "1.2.0", complexity: CX.zrange!, summary: S.zrange, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zrange, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "start", type: "string" }, { name: "stop", type: "string" }, { name: "sortby", type: "oneof", optional: true, since: "6.2.0", arguments: [{ name: "byscore", type: "pure-token", token: "BYSCORE" }, { name: "bylex", type: "pure-token", token: "BYLEX" }] }, { name: "rev", type: "pure-token", token: "REV", optional: true, since: "6.2.0" }, { name: "offset_count", type: "block", token: "LIMIT", optional: true, since: "6.2.0", arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }] }, { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true }] },
  { name: 'zrangestore', arity: -5, flags: ["write", "denyoom"], firstKey: 1, lastKey: 2, step: 1, ...Z, since: "6.2.0", complexity: CX.zrangestore!, summary: S.zrangestore, keySpecs: [keySpec(["OW", "update"], 1, 0, 1), keySpec(["RO", "access"], 2, 0, 1)], handler: H.zrangestore, arguments: [{ name: "dst", type: "key", keySpecIndex: 0 }, { name: "src", type: "key", keySpecIndex: 1 }, { name: "min", type: "string" }, { name: "max", type: "string" }, { name: "sortby", type: "oneof", optional: true, arguments: [{ name: "byscore", type: "pure-token", token: "BYSCORE" }, { name: "bylex", type: "pure-token", token: "BYLEX" }] }, { name: "rev", type: "pure-token", token: "REV", optional: true }, { name: "offset_count", type: "block", token: "LIMIT", optional: true, arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }] }] },
  { name: 'zrangebyscore', arity: -4, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "1.0.5", deprecatedSince: "6.2.0", docFlags: ["deprecated"], complexity: CX.zrangebyscore!, summary: S.zrangebyscore, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zrangebyscore, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "min", type: "double" }, { name: "max", type: "double" }, { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true, since: "2.0.0" }, { name: "offset_count", type: "block", token: "LIMIT", optional: true, arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }] }] },
  { name: 'zrevrangebyscore', arity: -4, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "2.2.0", deprecatedSince: "6.2.0", docFlags: ["deprecated"], complexity: CX.zrevrangebyscore!, summary: S.zrevrangebyscore, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zrevrangebyscore, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "max", type: "double" }, { name: "min", type: "double" }, { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true }, { name: "offset_count", type: "block", token: "LIMIT", optional: true, arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }] }] },
  { name: 'zrangebylex', arity: -4, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "2.8.9", deprecatedSince: "6.2.0", docFlags: ["deprecated"], complexity: CX.zrangebylex!, summary: S.zrangebylex, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zrangebylex, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "min", type: "string" }, { name: "max", type: "string" }, { name: "offset_count", type: "block", token: "LIMIT", optional: true, arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }] }] },
  { name: 'zrevrangebylex', arity: -4, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "2.8.9", deprecatedSince: "6.2.0", docFlags: ["deprecated"], complexity: CX.zrevrangebylex!, summary: S.zrevrangebylex, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zrevrangebylex, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "max", type: "string" }, { name: "min", type: "string" }, { name: "offset_count", type: "block", token: "LIMIT", optional: true, arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }] }] },
  { name: 'zrevrange', arity: -4, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "1.2.0", deprecatedSince: "6.2.0", docFlags: ["deprecated"], complexity: CX.zrevrange!, summary: S.zrevrange, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zrevrange, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "start", type: "integer" }, { name: "stop", type: "integer" }, { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true }] },
  { name: 'zremrangebyrank', arity: 4, flags: ["write"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "2.0.0", complexity: CX.zremrangebyrank!, summary: S.zremrangebyrank, keySpecs: [keySpec(["RW", "delete"], 1, 0, 1)], handler: H.zremrangebyrank, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "start", type: "integer" }, { name: "stop", type: "integer" }] },
  { name: 'zremrangebyscore', arity: 4, flags: ["write"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "1.2.0", complexity: CX.zremrangebyscore!, summary: S.zremrangebyscore, keySpecs: [keySpec(["RW", "delete"], 1, 0, 1)], handler: H.zremrangebyscore, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "min", type: "double" }, { name: "max", type: "double" }] },
  { name: 'zremrangebylex', arity: 4, flags: ["write"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "2.8.9", complexity: CX.zremrangebylex!, summary: S.zremrangebylex, keySpecs: [keySpec(["RW", "delete"], 1, 0, 1)], handler: H.zremrangebylex, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "min", type: "string" }, { name: "max", type: "string" }] },
  { name: 'zpopmin', arity: -2, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "5.0.0", complexity: CX.zpopmin!, summary: S.zpopmin, keySpecs: [keySpec(["RW", "access", "delete"], 1, 0, 1)], handler: H.zpopmin, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "count", type: "integer", optional: true }] },
  { name: 'zpopmax', arity: -2, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "5.0.0", complexity: CX.zpopmax!, summary: S.zpopmax, keySpecs: [keySpec(["RW", "access", "delete"], 1, 0, 1)], handler: H.zpopmax, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "count", type: "integer", optional: true }] },
  { name: 'zmpop', arity: -4, flags: ["write", "movablekeys"], firstKey: 0, lastKey: 0, step: 0, ...Z, since: "7.0.0", complexity: CX.zmpop!, summary: S.zmpop, keySpecs: [{ flags: ["RW", "access", "delete"], index: 1, lastKey: 0, keyStep: 1, keynum: { keynumIdx: 0, firstKey: 1, keyStep: 1 } }], handler: H.zmpop, arguments: [{ name: "numkeys", type: "integer" }, { name: "key", type: "key", keySpecIndex: 0, multiple: true }, { name: "where", type: "oneof", arguments: [{ name: "min", type: "pure-token", token: "MIN" }, { name: "max", type: "pure-token", token: "MAX" }] }, { name: "count", type: "integer", token: "COUNT", optional: true }] },
  { name: 'zrandmember', arity: -2, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "6.2.0", tips: ["nondeterministic_output"], complexity: CX.zrandmember!, summary: S.zrandmember, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zrandmember, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "options", type: "block", optional: true, arguments: [{ name: "count", type: "integer" }, { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true }] }] },
  { name: 'zunion', arity: -3, flags: ["readonly", "movablekeys"], firstKey: 0, lastKey: 0, step: 0, ...Z, since: "6.2.0", complexity: CX.zunion!, summary: S.zunion, keySpecs: [{ flags: ["RO", "access"], index: 1, lastKey: 0, keyStep: 1, keynum: { keynumIdx: 0, firstKey: 1, keyStep: 1 } }], handler: H.zunion, arguments: [{ name: "numkeys", type: "integer" }, { name: "key", type: "key", keySpecIndex: 0, multiple: true }, { name: "weight", type: "integer", token: "WEIGHTS", optional: true, multiple: true }, { name: "aggregate", type: "oneof", token: "AGGREGATE", optional: true, arguments: [{ name: "sum", type: "pure-token", token: "SUM" }, { name: "min", type: "pure-token", token: "MIN" }, { name: "max", type: "pure-token", token: "MAX" }] }, { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true }] },
  { name: 'zinter', arity: -3, flags: ["readonly", "movablekeys"], firstKey: 0, lastKey: 0, step: 0, ...Z, since: "6.2.0", complexity: CX.zinter!, summary: S.zinter, keySpecs: [{ flags: ["RO", "access"], index: 1, lastKey: 0, keyStep: 1, keynum: { keynumIdx: 0, firstKey: 1, keyStep: 1 } }], handler: H.zinter, arguments: [{ name: "numkeys", type: "integer" }, { name: "key", type: "key", keySpecIndex: 0, multiple: true }, { name: "weight", type: "integer", token: "WEIGHTS", optional: true, multiple: true }, { name: "aggregate", type: "oneof", token: "AGGREGATE", optional: true, arguments: [{ name: "sum", type: "pure-token", token: "SUM" }, { name: "min", type: "pure-token", token: "MIN" }, { name: "max", type: "pure-token", token: "MAX" }] }, { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true }] },
  { name: 'zdiff', arity: -3, flags: ["readonly", "movablekeys"], firstKey: 0, lastKey: 0, step: 0, ...Z, since: "6.2.0", complexity: CX.zdiff!, summary: S.zdiff, keySpecs: [{ flags: ["RO", "access"], index: 1, lastKey: 0, keyStep: 1, keynum: { keynumIdx: 0, firstKey: 1, keyStep: 1 } }], handler: H.zdiff, arguments: [{ name: "numkeys", type: "integer" }, { name: "key", type: "key", keySpecIndex: 0, multiple: true }, { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true }] },
  { name: 'zunionstore', arity: -4, flags: ["write", "denyoom", "movablekeys"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "2.0.0", complexity: CX.zunionstore!, summary: S.zunionstore, keySpecs: [keySpec(["OW", "update"], 1, 0, 1), { flags: ["RO", "access"], index: 2, lastKey: 0, keyStep: 1, keynum: { keynumIdx: 0, firstKey: 1, keyStep: 1 } }], handler: H.zunionstore, arguments: [{ name: "destination", type: "key", keySpecIndex: 0 }, { name: "numkeys", type: "integer" }, { name: "key", type: "key", keySpecIndex: 1, multiple: true }, { name: "weight", type: "integer", token: "WEIGHTS", optional: true, multiple: true }, { name: "aggregate", type: "oneof", token: "AGGREGATE", optional: true, arguments: [{ name: "sum", type: "pure-token", token: "SUM" }, { name: "min", type: "pure-token", token: "MIN" }, { name: "max", type: "pure-token", token: "MAX" }] }] },
  { name: 'zinterstore', arity: -4, flags: ["write", "denyoom", "movablekeys"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "2.0.0", complexity: CX.zinterstore!, summary: S.zinterstore, keySpecs: [keySpec(["OW", "update"], 1, 0, 1), { flags: ["RO", "access"], index: 2, lastKey: 0, keyStep: 1, keynum: { keynumIdx: 0, firstKey: 1, keyStep: 1 } }], handler: H.zinterstore, arguments: [{ name: "destination", type: "key", keySpecIndex: 0 }, { name: "numkeys", type: "integer" }, { name: "key", type: "key", keySpecIndex: 1, multiple: true }, { name: "weight", type: "integer", token: "WEIGHTS", optional: true, multiple: true }, { name: "aggregate", type: "oneof", token: "AGGREGATE", optional: true, arguments: [{ name: "sum", type: "pure-token", token: "SUM" }, { name: "min", type: "pure-token", token: "MIN" }, { name: "max", type: "pure-token", token: "MAX" }] }] },
  { name: 'zdiffstore', arity: -4, flags: ["write", "denyoom", "movablekeys"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "6.2.0", complexity: CX.zdiffstore!, summary: S.zdiffstore, keySpecs: [keySpec(["OW", "update"], 1, 0, 1), { flags: ["RO", "access"], index: 2, lastKey: 0, keyStep: 1, keynum: { keynumIdx: 0, firstKey: 1, keyStep: 1 } }], handler: H.zdiffstore, arguments: [{ name: "destination", type: "key", keySpecIndex: 0 }, { name: "numkeys", type: "integer" }, { name: "key", type: "key", keySpecIndex: 1, multiple: true }] },
  { name: 'zintercard', arity: -3, flags: ["readonly", "movablekeys"], firstKey: 0, lastKey: 0, step: 0, ...Z, since: "7.0.0", complexity: CX.zintercard!, summary: S.zintercard, keySpecs: [{ flags: ["RO", "access"], index: 1, lastKey: 0, keyStep: 1, keynum: { keynumIdx: 0, firstKey: 1, keyStep: 1 } }], handler: H.zintercard, arguments: [{ name: "numkeys", type: "integer" }, { name: "key", type: "key", keySpecIndex: 0, multiple: true }, { name: "limit", type: "integer", token: "LIMIT", optional: true }] },
  { name: 'zscan', arity: -3, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, ...Z, since: "2.8.0", tips: ["nondeterministic_output"], complexity: CX.zscan!, summary: S.zscan, keySpecs: [keySpec(["RO", "access"], 1, 0, 1)], handler: H.zscan, arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "cursor", type: "integer" }, { name: "pattern", type: "pattern", token: "MATCH", optional: true }, { name: "count", type: "integer", token: "COUNT", optional: true }] },
];
