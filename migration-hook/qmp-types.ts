/**
 * TypeScript shapes of the QMP (QEMU Machine Protocol) messages and replies that the migration controller uses.
 *
 * Sources: QEMU's QMP reference (docs/interop/qmp-spec, "QEMU QMP Reference Manual"), the QAPI schema files
 * qapi/migration.json, qapi/run-state.json, qapi/machine.json (balloon, query-kvm) and qapi/control.json, and the
 * live `query-qmp-schema` output of the QEMU 7.2 build installed on the lab machines. Field names are QEMU's own
 * (kebab-case), so values can be passed to and read from QMP without renaming.
 *
 * Units follow QEMU: sizes and byte counters are bytes, times are milliseconds unless a name says otherwise
 * (`*-blocktime` are milliseconds too; event timestamps are seconds + microseconds since the Unix epoch).
 * Every optional field is optional because QEMU omits it in some states (e.g. `ram` only appears once a
 * migration is `active` or has finished; `downtime` only after a successful completion).
 */

/** QEMU version as reported by the QMP greeting and `query-version` (`{"qemu": {...}, "package": "..."}`). */
export interface QmpVersion {
  major: number;
  minor: number;
  micro: number;
  /** Distribution package string, e.g. `"Debian 1:7.2+dfsg-7+deb12u18+b3"`; may be empty. */
  package: string;
}

/** The greeting QEMU sends on connect: `{"QMP": {"version": {...}, "capabilities": ["oob", ...]}}`. */
export interface QmpGreeting {
  QMP: {
    version: { qemu: { major: number; minor: number; micro: number }; package: string };
    /** Optional protocol features the server offers (QEMU 7.2: `["oob"]`). The client enables none of them. */
    capabilities: string[];
  };
}

/** A successful reply: `{"return": <value>, "id": <id>}`. */
export interface QmpReturnMessage<T = unknown> {
  return: T;
  id?: unknown;
}

/** An error reply: `{"error": {"class": "CommandNotFound", "desc": "..."}, "id": <id>}`. */
export interface QmpErrorMessage {
  error: { class: QmpErrorClass | string; desc: string };
  id?: unknown;
}

/** An asynchronous event: `{"event": "STOP", "data": {...}, "timestamp": {"seconds": s, "microseconds": us}}`. */
export interface QmpEventMessage {
  event: string;
  data?: Record<string, unknown>;
  timestamp: { seconds: number; microseconds: number };
}

/**
 * QMP error classes (qapi/error.json `QapiErrorClass`). `GenericError` is used for almost everything, including
 * invalid arguments; the others are kept for compatibility with old clients.
 */
export type QmpErrorClass =
  | 'GenericError'
  | 'CommandNotFound'
  | 'DeviceNotActive'
  | 'DeviceNotFound'
  | 'KVMMissingCap';

/** VM run states (qapi/run-state.json `RunState`, QEMU 7.2). */
export type RunState =
  | 'debug'
  | 'inmigrate'
  | 'internal-error'
  | 'io-error'
  | 'paused'
  | 'postmigrate'
  | 'prelaunch'
  | 'finish-migrate'
  | 'restore-vm'
  | 'running'
  | 'save-vm'
  | 'shutdown'
  | 'suspended'
  | 'watchdog'
  | 'guest-panicked'
  | 'colo';

/** Reply of `query-status` (qapi/run-state.json `StatusInfo`). `singlestep` was removed after QEMU 8. */
export interface StatusInfo {
  running: boolean;
  status: RunState;
  singlestep?: boolean;
}

/** Reply of `query-kvm` (qapi/machine.json `KvmInfo`). `enabled`: this VM uses KVM; `present`: built with KVM. */
export interface KvmInfo {
  enabled: boolean;
  present: boolean;
}

/**
 * Reply of `query-balloon` (qapi/machine.json `BalloonInfo`): `actual` is the guest's logical RAM size in bytes
 * after the balloon, i.e. configured RAM minus what the balloon holds. It only changes once a guest driver acts.
 */
export interface BalloonInfo {
  actual: number;
}

