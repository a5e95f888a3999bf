/**
 * Argument helpers shared by all commands: byte comparisons against option names, strict integer and float
 * parsing with Redis's rules and error texts, all without allocating on the common path.
 */
import type { Argv } from '../../protocol/argv.js';

/** The parsed arguments of the current command: `argc` arguments, each a byte range of `buf`. */
export type { Argv };

/**
 * True when argument `i` equals `lower` ignoring ASCII case. `lower` must be lower-case ASCII.
 */
export function argIs(a: Argv, i: number, lower: string): boolean {
  const len = a.argLen[i];
  if (len !== lower.length) return false;
  const b = a.buf;
  const o = a.argOff[i];
  for (let j = 0; j < len; j++) {
    let c = b[o + j];
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(j)) return false;
  }
  return true;
}

/** Argument `i` as a string, bytes mapped 1:1 to code points (latin1), so that any byte survives a round trip. */
export function argLatin1(a: Argv, i: number): string {
  return a.buf.toString('latin1', a.argOff[i], a.argOff[i] + a.argLen[i]);
}

/**
 * Argument `i` as C's "%s" prints it in Redis's error messages: up to its first NUL byte, bytes mapped 1:1 to code
 * points (send it with `ReplyWriter.errorLatin1` so that each byte goes out unchanged).
 */
export function argCStr(a: Argv, i: number): string {
  const b = a.buf;
  const start = a.argOff[i];
  const end = start + a.argLen[i];
  let j = start;
  while (j < end && b[j] !== 0) j++;
  return b.toString('latin1', start, j);
}

/** Argument `i` decoded as UTF-8 (names, passwords, patterns shown to people). */
export function argUtf8(a: Argv, i: number): string {
  return a.buf.toString('utf8', a.argOff[i], a.argOff[i] + a.argLen[i]);
}

/**
 * Result of the last successful `parseLL`/`argLL`: `value` is exact when `big` is null; otherwise the integer is
 * outside ±2^53 and `big` holds it exactly (int64 range).
 */
export const LL = { value: 0, big: null as bigint | null };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses a signed 64-bit integer with Redis's strictness (src/util.c string2ll): optional '-', no '+', no
 * leading zeros, no spaces, nothing else, within int64. Result in `LL`.
 * @returns false when the bytes are not such an integer
 */
export function parseLL(b: Uint8Array, o: number, l: number): boolean {
  if (l === 0 || l > 20) return false;
  let i = o;
  const end = o + l;
  let neg = false;
  if (l === 1 && b[i] === 48) {
    LL.value = 0;
    LL.big = null;
    return true;
  }
  if (b[i] === 45) {
    neg = true;
    i++;
    if (i === end) return false;
  }
  if (b[i] < 49 || b[i] > 57) return false;
  if (end - i <= 15) {
    let v = 0;
    for (; i < end; i++) {
      const c = b[i] - 48;
      if (c < 0 || c > 9) return false;
      v = v * 10 + c;
    }
    LL.value = neg ? -v : v;
    LL.big = null;
    return true;
  }
  let v = 0n;
  for (; i < end; i++) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) return false;
    v = v * 10n + BigInt(c);
  }
  if (neg) v = -v;
  if (v < INT64_MIN || v > INT64_MAX) return false;
  const n = Number(v);
  if (Number.isSafeInteger(n)) {
    LL.value = n;
    LL.big = null;
  } else {
    LL.value = n;
    LL.big = v;
  }
  return true;
}

/** `parseLL` on argument `i`. */
export function argLL(a: Argv, i: number): boolean {
  return parseLL(a.buf, a.argOff[i], a.argLen[i]);
}

/** True when `big` (or `value`) from LL fits in int64; helper for results of arithmetic. */
export function inInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}
