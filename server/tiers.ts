/**
 * The hot and cold tiers: what is counted, how victims are chosen, and what a slice of tier work may do.
 *
 * **Tiers.** Every extent of the arena belongs to one tier. The hot tier's capacity is `hot-ratio` of `maxmemory`;
 * the cold tier gets the rest. With `maxmemory 0` (no limit, Redis's default) the hot tier is unlimited too, so
 * nothing is demoted and MIGRATE_PREPARE has nothing to drop: set maxmemory to use the tiers. New and updated items are written to the hot tier (keyspace.ts `storeAlloc`); cold
 * items live in cold extents only, packed by slab class, so dropping the cold tier frees whole extents.
 *
 * **What is counted.** Each read or write of an item bumps its 8-bit logarithmic LFU counter (Redis's
 * `LFULogIncr`, src/evict.c; lfu.ts). Counters are reset every `tier-counter-reset-ms` in O(1): the cron advances
 * a global epoch and a counter written in an older epoch reads as 0 (the paper's periodic reset, without a scan).
 *
 * **Choosing victims (demotion).** When the hot tier holds more than its capacity, the least-used hot items move
 * to the cold tier. Victims are chosen by sampling, as Redis's approximated eviction does (evict.c
 * `evictionPoolPopulate`): `TIER_SAMPLES` random hot items are drawn (random active hot slab page, random chunk;
 * arena.ts `sampleItem`), and the one with the lowest counter (then the oldest access) is demoted. Nothing walks
 * the keyspace, so the cost of one demotion is O(samples) whatever the number of keys. A jumbo item is demoted by
 * re-tagging its extent (O(1)); any other item is copied into a cold chunk and its index entry updated.
 *
 * **Promotion.** A read hit on a cold item whose counter reaches the promotion threshold moves it back to the hot
 * tier right then (keyspace.ts `lookupRead`), one item per access. The threshold is an exponential moving average
 * of the counters of recently demoted items plus a margin (`PROMOTE_MARGIN`), so an item must be clearly more used
 * than what is being pushed out, which keeps items from bouncing between the tiers.
 *
 * **A slice of work.** After each command, when the hot tier is over capacity, at most `tier-work-budget-us`
 * (default 100 µs) of demotions run — the clock is read every few demotions, and a slice never demotes more than
 * `MAX_DEMOTIONS_PER_SLICE` items. When work remains, further slices run from `setImmediate` while the server is
 * otherwise idle, so no command ever waits for more than one slice (the bounded-work pattern of Redis's
 * performEvictions + eviction time proc, and memcached's LRU maintainer with its per-pass limit of moves).
 * `tier_work_max_us` reports the longest slice since start.
 */
import { TIER_COLD, TIER_HOT } from '../allocator/arena.js';
import { F_FREE, F_HAS_TTL, ITEM_HEADER, ITEM_TTL_FIELD } from '../allocator/item-layout.js';
import type { Config } from './config/config.js';
import type { Keyspace } from './keyspace/keyspace.js';

/** Hot items sampled per demotion. */
export const TIER_SAMPLES = 5;
/** Counter margin above the recent demotion level that a cold item needs to be promoted. */
export const PROMOTE_MARGIN = 1;
/** Upper bound of demotions in one slice, whatever the time budget says. */
export const MAX_DEMOTIONS_PER_SLICE = 1024;
/** Counter levels a cold item must be above the sampled hot victim to be promoted. */
export const ADMIT_MARGIN = 1;
/** Weight of the newest demoted counter in the demotion level's moving average. */
const LEVEL_ALPHA = 0.05;

/** Tier statistics (INFO tiers). */
export class TierStats {
  promotions = 0;
  demotions = 0;
  /** Slices of tier work run, their total and longest duration (µs). */
  slices = 0;
  workTotalUs = 0;
  workMaxUs = 0;
  /** Most items demoted by one slice. */
  maxItems = 0;
  /** Slices that took more than 10× the budget (preempted, or a GC pause landed in them). */
  overBudget = 0;
  /** Cold items read at the promotion threshold but not admitted (not used clearly more than a hot victim). */
  rejectedPromotions = 0;
  /** Epoch advances since start (counter resets). */
  counterResets = 0;
}

/** Moves items between the tiers. One per server. */
export class TierManager {
  readonly stats = new TierStats();
  /** Exponential moving average of the counters of demoted items. */
  demoteLevel = 0;
  /** While true (migration mode), nothing is demoted: the cold tier must not refill. */
  paused = false;
  /** Victim sampled by the last admission, demoted first by the next demotion (0: none). */
  private nextVictim = 0;
  /** Counter of the victim returned by the last `sampleVictim`. */
  private victimLfu = 0;
  /**
   * Optional observer of each slice of tier work, called at its end with its duration (µs) and the items it
   * demoted (the metrics module feeds its slice-duration histogram from it). Must be cheap: it runs after every
   * slice, i.e. after most commands while the hot tier is over capacity.
   */
  onSlice: ((us: number, demoted: number) => void) | null = null;
  private idleScheduled = false;

  constructor(
    private readonly ks: Keyspace,
    private readonly config: Config,
  ) {
    this.updateThreshold();
    ks.admitPromotion = (lfu) => this.admit(lfu);
  }

  /** Capacity of the hot tier in bytes: hot-ratio of maxmemory; Infinity when maxmemory is 0 (no tiering). */
  hotCapacity(): number {
    const maxmemory = this.config.maxmemory;
    return maxmemory > 0 ? Math.floor(maxmemory * this.config.hotRatio) : Infinity;
  }

