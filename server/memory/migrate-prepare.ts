/**
 * MIGRATE_PREPARE and migration mode: before a VM live migration, tierkv drops its whole cold tier in one shot,
 * gives the memory back to the OS, and reports how much memory is still in use so that a controller can shrink
 * the VM (virtio-balloon) and migrate far fewer bytes. Dropping data is legitimate only where tierkv is a cache.
 *
 * Cost: the drop is O(cold extents + their pages) — `Keyspace.dropTier` marks the pages dead and releases the
 * extents without visiting a single key (the index entries that point into them read as absent and are cleaned up
 * later by the background cycle; Garnet's lazy index reclamation after a log truncation is the model).
 *
 * The hash index is not shrunk here, although it is sized for the keys before the drop: measured in a TCG guest
 * (2M keys), rehashing it to the keys left took 8 s of setup to save 24 MB on the wire (0.2 s at 128 MiB/s), and
 * natively at 10M keys 0.5 s to save 64 MB (0.5 s): never worth holding the migration for. It shrinks, in the
 * cron's rehash slices, once migration mode ends (`finish`).
 *
 * Release: with `migrate-zero-freed yes` (the default) the released extents' written bytes are overwritten with
 * zeros by a worker thread, which then frees them (zero-release.ts: a zero page costs a migration ~9 bytes instead
 * of 4 KiB); the event loop is held only by one forced GC of the main isolate. With `no`, a full GC is forced here
 * so that V8 frees the SharedArrayBuffers as they are. Either way the release is confirmed by watching the
 * process's RSS (/proc/self/statm) fall, with a bounded wait; GC is forced again while waiting, as a first one
 * sometimes frees nothing (measured on these machines), except after a zeroing release, whose reply goes out as
 * soon as the worker has zeroed them (it unmaps them right after, in its own thread; zero pages migrate
 * cheaply either way). The caller's reply waits for that; other clients are served meanwhile.
 *
 * Migration mode: from MIGRATE_PREPARE until MIGRATE_DONE, MIGRATE_ABORT or `migrate-prepare-timeout-ms`, nothing
 * is demoted (the cold tier must not refill while the VM's memory is being sent) and, with a maxmemory, the hot
 * tier's capacity is the memory limit: a full hot tier evicts or answers -OOM per maxmemory-policy.
 */
import { TIER_COLD, TIER_HOT, type ZeroList } from '../../allocator/arena.js';
import { forceGc } from './gc.js';
import { ZeroReleaser } from './zero-release.js';
import { residentBytes, systemMemory } from '../observe/proc.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../core/log.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { TierManager } from './tiers.js';
import type { LatencyMonitor } from '../core/latency-monitor.js';

/** Longest wait for the RSS to fall after the drop, ms. */
export const RELEASE_WAIT_MS = 3000;
/** RSS poll period while waiting, ms; a GC is forced again every `GC_EVERY` polls. */
const POLL_MS = 10;
const GC_EVERY = 10;
/** RSS is considered settled when it fell by less than this between two polls. */
const SETTLED_DELTA_BYTES = 1 << 20;

/** Migration states (INFO migration_state). */
export type MigrationState = 'none' | 'prepared';

/** The figures MIGRATE_PREPARE replies with, in reply order. */
export interface PrepareReport {
  dropped_keys: number;
  dropped_extents: number;
  freed_bytes: number;
  /** Of freed_bytes, bytes in pages that had been written (what the RSS can be expected to fall by). */
  freed_resident_bytes: number;
  used_memory: number;
  used_memory_rss: number;
  rss_before: number;
  system_memory_total: number;
  system_memory_available: number;
  hot_keys: number;
  /** Longest single time the event loop was held by MIGRATE_PREPARE (the drop, or the first forced GC), µs. */
  stall_us: number;
  drop_us: number;
  gc_us: number;
  /** Bytes overwritten with zeros before release (0 with migrate-zero-freed no). */
  zeroed_bytes: number;
  /** Time the worker took to write those zeros, ms (off the event loop). */
  zero_ms: number;
  /**
   * Bytes of the hash index, still sized for the keys before the drop: it shrinks when migration mode ends
   * (`finish`), not here (see the module comment).
   */
  index_bytes: number;
  /**
   * Time from the command's start until the RSS had fallen by half the freed resident bytes and then stopped falling
   * (or the wait ended), ms.
   */
  release_ms: number;
  /** 1 when the RSS fell as expected within RELEASE_WAIT_MS, 0 when the wait ended first. */
  released: number;
  migration_state: string;
}

