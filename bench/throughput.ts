/**
 * Throughput benchmark: redis-benchmark against tierkv and against redis-server, test by test.
 *
 * For each pipeline depth P (default 1 and 16) and each repetition, a fresh server of each side is started on a
 * free loopback port and warmed up; then each test runs as its own redis-benchmark process (so one unsupported
 * command does not abort the others), on one side and at once on the other:
 *
 *   redis-benchmark -h 127.0.0.1 -p PORT -t TEST -d 100 -r 1000000 -c CLIENTS -n REQUESTS -P P --csv
 *
 * Reported per test and P: requests/s, p50 and p99 latency (ms), for both sides, and tierkv/redis
 * ratios (ops/s ratio > 1: tierkv faster; latency ratio > 1: tierkv slower). For MSET, one request
 * is one MSET of 10 keys. Collection tests (`--tests hset,sadd,spop`, bench/collections.ts) work too: HSET adds
 * fields `element:<rand>` of -d bytes to one hash `myhash`, SADD members to one set `myset`; before each SPOP run
 * `myset` is filled with as many members as SPOPs will run (prepareTest), so none pops from an emptied set; likewise
 * `mylist` before LPOP/RPOP and `myzset` before ZPOPMIN. LRANGE_100…600 run as explicit `LRANGE mylist 0 N-1`
 * commands on a pre-filled list (LRANGE_TESTS: `-t lrange_N` would time its own LPUSH pre-fill into the server's
 * CPU figure). ZADD and ZPOPMIN are skipped with a note on a server that answers `ERR unknown command` (probeTest).
 * The load generator shares the 2 cores with the server, so only the ratios
 * from one run are meaningful; nothing here asserts a timing.
 *
 * Usage: node dist/bench/throughput.js [--requests N] [--pipeline 1,16] [--clients 50]
 *        [--tests set,get,incr,mset] [--warmup N] [--tierkv-cmd CMD] [--redis-cmd CMD] [--timeout-s S]
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { parseIntList, parseNonNegativeInt, parsePositiveInt, progress, runIfMain, stringOptions } from './lib/cli.js';
import { execFile, printable } from './lib/exec.js';
import { errorText } from './lib/failures.js';
import { backgroundCpuCores, backgroundNote, processCpuSeconds } from './lib/proc.js';
import { redisCliPipe } from './lib/redis-cli-pipe.js';
import { RespClient, RespError } from './lib/resp.js';
import { medianByRps, type RbStats } from './lib/redis-benchmark.js';
import { HOST, serverSpecs, startServer, type RunningServer, type ServerSide, type ServerSpec } from './lib/server.js';
import { NA, fmtInt, fmtMs, fmtOpsOrError, geomean, renderText, rightColumns, sideBySide, type Table } from './lib/table.js';

/** Options of the throughput benchmark. */
export interface ThroughputOptions {
  /** Requests per test per run (redis-benchmark -n). */
  requests: number;
  /** Pipeline depths to run (redis-benchmark -P). */
  pipelines: number[];
  /** Parallel connections (redis-benchmark -c). */
  clients: number;
  /** redis-benchmark test names (-t), lower case. */
  tests: string[];
  /** Value size, bytes (redis-benchmark -d). */
  dataSize: number;
  /** Key space size (redis-benchmark -r): keys are key:000000000000 .. key:<keyspace-1>. */
  keyspace: number;
  /** Warm-up requests per test before measuring (discarded); 0 = none. */
  warmup: number;
  /** Repetitions, each with fresh servers of both sides; the ops/s ratio shown is the median of theirs. */
  repeat: number;
  /** Per redis-benchmark run time limit, seconds. */
  timeoutS: number;
  tierkv: ServerSpec;
  redis: ServerSpec;
}

/** Default requests per test: sized so a redis-vs-redis run of all tests at -P 1,16 takes ~1 minute here. */
export const DEFAULT_REQUESTS = 200_000;

