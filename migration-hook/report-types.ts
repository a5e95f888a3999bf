/**
 * What a migration reports: its phases, the progress updates, the report (`MigrationReport`, printed as is by
 * `--json`), the report every run starts from ({@link emptyMigrationReport}), and the error a failed run rejects with
 * ({@link MigrationFailedError}, carrying the report so far). The run that fills them in is controller.ts; report.ts
 * renders them.
 */
import type { PrepareReply } from './kv-client.js';
import type { MigrateSetParameters, MigrationInfo, MigrationStatus } from './qmp-types.js';
import { strategySpec, type BalloonBasis, type StrategyName } from './strategies.js';

/** The controller's phases, in order; `abort` is the clean-up after a failure before the post-copy switch. */
export type MigrationPhase =
  | 'preflight'
  | 'prepare'
  | 'balloon'
  | 'report-wait'
  | 'configure'
  | 'migrate'
  | 'complete'
  | 'finalize'
  | 'abort';

/** A progress update (see {@link MigrationOptions.onProgress}). Bytes are bytes, times ms since the request. */
export interface MigrationProgress {
  phase: MigrationPhase;
  elapsedMs: number;
  /** QEMU's migration status on the source, once `migrate` was sent. */
  status?: MigrationStatus;
  /** Pre-copy pass (QEMU's `dirty-sync-count`). */
  pass?: number;
  remainingBytes?: number;
  transferredBytes?: number;
  totalBytes?: number;
  /** Throughput, megabits per second (QEMU's `mbps`). */
  mbps?: number;
  /** During the balloon phase: `query-balloon` `actual` and the target. */
  balloonActualBytes?: number;
  balloonTargetBytes?: number;
  /** A human-readable note (phase start, balloon outcome, ...). */
  message?: string;
}

/** One QMP event of either QEMU during the run; `t_ms` is ms since the request (this process's clock). */
export interface MigrationEventRecord {
  t_ms: number;
  side: 'source' | 'destination';
  event: string;
  data: Record<string, unknown>;
}

/** What happened while waiting for free page reporting (tierkv-report*). */
export interface ReportWaitInfo {
  wait_ms: number;
  /** Source QEMU PID whose RSS was watched, or null (then the wait was fixed). */
  source_pid: number | null;
  rss_before_bytes: number | null;
  rss_after_bytes: number | null;
  /** How the wait ended: `quiet` (RSS stopped falling), `bound` (reportWaitMs), `fixed` (no PID). */
  ended: 'quiet' | 'bound' | 'fixed';
}

/**
 * One tierkv instance of the VM (`--kv`, given once per instance): where it answered and its own MIGRATE_PREPARE
 * figures. The report's top-level `dropped_keys`, `freed_bytes`, `zeroed_bytes`, `kv_prepare` are these combined
 * (summed; see `combinePrepareReplies` in kv-client.ts).
 */
export interface KvInstanceReport {
  /** Where it answered before the migration (`host:port` or `unix:path`). */
  kv: string;
  /** Where MIGRATE_DONE was sent after it (the `--kv-after` at the same position, else `kv`). */
  kv_after: string;
  /** This instance's MIGRATE_PREPARE round trip, ms (the instances are prepared in parallel). */
  prepare_ms: number | null;
  dropped_keys: number | null;
  freed_bytes: number | null;
  zeroed_bytes: number | null;
  zero_ms: number | null;
  /** The reply's `used_memory` and `used_memory_rss` after the drop, bytes. */
  used_memory: number | null;
  used_memory_rss: number | null;
  /** Its whole MIGRATE_PREPARE reply. */
  kv_prepare: PrepareReply | null;
  /** Why its MIGRATE_PREPARE failed, or null. */
  prepare_error: string | null;
  /** `ok`, `skipped`, or `error: ...`, as the top-level fields, for this instance. */
  kv_done: string;
  kv_abort: string;
}

/**
 * The result of one migration; `--json` prints it as is. Times in ms, sizes in bytes; null where a figure does
 * not apply or was not reached. Fields named in the issue come first.
 */
