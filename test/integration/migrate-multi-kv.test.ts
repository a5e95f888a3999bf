/**
 * The migration controller with several tierkv instances in one VM (`--kv` given once per instance), against two
 * real tierkv servers and two scripted fake QEMUs (test/support/qemu-fake-qmp.ts: the QMP conversation of a
 * post-copy migration, without QEMU, so this suite is fast and runs everywhere).
 *
 * What is checked: every instance gets MIGRATE_PREPARE (in parallel) and MIGRATE_DONE; the report lists each
 * instance with the figures of its own reply and the sums at the top level; `tierkv-balloon`'s `balloon` command
 * carries the target computed from the summed replies (both instances' RSS, not one's); when one instance cannot be
 * prepared, the run is aborted before `migrate` and the instance that was prepared gets MIGRATE_ABORT; the CLI
 * accepts `--kv` twice and prints the per-instance figures in its JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runMigration, type MigrationOptions } from '../../migration-hook/controller.js';
import { combinePrepareReplies, KvClient, type KvEndpoint } from '../../migration-hook/kv-client.js';
import { EXIT, main } from '../../migration-hook/main.js';
import { MigrationFailedError, type MigrationReport } from '../../migration-hook/report-types.js';
import { formatReportTable } from '../../migration-hook/report.js';
import { computeBalloonTarget } from '../../migration-hook/strategies.js';
import { infoFields } from '../support/info.js';
import { getFreePort } from '../support/ports.js';
import { FakeQmpServer, type FakeCommand, type FakeReply } from '../support/qemu-fake-qmp.js';
import { makeSocketDir } from '../support/qemu.js';
import { startTierkvInProcess, type ServerHandle } from '../support/tierkv.js';

const MiB = 1024 * 1024;
/** The fake guest's RAM: large enough that two test processes' RSS plus headroom is below it (no clamping). */
const GUEST_RAM = 16 * 1024 * MiB;
const HEADROOM = 64 * MiB;

/**
 * A scripted source/destination pair: answers the controller's preflight, configure and migrate commands, and on
 * `migrate-start-postcopy` plays QEMU's events (postcopy-active, STOP, completed; RESUME on the destination).
 */
class FakeQemuPair {
  srcMig: Record<string, unknown> = {};
  dstMig: Record<string, unknown> = {};
  srcStatus = 'running';
  dstStatus = 'inmigrate';
  balloonActual = GUEST_RAM;
  readonly srcCommands: FakeCommand[] = [];
  readonly dstCommands: FakeCommand[] = [];

  private constructor(
    readonly src: FakeQmpServer,
    readonly dst: FakeQmpServer,
    readonly balloonDevice: boolean,
  ) {
    src.handler = (cmd) => this.#src(cmd);
    dst.handler = (cmd) => this.#dst(cmd);
  }

  static async start(dir: string, balloonDevice: boolean): Promise<FakeQemuPair> {
    const [src, dst] = await Promise.all([FakeQmpServer.start({ dir }), FakeQmpServer.start({ dir })]);
    return new FakeQemuPair(src, dst, balloonDevice);
  }

  async close(): Promise<void> {
    await Promise.all([this.src.close(), this.dst.close()]);
  }

  /** The `balloon` values sent to one side, bytes. */
  balloonCalls(side: 'src' | 'dst'): number[] {
    return (side === 'src' ? this.srcCommands : this.dstCommands)
      .filter((c) => c.execute === 'balloon')
      .map((c) => (c.arguments as { value: number }).value);
  }

