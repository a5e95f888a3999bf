/**
 * Small helpers shared by the benchmark entry points: "is this module the main script",
 * number-list parsing, and the exact command line for the record.
 */
import { realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from './exec.js';
import { REPO_ROOT } from './server.js';

/** True if the module with this `import.meta.url` is the script node was started with. */
export function isMain(metaUrl: string): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(metaUrl));
  } catch {
    return false;
  }
}

/** Parses "1,16" into [1, 16]; throws on anything that is not a positive integer. */
export function parseIntList(s: string, what: string): number[] {
  const xs = s.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x <= 0)) throw new Error(`${what}: expected positive integers like 1,16, got ${JSON.stringify(s)}`);
  return xs;
}

/** Parses a positive integer option (accepts 1_000_000 and 1e6 forms). */
export function parsePositiveInt(s: string, what: string): number {
  const n = Number(s.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what}: expected a positive integer, got ${JSON.stringify(s)}`);
  return n;
}

/** Parses a non-negative integer option. */
export function parseNonNegativeInt(s: string, what: string): number {
  const n = Number(s.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what}: expected an integer ≥ 0, got ${JSON.stringify(s)}`);
  return n;
}

/**
 * The command that is running, as it could be typed again from the repository root:
 * relevant environment variables, `node <script relative to the repo> <args>`; and, when started
 * through `npm run <script>`, the npm form too.
 */
export function invocation(): string {
  const env = ['TIERKV_CMD', 'REDIS_CMD']
    .filter((k) => process.env[k] !== undefined)
    .map((k) => `${k}=${shellQuote(process.env[k]!)} `)
    .join('');
  const script = process.argv[1] ? relative(REPO_ROOT, process.argv[1]) : '?';
  const args = process.argv.slice(2).map(shellQuote).join(' ');
  const direct = `${env}node ${script}${args ? ' ' + args : ''}`;
  const npmScript = process.env['npm_lifecycle_event'];
  return npmScript ? `${env}npm run ${npmScript}${args ? ' -- ' + args : ''}   (i.e. ${direct})` : direct;
}

/** Prints a progress line to stderr (tables go to stdout). */
export function progress(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

/** Runs a benchmark's `main` when its file is the entry point; an error prints its stack and exits with 1. */
export function runMain(metaUrl: string, main: () => Promise<void>): void {
  if (!isMain(metaUrl)) return;
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
