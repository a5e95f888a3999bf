/**
 * The keyspace: keys → items, over the arena (allocator/arena.ts) and the hash index (hash-index.ts).
 *
 * The API is cursor-like to stay allocation-free: a lookup leaves its result in fields (`slot`, `addr`, `off`,
 * `ext`) that the caller reads, and a following `store`/`remove` acts on that result. A result stays valid until
 * the next lookup or mutation. Keys passed in are byte ranges of a caller's buffer (the request buffer), which
 * must stay unchanged until the operation ends.
 *
 * Expiry follows Redis: lazily on access (a key past its expire time is deleted when looked up), plus an active
 * cycle with bounded effort per tick (`activeCycle`), which here walks the index with a cursor and only touches
 * items whose index entry carries the TTL flag (Redis samples its expires dict instead, src/expire.c).
 *
 * Dropped extents (MIGRATE_PREPARE, `dropTier`) make their items vanish at once: their index entries are not
 * visited; a lookup simply never matches an entry whose page is dead, and the same cycle (or a rehash) removes
 * those entries later. The key and TTL counts are corrected at drop time from per-page counts, so DBSIZE and
 * INFO keyspace are exact immediately. (Garnet's Tsavorite reclaims index entries below BeginAddress lazily in
 * the same spirit: TsavoriteBase.cs, FindTagOrFreeInternal.)
 */
import { Arena, ArenaFullError, CHUNK_BITS, MAX_PAGES, TIER_COLD, TIER_HOT } from '../../allocator/arena.js';
import type { Extent } from '../../allocator/extent.js';
import {
  F_HAS_TTL,
  F_RAW,
  TYPE_LIST,
  TYPE_ZSET,
  TYPE_MASK,
  TYPE_SHIFT,
  chunkIsItem,
  itemIsLarge,
  itemType,
  itemAtime,
  itemEpoch,
  itemExpireAt,
  itemExpired,
  itemFlags,
  itemHasTtl,
  itemKeyLen,
  itemKeyOff,
  itemLfu,
  itemLfuRaw,
  itemSize,
  itemTotal,
  itemValLen,
  itemValOff,
  keyOffFor,
  setItemAtime,
  setItemExpireAt,
  setItemFlags,
  setItemLfu,
  setItemValLen,
  writeItemHeader,
} from '../../allocator/item.js';
import { bytesEqual, copyBytes, copyToExtent } from '../../allocator/bytes.js';
import { ArenaDict, DICT_HEADER, dictHeaderOff } from './dict.js';
import { QL_HEADER, QuickList, TIER_LIST_MAX_BYTES, TIER_LIST_MAX_NODES } from './quicklist.js';
import { ZSET_HEADER, ZSkiplist } from './zskiplist.js';
import { murmur3, randomSeed } from './hash.js';
import { HASH_MASK, HashIndex, NOT_FOUND, TTL_BIT, type KeyMatcher } from './hash-index.js';
import { LFU_INIT_VAL, lfuIncrement } from './lfu.js';
import { NO_KEY_EVENTS, NOTIFY_EXPIRED, NOTIFY_KEY_MISS, NOTIFY_NEW, type KeyEventSink } from '../pubsub/notify-flags.js';

// What command handlers need of the allocator, so that they import the keyspace only: item flags they pass to
// `storeAlloc` or read with `flags()`, and the tier ids of `ext.tier`.
export { F_HAS_TTL, F_LARGE, F_NOINT, F_RAW, TYPE_HASH, TYPE_LIST, TYPE_MASK, TYPE_SET, TYPE_SHIFT, TYPE_STRING } from '../../allocator/item.js';
export { TYPE_ZSET } from '../../allocator/item.js';
export { TIER_COLD, TIER_HOT } from '../../allocator/arena.js';

/** Type names as TYPE, SCAN TYPE and the HTTP API say them, indexed by item TYPE (item.ts). */
export const TYPE_NAMES: readonly string[] = ['string', 'hash', 'set', 'list', 'zset'];

/** `store` expire argument: keep the key's current TTL (SET KEEPTTL). */
export const KEEP_TTL = -1;
/** `store` expire argument: no TTL. */
export const NO_TTL = 0;

const EMPTY_U8 = new Uint8Array(0);

/** Keyspace statistics (Redis INFO stats names in comments). */
/** Most extra room a growing jumbo item gets (see `resizeValue`), bytes: Redis's SDS_MAX_PREALLOC. */
const JUMBO_GROW_MAX = 1024 * 1024;

export class KeyspaceStats {
  /** keyspace_hits */
  hits = 0;
  /** keyspace_misses */
  misses = 0;
  /** expired_keys */
  expired = 0;
  /** evicted_keys */
  evicted = 0;
  /** Hits served from each tier (tier_hits_hot / tier_hits_cold). */
  tierHits = new Float64Array(2);
}

/** Options of a keyspace. */
/** Receives the read hits on cold items (the tier policy, memory/tiers.ts). */
export interface ColdReadHook {
  /** Called after a touching read hit on a cold item, which is the keyspace's current item. */
  onColdReadHit(): void;
}

export interface KeyspaceOptions {
  /** lfu-log-factor (tierkv default 1, Redis 10). */
  lfuLogFactor?: number;
  /** Initial index capacity (slots). */
  initialCapacity?: number;
}

/** The keyspace of database 0. */
export class Keyspace implements KeyMatcher {
  readonly index: HashIndex;
  readonly stats = new KeyspaceStats();
  private readonly seed = randomSeed();

