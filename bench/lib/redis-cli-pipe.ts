/**
 * Loading a server the fast way: a stream of RESP commands piped into `redis-cli --pipe` (what the benchmarks use
 * to load millions of keys into tierkv and redis-server alike).
 */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { printable, trackChild } from './exec.js';
import { HOST } from './server.js';

/** Outcome of one `redis-cli --pipe` run. */
export interface PipeResult {
  /** From spawn to exit, ms. */
  ms: number;
  replies: number;
  errors: number;
  output: string;
}

/**
 * Streams `chunks` into `redis-cli -h 127.0.0.1 -p PORT --pipe` (with backpressure) and parses its
 * "errors: E, replies: R" summary. Throws when redis-cli fails or prints no summary; kills it after `timeoutS`.
 */
export async function redisCliPipe(port: number, chunks: Iterable<Buffer>, timeoutS: number): Promise<PipeResult> {
  const t0 = performance.now();
  const child = spawn('redis-cli', ['-h', HOST, '-p', String(port), '--pipe'], { stdio: ['pipe', 'pipe', 'pipe'] });
  trackChild(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
  try {
    await pipeline(Readable.from(chunks), child.stdin).catch((e: unknown) => {
      output += `\n(stdin: ${String(e)})`;
    });
    const code = await closed;
    const ms = performance.now() - t0;
    const m = /errors:\s*(\d+),\s*replies:\s*(\d+)/.exec(output);
    if (code !== 0 || !m) {
      const hint = /ECHO/.test(output) ? ' (redis-cli --pipe ends with an ECHO: the server must implement it)' : '';
      throw new Error(`redis-cli --pipe failed (exit ${code})${hint}: ${printable(output.trim(), 300)}`);
    }
    return { ms, errors: Number(m[1]), replies: Number(m[2]), output };
  } finally {
    clearTimeout(timer);
  }
}