/** Migration statistics (INFO migration). */
export class MigrationStats {
  prepares = 0;
  droppedKeys = 0;
  freedBytes = 0;
  done = 0;
  aborts = 0;
  timeouts = 0;
  /** How the last migration mode ended: done, abort, timeout, or none yet. */
  lastFinish = 'none';
  lastStallUs = 0;
  lastReleaseMs = 0;
  lastDroppedKeys = 0;
}

/** Owns migration mode. One per server. */
export class MigrationManager {
  state: MigrationState = 'none';
  /** When migration mode began, ms since the epoch (0 when none). */
  since = 0;
  readonly stats = new MigrationStats();
  /**
   * Optional observer of each completed MIGRATE_PREPARE, called with its report just before the reply is sent
   * (the metrics module feeds its stall and release histograms from it).
   */
  onPrepare: ((report: PrepareReport) => void) | null = null;
  /** The latency monitor: records the drop as `migrate-prepare` and its GC as `forced-gc` (set by the core). */
  latency: LatencyMonitor | null = null;

  private readonly zeroer = new ZeroReleaser();

  /**
   * @param beforeDrop called just before the cold tier is dropped, with its tier id (WATCH counts the dropped keys
   *   as deleted: multi/multi.ts `touchWatchedBeforeRemoval`)
   */
  constructor(
    private readonly ks: Keyspace,
    private readonly tiers: TierManager,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly beforeDrop: (tier: number) => void,
  ) {}

  /** Starts the zeroing worker ahead of the first MIGRATE_PREPARE (zero-release.ts `start`). */
  warmUp(): void {
    this.zeroer.start();
  }

  /** Stops the zeroing worker, if one was started. */
  close(): Promise<void> {
    return this.zeroer.close();
  }