  /** Live keys (DBSIZE). */
  keys = 0;
  /** Live keys with a TTL. */
  expires = 0;
  /** Index entries that still point into dropped pages. */
  deadEntries = 0;
  /** Keys with a TTL per page id (to correct `expires` in O(pages) when a tier is dropped). */
  private readonly pageTtl = new Uint32Array(MAX_PAGES);

  /**
   * The tier policy, told of every read hit on a cold item (memory/tiers.ts `TierManager`, which decides whether
   * to promote it); null: cold items stay where they are.
   */
  coldReadHook: ColdReadHook | null = null;

  /**
   * The large encoding's dict (dict.ts), bound by `bindDict` to the current item's header: one instance serves every
   * collection, so no JS object exists per collection.
   */
  readonly dict: ArenaDict;
  /** The list encoding (quicklist.ts), bound by `bindList` to the current item's header, as `dict`. */
  readonly list: QuickList;
  /** The zset skiplist encoding (zskiplist.ts, over `dict`), bound by `bindZset` to the current item's header. */
  readonly zset: ZSkiplist;

  /** Current time in ms since the Unix epoch; the server sets it before each command (Redis caches it too). */
  now = Date.now();
  /** Set while clients are paused (CLIENT PAUSE): lookups leave expired keys in place, answering "missing". */
  expiryPaused = false;
  /** Low 16 bits of the access-counter epoch (advanced by the tier policy, memory/tiers.ts `tick`). */
  epoch = 0;
  lfuLogFactor: number;

  // Key of the current lookup.
  private kb: Uint8Array = EMPTY_U8;
  private ko = 0;
  private kl = 0;
  /** 31-bit hash of the current key. */
  h = 0;
  /** Encoded index slot of the current item, or NOT_FOUND. */
  slot = NOT_FOUND;
  /** Address of the current item. */
  addr = 0;
  /** Offset of the current item in `ext`. */
  off = 0;
  /** Extent of the current item. */
  ext: Extent;

  private cycleCursor = 0;
  /**
   * Estimated average remaining TTL of the keys with an expiry, ms, an integer (INFO keyspace `avg_ttl`): a
   * running average of what the active cycle sees, each cycle's mean weighted 1/50 and the estimate 49/50, in
   * integer steps as Redis 7.0's activeExpireCycle computes it (src/expire.c). 0 until a cycle has seen a key with
   * a TTL, after a flush, and from the first cycle that finds no key with a TTL (Redis resets it then too, so a
   * deleted key's TTL does not linger). Never above the largest TTL sampled (at most 2^53 ms, the expire-time
   * range), so it stays an exact integer.
   */
  avgTtlMs = 0;

  constructor(
    readonly arena: Arena,
    opts: KeyspaceOptions = {},
  ) {
    this.lfuLogFactor = opts.lfuLogFactor ?? 1;
    this.index = new HashIndex(
      opts.initialCapacity,
      (a) => arena.isLive(a),
      () => this.deadEntryGone(),
    );
    this.ext = null as unknown as Extent;
    this.peekExt = null as unknown as Extent;
    this.dict = new ArenaDict(arena, this.seed ^ 0x5bd1e995);
    this.list = new QuickList(arena);
    this.zset = new ZSkiplist(arena, this.dict);
  }

  // -------------------------------------------------------------------------------------------------------
  // Lookup

  /** KeyMatcher: does the item at `addr` hold the current key? Items in dropped pages never match. */
  matches(addr: number): boolean {
    const arena = this.arena;
    if (!arena.isLive(addr)) return false;
    const off = arena.resolve(addr);
    const ext = arena.ext;
    if (itemKeyLen(ext, off) !== this.kl) return false;
    return bytesEqual(ext.u8, itemKeyOff(ext, off), this.kb, this.ko, this.kl);
  }

  /** Hash of a key as the index stores it (31 bits). */
  hashKey(b: Uint8Array, o: number, l: number): number {
    return murmur3(b, o, l, this.seed) & HASH_MASK;
  }

  /**
   * Finds a key without looking at its TTL. Sets the lookup state (`h`, `slot`, and on success `addr`, `off`,
   * `ext`). The key bytes must stay unchanged until the following store/remove.
   * @returns true when the key has an entry
   */
  find(b: Uint8Array, o: number, l: number): boolean {
    this.kb = b;
    this.ko = o;
    this.kl = l;
    const h = murmur3(b, o, l, this.seed) & HASH_MASK;
    this.h = h;
    const s = this.index.find(h, this);
    this.slot = s;
    if (s === NOT_FOUND) return false;
    this.setCurrent(this.index.addrAt(s));
    return true;
  }

  /**
   * Makes the live item at `addr` current by finding its index entry through its key (read in place, from the
   * arena), as the CLOCK hand, eviction and the page mover do with an address they came across.
   * @returns false when the item's key has no index entry pointing at `addr`
   */
  findItemAt(addr: number): boolean {
    const arena = this.arena;
    const off = arena.resolve(addr);
    const ext = arena.ext;
    // An aux chunk (element or table of a large collection) has no key.
    if (!chunkIsItem(ext, off)) return false;
    return this.find(ext.u8, itemKeyOff(ext, off), itemKeyLen(ext, off)) && this.addr === addr;
  }

  /** Extent of the item of the last `peekKey` (its key bytes are in `peekExt.u8`). */
  peekExt: Extent;
  /** Key length of the item of the last `peekKey`. */
  peekKeyLen = 0;
  private peekOff = 0;

