/**
 * SORT and SORT_RO with redis-server 7.0.15's semantics (src/sort.c sortCommandGeneric, lookupKeyByPattern,
 * sortCompare; src/db.c sortGetKeys): BY pattern (a pattern without `*` means "do not sort"), `->field` hash
 * dereferences, LIMIT offset count, several GET patterns and `GET #`, ASC/DESC, ALPHA, STORE (SORT only), on lists and
 * sets and sorted sets (`loadZset`). The code is our own; Redis is cited for each rule.
 *
 * Algorithm:
 * 1. Options are parsed left to right before the key is looked up (a syntax error or a bad LIMIT wins over
 *    WRONGTYPE). A missing key sorts as an empty list.
 * 2. The elements are copied out of the arena into one packed transient `Buffer` plus offset arrays (`SortVec`): the
 *    BY/GET lookups that follow make other items current, which invalidates the source's byte ranges, and a reply is
 *    what the keyspace held when the command ran. A list with "do not sort" loads only the LIMIT range, in DESC order
 *    when DESC is given (Redis's direct load); a set with "do not sort" and STORE is sorted ALPHA instead (Redis, so
 *    that replicas store the same list).
 * 3. Weights: the element itself or the BY key's value (a string key, or a hash field with `->`), parsed as C's
 *    strtod parses a C string (`strtodC`, glibc's rules: leading blanks, hex floats, inf/infinity, an error on nan,
 *    trailing bytes, overflow and an inexact subnormal/zero result) or, with ALPHA and BY, copied as bytes.
 * 4. An index array (`Uint32Array`) is sorted with Redis's comparison: numeric weights, ties broken by the elements'
 *    bytes (memcmp); ALPHA compares bytes as strcoll does in the C/C.UTF-8 locale (up to the first NUL byte), or
 *    binary (memcmp, whole length) with STORE, as Redis's compareStringObjects; DESC negates the comparison; a missing
 *    BY value sorts first. Comparisons that Redis leaves equal keep the load order (glibc's qsort is a stable merge
 *    sort; the index tie-break makes ours stable too).
 * 5. The range start..end is replied (GET results looked up per element, a missing one a null) or stored as a list.
 *
 * Memory: like SINTER/SUNION (sets.ts), the result is built in transient memory proportional to the source: the
 * elements' bytes once in one Buffer (off the V8 heap) plus about 40 bytes per element: typed arrays (offsets,
 * lengths, weights) and the index being sorted (a plain array of small integers: no JS object per element). Redis
 * builds a C array of the same length (16 bytes per element, plus an object per element).
 *
 * Differences (README): ALPHA compares bytes (Redis uses strcoll in the server's LC_COLLATE locale: the same in the C
 * and C.UTF-8 locales); with BY, LIMIT and ALPHA, elements whose BY values are equal (or missing) keep their load
 * order, where Redis's partial quicksort (pqsort) may order them differently.
 */
import { TYPE_HASH, TYPE_LIST, TYPE_SET, TYPE_STRING, TYPE_ZSET } from '../keyspace/keyspace.js';
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../pubsub/notify-flags.js';
import { notifyArg } from '../pubsub/notify.js';
import { argIs, argLL, LL, type Argv } from './args.js';
import type { CommandContext } from './context.js';
import { ERR } from './reply-helpers.js';
import { keySpec, type ArgDoc, type CommandSpec, type KeySpec } from './types.js';

const ERR_SCORES = "ERR One or more scores can't be converted into double";

// ----- the sort vector ---------------------------------------------------------------------------------------------

/**
 * A packed vector of byte strings copied out of the arena: string i is data[off[i] .. off[i] + len[i]); `len[i]`
 * is -1 for a missing value (ALPHA weights). Grows by doubling; transient (one per SORT).
 */
class SortVec {
  data: Buffer;
  off: Float64Array;
  len: Int32Array;
  n = 0;
  private used = 0;

