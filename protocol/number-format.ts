/**
 * Text forms of floating-point numbers exactly as Redis 7.0 prints them in replies.
 *
 * - {@link formatDouble}: C printf "%.17g" with inf/-inf spelled out, as Redis 7.0 networking.c addReplyDouble does
 *   for both RESP2 (bulk string) and RESP3 (`,` double). Exact for every double (ties rounded half-to-even like
 *   glibc, which V8's toExponential does not do on its own).
 * - {@link formatLongDouble}: Redis 7.0 util.c ld2string in LD_STR_HUMAN mode (used by INCRBYFLOAT and
 *   HINCRBYFLOAT): "%.17Lf", trailing zeros and a trailing '.' removed, "-0" printed as "0", and inf/-inf/nan spelled
 *   out. Note that this is fixed notation (`%.17Lf`), not `%.17Lg`: redis-server 7.0.15 replies
 *   "0.00000000015" for INCRBYFLOAT x 1.5e-10 and a 31-digit integer for 1e30.
 */

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * True when `x` (finite, non-zero, positive) is exactly the 18-significant-digit decimal `digits18 × 10^(exp10-17)`.
 * Exact rational comparison with BigInt: slow, only used when the 18th digit is 5 (a possible rounding tie).
 */
function isExactly18Digits(x: number, digits18: string, exp10: number): boolean {
  F64[0] = x;
  const hi = U32[1]!;
  const lo = U32[0]!;
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (bexp === 0) {
    e2 = -1074;
  } else {
    m |= 1n << 52n;
    e2 = bexp - 1075;
  }
  // x = m * 2^e2 ; candidate = D * 10^k
  const D = BigInt(digits18);
  const k = exp10 - 17;
  let lhs = m;
  let rhs = D;
  if (e2 >= 0) lhs <<= BigInt(e2);
  else rhs <<= BigInt(-e2);
  if (k >= 0) rhs *= 10n ** BigInt(k);
  else lhs *= 10n ** BigInt(-k);
  return lhs === rhs;
}

/**
 * False when |x| (`ax`, finite, non-zero) cannot be a rounding tie at the 18th significant digit, true when it may
 * be (then `isExactly18Digits` decides). `exp10` is the decimal exponent of `ax` rounded to 17 digits (the true
 * exponent, or one more when the rounding carried into a new digit).
 *
 * Why: write ax = m × 2^e with m odd. If e ≥ 0, ax is an integer: below 10^17 it has at most 17 digits, so no
 * rounding happens at all. If e < 0, ax = m × 5^-e / 10^-e exactly, and m × 5^-e is odd and a multiple of 5, so the
 * exact decimal expansion ends with a 5 at the -e-th fractional place and has exactly `trueExp10 + 1 - e`
 * significant digits. A tie at the 18th digit needs exactly 18 of them. This spares the 18-digit conversion (often
 * V8's bignum fallback) for nearly every double.
 */
function mayTie18(ax: number, exp10: number): boolean {
  F64[0] = ax;
  let hi = U32[1]!;
  const lo = U32[0]!;
  const bexp = (hi >>> 20) & 0x7ff;
  hi &= 0xfffff;
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    hi |= 0x100000;
    e = bexp - 1075;
  }
  // Trailing zero bits of the 53-bit significand (hi:lo, not zero).
  if (lo !== 0) e += 31 - Math.clz32(lo & -lo);
  else e += 32 + 31 - Math.clz32(hi & -hi);
  if (e >= 0) return ax >= 1e17;
  const sig = exp10 + 1 - e;
  return sig === 18 || sig === 19;
}

/**
 * The 17 significant decimal digits of |x| (finite, non-zero) rounded half-to-even, and the decimal exponent, as
 * C's "%.16e" would produce them. Returns [digits, exp10].
 */
function digits17(ax: number): [string, number] {
  const s = ax.toExponential(16); // d.dddddddddddddddde±X, V8 rounds exact ties away from zero
  const ePos = s.indexOf('e');
  let digits = s[0]! + s.slice(2, ePos);
  let exp10 = +s.slice(ePos + 1);
  if (!mayTie18(ax, exp10)) return [digits, exp10];
  const s18 = ax.toExponential(17);
  const e18 = s18.indexOf('e');
  if (s18.charCodeAt(e18 - 1) === 0x35 /* '5' */) {
    const d18 = s18[0]! + s18.slice(2, e18);
    const x18 = +s18.slice(e18 + 1);
    if (isExactly18Digits(ax, d18, x18)) {
      // Exact tie: glibc rounds to even. V8 rounded up; use the truncation when the 17th digit is even.
      const trunc = d18.slice(0, 17);
      if ((trunc.charCodeAt(16) & 1) === 0) {
        digits = trunc;
        exp10 = x18;
      }
    }
  }
  return [digits, exp10];
}