/** Defaults, given the two server specs. */
export function defaultThroughputOptions(tierkvCmd?: string, redisCmd?: string): ThroughputOptions {
  const specs = serverSpecs(tierkvCmd, redisCmd);
  return {
    requests: DEFAULT_REQUESTS,
    pipelines: [1, 16],
    clients: 50,
    tests: ['set', 'get', 'incr', 'mset'],
    dataSize: 100,
    keyspace: 1_000_000,
    warmup: Math.round(DEFAULT_REQUESTS / 10),
    repeat: 1,
    timeoutS: 600,
    ...specs,
  };
}

/** One row of redis-benchmark 7's --csv output: the figures of its summary that the CSV line carries. Latencies in milliseconds. */
export type BenchStats = Pick<RbStats, 'rps' | 'avgMs' | 'minMs' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'maxMs'>;

/** One test on one side at one pipeline depth. */
export interface TestRun {
  side: ServerSide;
  pipeline: number;
  test: string;
  /** 0-based index of this run among the `repeat` runs of the test. */
  rep: number;
  /** redis-benchmark's own name for the test, e.g. "MSET (10 keys)". */
  label?: string;
  stats?: BenchStats;
  /** Why there are no stats (server error reply, crash, timeout...). */
  error?: string;
  /** Why the test did not run and is no failure (the server does not know the command: see probeTest). */
  skipped?: string;
  /** Wall-clock time of the redis-benchmark process, milliseconds. */
  elapsedMs: number;
  /** CPU time (user + system) the server process used meanwhile, seconds (10 ms resolution). */
  serverCpuS?: number;
}

/** A server instance that was started for one (side, pipeline) batch. */
export interface ServerRecord {
  side: ServerSide;
  pipeline: number;
  /** 0-based repetition (see --repeat). */
  rep: number;
  /** CPU cores kept busy by other processes during the 0.5 s before this server started. */
  backgroundCores: number;
  commandLine: string;
  identity: string;
  logPath: string;
}

export interface ThroughputResult {
  options: ThroughputOptions;
  runs: TestRun[];
  servers: ServerRecord[];
  /** Total wall-clock time, milliseconds. */
  elapsedMs: number;
  table: Table;
}

const CSV_COLUMNS: Record<keyof BenchStats, string> = {
  rps: 'rps',
  avgMs: 'avg_latency_ms',
  minMs: 'min_latency_ms',
  p50Ms: 'p50_latency_ms',
  p95Ms: 'p95_latency_ms',
  p99Ms: 'p99_latency_ms',
  maxMs: 'max_latency_ms',
};

/** Splits one CSV line with double-quoted fields ("" escapes a quote). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Parses redis-benchmark 7 `--csv` output: a header line
 * "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
 * then one line per test. Other lines (warnings) are ignored. Returns test label → stats.
 */
export function parseBenchmarkCsv(text: string): Map<string, BenchStats> {
  const out = new Map<string, BenchStats>();
  let header: string[] | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line.startsWith('"')) continue;
    const cells = splitCsv(line);
    if (cells[0] === 'test') {
      header = cells;
      for (const col of Object.values(CSV_COLUMNS)) {
        if (!header.includes(col)) throw new Error(`redis-benchmark CSV header lacks ${col}: ${line}`);
      }
      continue;
    }
    if (!header) continue;
    const h = header;
    const get = (col: string): number => Number(cells[h.indexOf(col)]);
    const stats = Object.fromEntries(Object.entries(CSV_COLUMNS).map(([k, col]) => [k, get(col)])) as unknown as BenchStats;
    out.set(cells[0]!, stats);
  }
  return out;
}

/**
 * redis-benchmark's LRANGE tests (`-t lrange_100` … `lrange_600`, redis-benchmark.c 7.0) first run their own
 * `LPUSH mylist <data>` test with the same -n and -P, in the same process, before the timed LRANGEs: the server's
 * CPU time over the process would count those pushes too. So these run as the same command given explicitly
 * (`redis-benchmark … LRANGE mylist 0 N-1`: the same request bytes), after prepareTest has filled `mylist`.
 */
