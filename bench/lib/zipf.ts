/**
 * Seeded random numbers and the key distributions of the tier benchmark (bench/tiers.ts): a Zipf sampler, the
 * "x% of the reads go to y% of the keys" hot-set distribution, and a bijection that scatters ranks over key
 * indexes (so that the popular keys are not simply the first ones loaded).
 *
 * Everything is deterministic from a seed and allocation-free per draw (the load generator draws ~10^5 keys/s).
 */

/** xoshiro128** (Blackman & Vigna): 32-bit output, period 2^128 − 1, seeded through splitmix32. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any 32-bit integer; equal seeds give equal sequences. */
  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      // splitmix32
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 32 bits of resolution. */
  nextDouble(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n) (n ≤ 2^32; the modulo bias is below n / 2^32, negligible for key counts). */
  nextInt(n: number): number {
    return Math.floor(this.nextDouble() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Exact Zipf sampler over ranks 1..n: P(k) = k^(−s) / H(n, s), by rejection-inversion (W. Hörmann and
 * G. Derflinger, "Rejection-inversion to generate variates from monotone discrete distributions", ACM TOMACS 6(3),
 * 1996), as in Apache Commons RNG's RejectionInversionZipfSampler. O(1) memory and expected O(1) time per draw
 * (a few logs/exps; the acceptance rate is > 0.9 for s near 1), any s > 0 including s = 1.
 */
export class ZipfSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly sq: number;

  /**
   * @param n number of ranks (≥ 1)
   * @param exponent Zipf exponent s (> 0), e.g. 0.99 (YCSB's default)
   * @param rng source of uniform numbers
   */
  constructor(
    readonly n: number,
    readonly exponent: number,
    private readonly rng: Rng,
  ) {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`zipf: n must be a positive integer, got ${n}`);
    if (!(exponent > 0)) throw new RangeError(`zipf: exponent must be > 0, got ${exponent}`);
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.sq = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** Draws a rank in [1, n]; rank 1 is the most frequent. */
  sample(): number {
    for (;;) {
      const u = this.hIntegralN + this.rng.nextDouble() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.sq || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  /** H(x) = ∫ h: ((x^(1−s)) − 1) / (1 − s), computed stably near s = 1. */
  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return helper2((1 - this.exponent) * logX) * logX;
  }

  /** h(x) = x^(−s). */
  private h(x: number): number {
    return Math.exp(-this.exponent * Math.log(x));
  }

  /** Inverse of hIntegral. */
  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.exponent);
    if (t < -1) t = -1; // numerical safety: the argument of log1p must stay > −1
    return Math.exp(helper1(t) * x);
  }
}

/** log1p(x) / x, with its Taylor series near 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** expm1(x) / x, with its Taylor series near 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}

/**
 * Cumulative Zipf probabilities: `cdf(k)` = P(rank ≤ k) = H(k, s) / H(n, s), from one O(n) pass (8 bytes per
 * rank; 8 MB for n = 1M). Used for the oracle hit ratio (the best any policy can do with k hot keys).
 */
export class ZipfCdf {
  private readonly cum: Float64Array;

  constructor(
    readonly n: number,
    readonly exponent: number,
  ) {
    this.cum = new Float64Array(n + 1);
    let s = 0;
    for (let k = 1; k <= n; k++) {
      s += Math.pow(k, -exponent);
      this.cum[k] = s;
    }
  }

  /** P(rank ≤ k), k clamped to [0, n]. */
  cdf(k: number): number {
    const i = Math.max(0, Math.min(this.n, Math.floor(k)));
    return this.cum[i]! / this.cum[this.n]!;
  }
}

/**
 * A bijection of [0, n): i ↦ (a·i + c) mod n with gcd(a, n) = 1 and a near 0.618·n, so consecutive ranks land
 * far apart in the key space (and in the load order). Exact for any n < 2^53 (the product is split in halves).
 */
export class KeyPermutation {
  private readonly a: number;
  private readonly c: number;

  constructor(
    readonly n: number,
    seed: number,
  ) {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`permutation: n must be a positive integer, got ${n}`);
    let a = Math.max(1, Math.floor(n * 0.6180339887));
    while (gcd(a, n) !== 1) a++;
    this.a = a % n || 1;
    this.c = (seed >>> 0) % n;
  }

  /** The key index of rank/position `i` (0-based, in [0, n)). */
  at(i: number): number {
    return (mulMod(this.a, i, this.n) + this.c) % this.n;
  }
}

function gcd(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** (x·y) mod m without losing precision for x, y < m < 2^53. */
function mulMod(x: number, y: number, m: number): number {
  if (x * y < Number.MAX_SAFE_INTEGER) return (x * y) % m;
  let r = 0;
  let a = x % m;
  let b = y;
  while (b > 0) {
    if (b % 2 === 1) r = (r + a) % m;
    a = (a * 2) % m;
    b = Math.floor(b / 2);
  }
  return r;
}

/** A key-index generator: returns the next key index in [0, n). */
export type KeyChooser = () => number;

/** Zipf(s) over n keys, ranks scattered by `perm`. */
export function zipfChooser(perm: KeyPermutation, exponent: number, rng: Rng): KeyChooser {
  const z = new ZipfSampler(perm.n, exponent, rng);
  return () => perm.at(z.sample() - 1);
}

/**
 * The "readShare of the reads go to keyShare of the keys" distribution (e.g. 90/30), uniform inside each part.
 * The hot keys are positions [offset, offset + hot) of `perm` (mod n), the others the remaining positions; moving
 * `offset` by `hot` moves the whole hot set to other keys (the hot-set shift).
 * @param keyShare share of the keys that are hot, (0, 1)
 * @param readShare share of the reads that go to them, [0, 1]
 * @param offset first hot position in `perm`
 */
export function hotSetChooser(perm: KeyPermutation, keyShare: number, readShare: number, offset: number, rng: Rng): KeyChooser {
  const n = perm.n;
  const hot = Math.max(1, Math.min(n - 1, Math.round(n * keyShare)));
  const rest = n - hot;
  return () => {
    const pos = rng.nextDouble() < readShare ? offset + rng.nextInt(hot) : offset + hot + rng.nextInt(rest);
    return perm.at(pos % n);
  };
}
