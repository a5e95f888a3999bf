/**
 * Slab size classes: the ladder of chunk sizes that slab pages are carved into.
 *
 * Idea from memcached (slabs.c, `slabs_init`): class sizes start at a minimum chunk and grow by a factor
 * (memcached's `-f`, default 1.25), aligned to 8 bytes, up to half a slab page; bigger items do not use
 * slab classes. Rounding an item up to its class wastes on average about (factor - 1) / 2 of its size.
 */

/** Chunk sizes are multiples of this many bytes, so that an item header can be read through 8-byte views. */
export const CHUNK_ALIGN = 8;

/** The size classes of one arena, and an O(1) item-size → class lookup. */
export class SizeClasses {
  /** Chunk size in bytes of each class, ascending. Class ids are indexes into this array. */
  readonly sizes: Uint32Array;
  /** Largest chunk size (bytes); items bigger than this are "jumbo" items with an extent of their own. */
  readonly maxChunk: number;
  /** classBySize8[ceil(size / 8)] = class id. */
  private readonly classBySize8: Uint8Array;

  /**
   * @param minChunk smallest chunk in bytes (multiple of 8, ≥ 32)
   * @param factor growth factor between consecutive classes (> 1)
   * @param pageSize slab page size in bytes; the largest class is pageSize / 2 (as memcached's
   *   `slab_chunk_size_max`)
   * @throws RangeError when the parameters give no class or more than 200 classes
   */
  constructor(minChunk: number, factor: number, pageSize: number) {
    if (minChunk < 32 || minChunk % CHUNK_ALIGN !== 0) throw new RangeError('slab-chunk-min must be a multiple of 8, at least 32');
    if (!(factor > 1)) throw new RangeError('slab-growth-factor must be > 1');
    const max = Math.floor(pageSize / 2);
    const sizes: number[] = [];
    let size = minChunk;
    while (size < max) {
      sizes.push(size);
      let next = Math.ceil((size * factor) / CHUNK_ALIGN) * CHUNK_ALIGN;
      if (next === size) next += CHUNK_ALIGN;
      size = next;
    }
    sizes.push(max);
    if (sizes.length > 200) throw new RangeError(`too many slab classes (${sizes.length}); raise slab-growth-factor`);
    this.sizes = Uint32Array.from(sizes);
    this.maxChunk = max;
    this.classBySize8 = new Uint8Array(max / CHUNK_ALIGN + 1);
    let cls = 0;
    for (let s8 = 0; s8 <= max / CHUNK_ALIGN; s8++) {
      while (this.sizes[cls] < s8 * CHUNK_ALIGN) cls++;
      this.classBySize8[s8] = cls;
    }
  }

  /** Number of classes. */
  get count(): number {
    return this.sizes.length;
  }

  /** Class id for an item of `size` bytes, or -1 when it is bigger than the largest class (jumbo). */
  classFor(size: number): number {
    if (size > this.maxChunk) return -1;
    return this.classBySize8[(size + CHUNK_ALIGN - 1) >>> 3];
  }
}
