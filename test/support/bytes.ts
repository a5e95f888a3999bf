/**
 * Fast byte comparison for large Buffers in assertions (vitest's deep equality walks Buffers element by element,
 * which takes seconds for megabytes).
 */
import { showBytes } from './resp.js';

/**
 * Describes how `actual` differs from `expected`, or returns undefined if they are byte-identical.
 * The description names both lengths and the first differing offset with a few bytes of context.
 */
export function bytesDiff(actual: Buffer | null | undefined, expected: Buffer): string | undefined {
  if (!Buffer.isBuffer(actual)) return `expected a Buffer of ${expected.length} bytes, got ${String(actual)}`;
  if (actual.equals(expected)) return undefined;
  let i = 0;
  const n = Math.min(actual.length, expected.length);
  while (i < n && actual[i] === expected[i]) i++;
  const from = Math.max(0, i - 8);
  return (
    `buffers differ: length ${actual.length} vs expected ${expected.length}; first difference at offset ${i}: ` +
    `actual ${showBytes(actual.subarray(from, i + 16))} vs expected ${showBytes(expected.subarray(from, i + 16))}`
  );
}

/**
 * Throws an Error describing the difference if `actual` is not byte-identical to `expected`.
 * @param what label for the message, e.g. "GET big".
 */
export function assertSameBytes(actual: Buffer | null | undefined, expected: Buffer, what = 'value'): void {
  const diff = bytesDiff(actual, expected);
  if (diff !== undefined) throw new Error(`${what}: ${diff}`);
}