  #common(cmd: FakeCommand): FakeReply | undefined {
    switch (cmd.execute) {
      case 'query-migrate-capabilities':
        return { return: ['events', 'postcopy-ram', 'postcopy-preempt', 'postcopy-blocktime'].map((capability) => ({ capability, state: false })) };
      case 'qom-list': {
        const dir = (cmd.arguments as { path: string }).path;
        return { return: this.balloonDevice && dir === '/machine/peripheral' ? [{ name: 'balloon0', type: 'child<virtio-balloon-pci>' }] : [] };
      }
      case 'qom-get':
        return { return: false };
      case 'migrate-set-capabilities':
      case 'migrate-set-parameters':
        return { return: {} };
      case 'query-kvm':
        return { return: { enabled: false, present: true } };
      default:
        return undefined;
    }
  }

  #src(cmd: FakeCommand): FakeReply | undefined {
    this.srcCommands.push(cmd);
    const common = this.#common(cmd);
    if (common) return common;
    switch (cmd.execute) {
      case 'query-status':
        return { return: { status: this.srcStatus, running: this.srcStatus === 'running', singlestep: false } };
      case 'query-migrate':
        return { return: this.srcMig };
      case 'query-memory-size-summary':
        return { return: { 'base-memory': GUEST_RAM } };
      case 'query-balloon':
        return { return: { actual: this.balloonActual } };
      case 'balloon':
        this.balloonActual = (cmd.arguments as { value: number }).value; // settles at once
        return { return: {} };
      case 'query-migrate-parameters':
        return { return: { 'max-bandwidth': 134217728, 'max-postcopy-bandwidth': 0, 'downtime-limit': 300 } };
      case 'migrate':
        this.srcMig = { status: 'active', ram: { transferred: 4096, remaining: GUEST_RAM, total: GUEST_RAM, 'dirty-sync-count': 1 } };
        setTimeout(() => this.src.sendEvent('MIGRATION', { status: 'active' }), 5);
        return { return: {} };
      case 'migrate-start-postcopy':
        setTimeout(() => this.#playPostcopy(), 20);
        return { return: {} };
      default:
        return undefined;
    }
  }

  #playPostcopy(): void {
    this.srcMig = { ...this.srcMig, status: 'postcopy-active' };
    this.src.sendEvent('MIGRATION', { status: 'postcopy-active' });
    this.src.sendEvent('STOP');
    this.srcStatus = 'finish-migrate';
    setTimeout(() => {
      this.dstStatus = 'running';
      this.dst.sendEvent('RESUME');
      this.dstMig = { status: 'completed', 'postcopy-blocktime': 3 };
      this.srcStatus = 'postmigrate';
      this.srcMig = {
        status: 'completed',
        'total-time': 60,
        downtime: 4,
        'setup-time': 1,
        ram: {
          transferred: 50 * MiB,
          remaining: 0,
          total: GUEST_RAM,
          'precopy-bytes': 10 * MiB,
          'postcopy-bytes': 40 * MiB,
          'downtime-bytes': 0,
          'dirty-sync-count': 1,
          'postcopy-requests': 7,
          normal: 12800,
          duplicate: 4000000,
          'normal-bytes': 50 * MiB,
          mbps: 1000,
        },
      };
      this.src.sendEvent('MIGRATION', { status: 'completed' });
    }, 20);
  }

  #dst(cmd: FakeCommand): FakeReply | undefined {
    this.dstCommands.push(cmd);
    const common = this.#common(cmd);
    if (common) return common;
    switch (cmd.execute) {
      case 'query-status':
        return { return: { status: this.dstStatus, running: this.dstStatus === 'running', singlestep: false } };
      case 'query-migrate':
        return { return: this.dstMig };
      case 'migrate-incoming':
        this.dstMig = { status: 'setup' };
        return { return: {} };
      case 'balloon':
        return { return: {} };
      default:
        return undefined;
    }
  }
}

