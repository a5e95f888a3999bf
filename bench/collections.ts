/**
 * Collections benchmark (issues 14 and 15): what hashes, sets, lists and sorted sets cost in memory, tierkv vs redis-server; how MIGRATE_PREPARE
 * fares on a keyspace with small collections; and redis-benchmark's collection tests. In one run, one server measured
 * at a time, each freshly started on a free loopback port (the throughput part keeps one of each side up: each test
 * runs on one, then at once on the other, see throughput.ts); ratios are tierkv / redis. Nothing asserts a timing.
 *
 * **Part `memory`** — three scenarios, each on a fresh server per side:
 *   (a) `hashes`:  `--coll-hashes` (200,000) hashes of `--coll-fields` (10) fields, fields of `--coll-field-bytes`
 *       (8) bytes (`f0000000` … `f0000009`), values of `--coll-value-bytes` (16) bytes (lib/dataset.ts's value
 *       generator), keys as lib/dataset.ts names them (1–3 bytes at 200,000); one `HSET key f v …` per hash. Both
 *       servers keep them as listpacks (hash-max-listpack-entries 128, -value 64).
 *   (b) `bighash`: one hash `bighash` of `--coll-big` (1,000,000) fields (`f` + zero-padded index, field and value
 *       sizes as in (a)), `--coll-batch` (100) fields per HSET.
 *   (c) `bigset`:  one set `bigset` of `--coll-big` members of `--coll-member-bytes` (15) bytes (`m` + zero-padded
 *       index: not integers, so a hashtable on both servers), `--coll-batch` per SADD.
 *   (d) `biglist`: one list `biglist` of `--coll-list-big` (10,000,000) elements of `--coll-list-bytes` (16) bytes
 *       (`e` + zero-padded index: not integers, which redis's listpack would store as integers), `--coll-batch`
 *       per RPUSH.
 *   (e) `bigzset`: one sorted set `bigzset` of `--coll-big` members as in (c), scores integers and halves not in
 *       member order (zsetScore), `--coll-batch` per ZADD: a skiplist on both servers. Skipped with a note on a
 *       server that answers ZADD with `ERR unknown command` (tierkv before sorted sets).
 *   The RESP stream goes through `redis-cli --pipe` (lib/redis-cli-pipe.ts). Reported per side: load time, RSS growth
 *   (VmRSS after − before, lib/proc.ts; before = `--coll-quiet-ms`, 12 s, after the start) per hash or element, the
 *   same after `--coll-quiet-ms` more without any command (the target's reading), used_memory per hash/element (Δ over the load and
 *   absolute), tierkv's arena_bytes, the RSS growth again after `MEMORY PURGE` (tierkv: empty extents released and a
 *   GC, which frees the SharedArrayBuffers of dropped extents such as a grown table's old one; redis: jemalloc purge),
 *   and tierkv's V8 heap (`js_heap_used_bytes`, INFO memory) after the load and the most
 *   seen while loading (INFO polled every `--coll-poll-ms`, 500 ms); the target is < `--coll-heap-limit-mib` (64).
 *   Spot checks after the load: HLEN/HGET of a few hashes (a), HLEN and HGET of a few fields (b), SCARD and SISMEMBER
 *   of present and absent members (c); OBJECT ENCODING of one key.
 *
 * **Part `migrate`** (tierkv only; redis-server has no MIGRATE_PREPARE): two keyspaces of similar size, each on a
 * fresh tierkv started with `--maxmemory-policy noeviction`:
 *   - `strings`: `--coll-mig-strings` (1,000,000) SETs of lib/dataset.ts (100-byte values);
 *   - `mixed`: `--coll-mig-mixed` (550000,150000,150000) strings, small hashes (as in (a)) and small sets of 10
 *     integer members (intsets: demotable like strings; a set with a non-integer member is a hashtable, which is
 *     pinned hot and never dropped).
 *   After the load, maxmemory is set (CONFIG SET) to used_memory + `--coll-headroom` (15%) and hot-ratio so that the
 *   hot tier holds `--coll-hot-share` (0.3) of the hot_used_bytes of the load; the benchmark waits until the hot tier
 *   is within its capacity and demotions stopped, then sends MIGRATE_PREPARE while a second client runs a PING loop
 *   and the RSS is sampled (the observation of bench/migrate-prepare.ts, `observeDrop`). Reported: the reply's
 *   dropped_keys, freed_bytes, zeroed_bytes, stall_us, drop_us, gc_us, release_ms, the client-side time to the reply
 *   and the longest PING gap, and the RSS. Beside them, unless `--coll-mig-redis no`: redis-server with the same
 *   keyspace, its hot share (every item i with ⌊(i+1)·s⌋ > ⌊i·s⌋, bench/migrate-prepare.ts's split) in DB 0 and the
 *   rest in DB 1, `SELECT 1` + `FLUSHDB SYNC` under the same observation.
 *
 * **Part `throughput`**: bench/throughput.ts with the collection tests and SET as a reference (`--coll-tests`,
 *   default DEFAULT_COLL_TESTS: hset,sadd,spop,lpush,rpush,lpop,rpop,lrange_100,lrange_600,zadd,zpopmin,set) at
 *   `--coll-pipeline` (1,16):
 *   `redis-benchmark -t TEST -d 100 -r 1000000 -c 50 -n --coll-requests -P P --csv` (HSET: fields `element:<rand>`
 *   of 100 bytes in one hash `myhash`; SADD: members of one set `myset`; SPOP from `myset`, which is filled before
 *   each SPOP run so that no SPOP finds it empty, see throughput.ts prepareTest; likewise `mylist` before LPOP/RPOP
 *   and `myzset` before ZPOPMIN; LRANGE_100/600 read the first 100/600 elements of `mylist`, run as explicit
 *   `LRANGE mylist 0 N-1` commands so that redis-benchmark's own LPUSH pre-fill does not count; ZADD/ZPOPMIN are
 *   skipped with a note on a server without them). Target ≥ 0.7× redis ops/s. Besides
 *   ops/s and latency, requests per second of server CPU time (user + system of the server process during the run),
 *   which depends less on other processes' load on the machine.
 *
 * Usage: node dist/bench/collections.js [--coll-parts memory,migrate,throughput] [--coll-scenarios hashes,bighash,bigset]
 *        [--coll-hashes N] [--coll-fields F] [--coll-field-bytes B] [--coll-value-bytes B] [--coll-big N]
 *        [--coll-member-bytes B] [--coll-batch K] [--coll-list-big N] [--coll-list-bytes B] [--coll-poll-ms MS] [--coll-quiet-ms MS] [--coll-heap-limit-mib M]
 *        [--coll-mig-strings N] [--coll-mig-mixed S,H,T] [--coll-hot-share S] [--coll-headroom F] [--coll-mig-redis yes|no]
 *        [--coll-requests N] [--coll-pipeline 1,16] [--coll-clients C] [--coll-repeat K] [--coll-tests LIST] [--seed S] [--settle-ms MS] [--load-timeout-s S]
 *        [--tierkv-cmd CMD] [--redis-cmd CMD] [--write] [--out PATH]
 *   (npm run bench:collections -- …; node dist/bench/run-all.js --only collections …)
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { invocation, parseIntList, parseNonNegativeInt, parsePositiveInt, progress, runIfMain, stringOptions } from './lib/cli.js';
import { DEFAULT_VALUE_BYTES, MAX_KEYS, keyOf, setCommandChunks, writeValue } from './lib/dataset.js';
import { printable } from './lib/exec.js';
import { errorText, recordFailure } from './lib/failures.js';
import { machineInfo, machineMarkdown, machineText } from './lib/machine.js';
import { codeSpan, writeGeneratedSection } from './lib/markdown.js';
import { backgroundCpuCores, backgroundNote, readProcMemory, readRssBytes } from './lib/proc.js';
import { redisCliPipe } from './lib/redis-cli-pipe.js';
import { RespClient, RespError, infoFields, infoNumber, type RespValue } from './lib/resp.js';
import { REPO_ROOT, delay, serverSpecs, startServer, type RunningServer, type ServerSide, type ServerSpec } from './lib/server.js';
import { NA, fmtFixed, fmtInt, fmtMiB, fmtRatio, renderMarkdown, renderText, rightColumns, type Table } from './lib/table.js';
import { decodePrepareReply, hotSplit, observeDrop, type DropObservation, type PrepareReply } from './migrate-prepare.js';
import { probeTest } from './throughput.js';
import { medianByRps } from './lib/redis-benchmark.js';
import { defaultThroughputOptions, pairedMedianRatio, pairedRatios, runThroughput, type TestRun, type ThroughputOptions, type ThroughputResult } from './throughput.js';

/** Markers of this benchmark's section of bench/RESULTS.md. */
export const COLLECTIONS_MARKERS = {
  begin: '<!-- bench:collections:begin (generated by bench/collections.ts or run-all.ts --write; edits inside are overwritten) -->',
  end: '<!-- bench:collections:end -->',
} as const;

