/**
 * The arena: every item of tierkv lives here, in SharedArrayBuffer extents, never in JS objects.
 *
 * Structure (memcached's slab allocator, slabs.c, adapted to two tiers and to JS):
 * - An **extent** is one SharedArrayBuffer of `extentSize` bytes (≥ 32 MiB) owned by one **tier** (hot or cold).
 * - An extent is cut into **slab pages** of `pageSize` bytes (1 MiB by default). A page is either in its tier's
 *   free-page pool or assigned to one **slab class**, whose chunk size it is carved into (lazily, with a bump
 *   counter, and with an intrusive free list of chunk indexes stored in the free chunks themselves).
 * - Items bigger than half a page are **jumbo** items: each gets an extent of its own, sized to the item.
 * - A page whose last chunk is freed goes back to the tier's pool; when every page of an extent is pooled, the
 *   extent itself can be released to the OS. Pages whose chunks are only partly freed stay with their class (slab
 *   calcification): the page mover (server/memory/page-mover.ts) empties such pages on purpose. The arena's part is
 *   `beginDrain`/`endDrain` (a draining page takes no new items), `allocExisting` (a chunk without taking a new
 *   page) and the page metadata the mover reads to choose its victims (memcached's slab_reassign, slabs.c).
 *
 * Addresses are 32-bit numbers `pageId << 15 | chunkIndex`; page id 0 is never used, so address 0 means "none",
 * and 0xFFFFFFFF is reserved as the hash index's tombstone. With 2^17 page ids of 1 MiB the arena can grow to
 * 128 GiB. A page table (typed arrays indexed by page id) maps a page to its extent, base offset and chunk size.
 *
 * Accounting is exact and O(1) per operation: bytes in use and bytes requested per tier, per class and per
 * extent (the difference is what rounding to the class size wastes).
 *
 * Dropping a whole tier (MIGRATE_PREPARE) marks its pages DEAD in O(pages) and releases its extents; the page ids
 * of dead pages stay quarantined until the owner has removed every reference to them (see `reclaimDeadPages`).
 */
import { Extent } from './extent.js';
import { chunkIsFree, chunkIsItem, F_FREE } from './item.js';
import { SizeClasses, CHUNK_ALIGN } from './size-classes.js';

/** Tier ids. */
export const TIER_HOT = 0;
export const TIER_COLD = 1;
export const TIER_COUNT = 2;

/** Address layout. */
export const CHUNK_BITS = 15;
export const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
export const MAX_PAGES = 1 << (32 - CHUNK_BITS);
/** Address value that is never a valid item (used by the index as its tombstone). */
export const TOMBSTONE_ADDR = 0xffffffff;

/** Page states. */
export const PS_UNUSED = 0;
export const PS_POOLED = 1;
export const PS_ACTIVE = 2;
export const PS_JUMBO = 3;
export const PS_DEAD = 4;

const NO_PAGE = -1;
/** An extent with no memory: `ext` after extents were dropped. */
const PLACEHOLDER_EXTENT = Extent.placeholder();
const JUMBO_CLASS = 255;

/** Arena construction parameters (bytes unless said otherwise). */
export interface ArenaOptions {
  /** Size of a standard extent, bytes; a multiple of pageSize. Default 32 MiB. */
  extentSize?: number;
  /** Slab page size, bytes; a power of two. Default 1 MiB. */
  pageSize?: number;
  /** Smallest chunk, bytes (multiple of 8). Default 32 (a set member of up to 24 bytes, a small string). */
  minChunk?: number;
  /** Growth factor between slab classes. Default 1.125 (memcached's default is 1.25). */
  growthFactor?: number;
  /** Empty extents kept per tier instead of being released at once (hysteresis). Default 1. */
  spareExtents?: number;
  /** Page ids available (default and maximum 2^17 - 1); lower only to test exhaustion. */
  maxPageIds?: number;
}

/** What `dropTier` did. */
export interface DropResult {
  /** Extents released. */
  extents: number;
  /** Keyed items (chunks other than aux chunks) that were live in the dropped pages. */
  items: number;
  /** Bytes of SharedArrayBuffer released. */
  freedBytes: number;
  /** Of those, bytes in pages that were ever written (an estimate of the RAM the OS gets back). */
  residentBytes: number;
}

/**
 * Byte ranges of released extents that are to be overwritten with zeros before their memory goes back to the OS
 * (server/memory/zero-release.ts): `bufs[i]` from `offs[i]`, `lens[i]` bytes; `bytes` is the sum of the lengths. Only
 * pages that were ever written are listed (writing zeros to a page never touched would make the OS back it).
 */
export interface ZeroList {
  bufs: SharedArrayBuffer[];
  offs: number[];
  lens: number[];
  bytes: number;
}

/** Raised when the arena cannot place an item (page ids exhausted or the SharedArrayBuffer allocation failed). */
export class ArenaFullError extends Error {}

