/**
 * INFO: the sections and field names of Redis 7 (src/server.c genRedisInfoString) for what tierkv has, so that
 * tools written for Redis (redis-cli, redis_exporter, ioredis's ready check on `loading:0`) read it unchanged,
 * plus tierkv's own fields (`arena_bytes`, `js_heap_used_bytes`, the `tiers` section).
 *
 * Nothing here walks the keyspace: fields are O(1), except the client memory sums (O(clients)) and the
 * per-command sections (O(commands)).
 */
import os from 'node:os';
import { TIER_COLD, TIER_HOT } from '../../allocator/arena.js';
import { latencyPercentile } from './latency.js';
import { mainThreadCpu, residentBytes, systemMemory } from './proc.js';
import type { Arena } from '../../allocator/arena.js';
import type { CommandRegistry } from '../commands/types.js';
import type { Config } from '../config/config.js';
import type { Client } from '../core/client.js';
import type { ServerStats } from '../core/stats.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { MigrationManager } from '../memory/migrate-prepare.js';
import type { PageMover } from '../memory/page-mover.js';
import type { TierManager } from '../memory/tiers.js';
import type { PubSub } from '../pubsub/pubsub.js';
import { REDIS_COMPAT_VERSION, tierkvVersion } from '../config/version.js';

/** Every section in Redis's output order (src/server.c genRedisInfoString), then tierkv's own. */
const ALL_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'commandstats',
  'errorstats', 'latencystats', 'cluster', 'keyspace', 'tiers', 'migration'];
/** Sections printed by INFO without arguments (Redis "default": all but commandstats and latencystats). */
const DEFAULT_SECTIONS = ALL_SECTIONS.filter((s) => s !== 'commandstats' && s !== 'latencystats');

/** What INFO reads (core/server-core.ts `InfoSource` is one; INFO depends on it through this shape only). */
export interface InfoSource {
  /** Server start, ms since the epoch. */
  readonly startTime: number;
  readonly runId: string;
  readonly tcpPort: number;
  readonly configFile: string;
  readonly config: Config;
  readonly clients: ReadonlyMap<number, Client>;
  readonly stats: ServerStats;
  readonly ks: Keyspace;
  readonly arena: Arena;
  readonly tiers: TierManager;
  readonly pageMover: PageMover;
  readonly migration: MigrationManager;
  readonly table: CommandRegistry;
  /** Pub/sub registry (INFO stats pubsub_channels, pubsub_patterns, pubsubshard_channels). */
  readonly pubsub: PubSub;
  /** Bytes of HTTP request bodies held right now (INFO mem_http_bodies). */
  readonly httpBodyBytes: number;
  /** CLIENT PAUSE: clients waiting for it to end (INFO blocked_clients, as Redis counts them). */
  readonly pause: { readonly waitingCount: number };
  /** Clients blocked on keys (BLPOP...): INFO blocked_clients with the CLIENT PAUSE waiters, clients_in_timeout_table. */
  readonly blocking: { readonly count: number; readonly withTimeout: number };
}

/**
 * INFO memory `mem_fragmentation_ratio` / `mem_fragmentation_bytes` (and their Prometheus gauges).
 *
 * Redis divides RSS by used_memory, where used_memory is everything its allocator handed out. tierkv's
 * used_memory counts only the dataset (arena chunks in use + hash index), while the process also holds the V8
 * heap and memory outside it (Buffers, query and reply buffers): RSS / used_memory would be thousands at idle
 * (7900 with an empty keyspace) and say nothing. So tierkv divides RSS by what the process allocated:
 * `allocated = used_memory + js_heap_used_bytes + js_external_bytes` (process.memoryUsage() heapUsed and external).
 * Unused chunks and pages of the arena are left out of `allocated` on purpose: they are the arena's fragmentation
 * (`allocator_frag_ratio` = extents / used chunks shows them apart), so a half-empty arena raises this ratio as
 * fragmentation raises Redis's. What remains in the ratio besides them is the node binary and its libraries
 * (tens of MB), so at idle it reads a few units (Redis 7.0.15 at idle: about 13), and it tends to 1 + arena
 * fragmentation as the dataset grows.
 *
 * @param used used_memory, bytes
 * @param rss resident set size, bytes
 * @param mem process.memoryUsage() (heapUsed and external, bytes)
 * @returns the ratio (0 when nothing is allocated) and `bytes` = rss - allocated (negative when pages of the
 *   allocated memory are not resident)
 */
