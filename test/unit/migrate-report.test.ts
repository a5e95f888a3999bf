/**
 * Rendering of migration reports (migration-hook/report.ts) and the CLI's argument parsing (migration-hook/main.ts).
 */
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';

import { emptyMigrationReport, type MigrationReport } from '../../migration-hook/report-types.js';
import { EXIT, buildProgram, main, parseCliArgs, parseSize } from '../../migration-hook/main.js';
import { NA, fmtMiB, fmtMs, formatComparisonTable, formatProgress, formatReportJson, formatReportTable } from '../../migration-hook/report.js';

const MiB = 1024 * 1024;

function sample(): MigrationReport {
  const r = emptyMigrationReport({ strategy: 'tierkv-balloon', source: '/s.qmp', destination: '/d.qmp', destUri: 'tcp:127.0.0.1:0', kv: '127.0.0.1:6379' });
  Object.assign(r, {
    outcome: 'completed',
    status: 'completed',
    total_time_ms: 1369.4,
    setup_time_ms: 849.2,
    prepare_ms: 19.1,
    balloon_ms: 808,
    downtime_ms: 1,
    transferred_bytes: 34_641_134,
    balloon_target_bytes: 124 * MiB,
    balloon_basis: 'used-memory',
    balloon_reason: 'used 60 MiB + headroom 64 MiB',
    balloon_settled: false,
    balloon_actual_bytes: 256 * MiB,
    balloon_note: 'did not move',
    dropped_keys: 1234,
    postcopy_requests: 3,
    guest_pause_ms: 26.4,
    postcopy: true,
    passes: 2,
    migrate_uri: 'tcp:127.0.0.1:40000',
    kv_done: 'ok',
    capabilities: { source: { events: true, 'postcopy-ram': true, 'postcopy-preempt': false }, destination: {} },
    parameters: { 'max-bandwidth': 64 * MiB, 'max-postcopy-bandwidth': 0 },
    warnings: ['balloon did not settle: did not move'],
  } satisfies Partial<MigrationReport>);
  r.setup = { preflight_ms: 5.3, prepare_ms: 19.1, balloon_ms: 808, report_wait_ms: null, configure_ms: 7, qemu_setup_ms: 1, other_ms: 8.8 };
  return r;
}

