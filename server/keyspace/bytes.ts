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

/**
 * Copies of at least this many bytes between buffers whose addresses differ mod 8 go through `stage` (see there).
 * Node 20, a Buffer into the arena: 1,000 B 429 → 220 ns, 4,000 B 1,343 → 438 ns, 16,000 B 5,074 → 1,171 ns
 * (arena to arena alike); at 256 B it is even.
 */
const STAGE_FROM = 512;
/** Bytes staged per piece. */
const STAGE_PIECE = 65536;
/**
 * A plain (non-shared) buffer between two buffers that are not co-aligned: V8 copies within or into a
 * SharedArrayBuffer (the arena) with a relaxed-atomic memmove that is word-wise only between addresses equal mod 8,
 * else byte by byte (~0.32 ns/byte against ~0.05). Staged, the copy into `stage` is co-aligned with the source, a
 * memmove inside `stage` (an ordinary ArrayBuffer: fast at any alignment) co-aligns it with the destination, and
 * the copy out is co-aligned too.
 */
const stage = new Uint8Array(STAGE_PIECE + 16);

/**
 * A plain Uint8Array over the memory of the last Buffer copied from (`twinOf`), or null. `subarray` of a Buffer
 * constructs the view through Buffer's species constructor (a JS call; ~40 ns of a 100-byte copy's 110 on Node 20),
 * of a plain Uint8Array it does not: a request's arguments are copied out of one read's Buffer command after
 * command, so one twin serves the pipeline. Only for Buffers whose ArrayBuffer is at most TWIN_MAX (the shared read
 * buffer, Node's 8 KiB pool slabs), so the twin never keeps a big query buffer alive; it holds the last one until a
 * copy from another Buffer replaces it.
 */
let twin: Uint8Array | null = null;
let twinOf: Uint8Array | null = null;
const TWIN_MAX = 64 * 1024;

/** src[so, so + len) as a view, without Buffer's species constructor when src is a small Buffer (see `twin`). */
function sourceView(src: Uint8Array, so: number, len: number): Uint8Array {
  if (src === twinOf) return (twin as Uint8Array).subarray(so, so + len);
  if (src instanceof Buffer) {
    const ab = src.buffer;
    if (ab.byteLength <= TWIN_MAX) {
      twinOf = src;
      twin = new Uint8Array(ab, src.byteOffset, src.length);
      return twin.subarray(so, so + len);
    }
  }
  return src.subarray(so, so + len);
}

/** Copies `len` bytes from src[so..] to dst[dOff..]. The ranges must not overlap unless src === dst. */
export function copyBytes(src: Uint8Array, so: number, dst: Uint8Array, dOff: number, len: number): void {
  if (len <= SHORT_COPY) {
    for (let i = 0; i < len; i++) dst[dOff + i] = src[so + i];
  } else if (src === dst) {
    dst.copyWithin(dOff, so, so + len);
  } else if (len < STAGE_FROM || ((src.byteOffset + so - dst.byteOffset - dOff) & 7) === 0) {
    dst.set(sourceView(src, so, len), dOff);
  } else {
    const x = (src.byteOffset + so) & 7;
    const y = (dst.byteOffset + dOff) & 7;
    for (let done = 0; done < len; done += STAGE_PIECE) {
      const n = Math.min(STAGE_PIECE, len - done);
      stage.set(src.subarray(so + done, so + done + n), x);
      stage.copyWithin(8 + y, x, x + n);
      dst.set(stage.subarray(8 + y, 8 + y + n), dOff + done);
    }
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