  /**
   * Reads another item's key without changing the current item (KEYS and SCAN reply with keys they collected):
   * resolves the live address `addr` and returns the offset of its key bytes in `peekExt.u8`, `peekKeyLen` long.
   */
  peekKey(addr: number): number {
    const off = this.arena.resolve(addr);
    const ext = this.arena.ext;
    this.peekExt = ext;
    this.peekOff = off;
    this.peekKeyLen = itemKeyLen(ext, off);
    return itemKeyOff(ext, off);
  }

  /** TYPE of the item of the last `peekKey`. */
  peekType(): number {
    return itemType(this.peekExt, this.peekOff);
  }

  /** True when the item of the last `peekKey` has an expire time at or before `now`. */
  peekExpired(): boolean {
    return itemExpired(this.peekExt, this.peekOff, this.now);
  }

  /** Points the current-item fields at `addr`. */
  private setCurrent(addr: number): void {
    this.addr = addr;
    this.off = this.arena.resolve(addr);
    this.ext = this.arena.ext;
  }

  /**
   * Looks a key up, deleting it first when it has expired (lazy expiry); no statistics, no access counting
   * (Redis's lookupKey with LOOKUP_NOTOUCH|LOOKUP_NOSTATS).
   */
  lookup(b: Uint8Array, o: number, l: number): boolean {
    if (!this.find(b, o, l)) return false;
    if (this.isExpired()) {
      // While clients are paused an expired key reads as missing but stays (Redis 7.0 expireIfNeeded).
      if (this.expiryPaused) return false;
      this.expireCurrent();
      return false;
    }
    return true;
  }

  /**
   * Looks a key up for writing (Redis lookupKeyWrite): lazy expiry, and the item's access counter and access
   * time are updated; no hit/miss statistics.
   */
  lookupWrite(b: Uint8Array, o: number, l: number): boolean {
    if (!this.lookup(b, o, l)) return false;
    this.touch();
    // A cold list (one of a few nodes: memory/tiers.ts) comes back to the hot tier before a write, as every written
    // item does (`storeAlloc`, `resizeValue` write hot), so that pushes never grow a list in the cold tier.
    if (this.ext.tier === TIER_COLD && this.isLarge() && this.type() === TYPE_LIST && !this.moveListTier(TIER_HOT)) {
      throw new ArenaFullError('cannot bring a cold list back to the hot tier');
    }
    return true;
  }

  /**
   * Looks a key up for reading (Redis lookupKeyRead): lazy expiry, keyspace_hits/misses and tier hits, and,
   * unless `noTouch` (EXISTS, TYPE, TTL, OBJECT), the access counter and access time.
   */
  lookupRead(b: Uint8Array, o: number, l: number, noTouch = false): boolean {
    if (!this.lookup(b, o, l)) {
      if ((this.events.flags & NOTIFY_KEY_MISS) !== 0) this.events.emit(NOTIFY_KEY_MISS, 'keymiss', b, o, l);
      this.stats.misses++;
      return false;
    }
    this.stats.hits++;
    const tier = this.ext.tier;
    this.stats.tierHits[tier]++;
    if (!noTouch) {
      this.touch();
      // The tier policy may promote the item (memory/tiers.ts); it stays the current item, the caller reads it there.
      if (tier === TIER_COLD && this.coldReadHook !== null) this.coldReadHook.onColdReadHit();
    }
    return true;
  }

  /** True when the current item's TTL has passed. */
  isExpired(): boolean {
    return itemExpired(this.ext, this.off, this.now);
  }

  /** Deletes the current (expired) item, counting it in expired_keys. */
  expireCurrent(): void {
    if ((this.events.flags & NOTIFY_EXPIRED) !== 0) this.events.emit(NOTIFY_EXPIRED, 'expired', this.ext.u8, this.keyOff(), this.keyLen());
    this.removeCurrent();
    this.stats.expired++;
  }

  /** Counts an access to the current item: LFU counter (with epoch reset) and access time. */
  touch(): void {
    const ext = this.ext;
    const off = this.off;
    setItemLfu(ext, off, lfuIncrement(itemLfu(ext, off, this.epoch), this.lfuLogFactor), this.epoch);
    setItemAtime(ext, off, (this.now / 1000) >>> 0);
  }

  // Accessors of the current item ---------------------------------------------------------------------------

  /** Flags byte of the current item. */
  flags(): number {
    return itemFlags(this.ext, this.off);
  }
  /** TYPE of the current item (TYPE_STRING, TYPE_HASH, TYPE_SET). */
  type(): number {
    return itemType(this.ext, this.off);
  }
  /**
   * True when the current item is a collection with aux chunks (a dict, skiplist or quicklist; pinned to the hot tier
   * unless a short list: `pinnedHot`).
   */
  isLarge(): boolean {
    return itemIsLarge(this.ext, this.off);
  }
  /**
   * True when the current item may not leave the hot tier (memory/tiers.ts): a collection with aux chunks (dict,
   * skiplist, quicklist), except a list of at most TIER_LIST_MAX_NODES nodes and TIER_LIST_MAX_BYTES node bytes,
   * which moves with its nodes (`moveListTier`) in bounded work.
   */
  pinnedHot(): boolean {
    if (!this.isLarge()) return false;
    if (this.type() !== TYPE_LIST) return true;
    const q = this.bindList();
    return q.nodes() > TIER_LIST_MAX_NODES || q.auxBytes() > TIER_LIST_MAX_BYTES;
  }