export function fragmentation(used: number, rss: number, mem: { heapUsed: number; external: number }): { ratio: number; bytes: number } {
  const allocated = used + mem.heapUsed + mem.external;
  return { ratio: allocated > 0 ? rss / allocated : 0, bytes: rss - allocated };
}

/**
 * Memory of all clients' buffers, bytes: query buffers plus the memory held by unsent replies (client.ts
 * `outputMemory`). INFO mem_clients_normal, and part of used_memory as in Redis.
 */
export function clientsMemory(core: Pick<InfoSource, 'clients'>): number {
  let n = 0;
  for (const c of core.clients.values()) n += c.parser.bufferedBytes() + c.outputMemory();
  return n;
}

/** master_replid of each server: 40 random hex characters, new on each start, as Redis's replication id. */
const replIds = new WeakMap<InfoSource, string>();

function replId(core: InfoSource): string {
  let id = replIds.get(core);
  if (id === undefined) {
    id = Array.from({ length: 40 }, () => '0123456789abcdef'[(Math.random() * 16) | 0]).join('');
    replIds.set(core, id);
  }
  return id;
}

/** Bytes in Redis's human form (used_memory_human): 1.50K, 2.00M, 3.25G. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(2)}K`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(2)}M`;
  if (n < 1024 ** 4) return `${(n / 1024 ** 3).toFixed(2)}G`;
  return `${(n / 1024 ** 4).toFixed(2)}T`;
}

/**
 * Selects the sections named by INFO's arguments (case-insensitive; "default", "all", "everything").
 * @returns section names in output order
 */
export function selectSections(args: string[]): string[] {
  if (args.length === 0) return DEFAULT_SECTIONS;
  const want = new Set<string>();
  for (const raw of args) {
    const a = raw.toLowerCase();
    if (a === 'default') DEFAULT_SECTIONS.forEach((s) => want.add(s));
    else if (a === 'all' || a === 'everything') ALL_SECTIONS.forEach((s) => want.add(s));
    else want.add(a);
  }
  return ALL_SECTIONS.filter((s) => want.has(s));
}

/** The INFO text for the given sections ("\r\n"-separated lines, sections separated by a blank line). */
export function buildInfo(core: InfoSource, sections: string[]): string {
  const parts: string[] = [];
  for (const s of sections) {
    const body = SECTION_BUILDERS[s]?.(core);
    if (body === undefined) continue;
    const title = s === 'cpu' ? 'CPU' : s[0].toUpperCase() + s.slice(1);
    parts.push(`# ${title}\r\n${body.map((l) => l + '\r\n').join('')}`);
  }
  return parts.join('\r\n');
}

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s / a.length;
}

/** A double as Redis's "%f" with trailing zeros and dot trimmed (50 → "50", 99.9 → "99.9"). */
function trimDouble(d: number): string {
  let t = d.toFixed(6);
  if (t.includes('.')) t = t.replace(/0+$/, '').replace(/\.$/, '');
  return t;
}

