/**
 * How a benchmark records a failed measurement: as printable text in its result (never thrown), so that the other
 * sides still run and the report says what went wrong.
 */
import { progress } from './cli.js';
import { printable } from './exec.js';

/** An error's message (or the thrown value), printable and at most `max` characters, for a result's `error`. */
export function errorText(e: unknown, max = 300): string {
  return printable(e instanceof Error ? e.message : String(e), max);
}

/**
 * Runs `body`; if it throws, the error's text goes to `rec.error` and to the progress output as `${tag}: ERROR …`.
 * `cleanup` (close the client, stop the server) runs in any case, after that.
 */
export async function recordFailure(rec: { error?: string }, tag: string, body: () => Promise<void>, cleanup: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    rec.error = errorText(e);
    progress(`${tag}: ERROR ${rec.error}`);
  } finally {
    await cleanup();
  }
}
