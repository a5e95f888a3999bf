/**
 * The shrinking steps between MIGRATE_PREPARE and the migration (step 3 of controller.ts): finding the VM's
 * virtio-balloon device and its features, inflating the balloon to the memory in use (`tierkv-balloon*`) and
 * waiting for it to settle, and waiting while the guest's free page reporting hands freed memory back
 * (`tierkv-report*`). The run (controller.ts) calls them through {@link ShrinkRun}.
 */
import { performance } from 'node:perf_hooks';

import { findPidByUnixSocket, readRss } from './host-probes.js';
import { QmpClient, QmpError, parseQmpTarget } from './qmp.js';
import { round1, type MigrationProgress, type MigrationReport, type ReportWaitInfo } from './report-types.js';
import { computeBalloonTarget } from './strategies.js';

const MiB = 1024 * 1024;

/** What the shrinking steps use of the run (controller.ts `MigrationRun`). */
export interface ShrinkRun {
  readonly src: QmpClient;
  readonly report: MigrationReport;
  /** Poll period, ms. */
  readonly poll: number;
  /** Set before `balloon` is sent: a failure from then on deflates the balloon again. */
  balloonSent: boolean;
  /** The source QEMU's PID, once known. */
  sourcePid: number | null;
  progress(p: Omit<MigrationProgress, 'phase' | 'elapsedMs'>): void;
  /** Sleeps up to `ms`, waking early on a watched QMP event or an abort. */
  nap(ms: number): Promise<void>;
  /** Throws if the caller aborted (see controller.ts). */
  checkAbort(): void;
  /** Throws when either QEMU is gone or the destination gave up. */
  checkPeers(): void;
}

/** The balloon options of `MigrationOptions` (documented there). */
export interface BalloonOptions {
  balloonHeadroomBytes?: number;
  balloonMinBytes?: number;
  balloonTimeoutMs?: number;
  balloonStallMs?: number;
}

/** The free-page-reporting options of `MigrationOptions` (documented there). */
export interface ReportWaitOptions {
  reportWaitMs?: number;
  reportQuietMs?: number;
  sourcePid?: number;
}

/** The balloon device found over QOM and its features. */
export interface BalloonDeviceInfo {
  /** QOM path, e.g. `/machine/peripheral/balloon0`. */
  path: string;
  /** QOM type, e.g. `virtio-balloon-pci`. */
  type: string;
  freePageHint: boolean | null;
  freePageReporting: boolean | null;
}

/**
 * Finds the VM's virtio-balloon device (`qom-list` of `/machine/peripheral` and `/machine/peripheral-anon`) and
 * reads its `free-page-hint` and `free-page-reporting` properties (`qom-get`; null if QEMU does not have them).
 * @returns null when the VM has no balloon device.
 * @throws {QmpError} / QMP connection errors from `qom-list`.
 */
export async function findBalloonDevice(qmp: QmpClient): Promise<BalloonDeviceInfo | null> {
  for (const dir of ['/machine/peripheral', '/machine/peripheral-anon']) {
    const entries = await qmp.execute<{ name: string; type: string }[]>('qom-list', { path: dir });
    for (const e of entries) {
      const m = /^child<(virtio-balloon[^>]*)>$/.exec(e.type);
      if (!m) continue;
      const path = `${dir}/${e.name}`;
      const prop = async (name: string): Promise<boolean | null> => {
        try {
          return Boolean(await qmp.execute('qom-get', { path, property: name }));
        } catch (err) {
          if (err instanceof QmpError) return null;
          throw err;
        }
      };
      return { path, type: m[1]!, freePageHint: await prop('free-page-hint'), freePageReporting: await prop('free-page-reporting') };
    }
  }
  return null;
}

/**
 * Step 3 of `tierkv-balloon*` (after the phase `balloon` started): computes the target from MIGRATE_PREPARE's reply
 * ({@link computeBalloonTarget}), sends `balloon`, and waits for it to settle; fills in the report's balloon_*
 * figures. A balloon that did not settle is a warning, not a failure.
 */
export async function inflateBalloon(run: ShrinkRun, o: BalloonOptions): Promise<void> {
  const r = run.report;
  const num = (k: string): number | undefined => (typeof r.kv_prepare?.[k] === 'number' ? (r.kv_prepare[k] as number) : undefined);
  const current = r.balloon_before_bytes ?? r.guest_ram_bytes!;
  const target = computeBalloonTarget({
    guestRamBytes: current,
    headroomBytes: o.balloonHeadroomBytes ?? 64 * MiB,
    minBytes: o.balloonMinBytes,
    systemMemoryTotal: num('system_memory_total'),
    systemMemoryAvailable: num('system_memory_available'),
    usedMemoryRss: num('used_memory_rss'),
    usedMemory: num('used_memory'),
  });
  r.balloon_basis = target.basis;
  r.balloon_reason = target.reason;
  r.balloon_target_bytes = target.targetBytes;
  const t = performance.now();
  if (!target.inflate) {
    r.balloon_settled = true;
    r.balloon_actual_bytes = current;
    r.balloon_note = 'not inflated: nothing to free';
    run.progress({ message: `not inflated: ${target.reason}` });
    r.balloon_ms = 0;
    r.setup.balloon_ms = 0;
    return;
  }
  run.balloonSent = true;
  run.progress({ message: `inflating to ${(target.targetBytes / MiB).toFixed(0)} MiB (${target.reason})` });
  await run.src.balloon(target.targetBytes);
  const outcome = await waitBalloon(run, o, target.targetBytes, current);
  const ms = round1(performance.now() - t);
  r.balloon_ms = ms;
  r.setup.balloon_ms = ms;
  r.balloon_actual_bytes = outcome.actual;
  r.balloon_settled = outcome.settled;
  r.balloon_note = outcome.note;
  if (!outcome.settled) r.warnings.push(`balloon did not settle: ${outcome.note}`);
  run.progress({ message: outcome.note, balloonActualBytes: outcome.actual, balloonTargetBytes: target.targetBytes });
}

