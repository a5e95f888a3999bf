/**
 * The tier benchmark's report (bench/tiers.ts): part 1's tables (on vs off, tier work per test), part 2's tables
 * (per phase, counter resets, the time series), and the RESULTS.md section.
 */
import { codeSpan } from '../lib/markdown.js';
import { backgroundNote } from '../lib/proc.js';
import { medianByRps } from '../lib/redis-benchmark.js';
import { NA, fmtFixed, fmtInt, fmtMiBUnit, fmtMs, fmtOpsOrError, fmtPct, fmtRatio, renderMarkdown, rightColumns, sideBySide, type Table } from '../lib/table.js';
import type { TiersOptions } from './options.js';
import type { CostResult, CostSide, CostTest, HitSample, HitResult, MaxmemoryChoice, TierInfo, TiersResult } from './results.js';

/** How the maxmemory of a part was chosen, for the notes. */
function maxmemoryNote(m: MaxmemoryChoice | undefined, o: TiersOptions): string {
  if (m === undefined) return 'maxmemory unknown';
  return m.calibratedUsed === undefined
    ? `maxmemory ${fmtMiBUnit(m.bytes)} (--maxmemory ${m.arg})`
    : `maxmemory ${fmtMiBUnit(m.bytes)} (automatic: used_memory of the same keys on a calibration server with hot-ratio 1, ${fmtMiBUnit(m.calibratedUsed)}, / ${o.fill})`;
}

/** The test with the median requests/s among the repetitions (lower median), else the first failed one. */
function medianTest(r: CostResult, side: 'on' | 'off', test: string, pipeline: number): CostTest | undefined {
  return medianByRps(r.sides.filter((s) => s.side === side).flatMap((s) => s.tests.filter((t) => t.test === test && t.pipeline === pipeline)));
}

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
}

