/**
 * Part 2 of the tier benchmark (bench/tiers.ts), the hot-hit ratio over time: the three read phases (Zipf, a fixed
 * hot set, the hot set moved) driven by a closed-loop GET load, and INFO tiers sampled at a fixed period.
 */
import { availableParallelism } from 'node:os';
import { progress } from '../lib/cli.js';
import { writeKey } from '../lib/dataset.js';
import { errorText, recordFailure } from '../lib/failures.js';
import { GetLoad } from '../lib/loadgen.js';
import { backgroundCpuCores } from '../lib/proc.js';
import { RespClient } from '../lib/resp.js';
import { delay, startServer, type RunningServer } from '../lib/server.js';
import { fmtInt, fmtMiBUnit, fmtPct } from '../lib/table.js';
import { KeyPermutation, Rng, ZipfCdf, ZipfSampler, hotSetChooser, zipfChooser, type KeyChooser } from '../lib/zipf.js';
import { chooseMaxmemory, loadAndSettle, tierInfo, withArgs } from './measure.js';
import type { TiersOptions } from './options.js';
import { hitTables } from './report.js';
import type { HitPhase, HitResult, HitSample } from './results.js';

/** Draws `draws` Zipf ranks and compares the share on the top 1%, 10% and 30% of ranks with the exact CDF. */
function zipfSelfCheck(n: number, s: number, seed: number, cdf: ZipfCdf, draws = 1_000_000): string {
  const z = new ZipfSampler(n, s, new Rng(seed ^ 0x5a5a5a5a));
  const cuts = [0.01, 0.1, 0.3].map((f) => Math.max(1, Math.round(n * f)));
  const counts = cuts.map(() => 0);
  let first = 0;
  for (let i = 0; i < draws; i++) {
    const k = z.sample();
    if (k === 1) first++;
    for (let j = 0; j < cuts.length; j++) if (k <= cuts[j]!) counts[j]!++;
  }
  const parts = cuts.map((c, j) => `top ${fmtInt(c)} ranks ${fmtPct(counts[j]! / draws)}% (exact ${fmtPct(cdf.cdf(c))}%)`);
  return `Zipf(${s}) sampler check, ${fmtInt(draws)} draws over ${fmtInt(n)} ranks: rank 1 ${fmtPct(first / draws)}% (exact ${fmtPct(cdf.cdf(1))}%), ${parts.join(', ')}.`;
}

