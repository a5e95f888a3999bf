/**
 * Starts and stops real redis-server processes (the reference implementation) on free loopback ports.
 *
 *   describe.skipIf(!hasRedisServer())('... (needs redis-server)', () => {
 *     let redis: ServerHandle;
 *     beforeAll(async () => { redis = await startRedisServer({ maxmemory: '2mb' }); });
 *     afterAll(() => redis?.stop());
 *   });
 *
 * Each server runs with `--save '' --appendonly no --daemonize no`, bound to 127.0.0.1, in its own temporary
 * working directory, logging to stdout (captured for failure messages). It never uses port 6379 unless the
 * kernel hands that out as a free port. The binary is `redis-server` from PATH, or $REDIS_SERVER_BIN.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFreePort, LOOPBACK } from './ports.js';
import { RawClient } from './raw-client.js';
import { OutputTail, type ServerHandle, type ServerParams, paramsToArgv } from './server-handle.js';
import { sleep } from './wait.js';

/** Path or name of the redis-server binary. */
export const REDIS_SERVER_BIN = process.env['REDIS_SERVER_BIN'] ?? 'redis-server';
/** Path or name of the redis-cli binary. */
export const REDIS_CLI_BIN = process.env['REDIS_CLI_BIN'] ?? 'redis-cli';

const versionCache = new Map<string, string | null>();

/** First line of `<bin> --version`, or null if the binary cannot be run. Cached per binary. */
export function binaryVersion(bin: string): string | null {
  if (!versionCache.has(bin)) {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    versionCache.set(bin, r.status === 0 && !r.error ? (r.stdout.split('\n')[0] ?? '').trim() : null);
  }
  return versionCache.get(bin) ?? null;
}

/** True if redis-server can be run. Use as `describe.skipIf(!hasRedisServer())(...)`. */
export function hasRedisServer(): boolean {
  return binaryVersion(REDIS_SERVER_BIN) !== null;
}

/** True if redis-cli can be run. */
export function hasRedisCli(): boolean {
  return binaryVersion(REDIS_CLI_BIN) !== null;
}

/** Text for skipped suites' names: explains what is missing and how to get it. */
export const MISSING_REDIS_SERVER =
  'SKIPPED: redis-server not found (apt-get install redis-server, or set REDIS_SERVER_BIN)';
export const MISSING_REDIS_CLI = 'SKIPPED: redis-cli not found (apt-get install redis-tools, or set REDIS_CLI_BIN)';

// Children still running when the test worker exits are killed, so no server outlives its test run.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
/** Registers a child process to be SIGKILLed if the current process exits while it still runs. */
export function killOnExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

/**
 * Collects a child's stdout and stderr into `output` (then calls `onData`) and follows its end: `exited` resolves
 * once it has exited or could not be spawned (the spawn error goes to `output`); `hasExited()` says whether it has.
 */
export function watchChild(child: ChildProcess, output: OutputTail, onData?: () => void): { exited: Promise<void>; hasExited: () => boolean } {
  const append = (c: Buffer): void => {
    output.append(c);
    onData?.();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      gone = true;
      resolve();
    });
    child.once('error', (err) => {
      output.append(`\n[spawn error] ${err.message}\n`);
      gone = true;
      resolve();
    });
  });
  return { exited, hasExited: () => gone };
}

/** Options for {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Extra raw argv appended after the params (e.g. `['--loglevel', 'debug']`). */
  extraArgs?: string[];
  /** How long to wait for the server to answer PING, in ms (default 15000). */
  startTimeoutMs?: number;
  /** Port to use instead of a free one (no retry on "address in use"); `params.port` (unless '0') does the same. */
  port?: number;
}

/**
 * Starts redis-server on a free port and resolves once it answers PING (a `+PONG`, or `-NOAUTH` when
 * requirepass is set).
 *
 * @param params config parameters by Redis name, e.g. `{ maxmemory: '2mb', 'maxmemory-policy': 'noeviction',
 *   requirepass: 'pw' }`; passed as `--name value`.
 * @throws Error (with the server's output) if the binary is missing, the server exits during start-up, or it
 *   does not answer within the start timeout. "Address already in use" is retried with other ports (5 tries).
 */
export async function startRedisServer(
  params: ServerParams = {},
  options: RedisServerOptions = {},
): Promise<ServerHandle> {
  if (!hasRedisServer()) throw new Error(MISSING_REDIS_SERVER);
  const { port: portParam, ...rest } = params;
  const fixedPort = options.port ?? (portParam !== undefined && portParam !== '0' ? Number(portParam) : undefined);
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = fixedPort ?? (await getFreePort());
    try {
      return await startOnce(port, rest, options);
    } catch (err) {
      lastError = err as Error;
      if (fixedPort !== undefined || !/address already in use/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error('startRedisServer: failed');
}

async function startOnce(port: number, params: ServerParams, options: RedisServerOptions): Promise<ServerHandle> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tierkv-redis-'));
  const argv = [
    '--port',
    String(port),
    '--bind',
    LOOPBACK,
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    '--dir',
    dir,
    '--logfile',
    '',
    ...paramsToArgv(params),
    ...(options.extraArgs ?? []),
  ];
  const output = new OutputTail();
  const child = spawn(REDIS_SERVER_BIN, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  const { exited, hasExited } = watchChild(child, output);

  let stopped: Promise<void> | undefined;
  const handle: ServerHandle = {
    kind: 'redis',
    host: LOOPBACK,
    port,
    params: { ...params },
    output: () => output.toString(),
    alive: () => !hasExited(),
    stop: () => {
      stopped ??= (async () => {
        await stopChild(child, exited, hasExited);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };

  const timeoutMs = options.startTimeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  const describeFailure = (why: string): Error =>
    new Error(`redis-server on port ${port} ${why}\nargv: ${argv.join(' ')}\noutput:\n${output.toString()}`);
  for (;;) {
    if (hasExited()) {
      await handle.stop();
      throw describeFailure(`exited during start-up (code ${String(child.exitCode)})`);
    }
    if (Date.now() > deadline) {
      await handle.stop();
      throw describeFailure(`did not answer PING within ${timeoutMs} ms`);
    }
    if (await answersPing(port)) return handle;
    await sleep(25);
  }
}

/**
 * True if a RESP server on 127.0.0.1:port answers PING with +PONG (or -NOAUTH / -LOADING, which also prove it
 * is up and speaking RESP). Never throws.
 */
export async function answersPing(port: number, host: string = LOOPBACK): Promise<boolean> {
  let client: RawClient | undefined;
  try {
    client = await RawClient.connect(port, { host, connectTimeoutMs: 1000, readTimeoutMs: 1000 });
    const reply = (await client.command('PING')).toString('latin1');
    return reply === '+PONG\r\n' || reply.startsWith('-NOAUTH') || reply.startsWith('-LOADING');
  } catch {
    return false;
  } finally {
    client?.destroy();
  }
}

/**
 * Sends SIGTERM, waits up to `graceMs` for the exit, then SIGKILL and waits again. Resolves once the process
 * has exited.
 */
export async function stopChild(
  child: ChildProcess,
  exited: Promise<void>,
  hasExited: () => boolean,
  graceMs = 5000,
): Promise<void> {
  if (hasExited() || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}
