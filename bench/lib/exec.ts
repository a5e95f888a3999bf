/**
 * Running helper programs (redis-benchmark, redis-cli, version probes) with bounded time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

/** SIGKILLs every tracked child that is still running (only processes this benchmark started). */
export function killTrackedChildren(): void {
  for (const c of live) {
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  live.clear();
}

/**
 * Remembers `child` until it exits, so that it is killed if this process exits or gets
 * SIGINT/SIGTERM first (servers, redis-benchmark and redis-cli never outlive a benchmark).
 */
export function trackChild(child: ChildProcess): void {
  if (!hooked) {
    hooked = true;
    process.on('exit', killTrackedChildren);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        killTrackedChildren();
        process.exit(sig === 'SIGINT' ? 130 : 143);
      });
    }
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Outcome of one finished program run. */
export interface ExecResult {
  /** Exit code, or null if it was killed by a signal. */
  code: number | null;
  /** Signal that ended it, if any (e.g. 'SIGKILL' after a timeout). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall-clock time from spawn to exit, milliseconds. */
  elapsedMs: number;
  /** True if it was killed because it ran longer than the timeout. */
  timedOut: boolean;
}

/**
 * Runs `file args...` (no shell), collecting stdout/stderr, and kills it with SIGKILL after
 * `timeoutMs` milliseconds. Resolves when it exits; rejects only if it cannot be spawned.
 */
export function execFile(file: string, args: string[], timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: performance.now() - t0, timedOut });
    });
  });
}

/** First line of `file args...`'s output (stdout, else stderr), or "unknown" if it cannot run. */
export function versionLine(file: string, args: string[] = ['--version']): string {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return 'unknown';
  const line = (r.stdout || r.stderr).split('\n')[0]?.trim();
  return line || 'unknown';
}

/** Quotes one word for /bin/sh (single quotes; leaves plain words as they are). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `s` with non-printable characters (error replies may quote binary values) turned into spaces, cut to `max` characters. */
export function printable(s: string, max: number): string {
  const t = s.replace(/[^\x20-\x7e]+/g, ' ');
  return t.length > max ? t.slice(0, max) + '…' : t;
}
