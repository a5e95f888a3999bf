/**
 * The keyspace's hash index: open addressing with linear probing, stored in two typed arrays per table
 * (no JS Map, no JS string keys). A slot holds an item address (see allocator/arena.ts) and the key's 31-bit
 * hash; bit 31 of the hash word flags "this item has a TTL", so the active expire cycle can find candidates by
 * reading only the index.
 *
 * - Lookups compare the stored hash first and ask a `KeyMatcher` to compare key bytes in the arena only on a hash
 *   match.
 * - Deletion uses backward-shift (no tombstones in the current table), so probe chains never degrade.
 * - Resizing is incremental, as Redis's dict does (src/dict.c `_dictRehashStep`): growing or shrinking allocates
 *   a new table and moves a few old slots on every insert plus a time-boxed batch from the server's cron, so no
 *   command pays for a whole rehash. While rehashing, lookups look in both tables; the old table marks moved or
 *   deleted slots with a tombstone so its probe chains stay intact until it is dropped.
 * - SCAN walks "ideal buckets" (hash & mask) with Redis's reverse-binary cursor (dict.c `dictScan`), which
 *   survives resizes: every key present for the whole iteration is returned at least once.
 *
 * Slots are returned encoded: `s >= 0` is slot s of the current table, `s <= -2` is slot (-2 - s) of the old
 * table being rehashed, -1 means not found. An encoded slot is valid until the next mutation of the index.
 */

/** Empty slot marker (address 0 is never a valid item). */
export const EMPTY = 0;
/** Tombstone marker in the old table during a rehash (equals arena's TOMBSTONE_ADDR). */
export const TOMB = 0xffffffff;
/** Mask of the hash bits kept in a slot. */
export const HASH_MASK = 0x7fffffff;
/** Flag bit in the hash word: the item has a TTL. */
export const TTL_BIT = 0x80000000;
/** Not-found result of `find`. */
export const NOT_FOUND = -1;

const MIN_CAPACITY = 1024;
const MAX_LOAD = 0.75;
/** Highest load tolerated when growing is vetoed (maxmemory): linear probing degrades quickly above it. */
const MAX_LOAD_HARD = 0.9;
const MIN_LOAD = 0.1;
/** Old-table slots moved per insert/delete while rehashing. */
const REHASH_SLOTS_PER_OP = 16;

/** Compares the key being looked up with the key of the item at an address. */
export interface KeyMatcher {
  /** True when the item at `addr` has the key currently being looked up. */
  matches(addr: number): boolean;
}

/** One open-addressing table. */
class Table {
  readonly mask: number;
  readonly addrs: Uint32Array;
  readonly hashes: Uint32Array;
  /** Slots holding an entry (not EMPTY, not TOMB). */
  used = 0;
  constructor(readonly cap: number) {
    this.mask = cap - 1;
    this.addrs = new Uint32Array(cap);
    this.hashes = new Uint32Array(cap);
  }
}

/** The hash index. */
export class HashIndex {
  private t: Table;
  private old: Table | null = null;
  private rehashPos = 0;
  /** Called for each entry the rehash moves or drops; returning false drops the entry (e.g. dead page). */
  private keepEntry: ((addr: number) => boolean) | null = null;
  /**
   * Asked before growing, with the bytes the new table would add: false postpones the growth while the load stays
   * under MAX_LOAD_HARD (Redis's dictExpandAllowed keeps a dict from pushing memory over maxmemory the same way).
   */
  expandAllowed: ((moreBytes: number) => boolean) | null = null;
  /** Bytes of tables dropped since the owner last reset this (freed once V8 collects them). */
  releasedBytes = 0;

  /**
   * @param initialCapacity slots of the first table (rounded up to a power of two, at least 1024)
   * @param keepEntry optional filter applied while rehashing: entries for which it returns false are dropped
   *   instead of moved (used to shed references to dropped extents); `onDrop` is then told.
   * @param onDrop called with the address of each entry the filter dropped
   */
  constructor(
    initialCapacity = MIN_CAPACITY,
    keepEntry?: (addr: number) => boolean,
    private readonly onDrop?: (addr: number, hashWord: number) => void,
  ) {
    this.t = new Table(pow2AtLeast(Math.max(MIN_CAPACITY, initialCapacity)));
    this.keepEntry = keepEntry ?? null;
  }

