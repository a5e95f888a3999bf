/**
 * The memory benchmark's deterministic data set ("the paper's workload"): N distinct keys of
 * 1–8 bytes and values of 100 bytes, generated on the fly from an index and a seed, and streamed
 * as RESP `SET key value` commands in bounded chunks (never one big string).
 *
 * Keys: index i (0-based) in bijective base 94 over the printable ASCII bytes 0x21 '!' .. 0x7E '~'
 * (no space): lengths grow 1, 2, 3, … as needed, so the first 94 keys have 1 byte, the next
 * 94² = 8,836 have 2, the next 94³ = 830,584 have 3, the next 94⁴ = 78,074,896 have 4, …;
 * distinct by construction. 1–8 bytes cover about 6.1e15 keys.
 *
 * Values: `valueBytes` pseudo-random bytes from a 64-symbol alphabet (A–Z a–z 0–9 + /), drawn from
 * xorshift32 seeded by a hash of (seed, i) — the value of key i can be recomputed alone, for checks.
 */

/** Smallest key byte, '!' (0x21). */
const KEY_BASE_BYTE = 0x21;
/** Number of key symbols: '!' .. '~'. */
export const KEY_RADIX = 94;
/** Longest key the encoding may produce, bytes. */
export const MAX_KEY_BYTES = 8;
/** Default value size, bytes. */
export const DEFAULT_VALUE_BYTES = 100;

const VALUE_ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');

/** Number of distinct keys of each length 1..8 (index 0 = length 1). */
const KEYS_OF_LENGTH: number[] = Array.from({ length: MAX_KEY_BYTES }, (_, k) => KEY_RADIX ** (k + 1));

/** Largest supported key count (all keys of 1..8 bytes). */
export const MAX_KEYS = KEYS_OF_LENGTH.reduce((a, b) => a + b, 0);

/** Writes key `i` into `out` at `off`; returns its length in bytes (1..8). */
export function writeKey(i: number, out: Buffer, off: number): number {
  let n = i;
  let len = 1;
  while (n >= KEYS_OF_LENGTH[len - 1]!) {
    n -= KEYS_OF_LENGTH[len - 1]!;
    len++;
    if (len > MAX_KEY_BYTES) throw new RangeError(`key index ${i} needs more than ${MAX_KEY_BYTES} bytes`);
  }
  for (let p = off + len - 1; p >= off; p--) {
    const d = n % KEY_RADIX;
    out[p] = KEY_BASE_BYTE + d;
    n = (n - d) / KEY_RADIX;
  }
  return len;
}

/** Key `i` as a Buffer. */
export function keyOf(i: number): Buffer {
  const b = Buffer.allocUnsafe(MAX_KEY_BYTES);
  return b.subarray(0, writeKey(i, b, 0));
}

/** 32-bit finaliser (murmur3 fmix32). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Writes the `len`-byte value of key `i` under `seed` into `out` at `off`. */
export function writeValue(seed: number, i: number, len: number, out: Buffer, off: number): void {
  const lo = i >>> 0;
  const hi = Math.floor(i / 4294967296) >>> 0;
  let x = fmix32(fmix32(seed ^ 0x9e3779b9) ^ fmix32(lo + 0x7f4a7c15) ^ Math.imul(hi, 0x27d4eb2f));
  if (x === 0) x = 0x6d2b79f5;
  let p = off;
  const end = off + len;
  while (p < end) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    let r = x >>> 0;
    // five 6-bit symbols per 32-bit draw
    for (let k = 0; k < 5 && p < end; k++) {
      out[p++] = VALUE_ALPHABET[r & 63]!;
      r >>>= 6;
    }
  }
}

/** The value of key `i` as a Buffer. */
export function valueOf(seed: number, i: number, len = DEFAULT_VALUE_BYTES): Buffer {
  const b = Buffer.allocUnsafe(len);
  writeValue(seed, i, len, b, 0);
  return b;
}

/** How many of the first `n` keys have each length. */
export interface KeyLengthDistribution {
  /** counts[k] = number of keys of k+1 bytes (k = 0..7). */
  counts: number[];
  /** Sum of key lengths, bytes. */
  totalKeyBytes: number;
  /** Mean key length, bytes. */
  meanBytes: number;
}

