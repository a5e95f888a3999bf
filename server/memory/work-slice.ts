/**
 * Accounting shared by the background work that runs in bounded slices after commands (tier movement, tiers.ts;
 * the slab page mover, page-mover.ts): how many slices ran, how long they took, how much each did.
 */

/** Statistics of a kind of sliced work (INFO fields and metrics read them). Durations in µs. */
export class SliceStats {
  /** Slices run. */
  slices = 0;
  /** Total and longest slice duration since start, µs. */
  workTotalUs = 0;
  workMaxUs = 0;
  /** Most items handled by one slice. */
  maxItems = 0;
  /** Slices that took more than 10× their budget (preempted, or a GC pause landed in them). */
  overBudget = 0;

  /**
   * Records one slice.
   * @param us its duration, µs
   * @param items items it handled
   * @param budgetUs its time budget, µs
   */
  record(us: number, items: number, budgetUs: number): void {
    this.slices++;
    this.workTotalUs += us;
    if (us > this.workMaxUs) this.workMaxUs = us;
    if (items > this.maxItems) this.maxItems = items;
    if (us > budgetUs * 10) this.overBudget++;
  }
}
