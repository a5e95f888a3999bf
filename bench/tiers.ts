/**
 * Tier benchmark (issue "hot and cold tiers"): what the hot/cold tiering costs, and how well it keeps the read set
 * hot. tierkv only (redis-server has no tiers); every server is freshly started on a free loopback port, one at a
 * time, and nothing asserts a timing.
 *
 * **Part 1, cost of tiering** (`--tiers-parts cost`). Two tierkv configurations, same run, same data set:
 *   on:  `--maxmemory M --maxmemory-policy allkeys-lfu --hot-ratio 0.3` (`--hot-ratio`)
 *   off: `--maxmemory M --maxmemory-policy allkeys-lfu --hot-ratio 1`   (everything hot: no demotion, no promotion)
 * M is `--cost-maxmemory`, or (default) automatic: a calibration server (`--hot-ratio 1`) is loaded with the same
 * keys first, and M = its used_memory / `--fill` (default 0.95), rounded up to a MiB. (tierkv does not tier with
 * maxmemory 0, so M must be on the command line for the load itself to tier.) With hot-ratio 0.3 the hot tier
 * holds 0.3 × M, and ~64% of the items end up cold (used_memory counts the hash index too, which is in no tier, so
 * the 70% cold of the issue would need the data to overflow maxmemory). Each server first gets N keys
 * (`--cost-keys`, default 2,000,000) named as redis-benchmark names them (`key:000000000000` …) with 100-byte
 * values, over one pipelined connection (the load rate is reported too). Then, on the same server, for each
 * pipeline depth P (`--cost-pipeline`, default 1,16), GET then SET, each as its own process:
 *   redis-benchmark -h 127.0.0.1 -p PORT -t get|set -d 100 -r N -c 50 -n REQUESTS -P P --precision 3
 * after a warm-up of REQUESTS/10. GETs are uniform over the N keys (so ~64% of them hit cold items at first, and
 * promote them); SETs rewrite existing keys, and a rewritten item is written to the hot tier, so the SET test also
 * drives demotions. Reported: requests/s, latency p50/p99/p99.9/max (ms) for both sides and on/off ratios; and
 * for the "on" side INFO tiers deltas during each test (hot hit share, promotions, demotions, work slices, mean
 * slice µs, share of the wall time spent in tier work) and `tier_work_max_us` (longest slice since server start:
 * INFO has no reset for it, so the value printed after the load includes the load).
 * Latency source: redis-benchmark's human-readable output (not `--csv`, which has no p99.9); p50/p99/max are its
 * summary, p99.9 is an upper bound read from its printed HDR distribution (lib/redis-benchmark.ts).
 * With `--cost-repeat K` the sides alternate on, off, off, on, … and the run with the median requests/s is shown.
 *
 * **Part 2, hot-hit ratio over time** (`--tiers-parts hits`). One tierkv server with
 * `--maxmemory M --maxmemory-policy allkeys-lfu --hot-ratio 0.3 --tier-counter-reset-ms 10000` (M chosen as in part 1,
 * `--hit-maxmemory`) gets N keys (`--hit-keys`, default 1,000,000; keys of lib/dataset.ts, 100-byte values). A Node load generator (raw RESP over
 * `--hit-conns` sockets, `--hit-depth` GETs pipelined per socket, closed loop; lib/loadgen.ts) then reads through
 * three phases (`--hit-phase-s`, default 30,30,40 s):
 *   a) zipf:  Zipf(0.99) over the N keys (rejection-inversion sampler, ranks scattered over the keys; lib/zipf.ts);
 *   b) 90/30: 90% of the reads uniform over a fixed 30% of the keys, 10% uniform over the rest;
 *   d) shift: the same, but the hot 30% moves to 30% other keys (disjoint from the previous hot set).
 * c) the access counters reset every `--hit-reset-ms` (default 10 s) during all phases; each change of
 *    `tier_counter_epoch` is marked in the time series and summarised (hit ratio before, just after, recovery).
 * Every `--hit-sample-ms` (default 1000) INFO tiers is read on a separate connection; the hot-hit ratio of an
 * interval is Δtier_hits_hot / (Δtier_hits_hot + Δtier_hits_cold). Printed: the time series, a summary per phase
 * (mean ratio, ratio over the last 5 s, the oracle ratio — the best any policy could do with as many hot keys as
 * the hot capacity holds — and seconds from the phase start until the ratio first reaches 85% and 90%), and the
 * counter resets.
 *
 * Usage: node dist/bench/tiers.js [--tiers-parts cost,hits] [--cost-keys N] [--cost-requests N] [--cost-pipeline 1,16]
 *        [--cost-clients 50] [--cost-repeat K] [--cost-maxmemory auto|BYTES] [--hit-keys N] [--hit-maxmemory auto|BYTES]
 *        [--hit-phase-s A,B,D] [--hit-reset-ms MS] [--hit-zipf S] [--hit-conns C] [--hit-depth D] [--hit-sample-ms MS]
 *        [--hot-ratio R] [--fill F] [--seed S] [--timeout-s S] [--tierkv-cmd CMD]
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { isMain, parseIntList, parseNonNegativeInt, parsePositiveInt, progress } from './lib/cli.js';
import { writeKey } from './lib/dataset.js';
import { execFile, printable } from './lib/exec.js';
import { GetLoad, benchmarkKeyWriter, loadKeys, type KeyWriter } from './lib/loadgen.js';
import { codeSpan } from './lib/markdown.js';
import { backgroundCpuCores, backgroundNote } from './lib/proc.js';
import { parseBenchmarkText, type RbStats } from './lib/redis-benchmark.js';
import { RespClient, infoFields } from './lib/resp.js';
import { HOST, delay, serverSpecs, startServer, type RunningServer, type ServerSpec } from './lib/server.js';
import { NA, fmtFixed, fmtInt, fmtRatio, renderMarkdown, renderText, type Table } from './lib/table.js';
import { KeyPermutation, Rng, ZipfCdf, ZipfSampler, hotSetChooser, zipfChooser, type KeyChooser } from './lib/zipf.js';

/** Options of the tier benchmark. */
export interface TiersOptions {
  /** Which parts to run. */
  parts: ('cost' | 'hits')[];
  /** hot-ratio of the tiering-on servers, (0, 1). */
  hotRatio: number;
  /** With automatic maxmemory: share of maxmemory the loaded data (used_memory) fills, (0, 1]. */
  fill: number;
  /** Value size, bytes. */
  valueBytes: number;
  /** Seed of the values and of the key choices. */
  seed: number;
  /** Time limit of one redis-benchmark process or one load, seconds. */
  timeoutS: number;
  /** The tierkv command; the tier parameters are appended to it. */
  tierkv: ServerSpec;

  /** Part 1: keys loaded (and redis-benchmark -r). */
  costKeys: number;
  /** Part 1: requests per test (redis-benchmark -n). */
  costRequests: number;
  /** Part 1: warm-up requests per test (discarded). */
  costWarmup: number;
  /** Part 1: pipeline depths (redis-benchmark -P). */
  costPipelines: number[];
  /** Part 1: parallel connections (redis-benchmark -c). */
  costClients: number;
  /** Part 1: repetitions of the on/off pair. */
  costRepeat: number;
  /** Part 1: maxmemory as given on the command line (Redis units, e.g. "1gb"), or undefined for automatic. */
  costMaxmemory: string | undefined;

