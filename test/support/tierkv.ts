/**
 * Starts tierkv for tests, with the same {@link ServerHandle} shape as redis-server.ts:
 *
 * - {@link startTierkvInProcess}: imports `server/net/server.ts` (the lead's `startServer`) into the test worker.
 * - {@link startTierkvProcess}: runs the built server `node dist/server/main.js [config] --port N --name value`
 *   as a child process (needs `npm run build`; `npm test` builds first) and captures its output.
 * - {@link startTarget}: what suites that "test tierkv" call. Chosen by the environment variable TIERKV_TARGET:
 *     unset or `inprocess` → tierkv in-process;  `process` → tierkv child process;
 *     `redis` → a real redis-server instead (to self-check suites and helpers against the reference).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort, LOOPBACK } from './ports.js';
import { answersPing, killOnExit, startRedisServer, stopChild, watchChild } from './redis-server.js';
import { sleep } from './wait.js';
import { OutputTail, type ServerHandle, type ServerKind, type ServerParams, paramsToArgv } from './server-handle.js';

export type { ServerHandle, ServerParams } from './server-handle.js';

/** The repository root: the nearest ancestor of this file holding tierkv's package.json (works from dist/ too). */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tierkv') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('tierkv repository root not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** Repository root. */
export const REPO_ROOT = findRepoRoot();
/** The built server entry point run by {@link startTierkvProcess}. */
export const TIERKV_MAIN = path.join(REPO_ROOT, 'dist', 'server', 'main.js');

/** The server object returned by the lead's `startServer` (server/net/server.ts). */
export interface TierkvServer {
  port: number;
  host: string;
  close(): Promise<void>;
}
type StartServer = (params?: Record<string, string>) => Promise<TierkvServer>;

/** Which server suites that target tierkv use; see the module comment. */
export type TargetMode = 'inprocess' | 'process' | 'redis';

/**
 * The target mode from $TIERKV_TARGET.
 * @throws Error for an unknown value (listing the allowed ones).
 */
export function targetMode(): TargetMode {
  const v = (process.env['TIERKV_TARGET'] ?? 'inprocess').trim().toLowerCase();
  if (v === '' || v === 'inprocess' || v === 'in-process') return 'inprocess';
  if (v === 'process' || v === 'redis') return v;
  throw new Error(`TIERKV_TARGET=${v} is not one of: inprocess (default), process, redis`);
}

/** A label for suite names, e.g. "tierkv (in-process)" or "redis-server (TIERKV_TARGET=redis)". */
export function targetLabel(mode: TargetMode = targetMode()): string {
  switch (mode) {
    case 'inprocess':
      return 'tierkv (in-process)';
    case 'process':
      return 'tierkv (child process)';
    case 'redis':
      return 'redis-server (TIERKV_TARGET=redis)';
  }
}

/**
 * Starts the server under test as chosen by $TIERKV_TARGET (default: tierkv in-process).
 * @param params config parameters by Redis name (`{ maxmemory: '2mb', requirepass: 'pw' }`).
 */
export function startTarget(params: ServerParams = {}, mode: TargetMode = targetMode()): Promise<ServerHandle> {
  switch (mode) {
    case 'inprocess':
      return startTierkvInProcess(params);
    case 'process':
      return startTierkvProcess(params);
    case 'redis':
      return startRedisServer(params);
  }
}

let startServerFn: StartServer | undefined;

async function loadStartServer(): Promise<StartServer> {
  if (startServerFn) return startServerFn;
  // A non-literal specifier so that typechecking does not depend on the server existing yet.
  const specifier: string = '../../server/net/server.js';
  let mod: { startServer?: unknown };
  try {
    mod = (await import(specifier)) as { startServer?: unknown };
  } catch (err) {
    throw new Error(
      `tierkv: cannot import server/net/server.ts (the tierkv server): ${(err as Error).message}\n` +
        'Set TIERKV_TARGET=redis to run this suite against redis-server instead.',
      { cause: err },
    );
  }
  if (typeof mod.startServer !== 'function') {
    throw new Error('tierkv: server/net/server.ts does not export a function startServer(params)');
  }
  startServerFn = mod.startServer as StartServer;
  return startServerFn;
}

/**
 * Starts tierkv inside the test worker via `startServer({ port: '0', ...params })`.
 * @throws Error if server/net/server.ts cannot be imported, or startServer rejects, or the server does not answer
 *   PING within 10 s.
 */
export async function startTierkvInProcess(params: ServerParams = {}): Promise<ServerHandle> {
  const startServer = await loadStartServer();
  const server = await startServer({ port: '0', ...params });
  if (!Number.isInteger(server.port) || server.port <= 0) {
    await server.close();
    throw new Error(`tierkv: startServer returned an invalid port ${String(server.port)}`);
  }
  let stopped: Promise<void> | undefined;
  let closing = false;
  const host = connectableHost(server.host);
  const handle: ServerHandle = {
    kind: 'tierkv-inprocess',
    host,
    port: server.port,
    params: { ...params },
    output: () => '',
    alive: () => !closing,
    stop: () => {
      closing = true;
      return (stopped ??= server.close());
    },
  };
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(server.port, host))) {
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`tierkv (in-process) on ${host}:${server.port} did not answer PING within 10 s`);
    }
    await sleep(25);
  }
  return handle;
}

