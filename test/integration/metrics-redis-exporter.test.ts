/**
 * redis_exporter itself (Debian package `prometheus-redis-exporter`, or $REDIS_EXPORTER_BIN) scrapes tierkv over
 * RESP as if it were Redis: it reports the target up without a scrape error, and the figures it derives from INFO
 * (keyspace, commandstats, errorstats, memory) equal the ones tierkv's own /metrics exposes under the same names.
 * Skipped with a message when no redis_exporter binary is installed.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpTool } from '../support/http-tool.js';
import { LOOPBACK } from '../support/ports.js';
import { RawClient } from '../support/raw-client.js';
import { OutputTail } from '../support/server-handle.js';
import { startTierkvWithHttp, type ServerHandle } from '../support/tierkv.js';

const CANDIDATES = [process.env['REDIS_EXPORTER_BIN'], 'redis_exporter', 'prometheus-redis-exporter'].filter((b): b is string => !!b);
const EXPORTER = CANDIDATES.find((b) => spawnSync(b, ['--version'], { stdio: 'ignore' }).status === 0);
const MISSING = 'SKIPPED: redis_exporter not found (apt-get install prometheus-redis-exporter, or set REDIS_EXPORTER_BIN)';
if (EXPORTER === undefined) console.warn(`metrics-redis-exporter: ${MISSING}`);

/** Samples of a text exposition keyed `name{labels as printed}`. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    const labelsSorted = line.slice(0, sp).replace(/\{(.*)\}$/, (_m, l: string) => `{${l.split(/,(?=[a-zA-Z_]+=")/).sort().join(',')}}`);
    out.set(labelsSorted, Number(line.slice(sp + 1)));
  }
  return out;
}

describe.skipIf(EXPORTER === undefined)(`redis_exporter scrapes tierkv over RESP ${EXPORTER === undefined ? MISSING : ''}`, () => {
  let srv: { server: ServerHandle; httpPort: number };
  let exporter: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let exporterBase = '';
  const output = new OutputTail();

  beforeAll(async () => {
    srv = await startTierkvWithHttp({ maxmemory: '64mb' });
    const c = await RawClient.connect(srv.server.port);
    await c.pipeline(Array.from({ length: 500 }, (_, i) => ['SET', `key:${i}`, 'value', ...(i < 100 ? ['EX', '100000'] : [])]));
    await c.pipeline(Array.from({ length: 300 }, (_, i) => ['GET', `key:${i}`]));
    await c.call('NOSUCHCOMMAND');
    await c.close();
    const tool = await startHttpTool(
      EXPORTER as string,
      (port) => ['-redis.addr', `redis://${LOOPBACK}:${srv.server.port}`, '-web.listen-address', `${LOOPBACK}:${port}`],
      { readyPath: '/health', readyTimeoutMs: 15_000, output },
    );
    if (tool) {
      exporter = tool.child;
      exited = tool.exited;
      exporterBase = tool.base;
    }
    if (exporter === undefined) throw new Error(`redis_exporter did not start:\n${output.toString()}`);
  });

  afterAll(async () => {
    exporter?.kill('SIGTERM');
    await exited;
    await srv?.server.stop();
  });

  it("reports the same figures as tierkv's /metrics", async () => {
    // The exporter's scrape runs INFO ALL, CONFIG GET and more; read ours right after, then compare what INFO's
    // scrape cannot have changed.
    const viaExporter = parse(await (await fetch(`${exporterBase}/metrics`)).text());
    const own = parse(await (await fetch(`http://${LOOPBACK}:${srv.httpPort}/metrics`)).text());
    expect(viaExporter.get('redis_up'), output.toString()).toBe(1);
    expect(viaExporter.get('redis_exporter_last_scrape_error{err=""}')).toBe(0);
    const same = [
      'redis_db_keys{db="db0"}',
      'redis_db_keys_expiring{db="db0"}',
      'redis_keyspace_hits_total',
      'redis_keyspace_misses_total',
      'redis_expired_keys_total',
      'redis_evicted_keys_total',
      'redis_memory_max_bytes',
      'redis_commands_total{cmd="set"}',
      'redis_commands_total{cmd="get"}',
      'redis_blocked_clients',
    ];
    for (const name of same) {
      expect(viaExporter.get(name), `${name} from redis_exporter`).toBeDefined();
      expect(own.get(name), `${name} from tierkv`).toBe(viaExporter.get(name));
    }
    expect(own.get('redis_db_keys{db="db0"}')).toBe(500);
    expect(own.get('redis_db_keys_expiring{db="db0"}')).toBe(100);
    expect(own.get('redis_keyspace_hits_total')).toBe(300);
    // Errorstats: our NOSUCHCOMMAND; the exporter's own scrape may add more after its INFO (commands tierkv lacks).
    expect(viaExporter.get('redis_errors_total{err="ERR"}')).toBeGreaterThanOrEqual(1);
    expect(own.get('redis_errors_total{err="ERR"}')).toBeGreaterThanOrEqual(viaExporter.get('redis_errors_total{err="ERR"}') ?? 0);
    // Names that redis_exporter derives from INFO and that tierkv's /metrics also has.
    for (const name of ['redis_memory_used_bytes', 'redis_memory_used_rss_bytes', 'redis_connected_clients', 'redis_commands_processed_total', 'redis_uptime_in_seconds']) {
      expect(viaExporter.has(name), `${name} from redis_exporter`).toBe(true);
      expect(own.has(name), `${name} from tierkv`).toBe(true);
    }
  });
});
