/**
 * Fragmentation benchmark (slab calcification): SET churn whose value size changes between phases, under maxmemory
 * with an evicting policy, against tierkv and redis-server in the same run, one server at a time, each freshly
 * started.
 *
 * Workload (the reproduction of the slab page mover, server/memory/page-mover.ts): `redis-benchmark -t set -r KEYSPACE
 * -d SIZE -n N -P PIPELINE` for each phase SIZE:N of `--phases` (default 100:1000000, 1000:300000, 30:1000000), with
 * `--maxmemory 50mb --maxmemory-policy allkeys-lfu`. Without a page mover the pages of the old sizes' classes stay
 * assigned and tierkv's arena grows with each size change; Redis (jemalloc) reuses freed runs of any size.
 *
 * Reported per side and phase, read after the phase and a `--settle-ms` pause (default 2000): SET requests/s (and the
 * ratio to redis-server's in the same phase), `used_memory`, RSS (VmRSS from /proc/PID/status) and RSS/maxmemory,
 * peak RSS (VmHWM), and for tierkv `arena_bytes`, `slab_pages_bytes`, `slab_page_budget_bytes` and the mover's
 * counters. `--tierkv-before-cmd CMD` adds a third side (e.g. a build without the mover) to compare before/after in
 * the same run. No timing is asserted.
 *
 * Usage: node dist/bench/fragmentation.js [--maxmemory 50mb] [--policy allkeys-lfu] [--phases 100:1000000,...]
 *        [--keyspace 10000000] [--pipeline 16] [--clients 50] [--settle-ms 2000] [--markdown]
 *        [--tierkv-cmd CMD] [--redis-cmd CMD] [--tierkv-before-cmd CMD]
 */
import { parseArgs } from 'node:util';
import { isMain, invocation, parseNonNegativeInt, parsePositiveInt, progress } from './lib/cli.js';
import { execFile } from './lib/exec.js';
import { backgroundCpuCores, backgroundNote, readProcMemory } from './lib/proc.js';
import { infoNumber, readInfo } from './lib/resp.js';
import { HOST, delay, serverSpecs, startServer, type ServerSpec } from './lib/server.js';
import { NA, fmtFixed, fmtInt, fmtMiB, fmtRatio, renderMarkdown, renderText, rightColumns, type Table } from './lib/table.js';

/** One phase of the churn: value size (bytes) and number of SETs. */
export interface Phase {
  valueBytes: number;
  requests: number;
}

export interface FragmentationOptions {
  /** maxmemory in bytes. */
  maxmemory: number;
  policy: string;
  phases: Phase[];
  /** Key range of `redis-benchmark -r` (keys). */
  keyspace: number;
  pipeline: number;
  clients: number;
  /** Pause before each reading, milliseconds. */
  settleMs: number;
  sides: { label: string; spec: ServerSpec }[];
}

/** What one side measured after one phase. Bytes, requests/s. */
export interface PhaseResult {
  rps: number;
  usedMemory?: number;
  rssBytes: number;
  hwmBytes: number;
  arenaBytes?: number;
  slabPagesBytes?: number;
  slabBudgetBytes?: number;
  reassignedPages?: number;
  movedKeys?: number;
  moverEvictedKeys?: number;
  /** Total time of the mover's slices (µs) and its longest slice (µs). */
  moverWorkUs?: number;
  moverMaxUs?: number;
  evictedKeys?: number;
}

export interface SideResult {
  label: string;
  commandLine: string;
  identity: string;
  backgroundCores: number;
  phases: PhaseResult[];
}

/** Parses a memory size as redis.conf does (`50mb`, `1gb`, `1048576`). */
export function parseMemory(s: string): number {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(s.trim());
  if (m === null) throw new Error(`bad memory size: ${s}`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1 << 20, g: 1e9, gb: 1 << 30 };
  return Number(m[1]) * (mult[unit] as number);
}

