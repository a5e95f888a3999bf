/**
 * The migration controller: drives one live migration of a VM that runs tierkv, between two QEMU processes, over
 * QMP, and measures it.
 *
 * The strategies, in order (see strategies.ts for all of them; `tierkv`, the default, skips step 3):
 * 1. preflight: both QEMUs are reachable, the source runs, the destination waits with `-incoming defer`, the
 *    capabilities and balloon features the strategy needs exist on both sides — checked before tierkv is touched,
 *    since MIGRATE_PREPARE drops data for good;
 * 2. prepare: MIGRATE_PREPARE to tierkv — to every instance at once when the VM runs several (one per vCPU) — (it
 *    drops its cold tier, overwrites the dropped memory with zeros before freeing it, and reports the memory still in
 *    use; several replies are combined by {@link combinePrepareReplies}). Zero pages cost QEMU a ~9-byte header each, in pre-copy and
 *    post-copy (QEMU 7.2 migration/ram.c `save_zero_page`), so `tierkv` goes straight on to step 4;
 * 3. balloon (`tierkv-balloon*`, the paper's method): `balloon` to the memory in use plus a headroom
 *    ({@link computeBalloonTarget}), then poll `query-balloon` until it settles, stalls or a bound runs out. This
 *    must happen BEFORE the switch to post-copy: QEMU ignores balloon discards while an incoming post-copy runs
 *    (docs/devel/migration.rst, "Postcopy");
 * 4. configure: migration capabilities on BOTH sides (`postcopy-ram` must be set on the destination too), parameters
 *    on the source, `migrate-incoming` on the destination;
 * 5. migrate: `migrate` on the source, `migrate-start-postcopy` (at once by default: QEMU latches the request and
 *    switches at its next iteration), poll `query-migrate` until a final state;
 * 6. complete: re-read `query-migrate` until `total-time` is filled in (the first `completed` reply can carry 0 on
 *    QEMU 7.2, vm-lab README), wait for the destination's `RESUME` and its own `completed`;
 * 7. finalize: give the balloon back on the destination, MIGRATE_DONE to each tierkv instance.
 *
 * Failure before the switch to post-copy: `migrate_cancel`, deflate the source's balloon, MIGRATE_ABORT, and the
 * promise rejects with {@link MigrationFailedError} (`fatal: false`): the VM still runs on the source. After the
 * switch the guest's memory is split between the two hosts and QEMU cannot roll back, so a failure there is fatal
 * for the VM (`fatal: true`), and the error says so.
 *
 * This file is the run: the options, the phases in order, and the clean-up after a failure. What it reports
 * (`MigrationReport`, `MigrationFailedError`) is in report-types.ts; step 3's balloon and free-page-reporting
 * waits are in balloon.ts; the /proc reads (the source QEMU's PID, its RSS) in host-probes.ts.
 *
 * Times are taken with `performance.now()` in this process (ms); QEMU's own times (`total-time`, `setup-time`,
 * `downtime`) are reported as QEMU gives them. Bytes are bytes.
 */
import { performance } from 'node:perf_hooks';

import { findBalloonDevice, inflateBalloon, waitForPageReporting, type ShrinkRun } from './balloon.js';
import { combinePrepareReplies, describeKvEndpoint, type KvEndpoint, type PrepareReply, withKv } from './kv-client.js';
import { QmpClient, type QmpEvent } from './qmp.js';
import type { MigrateSetParameters, MigrationCapabilityStatus, MigrationInfo } from './qmp-types.js';
import {
  MigrationFailedError,
  emptyMigrationReport,
  round1,
  type MigrationPhase,
  type MigrationProgress,
  type MigrationReport,
} from './report-types.js';
import { needsBalloonDevice, strategyCapabilities, strategySpec, type StrategyName, type StrategySpec } from './strategies.js';

const MiB = 1024 * 1024;
/** Default {@link MigrationOptions.overlapBandwidth}, bytes/s. */
export const DEFAULT_OVERLAP_BANDWIDTH = 8 * MiB;