/** Maps a listening address to one a client can connect to (wildcards → 127.0.0.1). */
function connectableHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::' || host === 'localhost') return LOOPBACK;
  return host;
}

/** Options for {@link startTierkvProcess}. */
export interface TierkvProcessOptions {
  /** A config file path passed as the first argument. */
  configFile?: string;
  /** How long to wait for "Ready to accept connections" and a PING answer, in ms (default 15000). */
  startTimeoutMs?: number;
  /** Extra environment variables for the child. */
  env?: Record<string, string>;
  /**
   * Leave `http-port` at the bin's default (`auto` = port + 1000) instead of passing `--http-port 0`, to test
   * what a user who gives only `--port` gets (default false).
   */
  httpDefault?: boolean;
}

/**
 * Runs `node dist/server/main.js [configFile] --port <free> --name value ...` and resolves once it printed a
 * line containing "Ready to accept connections" and answers PING on 127.0.0.1:<port>.
 * @throws Error (with the child's output) if dist/server/main.js is missing (run `npm run build`), the child
 *   exits during start-up, or start-up takes longer than the timeout. "Address already in use" is retried with
 *   other ports (5 tries).
 */
export async function startTierkvProcess(
  params: ServerParams = {},
  options: TierkvProcessOptions = {},
): Promise<ServerHandle> {
  if (!existsSync(TIERKV_MAIN)) {
    throw new Error(`tierkv: ${TIERKV_MAIN} not found; run \`npm run build\` first (npm test does it in pretest)`);
  }
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = params['port'] !== undefined ? Number(params['port']) : await getFreePort();
    try {
      return await startProcessOnce(port, params, options);
    } catch (err) {
      lastError = err as Error;
      if (params['port'] !== undefined || !/EADDRINUSE|address already in use/i.test(lastError.message)) {
        throw lastError;
      }
    }
  }
  throw lastError ?? new Error('startTierkvProcess: failed');
}

async function startProcessOnce(
  port: number,
  params: ServerParams,
  options: TierkvProcessOptions,
): Promise<ServerHandle> {
  const { port: _ignored, ...rest } = params;
  const argv = [
    TIERKV_MAIN,
    ...(options.configFile ? [options.configFile] : []),
    '--port',
    String(port),
    // The HTTP listener (default: port + 1000) is off unless a test asks for it or for the bin's default
    // (options.httpDefault), so that a test server never takes a port another test picked as free.
    ...paramsToArgv(options.httpDefault ? rest : { 'http-port': '0', ...rest }),
  ];
  const output = new OutputTail();
  const child: ChildProcess = spawn(process.execPath, argv, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  killOnExit(child);
  let ready = false;
  const { exited, hasExited } = watchChild(child, output, () => {
    if (!ready && output.toString().includes('Ready to accept connections')) ready = true;
  });
  let stopped: Promise<void> | undefined;
  const kind: ServerKind = 'tierkv-process';
  const handle: ServerHandle = {
    kind,
    host: LOOPBACK,
    port,
    params: { ...rest },
    output: () => output.toString(),
    alive: () => !hasExited(),
    stop: () => (stopped ??= stopChild(child, exited, hasExited)),
  };
  const timeoutMs = options.startTimeoutMs ?? 15_000;
  // The ready line is logged at notice level: with `loglevel warning` (or `nothing`) only PING tells.
  if (['warning', 'nothing'].includes(rest['loglevel'] ?? '')) ready = true;
  const deadline = Date.now() + timeoutMs;
  const fail = async (why: string): Promise<never> => {
    await handle.stop();
    throw new Error(
      `tierkv (child process) on port ${port} ${why}\ncommand: node ${argv.join(' ')}\noutput:\n${output.toString()}`,
    );
  };
  for (;;) {
    if (hasExited()) {
      return fail(`exited during start-up (code ${String(child.exitCode)}, signal ${String(child.signalCode)})`);
    }
    if (Date.now() > deadline) {
      return fail(
        ready
          ? `printed "Ready to accept connections" but did not answer PING within ${timeoutMs} ms`
          : `did not print "Ready to accept connections" within ${timeoutMs} ms`,
      );
    }
    if (ready && (await answersPing(port))) return handle;
    await sleep(25);
  }
}

/** A tierkv with its HTTP listener on. */
export interface TierkvWithHttp {
  server: ServerHandle;
  httpPort: number;
  /** `http://127.0.0.1:<httpPort>` */
  base: string;
}

/**
 * Starts the tierkv under test ($TIERKV_TARGET: `process` → child process, else in-process) with its HTTP
 * listener on a free port, retrying (5 tries) when another process took the port first.
 */
export async function startTierkvWithHttp(params: ServerParams = {}): Promise<TierkvWithHttp> {
  let last: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const httpPort = await getFreePort();
    const p = { ...params, 'http-port': String(httpPort) };
    try {
      const server = targetMode() === 'process' ? await startTierkvProcess(p) : await startTierkvInProcess(p);
      return { server, httpPort, base: `http://${LOOPBACK}:${httpPort}` };
    } catch (e) {
      last = e;
      if (!/EADDRINUSE|address already in use/i.test(String((e as Error).message))) throw e;
    }
  }
  throw last;
}
