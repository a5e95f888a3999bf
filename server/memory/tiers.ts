/**
 * The hot and cold tiers: what is counted, how victims are chosen, and what a slice of tier work may do.
 *
 * **Tiers.** Every extent of the arena belongs to one tier. The hot tier's capacity is `hot-ratio` of `maxmemory`;
 * the cold tier gets the rest. With `maxmemory 0` (no limit, Redis's default) the hot tier is unlimited too, so
 * nothing is demoted and MIGRATE_PREPARE has nothing to drop: set maxmemory to use the tiers. New and updated items are written to the hot tier (keyspace.ts `storeAlloc`); cold
 * items live in cold extents only, packed by slab class, so dropping the cold tier frees whole extents.
 *
 * **What is counted.** Each read or write of an item bumps its 8-bit logarithmic LFU counter (Redis's
 * `LFULogIncr`, src/evict.c; lfu.ts). Counters are reset every `tier-counter-reset-ms` in O(1): the cron's `tick`
 * here advances a global epoch and a counter written in an older epoch reads as 0 (the paper's periodic reset,
 * without a scan).
 *
 * **Choosing victims (demotion).** When the hot tier holds more than its capacity, the least-used hot items move
 * to the cold tier. Victims are found by a CLOCK hand (arena.ts `clockNext`) that walks the hot tier's slab pages
 * chunk by chunk, cyclically: the first item whose counter is at most the demotion level (the rounded average
 * counter of recent victims) is demoted; if none of CLOCK_WINDOW items is that low, the least used of them is.
 * The level follows the victims, so the hand keeps demoting the low end of the counters (CLOCK page replacement
 * with an LFU threshold; memcached's LRU maintainer likewise only moves items it meets at its queues' tails).
 * Nothing walks the keyspace: one demotion looks at CLOCK_WINDOW items at most, in sequential memory. A jumbo item
 * is demoted by re-tagging its extent (O(1)); any other item is copied into a cold chunk and its index entry
 * updated.
 *
 * **Collections.** A hash, set or sorted set in a compact encoding (listpack, intset) is one item and tiers exactly
 * as a string. One in the hashtable or skiplist encoding (item.ts: a header plus aux chunks) is **pinned hot**: its
 * elements are spread over many chunks, so moving it would not be a bounded slice, and it is above Redis's
 * thresholds (128/512 elements by default) so its accesses are spread too. The CLOCK hand skips aux chunks and a
 * victim that is pinned is passed over; MIGRATE_PREPARE therefore never drops one. (The trade-off: a big cold hash
 * stays in the hot tier's budget; a future step could demote large collections element by element in slices.)
 *
 * **Lists** have no compact encoding (a list is always a quicklist: an item plus node chunks), so a short list tiers
 * with its nodes: a list of at most TIER_LIST_MAX_NODES nodes and TIER_LIST_MAX_BYTES node bytes (quicklist.ts;
 * 2 nodes, 16 KiB: a few hundred short elements) is demoted and promoted as one unit (keyspace.ts `moveListTier`:
 * the item and each node copied to the other tier, all or nothing, so each move is bounded work), and its node
 * chunks always live in its item's tier (the quicklist allocates there). A longer list is pinned hot as above. A
 * cold list is read where it is (LRANGE, LINDEX, LLEN; a blocked BLPOP being served pops it in place, which only
 * frees); a write lookup (keyspace.ts `lookupWrite`: pushes, pops, LSET, LINSERT, LREM, LTRIM, the moves, RENAME)
 * brings it back to the hot tier first, as every write does for a string, so a list never grows in the cold tier
 * and every cold list stays small. DEL, expiry and eviction free a cold list's nodes where they
 * are; MIGRATE_PREPARE drops it whole with the cold extents (nothing hot points into them), and the dropped count
 * is of keys (arena.ts `dropTier` leaves out aux chunks; INFO cold_keys likewise, arena `tierAux`).
 *
 * **Promotion.** A read hit on a cold item whose counter is PROMOTE_MARGIN levels above the demotion level moves
 * it back to the hot tier right then (`onColdReadHit`, called by keyspace.ts `lookupRead`), one item per access: it
 * must be used clearly more
 * than the items being pushed out (TinyLFU's admission rule), so items do not bounce between the tiers on a
 * workload without locality.
 *
 * **A slice of work.** After each command, when the hot tier is over capacity, at most `tier-work-budget-us`
 * (default 100 µs) of demotions run — the clock is read every few demotions, and a slice never demotes more than
 * `MAX_DEMOTIONS_PER_SLICE` items. When work remains, further slices run from `setImmediate` while the server is
 * otherwise idle, so no command ever waits for more than one slice (the bounded-work pattern of Redis's
 * performEvictions + eviction time proc, and memcached's LRU maintainer with its per-pass limit of moves).
 * `tier_work_max_us` reports the longest slice since start.
 */
