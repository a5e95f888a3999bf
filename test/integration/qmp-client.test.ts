/**
 * QmpClient and startQemu against a real qemu-system-x86_64 (no guest OS: the firmware finds nothing to boot and
 * idles). Accelerator: probeAccel() — TCG on the lab machines, whose /dev/kvm is unusable (vm-lab README).
 */
import { spawnSync } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { probeAccel, QemuStartError, startQemu, stopAllQemu, type QemuInstance } from '../../migration-hook/qemu-process.js';
import { QmpClosedError, QmpError, QmpTimeoutError } from '../../migration-hook/qmp.js';
import type { MigrationEventData, MigrationInfo } from '../../migration-hook/qmp-types.js';
import { freeTcpPort, makeSocketDir, qemuAvailable } from '../support/qemu.js';
import { sleep } from '../support/wait.js';

const HAVE_QEMU = qemuAvailable();
if (!HAVE_QEMU) console.warn('qmp-client integration tests skipped: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)');

const MiB = 1024 * 1024;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!HAVE_QEMU)('QmpClient against a real QEMU (skipped when qemu-system-x86_64 is missing)', () => {
  let tmp: ReturnType<typeof makeSocketDir>;
  let vm: QemuInstance;

  beforeAll(async () => {
    tmp = makeSocketDir();
    vm = await startQemu({ name: 'qmp-it', memMiB: 256, qmpSocketPath: tmp.sock('vm.qmp'), balloon: true });
  });

  afterAll(async () => {
    await stopAllQemu();
    tmp?.remove();
  });

  it('negotiates capabilities and reports the same version as the binary', async () => {
    const out = spawnSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' }).stdout;
    const m = /version (\d+)\.(\d+)\.(\d+)/.exec(out);
    expect(m).not.toBeNull();
    expect(vm.qmp.version).toMatchObject({ major: Number(m![1]), minor: Number(m![2]), micro: Number(m![3]) });
    expect(typeof vm.qmp.version.package).toBe('string');
    expect(vm.qmp.serverCapabilities).toContain('oob');
    // a second qmp_capabilities is refused: we are already in command mode
    await expect(vm.qmp.execute('qmp_capabilities')).rejects.toMatchObject({ errorClass: 'CommandNotFound' });
  });

  it('uses the probed accelerator, and query-kvm agrees with it', async () => {
    expect(vm.accel).toBe(await probeAccel());
    expect(vm.argv).toContain(vm.accel);
    const kvm = await vm.qmp.queryKvm();
    expect(kvm.enabled).toBe(vm.accel === 'kvm');
  });

  it('query-status: running', async () => {
    await expect(vm.qmp.queryStatus()).resolves.toMatchObject({ running: true, status: 'running' });
  });

  it('query-migrate-capabilities lists postcopy-ram, and migrate-set-capabilities changes it', async () => {
    const before = await vm.qmp.queryMigrateCapabilities();
    const caps = new Map(before.map((c) => [c.capability, c.state]));
    expect(caps.get('postcopy-ram')).toBe(false);
    expect(caps.has('events')).toBe(true);
    await vm.qmp.migrateSetCapabilities({ 'postcopy-ram': true, events: true });
    const after = new Map((await vm.qmp.queryMigrateCapabilities()).map((c) => [c.capability, c.state]));
    expect(after.get('postcopy-ram')).toBe(true);
    expect(after.get('events')).toBe(true);
    await vm.qmp.migrateSetCapabilities({ 'postcopy-ram': false, events: false });
  });

  it('query-migrate before any migration is empty', async () => {
    await expect(vm.qmp.queryMigrate()).resolves.toEqual({});
  });

  it('migrate-set-parameters round-trips through query-migrate-parameters', async () => {
    await vm.qmp.migrateSetParameters({ 'max-bandwidth': 64 * MiB, 'downtime-limit': 250 });
    await expect(vm.qmp.queryMigrateParameters()).resolves.toMatchObject({ 'max-bandwidth': 64 * MiB, 'downtime-limit': 250 });
  });

  it('an unknown command rejects with QmpError CommandNotFound', async () => {
    const err = await vm.qmp.execute('no-such-command').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QmpError);
    expect(err).toMatchObject({ errorClass: 'CommandNotFound', command: 'no-such-command' });
    expect((err as QmpError).desc).toMatch(/no-such-command/);
  });

  it('invalid arguments reject with QmpError GenericError', async () => {
    const wrongType = await vm.qmp.execute('balloon', { value: 'lots' }).catch((e: unknown) => e);
    expect(wrongType).toBeInstanceOf(QmpError);
    expect(wrongType).toMatchObject({ errorClass: 'GenericError', command: 'balloon' });
    expect((wrongType as QmpError).desc).toMatch(/value/);

    const extra = await vm.qmp.execute('query-status', { verbose: true }).catch((e: unknown) => e);
    expect(extra).toMatchObject({ errorClass: 'GenericError' });
    expect((extra as QmpError).desc).toMatch(/verbose/);

    await expect(vm.qmp.migrateSetCapabilities({ 'no-such-capability': true })).rejects.toMatchObject({ errorClass: 'GenericError' });
    // the connection is still fine
    await expect(vm.qmp.queryStatus()).resolves.toMatchObject({ running: true });
  });

  it('stop / cont produce STOP / RESUME events with QEMU timestamps', async () => {
    const cursor = vm.qmp.eventCursor();
    const wallBeforeUs = Date.now() * 1000;
    await vm.qmp.stop();
    const stop = await vm.qmp.waitForEvent('STOP', undefined, { since: cursor, timeoutMs: 5000 });
    await expect(vm.qmp.queryStatus()).resolves.toMatchObject({ running: false, status: 'paused' });
    await vm.qmp.cont();
    const resume = await vm.qmp.waitForEvent('RESUME', undefined, { since: cursor, timeoutMs: 5000 });
    expect(resume.seq).toBeGreaterThan(stop.seq);
    expect(resume.receivedAt).toBeGreaterThanOrEqual(stop.receivedAt);
    expect(stop.timestampUs).toBeGreaterThanOrEqual(wallBeforeUs - 1_000_000);
    expect(resume.timestampUs).toBeGreaterThanOrEqual(stop.timestampUs);
    await expect(vm.qmp.queryStatus()).resolves.toMatchObject({ running: true, status: 'running' });
  });

  it('balloon on a VM with virtio-balloon but no guest driver: accepted, nothing changes, no BALLOON_CHANGE', async () => {
    await expect(vm.qmp.queryBalloon()).resolves.toEqual({ actual: 256 * MiB });
    const cursor = vm.qmp.eventCursor();
    await vm.qmp.balloon(128 * MiB);
    // BALLOON_CHANGE is raised when the guest driver updates its "actual" config field; without a guest it never is.
    await expect(vm.qmp.waitForEvent('BALLOON_CHANGE', undefined, { since: cursor, timeoutMs: 1000 })).rejects.toBeInstanceOf(
      QmpTimeoutError,
    );
    await expect(vm.qmp.queryBalloon()).resolves.toEqual({ actual: 256 * MiB });
    await vm.qmp.balloon(256 * MiB);
  });

  it('a command times out with QmpTimeoutError while QEMU is frozen, and the client recovers', async () => {
    process.kill(vm.pid, 'SIGSTOP');
    try {
      const err = await vm.qmp.queryStatus({ timeoutMs: 300 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QmpTimeoutError);
      expect(err).toMatchObject({ command: 'query-status', timeoutMs: 300 });
    } finally {
      process.kill(vm.pid, 'SIGCONT');
    }
    // the late reply to the timed-out command is dropped; the next command gets its own reply
    await expect(vm.qmp.queryMigrate()).resolves.toEqual({});
    await expect(vm.qmp.queryStatus()).resolves.toMatchObject({ running: true });
  });

  describe('without a balloon device', () => {
    it('balloon and query-balloon reject with DeviceNotActive', async () => {
      const bare = await startQemu({ name: 'qmp-it-bare', memMiB: 64, qmpSocketPath: tmp.sock('bare.qmp') });
      try {
        await expect(bare.qmp.queryBalloon()).rejects.toMatchObject({ errorClass: 'DeviceNotActive', command: 'query-balloon' });
        await expect(bare.qmp.balloon(32 * MiB)).rejects.toMatchObject({ errorClass: 'DeviceNotActive', command: 'balloon' });
      } finally {
        await bare.stop();
      }
    });
  });

  describe('process lifecycle', () => {
    it('socket loss: killing QEMU rejects pending commands with QmpClosedError, later calls fail fast', async () => {
      const victim = await startQemu({ name: 'qmp-it-victim', memMiB: 64, qmpSocketPath: tmp.sock('victim.qmp') });
      const closed = new Promise<Error | undefined>((resolve) => victim.qmp.once('close', resolve));
      // Freeze QEMU so the commands are certainly still pending when it dies.
      process.kill(victim.pid, 'SIGSTOP');
      const pending = [victim.qmp.queryStatus(), victim.qmp.queryMigrate(), victim.qmp.waitForEvent('RESUME', undefined, 0)];
      await sleep(50);
      expect(victim.qmp.pendingCommands).toBe(2);
      process.kill(victim.pid, 'SIGKILL');
      const results = await Promise.allSettled(pending);
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(QmpClosedError);
      }
      expect(((results[0] as PromiseRejectedResult).reason as QmpClosedError).command).toBe('query-status');
      await closed;
      expect(victim.qmp.closed).toBe(true);
      await expect(victim.qmp.queryStatus()).rejects.toBeInstanceOf(QmpClosedError);
      await expect(victim.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
      await victim.stop(); // still safe: nothing to do but clean up
    });

    it('stop() quits QEMU gracefully and leaves no process behind', async () => {
      const inst = await startQemu({ name: 'qmp-it-stop', memMiB: 64, qmpSocketPath: tmp.sock('stop.qmp') });
      const shutdown = inst.qmp.waitForEvent('SHUTDOWN', undefined, 5000);
      const exit = await inst.stop();
      expect(exit).toEqual({ code: 0, signal: null });
      await expect(shutdown).resolves.toMatchObject({ data: { guest: false, reason: 'host-qmp-quit' } });
      expect(processAlive(inst.pid)).toBe(false);
      expect(inst.qmp.closed).toBe(true);
      await expect(inst.stop()).resolves.toEqual(exit);
    });

    it('a QEMU that rejects its arguments fails with QemuStartError carrying its message', async () => {
      const err = await startQemu({
        name: 'qmp-it-bad',
        memMiB: 64,
        qmpSocketPath: tmp.sock('bad.qmp'),
        extraArgs: ['-device', 'no-such-device'],
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QemuStartError);
      expect((err as QemuStartError).output).toMatch(/no-such-device/);
      expect((err as QemuStartError).exit?.code).toBe(1);
    });
  });

  describe('pre-copy live migration between two QEMUs', () => {
    it('migrate-incoming + migrate complete, and query-migrate reports the RAM statistics', async () => {
      const src = await startQemu({ name: 'mig-src', memMiB: 256, qmpSocketPath: tmp.sock('src.qmp') });
      const dst = await startQemu({ name: 'mig-dst', memMiB: 256, qmpSocketPath: tmp.sock('dst.qmp'), incomingDefer: true });
      try {
        await expect(dst.qmp.queryStatus()).resolves.toMatchObject({ running: false, status: 'inmigrate' });
        await src.qmp.migrateSetCapabilities({ events: true });
        await dst.qmp.migrateSetCapabilities({ events: true });
        const port = await freeTcpPort();
        const uri = `tcp:127.0.0.1:${port}`;
        await dst.qmp.migrateIncoming(uri);
        const srcCursor = src.qmp.eventCursor();
        const dstCursor = dst.qmp.eventCursor();
        const t0 = performance.now();
        await src.qmp.migrate(uri);

        let info: MigrationInfo = await src.qmp.queryMigrate();
        const seen = new Set<string>();
        while (!['completed', 'failed', 'cancelled'].includes(info.status ?? '')) {
          expect(performance.now() - t0).toBeLessThan(60_000);
          seen.add(info.status ?? 'none');
          await sleep(20);
          info = await src.qmp.queryMigrate();
        }
        expect(info.status, info['error-desc']).toBe('completed');
        // vm-lab pitfall: the first 'completed' may carry total-time 0, so read it again until it is filled in
        for (let i = 0; i < 50 && !info['total-time']; i++) {
          await sleep(50);
          info = await src.qmp.queryMigrate();
        }
        expect(info['total-time']).toBeGreaterThan(0);
        expect(info['setup-time']).toBeGreaterThanOrEqual(0);
        expect(info.downtime).toBeGreaterThanOrEqual(0);
        const ram = info.ram!;
        expect(ram.total).toBeGreaterThanOrEqual(256 * MiB);
        expect(ram.transferred).toBeGreaterThan(0);
        expect(ram.remaining).toBe(0);
        expect(ram.duplicate).toBeGreaterThan(0); // a guest-less VM is almost all zero pages
        expect(ram.transferred).toBeLessThan(ram.total); // ... which travel as markers only
        expect(ram['dirty-sync-count']).toBeGreaterThanOrEqual(1);
        expect(ram['page-size']).toBe(4096);

        // The MIGRATION events (capability `events`) tell the same story, on both sides.
        const done = await src.qmp.waitForEvent<MigrationEventData>('MIGRATION', (e) => e.data.status === 'completed', {
          since: srcCursor,
          timeoutMs: 10_000,
        });
        const statuses = src.qmp
          .recentEvents()
          .filter((e) => e.name === 'MIGRATION' && e.seq > srcCursor)
          .map((e) => (e.data as unknown as MigrationEventData).status);
        expect(statuses[0]).toBe('setup');
        expect(statuses).toContain('active');
        expect(statuses.at(-1)).toBe('completed');
        expect(done.timestampUs).toBeGreaterThan(0);
        await dst.qmp.waitForEvent<MigrationEventData>('MIGRATION', (e) => e.data.status === 'completed', {
          since: dstCursor,
          timeoutMs: 10_000,
        });

        // The guest now runs on the destination; the source is left in postmigrate.
        await dst.qmp.waitForEvent('RESUME', undefined, { since: dstCursor, timeoutMs: 10_000 });
        await expect(dst.qmp.queryStatus()).resolves.toMatchObject({ running: true, status: 'running' });
        await expect(src.qmp.queryStatus()).resolves.toMatchObject({ running: false, status: 'postmigrate' });
        await expect(dst.qmp.queryMigrate()).resolves.toMatchObject({ status: 'completed' });
      } finally {
        await Promise.all([src.stop(), dst.stop()]);
      }
      expect(processAlive(src.pid) || processAlive(dst.pid)).toBe(false);
    });

    it('post-copy: migrate-start-postcopy switches a running migration to postcopy-active', async () => {
      const src = await startQemu({ name: 'pc-src', memMiB: 256, qmpSocketPath: tmp.sock('pc-src.qmp') });
      const dst = await startQemu({ name: 'pc-dst', memMiB: 256, qmpSocketPath: tmp.sock('pc-dst.qmp'), incomingDefer: true });
      try {
        const caps = { events: true, 'postcopy-ram': true };
        await src.qmp.migrateSetCapabilities(caps);
        await dst.qmp.migrateSetCapabilities(caps);
        // ~1 MB of non-zero pages at 256 KiB/s keeps pre-copy busy for seconds; post-copy itself is uncapped.
        await src.qmp.migrateSetParameters({ 'max-bandwidth': 256 * 1024, 'max-postcopy-bandwidth': 0 });
        const uri = `tcp:127.0.0.1:${await freeTcpPort()}`;
        await dst.qmp.migrateIncoming(uri);
        const cursor = src.qmp.eventCursor();
        await src.qmp.migrate(uri);
        await src.qmp.waitForEvent<MigrationEventData>('MIGRATION', (e) => e.data.status === 'active', { since: cursor, timeoutMs: 10_000 });
        await src.qmp.migrateStartPostcopy();
        await src.qmp.waitForEvent<MigrationEventData>('MIGRATION', (e) => e.data.status === 'postcopy-active', {
          since: cursor,
          timeoutMs: 10_000,
        });
        await src.qmp.waitForEvent<MigrationEventData>('MIGRATION', (e) => ['completed', 'failed'].includes(e.data.status), {
          since: cursor,
          timeoutMs: 30_000,
        });
        let info = await src.qmp.queryMigrate();
        for (let i = 0; i < 50 && !info['total-time']; i++) {
          await sleep(50);
          info = await src.qmp.queryMigrate();
        }
        expect(info.status, info['error-desc']).toBe('completed');
        expect(info.ram!['postcopy-bytes']).toBeGreaterThan(0);
        await dst.qmp.waitForEvent('RESUME', undefined, 10_000);
        await expect(dst.qmp.queryStatus()).resolves.toMatchObject({ running: true });
      } finally {
        await Promise.all([src.stop(), dst.stop()]);
      }
    });

    it('migrate_cancel on an idle VM is a no-op', async () => {
      await expect(vm.qmp.migrateCancel()).resolves.toBeUndefined();
    });
  });
});
