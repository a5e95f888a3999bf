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

/** Runs a full (mark-compact) garbage collection; blocks the event loop for its duration. */
export function forceGc(): void {
  if (gcFn === undefined) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}