/** The slab arena. One per server; single-threaded use. */
export class Arena {
  readonly extentSize: number;
  readonly pageSize: number;
  readonly pagesPerExtent: number;
  readonly classes: SizeClasses;
  readonly spareExtents: number;
  private readonly maxPageIds: number;

  /** Extent table: slot → extent (null = free slot). */
  private readonly extents: (Extent | null)[] = [];
  private freeExtentSlots: number[] = [];

  // Page table, indexed by page id. Private: server/ asks through the page methods below (`pageStateOf`, …).
  private readonly pageExt = new Int32Array(MAX_PAGES).fill(-1);
  private readonly pageBase = new Uint32Array(MAX_PAGES);
  private readonly pageChunk = new Uint32Array(MAX_PAGES);
  private readonly pageState = new Uint8Array(MAX_PAGES);
  private readonly pageClass = new Uint8Array(MAX_PAGES);
  private readonly pageUsed = new Uint32Array(MAX_PAGES);
  private readonly pageCap = new Uint16Array(MAX_PAGES);
  private readonly pageBump = new Uint16Array(MAX_PAGES);
  private readonly pageFree = new Int32Array(MAX_PAGES);
  private readonly pageNext = new Int32Array(MAX_PAGES);
  private readonly pagePrev = new Int32Array(MAX_PAGES);
  /** 1 once the page has been handed to a slab class since its extent was created. */
  private readonly pageTouched = new Uint8Array(MAX_PAGES);
  /** 1 while the page is being emptied by the page mover: it is off its class's free list and takes no new item. */
  private readonly pageDrain = new Uint8Array(MAX_PAGES);
  /** Aux chunks (item.ts: parts of large collections, which have no key) live in each page. */
  private readonly pageAux = new Uint16Array(MAX_PAGES);

  // Page-id allocation.
  private nextPageId = 1;
  private freeIdBlocks: number[] = [];
  private freeIdSingles: number[] = [];
  /** Page-id ranges [first, count] of dropped extents waiting for `reclaimDeadPages`. */
  private deadRanges: number[] = [];

  // Per (tier, class) list of pages with free chunks; per tier pool of free pages.
  private readonly classHead: Int32Array;
  private readonly poolHead = new Int32Array(TIER_COUNT).fill(NO_PAGE);
  private readonly emptyExtents = new Int32Array(TIER_COUNT);

  // Active pages (assigned to a class, or jumbo) of each tier, densely packed, for the CLOCK hand.
  private readonly tierPages: Int32Array[] = [new Int32Array(MAX_PAGES), new Int32Array(MAX_PAGES)];
  private readonly tierPageCount = new Int32Array(TIER_COUNT);
  private readonly pagePos = new Int32Array(MAX_PAGES);
  /** CLOCK hand per tier: index into the tier's active pages, and chunk index within that page. */
  private readonly handPage = new Int32Array(TIER_COUNT);
  private readonly handChunk = new Int32Array(TIER_COUNT);

  // Accounting.
  /** Bytes of chunks in use per tier (jumbo items counted at their extent size). */
  readonly tierUsed = new Float64Array(TIER_COUNT);
  /** Bytes requested by the items in use per tier. */
  readonly tierRequested = new Float64Array(TIER_COUNT);
  /** Items per tier. */
  readonly tierItems = new Float64Array(TIER_COUNT);
  /**
   * Of `tierItems`, the aux chunks (item.ts: parts of collections, which have no key) in each tier: the keys a tier
   * holds are `tierItems - tierAux`. A list of a few nodes tiers with its item (server/memory/tiers.ts), so the cold
   * tier may hold aux chunks too.
   */
  readonly tierAux = new Float64Array(TIER_COUNT);
  /** Bytes of SharedArrayBuffer allocated per tier. */
  readonly tierArena = new Float64Array(TIER_COUNT);
  /** Chunks in use per (tier * classCount + class). */
  readonly classChunks: Float64Array;
  /** Bytes requested per (tier * classCount + class). */
  readonly classRequested: Float64Array;
  /** Pages assigned per (tier * classCount + class). */
  readonly classPages: Float64Array;
  /** Slab pages assigned to a class per tier (jumbo extents not included): the pages that hold items. */
  readonly tierSlabPages = new Int32Array(TIER_COUNT);
  /** Pages in each tier's free-page pool (including never-touched pages of fresh extents). */
  readonly tierPoolPages = new Int32Array(TIER_COUNT);
  /** (tier, class) pairs that have at least one page: each has at most one partly filled page it cannot avoid. */
  classesInUse = 0;
  /**
   * Bytes of slab pages (both tiers) above which a page that becomes empty releases its extent even when it would
   * be the tier's spare (0: no limit). Set by the page mover from maxmemory (`setPageBudget`).
   */
  private pageBudgetBytes = 0;
  /**
   * While set, every extent the arena releases (dropped, trimmed, freed jumbo) adds its written byte ranges here,
   * unless a reply still references it (extent.ts `pins`: it is freed, unzeroed, when the reply is written).
   */
  zeroSink: ZeroList | null = null;
  /** Number of `dropTier` calls so far (lets the page mover notice that its page was dropped). */
  drops = 0;