import { TIER_COLD, TIER_HOT } from '../../allocator/arena.js';
import { itemLfu } from '../../allocator/item.js';
import type { Config } from '../config/config.js';
import type { ColdReadHook, Keyspace } from '../keyspace/keyspace.js';
import { LFU_INIT_VAL } from '../keyspace/lfu.js';
import { SliceStats } from './work-slice.js';
import type { LatencyMonitor } from '../core/latency-monitor.js';

/**
 * Counter levels above the recent demotion level that a cold item needs to be promoted: it must be used clearly
 * more than what is being pushed out (TinyLFU's admission rule, Einziger et al., ACM ToS 2017, with the typical
 * victim's frequency standing for the victim's), or a workload without locality would swap items between the
 * tiers on almost every read.
 */
export const PROMOTE_MARGIN = 2;
/** Upper bound of demotions in one slice, whatever the time budget says. */
export const MAX_DEMOTIONS_PER_SLICE = 1024;
/** Hot items the CLOCK hand looks at, at most, to find one victim at or below the demotion level. */
export const CLOCK_WINDOW = 128;
/** Weight of the newest demoted counter in the demotion level's moving average. */
const LEVEL_ALPHA = 0.05;

/** Tier statistics (INFO tiers). */
export class TierStats extends SliceStats {
  promotions = 0;
  demotions = 0;
  /** Epoch advances since start (counter resets). */
  counterResets = 0;
}

/**
 * The tier policy: moves items between the tiers (demotion in slices, promotion on a read hit), owns the counter
 * epoch and migration mode's pause. One per server.
 */
export class TierManager implements ColdReadHook {
  readonly stats = new TierStats();
  /** Exponential moving average of the counters of demoted items (new items start at LFU_INIT_VAL). */
  demoteLevel = LFU_INIT_VAL;
  /** While true (migration mode), nothing is demoted: the cold tier must not refill. */
  paused = false;
  /**
   * Bytes the hot tier held when migration mode began. The hot tier can be over its capacity then, when collections
   * pinned hot (item.ts, the hashtable encoding) fill it: migration mode keeps what is there and evicts only for growth.
   */
  pausedHotFloor = 0;
  /**
   * A read hit on a cold item whose counter reaches this value promotes the item to the hot tier (256: promotion
   * off). Follows the demotion level (`updateThreshold`).
   */
  promoteThreshold = 256;
  /** Last time the access-counter epoch advanced, ms. */
  private lastEpochTime = Date.now();
  /** Counter of the victim returned by the last `findVictim`. */
  private victimLfu = 0;
  /**
   * Optional observer of each slice of tier work, called at its end with its duration (µs) and the items it
   * demoted (the metrics module feeds its slice-duration histogram from it). Must be cheap: it runs after every
   * slice, i.e. after most commands while the hot tier is over capacity.
   */
  /** The latency monitor, which records slices at least its threshold long as `tier-slice` (set by the core). */
  latency: LatencyMonitor | null = null;
  onSlice: ((us: number, demoted: number) => void) | null = null;
  private idleScheduled = false;

  constructor(
    private readonly ks: Keyspace,
    private readonly config: Config,
  ) {
    ks.coldReadHook = this;
    this.updateThreshold();
  }

