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
 *
 * This file runs the selected parts and prints them. The options and --help are in tiers/options.ts; what is
 * measured in tiers/results.ts; the server side (load, settle, maxmemory, INFO tiers) in tiers/measure.ts; part 1
 * in tiers/cost.ts, part 2 (its read phases) in tiers/hits.ts; the tables and the RESULTS.md section in
 * tiers/report.ts.
 */
import { parseArgs } from 'node:util';
import { runIfMain } from './lib/cli.js';
import { renderText } from './lib/table.js';
import { runCost } from './tiers/cost.js';
import { runHits } from './tiers/hits.js';
import { TIERS_ARG_OPTIONS, TIERS_HELP, tiersOptionsFrom, type TiersOptions } from './tiers/options.js';
import type { TiersResult } from './tiers/results.js';

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

runIfMain(import.meta.url, main);