/** Options of {@link runMigration}. */
export interface MigrationOptions {
  /** The source QEMU: a connected {@link QmpClient} (kept open) or a QMP target (`/path.qmp`, `host:port`). */
  source: QmpClient | string;
  /** The destination QEMU, started with `-incoming defer` (same forms as `source`). */
  destination: QmpClient | string;
  /**
   * Where the destination listens for the migration stream: `tcp:HOST:PORT` (PORT 0 lets QEMU choose; the source is
   * then sent to the port the destination reports) or `unix:PATH`.
   */
  destUri: string;
  strategy: StrategyName;
  /**
   * tierkv before the migration (required by the tierkv* strategies; baselines do not use it). A list when the VM
   * runs several tierkv instances (one per vCPU): each is prepared (in parallel), their replies are combined for the
   * balloon target ({@link combinePrepareReplies}), and each gets MIGRATE_DONE or MIGRATE_ABORT.
   */
  kv?: KvEndpoint | readonly KvEndpoint[];
  /**
   * tierkv after the migration, for MIGRATE_DONE (default: `kv`). With tierkv in a guest reached through a port
   * forwarded by QEMU, this is the destination's forwarded port. With several `kv`, a list of as many endpoints,
   * paired by position.
   */
  kvAfter?: KvEndpoint | readonly KvEndpoint[];
  /** Memory left free in the guest above what is in use, bytes (default 64 MiB). */
  balloonHeadroomBytes?: number;
  /** Never balloon the guest below this, bytes (default max(64 MiB, headroom)). */
  balloonMinBytes?: number;
  /** Longest wait for the balloon to settle, ms (default 60 000; inflating ~1 GiB takes 5–10 s under TCG). */
  balloonTimeoutMs?: number;
  /** Give up waiting when `query-balloon` has not changed for this long, ms (default 3000; a guest without a
   * balloon driver never moves it). */
  balloonStallMs?: number;
  /** Longest wait for free page reporting (tierkv-report*), ms (default 10 000). */
  reportWaitMs?: number;
  /** tierkv-report*: stop waiting once the source QEMU's RSS has not fallen for this long, ms (default 2500, more
   * than the guest kernel's 2 s page-reporting delay); without a known source PID, the wait is exactly this long. */
  reportQuietMs?: number;
  /** PID of the source QEMU, to watch its RSS during the report wait (default: found from a local Unix QMP socket
   * through /proc, when possible). */
  sourcePid?: number;
  /** Pre-copy bandwidth cap, bytes/s (QEMU `max-bandwidth`; QEMU's default is 128 MiB/s). */
  maxBandwidth?: number;
  /** Post-copy background bandwidth cap, bytes/s (QEMU `max-postcopy-bandwidth`; default: `maxBandwidth` when
   * that is given, else QEMU's default, unlimited). */
  maxPostcopyBandwidth?: number;
  /** QEMU `downtime-limit`, ms. */
  downtimeLimitMs?: number;
  /**
   * Overlap strategies: pre-copy bandwidth cap while MIGRATE_PREPARE runs, bytes/s (default 8 MiB/s). QEMU's rate
   * limit counts bytes sent, and a zero page costs a ~9-byte header, so a low cap lets the first pass race over the
   * guest's zero (free) pages while it sends few data pages that the zeroing could still turn into zero pages. After
   * the switch, `max-postcopy-bandwidth` applies (QEMU's postcopy_start sets it).
   */
  overlapBandwidth?: number;
  /** Post-copy strategies: switch this long after the migration became `active`, ms (default 0: request the
   * switch right after `migrate`). */
  postcopyAfterMs?: number;
  /** Bound on the migration itself (from `migrate` to a final state), ms (default 600 000). */
  migrationTimeoutMs?: number;
  /** Bound on waiting for the destination to run and report `completed` after the source did, ms (default 30 000). */
  completionTimeoutMs?: number;
  /** How long MIGRATE_DONE / MIGRATE_ABORT keep retrying on connection errors, ms (default 15 000 / 5000). */
  kvDoneRetryMs?: number;
  kvAbortRetryMs?: number;
  /** Budget for MIGRATE_PREPARE's reply, ms (default 60 000). */
  kvPrepareTimeoutMs?: number;
  /** `query-migrate` / `query-balloon` poll period, ms (default 200). */
  pollIntervalMs?: number;
  /** QMP connect timeout when `source`/`destination` are targets, ms (default 10 000). */
  qmpConnectTimeoutMs?: number;
  /** Aborts the migration: before the switch it is cancelled cleanly; after it, the controller stops watching. */
  signal?: AbortSignal;
  /** Called with progress (phase starts, balloon, each poll during the migration). Must not throw. */
  onProgress?: (p: MigrationProgress) => void;
  /** Called when a phase starts; awaited (tests use it to inject failures). A throw fails the migration. */
  onPhase?: (phase: MigrationPhase) => void | Promise<void>;
}


/**
 * Checks a migration URI for `migrate-incoming` / `migrate`: `tcp:HOST:PORT` (PORT 0–65535) or `unix:PATH`.
 * @returns `{ kind, host, port }` or `{ kind, path }`.
 * @throws {TypeError} for anything else.
 */
export function parseMigrationUri(uri: string): { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string } {
  if (typeof uri === 'string' && uri.startsWith('unix:') && uri.length > 5) return { kind: 'unix', path: uri.slice(5) };
  const m = typeof uri === 'string' ? /^tcp:(?:\[([^\]]+)\]|([^:\[\]]+)):(\d+)$/.exec(uri) : null;
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new TypeError(`invalid migration URI ${JSON.stringify(uri)}: expected tcp:HOST:PORT or unix:PATH`);
  }
  return { kind: 'tcp', host: (m[1] ?? m[2])!, port };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One tierkv instance of the VM as the run drives it: where it answers before and after the migration. */
export interface KvTarget {
  before: KvEndpoint;
  after: KvEndpoint;
}

/**
 * Pairs {@link MigrationOptions.kv} with {@link MigrationOptions.kvAfter}: one {@link KvTarget} per instance, in
 * order (`after` defaults to `before`). A single endpoint is a list of one.
 * @returns an empty list when `kv` is absent or empty.
 * @throws {TypeError} when `kvAfter` is given without `kv`, or does not list one endpoint per `kv`.
 */
export function pairKvTargets(kv: MigrationOptions['kv'], kvAfter: MigrationOptions['kvAfter']): KvTarget[] {
  const list = <T>(v: T | readonly T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? [...(v as readonly T[])] : [v as T]);
  const before = list(kv);
  const after = list(kvAfter);
  if (after.length > 0 && after.length !== before.length) {
    throw new TypeError(
      `kvAfter lists ${after.length} tierkv endpoint${after.length === 1 ? '' : 's'} but kv lists ${before.length}: give one after-address per instance, in the same order`,
    );
  }
  return before.map((b, i) => ({ before: b, after: after[i] ?? b }));
}

const FINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);
/** States in which the source has already switched to post-copy. */
const POSTCOPY_STATES: ReadonlySet<string> = new Set(['postcopy-active', 'postcopy-paused', 'postcopy-recover', 'postcopy-recover-setup']);
/** States of an outgoing migration that is under way. */
const BUSY: ReadonlySet<string> = new Set(['setup', 'active', 'pre-switchover', 'device', 'wait-unplug', 'cancelling', ...POSTCOPY_STATES]);

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A failure with a message meant for the operator (no stack needed). */
class StepError extends Error {
  override readonly name = 'StepError';
}

// ---------------------------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------------------------

