/**
 * The strategy table, the capabilities per side, the balloon-target rule (migration-hook/strategies.ts) and the
 * controller's small parsers (migration URI, option validation).
 */
import { describe, expect, it } from 'vitest';

import { pairKvTargets, parseMigrationUri, runMigration } from '../../migration-hook/controller.js';
import {
  STRATEGIES,
  STRATEGY_NAMES,
  computeBalloonTarget,
  DEFAULT_STRATEGY,
  isStrategyName,
  needsBalloonDevice,
  strategyCapabilities,
  strategySpec,
} from '../../migration-hook/strategies.js';

const MiB = 1024 * 1024;

describe('strategies', () => {
  it('every name has a spec with that name; the tierkv ones prepare, the baselines do not', () => {
    for (const n of STRATEGY_NAMES) {
      expect(STRATEGIES[n].name).toBe(n);
      expect(STRATEGIES[n].prepare).toBe(n.startsWith('tierkv'));
      expect(STRATEGIES[n].preempt).toBe(n.endsWith('-preempt'));
      expect(isStrategyName(n)).toBe(true);
    }
    // The default: MIGRATE_PREPARE (tierkv zeroes what it drops), post-copy, no balloon.
    expect(DEFAULT_STRATEGY).toBe('tierkv');
    expect(STRATEGIES.tierkv).toMatchObject({ prepare: true, shrink: 'zero-pages', mode: 'postcopy', preempt: false });
    expect(STRATEGIES['tierkv-preempt']).toMatchObject({ shrink: 'zero-pages', mode: 'postcopy', preempt: true });
    // The paper's exact method, kept under its own name.
    expect(STRATEGIES['tierkv-balloon']).toMatchObject({ prepare: true, shrink: 'balloon', mode: 'postcopy', preempt: false });
    expect(STRATEGIES['tierkv-balloon-preempt']).toMatchObject({ shrink: 'balloon', mode: 'postcopy', preempt: true });
    expect(STRATEGIES.tierkv.description).toMatch(/no balloon/);
    expect(STRATEGIES['tierkv-balloon'].description).toMatch(/paper's exact method/);
    expect(STRATEGIES['tierkv-precopy']).toMatchObject({ shrink: 'free-page-hint', mode: 'precopy' });
    expect(STRATEGIES['tierkv-report']).toMatchObject({ shrink: 'free-page-reporting', mode: 'postcopy' });
    expect(STRATEGIES.precopy).toMatchObject({ shrink: 'none', mode: 'precopy' });
  });

  it('only the balloon, free-page-hint and free-page-reporting strategies need a balloon device', () => {
    const need = STRATEGY_NAMES.filter((n) => needsBalloonDevice(STRATEGIES[n]));
    expect(need).toEqual(['tierkv-balloon', 'tierkv-balloon-preempt', 'tierkv-precopy', 'tierkv-report', 'tierkv-report-preempt']);
  });

  it('strategySpec rejects unknown names and lists the known ones', () => {
    expect(() => strategySpec('fastest')).toThrow(/unknown strategy "fastest"; one of: precopy, postcopy/);
    expect(isStrategyName('fastest')).toBe(false);
  });

  it('capabilities: events always; postcopy-ram on both sides for post-copy; blocktime on the destination only', () => {
    expect(strategyCapabilities(STRATEGIES.precopy)).toEqual({ source: { events: true }, destination: { events: true } });
    expect(strategyCapabilities(STRATEGIES.tierkv)).toEqual({
      source: { events: true, 'postcopy-ram': true },
      destination: { events: true, 'postcopy-ram': true, 'postcopy-blocktime': true },
    });
    expect(strategyCapabilities(STRATEGIES['tierkv-report-preempt']).source).toEqual({
      events: true,
      'postcopy-ram': true,
      'postcopy-preempt': true,
    });
  });
});

describe('computeBalloonTarget', () => {
  it('with the guest\'s own figures: guest RAM − (MemAvailable − headroom), rounded down to MiB', () => {
    const t = computeBalloonTarget({
      guestRamBytes: 2048 * MiB,
      headroomBytes: 64 * MiB,
      systemMemoryTotal: 1965 * MiB,
      systemMemoryAvailable: 1500 * MiB + 12345,
      usedMemoryRss: 40 * MiB,
    });
    expect(t.basis).toBe('guest-available');
    expect(t.inflate).toBe(true);
    expect(t.targetBytes).toBe(611 * MiB); // 2048 − (1500 − 64) = 612 MiB less 12345 bytes, rounded down
    expect(t.targetBytes % MiB).toBe(0);
    expect(t.reason).toMatch(/MemAvailable/);
  });

  it('falls back to used memory + headroom when the figures are missing', () => {
    const t = computeBalloonTarget({ guestRamBytes: 1024 * MiB, headroomBytes: 64 * MiB, usedMemoryRss: 100 * MiB, usedMemory: 80 * MiB });
    expect(t).toMatchObject({ basis: 'used-memory', targetBytes: 164 * MiB, inflate: true });
    expect(t.reason).toMatch(/no guest memory figures/);
  });

  it('falls back when MemTotal cannot be the guest\'s (tierkv on a bigger host)', () => {
    const t = computeBalloonTarget({
      guestRamBytes: 256 * MiB,
      headroomBytes: 64 * MiB,
      systemMemoryTotal: 24 * 1024 * MiB,
      systemMemoryAvailable: 20 * 1024 * MiB,
      usedMemoryRss: 60 * MiB,
    });
    expect(t).toMatchObject({ basis: 'used-memory', targetBytes: 124 * MiB });
    expect(t.reason).toMatch(/exceeds the guest RAM/);
  });

  it('never goes below the floor, and does not inflate when nothing is free', () => {
    const low = computeBalloonTarget({ guestRamBytes: 1024 * MiB, headroomBytes: 16 * MiB, usedMemoryRss: 1 * MiB });
    expect(low.targetBytes).toBe(64 * MiB); // default floor max(64 MiB, headroom)
    const floor = computeBalloonTarget({ guestRamBytes: 1024 * MiB, headroomBytes: 16 * MiB, usedMemoryRss: MiB, minBytes: 300 * MiB });
    expect(floor.targetBytes).toBe(300 * MiB);
    const none = computeBalloonTarget({
      guestRamBytes: 512 * MiB,
      headroomBytes: 64 * MiB,
      systemMemoryTotal: 500 * MiB,
      systemMemoryAvailable: 32 * MiB,
    });
    expect(none).toMatchObject({ basis: 'none', inflate: false, targetBytes: 512 * MiB });
  });

  it('rejects nonsense inputs', () => {
    expect(() => computeBalloonTarget({ guestRamBytes: 0, headroomBytes: 0 })).toThrow(RangeError);
    expect(() => computeBalloonTarget({ guestRamBytes: MiB, headroomBytes: -1 })).toThrow(RangeError);
  });
});

describe('parseMigrationUri', () => {
  it('accepts tcp:HOST:PORT (port 0 too), tcp:[v6]:PORT and unix:PATH', () => {
    expect(parseMigrationUri('tcp:127.0.0.1:4444')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 4444 });
    expect(parseMigrationUri('tcp:127.0.0.1:0')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 0 });
    expect(parseMigrationUri('tcp:[::1]:5')).toEqual({ kind: 'tcp', host: '::1', port: 5 });
    expect(parseMigrationUri('unix:/tmp/m.sock')).toEqual({ kind: 'unix', path: '/tmp/m.sock' });
  });

  it('rejects anything else', () => {
    for (const bad of ['127.0.0.1:4444', 'tcp:host', 'tcp:host:99999', 'exec:cat', 'unix:', '']) {
      expect(() => parseMigrationUri(bad), bad).toThrow(TypeError);
    }
  });
});

