/**
 * MIGRATE_PREPARE benchmark (issue 4, "benchmarks"): how long tierkv's one-shot drop of the cold tier holds the
 * server, and how soon the memory is back with the OS, side by side with what redis-server can do that comes
 * closest — in the same run, one server at a time, each freshly started on a free loopback port. Nothing asserts a
 * timing; the table prints the numbers, the ratios and whether the issue's targets (stall ≤ 10 ms, RSS released
 * ≤ 1 s at 10M keys) were met.
 *
 * Workload ("the paper's"): N keys (default 10,000,000; `--keys`), 1–8 byte keys and 100-byte values from
 * lib/dataset.ts, a hot share of ~30% (`--migrate-hot-share`).
 *
 * **tierkv.** Started with `--maxmemory-policy noeviction --maxmemory M --hot-ratio R`, both computed from the data
 * set (printed, and overridable with `--migrate-maxmemory` / `--migrate-hot-ratio`): every item of a ≤ 4-byte key
 * and a 100-byte value takes a 120-byte chunk (computed with the server's own slab classes), the hash index at most
 * 12 bytes per slot of its final table (the table plus the half-size old one during the last rehash); M is that
 * plus `--migrate-headroom` (5%), so nothing is refused or evicted, and R = hot-share × chunk bytes / M, so the hot
 * tier holds ~30% of the items. The keys are loaded through `redis-cli --pipe`; optionally (`--migrate-warmup-s`)
 * reads then go 90% to the "hot" keys (those redis keeps in DB 0, below) to promote them; then the benchmark waits
 * until INFO tiers shows the hot tier within its capacity and demotions stopped, and sends MIGRATE_PREPARE. Its reply
 * is recorded (stall_us, drop_us, gc_us, release_ms, released, dropped_keys, freed_bytes, rss_before,
 * used_memory_rss …); MIGRATE_DONE ends migration mode afterwards.
 *
 * **redis-server** (`--databases 16`) has no tiers; its nearest equivalents keep the "hot" keys (key i is hot when
 * ⌊(i+1)·s⌋ > ⌊i·s⌋ for the hot share s, i.e. every third or fourth key for 0.3) in DB 0 and the "cold" ones in
 * DB 1, loaded with `redis-cli --pipe` (SELECT, then SETs), and drop DB 1:
 *   (a) `SELECT 1` + `FLUSHDB SYNC` (Redis frees every key in the command; the server answers nobody meanwhile);
 *   (b) on a fresh server with the same load, `DEL` of the cold keys, `--migrate-del-batch` (1000) keys per DEL,
 *       all pipelined through `redis-cli --pipe`.
 *
 * **Measured, the same way on every side**, around the drop command (sent at t0, finished at t1 — the reply; for
 * (b) the exit of redis-cli):
 *   - RSS (VmRSS of /proc/PID/status) sampled every `--migrate-sample-ms` (10 ms) from 0.3 s before t0 until
 *     `--migrate-watch-ms` (3000) after t1: RSS just before, at t1, 1 s and 3 s after t1, and the time from t0
 *     until the RSS first fell by half of the bytes the server says it freed (tierkv: freed_bytes; redis:
 *     used_memory before − after) — the criterion tierkv's own release_ms uses, seen from the outside;
 *   - the longest gap between two replies of a PING loop that a second client runs (send, await the reply, pause
 *     `--migrate-ping-pause-ms` (1 ms), send …) from t0 until the end of the watch: the stall another client really
 *     sees (plus one round trip and the pause), next to the same client's longest gap during the 0.3 s before t0
 *     (its noise floor). The pause keeps the probe light (~1000 PINGs/s instead of tens of thousands).
 *
 * Borrowed ideas: the PING-gap probe is how redis-cli `--latency` sees a blocked server (repeated PINGs, max
 * latency); RSS from /proc as in lib/proc.ts. Redis's FLUSHDB SYNC/ASYNC semantics: https://redis.io/commands/flushdb/.
 *
 * Usage: node dist/bench/migrate-prepare.js [--keys N] [--migrate-sides tierkv,flushdb,del] [--migrate-hot-share S]
 *        [--migrate-maxmemory auto|AMOUNT] [--migrate-hot-ratio auto|R] [--migrate-headroom F] [--migrate-warmup-s S]
 *        [--migrate-watch-ms MS] [--migrate-sample-ms MS] [--migrate-del-batch K] [--migrate-ping-pause-ms P] [--seed S] [--settle-ms MS]
 *        [--load-timeout-s S] [--tierkv-cmd CMD] [--redis-cmd CMD] [--write] [--out PATH]
 */
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { SizeClasses } from '../allocator/size-classes.js';
import { itemSize } from '../allocator/item.js';
import { invocation, maxmemoryOption, parseMemoryAmount, parseNonNegativeInt, parsePositiveInt, progress, runIfMain, stringOptions } from './lib/cli.js';
import { DEFAULT_VALUE_BYTES, MAX_KEY_BYTES, MAX_KEYS, describeKeyLengths, keyLengthDistribution, setCommandChunks, writeKey } from './lib/dataset.js';
import { printable } from './lib/exec.js';
import { errorText, recordFailure } from './lib/failures.js';
import { GetLoad } from './lib/loadgen.js';
import { machineInfo, machineMarkdown, machineText } from './lib/machine.js';
import { codeSpan, writeGeneratedSection } from './lib/markdown.js';
import { backgroundCpuCores, backgroundNote, readRssBytes } from './lib/proc.js';
import { redisCliPipe } from './lib/redis-cli-pipe.js';
import { RespClient, RespError, infoFields, type RespValue } from './lib/resp.js';
import { REPO_ROOT, delay, serverSpecs, startServer, type RunningServer, type ServerSpec } from './lib/server.js';
import { NA, fmtFixed, fmtInt, fmtMiB, fmtRatio, renderMarkdown, renderText, rightColumns, type Table } from './lib/table.js';
import { Rng } from './lib/zipf.js';

/** Markers of this benchmark's section of bench/RESULTS.md (the other sections are kept). */
export const MIGRATE_MARKERS = {
  begin: '<!-- bench:migrate:begin (generated by bench/migrate-prepare.ts or run-all.ts --write; edits inside are overwritten) -->',
  end: '<!-- bench:migrate:end -->',
} as const;

/** The issue's targets at 10M keys: longest stall (ms) and time until the RSS is released (ms). */
export const TARGET_STALL_MS = 10;
export const TARGET_RELEASE_MS = 1000;

/** The three sides, in the order they run. */
export const MIGRATE_SIDES = ['tierkv', 'flushdb', 'del'] as const;
export type MigrateSide = (typeof MIGRATE_SIDES)[number];

const SIDE_LABEL: Record<MigrateSide, string> = {
  tierkv: 'tierkv MIGRATE_PREPARE',
  flushdb: 'redis FLUSHDB SYNC',
  del: 'redis pipelined DEL',
};

