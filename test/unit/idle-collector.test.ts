/**
 * server/memory/gc.ts IdleCollector: the cron's collection once the clients went quiet, so that V8 gives back the young
 * generation a burst of commands grew. Driven tick by tick with an explicit clock and a stand-in for the young
 * generation's size.
 */
import { describe, expect, it } from 'vitest';
import { IDLE_GC_MS, IDLE_GC_RETRY_MS, IDLE_GC_TRIES, IdleCollector, YOUNG_SHRUNK_BYTES, youngGenerationBytes } from '../../server/memory/gc.js';

const MiB = 1 << 20;
const TICK = 100;

/** Ticks every 100 ms from `from` to `to` (exclusive) with the given quiet flag; returns the times it said to collect. */
function run(c: IdleCollector, from: number, to: number, quiet: boolean | ((t: number) => boolean)): number[] {
  const at: number[] = [];
  for (let t = from; t < to; t += TICK) if (c.tick(t, typeof quiet === 'function' ? quiet(t) : quiet)) at.push(t);
  return at;
}

describe('IdleCollector', () => {
  it('collects IDLE_GC_MS after the last input, then every IDLE_GC_RETRY_MS while the young generation stays big, at most IDLE_GC_TRIES times', () => {
    const c = new IdleCollector(0, () => 32 * MiB);
    expect(run(c, 0, 5000, false)).toEqual([]);
    const quietFrom = 5000;
    const at = run(c, quietFrom, quietFrom + 60_000, true);
    expect(at).toHaveLength(IDLE_GC_TRIES);
    expect(at[0]).toBe(4900 + IDLE_GC_MS); // the last tick with input was at 4,900
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBe(IDLE_GC_RETRY_MS);
  });

  it('stops once the young generation is small, and starts over after new input', () => {
    let young = 32 * MiB;
    const c = new IdleCollector(0, () => young);
    const first = run(c, 0, IDLE_GC_MS + TICK, true);
    expect(first).toEqual([IDLE_GC_MS]); // a start counts as a burst
    young = YOUNG_SHRUNK_BYTES;
    expect(run(c, IDLE_GC_MS + TICK, 60_000, true)).toEqual([]);
    young = 16 * MiB;
    expect(run(c, 60_000, 60_000 + IDLE_GC_MS + 5 * TICK, (t) => t >= 60_500)).toEqual([60_400 + IDLE_GC_MS]);
  });

  it('never collects while input keeps coming, even with long gaps shorter than IDLE_GC_MS', () => {
    const c = new IdleCollector(0, () => 32 * MiB);
    expect(run(c, 0, 120_000, (t) => t % (IDLE_GC_MS - TICK) !== 0)).toEqual([]);
  });

  it('reads the young generation of this process from V8', () => {
    const b = youngGenerationBytes();
    expect(b).toBeGreaterThan(0);
    expect(b).toBeLessThanOrEqual(64 * MiB);
  });
});
