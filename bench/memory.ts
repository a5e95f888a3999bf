/**
 * Memory benchmark: load N keys (default 1,000,000) into tierkv and into redis-server, one after the
 * other, each freshly started, and compare what memory they use.
 *
 * Workload ("the paper's": `--keys 10000000`): distinct keys of 1–8 printable bytes (bijective base 94
 * of the key index, see lib/dataset.ts) and 100-byte values, deterministic from `--seed`. The RESP
 * `SET key value` stream is generated in 1 MiB chunks and piped into `redis-cli --pipe` (with
 * backpressure, never held whole in memory). Note: redis-cli --pipe ends with an ECHO to find the
 * last reply, so the server must implement ECHO.
 *
 * Reported per side: load time (s) and rate (keys/s); RSS (VmRSS from /proc/PID/status) before and
 * after, and peak (VmHWM) (MiB); INFO memory `used_memory`, `used_memory_rss`, and, where the server
 * reports them (tierkv), `arena_bytes` and `js_heap_used_bytes` (MiB); bytes per key as
 * (RSS after − RSS before)/N, used_memory/N, (used_memory after − before)/N and arena_bytes/N; DBSIZE
 * and a spot check of a few values with GET. Ratios are tierkv/redis. No timing is asserted.
 *
 * Usage: node dist/bench/memory.js [--keys N] [--seed S] [--value-bytes B] [--settle-ms MS]
 *        [--check K] [--timeout-s S] [--tierkv-cmd CMD] [--redis-cmd CMD]
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { parseNonNegativeInt, parsePositiveInt, progress, runIfMain, stringOptions } from './lib/cli.js';
import { errorText } from './lib/failures.js';
import { DEFAULT_VALUE_BYTES, MAX_KEYS, describeKeyLengths, keyLengthDistribution, keyOf, setCommandChunks, setStreamBytes, valueOf } from './lib/dataset.js';
import { backgroundCpuCores, backgroundNote, readProcMemory } from './lib/proc.js';
import { redisCliPipe } from './lib/redis-cli-pipe.js';
import { RespClient, RespError, infoFields, infoNumber } from './lib/resp.js';
import { delay, serverSpecs, startServer, type RunningServer, type ServerSide, type ServerSpec } from './lib/server.js';
import { NA, fmtFixed, fmtInt, fmtMiB, fmtRatio, renderText, type Table } from './lib/table.js';

export interface MemoryOptions {
  /** Number of keys to load. */
  keys: number;
  /** Seed of the value generator. */
  seed: number;
  /** Value size, bytes. */
  valueBytes: number;
  /** Pause before each memory reading (after start and after the load), milliseconds. */
  settleMs: number;
  /** Number of keys read back with GET and compared after the load. */
  check: number;
  /** Time limit for one load (redis-cli --pipe), seconds. */
  timeoutS: number;
  tierkv: ServerSpec;
  redis: ServerSpec;
}

export const DEFAULT_KEYS = 1_000_000;

export function defaultMemoryOptions(tierkvCmd?: string, redisCmd?: string): MemoryOptions {
  return { keys: DEFAULT_KEYS, seed: 42, valueBytes: DEFAULT_VALUE_BYTES, settleMs: 2000, check: 16, timeoutS: 1800, ...serverSpecs(tierkvCmd, redisCmd) };
}

/** Memory figures at one moment. Bytes. */
export interface MemorySnapshot {
  rssBytes: number;
  /** Peak RSS since start (VmHWM), bytes. */
  hwmBytes: number;
  /** `INFO memory` fields (strings as the server sent them). */
  info: Record<string, string>;
}

/** One side's outcome. */
export interface MemorySideResult {
  side: ServerSide;
  commandLine: string;
  identity: string;
  pid: number;
  /** CPU cores kept busy by other processes during the 0.5 s before the server started. */
  backgroundCores: number;
  before?: MemorySnapshot;
  after?: MemorySnapshot;
  /** redis-cli --pipe wall-clock time, from spawn to exit, milliseconds. */
  loadMs?: number;
  /** From redis-cli's "errors: E, replies: R" line. */
  replies?: number;
  errors?: number;
  dbsize?: number;
  /** GET spot check: keys that matched out of keys checked. */
  checked?: { ok: number; total: number; firstMismatch?: string };
  /** Set if the side failed; the figures gathered so far are kept. */
  error?: string;
}