export interface MigrationReport {
  strategy: StrategyName;
  /** What the strategy does, in one line (strategies.ts `description`). */
  strategy_description: string;
  /** `completed`; `aborted` (failed before the post-copy switch, cleaned up, the VM runs on the source);
   * `vm-lost` (failed after the switch). */
  outcome: 'completed' | 'aborted' | 'vm-lost';
  /** QEMU's final `query-migrate` status on the source, or `not-started` if `migrate` was never sent. */
  status: MigrationStatus | 'not-started';
  /** From the request until the VM runs on the destination with the migration complete (controller clock). */
  total_time_ms: number | null;
  /** From the request until memory transfer starts (the source's `MIGRATION active` event). */
  setup_time_ms: number | null;
  /** MIGRATE_PREPARE round trip. */
  prepare_ms: number | null;
  /** True when MIGRATE_PREPARE ran during the first pre-copy pass (strategy `overlap`), outside the setup. */
  prepare_overlapped: boolean;
  /** With `prepare_overlapped`: when MIGRATE_PREPARE was sent, ms from the request (controller clock). */
  prepare_started_ms: number | null;
  /** From the `balloon` command until it settled or the wait gave up. */
  balloon_ms: number | null;
  /** QEMU's `downtime` (under-reports post-copy's real pause: see guest_pause_ms). */
  downtime_ms: number | null;
  /** QEMU's `ram.transferred`. */
  transferred_bytes: number | null;
  balloon_target_bytes: number | null;
  dropped_keys: number | null;
  postcopy_requests: number | null;
  /** From the source's `STOP` event to the destination's `RESUME` event: the pause the guest sees. */
  guest_pause_ms: number | null;

  /** The parts of setup_time_ms; `other_ms` is what is left (QMP round trips, the controller's own work). */
  setup: {
    preflight_ms: number | null;
    prepare_ms: number | null;
    balloon_ms: number | null;
    report_wait_ms: number | null;
    configure_ms: number | null;
    /** QEMU's `setup-time`: from its `migrate` command until the first iteration. */
    qemu_setup_ms: number | null;
    other_ms: number | null;
  };
  /** QEMU's `total-time` (from `migrate` to completion). */
  migration_time_ms: number | null;
  /** From `migrate-start-postcopy` until the source reported `postcopy-active`. */
  postcopy_switch_ms: number | null;
  /** Balloon give-back and MIGRATE_DONE after completion. */
  finalize_ms: number | null;
  /** True once the source reported `postcopy-active`. */
  postcopy: boolean;
  precopy_bytes: number | null;
  postcopy_bytes: number | null;
  downtime_bytes: number | null;
  normal_bytes: number | null;
  normal_pages: number | null;
  duplicate_pages: number | null;
  ram_total_bytes: number | null;
  /** QEMU's `dirty-sync-count` (≈ pre-copy passes). */
  passes: number | null;
  mbps: number | null;
  /** Destination's `postcopy-blocktime` (all vCPUs blocked on page faults), ms. */
  postcopy_blocktime_ms: number | null;

  balloon_basis: BalloonBasis | null;
  balloon_reason: string | null;
  balloon_before_bytes: number | null;
  /** `query-balloon` when the wait ended. */
  balloon_actual_bytes: number | null;
  balloon_settled: boolean | null;
  balloon_note: string | null;
  free_page_hint: boolean | null;
  free_page_reporting: boolean | null;
  report_wait: ReportWaitInfo | null;

  /** tierkv's address; with several instances, their addresses joined with `, ` (each is in `kv_instances`). */
  kv: string | null;
  kv_after: string | null;
  /** Every tierkv instance with its own figures, in `--kv` order (empty for the baselines). */
  kv_instances: KvInstanceReport[];
  freed_bytes: number | null;
  /** MIGRATE_PREPARE's `zeroed_bytes`: bytes tierkv overwrote with zeros before freeing them (null: not reported). */
  zeroed_bytes: number | null;
  /** MIGRATE_PREPARE's `zero_ms`: how long tierkv's worker took to zero them, ms. */
  zero_ms: number | null;
  /** MIGRATE_PREPARE's whole reply; with several instances, their replies combined (sums; see kv_instances). */
  kv_prepare: PrepareReply | null;
  /** `ok`, `skipped`, or `error: ...` (with several instances: `ok` when every one answered, else the failures). */
  kv_done: string;
  kv_abort: string;

  error: string | null;
  failed_phase: MigrationPhase | null;
  fatal: boolean;
  started_at: string;
  source: string;
  destination: string;
  dest_uri: string;
  /** The URI the source was sent to (differs from dest_uri when its port was 0). */
  migrate_uri: string | null;
  accel: 'kvm' | 'tcg' | null;
  qemu_version: string | null;
  guest_ram_bytes: number | null;
  capabilities: { source: Record<string, boolean>; destination: Record<string, boolean> };
  parameters: MigrateSetParameters;
  /** QEMU's raw `query-migrate` replies, read again after `completed`. */
  qemu: { source: MigrationInfo | null; destination: MigrationInfo | null };
  events: MigrationEventRecord[];
  warnings: string[];
  /** What the clean-up after a failure did. */
  cleanup: string[];
}