/** Parses `SIZE:N,SIZE:N,...`. */
export function parsePhases(s: string): Phase[] {
  return s.split(',').map((p) => {
    const [size, n] = p.split(':');
    return { valueBytes: parsePositiveInt(size ?? '', 'value size'), requests: parsePositiveInt(n ?? '', 'requests') };
  });
}

async function runSide(label: string, spec: ServerSpec, o: FragmentationOptions): Promise<SideResult> {
  const cores = await backgroundCpuCores();
  const limits = ` --maxmemory ${o.maxmemory} --maxmemory-policy ${o.policy}`;
  const srv = await startServer({ ...spec, cmd: spec.cmd + limits });
  const res: SideResult = { label, commandLine: srv.commandLine, identity: srv.identity, backgroundCores: cores, phases: [] };
  try {
    for (const ph of o.phases) {
      progress(`${label}: SET -d ${ph.valueBytes} -n ${ph.requests}`);
      const args = ['-h', HOST, '-p', String(srv.port), '-t', 'set', '-r', String(o.keyspace), '-d', String(ph.valueBytes), '-n', String(ph.requests), '-P', String(o.pipeline), '-c', String(o.clients), '-q'];
      const r = await execFile('redis-benchmark', args, 3_600_000);
      const m = /([\d.]+) requests per second/.exec(r.stdout.split('\r').join('\n'));
      await delay(o.settleMs);
      const info = await readInfo(srv.host, srv.port);
      const mem = readProcMemory(srv.pid);
      res.phases.push({
        rps: m ? Number(m[1]) : NaN,
        usedMemory: infoNumber(info, 'used_memory'),
        rssBytes: mem.rssBytes,
        hwmBytes: mem.hwmBytes,
        arenaBytes: infoNumber(info, 'arena_bytes'),
        slabPagesBytes: infoNumber(info, 'slab_pages_bytes'),
        slabBudgetBytes: infoNumber(info, 'slab_page_budget_bytes'),
        reassignedPages: infoNumber(info, 'slab_reassigned_pages'),
        movedKeys: infoNumber(info, 'slab_reassign_moved_keys'),
        moverEvictedKeys: infoNumber(info, 'slab_reassign_evicted_keys'),
        moverWorkUs: infoNumber(info, 'slab_reassign_work_us'),
        moverMaxUs: infoNumber(info, 'slab_reassign_work_max_us'),
        evictedKeys: infoNumber(info, 'evicted_keys'),
      });
    }
  } finally {
    await srv.stop();
  }
  return res;
}

/** Runs every side, one after the other. */
export async function runFragmentation(o: FragmentationOptions): Promise<SideResult[]> {
  const out: SideResult[] = [];
  for (const s of o.sides) out.push(await runSide(s.label, s.spec, o));
  return out;
}

