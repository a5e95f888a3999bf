/**
 * The paper's experiment on real VMs: tierkv runs inside a guest (image.ts, vm.ts), is loaded with the paper's
 * workload and a skewed warm-up so that its tiers form, and the VM is live-migrated by each strategy of
 * `tierkv-migrate` (`runMigration()` of migration-hook/controller.ts) while a load generator on the host keeps
 * reading and writing through the forwarded port (clients.ts). Every run uses fresh VMs and the same data and seed.
 *
 * Cases: the controller's `precopy`, `postcopy`, `tierkv` (the default: MIGRATE_PREPARE with zeroing, post-copy, no
 * balloon), `tierkv-preempt` (the same with postcopy-preempt), `tierkv-balloon` (the paper's exact method: balloon
 * before post-copy), `tierkv-precopy` (balloon with free-page-hint=on) and `tierkv-report` (free-page-reporting=on),
 * plus `postcopy-init-on-free`: the fair baseline a careful operator would
 * try without tierkv's help — the guest kernel booted with `init_on_free=1` (freed pages are zeroed, so QEMU sends
 * them as zero pages), an application-level `DEL` of the very keys tierkv holds in its cold tier (found with
 * `OBJECT TIER` before the clock starts) and `MEMORY PURGE` (release empty extents, GC), then plain post-copy. Its
 * DEL + PURGE time is counted as its prepare/setup time.
 *
 * Per run: boot the source; load the keys (cold ones first, then the hot ones) and warm up (GETs of the hot keys
 * until ≥ 98 % of a sample is in the hot tier, at most 5 rounds); boot the destination with `-incoming defer`; start the client load
 * and let it run `beforeMs`; migrate; let the clients run `afterMs` on the destination; check on the destination
 * that sampled hot keys are there with the right values (and, where nothing was dropped, cold keys too).
 *
 * Times are ms of this process's monotonic clock (QEMU's own figures as QEMU reports them), sizes bytes.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runMigration } from '../../migration-hook/controller.js';
import { MigrationFailedError, type MigrationPhase, type MigrationReport } from '../../migration-hook/report-types.js';
import { probeAccel, type QemuAccel, type QemuBalloonOptions } from '../../migration-hook/qemu-process.js';
import type { StrategyName } from '../../migration-hook/strategies.js';
import { valueOf } from '../lib/dataset.js';
import { REPO_ROOT, freePort } from '../lib/server.js';
import { hotSplit, tierkvSizing } from '../migrate-prepare.js';
import {
  ClientLoad,
  delChunks,
  infoRecord,
  keyCommandChunks,
  pipeCommands,
  query,
  ReplyReader,
  respCommand,
  setChunks,
  summarize,
  windows,
  type ClientSummary,
  type ClientWindow,
} from './clients.js';
import { buildGuestImage, createRunDisk, type GuestImage } from './image.js';
import { startGuestVm, tail, waitForTierkv, type GuestVm } from './vm.js';
import { connect } from 'node:net';

/** Where per-run sockets and serial logs go (git-ignored). */
export const RUN_DIR = join(REPO_ROOT, 'bench', 'migration', 'run');

/** The experiment's cases, in run order within a repetition. */
export const CASE_NAMES = [
  'precopy',
  'postcopy',
  'tierkv',
  'tierkv-preempt',
  'tierkv-overlap',
  'tierkv-balloon',
  'tierkv-precopy',
  'tierkv-report',
  'postcopy-init-on-free',
] as const;
export type CaseName = (typeof CASE_NAMES)[number];

/** How a case is run. */
export interface CaseSpec {
  name: CaseName;
  /** The controller's strategy. */
  strategy: StrategyName;
  /** Balloon device options of both VMs. */
  balloon: QemuBalloonOptions;
  /** Extra guest kernel command line. */
  kernelArgs: string[];
  /** DEL of tierkv's cold keys + MEMORY PURGE before the migration (the init_on_free baseline). */
  appDelete: boolean;
  description: string;
}

