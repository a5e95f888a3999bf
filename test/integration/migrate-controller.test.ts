/**
 * The migration controller end to end: two real QEMU processes on 127.0.0.1 (a source and an `-incoming defer`
 * destination, q35, a virtio-balloon device with free-page-hint and free-page-reporting, no guest OS; 16 MiB of
 * random bytes loaded into guest RAM with `-device loader` so that real pages travel) and a real tierkv server
 * process on the host standing in for the one in the guest.
 *
 * Every strategy completes, its figures are QEMU's (compared with the test's own `query-migrate`), the guest's
 * memory arrives intact (`pmemsave` on the destination vs the loaded bytes), MIGRATE_PREPARE/MIGRATE_DONE reach
 * tierkv (INFO migration and its log). Failures: a destination that dies before the switch and a migration QEMU
 * fails take the abort path (MIGRATE_ABORT reaches tierkv, the source keeps running); a destination that dies after
 * the switch is reported as fatal for the VM. The `tierkv-migrate` bin runs as a child process with `--json`, once
 * completing and once failing (exit status 1, the reason on stderr).
 *
 * Without a guest OS the balloon never moves: the tests check that the `balloon` command was sent with the reported
 * target and that the bounded wait ended with "not settled". Accelerator: probeAccel() (TCG on these machines).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';

import { DEFAULT_OVERLAP_BANDWIDTH, runMigration, type MigrationOptions } from '../../migration-hook/controller.js';
import { MigrationFailedError, type MigrationReport } from '../../migration-hook/report-types.js';
import { startQemu, stopAllQemu, type QemuInstance } from '../../migration-hook/qemu-process.js';
import { formatComparisonTable, formatReportTable } from '../../migration-hook/report.js';
import { STRATEGIES, STRATEGY_NAMES, type StrategyName } from '../../migration-hook/strategies.js';
import { makeSocketDir, qemuAvailable } from '../support/qemu.js';
import { sleep } from '../support/wait.js';
import { REPO_ROOT, startTierkvProcess, type ServerHandle } from '../support/tierkv.js';
import { infoFields as fields } from '../support/info.js';

const HAVE_QEMU = qemuAvailable();
if (!HAVE_QEMU) {
  console.warn('migrate-controller integration tests skipped: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)');
}

const MiB = 1024 * 1024;
const GUEST_MIB = 256;
const BLOB_BYTES = 16 * MiB;
const BLOB_ADDR = 0x2000000; // 32 MiB: above what the firmware touches
const PASSWORD = 'migrate-secret';
const MIGRATE_MAIN = path.join(REPO_ROOT, 'dist', 'migration-hook', 'main.js');

describe.skipIf(!HAVE_QEMU)('migration controller against real QEMU (TCG) and a tierkv process (skipped without qemu-system-x86_64)', () => {
  let tmp: ReturnType<typeof makeSocketDir>;
  let blobPath: string;
  let blob: Buffer;
  let kv: ServerHandle;
  let redis: Redis;
  const reports: MigrationReport[] = [];
  let pairNo = 0;

  beforeAll(async () => {
    tmp = makeSocketDir('tkv-mig-');
    blob = randomBytes(BLOB_BYTES);
    blobPath = path.join(tmp.dir, 'blob.bin');
    writeFileSync(blobPath, blob);
    kv = await startTierkvProcess({
      maxmemory: '16mb',
      'maxmemory-policy': 'allkeys-lru',
      'hot-ratio': '0.3',
      requirepass: PASSWORD,
      'http-port': '0',
    });
    redis = new Redis({ host: kv.host, port: kv.port, password: PASSWORD });
  });

  afterAll(async () => {
    redis?.disconnect();
    await stopAllQemu();
    await kv?.stop();
    tmp?.remove();
    if (reports.length > 0) {
      console.log(`\nmigration reports of this run (TCG, ${GUEST_MIB} MiB guests, no guest OS, 16 MiB of data):\n${formatComparisonTable(reports)}\n`);
      for (const r of reports) console.log(`${formatReportTable(r)}\n`);
    }
  });

  /** A source and an `-incoming defer` destination, each with an extra QMP socket (`ctl`) for the CLI. */
  async function startPair(opts: { dstMemMiB?: number; noBalloon?: boolean } = {}): Promise<{ src: QemuInstance; dst: QemuInstance; srcCtl: string; dstCtl: string }> {
    const n = ++pairNo;
    const balloon = opts.noBalloon ? false : { freePageHint: true, freePageReporting: true };
    const loader = ['-device', `loader,file=${blobPath},addr=0x${BLOB_ADDR.toString(16)}`];
    const srcCtl = tmp.sock(`${n}-src.ctl`);
    const dstCtl = tmp.sock(`${n}-dst.ctl`);
    const ctl = (p: string): string[] => ['-qmp', `unix:${p},server=on,wait=off`];
    const [src, dst] = await Promise.all([
      startQemu({ name: `mig${n}-src`, memMiB: GUEST_MIB, qmpSocketPath: tmp.sock(`${n}-src.qmp`), balloon, extraArgs: [...loader, ...ctl(srcCtl)] }),
      startQemu({
        name: `mig${n}-dst`,
        memMiB: opts.dstMemMiB ?? GUEST_MIB,
        qmpSocketPath: tmp.sock(`${n}-dst.qmp`),
        balloon,
        incomingDefer: true,
        extraArgs: [...loader, ...ctl(dstCtl)],
      }),
    ]);
    return { src, dst, srcCtl, dstCtl };
  }

  async function stopPair(p: { src: QemuInstance; dst: QemuInstance }): Promise<void> {
    await Promise.all([p.src.stop(), p.dst.stop()]);
  }

  /** Writes keys until tierkv has some in its cold tier (so that MIGRATE_PREPARE drops something). */
  async function fillCold(): Promise<number> {
    const deadline = Date.now() + 20_000;
    let round = 0;
    for (;;) {
      const p = redis.pipeline();
      for (let i = 0; i < 5000; i++) p.set(`k:${round}:${i}`, `v${i}`.padEnd(200, 'x'));
      await p.exec();
      round++;
      for (let i = 0; i < 20; i++) {
        const t = fields(await redis.info('tiers'));
        if (Number(t['cold_keys']) > 1000) return Number(t['cold_keys']);
        await sleep(25);
      }
      if (Date.now() > deadline) throw new Error('tierkv never had keys in its cold tier');
    }
  }

  async function migrationInfo(): Promise<Record<string, string>> {
    return fields(await redis.info('migration'));
  }

  /** How many times tierkv logged leaving migration mode for `reason`. */
  function logged(reason: 'done' | 'abort' | 'timeout'): number {
    return kv
      .output()
      .split('\n')
      .filter((l) => l.includes('"msg":"migration mode off"') && l.includes(`"reason":"${reason}"`)).length;
  }

  async function waitLogged(reason: 'done' | 'abort', count: number): Promise<void> {
    const end = Date.now() + 5000;
    while (logged(reason) < count && Date.now() < end) await sleep(20);
  }

  function baseOptions(p: { src: QemuInstance; dst: QemuInstance }, strategy: StrategyName): MigrationOptions {
    return {
      source: p.src.qmp,
      destination: p.dst.qmp,
      destUri: 'tcp:127.0.0.1:0',
      strategy,
      kv: { host: kv.host, port: kv.port, password: PASSWORD },
      balloonStallMs: 500,
      reportQuietMs: 500,
      reportWaitMs: 3000,
      maxBandwidth: 64 * MiB,
      pollIntervalMs: 50,
    };
  }

  /** The destination's copy of the loaded bytes (pmemsave), compared with what was loaded on the source. */
  async function destinationHoldsBlob(dst: QemuInstance): Promise<boolean> {
    const file = path.join(tmp.dir, `dump-${dst.name}.bin`);
    await dst.qmp.execute('pmemsave', { val: BLOB_ADDR, size: BLOB_BYTES, filename: file });
    return readFileSync(file).equals(blob);
  }

  for (const strategy of STRATEGY_NAMES) {
    const spec = STRATEGIES[strategy];
    it(`${strategy}: completes; the figures are QEMU's; ${spec.prepare ? 'MIGRATE_PREPARE and MIGRATE_DONE reach tierkv' : 'tierkv is not involved'}`, async () => {
      const cold = spec.prepare ? await fillCold() : 0;
      const before = await migrationInfo();
      const doneBefore = logged('done');
      const pair = await startPair();
      const srcExec = vi.spyOn(pair.src.qmp, 'execute');
      const dstExec = vi.spyOn(pair.dst.qmp, 'execute');
      try {
        const progress: string[] = [];
        const report = await runMigration({ ...baseOptions(pair, strategy), onProgress: (p) => progress.push(p.status ?? p.phase) });
        reports.push(report);

        expect(report).toMatchObject({ strategy, outcome: 'completed', status: 'completed', fatal: false, error: null });
        expect(report.accel).toBe(pair.src.accel);
        expect(report.guest_ram_bytes).toBe(GUEST_MIB * MiB);
        // The figures are QEMU's: the test's own query-migrate, read after the run, says the same.
        const info = await pair.src.qmp.queryMigrate();
        expect(info.status).toBe('completed');
        expect(report.qemu.source).toEqual(info);
        expect(report.transferred_bytes).toBe(info.ram!.transferred);
        expect(report.migration_time_ms).toBe(info['total-time']);
        expect(report.migration_time_ms).toBeGreaterThan(0);
        expect(report.downtime_ms).toBe(info.downtime);
        expect(report.setup.qemu_setup_ms).toBe(info['setup-time']);
        expect(report.passes).toBe(info.ram!['dirty-sync-count']);
        expect(report.postcopy_requests).toBe(info.ram!['postcopy-requests']);
        expect(report.transferred_bytes).toBeGreaterThan(BLOB_BYTES); // the random pages had to travel
        expect(report.qemu.destination?.status).toBe('completed');
        // Times exist and add up: setup = its parts + the rest.
        for (const k of ['total_time_ms', 'setup_time_ms', 'guest_pause_ms'] as const) expect(report[k], k).not.toBeNull();
        const s = report.setup;
        const parts = [s.preflight_ms, s.prepare_ms, s.balloon_ms, s.report_wait_ms, s.configure_ms, s.qemu_setup_ms, s.other_ms];
        expect(parts.reduce<number>((a, b) => a + (b ?? 0), 0)).toBeGreaterThanOrEqual(report.setup_time_ms! - 0.5);
        expect(report.events.some((e) => e.side === 'source' && e.event === 'STOP')).toBe(true);
        expect(report.events.some((e) => e.side === 'destination' && e.event === 'RESUME')).toBe(true);
        expect(progress).toContain('completed');

        // The VM now runs on the destination with the source's memory.
        expect((await pair.dst.qmp.queryStatus()).status).toBe('running');
        expect((await pair.src.qmp.queryStatus()).status).toBe('postmigrate');
        expect(await destinationHoldsBlob(pair.dst)).toBe(true);

        // Capabilities on both sides.
        const caps = async (q: QemuInstance): Promise<Map<string, boolean>> =>
          new Map((await q.qmp.queryMigrateCapabilities()).map((c) => [c.capability, c.state]));
        const [sc, dc] = await Promise.all([caps(pair.src), caps(pair.dst)]);
        const post = spec.mode === 'postcopy';
        expect(sc.get('postcopy-ram')).toBe(post);
        expect(dc.get('postcopy-ram')).toBe(post);
        expect(sc.get('postcopy-preempt')).toBe(spec.preempt);
        expect(dc.get('postcopy-preempt')).toBe(spec.preempt);
        expect(report.postcopy).toBe(post);
        if (post) {
          expect(report.postcopy_bytes).toBeGreaterThan(0);
          expect(report.postcopy_switch_ms).not.toBeNull();
          expect(report.postcopy_blocktime_ms).toBe(report.qemu.destination?.['postcopy-blocktime']);
        } else {
          expect(report.postcopy_bytes ?? 0).toBe(0);
        }
        expect(dstExec.mock.calls.some(([cmd]) => cmd === 'migrate-incoming')).toBe(true);

        // Balloon: the request was made with the reported target, and given back on the destination.
        const balloonCalls = (spy: typeof srcExec): number[] =>
          spy.mock.calls.filter(([cmd]) => cmd === 'balloon').map(([, args]) => (args as { value: number }).value);
        if (spec.shrink === 'balloon') {
          expect(report.balloon_target_bytes).toBeGreaterThan(0);
          expect(report.balloon_target_bytes).toBeLessThan(GUEST_MIB * MiB);
          expect(report.balloon_basis).toBe('used-memory'); // tierkv runs on the host: its MemTotal is not the guest's
          expect(balloonCalls(srcExec)).toEqual([report.balloon_target_bytes]);
          expect(balloonCalls(dstExec)).toEqual([GUEST_MIB * MiB]);
          expect(report.balloon_settled).toBe(false); // no guest driver
          expect(report.balloon_note).toMatch(/did not move/);
          expect(report.warnings.join('\n')).toMatch(/balloon did not settle/);
          expect(report.balloon_ms).toBeGreaterThan(0);
        } else {
          expect(balloonCalls(srcExec)).toEqual([]);
          expect(report.balloon_target_bytes).toBeNull();
        }
        if (spec.shrink === 'free-page-reporting') {
          expect(report.report_wait).not.toBeNull();
          expect(report.report_wait!.source_pid).toBe(pair.src.pid); // found from the QMP socket through /proc
          expect(report.report_wait!.rss_before_bytes).toBeGreaterThan(0);
          expect(report.setup.report_wait_ms).toBe(report.report_wait!.wait_ms);
        } else {
          expect(report.report_wait).toBeNull();
        }
        if (spec.shrink === 'free-page-hint') expect(report.free_page_hint).toBe(true);
        if (spec.shrink === 'zero-pages') {
          // The default: no balloon at all; tierkv (migrate-zero-freed yes by default) zeroed what it dropped.
          expect(srcExec.mock.calls.some(([cmd]) => cmd === 'balloon' || cmd === 'query-balloon')).toBe(false);
          expect(report.balloon_ms).toBeNull();
          expect(report.setup.balloon_ms).toBeNull();
          expect(report.zeroed_bytes).toBeGreaterThan(0);
          expect(report.zero_ms).not.toBeNull();
          expect(report.warnings.join('\n')).not.toMatch(/zeroed/);
        }

        // tierkv
        await waitLogged('done', doneBefore + (spec.prepare ? 1 : 0));
        const after = await migrationInfo();
        expect(after['migration_state']).toBe('none');
        if (spec.prepare) {
          expect(Number(after['migrate_prepares'])).toBe(Number(before['migrate_prepares']) + 1);
          expect(report.dropped_keys).toBe(Number(after['migrate_last_dropped_keys']));
          expect(report.dropped_keys).toBeGreaterThan(0);
          expect(report.dropped_keys).toBeLessThanOrEqual(cold + 5000);
          expect(report.kv_prepare?.['migration_state']).toBe('prepared');
          expect(report.prepare_ms).toBeGreaterThan(0);
          // overlap: MIGRATE_PREPARE ran after `migrate`, outside the setup, and the switch came after its reply
          expect(report.prepare_overlapped).toBe(spec.overlap === true);
          expect(report.setup.prepare_ms).toBe(spec.overlap ? null : report.prepare_ms);
          if (spec.overlap) {
            // pre-copy crawls at the overlap cap while tierkv zeroes; post-copy gets the normal cap
            expect(report.parameters).toMatchObject({ 'max-bandwidth': DEFAULT_OVERLAP_BANDWIDTH, 'max-postcopy-bandwidth': 64 * MiB });
            expect(report.prepare_started_ms).toBeGreaterThanOrEqual(report.setup_time_ms! - 1000);
            const switchAt = report.events.find((e) => e.side === 'source' && e.event === 'MIGRATION' && e.data.status === 'postcopy-active')?.t_ms;
            expect(switchAt).toBeGreaterThanOrEqual(report.prepare_started_ms! + report.prepare_ms!);
          }
          expect(report.kv_done).toBe('ok');
          expect(logged('done')).toBe(doneBefore + 1);
        } else {
          expect(after['migrate_prepares']).toBe(before['migrate_prepares']);
          expect(report).toMatchObject({ kv: null, kv_done: 'skipped', dropped_keys: null, prepare_ms: null });
          expect(logged('done')).toBe(doneBefore);
        }
      } finally {
        await stopPair(pair);
      }
    });
  }

  type Pair = Awaited<ReturnType<typeof startPair>>;

  /**
   * Runs a migration that must fail before the post-copy switch, on a fresh pair (after fillCold): it rejects with a
   * MigrationFailedError and MIGRATE_ABORT reaches tierkv once; then `check` looks at the error and the pair.
   * `options` is called once the pair runs (a test may spy on its QMP clients there).
   */
  async function expectAborted(
    pairOpts: Parameters<typeof startPair>[0],
    options: (pair: Pair) => MigrationOptions,
    check: (e: MigrationFailedError, pair: Pair) => Promise<void>,
  ): Promise<void> {
    await fillCold();
    const abortBefore = logged('abort');
    const pair = await startPair(pairOpts);
    try {
      const err = await runMigration(options(pair)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationFailedError);
      await waitLogged('abort', abortBefore + 1);
      expect(logged('abort')).toBe(abortBefore + 1);
      await check(err as MigrationFailedError, pair);
    } finally {
      await stopPair(pair);
    }
  }

  it('a destination that dies before the switch: rejected with the reason; migrate never sent, balloon deflated, MIGRATE_ABORT reaches tierkv', async () => {
    let srcExec: MockInstance | undefined;
    await expectAborted(
      {},
      (pair) => {
        srcExec = vi.spyOn(pair.src.qmp, 'execute');
        return {
          ...baseOptions(pair, 'tierkv-balloon'),
          balloonStallMs: 3000,
          onPhase: async (phase) => {
            if (phase === 'balloon') {
              pair.dst.proc.kill('SIGKILL');
              await pair.dst.exited;
            }
          },
        };
      },
      async (e, pair) => {
        expect(e.fatal).toBe(false);
        expect(e.phase).toBe('balloon');
        expect(e.reason).toMatch(/destination QEMU closed its QMP connection/);
        expect(e.message).toMatch(/aborted in phase balloon/);
        expect(e.report).toMatchObject({ outcome: 'aborted', status: 'not-started', kv_abort: 'ok', failed_phase: 'balloon' });
        const balloons = srcExec!.mock.calls.filter(([c]) => c === 'balloon').map(([, a]) => (a as { value: number }).value);
        expect(balloons).toEqual([e.report.balloon_target_bytes, GUEST_MIB * MiB]); // inflated, then deflated
        expect(srcExec!.mock.calls.some(([c]) => c === 'migrate')).toBe(false);
        expect(e.report.cleanup.join('\n')).toMatch(/balloon deflated on the source/);
        expect((await migrationInfo())['migration_state']).toBe('none');
        expect((await pair.src.qmp.queryStatus()).status).toBe('running');
      },
    );
  });

  it('an abort signal before the switch (the CLI\'s Ctrl-C) cancels cleanly: MIGRATE_ABORT, the VM stays on the source', async () => {
    const ac = new AbortController();
    await expectAborted(
      {},
      (pair) => ({
        ...baseOptions(pair, 'tierkv-report'),
        reportQuietMs: 5000,
        signal: ac.signal,
        onPhase: (phase) => {
          if (phase === 'report-wait') setTimeout(() => ac.abort(new Error('interrupted by SIGINT')), 200);
        },
      }),
      async (e, pair) => {
        expect(e).toMatchObject({ fatal: false, phase: 'report-wait', reason: 'aborted: interrupted by SIGINT' });
        expect(e.report.kv_abort).toBe('ok');
        expect((await pair.src.qmp.queryStatus()).status).toBe('running');
        expect(await pair.dst.qmp.queryMigrate()).toEqual({}); // migrate-incoming was never sent
      },
    );
  });

  it('QEMU fails the migration (the destination has less RAM): cancelled cleanly with QEMU\'s reason, MIGRATE_ABORT, the source keeps running', async () => {
    await expectAborted(
      { dstMemMiB: GUEST_MIB / 2 },
      (pair) => baseOptions(pair, 'tierkv-precopy'),
      async (e, pair) => {
        expect(e.fatal).toBe(false);
        expect(e.phase).toBe('migrate');
        expect(e.reason).toMatch(/the migration failed|destination/);
        expect(e.report.outcome).toBe('aborted');
        expect(['failed', 'cancelled']).toContain(e.report.status);
        expect(e.report.kv_abort).toBe('ok');
        expect((await pair.src.qmp.queryStatus()).status).toBe('running');
        expect(pair.dst.output()).toMatch(/mismatch/i); // the destination's own account of why
      },
    );
  });

  it('tierkv, the default, needs no balloon device: a VM without one migrates intact, and tierkv zeroed what it dropped', async () => {
    await fillCold();
    const pair = await startPair({ noBalloon: true });
    try {
      const report = await runMigration(baseOptions(pair, 'tierkv'));
      expect(report).toMatchObject({ strategy: 'tierkv', outcome: 'completed', status: 'completed', kv_done: 'ok', balloon_target_bytes: null });
      expect(report.free_page_hint).toBeNull(); // no balloon device was found
      expect(report.zeroed_bytes).toBeGreaterThan(0);
      expect(await destinationHoldsBlob(pair.dst)).toBe(true);
    } finally {
      await stopPair(pair);
    }
    // The paper's method cannot run there: refused in the preflight, before tierkv is touched.
    const prepBefore = Number((await migrationInfo())['migrate_prepares']);
    const pair2 = await startPair({ noBalloon: true });
    try {
      const err = await runMigration(baseOptions(pair2, 'tierkv-balloon')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationFailedError);
      expect((err as MigrationFailedError).reason).toMatch(/needs a virtio-balloon device/);
      expect(Number((await migrationInfo())['migrate_prepares'])).toBe(prepBefore);
    } finally {
      await stopPair(pair2);
    }
  });

  it('tierkv against a tierkv that does not zero what it drops (migrate-zero-freed no): completes, and the report warns that the freed pages were sent in full', async () => {
    await redis.config('SET', 'migrate-zero-freed', 'no');
    try {
      await fillCold();
      const pair = await startPair();
      try {
        const report = await runMigration(baseOptions(pair, 'tierkv'));
        expect(report).toMatchObject({ strategy: 'tierkv', outcome: 'completed', kv_done: 'ok', zeroed_bytes: 0 });
        expect(report.freed_bytes).toBeGreaterThan(0);
        expect(report.warnings.join('\n')).toMatch(/reported no zeroed bytes.*sent in full; use tierkv-balloon or enable migrate-zero-freed/);
      } finally {
        await stopPair(pair);
      }
    } finally {
      await redis.config('SET', 'migrate-zero-freed', 'yes');
    }
  });

  it('a destination that dies after the switch to post-copy: fatal for the VM, said plainly, nothing cancelled', async () => {
    await fillCold();
    const pair = await startPair();
    const srcExec = vi.spyOn(pair.src.qmp, 'execute');
    let killed = false;
    try {
      const err = await runMigration({
        ...baseOptions(pair, 'tierkv'),
        maxPostcopyBandwidth: 4 * MiB, // keep post-copy running long enough to pull the plug
        onProgress: (p) => {
          if (p.status === 'postcopy-active' && !killed) {
            killed = true;
            pair.dst.proc.kill('SIGKILL');
          }
        },
      }).catch((e: unknown) => e);
      expect(killed).toBe(true);
      expect(err).toBeInstanceOf(MigrationFailedError);
      const e = err as MigrationFailedError;
      expect(e.fatal).toBe(true);
      expect(e.report.outcome).toBe('vm-lost');
      expect(e.message).toMatch(/FATAL for the VM: the migration failed after the switch to post-copy/);
      expect(e.message).toMatch(/cannot be rolled back/);
      expect(e.report.status).toMatch(/postcopy-paused|failed/);
      expect(srcExec.mock.calls.some(([c]) => c === 'migrate_cancel')).toBe(false);
      expect((await pair.src.qmp.queryStatus()).running).toBe(false);
    } finally {
      await stopPair(pair);
    }
  });

  /** Runs the bin; resolves with its exit code and output. */
  function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [MIGRATE_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  describe('the tierkv-migrate bin', () => {
    beforeAll(() => {
      if (!existsSync(MIGRATE_MAIN)) throw new Error(`${MIGRATE_MAIN} is missing: run \`npm run build\` (npm test does it first)`);
    });

    it('tierkv-balloon (the paper\'s method) with --json: exit 0, one JSON object on stdout with QEMU\'s figures, MIGRATE_DONE reaches tierkv; --progress prints to stderr', async () => {
      await fillCold();
      const doneBefore = logged('done');
      const pair = await startPair();
      try {
        const res = await runCli([
          '--source-qmp', pair.srcCtl,
          '--dest-qmp', pair.dstCtl,
          '--dest-uri', 'tcp:127.0.0.1:0',
          '--kv', `${kv.host}:${kv.port}`,
          '--kv-password', PASSWORD,
          '--strategy', 'tierkv-balloon',
          '--balloon-headroom', '32mb',
          '--balloon-stall', '500',
          '--max-bandwidth', '64mb',
          '--json',
          '--progress',
        ]);
        expect(res.code, res.stderr).toBe(0);
        const lines = res.stdout.trim().split('\n');
        expect(lines).toHaveLength(1);
        const report = JSON.parse(lines[0]!) as MigrationReport;
        expect(report).toMatchObject({ strategy: 'tierkv-balloon', outcome: 'completed', status: 'completed', kv_done: 'ok' });
        expect(report.strategy_description).toMatch(/paper's exact method/);
        const info = await pair.src.qmp.queryMigrate();
        expect(report.transferred_bytes).toBe(info.ram!.transferred);
        expect(report.migration_time_ms).toBe(info['total-time']);
        expect(report.balloon_target_bytes).toBeGreaterThan(0);
        expect(report.balloon_reason).toMatch(/headroom 32\.0 MiB/);
        expect(report.dropped_keys).toBeGreaterThan(0);
        expect(res.stderr).toMatch(/prepare: MIGRATE_PREPARE to tierkv/);
        expect(res.stderr).toMatch(/migrate (active|postcopy-active)/);
        expect(res.stderr).toMatch(/warning: balloon did not settle/);
        await waitLogged('done', doneBefore + 1);
        expect(logged('done')).toBe(doneBefore + 1);
        expect(await destinationHoldsBlob(pair.dst)).toBe(true);
      } finally {
        await stopPair(pair);
      }
    });

    it('a destination that cannot listen (port taken): exit 1, the reason on stderr, the aborted report on stdout, MIGRATE_ABORT; quiet without a TTY', async () => {
      await fillCold();
      const abortBefore = logged('abort');
      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      const port = (blocker.address() as net.AddressInfo).port;
      const pair = await startPair();
      try {
        const res = await runCli([
          '--source-qmp', pair.srcCtl,
          '--dest-qmp', pair.dstCtl,
          '--dest-uri', `tcp:127.0.0.1:${port}`,
          '--kv', `${kv.host}:${kv.port}`,
          '--kv-password', PASSWORD,
          '--strategy', 'tierkv-report',
          '--report-quiet', '300',
          '--json',
        ]);
        expect(res.code).toBe(1);
        expect(res.stderr).toMatch(/tierkv-migrate: migration aborted in phase configure: configuring the migration failed: .*Address already in use/);
        expect(res.stderr).not.toMatch(/\[\d+\.\ds\]/); // no progress lines: stderr is not a terminal
        const report = JSON.parse(res.stdout) as MigrationReport;
        expect(report).toMatchObject({ outcome: 'aborted', failed_phase: 'configure', fatal: false, kv_abort: 'ok', status: 'not-started' });
        await waitLogged('abort', abortBefore + 1);
        expect(logged('abort')).toBe(abortBefore + 1);
        expect((await migrationInfo())['migration_state']).toBe('none');
        expect((await pair.src.qmp.queryStatus()).status).toBe('running');
      } finally {
        await stopPair(pair);
        await new Promise((r) => blocker.close(r));
      }
    });
  });
});