export interface MemoryResult {
  options: MemoryOptions;
  sides: MemorySideResult[];
  elapsedMs: number;
  table: Table;
}

async function snapshot(srv: RunningServer): Promise<MemorySnapshot> {
  const mem = readProcMemory(srv.pid);
  const c = await RespClient.connect(srv.host, srv.port);
  try {
    const info = await infoFields(c, 'memory').catch((e: unknown) => {
      progress(`${srv.spec.side}: INFO memory failed: ${String(e)}`);
      return {} as Record<string, string>;
    });
    return { rssBytes: mem.rssBytes, hwmBytes: mem.hwmBytes, info };
  } finally {
    c.close();
  }
}

/** Reads DBSIZE and GETs `o.check` keys (first, last, and evenly spread), comparing with the generator. */
async function verify(o: MemoryOptions, srv: RunningServer): Promise<{ dbsize?: number; checked: { ok: number; total: number; firstMismatch?: string } }> {
  const c = await RespClient.connect(srv.host, srv.port);
  try {
    const d = await c.send(['DBSIZE']);
    const dbsize = typeof d === 'number' ? d : undefined;
    const idx = new Set<number>([0, o.keys - 1]);
    for (let k = 1; idx.size < Math.min(o.check, o.keys) && k <= o.check * 2; k++) idx.add(Math.floor((k * o.keys) / (o.check + 1)) % o.keys);
    let ok = 0;
    let firstMismatch: string | undefined;
    for (const i of idx) {
      const got = await c.send(['GET', keyOf(i)]);
      const want = valueOf(o.seed, i, o.valueBytes);
      if (Buffer.isBuffer(got) && got.equals(want)) ok++;
      else firstMismatch ??= `key #${i} ${JSON.stringify(keyOf(i).toString('latin1'))}: got ${got instanceof RespError ? got.message : JSON.stringify(String(got)).slice(0, 60)}`;
    }
    return { ...(dbsize !== undefined ? { dbsize } : {}), checked: { ok, total: idx.size, ...(firstMismatch ? { firstMismatch } : {}) } };
  } finally {
    c.close();
  }
}

async function runSide(o: MemoryOptions, spec: ServerSpec): Promise<MemorySideResult> {
  const backgroundCores = await backgroundCpuCores(500, availableParallelism());
  let srv: RunningServer;
  try {
    srv = await startServer(spec);
  } catch (e) {
    const error = `server did not start: ${errorText(e)}`;
    progress(`${spec.side}: ${error}`);
    return { side: spec.side, commandLine: spec.cmd, identity: NA, pid: 0, backgroundCores, error };
  }
  const r: MemorySideResult = { side: spec.side, commandLine: srv.commandLine, identity: srv.identity, pid: srv.pid, backgroundCores };
  progress(`${spec.side}: started pid ${srv.pid} on port ${srv.port} in ${srv.startupMs.toFixed(0)} ms (${srv.identity}); other load before start: ${backgroundCores.toFixed(2)} cores busy`);
  try {
    await delay(o.settleMs);
    r.before = await snapshot(srv);
    progress(`${spec.side}: loading ${o.keys.toLocaleString('en-US')} keys via redis-cli --pipe …`);
    const l = await redisCliPipe(srv.port, setCommandChunks(o.keys, o.seed, o.valueBytes), o.timeoutS);
    r.loadMs = l.ms;
    r.replies = l.replies;
    r.errors = l.errors;
    progress(`${spec.side}: loaded in ${(l.ms / 1000).toFixed(1)} s (replies ${l.replies}, errors ${l.errors})`);
    await delay(o.settleMs);
    r.after = await snapshot(srv);
    const v = await verify(o, srv);
    if (v.dbsize !== undefined) r.dbsize = v.dbsize;
    r.checked = v.checked;
    progress(`${spec.side}: RSS ${fmtMiB(r.before.rssBytes)} → ${fmtMiB(r.after.rssBytes)} MiB, DBSIZE ${v.dbsize ?? NA}, GET check ${v.checked.ok}/${v.checked.total}`);
  } catch (e) {
    r.error = e instanceof Error ? e.message : String(e);
    progress(`${spec.side}: ERROR ${r.error}`);
  } finally {
    await srv.stop();
  }
  return r;
}

