/**
 * The latency monitor (Redis 7.0 src/latency.c): for each event name, the latest 160 samples of events that took
 * at least `latency-monitor-threshold` milliseconds (one sample per second: a second event in the same second only
 * raises that second's figure), and the event's all-time maximum. LATENCY LATEST / HISTORY / RESET read it.
 *
 * Events:
 * - `command` and `fast-command` (commands flagged fast): a command's run time, measured by dispatch
 *   (server-core.ts `execute`) where INFO commandstats measures it; a command under the threshold costs one compare.
 * - tierkv's own: `tier-slice` (a bounded slice of demotions, memory/tiers.ts), `page-mover-slice` (memory/
 *   page-mover.ts), `expire-cycle` (the cron's active expiry, as Redis names it), `migrate-prepare` (MIGRATE_PREPARE's
 *   synchronous drop of the cold tier, memory/migrate-prepare.ts) and `forced-gc` (a full garbage collection forced
 *   by the cron or by MIGRATE_PREPARE, memory/gc.ts). Those are timed only while the monitor is on.
 *
 * No imports: memory/ and core/ modules share it without an import cycle.
 */

/** Samples kept per event (Redis LATENCY_TS_LEN). */
export const LATENCY_TS_LEN = 160;

/** One event's history: a ring of (unix second, ms) samples (time 0: empty), and its maximum. */
export class LatencySeries {
  /** Index of the next sample to store. */
  idx = 0;
  max = 0;
  readonly times = new Int32Array(LATENCY_TS_LEN);
  readonly latencies = new Uint32Array(LATENCY_TS_LEN);

  /** The newest sample's index. */
  last(): number {
    return (this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
  }
}

/** Events by name, in order of first occurrence. */
export class LatencyMonitor {
  /** Events shorter than this many µs are not recorded; Infinity while the monitor is off (threshold 0). */
  thresholdUs = Infinity;
  readonly events = new Map<string, LatencySeries>();

  /** Sets the threshold from `latency-monitor-threshold` (ms; 0 turns the monitor off). */
  setThresholdMs(ms: number): void {
    this.thresholdUs = ms > 0 ? ms * 1000 : Infinity;
  }

  /** True while events are recorded (callers time optional work only then). */
  get on(): boolean {
    return this.thresholdUs !== Infinity;
  }

  /** Records `us` µs of `event` when at least the threshold (Redis latencyAddSampleIfNeeded + latencyAddSample). */
  add(event: string, us: number): void {
    if (!(us >= this.thresholdUs)) return;
    const ms = Math.floor(us / 1000);
    let ts = this.events.get(event);
    if (ts === undefined) {
      ts = new LatencySeries();
      this.events.set(event, ts);
    }
    if (ms > ts.max) ts.max = ms;
    const now = Math.floor(Date.now() / 1000);
    const prev = ts.last();
    if (ts.times[prev] === now) {
      if (ms > ts.latencies[prev]!) ts.latencies[prev] = ms;
      return;
    }
    ts.times[ts.idx] = now;
    ts.latencies[ts.idx] = ms;
    ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
  }

  /**
   * Forgets the events named `names` (case-insensitive, as Redis's strcasecmp), or all of them.
   * @returns the number of events forgotten
   */
  reset(names: readonly string[] | null): number {
    let n = 0;
    if (names === null) {
      n = this.events.size;
      this.events.clear();
      return n;
    }
    for (const name of names) {
      const lower = name.toLowerCase();
      for (const key of [...this.events.keys()]) {
        if (key.toLowerCase() === lower) {
          this.events.delete(key);
          n++;
        }
      }
    }
    return n;
  }
}