/** Migration states (qapi/migration.json `MigrationStatus`; `postcopy-recover-setup` since 9.1). */
export type MigrationStatus =
  | 'none'
  | 'setup'
  | 'cancelling'
  | 'cancelled'
  | 'active'
  | 'postcopy-active'
  | 'postcopy-paused'
  | 'postcopy-recover-setup'
  | 'postcopy-recover'
  | 'completed'
  | 'failed'
  | 'colo'
  | 'pre-switchover'
  | 'device'
  | 'wait-unplug';

/** The states after which a migration no longer changes (the controller stops polling on these). */
export const MIGRATION_FINAL_STATES: ReadonlySet<MigrationStatus> = new Set<MigrationStatus>([
  'completed',
  'failed',
  'cancelled',
]);

/** RAM statistics inside `query-migrate` (qapi/migration.json `MigrationStats`). Bytes unless noted. */
export interface MigrationRamStats {
  /** Bytes already sent to the destination (including page headers). */
  transferred: number;
  /** Bytes still dirty and to be sent. */
  remaining: number;
  /** Guest RAM size involved in the migration, in bytes. */
  total: number;
  /** Number of zero ("duplicate") pages sent as a marker only. Pages, not bytes. */
  duplicate: number;
  /** Removed after QEMU 7.2 (always 0). Pages. */
  skipped?: number;
  /** Number of normal (full) pages sent. Pages, not bytes. */
  normal: number;
  /** Bytes sent as normal pages. */
  'normal-bytes': number;
  /** Pages dirtied per second by the guest. */
  'dirty-pages-rate': number;
  /** Throughput in megabits per second. */
  mbps: number;
  /** How many times the dirty bitmap was synchronised (≈ number of pre-copy passes). */
  'dirty-sync-count': number;
  /** Page requests received from the destination during post-copy. */
  'postcopy-requests': number;
  /** Bytes per page for the page-based counters (4096 on x86). */
  'page-size': number;
  /** Bytes sent over multifd channels. */
  'multifd-bytes': number;
  /** Pages transferred per second. */
  'pages-per-second': number;
  /** Bytes sent in the pre-copy phase (since 7.0). */
  'precopy-bytes'?: number;
  /** Bytes sent while the guest was paused (since 7.0). */
  'downtime-bytes'?: number;
  /** Bytes sent in the post-copy phase (since 7.0). */
  'postcopy-bytes'?: number;
  /** Times dirty RAM sync could not avoid copying with zero-copy-send (since 7.1). */
  'dirty-sync-missed-zero-copy'?: number;
}

/** XBZRLE cache statistics (qapi/migration.json `XBZRLECacheStats`), only with the `xbzrle` capability. */
export interface XbzrleCacheStats {
  'cache-size': number;
  bytes: number;
  pages: number;
  'cache-miss': number;
  'cache-miss-rate': number;
  'encoding-rate': number;
  overflow: number;
}

/** A socket address as QEMU reports it (qapi/sockets.json `SocketAddress`, flat union on `type`). */
export type QmpSocketAddress =
  | { type: 'inet'; host: string; port: string; [k: string]: unknown }
  | { type: 'unix'; path: string; [k: string]: unknown }
  | { type: 'vsock'; cid: string; port: string }
  | { type: 'fd'; str: string };

/**
 * Reply of `query-migrate` (qapi/migration.json `MigrationInfo`). `{}` before any migration.
 *
 * Pitfall measured on QEMU 7.2 (vm-lab README): the first reply that says `completed` may still carry
 * `total-time: 0`; read it again to get the final numbers.
 */
