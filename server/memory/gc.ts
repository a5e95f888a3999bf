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

/**
 * Bytes read from client sockets since the last forced collection. Each read is a Buffer of its own that becomes
 * garbage once parsed; V8 collects such buffers late when its heap is small, so after a bulk load (a pipeline of
 * millions of commands) the process keeps up to hundreds of MiB of them. The cron forces a collection once enough
 * was read and the input has gone quiet (server-core.ts `cron`), never in the middle of a load.
 */
let inputBytes = 0;

/** Records `bytes` read from a client socket. */
export function noteInput(bytes: number): void {
  inputBytes += bytes;
}

/** Bytes recorded by {@link noteInput} since the last {@link takeInput}. */
export function inputSince(): number {
  return inputBytes;
}

/** Resets the count of {@link noteInput}. */
export function takeInput(): void {
  inputBytes = 0;
}

/** Runs a full (mark-compact) garbage collection; blocks the event loop for its duration. */
export function forceGc(): void {
  if (gcFn === undefined) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}
