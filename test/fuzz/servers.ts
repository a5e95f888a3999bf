/**
 * The two servers a fuzz run compares: redis-server 7.0 (Debian's, `--databases 1`, the reference) and tierkv,
 * either as a child process (`node dist/server/main.js`, the default: a crash is seen as a dead process) or in the
 * calling process (`startServer`, for vitest).
 *
 * Three variants: `plain` (no maxmemory on either side), `tiered` (the same maxmemory on both, and on tierkv a hot
 * tier of about a hundred bytes so that most keys are demoted to the cold tier and MIGRATE_PREPARE has keys to
 * drop; the small data of a fuzz run never comes near maxmemory, so neither side evicts) and `auth` (requirepass
 * on both: NOAUTH, AUTH and HELLO AUTH, the unauthenticated request limits).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort, LOOPBACK } from '../support/ports.js';
import { answersPing, killOnExit, sleep, startRedisServer, stopChild } from '../support/redis-server.js';
import { OutputTail, paramsToArgv, type ServerHandle } from '../support/server-handle.js';

/** Server configurations of a fuzz run. */
export type Variant = 'plain' | 'tiered' | 'auth';
/** Where tierkv runs. */
export type TierkvMode = 'process' | 'inprocess';

/** A running pair. */
export interface Pair {
  variant: Variant;
  tierkv: ServerHandle;
  redis: ServerHandle;
  /** True while tierkv's child process (or in-process server) is alive. */
  tierkvAlive(): boolean;
  /** requirepass of both servers ('' when none). */
  password?: string;
  stop(): Promise<void>;
}

/**
 * Parameters both servers get in every variant, so that CONFIG GET compares equal: `loglevel warning` (tierkv's
 * in-process `startServer` defaults to it to keep test output quiet; redis-server's default is `notice`).
 */
const COMMON_PARAMS: Readonly<Record<string, string>> = { loglevel: 'warning' };
/** tierkv's parameters per variant. */
export const TIERKV_PARAMS: Readonly<Record<Variant, Record<string, string>>> = {
  plain: { ...COMMON_PARAMS },
  tiered: { ...COMMON_PARAMS, maxmemory: '64mb', 'hot-ratio': '0.000002', 'maxmemory-policy': 'noeviction' },
  auth: { ...COMMON_PARAMS, requirepass: 'pw' },
};
/** redis-server's parameters per variant. */
export const REDIS_PARAMS: Readonly<Record<Variant, Record<string, string>>> = {
  plain: { ...COMMON_PARAMS, databases: '1' },
  tiered: { ...COMMON_PARAMS, databases: '1', maxmemory: '64mb', 'maxmemory-policy': 'noeviction' },
  auth: { ...COMMON_PARAMS, databases: '1', requirepass: 'pw' },
};

/** The repository root: the nearest ancestor of this file holding tierkv's package.json (works from dist/ too). */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tierkv') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('tierkv repository root not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/**
 * Starts redis-server and tierkv for `variant`.
 * @throws Error when either does not start (redis-server missing, dist/ not built, ...)
 */
export async function startPair(variant: Variant, mode: TierkvMode = 'process'): Promise<Pair> {
  const redis = await startRedisServer(REDIS_PARAMS[variant]);
  let tierkv: ServerHandle & { alive(): boolean };
  try {
    tierkv = mode === 'process' ? await startTierkvChild(TIERKV_PARAMS[variant]) : await startTierkvHere(TIERKV_PARAMS[variant]);
  } catch (e) {
    await redis.stop();
    throw e;
  }
  return {
    variant,
    tierkv,
    redis,
    password: TIERKV_PARAMS[variant]['requirepass'] ?? '',
    tierkvAlive: () => tierkv.alive(),
    stop: async () => {
      await Promise.all([tierkv.stop(), redis.stop()]);
    },
  };
}

async function startTierkvHere(params: Record<string, string>): Promise<ServerHandle & { alive(): boolean }> {
  const specifier: string = '../../server/server.js';
  const mod = (await import(specifier)) as { startServer: (p: Record<string, string>) => Promise<{ port: number; close(): Promise<void> }> };
  const srv = await mod.startServer({ port: '0', ...params });
  let stopped = false;
  return {
    kind: 'tierkv-inprocess',
    host: LOOPBACK,
    port: srv.port,
    params,
    output: () => '',
    alive: () => !stopped,
    stop: async () => {
      stopped = true;
      await srv.close();
    },
  };
}

/**
 * Runs `node dist/server/main.js --port <free> ...` and waits until it answers PING.
 * @throws Error with its output when it exits or does not answer within 15 s
 */
export async function startTierkvChild(params: Record<string, string>): Promise<ServerHandle & { alive(): boolean }> {
  const main = path.join(repoRoot(), 'dist', 'server', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} not found: run \`npx tsc -p tsconfig.json\` first`);
  const port = await getFreePort();
  const argv = [main, '--port', String(port), ...paramsToArgv({ 'http-port': '0', ...params })];
  const output = new OutputTail();
  const child: ChildProcess = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  child.stdout!.on('data', (c: Buffer) => output.append(c));
  child.stderr!.on('data', (c: Buffer) => output.append(c));
  let exited = false;
  const exitP = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const handle = {
    kind: 'tierkv-process' as const,
    host: LOOPBACK,
    port,
    params,
    output: () => output.toString(),
    alive: () => !exited,
    stop: () => stopChild(child, exitP, () => exited),
  };
  const deadline = Date.now() + 15_000;
  while (!(await answersPing(port))) {
    if (exited || Date.now() > deadline) {
      await handle.stop();
      throw new Error(`tierkv did not start: node ${argv.join(' ')}\n${output.toString()}`);
    }
    await sleep(25);
  }
  return handle;
}
