/** Test parameters from the environment. */

/**
 * The non-negative integer in $name, or `fallback` when unset or empty.
 * @throws Error when it is set to anything else
 */
export function intEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name}=${v} is not a non-negative integer`);
  return n;
}