describe('migration controller with two tierkv instances in one VM (fake QEMUs, real tierkv servers)', () => {
  let tmp: ReturnType<typeof makeSocketDir>;
  const kvs: ServerHandle[] = [];
  const clients: KvClient[] = [];

  beforeAll(async () => {
    tmp = makeSocketDir('tkv-multi-');
    for (let i = 0; i < 2; i++) {
      const kv = await startTierkvInProcess({ maxmemory: '4mb', 'maxmemory-policy': 'allkeys-lru', 'hot-ratio': '0.3' });
      kvs.push(kv);
      clients.push(await KvClient.connect({ host: kv.host, port: kv.port }));
    }
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    for (const kv of kvs) await kv.stop();
    tmp?.remove();
  });

  const endpoints = (): KvEndpoint[] => kvs.map((k) => ({ host: k.host, port: k.port }));
  const migrationInfo = async (i: number): Promise<Record<string, string>> => infoFields(String(await clients[i]!.command(['INFO', 'migration'])));

  /** Writes keys into instance `i` until its cold tier holds some (a different number per instance). */
  async function fillCold(i: number, minCold: number): Promise<void> {
    for (let round = 0; round < 200; round++) {
      const c = clients[i]!;
      await Promise.all(Array.from({ length: 500 }, (_, j) => c.command(['SET', `k${i}:${round}:${j}`, 'v'.repeat(200)])));
      const tiers = infoFields(String(await c.command(['INFO', 'tiers'])));
      if (Number(tiers['cold_keys']) >= minCold) return;
    }
    throw new Error(`instance ${i} never had ${minCold} cold keys`);
  }

  function base(pair: FakeQemuPair, strategy: MigrationOptions['strategy']): MigrationOptions {
    return {
      source: pair.src.target,
      destination: pair.dst.target,
      destUri: 'tcp:127.0.0.1:4444',
      strategy,
      kv: endpoints(),
      balloonHeadroomBytes: HEADROOM,
      balloonStallMs: 500,
      pollIntervalMs: 20,
    };
  }

  it('tierkv-balloon: both instances are prepared and get MIGRATE_DONE; per-instance figures, their sums, and a balloon target from the summed replies', async () => {
    await fillCold(0, 1000);
    await fillCold(1, 3000);
    const before = await Promise.all([migrationInfo(0), migrationInfo(1)]);
    const pair = await FakeQemuPair.start(tmp.dir, true);
    let report: MigrationReport;
    try {
      report = await runMigration(base(pair, 'tierkv-balloon'));
    } finally {
      await pair.close();
    }
    expect(report).toMatchObject({ strategy: 'tierkv-balloon', outcome: 'completed', status: 'completed', kv_done: 'ok', kv_abort: 'skipped' });
    const after = await Promise.all([migrationInfo(0), migrationInfo(1)]);
    expect(report.kv_instances).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      const inst = report.kv_instances[i]!;
      expect(inst.kv).toBe(`${kvs[i]!.host}:${kvs[i]!.port}`);
      expect(inst.kv_after).toBe(inst.kv);
      expect(Number(after[i]!['migrate_prepares'])).toBe(Number(before[i]!['migrate_prepares']) + 1);
      expect(Number(after[i]!['migrate_done'])).toBe(Number(before[i]!['migrate_done']) + 1);
      expect(after[i]!['migration_state']).toBe('none');
      // The instance's own reply, not the sum.
      expect(inst.dropped_keys).toBe(Number(after[i]!['migrate_last_dropped_keys']));
      expect(inst.dropped_keys).toBeGreaterThan(0);
      expect(inst.kv_prepare?.['dropped_keys']).toBe(inst.dropped_keys);
      expect(inst).toMatchObject({ kv_done: 'ok', kv_abort: 'skipped', prepare_error: null });
      expect(inst.prepare_ms).toBeGreaterThan(0);
      expect(inst.used_memory_rss).toBeGreaterThan(0);
    }
    const [a, b] = report.kv_instances as [(typeof report.kv_instances)[0], (typeof report.kv_instances)[0]];
    expect(a.dropped_keys).not.toBe(b.dropped_keys); // different fills: the figures are each instance's own
    expect(report.dropped_keys).toBe(a.dropped_keys! + b.dropped_keys!);
    expect(report.freed_bytes).toBe(a.freed_bytes! + b.freed_bytes!);
    expect(report.zeroed_bytes).toBe(a.zeroed_bytes! + b.zeroed_bytes!);
    expect(report.kv_prepare?.['used_memory_rss']).toBe(a.used_memory_rss! + b.used_memory_rss!);
    expect(report.kv_prepare?.['migration_state']).toBe('prepared');
    expect(report.kv).toBe(`${a.kv}, ${b.kv}`);

    // The balloon target comes from the summed replies: tierkv runs on the host here (MemTotal > guest RAM), so
    // used-memory basis = both instances' RSS + headroom, which one instance's figures alone would undercount.
    const expected = computeBalloonTarget({
      guestRamBytes: GUEST_RAM,
      headroomBytes: HEADROOM,
      usedMemoryRss: a.used_memory_rss! + b.used_memory_rss!,
      usedMemory: a.used_memory! + b.used_memory!,
      systemMemoryTotal: report.kv_prepare?.['system_memory_total'] as number | undefined,
      systemMemoryAvailable: report.kv_prepare?.['system_memory_available'] as number | undefined,
    });
    expect(report.balloon_basis).toBe('used-memory');
    expect(report.balloon_target_bytes).toBe(expected.targetBytes);
    expect(report.balloon_target_bytes).toBeGreaterThanOrEqual(a.used_memory_rss! + b.used_memory_rss! + HEADROOM - MiB);
    expect(pair.balloonCalls('src')).toEqual([expected.targetBytes]);
    expect(pair.balloonCalls('dst')).toEqual([GUEST_RAM]);
    expect(report.balloon_settled).toBe(true);

    // The table: the sums, then one row per instance.
    const table = formatReportTable(report);
    expect(table).toMatch(new RegExp(`tierkv \\(2 instances\\) +sum: dropped ${report.dropped_keys} keys`));
    for (const inst of report.kv_instances) {
      expect(table).toMatch(new RegExp(`^ {4}${inst.kv.replace(/\./g, '\\.')} +dropped ${inst.dropped_keys} keys, .*MIGRATE_DONE ok`, 'm'));
    }
  });

  it('one instance cannot be prepared: aborted before migrate, the instance that was prepared gets MIGRATE_ABORT', async () => {
    await fillCold(0, 500);
    const before = await migrationInfo(0);
    const deadPort = await getFreePort();
    const pair = await FakeQemuPair.start(tmp.dir, false);
    let err: unknown;
    try {
      err = await runMigration({ ...base(pair, 'tierkv'), kv: [endpoints()[0]!, { host: '127.0.0.1', port: deadPort }], kvAbortRetryMs: 200 }).catch((e: unknown) => e);
    } finally {
      await pair.close();
    }
    expect(err).toBeInstanceOf(MigrationFailedError);
    const e = err as MigrationFailedError;
    expect(e).toMatchObject({ phase: 'prepare', fatal: false });
    expect(e.message).toMatch(new RegExp(`MIGRATE_PREPARE failed on 1 of 2 tierkv instances: 127\\.0\\.0\\.1:${deadPort}: cannot connect`));
    expect(pair.srcCommands.some((c) => c.execute === 'migrate')).toBe(false);
    const r = e.report;
    expect(r.kv_instances[0]).toMatchObject({ prepare_error: null, kv_abort: 'ok', kv_done: 'skipped' });
    expect(r.kv_instances[0]!.dropped_keys).toBeGreaterThan(0);
    expect(r.kv_instances[1]!.prepare_error).toMatch(/cannot connect/);
    expect(r.kv_instances[1]!.kv_abort).toBe('skipped'); // never prepared: nothing to abort
    expect(r.kv_abort).toBe('ok');
    const after = await migrationInfo(0);
    expect(after['migration_state']).toBe('none');
    expect(Number(after['migrate_aborts'])).toBe(Number(before['migrate_aborts']) + 1);
    expect(formatReportTable(r)).toMatch(/MIGRATE_PREPARE failed: cannot connect/);
  });

  it('the CLI: --kv twice with --kv-after twice; the JSON lists each instance; a mismatched --kv-after count is a usage error', async () => {
    const pair = await FakeQemuPair.start(tmp.dir, false);
    const [e0, e1] = endpoints() as [KvEndpoint, KvEndpoint];
    const addr = (e: KvEndpoint): string => `${e.host}:${e.port}`;
    const out: string[] = [];
    const err: string[] = [];
    const origOut = process.stdout.write.bind(process.stdout);
    const origErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((c: unknown) => (out.push(String(c)), true)) as typeof process.stdout.write;
    process.stderr.write = ((c: unknown) => (err.push(String(c)), true)) as typeof process.stderr.write;
    let code: number;
    let bad: number;
    try {
      const common = ['--source-qmp', pair.src.target, '--dest-qmp', pair.dst.target, '--dest-uri', 'tcp:127.0.0.1:4444', '--strategy', 'tierkv'];
      code = await main([...common, '--kv', addr(e0), '--kv', addr(e1), '--kv-after', addr(e0), '--kv-after', addr(e1), '--json', '--no-progress']);
      bad = await main([...common, '--kv', addr(e0), '--kv', addr(e1), '--kv-after', addr(e0)]);
    } finally {
      process.stdout.write = origOut;
      process.stderr.write = origErr;
      await pair.close();
    }
    expect(code, err.join('')).toBe(EXIT.ok);
    const report = JSON.parse(out[0]!) as MigrationReport;
    expect(report.outcome).toBe('completed');
    expect(report.kv_instances.map((i) => [i.kv, i.kv_after, i.kv_done])).toEqual([
      [addr(e0), addr(e0), 'ok'],
      [addr(e1), addr(e1), 'ok'],
    ]);
    expect(report.kv_prepare).toEqual(combinePrepareReplies(report.kv_instances.map((i) => i.kv_prepare!)));
    expect(bad).toBe(EXIT.usage);
    expect(err.join('')).toMatch(/--kv-after was given 1 time but --kv 2/);
  });
});
