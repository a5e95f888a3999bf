/**
 * The slab page mover: keeps the slab pages of the arena within a budget derived from maxmemory, so that the arena
 * (and the RSS) does not keep growing when the sizes of the values change (slab calcification).
 *
 * **The problem.** maxmemory bounds `used_memory` (chunks in use + index), not the arena. A page goes back to the
 * pool only when its last chunk is freed; eviction and deletes free chunks all over the pages of the old sizes'
 * classes, so those pages stay assigned while the new sizes' classes take new pages: the arena grows with every
 * shift of the value sizes (measured: maxmemory 50mb, values of 100, then 1000, then 30 bytes: arena 64 → 128 →
 * 160 MiB, RSS 134 → 183 → 209 MB).
 *
 * **The idea** is memcached's page mover (memcached docs/protocol.txt "slabs reassign" and "slabs automove",
 * slabs.c `slab_rebalance_start`/`slab_rebalance_move`): take a page away from a slab class, move or evict the items
 * still in it, and give the empty page to the class that needs one. Here the empty page simply goes back to its
 * tier's pool (arena.ts `free` → `returnPageToPool`), where any class takes it from, and an extent whose pages are
 * all pooled is released as before, so the RSS falls.
 *
 * **Budget** (`budgetBytes`, INFO memory `slab_page_budget_bytes`): maxmemory + maxmemory/32 (≈3 % slack, the
 * holes the mover tolerates) + one page per (tier, slab class) in use (each class has a partly filled page it
 * cannot avoid) + RESERVE_PAGES. While the slab pages of both tiers plus RESERVE_PAGES exceed it, the mover empties
 * pages, one at a time; the reserve absorbs the pages taken between two slices. The budget bounds the slab pages,
 * hence the arena's resident memory (a page of an extent costs RAM once touched); arena_bytes (whole extents, one
 * tier each) is at most the budget rounded up to whole extents per tier, plus a tier's spare empty extent while the
 * budget has room for it. Allocation itself never waits for the mover and never fails because of the budget: a burst between two
 * slices may take pages beyond it; the next slices bring the pages back under it.
 *
 * **Choosing the page** (no scan of the items): among up to MAX_SCAN_PAGES active pages of each tier's page list
 * (page metadata in typed arrays: used chunks, capacity, class; a rotating cursor bounds the scan on big arenas).
 * A page whose items all fit in the free chunks of the other pages of their class — not counting the class's head
 * page, the one it is filling, whose free chunks are the class's own headroom — is emptied by moving its items (it
 * loses nothing); the one with the fewest bytes in use (least copying) wins. When no page qualifies, moving would
 * only shift the shortage (the class, then full, takes the freed page back at its next allocation: a page of copying
 * for nothing), so a page is emptied by evicting its items, as memcached's mover does: the page with the fewest bytes
 * in use, and only when the policy evicts. Such a page's items are evicted whatever their counters (as memcached
 * does; Redis has no pages): with used memory within maxmemory this is rare, because the budget leaves a page per
 * class and the holes of a class that exceed a page can be compacted; it happens mostly right after maxmemory is
 * lowered, alongside sampling eviction. A head page is never taken. Ties go to the tier with the smaller pool.
 *
 * **Emptying it** (arena.ts `beginDrain`: the page takes no new item), chunk by chunk from a cursor, each item:
 * expired → deleted as an expired key; otherwise, on a page chosen for moving, moved byte for byte into a free chunk
 * of its class in the same tier (keyspace.ts `moveCurrent`: value, TTL, counter and access time kept, index entry
 * updated), or, for a hot item, of the cold tier (a demotion; not in migration mode); otherwise evicted as Redis
 * evicts (eviction.ts `evictCurrent`: `evicted_keys`, WATCH invalidation through the keyspace's onRemove hook) — only
 * when maxmemory-policy allows it (allkeys-*: any key; volatile-*: keys with a TTL). An item that may be neither
 * moved nor evicted stops the page's evacuation: the page takes items again (`endDrain`) and the mover waits for the
 * next cron tick. So with `noeviction` the mover only compacts (pages whose items all fit elsewhere); beyond that
 * the arena grows as without it, and writes get -OOM from maxmemory as before.
 *
 * **Bounded work.** The mover runs in slices after a command (as the tier work, tiers.ts), from the cron and from
 * setImmediate while work remains, each of at most `tier-work-budget-us` µs (the clock read every 16 items) and
 * MAX_ITEMS_PER_SLICE items, so no command waits for the evacuation of a whole page (up to pageSize/minChunk = 32k
 * items). `slab_reassign_work_max_us` reports the longest slice.
 */