describe('report rendering', () => {
  it('formats ms and MiB, with a placeholder for missing figures', () => {
    expect(fmtMs(12.34)).toBe('12.3 ms');
    expect(fmtMs(1234.5)).toBe('1235 ms');
    expect(fmtMs(null)).toBe(NA);
    expect(fmtMiB(34_641_134)).toBe('33.0 MiB');
    expect(fmtMiB(undefined)).toBe(NA);
  });

  it('the table for people names the strategy, outcome, setup parts, bytes, balloon, tierkv and warnings', () => {
    const text = formatReportTable(sample());
    expect(text).toMatch(/^tierkv-migrate: strategy tierkv-balloon — completed \(post-copy\), QEMU status completed/);
    expect(text.split('\n')[1]).toMatch(/^ {2}tierkv-balloon: MIGRATE_PREPARE, inflate the balloon .*paper's exact method/);
    expect(text).toMatch(/setup time\s+849 ms/);
    expect(text).toMatch(/ {4}balloon\s+808 ms/);
    expect(text).toMatch(/free page reporting\s+—/);
    expect(text).toMatch(/transferred\s+33\.0 MiB/);
    expect(text).toMatch(/guest pause \(STOP → RESUME\)\s+26\.4 ms/);
    expect(text).toMatch(/balloon target\s+124\.0 MiB\s+\(used-memory/);
    expect(text).toMatch(/tierkv\s+127\.0\.0\.1:6379: dropped 1234 keys.*MIGRATE_DONE ok/);
    expect(text).toMatch(/capabilities\s+events, postcopy-ram$/m);
    expect(text).toMatch(/bandwidth caps\s+pre-copy 64\.0 MiB\/s, post-copy unlimited/);
    expect(text).toMatch(/warning: balloon did not settle/);
    expect(text).not.toMatch(/ERROR/);
  });

  it('the default tierkv strategy says it uses no balloon, and shows what tierkv zeroed', () => {
    const r = emptyMigrationReport({ strategy: 'tierkv', source: '/s.qmp', destination: '/d.qmp', destUri: 'tcp:127.0.0.1:0', kv: '127.0.0.1:6379' });
    Object.assign(r, { outcome: 'completed', status: 'completed', dropped_keys: 10, freed_bytes: 64 * MiB, zeroed_bytes: 60 * MiB, zero_ms: 42 });
    const text = formatReportTable(r);
    expect(r.strategy_description).toMatch(/no balloon/);
    expect(text.split('\n')[1]).toMatch(/^ {2}tierkv: MIGRATE_PREPARE \(tierkv zeroes the memory it drops\), then post-copy; no balloon/);
    expect(text).toMatch(/freed 64\.0 MiB, zeroed 60\.0 MiB in 42 ms/);
    expect(text).not.toMatch(/balloon target/);
  });

  it('several tierkv instances: the sums, then one row per instance with its own figures', () => {
    const r = emptyMigrationReport({
      strategy: 'tierkv',
      source: '/s.qmp',
      destination: '/d.qmp',
      destUri: 'tcp:127.0.0.1:0',
      kvInstances: [
        { kv: '127.0.0.1:6379', kvAfter: '127.0.0.1:7379' },
        { kv: '127.0.0.1:6380', kvAfter: '127.0.0.1:7380' },
      ],
    });
    expect(r.kv).toBe('127.0.0.1:6379, 127.0.0.1:6380');
    expect(r.kv_after).toBe('127.0.0.1:7379, 127.0.0.1:7380');
    Object.assign(r.kv_instances[0]!, { dropped_keys: 10, freed_bytes: 2 * MiB, zeroed_bytes: 2 * MiB, zero_ms: 3, kv_done: 'ok' });
    Object.assign(r.kv_instances[1]!, { prepare_error: 'cannot connect to tierkv at 127.0.0.1:6380: ECONNREFUSED' });
    Object.assign(r, { dropped_keys: 10, freed_bytes: 2 * MiB, zeroed_bytes: 2 * MiB, zero_ms: 3, kv_abort: 'ok' });
    const text = formatReportTable(r);
    expect(text).toMatch(/tierkv \(2 instances\) +sum: dropped 10 keys, freed 2\.0 MiB, zeroed 2\.0 MiB in 3 ms \(longest\); MIGRATE_DONE skipped; MIGRATE_ABORT ok/);
    expect(text).toMatch(/^ {4}127\.0\.0\.1:6379 +dropped 10 keys, freed 2\.0 MiB, zeroed 2\.0 MiB in 3 ms, .*MIGRATE_DONE ok; MIGRATE_ABORT skipped$/m);
    expect(text).toMatch(/^ {4}127\.0\.0\.1:6380 +MIGRATE_PREPARE failed: cannot connect .*ECONNREFUSED; MIGRATE_DONE skipped/m);
    expect(JSON.parse(formatReportJson(r)).kv_instances).toHaveLength(2);
    // One instance: the row as before several were supported.
    expect(formatReportTable(sample())).toMatch(/^ {2}tierkv +127\.0\.0\.1:6379: dropped 1234 keys/m);
  });

  it('a failed report shows the error and the clean-up', () => {
    const r = sample();
    Object.assign(r, { outcome: 'aborted', error: 'migration aborted in phase configure: boom', failed_phase: 'configure', cleanup: ['MIGRATE_ABORT: ok'] });
    const text = formatReportTable(r);
    expect(text).toMatch(/clean-up: MIGRATE_ABORT: ok/);
    expect(text).toMatch(/ERROR \(configure\): migration aborted in phase configure: boom/);
  });

  it('JSON is one object with the issue\'s fields', () => {
    const obj = JSON.parse(formatReportJson(sample())) as Record<string, unknown>;
    for (const k of [
      'strategy',
      'status',
      'total_time_ms',
      'setup_time_ms',
      'prepare_ms',
      'balloon_ms',
      'downtime_ms',
      'transferred_bytes',
      'balloon_target_bytes',
      'dropped_keys',
      'postcopy_requests',
      'guest_pause_ms',
      'qemu',
    ]) {
      expect(obj, k).toHaveProperty(k);
    }
    expect(formatReportJson(sample())).not.toMatch(/\n/);
    expect(formatReportJson(sample(), true)).toMatch(/\n {2}"strategy"/);
  });

  it('progress lines', () => {
    expect(formatProgress({ phase: 'balloon', elapsedMs: 1500, message: 'settled' })).toBe('[1.5s] balloon: settled');
    expect(formatProgress({ phase: 'migrate', elapsedMs: 100, status: 'active', pass: 2, remainingBytes: 12 * MiB, transferredBytes: 30 * MiB, mbps: 270.4 })).toBe(
      '[0.1s] migrate active pass 2: 12.0 MiB left, 30.0 MiB sent, 270 Mbit/s',
    );
    expect(formatProgress({ phase: 'balloon', elapsedMs: 0, balloonActualBytes: 256 * MiB, balloonTargetBytes: 124 * MiB })).toBe(
      '[0.0s] balloon: 256.0 MiB → target 124.0 MiB',
    );
  });

  it('comparison table: one row per report, aligned', () => {
    const a = sample();
    const b = emptyMigrationReport({ strategy: 'precopy', source: 's', destination: 'd', destUri: 'tcp:h:1' });
    const lines = formatComparisonTable([a, b]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^strategy\s+outcome\s+total ms/);
    expect(lines[2]).toMatch(/^tierkv-balloon\s+completed\s+1369\s+849\s+19\s+808\s+—/);
    expect(lines[3]).toMatch(/^precopy\s+aborted\s+—/);
    const col = lines[0]!.indexOf('total ms') + 'total ms'.length;
    expect(lines[2]![col - 1]).toBe('9'); // numbers are right-aligned under their header
  });
});

describe('tierkv-migrate arguments', () => {
  const base = ['--source-qmp', '/run/src.qmp', '--dest-qmp', '127.0.0.1:4445', '--dest-uri', 'tcp:127.0.0.1:4444'];

  it('parses sizes with Redis units and an optional /s', () => {
    expect(parseSize('64mb')).toBe(64 * MiB);
    expect(parseSize('128MB/s')).toBe(128 * MiB);
    expect(parseSize('1g')).toBe(1e9);
    expect(parseSize('4096')).toBe(4096);
    expect(() => parseSize('1.5mb')).toThrow(/not a size/);
  });

  it('builds the controller options, with password on both kv endpoints', () => {
    const req = parseCliArgs([
      ...base,
      '--strategy',
      'tierkv',
      '--kv',
      '127.0.0.1:47379',
      '--kv-after',
      '127.0.0.1:47380',
      '--kv-password',
      'pw',
      '--balloon-headroom',
      '128mb',
      '--max-bandwidth',
      '64mb',
      '--json',
    ]);
    expect(req.json).toBe(true);
    expect(req.progress).toBeUndefined();
    expect(req.options).toMatchObject({
      source: '/run/src.qmp',
      destination: '127.0.0.1:4445',
      destUri: 'tcp:127.0.0.1:4444',
      strategy: 'tierkv',
      kv: { host: '127.0.0.1', port: 47379, password: 'pw' },
      kvAfter: { host: '127.0.0.1', port: 47380, password: 'pw' },
      balloonHeadroomBytes: 128 * MiB,
      maxBandwidth: 64 * MiB,
      migrationTimeoutMs: 600_000,
    });
    expect(parseCliArgs([...base, '--strategy', 'precopy', '--no-progress']).progress).toBe(false);
    expect(parseCliArgs([...base, '--strategy', 'precopy', '--progress']).progress).toBe(true);
    expect(parseCliArgs([...base, '--strategy', 'precopy']).options.kv).toBeUndefined();
  });

  it('--kv and --kv-after may be repeated, one per tierkv instance; one --kv stays a single endpoint', () => {
    const req = parseCliArgs([
      ...base,
      '--strategy',
      'tierkv-balloon',
      '--kv',
      '127.0.0.1:47379',
      '--kv',
      '/run/kv2.sock',
      '--kv',
      ':47381',
      '--kv-password',
      'pw',
    ]);
    expect(req.options.kv).toEqual([
      { host: '127.0.0.1', port: 47379, password: 'pw' },
      { path: '/run/kv2.sock', password: 'pw' },
      { host: '127.0.0.1', port: 47381, password: 'pw' },
    ]);
    expect(req.options.kvAfter).toBeUndefined();
    const paired = parseCliArgs([...base, '--strategy', 'tierkv', '--kv', '1', '--kv', '2', '--kv-after', '11', '--kv-after', '12']);
    expect(paired.options.kvAfter).toEqual([
      { host: '127.0.0.1', port: 11 },
      { host: '127.0.0.1', port: 12 },
    ]);
    expect(parseCliArgs([...base, '--strategy', 'tierkv', '--kv', '1']).options.kv).toEqual({ host: '127.0.0.1', port: 1 });
    expect(() => parseCliArgs([...base, '--strategy', 'tierkv', '--kv', '1', '--kv', '2', '--kv-after', '11'])).toThrow(
      /--kv-after was given 1 time but --kv 2/,
    );
    expect(() => parseCliArgs([...base, '--strategy', 'tierkv', '--kv', '1', '--kv', 'host'])).toThrow(/invalid tierkv address "host"/);
  });

  it('--help documents several --kv', () => {
    let help = '';
    buildProgram()
      .configureOutput({ writeOut: (t) => (help += t) })
      .outputHelp();
    expect(help.replace(/\s+/g, ' ')).toMatch(/--kv <address> .*repeat it for each tierkv instance of the VM/);
    expect(help.replace(/\s+/g, ' ')).toMatch(/Several tierkv instances in one VM/);
  });

  it('rejects a tierkv strategy without --kv, unknown strategies, bad URIs and sizes', () => {
    expect(() => parseCliArgs([...base, '--strategy', 'tierkv'])).toThrow(/needs --kv/);
    const errs: unknown[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: unknown) => (errs.push(chunk), true)) as typeof process.stderr.write;
    try {
      expect(() => parseCliArgs([...base, '--strategy', 'warp'])).toThrow(CommanderError);
      expect(() => parseCliArgs([...base.slice(0, 4), '--dest-uri', '127.0.0.1:4444', '--strategy', 'precopy'])).toThrow(CommanderError);
      expect(() => parseCliArgs([...base, '--strategy', 'precopy', '--max-bandwidth', 'fast'])).toThrow(CommanderError);
      expect(() => parseCliArgs(['--strategy', 'precopy'])).toThrow(CommanderError);
    } finally {
      process.stderr.write = orig;
    }
    expect(errs.join('')).toMatch(/warp/);
  });

  it('main() returns the usage status for bad arguments without touching anything', async () => {
    const orig = process.stderr.write.bind(process.stderr);
    let err = '';
    process.stderr.write = ((chunk: unknown) => ((err += String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await main([...base, '--strategy', 'tierkv'])).toBe(EXIT.usage);
      expect(await main(['--strategy', 'precopy'])).toBe(EXIT.usage);
    } finally {
      process.stderr.write = orig;
    }
    expect(err).toMatch(/needs --kv/);
  });
});