/** Options of the benchmark. */
export interface MigrateOptions {
  /** Keys loaded. */
  keys: number;
  /** Which sides run. */
  sides: MigrateSide[];
  /** Share of the items that stay hot (tierkv: hot tier capacity / item bytes; redis: keys in DB 0), (0, 1). */
  hotShare: number;
  /** tierkv maxmemory as given (Redis amount), or undefined to compute it. */
  maxmemory: string | undefined;
  /** tierkv hot-ratio as given, or undefined to compute it. */
  hotRatio: number | undefined;
  /** Computed maxmemory = (chunk bytes + index peak) × (1 + headroom). */
  headroom: number;
  /** Seconds of skewed reads (90% to the hot keys) before the drop; 0 = none. */
  warmupS: number;
  /** How long RSS and PING are watched after the drop finished, ms. */
  watchMs: number;
  /** RSS sampling period, ms. */
  sampleMs: number;
  /** Keys per DEL command on the pipelined-DEL side. */
  delBatch: number;
  /** Pause of the PING probe between a reply and the next PING, ms (0 = back to back). */
  pingPauseMs: number;
  /** Value size, bytes. */
  valueBytes: number;
  /** Seed of the values (and of the warm-up's key choices). */
  seed: number;
  /** Pause after the load (and after settling) before the drop, ms. */
  settleMs: number;
  /** Limit of one redis-cli --pipe run and of the tier settling, seconds. */
  timeoutS: number;
  tierkv: ServerSpec;
  redis: ServerSpec;
}

