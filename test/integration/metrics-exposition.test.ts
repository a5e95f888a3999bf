/**
 * `GET /metrics` (server/observe/metrics.ts): the exposition passes `promtool check metrics` (Debian package
 * `prometheus`; skipped with a message when promtool is missing), carries the redis_exporter names, tierkv's own
 * tier and migration metrics and prom-client's process metrics, and after a known workload (writes with and
 * without TTL, hits, misses, an expiry, errors, demotions, a MIGRATE_PREPARE) every figure equals what INFO says.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCommand, RawClient } from '../support/raw-client.js';
import { startTierkvWithHttp, type ServerHandle } from '../support/tierkv.js';
import { sleep } from '../support/wait.js';
import { infoFields } from '../support/info.js';

const PROMTOOL = process.env['PROMTOOL_BIN'] ?? 'promtool';
const HAVE_PROMTOOL = spawnSync(PROMTOOL, ['--version'], { stdio: 'ignore' }).status === 0;
const MISSING_PROMTOOL = 'SKIPPED: promtool not found (apt-get install prometheus, or set PROMTOOL_BIN)';
if (!HAVE_PROMTOOL) console.warn(`metrics-exposition: ${MISSING_PROMTOOL}`);

/** One sample of the text exposition: `name{labels} value`, labels sorted by name in the key. */
type Samples = Map<string, number>;

/** Parses the Prometheus text format into samples keyed `name{a="x",b="y"}` (labels sorted). */
function parseExposition(text: string): { samples: Samples; types: Map<string, string> } {
  const samples: Samples = new Map();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name, type);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`unparsable exposition line: ${line}`);
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => `${l[1]}="${l[2]}"`).sort();
    samples.set(labels.length > 0 ? `${m[1]}{${labels.join(',')}}` : m[1], Number(m[3]));
  }
  return { samples, types };
}

function sample(s: Samples, key: string): number {
  const v = s.get(key);
  if (v === undefined) throw new Error(`metric sample ${key} not found`);
  return v;
}