export const COLLECTION_PARTS = ['memory', 'migrate', 'throughput'] as const;
/** The throughput part's default redis-benchmark tests; SET is the reference (see REFERENCE_TESTS). */
export const DEFAULT_COLL_TESTS = ['hset', 'sadd', 'spop', 'lpush', 'rpush', 'lpop', 'rpop', 'lrange_100', 'lrange_600', 'zadd', 'zpopmin', 'set'] as const;
export type CollectionPart = (typeof COLLECTION_PARTS)[number];
export const MEMORY_SCENARIOS = ['hashes', 'bighash', 'bigset', 'biglist', 'bigzset'] as const;
export type MemoryScenario = (typeof MEMORY_SCENARIOS)[number];

export interface CollectionsOptions {
  parts: CollectionPart[];
  scenarios: MemoryScenario[];
  /** (a) number of hashes, fields per hash. */
  hashes: number;
  fields: number;
  /** Field and value sizes of (a) and (b), bytes. */
  fieldBytes: number;
  valueBytes: number;
  /** Elements of the big hash (b) and the big set (c). */
  big: number;
  /** Member size of (c), bytes. */
  memberBytes: number;
  /** Elements per HSET/SADD/RPUSH/ZADD command for (b)–(e). */
  batch: number;
  /** (d) elements of the big list, and their size in bytes. */
  listBig: number;
  listBytes: number;
  /** INFO memory polling period during a load, ms. */
  pollMs: number;
  /** V8 heap target, MiB. */
  heapLimitMiB: number;
  /** migrate: strings of the strings-only keyspace; strings, hashes, sets of the mixed one. */
  migStrings: number;
  migMixed: { strings: number; hashes: number; sets: number };
  hotShare: number;
  headroom: number;
  migRedis: boolean;
  /** RSS sampling, PING pause and watch after the drop, ms (as bench/migrate-prepare.ts). */
  sampleMs: number;
  pingPauseMs: number;
  watchMs: number;
  throughput: ThroughputOptions;
  seed: number;
  settleMs: number;
  /**
   * Memory part: ms without any command after the `after` reading, before the `quiet` one, and after the start before
   * the `before` one (tierkv gives the young generation back after 8 s of quiet; jemalloc purges dirty pages after its
   * decay time, 10 s by default).
   */
  quietMs: number;
  timeoutS: number;
  tierkv: ServerSpec;
  redis: ServerSpec;
}