export const LRANGE_TESTS: Record<string, { args: string[]; label: string }> = {
  lrange_100: { args: ['LRANGE', 'mylist', '0', '99'], label: 'LRANGE_100 (first 100 elements)' },
  lrange_300: { args: ['LRANGE', 'mylist', '0', '299'], label: 'LRANGE_300 (first 300 elements)' },
  lrange_500: { args: ['LRANGE', 'mylist', '0', '499'], label: 'LRANGE_500 (first 500 elements)' },
  lrange_600: { args: ['LRANGE', 'mylist', '0', '599'], label: 'LRANGE_600 (first 600 elements)' },
};

function benchArgs(o: ThroughputOptions, port: number, test: string, requests: number, pipeline: number): string[] {
  const common = ['-h', HOST, '-p', String(port), '-d', String(o.dataSize), '-r', String(o.keyspace), '-c', String(o.clients), '-n', String(requests), '-P', String(pipeline), '--csv'];
  const lr = LRANGE_TESTS[test];
  return lr ? [...common, ...lr.args] : ['-t', test, ...common];
}

/** The set redis-benchmark's `-t sadd` fills and `-t spop` pops from (no `-r` tag: one key). */
export const SPOP_KEY = 'myset';

/**
 * RESP of `SADD myset element:<12 digits> …` for the members 0..n-1, `perCommand` per SADD, in chunks of ~1 MiB
 * (the member names redis-benchmark's `-t sadd -r …` uses).
 */
export function* spopFillChunks(n: number, perCommand = 100): Generator<Buffer> {
  const member = (i: number): string => `element:${String(i).padStart(12, '0')}`;
  let parts: string[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i += perCommand) {
    const k = Math.min(perCommand, n - i);
    let cmd = `*${k + 2}\r\n$4\r\nSADD\r\n$${SPOP_KEY.length}\r\n${SPOP_KEY}\r\n`;
    for (let j = 0; j < k; j++) {
      const m = member(i + j);
      cmd += `$${m.length}\r\n${m}\r\n`;
    }
    parts.push(cmd);
    bytes += cmd.length;
    if (bytes >= 1 << 20) {
      yield Buffer.from(parts.join(''), 'latin1');
      parts = [];
      bytes = 0;
    }
  }
  if (parts.length > 0) yield Buffer.from(parts.join(''), 'latin1');
}

/**
 * Keyspace set-up a test needs before it runs. `spop`: redis-benchmark's SPOP pops from `myset`, which only its SADD
 * test fills (with -n N -r R, about R·(1 − e^(−N/R)) distinct members: ~181,000 for 200,000 of 1,000,000), so N SPOPs
 * would empty it and the last ones would pop from a missing key (a nil reply, no work). Before each SPOP run
 * (warm-up included) `myset` gets `requests` more members (`element:<12 digits>` 0..requests−1, pipelined SADDs
 * of 100 through redis-cli --pipe), so no SPOP finds it empty. Returns an error text, or undefined.
 */
async function prepareTest(o: ThroughputOptions, port: number, test: string, requests: number): Promise<string | undefined> {
  let chunks: Iterable<Buffer>;
  let what: string;
  if (test === 'spop') {
    chunks = spopFillChunks(requests);
    what = `SADD ${SPOP_KEY}`;
  } else if (test === 'lpop' || test === 'rpop' || LRANGE_TESTS[test]) {
    // LPOP/RPOP: as many elements as pops follow (redis-benchmark's own LPUSH/RPUSH tests may not have run, or
    // fewer times); LRANGE_N: at least the 600 elements the longest range reads. Values as redis-benchmark's:
    // -d bytes of 'x'.
    chunks = fillChunks('RPUSH', LIST_KEY, LRANGE_TESTS[test] ? 600 : requests, () => 'x'.repeat(o.dataSize));
    what = `RPUSH ${LIST_KEY}`;
  } else if (test === 'zpopmin') {
    // As SPOP: ZPOPMIN pops from myzset, which only -t zadd fills (members element:<rand>, random scores).
    chunks = fillChunks('ZADD', ZSET_KEY, requests, (i) => `${i % 1000} element:${String(i).padStart(12, '0')}`);
    what = `ZADD ${ZSET_KEY}`;
  } else return undefined;
  try {
    const r = await redisCliPipe(port, chunks, o.timeoutS);
    return r.errors > 0 ? `${test.toUpperCase()} set-up: ${r.errors} error replies to ${what}` : undefined;
  } catch (e) {
    return `${test.toUpperCase()} set-up: ${errorText(e)}`;
  }
}