/** Infinity (no limit) is printed as 0, as Redis prints maxmemory 0. */
function maxmemoryOr0(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

const SECTION_BUILDERS: Record<string, (core: InfoSource) => string[]> = {
  server(core) {
    const now = Date.now();
    const up = Math.floor((now - core.startTime) / 1000);
    return [
      `redis_version:${REDIS_COMPAT_VERSION}`,
      `tierkv_version:${tierkvVersion()}`,
      'redis_git_sha1:00000000',
      'redis_git_dirty:0',
      'redis_build_id:0',
      'redis_mode:standalone',
      `os:${os.type()} ${os.release()} ${os.arch()}`,
      'arch_bits:64',
      'monotonic_clock:POSIX clock_gettime',
      'multiplexing_api:epoll',
      'atomicvar_api:c11-builtin',
      'gcc_version:0.0.0',
      `node_version:${process.versions.node}`,
      `process_id:${process.pid}`,
      'process_supervised:no',
      `run_id:${core.runId}`,
      `tcp_port:${core.tcpPort}`,
      `server_time_usec:${now * 1000}`,
      `uptime_in_seconds:${up}`,
      `uptime_in_days:${Math.floor(up / 86400)}`,
      `hz:${core.config.hz}`,
      `configured_hz:${core.config.hz}`,
      `lru_clock:${Math.floor(now / 1000) & 0xffffff}`,
      `executable:${process.argv[1] ?? ''}`,
      `config_file:${core.configFile}`,
      'io_threads_active:0',
    ];
  },
  clients(core) {
    return [
      `connected_clients:${core.clients.size}`,
      'cluster_connections:0',
      `maxclients:${core.config.maxclients}`,
      `client_recent_max_input_buffer:${Math.max(...core.stats.clientPeakIn)}`,
      `client_recent_max_output_buffer:${Math.max(...core.stats.clientPeakOut)}`,
      `blocked_clients:${core.pause.waitingCount + core.blocking.count}`,
      'tracking_clients:0',
      `clients_in_timeout_table:${core.blocking.withTimeout}`,
    ];
  },
  memory(core) {
    // Client buffers count in used_memory as in Redis (query buffers and the memory of unsent replies; not the
    // arena values replies reference, which the keyspace already counts). Eviction looks at the keyspace alone.
    const clientsMem = clientsMemory(core);
    const used = core.ks.usedMemory() + clientsMem;
    const rss = residentBytes();
    const peak = Math.max(core.stats.usedMemoryPeak, used);
    const sys = systemMemory();
    const heap = process.memoryUsage();
    const frag = fragmentation(used, rss, heap);
    // used_memory = arena chunks (the dataset) + the hash index (the overhead); the fixed page table is reported
    // apart (arena_metadata_bytes) and is not part of used_memory.
    const overhead = core.ks.index.bytes();
    const dataset = core.arena.usedBytes();
    const maxmemory = core.config.maxmemory;
    const startup = core.stats.usedMemoryStartup;
    // The arena is tierkv's allocator: bytes in chunks are "allocated", whole extents (plus the index) "active".
    const active = core.arena.arenaBytes() + core.ks.index.bytes();
    const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : '0.00');
    return [
      `used_memory:${used}`,
      `used_memory_human:${bytesToHuman(used)}`,
      `used_memory_rss:${rss}`,
      `used_memory_rss_human:${bytesToHuman(rss)}`,
      `used_memory_peak:${peak}`,
      `used_memory_peak_human:${bytesToHuman(peak)}`,
      `used_memory_peak_perc:${peak > 0 ? ((used * 100) / peak).toFixed(2) : '100.00'}%`,
      `used_memory_overhead:${overhead}`,
      `arena_metadata_bytes:${core.arena.metadataBytes()}`,
      `used_memory_startup:${startup}`,
      `used_memory_dataset:${dataset}`,
      `used_memory_dataset_perc:${used > 0 ? ((dataset * 100) / used).toFixed(2) : '0.00'}%`,
      `allocator_allocated:${used}`,
      `allocator_active:${active}`,
      `allocator_resident:${rss}`,
      `total_system_memory:${sys.total}`,
      `total_system_memory_human:${bytesToHuman(sys.total)}`,
      // No Lua, no functions: Redis's fields with zeros.
      'used_memory_lua:0',
      'used_memory_vm_eval:0',
      'used_memory_lua_human:0B',
      'used_memory_scripts_eval:0',
      'number_of_cached_scripts:0',
      'number_of_functions:0',
      'number_of_libraries:0',
      'used_memory_vm_functions:0',
      'used_memory_vm_total:0',
      'used_memory_vm_total_human:0B',
      'used_memory_functions:0',
      'used_memory_scripts:0',
      'used_memory_scripts_human:0B',
      `maxmemory:${maxmemory}`,
      `maxmemory_human:${bytesToHuman(maxmemory)}`,
      `maxmemory_policy:${core.config.maxmemoryPolicy}`,
      `allocator_frag_ratio:${ratio(active, used)}`,
      `allocator_frag_bytes:${active - used}`,
      `allocator_rss_ratio:${ratio(rss, active)}`,
      `allocator_rss_bytes:${rss - active}`,
      'rss_overhead_ratio:1.00',
      'rss_overhead_bytes:0',
      `mem_fragmentation_ratio:${frag.ratio.toFixed(2)}`,
      `mem_fragmentation_bytes:${frag.bytes}`,
      'mem_not_counted_for_evict:0',
      'mem_replication_backlog:0',
      'mem_total_replication_buffers:0',
      'mem_clients_slaves:0',
      `mem_clients_normal:${clientsMem}`,
      'mem_cluster_links:0',
      'mem_aof_buffer:0',
      'mem_allocator:tierkv-arena',
      'active_defrag_running:0',
      'lazyfree_pending_objects:0',
      'lazyfreed_objects:0',
      `arena_bytes:${core.arena.arenaBytes()}`,
      `arena_extents:${core.arena.extentCount(TIER_HOT) + core.arena.extentCount(TIER_COLD)}`,
      `slab_pages_bytes:${core.arena.slabPages() * core.arena.pageSize}`,
      `slab_page_budget_bytes:${core.pageMover.budgetBytes()}`,
      `js_heap_used_bytes:${heap.heapUsed}`,
      `js_heap_total_bytes:${heap.heapTotal}`,
      `js_external_bytes:${heap.external}`,
      `mem_http_bodies:${core.httpBodyBytes}`,
    ];
  },
  persistence() {
    return [
      'loading:0',
      'async_loading:0',
      'current_cow_peak:0',
      'current_cow_size:0',
      'current_cow_size_age:0',
      'current_fork_perc:0.00',
      'current_save_keys_processed:0',
      'current_save_keys_total:0',
      'rdb_changes_since_last_save:0',
      'rdb_bgsave_in_progress:0',
      'rdb_last_save_time:0',
      'rdb_last_bgsave_status:ok',
      // Persistence never runs: the values Redis reports before its first save/rewrite.
      'rdb_last_bgsave_time_sec:-1',
      'rdb_current_bgsave_time_sec:-1',
      'rdb_saves:0',
      'rdb_last_cow_size:0',
      'rdb_last_load_keys_expired:0',
      'rdb_last_load_keys_loaded:0',
      'aof_enabled:0',
      'aof_rewrite_in_progress:0',
      'aof_rewrite_scheduled:0',
      'aof_last_rewrite_time_sec:-1',
      'aof_current_rewrite_time_sec:-1',
      'aof_last_bgrewrite_status:ok',
      'aof_rewrites:0',
      'aof_rewrites_consecutive_failures:0',
      'aof_last_write_status:ok',
      'aof_last_cow_size:0',
      'module_fork_in_progress:0',
      'module_fork_last_cow_size:0',
    ];
  },
  stats(core) {
    const st = core.stats;
    const ks = core.ks.stats;
    return [
      `total_connections_received:${st.totalConnectionsReceived}`,
      `total_commands_processed:${st.totalCommandsProcessed}`,
      `instantaneous_ops_per_sec:${core.stats.instantaneousOps()}`,
      `total_net_input_bytes:${st.totalNetInputBytes}`,
      `total_net_output_bytes:${st.totalNetOutputBytes}`,
      'total_net_repl_input_bytes:0',
      'total_net_repl_output_bytes:0',
      `instantaneous_input_kbps:${(mean(st.inSamples) / 1024).toFixed(2)}`,
      `instantaneous_output_kbps:${(mean(st.outSamples) / 1024).toFixed(2)}`,
      'instantaneous_input_repl_kbps:0.00',
      'instantaneous_output_repl_kbps:0.00',
      `rejected_connections:${st.rejectedConnections}`,
      'sync_full:0',
      'sync_partial_ok:0',
      'sync_partial_err:0',
      `expired_keys:${ks.expired}`,
      'expired_stale_perc:0.00',
      'expired_time_cap_reached_count:0',
      'expire_cycle_cpu_milliseconds:0',
      `evicted_keys:${ks.evicted}`,
      'evicted_clients:0',
      'total_eviction_exceeded_time:0',
      'current_eviction_exceeded_time:0',
      `keyspace_hits:${ks.hits}`,
      `keyspace_misses:${ks.misses}`,
      `pubsub_channels:${core.pubsub.channels.size}`,
      `pubsub_patterns:${core.pubsub.patterns.size}`,
      `pubsubshard_channels:${core.pubsub.shardChannels.size}`,
      'latest_fork_usec:0',
      'total_forks:0',
      'migrate_cached_sockets:0',
      'slave_expires_tracked_keys:0',
      'active_defrag_hits:0',
      'active_defrag_misses:0',
      'active_defrag_key_hits:0',
      'active_defrag_key_misses:0',
      'total_active_defrag_time:0',
      'current_active_defrag_time:0',
      'tracking_total_keys:0',
      'tracking_total_items:0',
      'tracking_total_prefixes:0',
      'unexpected_error_replies:0',
      `total_error_replies:${st.totalErrorReplies}`,
      'dump_payload_sanitizations:0',
      `total_reads_processed:${st.totalReadsProcessed}`,
      `total_writes_processed:${st.totalWritesProcessed}`,
      'io_threaded_reads_processed:0',
      'io_threaded_writes_processed:0',
      'reply_buffer_shrinks:0',
      'reply_buffer_expands:0',
      `slab_reassigned_pages:${core.pageMover.stats.reassignedPages}`,
      `slab_reassign_moved_keys:${core.pageMover.stats.movedKeys}`,
      `slab_reassign_evicted_keys:${core.pageMover.stats.evictedKeys}`,
      `slab_reassign_aborted:${core.pageMover.stats.aborted}`,
      `slab_reassign_work_us:${Math.round(core.pageMover.stats.workTotalUs)}`,
      `slab_reassign_work_max_us:${Math.round(core.pageMover.stats.workMaxUs)}`,
    ];
  },
  replication(core) {
    // No replication: a master without replicas or backlog, with Redis's field names and neutral values.
    return [
      'role:master',
      'connected_slaves:0',
      'master_failover_state:no-failover',
      `master_replid:${replId(core)}`,
      'master_replid2:0000000000000000000000000000000000000000',
      'master_repl_offset:0',
      'second_repl_offset:-1',
      'repl_backlog_active:0',
      'repl_backlog_size:0',
      'repl_backlog_first_byte_offset:0',
      'repl_backlog_histlen:0',
    ];
  },
  cpu() {
    const u = process.cpuUsage();
    const lines = [
      `used_cpu_sys:${(u.system / 1e6).toFixed(6)}`,
      `used_cpu_user:${(u.user / 1e6).toFixed(6)}`,
      'used_cpu_sys_children:0.000000',
      'used_cpu_user_children:0.000000',
    ];
    const main = mainThreadCpu();
    if (main !== null) lines.push(`used_cpu_sys_main_thread:${main.sys.toFixed(6)}`, `used_cpu_user_main_thread:${main.user.toFixed(6)}`);
    return lines;
  },
  modules() {
    return [];
  },
  errorstats(core) {
    return [...core.stats.errorCodes].map(([code, n]) => `errorstat_${code}:count=${n}`);
  },
  commandstats(core) {
    const lines: string[] = [];
    for (const c of core.table.all()) {
      if (c.calls === 0 && c.rejectedCalls === 0 && c.failedCalls === 0) continue;
      const usec = Math.round(c.usec);
      const per = c.calls > 0 ? (c.usec / c.calls).toFixed(2) : '0.00';
      lines.push(
        `cmdstat_${c.fullName}:calls=${c.calls},usec=${usec},usec_per_call=${per},rejected_calls=${c.rejectedCalls},failed_calls=${c.failedCalls}`,
      );
    }
    return lines;
  },
  latencystats(core) {
    const cfg = new Map(core.config.get(['latency-tracking', 'latency-tracking-info-percentiles']));
    if (cfg.get('latency-tracking') === 'no') return [];
    const ps = (cfg.get('latency-tracking-info-percentiles') ?? '').split(' ').filter((x) => x !== '').map(Number);
    const lines: string[] = [];
    for (const c of core.table.all()) {
      const h = c.latency;
      if (h === null || c.calls === 0) continue;
      const parts = ps.map((p) => `p${trimDouble(p)}=${latencyPercentile(h, p).toFixed(3)}`);
      lines.push(`latency_percentiles_usec_${c.fullName}:${parts.join(',')}`);
    }
    return lines;
  },
  cluster() {
    return ['cluster_enabled:0'];
  },
  keyspace(core) {
    const ks = core.ks;
    return ks.keys > 0 ? [`db0:keys=${ks.keys},expires=${ks.expires},avg_ttl=${Math.round(ks.avgTtlMs)}`] : [];
  },
  tiers(core) {
    const a = core.arena;
    const ks = core.ks;
    const t = core.tiers;
    return [
      `hot_used_bytes:${a.tierUsed[TIER_HOT]}`,
      `hot_capacity_bytes:${maxmemoryOr0(t.hotCapacity())}`,
      `cold_used_bytes:${a.tierUsed[TIER_COLD]}`,
      `cold_capacity_bytes:${t.coldCapacity()}`,
      `hot_keys:${ks.tierKeys(TIER_HOT)}`,
      `cold_keys:${ks.tierKeys(TIER_COLD)}`,
      `hot_arena_bytes:${a.tierArena[TIER_HOT]}`,
      `cold_arena_bytes:${a.tierArena[TIER_COLD]}`,
      `hot_extents:${a.extentCount(TIER_HOT)}`,
      `cold_extents:${a.extentCount(TIER_COLD)}`,
      `promotions:${core.tiers.stats.promotions}`,
      `demotions:${t.stats.demotions}`,
      `tier_counter_epoch:${ks.epoch}`,
      `tier_counter_resets:${t.stats.counterResets}`,
      `tier_hits_hot:${ks.stats.tierHits[TIER_HOT]}`,
      `tier_hits_cold:${ks.stats.tierHits[TIER_COLD]}`,
      `tier_demote_level:${t.demoteLevel.toFixed(2)}`,
      `tier_promote_threshold:${core.tiers.promoteThreshold}`,
      `tier_work_slices:${t.stats.slices}`,
      `tier_work_total_us:${Math.round(t.stats.workTotalUs)}`,
      `tier_work_max_us:${Math.round(t.stats.workMaxUs)}`,
      `tier_work_max_items:${t.stats.maxItems}`,
      `tier_work_slices_over_10x_budget:${t.stats.overBudget}`,
      `tier_work_paused:${t.paused ? 1 : 0}`,
      `migration_state:${core.migration.state}`,
      `dead_index_entries:${ks.deadEntries}`,
    ];
  },
  migration(core) {
    const m = core.migration;
    const st = m.stats;
    return [
      `migration_state:${m.state}`,
      `migration_since:${m.since > 0 ? Math.floor(m.since / 1000) : 0}`,
      `migrate_prepares:${st.prepares}`,
      `migrate_dropped_keys:${st.droppedKeys}`,
      `migrate_freed_bytes:${st.freedBytes}`,
      `migrate_done:${st.done}`,
      `migrate_aborts:${st.aborts}`,
      `migrate_timeouts:${st.timeouts}`,
      `migrate_last_finish:${st.lastFinish}`,
      `migrate_last_dropped_keys:${st.lastDroppedKeys}`,
      `migrate_last_stall_us:${st.lastStallUs}`,
      `migrate_last_release_ms:${st.lastReleaseMs}`,
    ];
  },
};