  /** Capacity of the hot tier in bytes: hot-ratio of maxmemory; Infinity when maxmemory is 0 (no tiering). */
  hotCapacity(): number {
    const maxmemory = this.config.maxmemory;
    return maxmemory > 0 ? Math.floor(maxmemory * this.config.hotRatio) : Infinity;
  }

  /**
   * The hot tier limit that eviction enforces besides maxmemory (memory/eviction.ts `performEvictions`): in
   * migration mode nothing is demoted, so a full hot tier must evict (or refuse writes) — full meaning its capacity,
   * or what it held when migration mode began if that was more (`pausedHotFloor`); -1 otherwise.
   */
  evictionHotLimit(): number {
    return this.paused ? Math.max(this.hotCapacity(), this.pausedHotFloor) : -1;
  }

  /** Capacity of the cold tier in bytes (0 when maxmemory is 0). */
  coldCapacity(): number {
    const maxmemory = this.config.maxmemory;
    return maxmemory > 0 ? maxmemory - this.hotCapacity() : 0;
  }

  /** True when the hot tier is over capacity and demotion is allowed. */
  pending(): boolean {
    if (this.paused) return false;
    const maxmemory = this.config.maxmemory;
    const a = this.ks.arena;
    if (maxmemory === 0 || this.config.hotRatio >= 1) return a.tierItems[TIER_COLD] - a.tierAux[TIER_COLD] > 0; // tiering turned off: bring the cold items back
    return a.tierUsed[TIER_HOT] > maxmemory * this.config.hotRatio;
  }

  /**
   * One slice of tier work (call after a command): demotes hot items while the hot tier is over capacity, until
   * the time budget (µs) is spent or MAX_DEMOTIONS_PER_SLICE items moved. Schedules an idle continuation when work
   * remains, so a burst of writes (say an MSET of thousands of keys) is absorbed by the following slices instead of
   * by one long one.
   * @returns items demoted
   */
  slice(budgetUs: number = this.config.tierWorkBudgetUs): number {
    if (!this.pending()) return 0;
    const t0 = performance.now();
    const deadline = t0 + budgetUs / 1000;
    const arena = this.ks.arena;
    const hotUsed = arena.tierUsed;
    const cap = this.hotCapacity();
    let n = 0;
    if (cap === Infinity || this.config.hotRatio >= 1) {
      // Tiering was turned off (maxmemory 0 or hot-ratio 1): the cold items go back to the hot tier, a slice at a
      // time, so that MIGRATE_PREPARE has nothing left to drop, as the README promises.
      while (arena.tierItems[TIER_COLD] - arena.tierAux[TIER_COLD] > 0 && n < MAX_DEMOTIONS_PER_SLICE) {
        if (!this.promoteOne()) break;
        n++;
        if ((n & 3) === 0 && performance.now() >= deadline) break;
      }
    } else {
      while (hotUsed[TIER_HOT] > cap && n < MAX_DEMOTIONS_PER_SLICE) {
        if (!this.demoteOne()) break;
        n++;
        if ((n & 3) === 0 && performance.now() >= deadline) break;
      }
    }
    const us = (performance.now() - t0) * 1000;
    this.stats.record(us, n, budgetUs);
    if (this.onSlice !== null) this.onSlice(us, n);
    if (this.latency !== null && us >= this.latency.thresholdUs) this.latency.add('tier-slice', us);
    this.updateThreshold();
    if (this.pending()) this.scheduleIdle();
    return n;
  }

  private scheduleIdle(): void {
    if (this.idleScheduled) return;
    this.idleScheduled = true;
    setImmediate(() => {
      this.idleScheduled = false;
      this.slice();
    });
  }