/** The list redis-benchmark's LPUSH/RPUSH/LPOP/RPOP/LRANGE tests use, and the sorted set of ZADD/ZPOPMIN. */
export const LIST_KEY = 'mylist';
export const ZSET_KEY = 'myzset';

/**
 * RESP of `<cmd> key <args(i)>…` for i in 0..n-1, 100 per command, in chunks of ~1 MiB; `args(i)` is one or more
 * space-separated arguments (no spaces inside an argument).
 */
export function* fillChunks(cmd: string, key: string, n: number, args: (i: number) => string, perCommand = 100): Generator<Buffer> {
  let parts: string[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i += perCommand) {
    const k = Math.min(perCommand, n - i);
    const xs: string[] = [];
    for (let j = 0; j < k; j++) xs.push(...args(i + j).split(' '));
    let c = `*${xs.length + 2}\r\n$${cmd.length}\r\n${cmd}\r\n$${key.length}\r\n${key}\r\n`;
    for (const x of xs) c += `$${x.length}\r\n${x}\r\n`;
    parts.push(c);
    bytes += c.length;
    if (bytes >= 1 << 20) {
      yield Buffer.from(parts.join(''), 'latin1');
      parts = [];
      bytes = 0;
    }
  }
  if (parts.length > 0) yield Buffer.from(parts.join(''), 'latin1');
}

/**
 * Commands a test sends, as a probe on a key of its own (then deleted): a server that does not have the command
 * (tierkv before sorted sets) answers `ERR unknown command`, and the test is skipped with a note instead of timing
 * redis-benchmark against error replies (redis-benchmark counts those as requests done).
 */
const PROBES: Record<string, string[]> = {
  zadd: ['ZADD', '__bench_probe__', '1', 'm'],
  zpopmin: ['ZPOPMIN', '__bench_probe__'],
};

/** undefined when the server has the test's command (or the test has no probe), else the reason to skip it. */
export async function probeTest(port: number, test: string): Promise<string | undefined> {
  const probe = PROBES[test];
  if (!probe) return undefined;
  const c = await RespClient.connect(HOST, port);
  try {
    const r = await c.send(probe);
    await c.send(['DEL', '__bench_probe__']);
    if (r instanceof RespError && /^ERR unknown command/.test(r.message)) return `the server answers ${printable(r.message, 80)}`;
    return undefined;
  } finally {
    c.close();
  }
}

/** Runs one redis-benchmark test (after its set-up, see prepareTest); never throws for a failed test (the error is recorded). */
async function runOne(o: ThroughputOptions, side: ServerSide, srv: { port: number; pid: number }, test: string, requests: number, pipeline: number, rep = 0): Promise<TestRun> {
  let skip: string | undefined;
  try {
    skip = await probeTest(srv.port, test);
  } catch (e) {
    return { side, pipeline, test, rep, error: `probe: ${errorText(e)}`, elapsedMs: 0 };
  }
  if (skip !== undefined) return { side, pipeline, test, rep, skipped: skip, elapsedMs: 0 };
  const setupError = await prepareTest(o, srv.port, test, requests);
  if (setupError !== undefined) return { side, pipeline, test, rep, error: setupError, elapsedMs: 0 };
  const cpu0 = processCpuSeconds(srv.pid);
  const r = await execFile('redis-benchmark', benchArgs(o, srv.port, test, requests, pipeline), o.timeoutS * 1000);
  const serverCpuS = processCpuSeconds(srv.pid) - cpu0;
  const base = { side, pipeline, test, rep, elapsedMs: r.elapsedMs, ...(Number.isFinite(serverCpuS) ? { serverCpuS } : {}) };
  let parsed: Map<string, BenchStats>;
  try {
    parsed = parseBenchmarkCsv(r.stdout);
  } catch (e) {
    return { ...base, error: (e as Error).message };
  }
  const entries = [...parsed.entries()];
  const hit = entries.find(([label]) => label.toLowerCase().split(/\s/)[0] === test.toLowerCase()) ?? entries[0];
  const why = r.timedOut ? `timed out after ${o.timeoutS} s` : r.code !== 0 ? `exit ${r.code ?? r.signal}` : '';
  const detail = printable((r.stderr + r.stdout).trim().split('\n').filter((l) => !l.startsWith('"')).slice(-2).join(' / '), 160);
  if (!hit || r.code !== 0) return { ...base, error: [why || 'no CSV result', detail].filter(Boolean).join(': ') };
  return { ...base, label: LRANGE_TESTS[test]?.label ?? hit[0], stats: hit[1] };
}

