/**
 * The latency monitor (Redis 7.0 src/latency.c): for each event name, the latest 160 samples of events that took
 * at least `latency-monitor-threshold` milliseconds (one sample per second: a second event in the same second only
 * raises that second's figure), and the event's all-time maximum. LATENCY LATEST / HISTORY / RESET read it.
 *
 * Events:
 * - `command` and `fast-command` (commands flagged fast): a command's run time, measured by dispatch
 *   (server-core.ts `execute`) where INFO commandstats measures it; a command under the threshold costs one compare.
 * - tierkv's own: `tier-slice` (a bounded slice of demotions, memory/tiers.ts), `page-mover-slice` (memory/
 *   page-mover.ts), `expire-cycle` (the cron's active expiry, as Redis names it), `migrate-prepare` (MIGRATE_PREPARE's
 *   synchronous drop of the cold tier, memory/migrate-prepare.ts) and `forced-gc` (a full garbage collection forced
 *   by the cron or by MIGRATE_PREPARE, memory/gc.ts). Those are timed only while the monitor is on.
 *
 * LATENCY GRAPH and LATENCY DOCTOR read it through {@link renderLatencyGraph} and {@link latencyDoctorReport}
 * (this project's own drawing and words; Redis 7.0 answers both with a verbatim string, as tierkv does).
 *
 * No imports: memory/ and core/ modules share it without an import cycle.
 */

/** Samples kept per event (Redis LATENCY_TS_LEN). */
export const LATENCY_TS_LEN = 160;

/** One event's history: a ring of (unix second, ms) samples (time 0: empty), and its maximum. */
export class LatencySeries {
  /** Index of the next sample to store. */
  idx = 0;
  max = 0;
  readonly times = new Int32Array(LATENCY_TS_LEN);
  readonly latencies = new Uint32Array(LATENCY_TS_LEN);

  /** The newest sample's index. */
  last(): number {
    return (this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
  }
}

/** Events by name, in order of first occurrence. */
export class LatencyMonitor {
  /** Events shorter than this many µs are not recorded; Infinity while the monitor is off (threshold 0). */
  thresholdUs = Infinity;
  readonly events = new Map<string, LatencySeries>();

  /** Sets the threshold from `latency-monitor-threshold` (ms; 0 turns the monitor off). */
  setThresholdMs(ms: number): void {
    this.thresholdUs = ms > 0 ? ms * 1000 : Infinity;
  }

  /** True while events are recorded (callers time optional work only then). */
  get on(): boolean {
    return this.thresholdUs !== Infinity;
  }

  /** Records `us` µs of `event` when at least the threshold (Redis latencyAddSampleIfNeeded + latencyAddSample). */
  add(event: string, us: number): void {
    if (!(us >= this.thresholdUs)) return;
    const ms = Math.floor(us / 1000);
    let ts = this.events.get(event);
    if (ts === undefined) {
      ts = new LatencySeries();
      this.events.set(event, ts);
    }
    if (ms > ts.max) ts.max = ms;
    const now = Math.floor(Date.now() / 1000);
    const prev = ts.last();
    if (ts.times[prev] === now) {
      if (ms > ts.latencies[prev]!) ts.latencies[prev] = ms;
      return;
    }
    ts.times[ts.idx] = now;
    ts.latencies[ts.idx] = ms;
    ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
  }