  /**
   * Demotes one hot item chosen by sampling (lowest counter, then oldest access).
   * @returns false when no hot item could be sampled
   */
  demoteOne(): boolean {
    const ks = this.ks;
    const best = this.findVictim();
    const bestLfu = this.victimLfu;
    if (best === 0) return false;
    // Find the victim's index entry through its key (the key bytes are read in place, from the arena).
    // A large collection (a dict, skiplist or long list of aux chunks) stays hot: its elements cannot move in a
    // bounded slice; a short list moves with its nodes.
    if (!ks.findItemAt(best) || ks.pinnedHot()) return false;
    if (!this.moveCurrent(TIER_COLD)) return false;
    this.stats.demotions++;
    this.demoteLevel += LEVEL_ALPHA * (bestLfu - this.demoteLevel);
    return true;
  }

  /**
   * Finds a victim with the CLOCK hand: the first hot item whose counter is at most the demotion level (the
   * recent victims' average, rounded), looking at up to CLOCK_WINDOW items (usually a few); when none is that
   * low, the least used of them. Its counter is left in `victimLfu`. Only reads the arena (the keyspace's current item is
   * untouched). O(CLOCK_WINDOW) at most, sequential memory, whatever the number of keys.
   */
  private findVictim(): number {
    const arena = this.ks.arena;
    const epoch = this.ks.epoch;
    const level = Math.round(this.demoteLevel);
    let best = 0;
    let bestLfu = 256;
    for (let i = 0; i < CLOCK_WINDOW; i++) {
      const addr = arena.clockNext(TIER_HOT, 4 * CLOCK_WINDOW);
      if (addr === 0) break;
      const off = arena.resolve(addr);
      const lfu = itemLfu(arena.ext, off, epoch);
      if (lfu < bestLfu) {
        best = addr;
        bestLfu = lfu;
        if (lfu <= level) break;
      }
    }
    this.victimLfu = bestLfu;
    return best;
  }

  /** Moves one cold item (the next one of the cold tier's CLOCK hand) to the hot tier. */
  private promoteOne(): boolean {
    const ks = this.ks;
    const addr = ks.arena.clockNext(TIER_COLD, 256);
    if (addr === 0) return false;
    if (!ks.findItemAt(addr)) return false;
    if (!this.moveCurrent(TIER_HOT)) return false;
    this.stats.promotions++;
    return true;
  }

  /**
   * A read hit on a cold item (the keyspace's current item, touched already): promotes it when its counter has
   * reached the threshold. Allocation-free; the item stays the keyspace's current item, in its new place.
   */
  onColdReadHit(): void {
    if (this.ks.lfu() < this.promoteThreshold) return;
    if (!this.moveCurrent(TIER_HOT)) return; // a list whose copy found no room: read where it is
    this.stats.promotions++;
  }

  /**
   * Moves the keyspace's current item to `tier`: a jumbo item by re-tagging its extent, a list with its nodes
   * (keyspace.ts `moveListTier`, all or nothing), any other by a copy.
   * @returns false when a list's move found no room (nothing changed)
   */
  private moveCurrent(tier: number): boolean {
    const ks = this.ks;
    const arena = ks.arena;
    if (arena.isJumbo(ks.addr)) arena.retagJumbo(ks.addr, tier);
    else if (ks.isLarge()) return ks.moveListTier(tier);
    else ks.relocate(tier, ks.flags(), ks.valLen(), ks.valLen());
    return true;
  }

  /** Recomputes the promotion threshold from the demotion level. */
  private updateThreshold(): void {
    const off = this.config.hotRatio >= 1 || this.config.maxmemory === 0;
    this.promoteThreshold = off ? 256 : Math.round(this.demoteLevel) + PROMOTE_MARGIN;
  }

  /**
   * Called by the cron: every `tier-counter-reset-ms` the counter epoch advances (every counter reads as 0 from
   * then on); then a slice of tier work when the hot tier is over capacity.
   */
  tick(now: number): void {
    if (now - this.lastEpochTime >= this.config.tierCounterResetMs) {
      this.ks.epoch = (this.ks.epoch + 1) & 0xffff;
      this.lastEpochTime = now;
      this.stats.counterResets++;
      this.demoteLevel = 0;
      this.updateThreshold();
    }
    if (this.pending()) this.slice();
  }
}
