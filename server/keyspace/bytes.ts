/**
 * Byte helpers for the hot path: copy and compare ranges of Uint8Arrays (request buffers, arena extents)
 * without creating views for short ranges. For long ranges the native implementations win, so they are used
 * above a small threshold.
 */

const SHORT = 256;
/**
 * Copies up to this length go byte by byte; longer ones through the native copy, whose fixed cost (a view, a call)
 * a loop beats only on short ranges (measured on Node 20: 16 B 27 vs 59 ns, 64 B 80 vs 69 ns, 100 B 121 vs 77 ns,
 * 256 B 440 vs ~90 ns from a Buffer into a SharedArrayBuffer view).
 */
const SHORT_COPY = 48;

/** Copies `len` bytes from src[so..] to dst[dOff..]. The ranges must not overlap unless src === dst. */
export function copyBytes(src: Uint8Array, so: number, dst: Uint8Array, dOff: number, len: number): void {
  if (len <= SHORT_COPY) {
    for (let i = 0; i < len; i++) dst[dOff + i] = src[so + i];
  } else if (src === dst) {
    dst.copyWithin(dOff, so, so + len);
  } else {
    dst.set(src.subarray(so, so + len), dOff);
  }
}

/** True when a[ao..ao+len) equals b[bo..bo+len). */
export function bytesEqual(a: Uint8Array, ao: number, b: Uint8Array, bo: number, len: number): boolean {
  if (len <= SHORT) {
    for (let i = 0; i < len; i++) if (a[ao + i] !== b[bo + i]) return false;
    return true;
  }
  return Buffer.compare(a.subarray(ao, ao + len), b.subarray(bo, bo + len)) === 0;
}