import { Arena, PS_ACTIVE, PS_DEAD, TIER_COLD, TIER_COUNT, TIER_HOT } from '../../allocator/arena.js';
import type { Config } from '../config/config.js';
import { evictCurrent, mayEvict } from './eviction.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { TierManager } from './tiers.js';
import { SliceStats } from './work-slice.js';
import type { LatencyMonitor } from '../core/latency-monitor.js';

/** Pages of headroom the mover keeps under the budget, so that allocations between two slices stay within it. */
export const RESERVE_PAGES = 4;
/** Slack of the page budget over maxmemory: maxmemory >> BUDGET_SLACK_SHIFT (1/32, ≈3 %). */
export const BUDGET_SLACK_SHIFT = 5;
/** Active pages looked at, at most, to choose one page to empty (page metadata only). */
export const MAX_SCAN_PAGES = 2048;
/** Upper bound of items handled by one slice, whatever the time budget says. */
export const MAX_ITEMS_PER_SLICE = 1024;
/** Passes over a page's chunks before its evacuation is given up (items that could not be found by key). */
const MAX_PASSES = 2;

/** Page mover statistics (INFO stats). */
export class PageMoverStats extends SliceStats {
  /** Pages emptied and returned to their tier's pool (slab_reassigned_pages). */
  reassignedPages = 0;
  /** Items moved to another chunk of their class (same tier, or a hot item to the cold tier) (slab_reassign_moved_keys). */
  movedKeys = 0;
  /** Of those, hot items moved to the cold tier. */
  demotedKeys = 0;
  /** Items evicted to empty a page (slab_reassign_evicted_keys; counted in evicted_keys too). */
  evictedKeys = 0;
  /** Expired items deleted on the way (counted in expired_keys too). */
  expiredKeys = 0;
  /** Evacuations given up (an item could be neither moved nor evicted). */
  aborted = 0;
}

/** The page mover. One per server. */
export class PageMover {
  readonly stats = new PageMoverStats();
  /** Page being emptied, or 0 (page id 0 is never used). */
  private jobPage = 0;
  private jobTier = 0;
  /** True when the job's page is emptied by eviction (its items do not fit elsewhere), false when by moving. */
  private jobEvict = false;
  /** Next chunk index of the job's page to look at. */
  private jobChunk = 0;
  private jobPasses = 0;
  /** Arena drop count when the job started: a drop (flush, MIGRATE_PREPARE) ends the job without counting it. */
  private jobDrops = 0;
  /** Set when no page could be chosen or an evacuation was given up: no new job until the next cron tick. */
  private blocked = false;
  /** Rotating start of the page-list scan, per tier. */
  private readonly scanPos = new Int32Array(TIER_COUNT);
  private idleScheduled = false;
  /**
   * Optional observer of each slice: its duration (µs) and the items it handled (metrics). Must be cheap.
   */
  /** The latency monitor, which records slices at least its threshold long as `page-mover-slice` (set by the core). */
  latency: LatencyMonitor | null = null;
  onSlice: ((us: number, items: number) => void) | null = null;

  constructor(
    private readonly ks: Keyspace,
    private readonly config: Config,
    private readonly tiers: TierManager,
  ) {}

  /**
   * The slab page budget in bytes (0 when maxmemory is 0): maxmemory + maxmemory/32 + one page per (tier, class)
   * in use. Also handed to the arena, which then keeps no spare empty extent beyond it.
   */
  budgetBytes(): number {
    const mm = this.config.maxmemory;
    if (mm === 0) return 0;
    const a = this.ks.arena;
    return mm + Math.floor(mm / (1 << BUDGET_SLACK_SHIFT)) + (a.classesInUse + RESERVE_PAGES) * a.pageSize;
  }