/** Runs the whole throughput comparison and builds its table. Progress goes to stderr. */
export async function runThroughput(o: ThroughputOptions): Promise<ThroughputResult> {
  const t0 = performance.now();
  const runs: TestRun[] = [];
  const servers: ServerRecord[] = [];
  const ncpu = availableParallelism();
  for (const pipeline of o.pipelines) {
    // Each repetition starts a fresh server of each side, warms both up, then runs every test on one side and at once
    // on the other (ABAB… per test, the order swapped each repetition): the two runs a ratio compares are seconds
    // apart, so drift of the machine's speed (other tenants of the host, measured ±30 % between minutes) hits both
    // alike. Both servers are up meanwhile; the idle one costs nothing measurable.
    for (let rep = 0; rep < o.repeat; rep++) {
      const live: { spec: ServerSpec; srv: RunningServer; tag: string }[] = [];
      try {
        for (const spec of rep % 2 === 0 ? [o.tierkv, o.redis] : [o.redis, o.tierkv]) {
          const backgroundCores = await backgroundCpuCores(500, ncpu);
          let srv: RunningServer;
          try {
            srv = await startServer(spec);
          } catch (e) {
            const msg = `server did not start: ${errorText(e)}`;
            progress(`${spec.side} P=${pipeline}: ${msg}`);
            for (const test of o.tests) runs.push({ side: spec.side, pipeline, test, rep, error: msg, elapsedMs: 0 });
            continue;
          }
          const tag = `${spec.side} P=${pipeline}${o.repeat > 1 ? ` #${rep + 1}` : ''}`;
          live.push({ spec, srv, tag });
          servers.push({ side: spec.side, pipeline, rep, commandLine: srv.commandLine, identity: srv.identity, logPath: srv.logPath, backgroundCores });
          progress(`${tag}: started pid ${srv.pid} on port ${srv.port} in ${srv.startupMs.toFixed(0)} ms (${srv.identity}); other load before start: ${backgroundCores.toFixed(2)} cores busy`);
          if (o.warmup > 0) {
            for (const test of o.tests) {
              const w = await runOne(o, spec.side, srv, test, o.warmup, pipeline);
              if (w.error) progress(`${tag}: warm-up ${test}: ${w.error}`);
              if (w.skipped) progress(`${tag}: ${test} skipped: ${w.skipped}`);
            }
          }
        }
        for (const test of o.tests) {
          for (const { spec, srv, tag } of live) {
            const run = await runOne(o, spec.side, srv, test, o.requests, pipeline, rep);
            runs.push(run);
            progress(
              `${tag} ${test}: ` +
                (run.stats ? `${fmtInt(run.stats.rps)} ops/s, p50 ${run.stats.p50Ms} ms, p99 ${run.stats.p99Ms} ms` : run.skipped ? `skipped: ${run.skipped}` : `ERROR ${run.error}`) +
                ` (${(run.elapsedMs / 1000).toFixed(1)} s)`,
            );
          }
        }
      } finally {
        for (const { srv } of live) await srv.stop();
      }
    }
  }
  const result: ThroughputResult = { options: o, runs, servers, elapsedMs: performance.now() - t0, table: { title: '', columns: [], rows: [] } };
  result.table = throughputTable(result);
  return result;
}

