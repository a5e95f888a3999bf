/**
 * Rendering of {@link MigrationReport}s: a table for people, one JSON object for programs (`--json`), a one-line
 * progress text, and a comparison table of several runs (one row per strategy).
 */
import type { MigrationProgress, MigrationReport } from './report-types.js';
import { STRATEGIES } from './strategies.js';

const MiB = 1024 * 1024;
/** Placeholder for a figure that does not apply or was not reached. */
export const NA = '—';

/** `12.3 ms`, or {@link NA}. */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NA;
  return `${ms >= 100 ? Math.round(ms) : Math.round(ms * 10) / 10} ms`;
}

/** `34.6 MiB` (bytes in, binary megabytes out), or {@link NA}. */
export function fmtMiB(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return NA;
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

function num(n: number | null | undefined): string {
  return n === null || n === undefined ? NA : String(n);
}

function alignRows(rows: [string, string][], indent = '  '): string[] {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`);
}

/**
 * The report as a table for people: what ran (the strategy and what it does), the outcome, the times (setup broken into its parts), the bytes, the
 * balloon and tierkv (with several instances: their sums, then one row per instance), then warnings, clean-up steps and the error if any. Ends without a newline.
 */
export function formatReportTable(r: MigrationReport): string {
  const head = `tierkv-migrate: strategy ${r.strategy} — ${r.outcome}${r.postcopy ? ' (post-copy)' : ''}, QEMU status ${r.status}`;
  const what = `  ${r.strategy}: ${r.strategy_description ?? STRATEGIES[r.strategy]?.description ?? ''}`;
  const env = `QEMU ${r.qemu_version ?? '?'}, accel ${r.accel ?? '?'}, guest RAM ${fmtMiB(r.guest_ram_bytes)}, ${r.source} → ${r.destination} via ${r.migrate_uri ?? r.dest_uri}`;
  const s = r.setup;
  const rows: [string, string][] = [
    ['total time', `${fmtMs(r.total_time_ms)}  (request → VM runs on the destination)`],
    ['setup time', `${fmtMs(r.setup_time_ms)}  (request → memory transfer starts)`],
    ['  preflight', fmtMs(s.preflight_ms)],
    ['  MIGRATE_PREPARE', fmtMs(s.prepare_ms)],
    ['  balloon', fmtMs(s.balloon_ms)],
    ['  free page reporting', fmtMs(s.report_wait_ms)],
    ['  configure', fmtMs(s.configure_ms)],
    ['  QEMU setup-time', fmtMs(s.qemu_setup_ms)],
    ['  other', fmtMs(s.other_ms)],
    ['migration (QEMU total-time)', fmtMs(r.migration_time_ms)],
    ['downtime (QEMU)', fmtMs(r.downtime_ms)],
    ['guest pause (STOP → RESUME)', fmtMs(r.guest_pause_ms)],
    ['post-copy switch', fmtMs(r.postcopy_switch_ms)],
    [
      'transferred',
      `${fmtMiB(r.transferred_bytes)}  (pre-copy ${fmtMiB(r.precopy_bytes)}, post-copy ${fmtMiB(r.postcopy_bytes)}, downtime ${fmtMiB(r.downtime_bytes)})`,
    ],
    ['pages', `${num(r.normal_pages)} normal, ${num(r.duplicate_pages)} zero, of ${fmtMiB(r.ram_total_bytes)} RAM`],
    ['passes (dirty syncs)', num(r.passes)],
    ['post-copy requests', num(r.postcopy_requests)],
    ['post-copy blocktime (dst)', fmtMs(r.postcopy_blocktime_ms)],
  ];
  if (r.balloon_target_bytes !== null || r.balloon_note !== null) {
    rows.push(['balloon target', `${fmtMiB(r.balloon_target_bytes)}  (${r.balloon_basis ?? '?'}: ${r.balloon_reason ?? ''})`]);
    rows.push(['balloon result', `${r.balloon_settled ? 'settled' : 'not settled'}, actual ${fmtMiB(r.balloon_actual_bytes)}: ${r.balloon_note ?? ''}`]);
  }
  if (r.report_wait) {
    const w = r.report_wait;
    rows.push([
      'free page reporting',
      `waited ${fmtMs(w.wait_ms)} (${w.ended}), source RSS ${fmtMiB(w.rss_before_bytes)} → ${fmtMiB(w.rss_after_bytes)}`,
    ]);
  }
  if (r.free_page_hint !== null || r.free_page_reporting !== null) {
    rows.push(['balloon device', `free-page-hint ${r.free_page_hint ? 'on' : 'off'}, free-page-reporting ${r.free_page_reporting ? 'on' : 'off'}`]);
  }
  const instances = r.kv_instances ?? [];
  if (instances.length > 1) {
    // Several instances: the sums first, then one row per instance with its own reply's figures.
    rows.push([
      `tierkv (${instances.length} instances)`,
      `sum: dropped ${num(r.dropped_keys)} keys, freed ${fmtMiB(r.freed_bytes)}, zeroed ${fmtMiB(r.zeroed_bytes ?? null)} in ${fmtMs(r.zero_ms ?? null)} (longest); ` +
        `MIGRATE_DONE ${r.kv_done}; MIGRATE_ABORT ${r.kv_abort}`,
    ]);
    for (const i of instances) {
      const figures =
        i.prepare_error !== null
          ? `MIGRATE_PREPARE failed: ${i.prepare_error}`
          : `dropped ${num(i.dropped_keys)} keys, freed ${fmtMiB(i.freed_bytes)}, zeroed ${fmtMiB(i.zeroed_bytes)} in ${fmtMs(i.zero_ms)}, ` +
            `used ${fmtMiB(i.used_memory)} (RSS ${fmtMiB(i.used_memory_rss)}), prepare ${fmtMs(i.prepare_ms)}`;
      rows.push([`  ${i.kv}`, `${figures}; MIGRATE_DONE ${i.kv_done}; MIGRATE_ABORT ${i.kv_abort}`]);
    }
  } else if (r.kv) {
    rows.push([
      'tierkv',
      `${r.kv}: dropped ${num(r.dropped_keys)} keys, freed ${fmtMiB(r.freed_bytes)}, zeroed ${fmtMiB(r.zeroed_bytes ?? null)} in ${fmtMs(r.zero_ms ?? null)}; MIGRATE_DONE ${r.kv_done}; MIGRATE_ABORT ${r.kv_abort}`,
    ]);
  }
  const caps = Object.entries(r.capabilities.source)
    .filter(([, on]) => on)
    .map(([c]) => c);
  rows.push(['capabilities', caps.join(', ') || NA]);
  const p = r.parameters;
  rows.push([
    'bandwidth caps',
    `pre-copy ${p['max-bandwidth'] !== undefined ? fmtMiB(p['max-bandwidth']) + '/s' : NA}, post-copy ${
      p['max-postcopy-bandwidth'] === undefined ? NA : p['max-postcopy-bandwidth'] === 0 ? 'unlimited' : fmtMiB(p['max-postcopy-bandwidth']) + '/s'
    }`,
  ]);
  const lines = [head, what, `  ${env}`, '', ...alignRows(rows)];
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  for (const c of r.cleanup) lines.push(`  clean-up: ${c}`);
  if (r.error) lines.push(`  ERROR (${r.failed_phase}): ${r.error}`);
  return lines.join('\n');
}

/** The report as one JSON object (the `--json` output), pretty-printed when `pretty`. */
export function formatReportJson(r: MigrationReport, pretty = false): string {
  return JSON.stringify(r, null, pretty ? 2 : undefined);
}

/** A one-line progress text for a terminal, e.g. `migrate active pass 2: 12.0 MiB left, 30.1 MiB sent, 270 Mbit/s`. */
export function formatProgress(p: MigrationProgress): string {
  const t = `${(p.elapsedMs / 1000).toFixed(1)}s`;
  if (p.message) return `[${t}] ${p.phase}: ${p.message}`;
  if (p.balloonActualBytes !== undefined) {
    return `[${t}] balloon: ${fmtMiB(p.balloonActualBytes)} → target ${fmtMiB(p.balloonTargetBytes)}`;
  }
  if (p.status) {
    const parts = [`[${t}] ${p.phase} ${p.status}`];
    if (p.pass !== undefined) parts[0] += ` pass ${p.pass}`;
    const extra: string[] = [];
    if (p.remainingBytes !== undefined) extra.push(`${fmtMiB(p.remainingBytes)} left`);
    if (p.transferredBytes !== undefined) extra.push(`${fmtMiB(p.transferredBytes)} sent`);
    if (p.mbps !== undefined) extra.push(`${Math.round(p.mbps)} Mbit/s`);
    return extra.length ? `${parts[0]}: ${extra.join(', ')}` : parts[0]!;
  }
  return `[${t}] ${p.phase}`;
}

/**
 * Several reports side by side, one row per run: outcome, times (ms), MiB sent, passes, post-copy requests,
 * balloon target (MiB) and dropped keys. Plain text, columns separated by two spaces.
 */
export function formatComparisonTable(reports: readonly MigrationReport[]): string {
  const headers = [
    'strategy',
    'outcome',
    'total ms',
    'setup ms',
    'prepare ms',
    'balloon ms',
    'report ms',
    'QEMU ms',
    'downtime ms',
    'pause ms',
    'MiB sent',
    'passes',
    'pc reqs',
    'balloon MiB',
    'dropped keys',
  ];
  const n = (v: number | null | undefined, digits = 0): string =>
    v === null || v === undefined ? NA : digits ? v.toFixed(digits) : String(Math.round(v));
  const rows = reports.map((r) => [
    r.strategy,
    r.outcome,
    n(r.total_time_ms),
    n(r.setup_time_ms),
    n(r.prepare_ms),
    n(r.balloon_ms),
    n(r.setup.report_wait_ms),
    n(r.migration_time_ms),
    n(r.downtime_ms),
    n(r.guest_pause_ms, 1),
    r.transferred_bytes === null ? NA : (r.transferred_bytes / MiB).toFixed(1),
    n(r.passes),
    n(r.postcopy_requests),
    r.balloon_target_bytes === null ? NA : (r.balloon_target_bytes / MiB).toFixed(0),
    n(r.dropped_keys),
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
