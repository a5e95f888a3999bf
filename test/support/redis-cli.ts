/**
 * Runs redis-cli (from redis-tools, or $REDIS_CLI_BIN) against a test server and captures its output.
 * Use hasRedisCli() from redis-server.ts to skip suites when the binary is absent.
 */
import { spawn } from 'node:child_process';
import { REDIS_CLI_BIN } from './redis-server.js';
import type { ServerHandle } from './server-handle.js';

/** What a redis-cli run produced. stdout is kept as bytes (binary values); `out` is it as UTF-8 text. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  out: string;
  stderr: string;
}

/** Options for {@link runCli}. */
export interface CliOptions {
  /** Bytes written to stdin, then stdin is closed (no stdin at all if omitted: an empty, closed stdin). */
  input?: Buffer | string;
  /** Extra environment (e.g. REDISCLI_AUTH). */
  env?: Record<string, string>;
  /** Kill redis-cli after this many ms (default 60000); the result then has signal SIGKILL. */
  timeoutMs?: number;
}

/**
 * Runs `redis-cli -h <host> -p <port> ...args`. redis-cli's stdout is a pipe, so it prints in --raw style unless
 * `--no-raw` is passed.
 * @returns exit code/signal and output; never rejects for a non-zero exit (assert on `code`).
 * @throws Error if redis-cli cannot be started.
 */
export function runCli(server: ServerHandle, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(REDIS_CLI_BIN, ['-h', server.host, '-p', String(server.port), ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`redis-cli could not be started (${REDIS_CLI_BIN}): ${e.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      resolve({ code, signal, stdout, out: stdout.toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {
      /* redis-cli may exit before reading all input; the result shows why */
    });
    child.stdin.end(options.input ?? '');
  });
}