  /** `count`: the expected number of strings (the arrays grow beyond it if needed). */
  constructor(count: number) {
    this.data = Buffer.allocUnsafe(Math.max(64, Math.min(count * 16, 1 << 20)));
    this.off = new Float64Array(Math.max(count, 4));
    this.len = new Int32Array(Math.max(count, 4));
  }

  /** Appends a copy of b[o..o+l). */
  push(b: Uint8Array, o: number, l: number): void {
    this.room(l);
    const d = this.data;
    if (l <= 48) for (let i = 0; i < l; i++) d[this.used + i] = b[o + i]!;
    else d.set(b.subarray(o, o + l), this.used);
    this.off[this.n] = this.used;
    this.len[this.n++] = l;
    this.used += l;
  }

  /** Appends a missing value. */
  pushMissing(): void {
    this.room(0);
    this.off[this.n] = this.used;
    this.len[this.n++] = -1;
  }

  private room(l: number): void {
    if (this.n === this.off.length) {
      const off = new Float64Array(this.n * 2);
      off.set(this.off);
      this.off = off;
      const len = new Int32Array(this.n * 2);
      len.set(this.len);
      this.len = len;
    }
    if (this.used + l > this.data.length) {
      const d = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.used + l));
      this.data.copy(d, 0, 0, this.used);
      this.data = d;
    }
  }
}

// ----- element sources ---------------------------------------------------------------------------------------------

/**
 * Loads list elements start..end (0 ≤ start ≤ end < length) into `v`, from the head, or, with `desc`, the
 * mirrored range from the tail backwards (Redis's direct load of a list that is not sorted). The list is current.
 */
function loadList(ctx: CommandContext, v: SortVec, start: number, end: number, desc: boolean): void {
  const len = ctx.lists.len();
  const from = desc ? len - 1 - end : start;
  const to = desc ? len - 1 - start : end;
  ctx.lists.range(from, to, desc, (q) => v.push(q.elemBuf, q.elemOff, q.elemLen));
}

/** Loads every member of the current set into `v`, in iteration order (ascending for an intset). */
function loadSet(ctx: CommandContext, v: SortVec): void {
  const s = ctx.sets;
  s.iterStart();
  while (s.iterNext()) v.push(s.memberBuf, s.memberOff, s.memberLen);
}

/**
 * Loads members of the current sorted set into `v` (Redis 7.0 sort.c). Sorted afterwards (`dontsort` false): every
 * member, in rank order (Redis walks its dict: any order will do, as the sort decides it and ties are broken by the
 * member bytes). Not sorted (`dontsort`: BY without `*`): only ranks start..end (0 ≤ start ≤ end < length), in score
 * order, or with `desc` ranks len-1-start down to len-1-end, replied as loaded (LIMIT is then applied already).
 */
function loadZset(ctx: CommandContext, v: SortVec, dontsort: boolean, start: number, end: number, desc: boolean): void {
  const z = ctx.zsets;
  const len = z.len();
  let n = len;
  let r = 0;
  if (dontsort) {
    n = end - start + 1;
    r = desc ? len - 1 - start : start;
  }
  if (n <= 0) return;
  z.seek(r);
  for (let i = 0; ; ) {
    v.push(z.memberBuf, z.memberOff, z.memberLen);
    if (++i === n) break;
    if (dontsort && desc) z.prev();
    else z.next();
  }
}

// ----- BY / GET patterns (Redis lookupKeyByPattern) ----------------------------------------------------------------

/**
 * A BY or GET pattern, analysed once as Redis's C string functions see it (up to its first NUL byte): `#` alone,
 * the position of the first `*` (-1: none, the lookup is always null), and a `->field` after the `*` when the arrow
 * is not the pattern's end.
 */
interface Pattern {
  arg: number;
  hash: boolean;
  star: number;
  /** Length of the key part after `*` (bytes), and the field's offset/length in the pattern (fieldLen 0: none). */
  post: number;
  fieldOff: number;
  fieldLen: number;
}

