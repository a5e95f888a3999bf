/**
 * The migration experiment's presets and cases (bench/migration/experiment.ts) and the targets its RESULTS.md
 * measures against (bench/migration/results.ts): which strategy each case runs, what `--paper` runs, issue 12's
 * targets per size. No VM is started.
 */
import { describe, expect, it } from 'vitest';

import { CASES, CASE_NAMES, presetConfig } from '../../bench/migration/experiment.js';
import { TARGETS } from '../../bench/migration/results.js';
import { STRATEGIES } from '../../migration-hook/strategies.js';

describe('migration experiment presets', () => {
  it('each case runs the controller strategy of its name (the init_on_free baseline runs plain post-copy)', () => {
    for (const n of CASE_NAMES) {
      expect(CASES[n].name).toBe(n);
      expect(CASES[n].strategy).toBe(n === 'postcopy-init-on-free' ? 'postcopy' : n);
    }
    expect(STRATEGIES[CASES.tierkv.strategy].shrink).toBe('zero-pages');
    expect(STRATEGIES[CASES['tierkv-balloon'].strategy].shrink).toBe('balloon');
    expect(CASES.tierkv.description).toMatch(/no balloon/);
    expect(CASES['tierkv-balloon'].description).toMatch(/paper's exact method/);
  });

  it("--paper: 5 GiB guest, 10M keys of 100-byte values, 70 % cold, 128 MiB/s, the four cases that matter, once", () => {
    const c = presetConfig('paper', 'tcg');
    expect(c).toMatchObject({ guest_mib: 5120, keys: 10_000_000, value_bytes: 100, hot_tier_share: 0.3, repetitions: 1 });
    expect(c.bandwidth_bytes_per_sec).toBe(128 * 2 ** 20);
    expect(c.cases).toEqual(['postcopy', 'tierkv', 'tierkv-overlap', 'tierkv-balloon', 'tierkv-precopy']);
    expect(c.maxmemory).toBeGreaterThan(0);
    expect(c.hot_ratio).toBeGreaterThan(0);
  });

  it('default and smoke: the default runs every case but the preempt measurement; smoke is postcopy vs tierkv', () => {
    const d = presetConfig('default', 'tcg');
    expect(d).toMatchObject({ guest_mib: 1024, keys: 2_000_000, repetitions: 3 });
    expect(d.cases).toContain('tierkv');
    expect(d.cases).toContain('tierkv-balloon');
    expect(d.cases).not.toContain('tierkv-preempt');
    expect(presetConfig('smoke', 'tcg').cases).toEqual(['postcopy', 'tierkv']);
  });

  it("issue 12's targets: paper ≤ 0.45× bytes, ≤ 0.5× time, setup ≤ 500 ms; default ≤ 0.7× bytes, ≤ 0.8× time", () => {
    expect(TARGETS.paper).toEqual({ bytesRatio: 0.45, totalRatio: 0.5, setupMs: 500 });
    expect(TARGETS.default).toMatchObject({ bytesRatio: 0.7, totalRatio: 0.8 });
  });
});