/** The cases, by name. */
export const CASES: Readonly<Record<CaseName, CaseSpec>> = {
  precopy: { name: 'precopy', strategy: 'precopy', balloon: {}, kernelArgs: [], appDelete: false, description: 'plain pre-copy' },
  postcopy: { name: 'postcopy', strategy: 'postcopy', balloon: {}, kernelArgs: [], appDelete: false, description: "plain post-copy (the paper's baseline)" },
  tierkv: {
    name: 'tierkv',
    strategy: 'tierkv',
    balloon: {},
    kernelArgs: [],
    appDelete: false,
    description: 'MIGRATE_PREPARE (tierkv zeroes the memory it drops), post-copy, no balloon (the default)',
  },
  'tierkv-preempt': {
    name: 'tierkv-preempt',
    strategy: 'tierkv-preempt',
    balloon: {},
    kernelArgs: [],
    appDelete: false,
    description: 'tierkv with postcopy-preempt (page requests on their own channel)',
  },
  'tierkv-overlap': {
    name: 'tierkv-overlap',
    strategy: 'tierkv-overlap',
    balloon: {},
    kernelArgs: [],
    appDelete: false,
    description: 'tierkv with MIGRATE_PREPARE during the first pre-copy pass, post-copy after its reply',
  },
  'tierkv-balloon': {
    name: 'tierkv-balloon',
    strategy: 'tierkv-balloon',
    balloon: {},
    kernelArgs: [],
    appDelete: false,
    description: "MIGRATE_PREPARE, balloon to the memory in use, post-copy (the paper's exact method)",
  },
  'tierkv-precopy': {
    name: 'tierkv-precopy',
    strategy: 'tierkv-precopy',
    balloon: { freePageHint: true },
    kernelArgs: [],
    appDelete: false,
    description: 'MIGRATE_PREPARE, pre-copy skipping the pages the guest hints as free',
  },
  'tierkv-report': {
    name: 'tierkv-report',
    strategy: 'tierkv-report',
    balloon: { freePageReporting: true },
    kernelArgs: [],
    appDelete: false,
    description: 'MIGRATE_PREPARE, wait for free page reporting, post-copy',
  },
  'postcopy-init-on-free': {
    name: 'postcopy-init-on-free',
    strategy: 'postcopy',
    balloon: {},
    kernelArgs: ['init_on_free=1'],
    appDelete: true,
    description: 'guest with init_on_free=1, DEL of the same cold keys + MEMORY PURGE, plain post-copy',
  },
};

/** Size presets. */
export type SizePreset = 'default' | 'smoke' | 'paper';

/** The experiment's configuration (recorded as `config` in latest.json). */
export interface ExperimentConfig {
  size: SizePreset;
  /** Guest RAM, MiB. */
  guest_mib: number;
  keys: number;
  value_bytes: number;
  /** Share of the keys the workload treats as hot (warm-up and 90 % of the client's operations). */
  hot_key_share: number;
  /** Share of the item bytes the hot tier holds (tierkv's hot-ratio is derived from it). */
  hot_tier_share: number;
  /** tierkv's maxmemory (bytes) and hot-ratio, derived from the data set (bench/migrate-prepare.ts tierkvSizing). */
  maxmemory: number;
  hot_ratio: number;
  seed: number;
  cases: CaseName[];
  repetitions: number;
  accel: QemuAccel;
  /** Migration bandwidth cap of both phases, bytes/s (QEMU's pre-copy default, 128 MiB/s ≈ a 1 Gbit/s link). */
  bandwidth_bytes_per_sec: number;
  balloon_headroom_bytes: number;
  client: { conns: number; rate_ops_per_sec: number; hot_op_share: number; read_share: number; op_timeout_ms: number };
  /** Client load before the migration request and after it completes, ms. */
  before_ms: number;
  after_ms: number;
  /** Keys sampled for the data check on the destination (hot; as many cold where nothing was dropped). */
  check_keys: number;
}

/** The presets: default (sized for this 2-core machine, TCG), smoke (CI), paper (5 GiB, 10M items). */
export function presetConfig(size: SizePreset, accel: QemuAccel): ExperimentConfig {
  const p = {
    default: { guest_mib: 1024, keys: 2_000_000, cases: CASE_NAMES.filter((n) => n !== 'tierkv-preempt'), repetitions: 3 },
    smoke: { guest_mib: 768, keys: 700_000, cases: ['postcopy', 'tierkv'] as CaseName[], repetitions: 1 },
    // The issue's cases that matter at the paper's size, once each (each load of 10M keys takes minutes under TCG).
    paper: { guest_mib: 5120, keys: 10_000_000, cases: ['postcopy', 'tierkv', 'tierkv-overlap', 'tierkv-balloon', 'tierkv-precopy'] as CaseName[], repetitions: 1 },
  }[size];
  return withSizing({
    size,
    ...p,
    value_bytes: 100,
    hot_key_share: 0.25,
    hot_tier_share: 0.3,
    maxmemory: 0,
    hot_ratio: 0,
    seed: 42,
    accel,
    bandwidth_bytes_per_sec: 128 * 2 ** 20,
    balloon_headroom_bytes: 32 * 2 ** 20,
    client: { conns: 4, rate_ops_per_sec: 200, hot_op_share: 0.9, read_share: 0.8, op_timeout_ms: 1000 },
    before_ms: 3000,
    after_ms: 3000,
    check_keys: 2000,
  });
}

