/**
 * Prometheus metrics of one server, exposed by the HTTP listener at `GET /metrics` (server/net/http/).
 *
 * Everything goes through one prom-client `Registry` per server (never prom-client's global registry, so tests
 * can run several servers in one process):
 *
 * - prom-client's default Node.js process metrics (`process_*`, `nodejs_*`: CPU, RSS, heap, event-loop lag, GC).
 * - redis_exporter's names and types for what Redis has (`redis_memory_used_bytes`, `redis_commands_total{cmd}`,
 *   `redis_db_keys{db="db0"}`, ...), so the Grafana dashboards written for redis_exporter work unchanged. The
 *   mapping from INFO fields to metric names is redis_exporter's (oliver006/redis_exporter, exporter/exporter.go
 *   `metricMapGauges`/`metricMapCounters` and info.go); values are the same figures INFO prints (server/observe/info.ts).
 * - tierkv's own under `tierkv_`: tier bytes/keys/extents by `tier` label, promotions, demotions, LFU counter resets,
 *   a histogram of tier work slice durations, MIGRATE_PREPARE counts, dropped keys, histograms of the stall and
 *   release durations, and the migration state.
 *
 * Values are read at scrape time by `collect()` callbacks from counters ServerCore already keeps (ServerStats,
 * the command table's calls/usec, KeyspaceStats, TierStats, MigrationStats), so a scrape costs O(commands in the
 * table + error codes), never O(keys), and commands pay nothing. The only per-event hooks are the two histograms
 * fed through `TierManager.onSlice` and `MigrationManager.onPrepare`.
 */
import os from 'node:os';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  type Metric,
  Registry,
} from 'prom-client';
import { TIER_COLD, TIER_HOT } from '../../allocator/arena.js';
import { clientsMemory, fragmentation } from './info.js';
import { mainThreadCpu, residentBytes, systemMemory } from './proc.js';
import type { PrepareReport } from '../memory/migrate-prepare.js';
import type { ServerCore } from '../core/server-core.js';
import { REDIS_COMPAT_VERSION, tierkvVersion } from '../config/version.js';

/** Upper bounds (seconds) of the tier work slice histogram: around the default 100 µs budget. */
export const SLICE_BUCKETS = [5e-6, 10e-6, 25e-6, 50e-6, 75e-6, 100e-6, 125e-6, 150e-6, 200e-6, 300e-6, 500e-6, 1e-3, 5e-3];
/** Upper bounds (seconds) of the MIGRATE_PREPARE stall histogram (longest hold of the event loop). */
export const STALL_BUCKETS = [100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 500e-3, 1];
/** Upper bounds (seconds) of the MIGRATE_PREPARE release histogram (until the RSS fell; bounded by 3 s). */
export const RELEASE_BUCKETS = [1e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 500e-3, 1, 2, 3, 5];

/** prom-client default metrics that `promtool check metrics` rejects (non-counters named *_total). */
const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Age after which the /proc readings of a scrape are taken again, ms. */
const PROC_SNAPSHOT_MS = 100;

const TIERS: ReadonlyArray<[string, number]> = [
  ['hot', TIER_HOT],
  ['cold', TIER_COLD],
];

/**
 * A histogram without labels whose `observe` is allocation-free (a linear scan over a dozen bounds into a
 * Float64Array, ~5 ns), rendered by prom-client's registry like a prom-client Histogram. prom-client's own
 * `Histogram.observe` costs ~160 ns (label hashing, closures), which would be paid after most write commands while
 * the hot tier is over capacity. The object follows the shape the registry reads from any metric (`name`, `help`,
 * `type`, `aggregator`, `get()`, `reset()`), the same shape prom-client's metric classes have.
 */