  /** True when the slab pages plus the reserve exceed the budget (maxmemory set). */
  overBudget(): boolean {
    const budget = this.budgetBytes();
    const a = this.ks.arena;
    a.setPageBudget(budget);
    return budget > 0 && (a.slabPages() + RESERVE_PAGES) * a.pageSize > budget;
  }

  /** True when a slice has work: a page being emptied, or pages over the budget (and not blocked). O(1). */
  pending(): boolean {
    if (this.jobPage !== 0) return true;
    return !this.blocked && this.overBudget();
  }

  /** Called by the cron on each tick: a blocked mover may try again. */
  onCron(): void {
    this.blocked = false;
  }

  /**
   * One slice: empties pages while over the budget, for at most `budgetUs` µs or MAX_ITEMS_PER_SLICE items;
   * schedules an idle continuation when work remains.
   * @returns items handled (moved, evicted or expired)
   */
  slice(budgetUs: number = this.config.tierWorkBudgetUs): number {
    if (!this.pending()) return 0;
    const t0 = performance.now();
    const deadline = t0 + budgetUs / 1000;
    this.ks.now = Date.now();
    let n = 0;
    // Steps that handle no item (free chunks skipped, a job ending or starting) count towards the clock reads too.
    for (let steps = 1; n < MAX_ITEMS_PER_SLICE; steps++) {
      if (this.jobPage === 0) {
        if (this.blocked || !this.overBudget()) break;
        if (!this.startJob()) {
          this.blocked = true;
          break;
        }
      }
      if (this.step()) n++;
      if ((steps & 15) === 0 && performance.now() >= deadline) break;
    }
    const us = (performance.now() - t0) * 1000;
    this.stats.record(us, n, budgetUs);
    if (this.onSlice !== null) this.onSlice(us, n);
    if (this.latency !== null && us >= this.latency.thresholdUs) this.latency.add('page-mover-slice', us);
    if (this.pending()) this.scheduleIdle();
    return n;
  }

  private scheduleIdle(): void {
    if (this.idleScheduled) return;
    this.idleScheduled = true;
    setImmediate(() => {
      this.idleScheduled = false;
      if (this.config.maxmemory === 0 && this.jobPage === 0) return;
      this.slice();
    });
  }

  /** Chooses a page to empty and starts draining it. @returns false when no page qualifies */
  private startJob(): boolean {
    const a = this.ks.arena;
    // Least loss, then fewest bytes to copy; the tier whose pool is smaller (the likelier to need the page) wins ties.
    const first = a.tierPoolPages[TIER_HOT] <= a.tierPoolPages[TIER_COLD] ? TIER_HOT : TIER_COLD;
    let p = this.chooseVictim(first);
    let tier = first;
    let evict = this.victimEvicts;
    let loss = this.victimLoss;
    const used = p === 0 ? Infinity : this.victimUsed;
    const q = this.chooseVictim(1 - first);
    if (q !== 0 && (p === 0 || this.victimLoss < loss || (this.victimLoss === loss && this.victimUsed < used))) {
      p = q;
      tier = 1 - first;
      evict = this.victimEvicts;
    }
    if (p === 0) return false;
    a.beginDrain(p);
    this.jobPage = p;
    this.jobTier = tier;
    this.jobEvict = evict;
    this.jobChunk = 0;
    this.jobPasses = 0;
    this.jobDrops = a.drops;
    return true;
  }

  /** Set by `chooseVictim`: whether its page must be emptied by eviction, and the bytes that would lose. */
  private victimEvicts = false;
  private victimLoss = 0;
  private victimUsed = 0;

