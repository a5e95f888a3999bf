/**
 * Starting and stopping the servers under test (tierkv and redis-server) on free loopback ports.
 *
 * Each server is described by a shell command template; `{port}` in it is replaced by the chosen
 * port (if the template has no `{port}`, ` --port {port}` is appended). The command runs as
 * `/bin/sh -c "exec <command>"`, so the shell is replaced by the server and the child's PID is the
 * server's PID (to set environment variables use `env NAME=value node ...`). For memory readings the
 * PID that owns the listening socket is looked up in /proc as well, so a wrapper still works.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidHoldingSocket } from '../../migration-hook/host-probes.js';
import { shellQuote, trackChild } from './exec.js';
import { processExists } from './proc.js';
import { RespClient, RespError, infoFields } from './resp.js';

/** Repository root (this file is dist/bench/lib/server.js once compiled). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where server logs go (git-ignored). */
export const OUT_DIR = join(REPO_ROOT, 'bench', 'out');

/** Loopback address every server binds/is reached on. Benchmarks never target anything else. */
export const HOST = '127.0.0.1';

/** Which of the two compared servers a spec stands for. */
export type ServerSide = 'tierkv' | 'redis';

/** How to start one server. */
export interface ServerSpec {
  side: ServerSide;
  /** Shell command template; `{port}` is replaced by the port. */
  cmd: string;
  /** True if `cmd` came from a flag or environment variable rather than the default. */
  overridden: boolean;
}

/** Default tierkv command: this repository's compiled server. */
export function defaultTierkvCmd(): string {
  return `${shellQuote(process.execPath)} ${shellQuote(join(REPO_ROOT, 'dist', 'server', 'main.js'))} --port {port} --http-port 0`;
}

/** Default redis-server command: no RDB snapshots, no AOF, loopback only. */
export function defaultRedisCmd(): string {
  return `redis-server --port {port} --bind ${HOST} --save '' --appendonly no`;
}

/**
 * Builds the two specs. Precedence: flag value, then env var (TIERKV_CMD / REDIS_CMD), then default.
 * Example stand-in: `--tierkv-cmd "redis-server --port {port} --save '' --appendonly no"`.
 */
export function serverSpecs(tierkvCmd?: string, redisCmd?: string): { tierkv: ServerSpec; redis: ServerSpec } {
  const t = tierkvCmd ?? process.env['TIERKV_CMD'];
  const r = redisCmd ?? process.env['REDIS_CMD'];
  return {
    tierkv: { side: 'tierkv', cmd: t ?? defaultTierkvCmd(), overridden: t !== undefined },
    redis: { side: 'redis', cmd: r ?? defaultRedisCmd(), overridden: r !== undefined },
  };
}

/** The command line a spec runs with for a given port. */
export function expandCmd(cmd: string, port: number): string {
  const withPort = cmd.includes('{port}') ? cmd : `${cmd} --port {port}`;
  return withPort.replaceAll('{port}', String(port));
}

/** Finds a free TCP port on the loopback interface (bind to port 0, read it back, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
      srv.close(() => resolve(addr.port));
    });
  });
}

/** A started server; `stop()` must be called (also done automatically at process exit). */
export interface RunningServer {
  spec: ServerSpec;
  host: string;
  port: number;
  /** PID to read memory from: the owner of the listening socket, else the spawned child. */
  pid: number;
  /** PID of the spawned child (the server itself unless the command wraps it). */
  childPid: number;
  /** Exact command line run through /bin/sh. */
  commandLine: string;
  /** File holding the server's stdout+stderr. */
  logPath: string;
  /** Start-up time from spawn until PING answered PONG, milliseconds. */
  startupMs: number;
  /** What `INFO server` says it is, e.g. "redis_version=7.0.15" (or "INFO server unavailable"). */
  identity: string;
  /** SIGTERM, wait up to 10 s, then SIGKILL. Idempotent. */
  stop(): Promise<void>;
}

/** Last `maxBytes` bytes of a file, for error messages. */
export function fileTail(path: string, maxBytes = 4000): string {
  try {
    const size = statSync(path).size;
    const text = readFileSync(path, 'utf8');
    return size > maxBytes ? '…' + text.slice(-maxBytes) : text;
  } catch {
    return '';
  }
}