/** Length of the C string at b[o..o+l): up to the first NUL byte. */
function cLen(b: Uint8Array, o: number, l: number): number {
  for (let i = 0; i < l; i++) if (b[o + i] === 0) return i;
  return l;
}

function parsePattern(a: Argv, arg: number): Pattern {
  const b = a.buf;
  const o = a.argOff[arg]!;
  const l = a.argLen[arg]!;
  const cl = cLen(b, o, l);
  const p: Pattern = { arg, hash: cl === 1 && b[o] === 0x23, star: -1, post: 0, fieldOff: 0, fieldLen: 0 };
  for (let i = 0; i < cl; i++) {
    if (b[o + i] === 0x2a) {
      p.star = i;
      break;
    }
  }
  if (p.star < 0) return p;
  // strstr(p+1, "->") with a non-NUL byte after it: the field runs to the end of the argument (sdslen).
  for (let i = p.star + 1; i + 2 < cl; i++) {
    if (b[o + i] === 0x2d && b[o + i + 1] === 0x3e) {
      p.fieldOff = o + i + 2;
      p.fieldLen = l - i - 2;
      break;
    }
  }
  p.post = l - (p.star + 1) - (p.fieldLen > 0 ? p.fieldLen + 2 : 0);
  return p;
}

/** Scratch buffer of substituted key names. */
let keyBuf = Buffer.allocUnsafe(256);

/** Result of `lookupByPattern`: bytes buf[off .. off + len). */
const FOUND = { buf: keyBuf as Uint8Array, off: 0, len: 0 };

/**
 * Redis lookupKeyByPattern: the value named by `p` with the element e[eo..eo+el) substituted for its first `*`:
 * the element itself for `#`, a string key's value, or a hash field's value with `->field`; read with the read
 * lookup's statistics, lazy expiry and keymiss event. The result (in `FOUND`) is valid until the next lookup.
 * @returns false when there is no such value (no `*`, missing key, wrong type, missing field)
 */
function lookupByPattern(ctx: CommandContext, p: Pattern, e: Uint8Array, eo: number, el: number): boolean {
  if (p.hash) {
    FOUND.buf = e;
    FOUND.off = eo;
    FOUND.len = el;
    return true;
  }
  if (p.star < 0) return false;
  const a = ctx.argv;
  const po = a.argOff[p.arg]!;
  const kl = p.star + el + p.post;
  if (kl > keyBuf.length) keyBuf = Buffer.allocUnsafe(Math.max(kl, keyBuf.length * 2));
  const kb = keyBuf;
  a.buf.copy(kb, 0, po, po + p.star);
  kb.set(e.subarray(eo, eo + el), p.star);
  a.buf.copy(kb, p.star + el, po + p.star + 1, po + p.star + 1 + p.post);
  const ks = ctx.ks;
  if (!ks.lookupRead(kb, 0, kl)) return false;
  if (p.fieldLen > 0) {
    if (ks.type() !== TYPE_HASH) return false;
    const h = ctx.hashes;
    if (!h.get(a.buf, p.fieldOff, p.fieldLen)) return false;
    FOUND.buf = h.valueBuf;
    FOUND.off = h.valueOff;
    FOUND.len = h.valueLen;
    return true;
  }
  if (ks.type() !== TYPE_STRING) return false;
  FOUND.buf = ks.ext.u8;
  FOUND.off = ks.valOff();
  FOUND.len = ks.valLen();
  return true;
}

// ----- weights (strtod) --------------------------------------------------------------------------------------------

/** Result of `strtodC`. */
const SCORE = { value: 0 };

const MIN_NORMAL = 2.2250738585072014e-308;

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const d = c | 0x20;
  return d >= 0x61 && d <= 0x66 ? d - 0x61 + 10 : -1;
}

/** True when bytes b[p..] begin with the lower-case ASCII word `w`, in any case (within `end`). */
function wordAt(b: Uint8Array, p: number, end: number, w: string): boolean {
  if (p + w.length > end) return false;
  for (let i = 0; i < w.length; i++) if ((b[p + i]! | 0x20) !== w.charCodeAt(i)) return false;
  return true;
}

