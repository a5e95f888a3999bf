/**
 * INCRBYFLOAT arithmetic as Redis does it: in C `long double`, which on x86-64 is the x87 80-bit format (a 64-bit
 * mantissa, 15-bit exponent), parsed with strtold, added once, and printed with `%.17Lf` followed by the removal
 * of trailing zeros (src/util.c string2ld and ld2string in LD_STR_HUMAN mode, src/t_string.c incrbyfloatCommand).
 *
 * JS has only 64-bit doubles, so the format is emulated exactly with BigInt: a value is `mant * 2^exp` with a 64-bit
 * mantissa; parsing and addition round to nearest, ties to even, as the FPU does; printing expands the exact
 * binary value to 17 decimals (glibc's printf is exact). So "0.1" + "0.2" prints "0.3" and 123456789.123456789
 * prints "123456789.12345678899873747", both as Redis does. Subnormal long doubles (below about 3.4e-4932) are not
 * modelled: such magnitudes read as underflow.
 */

/** Longest text Redis accepts as a long double (MAX_LONG_DOUBLE_CHARS). */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;
const MANT_BITS = 64n;
const MANT_MIN = 1n << 63n;
const MANT_LIMIT = 1n << 64n;
/** Exponent range of a normal x87 long double: values are in [2^-16382, 2^16384). */
const MIN_EXP2 = -16382;
/** Smallest subnormal x87 long double is 2^-16445; below half of it strtold underflows to 0 (ERANGE). */
const MIN_SUBNORMAL_EXP2 = -16445;
const MAX_EXP2 = 16384;

/** A finite long double: sign * mant * 2^exp, mant in [2^63, 2^64) or 0. */
interface LD {
  neg: boolean;
  mant: bigint;
  exp: number;
}

const ZERO: LD = { neg: false, mant: 0n, exp: 0 };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds the positive rational num/den * 2^scale to a 64-bit mantissa (round half to even).
 * @returns the long double, or null on overflow; a zero mantissa on underflow
 */
function roundRational(neg: boolean, num: bigint, den: bigint, scale: number): LD | null {
  if (num === 0n) return { neg, mant: 0n, exp: 0 };
  // Choose a shift so that the quotient has 64 bits.
  let shift = Number(MANT_BITS) - (bitLength(num) - bitLength(den));
  let q: bigint;
  let r: bigint;
  let d: bigint;
  for (;;) {
    const n = shift >= 0 ? num << BigInt(shift) : num;
    d = shift >= 0 ? den : den << BigInt(-shift);
    q = n / d;
    r = n % d;
    if (q >= MANT_LIMIT) shift--;
    else if (q < MANT_MIN) shift++;
    else break;
  }
  const twice = r * 2n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) {
    q += 1n;
    if (q === MANT_LIMIT) {
      q = MANT_MIN;
      shift--;
    }
  }
  const exp = scale - shift;
  // value = q * 2^exp with q in [2^63, 2^64): its binary exponent is exp + 63.
  if (exp + 63 >= MAX_EXP2) return null;
  // Subnormal range: kept at full precision (the difference cannot show in 17 decimals); below it, zero.
  if (exp + 63 < MIN_EXP2 && exp + 63 < MIN_SUBNORMAL_EXP2 - 1) return { neg, mant: 0n, exp: 0 };
  return { neg, mant: q, exp };
}

const DEC_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)inf(inity)?$/i;

/**
 * Parses text as strtold does for the forms Redis lets through (decimal, hexadecimal, inf).
 * @returns the value, Infinity (signed) for inf or overflow, or null for invalid text
 */
function strtold(s: string): LD | number | null {
  let m = INF_RE.exec(s);
  if (m !== null) return m[1] === '-' ? -Infinity : Infinity;
  m = DEC_RE.exec(s);
  if (m !== null) {
    const int = m[2];
    const frac = m[3] ?? '';
    if (int === '' && frac === '') return null;
    const e10 = (m[4] !== undefined ? parseInt(m[4], 10) : 0) - frac.length;
    const digits = BigInt((int + frac).replace(/^0+(?=\d)/, '') || '0');
    if (digits === 0n) return { ...ZERO, neg: m[1] === '-' };
    // Quick range check before building huge powers of ten.
    const mag = (int + frac).replace(/^0+/, '').length + e10;
    if (mag > 4940) return m[1] === '-' ? -Infinity : Infinity;
    if (mag < -4960) return { ...ZERO, neg: m[1] === '-' };
    const r =
      e10 >= 0 ? roundRational(m[1] === '-', digits * 10n ** BigInt(e10), 1n, 0) : roundRational(m[1] === '-', digits, 10n ** BigInt(-e10), 0);
    return r === null ? (m[1] === '-' ? -Infinity : Infinity) : r;
  }
  m = HEX_RE.exec(s);
  if (m !== null) {
    const int = m[2];
    const frac = m[3] ?? '';
    if (int === '' && frac === '') return null;
    const e2 = (m[4] !== undefined ? parseInt(m[4], 10) : 0) - 4 * frac.length;
    if (Math.abs(e2) > 20000) return e2 > 0 ? (m[1] === '-' ? -Infinity : Infinity) : { ...ZERO, neg: m[1] === '-' };
    const r = roundRational(m[1] === '-', BigInt('0x' + (int + frac || '0')), 1n, e2);
    return r === null ? (m[1] === '-' ? -Infinity : Infinity) : r;
  }
  return null;
}