  /** Capacity of the cold tier in bytes (0 when maxmemory is 0). */
  coldCapacity(): number {
    const maxmemory = this.config.maxmemory;
    return maxmemory > 0 ? maxmemory - this.hotCapacity() : 0;
  }

  /** True when the hot tier is over capacity and demotion is allowed. */
  pending(): boolean {
    const maxmemory = this.config.maxmemory;
    return (
      !this.paused && maxmemory > 0 && this.config.hotRatio < 1 && this.ks.arena.tierUsed[TIER_HOT] > maxmemory * this.config.hotRatio
    );
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
    const hotUsed = this.ks.arena.tierUsed;
    const cap = this.hotCapacity();
    let n = 0;
    while (hotUsed[TIER_HOT] > cap && n < MAX_DEMOTIONS_PER_SLICE) {
      if (!this.demoteOne()) break;
      n++;
      if ((n & 3) === 0 && performance.now() >= deadline) break;
    }
    const us = (performance.now() - t0) * 1000;
    const st = this.stats;
    st.slices++;
    st.workTotalUs += us;
    if (us > st.workMaxUs) st.workMaxUs = us;
    if (n > st.maxItems) st.maxItems = n;
    if (us > budgetUs * 10) st.overBudget++;
    if (this.onSlice !== null) this.onSlice(us, n);
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
    const arena = ks.arena;
    let best = this.nextVictim;
    this.nextVictim = 0;
    let bestLfu: number;
    if (best !== 0 && this.stillHot(best)) {
      bestLfu = this.lfuAt(best);
    } else {
      best = this.sampleVictim();
      bestLfu = this.victimLfu;
    }
    if (best === 0) return false;
    // Find the victim's index entry through its key (the key bytes are read in place, from the arena).
    const off = arena.resolve(best);
    const ext = arena.ext;
    const kl = ext.u32[(off >>> 2) + 1];
    const ko = off + ((ext.u8[off] & F_HAS_TTL) !== 0 ? ITEM_HEADER + ITEM_TTL_FIELD : ITEM_HEADER);
    if (!ks.find(ext.u8, ko, kl) || ks.addr !== best) return false;
    if (arena.isJumbo(best)) arena.retagJumbo(best, TIER_COLD);
    else ks.relocate(TIER_COLD, ks.flags(), ks.valLen(), ks.valLen());
    this.stats.demotions++;
    this.demoteLevel += LEVEL_ALPHA * (bestLfu - this.demoteLevel);
    return true;
  }

  /**
   * Samples TIER_SAMPLES hot items and returns the least used (lowest counter, then oldest access), or 0; its
   * counter is left in `victimLfu`. Only reads the arena (the keyspace's current item is untouched).
   */
  private sampleVictim(): number {
    const arena = this.ks.arena;
    const epoch = this.ks.epoch;
    let best = 0;
    let bestLfu = 256;
    let bestAtime = Infinity;
    for (let i = 0; i < TIER_SAMPLES; i++) {
      const addr = arena.sampleItem(TIER_HOT, 4);
      if (addr === 0) continue;
      const off = arena.resolve(addr);
      const ext = arena.ext;
      const lfu = ext.u16[(off >>> 1) + 1] === epoch ? ext.u8[off + 1] : 0;
      const atime = ext.u32[(off >>> 2) + 3];
      if (lfu < bestLfu || (lfu === bestLfu && atime < bestAtime)) {
        best = addr;
        bestLfu = lfu;
        bestAtime = atime;
      }
    }
    this.victimLfu = bestLfu;
    return best;
  }

  /** True when `addr` still holds a live item of the hot tier (a remembered victim may have been freed since). */
  private stillHot(addr: number): boolean {
    const arena = this.ks.arena;
    if (!arena.isLive(addr) || arena.tierOf(addr) !== TIER_HOT) return false;
    const off = arena.resolve(addr);
    return (arena.ext.u8[off] & F_FREE) === 0;
  }

  /** Counter of the item at a live address (0 when its epoch is not the current one). */
  private lfuAt(addr: number): number {
    const arena = this.ks.arena;
    const off = arena.resolve(addr);
    const ext = arena.ext;
    return ext.u16[(off >>> 1) + 1] === this.ks.epoch ? ext.u8[off + 1] : 0;
  }

  /**
   * Admission of a cold item read with counter `lfu` (TinyLFU's rule, Einziger et al., "TinyLFU: A Highly
   * Efficient Cache Admission Policy", ACM ToS 2017): it is promoted only if it is used clearly more than the hot
   * item it would push out — a victim sampled now, remembered for the next demotion. Without this, a workload
   * with no locality would swap items between the tiers on almost every read.
   */
  admit(lfu: number): boolean {
    if (this.paused) return true;
    const victim = this.sampleVictim();
    if (victim === 0 || lfu > this.victimLfu + ADMIT_MARGIN) {
      this.nextVictim = victim;
      return true;
    }
    this.stats.rejectedPromotions++;
    return false;
  }

  /** Recomputes the keyspace's promotion threshold from the demotion level. */
  private updateThreshold(): void {
    const off = this.config.hotRatio >= 1 || this.config.maxmemory === 0;
    this.ks.promoteThreshold = off ? 256 : Math.round(this.demoteLevel) + PROMOTE_MARGIN;
  }

  /** Called by the cron when the counter epoch advances (counters read as 0 from now on). */
  onEpoch(): void {
    this.stats.counterResets++;
    this.demoteLevel = 0;
    this.updateThreshold();
  }
}