/** |v| as m·2^e with m an integer (v finite, non-zero). */
function exactParts(v: number): { m: bigint; e: number } {
  let x = Math.abs(v);
  let e = 0;
  while (x !== Math.floor(x)) {
    x *= 2 ** 64;
    e -= 64;
  }
  return { m: BigInt(x), e };
}

/** True when |v| equals num·10^p10·2^p2 exactly (num > 0, p10 ≤ 0). */
function exactlyEquals(v: number, num: bigint, p10: number, p2: number): boolean {
  const { m, e } = exactParts(v);
  // num·2^p2 == m·2^e·10^-p10  ⇔  num·2^(p2-e) == m·10^-p10 (moving powers of two to the side where they are ≥ 0)
  let lhs = num;
  let rhs = m * 10n ** BigInt(-p10);
  const d = p2 - e;
  if (d >= 0) lhs <<= BigInt(d);
  else rhs <<= BigInt(-d);
  return lhs === rhs;
}

/**
 * Parses b[o..o+l) as Redis's SORT does (sort.c): glibc strtod on the C string (up to the first NUL byte), valid
 * when it used every byte (an empty string is 0), the result is not NaN and errno is not ERANGE (overflow, or an
 * underflow: a zero or subnormal result that is not exact). Hex floats are rounded by scaling (exact unless the
 * result is subnormal and the mantissa longer than 53 bits).
 * @returns true when valid, with the value in `SCORE.value`
 */
function strtodC(b: Uint8Array, o: number, l: number): boolean {
  const end = o + cLen(b, o, l);
  SCORE.value = 0;
  let p = o;
  while (p < end && isSpace(b[p]!)) p++;
  let neg = false;
  if (p < end && (b[p] === 0x2b || b[p] === 0x2d)) {
    neg = b[p] === 0x2d;
    p++;
  }
  if (wordAt(b, p, end, 'inf')) {
    p += 3;
    if (wordAt(b, p, end, 'inity')) p += 5;
    SCORE.value = neg ? -Infinity : Infinity;
    return p === end;
  }
  if (wordAt(b, p, end, 'nan')) return false;
  let v: number;
  let mant = 0n; // the digits as an integer: only computed for the underflow check (BigInt is slow)
  let nonZero = false;
  let p10 = 0;
  let p2 = 0;
  const hexStart = p + 2;
  if (p + 1 < end && b[p] === 0x30 && (b[p + 1]! | 0x20) === 0x78 &&
      (hexVal(b[hexStart] ?? 0) >= 0 || (hexStart < end && b[hexStart] === 0x2e && hexStart + 1 < end && hexVal(b[hexStart + 1]!) >= 0))) {
    p = hexStart;
    let frac = -1;
    for (; p < end; p++) {
      const c = b[p]!;
      const h = hexVal(c);
      if (h >= 0) {
        mant = mant * 16n + BigInt(h);
        if (h !== 0) nonZero = true;
        if (frac >= 0) frac++;
      } else if (c === 0x2e && frac < 0) frac = 0;
      else break;
    }
    p2 = frac > 0 ? -4 * frac : 0;
    if (p < end && (b[p]! | 0x20) === 0x70) {
      let q = p + 1;
      let eneg = false;
      if (q < end && (b[q] === 0x2b || b[q] === 0x2d)) eneg = b[q++] === 0x2d;
      if (q < end && isDigit(b[q]!)) {
        let ex = 0;
        for (; q < end && isDigit(b[q]!); q++) ex = Math.min(ex * 10 + b[q]! - 0x30, 1e7);
        p2 += eneg ? -ex : ex;
        p = q;
      }
    }
    v = Number(mant);
    let k = p2;
    while (k > 0 && Number.isFinite(v)) {
      const s = Math.min(k, 1000);
      v *= 2 ** s;
      k -= s;
    }
    while (k < 0 && v !== 0) {
      const s = Math.max(k, -1000);
      v *= 2 ** s;
      k -= s;
    }
  } else {
    const ds = p;
    let digits = 0;
    let frac = -1;
    let iv = 0; // the digits' value while exact (at most 15 digits)
    for (; p < end; p++) {
      const c = b[p]!;
      if (isDigit(c)) {
        digits++;
        if (c !== 0x30) nonZero = true;
        if (digits <= 15) iv = iv * 10 + (c - 0x30);
        if (frac >= 0) frac++;
      } else if (c === 0x2e && frac < 0) frac = 0;
      else break;
    }
    if (digits === 0) return end === o; // no conversion: strtod's end pointer is the start
    p10 = frac > 0 ? -frac : 0;
    let plain = frac < 0 && digits <= 15;
    if (p < end && (b[p]! | 0x20) === 0x65) {
      let q = p + 1;
      let eneg = false;
      if (q < end && (b[q] === 0x2b || b[q] === 0x2d)) eneg = b[q++] === 0x2d;
      if (q < end && isDigit(b[q]!)) {
        let ex = 0;
        for (; q < end && isDigit(b[q]!); q++) ex = Math.min(ex * 10 + b[q]! - 0x30, 1e7);
        p10 += eneg ? -ex : ex;
        p = q;
        plain = false;
      }
    }
    // A plain integer of up to 15 digits is exact as it is; anything else is rounded by the JS parser (correctly,
    // as glibc's strtod), from its text.
    v = plain ? iv : Number(Buffer.from(b.buffer, b.byteOffset + ds, p - ds).toString('latin1'));
    if (nonZero && Math.abs(v) < MIN_NORMAL) {
      for (let i = ds; i < p && (b[i]! | 0x20) !== 0x65; i++) if (isDigit(b[i]!)) mant = mant * 10n + BigInt(b[i]! - 0x30);
    }
  }
  if (p !== end) return false;
  if (!Number.isFinite(v)) return false; // ERANGE: overflow
  if (nonZero && Math.abs(v) < MIN_NORMAL) {
    // ERANGE on underflow: glibc reports a zero or subnormal result unless it is exact.
    if (v === 0 || p10 > 0 || !exactlyEquals(v, mant, Math.min(p10, 0), p2)) return false;
  }
  SCORE.value = neg ? -v : v;
  return true;
}