/** Defaults (the paper's workload), given the server commands (flag or env, else this repository's). */
export function defaultMigrateOptions(tierkvCmd?: string, redisCmd?: string): MigrateOptions {
  return {
    keys: 10_000_000,
    sides: [...MIGRATE_SIDES],
    hotShare: 0.3,
    maxmemory: undefined,
    hotRatio: undefined,
    headroom: 0.05,
    warmupS: 0,
    watchMs: 3000,
    sampleMs: 10,
    delBatch: 1000,
    pingPauseMs: 1,
    valueBytes: DEFAULT_VALUE_BYTES,
    seed: 42,
    settleMs: 2000,
    timeoutS: 1800,
    ...serverSpecs(tierkvCmd, redisCmd),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The hot/cold split and the RESP streams

/** Hot share as an integer fraction p/1000, so the split is exact and free of floating-point surprises. */
function shareFraction(share: number): { p: number; q: number } {
  const q = 1000;
  return { p: Math.min(q - 1, Math.max(1, Math.round(share * q))), q };
}

/**
 * The "hot" predicate shared by both servers' data: key i is hot when ⌊(i+1)·p/q⌋ > ⌊i·p/q⌋ (evenly spread,
 * exactly ⌊n·p/q⌋ of the first n keys). Returns the predicate, the number of hot keys among n, and the k-th hot key.
 */
export function hotSplit(n: number, share: number): { isHot: (i: number) => boolean; hotCount: number; hotKey: (k: number) => number } {
  const { p, q } = shareFraction(share);
  return {
    isHot: (i) => Math.floor(((i + 1) * p) / q) > Math.floor((i * p) / q),
    hotCount: Math.floor((n * p) / q),
    hotKey: (k) => Math.floor(((k + 1) * q + p - 1) / p) - 1,
  };
}

const CRLF = Buffer.from('\r\n', 'latin1');

/** RESP of `SELECT db`. */
function selectCommand(db: number): Buffer {
  const s = String(db);
  return Buffer.from(`*2\r\n$6\r\nSELECT\r\n$${s.length}\r\n${s}\r\n`, 'latin1');
}

/**
 * The redis side's load: `SELECT 0` and `SET` of the hot keys, then `SELECT 1` and `SET` of the cold keys, in chunks
 * of about `chunkBytes` (1 MiB), each freshly allocated.
 */
export function* splitSetChunks(n: number, seed: number, valueLen: number, isHot: (i: number) => boolean, chunkBytes = 1 << 20): Generator<Buffer> {
  yield* setCommandChunks(n, seed, valueLen, chunkBytes, (i) => isHot(i), selectCommand(0));
  yield* setCommandChunks(n, seed, valueLen, chunkBytes, (i) => !isHot(i), selectCommand(1));
}

/** `SELECT 1`, then `DEL k1 … kB` over the cold keys, B = `batch` keys per command (the last one shorter). */
export function* coldDelChunks(n: number, isHot: (i: number) => boolean, batch: number): Generator<Buffer> {
  yield selectCommand(1);
  const keys: number[] = [];
  const keyTmp = Buffer.allocUnsafe(MAX_KEY_BYTES);
  const flush = (): Buffer => {
    const buf = Buffer.allocUnsafe(32 + keys.length * (5 + MAX_KEY_BYTES + 2));
    let off = buf.write(`*${keys.length + 1}\r\n$3\r\nDEL\r\n`, 0, 'latin1');
    for (const i of keys) {
      const kl = writeKey(i, keyTmp, 0);
      off += buf.write(`$${kl}\r\n`, off, 'latin1');
      off += keyTmp.copy(buf, off, 0, kl);
      off += CRLF.copy(buf, off);
    }
    keys.length = 0;
    return buf.subarray(0, off);
  };
  for (let i = 0; i < n; i++) {
    if (isHot(i)) continue;
    keys.push(i);
    if (keys.length === batch) yield flush();
  }
  if (keys.length > 0) yield flush();
}

// ---------------------------------------------------------------------------------------------------------------
// tierkv sizing

/** What tierkv is started with, and how it was derived. Bytes. */
export interface TierkvSizing {
  /** Sum of the slab chunks the N items take. */
  chunkBytes: number;
  /** Largest the hash index gets during the load (final table + the half-size old one while rehashing). */
  indexPeakBytes: number;
  maxmemory: number;
  hotRatio: number;
  /** ⌊maxmemory × hotRatio⌋, what INFO tiers will report as hot_capacity_bytes. */
  hotCapacity: number;
  /** hotCapacity / chunkBytes: the share of the items the hot tier holds. */
  hotItemShare: number;
  /** True if maxmemory / hot-ratio were given rather than computed. */
  given: { maxmemory: boolean; hotRatio: boolean };
}

/** Slab classes of tierkv's defaults (slab-chunk-min 48, slab-growth-factor 1.125, slab-page-size 1mb). */
const DEFAULT_CLASSES = new SizeClasses(48, 1.125, 1 << 20);

/**
 * Computes tierkv's maxmemory and hot-ratio for n keys of lib/dataset.ts with `valueBytes` values, so that the data
 * fits in maxmemory (with `headroom`) and the hot tier holds `hotShare` of the item bytes. Assumes the server's
 * default slab parameters; the hash index grows at load factor 0.75 by doubling (server/keyspace/hash-index.ts).
 * @param given maxmemory (bytes) and/or hot-ratio to use instead of the computed ones
 */
export function tierkvSizing(n: number, valueBytes: number, hotShare: number, headroom: number, given: { maxmemory?: number; hotRatio?: number } = {}): TierkvSizing {
  const d = keyLengthDistribution(n);
  let chunkBytes = 0;
  d.counts.forEach((c, k) => {
    const item = itemSize(k + 1, valueBytes, false);
    const cls = DEFAULT_CLASSES.classFor(item);
    chunkBytes += c * (cls < 0 ? item : DEFAULT_CLASSES.sizes[cls]!);
  });
  let cap = 1024;
  while (n > cap * 0.75) cap *= 2;
  const indexPeakBytes = cap * 8 + (cap > 1024 ? (cap / 2) * 8 : 0);
  const maxmemory = given.maxmemory ?? Math.ceil(((chunkBytes + indexPeakBytes) * (1 + headroom)) / 2 ** 20) * 2 ** 20;
  const hotRatio = given.hotRatio ?? Math.round(((hotShare * chunkBytes) / maxmemory) * 1e4) / 1e4;
  const hotCapacity = Math.floor(maxmemory * hotRatio);
  return {
    chunkBytes,
    indexPeakBytes,
    maxmemory,
    hotRatio,
    hotCapacity,
    hotItemShare: hotCapacity / chunkBytes,
    given: { maxmemory: given.maxmemory !== undefined, hotRatio: given.hotRatio !== undefined },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Observing a drop: RSS sampler and PING-gap probe

/** RSS of one process sampled on a timer. Times are performance.now() ms, RSS in bytes. */
export class RssSampler {
  readonly t: number[] = [];
  readonly rss: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** @param pid process to read /proc/PID/status of; @param periodMs sampling period, ms */
  constructor(
    private readonly pid: number,
    private readonly periodMs: number,
  ) {}

  /** Takes one sample now; returns the RSS (bytes), or NaN if the process is gone. */
  sample(): number {
    let v = NaN;
    try {
      v = readRssBytes(this.pid);
    } catch {
      /* gone */
    }
    this.t.push(performance.now());
    this.rss.push(v);
    return v;
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.periodMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** RSS of the last sample taken at or before `at` (ms), NaN if none. */
  at(at: number): number {
    let v = NaN;
    for (let i = 0; i < this.t.length && this.t[i]! <= at; i++) v = this.rss[i]!;
    return v;
  }

  /** Time of the first sample at or after `from` whose RSS is ≤ `target` bytes, or undefined. */
  firstAtOrBelow(target: number, from: number): number | undefined {
    for (let i = 0; i < this.t.length; i++) if (this.t[i]! >= from && this.rss[i]! <= target) return this.t[i];
    return undefined;
  }

  /** Lowest RSS sampled at or after `from`. */
  minFrom(from: number): number {
    let m = Infinity;
    for (let i = 0; i < this.t.length; i++) if (this.t[i]! >= from && this.rss[i]! < m) m = this.rss[i]!;
    return Number.isFinite(m) ? m : NaN;
  }
}

/**
 * A second client that sends PING, waits for PONG, and sends the next one, recording when each reply arrived
 * (the way `redis-cli --latency` sees a blocked server). The longest gap between two replies in a time window is
 * the longest stall that client saw there (plus one round trip).
 */
export class PingProbe {
  readonly replyTimes: number[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly client: RespClient,
    private readonly pauseMs: number,
  ) {}

  /**
   * Connects and starts the loop. Throws if the connection fails.
   * @param pauseMs pause between a reply and the next PING, ms (0: back to back, which loads the server and this
   *   process with tens of thousands of PINGs/s; 1: ~1 ms resolution at ~1000 PINGs/s)
   */
  static async start(host: string, port: number, pauseMs: number): Promise<PingProbe> {
    const p = new PingProbe(await RespClient.connect(host, port), pauseMs);
    p.running = true;
    p.replyTimes.push(performance.now());
    p.loop = p.run();
    return p;
  }

  private async run(): Promise<void> {
    try {
      while (this.running) {
        const r = await this.client.send(['PING'], 600_000);
        if (r instanceof RespError) throw r;
        this.replyTimes.push(performance.now());
        if (this.pauseMs > 0) await delay(this.pauseMs);
      }
    } catch (e) {
      this.failure = e as Error;
    }
  }

  /** Stops after the PING in flight, closes the connection; returns the error that stopped it early, if any. */
  async stop(): Promise<Error | undefined> {
    this.running = false;
    await this.loop;
    this.client.close();
    return this.failure;
  }

  /**
   * Longest gap between consecutive replies whose later reply falls in [from, to] (ms), with when it ended, and the
   * number of replies in the window.
   */
  maxGap(from: number, to: number): { gapMs: number; endAt: number; replies: number } {
    let gapMs = 0;
    let endAt = NaN;
    let replies = 0;
    const ts = this.replyTimes;
    for (let i = 1; i < ts.length; i++) {
      if (ts[i]! < from || ts[i]! > to) continue;
      replies++;
      const g = ts[i]! - ts[i - 1]!;
      if (g > gapMs) {
        gapMs = g;
        endAt = ts[i]!;
      }
    }
    return { gapMs, endAt, replies };
  }
}

/** What was seen around one drop. Times in ms (relative to the command's start), RSS in bytes. */
export interface DropObservation {
  /** From sending the command (or starting redis-cli) until its reply (exit), ms. */
  dropMs: number;
  rssBefore: number;
  /** RSS read right after the reply. */
  rssAtEnd: number;
  /** RSS 1 s and 3 s after the reply (NaN if the watch was shorter). */
  rss1s: number;
  rss3s: number;
  /** Lowest RSS from the command's start to the end of the watch. */
  rssMin: number;
  /** Longest PING gap from the command's start to the end of the watch, ms; when it ended, ms after the start. */
  pingGapMs: number;
  pingGapEndMs: number;
  /** Longest PING gap in the 0.3 s before the command (noise floor), ms. */
  pingBaselineGapMs: number;
  /** PING replies from the command's start to the end of the watch. */
  pings: number;
  pingError?: string;
  /** Kept for the "time until RSS fell" figure, computed once the freed bytes are known. */
  sampler: RssSampler;
  t0: number;
}

/** Time from the start until the RSS fell by half of `freedBytes` (ms), or undefined if it never did in the watch. */
function halfReleaseMs(o: DropObservation, freedBytes: number): number | undefined {
  if (!(freedBytes > 0)) return undefined;
  const t = o.sampler.firstAtOrBelow(o.rssBefore - freedBytes / 2, o.t0);
  return t === undefined ? undefined : t - o.t0;
}

/**
 * Runs `drop` (which resolves when the drop is over: the reply, or redis-cli's exit) while sampling the server's RSS
 * and running a PING probe on a second connection; keeps watching `watchMs` after it. (Also used by
 * bench/collections.ts.)
 */
export async function observeDrop<T>(srv: RunningServer, o: Pick<MigrateOptions, 'sampleMs' | 'pingPauseMs' | 'watchMs'>, drop: () => Promise<T>): Promise<{ value: T; obs: DropObservation }> {
  const sampler = new RssSampler(srv.pid, o.sampleMs);
  const probe = await PingProbe.start(srv.host, srv.port, o.pingPauseMs);
  sampler.start();
  await delay(300);
  const rssBefore = sampler.sample();
  const t0 = performance.now();
  let value: T;
  let t1: number;
  let rssAtEnd: number;
  try {
    value = await drop();
  } finally {
    t1 = performance.now();
    rssAtEnd = sampler.sample();
    await delay(o.watchMs);
    sampler.stop();
  }
  const pingFailure = await probe.stop();
  const end = t1 + o.watchMs;
  const g = probe.maxGap(t0, end + 1000);
  const base = probe.maxGap(t0 - 300, t0);
  const obs: DropObservation = {
    dropMs: t1 - t0,
    rssBefore,
    rssAtEnd,
    rss1s: o.watchMs >= 1000 ? sampler.at(t1 + 1000) : NaN,
    rss3s: o.watchMs >= 3000 ? sampler.at(t1 + 3000) : NaN,
    rssMin: sampler.minFrom(t0),
    pingGapMs: g.gapMs,
    pingGapEndMs: g.endAt - t0,
    pingBaselineGapMs: base.gapMs,
    pings: g.replies,
    sampler,
    t0,
    ...(pingFailure ? { pingError: pingFailure.message } : {}),
  };
  return { value, obs };
}

// ---------------------------------------------------------------------------------------------------------------
// The sides

/** MIGRATE_PREPARE's reply as field → number (or string for migration_state). */
export type PrepareReply = Record<string, number | string>;

/** One side's outcome. */
export interface MigrateSideResult {
  side: MigrateSide;
  commandLine: string;
  identity: string;
  /** CPU cores other processes kept busy during the 0.5 s before the server started. */
  backgroundCores: number;
  /** Load through redis-cli --pipe, ms, and its error replies. */
  loadMs?: number;
  loadErrors?: number;
  /** Keys in the server before the drop (DBSIZE; redis: DB 0 + DB 1). */
  keysBefore?: number;
  /** Keys dropped (tierkv: dropped_keys; redis: DB 1 keys before − after). */
  dropped?: number;
  /** Keys still there after the drop. */
  keysAfter?: number;
  /** Bytes the server says it freed (tierkv: freed_bytes; redis: used_memory before − after). */
  freedBytes?: number;
  usedMemoryBefore?: number;
  usedMemoryAfter?: number;
  rssAfterLoad?: number;
  obs?: DropObservation;
  /** tierkv: the reply of MIGRATE_PREPARE. */
  reply?: PrepareReply;
  /** tierkv: INFO tiers after settling, and how long settling took (ms). */
  tiers?: { hotUsed: number; hotCapacity: number; hotKeys: number; coldKeys: number; coldUsed: number; demotions: number; promotions: number; settleMs: number };
  /** tierkv: warm-up GET/s and misses. */
  warmup?: { gets: number; seconds: number; misses: number };
  /** redis: key counts per DB before the drop. */
  dbKeys?: { db0: number; db1: number };
  /** The pipelined DEL's summary (replies, errors). */
  delPipe?: { replies: number; errors: number };
  error?: string;
}

/** Key count of `dbN:keys=K,...` in INFO keyspace, 0 if absent. */
function dbKeys(info: Record<string, string>, db: number): number {
  const m = /keys=(\d+)/.exec(info[`db${db}`] ?? '');
  return m ? Number(m[1]) : 0;
}

function num(info: Record<string, string>, f: string): number {
  return info[f] === undefined ? NaN : Number(info[f]);
}

/** Decodes a MIGRATE_PREPARE reply (RESP2 flat field/value array). Throws on an error reply. */
export function decodePrepareReply(r: RespValue): PrepareReply {
  if (r instanceof RespError) throw new Error(`MIGRATE_PREPARE: ${r.message}`);
  if (!Array.isArray(r) || r.length % 2 !== 0) throw new Error(`MIGRATE_PREPARE: unexpected reply ${printable(JSON.stringify(r), 200)}`);
  const out: PrepareReply = {};
  for (let i = 0; i < r.length; i += 2) {
    const k = Buffer.isBuffer(r[i]) ? (r[i] as Buffer).toString() : String(r[i]);
    const v = r[i + 1];
    out[k] = typeof v === 'number' ? v : Buffer.isBuffer(v) ? v.toString() : String(v);
  }
  return out;
}

function withArgs(base: ServerSpec, args: string): ServerSpec {
  return { ...base, cmd: `${base.cmd} ${args}` };
}

async function startSide(side: MigrateSide, spec: ServerSpec, rec: MigrateSideResult): Promise<RunningServer | undefined> {
  try {
    const srv = await startServer(spec);
    rec.commandLine = srv.commandLine;
    rec.identity = srv.identity;
    progress(`${side}: started pid ${srv.pid} on port ${srv.port} (${srv.identity}); other load before start: ${rec.backgroundCores.toFixed(2)} cores busy`);
    return srv;
  } catch (e) {
    rec.error = `server did not start: ${errorText(e)}`;
    progress(`${side}: ${rec.error}`);
    return undefined;
  }
}

/** Skewed GETs (90% to the hot keys, 10% uniform) for `seconds`, 4 connections × 32 pipelined. */
async function warmup(srv: RunningServer, o: MigrateOptions): Promise<{ gets: number; seconds: number; misses: number }> {
  const split = hotSplit(o.keys, o.hotShare);
  const rng = new Rng(o.seed ^ 0x5bd1e995);
  const chooser = (): number => (rng.nextDouble() < 0.9 ? split.hotKey(rng.nextInt(split.hotCount)) : rng.nextInt(o.keys));
  const load = new GetLoad(srv.host, srv.port, 4, 32, chooser, writeKey);
  const t0 = performance.now();
  await load.start();
  await delay(o.warmupS * 1000);
  await load.stop();
  if (load.error) throw load.error;
  return { gets: load.replies, seconds: (performance.now() - t0) / 1000, misses: load.nils };
}

async function runTierkv(o: MigrateOptions, sizing: TierkvSizing, rec: MigrateSideResult): Promise<void> {
  const spec = withArgs(o.tierkv, `--maxmemory-policy noeviction --maxmemory ${sizing.maxmemory} --hot-ratio ${sizing.hotRatio}`);
  const srv = await startSide('tierkv', spec, rec);
  if (!srv) return;
  let c: RespClient | undefined;
  await recordFailure(rec, 'tierkv', async () => {
    progress(`tierkv: loading ${fmtInt(o.keys)} keys via redis-cli --pipe …`);
    const l = await redisCliPipe(srv.port, setCommandChunks(o.keys, o.seed, o.valueBytes), o.timeoutS);
    rec.loadMs = l.ms;
    rec.loadErrors = l.errors;
    progress(`tierkv: loaded in ${(l.ms / 1000).toFixed(1)} s (replies ${l.replies}, errors ${l.errors})`);
    if (l.errors > 0) throw new Error(`load: ${l.errors} error replies (maxmemory too small? ${printable(l.output, 200)})`);
    c = await RespClient.connect(srv.host, srv.port);
    if (o.warmupS > 0) {
      progress(`tierkv: warm-up, ${o.warmupS} s of GETs (90% to the ${fmtInt(hotSplit(o.keys, o.hotShare).hotCount)} hot keys) …`);
      rec.warmup = await warmup(srv, o);
      progress(`tierkv: warm-up ${fmtInt(rec.warmup.gets / rec.warmup.seconds)} GET/s, ${fmtInt(rec.warmup.misses)} misses`);
    }
    // Wait until the hot tier is within its capacity and demotions have stopped.
    const ts = performance.now();
    let prev = await infoFields(c, 'tiers');
    for (;;) {
      await delay(200);
      const cur = await infoFields(c, 'tiers');
      const settled = num(cur, 'hot_used_bytes') <= num(cur, 'hot_capacity_bytes') && num(cur, 'demotions') === num(prev, 'demotions');
      prev = cur;
      if (settled) break;
      if (performance.now() - ts > o.timeoutS * 1000) throw new Error(`hot tier did not settle within ${o.timeoutS} s: ${cur['hot_used_bytes']} > ${cur['hot_capacity_bytes']}`);
    }
    rec.tiers = {
      hotUsed: num(prev, 'hot_used_bytes'),
      hotCapacity: num(prev, 'hot_capacity_bytes'),
      hotKeys: num(prev, 'hot_keys'),
      coldKeys: num(prev, 'cold_keys'),
      coldUsed: num(prev, 'cold_used_bytes'),
      demotions: num(prev, 'demotions'),
      promotions: num(prev, 'promotions'),
      settleMs: performance.now() - ts,
    };
    const t = rec.tiers;
    progress(
      `tierkv: settled in ${(t.settleMs / 1000).toFixed(1)} s: hot ${fmtMiB(t.hotUsed)} of ${fmtMiB(t.hotCapacity)} MiB, ` +
        `${fmtInt(t.hotKeys)} hot / ${fmtInt(t.coldKeys)} cold keys (${fmtFixed((100 * t.coldKeys) / (t.hotKeys + t.coldKeys), 1)}% cold), demotions ${fmtInt(t.demotions)}`,
    );
    const d = await c.send(['DBSIZE']);
    rec.keysBefore = typeof d === 'number' ? d : NaN;
    rec.usedMemoryBefore = num(await infoFields(c, 'memory'), 'used_memory');
    await delay(o.settleMs);
    rec.rssAfterLoad = readRssBytes(srv.pid);
    progress(`tierkv: MIGRATE_PREPARE (RSS ${fmtMiB(rec.rssAfterLoad)} MiB) …`);
    const cc = c;
    const { value, obs } = await observeDrop(srv, o, async () => decodePrepareReply(await cc.send(['MIGRATE_PREPARE'], 600_000)));
    rec.reply = value;
    rec.obs = obs;
    rec.dropped = Number(value['dropped_keys']);
    rec.freedBytes = Number(value['freed_bytes']);
    const d2 = await c.send(['DBSIZE']);
    rec.keysAfter = typeof d2 === 'number' ? d2 : NaN;
    rec.usedMemoryAfter = num(await infoFields(c, 'memory'), 'used_memory');
    progress(`tierkv: reply ${Object.entries(value).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    progress(`tierkv: ${sideSummary(rec)}`);
    const done = await c.send(['MIGRATE_DONE']);
    if (done instanceof RespError) progress(`tierkv: MIGRATE_DONE: ${done.message}`);
  }, async () => {
    c?.close();
    await srv.stop();
  });
}

async function runRedis(o: MigrateOptions, side: 'flushdb' | 'del', rec: MigrateSideResult): Promise<void> {
  const srv = await startSide(side, withArgs(o.redis, '--databases 16'), rec);
  if (!srv) return;
  const split = hotSplit(o.keys, o.hotShare);
  let c: RespClient | undefined;
  await recordFailure(rec, side, async () => {
    progress(`${side}: loading ${fmtInt(split.hotCount)} hot keys into DB 0 and ${fmtInt(o.keys - split.hotCount)} cold keys into DB 1 via redis-cli --pipe …`);
    const l = await redisCliPipe(srv.port, splitSetChunks(o.keys, o.seed, o.valueBytes, split.isHot), o.timeoutS);
    rec.loadMs = l.ms;
    rec.loadErrors = l.errors;
    progress(`${side}: loaded in ${(l.ms / 1000).toFixed(1)} s (replies ${l.replies}, errors ${l.errors})`);
    if (l.errors > 0) throw new Error(`load: ${l.errors} error replies`);
    c = await RespClient.connect(srv.host, srv.port);
    const ks = await infoFields(c, 'keyspace');
    rec.dbKeys = { db0: dbKeys(ks, 0), db1: dbKeys(ks, 1) };
    rec.keysBefore = rec.dbKeys.db0 + rec.dbKeys.db1;
    await delay(o.settleMs);
    rec.usedMemoryBefore = num(await infoFields(c, 'memory'), 'used_memory');
    rec.rssAfterLoad = readRssBytes(srv.pid);
    const sel = await c.send(['SELECT', '1']);
    if (sel instanceof RespError) throw new Error(`SELECT 1: ${sel.message}`);
    const cc = c;
    if (side === 'flushdb') {
      progress(`flushdb: FLUSHDB SYNC on DB 1 (${fmtInt(rec.dbKeys.db1)} keys; RSS ${fmtMiB(rec.rssAfterLoad)} MiB) …`);
      const { obs } = await observeDrop(srv, o, async () => {
        const r = await cc.send(['FLUSHDB', 'SYNC'], 600_000);
        if (r instanceof RespError) throw new Error(`FLUSHDB SYNC: ${r.message}`);
      });
      rec.obs = obs;
    } else {
      const cmds = Math.ceil((o.keys - split.hotCount) / o.delBatch);
      progress(`del: ${fmtInt(cmds)} pipelined DELs of ${o.delBatch} keys on DB 1 (${fmtInt(rec.dbKeys.db1)} keys; RSS ${fmtMiB(rec.rssAfterLoad)} MiB) …`);
      const { value, obs } = await observeDrop(srv, o, () => redisCliPipe(srv.port, coldDelChunks(o.keys, split.isHot, o.delBatch), o.timeoutS));
      rec.obs = obs;
      rec.delPipe = { replies: value.replies, errors: value.errors };
      if (value.errors > 0) throw new Error(`pipelined DEL: ${value.errors} error replies`);
    }
    const ks2 = await infoFields(c, 'keyspace');
    rec.dropped = rec.dbKeys.db1 - dbKeys(ks2, 1);
    rec.keysAfter = dbKeys(ks2, 0) + dbKeys(ks2, 1);
    rec.usedMemoryAfter = num(await infoFields(c, 'memory'), 'used_memory');
    rec.freedBytes = rec.usedMemoryBefore - rec.usedMemoryAfter;
    progress(`${side}: ${sideSummary(rec)}`);
  }, async () => {
    c?.close();
    await srv.stop();
  });
}

function sideSummary(r: MigrateSideResult): string {
  const x = r.obs;
  if (!x) return 'no observation';
  const half = halfReleaseMs(x, r.freedBytes ?? NaN);
  return (
    `dropped ${fmtInt(r.dropped)} keys in ${fmtFixed(x.dropMs, 1)} ms; longest PING gap ${fmtFixed(x.pingGapMs, 2)} ms (baseline ${fmtFixed(x.pingBaselineGapMs, 2)} ms, ${fmtInt(x.pings)} PINGs); ` +
    `RSS ${fmtMiB(x.rssBefore)} → ${fmtMiB(x.rssAtEnd)} (reply) → ${fmtMiB(x.rss1s)} (1 s) → ${fmtMiB(x.rss3s)} (3 s) MiB; freed ${fmtMiB(r.freedBytes)} MiB; ` +
    `RSS down by half of it after ${half === undefined ? `more than ${fmtInt(x.sampler.t.at(-1)! - x.t0)}` : fmtFixed(half, 0)} ms`
  );
}

/** Outcome of the benchmark. */
export interface MigrateResult {
  options: MigrateOptions;
  sizing: TierkvSizing;
  sides: MigrateSideResult[];
  elapsedMs: number;
  table: Table;
  failed: boolean;
}

/** Runs the selected sides, one server at a time (tierkv, then redis FLUSHDB, then redis DEL). Progress on stderr. */
export async function runMigrate(o: MigrateOptions): Promise<MigrateResult> {
  if (o.keys > MAX_KEYS) throw new Error(`--keys: at most ${MAX_KEYS}`);
  const t0 = performance.now();
  const sizing = tierkvSizing(o.keys, o.valueBytes, o.hotShare, o.headroom, {
    ...(o.maxmemory !== undefined ? { maxmemory: parseMemoryAmount(o.maxmemory, '--migrate-maxmemory') } : {}),
    ...(o.hotRatio !== undefined ? { hotRatio: o.hotRatio } : {}),
  });
  if (o.sides.includes('tierkv')) progress(`tierkv sizing: ${sizingText(o, sizing)}`);
  const ncpu = availableParallelism();
  const sides: MigrateSideResult[] = [];
  for (const side of o.sides) {
    const rec: MigrateSideResult = { side, commandLine: '', identity: '', backgroundCores: await backgroundCpuCores(500, ncpu) };
    sides.push(rec);
    if (side === 'tierkv') await runTierkv(o, sizing, rec);
    else await runRedis(o, side, rec);
  }
  const res: MigrateResult = { options: o, sizing, sides, elapsedMs: performance.now() - t0, table: { title: '', columns: [], rows: [] }, failed: sides.some((s) => s.error !== undefined) };
  res.table = migrateTable(res);
  return res;
}

function sizingText(o: MigrateOptions, s: TierkvSizing): string {
  return (
    `maxmemory ${fmtInt(s.maxmemory)} B (${fmtMiB(s.maxmemory)} MiB; ${s.given.maxmemory ? 'given' : `item chunks ${fmtMiB(s.chunkBytes)} MiB + index peak ${fmtMiB(s.indexPeakBytes)} MiB, + ${Math.round(o.headroom * 100)}%`}), ` +
    `hot-ratio ${s.hotRatio} (${s.given.hotRatio ? 'given' : `${o.hotShare} × chunk bytes / maxmemory`}) → hot capacity ${fmtMiB(s.hotCapacity)} MiB = ${fmtFixed(100 * s.hotItemShare, 1)}% of the items' chunk bytes`
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Table and markdown

/** Builds the table: one row per metric; columns tierkv, redis FLUSHDB SYNC, redis pipelined DEL, ratios. */
export function migrateTable(r: MigrateResult): Table {
  const o = r.options;
  const get = (s: MigrateSide): MigrateSideResult | undefined => r.sides.find((x) => x.side === s);
  const T = get('tierkv');
  const F = get('flushdb');
  const D = get('del');
  const ms1 = (v: number | undefined): string => fmtFixed(v, 1);
  const ms2 = (v: number | undefined): string => fmtFixed(v, 2);
  const reply = (f: string, scale = 1) => (x: MigrateSideResult | undefined): number | undefined => (x?.reply?.[f] === undefined ? undefined : Number(x.reply[f]) / scale);
  const half = (x: MigrateSideResult | undefined): number | undefined => (x?.obs ? halfReleaseMs(x.obs, x.freedBytes ?? NaN) : undefined);
  const halfText = (x: MigrateSideResult | undefined): string => {
    if (!x?.obs) return NA;
    const h = half(x);
    return h !== undefined ? fmtInt(h) : `> ${fmtInt(x.obs.dropMs + o.watchMs)}`;
  };
  type Metric = [name: string, unit: string, fmt: (v: number | undefined) => string, get: (x: MigrateSideResult | undefined) => number | undefined, text?: (x: MigrateSideResult | undefined) => string];
  const noRatio = new Set(['keys']);
  const metrics: Metric[] = [
    ['keys before the drop', 'keys', fmtInt, (x) => x?.keysBefore],
    ['keys dropped', 'keys', fmtInt, (x) => x?.dropped],
    ['keys kept', 'keys', fmtInt, (x) => x?.keysAfter],
    ['time to drop (command sent → reply; DEL: whole pipeline)', 'ms', ms1, (x) => x?.obs?.dropMs],
    ['longest stall seen by another client (PING gap)', 'ms', ms2, (x) => x?.obs?.pingGapMs],
    ['… same client, 0.3 s before the command (noise)', 'ms', ms2, (x) => x?.obs?.pingBaselineGapMs],
    ['server-reported stall_us (longest event-loop hold)', 'ms', ms2, reply('stall_us', 1000)],
    ['server-reported drop_us / gc_us', 'ms', ms2, reply('drop_us', 1000), (x) => (x?.reply ? `${ms2(reply('drop_us', 1000)(x))} / ${ms2(reply('gc_us', 1000)(x))}` : NA)],
    ['RSS before', 'MiB', fmtMiB, (x) => x?.obs?.rssBefore],
    ['RSS after the drop (at the reply)', 'MiB', fmtMiB, (x) => x?.obs?.rssAtEnd],
    ['RSS 1 s after the reply', 'MiB', fmtMiB, (x) => x?.obs?.rss1s],
    ['RSS 3 s after the reply', 'MiB', fmtMiB, (x) => (o.watchMs >= 3000 ? x?.obs?.rss3s : undefined)],
    ['freed by the server (tierkv freed_bytes; redis Δused_memory)', 'MiB', fmtMiB, (x) => x?.freedBytes],
    ['RSS released 1 s after the reply (before − 1 s)', 'MiB', fmtMiB, (x) => (x?.obs ? x.obs.rssBefore - x.obs.rss1s : undefined)],
    ['time until RSS fell by half the freed bytes (from sending)', 'ms', fmtInt, half, halfText],
    ['server-reported release_ms (released)', 'ms', ms1, reply('release_ms'), (x) => (x?.reply ? `${ms1(reply('release_ms')(x))} (${x.reply['released']})` : NA)],
    ['load time (redis-cli --pipe)', 's', ms1, (x) => (x?.loadMs === undefined ? undefined : x.loadMs / 1000)],
  ];
  const rows = metrics.map(([name, unit, fmt, g, text]) => {
    const show = (x: MigrateSideResult | undefined): string => (x === undefined ? NA : text ? text(x) : fmt(g(x)));
    const t = g(T);
    const ratio = (x: MigrateSideResult | undefined): string => (noRatio.has(unit) ? '' : fmtRatio(t, g(x)));
    return [name, unit, show(T), show(F), show(D), ratio(F), ratio(D)];
  });
  const notes: string[] = [];
  const split = hotSplit(o.keys, o.hotShare);
  notes.push(
    `${fmtInt(o.keys)} keys (${describeKeyLengths(o.keys)}), ${o.valueBytes} B values, seed ${o.seed}; hot share ${o.hotShare}; one fresh server per column, one at a time; total ${(r.elapsedMs / 1000).toFixed(0)} s.`,
  );
  if (T) {
    const t = T.tiers;
    notes.push(
      `tierkv: ${sizingText(o, r.sizing)}; maxmemory-policy noeviction.` +
        (t ? ` Before the drop: ${fmtInt(t.hotKeys)} hot / ${fmtInt(t.coldKeys)} cold keys (${fmtFixed((100 * t.coldKeys) / (t.hotKeys + t.coldKeys), 1)}% cold), hot ${fmtMiB(t.hotUsed)} / cold ${fmtMiB(t.coldUsed)} MiB of chunks, ${fmtInt(t.demotions)} demotions, ${fmtInt(t.promotions)} promotions, settled ${(t.settleMs / 1000).toFixed(1)} s after the load${T.warmup ? ` and a ${T.warmup.seconds.toFixed(0)} s warm-up (${fmtInt(T.warmup.gets / T.warmup.seconds)} GET/s, 90% to the keys redis keeps in DB 0)` : ''}.` : ''),
    );
  }
  if (F || D) {
    notes.push(
      `redis (--databases 16): ${fmtInt(split.hotCount)} "hot" keys (key i when ⌊(i+1)·${o.hotShare}⌋ > ⌊i·${o.hotShare}⌋) in DB 0, the ${fmtInt(o.keys - split.hotCount)} others in DB 1; ` +
        `FLUSHDB SYNC after SELECT 1; DEL: ${o.delBatch} keys per DEL, all pipelined through redis-cli --pipe (SELECT 1 first).`,
    );
  }
  notes.push(
    `Measured from the benchmark process: RSS = VmRSS of /proc/PID/status every ${o.sampleMs} ms from 0.3 s before the command to ${o.watchMs} ms after its reply; ` +
      `"time until RSS fell" = first sample ≤ RSS before − freed/2, from sending the command (the criterion of tierkv's release_ms), "> X" = not within the watch; ` +
      `PING gap = longest time between two replies of a second client's PING loop (send, await reply, ${o.pingPauseMs > 0 ? `pause ${o.pingPauseMs} ms, ` : ''}send…) from the command to the end of the watch. Ratios = tierkv / redis.`,
  );
  if (T?.obs) {
    const stall = T.obs.pingGapMs;
    const serverStall = T.reply?.['stall_us'] === undefined ? NaN : Number(T.reply['stall_us']) / 1000;
    const h = half(T);
    notes.push(
      `Targets at 10M keys: stall ≤ ${TARGET_STALL_MS} ms — server-side ${serverStall <= TARGET_STALL_MS ? 'met' : 'NOT met'} (stall_us ${T.reply?.['stall_us'] ?? NA}), ` +
        `seen by another client ${stall <= TARGET_STALL_MS ? 'met' : 'NOT met'} (longest PING gap ${ms2(stall)} ms, which includes one round trip and the probe's pause; noise floor ${ms2(T.obs.pingBaselineGapMs)} ms); ` +
        `RSS released ≤ ${TARGET_RELEASE_MS / 1000} s — ${h !== undefined && h <= TARGET_RELEASE_MS ? 'met' : 'NOT met'} (RSS down by half the freed bytes after ${halfText(T)} ms, release_ms ${T.reply?.['release_ms'] ?? NA})` +
        (o.keys !== 10_000_000 ? ` [this run: ${fmtInt(o.keys)} keys]` : '') +
        '.',
    );
    if (T.obs.pingGapMs > T.obs.pingBaselineGapMs * 2 && Number.isFinite(T.obs.pingGapEndMs)) {
      notes.push(`tierkv: the longest PING gap ended ${fmtInt(T.obs.pingGapEndMs)} ms after MIGRATE_PREPARE was sent (its reply came after ${fmtInt(T.obs.dropMs)} ms).`);
    }
  }
  if (T?.reply) notes.push(`tierkv MIGRATE_PREPARE reply: ${Object.entries(T.reply).map(([k, v]) => `${k}=${v}`).join(', ')}.`);
  notes.push(backgroundNote(r.sides.map((x) => x.backgroundCores), 'timings are unreliable — rerun on an idle machine'));
  for (const x of r.sides) {
    if (x.error) notes.push(`error: ${SIDE_LABEL[x.side]}: ${x.error}`);
    if (x.obs?.pingError) notes.push(`warning: ${SIDE_LABEL[x.side]}: the PING probe stopped: ${x.obs.pingError}`);
    if (x.keysBefore !== undefined && x.keysBefore !== o.keys) notes.push(`warning: ${SIDE_LABEL[x.side]}: ${fmtInt(x.keysBefore)} keys before the drop ≠ ${fmtInt(o.keys)} loaded`);
  }
  if (o.tierkv.overridden && T) notes.push(`NOTE: the tierkv side was overridden: ${T.commandLine} (${T.identity}).`);
  return {
    title: `MIGRATE_PREPARE vs redis-server: dropping the cold ${Math.round((1 - o.hotShare) * 100)}% of ${fmtInt(o.keys)} keys`,
    columns: [
      { header: 'metric' },
      { header: 'unit' },
      ...rightColumns(SIDE_LABEL.tierkv, SIDE_LABEL.flushdb, SIDE_LABEL.del, 'tierkv/FLUSHDB', 'tierkv/DEL'),
    ],
    rows,
    notes: notes.filter(Boolean),
  };
}

/**
 * The markdown section for RESULTS.md (between MIGRATE_MARKERS): command, machine, server command lines, table.
 * @param cmd the command that produced it; @param machine machine description (markdown bullet lines)
 */
export function migrateMarkdown(cmd: string, machine: string, r: MigrateResult): string {
  const lines = [
    '## MIGRATE_PREPARE vs redis-server (latest run)',
    '',
    "tierkv drops its cold tier with MIGRATE_PREPARE; redis-server, which has no tiers, drops the same share of the keys kept in their own DB with FLUSHDB SYNC, or with pipelined DELs. See the comment at the top of bench/migrate-prepare.ts.",
    '',
    `Command (from the repository root): ${codeSpan(cmd)}`,
    '',
    machine,
    ...r.sides.filter((s) => s.commandLine).map((s) => `- ${SIDE_LABEL[s.side]}: ${codeSpan(s.commandLine)}${(s.side === 'tierkv' ? r.options.tierkv : r.options.redis).overridden ? ' (overridden)' : ''} — ${s.identity}`),
    '',
    renderMarkdown(r.table),
  ];
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------------
// Command line

/** Option definitions for node:util parseArgs, shared with run-all (`seed`, `settle-ms`, `load-timeout-s`, `*-cmd` are common). */
export const MIGRATE_ARG_OPTIONS = stringOptions(
  'migrate-keys', 'migrate-sides', 'migrate-hot-share', 'migrate-maxmemory', 'migrate-hot-ratio', 'migrate-headroom', 'migrate-warmup-s',
  'migrate-watch-ms', 'migrate-sample-ms', 'migrate-del-batch', 'migrate-ping-pause-ms',
  'seed', 'settle-ms', 'load-timeout-s', 'tierkv-cmd', 'redis-cmd',
);

function parseShare(s: string, what: string): number {
  const x = Number(s);
  if (!Number.isFinite(x) || x <= 0 || x >= 1) throw new Error(`${what}: expected a number in (0, 1), got ${JSON.stringify(s)}`);
  return x;
}

/** Applies parsed command-line values onto the defaults. `keys` is the standalone alias of `migrate-keys`. */
export function migrateOptionsFrom(v: Partial<Record<keyof typeof MIGRATE_ARG_OPTIONS | 'keys', string | boolean | undefined>>): MigrateOptions {
  const str = (x: string | boolean | undefined): string | undefined => (typeof x === 'string' ? x : undefined);
  const o = defaultMigrateOptions(str(v['tierkv-cmd']), str(v['redis-cmd']));
  const keys = str(v['migrate-keys']) ?? str(v.keys);
  if (keys !== undefined) o.keys = parsePositiveInt(keys, '--keys');
  const sides = str(v['migrate-sides']);
  if (sides !== undefined) {
    const xs = sides.split(',').map((s) => s.trim()).filter(Boolean);
    for (const x of xs) if (!(MIGRATE_SIDES as readonly string[]).includes(x)) throw new Error(`--migrate-sides: expected some of ${MIGRATE_SIDES.join(',')}, got ${x}`);
    if (xs.length === 0) throw new Error(`--migrate-sides: expected some of ${MIGRATE_SIDES.join(',')}`);
    o.sides = MIGRATE_SIDES.filter((s) => xs.includes(s));
  }
  if (str(v['migrate-hot-share']) !== undefined) o.hotShare = parseShare(str(v['migrate-hot-share'])!, '--migrate-hot-share');
  const mm = str(v['migrate-maxmemory']);
  if (mm !== undefined) o.maxmemory = maxmemoryOption(mm, '--migrate-maxmemory') ?? o.maxmemory;
  const hr = str(v['migrate-hot-ratio']);
  if (hr !== undefined && hr !== 'auto') o.hotRatio = parseShare(hr, '--migrate-hot-ratio');
  if (str(v['migrate-headroom']) !== undefined) {
    const h = Number(str(v['migrate-headroom']));
    if (!Number.isFinite(h) || h < 0 || h > 10) throw new Error(`--migrate-headroom: expected a number in [0, 10], got ${str(v['migrate-headroom'])}`);
    o.headroom = h;
  }
  if (str(v['migrate-warmup-s']) !== undefined) o.warmupS = parseNonNegativeInt(str(v['migrate-warmup-s'])!, '--migrate-warmup-s');
  if (str(v['migrate-watch-ms']) !== undefined) o.watchMs = parseNonNegativeInt(str(v['migrate-watch-ms'])!, '--migrate-watch-ms');
  if (str(v['migrate-sample-ms']) !== undefined) o.sampleMs = parsePositiveInt(str(v['migrate-sample-ms'])!, '--migrate-sample-ms');
  if (str(v['migrate-del-batch']) !== undefined) o.delBatch = parsePositiveInt(str(v['migrate-del-batch'])!, '--migrate-del-batch');
  if (str(v['migrate-ping-pause-ms']) !== undefined) o.pingPauseMs = parseNonNegativeInt(str(v['migrate-ping-pause-ms'])!, '--migrate-ping-pause-ms');
  if (str(v.seed) !== undefined) o.seed = parseNonNegativeInt(str(v.seed)!, '--seed');
  if (str(v['settle-ms']) !== undefined) o.settleMs = parseNonNegativeInt(str(v['settle-ms'])!, '--settle-ms');
  if (str(v['load-timeout-s']) !== undefined) o.timeoutS = parsePositiveInt(str(v['load-timeout-s'])!, '--load-timeout-s');
  return o;
}

export const MIGRATE_HELP = `Options (migrate: MIGRATE_PREPARE vs redis FLUSHDB SYNC / pipelined DEL):
  --migrate-keys N         keys loaded (default 10,000,000, the paper's workload; migrate-prepare.js also takes --keys)
  --migrate-sides LIST     some of tierkv,flushdb,del (default all three, run in this order)
  --migrate-hot-share S    share of the items kept hot (tierkv hot tier / redis DB 0), default 0.3
  --migrate-maxmemory M    tierkv maxmemory: auto (default: item chunks + index peak + headroom) or an amount like 2gb
  --migrate-hot-ratio R    tierkv hot-ratio: auto (default: hot share × chunk bytes / maxmemory) or a number
  --migrate-headroom F     automatic maxmemory headroom (default 0.05)
  --migrate-warmup-s S     seconds of GETs (90% to the hot keys) on tierkv before the drop (default 0)
  --migrate-watch-ms MS    how long RSS and PING are watched after the drop (default 3000)
  --migrate-sample-ms MS   RSS sampling period (default 10)
  --migrate-del-batch K    keys per DEL on the pipelined-DEL side (default 1000)
  --migrate-ping-pause-ms P  pause of the PING probe between a reply and the next PING (default 1; 0 = back to back)
  --seed S                 value generator seed (default 42)
  --settle-ms MS           pause after the load before the drop (default 2000)
  --load-timeout-s S       limit of one redis-cli --pipe run / of the tier settling (default 1800)
  --tierkv-cmd CMD         tierkv command ({port} replaced; --maxmemory-policy/--maxmemory/--hot-ratio appended; env TIERKV_CMD)
  --redis-cmd CMD          redis-server command (--databases 16 appended; env REDIS_CMD)`;

/** Default results file. */
const RESULTS_PATH = join(REPO_ROOT, 'bench', 'RESULTS.md');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { ...MIGRATE_ARG_OPTIONS, keys: { type: 'string' }, write: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(`Usage: node dist/bench/migrate-prepare.js [--write] [--out PATH] [options]\n  --write                  update this benchmark's section of bench/RESULTS.md (or --out PATH)\n${MIGRATE_HELP}`);
    return;
  }
  const o = migrateOptionsFrom(values);
  const cmd = invocation();
  const machine = machineInfo();
  console.log(`# MIGRATE_PREPARE benchmark\ncommand: ${cmd}\n${machineText(machine)}\n`);
  const r = await runMigrate(o);
  for (const s of r.sides) if (s.commandLine) console.log(`${SIDE_LABEL[s.side]}: ${s.commandLine} (${s.identity})`);
  console.log('\n' + renderText(r.table));
  if (values.write || values.out !== undefined) {
    const path = values.out ?? RESULTS_PATH;
    writeGeneratedSection(path, migrateMarkdown(cmd, machineMarkdown(machine), r), MIGRATE_MARKERS);
    console.log(`wrote ${path}`);
  }
  if (r.failed) process.exitCode = 1;
}

runIfMain(import.meta.url, main);