  /**
   * Drops the cold tier, enters migration mode, forces GC and waits (bounded) for the RSS to fall.
   * @returns the report; resolves after the release (or RELEASE_WAIT_MS)
   */
  async prepare(): Promise<PrepareReport> {
    const ks = this.ks;
    const arena = ks.arena;
    const t0 = performance.now();
    const rssBefore = residentBytes();
    this.tiers.paused = true;
    // The hot tier may hold more than its capacity (collections pinned hot): that much stays, only growth evicts.
    this.tiers.pausedHotFloor = arena.tierUsed[TIER_HOT];
    this.state = 'prepared';
    this.since = Date.now();
    this.beforeDrop(TIER_COLD); // dropped keys are deleted ones for WATCH
    const zero: ZeroList | null = this.config.migrateZeroFreed ? { bufs: [], offs: [], lens: [], bytes: 0 } : null;
    arena.zeroSink = zero;
    let dropped: ReturnType<typeof ks.dropTier>;
    let trimmed: number;
    try {
      dropped = ks.dropTier(TIER_COLD);
      if (ks.events.flags !== 0) ks.events.migratePrepared(dropped.keys); // keyspace notifications: one event, O(1)
      trimmed = arena.trimEmptyExtents(0);
    } finally {
      arena.zeroSink = null;
    }
    const freed = dropped.freedBytes + trimmed;
    const t1 = performance.now();
    this.latency?.add('migrate-prepare', (t1 - t0) * 1000);
    let gcUs = 0;
    let zeroedBytes = 0;
    let zeroMs = 0;
    let zeroFailed = false;
    if (zero !== null && zero.bytes > 0) {
      try {
        const z = await this.zeroer.release(zero);
        gcUs = z.mainGcUs;
        zeroedBytes = z.zeroedBytes;
        zeroMs = z.zeroMs;
      } catch (e) {
        // The memory is dropped all the same; it is only not zeroed. Free it the ordinary way below.
        this.log.warn({ err: e }, 'MIGRATE_PREPARE: zeroing worker failed, memory released without zeroing');
        zeroFailed = true;
      }
    }
    if (zeroedBytes === 0 || zeroFailed) {
      // Nothing zeroed: free the dropped memory as it is. The forced GC runs in its own macrotask, so the event
      // loop is held by the drop and by the GC separately and other clients' commands can run in between.
      await new Promise((r) => setImmediate(r));
      const tg = performance.now();
      forceGc();
      gcUs = Math.round((performance.now() - tg) * 1000);
      this.latency?.add('forced-gc', gcUs);
    }
    arena.clearReleasedBytes(); // collected just now: the cron need not do it again
    // Only pages that were written are resident: wait for half of those (a fresh extent costs no RAM until used).
    // Not when the worker zeroed them: it frees them itself right after its report, and a zero page costs a
    // migration the same whether the OS has it back yet or not, so waiting would only delay the migration
    // (measured in a TCG guest at 10M keys: 2.4 s of RSS settling, ~2 s of the worker's unmapping).
    const target = rssBefore - dropped.residentBytes / 2;
    let rss = residentBytes();
    let released = dropped.residentBytes === 0 || rss <= target;
    const wait = zeroedBytes === 0 || zeroFailed;
    let polls = 0;
    while (wait && !released && performance.now() - t0 < RELEASE_WAIT_MS) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (++polls % GC_EVERY === 0) forceGc();
      rss = residentBytes();
      released = rss <= target;
    }
    // Once half is back, the OS usually keeps taking pages for a few more ms: report the RSS once it has settled
    // (no longer falling by a MiB per poll), so that the controller sizes the balloon on the real figure.
    while (wait && released && performance.now() - t0 < RELEASE_WAIT_MS) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const now = residentBytes();
      const fell = rss - now;
      rss = now;
      if (fell < SETTLED_DELTA_BYTES) break;
    }
    const releaseMs = performance.now() - t0;
    const sys = systemMemory();
    const st = this.stats;
    st.prepares++;
    st.droppedKeys += dropped.keys;
    st.freedBytes += freed;
    st.lastDroppedKeys = dropped.keys;
    st.lastStallUs = Math.max(Math.round((t1 - t0) * 1000), gcUs);
    st.lastReleaseMs = Math.round(releaseMs);
    this.log.info(
      { droppedKeys: dropped.keys, freedBytes: freed, zeroedBytes, stallUs: st.lastStallUs, releaseMs: st.lastReleaseMs, released },
      'MIGRATE_PREPARE: cold tier dropped, migration mode on',
    );
    const report: PrepareReport = {
      dropped_keys: dropped.keys,
      dropped_extents: dropped.extents,
      freed_bytes: freed,
      freed_resident_bytes: dropped.residentBytes,
      used_memory: ks.usedMemory(),
      used_memory_rss: rss,
      rss_before: rssBefore,
      system_memory_total: sys.total,
      system_memory_available: sys.available,
      hot_keys: ks.tierKeys(TIER_HOT),
      stall_us: st.lastStallUs,
      drop_us: Math.round((t1 - t0) * 1000),
      gc_us: gcUs,
      zeroed_bytes: zeroedBytes,
      zero_ms: Math.round(zeroMs * 10) / 10,
      index_bytes: ks.index.bytes(),
      release_ms: Math.round(releaseMs * 10) / 10,
      released: released ? 1 : 0,
      migration_state: this.state,
    };
    if (this.onPrepare !== null) this.onPrepare(report);
    return report;
  }

  /** Leaves migration mode (MIGRATE_DONE / MIGRATE_ABORT / timeout): demotion resumes. */
  finish(reason: 'done' | 'abort' | 'timeout'): void {
    if (this.state === 'none') return;
    this.state = 'none';
    this.since = 0;
    this.tiers.paused = false;
    // The index is still sized for the keys before the drop: shrink it now, in the cron's rehash slices.
    const ks = this.ks;
    if (ks.index.shrinkFor(ks.keys)) this.log.info({ keys: ks.keys, indexBytes: ks.index.bytes() }, 'index shrink started');
    const st = this.stats;
    if (reason === 'timeout') st.timeouts++;
    else if (reason === 'done') st.done++;
    else st.aborts++;
    st.lastFinish = reason;
    this.log.info({ reason }, 'migration mode off');
  }

  /** Called by the cron: ends migration mode after migrate-prepare-timeout-ms. */
  checkTimeout(now: number): void {
    if (this.state !== 'none' && now - this.since >= this.config.migratePrepareTimeoutMs) {
      this.log.warn({ timeoutMs: this.config.migratePrepareTimeoutMs }, 'migration mode timed out');
      this.finish('timeout');
    }
  }
}