// ----- comparison --------------------------------------------------------------------------------------------------

/** memcmp over the common length, then the shorter first (Redis compareStringObjects, binary). */
function cmpBytes(d1: Uint8Array, o1: number, l1: number, d2: Uint8Array, o2: number, l2: number): number {
  const n = l1 < l2 ? l1 : l2;
  for (let i = 0; i < n; i++) {
    const x = d1[o1 + i]! - d2[o2 + i]!;
    if (x !== 0) return x;
  }
  return l1 - l2;
}

/**
 * The lengths strcmp/strcoll (C locale) compare of `v`'s strings: up to the first NUL byte (-1 stays -1). Redis's
 * ALPHA without STORE compares C strings this way (sortCompare: strcoll, collateStringObjects).
 */
function cLens(v: SortVec): Int32Array {
  const out = new Int32Array(v.n);
  for (let j = 0; j < v.n; j++) out[j] = v.len[j]! < 0 ? -1 : cLen(v.data, v.off[j]!, v.len[j]!);
  return out;
}

// ----- the command -------------------------------------------------------------------------------------------------

/** Redis sortCommandGeneric; `readonly` for SORT_RO (no STORE). */
function sortGeneric(ctx: CommandContext, readonly: boolean): void {
  const a = ctx.argv;
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let store = -1;
  let by = -1;
  let dontsort = false;
  const gets: Pattern[] = [];
  for (let j = 2; j < a.argc; j++) {
    const left = a.argc - j - 1;
    if (argIs(a, j, 'asc')) desc = false;
    else if (argIs(a, j, 'desc')) desc = true;
    else if (argIs(a, j, 'alpha')) alpha = true;
    else if (argIs(a, j, 'limit') && left >= 2) {
      if (!argLL(a, j + 1)) return ctx.reply.error(ERR.notInteger);
      limitStart = LL.value;
      if (!argLL(a, j + 2)) return ctx.reply.error(ERR.notInteger);
      limitCount = LL.value;
      j += 2;
    } else if (!readonly && argIs(a, j, 'store') && left >= 1) {
      store = ++j;
    } else if (argIs(a, j, 'by') && left >= 1) {
      by = ++j;
      // A BY pattern without `*` (as strchr sees it) means: do not sort.
      dontsort = parsePattern(a, by).star < 0;
    } else if (argIs(a, j, 'get') && left >= 1) {
      gets.push(parsePattern(a, ++j));
    } else return ctx.reply.error(ERR.syntax);
  }

  const ks = ctx.ks;
  let type = TYPE_LIST; // a missing key sorts as an empty list
  let vlen = 0;
  if (ks.lookupRead(a.buf, a.argOff[1], a.argLen[1])) {
    type = ks.type();
    if (type === TYPE_LIST) vlen = ctx.lists.len();
    else if (type === TYPE_SET) vlen = ctx.sets.card();
    else if (type === TYPE_ZSET) {
      // Redis 7.0 converts a listpack sorted set to a skiplist, destructively, before sorting it.
      ctx.zsets.toSkiplist();
      vlen = ctx.zsets.len();
    } else return ctx.reply.error(ERR.wrongType);
  }
  // A set is sorted (ALPHA) when stored, so that the stored list does not depend on the hash table's order.
  if (dontsort && type === TYPE_SET && store >= 0) {
    dontsort = false;
    alpha = true;
    by = -1;
  }

  // LIMIT, clamped to the length (Redis's sanity checks, in its order).
  let start = Math.min(Math.max(limitStart, 0), vlen);
  const count = Math.min(Math.max(limitCount, -1), vlen);
  let end = count < 0 ? vlen - 1 : start + count - 1;
  if (start >= vlen) {
    start = vlen - 1;
    end = vlen - 2;
  }
  if (end >= vlen) end = vlen - 1;

  // Load the elements (copies: the lookups below make other items current).
  let v: SortVec;
  if (vlen === 0) v = new SortVec(0);
  else if (type === TYPE_LIST && dontsort) {
    v = new SortVec(Math.max(end - start + 1, 0));
    if (end >= start) {
      loadList(ctx, v, start, end, desc);
      end -= start;
      start = 0;
    }
  } else if (type === TYPE_LIST) {
    v = new SortVec(vlen);
    loadList(ctx, v, 0, vlen - 1, false);
  } else if (type === TYPE_ZSET && dontsort) {
    v = new SortVec(Math.max(end - start + 1, 0));
    loadZset(ctx, v, true, start, end, desc);
    end -= start;
    start = 0;
  } else if (type === TYPE_ZSET) {
    v = new SortVec(vlen);
    loadZset(ctx, v, false, 0, vlen - 1, false);
  } else {
    v = new SortVec(vlen);
    loadSet(ctx, v);
  }
  const n = v.n;
  const byPat = by >= 0 ? parsePattern(a, by) : null;

  let convError = false;
  if (!dontsort && n > 0) {
    const scores = alpha ? null : new Float64Array(n);
    const cmpVals = alpha && byPat !== null ? new SortVec(n) : null;
    const d = v.data;
    for (let j = 0; j < n; j++) {
      let wb: Uint8Array = d;
      let wo = v.off[j]!;
      let wl = v.len[j]!;
      if (byPat !== null) {
        if (!lookupByPattern(ctx, byPat, d, wo, wl)) {
          if (cmpVals !== null) cmpVals.pushMissing();
          continue;
        }
        wb = FOUND.buf;
        wo = FOUND.off;
        wl = FOUND.len;
      }
      if (cmpVals !== null) cmpVals.push(wb, wo, wl);
      else if (scores !== null) {
        if (strtodC(wb, wo, wl)) scores[j] = SCORE.value;
        else convError = true;
      }
    }
    // A plain array of small integers (V8 sorts it about twice as fast as a Uint32Array with a comparator).
    const idx: number[] = new Array<number>(n);
    for (let j = 0; j < n; j++) idx[j] = j;
    const off = v.off;
    const len = v.len;
    const sign = desc ? -1 : 1;
    const binary = store >= 0;
    let cmp: (x: number, y: number) => number;
    if (scores !== null) {
      cmp = (x, y) => {
        const s1 = scores[x]!;
        const s2 = scores[y]!;
        const c = s1 > s2 ? 1 : s1 < s2 ? -1 : cmpBytes(d, off[x]!, len[x]!, d, off[y]!, len[y]!);
        return c !== 0 ? sign * c : x - y;
      };
    } else if (cmpVals !== null) {
      const cd = cmpVals.data;
      const co = cmpVals.off;
      // Compared lengths: whole (binary, with STORE) or up to the first NUL (strcoll of C strings); -1: missing.
      const cl = binary ? cmpVals.len : cLens(cmpVals);
      cmp = (x, y) => {
        const l1 = cl[x]!;
        const l2 = cl[y]!;
        let c: number;
        if (l1 < 0 || l2 < 0) c = l1 < 0 && l2 < 0 ? 0 : l1 < 0 ? -1 : 1;
        else c = cmpBytes(cd, co[x]!, l1, cd, co[y]!, l2);
        return c !== 0 ? sign * c : x - y;
      };
    } else {
      const cl = binary ? len : cLens(v);
      cmp = (x, y) => {
        const c = cmpBytes(d, off[x]!, cl[x]!, d, off[y]!, cl[y]!);
        return c !== 0 ? sign * c : x - y;
      };
    }
    if (!convError) idx.sort(cmp);
    v = reorder(v, idx);
  }

  const getop = gets.length;
  const ranged = end - start + 1;
  const outputlen = getop > 0 ? getop * ranged : ranged;
  if (convError) return ctx.reply.error(ERR_SCORES);
  const d = v.data;
  if (store < 0) {
    const r = ctx.reply;
    r.arrayLen(outputlen);
    for (let j = start; j <= end; j++) {
      const eo = v.off[j]!;
      const el = v.len[j]!;
      if (getop === 0) r.bulk(d, eo, el);
      for (const g of gets) {
        if (lookupByPattern(ctx, g, d, eo, el)) r.bulk(FOUND.buf, FOUND.off, FOUND.len);
        else r.nullBulk();
      }
    }
    return;
  }
  // STORE: the values first (GET lookups), then the list at the destination (Redis setKey), or its deletion.
  let out = v;
  let from = start;
  let to = end;
  if (getop > 0) {
    out = new SortVec(outputlen);
    for (let j = start; j <= end; j++) {
      for (const g of gets) {
        if (lookupByPattern(ctx, g, d, v.off[j]!, v.len[j]!)) out.push(FOUND.buf, FOUND.off, FOUND.len);
        else out.push(d, 0, 0);
      }
    }
    from = 0;
    to = out.n - 1;
  }
  if (outputlen > 0) {
    ks.lookupWrite(a.buf, a.argOff[store], a.argLen[store]);
    const q = ctx.lists.create();
    const od = out.data;
    for (let j = from; j <= to; j++) q.push(false, od, out.off[j]!, out.len[j]!);
    ctx.lists.modified();
    notifyArg(ctx, NOTIFY_LIST, 'sortstore', store); // keyspace event
  } else if (ks.find(a.buf, a.argOff[store], a.argLen[store])) {
    // dbDelete: the key as it is, without an expiry check.
    ks.removeCurrent();
    notifyArg(ctx, NOTIFY_GENERIC, 'del', store); // keyspace event
  }
  ctx.reply.integer(outputlen);
}