/** Part 1 tables: throughput and latency on vs off, and the tier work during each test. */
export function costTables(o: TiersOptions, r: CostResult): Table[] {
  const rows: string[][] = [];
  const workRows: string[][] = [];
  const notes: string[] = [];
  for (const p of o.costPipelines) {
    for (const test of ['get', 'set'] as const) {
      const a = medianTest(r, 'on', test, p);
      const b = medianTest(r, 'off', test, p);
      const sa = a?.stats;
      const sb = b?.stats;
      rows.push([
        test.toUpperCase(),
        String(p),
        ...sideBySide(sa?.rps, sb?.rps, fmtOpsOrError),
        ...sideBySide(sa?.p50Ms, sb?.p50Ms, fmtMs, false),
        ...sideBySide(sa?.p99Ms, sb?.p99Ms, fmtMs),
        ...sideBySide(sa?.p999Ms, sb?.p999Ms, fmtMs),
        ...sideBySide(sa?.maxMs, sb?.maxMs, fmtMs, false),
      ]);
      for (const x of [a, b]) if (x?.error) notes.push(`error: ${x === a ? 'on' : 'off'} P=${p} ${test}: ${x.error}`);
      for (const x of [a, b]) if (x?.misses) notes.push(`WARNING: ${x === a ? 'on' : 'off'} P=${p} ${test}: ${fmtInt(x.misses)} GET misses (keys evicted or not loaded).`);
      if (a?.before && a.after) {
        const d = (k: keyof TierInfo): number => a.after![k] - a.before![k];
        const hits = d('hitsHot') + d('hitsCold');
        const wallUs = sa ? (sa.requests / sa.rps) * 1e6 : NaN;
        workRows.push([
          test.toUpperCase(),
          String(p),
          hits > 0 ? fmtPct(d('hitsHot') / hits) : NA,
          fmtInt(d('promotions')),
          fmtInt(d('demotions')),
          fmtInt(d('slices')),
          d('slices') > 0 ? fmtFixed(d('workTotalUs') / d('slices'), 1) : NA,
          Number.isFinite(wallUs) ? fmtPct(d('workTotalUs') / wallUs) : NA,
          fmtInt(a.after.workMaxUs),
          a.after.workMaxUs > a.before.workMaxUs ? 'yes' : 'no',
        ]);
      }
    }
  }
  const on = r.sides.filter((s) => s.side === 'on' && s.afterLoad);
  const off = r.sides.filter((s) => s.side === 'off' && s.afterLoad);
  const loadRate = (xs: CostSide[]): number => median(xs.map((s) => (o.costKeys / s.loadMs!) * 1000));
  const s0 = on[0] ?? off[0];
  const header = [
    `redis-benchmark -t get|set -d ${o.valueBytes} -r ${o.costKeys} -c ${o.costClients} -n ${o.costRequests} -P <P> --precision 3 (human-readable output); ` +
      `warm-up ${o.costWarmup} requests per test; one fresh server per side${o.costRepeat > 1 ? ` and repetition (sides alternated ${o.costRepeat} times, median ops/s shown)` : ''}, ` +
      `loaded first with ${fmtInt(o.costKeys)} keys key:000000000000… (${o.valueBytes} B values); on each server GET P=1, SET P=1, GET P=16, … in this order; total ${(r.elapsedMs / 1000).toFixed(0)} s.`,
  ];
  if (s0?.afterLoad) {
    const i = s0.afterLoad;
    header.push(
      `both: ${maxmemoryNote(r.maxmemory, o)}, used_memory after the load ${fmtMiBUnit(s0.usedMemory!)}. on: hot-ratio ${o.hotRatio}; ` +
        (on[0]?.afterLoad
          ? `after the load: hot ${fmtMiBUnit(on[0].afterLoad.hotUsed)} of ${fmtMiBUnit(on[0].afterLoad.hotCapacity)} capacity, ${fmtInt(on[0].afterLoad.hotKeys)} hot / ${fmtInt(on[0].afterLoad.coldKeys)} cold keys ` +
            `(${fmtPct(on[0].afterLoad.coldKeys / (on[0].afterLoad.hotKeys + on[0].afterLoad.coldKeys))}% cold), settled in ${((on[0].settleMs ?? 0) / 1000).toFixed(1)} s; `
          : '') +
        `off: hot-ratio 1 (${fmtInt(off[0]?.afterLoad?.hotKeys ?? i.hotKeys)} hot keys).`,
    );
    header.push(`load (SET over one pipelined connection): on ${fmtInt(loadRate(on))} keys/s, off ${fmtInt(loadRate(off))} keys/s, on/off ${fmtRatio(loadRate(on), loadRate(off))}.`);
  }
  const evicted = r.sides.filter((s) => (s.evicted ?? 0) > 0);
  if (evicted.length) notes.push(`WARNING: keys were evicted during the load (${evicted.map((s) => `${s.side}: ${fmtInt(s.evicted)}`).join(', ')}); lower --fill.`);
  for (const s of r.sides) if (s.error) notes.push(`error: ${s.side}${o.costRepeat > 1 ? ` #${s.rep + 1}` : ''}: ${s.error}`);
  const legend =
    'ops/s = requests/s; latencies in ms (p50, p99, max: redis-benchmark summary; p99.9: upper bound from its printed HDR distribution, true value within one printed step below); ' +
    'on/off > 1: faster (ops/s) or slower (latency) with tiering on.';
  const bg = backgroundNote(
    r.sides.map((s) => s.backgroundCores),
    'the ratios are unreliable — rerun on an idle machine or with --cost-repeat 3',
  );
  const cost: Table = {
    title: `Cost of tiering: tierkv GET/SET with tiering on (hot-ratio ${o.hotRatio}) vs off (hot-ratio 1)`,
    columns: [
      { header: 'test' },
      ...rightColumns('P', 'on ops/s', 'off ops/s', 'on/off', 'on p50', 'off p50'),
      ...rightColumns('on p99', 'off p99', 'on/off', 'on p99.9', 'off p99.9', 'on/off', 'on max', 'off max'),
    ],
    rows,
    notes: [...header, legend, bg, ...notes].filter(Boolean),
  };
  const onLoad = on[0]?.afterLoad;
  const work: Table = {
    title: 'Tier work during each test (tiering on; INFO tiers deltas over the measured run)',
    columns: [
      { header: 'test' },
      ...rightColumns('P', 'hot hits %', 'promotions', 'demotions', 'slices', 'µs/slice', 'work % of wall', 'tier_work_max_us', 'max grew'),
    ],
    rows: workRows,
    notes: [
      'hot hits % = Δtier_hits_hot / Δ(tier_hits_hot + tier_hits_cold); slices = Δtier_work_slices; µs/slice = Δtier_work_total_us / slices; ' +
        'work % of wall = Δtier_work_total_us / (requests / ops/s); tier_work_max_us = longest slice since the server started (INFO has no reset for it), ' +
        '"max grew" = whether this test raised it.',
      ...(onLoad ? [`after the load (before the tests): tier_work_max_us ${fmtInt(onLoad.workMaxUs)}, ${fmtInt(onLoad.slices)} slices, ${fmtInt(onLoad.demotions)} demotions, ${fmtInt(onLoad.workTotalUs)} µs of tier work in total.`] : []),
    ],
  };
  return [cost, work];
}

/** Seconds from the phase start until the ratio first reaches `thr`, and until it stays at or above it. */
function timeTo(samples: HitSample[], phaseStartT: number, thr: number): { first: string; sustained: string } {
  const i = samples.findIndex((s) => s.ratio >= thr);
  let j = samples.length;
  while (j > 0 && samples[j - 1]!.ratio >= thr) j--;
  const at = (k: number): string => (samples[k]!.t - phaseStartT).toFixed(1);
  return { first: i >= 0 ? at(i) : 'never', sustained: j < samples.length ? at(j) : 'never' };
}

/** A bar of `width` cells for a ratio in [0, 1] (eighths for the last cell). */
function bar(x: number, width = 20): string {
  if (!Number.isFinite(x)) return '';
  const eighths = Math.round(Math.max(0, Math.min(1, x)) * width * 8);
  const full = Math.floor(eighths / 8);
  const part = eighths % 8;
  return '█'.repeat(full) + (part > 0 ? '▏▎▍▌▋▊▉'[part - 1]! : '');
}

/** Part 2 tables: phase summary, counter resets, and the time series. */
export function hitTables(o: TiersOptions, r: HitResult): Table[] {
  const phaseRows: string[][] = [];
  let phaseStartT = 0;
  const startOf = new Map<string, number>();
  for (const p of r.phases) {
    const ps = r.samples.filter((s) => s.phase === p.name);
    startOf.set(p.name, phaseStartT);
    const weighted = (xs: HitSample[]): number => {
      // Hits-weighted mean: Σ ratio·ops·dt / Σ ops·dt (the ratio of the phase's hit counts).
      let num = 0;
      let den = 0;
      for (const s of xs) {
        if (!Number.isFinite(s.ratio)) continue;
        num += s.ratio * s.ops * s.dt;
        den += s.ops * s.dt;
      }
      return den > 0 ? num / den : NaN;
    };
    const last = ps.filter((s) => s.t > (ps[ps.length - 1]?.t ?? 0) - 5.0001);
    const t85 = timeTo(ps, phaseStartT, 0.85);
    const t90 = timeTo(ps, phaseStartT, 0.9);
    const promos = ps.reduce((a, s) => a + s.promotionsPerS * s.dt, 0);
    const demos = ps.reduce((a, s) => a + s.demotionsPerS * s.dt, 0);
    const ops = ps.reduce((a, s) => a + s.ops * s.dt, 0) / Math.max(1e-9, ps.reduce((a, s) => a + s.dt, 0));
    phaseRows.push([
      p.description,
      fmtFixed(ps.reduce((a, s) => a + s.dt, 0), 1),
      fmtInt(ops),
      fmtPct(weighted(ps)),
      fmtPct(weighted(last)),
      fmtPct(p.oracle),
      `${t85.first} / ${t85.sustained}`,
      `${t90.first} / ${t90.sustained}`,
      fmtInt(promos),
      fmtInt(demos),
    ]);
    phaseStartT = ps[ps.length - 1]?.t ?? phaseStartT;
  }
  const a = r.afterLoad;
  const notes: string[] = [];
  if (a && r.maxmemory !== undefined) {
    notes.push(
      `${fmtInt(o.hitKeys)} keys (lib/dataset.ts keys, ${o.valueBytes} B values) loaded in ${((r.loadMs ?? 0) / 1000).toFixed(1)} s; ${maxmemoryNote(r.maxmemory, o)}, ` +
        `hot-ratio ${o.hotRatio}: hot capacity ${fmtMiBUnit(a.hotCapacity)} ≈ ${fmtInt(r.hotKeyCapacity)} keys (${fmtPct((r.hotKeyCapacity ?? 0) / o.hitKeys)}% of the keys); ` +
        `tier-counter-reset-ms ${o.hitResetMs}.`,
    );
  }
  notes.push(
    `load generator: ${o.hitConns} connections × ${o.hitDepth} pipelined GETs (closed loop, raw RESP); ranks/positions scattered over the keys by a fixed permutation; ` +
      `the shift phase's hot set is disjoint from the ${mixLabel(o)} phase's. INFO tiers every ${o.hitSampleMs} ms; total ${(r.elapsedMs / 1000).toFixed(0)} s.`,
    'hot-hit % = Δtier_hits_hot / Δ(tier_hits_hot + tier_hits_cold), weighted by reads over the phase, and over its last 5 s; ' +
      'oracle = best possible with the hot tier holding the most-read keys (Zipf: CDF at the key capacity; hot set: all of it, then the rest); ' +
      '≥85% / ≥90% at s = seconds from the phase start to the first sample at or above, / from which every later sample of the phase stays at or above ("never": not within the phase).',
  );
  if (r.zipfCheck) notes.push(r.zipfCheck);
  notes.push(backgroundNote([r.backgroundCores], 'rates are unreliable (the hit ratios much less so)'));
  if (r.errors > 0) notes.push(`WARNING: ${fmtInt(r.errors)} error replies, first: ${r.firstError ?? '?'}`);
  if (r.nils > 0) notes.push(`WARNING: ${fmtInt(r.nils)} GET misses (keys evicted?).`);
  if ((r.evicted ?? 0) > 0) notes.push(`WARNING: ${fmtInt(r.evicted)} keys were evicted during the load; lower --fill.`);
  if (r.error) notes.push(`error: ${r.error}`);
  const summary: Table = {
    title: `Hot-hit ratio per phase (tierkv, hot-ratio ${o.hotRatio}, ${fmtInt(o.hitKeys)} keys)`,
    columns: [
      { header: 'phase' },
      ...rightColumns('s', 'GET/s', 'hot-hit %', 'last 5 s %', 'oracle %', '≥85% at s', '≥90% at s', 'promotions', 'demotions'),
    ],
    rows: phaseRows,
    notes,
  };

  const resetRows: string[][] = [];
  r.samples.forEach((s, i) => {
    if (!s.reset || i === 0) return;
    const before = r.samples[i - 1]!;
    const next = r.samples.slice(i + 1, i + 4).filter((x) => x.phase === s.phase);
    const minNext = Math.min(s.ratio, ...next.map((x) => x.ratio).filter(Number.isFinite));
    // The "before" level is only meaningful within one phase, and not from a phase's first (transitional) sample.
    const comparable = before.phase === s.phase && i >= 2 && r.samples[i - 2]!.phase === s.phase;
    // Recovery: from the lowest sample among "at" and the next 3 (same phase), the first sample back within
    // 2 points of the level before the reset; seconds counted from the end of the "before" interval.
    let low = i;
    for (let j = i + 1; j < i + 4 && j < r.samples.length && r.samples[j]!.phase === s.phase; j++) {
      if (r.samples[j]!.ratio < r.samples[low]!.ratio) low = j;
    }
    let back = comparable ? 'not in phase' : NA;
    for (let j = low; comparable && j < r.samples.length && r.samples[j]!.phase === s.phase; j++) {
      if (r.samples[j]!.ratio >= before.ratio - 0.02) {
        back = (r.samples[j]!.t - before.t).toFixed(1);
        break;
      }
    }
    resetRows.push([
      fmtFixed(s.t, 1),
      s.phase,
      String(s.epoch),
      comparable ? fmtPct(before.ratio) : `(${fmtPct(before.ratio)})`,
      fmtPct(s.ratio),
      fmtPct(minNext),
      back,
      fmtInt(s.promotionsPerS),
      fmtInt(next[0]?.promotionsPerS),
    ]);
  });
  const resets: Table = {
    title: `Counter resets (tier-counter-reset-ms ${o.hitResetMs}): hot-hit ratio around each change of tier_counter_epoch`,
    columns: [
      { header: 't s', align: 'right' },
      { header: 'phase' },
      ...rightColumns('epoch', 'before %', 'at %', 'min next 3 %', 'back at s', 'promo/s at', 'promo/s next'),
    ],
    rows: resetRows,
    notes: [
      't = end of the sampling interval in which the epoch changed (s since the first phase started); before = the interval before it; at = that interval; ' +
        'min next 3 = lowest of it and the (up to) 3 following ones of the same phase; back at = seconds from the end of the "before" interval until, after the lowest of those samples, one of the same phase is within 2 points of "before"; ' +
        '(before) and — = the interval before was in another phase or was a phase\'s first one, so the change is not the reset\'s alone.',
    ],
  };

  const seriesRows = r.samples.map((s, i) => {
    const newPhase = i === 0 || r.samples[i - 1]!.phase !== s.phase;
    return [
      fmtFixed(s.t, 1),
      newPhase ? `${s.phase} ▶` : s.phase,
      fmtInt(s.ops),
      fmtPct(s.ratio),
      bar(s.ratio),
      fmtInt(s.promotionsPerS),
      fmtInt(s.demotionsPerS),
      fmtInt(s.hotKeys),
      s.reset ? `${s.epoch} ← reset` : String(s.epoch),
    ];
  });
  const series: Table = {
    title: 'Hot-hit ratio over time (one row per INFO sample)',
    columns: [
      { header: 't s', align: 'right' },
      { header: 'phase' },
      ...rightColumns('GET/s', 'hot-hit %'),
      { header: '0–100%' },
      ...rightColumns('promo/s', 'demo/s', 'hot_keys'),
      { header: 'epoch' },
    ],
    rows: seriesRows,
    notes: ['▶ = first sample of a phase; ← reset = tier_counter_epoch changed during the interval (access counters read as 0 from then on).'],
  };
  return [summary, resets, series];
}

function mixLabel(o: TiersOptions): string {
  return `${Math.round(o.hotReadShare * 100)}/${Math.round(o.hotKeyShare * 100)}`;
}

/**
 * The markdown section for RESULTS.md (between TIERS_MARKERS): command, machine, server command lines, tables.
 * @param cmd the command that produced it
 * @param machine machine description (markdown bullet lines, lib/machine.ts)
 */
export function tiersMarkdown(cmd: string, machine: string, r: TiersResult): string {
  const lines = [
    '## Hot and cold tiers (latest run)',
    '',
    'tierkv only (redis-server has no tiers). Part 1 compares tiering on and off on the same data set; part 2 follows ' +
      'the share of reads served from the hot tier while the access pattern changes. See bench/README.md and the comment at the top of bench/tiers.ts.',
    '',
    `Command (from the repository root): ${codeSpan(cmd)}`,
    '',
    machine,
    ...r.servers.map((s) => `- ${s.label}: ${codeSpan(s.commandLine)}${r.options.tierkv.overridden ? ' (overridden)' : ''} — ${s.identity}`),
  ];
  for (const t of r.tables) lines.push('', renderMarkdown(t));
  return lines.join('\n') + '\n';
}