/**
 * Validates bytes as Redis's string2ld (strtold must consume every byte, so a NUL byte makes it invalid;
 * no leading white space; nothing after the number; no NaN; no overflow to ±inf or underflow to 0 of a non-zero
 * number, which strtold reports as ERANGE). Literal "inf" is accepted, as strtold does.
 * @returns the parsed value (a number only for ±Infinity), or null when Redis would answer "value is not a valid float"
 */
export function parseLongDouble(b: Uint8Array, o: number, l: number): LD | number | null {
  if (l === 0 || l >= MAX_LONG_DOUBLE_CHARS) return null;
  // A NUL byte ends strtold's input early, so the text was not consumed whole: invalid (checked on Redis 7.0).
  for (let i = o; i < o + l; i++) if (b[i] === 0) return null;
  const s = Buffer.from(b.buffer, b.byteOffset + o, l).toString('latin1');
  const v = strtold(s);
  if (v === null) return null;
  if (typeof v === 'number') return INF_RE.test(s) ? v : null;
  if (v.mant === 0n && /[1-9]/.test(s.replace(/[eEpP].*$/, '').replace(/^[+-]?0[xX]/, ''))) return null;
  return v;
}

/** Exact sum of two long doubles, rounded to a long double; null when it overflows. */
function add(a: LD, b: LD): LD | null {
  if (a.mant === 0n) return b.mant === 0n ? { neg: a.neg && b.neg, mant: 0n, exp: 0 } : b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const av = (a.neg ? -a.mant : a.mant) << BigInt(a.exp - e);
  const bv = (b.neg ? -b.mant : b.mant) << BigInt(b.exp - e);
  const s = av + bv;
  if (s === 0n) return { neg: false, mant: 0n, exp: 0 };
  return roundRational(s < 0n, s < 0n ? -s : s, 1n, e);
}

/** `%.17Lf` of a long double, then trailing zeros and '.' removed, "-0" printed "0" (Redis LD_STR_HUMAN). */
export function formatHuman(v: LD): string {
  let q: bigint;
  if (v.exp >= 0) {
    q = (v.mant << BigInt(v.exp)) * 10n ** 17n;
  } else {
    const num = v.mant * 10n ** 17n;
    const den = 1n << BigInt(-v.exp);
    q = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  }
  let s = q.toString().padStart(18, '0');
  s = s.slice(0, s.length - 17) + '.' + s.slice(s.length - 17);
  s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (v.neg && s !== '0') s = '-' + s;
  return s;
}

/**
 * current + incr, formatted as Redis's INCRBYFLOAT reply, or null when the result is NaN or infinite
 * ("increment would produce NaN or Infinity").
 */
export function incrByFloat(current: LD | number, incr: LD | number): string | null {
  if (typeof current === 'number' || typeof incr === 'number') return null;
  const r = add(current, incr);
  return r === null ? null : formatHuman(r);
}

/** The long double zero (the value of a missing key). */
export const LD_ZERO: LD = ZERO;

/**
 * `(long long) ceill(v * factor)` as Redis computes a blocking timeout in ms (src/timeout.c
 * getTimeoutFromObjectOrReply: seconds * 1000.0 in long double, rounded to a 64-bit mantissa, then ceil).
 * @returns the exact integer (a BigInt), or null when it is outside int64 (the x87 conversion then gives
 *   LLONG_MIN: Redis answers "timeout is negative"); ±Infinity also gives null
 */
export function ldMulCeil(v: LD | number, factor: number): bigint | null {
  if (typeof v === 'number') return null;
  if (v.mant === 0n) return 0n;
  const r = roundRational(v.neg, v.mant * BigInt(factor), 1n, v.exp);
  if (r === null) return null;
  let q: bigint;
  if (r.exp >= 0) q = r.mant << BigInt(r.exp);
  else {
    const sh = BigInt(-r.exp);
    q = r.mant >> sh;
    // ceil: up for a positive remainder, and toward zero (floor of the magnitude) for a negative value.
    if (!r.neg && q << sh !== r.mant) q += 1n;
  }
  if (r.neg) q = -q;
  if (q > 9223372036854775807n || q < -9223372036854775808n) return null;
  return q;
}