  /**
   * Moves the current item, a list (F_LARGE, TYPE_LIST), and its node chunks to `tier`, all or nothing: the item's
   * new chunk is taken first, then the nodes are moved (quicklist.ts `moveNodes`), then the item is copied byte for
   * byte (header, counter, access time, expire time, key, the list header now pointing at the new nodes) and its index
   * entry updated. O(nodes + node bytes): callers move lists of a few nodes only (`pinnedHot`), or, for a write,
   * lists that were demoted (hence that small). Requires `slot` to be valid.
   * @returns false (nothing changed) when the arena has no room in `tier`
   */
  moveListTier(tier: number): boolean {
    if (this.type() !== TYPE_LIST) return false; // other collections never leave the hot tier
    const arena = this.arena;
    const size = this.itemSize();
    let addr: number;
    try {
      addr = arena.alloc(size, tier);
    } catch (e) {
      if (e instanceof ArenaFullError) return false;
      throw e;
    }
    // The item's chunk may have moved the arena's current extent: bind the list again through the item.
    const q = this.bindList();
    if (!q.moveNodes(tier)) {
      arena.free(addr, size);
      return false;
    }
    this.copyTo(addr, size);
    return true;
  }

  /** Binds `list` to the current item's list header (the item must be a list) and returns it. */
  bindList(): QuickList {
    this.list.bind(this.ext, dictHeaderOff(this.valOff()));
    return this.list;
  }
  /** Binds `dict` to the current item's dict header (the item must be a large hash or set) and returns it. */
  bindDict(): ArenaDict {
    this.dict.bind(this.ext, dictHeaderOff(this.valOff()));
    return this.dict;
  }
  /** Binds `zset` (and `dict`) to the current item's header (the item must be a zset in the skiplist encoding). */
  bindZset(): ZSkiplist {
    this.zset.bind(this.ext, dictHeaderOff(this.valOff()));
    return this.zset;
  }
  /** True when the current item has an expire time. */
  hasTtl(): boolean {
    return itemHasTtl(this.ext, this.off);
  }
  /** Key length of the current item. */
  keyLen(): number {
    return itemKeyLen(this.ext, this.off);
  }
  /** Value length of the current item. */
  valLen(): number {
    return itemValLen(this.ext, this.off);
  }
  /** Offset of the current item's key bytes in `ext`. */
  keyOff(): number {
    return itemKeyOff(this.ext, this.off);
  }
  /** Offset of the current item's value bytes in `ext`. */
  valOff(): number {
    return itemValOff(this.ext, this.off);
  }
  /** Expire time of the current item in ms since the epoch, or 0 when it has none. */
  expireAt(): number {
    return itemExpireAt(this.ext, this.off);
  }
  /** Access counter of the current item (0 when its epoch is not the current one). */
  lfu(): number {
    return itemLfu(this.ext, this.off, this.epoch);
  }
  /**
   * Gives the current item the access counter and counter epoch of the (live) item at `srcOff` in `srcExt`, as they
   * are stored (RENAME keeps the source key's counter).
   */
  copyCounterFrom(srcExt: Extent, srcOff: number): void {
    setItemLfu(this.ext, this.off, itemLfuRaw(srcExt, srcOff), itemEpoch(srcExt, srcOff));
  }
  /** Last access time of the current item, seconds since the epoch. */
  atime(): number {
    return itemAtime(this.ext, this.off);
  }
  /** Size in bytes of the current item (header, TTL field, key and value). */
  itemSize(): number {
    return itemTotal(this.ext, this.off);
  }

  // -------------------------------------------------------------------------------------------------------
  // Mutation

  /**
   * Sets the value of the key of the last lookup (found or not), as SET does. The item goes to (or stays in) the
   * hot tier; an existing item is updated in place when the new size keeps its slab class and no unsent reply
   * references its bytes (extent.ts `pins`: copy-on-write for jumbo items being sent by reference).
   * @param vb,vo,vl value bytes
   * @param expireAt absolute expire time in ms, NO_TTL, or KEEP_TTL
   * @throws ArenaFullError (from the arena) when no memory can be had
   */
  store(vb: Uint8Array, vo: number, vl: number, expireAt: number): void {
    const voff = this.storeAlloc(vl, expireAt, 0);
    copyToExtent(vb, vo, this.ext, voff, vl);
  }

