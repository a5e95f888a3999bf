/**
 * Where reply bytes live: 32 MiB "reply extents" cut into the ReplyWriter's pool buffers, instead of one malloc
 * per pool.
 *
 * Why: replies to clients that do not read pile up (up to the output limit per client, server.ts). Allocated one
 * by one, those buffers come from glibc's malloc arenas (its mmap threshold rises to 32 MiB after the first large
 * free), and once they are freed the arenas rarely shrink: RSS stayed at 1.9 GB after six such clients left
 * (issue 11). glibc serves every allocation of 32 MiB or more with its own mmap and unmaps it on free, so carving
 * pools out of 32 MiB extents makes "the client went away" show in the RSS as soon as V8 collects the extent (the
 * server forces that collection: gc.ts `noteReleased`). Pages of an extent that were never written cost no RAM.
 *
 * Lifetime: an extent is never reused once it is cut up; it is freed by the GC when no slice (a pool, or a view the
 * socket still holds) references it. The writer itself reuses its current pool from the start whenever everything
 * it handed out was written at once (the usual case), so fast clients consume no new reply memory at all.
 *
 * Trade-off: a slice still referenced by a slow socket keeps its whole extent alive (at most the extent's written
 * pages: 32 MiB), as memcached's slab pages keep a page for one item.
 */

/** Size of one reply extent, bytes: glibc's largest dynamic mmap threshold, so that it is always mmap-backed. */
export const REPLY_EXTENT_SIZE = 32 * 1024 * 1024;
/** Slices are aligned to this many bytes. */
const ALIGN = 64;

/** Hands out reply buffers from mmap-backed extents. One per ReplyWriter; single-threaded. */
export class ReplyMemory {
  private ext: Buffer | null = null;
  private pos = 0;
  /** The memory of the extent being cut (null before the first): a slice `b` comes from it when `b.buffer === current`. */
  get current(): ArrayBufferLike | null {
    return this.ext === null ? null : this.ext.buffer;
  }
  /** Extents (and dedicated buffers larger than an extent) allocated so far. */
  allocations = 0;

  /**
   * A buffer of exactly `n` bytes (uninitialized): a slice of the current extent, of a new extent when it has no
   * room, or a dedicated buffer when `n` is larger than an extent (such a buffer is mmap-backed by itself).
   * @throws RangeError when the memory cannot be allocated
   */
  take(n: number): Buffer {
    if (n > REPLY_EXTENT_SIZE) {
      this.allocations++;
      return Buffer.allocUnsafeSlow(n);
    }
    if (this.ext === null || this.pos + n > REPLY_EXTENT_SIZE) {
      this.ext = Buffer.allocUnsafeSlow(REPLY_EXTENT_SIZE);
      this.pos = 0;
      this.allocations++;
    }
    const b = this.ext.subarray(this.pos, this.pos + n);
    this.pos = Math.min(REPLY_EXTENT_SIZE, (this.pos + n + ALIGN - 1) & ~(ALIGN - 1));
    return b;
  }
}