  /** Entries in the index (both tables). */
  get size(): number {
    return this.t.used + (this.old !== null ? this.old.used : 0);
  }

  /** Slot capacity of the current table. */
  get capacity(): number {
    return this.t.cap;
  }

  /** True while an incremental rehash is in progress. */
  get rehashing(): boolean {
    return this.old !== null;
  }

  /** Bytes held by the index's typed arrays (both tables). */
  bytes(): number {
    return this.t.cap * 8 + (this.old !== null ? this.old.cap * 8 : 0);
  }

  // -------------------------------------------------------------------------------------------------------
  // Lookup

  /**
   * Finds the entry whose hash is `h` (31 bits) and whose key the matcher accepts.
   * @returns encoded slot, or NOT_FOUND
   */
  find(h: number, m: KeyMatcher): number {
    let t = this.t;
    let mask = t.mask;
    let addrs = t.addrs;
    let hashes = t.hashes;
    let i = h & mask;
    for (;;) {
      const a = addrs[i];
      if (a === EMPTY) break;
      if ((hashes[i] & HASH_MASK) === h && m.matches(a)) return i;
      i = (i + 1) & mask;
    }
    const o = this.old;
    if (o === null) return NOT_FOUND;
    t = o;
    mask = t.mask;
    addrs = t.addrs;
    hashes = t.hashes;
    i = h & mask;
    for (;;) {
      const a = addrs[i];
      if (a === EMPTY) return NOT_FOUND;
      if (a !== TOMB && (hashes[i] & HASH_MASK) === h && m.matches(a)) return -2 - i;
      i = (i + 1) & mask;
    }
  }

  /** Address stored at an encoded slot. */
  addrAt(slot: number): number {
    return slot >= 0 ? this.t.addrs[slot] : (this.old as Table).addrs[-2 - slot];
  }

  /** Hash word (hash | TTL_BIT) stored at an encoded slot. */
  hashWordAt(slot: number): number {
    return slot >= 0 ? this.t.hashes[slot] : (this.old as Table).hashes[-2 - slot];
  }

  /** Replaces the address at an encoded slot (the key is unchanged). */
  setAddrAt(slot: number, addr: number): void {
    if (slot >= 0) this.t.addrs[slot] = addr;
    else (this.old as Table).addrs[-2 - slot] = addr;
  }

  /** Sets or clears the TTL flag of the entry at an encoded slot. */
  setTtlFlag(slot: number, on: boolean): void {
    const hs = slot >= 0 ? this.t.hashes : (this.old as Table).hashes;
    const i = slot >= 0 ? slot : -2 - slot;
    hs[i] = on ? (hs[i] | TTL_BIT) >>> 0 : hs[i] & HASH_MASK;
  }

  // -------------------------------------------------------------------------------------------------------
  // Mutation

  /**
   * Inserts an entry for a key that is not in the index (the caller looked it up first).
   * @param h 31-bit hash
   * @param addr item address (not 0, not TOMB)
   * @param ttl whether the item has a TTL
   */
  insert(h: number, addr: number, ttl: boolean): void {
    if (this.old !== null) this.rehashSlots(REHASH_SLOTS_PER_OP);
    let t = this.t;
    if (t.used + 1 > t.cap * MAX_LOAD && (t.used + 1 > t.cap * MAX_LOAD_HARD || this.growAllowed(t.cap * 2))) {
      if (this.old !== null) this.rehashSlots(Infinity);
      this.startRehash(t.cap * 2);
      t = this.t;
    }
    const mask = t.mask;
    let i = h & mask;
    const addrs = t.addrs;
    while (addrs[i] !== EMPTY) i = (i + 1) & mask;
    addrs[i] = addr;
    t.hashes[i] = ttl ? (h | TTL_BIT) >>> 0 : h;
    t.used++;
  }