/** Runs the memory comparison (tierkv first, then redis) and builds its table. */
export async function runMemory(o: MemoryOptions): Promise<MemoryResult> {
  if (o.keys > MAX_KEYS) throw new Error(`--keys: at most ${MAX_KEYS}`);
  const t0 = performance.now();
  const sides: MemorySideResult[] = [];
  for (const spec of [o.tierkv, o.redis]) sides.push(await runSide(o, spec));
  const result: MemoryResult = { options: o, sides, elapsedMs: performance.now() - t0, table: { title: '', columns: [], rows: [] } };
  result.table = memoryTable(result);
  return result;
}

/** Builds the table: one row per metric, columns tierkv, redis, tierkv/redis. */
export function memoryTable(r: MemoryResult): Table {
  const o = r.options;
  const n = o.keys;
  const t = r.sides.find((s) => s.side === 'tierkv');
  const s = r.sides.find((x) => x.side === 'redis');
  const inf = (x: MemorySideResult | undefined, when: 'before' | 'after', f: string): number | undefined => (x?.[when] ? infoNumber(x[when]!.info, f) : undefined);
  const delta = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a - b);
  type Metric = [name: string, unit: string, fmt: (v: number | undefined) => string, get: (x: MemorySideResult | undefined) => number | undefined];
  const mib = fmtMiB;
  const perKey = (v: number | undefined): string => fmtFixed(v, 1);
  const metrics: Metric[] = [
    ['load time', 's', (v) => fmtFixed(v, 2), (x) => (x?.loadMs === undefined ? undefined : x.loadMs / 1000)],
    ['load rate', 'keys/s', fmtInt, (x) => (x?.loadMs ? n / (x.loadMs / 1000) : undefined)],
    ['RSS before', 'MiB', mib, (x) => x?.before?.rssBytes],
    ['RSS after', 'MiB', mib, (x) => x?.after?.rssBytes],
    ['peak RSS (VmHWM)', 'MiB', mib, (x) => x?.after?.hwmBytes],
    ['used_memory before', 'MiB', mib, (x) => inf(x, 'before', 'used_memory')],
    ['used_memory after', 'MiB', mib, (x) => inf(x, 'after', 'used_memory')],
    ['used_memory_rss after', 'MiB', mib, (x) => inf(x, 'after', 'used_memory_rss')],
    ['arena_bytes after', 'MiB', mib, (x) => inf(x, 'after', 'arena_bytes')],
    ['js_heap_used_bytes after', 'MiB', mib, (x) => inf(x, 'after', 'js_heap_used_bytes')],
    ['(RSS after − before) / key', 'B', perKey, (x) => divide(delta(x?.after?.rssBytes, x?.before?.rssBytes), n)],
    ['used_memory / key', 'B', perKey, (x) => divide(inf(x, 'after', 'used_memory'), n)],
    ['(used_memory after − before) / key', 'B', perKey, (x) => divide(delta(inf(x, 'after', 'used_memory'), inf(x, 'before', 'used_memory')), n)],
    ['arena_bytes / key', 'B', perKey, (x) => divide(inf(x, 'after', 'arena_bytes'), n)],
    ['DBSIZE', 'keys', fmtInt, (x) => x?.dbsize],
  ];
  const rows = metrics.map(([name, unit, fmt, get]) => {
    const a = get(t);
    const b = get(s);
    return [name, unit, fmt(a), fmt(b), fmtRatio(a, b)];
  });
  const chk = (x: MemorySideResult | undefined): string => (x?.checked ? `${x.checked.ok}/${x.checked.total} ok` : NA);
  rows.push(['GET spot check', 'keys', chk(t), chk(s), '']);
  const d = keyLengthDistribution(n);
  const notes = [
    `${fmtInt(n)} keys, SET via redis-cli --pipe (${fmtMiB(setStreamBytes(n, o.valueBytes))} MiB of RESP); values ${o.valueBytes} B, seed ${o.seed}; ` +
      `raw key+value ${(d.meanBytes + o.valueBytes).toFixed(2)} B/key; total ${(r.elapsedMs / 1000).toFixed(0)} s.`,
    `key lengths: ${describeKeyLengths(n)} (distinct, printable 0x21–0x7E, bijective base 94 of the index).`,
    `RSS = VmRSS of the server process; readings taken ${o.settleMs} ms after start and after the load; ratio = tierkv/redis (> 1: tierkv uses more).`,
  ];
  notes.push(backgroundNote(r.sides.map((x) => x.backgroundCores), 'load times are unreliable (memory figures are not affected) — rerun on an idle machine for them'));
  if (o.tierkv.overridden && t) notes.push(`NOTE: the tierkv side was overridden: ${t.commandLine} (${t.identity}).`);
  for (const x of r.sides) {
    if (x.error) notes.push(`error: ${x.side}: ${x.error}`);
    if (x.errors) notes.push(`error: ${x.side}: redis-cli reported ${x.errors} error replies`);
    if (x.dbsize !== undefined && x.dbsize !== n) notes.push(`warning: ${x.side}: DBSIZE ${x.dbsize} ≠ ${n} keys loaded`);
    if (x.checked?.firstMismatch) notes.push(`warning: ${x.side}: GET check mismatch, ${x.checked.firstMismatch}`);
  }
  return {
    title: 'Memory: load N keys, tierkv vs redis-server',
    columns: [{ header: 'metric' }, { header: 'unit' }, { header: 'tierkv', align: 'right' }, { header: 'redis', align: 'right' }, { header: 'tierkv/redis', align: 'right' }],
    rows,
    notes,
  };
}