/** Key length distribution of keys 0..n-1 (computed, not counted). */
export function keyLengthDistribution(n: number): KeyLengthDistribution {
  const counts: number[] = [];
  let left = n;
  let total = 0;
  for (let k = 0; k < MAX_KEY_BYTES; k++) {
    const c = Math.min(left, KEYS_OF_LENGTH[k]!);
    counts.push(c);
    total += c * (k + 1);
    left -= c;
  }
  return { counts, totalKeyBytes: total, meanBytes: n > 0 ? total / n : 0 };
}

/** "length 1: 94 (0.0%), 2: 8,836 (0.9%), … ; mean 3.15 B" for the first `n` keys. */
export function describeKeyLengths(n: number): string {
  const d = keyLengthDistribution(n);
  const parts = d.counts
    .map((c, k) => ({ c, len: k + 1 }))
    .filter((x) => x.c > 0)
    .map((x) => `${x.len} B: ${x.c.toLocaleString('en-US')} (${((100 * x.c) / n).toFixed(1)}%)`);
  return `${parts.join(', ')}; mean ${d.meanBytes.toFixed(2)} B`;
}

/** Bytes one `SET key value` command takes in RESP, for key length `k` and value length `v`. */
export function setCommandBytes(k: number, v: number): number {
  // *3\r\n $3\r\nSET\r\n $<k>\r\n<key>\r\n $<v>\r\n<value>\r\n
  return 4 + 9 + (3 + String(k).length + k + 2) + (3 + String(v).length + v + 2);
}

/** Total RESP bytes of the `SET` stream for keys 0..n-1 with `valueLen`-byte values. */
export function setStreamBytes(n: number, valueLen = DEFAULT_VALUE_BYTES): number {
  const d = keyLengthDistribution(n);
  return d.counts.reduce((s, c, k) => s + c * setCommandBytes(k + 1, valueLen), 0);
}

const SET_HEAD = Buffer.from('*3\r\n$3\r\nSET\r\n$', 'latin1');

/**
 * Writes the RESP bytes of `SET key_i value_i` into `buf` at `off` (the caller made room for
 * `setCommandBytes(MAX_KEY_BYTES, valueLen)` bytes).
 * @param valueHead `\r\n$<valueLen>\r\n` as bytes (built once by the caller)
 * @returns the offset after the command
 */
export function writeSetCommand(buf: Buffer, off: number, i: number, seed: number, valueLen: number, valueHead: Buffer): number {
  off += SET_HEAD.copy(buf, off);
  // key length digit: 1..8 is a single ASCII digit; write the key first, after a 3-byte gap.
  const keyOff = off + 3;
  const klen = writeKey(i, buf, keyOff);
  buf[off] = 0x30 + klen;
  buf[off + 1] = 0x0d;
  buf[off + 2] = 0x0a;
  off = keyOff + klen;
  off += valueHead.copy(buf, off);
  writeValue(seed, i, valueLen, buf, off);
  off += valueLen;
  buf[off++] = 0x0d;
  buf[off++] = 0x0a;
  return off;
}

/**
 * Yields the RESP bytes of `SET key_i value_i` for the i in 0..n-1 that `keep` accepts (all by default), in
 * chunks of about `chunkBytes` bytes (default 1 MiB), after an optional `prefix` (e.g. a SELECT). Each yielded
 * Buffer is freshly allocated (safe to hold on to).
 */
export function* setCommandChunks(
  n: number,
  seed: number,
  valueLen = DEFAULT_VALUE_BYTES,
  chunkBytes = 1 << 20,
  keep: ((i: number) => boolean) | null = null,
  prefix: Buffer | null = null,
): Generator<Buffer> {
  if (n > MAX_KEYS) throw new RangeError(`at most ${MAX_KEYS} keys fit in ${MAX_KEY_BYTES} bytes`);
  const maxCmd = setCommandBytes(MAX_KEY_BYTES, valueLen);
  const size = Math.max(chunkBytes, maxCmd + (prefix?.length ?? 0));
  const valueHead = Buffer.from(`\r\n$${valueLen}\r\n`, 'latin1');
  let buf = Buffer.allocUnsafe(size);
  let off = prefix !== null ? prefix.copy(buf, 0) : 0;
  for (let i = 0; i < n; i++) {
    if (keep !== null && !keep(i)) continue;
    if (off + maxCmd > size) {
      yield buf.subarray(0, off);
      buf = Buffer.allocUnsafe(size);
      off = 0;
    }
    off = writeSetCommand(buf, off, i, seed, valueLen, valueHead);
  }
  if (off > 0) yield buf.subarray(0, off);
}