export class FastHistogram {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  /**
   * @param name metric name (ends in a unit, e.g. `_seconds`)
   * @param help HELP text
   * @param bounds ascending finite upper bounds of the buckets (+Inf is implied)
   * @param registry the registry that renders it
   * @throws Error when a metric of that name is already registered
   */
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
    registry.registerMetric(this as unknown as Metric);
  }

  /** Counts one observation of `v` (same unit as the bounds). */
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]) i++;
    this.counts[i]++;
    this.sum += v;
    this.count++;
  }

  /** Observation count and sum so far (for tests). */
  totals(): { count: number; sum: number } {
    return { count: this.count, sum: this.sum };
  }

  /** The metric as prom-client's registry reads it: cumulative `_bucket{le}`, `_sum`, `_count`. */
  get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }>;
  }> {
    const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    const bucket = `${this.name}_bucket`;
    let acc = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      acc += this.counts[i];
      values.push({ metricName: bucket, labels: { le: this.bounds[i] }, value: acc });
    }
    values.push({ metricName: bucket, labels: { le: '+Inf' }, value: this.count });
    values.push({ metricName: `${this.name}_sum`, labels: {}, value: this.sum });
    values.push({ metricName: `${this.name}_count`, labels: {}, value: this.count });
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** Clears all observations (Registry.resetMetrics). */
  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/** Options of {@link TierkvMetrics}. */
export interface MetricsOptions {
  /** Include prom-client's default process metrics (default true). */
  defaultMetrics?: boolean;
}

/**
 * The metrics of one server: its registry, the collectors reading ServerCore's counters, and the hooks feeding
 * the histograms. Create one per server; `dispose()` removes the hooks.
 */
export class TierkvMetrics {
  readonly registry = new Registry();
  /** Tier work slice durations, seconds (fed by TierManager.onSlice). */
  readonly sliceSeconds: FastHistogram;
  /** MIGRATE_PREPARE stall and release durations, seconds (fed by MigrationManager.onPrepare). */
  readonly stallSeconds: Histogram;
  readonly releaseSeconds: Histogram;
  /** /proc readings shared by the collectors of one scrape (refreshed when older than PROC_SNAPSHOT_MS). */
  private snap = { at: -Infinity, rss: 0, systemTotal: 0, main: null as { user: number; sys: number } | null, cpu: { user: 0, system: 0 } };