  /** See `releasedBytes`. */
  private released = 0;

  /**
   * Set by `resolve`: the extent holding the item that was resolved last (read it, never write it); after a
   * `dropTier`, an empty placeholder, so that no view of a dropped extent stays reachable from here.
   */
  ext: Extent;

  /**
   * @throws RangeError for inconsistent options (extent not a multiple of the page, more than 2^15 chunks per page)
   */
  constructor(opts: ArenaOptions = {}) {
    this.pageSize = opts.pageSize ?? 1 << 20;
    this.extentSize = opts.extentSize ?? 32 << 20;
    this.spareExtents = opts.spareExtents ?? 1;
    this.maxPageIds = Math.min(opts.maxPageIds ?? MAX_PAGES - 1, MAX_PAGES - 1);
    const minChunk = opts.minChunk ?? 32;
    if ((this.pageSize & (this.pageSize - 1)) !== 0) throw new RangeError('slab page size must be a power of two');
    if (this.extentSize % this.pageSize !== 0) throw new RangeError('extent size must be a multiple of the slab page size');
    // Chunk indexes 0..CHUNK_MASK: a page may hold CHUNK_MASK + 1 chunks.
    if (this.pageSize / minChunk > CHUNK_MASK + 1) throw new RangeError('too many chunks per page: raise slab-chunk-min or lower slab-page-size');
    this.pagesPerExtent = this.extentSize / this.pageSize;
    this.classes = new SizeClasses(minChunk, opts.growthFactor ?? 1.125, this.pageSize);
    const n = this.classes.count * TIER_COUNT;
    this.classHead = new Int32Array(n).fill(NO_PAGE);
    this.classChunks = new Float64Array(n);
    this.classRequested = new Float64Array(n);
    this.classPages = new Float64Array(n);
    this.ext = null as unknown as Extent;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Item access

  /**
   * Resolves an address: returns the byte offset of the item in its extent and sets `this.ext` to the extent.
   * The address must be live (see `isLive`).
   */
  resolve(addr: number): number {
    const page = addr >>> CHUNK_BITS;
    this.ext = this.extents[this.pageExt[page]] as Extent;
    return this.pageBase[page] + (addr & CHUNK_MASK) * this.pageChunk[page];
  }

  /** True when the address points into a page that holds items (not dropped, not free). */
  isLive(addr: number): boolean {
    const s = this.pageState[addr >>> CHUNK_BITS];
    return s === PS_ACTIVE || s === PS_JUMBO;
  }

  /** Tier of a live address. */
  tierOf(addr: number): number {
    return (this.extents[this.pageExt[addr >>> CHUNK_BITS]] as Extent).tier;
  }

  /** Chunk size in bytes of the chunk at a live address (for a jumbo item: its extent size). */
  chunkSizeOf(addr: number): number {
    return this.pageChunk[addr >>> CHUNK_BITS];
  }

  /** True when an item of `size` bytes would use the same chunk (slab class, or jumbo extent size) as the live item at `addr`. */
  sameChunkClass(addr: number, size: number): boolean {
    const p = addr >>> CHUNK_BITS;
    if (this.pageState[p] === PS_JUMBO) return ((size + 7) & ~7) === this.pageChunk[p];
    return this.classes.classFor(size) === this.pageClass[p];
  }

  /** Page id of an address. */
  static pageOf(addr: number): number {
    return addr >>> CHUNK_BITS;
  }

  /** Address of chunk `c` of page `p`. */
  static addrOf(p: number, c: number): number {
    return ((p << CHUNK_BITS) | c) >>> 0;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Allocation

  /**
   * Allocates a chunk for an item of `size` bytes in `tier`. The chunk's bytes are not cleared.
   * @returns the item's address (never 0)
   * @throws ArenaFullError when no page id is left or the OS refuses the memory
   */
  alloc(size: number, tier: number): number {
    const cls = this.classes.classFor(size);
    if (cls < 0) return this.allocJumbo(size, tier);
    const li = tier * this.classes.count + cls;
    let p = this.classHead[li];
    if (p === NO_PAGE) {
      p = this.takePoolPage(tier);
      const chunk = this.classes.sizes[cls];
      this.pageState[p] = PS_ACTIVE;
      this.pageClass[p] = cls;
      this.pageChunk[p] = chunk;
      this.pageCap[p] = Math.floor(this.pageSize / chunk);
      this.pageBump[p] = 0;
      this.pageFree[p] = -1;
      this.pageUsed[p] = 0;
      if (this.classPages[li]++ === 0) this.classesInUse++;
      this.tierSlabPages[tier]++;
      this.linkHead(this.classHead, li, p);
      this.addActivePage(tier, p);
    }
    const ext = this.extents[this.pageExt[p]] as Extent;
    const chunk = this.pageChunk[p];
    let c = this.pageFree[p];
    if (c >= 0) {
      this.pageFree[p] = ext.i32[((this.pageBase[p] + c * chunk) >>> 2) + 1];
    } else {
      c = this.pageBump[p]++;
    }
    if (++this.pageUsed[p] === this.pageCap[p]) this.unlink(this.classHead, li, p);
    ext.usedBytes += chunk;
    ext.requestedBytes += size;
    this.tierUsed[tier] += chunk;
    this.tierRequested[tier] += size;
    this.tierItems[tier]++;
    this.classChunks[li]++;
    this.classRequested[li] += size;
    return ((p << CHUNK_BITS) | c) >>> 0;
  }

  /**
   * `alloc` for an aux chunk (item.ts): counted per page, so that the page mover leaves such pages alone (an aux
   * chunk has no key, so nothing can find and update the reference to it if it moved).
   */
  allocAux(size: number, tier: number): number {
    const addr = this.alloc(size, tier);
    this.pageAux[addr >>> CHUNK_BITS]++;
    this.tierAux[tier]++;
    return addr;
  }

  /**
   * `free` for an aux chunk allocated with `allocAux`. As `free`, a no-op for an address in a dropped page (its
   * accounting went with the drop).
   */
  freeAux(addr: number, size: number): void {
    const p = addr >>> CHUNK_BITS;
    const state = this.pageState[p];
    if (state !== PS_ACTIVE && state !== PS_JUMBO) return;
    if (this.pageAux[p] > 0) this.pageAux[p]--;
    this.tierAux[(this.extents[this.pageExt[p]] as Extent).tier]--;
    this.free(addr, size);
  }

  /** True when slab page `p` holds aux chunks (the page mover cannot empty it). */
  hasAux(p: number): boolean {
    return this.pageAux[p] !== 0;
  }

  /**
   * Frees the chunk of a live item. `size` must be the size that was passed to `alloc` (the item's size).
   * Freeing an address in a dropped (dead) page is a no-op: its accounting went with the drop.
   */
  free(addr: number, size: number): void {
    const p = addr >>> CHUNK_BITS;
    const state = this.pageState[p];
    if (state === PS_JUMBO) {
      this.freeJumbo(p, size);
      return;
    }
    if (state !== PS_ACTIVE) return;
    const ext = this.extents[this.pageExt[p]] as Extent;
    const tier = ext.tier;
    const cls = this.pageClass[p];
    const li = tier * this.classes.count + cls;
    const chunk = this.pageChunk[p];
    const c = addr & CHUNK_MASK;
    const coff = this.pageBase[p] + c * chunk;
    ext.u8[coff] = F_FREE;
    ext.i32[(coff >>> 2) + 1] = this.pageFree[p];
    this.pageFree[p] = c;
    if (this.pageUsed[p] === this.pageCap[p] && this.pageDrain[p] === 0) this.linkHead(this.classHead, li, p);
    ext.usedBytes -= chunk;
    ext.requestedBytes -= size;
    this.tierUsed[tier] -= chunk;
    this.tierRequested[tier] -= size;
    this.tierItems[tier]--;
    this.classChunks[li]--;
    this.classRequested[li] -= size;
    if (--this.pageUsed[p] === 0) {
      if (this.pageDrain[p] === 0) this.unlink(this.classHead, li, p);
      else this.pageDrain[p] = 0;
      if (--this.classPages[li] === 0) this.classesInUse--;
      this.tierSlabPages[tier]--;
      this.removeActivePage(tier, p);
      this.returnPageToPool(ext, p);
    }
  }

  /**
   * Records that the item at `addr` now needs `newSize` bytes instead of `oldSize` (in-place update within the
   * same chunk; the caller checked `newSize <= chunkSizeOf(addr)`).
   */
  resize(addr: number, oldSize: number, newSize: number): void {
    const p = addr >>> CHUNK_BITS;
    const ext = this.extents[this.pageExt[p]] as Extent;
    const d = newSize - oldSize;
    ext.requestedBytes += d;
    this.tierRequested[ext.tier] += d;
    if (this.pageState[p] === PS_ACTIVE) this.classRequested[ext.tier * this.classes.count + this.pageClass[p]] += d;
  }

  /**
   * Like `alloc`, but only into a free chunk of a page the class already has: never takes a page from the pool
   * nor grows the arena (the page mover's relocation target). Items bigger than the largest class get 0.
   * @returns the item's address, or 0 when the class of `tier` has no page with a free chunk
   */
  allocExisting(size: number, tier: number): number {
    const cls = this.classes.classFor(size);
    if (cls < 0 || this.classHead[tier * this.classes.count + cls] === NO_PAGE) return 0;
    return this.alloc(size, tier);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Page mover support (server/memory/page-mover.ts)

  /**
   * Starts emptying slab page `p` (state ACTIVE): it leaves its class's list of pages with free chunks, so no new
   * item lands in it; its items leave it only through `free` (moved or removed by the caller). When its last
   * chunk is freed, it goes back to the tier's pool as any page does, and the drain ends by itself.
   */
  beginDrain(p: number): void {
    if (this.pageState[p] !== PS_ACTIVE || this.pageDrain[p] !== 0) return;
    if (this.pageUsed[p] < this.pageCap[p]) {
      const li = (this.extents[this.pageExt[p]] as Extent).tier * this.classes.count + this.pageClass[p];
      this.unlink(this.classHead, li, p);
    }
    this.pageDrain[p] = 1;
  }

  /** Gives up emptying page `p`: if it still holds items, it takes new ones again. No-op when it is not draining. */
  endDrain(p: number): void {
    if (this.pageDrain[p] === 0) return;
    this.pageDrain[p] = 0;
    if (this.pageState[p] === PS_ACTIVE && this.pageUsed[p] < this.pageCap[p]) {
      const li = (this.extents[this.pageExt[p]] as Extent).tier * this.classes.count + this.pageClass[p];
      this.linkHead(this.classHead, li, p);
    }
  }

  /** True while page `p` is being emptied (see `beginDrain`). */
  isDraining(p: number): boolean {
    return this.pageDrain[p] !== 0;
  }

  /** Number of active pages (slab and jumbo) of a tier: valid positions for `tierPageAt`. */
  tierPageCountOf(tier: number): number {
    return this.tierPageCount[tier];
  }

  /** The active page (slab or jumbo) at position `i` (0 ≤ i < tierPageCountOf(tier)) of a tier's page list. */
  tierPageAt(tier: number, i: number): number {
    return this.tierPages[tier][i];
  }

  /** State of page `p` (PS_ACTIVE for a slab page holding items, PS_JUMBO, PS_DEAD after a drop, …). */
  pageStateOf(p: number): number {
    return this.pageState[p];
  }

  /** Slab class of slab page `p`. */
  pageClassOf(p: number): number {
    return this.pageClass[p];
  }

  /** Chunks in use (items) in page `p`. */
  pageItems(p: number): number {
    return this.pageUsed[p];
  }

  /** Chunk size in bytes of page `p` (for a jumbo page: its extent size). */
  pageChunkSize(p: number): number {
    return this.pageChunk[p];
  }

  /**
   * The first chunk index ≥ `c` of slab page `p` that holds an item (free chunks skipped), or `pageCarved(p)`
   * when there is none.
   */
  nextItemChunk(p: number, c: number): number {
    const ext = this.extents[this.pageExt[p]] as Extent;
    const base = this.pageBase[p];
    const chunk = this.pageChunk[p];
    const carved = this.pageBump[p];
    while (c < carved && chunkIsFree(ext, base + c * chunk)) c++;
    return c;
  }

  /** Chunks a slab page can hold (its class's chunks per page). */
  pageCapacity(p: number): number {
    return this.pageCap[p];
  }

  /** Chunks of slab page `p` carved so far: chunk indexes ≥ this were never used. */
  pageCarved(p: number): number {
    return this.pageBump[p];
  }

  /** True when page `p` is the page its class allocates from next (the head of its list of pages with free chunks). */
  isClassHead(p: number): boolean {
    const ext = this.extents[this.pageExt[p]] as Extent;
    return this.classHead[ext.tier * this.classes.count + this.pageClass[p]] === p;
  }

  /**
   * Free chunks of class `cls` of `tier` outside its head page (the page it allocates from next): the room that
   * moving items into costs the class nothing it is about to use.
   */
  classRoom(tier: number, cls: number): number {
    const li = tier * this.classes.count + cls;
    const h = this.classHead[li];
    const free = this.classPages[li] * Math.floor(this.pageSize / this.classes.sizes[cls]) - this.classChunks[li];
    return h === NO_PAGE ? free : free - (this.pageCap[h] - this.pageUsed[h]);
  }

  /** Slab pages assigned to a class, both tiers (jumbo extents not included). */
  slabPages(): number {
    return this.tierSlabPages[0] + this.tierSlabPages[1];
  }

  private allocJumbo(size: number, tier: number): number {
    const p = this.takeSingleId();
    const bytes = Math.ceil(size / CHUNK_ALIGN) * CHUNK_ALIGN;
    const ext = this.newExtent(tier, bytes, p, 1, true);
    this.pageExt[p] = ext.slot;
    this.pageBase[p] = 0;
    this.pageChunk[p] = bytes;
    this.pageClass[p] = JUMBO_CLASS;
    this.pageState[p] = PS_JUMBO;
    this.pageUsed[p] = 1;
    this.addActivePage(tier, p);
    ext.usedPages = 1;
    ext.usedBytes = bytes;
    ext.requestedBytes = size;
    this.tierUsed[tier] += bytes;
    this.tierRequested[tier] += size;
    this.tierItems[tier]++;
    return (p << CHUNK_BITS) >>> 0;
  }

  private freeJumbo(p: number, size: number): void {
    const ext = this.extents[this.pageExt[p]] as Extent;
    this.tierUsed[ext.tier] -= ext.usedBytes;
    this.tierRequested[ext.tier] -= size;
    this.tierItems[ext.tier]--;
    this.removeActivePage(ext.tier, p);
    this.pageState[p] = PS_UNUSED;
    this.pageExt[p] = -1;
    this.destroyExtent(ext);
    this.freeIdSingles.push(p);
  }

  /**
   * Moves a jumbo item to another tier without copying it: its extent changes tier (O(1), whatever its size).
   * @param addr address of a jumbo item (see `isJumbo`)
   */
  retagJumbo(addr: number, tier: number): void {
    const p = addr >>> CHUNK_BITS;
    const ext = this.extents[this.pageExt[p]] as Extent;
    const from = ext.tier;
    if (from === tier) return;
    this.removeActivePage(from, p);
    this.tierUsed[from] -= ext.usedBytes;
    this.tierRequested[from] -= ext.requestedBytes;
    this.tierItems[from]--;
    this.tierArena[from] -= ext.size;
    ext.tier = tier;
    this.tierUsed[tier] += ext.usedBytes;
    this.tierRequested[tier] += ext.requestedBytes;
    this.tierItems[tier]++;
    this.tierArena[tier] += ext.size;
    this.addActivePage(tier, p);
  }

  /** True when the address is a jumbo item (an extent of its own). */
  isJumbo(addr: number): boolean {
    return this.pageState[addr >>> CHUNK_BITS] === PS_JUMBO;
  }

  /**
   * The next live item of `tier` in CLOCK order: a hand walks the tier's active pages and, within each, its carved
   * chunks, cyclically, skipping free chunks and aux chunks (item.ts) (memcached's LRU crawler and CLOCK page replacement walk memory the same
   * way). Consecutive calls visit neighbouring chunks, so the walk reads memory sequentially. Pages that join or
   * leave the tier meanwhile may be visited early or late, never lost for good.
   * @param maxSteps chunks and page boundaries to look at before giving up
   * @returns an item address, or 0 when none was found within maxSteps (or the tier is empty)
   */
  clockNext(tier: number, maxSteps: number): number {
    const n = this.tierPageCount[tier];
    if (n === 0) return 0;
    const pages = this.tierPages[tier];
    let pi = this.handPage[tier];
    let c = this.handChunk[tier];
    for (let step = 0; step < maxSteps; step++) {
      if (pi >= n) {
        pi = 0;
        c = 0;
      }
      const p = pages[pi];
      if (this.pageState[p] === PS_JUMBO) {
        this.handPage[tier] = pi + 1;
        this.handChunk[tier] = 0;
        if (chunkIsItem(this.extents[this.pageExt[p]] as Extent, 0)) return (p << CHUNK_BITS) >>> 0;
        pi++;
        c = 0;
        continue;
      }
      if (c >= this.pageBump[p]) {
        pi++;
        c = 0;
        continue;
      }
      const ext = this.extents[this.pageExt[p]] as Extent;
      const live = chunkIsItem(ext, this.pageBase[p] + c * this.pageChunk[p]);
      c++;
      if (live) {
        this.handPage[tier] = pi;
        this.handChunk[tier] = c;
        return ((p << CHUNK_BITS) | (c - 1)) >>> 0;
      }
    }
    this.handPage[tier] = pi;
    this.handChunk[tier] = c;
    return 0;
  }

  private addActivePage(tier: number, p: number): void {
    const n = this.tierPageCount[tier]++;
    this.tierPages[tier][n] = p;
    this.pagePos[p] = n;
  }

  private removeActivePage(tier: number, p: number): void {
    const pages = this.tierPages[tier];
    const last = --this.tierPageCount[tier];
    const pos = this.pagePos[p];
    const moved = pages[last];
    pages[pos] = moved;
    this.pagePos[moved] = pos;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Pages and extents

  private takePoolPage(tier: number): number {
    let p = this.poolHead[tier];
    if (p === NO_PAGE) {
      this.growTier(tier);
      p = this.poolHead[tier];
    }
    this.unlink(this.poolHead, tier, p);
    this.tierPoolPages[tier]--;
    const ext = this.extents[this.pageExt[p]] as Extent;
    if (ext.usedPages++ === 0) this.emptyExtents[tier]--;
    if (this.pageTouched[p] === 0) {
      this.pageTouched[p] = 1;
      ext.touchedPages++;
    }
    return p;
  }

  private returnPageToPool(ext: Extent, p: number): void {
    this.pageState[p] = PS_POOLED;
    this.linkHead(this.poolHead, ext.tier, p);
    this.tierPoolPages[ext.tier]++;
    if (--ext.usedPages === 0) {
      // With a page budget, a tier keeps no spare extent while the slab pages plus that extent would exceed it.
      const overBudget = this.pageBudgetBytes > 0 && this.slabPages() * this.pageSize + ext.size > this.pageBudgetBytes;
      if (this.emptyExtents[ext.tier] >= this.spareExtents || overBudget) this.releaseEmptyExtent(ext);
      else this.emptyExtents[ext.tier]++;
    }
  }

  /** Adds one standard extent to `tier`, all of its pages pooled. */
  private growTier(tier: number): void {
    const first = this.takeIdBlock();
    const ext = this.newExtent(tier, this.extentSize, first, this.pagesPerExtent, false);
    for (let i = this.pagesPerExtent - 1; i >= 0; i--) {
      const p = first + i;
      this.pageExt[p] = ext.slot;
      this.pageBase[p] = i * this.pageSize;
      this.pageState[p] = PS_POOLED;
      this.pageTouched[p] = 0;
      this.pageDrain[p] = 0;
      this.linkHead(this.poolHead, tier, p);
    }
    this.tierPoolPages[tier] += this.pagesPerExtent;
    this.emptyExtents[tier]++;
  }

  private releaseEmptyExtent(ext: Extent): void {
    for (let i = 0; i < ext.pageCount; i++) {
      const p = ext.firstPage + i;
      this.unlink(this.poolHead, ext.tier, p);
      this.pageState[p] = PS_UNUSED;
      this.pageExt[p] = -1;
    }
    this.tierPoolPages[ext.tier] -= ext.pageCount;
    this.destroyExtent(ext);
    this.freeIdBlocks.push(ext.firstPage);
  }

  /**
   * Releases empty extents beyond the spare allowance of each tier (call after bulk frees).
   * @returns bytes released
   */
  trimEmptyExtents(spare = this.spareExtents): number {
    let freed = 0;
    for (const ext of this.extents) {
      if (ext === null || ext.jumbo || ext.usedPages !== 0) continue;
      if (this.emptyExtents[ext.tier] <= spare) continue;
      this.emptyExtents[ext.tier]--;
      freed += ext.size;
      this.releaseEmptyExtent(ext);
    }
    return freed;
  }

  private newExtent(tier: number, size: number, firstPage: number, pageCount: number, jumbo: boolean): Extent {
    const slot = this.freeExtentSlots.length > 0 ? (this.freeExtentSlots.pop() as number) : this.extents.length;
    let ext: Extent;
    try {
      ext = new Extent(slot, tier, size, firstPage, pageCount, jumbo);
    } catch (e) {
      if (jumbo) this.freeIdSingles.push(firstPage);
      else this.freeIdBlocks.push(firstPage);
      throw new ArenaFullError(`cannot allocate a ${size}-byte extent: ${(e as Error).message}`);
    }
    if (slot === this.extents.length) this.extents.push(ext);
    else this.extents[slot] = ext;
    this.tierArena[tier] += size;
    return ext;
  }

  private destroyExtent(ext: Extent): void {
    if (this.zeroSink !== null && ext.pins === 0) this.addZeroRanges(this.zeroSink, ext);
    this.released += ext.size;
    this.tierArena[ext.tier] -= ext.size;
    ext.release();
    this.extents[ext.slot] = null;
    this.freeExtentSlots.push(ext.slot);
  }

  /** Adds the written byte ranges of `ext` (whole jumbo extents; touched slab pages, merged when adjacent). */
  private addZeroRanges(z: ZeroList, ext: Extent): void {
    const sab = ext.u8.buffer as SharedArrayBuffer;
    if (ext.jumbo) {
      z.bufs.push(sab);
      z.offs.push(0);
      z.lens.push(ext.size);
      z.bytes += ext.size;
      return;
    }
    const ps = this.pageSize;
    let start = -1;
    for (let i = 0; i <= ext.pageCount; i++) {
      const touched = i < ext.pageCount && this.pageTouched[ext.firstPage + i] === 1;
      if (touched && start < 0) start = i;
      else if (!touched && start >= 0) {
        z.bufs.push(sab);
        z.offs.push(start * ps);
        z.lens.push((i - start) * ps);
        z.bytes += (i - start) * ps;
        start = -1;
      }
    }
  }

  private takeIdBlock(): number {
    if (this.freeIdBlocks.length > 0) return this.freeIdBlocks.pop() as number;
    const first = this.nextPageId;
    // The last page id is never handed out: its address range contains TOMBSTONE_ADDR.
    if (first + this.pagesPerExtent > this.maxPageIds) throw new ArenaFullError('arena page ids exhausted');
    this.nextPageId += this.pagesPerExtent;
    return first;
  }

  private takeSingleId(): number {
    if (this.freeIdSingles.length === 0) {
      const first = this.takeIdBlock();
      for (let i = this.pagesPerExtent - 1; i >= 0; i--) this.freeIdSingles.push(first + i);
    }
    return this.freeIdSingles.pop() as number;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Whole-tier drop (MIGRATE_PREPARE)

  /**
   * Drops every extent of `tier` in one shot: its items cease to exist without being visited. Cost is
   * O(pages of the tier), independent of the number of items. Page ids of the dropped extents are quarantined
   * (state DEAD) until `reclaimDeadPages` is called, so stale references to them can be recognised with
   * `isLive` and never read as new data.
   */
  dropTier(tier: number): DropResult {
    const res: DropResult = { extents: 0, items: 0, freedBytes: 0, residentBytes: 0 };
    this.drops++;
    for (const ext of this.extents) {
      if (ext === null || ext.tier !== tier) continue;
      for (let i = 0; i < ext.pageCount; i++) {
        const p = ext.firstPage + i;
        const s = this.pageState[p];
        // Keyed items only: the aux chunks (a cold list's nodes) go with their item, they are not keys.
        if (s === PS_ACTIVE || s === PS_JUMBO) res.items += this.pageUsed[p] - this.pageAux[p];
        this.pageState[p] = s === PS_ACTIVE || s === PS_JUMBO ? PS_DEAD : PS_UNUSED;
        this.pageExt[p] = -1;
        this.pageUsed[p] = 0;
        this.pageDrain[p] = 0;
        this.pageAux[p] = 0;
      }
      this.deadRanges.push(ext.firstPage, ext.pageCount);
      res.extents++;
      res.freedBytes += ext.size;
      res.residentBytes += ext.jumbo ? ext.size : Math.min(ext.size, ext.touchedPages * this.pageSize);
      this.destroyExtent(ext);
    }
    this.poolHead[tier] = NO_PAGE;
    this.emptyExtents[tier] = 0;
    this.tierPageCount[tier] = 0;
    this.tierSlabPages[tier] = 0;
    this.tierPoolPages[tier] = 0;
    const nc = this.classes.count;
    for (let c = 0; c < nc; c++) {
      const li = tier * nc + c;
      if (this.classPages[li] > 0) this.classesInUse--;
      this.classHead[li] = NO_PAGE;
      this.classChunks[li] = 0;
      this.classRequested[li] = 0;
      this.classPages[li] = 0;
    }
    this.tierUsed[tier] = 0;
    this.tierRequested[tier] = 0;
    this.tierItems[tier] = 0;
    this.tierAux[tier] = 0;
    this.ext = PLACEHOLDER_EXTENT;
    return res;
  }

  /** True while some dropped pages still wait for `reclaimDeadPages`. */
  hasDeadPages(): boolean {
    return this.deadRanges.length > 0;
  }

  /**
   * Makes the page ids of dropped extents reusable. Call only when no reference (index entry) to a dead page
   * remains, i.e. after a full sweep of the index that started after the last `dropTier`.
   */
  reclaimDeadPages(): void {
    const r = this.deadRanges;
    for (let i = 0; i < r.length; i += 2) {
      const first = r[i];
      const count = r[i + 1];
      for (let j = 0; j < count; j++) this.pageState[first + j] = PS_UNUSED;
      if (count === this.pagesPerExtent) this.freeIdBlocks.push(first);
      else for (let j = 0; j < count; j++) this.freeIdSingles.push(first + j);
    }
    this.deadRanges = [];
  }

  // ---------------------------------------------------------------------------------------------------------
  // Introspection

  /**
   * Bytes of extents released since `clearReleasedBytes`: their memory returns to the OS only once V8 has collected
   * the SharedArrayBuffers, so the server forces a GC when this grows large (see ServerCore.cron).
   */
  get releasedBytes(): number {
    return this.released;
  }

  /** Resets `releasedBytes` (the owner has just collected). */
  clearReleasedBytes(): void {
    this.released = 0;
  }

  /** Sets the slab page budget in bytes (0: none): see `pageBudgetBytes`. */
  setPageBudget(bytes: number): void {
    this.pageBudgetBytes = bytes;
  }

  /** The live extents of a tier (standard and jumbo), a new array. */
  extentsOf(tier: number): Extent[] {
    const out: Extent[] = [];
    for (const ext of this.extents) if (ext !== null && ext.tier === tier) out.push(ext);
    return out;
  }

  /** Bytes of SharedArrayBuffer allocated (both tiers). */
  arenaBytes(): number {
    return this.tierArena[0] + this.tierArena[1];
  }

  /** Bytes of chunks in use (both tiers). */
  usedBytes(): number {
    return this.tierUsed[0] + this.tierUsed[1];
  }

  /** Number of live extents of a tier (standard and jumbo). */
  extentCount(tier: number): number {
    let n = 0;
    for (const ext of this.extents) if (ext !== null && ext.tier === tier) n++;
    return n;
  }

  /** Bytes of the page table and other fixed metadata (typed arrays), for used_memory_overhead. */
  metadataBytes(): number {
    return MAX_PAGES * (4 + 4 + 4 + 1 + 1 + 4 + 2 + 2 + 4 + 4 + 4 + 4 + 4 + 4 + 1 + 1);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Intrusive doubly-linked page lists (heads array + pageNext/pagePrev).

  private linkHead(heads: Int32Array, li: number, p: number): void {
    const h = heads[li];
    this.pageNext[p] = h;
    this.pagePrev[p] = NO_PAGE;
    if (h !== NO_PAGE) this.pagePrev[h] = p;
    heads[li] = p;
  }

  private unlink(heads: Int32Array, li: number, p: number): void {
    const n = this.pageNext[p];
    const pr = this.pagePrev[p];
    if (pr !== NO_PAGE) this.pageNext[pr] = n;
    else heads[li] = n;
    if (n !== NO_PAGE) this.pagePrev[n] = pr;
    this.pageNext[p] = NO_PAGE;
    this.pagePrev[p] = NO_PAGE;
  }
}