  /**
   * Like `store`, but leaves the value bytes to the caller: returns the offset in `this.ext.u8` where `vl` value
   * bytes must be written. `flagsExtra` may add F_RAW.
   */
  storeAlloc(vl: number, expireAt: number, flagsExtra: number): number {
    if (this.onWrite !== null) this.onWrite(this.kb, this.ko, this.kl);
    if (this.onAdd !== null) this.onAdd(this.kb, this.ko, this.kl, (flagsExtra & TYPE_MASK) >>> TYPE_SHIFT);
    const found = this.slot !== NOT_FOUND;
    const ttl = expireAt === KEEP_TTL ? (found ? this.expireAt() : 0) : expireAt;
    const hasTtl = ttl > 0;
    const kl = this.kl;
    const size = itemSize(kl, vl, hasTtl);
    const arena = this.arena;
    const newFlags = (hasTtl ? F_HAS_TTL : 0) | flagsExtra;
    if (found) {
      if (this.isLarge()) this.freeAux();
      const oldAddr = this.addr;
      const ext = this.ext;
      const off = this.off;
      const hadTtl = itemHasTtl(ext, off);
      const oldSize = itemSize(kl, this.valLen(), hadTtl);
      // A pinned (jumbo) extent is being sent by reference: copy-on-write (extent.ts `pins`).
      if (ext.tier === TIER_HOT && ext.pins === 0 && arena.sameChunkClass(oldAddr, size)) {
        const oldKo = keyOffFor(off, hadTtl);
        const ko = keyOffFor(off, hasTtl);
        if (oldKo !== ko) ext.u8.copyWithin(ko, oldKo, oldKo + kl);
        setItemFlags(ext, off, newFlags);
        setItemValLen(ext, off, vl);
        if (hasTtl) setItemExpireAt(ext, off, ttl);
        arena.resize(oldAddr, oldSize, size);
        if (hadTtl !== hasTtl) this.ttlChanged(oldAddr, hasTtl);
        return ko + kl;
      }
      return this.relocate(TIER_HOT, newFlags, vl, 0, ttl);
    }
    const addr = arena.alloc(size, TIER_HOT);
    const noff = arena.resolve(addr);
    const next = arena.ext;
    writeItemHeader(next, noff, newFlags, LFU_INIT_VAL, this.epoch, kl, vl, (this.now / 1000) >>> 0, ttl);
    const ko = keyOffFor(noff, hasTtl);
    copyToExtent(this.kb, this.ko, next, ko, kl);
    this.index.insert(this.h, addr, hasTtl);
    this.keys++;
    if ((this.events.flags & NOTIFY_NEW) !== 0) this.events.emit(NOTIFY_NEW, 'new', this.kb, this.ko, this.kl);
    if (hasTtl) {
      this.expires++;
      this.pageTtl[addr >>> CHUNK_BITS]++;
    }
    // The insert may have moved entries (rehash); find the slot again lazily only if a caller needs it.
    this.slot = NOT_FOUND;
    this.addr = addr;
    this.off = noff;
    this.ext = next;
    return ko + kl;
  }

  /**
   * Makes the current item's index slot valid again after `storeAlloc` created the key (its insert may have moved
   * entries, so it leaves no slot): a collection created empty is then written through `resizeValue`/`storeAlloc`,
   * which need it. O(1) expected.
   */
  refind(): void {
    this.slot = this.index.find(this.h, this);
  }

  /**
   * Grows or shrinks the current item's value to `newLen` bytes, keeping key, TTL, counter and the first
   * min(old, new) value bytes (APPEND, SETRANGE). In place when the chunk has room, the item is hot and no
   * unsent reply references its bytes (extent.ts `pins`); otherwise the item is moved to a new hot chunk.
   * @param addFlags flags added to the item's (F_RAW for strings; 0 for a collection's compact encoding)
   * @returns offset in `this.ext.u8` of the value bytes
   */
  resizeValue(newLen: number, addFlags = F_RAW): number {
    if (this.onWrite !== null) this.onWrite(this.ext.u8, this.keyOff(), this.keyLen());
    const ext = this.ext;
    const off = this.off;
    const flags = itemFlags(ext, off);
    const hasTtl = (flags & F_HAS_TTL) !== 0;
    const kl = this.keyLen();
    const oldLen = this.valLen();
    const oldSize = itemSize(kl, oldLen, hasTtl);
    const size = itemSize(kl, newLen, hasTtl);
    const arena = this.arena;
    const chunk = arena.chunkSizeOf(this.addr);
    if (ext.tier === TIER_HOT && ext.pins === 0 && size <= chunk && (size >= oldSize || !this.shrinkMoves(size, chunk))) {
      setItemValLen(ext, off, newLen);
      setItemFlags(ext, off, flags | addFlags);
      arena.resize(this.addr, oldSize, size);
      return this.valOff();
    }
    // A jumbo item that grows gets room to grow in place (Redis's sds greedy preallocation, sdsMakeRoomFor: the
    // size again, at most 1 MiB more), so a value edited up one insert at a time is not copied whole each time.
    const cap = size > oldSize && size > arena.classes.maxChunk ? size + Math.min(size, JUMBO_GROW_MAX) : 0;
    return this.relocate(TIER_HOT, flags | addFlags, newLen, Math.min(oldLen, newLen), -1, cap);
  }

  /**
   * True when an item shrinking to `size` bytes should move to a smaller chunk rather than keep its `chunk`-byte
   * one (so that memory a collection gave back is free, as Redis's realloc shrinks it): a slab chunk when `size`
   * belongs to a smaller slab class; a jumbo extent when `size` is under half of it (amortised: each byte shrunk is
   * copied O(1) times).
   */
  private shrinkMoves(size: number, chunk: number): boolean {
    const arena = this.arena;
    if (arena.isJumbo(this.addr)) return size < chunk >>> 1;
    return !arena.sameChunkClass(this.addr, size);
  }