  /** Part 2: keys loaded. */
  hitKeys: number;
  /** Part 2: maxmemory as given, or undefined for automatic. */
  hitMaxmemory: string | undefined;
  /** Part 2: durations of the phases zipf, 90/30, shift, seconds. */
  hitPhaseS: [number, number, number];
  /** Part 2: tier-counter-reset-ms of the server, milliseconds. */
  hitResetMs: number;
  /** Part 2: Zipf exponent. */
  hitZipf: number;
  /** Part 2: share of the keys that are hot in the 90/30 phases. */
  hotKeyShare: number;
  /** Part 2: share of the reads that go to them. */
  hotReadShare: number;
  /** Part 2: load generator connections. */
  hitConns: number;
  /** Part 2: GETs pipelined per connection. */
  hitDepth: number;
  /** Part 2: INFO sampling period, milliseconds. */
  hitSampleMs: number;
}

/** Defaults, given the tierkv command (flag or TIERKV_CMD, else this repository's server). */
export function defaultTiersOptions(tierkvCmd?: string): TiersOptions {
  return {
    parts: ['cost', 'hits'],
    hotRatio: 0.3,
    fill: 0.95,
    valueBytes: 100,
    seed: 42,
    timeoutS: 600,
    tierkv: serverSpecs(tierkvCmd).tierkv,
    costKeys: 2_000_000,
    costRequests: 400_000,
    costWarmup: 40_000,
    costPipelines: [1, 16],
    costClients: 50,
    costRepeat: 1,
    costMaxmemory: undefined,
    hitKeys: 1_000_000,
    hitMaxmemory: undefined,
    hitPhaseS: [30, 30, 40],
    hitResetMs: 10_000,
    hitZipf: 0.99,
    hotKeyShare: 0.3,
    hotReadShare: 0.9,
    hitConns: 4,
    hitDepth: 32,
    hitSampleMs: 1000,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers

/** The INFO tiers fields this benchmark reads, as numbers (missing fields are NaN). */
export interface TierInfo {
  hotUsed: number;
  hotCapacity: number;
  coldUsed: number;
  hotKeys: number;
  coldKeys: number;
  promotions: number;
  demotions: number;
  epoch: number;
  hitsHot: number;
  hitsCold: number;
  slices: number;
  workTotalUs: number;
  workMaxUs: number;
}

const TIER_FIELDS: Record<keyof TierInfo, string> = {
  hotUsed: 'hot_used_bytes',
  hotCapacity: 'hot_capacity_bytes',
  coldUsed: 'cold_used_bytes',
  hotKeys: 'hot_keys',
  coldKeys: 'cold_keys',
  promotions: 'promotions',
  demotions: 'demotions',
  epoch: 'tier_counter_epoch',
  hitsHot: 'tier_hits_hot',
  hitsCold: 'tier_hits_cold',
  slices: 'tier_work_slices',
  workTotalUs: 'tier_work_total_us',
  workMaxUs: 'tier_work_max_us',
};

/** Reads INFO tiers on an open connection. Throws if the server has no tiers section. */
export async function tierInfo(c: RespClient): Promise<TierInfo> {
  const f = await infoFields(c, 'tiers');
  if (f['hot_used_bytes'] === undefined) throw new Error('INFO tiers has no hot_used_bytes: is this tierkv?');
  const out = {} as TierInfo;
  for (const [k, name] of Object.entries(TIER_FIELDS) as [keyof TierInfo, string][]) out[k] = f[name] === undefined ? NaN : Number(f[name]);
  return out;
}

/** Reads one numeric field of an INFO section (NaN if absent). */
async function infoNum(c: RespClient, section: string, field: string): Promise<number> {
  const f = await infoFields(c, section);
  return f[field] === undefined ? NaN : Number(f[field]);
}

/**
 * Parses a Redis memory amount (`1gb`, `512mb`, `100000`; k = 1000, kb = 1024, m = 10^6, mb = 2^20, g = 10^9,
 * gb = 2^30) into bytes; throws on anything else.
 */
export function parseMemoryAmount(s: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(b|k|kb|m|mb|g|gb)?$/i.exec(s.trim());
  const units: Record<string, number> = { b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  if (!m) throw new Error(`${what}: expected auto or a memory amount like 1gb, 512mb, 100000; got ${JSON.stringify(s)}`);
  return Math.floor(Number(m[1]) * units[(m[2] ?? 'b').toLowerCase()]!);
}

/** Bytes as MiB with one decimal ("123.4 MiB"). */
function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Percent with one decimal, NA for NaN. */
function pct(x: number): string {
  return Number.isFinite(x) ? (100 * x).toFixed(1) : NA;
}

/** The tierkv spec with tier parameters appended (the base may be overridden; its `{port}` stays). */
function withArgs(base: ServerSpec, args: string): ServerSpec {
  return { side: 'tierkv', cmd: `${base.cmd} ${args}`, overridden: base.overridden };
}

/**
 * Loads keys 0..n-1 into `srv`, then waits until the hot tier is within its capacity and demotions have stopped
 * (at most 120 s; the server demotes during the load already, so this is normally quick).
 * @returns load and settle times (ms), maxmemory and used_memory after the load (bytes), INFO tiers afterwards,
 *   evicted_keys
 */
async function loadAndSettle(
  srv: RunningServer,
  c: RespClient,
  n: number,
  writer: KeyWriter,
  o: TiersOptions,
): Promise<{ loadMs: number; settleMs: number; maxmemory: number; usedMemory: number; info: TierInfo; evicted: number }> {
  const load = await loadKeys(srv.host, srv.port, n, writer, o.valueBytes, o.seed, { stallMs: o.timeoutS * 1000 });
  if (load.errors > 0) throw new Error(`load: ${load.errors} error replies, first: ${load.firstError ?? '?'}`);
  const t0 = performance.now();
  let info = await tierInfo(c);
  for (;;) {
    if (performance.now() - t0 > 120_000) break;
    await delay(100);
    const next = await tierInfo(c);
    const done = next.hotUsed <= next.hotCapacity && next.demotions === info.demotions;
    info = next;
    if (done) break;
  }
  const settleMs = performance.now() - t0;
  const mem = await infoFields(c, 'memory');
  const evicted = await infoNum(c, 'stats', 'evicted_keys');
  return { loadMs: load.ms, settleMs, maxmemory: Number(mem['maxmemory']), usedMemory: Number(mem['used_memory']), info, evicted };
}

/** How maxmemory was chosen for a part. */
export interface MaxmemoryChoice {
  /** maxmemory given to the servers, bytes. */
  bytes: number;
  /** The value as put on the command line ("1gb" or a byte count). */
  arg: string;
  /** Automatic: used_memory of the calibration server after the load, bytes (undefined when given). */
  calibratedUsed?: number;
}

/**
 * maxmemory for `n` keys: the given amount, or (automatic) a calibration server — tierkv with `--hot-ratio 1`
 * (no tiering) — is loaded with the same keys and values, and maxmemory = its used_memory / fill, rounded up to a
 * MiB. The tiering servers then get `--maxmemory` on their command line and tier during the load already (tierkv
 * does not tier with maxmemory 0).
 */
async function chooseMaxmemory(o: TiersOptions, given: string | undefined, n: number, writer: KeyWriter, tag: string): Promise<MaxmemoryChoice> {
  if (given !== undefined) return { bytes: parseMemoryAmount(given, `--${tag}-maxmemory`), arg: given };
  const srv = await startServer(withArgs(o.tierkv, '--hot-ratio 1'));
  let c: RespClient | undefined;
  try {
    c = await RespClient.connect(srv.host, srv.port);
    const load = await loadKeys(srv.host, srv.port, n, writer, o.valueBytes, o.seed, { stallMs: o.timeoutS * 1000 });
    if (load.errors > 0) throw new Error(`calibration load: ${load.errors} error replies, first: ${load.firstError ?? '?'}`);
    const used = await infoNum(c, 'memory', 'used_memory');
    if (!(used > 0)) throw new Error('calibration: INFO memory has no used_memory');
    const bytes = Math.ceil(used / o.fill / 2 ** 20) * 2 ** 20;
    progress(`${tag}: calibration server: ${fmtInt(n)} keys → used_memory ${mib(used)}; maxmemory = used_memory/${o.fill} → ${mib(bytes)}`);
    return { bytes, arg: String(bytes), calibratedUsed: used };
  } finally {
    c?.close();
    await srv.stop();
  }
}

/** How the maxmemory of a part was chosen, for the notes. */
function maxmemoryNote(m: MaxmemoryChoice | undefined, o: TiersOptions): string {
  if (m === undefined) return 'maxmemory unknown';
  return m.calibratedUsed === undefined
    ? `maxmemory ${mib(m.bytes)} (--maxmemory ${m.arg})`
    : `maxmemory ${mib(m.bytes)} (automatic: used_memory of the same keys on a calibration server with hot-ratio 1, ${mib(m.calibratedUsed)}, / ${o.fill})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Part 1: cost of tiering

/** One redis-benchmark test on one server. */
export interface CostTest {
  test: 'get' | 'set';
  pipeline: number;
  stats?: RbStats;
  error?: string;
  /** INFO tiers right before and after the measured run. */
  before?: TierInfo;
  after?: TierInfo;
  /** keyspace_misses during the run (GET of a key that is not there: the data set does not match). */
  misses?: number;
}

/** One server (one side, one repetition) of part 1. */
export interface CostSide {
  side: 'on' | 'off';
  rep: number;
  commandLine: string;
  identity: string;
  /** CPU cores kept busy by other processes during the 0.5 s before the start. */
  backgroundCores: number;
  loadMs?: number;
  settleMs?: number;
  maxmemory?: number;
  usedMemory?: number;
  /** INFO tiers after the load and settling. */
  afterLoad?: TierInfo;
  evicted?: number;
  tests: CostTest[];
  error?: string;
}

/** Part 1 outcome. */
export interface CostResult {
  sides: CostSide[];
  /** maxmemory of all part 1 servers. */
  maxmemory?: MaxmemoryChoice;
  elapsedMs: number;
  tables: Table[];
}

function rbArgs(o: TiersOptions, port: number, test: string, requests: number, pipeline: number): string[] {
  return ['-h', HOST, '-p', String(port), '-t', test, '-d', String(o.valueBytes), '-r', String(o.costKeys), '-c', String(o.costClients), '-n', String(requests), '-P', String(pipeline), '--precision', '3'];
}

/** Runs one redis-benchmark test; never throws (the error is recorded). */
async function rbRun(o: TiersOptions, port: number, test: 'get' | 'set', requests: number, pipeline: number): Promise<{ stats?: RbStats; error?: string }> {
  const r = await execFile('redis-benchmark', rbArgs(o, port, test, requests, pipeline), o.timeoutS * 1000);
  const parsed = parseBenchmarkText(r.stdout);
  const hit = parsed.find((s) => s.label.toLowerCase().split(/\s/)[0] === test) ?? parsed[0];
  if (hit && r.code === 0) return { stats: hit };
  const why = r.timedOut ? `timed out after ${o.timeoutS} s` : r.code !== 0 ? `exit ${r.code ?? r.signal}` : 'no result in the output';
  const detail = printable((r.stderr + r.stdout).trim().split(/\r|\n/).filter(Boolean).slice(-2).join(' / '), 160);
  return { error: `${why}: ${detail}` };
}

/** Runs part 1 (servers one at a time). Progress goes to stderr. */
export async function runCost(o: TiersOptions): Promise<CostResult> {
  const t0 = performance.now();
  const ncpu = availableParallelism();
  const sides: CostSide[] = [];
  let mm: MaxmemoryChoice;
  try {
    mm = await chooseMaxmemory(o, o.costMaxmemory, o.costKeys, benchmarkKeyWriter, 'cost');
  } catch (e) {
    const error = `maxmemory calibration failed: ${printable(e instanceof Error ? e.message : String(e), 300)}`;
    progress(`cost: ${error}`);
    const result: CostResult = { sides: [{ side: 'on', rep: 0, commandLine: '', identity: '', backgroundCores: 0, tests: [], error }], elapsedMs: performance.now() - t0, tables: [] };
    result.tables = costTables(o, result);
    return result;
  }
  const mmArg = ` --maxmemory ${mm.arg}`;
  const specs = {
    on: withArgs(o.tierkv, `--maxmemory-policy allkeys-lfu --hot-ratio ${o.hotRatio}${mmArg}`),
    off: withArgs(o.tierkv, `--maxmemory-policy allkeys-lfu --hot-ratio 1${mmArg}`),
  };
  for (let rep = 0; rep < o.costRepeat; rep++) {
    const order: ('on' | 'off')[] = rep % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
    for (const side of order) {
      const backgroundCores = await backgroundCpuCores(500, ncpu);
      const rec: CostSide = { side, rep, commandLine: '', identity: '', backgroundCores, tests: [] };
      sides.push(rec);
      let srv: RunningServer;
      try {
        srv = await startServer(specs[side]);
      } catch (e) {
        rec.error = `server did not start: ${printable(e instanceof Error ? e.message : String(e), 300)}`;
        progress(`cost ${side}: ${rec.error}`);
        continue;
      }
      rec.commandLine = srv.commandLine;
      rec.identity = srv.identity;
      const tag = `cost ${side}${o.costRepeat > 1 ? ` #${rep + 1}` : ''}`;
      progress(`${tag}: started pid ${srv.pid} on port ${srv.port} (${srv.identity}); other load before start: ${backgroundCores.toFixed(2)} cores busy`);
      let c: RespClient | undefined;
      try {
        c = await RespClient.connect(srv.host, srv.port);
        const l = await loadAndSettle(srv, c, o.costKeys, benchmarkKeyWriter, o);
        Object.assign(rec, { loadMs: l.loadMs, settleMs: l.settleMs, maxmemory: l.maxmemory, usedMemory: l.usedMemory, afterLoad: l.info, evicted: l.evicted });
        const cold = l.info.coldKeys / (l.info.hotKeys + l.info.coldKeys);
        progress(
          `${tag}: loaded ${fmtInt(o.costKeys)} keys in ${(l.loadMs / 1000).toFixed(1)} s, settled in ${(l.settleMs / 1000).toFixed(1)} s; ` +
            `maxmemory ${mib(l.maxmemory)}, used ${mib(l.usedMemory)}, hot ${mib(l.info.hotUsed)} of ${mib(l.info.hotCapacity)}, cold keys ${pct(cold)}%`,
        );
        for (const pipeline of o.costPipelines) {
          for (const test of ['get', 'set'] as const) {
            if (o.costWarmup > 0) {
              const w = await rbRun(o, srv.port, test, o.costWarmup, pipeline);
              if (w.error) progress(`${tag} P=${pipeline} ${test}: warm-up: ${w.error}`);
            }
            const before = await tierInfo(c);
            const missesBefore = await infoNum(c, 'stats', 'keyspace_misses');
            const r = await rbRun(o, srv.port, test, o.costRequests, pipeline);
            const after = await tierInfo(c);
            const misses = (await infoNum(c, 'stats', 'keyspace_misses')) - missesBefore;
            rec.tests.push({ test, pipeline, before, after, misses, ...r });
            const s = r.stats;
            progress(
              `${tag} P=${pipeline} ${test}: ` +
                (s ? `${fmtInt(s.rps)} ops/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, p99.9 ≤ ${s.p999Ms} ms, max ${s.maxMs} ms` : `ERROR ${r.error}`) +
                `; promotions ${fmtInt(after.promotions - before.promotions)}, demotions ${fmtInt(after.demotions - before.demotions)}`,
            );
          }
        }
      } catch (e) {
        rec.error = printable(e instanceof Error ? e.message : String(e), 300);
        progress(`${tag}: ERROR ${rec.error}`);
      } finally {
        c?.close();
        await srv.stop();
      }
    }
  }
  const result: CostResult = { sides, maxmemory: mm, elapsedMs: performance.now() - t0, tables: [] };
  result.tables = costTables(o, result);
  return result;
}

/** The test with the median requests/s among the repetitions (lower median), else the first failed one. */
function medianTest(r: CostResult, side: 'on' | 'off', test: string, pipeline: number): CostTest | undefined {
  const all = r.sides.filter((s) => s.side === side).flatMap((s) => s.tests.filter((t) => t.test === test && t.pipeline === pipeline));
  const ok = all.filter((t) => t.stats).sort((a, b) => a.stats!.rps - b.stats!.rps);
  return ok.length ? ok[Math.floor((ok.length - 1) / 2)] : all[0];
}

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
}

/** Part 1 tables: throughput and latency on vs off, and the tier work during each test. */
export function costTables(o: TiersOptions, r: CostResult): Table[] {
  const rows: string[][] = [];
  const workRows: string[][] = [];
  const notes: string[] = [];
  for (const p of o.costPipelines) {
    for (const test of ['get', 'set'] as const) {
      const a = medianTest(r, 'on', test, p);
      const b = medianTest(r, 'off', test, p);
      const sa = a?.stats;
      const sb = b?.stats;
      rows.push([
        test.toUpperCase(),
        String(p),
        sa ? fmtInt(sa.rps) : 'error',
        sb ? fmtInt(sb.rps) : 'error',
        fmtRatio(sa?.rps, sb?.rps),
        fmtFixed(sa?.p50Ms, 3),
        fmtFixed(sb?.p50Ms, 3),
        fmtFixed(sa?.p99Ms, 3),
        fmtFixed(sb?.p99Ms, 3),
        fmtRatio(sa?.p99Ms, sb?.p99Ms),
        fmtFixed(sa?.p999Ms, 3),
        fmtFixed(sb?.p999Ms, 3),
        fmtRatio(sa?.p999Ms, sb?.p999Ms),
        fmtFixed(sa?.maxMs, 3),
        fmtFixed(sb?.maxMs, 3),
      ]);
      for (const x of [a, b]) if (x?.error) notes.push(`error: ${x === a ? 'on' : 'off'} P=${p} ${test}: ${x.error}`);
      for (const x of [a, b]) if (x?.misses) notes.push(`WARNING: ${x === a ? 'on' : 'off'} P=${p} ${test}: ${fmtInt(x.misses)} GET misses (keys evicted or not loaded).`);
      if (a?.before && a.after) {
        const d = (k: keyof TierInfo): number => a.after![k] - a.before![k];
        const hits = d('hitsHot') + d('hitsCold');
        const wallUs = sa ? (sa.requests / sa.rps) * 1e6 : NaN;
        workRows.push([
          test.toUpperCase(),
          String(p),
          hits > 0 ? pct(d('hitsHot') / hits) : NA,
          fmtInt(d('promotions')),
          fmtInt(d('demotions')),
          fmtInt(d('slices')),
          d('slices') > 0 ? fmtFixed(d('workTotalUs') / d('slices'), 1) : NA,
          Number.isFinite(wallUs) ? pct(d('workTotalUs') / wallUs) : NA,
          fmtInt(a.after.workMaxUs),
          a.after.workMaxUs > a.before.workMaxUs ? 'yes' : 'no',
        ]);
      }
    }
  }
  const on = r.sides.filter((s) => s.side === 'on' && s.afterLoad);
  const off = r.sides.filter((s) => s.side === 'off' && s.afterLoad);
  const loadRate = (xs: CostSide[]): number => median(xs.map((s) => (o.costKeys / s.loadMs!) * 1000));
  const s0 = on[0] ?? off[0];
  const header = [
    `redis-benchmark -t get|set -d ${o.valueBytes} -r ${o.costKeys} -c ${o.costClients} -n ${o.costRequests} -P <P> --precision 3 (human-readable output); ` +
      `warm-up ${o.costWarmup} requests per test; one fresh server per side${o.costRepeat > 1 ? ` and repetition (sides alternated ${o.costRepeat} times, median ops/s shown)` : ''}, ` +
      `loaded first with ${fmtInt(o.costKeys)} keys key:000000000000… (${o.valueBytes} B values); on each server GET P=1, SET P=1, GET P=16, … in this order; total ${(r.elapsedMs / 1000).toFixed(0)} s.`,
  ];
  if (s0?.afterLoad) {
    const i = s0.afterLoad;
    header.push(
      `both: ${maxmemoryNote(r.maxmemory, o)}, used_memory after the load ${mib(s0.usedMemory!)}. on: hot-ratio ${o.hotRatio}; ` +
        (on[0]?.afterLoad
          ? `after the load: hot ${mib(on[0].afterLoad.hotUsed)} of ${mib(on[0].afterLoad.hotCapacity)} capacity, ${fmtInt(on[0].afterLoad.hotKeys)} hot / ${fmtInt(on[0].afterLoad.coldKeys)} cold keys ` +
            `(${pct(on[0].afterLoad.coldKeys / (on[0].afterLoad.hotKeys + on[0].afterLoad.coldKeys))}% cold), settled in ${((on[0].settleMs ?? 0) / 1000).toFixed(1)} s; `
          : '') +
        `off: hot-ratio 1 (${fmtInt(off[0]?.afterLoad?.hotKeys ?? i.hotKeys)} hot keys).`,
    );
    header.push(`load (SET over one pipelined connection): on ${fmtInt(loadRate(on))} keys/s, off ${fmtInt(loadRate(off))} keys/s, on/off ${fmtRatio(loadRate(on), loadRate(off))}.`);
  }
  const evicted = r.sides.filter((s) => (s.evicted ?? 0) > 0);
  if (evicted.length) notes.push(`WARNING: keys were evicted during the load (${evicted.map((s) => `${s.side}: ${fmtInt(s.evicted)}`).join(', ')}); lower --fill.`);
  for (const s of r.sides) if (s.error) notes.push(`error: ${s.side}${o.costRepeat > 1 ? ` #${s.rep + 1}` : ''}: ${s.error}`);
  const legend =
    'ops/s = requests/s; latencies in ms (p50, p99, max: redis-benchmark summary; p99.9: upper bound from its printed HDR distribution, true value within one printed step below); ' +
    'on/off > 1: faster (ops/s) or slower (latency) with tiering on.';
  const bg = backgroundNote(
    r.sides.map((s) => s.backgroundCores),
    'the ratios are unreliable — rerun on an idle machine or with --cost-repeat 3',
  );
  const cost: Table = {
    title: `Cost of tiering: tierkv GET/SET with tiering on (hot-ratio ${o.hotRatio}) vs off (hot-ratio 1)`,
    columns: [
      { header: 'test' },
      { header: 'P', align: 'right' },
      { header: 'on ops/s', align: 'right' },
      { header: 'off ops/s', align: 'right' },
      { header: 'on/off', align: 'right' },
      { header: 'on p50', align: 'right' },
      { header: 'off p50', align: 'right' },
      { header: 'on p99', align: 'right' },
      { header: 'off p99', align: 'right' },
      { header: 'on/off', align: 'right' },
      { header: 'on p99.9', align: 'right' },
      { header: 'off p99.9', align: 'right' },
      { header: 'on/off', align: 'right' },
      { header: 'on max', align: 'right' },
      { header: 'off max', align: 'right' },
    ],
    rows,
    notes: [...header, legend, bg, ...notes].filter(Boolean),
  };
  const onLoad = on[0]?.afterLoad;
  const work: Table = {
    title: 'Tier work during each test (tiering on; INFO tiers deltas over the measured run)',
    columns: [
      { header: 'test' },
      { header: 'P', align: 'right' },
      { header: 'hot hits %', align: 'right' },
      { header: 'promotions', align: 'right' },
      { header: 'demotions', align: 'right' },
      { header: 'slices', align: 'right' },
      { header: 'µs/slice', align: 'right' },
      { header: 'work % of wall', align: 'right' },
      { header: 'tier_work_max_us', align: 'right' },
      { header: 'max grew', align: 'right' },
    ],
    rows: workRows,
    notes: [
      'hot hits % = Δtier_hits_hot / Δ(tier_hits_hot + tier_hits_cold); slices = Δtier_work_slices; µs/slice = Δtier_work_total_us / slices; ' +
        'work % of wall = Δtier_work_total_us / (requests / ops/s); tier_work_max_us = longest slice since the server started (INFO has no reset for it), ' +
        '"max grew" = whether this test raised it.',
      ...(onLoad ? [`after the load (before the tests): tier_work_max_us ${fmtInt(onLoad.workMaxUs)}, ${fmtInt(onLoad.slices)} slices, ${fmtInt(onLoad.demotions)} demotions, ${fmtInt(onLoad.workTotalUs)} µs of tier work in total.`] : []),
    ],
  };
  return [cost, work];
}

// ---------------------------------------------------------------------------------------------------------------
// Part 2: hot-hit ratio over time

/** One sampling interval of part 2. */
export interface HitSample {
  /** End of the interval, seconds since the first phase started. */
  t: number;
  /** Length of the interval, seconds. */
  dt: number;
  /** Phase the interval belongs to. */
  phase: string;
  /** GET replies per second received by the load generator. */
  ops: number;
  /** Δtier_hits_hot / Δ(tier_hits_hot + tier_hits_cold); NaN without reads. */
  ratio: number;
  promotionsPerS: number;
  demotionsPerS: number;
  hotKeys: number;
  epoch: number;
  /** True if tier_counter_epoch changed during the interval. */
  reset: boolean;
}

/** Part 2 phase summary. */
export interface HitPhase {
  name: string;
  description: string;
  durationS: number;
  /** Best possible hot-hit ratio with the hot tier's key capacity. */
  oracle: number;
}

export interface HitResult {
  commandLine: string;
  identity: string;
  backgroundCores: number;
  loadMs?: number;
  maxmemory?: MaxmemoryChoice;
  usedMemory?: number;
  afterLoad?: TierInfo;
  /** evicted_keys after the load (should be 0). */
  evicted?: number;
  /** Keys the hot tier can hold (hot capacity / mean item bytes). */
  hotKeyCapacity?: number;
  phases: HitPhase[];
  samples: HitSample[];
  /** Load generator totals. */
  replies: number;
  errors: number;
  nils: number;
  firstError?: string;
  /** Zipf sampler check (share of draws on the top ranks vs the exact CDF). */
  zipfCheck?: string;
  error?: string;
  elapsedMs: number;
  tables: Table[];
}

/** Draws `draws` Zipf ranks and compares the share on the top 1%, 10% and 30% of ranks with the exact CDF. */
function zipfSelfCheck(n: number, s: number, seed: number, cdf: ZipfCdf, draws = 1_000_000): string {
  const z = new ZipfSampler(n, s, new Rng(seed ^ 0x5a5a5a5a));
  const cuts = [0.01, 0.1, 0.3].map((f) => Math.max(1, Math.round(n * f)));
  const counts = cuts.map(() => 0);
  let first = 0;
  for (let i = 0; i < draws; i++) {
    const k = z.sample();
    if (k === 1) first++;
    for (let j = 0; j < cuts.length; j++) if (k <= cuts[j]!) counts[j]!++;
  }
  const parts = cuts.map((c, j) => `top ${fmtInt(c)} ranks ${pct(counts[j]! / draws)}% (exact ${pct(cdf.cdf(c))}%)`);
  return `Zipf(${s}) sampler check, ${fmtInt(draws)} draws over ${fmtInt(n)} ranks: rank 1 ${pct(first / draws)}% (exact ${pct(cdf.cdf(1))}%), ${parts.join(', ')}.`;
}

/** Runs part 2. Progress goes to stderr. */
export async function runHits(o: TiersOptions): Promise<HitResult> {
  const t0 = performance.now();
  const n = o.hitKeys;
  const hotPct = Math.round(o.hotKeyShare * 100);
  const readPct = Math.round(o.hotReadShare * 100);
  const mix = `${readPct}/${hotPct}`;
  const res: HitResult = {
    commandLine: '',
    identity: '',
    backgroundCores: 0,
    phases: [],
    samples: [],
    replies: 0,
    errors: 0,
    nils: 0,
    elapsedMs: 0,
    tables: [],
  };
  const cdf = new ZipfCdf(n, o.hitZipf);
  res.zipfCheck = zipfSelfCheck(n, o.hitZipf, o.seed, cdf);
  progress(`hits: ${res.zipfCheck}`);
  let srv: RunningServer;
  try {
    res.maxmemory = await chooseMaxmemory(o, o.hitMaxmemory, n, writeKey, 'hits');
    const spec = withArgs(o.tierkv, `--maxmemory ${res.maxmemory.arg} --maxmemory-policy allkeys-lfu --hot-ratio ${o.hotRatio} --tier-counter-reset-ms ${o.hitResetMs}`);
    res.backgroundCores = await backgroundCpuCores(500, availableParallelism());
    srv = await startServer(spec);
  } catch (e) {
    res.error = `server did not start: ${printable(e instanceof Error ? e.message : String(e), 300)}`;
    progress(`hits: ${res.error}`);
    res.elapsedMs = performance.now() - t0;
    res.tables = hitTables(o, res);
    return res;
  }
  res.commandLine = srv.commandLine;
  res.identity = srv.identity;
  progress(`hits: started pid ${srv.pid} on port ${srv.port} (${srv.identity}); other load before start: ${res.backgroundCores.toFixed(2)} cores busy`);
  let c: RespClient | undefined;
  let load: GetLoad | undefined;
  try {
    c = await RespClient.connect(srv.host, srv.port);
    const l = await loadAndSettle(srv, c, n, writeKey, o);
    Object.assign(res, { loadMs: l.loadMs, usedMemory: l.usedMemory, afterLoad: l.info, evicted: l.evicted });
    const itemBytes = (l.info.hotUsed + l.info.coldUsed) / (l.info.hotKeys + l.info.coldKeys);
    const k = Math.min(n, Math.floor(l.info.hotCapacity / itemBytes));
    res.hotKeyCapacity = k;
    const hot = Math.max(1, Math.min(n - 1, Math.round(n * o.hotKeyShare)));
    const hotSetOracle = k >= hot ? o.hotReadShare + ((1 - o.hotReadShare) * (k - hot)) / (n - hot) : (o.hotReadShare * k) / hot;
    progress(
      `hits: loaded ${fmtInt(n)} keys in ${(l.loadMs / 1000).toFixed(1)} s; maxmemory ${mib(l.maxmemory)}, hot capacity ${mib(l.info.hotCapacity)} ≈ ${fmtInt(k)} keys ` +
        `(${pct(k / n)}% of the keys); ${fmtInt(l.info.hotKeys)} hot / ${fmtInt(l.info.coldKeys)} cold now`,
    );
    const perm = new KeyPermutation(n, o.seed);
    const phases: { p: HitPhase; chooser: KeyChooser }[] = [
      {
        p: { name: 'zipf', description: `a) Zipf(${o.hitZipf}) over all keys`, durationS: o.hitPhaseS[0], oracle: cdf.cdf(k) },
        chooser: zipfChooser(perm, o.hitZipf, new Rng(o.seed + 1)),
      },
      {
        p: { name: mix, description: `b) ${readPct}% of reads to a fixed ${hotPct}% of the keys`, durationS: o.hitPhaseS[1], oracle: hotSetOracle },
        chooser: hotSetChooser(perm, o.hotKeyShare, o.hotReadShare, 0, new Rng(o.seed + 2)),
      },
      {
        p: { name: 'shift', description: `d) ${mix} with the hot ${hotPct}% moved to other keys`, durationS: o.hitPhaseS[2], oracle: hotSetOracle },
        chooser: hotSetChooser(perm, o.hotKeyShare, o.hotReadShare, hot, new Rng(o.seed + 3)),
      },
    ].filter((x) => x.p.durationS > 0);
    res.phases = phases.map((x) => x.p);
    load = new GetLoad(srv.host, srv.port, o.hitConns, o.hitDepth, phases[0]!.chooser, writeKey);
    let prev = await tierInfo(c);
    let prevReplies = 0;
    let prevT = performance.now();
    const start = prevT;
    await load.start();
    for (const { p, chooser } of phases) {
      load.chooser = chooser;
      const phaseStart = performance.now();
      const phaseEnd = phaseStart + p.durationS * 1000;
      progress(`hits: phase ${p.name} (${p.description}) for ${p.durationS} s`);
      for (let i = 1; ; i++) {
        const target = Math.min(phaseStart + i * o.hitSampleMs, phaseEnd);
        await delay(Math.max(0, target - performance.now()));
        if (load.error) throw load.error;
        const cur = await tierInfo(c);
        const replies = load.replies;
        const now = performance.now();
        const dt = (now - prevT) / 1000;
        const dh = cur.hitsHot - prev.hitsHot;
        const dc = cur.hitsCold - prev.hitsCold;
        const s: HitSample = {
          t: (now - start) / 1000,
          dt,
          phase: p.name,
          ops: (replies - prevReplies) / dt,
          ratio: dh + dc > 0 ? dh / (dh + dc) : NaN,
          promotionsPerS: (cur.promotions - prev.promotions) / dt,
          demotionsPerS: (cur.demotions - prev.demotions) / dt,
          hotKeys: cur.hotKeys,
          epoch: cur.epoch,
          reset: cur.epoch !== prev.epoch,
        };
        res.samples.push(s);
        prev = cur;
        prevReplies = replies;
        prevT = now;
        if (target >= phaseEnd) break;
      }
      const ps = res.samples.filter((x) => x.phase === p.name);
      progress(`hits: phase ${p.name}: last sample hot-hit ${pct(ps[ps.length - 1]?.ratio ?? NaN)}%, oracle ${pct(p.oracle)}%`);
    }
  } catch (e) {
    res.error = printable(e instanceof Error ? e.message : String(e), 300);
    progress(`hits: ERROR ${res.error}`);
  } finally {
    if (load) {
      await load.stop();
      res.replies = load.replies;
      res.errors = load.errors;
      res.nils = load.nils;
      if (load.firstError !== undefined) res.firstError = load.firstError;
    }
    c?.close();
    await srv.stop();
  }
  res.elapsedMs = performance.now() - t0;
  res.tables = hitTables(o, res);
  return res;
}

/** Seconds from the phase start until the ratio first reaches `thr`, and until it stays at or above it. */
function timeTo(samples: HitSample[], phaseStartT: number, thr: number): { first: string; sustained: string } {
  const i = samples.findIndex((s) => s.ratio >= thr);
  let j = samples.length;
  while (j > 0 && samples[j - 1]!.ratio >= thr) j--;
  const at = (k: number): string => (samples[k]!.t - phaseStartT).toFixed(1);
  return { first: i >= 0 ? at(i) : 'never', sustained: j < samples.length ? at(j) : 'never' };
}

/** A bar of `width` cells for a ratio in [0, 1] (eighths for the last cell). */
function bar(x: number, width = 20): string {
  if (!Number.isFinite(x)) return '';
  const eighths = Math.round(Math.max(0, Math.min(1, x)) * width * 8);
  const full = Math.floor(eighths / 8);
  const part = eighths % 8;
  return '█'.repeat(full) + (part > 0 ? '▏▎▍▌▋▊▉'[part - 1]! : '');
}

/** Part 2 tables: phase summary, counter resets, and the time series. */
export function hitTables(o: TiersOptions, r: HitResult): Table[] {
  const phaseRows: string[][] = [];
  let phaseStartT = 0;
  const startOf = new Map<string, number>();
  for (const p of r.phases) {
    const ps = r.samples.filter((s) => s.phase === p.name);
    startOf.set(p.name, phaseStartT);
    const weighted = (xs: HitSample[]): number => {
      // Hits-weighted mean: Σ ratio·ops·dt / Σ ops·dt (the ratio of the phase's hit counts).
      let num = 0;
      let den = 0;
      for (const s of xs) {
        if (!Number.isFinite(s.ratio)) continue;
        num += s.ratio * s.ops * s.dt;
        den += s.ops * s.dt;
      }
      return den > 0 ? num / den : NaN;
    };
    const last = ps.filter((s) => s.t > (ps[ps.length - 1]?.t ?? 0) - 5.0001);
    const t85 = timeTo(ps, phaseStartT, 0.85);
    const t90 = timeTo(ps, phaseStartT, 0.9);
    const promos = ps.reduce((a, s) => a + s.promotionsPerS * s.dt, 0);
    const demos = ps.reduce((a, s) => a + s.demotionsPerS * s.dt, 0);
    const ops = ps.reduce((a, s) => a + s.ops * s.dt, 0) / Math.max(1e-9, ps.reduce((a, s) => a + s.dt, 0));
    phaseRows.push([
      p.description,
      fmtFixed(ps.reduce((a, s) => a + s.dt, 0), 1),
      fmtInt(ops),
      pct(weighted(ps)),
      pct(weighted(last)),
      pct(p.oracle),
      `${t85.first} / ${t85.sustained}`,
      `${t90.first} / ${t90.sustained}`,
      fmtInt(promos),
      fmtInt(demos),
    ]);
    phaseStartT = ps[ps.length - 1]?.t ?? phaseStartT;
  }
  const a = r.afterLoad;
  const notes: string[] = [];
  if (a && r.maxmemory !== undefined) {
    notes.push(
      `${fmtInt(o.hitKeys)} keys (lib/dataset.ts keys, ${o.valueBytes} B values) loaded in ${((r.loadMs ?? 0) / 1000).toFixed(1)} s; ${maxmemoryNote(r.maxmemory, o)}, ` +
        `hot-ratio ${o.hotRatio}: hot capacity ${mib(a.hotCapacity)} ≈ ${fmtInt(r.hotKeyCapacity)} keys (${pct((r.hotKeyCapacity ?? 0) / o.hitKeys)}% of the keys); ` +
        `tier-counter-reset-ms ${o.hitResetMs}.`,
    );
  }
  notes.push(
    `load generator: ${o.hitConns} connections × ${o.hitDepth} pipelined GETs (closed loop, raw RESP); ranks/positions scattered over the keys by a fixed permutation; ` +
      `the shift phase's hot set is disjoint from the ${mixLabel(o)} phase's. INFO tiers every ${o.hitSampleMs} ms; total ${(r.elapsedMs / 1000).toFixed(0)} s.`,
    'hot-hit % = Δtier_hits_hot / Δ(tier_hits_hot + tier_hits_cold), weighted by reads over the phase, and over its last 5 s; ' +
      'oracle = best possible with the hot tier holding the most-read keys (Zipf: CDF at the key capacity; hot set: all of it, then the rest); ' +
      '≥85% / ≥90% at s = seconds from the phase start to the first sample at or above, / from which every later sample of the phase stays at or above ("never": not within the phase).',
  );
  if (r.zipfCheck) notes.push(r.zipfCheck);
  notes.push(backgroundNote([r.backgroundCores], 'rates are unreliable (the hit ratios much less so)'));
  if (r.errors > 0) notes.push(`WARNING: ${fmtInt(r.errors)} error replies, first: ${r.firstError ?? '?'}`);
  if (r.nils > 0) notes.push(`WARNING: ${fmtInt(r.nils)} GET misses (keys evicted?).`);
  if ((r.evicted ?? 0) > 0) notes.push(`WARNING: ${fmtInt(r.evicted)} keys were evicted during the load; lower --fill.`);
  if (r.error) notes.push(`error: ${r.error}`);
  const summary: Table = {
    title: `Hot-hit ratio per phase (tierkv, hot-ratio ${o.hotRatio}, ${fmtInt(o.hitKeys)} keys)`,
    columns: [
      { header: 'phase' },
      { header: 's', align: 'right' },
      { header: 'GET/s', align: 'right' },
      { header: 'hot-hit %', align: 'right' },
      { header: 'last 5 s %', align: 'right' },
      { header: 'oracle %', align: 'right' },
      { header: '≥85% at s', align: 'right' },
      { header: '≥90% at s', align: 'right' },
      { header: 'promotions', align: 'right' },
      { header: 'demotions', align: 'right' },
    ],
    rows: phaseRows,
    notes,
  };

  const resetRows: string[][] = [];
  r.samples.forEach((s, i) => {
    if (!s.reset || i === 0) return;
    const before = r.samples[i - 1]!;
    const next = r.samples.slice(i + 1, i + 4).filter((x) => x.phase === s.phase);
    const minNext = Math.min(s.ratio, ...next.map((x) => x.ratio).filter(Number.isFinite));
    // The "before" level is only meaningful within one phase, and not from a phase's first (transitional) sample.
    const comparable = before.phase === s.phase && i >= 2 && r.samples[i - 2]!.phase === s.phase;
    // Recovery: from the lowest sample among "at" and the next 3 (same phase), the first sample back within
    // 2 points of the level before the reset; seconds counted from the end of the "before" interval.
    let low = i;
    for (let j = i + 1; j < i + 4 && j < r.samples.length && r.samples[j]!.phase === s.phase; j++) {
      if (r.samples[j]!.ratio < r.samples[low]!.ratio) low = j;
    }
    let back = comparable ? 'not in phase' : NA;
    for (let j = low; comparable && j < r.samples.length && r.samples[j]!.phase === s.phase; j++) {
      if (r.samples[j]!.ratio >= before.ratio - 0.02) {
        back = (r.samples[j]!.t - before.t).toFixed(1);
        break;
      }
    }
    resetRows.push([
      fmtFixed(s.t, 1),
      s.phase,
      String(s.epoch),
      comparable ? pct(before.ratio) : `(${pct(before.ratio)})`,
      pct(s.ratio),
      pct(minNext),
      back,
      fmtInt(s.promotionsPerS),
      fmtInt(next[0]?.promotionsPerS),
    ]);
  });
  const resets: Table = {
    title: `Counter resets (tier-counter-reset-ms ${o.hitResetMs}): hot-hit ratio around each change of tier_counter_epoch`,
    columns: [
      { header: 't s', align: 'right' },
      { header: 'phase' },
      { header: 'epoch', align: 'right' },
      { header: 'before %', align: 'right' },
      { header: 'at %', align: 'right' },
      { header: 'min next 3 %', align: 'right' },
      { header: 'back at s', align: 'right' },
      { header: 'promo/s at', align: 'right' },
      { header: 'promo/s next', align: 'right' },
    ],
    rows: resetRows,
    notes: [
      't = end of the sampling interval in which the epoch changed (s since the first phase started); before = the interval before it; at = that interval; ' +
        'min next 3 = lowest of it and the (up to) 3 following ones of the same phase; back at = seconds from the end of the "before" interval until, after the lowest of those samples, one of the same phase is within 2 points of "before"; ' +
        '(before) and — = the interval before was in another phase or was a phase\'s first one, so the change is not the reset\'s alone.',
    ],
  };

  const seriesRows = r.samples.map((s, i) => {
    const newPhase = i === 0 || r.samples[i - 1]!.phase !== s.phase;
    return [
      fmtFixed(s.t, 1),
      newPhase ? `${s.phase} ▶` : s.phase,
      fmtInt(s.ops),
      pct(s.ratio),
      bar(s.ratio),
      fmtInt(s.promotionsPerS),
      fmtInt(s.demotionsPerS),
      fmtInt(s.hotKeys),
      s.reset ? `${s.epoch} ← reset` : String(s.epoch),
    ];
  });
  const series: Table = {
    title: 'Hot-hit ratio over time (one row per INFO sample)',
    columns: [
      { header: 't s', align: 'right' },
      { header: 'phase' },
      { header: 'GET/s', align: 'right' },
      { header: 'hot-hit %', align: 'right' },
      { header: '0–100%' },
      { header: 'promo/s', align: 'right' },
      { header: 'demo/s', align: 'right' },
      { header: 'hot_keys', align: 'right' },
      { header: 'epoch' },
    ],
    rows: seriesRows,
    notes: ['▶ = first sample of a phase; ← reset = tier_counter_epoch changed during the interval (access counters read as 0 from then on).'],
  };
  return [summary, resets, series];
}

function mixLabel(o: TiersOptions): string {
  return `${Math.round(o.hotReadShare * 100)}/${Math.round(o.hotKeyShare * 100)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points

/** Both parts' outcome. */
export interface TiersResult {
  options: TiersOptions;
  cost?: CostResult;
  hits?: HitResult;
  tables: Table[];
  /** Server command lines and identities, for the record. */
  servers: { label: string; commandLine: string; identity: string }[];
  /** True if a server failed to start or a test/phase recorded an error. */
  failed: boolean;
}

/** Runs the selected parts. */
export async function runTiers(o: TiersOptions): Promise<TiersResult> {
  const res: TiersResult = { options: o, tables: [], servers: [], failed: false };
  if (o.parts.includes('cost')) {
    res.cost = await runCost(o);
    res.tables.push(...res.cost.tables);
    for (const side of ['on', 'off'] as const) {
      const s = res.cost.sides.find((x) => x.side === side && x.commandLine);
      if (s) res.servers.push({ label: `cost, tiering ${side}`, commandLine: s.commandLine, identity: s.identity });
    }
    res.failed ||= res.cost.sides.some((s) => s.error !== undefined || s.tests.some((t) => t.error !== undefined));
  }
  if (o.parts.includes('hits')) {
    res.hits = await runHits(o);
    res.tables.push(...res.hits.tables);
    if (res.hits.commandLine) res.servers.push({ label: 'hit ratio', commandLine: res.hits.commandLine, identity: res.hits.identity });
    res.failed ||= res.hits.error !== undefined;
  }
  return res;
}

/**
 * The markdown section for RESULTS.md (between TIERS_MARKERS): command, machine, server command lines, tables.
 * @param cmd the command that produced it
 * @param machine machine description (markdown bullet lines, lib/machine.ts)
 */
export function tiersMarkdown(cmd: string, machine: string, r: TiersResult): string {
  const lines = [
    '## Hot and cold tiers (latest run)',
    '',
    'tierkv only (redis-server has no tiers). Part 1 compares tiering on and off on the same data set; part 2 follows ' +
      'the share of reads served from the hot tier while the access pattern changes. See bench/README.md and the comment at the top of bench/tiers.ts.',
    '',
    `Command (from the repository root): ${codeSpan(cmd)}`,
    '',
    machine,
    ...r.servers.map((s) => `- ${s.label}: ${codeSpan(s.commandLine)}${r.options.tierkv.overridden ? ' (overridden)' : ''} — ${s.identity}`),
  ];
  for (const t of r.tables) lines.push('', renderMarkdown(t));
  return lines.join('\n') + '\n';
}

/** Option definitions for node:util parseArgs, shared with run-all. */
export const TIERS_ARG_OPTIONS = {
  'tiers-parts': { type: 'string' },
  'hot-ratio': { type: 'string' },
  fill: { type: 'string' },
  'cost-keys': { type: 'string' },
  'cost-requests': { type: 'string' },
  'cost-warmup': { type: 'string' },
  'cost-pipeline': { type: 'string' },
  'cost-clients': { type: 'string' },
  'cost-repeat': { type: 'string' },
  'cost-maxmemory': { type: 'string' },
  'hit-keys': { type: 'string' },
  'hit-maxmemory': { type: 'string' },
  'hit-phase-s': { type: 'string' },
  'hit-reset-ms': { type: 'string' },
  'hit-zipf': { type: 'string' },
  'hit-conns': { type: 'string' },
  'hit-depth': { type: 'string' },
  'hit-sample-ms': { type: 'string' },
  seed: { type: 'string' },
  'timeout-s': { type: 'string' },
  'tierkv-cmd': { type: 'string' },
} as const;

function parseRatio(s: string, what: string, lo: number, hi: number): number {
  const x = Number(s);
  if (!Number.isFinite(x) || x <= lo || x > hi) throw new Error(`${what}: expected a number in (${lo}, ${hi}], got ${JSON.stringify(s)}`);
  return x;
}

/** Applies parsed command-line values onto the defaults. */
export function tiersOptionsFrom(v: Partial<Record<keyof typeof TIERS_ARG_OPTIONS, string | boolean | undefined>>): TiersOptions {
  const str = (x: string | boolean | undefined): string | undefined => (typeof x === 'string' ? x : undefined);
  const o = defaultTiersOptions(str(v['tierkv-cmd']));
  const parts = str(v['tiers-parts']);
  if (parts !== undefined) {
    const xs = parts.split(',').map((s) => s.trim()).filter(Boolean);
    for (const x of xs) if (x !== 'cost' && x !== 'hits') throw new Error(`--tiers-parts: expected cost and/or hits, got ${x}`);
    o.parts = xs as ('cost' | 'hits')[];
  }
  if (str(v['hot-ratio']) !== undefined) o.hotRatio = parseRatio(str(v['hot-ratio'])!, '--hot-ratio', 0, 1);
  if (str(v.fill) !== undefined) o.fill = parseRatio(str(v.fill)!, '--fill', 0, 1);
  if (str(v['cost-keys']) !== undefined) o.costKeys = parsePositiveInt(str(v['cost-keys'])!, '--cost-keys');
  if (str(v['cost-requests']) !== undefined) {
    o.costRequests = parsePositiveInt(str(v['cost-requests'])!, '--cost-requests');
    o.costWarmup = Math.round(o.costRequests / 10);
  }
  if (str(v['cost-warmup']) !== undefined) o.costWarmup = parseNonNegativeInt(str(v['cost-warmup'])!, '--cost-warmup');
  if (str(v['cost-pipeline']) !== undefined) o.costPipelines = parseIntList(str(v['cost-pipeline'])!, '--cost-pipeline');
  if (str(v['cost-clients']) !== undefined) o.costClients = parsePositiveInt(str(v['cost-clients'])!, '--cost-clients');
  if (str(v['cost-repeat']) !== undefined) o.costRepeat = parsePositiveInt(str(v['cost-repeat'])!, '--cost-repeat');
  const cm = str(v['cost-maxmemory']);
  if (cm !== undefined && cm !== 'auto') {
    parseMemoryAmount(cm, '--cost-maxmemory');
    o.costMaxmemory = cm;
  }
  if (str(v['hit-keys']) !== undefined) o.hitKeys = parsePositiveInt(str(v['hit-keys'])!, '--hit-keys');
  const hm = str(v['hit-maxmemory']);
  if (hm !== undefined && hm !== 'auto') {
    parseMemoryAmount(hm, '--hit-maxmemory');
    o.hitMaxmemory = hm;
  }
  const ph = str(v['hit-phase-s']);
  if (ph !== undefined) {
    const xs = ph.split(',').map((s) => Number(s.trim()));
    if (xs.length !== 3 || xs.some((x) => !Number.isFinite(x) || x < 0) || xs.every((x) => x === 0)) {
      throw new Error(`--hit-phase-s: expected three durations in s (zipf, 90/30, shift) like 30,30,40, got ${JSON.stringify(ph)}`);
    }
    o.hitPhaseS = xs as [number, number, number];
  }
  if (str(v['hit-reset-ms']) !== undefined) o.hitResetMs = parsePositiveInt(str(v['hit-reset-ms'])!, '--hit-reset-ms');
  if (str(v['hit-zipf']) !== undefined) o.hitZipf = parseRatio(str(v['hit-zipf'])!, '--hit-zipf', 0, 10);
  if (str(v['hit-conns']) !== undefined) o.hitConns = parsePositiveInt(str(v['hit-conns'])!, '--hit-conns');
  if (str(v['hit-depth']) !== undefined) o.hitDepth = parsePositiveInt(str(v['hit-depth'])!, '--hit-depth');
  if (str(v['hit-sample-ms']) !== undefined) o.hitSampleMs = parsePositiveInt(str(v['hit-sample-ms'])!, '--hit-sample-ms');
  if (str(v.seed) !== undefined) o.seed = parseNonNegativeInt(str(v.seed)!, '--seed');
  if (str(v['timeout-s']) !== undefined) o.timeoutS = parsePositiveInt(str(v['timeout-s'])!, '--timeout-s');
  return o;
}

export const TIERS_HELP = `Options (tiers; tierkv only):
  --tiers-parts LIST    cost and/or hits (default cost,hits)
  --hot-ratio R         hot-ratio of the tiering-on servers (default 0.3)
  --fill F              automatic maxmemory: the loaded data fills F of it (default 0.95)
  --cost-keys N         part 1: keys loaded, redis-benchmark -r (default 2,000,000)
  --cost-requests N     part 1: requests per test (default 400,000; warm-up N/10)
  --cost-warmup N       part 1: warm-up requests per test (0 = none)
  --cost-pipeline LIST  part 1: pipeline depths (default 1,16)
  --cost-clients N      part 1: redis-benchmark -c (default 50)
  --cost-repeat K       part 1: run the on/off pair K times (alternating), show the median (default 1)
  --cost-maxmemory M    part 1: auto (default) or a Redis amount like 1gb, given on the command line
  --hit-keys N          part 2: keys loaded (default 1,000,000)
  --hit-maxmemory M     part 2: auto (default) or a Redis amount
  --hit-phase-s A,B,D   part 2: seconds of the zipf, 90/30 and shift phases (default 30,30,40; 0 skips one)
  --hit-reset-ms MS     part 2: tier-counter-reset-ms of the server (default 10000)
  --hit-zipf S          part 2: Zipf exponent (default 0.99)
  --hit-conns C         part 2: load generator connections (default 4)
  --hit-depth D         part 2: GETs pipelined per connection (default 32)
  --hit-sample-ms MS    part 2: INFO tiers sampling period (default 1000)
  --seed S              values and key choices (default 42)
  --timeout-s S         limit per redis-benchmark process / load stall, seconds (default 600)
  --tierkv-cmd CMD      tierkv command, {port} is replaced; the tier parameters are appended
                        (env TIERKV_CMD; default: node dist/server/main.js --port {port})`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ...TIERS_ARG_OPTIONS, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    console.log(`Usage: node dist/bench/tiers.js [options]\n${TIERS_HELP}`);
    return;
  }
  const o = tiersOptionsFrom(values);
  const r = await runTiers(o);
  for (const s of r.servers) console.log(`${s.label}: ${s.commandLine} (${s.identity})`);
  for (const t of r.tables) console.log('\n' + renderText(t));
  if (r.failed) process.exitCode = 1;
}

if (isMain(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