  /**
   * Forgets the events named `names` (case-insensitive, as Redis's strcasecmp), or all of them.
   * @returns the number of events forgotten
   */
  reset(names: readonly string[] | null): number {
    let n = 0;
    if (names === null) {
      n = this.events.size;
      this.events.clear();
      return n;
    }
    for (const name of names) {
      const lower = name.toLowerCase();
      for (const key of [...this.events.keys()]) {
        if (key.toLowerCase() === lower) {
          this.events.delete(key);
          n++;
        }
      }
    }
    return n;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// LATENCY GRAPH and LATENCY DOCTOR
// ---------------------------------------------------------------------------------------------------------------

/** Columns of a LATENCY GRAPH block (a series of 160 samples is drawn in two blocks, as Redis does). */
export const LATENCY_GRAPH_COLS = 80;
/** Rows of bars of a LATENCY GRAPH block; each row has {@link GRAPH_PARTIAL}.length levels. */
export const LATENCY_GRAPH_ROWS = 4;
/** The top cell of a bar by its level within the row (low, middle, high); cells below it are `|`. */
const GRAPH_PARTIAL = ['.', '+', '#'] as const;

/** One sample of a series: unix time (s) and latency (ms). */
export interface LatencySample {
  time: number;
  ms: number;
}

/** The samples of a series, oldest first (empty slots skipped). */
export function latencySamples(ts: LatencySeries): LatencySample[] {
  const out: LatencySample[] = [];
  for (let j = 0; j < LATENCY_TS_LEN; j++) {
    const i = (ts.idx + j) % LATENCY_TS_LEN;
    if (ts.times[i] !== 0) out.push({ time: ts.times[i]!, ms: ts.latencies[i]! });
  }
  return out;
}

/** How long ago, as a short label: `12s`, `5m`, `3h`, `2d` (whole units, rounded down). */
export function ageLabel(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/**
 * LATENCY GRAPH's text: a header (`<event> - high H ms, low L ms (all time high M ms)`), a rule, then blocks of at
 * most {@link LATENCY_GRAPH_COLS} samples, oldest on the left: {@link LATENCY_GRAPH_ROWS} rows of bars scaled between
 * the lowest and the highest sample (the lowest still shows a `.`), a blank line, and under each bar its age
 * ({@link ageLabel}) written downwards. Every line of a block has the block's width; the text ends with a newline.
 * @param nowSec the current unix time, s (ages are counted from it).
 */
export function renderLatencyGraph(event: string, ts: LatencySeries, nowSec: number): string {
  const samples = latencySamples(ts);
  let high = 0;
  let low = 0;
  if (samples.length > 0) {
    high = Math.max(...samples.map((s) => s.ms));
    low = Math.min(...samples.map((s) => s.ms));
  }
  const lines = [`${event} - high ${high} ms, low ${low} ms (all time high ${ts.max} ms)`, '-'.repeat(LATENCY_GRAPH_COLS)];
  const levels = LATENCY_GRAPH_ROWS * GRAPH_PARTIAL.length;
  const range = high - low;
  // Level of a bar, 0 (lowest sample) .. levels - 1 (highest); a flat series is drawn at full height.
  const level = (ms: number): number => (range === 0 ? levels - 1 : Math.round(((ms - low) * (levels - 1)) / range));
  for (let start = 0; start < samples.length; start += LATENCY_GRAPH_COLS) {
    const block = samples.slice(start, start + LATENCY_GRAPH_COLS);
    const lv = block.map((s) => level(s.ms));
    for (let row = LATENCY_GRAPH_ROWS - 1; row >= 0; row--) {
      const base = row * GRAPH_PARTIAL.length;
      lines.push(lv.map((l) => (l >= base + GRAPH_PARTIAL.length ? '|' : l >= base ? GRAPH_PARTIAL[l - base] : ' ')).join(''));
    }
    lines.push(' '.repeat(block.length));
    const labels = block.map((s) => ageLabel(nowSec - s.time));
    const depth = Math.max(...labels.map((l) => l.length));
    for (let k = 0; k < depth; k++) lines.push(labels.map((l) => l[k] ?? ' ').join(''));
  }
  return `${lines.join('\n')}\n`;
}

/** Figures of one event for LATENCY DOCTOR (ms unless named otherwise). */
export interface LatencyEventSummary {
  event: string;
  samples: number;
  avgMs: number;
  /** Mean absolute deviation from the average. */
  madMs: number;
  /** Average time between spikes over the recorded span, s (0 with one sample). */
  periodSec: number;
  /** Highest sample still recorded, and the all-time maximum. */
  highMs: number;
  maxMs: number;
}

/** Summarises one event's series (see {@link LatencyEventSummary}). */
export function summarizeLatency(event: string, ts: LatencySeries): LatencyEventSummary {
  const samples = latencySamples(ts);
  const n = samples.length;
  const avg = n > 0 ? samples.reduce((a, s) => a + s.ms, 0) / n : 0;
  const mad = n > 0 ? samples.reduce((a, s) => a + Math.abs(s.ms - avg), 0) / n : 0;
  const span = n > 1 ? samples[n - 1]!.time - samples[0]!.time : 0;
  return {
    event,
    samples: n,
    avgMs: avg,
    madMs: mad,
    periodSec: n > 1 ? span / (n - 1) : 0,
    highMs: n > 0 ? Math.max(...samples.map((s) => s.ms)) : 0,
    maxMs: ts.max,
  };
}

/** What each event measures, and what to do about its spikes (LATENCY DOCTOR's words). */
const EVENT_NOTES: Record<string, { what: string; advice: string }> = {
  command: {
    what: 'a command that ran at least the threshold (timed by dispatch, the time INFO commandstats adds up)',
    advice:
      'SLOWLOG GET lists the slow commands with their arguments. The usual causes are commands that walk many keys or ' +
      'bytes (KEYS, SCAN with a large COUNT, MGET/MSET/DEL of many keys, FLUSHALL, BITCOUNT or GETRANGE over a large ' +
      'value) and very large values: split them, or use SCAN instead of KEYS.',
  },
  'fast-command': {
    what: 'a command flagged fast (O(1) or O(log N)) that ran at least the threshold',
    advice:
      'A fast command should never take this long by itself: the process was most likely not running (CPU taken by ' +
      'other processes or a busy VM host, memory swapped out) or paused by the JavaScript garbage collector (see ' +
      'forced-gc, and js_heap_used_bytes in INFO memory). Check the machine before the commands.',
  },
  'tier-slice': {
    what: 'one slice of demotions from the hot tier to the cold tier',
    advice:
      'Each slice is bounded by tier-work-budget-us, so a long one means the machine was slow or a single item was very ' +
      'large. Lower tier-work-budget-us, or raise hot-ratio so that less has to be demoted (INFO tiers: demotions, ' +
      'tier_work_max_us).',
  },
  'page-mover-slice': {
    what: 'one slice of the slab page mover (emptying a slab page by moving or evicting its items)',
    advice:
      'The mover runs when the value sizes shift and the slab pages go over their budget. Lower tier-work-budget-us; ' +
      'INFO stats slab_reassigned_pages and slab_reassign_work_max_us show how much it works.',
  },
  'expire-cycle': {
    what: "one run of the cron's active expiry",
    advice:
      'Many keys expired at about the same time. Spread their TTLs (add a random jitter to each), or raise hz so that ' +
      'each cycle has less to do.',
  },
  'migrate-prepare': {
    what: "MIGRATE_PREPARE's synchronous drop of the cold tier",
    advice:
      'Expected once per VM migration: the drop costs in proportion to the cold tier\'s extents, not its keys. Its ' +
      "reply's stall_us, drop_us and gc_us tell where the time went.",
  },
  'forced-gc': {
    what: 'a full garbage collection forced after memory was released (by the cron or by MIGRATE_PREPARE) so that its pages go back to the OS',
    advice:
      'It grows with the JavaScript heap (INFO memory js_heap_used_bytes), not with the data in the arena; one or two ' +
      'per migration or large flush are expected. Many of them mean memory is released often: check what drops data.',
  },
};

/** Inputs of {@link latencyDoctorReport}. */
export interface LatencyDoctorInput {
  /** SLOWLOG's threshold, µs (Infinity when `slowlog-log-slower-than` is -1). */
  slowlogThresholdUs: number;
}

/**
 * LATENCY DOCTOR's report (plain text, lines ending in `\n`): whether the monitor is on, then for each event that
 * had spikes, in order of first occurrence, its figures ({@link summarizeLatency}) and what it measures, then advice
 * per event (tierkv's own events included) and about SLOWLOG when it would not show the slow commands.
 */
export function latencyDoctorReport(monitor: LatencyMonitor, input: LatencyDoctorInput): string {
  const on = monitor.on;
  const thresholdMs = on ? monitor.thresholdUs / 1000 : 0;
  if (monitor.events.size === 0) {
    if (!on) {
      return (
        'Latency monitoring is off in this tierkv instance (latency-monitor-threshold is 0), so nothing has been ' +
        'recorded. Turn it on with CONFIG SET latency-monitor-threshold <milliseconds> (10 is a good start), let the ' +
        'server work for a while, and ask again.\n'
      );
    }
    return (
      `No latency spike of ${thresholdMs} ms or more (latency-monitor-threshold) has been recorded since the server ` +
      'started or since the last LATENCY RESET. Nothing to look into.\n'
    );
  }
  const out: string[] = [];
  out.push(
    on
      ? `tierkv latency report: ${monitor.events.size} kind${monitor.events.size === 1 ? '' : 's'} of event had spikes of ${thresholdMs} ms or more (latency-monitor-threshold).`
      : 'tierkv latency report: latency monitoring is now off (latency-monitor-threshold 0), but these spikes were recorded before.',
  );
  out.push('');
  const fmt = (ms: number): string => `${Math.round(ms)} ms`;
  let n = 0;
  for (const [event, ts] of monitor.events) {
    const s = summarizeLatency(event, ts);
    const period = s.samples > 1 ? `, one every ${s.periodSec.toFixed(2)} s on average` : '';
    out.push(
      `${++n}. ${event}: ${s.samples} spike${s.samples === 1 ? '' : 's'} (average ${fmt(s.avgMs)}, mean deviation ${fmt(s.madMs)}${period}). ` +
        `Highest ever: ${fmt(s.maxMs)}.`,
    );
    const note = EVENT_NOTES[event];
    out.push(`   ${note ? `What it measures: ${note.what}.` : 'An event tierkv does not describe.'}`);
  }
  out.push('');
  out.push('What to do:');
  out.push('');
  for (const event of monitor.events.keys()) {
    const note = EVENT_NOTES[event];
    if (note) out.push(`- ${event}: ${note.advice}`);
  }
  const hasCommands = monitor.events.has('command') || monitor.events.has('fast-command');
  if (hasCommands && on && input.slowlogThresholdUs > monitor.thresholdUs) {
    const state =
      input.slowlogThresholdUs === Infinity
        ? 'SLOWLOG is off (slowlog-log-slower-than -1)'
        : `SLOWLOG logs only commands of ${input.slowlogThresholdUs} µs or more, above the latency threshold (${monitor.thresholdUs} µs)`;
    out.push(`- ${state}: CONFIG SET slowlog-log-slower-than ${monitor.thresholdUs} to see which commands these are.`);
  }
  out.push('- LATENCY GRAPH <event> draws an event\'s recent spikes; LATENCY RESET starts over once a cause is fixed.');
  return `${out.join('\n')}\n`;
}
