/** Waiting in tests: a plain sleep, and polling a condition until it holds. */

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `cond` every `intervalMs` until it returns true or `timeoutMs` have passed.
 * @returns true as soon as `cond` does; false when it still does not after the timeout
 */
export async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > end) return false;
    await sleep(intervalMs);
  }
}

/**
 * Like {@link waitFor}, but fails.
 * @throws Error "timed out waiting for <what>" when `cond` is still false after `timeoutMs`
 */
export async function waitUntil(cond: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  if (!(await waitFor(cond, timeoutMs, intervalMs))) throw new Error(`timed out waiting for ${what}`);
}
