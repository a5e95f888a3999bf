/**
 * Redis's strict signed 64-bit integer parsing (src/util.c string2ll), shared by the command layer (arguments,
 * INCR on stored values) and the intset encoding (which members are integers).
 */
/**
 * Result of the last successful `parseLL` (or commands/args.ts `argLL`): `value` is exact when `big` is null;
 * otherwise the integer is outside ±2^53 and `big` holds it exactly (int64 range).
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