/**
 * Runs one live migration with the given strategy and returns its report.
 *
 * @returns the report of a completed migration (`outcome: 'completed'`). Problems that do not undo the migration
 *   (the balloon did not settle, MIGRATE_DONE could not be delivered) are listed in `warnings`.
 * @throws {MigrationFailedError} when the migration did not complete: with `fatal: false` after a clean abort
 *   (cancelled, balloon deflated, MIGRATE_ABORT sent; the VM runs on the source), with `fatal: true` when it failed
 *   after the switch to post-copy; {@link TypeError} / {@link RangeError} for invalid options (nothing touched).
 */
export async function runMigration(options: MigrationOptions): Promise<MigrationReport> {
  const run = new MigrationRun(options);
  return await run.run();
}

class MigrationRun implements ShrinkRun {
  readonly o: MigrationOptions;
  readonly spec: StrategySpec;
  readonly t0 = performance.now();
  readonly report: MigrationReport;
  readonly poll: number;
  /** The tierkv instances, in `kv` order (empty for the baselines). */
  readonly kvs: KvTarget[];
  /** Per instance: MIGRATE_PREPARE was sent to it (a failure from then on sends it MIGRATE_ABORT). */
  readonly kvPrepareSent: boolean[];

  src!: QmpClient;
  dst!: QmpClient;
  ownSrc = false;
  ownDst = false;
  phase: MigrationPhase = 'preflight';

  // state for the clean-up
  balloonSent = false;
  migrateSent = false;
  switched = false;
  switchRequestedAt: number | undefined;
  activeAt: number | undefined;
  srcStopAt: number | undefined;
  dstResumeAt: number | undefined;
  srcCompletedAt: number | undefined;
  dstFailure: string | undefined;
  srcLost: string | undefined;
  wake: (() => void) | undefined;
  readonly listeners: { client: QmpClient; event: string; fn: (...a: any[]) => void }[] = [];
  sourcePid: number | null = null;

  constructor(o: MigrationOptions) {
    this.o = o;
    this.spec = strategySpec(o.strategy);
    parseMigrationUri(o.destUri);
    const kvs = pairKvTargets(o.kv, o.kvAfter);
    if (this.spec.prepare && kvs.length === 0) throw new TypeError(`strategy ${o.strategy} needs the tierkv address (kv)`);
    this.kvs = this.spec.prepare ? kvs : [];
    this.kvPrepareSent = this.kvs.map(() => false);
    for (const [k, v] of Object.entries({
      balloonHeadroomBytes: o.balloonHeadroomBytes,
      maxBandwidth: o.maxBandwidth,
      maxPostcopyBandwidth: o.maxPostcopyBandwidth,
      downtimeLimitMs: o.downtimeLimitMs,
      postcopyAfterMs: o.postcopyAfterMs,
      overlapBandwidth: o.overlapBandwidth,
    })) {
      if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new RangeError(`${k} must be a non-negative number, got ${v}`);
    }
    this.poll = Math.max(10, o.pollIntervalMs ?? 200);
    this.report = emptyMigrationReport({
      strategy: this.spec.name,
      source: typeof o.source === 'string' ? o.source : o.source.target,
      destination: typeof o.destination === 'string' ? o.destination : o.destination.target,
      destUri: o.destUri,
      kvInstances: this.kvs.map((k) => ({ kv: describeKvEndpoint(k.before), kvAfter: describeKvEndpoint(k.after) })),
    });
  }

  /** True once MIGRATE_PREPARE was sent to at least one instance. */
  get prepareSent(): boolean {
    return this.kvPrepareSent.some(Boolean);
  }

  now(): number {
    return performance.now() - this.t0;
  }

  progress(p: Omit<MigrationProgress, 'phase' | 'elapsedMs'>): void {
    try {
      this.o.onProgress?.({ phase: this.phase, elapsedMs: round1(this.now()), ...p });
    } catch {
      // a progress callback must not break the migration
    }
  }

  async enter(phase: MigrationPhase, message?: string): Promise<void> {
    this.checkAbort();
    this.phase = phase;
    this.progress({ message: message ?? phase });
    await this.o.onPhase?.(phase);
    this.checkAbort();
  }

  /** Throws if the caller aborted, unless it is too late to cancel (after the post-copy switch or completion). */
  checkAbort(): void {
    if (this.switched || this.srcCompletedAt !== undefined) return;
    const s = this.o.signal;
    if (s?.aborted) throw new StepError(`aborted: ${s.reason instanceof Error ? s.reason.message : String(s.reason ?? 'signal')}`);
  }

