/**
 * The per-item access counter: Redis's 8-bit logarithmic LFU counter (src/evict.c `LFULogIncr`), with a
 * periodic reset instead of Redis's time-based decay.
 *
 * - A new item starts at LFU_INIT_VAL (5) so that it is not the first victim before it had a chance to be read.
 * - Each access increments the counter with probability 1 / ((counter - LFU_INIT_VAL) * lfuLogFactor + 1):
 *   with Redis's default factor 10, about 100 hits reach 10, 1K hits 18, 100K hits 142 (Redis's table in
 *   redis.conf); with tierkv's default factor 1, 100 hits reach 18 and 1K hits 49, which separates items within
 *   one reset period far better.
 * - Reset in O(1): every item stores the low 16 bits of the counter epoch in which its counter was written; the
 *   server bumps the global epoch every `tier-counter-reset-ms`, and a counter whose epoch is not the current one
 *   reads as 0. Nothing walks the items.
 */

/** Initial counter of a new item (Redis LFU_INIT_VAL). */
export const LFU_INIT_VAL = 5;

/**
 * The counter after one more access.
 * @param counter current counter 0..255
 * @param logFactor lfu-log-factor (≥ 0)
 */
export function lfuIncrement(counter: number, logFactor: number): number {
  if (counter === 255) return 255;
  let base = counter - LFU_INIT_VAL;
  if (base < 0) base = 0;
  const p = 1 / (base * logFactor + 1);
  return Math.random() < p ? counter + 1 : counter;
}