/**
 * Starts a server from `spec` on a free port and waits until it answers PING with PONG.
 * Throws (after killing it) if it exits early or is not ready within `readyTimeoutMs`
 * milliseconds (default 60000); the error includes the tail of its log.
 */
export async function startServer(spec: ServerSpec, readyTimeoutMs = 60_000): Promise<RunningServer> {
  if (!spec.overridden && spec.side === 'tierkv') {
    const main = join(REPO_ROOT, 'dist', 'server', 'main.js');
    if (!existsSync(main)) {
      throw new Error(
        `${main} does not exist: build the server (npx tsc -p tsconfig.json) or pass --tierkv-cmd "<command with {port}>" / TIERKV_CMD`,
      );
    }
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const port = await freePort();
  const commandLine = expandCmd(spec.cmd, port);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const logPath = join(OUT_DIR, `${spec.side}-${port}-${stamp}.log`);
  const logFd = openSync(logPath, 'w');
  const t0 = performance.now();
  const child = spawn('/bin/sh', ['-c', `exec ${commandLine}`], { stdio: ['ignore', logFd, logFd], cwd: REPO_ROOT });
  closeSync(logFd);
  trackChild(child);
  let spawnError: Error | null = null;
  child.once('error', (e) => (spawnError = e));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const killed = await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]);
      if (!killed) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        await exited;
      }
    }
  };

  const deadline = t0 + readyTimeoutMs;
  for (;;) {
    if (spawnError) throw spawnError;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${spec.side} exited (code ${child.exitCode}, signal ${child.signalCode}) before answering PING.\n` +
          `command: ${commandLine}\nlog ${logPath}:\n${fileTail(logPath)}`,
      );
    }
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`${spec.side} did not answer PING within ${readyTimeoutMs} ms.\ncommand: ${commandLine}\nlog ${logPath}:\n${fileTail(logPath)}`);
    }
    if (await pingOnce(HOST, port)) break;
    await delay(50);
  }
  const startupMs = performance.now() - t0;
  const childPid = child.pid!;
  const { identity, processId } = await identify(HOST, port);
  // Prefer the socket owner; then what INFO says; then the child (the server itself thanks to `exec`).
  const pid = listeningPid(port) ?? (processId !== undefined && processExists(processId) ? processId : childPid);
  return { spec, host: HOST, port, pid, childPid, commandLine, logPath, startupMs, identity, stop };
}

/** One connect + PING attempt; true if the reply was PONG. */
async function pingOnce(host: string, port: number): Promise<boolean> {
  let c: RespClient | undefined;
  try {
    c = await RespClient.connect(host, port, 1000);
    const r = await c.send(['PING'], 1000);
    return r === 'PONG' || (Buffer.isBuffer(r) && r.toString() === 'PONG');
  } catch {
    return false;
  } finally {
    c?.close();
  }
}

/** Reads `INFO server` for a one-line identity and the reported process_id (if any). */
async function identify(host: string, port: number): Promise<{ identity: string; processId?: number }> {
  let c: RespClient | undefined;
  try {
    c = await RespClient.connect(host, port);
    const f = await infoFields(c, 'server');
    const keys = Object.keys(f).filter((k) => /(^|_)version$/.test(k) && !k.startsWith('gcc'));
    const identity = keys.length ? keys.map((k) => `${k}=${f[k]}`).join(', ') : 'INFO server has no *_version field';
    const pidField = f['process_id'];
    return { identity, ...(pidField !== undefined ? { processId: Number(pidField) } : {}) };
  } catch (e) {
    return { identity: `INFO server unavailable (${e instanceof RespError ? e.message : String(e)})` };
  } finally {
    c?.close();
  }
}

/**
 * PID of the process holding a TCP socket in LISTEN state on `port` (IPv4 or IPv6), found via
 * /proc/net/tcp{,6} and /proc/PID/fd; undefined if not found (e.g. no permission to read fds).
 */
export function listeningPid(port: number): number | undefined {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const local = cols[1]!;
      if (local.endsWith(`:${hexPort}`) && cols[3] === '0A') inodes.add(cols[9]!);
    }
  }
  if (inodes.size === 0) return undefined;
  return pidHoldingSocket(inodes) ?? undefined;
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