function divide(a: number | undefined, n: number): number | undefined {
  return a === undefined || n === 0 ? undefined : a / n;
}

export const MEMORY_ARG_OPTIONS = stringOptions('keys', 'seed', 'value-bytes', 'settle-ms', 'check', 'load-timeout-s', 'tierkv-cmd', 'redis-cmd');

export function memoryOptionsFrom(v: Partial<Record<keyof typeof MEMORY_ARG_OPTIONS, string | boolean | undefined>>): MemoryOptions {
  const str = (x: string | boolean | undefined): string | undefined => (typeof x === 'string' ? x : undefined);
  const o = defaultMemoryOptions(str(v['tierkv-cmd']), str(v['redis-cmd']));
  if (str(v.keys) !== undefined) o.keys = parsePositiveInt(str(v.keys)!, '--keys');
  if (str(v.seed) !== undefined) o.seed = parseNonNegativeInt(str(v.seed)!, '--seed');
  if (str(v['value-bytes']) !== undefined) o.valueBytes = parsePositiveInt(str(v['value-bytes'])!, '--value-bytes');
  if (str(v['settle-ms']) !== undefined) o.settleMs = parseNonNegativeInt(str(v['settle-ms'])!, '--settle-ms');
  if (str(v.check) !== undefined) o.check = parseNonNegativeInt(str(v.check)!, '--check');
  if (str(v['load-timeout-s']) !== undefined) o.timeoutS = parsePositiveInt(str(v['load-timeout-s'])!, '--load-timeout-s');
  return o;
}

export const MEMORY_HELP = `Options (memory):
  --keys N            keys to load (default ${DEFAULT_KEYS.toLocaleString('en-US')}; the paper's workload is 10000000)
  --seed S            value generator seed (default 42)
  --value-bytes B     value size in bytes (default ${DEFAULT_VALUE_BYTES})
  --settle-ms MS      pause before each memory reading, ms (default 2000)
  --check K           keys read back with GET after the load (default 16)
  --load-timeout-s S  limit for one load, seconds (default 1800)
  --tierkv-cmd CMD    command for the tierkv side, {port} is replaced (env TIERKV_CMD)
  --redis-cmd CMD     command for the redis side (env REDIS_CMD)`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ...MEMORY_ARG_OPTIONS, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    console.log(`Usage: node dist/bench/memory.js [options]\n${MEMORY_HELP}`);
    return;
  }
  const r = await runMemory(memoryOptionsFrom(values));
  console.log(renderText(r.table));
  if (r.sides.some((x) => x.error)) process.exitCode = 1;
}

runIfMain(import.meta.url, main);