/** Fills in maxmemory and hot_ratio from keys, value size and hot_tier_share. */
export function withSizing(c: ExperimentConfig): ExperimentConfig {
  const s = tierkvSizing(c.keys, c.value_bytes, c.hot_tier_share, 0.05);
  return { ...c, maxmemory: s.maxmemory, hot_ratio: s.hotRatio };
}

/** A point of a run's timeline: ms since the client load started, and what happened. */
export interface Mark {
  t_ms: number;
  label: string;
}

/** One run: the issue's fields first, then the details. Times ms, sizes bytes; null where not reached. */
export interface RunResult {
  strategy: CaseName;
  repetition: number;
  /** `ok`, or `failed: reason` (migration failed, data check failed, or the run broke). */
  status: string;
  total_time_ms: number | null;
  setup_time_ms: number | null;
  prepare_ms: number | null;
  balloon_ms: number | null;
  downtime_ms: number | null;
  transferred_bytes: number | null;
  dropped_keys: number | null;
  client_p99_ms: number | null;
  client_ops_per_sec: number | null;

  controller_strategy: StrategyName;
  guest_pause_ms: number | null;
  migration_time_ms: number | null;
  postcopy_blocktime_ms: number | null;
  /** The controller's setup breakdown, plus the application-level delete of the init_on_free baseline. */
  setup: MigrationReport['setup'] & { app_delete_ms: number | null };
  precopy_bytes: number | null;
  postcopy_bytes: number | null;
  normal_bytes: number | null;
  duplicate_pages: number | null;
  ram_total_bytes: number | null;
  passes: number | null;
  freed_bytes: number | null;
  balloon_target_bytes: number | null;
  balloon_actual_bytes: number | null;
  balloon_settled: boolean | null;
  kv_prepare: Record<string, number | string> | null;
  warnings: string[];
  guest: {
    boot_ms: number;
    load_ms: number;
    warmup_ms: number;
    warmup_rounds: number;
    /** Share of sampled hot keys in tierkv's hot tier before the migration. */
    hot_keys_in_hot_tier: number;
    used_memory: number;
    used_memory_rss: number;
    hot_used_bytes: number;
    cold_used_bytes: number;
    hot_keys: number;
    cold_keys: number;
    mem_available_bytes: number | null;
  };
  client: {
    before: ClientSummary;
    during: ClientSummary;
    after: ClientSummary;
    reconnects: number;
    misses: number;
    wrong_values: number;
    error_replies: number;
    first_error: string | null;
  };
  check: {
    hot_sampled: number;
    /** Sampled hot keys that GET returned (with any value). */
    hot_read: number;
    /** Sampled hot keys that GET returned with their right value. */
    hot_present: number;
    /** Sampled hot keys that GET returned with a wrong value (part of wrong_values). */
    hot_wrong: number;
    cold_sampled: number;
    cold_present: number;
    wrong_values: number;
    dbsize_before: number;
    dbsize_after: number | null;
    ok: boolean;
    note: string;
  } | null;
  timeline: { marks: Mark[]; windows: ClientWindow[]; window_ms: number };
  error: string | null;
}

/** The results document (latest.json). */
export interface ExperimentDoc {
  command: string;
  started_at: string;
  finished_at: string;
  machine: { nproc: number; cpu: string; mem_bytes: number; kernel: string; node: string; qemu: string | null };
  image: { kernel_package: string; busybox_package: string; initrd_bytes: number; rootfs_bytes: number; disk_bytes?: number; key: string };
  config: ExperimentConfig;
  runs: RunResult[];
}

const PASSWORD = 'tierkv-migration-bench';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const r1 = (x: number): number => Math.round(x * 10) / 10;

/** The hot-set helpers of a config. */
export function hotSet(c: ExperimentConfig): ReturnType<typeof hotSplit> {
  return hotSplit(c.keys, c.hot_key_share);
}

/** Key indexes, cold ones first, then the hot ones (the load order). */
function* loadOrder(n: number, isHot: (i: number) => boolean): Generator<number> {
  for (let i = 0; i < n; i++) if (!isHot(i)) yield i;
  for (let i = 0; i < n; i++) if (isHot(i)) yield i;
}

/** `count` indexes spread evenly over [0, total). */
function spread(total: number, count: number): number[] {
  const k = Math.min(total, count);
  return Array.from({ length: k }, (_, j) => Math.floor(((j + 0.5) * total) / k));
}

/**
 * Runs one command per key over a pipelined connection and returns each reply (decoded), streaming.
 * @throws Error on connection failures.
 */
