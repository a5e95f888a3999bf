/**
 * Parsing redis-benchmark 7's human-readable (non `--csv`) output, which carries more of its HDR latency histogram
 * than the CSV line (p50/p95/p99 only): the "Latency by percentile distribution" lines (HDR percentile ticks,
 * finer towards 100%) and the "Cumulative distribution of latencies" lines (value buckets), each
 * `P% <= V milliseconds (cumulative count C)`, and the closing summary (requests/s; avg, min, p50, p95, p99, max).
 *
 * **p99.9** is not printed as such. It is read off the printed points: the smallest printed value V whose cumulative
 * count C ≥ ⌈0.999 · total⌉. The exact HDR p99.9 lies in (previous printed value, V], so V is an upper bound; the
 * percentile ticks near the tail are 99.805%, 99.902%, 99.951%…, so V is in practice the 99.902% tick or a value
 * bucket just below it (see {@link percentileFromPoints}).
 */

/** One parsed redis-benchmark test. Latencies in milliseconds. */
export interface RbStats {
  /** Test label, e.g. "GET" or "SET". */
  label: string;
  /** Requests completed (the last cumulative count). */
  requests: number;
  /** Requests per second (throughput summary). */
  rps: number;
  avgMs: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Upper bound of p99.9 from the printed distribution points (see the file comment). */
  p999Ms: number;
  /** Largest printed value below that bound: p99.9 lies in (p999LowMs, p999Ms]. */
  p999LowMs: number;
  maxMs: number;
}

/** A printed point of the distribution: `count` requests took at most `valueMs`. */
export interface LatencyPoint {
  valueMs: number;
  count: number;
}

const POINT_RE = /^\s*([\d.]+)% <= ([\d.]+) milliseconds \(cumulative count (\d+)\)/;

/**
 * The q-quantile (0 < q ≤ 1) from cumulative points: the smallest value whose count reaches ⌈q · total⌉, and the
 * largest value before it (a lower bracket; 0 if none).
 */
export function percentileFromPoints(points: LatencyPoint[], total: number, q: number): { value: number; low: number } {
  const target = Math.max(1, Math.ceil(q * total - 1e-9));
  const sorted = [...points].sort((a, b) => a.valueMs - b.valueMs || a.count - b.count);
  let low = 0;
  for (const p of sorted) {
    if (p.count >= target) return { value: p.valueMs, low };
    low = p.valueMs;
  }
  return { value: NaN, low };
}

/**
 * Parses the output of one `redis-benchmark -t TEST ...` run without `--csv` (progress lines separated by `\r`
 * are skipped). Returns one entry per test found (`====== NAME ======` blocks); a block without its summary is
 * left out.
 */
export function parseBenchmarkText(text: string): RbStats[] {
  const out: RbStats[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  let label: string | undefined;
  let points: LatencyPoint[] = [];
  let rps = NaN;
  let total = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const head = /={3,}\s*(.+?)\s*={3,}/.exec(line);
    if (head) {
      label = head[1]!;
      points = [];
      rps = NaN;
      total = 0;
      continue;
    }
    if (label === undefined) continue;
    const pm = POINT_RE.exec(line);
    if (pm) {
      const count = Number(pm[3]);
      points.push({ valueMs: Number(pm[2]), count });
      if (count > total) total = count;
      continue;
    }
    const tm = /throughput summary:\s*([\d.]+) requests per second/.exec(line);
    if (tm) {
      rps = Number(tm[1]);
      continue;
    }
    if (/^\s*avg\s+min\s+p50\s+p95\s+p99\s+max\s*$/.test(line)) {
      const nums = (lines[i + 1] ?? '').trim().split(/\s+/).map(Number);
      if (nums.length >= 6 && nums.every(Number.isFinite) && Number.isFinite(rps)) {
        const [avgMs, minMs, p50Ms, p95Ms, p99Ms, maxMs] = nums as [number, number, number, number, number, number];
        const p999 = percentileFromPoints(points, total, 0.999);
        out.push({ label, requests: total, rps, avgMs, minMs, p50Ms, p95Ms, p99Ms, p999Ms: p999.value, p999LowMs: p999.low, maxMs });
      }
      label = undefined;
      i++;
    }
  }
  return out;
}

/** The run with the median requests/s among the successful ones (the lower median for an even count); else the first failed run. */
export function medianByRps<T extends { stats?: { rps: number } }>(runs: T[]): T | undefined {
  const ok = runs.filter((x) => x.stats).sort((a, b) => a.stats!.rps - b.stats!.rps);
  return ok.length ? ok[Math.floor((ok.length - 1) / 2)] : runs[0];
}