export function defaultCollectionsOptions(tierkvCmd?: string, redisCmd?: string): CollectionsOptions {
  const tp = defaultThroughputOptions(tierkvCmd, redisCmd);
  tp.tests = [...DEFAULT_COLL_TESTS];
  tp.requests = 200_000;
  // As many warm-up requests as measured ones: a fresh Node.js server runs a test's code unoptimized for its first
  // ~0.3 s (V8 tiers a function up to TurboFan after thousands of calls; measured here: ~90k ops/s in the first
  // 250 ms of LPUSH at -P 16, ~330k after), and 20,000 warm-up requests take ~0.07 s. What is compared is the steady
  // state of two long-running servers.
  tp.warmup = 200_000;
  return {
    parts: [...COLLECTION_PARTS],
    scenarios: [...MEMORY_SCENARIOS],
    hashes: 200_000,
    fields: 10,
    fieldBytes: 8,
    valueBytes: 16,
    big: 1_000_000,
    memberBytes: 15,
    batch: 100,
    listBig: 10_000_000,
    listBytes: 16,
    pollMs: 500,
    heapLimitMiB: 64,
    migStrings: 1_000_000,
    migMixed: { strings: 550_000, hashes: 150_000, sets: 150_000 },
    hotShare: 0.3,
    headroom: 0.15,
    migRedis: true,
    sampleMs: 10,
    pingPauseMs: 1,
    watchMs: 3000,
    throughput: tp,
    seed: 42,
    settleMs: 2000,
    quietMs: 12_000,
    timeoutS: 1800,
    ...serverSpecs(tierkvCmd, redisCmd),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// RESP streams

/** Builds RESP commands into ~1 MiB buffers; `add` returns a full buffer to yield (or null). */
class RespChunks {
  private buf: Buffer;
  private off = 0;
  constructor(private readonly size = 1 << 20) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Appends `*n`, then each argument as a bulk string (strings are latin1). */
  add(args: (string | Buffer)[]): Buffer | null {
    let need = 16;
    for (const a of args) need += a.length + 16;
    let out: Buffer | null = null;
    if (this.off + need > this.buf.length) {
      out = this.take();
      if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
    }
    const b = this.buf;
    let off = this.off;
    off += b.write(`*${args.length}\r\n`, off, 'latin1');
    for (const a of args) {
      off += b.write(`$${a.length}\r\n`, off, 'latin1');
      off += typeof a === 'string' ? b.write(a, off, 'latin1') : a.copy(b, off);
      b[off++] = 0x0d;
      b[off++] = 0x0a;
    }
    this.off = off;
    return out;
  }

  /** Appends bytes as they are (e.g. a SELECT, or a chunk of SETs). */
  raw(bytes: Buffer): Buffer | null {
    let out: Buffer | null = null;
    if (this.off + bytes.length > this.buf.length) {
      out = this.take();
      if (bytes.length > this.buf.length) this.buf = Buffer.allocUnsafe(bytes.length);
    }
    this.off += bytes.copy(this.buf, this.off);
    return out;
  }

  /** The buffered bytes (null if none); the next commands go to a fresh buffer. */
  take(): Buffer | null {
    if (this.off === 0) return null;
    const out = this.buf.subarray(0, this.off);
    this.buf = Buffer.allocUnsafe(this.size);
    this.off = 0;
    return out;
  }
}

/** `prefix` + `i` zero-padded to `bytes` bytes in all; throws if `i` does not fit. */
export function padded(prefix: string, i: number, bytes: number): string {
  const digits = bytes - prefix.length;
  const s = String(i);
  if (digits < s.length) throw new RangeError(`${prefix}${i} does not fit in ${bytes} bytes`);
  return prefix + s.padStart(digits, '0');
}

/** Value of field `j` of hash `h` (lib/dataset.ts's generator, index h·fields + j). */
function hashValue(seed: number, index: number, bytes: number): Buffer {
  const b = Buffer.allocUnsafe(bytes);
  writeValue(seed, index, bytes, b, 0);
  return b;
}

/** The field names of a small hash: `f0000000` … (fieldBytes bytes each). */
function smallFields(fields: number, fieldBytes: number): string[] {
  return Array.from({ length: fields }, (_, j) => padded('f', j, fieldBytes));
}

/** `HSET key_h f0 v0 … f(F−1) v(F−1)` for the hashes h in [from, to) that `keep` accepts; key of hash h = keyOf(keyBase + h). */
function* smallHashCommands(out: RespChunks, o: Pick<CollectionsOptions, 'fields' | 'fieldBytes' | 'valueBytes' | 'seed'>, from: number, to: number, keyBase: number, keep?: (h: number) => boolean): Generator<Buffer> {
  const names = smallFields(o.fields, o.fieldBytes);
  for (let h = from; h < to; h++) {
    if (keep && !keep(h)) continue;
    const args: (string | Buffer)[] = ['HSET', keyOf(keyBase + h)];
    for (let j = 0; j < o.fields; j++) args.push(names[j]!, hashValue(o.seed, h * o.fields + j, o.valueBytes));
    const b = out.add(args);
    if (b) yield b;
  }
}

/** `SADD key_s m0 … m9` (integers: an intset) for the sets s in [from, to) that `keep` accepts; key of set s = keyOf(keyBase + s). */
function* smallIntsetCommands(out: RespChunks, from: number, to: number, keyBase: number, keep?: (s: number) => boolean): Generator<Buffer> {
  for (let s = from; s < to; s++) {
    if (keep && !keep(s)) continue;
    const args: (string | Buffer)[] = ['SADD', keyOf(keyBase + s)];
    for (let j = 0; j < 10; j++) args.push(String(s * 10 + j + 1_000_000));
    const b = out.add(args);
    if (b) yield b;
  }
}

/** The RESP stream of a memory scenario. */
export function* scenarioChunks(o: CollectionsOptions, sc: MemoryScenario): Generator<Buffer> {
  const out = new RespChunks();
  if (sc === 'hashes') {
    yield* smallHashCommands(out, o, 0, o.hashes, 0);
  } else if (sc === 'bighash') {
    for (let i = 0; i < o.big; i += o.batch) {
      const args: (string | Buffer)[] = ['HSET', 'bighash'];
      for (let j = i; j < Math.min(o.big, i + o.batch); j++) args.push(padded('f', j, o.fieldBytes), hashValue(o.seed, j, o.valueBytes));
      const b = out.add(args);
      if (b) yield b;
    }
  } else if (sc === 'bigset') {
    for (let i = 0; i < o.big; i += o.batch) {
      const args: (string | Buffer)[] = ['SADD', 'bigset'];
      for (let j = i; j < Math.min(o.big, i + o.batch); j++) args.push(padded('m', j, o.memberBytes));
      const b = out.add(args);
      if (b) yield b;
    }
  } else if (sc === 'biglist') {
    for (let i = 0; i < o.listBig; i += o.batch) {
      const args: (string | Buffer)[] = ['RPUSH', 'biglist'];
      for (let j = i; j < Math.min(o.listBig, i + o.batch); j++) args.push(padded('e', j, o.listBytes));
      const b = out.add(args);
      if (b) yield b;
    }
  } else {
    for (let i = 0; i < o.big; i += o.batch) {
      const args: (string | Buffer)[] = ['ZADD', 'bigzset'];
      for (let j = i; j < Math.min(o.big, i + o.batch); j++) args.push(String(zsetScore(j)), padded('m', j, o.memberBytes));
      const b = out.add(args);
      if (b) yield b;
    }
  }
  const last = out.take();
  if (last) yield last;
}

/** Score of member j of (e): a spread of integers and halves, not in member order (so the skiplist is not built in order). */
function zsetScore(j: number): number {
  return ((j * 7919) % 1_000_003) / 2;
}

/** Elements the per-element figures divide by: hashes for (a), fields / members / elements for (b)–(e). */
function scenarioElements(o: CollectionsOptions, sc: MemoryScenario): number {
  return sc === 'hashes' ? o.hashes : sc === 'biglist' ? o.listBig : o.big;
}

function scenarioLabel(o: CollectionsOptions, sc: MemoryScenario): string {
  if (sc === 'hashes') return `(a) ${fmtInt(o.hashes)} hashes × ${o.fields} fields (${o.fieldBytes} B fields, ${o.valueBytes} B values)`;
  if (sc === 'bighash') return `(b) 1 hash × ${fmtInt(o.big)} fields (${o.fieldBytes} B fields, ${o.valueBytes} B values)`;
  if (sc === 'bigset') return `(c) 1 set × ${fmtInt(o.big)} members (${o.memberBytes} B)`;
  if (sc === 'biglist') return `(d) 1 list × ${fmtInt(o.listBig)} elements (${o.listBytes} B)`;
  return `(e) 1 sorted set × ${fmtInt(o.big)} members (${o.memberBytes} B)`;
}

// ---------------------------------------------------------------------------------------------------------------
// Part memory

interface Snapshot {
  rssBytes: number;
  hwmBytes: number;
  info: Record<string, string>;
}

export interface MemorySideRun {
  side: ServerSide;
  scenario: MemoryScenario;
  commandLine: string;
  identity: string;
  backgroundCores: number;
  before?: Snapshot;
  after?: Snapshot;
  /** `quietMs` after `after`, no command in between. */
  quiet?: Snapshot;
  /** After MEMORY PURGE (both servers have it: tierkv releases empty extents and runs a GC, redis purges jemalloc). */
  purged?: Snapshot;
  loadMs?: number;
  errors?: number;
  /** Largest js_heap_used_bytes seen while loading (polled), bytes. */
  heapMaxBytes?: number;
  encoding?: string;
  dbsize?: number;
  checks?: { ok: number; total: number; firstMismatch?: string };
  error?: string;
  /** Why the scenario did not run on this side (no failure): (e) on a server without ZADD. */
  skipped?: string;
}

async function snapshot(srv: RunningServer): Promise<Snapshot> {
  const mem = readProcMemory(srv.pid);
  const c = await RespClient.connect(srv.host, srv.port);
  try {
    return { rssBytes: mem.rssBytes, hwmBytes: mem.hwmBytes, info: await infoFields(c, 'memory') };
  } finally {
    c.close();
  }
}

/** Polls INFO memory every `ms` on its own connection, keeping the largest js_heap_used_bytes. */
class HeapPoller {
  maxBytes: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private constructor(private readonly c: RespClient) {}

  static async start(srv: RunningServer, ms: number): Promise<HeapPoller> {
    const p = new HeapPoller(await RespClient.connect(srv.host, srv.port));
    p.timer = setInterval(() => void p.poll(), ms);
    return p;
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const h = infoNumber(await infoFields(this.c, 'memory'), 'js_heap_used_bytes');
      if (h !== undefined) this.maxBytes = Math.max(this.maxBytes ?? 0, h);
    } catch {
      /* a slow reply: skip this sample */
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<number | undefined> {
    clearInterval(this.timer);
    await this.poll();
    this.c.close();
    return this.maxBytes;
  }
}

function same(got: RespValue, want: string | number | Buffer): boolean {
  if (Buffer.isBuffer(want)) return Buffer.isBuffer(got) && got.equals(want);
  if (typeof want === 'number') return got === want;
  return Buffer.isBuffer(got) ? got.toString('latin1') === want : got === want;
}

/** Spot checks of a loaded scenario: [command, expected reply] pairs. */
function scenarioChecks(o: CollectionsOptions, sc: MemoryScenario): [args: (string | Buffer)[], want: string | number | Buffer][] {
  const idx = [0, 1, Math.floor(o.big / 3), Math.floor(o.big / 2), o.big - 1];
  if (sc === 'hashes') {
    const names = smallFields(o.fields, o.fieldBytes);
    const hs = [0, 93, 94, Math.floor(o.hashes / 2), o.hashes - 1].filter((h) => h < o.hashes);
    return hs.flatMap((h): [(string | Buffer)[], string | number | Buffer][] => [
      [['HLEN', keyOf(h)], o.fields],
      [['HGET', keyOf(h), names[o.fields - 1]!], hashValue(o.seed, h * o.fields + o.fields - 1, o.valueBytes)],
    ]);
  }
  if (sc === 'bighash') {
    return [[['HLEN', 'bighash'], o.big], ...idx.map((j): [(string | Buffer)[], Buffer] => [['HGET', 'bighash', padded('f', j, o.fieldBytes)], hashValue(o.seed, j, o.valueBytes)])];
  }
  if (sc === 'biglist') {
    const li = [0, 1, Math.floor(o.listBig / 3), o.listBig - 1];
    return [
      [['LLEN', 'biglist'], o.listBig],
      ...li.map((j): [(string | Buffer)[], string] => [['LINDEX', 'biglist', String(j)], padded('e', j, o.listBytes)]),
      [['LINDEX', 'biglist', '-1'], padded('e', o.listBig - 1, o.listBytes)],
    ];
  }
  if (sc === 'bigzset') {
    return [
      [['ZCARD', 'bigzset'], o.big],
      ...idx.map((j): [(string | Buffer)[], string] => [['ZSCORE', 'bigzset', padded('m', j, o.memberBytes)], String(zsetScore(j))]),
    ];
  }
  return [
    [['SCARD', 'bigset'], o.big],
    ...idx.map((j): [(string | Buffer)[], number] => [['SISMEMBER', 'bigset', padded('m', j, o.memberBytes)], 1]),
    [['SISMEMBER', 'bigset', padded('x', 1, o.memberBytes)], 0],
  ];
}

async function verify(o: CollectionsOptions, sc: MemoryScenario, srv: RunningServer, r: MemorySideRun): Promise<void> {
  const c = await RespClient.connect(srv.host, srv.port);
  try {
    const d = await c.send(['DBSIZE']);
    if (typeof d === 'number') r.dbsize = d;
    const key = sc === 'hashes' ? keyOf(0) : sc;
    const e = await c.send(['OBJECT', 'ENCODING', key]);
    r.encoding = Buffer.isBuffer(e) ? e.toString() : e instanceof RespError ? `error: ${e.message}` : String(e);
    let ok = 0;
    let firstMismatch: string | undefined;
    const checks = scenarioChecks(o, sc);
    for (const [args, want] of checks) {
      const got = await c.send(args);
      if (same(got, want)) ok++;
      else firstMismatch ??= `${args.map((a) => a.toString()).join(' ')}: got ${got instanceof RespError ? got.message : printable(JSON.stringify(Buffer.isBuffer(got) ? got.toString('latin1') : got), 60)}`;
    }
    r.checks = { ok, total: checks.length, ...(firstMismatch ? { firstMismatch } : {}) };
  } finally {
    c.close();
  }
}

async function runMemorySide(o: CollectionsOptions, sc: MemoryScenario, spec: ServerSpec): Promise<MemorySideRun> {
  const r: MemorySideRun = { side: spec.side, scenario: sc, commandLine: spec.cmd, identity: NA, backgroundCores: await backgroundCpuCores(500, availableParallelism()) };
  const srv = await startSide(spec, r);
  if (srv === null) {
    progress(`${sc} ${spec.side}: ${r.error}`);
    return r;
  }
  if (sc === 'bigzset') {
    try {
      r.skipped = await probeTest(srv.port, 'zadd');
    } catch (e) {
      r.error = `probe: ${errorText(e)}`;
    }
    if (r.skipped !== undefined || r.error !== undefined) {
      progress(`${sc} ${spec.side}: ${r.skipped !== undefined ? `skipped: ${r.skipped}` : r.error}`);
      await srv.stop();
      return r;
    }
  }
  progress(`${sc} ${spec.side}: started pid ${srv.pid} on port ${srv.port} (${srv.identity}); other load before start: ${r.backgroundCores.toFixed(2)} cores busy`);
  await recordFailure(r, `${sc} ${spec.side}`, async () => {
    // The fresh server's baseline once it has been quiet as long as after the load (see `quiet`).
    await delay(Math.max(o.settleMs, o.quietMs));
    r.before = await snapshot(srv);
    const poller = await HeapPoller.start(srv, o.pollMs);
    let l;
    try {
      l = await redisCliPipe(srv.port, scenarioChunks(o, sc), o.timeoutS);
    } finally {
      const m = await poller.stop();
      if (m !== undefined) r.heapMaxBytes = m;
    }
    r.loadMs = l.ms;
    r.errors = l.errors;
    progress(`${sc} ${spec.side}: loaded in ${(l.ms / 1000).toFixed(1)} s (replies ${l.replies}, errors ${l.errors})`);
    await delay(o.settleMs);
    r.after = await snapshot(srv);
    if (o.quietMs > 0) {
      await delay(o.quietMs);
      r.quiet = await snapshot(srv);
    }
    await verify(o, sc, srv, r);
    const pc = await RespClient.connect(srv.host, srv.port);
    try {
      const x = await pc.send(['MEMORY', 'PURGE'], 60_000);
      if (!(x instanceof RespError)) {
        await delay(o.settleMs);
        r.purged = await snapshot(srv);
      }
    } finally {
      pc.close();
    }
    progress(`${sc} ${spec.side}: RSS ${fmtMiB(r.before.rssBytes)} → ${fmtMiB(r.after.rssBytes)} MiB, encoding ${r.encoding}, checks ${r.checks?.ok}/${r.checks?.total}`);
  }, () => srv.stop());
  return r;
}

export function memoryTable(o: CollectionsOptions, runs: MemorySideRun[]): Table {
  const rows: string[][] = [];
  const notes: string[] = [];
  const heapLimit = o.heapLimitMiB * 2 ** 20;
  for (const sc of o.scenarios) {
    const t = runs.find((x) => x.scenario === sc && x.side === 'tierkv');
    const s = runs.find((x) => x.scenario === sc && x.side === 'redis');
    const n = scenarioElements(o, sc);
    const per = sc === 'hashes' ? 'hash' : 'element';
    const inf = (x: MemorySideRun | undefined, when: 'before' | 'after', f: string): number | undefined => (x?.[when] ? infoNumber(x[when]!.info, f) : undefined);
    const d = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a - b);
    const div = (a: number | undefined): number | undefined => (a === undefined ? undefined : a / n);
    type M = [name: string, unit: string, fmt: (v: number | undefined) => string, get: (x: MemorySideRun | undefined) => number | undefined, ratio?: boolean];
    const b1 = (v: number | undefined): string => fmtFixed(v, 1);
    const metrics: M[] = [
      [`(RSS after − before) / ${per}`, 'B', b1, (x) => div(d(x?.after?.rssBytes, x?.before?.rssBytes))],
      [`(RSS after ${fmtFixed(o.quietMs / 1000, 0)} s quiet − before) / ${per}`, 'B', b1, (x) => div(d(x?.quiet?.rssBytes, x?.before?.rssBytes))],
      [`(used_memory after − before) / ${per}`, 'B', b1, (x) => div(d(inf(x, 'after', 'used_memory'), inf(x, 'before', 'used_memory')))],
      [`used_memory / ${per}`, 'B', b1, (x) => div(inf(x, 'after', 'used_memory'))],
      [`arena_bytes / ${per}`, 'B', b1, (x) => div(inf(x, 'after', 'arena_bytes'))],
      [`(RSS after MEMORY PURGE − before) / ${per}`, 'B', b1, (x) => div(d(x?.purged?.rssBytes, x?.before?.rssBytes))],
      ['RSS before → after', 'MiB', fmtMiB, (x) => x?.after?.rssBytes, false],
      ['peak RSS (VmHWM)', 'MiB', fmtMiB, (x) => x?.after?.hwmBytes],
      ['js_heap_used_bytes after the load', 'MiB', fmtMiB, (x) => inf(x, 'after', 'js_heap_used_bytes'), false],
      ['js_heap_used_bytes, most while loading', 'MiB', fmtMiB, (x) => x?.heapMaxBytes, false],
      ['js_external_bytes after the load', 'MiB', fmtMiB, (x) => inf(x, 'after', 'js_external_bytes'), false],
      ['load time (redis-cli --pipe)', 's', (v) => fmtFixed(v, 2), (x) => (x?.loadMs === undefined ? undefined : x.loadMs / 1000)],
    ];
    for (const [name, unit, fmt, get, ratio] of metrics) {
      const a = get(t);
      const b = get(s);
      const cell = (x: MemorySideRun | undefined, v: number | undefined): string => (name.startsWith('RSS before') ? (x?.before ? `${fmtMiB(x.before.rssBytes)} → ${fmt(v)}` : NA) : fmt(v));
      rows.push([scenarioLabel(o, sc), name, unit, cell(t, a), cell(s, b), ratio === false ? '' : fmtRatio(a, b)]);
    }
    const chk = (x: MemorySideRun | undefined): string => (x?.checks ? `${x.checks.ok}/${x.checks.total} ok, ${x.encoding}` : NA);
    rows.push([scenarioLabel(o, sc), 'spot checks, OBJECT ENCODING', '', chk(t), chk(s), '']);
    const rssRatioOf = (when: 'after' | 'quiet'): number | undefined => {
      const a = div(d(t?.[when]?.rssBytes, t?.before?.rssBytes));
      const b = div(d(s?.[when]?.rssBytes, s?.before?.rssBytes));
      return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
    };
    const rssAfterLoad = rssRatioOf('after');
    // The target is judged once the load is over and the servers have had the quiet time to give memory back.
    const rssRatio = o.quietMs > 0 ? rssRatioOf('quiet') : rssAfterLoad;
    const heapAfter = inf(t, 'after', 'js_heap_used_bytes');
    const heapMax = Math.max(heapAfter ?? 0, t?.heapMaxBytes ?? 0);
    if (t && s && !t.skipped && !s.skipped) {
      notes.push(
        `${scenarioLabel(o, sc)}: RSS growth per ${per} tierkv/redis ${rssAfterLoad === undefined ? NA : rssAfterLoad.toFixed(2) + 'x'} ${o.settleMs / 1000} s after the load` +
          (o.quietMs > 0 ? `, ${rssRatio === undefined ? NA : rssRatio.toFixed(2) + 'x'} after ${fmtFixed(o.quietMs / 1000, 0)} s more without commands` : '') +
          ` — target ≤ 1: ${rssRatio === undefined ? NA : rssRatio <= 1 ? 'met' : `NOT met (${((rssRatio - 1) * 100).toFixed(0)}% over)`}; ` +
          `V8 heap ${fmtMiB(heapAfter)} MiB after, ${fmtMiB(t.heapMaxBytes)} MiB most while loading — target < ${o.heapLimitMiB} MiB: ${heapAfter === undefined ? NA : heapMax < heapLimit ? 'met' : 'NOT met'}.`,
      );
    }
    for (const x of [t, s]) {
      if (x?.skipped) notes.push(`${scenarioLabel(o, sc)}: skipped on ${x.side}: ${x.skipped}.`);
      if (x?.error) notes.push(`error: ${sc} ${x.side}: ${x.error}`);
      if (x?.errors) notes.push(`error: ${sc} ${x.side}: redis-cli reported ${x.errors} error replies`);
      if (x?.checks?.firstMismatch) notes.push(`warning: ${sc} ${x.side}: spot check mismatch, ${x.checks.firstMismatch}`);
    }
  }
  notes.push(
    `RSS = VmRSS of the server process, read ${Math.max(o.settleMs, o.quietMs)} ms after start, ${o.settleMs} ms after the load, again after ${o.quietMs} ms more without any command (tierkv collects once its clients were quiet for 8 s after a burst or its start (again 2 s and 4 s later while it stays big), giving back the young generation they grew; jemalloc purges dirty pages after its decay time, 10 s) — the target is judged on this one — and ${o.settleMs} ms after a MEMORY PURGE that follows (tierkv releases empty extents and runs a GC, redis purges jemalloc's dirty pages); used_memory from INFO memory; ratio = tierkv/redis (> 1: tierkv uses more). ` +
      `Loads through redis-cli --pipe (small hashes: one HSET per hash; big ones: ${o.batch} elements per HSET/SADD/RPUSH/ZADD; (e)'s scores are integers and halves in [0, 500,001), not in member order). js_heap_used_bytes polled every ${o.pollMs} ms during the load.`,
  );
  notes.push(backgroundNote(runs.map((x) => x.backgroundCores), 'load times are unreliable (memory figures are not affected)'));
  if (o.tierkv.overridden) notes.push(`NOTE: the tierkv side was overridden: ${o.tierkv.cmd}.`);
  return {
    title: 'Collections memory: tierkv vs redis-server',
    columns: [{ header: 'scenario' }, { header: 'metric' }, { header: 'unit' }, ...rightColumns('tierkv', 'redis', 'tierkv/redis')],
    rows,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Part migrate

export const MIGRATE_KEYSPACES = ['strings', 'mixed'] as const;
export type MigrateKeyspace = (typeof MIGRATE_KEYSPACES)[number];

/** Items of a keyspace, in load order: strings (keys 0..S−1), then small hashes, then small intset sets. */
function keyspaceCounts(o: CollectionsOptions, ks: MigrateKeyspace): { strings: number; hashes: number; sets: number } {
  return ks === 'strings' ? { strings: o.migStrings, hashes: 0, sets: 0 } : o.migMixed;
}

/**
 * The RESP stream of a keyspace; with `keep`, only the items i it accepts (item index over strings, hashes, sets in
 * that order), after `prefix` (a SELECT).
 */
function* keyspaceChunks(o: CollectionsOptions, ks: MigrateKeyspace, keep?: (i: number) => boolean, prefix?: Buffer): Generator<Buffer> {
  const c = keyspaceCounts(o, ks);
  if (c.strings + c.hashes + c.sets > MAX_KEYS) throw new Error(`at most ${MAX_KEYS} keys`);
  const out = new RespChunks();
  if (prefix) out.raw(prefix);
  for (const b of setCommandChunks(c.strings, o.seed, DEFAULT_VALUE_BYTES, 1 << 20, keep ?? null)) {
    const x = out.raw(b);
    if (x) yield x;
  }
  const hk = keep ? (h: number) => keep(c.strings + h) : undefined;
  yield* smallHashCommands(out, o, 0, c.hashes, c.strings, hk);
  const sk = keep ? (s: number) => keep(c.strings + c.hashes + s) : undefined;
  yield* smallIntsetCommands(out, 0, c.sets, c.strings + c.hashes, sk);
  const last = out.take();
  if (last) yield last;
}

export interface MigrateRun {
  keyspace: MigrateKeyspace;
  side: 'tierkv' | 'flushdb';
  commandLine: string;
  identity: string;
  backgroundCores: number;
  loadMs?: number;
  keysBefore?: number;
  keysAfter?: number;
  usedMemoryLoaded?: number;
  maxmemory?: number;
  hotRatio?: number;
  tiers?: { hotKeys: number; coldKeys: number; hotUsed: number; coldUsed: number; settleMs: number };
  reply?: PrepareReply;
  obs?: DropObservation;
  /** redis: keys in DB 1 before, used_memory before − after. */
  dropped?: number;
  freedBytes?: number;
  error?: string;
}

function num(info: Record<string, string>, f: string): number {
  return info[f] === undefined ? NaN : Number(info[f]);
}

/**
 * Starts a side's server for run record `r`: fills its command line and identity, or its error when the server did
 * not start (then returns null).
 */
async function startSide(spec: Parameters<typeof startServer>[0], r: { commandLine: string; identity: string; error?: string }): Promise<RunningServer | null> {
  try {
    const srv = await startServer(spec);
    r.commandLine = srv.commandLine;
    r.identity = srv.identity;
    return srv;
  } catch (e) {
    r.error = `server did not start: ${errorText(e)}`;
    return null;
  }
}

async function configSet(c: RespClient, name: string, value: string | number): Promise<void> {
  const r = await c.send(['CONFIG', 'SET', name, String(value)]);
  if (r instanceof RespError) throw new Error(`CONFIG SET ${name} ${value}: ${r.message}`);
}

async function runMigrateTierkv(o: CollectionsOptions, ks: MigrateKeyspace): Promise<MigrateRun> {
  const spec = { ...o.tierkv, cmd: `${o.tierkv.cmd} --maxmemory-policy noeviction` };
  const r: MigrateRun = { keyspace: ks, side: 'tierkv', commandLine: spec.cmd, identity: NA, backgroundCores: await backgroundCpuCores(500, availableParallelism()) };
  const srv = await startSide(spec, r);
  if (srv === null) return r;
  const tag = `migrate ${ks} tierkv`;
  progress(`${tag}: started pid ${srv.pid} on port ${srv.port}; other load before start: ${r.backgroundCores.toFixed(2)} cores busy`);
  let c: RespClient | undefined;
  await recordFailure(r, tag, async () => {
    const l = await redisCliPipe(srv.port, keyspaceChunks(o, ks), o.timeoutS);
    r.loadMs = l.ms;
    if (l.errors > 0) throw new Error(`load: ${l.errors} error replies: ${printable(l.output, 200)}`);
    c = await RespClient.connect(srv.host, srv.port);
    const mem = await infoFields(c, 'memory');
    const t0 = await infoFields(c, 'tiers');
    r.usedMemoryLoaded = num(mem, 'used_memory');
    const M = Math.ceil((r.usedMemoryLoaded * (1 + o.headroom)) / 2 ** 20) * 2 ** 20;
    const R = Math.round(((o.hotShare * num(t0, 'hot_used_bytes')) / M) * 1e4) / 1e4;
    r.maxmemory = M;
    r.hotRatio = R;
    progress(`${tag}: loaded in ${(l.ms / 1000).toFixed(1)} s; used_memory ${fmtMiB(r.usedMemoryLoaded)} MiB, hot_used ${fmtMiB(num(t0, 'hot_used_bytes'))} MiB → maxmemory ${fmtMiB(M)} MiB, hot-ratio ${R}`);
    await configSet(c, 'maxmemory', M);
    await configSet(c, 'hot-ratio', R);
    const ts = performance.now();
    let prev = await infoFields(c, 'tiers');
    for (;;) {
      await delay(200);
      const cur = await infoFields(c, 'tiers');
      const settled = num(cur, 'hot_used_bytes') <= num(cur, 'hot_capacity_bytes') && num(cur, 'demotions') === num(prev, 'demotions') && num(cur, 'cold_keys') > 0;
      prev = cur;
      if (settled) break;
      if (performance.now() - ts > o.timeoutS * 1000) throw new Error(`hot tier did not settle: hot_used ${cur['hot_used_bytes']} > ${cur['hot_capacity_bytes']}`);
    }
    r.tiers = { hotKeys: num(prev, 'hot_keys'), coldKeys: num(prev, 'cold_keys'), hotUsed: num(prev, 'hot_used_bytes'), coldUsed: num(prev, 'cold_used_bytes'), settleMs: performance.now() - ts };
    const d = await c.send(['DBSIZE']);
    r.keysBefore = typeof d === 'number' ? d : NaN;
    await delay(o.settleMs);
    progress(`${tag}: ${fmtInt(r.tiers.hotKeys)} hot / ${fmtInt(r.tiers.coldKeys)} cold keys; MIGRATE_PREPARE (RSS ${fmtMiB(readRssBytes(srv.pid))} MiB) …`);
    const cc = c;
    const { value, obs } = await observeDrop(srv, o, async () => decodePrepareReply(await cc.send(['MIGRATE_PREPARE'], 600_000)));
    r.reply = value;
    r.obs = obs;
    r.dropped = Number(value['dropped_keys']);
    r.freedBytes = Number(value['freed_bytes']);
    const d2 = await c.send(['DBSIZE']);
    r.keysAfter = typeof d2 === 'number' ? d2 : NaN;
    progress(`${tag}: reply ${Object.entries(value).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    const done = await c.send(['MIGRATE_DONE']);
    if (done instanceof RespError) progress(`${tag}: MIGRATE_DONE: ${done.message}`);
  }, async () => {
    c?.close();
    await srv.stop();
  });
  return r;
}

function selectCommand(db: number): Buffer {
  return Buffer.from(`*2\r\n$6\r\nSELECT\r\n$${String(db).length}\r\n${db}\r\n`, 'latin1');
}

async function runMigrateRedis(o: CollectionsOptions, ks: MigrateKeyspace): Promise<MigrateRun> {
  const spec = { ...o.redis, cmd: `${o.redis.cmd} --databases 16` };
  const r: MigrateRun = { keyspace: ks, side: 'flushdb', commandLine: spec.cmd, identity: NA, backgroundCores: await backgroundCpuCores(500, availableParallelism()) };
  const srv = await startSide(spec, r);
  if (srv === null) return r;
  const tag = `migrate ${ks} redis`;
  const c0 = keyspaceCounts(o, ks);
  const split = hotSplit(c0.strings + c0.hashes + c0.sets, o.hotShare);
  let c: RespClient | undefined;
  await recordFailure(r, tag, async () => {
    const chunks = function* (): Generator<Buffer> {
      yield* keyspaceChunks(o, ks, split.isHot, selectCommand(0));
      yield* keyspaceChunks(o, ks, (i) => !split.isHot(i), selectCommand(1));
    };
    const l = await redisCliPipe(srv.port, chunks(), o.timeoutS);
    r.loadMs = l.ms;
    if (l.errors > 0) throw new Error(`load: ${l.errors} error replies`);
    c = await RespClient.connect(srv.host, srv.port);
    const ksInfo = await infoFields(c, 'keyspace');
    const dbKeys = (db: number): number => Number(/keys=(\d+)/.exec(ksInfo[`db${db}`] ?? '')?.[1] ?? 0);
    r.keysBefore = dbKeys(0) + dbKeys(1);
    r.dropped = dbKeys(1);
    const before = num(await infoFields(c, 'memory'), 'used_memory');
    r.usedMemoryLoaded = before;
    await c.send(['SELECT', '1']);
    await delay(o.settleMs);
    progress(`${tag}: ${fmtInt(dbKeys(0))} keys in DB 0, ${fmtInt(dbKeys(1))} in DB 1; FLUSHDB SYNC …`);
    const cc = c;
    const { obs } = await observeDrop(srv, o, async () => {
      const x = await cc.send(['FLUSHDB', 'SYNC'], 600_000);
      if (x instanceof RespError) throw x;
      return x;
    });
    r.obs = obs;
    r.freedBytes = before - num(await infoFields(c, 'memory'), 'used_memory');
    const d2 = await c.send(['DBSIZE']);
    r.keysAfter = dbKeys(0) + (typeof d2 === 'number' ? d2 : NaN);
  }, async () => {
    c?.close();
    await srv.stop();
  });
  return r;
}

export function migrateTable(o: CollectionsOptions, runs: MigrateRun[]): Table {
  const cols = [
    { ks: 'strings' as const, side: 'tierkv' as const, header: 'strings: tierkv MIGRATE_PREPARE' },
    { ks: 'mixed' as const, side: 'tierkv' as const, header: 'mixed: tierkv MIGRATE_PREPARE' },
    { ks: 'strings' as const, side: 'flushdb' as const, header: 'strings: redis FLUSHDB SYNC' },
    { ks: 'mixed' as const, side: 'flushdb' as const, header: 'mixed: redis FLUSHDB SYNC' },
  ].filter((c) => runs.some((r) => r.keyspace === c.ks && r.side === c.side));
  const get = (ks: MigrateKeyspace, side: string): MigrateRun | undefined => runs.find((r) => r.keyspace === ks && r.side === side);
  const reply = (f: string, scale = 1) => (x: MigrateRun | undefined): number | undefined => (x?.reply?.[f] === undefined ? undefined : Number(x.reply[f]) / scale);
  const ms2 = (v: number | undefined): string => fmtFixed(v, 2);
  type M = [name: string, unit: string, fmt: (v: number | undefined) => string, get: (x: MigrateRun | undefined) => number | undefined];
  const metrics: M[] = [
    ['keys before the drop', 'keys', fmtInt, (x) => x?.keysBefore],
    ['used_memory after the load', 'MiB', fmtMiB, (x) => x?.usedMemoryLoaded],
    ['cold keys (tierkv) / keys in DB 1 (redis)', 'keys', fmtInt, (x) => (x?.side === 'tierkv' ? x.tiers?.coldKeys : x?.dropped)],
    ['keys dropped (dropped_keys; redis: DB 1)', 'keys', fmtInt, (x) => x?.dropped],
    ['freed (freed_bytes; redis: Δused_memory)', 'MiB', fmtMiB, (x) => x?.freedBytes],
    ['zeroed_bytes', 'MiB', fmtMiB, reply('zeroed_bytes')],
    ['time to drop (command sent → reply)', 'ms', ms2, (x) => x?.obs?.dropMs],
    ['longest stall seen by another client (PING gap)', 'ms', ms2, (x) => x?.obs?.pingGapMs],
    ['… same client, 0.3 s before (noise)', 'ms', ms2, (x) => x?.obs?.pingBaselineGapMs],
    ['stall_us (longest event-loop hold)', 'ms', ms2, reply('stall_us', 1000)],
    ['drop_us', 'ms', ms2, reply('drop_us', 1000)],
    ['gc_us', 'ms', ms2, reply('gc_us', 1000)],
    ['release_ms', 'ms', (v) => fmtFixed(v, 1), reply('release_ms')],
    ['time to drop per GiB freed', 'ms/GiB', ms2, (x) => (x?.obs && x.freedBytes ? x.obs.dropMs / (x.freedBytes / 2 ** 30) : undefined)],
    ['RSS before', 'MiB', fmtMiB, (x) => x?.obs?.rssBefore],
    ['RSS 1 s after the reply', 'MiB', fmtMiB, (x) => x?.obs?.rss1s],
    ['load time', 's', (v) => fmtFixed(v, 1), (x) => (x?.loadMs === undefined ? undefined : x.loadMs / 1000)],
  ];
  const S = get('strings', 'tierkv');
  const X = get('mixed', 'tierkv');
  const rows = metrics.map(([name, unit, fmt, g]) => [name, unit, ...cols.map((c) => fmt(g(get(c.ks, c.side)))), unit === 'keys' ? '' : fmtRatio(g(X), g(S))]);
  const mc = o.migMixed;
  const notes = [
    `strings: ${fmtInt(o.migStrings)} SETs (lib/dataset.ts keys, ${DEFAULT_VALUE_BYTES} B values). mixed: ${fmtInt(mc.strings)} such strings, ${fmtInt(mc.hashes)} hashes of ${o.fields} fields ` +
      `(${o.fieldBytes} B / ${o.valueBytes} B, listpack) and ${fmtInt(mc.sets)} sets of 10 integer members (intset). Fresh server per column, one at a time.`,
    `tierkv: --maxmemory-policy noeviction; after the load CONFIG SET maxmemory = used_memory + ${Math.round(o.headroom * 100)}% and hot-ratio = ${o.hotShare} × hot_used_bytes / maxmemory ` +
      `(${[S, X].filter(Boolean).map((x) => `${x!.keyspace}: maxmemory ${fmtMiB(x!.maxmemory)} MiB, hot-ratio ${x!.hotRatio}, settled in ${fmtFixed((x!.tiers?.settleMs ?? NaN) / 1000, 1)} s, ${fmtFixed((100 * (x!.tiers?.coldKeys ?? NaN)) / (x!.keysBefore ?? NaN), 1)}% of the keys cold`).join('; ')}).`,
    `redis (--databases 16): the same keyspace with item i in DB 0 when ⌊(i+1)·${o.hotShare}⌋ > ⌊i·${o.hotShare}⌋ (bench/migrate-prepare.ts hotSplit), else in DB 1; SELECT 1, FLUSHDB SYNC.`,
    `Client-side figures as bench/migrate-prepare.ts measures them (RSS every ${o.sampleMs} ms, PING loop with ${o.pingPauseMs} ms pauses, ${o.watchMs} ms watch). Last column: mixed / strings for tierkv.`,
  ];
  for (const x of [S, X]) if (x?.reply) notes.push(`tierkv ${x.keyspace} MIGRATE_PREPARE reply: ${Object.entries(x.reply).map(([k, v]) => `${k}=${v}`).join(', ')}.`);
  notes.push(backgroundNote(runs.map((x) => x.backgroundCores), 'timings are unreliable — rerun on an idle machine'));
  for (const x of runs) if (x.error) notes.push(`error: ${x.keyspace} ${x.side}: ${x.error}`);
  return {
    title: 'MIGRATE_PREPARE on strings vs strings + small collections (tierkv), beside redis FLUSHDB SYNC',
    columns: [{ header: 'metric' }, { header: 'unit' }, ...rightColumns(...cols.map((c) => c.header), 'tierkv mixed/strings')],
    rows,
    notes: notes.filter(Boolean),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Part throughput

/**
 * bench/throughput.ts's runs as a table with, besides ops/s and p99, requests per second of server CPU time (user +
 * system of the server process while redis-benchmark ran): on a machine that other processes keep busy the wall-clock
 * rate says as much about them as about the server; the CPU cost per request much less so.
 */
/** Tests that are not collection commands: shown as the reference for the machine's state and the server's base cost per request. */
const REFERENCE_TESTS = new Set(['set', 'get', 'incr', 'mset', 'ping_inline', 'ping_mbulk']);

/**
 * The spread of the ratio between the two sides' runs of the same repetition (seconds apart: runThroughput):
 * `; per alternation A–Bx`, or '' with fewer than two repetitions.
 */
function pairedSpread(runs: TestRun[], p: number, t: string): string {
  const ratios = pairedRatios(runs, p, t);
  if (ratios.length < 2) return '';
  return `; per alternation ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}x`;
}

export function throughputTable(o: CollectionsOptions, r: ThroughputResult): Table {
  const tp = o.throughput;
  const rows: string[][] = [];
  const pick = (side: ServerSide, p: number, t: string): TestRun | undefined => medianByRps(r.runs.filter((x) => x.side === side && x.pipeline === p && x.test === t));
  const perCpu = (x: TestRun | undefined): number | undefined => (x?.stats && x.serverCpuS && x.serverCpuS > 0 ? tp.requests / x.serverCpuS : undefined);
  const verdicts: string[] = [];
  for (const p of tp.pipelines) {
    for (const t of tp.tests) {
      const a = pick('tierkv', p, t);
      const b = pick('redis', p, t);
      const ra = pairedMedianRatio(r.runs, p, t);
      const rc = perCpu(a) !== undefined && perCpu(b) !== undefined ? perCpu(a)! / perCpu(b)! : undefined;
      rows.push([
        a?.label ?? b?.label ?? t.toUpperCase(),
        String(p),
        a?.stats ? fmtInt(a.stats.rps) : a?.error ? 'error' : a?.skipped ? 'skipped' : NA,
        b?.stats ? fmtInt(b.stats.rps) : b?.error ? 'error' : b?.skipped ? 'skipped' : NA,
        ra === undefined ? NA : `${ra.toFixed(2)}x`,
        fmtInt(perCpu(a)),
        fmtInt(perCpu(b)),
        fmtRatio(perCpu(a), perCpu(b)),
        fmtFixed(a?.stats?.p50Ms, 3),
        fmtFixed(b?.stats?.p50Ms, 3),
        fmtFixed(a?.stats?.p99Ms, 3),
        fmtFixed(b?.stats?.p99Ms, 3),
      ]);
      const extra = (rc !== undefined ? `per CPU s ${rc.toFixed(2)}x` : '') + pairedSpread(r.runs, p, t);
      const bracket = extra !== '' ? ` [${extra.replace(/^; /, '')}]` : '';
      if (ra !== undefined && REFERENCE_TESTS.has(t)) verdicts.push(`(reference) ${t.toUpperCase()} P=${p} ${ra.toFixed(2)}x${bracket}`);
      else if (ra !== undefined) verdicts.push(`${t.toUpperCase()} P=${p} ${ra.toFixed(2)}x${ra >= 0.7 ? '' : ' (NOT met)'}${bracket}`);
      for (const x of [a, b]) if (x?.error) verdicts.push(`error: ${x.side} ${t} P=${p}: ${x.error}`);
      for (const x of [a, b]) if (x?.skipped && p === tp.pipelines[0]) verdicts.push(`${t.toUpperCase()} skipped on ${x.side}: ${x.skipped}`);
    }
  }
  const notes = [
    `redis-benchmark -t <test> -d ${tp.dataSize} -r ${tp.keyspace} -c ${tp.clients} -n ${tp.requests} -P <P> --csv (bench/throughput.ts); warm-up ${tp.warmup} requests per test; fresh servers of both sides per P and repetition, each test run on one side and then at once on the other` +
      (tp.repeat > 1 ? `; ${tp.repeat} repetitions (the order of the sides swapped each time): ops/s, ops/CPU-s and latencies from each side's run with the median ops/s, the ops/s ratio the median of the repetitions' ratios (paired: the machine's drift between repetitions cancels within a pair)` : '') +
      `; total ${(r.elapsedMs / 1000).toFixed(0)} s.`,
    `SET is the reference: a string command measured the same way, so the collection commands' ratios can be read against the server's base cost per request. HSET: fields element:<rand> of ${tp.dataSize} B in one hash myhash; SADD: members element:<rand> of one set myset; SPOP from myset, which is filled before each SPOP run with as many members as SPOPs follow ` +
      `(bench/throughput.ts prepareTest), so no SPOP finds it empty; likewise mylist (-d byte values) before LPOP/RPOP and myzset before ZPOPMIN. LPUSH/RPUSH push -d byte values onto the one list mylist; LRANGE_100/600 read its first 100/600 elements (as LRANGE mylist 0 N-1: redis-benchmark's -t lrange_N would time its own LPUSH pre-fill too); ZADD adds element:<rand> with random scores to myzset. ops/CPU-s = requests / CPU time (user + system) of the server process during the run (/proc, 10 ms ticks).`,
    `Target (issues 14, 15): tierkv ≥ 0.7× redis ops/s — ${verdicts.join('; ')}.`,
    backgroundNote(r.servers.map((x) => x.backgroundCores), 'the ops/s ratios are unreliable (ops per server CPU second less so) — rerun on an idle machine or with --repeat 3'),
  ];
  if (tp.tierkv.overridden) notes.push(`NOTE: the tierkv side was overridden: ${tp.tierkv.cmd}.`);
  return {
    title: `Collections throughput: redis-benchmark -t ${tp.tests.join(',')}, tierkv vs redis-server`,
    columns: [
      { header: 'test' },
      ...rightColumns('P', 'tierkv ops/s', 'redis ops/s', 'ratio', 'tierkv ops/CPU-s', 'redis ops/CPU-s', 'ratio', 'tierkv p50', 'redis p50', 'tierkv p99', 'redis p99'),
    ],
    rows,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Running it all

export interface CollectionsResult {
  options: CollectionsOptions;
  memory: MemorySideRun[];
  migrate: MigrateRun[];
  throughput?: ThroughputResult;
  tables: Table[];
  elapsedMs: number;
  failed: boolean;
}

export async function runCollections(o: CollectionsOptions): Promise<CollectionsResult> {
  const t0 = performance.now();
  const memory: MemorySideRun[] = [];
  const migrate: MigrateRun[] = [];
  let throughput: ThroughputResult | undefined;
  const tables: Table[] = [];
  if (o.parts.includes('memory')) {
    for (const sc of o.scenarios) for (const spec of [o.tierkv, o.redis]) memory.push(await runMemorySide(o, sc, spec));
    tables.push(memoryTable(o, memory));
  }
  if (o.parts.includes('migrate')) {
    for (const ks of MIGRATE_KEYSPACES) {
      migrate.push(await runMigrateTierkv(o, ks));
      if (o.migRedis) migrate.push(await runMigrateRedis(o, ks));
    }
    tables.push(migrateTable(o, migrate));
  }
  if (o.parts.includes('throughput')) {
    throughput = await runThroughput(o.throughput);
    tables.push(throughputTable(o, throughput));
  }
  const failed =
    memory.some((x) => x.error !== undefined || (x.errors ?? 0) > 0 || (x.checks !== undefined && x.checks.ok < x.checks.total)) ||
    migrate.some((x) => x.error !== undefined) ||
    (throughput?.runs.some((x) => x.error !== undefined) ?? false);
  return { options: o, memory, migrate, ...(throughput ? { throughput } : {}), tables, elapsedMs: performance.now() - t0, failed };
}

export function collectionsMarkdown(cmd: string, machine: string, r: CollectionsResult): string {
  // One line per distinct command line, the port of each fresh server shown as {port}.
  const ids = new Map<string, string>();
  const norm = (c: string): string => c.replace(/--port \d+/, '--port {port}');
  for (const x of [...r.memory, ...r.migrate]) if (x.commandLine) ids.set(norm(x.commandLine), x.identity);
  for (const s of r.throughput?.servers ?? []) ids.set(norm(s.commandLine), s.identity);
  return [
    '## Collections: hashes, sets, lists, sorted sets (issues 14, 15; bench/collections.ts)',
    '',
    `Command (from the repository root): ${codeSpan(cmd)}`,
    '',
    machine,
    ...[...ids].map(([c, id]) => `- ${codeSpan(c)} — ${id}`),
    `- total ${(r.elapsedMs / 1000).toFixed(0)} s`,
    ...r.tables.flatMap((t) => ['', renderMarkdown(t)]),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Command line

export const COLLECTIONS_ARG_OPTIONS = stringOptions(
  'coll-parts',
  'coll-warmup',
  'coll-scenarios',
  'coll-hashes',
  'coll-fields',
  'coll-field-bytes',
  'coll-value-bytes',
  'coll-big',
  'coll-member-bytes',
  'coll-batch',
  'coll-list-big',
  'coll-list-bytes',
  'coll-poll-ms',
  'coll-quiet-ms',
  'coll-heap-limit-mib',
  'coll-mig-strings',
  'coll-mig-mixed',
  'coll-hot-share',
  'coll-headroom',
  'coll-mig-redis',
  'coll-requests',
  'coll-pipeline',
  'coll-clients',
  'coll-repeat',
  'coll-tests',
  'seed',
  'settle-ms',
  'load-timeout-s',
  'tierkv-cmd',
  'redis-cmd',
);

function listOf<T extends string>(s: string, all: readonly T[], what: string): T[] {
  const xs = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const x of xs) if (!(all as readonly string[]).includes(x)) throw new Error(`${what}: expected a comma-separated list of ${all.join(', ')}, got ${x}`);
  if (xs.length === 0) throw new Error(`${what}: empty`);
  return xs as T[];
}

function fraction(s: string, what: string, lo: number, hi: number): number {
  const x = Number(s);
  if (!(x > lo && x < hi)) throw new Error(`${what}: expected a number in (${lo}, ${hi}), got ${s}`);
  return x;
}

export function collectionsOptionsFrom(v: Partial<Record<keyof typeof COLLECTIONS_ARG_OPTIONS, string | boolean | undefined>>): CollectionsOptions {
  const str = (x: string | boolean | undefined): string | undefined => (typeof x === 'string' ? x : undefined);
  const o = defaultCollectionsOptions(str(v['tierkv-cmd']), str(v['redis-cmd']));
  const pos = (k: keyof typeof COLLECTIONS_ARG_OPTIONS, set: (n: number) => void): void => {
    const s = str(v[k]);
    if (s !== undefined) set(parsePositiveInt(s, `--${k}`));
  };
  if (str(v['coll-parts']) !== undefined) o.parts = listOf(str(v['coll-parts'])!, COLLECTION_PARTS, '--coll-parts');
  if (str(v['coll-scenarios']) !== undefined) o.scenarios = listOf(str(v['coll-scenarios'])!, MEMORY_SCENARIOS, '--coll-scenarios');
  pos('coll-hashes', (n) => (o.hashes = n));
  pos('coll-fields', (n) => (o.fields = n));
  pos('coll-field-bytes', (n) => (o.fieldBytes = n));
  pos('coll-value-bytes', (n) => (o.valueBytes = n));
  pos('coll-big', (n) => (o.big = n));
  pos('coll-member-bytes', (n) => (o.memberBytes = n));
  pos('coll-batch', (n) => (o.batch = n));
  pos('coll-list-big', (n) => (o.listBig = n));
  pos('coll-list-bytes', (n) => (o.listBytes = n));
  pos('coll-poll-ms', (n) => (o.pollMs = n));
  if (str(v['coll-quiet-ms']) !== undefined) o.quietMs = parseNonNegativeInt(str(v['coll-quiet-ms'])!, '--coll-quiet-ms');
  pos('coll-heap-limit-mib', (n) => (o.heapLimitMiB = n));
  pos('coll-mig-strings', (n) => (o.migStrings = n));
  pos('coll-clients', (n) => (o.throughput.clients = n));
  pos('coll-repeat', (n) => (o.throughput.repeat = n));
  if (str(v['coll-tests']) !== undefined) o.throughput.tests = str(v['coll-tests'])!.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  pos('coll-requests', (n) => {
    o.throughput.requests = n;
    o.throughput.warmup = n;
  });
  if (str(v['coll-warmup']) !== undefined) o.throughput.warmup = parseNonNegativeInt(str(v['coll-warmup'])!, '--coll-warmup');
  if (str(v['coll-pipeline']) !== undefined) o.throughput.pipelines = parseIntList(str(v['coll-pipeline'])!, '--coll-pipeline');
  const mixed = str(v['coll-mig-mixed']);
  if (mixed !== undefined) {
    const xs = mixed.split(',').map((x) => parseNonNegativeInt(x.trim(), '--coll-mig-mixed'));
    if (xs.length !== 3) throw new Error('--coll-mig-mixed: expected STRINGS,HASHES,SETS');
    o.migMixed = { strings: xs[0]!, hashes: xs[1]!, sets: xs[2]! };
  }
  if (str(v['coll-hot-share']) !== undefined) o.hotShare = fraction(str(v['coll-hot-share'])!, '--coll-hot-share', 0, 1);
  if (str(v['coll-headroom']) !== undefined) o.headroom = fraction(str(v['coll-headroom'])!, '--coll-headroom', 0, 10);
  if (str(v['coll-mig-redis']) !== undefined) o.migRedis = /^(yes|true|1)$/i.test(str(v['coll-mig-redis'])!);
  if (str(v.seed) !== undefined) o.seed = parseNonNegativeInt(str(v.seed)!, '--seed');
  if (str(v['settle-ms']) !== undefined) o.settleMs = parseNonNegativeInt(str(v['settle-ms'])!, '--settle-ms');
  if (str(v['load-timeout-s']) !== undefined) o.timeoutS = parsePositiveInt(str(v['load-timeout-s'])!, '--load-timeout-s');
  if (o.fieldBytes < 1 + String(Math.max(o.fields, o.big) - 1).length) throw new Error(`--coll-field-bytes: ${o.fieldBytes} bytes cannot name ${fmtInt(Math.max(o.fields, o.big))} fields`);
  if (o.listBytes < 1 + String(o.listBig - 1).length) throw new Error(`--coll-list-bytes: ${o.listBytes} bytes cannot name ${fmtInt(o.listBig)} elements`);
  if (o.memberBytes < 1 + String(o.big - 1).length) throw new Error(`--coll-member-bytes: ${o.memberBytes} bytes cannot name ${fmtInt(o.big)} members`);
  return o;
}

export const COLLECTIONS_HELP = `Options (collections, issue 14; see the comment at the top of bench/collections.ts):
  --coll-parts LIST        memory,migrate,throughput (default all)
  --coll-scenarios LIST    memory scenarios hashes,bighash,bigset,biglist,bigzset (default all; bigzset is skipped
                           with a note on a server without ZADD)
  --coll-hashes N          (a) number of hashes (default 200,000)
  --coll-fields F          (a) fields per hash (default 10)
  --coll-field-bytes B     field size of (a) and (b) (default 8)
  --coll-value-bytes B     value size of (a) and (b) (default 16)
  --coll-big N             (b) fields of the big hash, (c), (e) members of the big set, sorted set (default 1,000,000)
  --coll-member-bytes B    (c), (e) member size (default 15)
  --coll-batch K           elements per HSET/SADD/RPUSH/ZADD for (b)–(e) (default 100)
  --coll-list-big N        (d) elements of the big list (default 10,000,000)
  --coll-list-bytes B      (d) element size (default 16)
  --coll-poll-ms MS        INFO memory polling during a load (default 500)
  --coll-quiet-ms MS       memory: RSS read after MS without commands, from the start and after the load (default 12000; 0: not)
  --coll-heap-limit-mib M  V8 heap target (default 64)
  --coll-mig-strings N     migrate: strings of the strings-only keyspace (default 1,000,000)
  --coll-mig-mixed S,H,T   migrate: strings, small hashes, small intset sets of the mixed one (default 550000,150000,150000)
  --coll-hot-share S       migrate: share of hot_used_bytes the hot tier keeps (default 0.3)
  --coll-headroom F        migrate: maxmemory = used_memory × (1 + F) (default 0.15)
  --coll-mig-redis yes|no  migrate: also redis FLUSHDB SYNC of the same keyspaces (default yes)
  --coll-requests N        throughput: requests per test (default 200,000; as many warm-up requests)
  --coll-warmup N          throughput: warm-up requests per test before measuring (default --coll-requests)
  --coll-pipeline LIST     throughput: pipeline depths (default 1,16)
  --coll-clients N         throughput: connections (default 50)
  --coll-repeat K          throughput: K repetitions, fresh servers each; ratio = median of their ratios (default 1)
  --coll-tests LIST        throughput: redis-benchmark tests (default ${DEFAULT_COLL_TESTS.join(',')};
                           set is the reference; zadd/zpopmin are skipped with a note on a server without them)
  --seed S, --settle-ms MS, --load-timeout-s S, --tierkv-cmd CMD, --redis-cmd CMD   as in the other benchmarks`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ...COLLECTIONS_ARG_OPTIONS, write: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    console.log(`Usage: node dist/bench/collections.js [--write] [--out PATH] [options]\n${COLLECTIONS_HELP}`);
    return;
  }
  const o = collectionsOptionsFrom(values);
  const cmd = invocation();
  const machine = machineInfo();
  console.log(`# tierkv collections benchmark\ncommand: ${cmd}\n${machineText(machine)}\n`);
  const r = await runCollections(o);
  for (const t of r.tables) console.log(renderText(t) + '\n');
  if (values.write || values.out !== undefined) {
    const path = values.out ?? join(REPO_ROOT, 'bench', 'RESULTS.md');
    writeGeneratedSection(path, collectionsMarkdown(cmd, machineMarkdown(machine), r), COLLECTIONS_MARKERS);
    progress(`wrote the collections section of ${path}`);
  }
  if (r.failed) process.exitCode = 1;
}

runIfMain(import.meta.url, main);