async function pipeReplies(port: number, indexes: number[], command: readonly string[], onReply: (i: number, r: unknown) => void): Promise<void> {
  const sock = connect({ host: '127.0.0.1', port });
  await new Promise<void>((res, rej) => {
    sock.once('connect', () => res());
    sock.once('error', rej);
  });
  const reader = new ReplyReader();
  let got = -1; // AUTH first
  const n = indexes.length;
  const chunks = keyCommandChunks(indexes, command, 2000);
  let sent = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const pump = (): void => {
        while (sent - got < 20_000) {
          const c = chunks.next();
          if (c.done) break;
          sock.write(c.value.buf);
          sent += c.value.commands;
        }
      };
      sock.on('data', (d: Buffer) => {
        for (const value of reader.push(d)) {
          if (got === -1 && value instanceof Error) return reject(new Error(`AUTH failed: ${value.message}`));
          if (got >= 0) onReply(indexes[got]!, value);
          got++;
        }
        if (got === n) resolve();
        else pump();
      });
      sock.on('error', reject);
      sock.on('close', () => got < n && reject(new Error(`connection closed after ${got} of ${n} replies`)));
      sock.write(respCommand(['AUTH', PASSWORD]));
      pump();
    });
  } finally {
    sock.destroy();
  }
}

/** INFO fields of the guest's tierkv. */
async function info(port: number): Promise<Record<string, string>> {
  const [text] = await query('127.0.0.1', port, PASSWORD, [['INFO', 'everything']]);
  return infoRecord(text!);
}

const num = (rec: Record<string, string>, k: string): number => Number(rec[k] ?? NaN);

/**
 * Loads the data set into the source's tierkv and warms it up so that the hot keys sit in the hot tier.
 * @returns load and warm-up times, the share of sampled hot keys in the hot tier, rounds used.
 */
async function loadAndWarm(c: ExperimentConfig, port: number, log: (s: string) => void): Promise<{ load_ms: number; warmup_ms: number; rounds: number; share: number }> {
  const hs = hotSet(c);
  const load = await pipeCommands('127.0.0.1', port, PASSWORD, setChunks(loadOrder(c.keys, hs.isHot), c.seed, c.value_bytes));
  if (load.errors > 0) throw new Error(`loading: ${load.errors} error replies (first: ${load.firstError})`);
  log(`loaded ${c.keys.toLocaleString('en-US')} keys in ${(load.ms / 1000).toFixed(1)} s (${Math.round(c.keys / (load.ms / 1000)).toLocaleString('en-US')}/s)`);
  const t0 = performance.now();
  const sample = spread(hs.hotCount, 1000).map((k) => hs.hotKey(k));
  let share = 0;
  let rounds = 0;
  const hotIdx = (function* (): Generator<number> {
    for (let k = 0; k < hs.hotCount; k++) yield hs.hotKey(k);
  });
  while (rounds < 5) {
    rounds++;
    // Two reads of every hot key: their access counters rise above the cold keys' (one SET each).
    for (let pass = 0; pass < 2; pass++) {
      const g = await pipeCommands('127.0.0.1', port, PASSWORD, keyCommandChunks(hotIdx(), ['GET']));
      if (g.errors > 0) throw new Error(`warm-up: ${g.errors} error replies (first: ${g.firstError})`);
    }
    // Let demotion catch up (it runs in slices after commands and while idle).
    let last = -1;
    for (let i = 0; i < 100; i++) {
      const t = await info(port);
      const over = num(t, 'hot_used_bytes') > num(t, 'hot_capacity_bytes');
      const dem = num(t, 'demotions');
      if (!over && dem === last) break;
      last = dem;
      await sleep(300);
    }
    let hot = 0;
    await pipeReplies(port, sample, ['OBJECT', 'TIER'], (_i, r) => {
      if (r === 'hot') hot++;
    });
    share = hot / sample.length;
    log(`warm-up round ${rounds}: ${(share * 100).toFixed(1)} % of sampled hot keys in the hot tier`);
    if (share >= 0.98) break;
  }
  return { load_ms: r1(load.ms), warmup_ms: r1(performance.now() - t0), rounds, share };
}

/** The cold keys as tierkv sees them (OBJECT TIER of every key). */
async function coldKeys(c: ExperimentConfig, port: number): Promise<number[]> {
  const out: number[] = [];
  const all = Array.from({ length: c.keys }, (_, i) => i);
  await pipeReplies(port, all, ['OBJECT', 'TIER'], (i, r) => {
    if (r === 'cold') out.push(i);
  });
  return out;
}

/**
 * The init_on_free baseline's application step: DEL of the given keys (1000 per command, pipelined), then
 * `MEMORY PURGE` (release empty extents + GC) every 100 ms until tierkv's RSS has fallen by half of what the cold
 * tier held (the criterion MIGRATE_PREPARE itself uses), at most 5 s — what a careful operator waits for before
 * migrating, since V8 may free the dropped buffers only after a later collection.
 * @returns ms taken and whether the RSS fell as expected.
 */