  /**
   * Registers every metric and installs the histogram hooks on `core.tiers` and `core.migration`.
   * @param core the server whose counters are read at scrape time
   * @throws Error when the hooks are already taken (a second TierkvMetrics on the same core)
   */
  constructor(
    private readonly core: ServerCore,
    opts: MetricsOptions = {},
  ) {
    if (core.tiers.onSlice !== null || core.migration.onPrepare !== null) {
      throw new Error('TierkvMetrics: the tier/migration hooks of this server are already in use');
    }
    const reg = this.registry;
    if (opts.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: reg });
      // Gauges whose names end in _total (promtool rejects them); the same figures remain by type in
      // nodejs_active_handles / nodejs_active_requests / nodejs_active_resources (sum them in PromQL).
      for (const name of LINT_FAILING_DEFAULTS) reg.removeSingleMetric(name);
    }
    this.registerRedis(reg);
    this.registerTierkv(reg);

    this.sliceSeconds = new FastHistogram(
      'tierkv_tier_work_slice_duration_seconds',
      'Duration of each slice of tier work (demotions after a command or while idle)',
      SLICE_BUCKETS,
      reg,
    );
    this.stallSeconds = new Histogram({
      name: 'tierkv_migrate_stall_duration_seconds',
      help: 'MIGRATE_PREPARE: longest single hold of the event loop (the drop or the forced GC)',
      buckets: STALL_BUCKETS,
      registers: [reg],
    });
    this.releaseSeconds = new Histogram({
      name: 'tierkv_migrate_release_duration_seconds',
      help: 'MIGRATE_PREPARE: time until the RSS had fallen by half the freed bytes (or the wait ended)',
      buckets: RELEASE_BUCKETS,
      registers: [reg],
    });
    const slice = this.sliceSeconds;
    core.tiers.onSlice = (us) => slice.observe(us / 1e6);
    core.migration.onPrepare = (r: PrepareReport) => {
      this.stallSeconds.observe(r.stall_us / 1e6);
      this.releaseSeconds.observe(r.release_ms / 1e3);
    };
  }

  /** Content-Type of `render()`'s text (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text of every metric. O(1) in the number of keys. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The process figures read from /proc (RSS, system memory, CPU), read once per scrape rather than per metric. */
  private proc(): TierkvMetrics['snap'] {
    const s = this.snap;
    const now = performance.now();
    if (now - s.at > PROC_SNAPSHOT_MS) {
      s.at = now;
      s.rss = residentBytes();
      s.systemTotal = systemMemory().total;
      s.main = mainThreadCpu();
      s.cpu = process.cpuUsage();
    }
    return s;
  }

  /** Removes the hooks (the registry stays readable). */
  dispose(): void {
    this.core.tiers.onSlice = null;
    this.core.migration.onPrepare = null;
  }

  // ------------------------------------------------------------------------------------------------- redis_*

  private registerRedis(reg: Registry): void {
    const core = this.core;
    const registers = [reg];
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({ name, help, registers, collect() { this.set(read()); } });
    };
    const counter = (name: string, help: string, read: () => number): void => {
      new Counter({ name, help, registers, collect() { this.reset(); this.inc(read()); } });
    };

    gauge('redis_up', 'Information about the Redis instance (always 1: the server answers its own scrape)', () => 1);
    gauge('redis_uptime_in_seconds', 'INFO uptime_in_seconds', () => Math.floor((Date.now() - core.startTime) / 1000));
    gauge('redis_start_time_seconds', 'Start time of the server since unix epoch in seconds', () => Math.floor(core.startTime / 1000));
    gauge('redis_process_id', 'INFO process_id', () => process.pid);
    gauge('redis_connected_clients', 'INFO connected_clients', () => core.clients.size);
    gauge('redis_blocked_clients', 'INFO blocked_clients', () => core.pause.waitingCount + core.blocking.count);
    gauge('redis_config_maxclients', 'maxclients', () => core.config.maxclients);
    gauge('redis_config_maxmemory', 'maxmemory', () => core.config.maxmemory);

    gauge('redis_memory_used_bytes', 'INFO used_memory: arena chunks in use + hash index + client buffers', () => core.ks.usedMemory() + clientsMemory(core));
    gauge('redis_mem_clients_normal', 'INFO mem_clients_normal: query buffers + memory of unsent replies', () => clientsMemory(core));
    gauge('tierkv_mem_http_bodies_bytes', 'INFO mem_http_bodies: HTTP request bodies being received', () => core.httpBodyBytes);
    gauge('redis_memory_used_rss_bytes', 'INFO used_memory_rss', () => this.proc().rss);
    gauge('redis_memory_used_peak_bytes', 'INFO used_memory_peak', () => Math.max(core.stats.usedMemoryPeak, core.ks.usedMemory()));
    gauge('redis_memory_used_overhead_bytes', 'INFO used_memory_overhead', () => core.ks.index.bytes());
    gauge('redis_memory_used_dataset_bytes', 'INFO used_memory_dataset', () => core.arena.usedBytes());
    gauge('redis_memory_max_bytes', 'INFO maxmemory (0: no limit)', () => core.config.maxmemory);
    gauge('redis_total_system_memory_bytes', 'INFO total_system_memory', () => this.proc().systemTotal);
    // RSS / (used_memory + V8 heap used + external), as INFO (see fragmentation() in info.ts).
    gauge('redis_mem_fragmentation_ratio', 'INFO mem_fragmentation_ratio', () => {
      return Math.round(fragmentation(core.ks.usedMemory(), this.proc().rss, process.memoryUsage()).ratio * 100) / 100;
    });
    gauge('redis_mem_fragmentation_bytes', 'INFO mem_fragmentation_bytes', () => fragmentation(core.ks.usedMemory(), this.proc().rss, process.memoryUsage()).bytes);
    gauge('redis_lazyfree_pending_objects', 'INFO lazyfree_pending_objects', () => 0);
    gauge('redis_loading_dump_file', 'INFO loading', () => 0);
    gauge('redis_connected_slaves', 'INFO connected_slaves', () => 0);
    gauge('redis_total_error_replies', 'INFO total_error_replies', () => core.stats.totalErrorReplies);
    gauge('redis_total_reads_processed', 'INFO total_reads_processed', () => core.stats.totalReadsProcessed);
    gauge('redis_total_writes_processed', 'INFO total_writes_processed', () => core.stats.totalWritesProcessed);

    counter('redis_commands_processed_total', 'INFO total_commands_processed (RESP and HTTP key API)', () => core.stats.totalCommandsProcessed);
    counter('redis_connections_received_total', 'INFO total_connections_received (RESP)', () => core.stats.totalConnectionsReceived);
    counter('redis_rejected_connections_total', 'INFO rejected_connections', () => core.stats.rejectedConnections);
    counter('redis_net_input_bytes_total', 'INFO total_net_input_bytes (RESP)', () => core.stats.totalNetInputBytes);
    counter('redis_net_output_bytes_total', 'INFO total_net_output_bytes (RESP)', () => core.stats.totalNetOutputBytes);
    counter('redis_keyspace_hits_total', 'INFO keyspace_hits', () => core.ks.stats.hits);
    counter('redis_keyspace_misses_total', 'INFO keyspace_misses', () => core.ks.stats.misses);
    counter('redis_evicted_keys_total', 'INFO evicted_keys', () => core.ks.stats.evicted);
    counter('redis_expired_keys_total', 'INFO expired_keys', () => core.ks.stats.expired);
    counter('redis_cpu_sys_seconds_total', 'INFO used_cpu_sys', () => this.proc().cpu.system / 1e6);
    counter('redis_cpu_user_seconds_total', 'INFO used_cpu_user', () => this.proc().cpu.user / 1e6);
    if (mainThreadCpu() !== null) {
      counter('redis_cpu_sys_main_thread_seconds_total', 'INFO used_cpu_sys_main_thread (the JS thread)', () => this.proc().main?.sys ?? 0);
      counter('redis_cpu_user_main_thread_seconds_total', 'INFO used_cpu_user_main_thread (the JS thread)', () => this.proc().main?.user ?? 0);
    }

    new Gauge({
      name: 'redis_instance_info',
      help: 'Information about the Redis instance',
      labelNames: ['role', 'redis_version', 'redis_build_id', 'redis_mode', 'os', 'maxmemory_policy', 'tcp_port', 'run_id', 'process_id'],
      registers,
      collect() {
        this.reset();
        this.set(
          {
            role: 'master',
            redis_version: REDIS_COMPAT_VERSION,
            redis_build_id: '0',
            redis_mode: 'standalone',
            os: `${os.type()} ${os.release()} ${os.arch()}`,
            maxmemory_policy: core.config.maxmemoryPolicy,
            tcp_port: String(core.tcpPort),
            run_id: core.runId,
            process_id: String(process.pid),
          },
          1,
        );
      },
    });

    const db = { db: 'db0' };
    new Gauge({ name: 'redis_db_keys', help: 'Total number of keys by DB', labelNames: ['db'], registers, collect() { this.set(db, core.ks.keys); } });
    new Gauge({
      name: 'redis_db_keys_expiring',
      help: 'Total number of expiring keys by DB',
      labelNames: ['db'],
      registers,
      collect() { this.set(db, core.ks.expires); },
    });
    new Gauge({ name: 'redis_db_avg_ttl_seconds', help: 'Avg TTL in seconds (INFO keyspace avg_ttl / 1000)', labelNames: ['db'], registers, collect() { this.set(db, Math.round(core.ks.avgTtlMs) / 1000); } });

    // Per-command figures, for the commands INFO commandstats lists (those called, rejected or failed at least once).
    const perCommand = (name: string, help: string, read: (c: { calls: number; usec: number; rejectedCalls: number; failedCalls: number }) => number): void => {
      new Counter({
        name,
        help,
        labelNames: ['cmd'],
        registers,
        collect() {
          this.reset();
          for (const c of core.table.all()) {
            if (c.calls === 0 && c.rejectedCalls === 0 && c.failedCalls === 0) continue;
            this.inc({ cmd: c.fullName }, read(c));
          }
        },
      });
    };
    perCommand('redis_commands_total', 'Total number of calls per command (INFO commandstats calls)', (c) => c.calls);
    perCommand('redis_commands_duration_seconds_total', 'Total amount of time in seconds spent per command (INFO commandstats usec)', (c) => Math.round(c.usec) / 1e6);
    perCommand('redis_commands_rejected_calls_total', 'Total number of rejected calls per command', (c) => c.rejectedCalls);
    perCommand('redis_commands_failed_calls_total', 'Total number of failed calls per command', (c) => c.failedCalls);
    new Counter({
      name: 'redis_errors_total',
      help: 'Total number of errors per error type (INFO errorstats)',
      labelNames: ['err'],
      registers,
      collect() {
        this.reset();
        for (const [code, n] of core.stats.errorCodes) this.inc({ err: code }, n);
      },
    });
  }

  // ------------------------------------------------------------------------------------------------ tierkv_*

  private registerTierkv(reg: Registry): void {
    const core = this.core;
    const registers = [reg];
    const a = core.arena;
    const byTier = (name: string, help: string, read: (tier: number) => number, kind: 'gauge' | 'counter' = 'gauge'): void => {
      if (kind === 'gauge') {
        new Gauge({
          name,
          help,
          labelNames: ['tier'],
          registers,
          collect() { for (const [label, t] of TIERS) this.set({ tier: label }, read(t)); },
        });
      } else {
        new Counter({
          name,
          help,
          labelNames: ['tier'],
          registers,
          collect() {
            this.reset();
            for (const [label, t] of TIERS) this.inc({ tier: label }, read(t));
          },
        });
      }
    };
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({ name, help, registers, collect() { this.set(read()); } });
    };
    const counter = (name: string, help: string, read: () => number): void => {
      new Counter({ name, help, registers, collect() { this.reset(); this.inc(read()); } });
    };

    new Gauge({
      name: 'tierkv_build_info',
      help: 'tierkv version and the Redis version it is compatible with',
      labelNames: ['version', 'redis_version'],
      registers,
      collect() { this.set({ version: tierkvVersion(), redis_version: REDIS_COMPAT_VERSION }, 1); },
    });
    byTier('tierkv_tier_used_bytes', 'Bytes of the chunks in use in each tier (INFO hot_used_bytes / cold_used_bytes)', (t) => a.tierUsed[t]);
    byTier('tierkv_tier_capacity_bytes', 'Capacity of each tier: hot-ratio of maxmemory and the rest (0: no tiering, maxmemory 0)', (t) => {
      const cap = t === TIER_HOT ? core.tiers.hotCapacity() : core.tiers.coldCapacity();
      return Number.isFinite(cap) ? cap : 0;
    });
    byTier('tierkv_tier_keys', 'Keys held in each tier (INFO hot_keys / cold_keys)', (t) => core.ks.tierKeys(t));
    byTier('tierkv_tier_arena_bytes', 'Bytes of the extents owned by each tier', (t) => a.tierArena[t]);
    byTier('tierkv_tier_extents', 'Extents owned by each tier', (t) => a.extentCount(t));
    byTier('tierkv_tier_hits_total', 'Read hits served from each tier', (t) => core.ks.stats.tierHits[t], 'counter');
    counter('tierkv_promotions_total', 'Items promoted from the cold to the hot tier on access', () => core.tiers.stats.promotions);
    counter('tierkv_demotions_total', 'Items demoted from the hot to the cold tier', () => core.tiers.stats.demotions);
    counter('tierkv_tier_work_slices_total', 'Slices of tier work run', () => core.tiers.stats.slices);
    counter('tierkv_tier_work_slices_over_budget_total', 'Slices of tier work longer than 10x tier-work-budget-us', () => core.tiers.stats.overBudget);
    counter('tierkv_tier_lfu_resets_total', 'Access (LFU) counter resets: epoch advances, every tier-counter-reset-ms (INFO tier_counter_resets)', () => core.tiers.stats.counterResets);
    gauge('tierkv_tier_work_max_seconds', 'Longest tier work slice since start (INFO tier_work_max_us)', () => core.tiers.stats.workMaxUs / 1e6);
    gauge('tierkv_tier_work_paused', '1 while demotion is paused (migration mode)', () => (core.tiers.paused ? 1 : 0));
    gauge('tierkv_tier_promote_threshold', 'Access counter a cold item needs to be promoted (256: promotion off)', () => core.tiers.promoteThreshold);
    gauge('tierkv_tier_demote_level', 'Moving average of the access counters of demoted items', () => core.tiers.demoteLevel);
    gauge('tierkv_arena_bytes', 'Bytes of all extents of the arena (INFO arena_bytes)', () => a.arenaBytes());
    gauge('tierkv_slab_pages_bytes', 'Bytes of the slab pages assigned to a class, both tiers (INFO slab_pages_bytes)', () => a.slabPages() * a.pageSize);
    gauge('tierkv_slab_page_budget_bytes', 'Budget of the slab pages kept by the page mover, 0 without maxmemory (INFO slab_page_budget_bytes)', () => core.pageMover.budgetBytes());
    counter('tierkv_slab_reassigned_pages_total', 'Slab pages emptied by the page mover and returned to the pool (INFO slab_reassigned_pages)', () => core.pageMover.stats.reassignedPages);
    counter('tierkv_slab_reassign_moved_keys_total', 'Items moved to another chunk of their class by the page mover (INFO slab_reassign_moved_keys)', () => core.pageMover.stats.movedKeys);
    counter('tierkv_slab_reassign_evicted_keys_total', 'Items evicted by the page mover to empty a page (INFO slab_reassign_evicted_keys; also in evicted_keys)', () => core.pageMover.stats.evictedKeys);
    gauge('tierkv_slab_reassign_work_max_seconds', 'Longest page mover slice since start (INFO slab_reassign_work_max_us)', () => core.pageMover.stats.workMaxUs / 1e6);
    gauge('tierkv_dead_index_entries', 'Index entries still pointing into dropped extents (cleaned up in the background)', () => core.ks.deadEntries);

    counter('tierkv_migrate_prepares_total', 'MIGRATE_PREPARE runs completed', () => core.migration.stats.prepares);
    counter('tierkv_migrate_dropped_keys_total', 'Keys dropped by MIGRATE_PREPARE (the cold tier)', () => core.migration.stats.droppedKeys);
    counter('tierkv_migrate_freed_bytes_total', 'Arena bytes released by MIGRATE_PREPARE', () => core.migration.stats.freedBytes);
    counter('tierkv_migrate_timeouts_total', 'Migration modes ended by migrate-prepare-timeout-ms', () => core.migration.stats.timeouts);
    counter('tierkv_migrate_done_total', 'Migration modes ended by MIGRATE_DONE', () => core.migration.stats.done);
    counter('tierkv_migrate_aborts_total', 'Migration modes ended by MIGRATE_ABORT', () => core.migration.stats.aborts);
    gauge('tierkv_migrate_last_dropped_keys', 'Keys dropped by the last MIGRATE_PREPARE', () => core.migration.stats.lastDroppedKeys);
    new Gauge({
      name: 'tierkv_migration_state',
      help: 'Migration state: 1 for the current state (none, prepared), 0 for the others',
      labelNames: ['state'],
      registers,
      collect() {
        const s = core.migration.state;
        this.set({ state: 'none' }, s === 'none' ? 1 : 0);
        this.set({ state: 'prepared' }, s === 'prepared' ? 1 : 0);
      },
    });
    gauge('tierkv_migration_since_timestamp_seconds', 'When migration mode began, seconds since the epoch (0: not in migration mode)', () =>
      core.migration.since > 0 ? core.migration.since / 1000 : 0,
    );
  }
}