/** Runs part 2. Progress goes to stderr. */
export async function runHits(o: TiersOptions): Promise<HitResult> {
  const t0 = performance.now();
  const n = o.hitKeys;
  const hotPct = Math.round(o.hotKeyShare * 100);
  const readPct = Math.round(o.hotReadShare * 100);
  const mix = `${readPct}/${hotPct}`;
  const res: HitResult = {
    commandLine: '',
    identity: '',
    backgroundCores: 0,
    phases: [],
    samples: [],
    replies: 0,
    errors: 0,
    nils: 0,
    elapsedMs: 0,
    tables: [],
  };
  const cdf = new ZipfCdf(n, o.hitZipf);
  res.zipfCheck = zipfSelfCheck(n, o.hitZipf, o.seed, cdf);
  progress(`hits: ${res.zipfCheck}`);
  let srv: RunningServer;
  try {
    res.maxmemory = await chooseMaxmemory(o, o.hitMaxmemory, n, writeKey, 'hits');
    const spec = withArgs(o.tierkv, `--maxmemory ${res.maxmemory.arg} --maxmemory-policy allkeys-lfu --hot-ratio ${o.hotRatio} --tier-counter-reset-ms ${o.hitResetMs}`);
    res.backgroundCores = await backgroundCpuCores(500, availableParallelism());
    srv = await startServer(spec);
  } catch (e) {
    res.error = `server did not start: ${errorText(e)}`;
    progress(`hits: ${res.error}`);
    res.elapsedMs = performance.now() - t0;
    res.tables = hitTables(o, res);
    return res;
  }
  res.commandLine = srv.commandLine;
  res.identity = srv.identity;
  progress(`hits: started pid ${srv.pid} on port ${srv.port} (${srv.identity}); other load before start: ${res.backgroundCores.toFixed(2)} cores busy`);
  let c: RespClient | undefined;
  let load: GetLoad | undefined;
  await recordFailure(res, 'hits', async () => {
    c = await RespClient.connect(srv.host, srv.port);
    const l = await loadAndSettle(srv, c, n, writeKey, o);
    Object.assign(res, { loadMs: l.loadMs, usedMemory: l.usedMemory, afterLoad: l.info, evicted: l.evicted });
    const itemBytes = (l.info.hotUsed + l.info.coldUsed) / (l.info.hotKeys + l.info.coldKeys);
    const k = Math.min(n, Math.floor(l.info.hotCapacity / itemBytes));
    res.hotKeyCapacity = k;
    const hot = Math.max(1, Math.min(n - 1, Math.round(n * o.hotKeyShare)));
    const hotSetOracle = k >= hot ? o.hotReadShare + ((1 - o.hotReadShare) * (k - hot)) / (n - hot) : (o.hotReadShare * k) / hot;
    progress(
      `hits: loaded ${fmtInt(n)} keys in ${(l.loadMs / 1000).toFixed(1)} s; maxmemory ${fmtMiBUnit(l.maxmemory)}, hot capacity ${fmtMiBUnit(l.info.hotCapacity)} ≈ ${fmtInt(k)} keys ` +
        `(${fmtPct(k / n)}% of the keys); ${fmtInt(l.info.hotKeys)} hot / ${fmtInt(l.info.coldKeys)} cold now`,
    );
    const perm = new KeyPermutation(n, o.seed);
    const phases: { p: HitPhase; chooser: KeyChooser }[] = [
      {
        p: { name: 'zipf', description: `a) Zipf(${o.hitZipf}) over all keys`, durationS: o.hitPhaseS[0], oracle: cdf.cdf(k) },
        chooser: zipfChooser(perm, o.hitZipf, new Rng(o.seed + 1)),
      },
      {
        p: { name: mix, description: `b) ${readPct}% of reads to a fixed ${hotPct}% of the keys`, durationS: o.hitPhaseS[1], oracle: hotSetOracle },
        chooser: hotSetChooser(perm, o.hotKeyShare, o.hotReadShare, 0, new Rng(o.seed + 2)),
      },
      {
        p: { name: 'shift', description: `d) ${mix} with the hot ${hotPct}% moved to other keys`, durationS: o.hitPhaseS[2], oracle: hotSetOracle },
        chooser: hotSetChooser(perm, o.hotKeyShare, o.hotReadShare, hot, new Rng(o.seed + 3)),
      },
    ].filter((x) => x.p.durationS > 0);
    res.phases = phases.map((x) => x.p);
    load = new GetLoad(srv.host, srv.port, o.hitConns, o.hitDepth, phases[0]!.chooser, writeKey);
    let prev = await tierInfo(c);
    let prevReplies = 0;
    let prevT = performance.now();
    const start = prevT;
    await load.start();
    for (const { p, chooser } of phases) {
      load.chooser = chooser;
      const phaseStart = performance.now();
      const phaseEnd = phaseStart + p.durationS * 1000;
      progress(`hits: phase ${p.name} (${p.description}) for ${p.durationS} s`);
      for (let i = 1; ; i++) {
        const target = Math.min(phaseStart + i * o.hitSampleMs, phaseEnd);
        await delay(Math.max(0, target - performance.now()));
        if (load.error) throw load.error;
        const cur = await tierInfo(c);
        const replies = load.replies;
        const now = performance.now();
        const dt = (now - prevT) / 1000;
        const dh = cur.hitsHot - prev.hitsHot;
        const dc = cur.hitsCold - prev.hitsCold;
        const s: HitSample = {
          t: (now - start) / 1000,
          dt,
          phase: p.name,
          ops: (replies - prevReplies) / dt,
          ratio: dh + dc > 0 ? dh / (dh + dc) : NaN,
          promotionsPerS: (cur.promotions - prev.promotions) / dt,
          demotionsPerS: (cur.demotions - prev.demotions) / dt,
          hotKeys: cur.hotKeys,
          epoch: cur.epoch,
          reset: cur.epoch !== prev.epoch,
        };
        res.samples.push(s);
        prev = cur;
        prevReplies = replies;
        prevT = now;
        if (target >= phaseEnd) break;
      }
      const ps = res.samples.filter((x) => x.phase === p.name);
      progress(`hits: phase ${p.name}: last sample hot-hit ${fmtPct(ps[ps.length - 1]?.ratio ?? NaN)}%, oracle ${fmtPct(p.oracle)}%`);
    }
  }, async () => {
    if (load) {
      await load.stop();
      res.replies = load.replies;
      res.errors = load.errors;
      res.nils = load.nils;
      if (load.firstError !== undefined) res.firstError = load.firstError;
    }
    c?.close();
    await srv.stop();
  });
  res.elapsedMs = performance.now() - t0;
  res.tables = hitTables(o, res);
  return res;
}