async function appDelete(port: number, keys: number[], coldBytes: number): Promise<{ ms: number; released: boolean }> {
  const t0 = performance.now();
  const [m0] = await query('127.0.0.1', port, PASSWORD, [['INFO', 'memory']]);
  const rss0 = num(infoRecord(m0!), 'used_memory_rss');
  const d = await pipeCommands('127.0.0.1', port, PASSWORD, delChunks(keys, 1000));
  if (d.errors > 0) throw new Error(`DEL: ${d.errors} error replies (first: ${d.firstError})`);
  let released = false;
  while (performance.now() - t0 < 5000 + d.ms) {
    const [, mem] = await query('127.0.0.1', port, PASSWORD, [['MEMORY', 'PURGE'], ['INFO', 'memory']]);
    if (num(infoRecord(mem!), 'used_memory_rss') <= rss0 - coldBytes / 2) {
      released = true;
      break;
    }
    await sleep(100);
  }
  return { ms: r1(performance.now() - t0), released };
}

/**
 * Retries `fn` on connection errors (ECONNRESET, ECONNREFUSED, closed, timeouts) for up to `forMs`: right after a
 * migration the destination's forwarded port can reset the first connections while the guest catches up.
 */
async function retrying<T>(what: string, forMs: number, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const msg = (e as Error).message;
      const transient = /ECONNRESET|ECONNREFUSED|EPIPE|closed|timed out|no complete answer|no reply/.test(msg);
      if (!transient || performance.now() - t0 > forMs) throw new Error(`${what} (attempt ${attempt}): ${msg}`, { cause: e });
      await sleep(500);
    }
  }
}

/** Samples keys on the destination: present, and with the right value. */
async function checkData(c: ExperimentConfig, port: number, dropped: boolean, dbsizeBefore: number): Promise<NonNullable<RunResult['check']>> {
  const hs = hotSet(c);
  const hot = spread(hs.hotCount, c.check_keys).map((k) => hs.hotKey(k));
  const cold: number[] = [];
  if (!dropped) {
    for (let i = 0; cold.length < c.check_keys && i < c.keys; i += Math.max(1, Math.floor(c.keys / (c.check_keys * 1.5)))) if (!hs.isHot(i)) cold.push(i);
  }
  let hotPresent = 0;
  let hotRead = 0;
  let hotWrong = 0;
  let coldPresent = 0;
  let wrong = 0;
  const hotSet_ = new Set(hot);
  await pipeReplies(port, [...hot, ...cold], ['GET'], (i, r) => {
    if (r === null) return;
    if (hotSet_.has(i)) hotRead++;
    if (r !== valueOf(c.seed, i, c.value_bytes).toString('latin1')) {
      wrong++;
      if (hotSet_.has(i)) hotWrong++;
    } else if (hotSet_.has(i)) hotPresent++;
    else coldPresent++;
  });
  const [dbsize] = await query('127.0.0.1', port, PASSWORD, [['DBSIZE']]);
  const ok = wrong === 0 && hotPresent >= 0.95 * hot.length && (dropped || coldPresent === cold.length);
  return {
    hot_sampled: hot.length,
    hot_read: hotRead,
    hot_present: hotPresent,
    hot_wrong: hotWrong,
    cold_sampled: cold.length,
    cold_present: coldPresent,
    wrong_values: wrong,
    dbsize_before: dbsizeBefore,
    dbsize_after: typeof dbsize === 'number' ? dbsize : null,
    ok,
    note: ok
      ? `${hotPresent}/${hot.length} hot keys${dropped ? '' : ` and ${coldPresent}/${cold.length} cold keys`} read back with their values`
      : `data check failed: ${wrong} wrong values, ${hotPresent}/${hot.length} hot keys present${dropped ? '' : `, ${coldPresent}/${cold.length} cold keys present`}`,
  };
}

/** Options of {@link runCase}. */
export interface RunCaseOptions {
  image: GuestImage;
  log?: (line: string) => void;
  /** Keep the run directory (serial logs) afterwards. */
  keepRunDir?: boolean;
}

/**
 * Runs one case once, on fresh VMs. Never throws for a failed migration or check: the result's status says so.
 * @throws Error only when the VMs cannot be started or tierkv in the guest cannot be loaded.
 */