/** Polls query-balloon until `actual` is within 1 MiB of the target, stops moving, or the bound runs out. */
async function waitBalloon(run: ShrinkRun, o: BalloonOptions, target: number, start: number): Promise<{ settled: boolean; actual: number; note: string }> {
  const t = performance.now();
  const bound = o.balloonTimeoutMs ?? 60_000;
  const stall = o.balloonStallMs ?? 3000;
  let last = start;
  let lastChange = t;
  for (;;) {
    const actual = (await run.src.queryBalloon()).actual;
    const now = performance.now();
    run.progress({ balloonActualBytes: actual, balloonTargetBytes: target });
    if (Math.abs(actual - target) <= MiB) return { settled: true, actual, note: `settled at ${(actual / MiB).toFixed(1)} MiB in ${Math.round(now - t)} ms` };
    if (actual !== last) {
      last = actual;
      lastChange = now;
    }
    if (now - lastChange >= stall) {
      const note =
        actual === start
          ? `query-balloon did not move from ${(start / MiB).toFixed(1)} MiB within ${stall} ms (no balloon driver in the guest?)`
          : `stalled at ${(actual / MiB).toFixed(1)} MiB (target ${(target / MiB).toFixed(1)} MiB) for ${stall} ms`;
      return { settled: false, actual, note };
    }
    if (now - t >= bound) {
      return { settled: false, actual, note: `still at ${(actual / MiB).toFixed(1)} MiB after ${bound} ms (target ${(target / MiB).toFixed(1)} MiB)` };
    }
    run.checkPeers();
    await run.nap(run.poll);
    run.checkAbort();
  }
}

/**
 * Step 3 of `tierkv-report*` (after the phase `report-wait` started): waits while the guest reports the freed
 * memory, watching the source QEMU's RSS when its PID is known (`sourcePid`, or found from a local Unix QMP socket),
 * else for a fixed `reportQuietMs`; fills in the report's `report_wait`.
 */
export async function waitForPageReporting(run: ShrinkRun, o: ReportWaitOptions): Promise<void> {
  const quiet = o.reportQuietMs ?? 2500;
  const bound = Math.max(quiet, o.reportWaitMs ?? 10_000);
  let pid = o.sourcePid ?? null;
  if (pid === null) {
    const target = parseQmpTarget(run.src.target);
    if (target.kind === 'unix') pid = findPidByUnixSocket(target.path);
  }
  const t = performance.now();
  const before = pid !== null ? readRss(pid) : null;
  if (pid === null || before === null) {
    while (performance.now() - t < quiet) {
      run.checkAbort();
      run.checkPeers();
      await run.nap(quiet - (performance.now() - t));
    }
    run.checkAbort();
    run.report.report_wait = { wait_ms: round1(performance.now() - t), source_pid: null, rss_before_bytes: null, rss_after_bytes: null, ended: 'fixed' };
  } else {
    run.sourcePid = pid;
    let min = before;
    let lastDrop = t;
    let ended: ReportWaitInfo['ended'] = 'bound';
    for (;;) {
      await run.nap(Math.min(run.poll, 250));
      run.checkAbort();
      run.checkPeers();
      const rss = readRss(pid);
      const now = performance.now();
      if (rss !== null && rss < min - MiB) {
        min = rss;
        lastDrop = now;
      }
      if (now - lastDrop >= quiet) {
        ended = 'quiet';
        break;
      }
      if (now - t >= bound) break;
    }
    run.report.report_wait = { wait_ms: round1(performance.now() - t), source_pid: pid, rss_before_bytes: before, rss_after_bytes: readRss(pid), ended };
  }
  run.report.setup.report_wait_ms = run.report.report_wait.wait_ms;
  const rw = run.report.report_wait;
  run.progress({
    message:
      rw.rss_before_bytes !== null && rw.rss_after_bytes !== null
        ? `free page reporting: source RSS ${(rw.rss_before_bytes / MiB).toFixed(1)} → ${(rw.rss_after_bytes / MiB).toFixed(1)} MiB in ${rw.wait_ms} ms`
        : `free page reporting: waited ${rw.wait_ms} ms`,
  });
}