/** `v`'s strings in the order of `idx` (offsets only: the bytes stay where they are). */
function reorder(v: SortVec, idx: readonly number[]): SortVec {
  const off = new Float64Array(v.n);
  const len = new Int32Array(v.n);
  for (let j = 0; j < v.n; j++) {
    off[j] = v.off[idx[j]!]!;
    len[j] = v.len[idx[j]!]!;
  }
  v.off = off;
  v.len = len;
  return v;
}

/**
 * COMMAND GETKEYS of SORT (Redis src/db.c sortGetKeys): the sorted key, and the argument after the last STORE
 * found while skipping the arguments of LIMIT (2), GET and BY (1); every other word is taken as an option without
 * arguments. @returns argument indexes (0 = the command name)
 */
export function sortGetKeys(a: Argv, first: number, argc: number): number[] {
  const keys = [first + 1];
  let st = -1;
  for (let i = 2; i < argc; i++) {
    if (argIs(a, first + i, 'limit')) i += 2;
    else if (argIs(a, first + i, 'get') || argIs(a, first + i, 'by')) i += 1;
    else if (argIs(a, first + i, 'store') && i + 1 < argc) st = i + 1;
  }
  if (st >= 0) keys.push(first + st);
  return keys;
}

// ----- declarations ------------------------------------------------------------------------------------------------

