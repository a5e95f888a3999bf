/**
 * An extent: one SharedArrayBuffer of the arena, with the typed-array views the item code reads through.
 *
 * Extents are big (≥ 32 MiB by default) on purpose: glibc serves allocations of that size with mmap, so when the
 * last reference to an extent's SharedArrayBuffer goes and V8 collects it, its pages go back to the OS at once
 * (measured on these machines: 0.1–0.5 s after a forced GC). Each extent belongs to exactly one tier.
 */
export class Extent {
  /** Views of the extent's bytes. `buf` is a Buffer view for fast copy/compare (Buffer#copy, Buffer#compare). */
  u8: Uint8Array;
  u16: Uint16Array;
  u32: Uint32Array;
  i32: Int32Array;
  f64: Float64Array;
  buf: Buffer;
  /** Pages of this extent currently assigned to a slab class (not in the tier's free-page pool). */
  usedPages = 0;
  /** Bytes of chunks in use (item sizes rounded up to their class). */
  usedBytes = 0;
  /** Bytes the items in use asked for (usedBytes - requestedBytes is lost to rounding). */
  requestedBytes = 0;
  /**
   * Pages of this extent that were ever handed to a slab class: an upper bound of the pages the OS has made
   * resident (untouched pages of a fresh SharedArrayBuffer cost no RAM).
   */
  touchedPages = 0;
  /**
   * Replies not yet written to their socket that send this extent's bytes by reference (zero-copy; jumbo extents
   * only, see server/commands/reply-helpers.ts). While it is above 0 the bytes must not change: the keyspace never
   * writes a pinned extent in place (a write that would goes to a new extent: copy-on-write), and nothing may zero
   * or reuse a released extent that is still pinned. The reply writer pins when the reply is encoded and unpins when
   * the socket reports the write done (or failed, or the batch is discarded).
   */
  pins = 0;

  /**
   * @param slot index of the extent in the arena's extent table
   * @param tier tier id (0 hot, 1 cold)
   * @param size bytes
   * @param firstPage first page id of the extent's contiguous page-id range
   * @param pageCount number of page ids (slab pages; 1 for a jumbo extent)
   * @param jumbo true when the extent holds exactly one big item
   * @throws RangeError when the SharedArrayBuffer cannot be allocated
   */
  constructor(
    readonly slot: number,
    /** Tier of the extent; only a jumbo extent changes tier (its single item is demoted or promoted in place). */
    public tier: number,
    readonly size: number,
    readonly firstPage: number,
    readonly pageCount: number,
    readonly jumbo: boolean,
  ) {
    const sab = new SharedArrayBuffer(size);
    this.u8 = new Uint8Array(sab);
    this.u16 = new Uint16Array(sab);
    this.u32 = new Uint32Array(sab);
    this.i32 = new Int32Array(sab);
    this.f64 = new Float64Array(sab);
    this.buf = Buffer.from(sab);
  }

  /** A 8-byte extent of no tier, to stand in for "no current extent" without keeping a real one alive. */
  static placeholder(): Extent {
    return new Extent(-1, -1, 8, 0, 0, false);
  }

  /** Drops every view so that the SharedArrayBuffer can be collected; the extent must not be used afterwards. */
  release(): void {
    const empty = EMPTY;
    this.u8 = empty.u8;
    this.u16 = empty.u16;
    this.u32 = empty.u32;
    this.i32 = empty.i32;
    this.f64 = empty.f64;
    this.buf = empty.buf;
  }
}

const EMPTY_SAB = new SharedArrayBuffer(8);
const EMPTY = {
  u8: new Uint8Array(EMPTY_SAB),
  u16: new Uint16Array(EMPTY_SAB),
  u32: new Uint32Array(EMPTY_SAB),
  i32: new Int32Array(EMPTY_SAB),
  f64: new Float64Array(EMPTY_SAB),
  buf: Buffer.from(EMPTY_SAB),
};