/**
 * The tierkv/redis ops/s ratios of `test` at `pipeline`, one per repetition that has both runs (the two runs of a
 * repetition are seconds apart: runThroughput).
 */
export function pairedRatios(runs: TestRun[], pipeline: number, test: string): number[] {
  const ratios: number[] = [];
  for (const a of runs) {
    if (a.side !== 'tierkv' || a.pipeline !== pipeline || a.test !== test || a.stats === undefined) continue;
    const b = runs.find((x) => x.side === 'redis' && x.pipeline === pipeline && x.test === test && x.rep === a.rep);
    if (b?.stats !== undefined && b.stats.rps > 0) ratios.push(a.stats.rps / b.stats.rps);
  }
  return ratios;
}

/**
 * The ops/s ratio the tables show: the median of `pairedRatios` (a paired estimate: the machine's drift between
 * repetitions moves each side's median run, but not the ratio within a pair), or undefined without a pair.
 */
export function pairedMedianRatio(runs: TestRun[], pipeline: number, test: string): number | undefined {
  const r = pairedRatios(runs, pipeline, test).sort((x, y) => x - y);
  if (r.length === 0) return undefined;
  const m = r.length >> 1;
  return r.length % 2 === 1 ? r[m] : (r[m - 1] + r[m]) / 2;
}

/** Builds the comparison table: one row per (pipeline, test), plus a geometric-mean row per pipeline. */
export function throughputTable(r: ThroughputResult): Table {
  const o = r.options;
  const find = (side: ServerSide, p: number, t: string): TestRun | undefined => medianByRps(r.runs.filter((x) => x.side === side && x.pipeline === p && x.test === t));
  const rows: string[][] = [];
  /** "side P=p: error" → tests that had it (identical errors are listed once). */
  const errors = new Map<string, string[]>();
  for (const p of o.pipelines) {
    const ratios: number[] = [];
    for (const t of o.tests) {
      const a = find('tierkv', p, t);
      const b = find('redis', p, t);
      const sa = a?.stats;
      const sb = b?.stats;
      const ratio = pairedMedianRatio(r.runs, p, t);
      if (ratio !== undefined) ratios.push(ratio);
      for (const x of [a, b]) {
        if (!x?.error) continue;
        const k = `${x.side} P=${p}\u0000${x.error}`;
        errors.set(k, [...(errors.get(k) ?? []), t]);
      }
      const name = a?.label ?? b?.label ?? t.toUpperCase();
      rows.push([
        name,
        String(p),
        fmtOpsOrError(sa?.rps),
        fmtOpsOrError(sb?.rps),
        ratio === undefined ? NA : `${ratio.toFixed(2)}x`,
        ...sideBySide(sa?.p50Ms, sb?.p50Ms, fmtMs),
        ...sideBySide(sa?.p99Ms, sb?.p99Ms, fmtMs),
      ]);
    }
    const g = geomean(ratios);
    rows.push([`geomean P=${p}`, String(p), '', '', g === undefined ? NA : `${g.toFixed(2)}x`, '', '', '', '', '', '']);
  }
  const r0 = r.servers.find((s) => s.side === 'tierkv');
  const notes = [
    `redis-benchmark -t <test> -d ${o.dataSize} -r ${o.keyspace} -c ${o.clients} -n ${o.requests} -P <P> --csv; ` +
      `warm-up ${o.warmup} requests per test; fresh servers of both sides per P and repetition, each test run on one ` +
      `side and then at once on the other; ` +
      (o.repeat > 1 ? `${o.repeat} repetitions (the order of the sides swapped each time): ops/s and latencies from each side's run with the median ops/s, the ops/s ratio the median of the repetitions' ratios; ` : '') +
      `total ${(r.elapsedMs / 1000).toFixed(0)} s.`,
    'ops/s = requests/s (one MSET request sets 10 keys); p50/p99 = latency percentiles in ms; ratio = tierkv/redis ' +
      '(ops/s ratio > 1: tierkv faster; latency ratio > 1: tierkv slower); geomean = geometric mean of the ops/s ratios.',
  ];
  notes.push(backgroundNote(r.servers.map((x) => x.backgroundCores), 'the ratios are unreliable — rerun on an idle machine or with --repeat 3'));
  if (r0 && o.tierkv.overridden) notes.push(`NOTE: the tierkv side was overridden: ${r0.commandLine} (${r0.identity}).`);
  for (const [k, tests] of errors) {
    const [where, msg] = k.split('\u0000');
    notes.push(`error: ${where} ${tests.join(',')}: ${msg}`);
  }
  return {
    title: 'Throughput: redis-benchmark, tierkv vs redis-server',
    columns: [
      { header: 'test' },
      ...rightColumns('P', 'tierkv ops/s', 'redis ops/s', 'ratio', 'tierkv p50', 'redis p50', 'ratio', 'tierkv p99', 'redis p99', 'ratio'),
    ],
    rows,
    notes,
  };
}

