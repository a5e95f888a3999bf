/**
 * Forcing a garbage collection, so that dropped SharedArrayBuffer extents are freed (and their pages returned to
 * the OS) when MIGRATE_PREPARE asks for it rather than whenever V8 next decides to collect.
 *
 * `global.gc` exists only when Node runs with --expose-gc; otherwise the flag is set at run time and the `gc`
 * function taken from a fresh VM context, a documented use of v8.setFlagsFromString.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let gcFn: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/**
 * Bytes of off-heap memory (reply buffers, query buffers, HTTP bodies) dropped since the last forced collection.
 * Whoever drops a large buffer adds its size here with {@link noteReleased}; the cron (server-core.ts) forces a
 * collection once this, with the arena's released extents, passes a threshold, so that the RSS shows the memory
 * freed within a tick or two instead of whenever V8 next collects (its heap stays small, so it rarely does).
 */
let releasedBytes = 0;

/** Records that `bytes` of off-heap memory were dropped (collectable at the next GC). */
export function noteReleased(bytes: number): void {
  releasedBytes += bytes;
}

/** Bytes recorded by {@link noteReleased} since the last {@link takeReleased}; resets the count. */
export function takeReleased(): number {
  const n = releasedBytes;
  releasedBytes = 0;
  return n;
}

/** Runs a full (mark-compact) garbage collection; blocks the event loop for its duration. */
export function forceGc(): void {
  if (gcFn === undefined) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}
