/**
 * Per-command latency histograms (INFO latencystats, `latency_percentiles_usec_<cmd>`): one Uint32Array per
 * command, allocated on its first call; recording a call is one bucket computation and an increment, no
 * allocation. The layout is HdrHistogram's log-linear one, as Redis uses it with 2 significant digits.
 */
import type { Command } from '../commands/types.js';

/**
 * Latency histogram buckets: exact below 16 µs, then 16 linear sub-buckets per power of two (6 % resolution, the
 * log-linear layout of HdrHistogram, which Redis uses with 2 significant digits), up to 2^31 µs.
 */
const LAT_BUCKETS = 28 * 16;

/** Bucket of a duration in µs (allocation-free). */
function latencyBucket(us: number): number {
  const v = us < 1 ? 1 : us >= 0x7fffffff ? 0x7fffffff : Math.ceil(us);
  if (v < 16) return v;
  const e = 31 - Math.clz32(v);
  return (e - 3) * 16 + ((v >>> (e - 4)) & 15);
}

/** Highest duration (µs) that falls in bucket `i`. */
function bucketUpper(i: number): number {
  if (i < 16) return i;
  const e = (i >> 4) + 3;
  return ((17 + (i & 15)) * 2 ** (e - 4)) - 1;
}

/**
 * Counts one call of `cmd` that took `us` microseconds in its latency histogram (INFO latencystats). Allocates the
 * histogram on the command's first call only.
 */
export function recordLatency(cmd: Command, us: number): void {
  let h = cmd.latency;
  if (h === null) {
    h = new Uint32Array(LAT_BUCKETS);
    cmd.latency = h;
  }
  h[latencyBucket(us)]++;
}

/** The `p`-th percentile (0..100) of a latency histogram, µs (the upper bound of its bucket). */
export function latencyPercentile(h: Uint32Array, p: number): number {
  let total = 0;
  for (let i = 0; i < h.length; i++) total += h[i];
  if (total === 0) return 0;
  const want = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    seen += h[i];
    if (seen >= want) return bucketUpper(i);
  }
  return bucketUpper(h.length - 1);
}
