/**
 * A real Prometheus (Debian package `prometheus`) scrapes a tierkv's /metrics: the test writes a config with a
 * 1 s scrape interval for the tierkv target, starts Prometheus on a free port with its storage in a temp dir, waits
 * for a scrape and asks Prometheus's HTTP API for `up` and for tierkv metrics with known values. Skipped with a
 * message when the prometheus binary is missing or cannot run here.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpTool } from '../support/http-tool.js';
import { LOOPBACK } from '../support/ports.js';
import { RawClient } from '../support/raw-client.js';
import { OutputTail } from '../support/server-handle.js';
import { startTierkvWithHttp, type ServerHandle } from '../support/tierkv.js';
import { sleep } from '../support/wait.js';

const PROMETHEUS = process.env['PROMETHEUS_BIN'] ?? 'prometheus';
const HAVE_PROMETHEUS = spawnSync(PROMETHEUS, ['--version'], { stdio: 'ignore' }).status === 0;
const MISSING = 'SKIPPED: prometheus not found (apt-get install prometheus, or set PROMETHEUS_BIN)';
if (!HAVE_PROMETHEUS) console.warn(`metrics-prometheus: ${MISSING}`);

interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** Runs an instant query against Prometheus's HTTP API (/api/v1/query). */
async function query(promBase: string, q: string): Promise<PromResult[]> {
  const r = await fetch(`${promBase}/api/v1/query?query=${encodeURIComponent(q)}`);
  const j = (await r.json()) as { status: string; data?: { result: PromResult[] }; error?: string };
  if (j.status !== 'success') throw new Error(`prometheus query ${q} failed: ${j.error ?? r.status}`);
  return j.data?.result ?? [];
}

describe.skipIf(!HAVE_PROMETHEUS)(`Prometheus scrapes tierkv ${HAVE_PROMETHEUS ? '' : MISSING}`, () => {
  let srv: { server: ServerHandle; httpPort: number };
  let prom: ChildProcess | undefined;
  let promExited: Promise<void> = Promise.resolve();
  let promBase = '';
  const output = new OutputTail();
  let dir = '';
  let cannotRun = '';

  beforeAll(async () => {
    srv = await startTierkvWithHttp({ maxmemory: '64mb' });
    const c = await RawClient.connect(srv.server.port);
    await c.pipeline(Array.from({ length: 1234 }, (_, i) => ['SET', `key:${i}`, 'value']));
    await c.close();

    dir = mkdtempSync(path.join(os.tmpdir(), 'tierkv-prom-'));
    const config = path.join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: tierkv',
        '    static_configs:',
        `      - targets: ['${LOOPBACK}:${srv.httpPort}']`,
        '',
      ].join('\n'),
    );
    const tool = await startHttpTool(
      PROMETHEUS,
      (port, attempt) => [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(dir, `data${attempt}`)}`,
        `--web.listen-address=${LOOPBACK}:${port}`,
        '--log.level=warn',
      ],
      { readyPath: '/-/ready', readyTimeoutMs: 30_000, output, retry: (out) => /address already in use/i.test(out) },
    );
    if (tool) {
      prom = tool.child;
      promExited = tool.exited;
      promBase = tool.base;
    }
    if (prom === undefined) cannotRun = `prometheus could not start here:\n${output.toString()}`;
  });

  afterAll(async () => {
    if (prom !== undefined) {
      prom.kill('SIGTERM');
      const killer = setTimeout(() => prom?.kill('SIGKILL'), 10_000);
      await promExited;
      clearTimeout(killer);
    }
    await srv?.server.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('sees the target up and reads tierkv metrics through its query API', async (ctx) => {
    if (cannotRun !== '') {
      console.warn(`metrics-prometheus: SKIPPED: ${cannotRun}`);
      ctx.skip(cannotRun);
    }
    // Wait for a successful scrape (up == 1) of the tierkv target.
    const deadline = Date.now() + 45_000;
    let up: PromResult[] = [];
    while (Date.now() < deadline) {
      up = await query(promBase, 'up{job="tierkv"}');
      if (up.length > 0 && up[0].value[1] === '1') break;
      await sleep(250);
    }
    expect(up.length, `no successful scrape; prometheus output:\n${output.toString()}`).toBe(1);
    expect(up[0].value[1]).toBe('1');
    expect(up[0].metric['instance']).toBe(`${LOOPBACK}:${srv.httpPort}`);

    const keys = await query(promBase, 'redis_db_keys{job="tierkv",db="db0"}');
    expect(keys.map((r) => r.value[1])).toEqual(['1234']);
    const hot = await query(promBase, 'tierkv_tier_keys{job="tierkv",tier="hot"}');
    expect(hot.map((r) => r.value[1])).toEqual(['1234']);
    const state = await query(promBase, 'tierkv_migration_state{job="tierkv"} == 1');
    expect(state.map((r) => r.metric['state'])).toEqual(['none']);
    const sets = await query(promBase, 'redis_commands_total{job="tierkv",cmd="set"}');
    expect(sets.map((r) => r.value[1])).toEqual(['1234']);
    // Prometheus's own view of the scrape: samples and no lint trouble reported for the target.
    const samples = await query(promBase, 'scrape_samples_scraped{job="tierkv"}');
    expect(Number(samples[0]?.value[1])).toBeGreaterThan(100);
  });
});