describe('GET /metrics', () => {
  let srv: { server: ServerHandle; base: string };
  let c: RawClient;
  let text: string;
  let samples: Samples;
  let types: Map<string, string>;
  let info: Record<string, string>;

  beforeAll(async () => {
    srv = await startTierkvWithHttp({ maxmemory: '40mb', 'maxmemory-policy': 'allkeys-lfu', 'hot-ratio': '0.3' });
    c = await RawClient.connect(srv.server.port);
    // The workload: 150k plain keys (more than the 12 MB hot tier: demotions), 1000 with a long TTL, hits,
    // misses, one lazily expired key, errors of two kinds, a MIGRATE_PREPARE and a MIGRATE_DONE.
    const v = 'v'.repeat(100);
    for (let start = 0; start < 150_000; start += 5000) {
      await c.pipeline(Array.from({ length: 5000 }, (_, j) => ['SET', `k:${start + j}`, v]));
    }
    await c.pipeline(Array.from({ length: 1000 }, (_, j) => ['SET', `ttl:${j}`, v, 'EX', '100000']));
    await c.pipeline(Array.from({ length: 3000 }, (_, j) => ['GET', `k:${j % 1000}`]));
    await c.pipeline(Array.from({ length: 500 }, (_, j) => ['GET', `missing:${j}`]));
    await c.call('SET', 'short', 'x', 'PX', '1');
    await sleep(20);
    expect(await c.call('GET', 'short')).toBe(null);
    await c.call('NOSUCHCOMMAND');
    await c.call('GET');
    await c.call('INCR', 'k:1');
    // Wait until the idle tier work is done, then prepare (no demotion afterwards: migration mode), then done.
    let last = '';
    for (let i = 0; i < 200; i++) {
      const t = infoFields((await c.call('INFO', 'tiers')) as string);
      const now = `${t['demotions']}/${t['hot_used_bytes']}`;
      if (now === last) break;
      last = now;
      await sleep(50);
    }
    const prep = await c.call('MIGRATE_PREPARE');
    expect(Array.isArray(prep)).toBe(true);
    expect(await c.call('MIGRATE_DONE')).toBe('OK');
    // Let the background cycle remove the dropped entries, so nothing moves between the scrape and INFO.
    for (let i = 0; i < 400; i++) {
      const t = infoFields((await c.call('INFO', 'tiers')) as string);
      if (t['dead_index_entries'] === '0') break;
      await sleep(50);
    }
    const res = await fetch(`${srv.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    text = await res.text();
    info = infoFields((await c.call('INFO', 'everything')) as string);
    ({ samples, types } = parseExposition(text));
  });

  afterAll(async () => {
    await c?.close();
    await srv?.server.stop();
  });

  it.skipIf(!HAVE_PROMTOOL)(`passes promtool check metrics ${HAVE_PROMTOOL ? '' : MISSING_PROMTOOL}`, () => {
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('has the redis_exporter names with their types', () => {
    const expected: Record<string, string> = {
      redis_up: 'gauge',
      redis_uptime_in_seconds: 'gauge',
      redis_memory_used_bytes: 'gauge',
      redis_memory_used_rss_bytes: 'gauge',
      redis_memory_max_bytes: 'gauge',
      redis_connected_clients: 'gauge',
      redis_blocked_clients: 'gauge',
      redis_commands_processed_total: 'counter',
      redis_keyspace_hits_total: 'counter',
      redis_keyspace_misses_total: 'counter',
      redis_evicted_keys_total: 'counter',
      redis_expired_keys_total: 'counter',
      redis_net_input_bytes_total: 'counter',
      redis_net_output_bytes_total: 'counter',
      redis_db_keys: 'gauge',
      redis_db_keys_expiring: 'gauge',
      redis_commands_total: 'counter',
      redis_commands_duration_seconds_total: 'counter',
      redis_errors_total: 'counter',
      redis_instance_info: 'gauge',
      redis_cpu_user_seconds_total: 'counter',
    };
    for (const [name, type] of Object.entries(expected)) expect(types.get(name), name).toBe(type);
  });

  it("has tierkv's tier and migration metrics and prom-client's process metrics", () => {
    const expected: Record<string, string> = {
      tierkv_tier_used_bytes: 'gauge',
      tierkv_tier_keys: 'gauge',
      tierkv_tier_capacity_bytes: 'gauge',
      tierkv_promotions_total: 'counter',
      tierkv_demotions_total: 'counter',
      tierkv_tier_lfu_resets_total: 'counter',
      tierkv_tier_work_slice_duration_seconds: 'histogram',
      tierkv_migrate_prepares_total: 'counter',
      tierkv_migrate_dropped_keys_total: 'counter',
      tierkv_migrate_stall_duration_seconds: 'histogram',
      tierkv_migrate_release_duration_seconds: 'histogram',
      tierkv_migration_state: 'gauge',
      process_cpu_user_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
      nodejs_eventloop_lag_seconds: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) expect(types.get(name), name).toBe(type);
  });

  it('matches INFO stats, keyspace, memory and clients', () => {
    const db0 = Object.fromEntries((info['db0'] ?? '').split(',').map((kv) => kv.split('=')));
    expect(sample(samples, 'redis_db_keys{db="db0"}')).toBe(Number(db0['keys']));
    expect(sample(samples, 'redis_db_keys_expiring{db="db0"}')).toBe(Number(db0['expires']));
    expect(Number(db0['expires'])).toBeGreaterThan(0);
    const pairs: Array<[string, string]> = [
      ['redis_keyspace_hits_total', 'keyspace_hits'],
      ['redis_keyspace_misses_total', 'keyspace_misses'],
      ['redis_expired_keys_total', 'expired_keys'],
      ['redis_evicted_keys_total', 'evicted_keys'],
      ['redis_commands_processed_total', 'total_commands_processed'],
      ['redis_connections_received_total', 'total_connections_received'],
      ['redis_memory_used_bytes', 'used_memory'],
      ['redis_memory_max_bytes', 'maxmemory'],
      ['redis_connected_clients', 'connected_clients'],
      ['redis_total_error_replies', 'total_error_replies'],
    ];
    for (const [metric, field] of pairs) expect(sample(samples, metric), `${metric} vs INFO ${field}`).toBe(Number(info[field]));
    // INFO's own request was read before INFO printed its input bytes.
    const infoRequest = encodeCommand(['INFO', 'everything']).length;
    expect(sample(samples, 'redis_net_input_bytes_total')).toBe(Number(info['total_net_input_bytes']) - infoRequest);
    expect(sample(samples, 'redis_keyspace_hits_total')).toBeGreaterThanOrEqual(3000);
    expect(sample(samples, 'redis_keyspace_misses_total')).toBeGreaterThanOrEqual(500);
    expect(sample(samples, 'redis_expired_keys_total')).toBeGreaterThanOrEqual(1);
    expect(sample(samples, 'redis_memory_max_bytes')).toBe(40 * 1024 * 1024);
  });

  it('matches INFO commandstats and errorstats', () => {
    let seen = 0;
    for (const [field, value] of Object.entries(info)) {
      if (!field.startsWith('cmdstat_')) continue;
      const cmd = field.slice('cmdstat_'.length);
      const f = Object.fromEntries(value.split(',').map((kv) => kv.split('=')));
      expect(sample(samples, `redis_commands_total{cmd="${cmd}"}`), cmd).toBe(Number(f['calls']));
      expect(Math.abs(sample(samples, `redis_commands_duration_seconds_total{cmd="${cmd}"}`) - Number(f['usec']) / 1e6)).toBeLessThanOrEqual(1e-6);
      expect(sample(samples, `redis_commands_failed_calls_total{cmd="${cmd}"}`), cmd).toBe(Number(f['failed_calls']));
      expect(sample(samples, `redis_commands_rejected_calls_total{cmd="${cmd}"}`), cmd).toBe(Number(f['rejected_calls']));
      seen++;
    }
    expect(seen).toBeGreaterThanOrEqual(4);
    expect(sample(samples, 'redis_commands_total{cmd="set"}')).toBe(151_001);
    for (const [field, value] of Object.entries(info)) {
      if (!field.startsWith('errorstat_')) continue;
      expect(sample(samples, `redis_errors_total{err="${field.slice('errorstat_'.length)}"}`)).toBe(Number(value.split('=')[1]));
    }
    expect(sample(samples, 'redis_errors_total{err="ERR"}')).toBeGreaterThanOrEqual(3);
  });

  it('matches INFO tiers and migration', () => {
    const pairs: Array<[string, string]> = [
      ['tierkv_tier_used_bytes{tier="hot"}', 'hot_used_bytes'],
      ['tierkv_tier_used_bytes{tier="cold"}', 'cold_used_bytes'],
      ['tierkv_tier_capacity_bytes{tier="hot"}', 'hot_capacity_bytes'],
      ['tierkv_tier_capacity_bytes{tier="cold"}', 'cold_capacity_bytes'],
      ['tierkv_tier_keys{tier="hot"}', 'hot_keys'],
      ['tierkv_tier_keys{tier="cold"}', 'cold_keys'],
      ['tierkv_tier_extents{tier="hot"}', 'hot_extents'],
      ['tierkv_tier_hits_total{tier="hot"}', 'tier_hits_hot'],
      ['tierkv_tier_hits_total{tier="cold"}', 'tier_hits_cold'],
      ['tierkv_promotions_total', 'promotions'],
      ['tierkv_demotions_total', 'demotions'],
      ['tierkv_tier_lfu_resets_total', 'tier_counter_resets'],
      ['tierkv_tier_work_slice_duration_seconds_count', 'tier_work_slices'],
      ['tierkv_migrate_prepares_total', 'migrate_prepares'],
      ['tierkv_migrate_dropped_keys_total', 'migrate_dropped_keys'],
      ['tierkv_migrate_freed_bytes_total', 'migrate_freed_bytes'],
      ['tierkv_migrate_timeouts_total', 'migrate_timeouts'],
    ];
    for (const [metric, field] of pairs) expect(sample(samples, metric), `${metric} vs INFO ${field}`).toBe(Number(info[field]));
    expect(sample(samples, 'tierkv_demotions_total')).toBeGreaterThan(0);
    expect(sample(samples, 'tierkv_migrate_dropped_keys_total')).toBeGreaterThan(0);
    expect(Math.abs(sample(samples, 'tierkv_tier_work_slice_duration_seconds_sum') - Number(info['tier_work_total_us']) / 1e6)).toBeLessThanOrEqual(1e-5);
    expect(sample(samples, 'tierkv_migrate_stall_duration_seconds_count')).toBe(1);
    expect(sample(samples, 'tierkv_migrate_stall_duration_seconds_sum')).toBeCloseTo(Number(info['migrate_last_stall_us']) / 1e6, 9);
    expect(sample(samples, 'tierkv_migrate_release_duration_seconds_count')).toBe(1);
    expect(sample(samples, 'tierkv_migration_state{state="none"}')).toBe(1);
    expect(sample(samples, 'tierkv_migration_state{state="prepared"}')).toBe(0);
    // A histogram's +Inf bucket equals its count.
    expect(sample(samples, 'tierkv_tier_work_slice_duration_seconds_bucket{le="+Inf"}')).toBe(
      sample(samples, 'tierkv_tier_work_slice_duration_seconds_count'),
    );
  });

  it('follows the migration state', async () => {
    await c.call('MIGRATE_PREPARE');
    const { samples: during } = parseExposition(await (await fetch(`${srv.base}/metrics`)).text());
    expect(sample(during, 'tierkv_migration_state{state="prepared"}')).toBe(1);
    expect(sample(during, 'tierkv_tier_work_paused')).toBe(1);
    expect(sample(during, 'tierkv_migrate_prepares_total')).toBe(2);
    await c.call('MIGRATE_ABORT');
    const { samples: after } = parseExposition(await (await fetch(`${srv.base}/metrics`)).text());
    expect(sample(after, 'tierkv_migration_state{state="none"}')).toBe(1);
  });
});