const BY_GET_NOTES = "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort";
const STORE_NOTES = "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array";
const unknownSpec = (flags: string[], notes: string): KeySpec => ({ flags, notes, index: 0, lastKey: 0, keyStep: 0, unknown: true });

const sortArgs = (withStore: boolean): ArgDoc[] => [
  { name: 'key', type: 'key', keySpecIndex: 0 },
  { name: 'pattern', type: 'pattern', token: 'BY', keySpecIndex: 1, optional: true },
  {
    name: 'offset_count', type: 'block', token: 'LIMIT', optional: true,
    arguments: [{ name: 'offset', type: 'integer' }, { name: 'count', type: 'integer' }],
  },
  { name: 'pattern', type: 'pattern', token: 'GET', keySpecIndex: 1, optional: true, multiple: true, multipleToken: true },
  {
    name: 'order', type: 'oneof', optional: true,
    arguments: [{ name: 'asc', type: 'pure-token', token: 'ASC' }, { name: 'desc', type: 'pure-token', token: 'DESC' }],
  },
  { name: 'sorting', type: 'pure-token', token: 'ALPHA', optional: true },
  ...(withStore ? [{ name: 'destination', type: 'key', token: 'STORE', keySpecIndex: 2, optional: true } as ArgDoc] : []),
];

