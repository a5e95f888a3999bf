/**
 * Small helpers shared by the benchmark entry points: "is this module the main script" (and run it),
 * parseArgs definitions, number-list and memory-amount parsing, progress lines, and the exact command line for
 * the record.
 */
import { realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from './exec.js';
import { REPO_ROOT } from './server.js';

/** node:util parseArgs definitions of options that each take a value (`--name VALUE`), in the order given. */
export function stringOptions<const K extends string>(...names: K[]): { [P in K]: { type: 'string' } } {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as { [P in K]: { type: 'string' } };
}

/** Runs `main` when the module with this `import.meta.url` is the script node was started with; a failure prints its message and exits 1. */
export function runIfMain(metaUrl: string, main: () => Promise<void>): void {
  if (!isMain(metaUrl)) return;
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}

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
 * Parses a Redis memory amount (`1gb`, `512mb`, `100000`; k = 1000, kb = 1024, m = 10^6, mb = 2^20, g = 10^9,
 * gb = 2^30) into bytes; throws on anything else.
 */
export function parseMemoryAmount(s: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(b|k|kb|m|mb|g|gb)?$/i.exec(s.trim());
  const units: Record<string, number> = { b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  if (!m) throw new Error(`${what}: expected auto or a memory amount like 1gb, 512mb, 100000; got ${JSON.stringify(s)}`);
  return Math.floor(Number(m[1]) * units[(m[2] ?? 'b').toLowerCase()]!);
}

/** A maxmemory flag's value: undefined for `auto`, else the amount as given (a Redis amount, checked). */
export function maxmemoryOption(s: string, what: string): string | undefined {
  if (s === 'auto') return undefined;
  parseMemoryAmount(s, what);
  return s;
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
