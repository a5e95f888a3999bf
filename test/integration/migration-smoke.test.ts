/**
 * The migration experiment (bench/migration/) at CI size, end to end on real VMs: the guest image is built from
 * Debian packages (kernel, busybox-static; cached under bench/migration/build/), tierkv runs inside a 768 MiB guest
 * under TCG (or a hardware KVM where one works), 700,000 keys are loaded and warmed up, and the VM is migrated once
 * with `postcopy` and once with `tierkv` while host clients keep reading and writing through the forwarded port.
 *
 * Asserted: both migrations complete; on the destination every sampled hot key that is read back is intact (its
 * value is the one loaded) and at least 95 % of them are there (and, after plain post-copy, the cold keys too); the
 * clients never read a wrong value; tierkv (the default: MIGRATE_PREPARE with zeroing, post-copy, no balloon)
 * dropped its cold keys, zeroed what it freed, used no balloon, and transferred fewer bytes than plain post-copy.
 * No timing is asserted (the figures are printed). The guest boots from a virtio-blk root disk both QEMUs share.
 *
 * Needs `npm run build` (dist/ is packed into the guest; `npm test` builds first), qemu-system-x86_64, and the host
 * tools of bench/migration/image.ts (apt-get, dpkg-deb, kmod, cpio, zstd, binutils). Skipped only without QEMU.
 * Takes /tmp/bench.lock while it runs (the machine's cores are shared), waiting for it if another run holds it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { qemuAvailable } from '../support/qemu.js';
import { REPO_ROOT } from '../support/tierkv.js';

type ExperimentModule = typeof import('../../bench/migration/experiment.js');
type MainModule = typeof import('../../bench/migration/main.js');
type QemuModule = typeof import('../../migration-hook/qemu-process.js');

const HAVE_QEMU = qemuAvailable();
if (!HAVE_QEMU) {
  console.warn('migration smoke test skipped: qemu-system-x86_64 is not installed, so no VM can run here (apt-get install qemu-system-x86)');
}

/** The compiled modules: the image builder packs dist/, and bench/lib resolves the repository from its dist path. */
async function load<T>(rel: string): Promise<T> {
  const file = path.join(REPO_ROOT, 'dist', rel);
  if (!existsSync(file)) {
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npx tsc -p tsconfig.json failed');
  }
  return (await import(file)) as T;
}

describe.skipIf(!HAVE_QEMU)('migration experiment, smoke size: tierkv in a real VM, postcopy vs tierkv (skipped without qemu-system-x86_64)', () => {
  let qemu: QemuModule | undefined;

  afterAll(async () => {
    await qemu?.stopAllQemu({ timeoutMs: 3000 });
  });

  it(
    'both migrations complete, the data on the destination is intact, and tierkv sends fewer bytes than plain post-copy',
    async () => {
      const exp = await load<ExperimentModule>('bench/migration/experiment.js');
      const main = await load<MainModule>('bench/migration/main.js');
      qemu = await load<QemuModule>('migration-hook/qemu-process.js');
      const config = exp.presetConfig('smoke', await exp.chooseAccel('auto'));
      const release = await main.acquireLock(main.BENCH_LOCK, (s) => console.log(s), 25 * 60_000);
      let doc: Awaited<ReturnType<ExperimentModule['runExperiment']>>;
      try {
        doc = await exp.runExperiment(config, { log: (s) => console.log(`[migration-smoke] ${s}`), command: 'test/integration/migration-smoke.test.ts' });
      } finally {
        release();
      }
      const post = doc.runs.find((r) => r.strategy === 'postcopy');
      const tkv = doc.runs.find((r) => r.strategy === 'tierkv');
      expect(post, 'postcopy run').toBeDefined();
      expect(tkv, 'tierkv run').toBeDefined();
      console.log(
        ['strategy   status  total_ms  setup_ms  prepare_ms  balloon_ms  pause_ms  transferred_MiB  dropped_keys  client_p99_ms']
          .concat(
            [post!, tkv!].map((r) =>
              [r.strategy.padEnd(10), r.status.slice(0, 6).padEnd(6), r.total_time_ms, r.setup_time_ms, r.prepare_ms, r.balloon_ms, r.guest_pause_ms, ((r.transferred_bytes ?? 0) / 2 ** 20).toFixed(1), r.dropped_keys, r.client_p99_ms].join('  '),
            ),
          )
          .join('\n'),
      );
      for (const r of [post!, tkv!]) {
        expect(r.status, `${r.strategy}: ${r.error ?? ''}`).toBe('ok');
        expect(r.check, `${r.strategy}: data check`).not.toBeNull();
        expect(r.check!.wrong_values).toBe(0);
        expect(r.client.wrong_values).toBe(0);
        // Every hot key read back on the destination is intact, and nearly all of them are there.
        expect(r.check!.hot_wrong, `${r.strategy}: hot keys read back with a wrong value`).toBe(0);
        expect(r.check!.hot_present).toBe(r.check!.hot_read);
        expect(r.check!.hot_present).toBeGreaterThanOrEqual(Math.ceil(0.95 * r.check!.hot_sampled));
        expect(r.transferred_bytes).toBeGreaterThan(0);
      }
      // Plain post-copy drops nothing: every sampled key, hot or cold, is on the destination.
      expect(post!.check!.cold_sampled).toBeGreaterThan(0);
      expect(post!.check!.cold_present).toBe(post!.check!.cold_sampled);
      expect(post!.check!.dbsize_after).toBe(config.keys);
      // tierkv dropped its cold tier and sent less.
      expect(tkv!.dropped_keys).toBeGreaterThan(0.5 * config.keys);
      expect(tkv!.check!.dbsize_after).toBeLessThan(config.keys);
      expect(tkv!.controller_strategy).toBe('tierkv');
      expect(tkv!.balloon_ms).toBeNull(); // the default strategy uses no balloon
      expect(Number(tkv!.kv_prepare?.['zeroed_bytes'])).toBeGreaterThan(0); // tierkv zeroed what it dropped
      expect(tkv!.transferred_bytes!).toBeLessThan(post!.transferred_bytes!);
    },
    40 * 60_000,
  );
});