  /**
   * Moves the current item to a new chunk in `tier` with the given flags and value length, copying header
   * fields, key and `keepVal` value bytes; the index entry is updated and the old chunk freed. Requires `slot` to
   * be valid. Returns the new value offset.
   * @param ttl expire time for the new chunk when newFlags has F_HAS_TTL (ms); by default the item's own
   * @param capacity bytes to allocate when more than the item needs (room for a jumbo item to grow in place)
   */
  relocate(tier: number, newFlags: number, newLen: number, keepVal: number, ttl = -1, capacity = 0): number {
    const arena = this.arena;
    const oldAddr = this.addr;
    const ext = this.ext;
    const off = this.off;
    const hadTtl = itemHasTtl(ext, off);
    const hasTtl = (newFlags & F_HAS_TTL) !== 0;
    const kl = this.keyLen();
    const oldLen = this.valLen();
    const oldSize = itemSize(kl, oldLen, hadTtl);
    if (ttl < 0) ttl = itemExpireAt(ext, off);
    const oldKo = keyOffFor(off, hadTtl);
    const newSize = itemSize(kl, newLen, hasTtl);
    let addr: number;
    if (capacity > newSize) {
      addr = arena.alloc(capacity, tier);
      arena.resize(addr, capacity, newSize);
    } else addr = arena.alloc(newSize, tier);
    const noff = arena.resolve(addr);
    const next = arena.ext;
    writeItemHeader(next, noff, newFlags, itemLfuRaw(ext, off), itemEpoch(ext, off), kl, newLen, itemAtime(ext, off), ttl);
    const ko = keyOffFor(noff, hasTtl);
    copyBytes(ext.u8, oldKo, next.u8, ko, kl + keepVal);
    this.index.setAddrAt(this.slot, addr);
    if (hadTtl) this.pageTtl[oldAddr >>> CHUNK_BITS]--;
    if (hasTtl) this.pageTtl[addr >>> CHUNK_BITS]++;
    if (hadTtl !== hasTtl) {
      this.expires += hasTtl ? 1 : -1;
      this.index.setTtlFlag(this.slot, hasTtl);
    }
    arena.free(oldAddr, oldSize);
    this.addr = addr;
    this.off = noff;
    this.ext = next;
    return ko + kl;
  }

  /**
   * Moves the current item, byte for byte (header, counter, access time, expire time, key, value), into a free
   * chunk of a page that its slab class of `tier` already has (arena `allocExisting`: no new page is taken); the
   * index entry then points at the new address and the old chunk is freed. Used by the page mover
   * (page-mover.ts) to empty a page without losing the item. Requires `slot` to be valid; not for jumbo items.
   * @returns false (nothing changed) when the class has no page with a free chunk
   */
  moveCurrent(tier: number): boolean {
    const arena = this.arena;
    // A collection with aux chunks moves only within its tier here (its aux chunks do not point at the item);
    // between tiers, a small list moves with its nodes through `moveListTier`, anything else stays hot (item.ts).
    if (tier !== this.ext.tier && this.isLarge()) return false;
    const size = this.itemSize();
    const addr = arena.allocExisting(size, tier);
    if (addr === 0) return false;
    this.copyTo(addr, size);
    return true;
  }

  /**
   * Copies the current item (`size` bytes: header, counter, access time, expire time, key, value) byte for byte to
   * the chunk at `addr`, points its index entry there, frees the old chunk and makes the copy current (moveCurrent,
   * moveListTier). Requires `slot` to be valid.
   */
  private copyTo(addr: number, size: number): void {
    const arena = this.arena;
    const oldAddr = this.addr;
    const ext = this.ext;
    const off = this.off;
    const noff = arena.resolve(addr);
    const next = arena.ext;
    copyBytes(ext.u8, off, next.u8, noff, size);
    this.index.setAddrAt(this.slot, addr);
    if (itemHasTtl(ext, off)) {
      this.pageTtl[oldAddr >>> CHUNK_BITS]--;
      this.pageTtl[addr >>> CHUNK_BITS]++;
    }
    arena.free(oldAddr, size);
    this.addr = addr;
    this.off = noff;
    this.ext = next;
  }

  /**
   * Sets (expireAt > 0) or removes (expireAt = 0) the TTL of the current item. Requires `slot` to be valid.
   */
  setExpire(expireAt: number): void {
    const ext = this.ext;
    const off = this.off;
    const flags = itemFlags(ext, off);
    const hadTtl = (flags & F_HAS_TTL) !== 0;
    const hasTtl = expireAt > 0;
    if (!hadTtl && !hasTtl) return;
    if (this.onWrite !== null) this.onWrite(ext.u8, this.keyOff(), this.keyLen());
    if (hadTtl && hasTtl) {
      setItemExpireAt(ext, off, expireAt);
      return;
    }
    const kl = this.keyLen();
    const vl = this.valLen();
    const oldSize = itemSize(kl, vl, hadTtl);
    const size = itemSize(kl, vl, hasTtl);
    // In place only when no unsent reply references the value (extent.ts `pins`: GETEX replies with the value by
    // reference before it changes the TTL, and shifting the bytes would change that reply).
    if (ext.pins === 0 && size <= this.arena.chunkSizeOf(this.addr)) {
      // Shift key and value by the size of the expire field, in place.
      const from = keyOffFor(off, hadTtl);
      ext.u8.copyWithin(keyOffFor(off, hasTtl), from, from + kl + vl);
      setItemFlags(ext, off, hasTtl ? flags | F_HAS_TTL : flags & ~F_HAS_TTL);
      if (hasTtl) setItemExpireAt(ext, off, expireAt);
      this.arena.resize(this.addr, oldSize, size);
      this.ttlChanged(this.addr, hasTtl);
      return;
    }
    this.relocate(ext.tier, hasTtl ? flags | F_HAS_TTL : flags & ~F_HAS_TTL, vl, vl, expireAt);
  }

  private ttlChanged(addr: number, hasTtl: boolean): void {
    this.pageTtl[addr >>> CHUNK_BITS] += hasTtl ? 1 : -1;
    this.expires += hasTtl ? 1 : -1;
    this.index.setTtlFlag(this.slot, hasTtl);
  }