export interface MigrationInfo {
  status?: MigrationStatus;
  ram?: MigrationRamStats;
  /** Block migration statistics (only with `migrate blk=true`; removed in QEMU 8.2). */
  disk?: MigrationRamStats;
  vfio?: { transferred: number };
  'xbzrle-cache'?: XbzrleCacheStats;
  /** Milliseconds since the migration started; once finished, the total migration time. */
  'total-time'?: number;
  /** Expected downtime in ms, only while active. */
  'expected-downtime'?: number;
  /** Downtime in ms measured by QEMU, only after a successful completion (under-reports post-copy pauses). */
  downtime?: number;
  /** Milliseconds between the `migrate` command and the first iteration. */
  'setup-time'?: number;
  /** Percentage of time the vCPUs are throttled by auto-converge. */
  'cpu-throttle-percentage'?: number;
  /** Human-readable failure reason (not for parsing). */
  'error-desc'?: string;
  /** Reasons an outgoing migration is blocked, when it is. */
  'blocked-reasons'?: string[];
  /** Total ms during which all vCPUs were blocked in post-copy (destination, `postcopy-blocktime` capability). */
  'postcopy-blocktime'?: number;
  /** Per-vCPU post-copy block time in ms (destination, `postcopy-blocktime` capability). */
  'postcopy-vcpu-blocktime'?: number[];
  /** Compression statistics (`compress` capability; removed in QEMU 9.1). */
  compression?: {
    pages: number;
    busy: number;
    'busy-rate': number;
    'compressed-size': number;
    'compression-rate': number;
  };
  /** The address(es) actually listened on (incoming side, tcp), e.g. to learn an ephemeral port. */
  'socket-address'?: QmpSocketAddress[];
}

/** Migration capability names (qapi/migration.json `MigrationCapability`; newer QEMUs add more). */
export type MigrationCapability =
  | 'xbzrle'
  | 'rdma-pin-all'
  | 'auto-converge'
  | 'zero-blocks'
  | 'compress'
  | 'events'
  | 'postcopy-ram'
  | 'x-colo'
  | 'release-ram'
  | 'block'
  | 'return-path'
  | 'pause-before-switchover'
  | 'multifd'
  | 'dirty-bitmaps'
  | 'postcopy-blocktime'
  | 'late-block-activate'
  | 'x-ignore-shared'
  | 'validate-uuid'
  | 'background-snapshot'
  | 'zero-copy-send'
  | 'postcopy-preempt'
  | 'switchover-ack'
  | 'dirty-limit'
  | 'mapped-ram';

/** One entry of `query-migrate-capabilities` / `migrate-set-capabilities` (`MigrationCapabilityStatus`). */
export interface MigrationCapabilityStatus {
  capability: MigrationCapability | (string & {});
  state: boolean;
}

/**
 * Arguments of `migrate-set-parameters` (qapi/migration.json `MigrateSetParameters`); all optional, only the
 * given ones change. The ones the controller uses are documented; the index signature lets newer ones through.
 */
export interface MigrateSetParameters {
  /** Pre-copy bandwidth cap in bytes per second (QEMU default 128 MiB/s = 134217728). */
  'max-bandwidth'?: number;
  /** Post-copy background bandwidth cap in bytes per second; 0 = unlimited (default). */
  'max-postcopy-bandwidth'?: number;
  /** Maximum tolerated downtime in ms (default 300). */
  'downtime-limit'?: number;
  'announce-initial'?: number;
  'announce-max'?: number;
  'announce-rounds'?: number;
  'announce-step'?: number;
  'throttle-trigger-threshold'?: number;
  'cpu-throttle-initial'?: number;
  'cpu-throttle-increment'?: number;
  'cpu-throttle-tailslow'?: boolean;
  'max-cpu-throttle'?: number;
  'multifd-channels'?: number;
  'multifd-compression'?: 'none' | 'zlib' | 'zstd' | (string & {});
  /** XBZRLE cache size in bytes (power of two, multiple of the page size). */
  'xbzrle-cache-size'?: number;
  'tls-creds'?: string | null;
  'tls-hostname'?: string | null;
  'tls-authz'?: string | null;
  [parameter: string]: unknown;
}

/** Reply of `query-migrate-parameters` (`MigrationParameters`): the same keys as {@link MigrateSetParameters}. */
export type MigrationParameters = MigrateSetParameters;

/** `data` of the `MIGRATION` event (needs the `events` capability): the new status. */
export interface MigrationEventData {
  status: MigrationStatus;
}

/** `data` of the `MIGRATION_PASS` event (needs the `events` capability): the dirty-sync pass number. */
export interface MigrationPassEventData {
  pass: number;
}

/** `data` of the `BALLOON_CHANGE` event: the guest's new logical RAM size in bytes (see {@link BalloonInfo}). */
export interface BalloonChangeEventData {
  actual: number;
}

/** `data` of the `SHUTDOWN` event. */
export interface ShutdownEventData {
  guest: boolean;
  reason: string;
}
