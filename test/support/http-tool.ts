/**
 * Helper programs a suite runs beside tierkv that serve HTTP themselves (prometheus, redis_exporter): started on a
 * free loopback port and ready once a URL of theirs answers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { getFreePort, LOOPBACK } from './ports.js';
import { watchChild } from './redis-server.js';
import type { OutputTail } from './server-handle.js';
import { sleep } from './wait.js';

/** A helper program that answers HTTP. */
export interface HttpTool {
  child: ChildProcess;
  /** Resolves once it has exited. */
  exited: Promise<void>;
  /** `http://127.0.0.1:<port>` */
  base: string;
}

export interface HttpToolOptions {
  /** The path that answers 2xx once the program is ready, e.g. `/-/ready`. */
  readyPath: string;
  readyTimeoutMs: number;
  /** Where its stdout and stderr go (all tries). */
  output: OutputTail;
  /** After a try that did not get ready, whether to try again on another port (default: yes; 3 tries at most). */
  retry?: (output: string) => boolean;
}

/**
 * Starts `bin` with `args(port, attempt)` on a free loopback port and waits until GET `readyPath` answers.
 * @returns the running program, or undefined when no try got ready (each one was killed).
 */
export async function startHttpTool(bin: string, args: (port: number, attempt: number) => string[], o: HttpToolOptions): Promise<HttpTool | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await getFreePort();
    const child = spawn(bin, args(port, attempt), { stdio: ['ignore', 'pipe', 'pipe'] });
    const { exited, hasExited } = watchChild(child, o.output);
    const base = `http://${LOOPBACK}:${port}`;
    const deadline = Date.now() + o.readyTimeoutMs;
    let ready = false;
    while (!hasExited() && !ready && Date.now() < deadline) {
      ready = await fetch(`${base}${o.readyPath}`).then((r) => r.ok, () => false);
      if (!ready) await sleep(100);
    }
    if (ready) return { child, exited, base };
    child.kill('SIGKILL');
    await exited;
    if (o.retry && !o.retry(o.output.toString())) break;
  }
  return undefined;
}