/**
 * Formats `d` like C printf("%.17g", d) (glibc), with infinities as "inf"/"-inf" and NaN as "nan" — the text
 * Redis 7.0 addReplyDouble sends (e.g. 1.1 → "1.1000000000000001", 1e30 → "1e+30", 1e-20 →
 * "9.9999999999999995e-21", -0 → "-0"). Allocates strings; not for per-byte hot paths.
 */
export function formatDouble(d: number): string {
  if (d !== d) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  // An integer of magnitude below 2^53 has at most 16 digits: %.17g prints it whole, as String does.
  if (d < 9007199254740992 && d > -9007199254740992 && Math.floor(d) === d) return String(d);
  const neg = d < 0;
  const [digits, x] = digits17(neg ? -d : d);
  // Trailing zeros are not printed by %g.
  let n = 17;
  while (n > 1 && digits.charCodeAt(n - 1) === 0x30) n--;
  let out: string;
  if (x < -4 || x >= 17) {
    out = digits[0]! + (n > 1 ? '.' + digits.slice(1, n) : '') + 'e' + (x < 0 ? '-' : '+') +
      (Math.abs(x) < 10 ? '0' : '') + Math.abs(x);
  } else if (x >= 0) {
    const intPart = digits.slice(0, x + 1);
    out = n > x + 1 ? intPart + '.' + digits.slice(x + 1, n) : intPart;
  } else {
    out = '0.' + '0'.repeat(-x - 1) + digits.slice(0, n);
  }
  return neg ? '-' + out : out;
}

/**
 * Formats `d` like Redis 7.0 ld2string(LD_STR_HUMAN) — printf("%.17Lf") with trailing zeros and '.' trimmed,
 * "-0" → "0", and "inf" / "-inf" / "nan" — as INCRBYFLOAT and HINCRBYFLOAT reply.
 *
 * Limits: Redis formats an 80-bit long double; a JS number is a 64-bit double. The value is printed from its
 * shortest round-trip decimal form (what the user typed, for a parsed number), padded with zeros in fixed notation
 * and rounded to 17 fractional digits. This matches Redis whenever its long double holds that same decimal to 17
 * fractional digits — e.g. "10.6", "0.00000000015", "3", "0" for 1e-20 — but not for results whose long double
 * differs from the double beyond the 17th significant digit: integers above 2^53 (Redis prints
 * 12345678901234567890 exactly; here it is "12345678901234567000") and huge magnitudes (Redis prints
 * 1000000000000000000024696061952 for 1e30; here "1000000000000000000000000000000"). Arithmetic differences (Redis
 * computes 0.1 + 0.2 in long double and prints "0.3") are the caller's concern.
 */
export function formatLongDouble(d: number): string {
  if (d !== d) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return '0';
  const neg = d < 0;
  const ax = neg ? -d : d;
  const s = ax.toExponential(); // shortest round-trip digits
  const ePos = s.indexOf('e');
  const digits = ePos > 1 ? s[0]! + s.slice(2, ePos) : s[0]!;
  const x = +s.slice(ePos + 1);
  const nd = digits.length;
  let out: string;
  if (x >= 0) {
    out = nd > x + 1 ? digits.slice(0, x + 1) + '.' + digits.slice(x + 1) : digits + '0'.repeat(x + 1 - nd);
  } else if (nd - x - 1 <= 17) {
    out = '0.' + '0'.repeat(-x - 1) + digits;
  } else {
    // More than 17 fractional digits: round the value itself to 17 places, as %.17Lf does, and trim.
    out = ax.toFixed(17);
    let e = out.length;
    while (out.charCodeAt(e - 1) === 0x30) e--;
    if (out.charCodeAt(e - 1) === 0x2e) e--;
    out = out.slice(0, e);
    if (out === '0') return '0';
  }
  return neg ? '-' + out : out;
}
