/**
 * The tier benchmark's options (bench/tiers.ts): their defaults, the command-line flags (shared with run-all) and
 * their --help text.
 */
import { maxmemoryOption, parseIntList, parseNonNegativeInt, parsePositiveInt, stringOptions } from '../lib/cli.js';
import { serverSpecs, type ServerSpec } from '../lib/server.js';

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

/** Option definitions for node:util parseArgs, shared with run-all. */
export const TIERS_ARG_OPTIONS = stringOptions(
  'tiers-parts', 'hot-ratio', 'fill',
  'cost-keys', 'cost-requests', 'cost-warmup', 'cost-pipeline', 'cost-clients', 'cost-repeat', 'cost-maxmemory',
  'hit-keys', 'hit-maxmemory', 'hit-phase-s', 'hit-reset-ms', 'hit-zipf', 'hit-conns', 'hit-depth', 'hit-sample-ms',
  'seed', 'timeout-s', 'tierkv-cmd',
);

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
  if (cm !== undefined) o.costMaxmemory = maxmemoryOption(cm, '--cost-maxmemory') ?? o.costMaxmemory;
  if (str(v['hit-keys']) !== undefined) o.hitKeys = parsePositiveInt(str(v['hit-keys'])!, '--hit-keys');
  const hm = str(v['hit-maxmemory']);
  if (hm !== undefined) o.hitMaxmemory = maxmemoryOption(hm, '--hit-maxmemory') ?? o.hitMaxmemory;
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
