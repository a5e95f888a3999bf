/**
 * LATENCY GRAPH's drawing and LATENCY DOCTOR's report (server/core/latency-monitor.ts) on hand-made series, with a
 * fixed clock: exact text, so a change of the drawing or of the figures fails here.
 */
import { describe, expect, it } from 'vitest';

import {
  LATENCY_TS_LEN,
  LatencyMonitor,
  LatencySeries,
  ageLabel,
  latencyDoctorReport,
  renderLatencyGraph,
  summarizeLatency,
} from '../../server/core/latency-monitor.js';

/** A series holding `samples` ([unix s, ms], oldest first), as LatencyMonitor.add would leave it. */
function series(samples: [number, number][]): LatencySeries {
  const ts = new LatencySeries();
  for (const [t, ms] of samples) {
    ts.times[ts.idx] = t;
    ts.latencies[ts.idx] = ms;
    ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
    ts.max = Math.max(ts.max, ms);
  }
  return ts;
}

describe('LATENCY GRAPH drawing', () => {
  it('ages as s, m, h, d', () => {
    expect([0, 59, 60, 3599, 3600, 86399, 86400, -3].map(ageLabel)).toEqual(['0s', '59s', '1m', '59m', '1h', '23h', '1d', '0s']);
  });

  it('bars between the lowest and the highest sample, oldest left, ages written downwards', () => {
    const ts = series([
      [1000, 10],
      [1001, 20],
      [1005, 40],
      [1010, 100],
    ]);
    ts.max = 250; // an older spike, no longer in the ring
    expect(renderLatencyGraph('command', ts, 1012)).toBe(
      [
        'command - high 100 ms, low 10 ms (all time high 250 ms)',
        '-'.repeat(80),
        '   #',
        '   |',
        '  +|',
        '.+||',
        '    ',
        '1172',
        '21ss',
        'ss  ',
        '',
      ].join('\n'),
    );
  });

  it('a flat series is drawn at full height; 160 samples make two blocks of 80', () => {
    const flat = renderLatencyGraph('x', series([[5, 3]]), 5).split('\n');
    expect(flat.slice(2, 6)).toEqual(['#', '|', '|', '|']);
    const many = series(Array.from({ length: 160 }, (_, i): [number, number] => [10_000 + i, 1 + (i % 7)]));
    const lines = renderLatencyGraph('tier-slice', many, 10_200).split('\n');
    expect(lines[0]).toBe('tier-slice - high 7 ms, low 1 ms (all time high 7 ms)');
    const blocks = lines.slice(2).filter((l) => l.length === 80);
    // two blocks of 4 bar rows and a blank row; labels: 2 rows ("3m") in the first, 3 ("59s") in the second
    expect(blocks.length).toBe(5 + 2 + 5 + 3);
    expect(blocks[5]).toBe('3'.repeat(21) + '2'.repeat(59));
    expect(blocks.at(-1)).toBe(' '.repeat(61) + 's'.repeat(19));
  });
});

describe('LATENCY DOCTOR report', () => {
  it('off and empty; on and empty', () => {
    const m = new LatencyMonitor();
    expect(latencyDoctorReport(m, { slowlogThresholdUs: 10_000 })).toMatch(/^Latency monitoring is off in this tierkv instance/);
    m.setThresholdMs(5);
    expect(latencyDoctorReport(m, { slowlogThresholdUs: 10_000 })).toMatch(/^No latency spike of 5 ms or more \(latency-monitor-threshold\) has been recorded/);
  });

  it('figures per event, what each measures, advice for tierkv\'s own events, and SLOWLOG advice when it would miss the commands', () => {
    const m = new LatencyMonitor();
    m.setThresholdMs(1);
    m.events.set('command', series([[100, 10], [102, 30], [106, 20]]));
    m.events.set('migrate-prepare', series([[103, 250]]));
    m.events.set('custom', series([[104, 2]]));
    expect(summarizeLatency('command', m.events.get('command')!)).toEqual({
      event: 'command',
      samples: 3,
      avgMs: 20,
      madMs: 20 / 3,
      periodSec: 3,
      highMs: 30,
      maxMs: 30,
    });
    const text = latencyDoctorReport(m, { slowlogThresholdUs: 10_000 });
    expect(text).toContain('tierkv latency report: 3 kinds of event had spikes of 1 ms or more (latency-monitor-threshold).\n\n');
    expect(text).toContain('1. command: 3 spikes (average 20 ms, mean deviation 7 ms, one every 3.00 s on average). Highest ever: 30 ms.\n');
    expect(text).toContain('2. migrate-prepare: 1 spike (average 250 ms, mean deviation 0 ms). Highest ever: 250 ms.\n');
    expect(text).toContain("   What it measures: MIGRATE_PREPARE's synchronous drop of the cold tier.\n");
    expect(text).toContain('3. custom: 1 spike');
    expect(text).toContain('   An event tierkv does not describe.\n');
    expect(text).toMatch(/^- migrate-prepare: Expected once per VM migration/m);
    expect(text).toMatch(/^- SLOWLOG logs only commands of 10000 µs or more, above the latency threshold \(1000 µs\): CONFIG SET slowlog-log-slower-than 1000/m);
    expect(latencyDoctorReport(m, { slowlogThresholdUs: Infinity })).toMatch(/^- SLOWLOG is off \(slowlog-log-slower-than -1\)/m);
    expect(latencyDoctorReport(m, { slowlogThresholdUs: 500 })).not.toMatch(/^- SLOWLOG/m);
    m.setThresholdMs(0);
    expect(latencyDoctorReport(m, { slowlogThresholdUs: 10_000 })).toMatch(/^tierkv latency report: latency monitoring is now off/);
  });
});