  /**
   * The page of `tier` to empty, among at most MAX_SCAN_PAGES pages of the tier's page list, or 0 when none
   * qualifies. A page whose items all fit in the free chunks of the other pages of their class, not counting its
   * head page's (those are the class's own headroom: filling them only makes the class take the freed page back;
   * for a hot page, the cold tier's pages of the class count too) is emptied by moving them: it loses nothing, and the one with the
   * fewest bytes in use (least copying) wins. Otherwise moving would only shift the shortage (the class, then full,
   * takes the freed page back at its next allocation: a page of copying for nothing), so the page is emptied by
   * evicting its items, as memcached's mover does: the page with the fewest bytes in use wins, and only when the
   * policy evicts. A class's head page (the one it is filling) is never taken: the class would take a page back at
   * once.
   */
  private chooseVictim(tier: number): number {
    const a = this.ks.arena;
    const n = a.tierPageCountOf(tier);
    this.victimEvicts = false;
    this.victimLoss = Infinity;
    if (n === 0) return 0;
    const canEvict = this.config.maxmemoryPolicy !== 'noeviction';
    const toCold = tier === TIER_HOT && this.mayDemote();
    const scan = Math.min(n, MAX_SCAN_PAGES);
    let pos = this.scanPos[tier] % n;
    let best = 0;
    let bestLoss = Infinity;
    let bestUsed = Infinity;
    for (let k = 0; k < scan; k++, pos++) {
      if (pos >= n) pos = 0;
      const p = a.tierPageAt(tier, pos);
      // A class's head page is the one it is filling: emptying it would only make the class take a page again.
      // A page holding aux chunks (elements of a large collection: no key leads to them) cannot be emptied.
      if (a.pageStateOf(p) !== PS_ACTIVE || a.isDraining(p) || a.isClassHead(p) || a.hasAux(p)) continue;
      const cls = a.pageClassOf(p);
      const used = a.pageItems(p);
      let room = a.classRoom(tier, cls) - (a.pageCapacity(p) - used);
      if (toCold) room += a.classRoom(TIER_COLD, cls);
      const usedBytes = used * a.pageChunkSize(p);
      const loss = used > room ? usedBytes : 0;
      if (loss > 0 && !canEvict) continue;
      if (loss < bestLoss || (loss === bestLoss && usedBytes < bestUsed)) {
        best = p;
        bestLoss = loss;
        bestUsed = usedBytes;
        if (used === 0) break;
      }
    }
    this.scanPos[tier] = pos;
    this.victimEvicts = bestLoss > 0;
    this.victimLoss = bestLoss;
    this.victimUsed = bestUsed;
    return best;
  }

  /** True when hot items may be moved to the cold tier (tiering on, not in migration mode). */
  private mayDemote(): boolean {
    return !this.tiers.paused && this.config.hotRatio < 1 && this.config.maxmemory > 0;
  }

  /**
   * Handles the next item of the job's page (or ends the job).
   * @returns true when an item was moved, evicted or expired
   */
  private step(): boolean {
    const a = this.ks.arena;
    const p = this.jobPage;
    if (a.drops !== this.jobDrops || !a.isDraining(p)) {
      // Emptied (its last chunk freed, by us or by a delete), or its tier was dropped.
      if (a.drops === this.jobDrops && a.pageStateOf(p) !== PS_DEAD) this.stats.reassignedPages++;
      this.jobPage = 0;
      return false;
    }
    const c = a.nextItemChunk(p, this.jobChunk);
    if (c >= a.pageCarved(p)) {
      // A whole pass and the page still holds items: some could not be found by their key.
      if (++this.jobPasses >= MAX_PASSES) this.abort();
      else this.jobChunk = 0;
      return false;
    }
    this.jobChunk = c + 1;
    const ks = this.ks;
    if (!ks.findItemAt(Arena.addrOf(p, c))) return false;
    const hasTtl = ks.hasTtl();
    const st = this.stats;
    if (ks.isExpired()) {
      ks.expireCurrent();
      st.expiredKeys++;
    } else if (!this.jobEvict && ks.moveCurrent(this.jobTier)) {
      st.movedKeys++;
    } else if (!this.jobEvict && this.jobTier === TIER_HOT && this.mayDemote() && ks.moveCurrent(TIER_COLD)) {
      st.movedKeys++;
      st.demotedKeys++;
    } else if (mayEvict(this.config.maxmemoryPolicy, hasTtl)) {
      evictCurrent(ks);
      st.evictedKeys++;
    } else {
      this.abort();
      return false;
    }
    if (!a.isDraining(p)) {
      this.stats.reassignedPages++;
      this.jobPage = 0;
    }
    return true;
  }

  /** Gives up the current page: it takes new items again; no new job before the next cron tick. */
  private abort(): void {
    this.ks.arena.endDrain(this.jobPage);
    this.jobPage = 0;
    this.stats.aborted++;
    this.blocked = true;
  }

  /** Page being emptied (0: none), for tests and INFO. */
  currentPage(): number {
    return this.jobPage;
  }
}
