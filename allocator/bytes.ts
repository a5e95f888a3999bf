/**
 * Byte helpers for the hot path: copy and compare ranges of Uint8Arrays (request buffers, arena extents, reply
 * pools) without creating views for short ranges. Short copies into or out of the arena go four bytes at a time
 * (`copyByWords`); for long ranges the native implementations win, so they are used above a threshold.
 */
import type { Extent } from './extent.js';

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
 * A plain Uint8Array over the memory of the last Buffer copied from (`twinOf`; empty before the first). `subarray`
 * of a Buffer constructs the view through Buffer's species constructor (a JS call; ~40 ns of a 100-byte copy's 110
 * on Node 20), of a plain Uint8Array it does not: a request's arguments are copied out of one read's Buffer command
 * after command, so one twin serves the pipeline. Only for Buffers whose ArrayBuffer is at most TWIN_MAX (the shared
 * read buffer, Node's 8 KiB pool slabs), so the twin never keeps a big query buffer alive; it holds the last one
 * until a copy from another Buffer replaces it.
 */
let twin: Uint8Array = new Uint8Array(0);
let twinOf: Uint8Array | null = null;
/** With `twin`: a u32 view over the whole ArrayBuffer of `twinOf` (for `copyByWords`, base `twinOf.byteOffset`). */
let words: Uint32Array = new Uint32Array(0);
const TWIN_MAX = 64 * 1024;

/** True when `twin` and `words` are views of src's memory: src is the twin source, or becomes it (a small Buffer). */
function hasTwin(src: Uint8Array): boolean {
  if (src === twinOf) return true;
  if (!(src instanceof Buffer)) return false;
  const ab = src.buffer;
  if (ab.byteLength > TWIN_MAX) return false;
  twinOf = src;
  twin = new Uint8Array(ab, src.byteOffset, src.length);
  words = new Uint32Array(ab, 0, ab.byteLength >>> 2);
  return true;
}

/** src[so, so + len) as a view, without Buffer's species constructor when src is a small Buffer (see `twin`). */
function sourceView(src: Uint8Array, so: number, len: number): Uint8Array {
  return hasTwin(src) ? twin.subarray(so, so + len) : src.subarray(so, so + len);
}

/** True on a little-endian machine (x86, ARM as Node runs them): the word copies below assume it. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/**
 * Copies of at least WORDS_FROM and under WORDS_TO bytes go four bytes at a time (`copyByWords`) where both sides
 * have a word view; longer ones are faster through the native copy (staged when not co-aligned, see `stage`).
 */
export const WORDS_FROM = 8;
export const WORDS_TO = 512;

/**
 * Copies `len` (≥ 4) bytes from s8[so..] to d8[dOff..] four bytes at a time: byte stores up to a word boundary of
 * the destination, then one u32 store per four bytes, each made of two source words (a funnel shift when the source
 * is not co-aligned), then the last bytes. `s32`/`d32` are u32 views over the whole buffers of `s8`/`d8`, whose
 * byte offsets in them are `sBase`/`dBase`.
 *
 * Why: V8 copies within or into a SharedArrayBuffer (the arena) with a relaxed-atomic memmove that moves bytes one
 * by one unless both addresses are equal mod 8, and a `set` of a `subarray` first makes a view: Node 20, 100 bytes
 * from a request Buffer into the arena took 78 ns through `set`, 88 ns byte by byte and 30 ns this way (64 B 67 / 58
 * / 22, 400 B 201 / 338 / 88).
 *
 * Returns false, having copied nothing, when the source's last word would lie past the end of `s32` (a buffer whose
 * length is not a multiple of 4): the caller copies another way.
 */
export function copyByWords(
  s8: Uint8Array,
  s32: Uint32Array,
  sBase: number,
  so: number,
  d8: Uint8Array,
  d32: Uint32Array,
  dBase: number,
  dOff: number,
  len: number,
): boolean {
  if (!LITTLE_ENDIAN) return false;
  const head = (4 - ((dBase + dOff) & 3)) & 3;
  const n = (len - head) >>> 2;
  const sp = sBase + so + head;
  const sw = sp >>> 2;
  const sh = (sp & 3) << 3;
  if (sw + n >= s32.length + (sh === 0 ? 1 : 0)) return false;
  for (let i = 0; i < head; i++) d8[dOff + i] = s8[so + i]!;
  const dw = (dBase + dOff + head) >>> 2;
  if (sh === 0) {
    for (let k = 0; k < n; k++) d32[dw + k] = s32[sw + k]!;
  } else {
    const rs = 32 - sh;
    let a = s32[sw]!;
    for (let k = 0; k < n; k++) {
      const b = s32[sw + k + 1]!;
      d32[dw + k] = (a >>> sh) | (b << rs);
      a = b;
    }
  }
  for (let i = head + 4 * n; i < len; i++) d8[dOff + i] = s8[so + i]!;
  return true;
}

/**
 * Copies `len` bytes from src[so..] into extent `ext` at byte `dOff`: four bytes at a time (`copyByWords`) when src
 * is a small Buffer (a request's read buffer, a pool slab: the same rule as `twin`, so a big query buffer is never
 * held) and the copy is short, else as `copyBytes` (so `src` may be a view of the arena, of `ext` too).
 */
export function copyToExtent(src: Uint8Array, so: number, ext: Extent, dOff: number, len: number): void {
  const words4 = len >= WORDS_FROM && len < WORDS_TO && hasTwin(src);
  if (words4 && copyByWords(twin, words, twin.byteOffset, so, ext.u8, ext.u32, 0, dOff, len)) return;
  copyBytes(src, so, ext.u8, dOff, len);
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