describe('runMigration option checks (nothing is contacted)', () => {
  it('rejects an unknown strategy, a bad URI, a tierkv strategy without kv, and negative numbers', async () => {
    const base = { source: '/nonexistent/src.qmp', destination: '/nonexistent/dst.qmp', destUri: 'tcp:127.0.0.1:0' };
    await expect(runMigration({ ...base, strategy: 'fast' as never })).rejects.toThrow(/unknown strategy/);
    await expect(runMigration({ ...base, destUri: 'x', strategy: 'precopy' })).rejects.toThrow(/invalid migration URI/);
    await expect(runMigration({ ...base, strategy: 'tierkv' })).rejects.toThrow(/needs the tierkv address/);
    await expect(runMigration({ ...base, strategy: 'precopy', maxBandwidth: -1 })).rejects.toThrow(RangeError);
  });

  it('several kv endpoints: kvAfter must list one per kv (paired by position)', async () => {
    const base = { source: '/nonexistent/src.qmp', destination: '/nonexistent/dst.qmp', destUri: 'tcp:127.0.0.1:0', strategy: 'tierkv' as const };
    const e = (port: number) => ({ host: '127.0.0.1', port });
    await expect(runMigration({ ...base, kv: [e(1), e(2)], kvAfter: [e(3)] })).rejects.toThrow(/kvAfter lists 1 tierkv endpoint but kv lists 2/);
    await expect(runMigration({ ...base, kv: [] })).rejects.toThrow(/needs the tierkv address/);
    expect(pairKvTargets([e(1), e(2)], [e(3), e(4)])).toEqual([
      { before: e(1), after: e(3) },
      { before: e(2), after: e(4) },
    ]);
    expect(pairKvTargets(e(1), undefined)).toEqual([{ before: e(1), after: e(1) }]);
    expect(pairKvTargets([e(1), e(2)], undefined).map((t) => t.after)).toEqual([e(1), e(2)]);
    expect(pairKvTargets(undefined, undefined)).toEqual([]);
    expect(() => pairKvTargets(undefined, e(1))).toThrow(TypeError);
  });

  it('an unreachable QMP is a clean failure in preflight', async () => {
    const err = await runMigration({
      source: '/nonexistent/src.qmp',
      destination: '/nonexistent/dst.qmp',
      destUri: 'tcp:127.0.0.1:0',
      strategy: 'precopy',
      qmpConnectTimeoutMs: 500,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'MigrationFailedError', phase: 'preflight', fatal: false });
    expect(String((err as Error).message)).toMatch(/cannot connect to the source QEMU's QMP at \/nonexistent\/src.qmp/);
  });
});