/** The result table: one row per side and phase. */
export function fragmentationTable(o: FragmentationOptions, results: SideResult[]): Table {
  const redis = results.find((r) => r.label === 'redis');
  const rows: string[][] = [];
  for (const r of results) {
    r.phases.forEach((p, i) => {
      const ph = o.phases[i] as Phase;
      const ref = redis?.phases[i];
      rows.push([
        r.label,
        `-d ${ph.valueBytes} -n ${ph.requests}`,
        fmtInt(p.rps),
        r === redis ? NA : fmtRatio(p.rps, ref?.rps),
        fmtMiB(p.usedMemory),
        fmtMiB(p.rssBytes),
        fmtFixed(p.rssBytes / o.maxmemory, 2),
        fmtMiB(p.hwmBytes),
        p.arenaBytes === undefined ? NA : fmtMiB(p.arenaBytes),
        p.slabPagesBytes === undefined ? NA : `${fmtMiB(p.slabPagesBytes)} / ${fmtMiB(p.slabBudgetBytes)}`,
        p.reassignedPages === undefined ? NA : `${fmtInt(p.reassignedPages)} / ${fmtInt(p.movedKeys)} / ${fmtInt(p.moverEvictedKeys)}`,
        p.moverWorkUs === undefined || !p.reassignedPages ? NA : `${fmtInt(p.moverWorkUs / p.reassignedPages)} / ${fmtInt(p.moverMaxUs)}`,
        fmtInt(p.evictedKeys),
      ]);
    });
  }
  const notes = [
    `maxmemory ${fmtMiB(o.maxmemory)} MiB, ${o.policy}; redis-benchmark -t set -r ${o.keyspace} -P ${o.pipeline} -c ${o.clients}; readings after each phase + ${o.settleMs} ms.`,
    'MiB columns: used_memory, RSS (VmRSS) and peak RSS (VmHWM) after the phase; RSS/maxmemory; arena_bytes; slab pages in use / their budget.',
    'mover: slab_reassigned_pages / slab_reassign_moved_keys / slab_reassign_evicted_keys (cumulative); µs per page: slab_reassign_work_us / slab_reassigned_pages (cumulative), max slice: slab_reassign_work_max_us.',
    'SET/s ratio: this side / redis-server, same phase.',
    ...results.map((r) => `${r.label}: ${r.commandLine} (${r.identity})`),
  ];
  const bg = backgroundNote(
    results.map((r) => r.backgroundCores),
    'the throughput ratios are unreliable',
  );
  if (bg) notes.push(bg);
  return {
    title: 'Fragmentation: SET churn with changing value sizes under maxmemory',
    columns: [
      { header: 'server' },
      { header: 'phase' },
      ...rightColumns('SET/s', 'ratio', 'used_memory', 'RSS', 'RSS/maxmem', 'peak RSS', 'arena'),
      ...rightColumns('slab pages / budget', 'mover pages/moved/evicted', 'µs per page / max slice', 'evicted_keys'),
    ],
    rows,
    notes,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      maxmemory: { type: 'string', default: '50mb' },
      policy: { type: 'string', default: 'allkeys-lfu' },
      phases: { type: 'string', default: '100:1000000,1000:300000,30:1000000' },
      keyspace: { type: 'string', default: '10000000' },
      pipeline: { type: 'string', default: '16' },
      clients: { type: 'string', default: '50' },
      'settle-ms': { type: 'string', default: '2000' },
      markdown: { type: 'boolean', default: false },
      'tierkv-cmd': { type: 'string' },
      'redis-cmd': { type: 'string' },
      'tierkv-before-cmd': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('usage: node dist/bench/fragmentation.js [--maxmemory 50mb] [--policy allkeys-lfu] [--phases 100:1000000,1000:300000,30:1000000] [--keyspace N] [--pipeline P] [--clients C] [--settle-ms MS] [--markdown] [--tierkv-cmd CMD] [--redis-cmd CMD] [--tierkv-before-cmd CMD]');
    return;
  }
  const specs = serverSpecs(values['tierkv-cmd'], values['redis-cmd']);
  const sides: { label: string; spec: ServerSpec }[] = [];
  const before = values['tierkv-before-cmd'];
  if (before !== undefined) sides.push({ label: 'tierkv-before', spec: { side: 'tierkv', cmd: before, overridden: true } });
  sides.push({ label: 'tierkv', spec: specs.tierkv }, { label: 'redis', spec: specs.redis });
  const o: FragmentationOptions = {
    maxmemory: parseMemory(values.maxmemory as string),
    policy: values.policy as string,
    phases: parsePhases(values.phases as string),
    keyspace: parsePositiveInt(values.keyspace as string, '--keyspace'),
    pipeline: parsePositiveInt(values.pipeline as string, '--pipeline'),
    clients: parsePositiveInt(values.clients as string, '--clients'),
    settleMs: parseNonNegativeInt(values['settle-ms'] as string, '--settle-ms'),
    sides,
  };
  const results = await runFragmentation(o);
  const table = fragmentationTable(o, results);
  console.log(values.markdown ? renderMarkdown(table) : renderText(table));
  console.log(`\ncommand: ${invocation()}`);
}

if (isMain(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
