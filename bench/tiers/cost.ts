/**
 * Part 1 of the tier benchmark (bench/tiers.ts), the cost of tiering: the same data set on a tierkv with tiering
 * on and one with tiering off, redis-benchmark GET and SET against each, INFO tiers read around every test.
 */
import { availableParallelism } from 'node:os';
import { progress } from '../lib/cli.js';
import { execFile, printable } from '../lib/exec.js';
import { errorText, recordFailure } from '../lib/failures.js';
import { benchmarkKeyWriter } from '../lib/loadgen.js';
import { backgroundCpuCores } from '../lib/proc.js';
import { parseBenchmarkText, type RbStats } from '../lib/redis-benchmark.js';
import { RespClient } from '../lib/resp.js';
import { HOST, startServer, type RunningServer } from '../lib/server.js';
import { fmtInt, fmtMiBUnit, fmtPct } from '../lib/table.js';
import { chooseMaxmemory, infoNum, loadAndSettle, tierInfo, withArgs } from './measure.js';
import type { TiersOptions } from './options.js';
import { costTables } from './report.js';
import type { CostResult, CostSide, MaxmemoryChoice } from './results.js';

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
    const error = `maxmemory calibration failed: ${errorText(e)}`;
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
        rec.error = `server did not start: ${errorText(e)}`;
        progress(`cost ${side}: ${rec.error}`);
        continue;
      }
      rec.commandLine = srv.commandLine;
      rec.identity = srv.identity;
      const tag = `cost ${side}${o.costRepeat > 1 ? ` #${rep + 1}` : ''}`;
      progress(`${tag}: started pid ${srv.pid} on port ${srv.port} (${srv.identity}); other load before start: ${backgroundCores.toFixed(2)} cores busy`);
      let c: RespClient | undefined;
      await recordFailure(rec, tag, async () => {
        c = await RespClient.connect(srv.host, srv.port);
        const l = await loadAndSettle(srv, c, o.costKeys, benchmarkKeyWriter, o);
        Object.assign(rec, { loadMs: l.loadMs, settleMs: l.settleMs, maxmemory: l.maxmemory, usedMemory: l.usedMemory, afterLoad: l.info, evicted: l.evicted });
        const cold = l.info.coldKeys / (l.info.hotKeys + l.info.coldKeys);
        progress(
          `${tag}: loaded ${fmtInt(o.costKeys)} keys in ${(l.loadMs / 1000).toFixed(1)} s, settled in ${(l.settleMs / 1000).toFixed(1)} s; ` +
            `maxmemory ${fmtMiBUnit(l.maxmemory)}, used ${fmtMiBUnit(l.usedMemory)}, hot ${fmtMiBUnit(l.info.hotUsed)} of ${fmtMiBUnit(l.info.hotCapacity)}, cold keys ${fmtPct(cold)}%`,
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
      }, async () => {
        c?.close();
        await srv.stop();
      });
    }
  }
  const result: CostResult = { sides, maxmemory: mm, elapsedMs: performance.now() - t0, tables: [] };
  result.tables = costTables(o, result);
  return result;
}