  /**
   * Told about every key removed (delete, expiry, eviction) while set: the server sets it only while some client
   * WATCHes keys, so the common path pays one null check.
   */
  onRemove: ((b: Uint8Array, o: number, l: number) => void) | null = null;
  /**
   * Told, while set (as `onRemove`), about every write to a key's value or expire time through `store`,
   * `storeAlloc`, `resizeValue` and `setExpire` (a PERSIST of a key without TTL writes nothing); moves between
   * tiers and slab pages are not writes.
   */
  onWrite: ((b: Uint8Array, o: number, l: number) => void) | null = null;
  /**
   * Told, while set, about every key created or overwritten through `storeAlloc`, with the new value's type (Redis
   * signalKeyAsReady in dbAdd): the server sets it only while clients are blocked on keys (core/blocking.ts).
   */
  onAdd: ((b: Uint8Array, o: number, l: number, type: number) => void) | null = null;
  /** Keyspace notifications (server/pubsub/notify.ts): new keys, expiries, read misses; flags 0 when off. */
  events: KeyEventSink = NO_KEY_EVENTS;

  /**
   * Frees the aux chunks (table, elements) of the current item, a large collection: O(elements), as Redis frees a
   * big collection synchronously unless lazyfree is on. The item itself is left to the caller.
   */
  private freeAux(): void {
    if (this.type() === TYPE_LIST) this.bindList().freeAll();
    else if (this.type() === TYPE_ZSET) this.bindZset().freeAll();
    else this.bindDict().freeAll();
  }

  /**
   * Deletes the current item (requires a valid `slot`); a large collection's elements too, unless `keepAux` (RENAME
   * moved its dict header to another item).
   */
  removeCurrent(keepAux = false): void {
    if (this.onRemove !== null) this.onRemove(this.ext.u8, this.keyOff(), this.keyLen());
    if (!keepAux && this.isLarge()) this.freeAux();
    const addr = this.addr;
    const size = this.itemSize();
    if (this.hasTtl()) {
      this.expires--;
      this.pageTtl[addr >>> CHUNK_BITS]--;
    }
    this.index.removeAt(this.slot);
    this.arena.free(addr, size);
    this.keys--;
    this.slot = NOT_FOUND;
  }

  /** Deletes a key. @returns true when it existed (and had not expired). */
  delete(b: Uint8Array, o: number, l: number): boolean {
    // Not lookupWrite: a cold list is deleted where it is (no promotion first).
    if (!this.lookup(b, o, l)) return false;
    this.touch();
    this.removeCurrent();
    return true;
  }

  /**
   * Copies a value into the current item's value (sized `vl` already by `storeAlloc`), from another item's value at
   * (srcExt, srcValOff): bytes as they are, except a large collection's dict header, which is moved to its aligned
   * place (dict.ts `dictHeaderOff`). The aux chunks are not copied: the caller gives them to the new item (RENAME
   * with `removeCurrent(true)` on the old one).
   */
  copyValueFrom(srcExt: Extent, srcValOff: number, vl: number, srcLarge: boolean): void {
    const dst = this.valOff();
    if (!srcLarge) {
      this.ext.u8.set(srcExt.u8.subarray(srcValOff, srcValOff + vl), dst);
      return;
    }
    const from = dictHeaderOff(srcValOff);
    const len = this.type() === TYPE_LIST ? QL_HEADER : this.type() === TYPE_ZSET ? ZSET_HEADER : DICT_HEADER;
    this.ext.u8.set(srcExt.u8.subarray(from, from + len), dictHeaderOff(dst));
  }

  /**
   * Like `copyValueFrom`, but a large collection gets a copy of its own of every element (COPY): O(elements).
   * @throws ArenaFullError when the arena cannot hold the copy
   */
  cloneValueFrom(srcExt: Extent, srcValOff: number, vl: number, srcLarge: boolean): void {
    if (!srcLarge) {
      this.copyValueFrom(srcExt, srcValOff, vl, false);
      return;
    }
    if (this.type() === TYPE_LIST) {
      this.list.bind(srcExt, dictHeaderOff(srcValOff));
      this.list.cloneTo(this.ext, dictHeaderOff(this.valOff()));
      return;
    }
    if (this.type() === TYPE_ZSET) {
      this.zset.bind(srcExt, dictHeaderOff(srcValOff));
      this.zset.cloneTo(this.ext, dictHeaderOff(this.valOff()));
      return;
    }
    this.dict.bind(srcExt, dictHeaderOff(srcValOff));
    this.dict.cloneTo(this.ext, dictHeaderOff(this.valOff()));
  }

  /**
   * Keys held by `tier`: the cold tier's chunks that are not aux chunks (a cold list's nodes), and the rest of the
   * keys for the hot tier.
   */
  tierKeys(tier: number): number {
    const cold = this.arena.tierItems[TIER_COLD] - this.arena.tierAux[TIER_COLD];
    return tier === TIER_COLD ? cold : this.keys - cold;
  }

  /** Bytes the current item holds outside its own chunk: a large collection's aux chunks (MEMORY USAGE). */
  auxBytes(): number {
    if (!this.isLarge()) return 0;
    return this.type() === TYPE_LIST ? this.bindList().auxBytes() : this.bindDict().auxBytes(); // a zset's dict counts its nodes and header node
  }

  /** Makes the item at encoded slot `slot` current (for iteration and sampling). @returns false for a dead entry */
  loadSlot(slot: number): boolean {
    const addr = this.index.addrAt(slot);
    if (!this.arena.isLive(addr)) return false;
    this.slot = slot;
    this.setCurrent(addr);
    // Keep the key reference pointing at the item itself so that store/relocate can copy it.
    this.kb = this.ext.u8;
    this.ko = this.keyOff();
    this.kl = this.keyLen();
    return true;
  }