  /** Removes the entry at an encoded slot. Encoded slots obtained before this call become invalid. */
  removeAt(slot: number): void {
    if (slot < 0) {
      const o = this.old as Table;
      o.addrs[-2 - slot] = TOMB;
      o.used--;
    } else {
      this.backshiftDelete(this.t, slot);
    }
    if (this.old !== null) this.rehashSlots(REHASH_SLOTS_PER_OP);
    else this.maybeShrink();
  }

  private growAllowed(newCap: number): boolean {
    return this.expandAllowed === null || this.expandAllowed(newCap * 8);
  }

  /** Backward-shift deletion (linear probing without tombstones). */
  private backshiftDelete(t: Table, slot: number): void {
    const mask = t.mask;
    const addrs = t.addrs;
    const hashes = t.hashes;
    let i = slot;
    let j = (i + 1) & mask;
    for (;;) {
      const a = addrs[j];
      if (a === EMPTY) break;
      const ideal = hashes[j] & mask;
      // The entry at j may move back to i when i lies cyclically within [ideal, j).
      if (((j - ideal) & mask) >= ((j - i) & mask)) {
        addrs[i] = a;
        hashes[i] = hashes[j];
        i = j;
      }
      j = (j + 1) & mask;
    }
    addrs[i] = EMPTY;
    hashes[i] = 0;
    t.used--;
  }

  private maybeShrink(): void {
    const t = this.t;
    if (t.cap > MIN_CAPACITY && t.used < t.cap * MIN_LOAD) {
      this.startRehash(Math.max(MIN_CAPACITY, pow2AtLeast(Math.ceil(t.used / 0.4))));
    }
  }

  /** Accounts for a table the index no longer uses (freed once V8 collects it). */
  private retire(t: Table): void {
    this.releasedBytes += t.cap * 8;
  }

  private startRehash(newCap: number): void {
    this.old = this.t;
    this.t = new Table(newCap);
    this.rehashPos = 0;
  }

  /**
   * Moves up to `maxSlots` slots of the old table into the current one.
   * @returns true when no rehash remains in progress
   */
  rehashSlots(maxSlots: number): boolean {
    const o = this.old;
    if (o === null) return true;
    const t = this.t;
    const keep = this.keepEntry;
    let pos = this.rehashPos;
    const end = Math.min(o.cap, pos + maxSlots);
    const mask = t.mask;
    for (; pos < end; pos++) {
      const a = o.addrs[pos];
      if (a === EMPTY || a === TOMB) continue;
      const hw = o.hashes[pos];
      o.addrs[pos] = TOMB;
      o.used--;
      if (keep !== null && !keep(a)) {
        if (this.onDrop !== undefined) this.onDrop(a, hw);
        continue;
      }
      let i = hw & HASH_MASK & mask;
      while (t.addrs[i] !== EMPTY) i = (i + 1) & mask;
      t.addrs[i] = a;
      t.hashes[i] = hw;
      t.used++;
    }
    this.rehashPos = pos;
    if (pos >= o.cap) {
      this.retire(o);
      this.old = null;
      this.maybeShrink();
      return this.old === null;
    }
    return false;
  }

  /**
   * Rehashes for up to `budgetMs` milliseconds (server cron), in batches of 1024 slots.
   * @returns true when no rehash remains in progress
   */
  rehashFor(budgetMs: number): boolean {
    if (this.old === null) {
      this.maybeShrink();
      if (this.old === null) return true;
    }
    const deadline = performance.now() + budgetMs;
    while (!this.rehashSlots(1024)) {
      if (performance.now() >= deadline) return false;
    }
    return true;
  }

  /**
   * Starts an incremental shrink to the capacity `live` entries need (at most 40 % full), e.g. after a tier drop
   * left the table sized for keys that no longer exist (its dead entries are dropped as the rehash meets them); the
   * owner's cron moves it along (`rehashFor`).
   * @returns false (nothing started) while another rehash is in progress or when the table is not larger
   */
  shrinkFor(live: number): boolean {
    if (this.old !== null) return false;
    const cap = Math.max(MIN_CAPACITY, pow2AtLeast(Math.ceil(live / 0.4)));
    if (cap >= this.t.cap) return false;
    this.startRehash(cap);
    return true;
  }