/** Option definitions for node:util parseArgs, shared with run-all. */
export const THROUGHPUT_ARG_OPTIONS = stringOptions('requests', 'pipeline', 'clients', 'tests', 'warmup', 'repeat', 'timeout-s', 'tierkv-cmd', 'redis-cmd');

/** Applies parsed command-line values onto the defaults. */
export function throughputOptionsFrom(v: Partial<Record<keyof typeof THROUGHPUT_ARG_OPTIONS, string | boolean | undefined>>): ThroughputOptions {
  const str = (x: string | boolean | undefined): string | undefined => (typeof x === 'string' ? x : undefined);
  const o = defaultThroughputOptions(str(v['tierkv-cmd']), str(v['redis-cmd']));
  const req = str(v.requests);
  if (req !== undefined) {
    o.requests = parsePositiveInt(req, '--requests');
    o.warmup = Math.round(o.requests / 10);
  }
  if (str(v.pipeline) !== undefined) o.pipelines = parseIntList(str(v.pipeline)!, '--pipeline');
  if (str(v.clients) !== undefined) o.clients = parsePositiveInt(str(v.clients)!, '--clients');
  if (str(v.tests) !== undefined) o.tests = str(v.tests)!.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (str(v.warmup) !== undefined) o.warmup = parseNonNegativeInt(str(v.warmup)!, '--warmup');
  if (str(v.repeat) !== undefined) o.repeat = parsePositiveInt(str(v.repeat)!, '--repeat');
  if (str(v['timeout-s']) !== undefined) o.timeoutS = parsePositiveInt(str(v['timeout-s'])!, '--timeout-s');
  return o;
}

export const THROUGHPUT_HELP = `Options (throughput):
  --requests N        requests per test and run (default ${DEFAULT_REQUESTS.toLocaleString('en-US')}; warm-up defaults to N/10)
  --pipeline LIST     pipeline depths, e.g. 1,16 (default 1,16)
  --clients N         parallel connections (default 50)
  --tests LIST        redis-benchmark tests (default set,get,incr,mset)
  --warmup N          warm-up requests per test before measuring (default requests/10; 0 = none)
  --repeat K          K repetitions, fresh servers of both sides each; the ops/s ratio is the
                      median of the repetitions' ratios (default 1)
  --timeout-s S       limit per redis-benchmark process, seconds (default 600)
  --tierkv-cmd CMD    command for the tierkv side, {port} is replaced (env TIERKV_CMD;
                      default: node dist/server/main.js --port {port})
  --redis-cmd CMD     command for the redis side (env REDIS_CMD;
                      default: redis-server --port {port} --bind 127.0.0.1 --save '' --appendonly no)`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ...THROUGHPUT_ARG_OPTIONS, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    console.log(`Usage: node dist/bench/throughput.js [options]\n${THROUGHPUT_HELP}`);
    return;
  }
  const o = throughputOptionsFrom(values);
  const r = await runThroughput(o);
  console.log(renderText(r.table));
  if (r.runs.some((x) => x.error !== undefined)) process.exitCode = 1;
}

runIfMain(import.meta.url, main);