  /** Removes every key. O(extents), whatever the number of keys. @returns bytes of arena released */
  flush(): number {
    const freed = this.arena.dropTier(TIER_HOT).freedBytes + this.arena.dropTier(TIER_COLD).freedBytes;
    this.index.clear();
    this.arena.reclaimDeadPages();
    this.forgetCurrent();
    this.list.forget(this.arena.ext);
    this.pageTtl.fill(0);
    this.keys = 0;
    this.expires = 0;
    this.avgTtlMs = 0;
    this.deadEntries = 0;
    this.slot = NOT_FOUND;
    return freed;
  }

  /**
   * Drops a whole tier in one shot (MIGRATE_PREPARE): O(pages of the tier). Keys and TTL counts are corrected at
   * once; index entries pointing into the tier become dead and are removed later by `activeCycle` or a rehash.
   * @returns dropped keys and released bytes
   */
  dropTier(tier: number): { keys: number; freedBytes: number; residentBytes: number; extents: number } {
    let ttlDropped = 0;
    const arena = this.arena;
    for (const ext of arena.extentsOf(tier)) {
      for (let i = 0; i < ext.pageCount; i++) {
        ttlDropped += this.pageTtl[ext.firstPage + i];
        this.pageTtl[ext.firstPage + i] = 0;
      }
    }
    const r = arena.dropTier(tier);
    this.forgetCurrent();
    this.list.forget(this.arena.ext); // no view of a dropped extent (a cold list's) may stay reachable
    this.keys -= r.items;
    this.expires -= ttlDropped;
    this.deadEntries += r.items;
    if (this.deadEntries === 0) arena.reclaimDeadPages();
    return { keys: r.items, freedBytes: r.freedBytes, residentBytes: r.residentBytes, extents: r.extents };
  }

  /**
   * Drops the reference to the key bytes of the last lookup when they are not the current item's own (i.e. they are
   * a command's argument buffer), so that the buffer can be collected once the command ran. The current item
   * (`slot`, `addr`, `ext`) stays; a `store`/`remove` needs a new lookup afterwards. O(1).
   */
  releaseKeyRef(): void {
    // `ext` is null until the first item is current.
    const ext = this.ext as Extent | null;
    if (this.kb === EMPTY_U8 || (ext !== null && this.kb === ext.u8)) return;
    this.kb = EMPTY_U8;
    this.ko = 0;
    this.kl = 0;
  }

  /**
   * Forgets the current item and key after extents were released: `kb` may be a view into a dropped extent, and
   * any live view keeps its SharedArrayBuffer (and its RAM) from being collected.
   */
  private forgetCurrent(): void {
    this.kb = EMPTY_U8;
    this.ko = 0;
    this.kl = 0;
    this.slot = NOT_FOUND;
    this.addr = 0;
    this.off = 0;
    this.ext = this.arena.ext; // the arena's placeholder: its dropTier ran
  }

  private deadEntryGone(): void {
    if (--this.deadEntries === 0) this.arena.reclaimDeadPages();
  }

  /** Removes an index entry that points into a dropped page (found by `loadSlot` returning false). */
  removeDeadSlot(slot: number): void {
    this.index.removeAt(slot);
    this.deadEntryGone();
  }

  // -------------------------------------------------------------------------------------------------------
  // Background work

  /**
   * One slice of the keyspace's background cycle: walks index slots from a persistent cursor, deleting expired
   * items (active expiry) and dead entries (dropped pages), for at most `budgetMs` ms or `maxSlots` slots.
   * Only items whose entry carries the TTL flag are read, so most slots cost one typed-array read.
   * @returns number of keys expired
   */
  activeCycle(budgetMs: number, maxSlots: number): number {
    const index = this.index;
    const arena = this.arena;
    const deadline = performance.now() + budgetMs;
    // Redis: a database without volatile keys gets avg_ttl = 0 and is skipped.
    if (this.expires === 0) this.avgTtlMs = 0;
    let expired = 0;
    let ttlSum = 0;
    let ttlSeen = 0;
    let pos = this.cycleCursor;
    let n = 0;
    while (n < maxSlots) {
      const total = index.positions();
      if (pos >= total) pos = 0;
      const slot = index.slotAtPosition(pos);
      n++;
      if (slot !== NOT_FOUND) {
        const addr = index.addrAt(slot);
        if (!arena.isLive(addr)) {
          this.removeDeadSlot(slot);
          continue; // backward shift may have moved another entry here
        }
        if ((index.hashWordAt(slot) & TTL_BIT) !== 0) {
          this.slot = slot;
          this.setCurrent(addr);
          if (this.isExpired()) {
            this.expireCurrent();
            expired++;
            continue;
          }
          const ttl = this.expireAt() - this.now;
          if (ttl > 0) {
            // Redis samples only positive TTLs; the sum of float64 ms stays well within range (no int64 wrap).
            ttlSum += ttl;
            ttlSeen++;
          }
        }
      }
      pos++;
      if ((n & 255) === 0 && performance.now() >= deadline) break;
    }
    this.cycleCursor = pos;
    if (ttlSeen > 0) {
      const mean = Math.trunc(ttlSum / ttlSeen);
      // Redis: if (avg_ttl == 0) avg_ttl = mean; avg_ttl = (avg_ttl/50)*49 + mean/50, in long long arithmetic.
      const prev = this.avgTtlMs === 0 ? mean : this.avgTtlMs;
      this.avgTtlMs = Math.trunc(prev / 50) * 49 + Math.trunc(mean / 50);
    }
    if (this.expires === 0) this.avgTtlMs = 0;
    return expired;
  }

  /** Memory counted as used (bytes): chunks in use in the arena plus the index's arrays. */
  usedMemory(): number {
    return this.arena.usedBytes() + this.index.bytes();
  }
}
