/**
 * The tier benchmark's server side (bench/tiers.ts): a tierkv with tier parameters, loading it and waiting until
 * its tiers settle, choosing maxmemory (given, or calibrated on a server without tiering), and reading INFO tiers.
 */
import { parseMemoryAmount, progress } from '../lib/cli.js';
import { loadKeys, type KeyWriter } from '../lib/loadgen.js';
import { RespClient, infoFields } from '../lib/resp.js';
import { delay, startServer, type RunningServer, type ServerSpec } from '../lib/server.js';
import { fmtInt, fmtMiBUnit } from '../lib/table.js';
import type { TiersOptions } from './options.js';
import type { MaxmemoryChoice, TierInfo } from './results.js';

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
export async function infoNum(c: RespClient, section: string, field: string): Promise<number> {
  const f = await infoFields(c, section);
  return f[field] === undefined ? NaN : Number(f[field]);
}

/** The tierkv spec with tier parameters appended (the base may be overridden; its `{port}` stays). */
export function withArgs(base: ServerSpec, args: string): ServerSpec {
  return { side: 'tierkv', cmd: `${base.cmd} ${args}`, overridden: base.overridden };
}

/**
 * Loads keys 0..n-1 into `srv`, then waits until the hot tier is within its capacity and demotions have stopped
 * (at most 120 s; the server demotes during the load already, so this is normally quick).
 * @returns load and settle times (ms), maxmemory and used_memory after the load (bytes), INFO tiers afterwards,
 *   evicted_keys
 */
export async function loadAndSettle(
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

/**
 * maxmemory for `n` keys: the given amount, or (automatic) a calibration server — tierkv with `--hot-ratio 1`
 * (no tiering) — is loaded with the same keys and values, and maxmemory = its used_memory / fill, rounded up to a
 * MiB. The tiering servers then get `--maxmemory` on their command line and tier during the load already (tierkv
 * does not tier with maxmemory 0).
 */
export async function chooseMaxmemory(o: TiersOptions, given: string | undefined, n: number, writer: KeyWriter, tag: string): Promise<MaxmemoryChoice> {
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
    progress(`${tag}: calibration server: ${fmtInt(n)} keys → used_memory ${fmtMiBUnit(used)}; maxmemory = used_memory/${o.fill} → ${fmtMiBUnit(bytes)}`);
    return { bytes, arg: String(bytes), calibratedUsed: used };
  } finally {
    c?.close();
    await srv.stop();
  }
}