/**
 * The migration failed. `report` holds everything measured up to then (`outcome` `aborted` or `vm-lost`);
 * `phase` is where it failed; `fatal` is true when it failed after the switch to post-copy (the VM is lost).
 */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  readonly report: MigrationReport;
  readonly phase: MigrationPhase;
  readonly fatal: boolean;
  /** The underlying reason, without the controller's wording. */
  readonly reason: string;
  constructor(message: string, report: MigrationReport, phase: MigrationPhase, fatal: boolean, reason: string, cause?: unknown) {
    super(message, { cause });
    this.report = report;
    this.phase = phase;
    this.fatal = fatal;
    this.reason = reason;
  }
}

/**
 * A report with every figure null (or empty), as the controller starts one; exported for tools that build or
 * merge reports (and tests).
 */
export function emptyMigrationReport(init: {
  strategy: StrategyName;
  source: string;
  destination: string;
  destUri: string;
  kv?: string | null;
  kvAfter?: string | null;
  /** The tierkv instances (`kv`, `kvAfter` addresses), one entry each; `kv`/`kvAfter` default to them joined. */
  kvInstances?: readonly { kv: string; kvAfter: string }[];
}): MigrationReport {
  const instances = init.kvInstances ?? [];
  return {
    strategy: init.strategy,
    strategy_description: strategySpec(init.strategy).description,
    outcome: 'aborted',
    status: 'not-started',
    total_time_ms: null,
    setup_time_ms: null,
    prepare_ms: null,
    prepare_overlapped: false,
    prepare_started_ms: null,
    balloon_ms: null,
    downtime_ms: null,
    transferred_bytes: null,
    balloon_target_bytes: null,
    dropped_keys: null,
    postcopy_requests: null,
    guest_pause_ms: null,
    setup: { preflight_ms: null, prepare_ms: null, balloon_ms: null, report_wait_ms: null, configure_ms: null, qemu_setup_ms: null, other_ms: null },
    migration_time_ms: null,
    postcopy_switch_ms: null,
    finalize_ms: null,
    postcopy: false,
    precopy_bytes: null,
    postcopy_bytes: null,
    downtime_bytes: null,
    normal_bytes: null,
    normal_pages: null,
    duplicate_pages: null,
    ram_total_bytes: null,
    passes: null,
    mbps: null,
    postcopy_blocktime_ms: null,
    balloon_basis: null,
    balloon_reason: null,
    balloon_before_bytes: null,
    balloon_actual_bytes: null,
    balloon_settled: null,
    balloon_note: null,
    free_page_hint: null,
    free_page_reporting: null,
    report_wait: null,
    kv: init.kv ?? (instances.length > 0 ? instances.map((i) => i.kv).join(', ') : null),
    kv_after: init.kvAfter ?? (instances.length > 0 ? instances.map((i) => i.kvAfter).join(', ') : null),
    kv_instances: instances.map((i) => emptyKvInstanceReport(i.kv, i.kvAfter)),
    freed_bytes: null,
    zeroed_bytes: null,
    zero_ms: null,
    kv_prepare: null,
    kv_done: 'skipped',
    kv_abort: 'skipped',
    error: null,
    failed_phase: null,
    fatal: false,
    started_at: new Date().toISOString(),
    source: init.source,
    destination: init.destination,
    dest_uri: init.destUri,
    migrate_uri: null,
    accel: null,
    qemu_version: null,
    guest_ram_bytes: null,
    capabilities: { source: {}, destination: {} },
    parameters: {},
    qemu: { source: null, destination: null },
    events: [],
    warnings: [],
    cleanup: [],
  };
}

/** Rounds a time in ms to 0.1 ms, as every time in the report is. */
export function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** A {@link KvInstanceReport} with no figures yet (nothing sent). */
export function emptyKvInstanceReport(kv: string, kvAfter: string = kv): KvInstanceReport {
  return {
    kv,
    kv_after: kvAfter,
    prepare_ms: null,
    dropped_keys: null,
    freed_bytes: null,
    zeroed_bytes: null,
    zero_ms: null,
    used_memory: null,
    used_memory_rss: null,
    kv_prepare: null,
    prepare_error: null,
    kv_done: 'skipped',
    kv_abort: 'skipped',
  };
}