export async function runCase(c: ExperimentConfig, spec: CaseSpec, repetition: number, o: RunCaseOptions): Promise<RunResult> {
  const log = o.log ?? (() => {});
  const dir = join(RUN_DIR, `${spec.name}-${repetition}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const [srcResp, srcHttp, dstResp, dstHttp] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const tierkvParams = {
    requirepass: PASSWORD,
    'enable-migrate-command': 'yes',
    maxmemory: String(c.maxmemory),
    'hot-ratio': String(c.hot_ratio),
    'maxmemory-policy': 'allkeys-lfu',
  };
  // One disk for both sides: the source boots from it, the destination opens the same file (shared storage).
  const disk = createRunDisk(o.image, join(dir, 'root.qcow2'));
  const vmOpts = { image: o.image, disk, memMiB: c.guest_mib, dir, tierkv: tierkvParams, kernelArgs: spec.kernelArgs, balloon: spec.balloon, accel: c.accel };
  let src: GuestVm | undefined;
  let dst: GuestVm | undefined;
  let load: ClientLoad | undefined;
  try {
    src = await startGuestVm({ ...vmOpts, name: 'src', respPort: srcResp, httpPort: srcHttp });
    const boot = await waitForTierkv(src, PASSWORD, 240_000);
    log(`source booted, tierkv answers after ${(boot / 1000).toFixed(1)} s`);
    const warm = await loadAndWarm(c, srcResp, log);
    const before = await info(srcResp);
    const meminfoAvail = Number(before['system_memory_available'] ?? NaN);
    let cold: number[] = [];
    if (spec.appDelete) {
      const t = performance.now();
      cold = await coldKeys(c, srcResp);
      log(`OBJECT TIER of every key (not timed): ${cold.length.toLocaleString('en-US')} cold keys, ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    dst = await startGuestVm({ ...vmOpts, name: 'dst', respPort: dstResp, httpPort: dstHttp, incoming: true });

    let target = srcResp;
    load = new ClientLoad({
      host: '127.0.0.1',
      target: () => target,
      password: PASSWORD,
      conns: c.client.conns,
      rate: c.client.rate_ops_per_sec,
      keys: c.keys,
      hotCount: hotSet(c).hotCount,
      hotKey: hotSet(c).hotKey,
      hotOpShare: c.client.hot_op_share,
      readShare: c.client.read_share,
      seed: c.seed,
      valueBytes: c.value_bytes,
      opTimeoutMs: c.client.op_timeout_ms,
      rngSeed: c.seed + repetition,
    });
    const marks: Mark[] = [];
    load.start();
    const t0 = load.record.t0;
    const mark = (label: string, at = performance.now()): void => {
      marks.push({ t_ms: r1(at - t0), label });
    };
    dst.qemu.qmp.on('event', (ev: { name: string; receivedAt: number }) => {
      if (ev.name === 'RESUME') {
        // The VM now runs on the destination: its address "moved" (with a real network the clients' TCP
        // connections would survive; through QEMU's user-mode network they must reconnect).
        target = dstResp;
        load?.kick();
        mark('resumed on destination', ev.receivedAt);
      }
    });
    src.qemu.qmp.on('event', (ev: { name: string; receivedAt: number; data: Record<string, unknown> }) => {
      if (ev.name === 'STOP') mark('source stopped', ev.receivedAt);
      if (ev.name === 'MIGRATION' && ev.data.status === 'active') mark('transfer starts', ev.receivedAt);
      if (ev.name === 'MIGRATION' && ev.data.status === 'postcopy-active') mark('post-copy', ev.receivedAt);
      if (ev.name === 'MIGRATION' && ev.data.status === 'completed') mark('completed', ev.receivedAt);
    });
    await sleep(c.before_ms);

    const tReq = performance.now();
    mark('migration requested', tReq);
    let appDeleteMs: number | null = null;
    let report: MigrationReport;
    let error: string | null = null;
    try {
      if (spec.appDelete) {
        const del = await appDelete(srcResp, cold, num(before, 'cold_used_bytes'));
        appDeleteMs = del.ms;
        mark('DEL + MEMORY PURGE done');
        log(`DEL of ${cold.length.toLocaleString('en-US')} cold keys + MEMORY PURGE: ${appDeleteMs} ms${del.released ? '' : ' (the RSS did not fall by half the cold tier within 5 s)'}`);
      }
      report = await runMigration({
        source: src.controlQmp,
        destination: dst.controlQmp,
        destUri: 'tcp:127.0.0.1:0',
        strategy: spec.strategy,
        kv: { host: '127.0.0.1', port: srcResp, password: PASSWORD },
        kvAfter: { host: '127.0.0.1', port: dstResp, password: PASSWORD },
        maxBandwidth: c.bandwidth_bytes_per_sec,
        maxPostcopyBandwidth: c.bandwidth_bytes_per_sec,
        balloonHeadroomBytes: c.balloon_headroom_bytes,
        sourcePid: src.qemu.pid,
        onPhase: (p: MigrationPhase) => {
          if (['prepare', 'balloon', 'report-wait', 'configure', 'finalize'].includes(p)) mark(p);
        },
      });
    } catch (e) {
      if (e instanceof MigrationFailedError) {
        report = e.report;
        error = e.message;
      } else throw e;
    }
    const tEnd = performance.now();
    mark('migration done', tEnd);
    if (report.outcome === 'completed') target = dstResp;
    await sleep(c.after_ms);
    const rec = await load.stop();
    load = undefined;
    const from = tReq - t0;
    const to = tEnd - t0;
    const during = summarize(rec, from, to);
    const dropsKeys = spec.appDelete || (spec.strategy !== 'precopy' && spec.strategy !== 'postcopy');
    const dbsizeBefore = Number(/keys=(\d+)/.exec(before['db0'] ?? '')?.[1] ?? NaN);
    const check = report.outcome === 'completed' ? await retrying('data check on the destination', 30_000, () => checkData(c, dstResp, dropsKeys, dbsizeBefore)) : null;
    const status = report.outcome !== 'completed' ? `failed: ${error ?? report.error ?? report.outcome}` : check && !check.ok ? `failed: ${check.note}` : 'ok';
    const addSetup = (x: number | null): number | null => (x === null ? null : r1(x + (appDeleteMs ?? 0)));
    const result: RunResult = {
      strategy: spec.name,
      repetition,
      status,
      total_time_ms: addSetup(report.total_time_ms),
      setup_time_ms: addSetup(report.setup_time_ms),
      prepare_ms: spec.appDelete ? appDeleteMs : report.prepare_ms,
      balloon_ms: report.balloon_ms,
      downtime_ms: report.downtime_ms,
      transferred_bytes: report.transferred_bytes,
      dropped_keys: spec.appDelete ? cold.length : report.dropped_keys,
      client_p99_ms: Number.isFinite(during.p99_ms) ? during.p99_ms : null,
      client_ops_per_sec: during.ops_per_sec,
      controller_strategy: spec.strategy,
      guest_pause_ms: report.guest_pause_ms,
      migration_time_ms: report.migration_time_ms,
      postcopy_blocktime_ms: report.postcopy_blocktime_ms,
      setup: { app_delete_ms: appDeleteMs, ...report.setup },
      precopy_bytes: report.precopy_bytes,
      postcopy_bytes: report.postcopy_bytes,
      normal_bytes: report.normal_bytes,
      duplicate_pages: report.duplicate_pages,
      ram_total_bytes: report.ram_total_bytes,
      passes: report.passes,
      freed_bytes: report.freed_bytes,
      balloon_target_bytes: report.balloon_target_bytes,
      balloon_actual_bytes: report.balloon_actual_bytes,
      balloon_settled: report.balloon_settled,
      kv_prepare: report.kv_prepare,
      warnings: report.warnings,
      guest: {
        boot_ms: r1(boot),
        load_ms: warm.load_ms,
        warmup_ms: warm.warmup_ms,
        warmup_rounds: warm.rounds,
        hot_keys_in_hot_tier: warm.share,
        used_memory: num(before, 'used_memory'),
        used_memory_rss: num(before, 'used_memory_rss'),
        hot_used_bytes: num(before, 'hot_used_bytes'),
        cold_used_bytes: num(before, 'cold_used_bytes'),
        hot_keys: num(before, 'hot_keys'),
        cold_keys: num(before, 'cold_keys'),
        mem_available_bytes: Number.isFinite(meminfoAvail) ? meminfoAvail : null,
      },
      client: {
        before: summarize(rec, 0, from),
        during,
        after: summarize(rec, to, rec.count ? rec.done[rec.count - 1]! + 1 : to),
        reconnects: rec.reconnects.length,
        misses: rec.misses,
        wrong_values: rec.wrongValues,
        error_replies: rec.errorReplies,
        first_error: rec.firstError ?? null,
      },
      check,
      timeline: { marks: marks.sort((a, b) => a.t_ms - b.t_ms), windows: windows(rec, 0, rec.count ? rec.done[rec.count - 1]! + 1 : to, 100), window_ms: 100 },
      error: error ?? (status === 'ok' ? null : status),
    };
    if (result.client.wrong_values > 0 && result.status === 'ok') result.status = `failed: the clients read ${result.client.wrong_values} wrong values`;
    return result;
  } catch (e) {
    const msg = (e as Error).stack ?? String(e);
    throw new Error(`${spec.name} #${repetition}: ${msg}${src ? `\n--- source console ---\n${tail(src.serial())}` : ''}${dst ? `\n--- destination console ---\n${tail(dst.serial())}` : ''}`, { cause: e });
  } finally {
    if (load) await load.stop().catch(() => {});
    await Promise.all([src?.stop(), dst?.stop()]);
    if (!o.keepRunDir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions {
  log?: (line: string) => void;
  /** Called after each run (e.g. to save partial results). */
  onRun?: (r: RunResult, doc: ExperimentDoc) => void;
  command?: string;
}

/**
 * Builds (or reuses) the image and runs every case × repetition, repetitions interleaved (rep 1 of every case,
 * then rep 2, …) so that drifting machine load spreads over the cases.
 * @returns the results document.
 * @throws Error when the image cannot be built or a VM cannot be started (a failed migration is a run status).
 */
export async function runExperiment(c: ExperimentConfig, o: RunExperimentOptions = {}): Promise<ExperimentDoc> {
  const log = o.log ?? (() => {});
  const image = await buildGuestImage({ log });
  const doc: ExperimentDoc = {
    command: o.command ?? '',
    started_at: new Date().toISOString(),
    finished_at: '',
    machine: await machine(),
    image: { kernel_package: image.kernelPackage, busybox_package: image.busyboxPackage, initrd_bytes: image.initrdBytes, rootfs_bytes: image.rootfsBytes, disk_bytes: image.diskBytes, key: image.key },
    config: c,
    runs: [],
  };
  for (let rep = 1; rep <= c.repetitions; rep++) {
    for (const name of c.cases) {
      const t = performance.now();
      log(`--- ${name} #${rep} (${c.keys.toLocaleString('en-US')} keys, ${c.guest_mib} MiB guest, ${c.accel})`);
      let r: RunResult;
      try {
        r = await runCase(c, CASES[name], rep, { image, log: (s) => log(`  ${s}`) });
      } catch (e) {
        log(`  run broke: ${(e as Error).message}`);
        r = brokenRun(CASES[name], rep, (e as Error).message.split('\n')[0]!);
      }
      doc.runs.push(r);
      log(
        `  ${r.status}: total ${r.total_time_ms} ms, setup ${r.setup_time_ms} ms (prepare ${r.prepare_ms}, balloon ${r.balloon_ms}), ` +
          `transferred ${r.transferred_bytes === null ? '—' : (r.transferred_bytes / 2 ** 20).toFixed(1)} MiB, pause ${r.guest_pause_ms} ms, ` +
          `client p99 ${r.client_p99_ms} ms, ${r.client_ops_per_sec} ops/s; run took ${((performance.now() - t) / 1000).toFixed(0)} s`,
      );
      o.onRun?.(r, doc);
    }
  }
  doc.finished_at = new Date().toISOString();
  return doc;
}

/** The record of a run that broke before it could be measured (VM start, load, or check failed). */
function brokenRun(spec: CaseSpec, repetition: number, reason: string): RunResult {
  const none: ClientSummary = { ops: 0, ops_per_sec: 0, started: 0, p50_ms: NaN, p99_ms: NaN, max_ms: NaN };
  return {
    strategy: spec.name,
    repetition,
    status: `failed: ${reason}`,
    total_time_ms: null,
    setup_time_ms: null,
    prepare_ms: null,
    balloon_ms: null,
    downtime_ms: null,
    transferred_bytes: null,
    dropped_keys: null,
    client_p99_ms: null,
    client_ops_per_sec: null,
    controller_strategy: spec.strategy,
    guest_pause_ms: null,
    migration_time_ms: null,
    postcopy_blocktime_ms: null,
    setup: { app_delete_ms: null, preflight_ms: null, prepare_ms: null, balloon_ms: null, report_wait_ms: null, configure_ms: null, qemu_setup_ms: null, other_ms: null },
    precopy_bytes: null,
    postcopy_bytes: null,
    normal_bytes: null,
    duplicate_pages: null,
    ram_total_bytes: null,
    passes: null,
    freed_bytes: null,
    balloon_target_bytes: null,
    balloon_actual_bytes: null,
    balloon_settled: null,
    kv_prepare: null,
    warnings: [],
    guest: { boot_ms: NaN, load_ms: NaN, warmup_ms: NaN, warmup_rounds: 0, hot_keys_in_hot_tier: NaN, used_memory: NaN, used_memory_rss: NaN, hot_used_bytes: NaN, cold_used_bytes: NaN, hot_keys: NaN, cold_keys: NaN, mem_available_bytes: null },
    client: { before: none, during: none, after: none, reconnects: 0, misses: 0, wrong_values: 0, error_replies: 0, first_error: null },
    check: null,
    timeline: { marks: [], windows: [], window_ms: 100 },
    error: reason,
  };
}

async function machine(): Promise<ExperimentDoc['machine']> {
  const os = await import('node:os');
  const { execFileSync } = await import('node:child_process');
  let qemu: string | null = null;
  try {
    qemu = execFileSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    qemu = null;
  }
  return { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown', mem_bytes: os.totalmem(), kernel: os.release(), node: process.version, qemu };
}

/** The accelerator to use: `auto` probes (KVM only where a hardware KVM works, else TCG). */
export async function chooseAccel(want: 'auto' | QemuAccel): Promise<QemuAccel> {
  return want === 'auto' ? await probeAccel() : want;
}

