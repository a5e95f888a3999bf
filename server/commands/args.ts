/**
 * Argument helpers shared by all commands: byte comparisons against option names, strict integer and float
 * parsing with Redis's rules and error texts, all without allocating on the common path.
 */
import type { Argv } from '../../protocol/argv.js';
import { LL, parseLL } from '../keyspace/int64.js';

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

/** True when arguments `i` and `j` are the same bytes (RENAME and COPY of a key onto itself). */
export function argsEqual(a: Argv, i: number, j: number): boolean {
  const len = a.argLen[i];
  if (len !== a.argLen[j]) return false;
  return a.buf.compare(a.buf, a.argOff[j], a.argOff[j] + len, a.argOff[i], a.argOff[i] + len) === 0;
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

// The strict int64 parser lives with the keyspace (the intset encoding uses it too); re-exported for commands.
export { LL, parseLL };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `parseLL` on argument `i`. */
export function argLL(a: Argv, i: number): boolean {
  return parseLL(a.buf, a.argOff[i], a.argLen[i]);
}

/** True when `big` (or `value`) from LL fits in int64; helper for results of arithmetic. */
export function inInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}