  /** Sleeps up to `ms`, waking early on a watched QMP event or an abort. */
  async nap(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.o.signal?.removeEventListener('abort', done);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      this.o.signal?.addEventListener('abort', done, { once: true });
    });
  }

  listen(client: QmpClient, event: string, fn: (...a: any[]) => void): void {
    client.on(event, fn);
    this.listeners.push({ client, event, fn });
  }

  // ----- main flow -----------------------------------------------------------------------------------------------

  async run(): Promise<MigrationReport> {
    try {
      await this.connect();
      await this.preflight();
      if (this.spec.prepare && !this.spec.overlap) await this.prepare();
      if (this.spec.shrink === 'balloon') await this.balloon();
      if (this.spec.shrink === 'free-page-reporting') await this.reportWait();
      await this.configure();
      await this.migrate();
      await this.complete();
      await this.finalize();
      this.report.outcome = 'completed';
      return this.report;
    } catch (err) {
      throw await this.fail(err);
    } finally {
      for (const l of this.listeners) l.client.off(l.event, l.fn);
      if (this.ownSrc) await this.src?.close(1000);
      if (this.ownDst) await this.dst?.close(1000);
    }
  }

  async connect(): Promise<void> {
    const timeoutMs = this.o.qmpConnectTimeoutMs ?? 10_000;
    const open = async (t: QmpClient | string, side: string): Promise<QmpClient> => {
      if (typeof t !== 'string') return t;
      try {
        return await QmpClient.connect(t, { timeoutMs });
      } catch (err) {
        throw new StepError(`cannot connect to the ${side} QEMU's QMP at ${t}: ${errMessage(err)}`);
      }
    };
    this.src = await open(this.o.source, 'source');
    this.ownSrc = typeof this.o.source === 'string';
    this.dst = await open(this.o.destination, 'destination');
    this.ownDst = typeof this.o.destination === 'string';
    const record = (side: 'source' | 'destination') => (ev: QmpEvent) => {
      const t = ev.receivedAt - this.t0;
      if (['MIGRATION', 'MIGRATION_PASS', 'STOP', 'RESUME', 'BALLOON_CHANGE', 'SHUTDOWN'].includes(ev.name)) {
        this.report.events.push({ t_ms: round1(t), side, event: ev.name, data: ev.data });
      }
      const status = ev.name === 'MIGRATION' ? String(ev.data.status) : undefined;
      if (side === 'source') {
        if (status === 'active' && this.activeAt === undefined) this.activeAt = t;
        if (status && POSTCOPY_STATES.has(status) && !this.switched) {
          this.switched = true;
          if (this.switchRequestedAt !== undefined) this.report.postcopy_switch_ms = round1(t - this.switchRequestedAt);
        }
        if (status === 'completed') this.srcCompletedAt = t;
        if (ev.name === 'STOP' && this.migrateSent && this.srcStopAt === undefined) this.srcStopAt = t;
      } else {
        if (ev.name === 'RESUME' && this.migrateSent && this.dstResumeAt === undefined) this.dstResumeAt = t;
        if (status === 'failed') this.dstFailure ??= 'the destination reported its incoming migration failed';
      }
      this.wake?.();
    };
    this.listen(this.src, 'event', record('source'));
    this.listen(this.dst, 'event', record('destination'));
    this.listen(this.dst, 'close', () => {
      this.dstFailure ??= 'the destination QEMU closed its QMP connection (it exited or was killed)';
      this.wake?.();
    });
    this.listen(this.src, 'close', () => {
      this.srcLost ??= 'the source QEMU closed its QMP connection (it exited or was killed)';
      this.wake?.();
    });
  }

  async preflight(): Promise<void> {
    await this.enter('preflight', 'checking both QEMUs');
    const t = performance.now();
    const r = this.report;
    const v = this.src.version;
    r.qemu_version = `${v.major}.${v.minor}.${v.micro}${v.package ? ` (${v.package.trim()})` : ''}`;
    const [srcStatus, dstStatus, srcMig, dstMig, mem, kvm] = await Promise.all([
      this.src.queryStatus(),
      this.dst.queryStatus(),
      this.src.queryMigrate(),
      this.dst.queryMigrate(),
      this.src.execute<{ 'base-memory': number; 'plugged-memory'?: number }>('query-memory-size-summary'),
      this.src.queryKvm().catch(() => undefined),
    ]);
    r.accel = kvm ? (kvm.enabled ? 'kvm' : 'tcg') : null;
    r.guest_ram_bytes = mem['base-memory'] + (mem['plugged-memory'] ?? 0);
    if (srcStatus.status === 'inmigrate') throw new StepError('the source QEMU is itself waiting for an incoming migration (status inmigrate)');
    if (srcStatus.status === 'postmigrate') throw new StepError('the source QEMU has already migrated its VM away (status postmigrate)');
    if (srcMig.status && BUSY.has(srcMig.status)) throw new StepError(`the source QEMU already has a migration under way (status ${srcMig.status})`);
    if (dstStatus.status !== 'inmigrate') {
      throw new StepError(`the destination QEMU must be started with -incoming defer (its status is ${dstStatus.status}, not inmigrate)`);
    }
    if (dstMig.status && dstMig.status !== 'none') {
      throw new StepError(`migrate-incoming was already issued on the destination (status ${dstMig.status}); start a fresh destination`);
    }

    // Capabilities: every one the strategy needs must exist on both sides.
    const caps = strategyCapabilities(this.spec);
    const [srcCaps, dstCaps] = await Promise.all([this.src.queryMigrateCapabilities(), this.dst.queryMigrateCapabilities()]);
    const known = (list: MigrationCapabilityStatus[]): Set<string> => new Set(list.map((c) => c.capability));
    const srcKnown = known(srcCaps);
    const dstKnown = known(dstCaps);
    for (const [side, want, have] of [
      ['source', caps.source, srcKnown],
      ['destination', caps.destination, dstKnown],
    ] as const) {
      for (const c of Object.keys(want)) {
        if (!have.has(c)) throw new StepError(`strategy ${this.spec.name} needs the migration capability ${c}, which the ${side} QEMU does not support`);
      }
    }
    // Set every capability the controller manages explicitly (on where needed, off otherwise), so that what an
    // earlier run left behind cannot make the two sides disagree.
    const managed = ['events', 'postcopy-ram', 'postcopy-preempt', 'postcopy-blocktime'];
    const full = (want: Record<string, boolean>, have: Set<string>): Record<string, boolean> => {
      const out: Record<string, boolean> = {};
      for (const c of managed) if (have.has(c)) out[c] = want[c] ?? false;
      return out;
    };
    r.capabilities = { source: full(caps.source, srcKnown), destination: full(caps.destination, dstKnown) };

    // Balloon devices: needed by the shrinking strategies; both sides must agree (else the load would fail late).
    const [srcBalloon, dstBalloon] = await Promise.all([findBalloonDevice(this.src), findBalloonDevice(this.dst)]);
    if (srcBalloon) {
      r.free_page_hint = srcBalloon.freePageHint;
      r.free_page_reporting = srcBalloon.freePageReporting;
    }
    if (Boolean(srcBalloon) !== Boolean(dstBalloon)) {
      throw new StepError(`the ${srcBalloon ? 'destination' : 'source'} QEMU has no virtio-balloon device but the other has one: the migration would fail`);
    }
    if (srcBalloon && dstBalloon) {
      for (const [label, a, b] of [
        ['free-page-hint', srcBalloon.freePageHint, dstBalloon.freePageHint],
        ['free-page-reporting', srcBalloon.freePageReporting, dstBalloon.freePageReporting],
      ] as const) {
        if (a !== null && b !== null && a !== b) {
          throw new StepError(`the balloon devices differ: ${label} is ${a ? 'on' : 'off'} on the source and ${b ? 'on' : 'off'} on the destination`);
        }
      }
    }
    if (needsBalloonDevice(this.spec)) {
      if (!srcBalloon) throw new StepError(`strategy ${this.spec.name} needs a virtio-balloon device in the VM (-device virtio-balloon-pci)`);
      if (this.spec.shrink === 'free-page-hint' && !srcBalloon.freePageHint) {
        throw new StepError(`strategy ${this.spec.name} needs the balloon device's free-page-hint=on (with an iothread) on both sides`);
      }
      if (this.spec.shrink === 'free-page-reporting' && !srcBalloon.freePageReporting) {
        throw new StepError(`strategy ${this.spec.name} needs the balloon device's free-page-reporting=on on both sides`);
      }
      r.balloon_before_bytes = (await this.src.queryBalloon()).actual;
    }
    r.setup.preflight_ms = round1(performance.now() - t);
  }

  async prepare(): Promise<void> {
    await this.enter('prepare', `MIGRATE_PREPARE to tierkv at ${this.report.kv}`);
    await this.sendPrepare();
    this.report.setup.prepare_ms = this.report.prepare_ms;
  }

  /**
   * Sends MIGRATE_PREPARE to every tierkv instance at once and records the replies (`prepare_ms`, dropped/freed/
   * zeroed bytes: each instance's in `kv_instances`, their sums at the top level, the combined reply in
   * `kv_prepare` for the balloon target); the caller decides whether its time is part of the setup (step 2) or
   * overlaps the first pre-copy pass (`overlap`). Waits for every instance to answer before it decides, so that a
   * failure knows which instances are in migration mode (they get MIGRATE_ABORT).
   * @throws {StepError} when an instance cannot be reached or refuses.
   */
  async sendPrepare(): Promise<void> {
    const t = performance.now();
    const r = this.report;
    const timeoutMs = this.o.kvPrepareTimeoutMs ?? 60_000;
    const settled = await Promise.allSettled(
      this.kvs.map(async (target, i) => {
        const ti = performance.now();
        const inst = r.kv_instances[i]!;
        try {
          const reply = await withKv(
            target.before,
            (kv) => {
              this.kvPrepareSent[i] = true; // from here on this instance may be in migration mode: a failure sends MIGRATE_ABORT
              return kv.migratePrepare({ timeoutMs });
            },
            { commandTimeoutMs: timeoutMs },
          );
          const num = (k: string): number | null => (typeof reply[k] === 'number' ? (reply[k] as number) : null);
          Object.assign(inst, {
            prepare_ms: round1(performance.now() - ti),
            kv_prepare: reply,
            dropped_keys: num('dropped_keys'),
            freed_bytes: num('freed_bytes'),
            zeroed_bytes: num('zeroed_bytes'),
            zero_ms: num('zero_ms'),
            used_memory: num('used_memory'),
            used_memory_rss: num('used_memory_rss'),
          });
          return reply;
        } catch (err) {
          inst.prepare_error = errMessage(err);
          throw err;
        }
      }),
    );
    const failed = settled.flatMap((res, i) => (res.status === 'rejected' ? [{ i, err: res.reason as unknown }] : []));
    if (failed.length > 0) {
      if (this.kvs.length === 1) throw new StepError(`MIGRATE_PREPARE failed: ${errMessage(failed[0]!.err)}`);
      const which = failed.map((f) => `${r.kv_instances[f.i]!.kv}: ${errMessage(f.err)}`).join('; ');
      throw new StepError(`MIGRATE_PREPARE failed on ${failed.length} of ${this.kvs.length} tierkv instances: ${which}`);
    }
    const replies = settled.map((res) => (res as PromiseFulfilledResult<PrepareReply>).value);
    const reply = combinePrepareReplies(replies);
    const ms = round1(performance.now() - t);
    r.kv_prepare = reply;
    r.prepare_ms = ms;
    r.dropped_keys = typeof reply.dropped_keys === 'number' ? reply.dropped_keys : null;
    r.freed_bytes = typeof reply.freed_bytes === 'number' ? reply.freed_bytes : null;
    r.zeroed_bytes = typeof reply.zeroed_bytes === 'number' ? reply.zeroed_bytes : null;
    r.zero_ms = typeof reply.zero_ms === 'number' ? reply.zero_ms : null;
    if (this.spec.shrink === 'zero-pages') {
      // Not fatal: the migration is still correct, it only sends the freed pages' old bytes.
      for (const inst of r.kv_instances) {
        if ((inst.freed_bytes ?? 0) > 0 && !((inst.zeroed_bytes ?? 0) > 0)) {
          const who = this.kvs.length === 1 ? 'tierkv' : `tierkv at ${inst.kv}`;
          r.warnings.push(
            `${who} freed ${((inst.freed_bytes ?? 0) / MiB).toFixed(1)} MiB but reported no zeroed bytes (zeroed_bytes ${inst.zeroed_bytes ?? 'missing'}): ` +
              `with migrate-zero-freed no (or an older tierkv) those pages are sent in full; use tierkv-balloon or enable migrate-zero-freed`,
          );
        }
      }
    }
    const n = this.kvs.length === 1 ? 'tierkv' : `${this.kvs.length} tierkv instances`;
    this.progress({ message: `${n} dropped ${r.dropped_keys ?? '?'} keys, freed ${((r.freed_bytes ?? 0) / MiB).toFixed(1)} MiB in ${ms} ms` });
  }

  async balloon(): Promise<void> {
    await this.enter('balloon', 'computing the target');
    await inflateBalloon(this, this.o);
  }

  /** tierkv-report*: waits while the guest reports the freed memory (watching the source QEMU's RSS when possible). */
  async reportWait(): Promise<void> {
    await this.enter('report-wait', 'waiting for free page reporting');
    await waitForPageReporting(this, this.o);
  }

  /** Before `migrate`: fails fast when either QEMU is gone or the destination gave up. */
  checkPeers(): void {
    if (this.srcLost) throw new StepError(this.srcLost);
    if (this.dstFailure) throw new StepError(this.dstFailure);
  }

  async configure(): Promise<void> {
    await this.enter('configure', 'capabilities on both sides, parameters, migrate-incoming');
    this.checkPeers();
    const t = performance.now();
    const r = this.report;
    try {
      await this.dst.migrateSetCapabilities(r.capabilities.destination);
      await this.src.migrateSetCapabilities(r.capabilities.source);
      const params: MigrateSetParameters = {};
      if (this.o.maxBandwidth !== undefined) params['max-bandwidth'] = Math.round(this.o.maxBandwidth);
      const post = this.o.maxPostcopyBandwidth ?? this.o.maxBandwidth;
      if (post !== undefined && this.spec.mode === 'postcopy') params['max-postcopy-bandwidth'] = Math.round(post);
      if (this.o.downtimeLimitMs !== undefined) params['downtime-limit'] = Math.round(this.o.downtimeLimitMs);
      if (this.spec.overlap) {
        params['max-bandwidth'] = Math.round(this.o.overlapBandwidth ?? DEFAULT_OVERLAP_BANDWIDTH);
        params['max-postcopy-bandwidth'] = Math.round(post ?? 0); // 0: unlimited after the switch
      }
      if (Object.keys(params).length > 0) await this.src.migrateSetParameters(params);
      const all = await this.src.queryMigrateParameters();
      r.parameters = {};
      for (const k of ['max-bandwidth', 'max-postcopy-bandwidth', 'downtime-limit'] as const) {
        if (all[k] !== undefined) r.parameters[k] = all[k];
      }
      await this.dst.migrateIncoming(this.o.destUri);
    } catch (err) {
      throw new StepError(`configuring the migration failed: ${errMessage(err)}`);
    }
    // With port 0, the destination chose its port: send the source there.
    let uri = this.o.destUri;
    const parsed = parseMigrationUri(uri);
    if (parsed.kind === 'tcp' && parsed.port === 0) {
      const info = await this.dst.queryMigrate();
      const addr = info['socket-address']?.find((a) => a.type === 'inet');
      if (!addr || addr.type !== 'inet') throw new StepError('the destination did not report the port it listens on (socket-address)');
      uri = `tcp:${parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host}:${addr.port}`;
    }
    r.migrate_uri = uri;
    r.setup.configure_ms = round1(performance.now() - t);
  }

  async migrate(): Promise<void> {
    await this.enter('migrate', `migrate to ${this.report.migrate_uri}`);
    const r = this.report;
    const uri = r.migrate_uri!;
    const bound = this.o.migrationTimeoutMs ?? 600_000;
    const after = this.o.postcopyAfterMs ?? 0;
    const postcopy = this.spec.mode === 'postcopy';
    this.checkPeers();
    this.migrateSent = true;
    try {
      await this.src.migrate(uri);
    } catch (err) {
      this.migrateSent = false;
      throw new StepError(`migrate was refused: ${errMessage(err)}`);
    }
    const tMigrate = performance.now();
    const requestSwitch = async (): Promise<void> => {
      this.switchRequestedAt = this.now();
      try {
        await this.src.migrateStartPostcopy();
      } catch (err) {
        // e.g. the migration failed already; the poll below reports the final state
        r.warnings.push(`migrate-start-postcopy was refused: ${errMessage(err)}`);
      }
    };
    // overlap: MIGRATE_PREPARE runs during the first pre-copy pass; the switch waits for its reply.
    let prepared = !this.spec.overlap;
    let prepareError: unknown;
    let preparing: Promise<void> | undefined;
    if (this.spec.overlap) {
      r.prepare_overlapped = true;
      r.prepare_started_ms = round1(this.now());
      this.progress({ message: `MIGRATE_PREPARE to tierkv at ${r.kv} while the first pre-copy pass runs` });
      preparing = this.sendPrepare().then(
        () => {
          prepared = true;
          this.wake?.();
        },
        (err: unknown) => {
          prepareError = err;
          this.wake?.();
        },
      );
    }
    if (postcopy && after === 0 && prepared) await requestSwitch();
    let info: MigrationInfo = {};
    for (;;) {
      if (this.srcLost) throw new StepError(this.srcLost);
      if (prepareError !== undefined && !this.switched) throw prepareError;
      info = await this.src.queryMigrate();
      const status = info.status;
      if (status && POSTCOPY_STATES.has(status)) this.switched = true;
      if ((status === 'active' || this.switched) && this.activeAt === undefined) this.activeAt = this.now();
      if (status === 'completed' && this.srcCompletedAt === undefined) this.srcCompletedAt = this.now();
      const ram = info.ram;
      this.progress({
        status,
        pass: ram?.['dirty-sync-count'],
        remainingBytes: ram?.remaining,
        transferredBytes: ram?.transferred,
        totalBytes: ram?.total,
        mbps: ram?.mbps,
      });
      if (status && FINAL.has(status)) break;
      if (status === 'postcopy-paused') {
        throw new StepError(
          'post-copy paused: the connection between the QEMUs broke and the VM is stopped (QEMU can resume a paused ' +
            'post-copy with migrate-recover on the destination and migrate resume=true on the source; this controller does not)',
        );
      }
      if (this.dstFailure && !this.switched) throw new StepError(this.dstFailure);
      if (postcopy && prepared && this.switchRequestedAt === undefined && status === 'active' && this.activeAt !== undefined && this.now() - this.activeAt >= after) {
        await requestSwitch();
      }
      if (performance.now() - tMigrate > bound) throw new StepError(`the migration did not finish within ${bound} ms (status ${status})`);
      this.checkAbort();
      await this.nap(this.poll);
    }
    r.status = info.status!;
    if (preparing) {
      await preparing; // the migration ended first (a small guest converged in pre-copy): still record the reply
      if (prepareError !== undefined) r.warnings.push(`MIGRATE_PREPARE failed after the migration ended: ${errMessage(prepareError)}`);
    }
    if (info.status !== 'completed') {
      let why = info['error-desc'] ?? '';
      if (this.dstFailure) why = why ? `${why}; ${this.dstFailure}` : this.dstFailure;
      throw new StepError(`the migration ${info.status}${why ? `: ${why}` : ''}`);
    }
  }

  async complete(): Promise<void> {
    await this.enter('complete', 'reading the final figures, waiting for the destination');
    const r = this.report;
    const bound = this.o.completionTimeoutMs ?? 30_000;
    const t = performance.now();
    // QEMU 7.2 may say `completed` before it fills in total-time/downtime: read it again until they are there.
    let info = await this.src.queryMigrate();
    while (info.status === 'completed' && !info['total-time'] && performance.now() - t < Math.min(bound, 5000)) {
      await sleep(50);
      info = await this.src.queryMigrate();
    }
    // The destination: its own `completed` (and RESUME when it autostarts).
    let dinfo: MigrationInfo = {};
    for (;;) {
      try {
        dinfo = await this.dst.queryMigrate();
      } catch (err) {
        throw new StepError(`the source completed but the destination cannot be queried: ${errMessage(err)}`);
      }
      if (dinfo.status === 'failed') throw new StepError('the source completed but the destination reported its incoming migration failed');
      if (dinfo.status === 'completed' && this.dstResumeAt !== undefined) break;
      if (dinfo.status === 'completed' && performance.now() - t > Math.min(bound, 2000)) {
        const st = await this.dst.queryStatus();
        if (st.running) this.dstResumeAt ??= this.now();
        else r.warnings.push(`the destination completed but does not run (status ${st.status}; started with -S?)`);
        break;
      }
      if (performance.now() - t > bound) throw new StepError(`the destination did not complete within ${bound} ms after the source (status ${dinfo.status})`);
      await this.nap(Math.min(this.poll, 50));
    }
    const done = Math.max(this.srcCompletedAt ?? this.now(), this.dstResumeAt ?? 0);
    r.total_time_ms = round1(done);
    r.qemu = { source: info, destination: dinfo };
    this.fillFromQemu(info, dinfo);
  }

  fillFromQemu(info: MigrationInfo, dinfo: MigrationInfo | null): void {
    const r = this.report;
    const ram = info.ram;
    r.status = info.status ?? r.status;
    r.migration_time_ms = info['total-time'] ?? null;
    r.downtime_ms = info.downtime ?? null;
    r.setup.qemu_setup_ms = info['setup-time'] ?? null;
    r.transferred_bytes = ram?.transferred ?? null;
    r.precopy_bytes = ram?.['precopy-bytes'] ?? null;
    r.postcopy_bytes = ram?.['postcopy-bytes'] ?? null;
    r.downtime_bytes = ram?.['downtime-bytes'] ?? null;
    r.normal_bytes = ram?.['normal-bytes'] ?? null;
    r.normal_pages = ram?.normal ?? null;
    r.duplicate_pages = ram?.duplicate ?? null;
    r.ram_total_bytes = ram?.total ?? null;
    r.passes = ram?.['dirty-sync-count'] ?? null;
    r.mbps = ram?.mbps ?? null;
    r.postcopy_requests = ram?.['postcopy-requests'] ?? null;
    r.postcopy_blocktime_ms = dinfo?.['postcopy-blocktime'] ?? null;
    r.postcopy = this.switched;
    if (this.srcStopAt !== undefined && this.dstResumeAt !== undefined && this.dstResumeAt >= this.srcStopAt) {
      r.guest_pause_ms = round1(this.dstResumeAt - this.srcStopAt);
    }
    if (this.activeAt !== undefined) {
      r.setup_time_ms = round1(this.activeAt);
      const s = r.setup;
      const parts = [s.preflight_ms, s.prepare_ms, s.balloon_ms, s.report_wait_ms, s.configure_ms, s.qemu_setup_ms];
      s.other_ms = round1(Math.max(0, r.setup_time_ms - parts.reduce<number>((a, b) => a + (b ?? 0), 0)));
    }
    if (this.spec.mode === 'postcopy' && !this.switched && info.status === 'completed') {
      r.warnings.push('the migration completed in pre-copy before the post-copy switch took effect');
    }
  }

  async finalize(): Promise<void> {
    await this.enter('finalize', `${this.balloonSent ? 'balloon back on the destination, ' : ''}${this.spec.prepare ? 'MIGRATE_DONE' : 'nothing to do'}`);
    const t = performance.now();
    const r = this.report;
    if (this.balloonSent) {
      const back = r.balloon_before_bytes ?? r.guest_ram_bytes!;
      try {
        await this.dst.balloon(back);
        r.cleanup.push(`balloon given back on the destination (${(back / MiB).toFixed(0)} MiB)`);
      } catch (err) {
        r.warnings.push(`could not give the balloon back on the destination: ${errMessage(err)}`);
      }
    }
    if (this.spec.prepare) {
      await Promise.all(
        this.kvs.map(async (target, i) => {
          const inst = r.kv_instances[i]!;
          try {
            await withKv(target.after, (kv) => kv.migrateDone(), { retryForMs: this.o.kvDoneRetryMs ?? 15_000, connectTimeoutMs: 3000, commandTimeoutMs: 10_000 });
            inst.kv_done = 'ok';
          } catch (err) {
            inst.kv_done = `error: ${errMessage(err)}`;
            r.warnings.push(
              `MIGRATE_DONE did not reach tierkv at ${describeKvEndpoint(target.after)} (it leaves migration mode at migrate-prepare-timeout-ms): ${errMessage(err)}`,
            );
          }
        }),
      );
      r.kv_done = this.summarize((i) => r.kv_instances[i]!.kv_done);
    }
    r.finalize_ms = round1(performance.now() - t);
  }

  // ----- failure -------------------------------------------------------------------------------------------------

  async fail(err: unknown): Promise<unknown> {
    const r = this.report;
    const phase = this.phase;
    const reason = errMessage(err);
    r.failed_phase = phase;
    // Last figures from QEMU, if it still answers.
    if (this.migrateSent && this.src && !this.src.closed) {
      try {
        const info = await this.src.queryMigrate({ timeoutMs: 3000 });
        if (info.status && POSTCOPY_STATES.has(info.status)) this.switched = true;
        r.qemu.source = info;
        this.fillFromQemu(info, null);
      } catch {
        // the source is gone
      }
    }
    if (this.switched) {
      r.fatal = true;
      r.outcome = 'vm-lost';
      r.error =
        `FATAL for the VM: the migration failed after the switch to post-copy: ${reason}. Its memory is now split ` +
        'between the source and the destination and a post-copy migration cannot be rolled back (QEMU semantics): the VM ' +
        'cannot run on the source again and is lost unless the post-copy is recovered. Nothing was cancelled.';
      // tierkv (if it still answers somewhere) should not stay in migration mode.
      if (this.prepareSent) r.kv_abort = await this.kvAbortAll('after', 2000);
      return new MigrationFailedError(r.error, r, phase, true, reason, err);
    }
    r.outcome = 'aborted';
    r.error = `migration aborted in phase ${phase}: ${reason}`;
    const prev = this.phase;
    this.phase = 'abort';
    this.progress({ message: `aborting: ${reason}` });
    if (this.migrateSent && this.src && !this.src.closed) {
      try {
        const st = (await this.src.queryMigrate({ timeoutMs: 3000 })).status;
        if (st && !FINAL.has(st)) {
          await this.src.migrateCancel({ timeoutMs: 5000 });
          r.cleanup.push('migrate_cancel sent to the source');
          const t = performance.now();
          let info = await this.src.queryMigrate({ timeoutMs: 3000 });
          while (info.status && !FINAL.has(info.status) && performance.now() - t < 10_000) {
            await sleep(50);
            info = await this.src.queryMigrate({ timeoutMs: 3000 });
          }
          r.status = info.status ?? r.status;
          r.qemu.source = info;
        } else if (st) {
          r.status = st;
        }
      } catch (e) {
        r.cleanup.push(`migrate_cancel failed: ${errMessage(e)}`);
      }
    }
    if (this.balloonSent && this.src && !this.src.closed) {
      const back = r.balloon_before_bytes ?? r.guest_ram_bytes;
      try {
        if (back) {
          await this.src.balloon(back, { timeoutMs: 5000 });
          r.cleanup.push(`balloon deflated on the source (target ${(back / MiB).toFixed(0)} MiB)`);
        }
      } catch (e) {
        r.cleanup.push(`deflating the balloon failed: ${errMessage(e)}`);
      }
    }
    if (this.prepareSent) {
      r.kv_abort = await this.kvAbortAll('before', this.o.kvAbortRetryMs ?? 5000);
      r.cleanup.push(`MIGRATE_ABORT: ${r.kv_abort}`);
    }
    if (this.src && !this.src.closed) {
      try {
        const st = await this.src.queryStatus({ timeoutMs: 3000 });
        r.cleanup.push(
          st.status === 'postmigrate'
            ? 'the source VM is paused after its migration (postmigrate): resume it there with `cont` if the destination is gone'
            : `the source VM is ${st.status}`,
        );
      } catch {
        // ignore
      }
    }
    this.phase = prev;
    return new MigrationFailedError(r.error, r, phase, false, reason, err);
  }

  /**
   * Sends MIGRATE_ABORT, in parallel, to every instance that was sent MIGRATE_PREPARE, at its `before` or `after`
   * address; records each outcome in `kv_instances`.
   * @returns the summary for the report's `kv_abort` (see {@link summarize}).
   */
  async kvAbortAll(where: 'before' | 'after', retryForMs: number): Promise<string> {
    const r = this.report;
    await Promise.all(
      this.kvs.map(async (target, i) => {
        if (this.kvPrepareSent[i]) r.kv_instances[i]!.kv_abort = await this.kvAbort(target[where], retryForMs);
      }),
    );
    return this.summarize((i) => r.kv_instances[i]!.kv_abort, (i) => this.kvPrepareSent[i]!);
  }

  /**
   * The report's one-word outcome over the instances: with one instance its own (`ok`, `error: ...`); with
   * several, `ok` when every counted one is `ok`, else `error: ` and each failure prefixed with its address.
   */
  summarize(outcome: (i: number) => string, counted: (i: number) => boolean = () => true): string {
    const idx = this.kvs.map((_, i) => i).filter(counted);
    if (idx.length === 0) return 'skipped';
    if (this.kvs.length === 1) return outcome(idx[0]!);
    const bad = idx.filter((i) => outcome(i) !== 'ok');
    if (bad.length === 0) return 'ok';
    return `error: ${bad.map((i) => `${this.report.kv_instances[i]!.kv}: ${outcome(i).replace(/^error: /, '')}`).join('; ')}`;
  }

  async kvAbort(ep: KvEndpoint, retryForMs: number): Promise<string> {
    try {
      await withKv(ep, (kv) => kv.migrateAbort(), { retryForMs, connectTimeoutMs: 2000, commandTimeoutMs: 5000 });
      return 'ok';
    } catch (err) {
      return `error: ${errMessage(err)}`;
    }
  }
}
