/**
 * Forcing a garbage collection, so that dropped SharedArrayBuffer extents are freed (and their pages returned to
 * the OS) when MIGRATE_PREPARE asks for it rather than whenever V8 next decides to collect; and the policy that
 * collects once the clients went quiet, so that V8 gives back the young generation a burst of commands grew
 * (IdleCollector).
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

/**
 * Bytes V8 has committed for its young generation (`new_space`: both semispaces; 1 MiB once shrunk, up to 32 MiB).
 * Allocates a few objects (v8.getHeapSpaceStatistics): not for the hot path.
 */
export function youngGenerationBytes(): number {
  for (const sp of v8.getHeapSpaceStatistics()) if (sp.space_name === 'new_space') return sp.space_size;
  return 0;
}

/** Quiet time (ms) before the first collection of a quiet spell (see IdleCollector). */
export const IDLE_GC_MS = 8000;
/** Time (ms) between the collections of one quiet spell. */
export const IDLE_GC_RETRY_MS = 2000;
/** Most collections per quiet spell. */
export const IDLE_GC_TRIES = 3;
/** A young generation of at most this many committed bytes has nothing worth a collection to give back. */
export const YOUNG_SHRUNK_BYTES = 2 << 20;

/**
 * When the clients have been quiet for IDLE_GC_MS and V8's young generation is bigger than YOUNG_SHRUNK_BYTES, says to
 * collect, which gives that memory back; again IDLE_GC_RETRY_MS later while it is still big, at most IDLE_GC_TRIES
 * times per quiet spell. The cron (server-core.ts) asks at every tick.
 *
 * Why: commands grow the young generation (semispaces up to 16 MiB each) and touch all of its pages. V8 shrinks it
 * only in a collection that finds the recent allocation rate low (Heap::ReduceNewSpaceSize; measured on Node 20: a
 * collection 6 s after the last allocations kept it, one 8 s after shrank it to 1 MiB, and how recent "recent" is
 * depends on when the collection before ran, hence the retries), and V8's own memory reducer starts only after a full
 * collection, which commands that each leave a few small objects never cause. Loading a 10M-element list left 10 MB
 * of RSS in young-generation pages; a fresh server holds ~10 MB it gives back at its first quiet spell. Each
 * collection blocks the event loop for ~10 ms, while no client sends anything. Giving memory back once a burst is over
 * is jemalloc's decay (dirty pages purged after `dirty_decay_ms`, 10 s).
 */
export class IdleCollector {
  /** Wall-clock ms of the last tick with client input, or of the start. */
  private inputAt: number;
  /** Collections said in the current quiet spell (IDLE_GC_TRIES once the young generation was found small). */
  private tries = 0;
  /** Wall-clock ms of the last of them. */
  private lastAt = -Infinity;

  /**
   * @param now wall-clock ms of the start (a start is a burst: the first quiet spell counts)
   * @param youngBytes the young generation's committed bytes (injectable for tests)
   */
  constructor(now: number, private readonly youngBytes: () => number = youngGenerationBytes) {
    this.inputAt = now;
  }

  /**
   * One cron tick at wall-clock ms `now`; `quiet`: no client input since the previous tick.
   * @returns true when the caller should collect now
   */
  tick(now: number, quiet: boolean): boolean {
    if (!quiet) {
      this.inputAt = now;
      this.tries = 0;
      return false;
    }
    if (this.tries >= IDLE_GC_TRIES || now - this.inputAt < IDLE_GC_MS || now - this.lastAt < IDLE_GC_RETRY_MS) return false;
    if (this.youngBytes() <= YOUNG_SHRUNK_BYTES) {
      this.tries = IDLE_GC_TRIES;
      return false;
    }
    this.tries++;
    this.lastAt = now;
    return true;
  }
}