  /** Removes every entry and returns to the minimum capacity. */
  clear(): void {
    this.retire(this.t);
    if (this.old !== null) this.retire(this.old);
    this.t = new Table(MIN_CAPACITY);
    this.old = null;
    this.rehashPos = 0;
  }

  // -------------------------------------------------------------------------------------------------------
  // Iteration

  /**
   * Number of physical slots to iterate with `slotAtPosition` (current table, then old table).
   * Positions are stable only while the index is not mutated.
   */
  positions(): number {
    return this.t.cap + (this.old !== null ? this.old.cap : 0);
  }

  /**
   * Encoded slot at an iteration position, or NOT_FOUND when that position holds no entry.
   */
  slotAtPosition(pos: number): number {
    const t = this.t;
    if (pos < t.cap) {
      return t.addrs[pos] !== EMPTY ? pos : NOT_FOUND;
    }
    const o = this.old;
    if (o === null) return NOT_FOUND;
    const i = pos - t.cap;
    if (i >= o.cap) return NOT_FOUND;
    const a = o.addrs[i];
    return a !== EMPTY && a !== TOMB ? -2 - i : NOT_FOUND;
  }

  /**
   * A random occupied slot, or NOT_FOUND when the index is empty. Picks a random position and walks forward
   * to the next entry (biased towards entries after long gaps, as Redis's dictGetRandomKey is biased by
   * chain length).
   */
  randomSlot(): number {
    if (this.size === 0) return NOT_FOUND;
    const o = this.old;
    if (o !== null && o.used > 0 && Math.random() * this.size < o.used) {
      // Entries of the old table only remain at or after rehashPos: start there, or the walk would cross the
      // already-moved part, O(rehashPos) slots per sample (that made eviction during a rehash crawl).
      const from = this.rehashPos;
      const span = o.cap - from;
      let i = from + ((Math.random() * span) | 0);
      for (let n = 0; n < span; n++) {
        const a = o.addrs[i];
        if (a !== EMPTY && a !== TOMB) return -2 - i;
        if (++i === o.cap) i = from;
      }
    }
    const t = this.t;
    if (t.used === 0) return NOT_FOUND;
    let i = (Math.random() * t.cap) | 0;
    for (;;) {
      if (t.addrs[i] !== EMPTY) return i;
      i = (i + 1) & t.mask;
    }
  }

  /**
   * One SCAN step: calls `emit(slot)` for every entry of the ideal bucket(s) designated by `cursor` and
   * returns the next cursor (0 when the iteration is complete). Reverse-binary cursor increment as Redis's
   * dictScan, applied to ideal buckets (hash & mask): an entry is always found in the probe run that starts at
   * its ideal bucket, whatever shifts deletions made.
   */
  scan(cursor: number, emit: (slot: number) => void): number {
    let v = cursor >>> 0;
    const o = this.old;
    if (o === null) {
      scanBucket(this.t, v & this.t.mask, emit, false);
      return revIncrement(v, this.t.mask);
    }
    const small = o.cap <= this.t.cap ? o : this.t;
    const large = small === o ? this.t : o;
    scanBucket(small, v & small.mask, emit, small === o);
    do {
      scanBucket(large, v & large.mask, emit, large === o);
      v = revIncrement(v, large.mask);
    } while ((v & (small.mask ^ large.mask)) !== 0);
    return v;
  }
}

function scanBucket(t: Table, b: number, emit: (slot: number) => void, isOld: boolean): void {
  const mask = t.mask;
  let i = b;
  for (let n = 0; n <= mask; n++) {
    const a = t.addrs[i];
    if (a === EMPTY) return;
    if (a !== TOMB && (t.hashes[i] & mask) === b) emit(isOld ? -2 - i : i);
    i = (i + 1) & mask;
  }
}

/** Reverse-binary increment of a cursor over a table of mask+1 buckets (Redis dict.c). */
export function revIncrement(v: number, mask: number): number {
  v = (v | ~mask) >>> 0;
  v = rev32(v);
  v = (v + 1) >>> 0;
  v = rev32(v);
  return v >>> 0;
}

function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}

/** Smallest power of two ≥ n (n ≥ 1). */
export function pow2AtLeast(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}