const COMPLEXITY =
  'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).';

/** SORT and SORT_RO. */
export const sortCommands: CommandSpec[] = [
  {
    name: 'sort', arity: -2, flags: ['write', 'denyoom', 'movablekeys'], firstKey: 1, lastKey: 1, step: 1, group: 'generic',
    acl: ['set', 'sortedset', 'list', 'dangerous'], since: '1.0.0', complexity: COMPLEXITY,
    summary: 'Sort the elements in a list, set or sorted set',
    keySpecs: [keySpec(['RO', 'access']), unknownSpec(['RO', 'access'], BY_GET_NOTES), unknownSpec(['OW', 'update'], STORE_NOTES)],
    getKeys: sortGetKeys, handler: (ctx) => sortGeneric(ctx, false), arguments: sortArgs(true),
  },
  {
    name: 'sort_ro', arity: -2, flags: ['readonly', 'movablekeys'], firstKey: 1, lastKey: 1, step: 1, group: 'generic',
    acl: ['set', 'sortedset', 'list', 'dangerous'], since: '7.0.0', complexity: COMPLEXITY,
    summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    keySpecs: [keySpec(['RO', 'access']), unknownSpec(['RO', 'access'], BY_GET_NOTES)],
    getKeys: (_a, first) => [first + 1], handler: (ctx) => sortGeneric(ctx, true), arguments: sortArgs(false),
  },
];
