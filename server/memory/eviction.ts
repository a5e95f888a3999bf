/**
 * maxmemory enforcement: Redis's approximated eviction (src/evict.c performEvictions), on tierkv's keyspace.
 *
 * Each round samples `maxmemory-samples` random index entries (for volatile-* policies only entries with the
 * TTL flag count) and evicts the best candidate: the lowest access counter (lfu), the oldest access time (lru),
 * the nearest expire time (ttl) or any (random). Rounds repeat until used memory is under `maxmemory` or a time
 * budget runs out (Redis bounds this to 500 µs by default, maxmemory-eviction-tenacity 10); a command that needs
 * memory is refused with -OOM when the limit cannot be reached. Items of the cold tier are preferred over hot ones
 * (a cold candidate wins over any hot one), so with two tiers the least-used cold items go first.
 */
import { TIER_COLD, TIER_HOT } from '../../allocator/arena.js';
import { NOT_FOUND, TTL_BIT } from '../keyspace/hash-index.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { NOTIFY_EVICTED } from '../pubsub/notify-flags.js';

/** Time budget of one eviction run, ms. */
const EVICTION_BUDGET_MS = 0.5;

/** performEvictions results, as Redis's EVICT_OK, EVICT_RUNNING and EVICT_FAIL (src/evict.c). */
export const EVICT_OK = 0;
export const EVICT_RUNNING = 1;
export const EVICT_FAIL = 2;

/**
 * True when memory is over the limit: used memory plus `extra` (the arguments of the command about to run, which
 * Redis counts too, as its query buffers) over maxmemory; or, when hotLimit ≥ 0 (migration mode), the hot tier plus
 * `extra` over hotLimit.
 */
function over(ks: Keyspace, maxmemory: number, hotLimit: number, extra: number): boolean {
  return hotLimit >= 0 ? ks.arena.tierUsed[TIER_HOT] + extra > hotLimit : ks.usedMemory() + extra > maxmemory;
}

/**
 * Evicts until memory is within the limit or the time budget is spent (Redis performEvictions).
 * @param ks the keyspace
 * @param maxmemory limit in bytes (> 0)
 * @param policy maxmemory-policy
 * @param samples maxmemory-samples
 * @param hotLimit -1 normally; in migration mode the hot tier's capacity (bytes), which is then the limit
 *   (nothing may be demoted, so a full hot tier means memory is full)
 * @param extra bytes the command about to run brings (its arguments), counted as used
 * @returns EVICT_OK (within the limit), EVICT_RUNNING (still over when the budget ran out: the caller lets the
 *   command run and continues evicting in the background, as Redis's eviction time proc does) or EVICT_FAIL
 *   (over, and nothing can be evicted: noeviction, or no candidate left) — only then are commands refused.
 */
export function performEvictions(
  ks: Keyspace,
  maxmemory: number,
  policy: string,
  samples: number,
  hotLimit = -1,
  extra = 0,
): number {
  if (!over(ks, maxmemory, hotLimit, extra)) return EVICT_OK;
  if (policy === 'noeviction') return EVICT_FAIL;
  const volatile = policy.startsWith('volatile-');
  const kind = policy.slice(policy.indexOf('-') + 1);
  const deadline = performance.now() + EVICTION_BUDGET_MS;
  let rounds = 0;
  while (over(ks, maxmemory, hotLimit, extra)) {
    if (!evictOne(ks, volatile, kind, samples)) return EVICT_FAIL;
    if ((++rounds & 15) === 0 && performance.now() >= deadline) return over(ks, maxmemory, hotLimit, extra) ? EVICT_RUNNING : EVICT_OK;
  }
  return EVICT_OK;
}

/** Evicts one key chosen by sampling; false when no candidate was found. */
function evictOne(ks: Keyspace, volatile: boolean, kind: string, samples: number): boolean {
  const index = ks.index;
  let bestAddr = 0;
  let bestScore = Infinity;
  let bestCold = false;
  const nowSec = ks.now / 1000;
  const tries = samples * 4;
  let taken = 0;
  for (let t = 0; t < tries && taken < samples; t++) {
    const slot = index.randomSlot();
    if (slot === NOT_FOUND) break;
    if (volatile && (index.hashWordAt(slot) & TTL_BIT) === 0) continue;
    if (!ks.loadSlot(slot)) {
      // An entry of a dropped extent: remove it now.
      ks.removeDeadSlot(slot);
      continue;
    }
    taken++;
    const cold = ks.ext.tier === TIER_COLD;
    let score: number;
    if (kind === 'lfu') score = ks.lfu();
    else if (kind === 'lru') score = -(nowSec - ks.atime());
    else if (kind === 'ttl') score = ks.expireAt();
    else score = Math.random();
    if ((cold && !bestCold) || (cold === bestCold && score < bestScore)) {
      bestAddr = ks.addr;
      bestScore = score;
      bestCold = cold;
    }
  }
  if (bestAddr === 0) return false;
  // Re-find the chosen item by its key (slots may have moved while sampling removed dead entries).
  if (!ks.findItemAt(bestAddr)) return false;
  evictCurrent(ks);
  return true;
}

/**
 * Evicts the keyspace's current item as every eviction does: the key is removed (its WATCHers are told through
 * the keyspace's `onRemove` hook, as for any removal) and counted in `evicted_keys`. Requires a valid `slot`.
 * Used by sampling eviction here and by the page mover (page-mover.ts).
 */
export function evictCurrent(ks: Keyspace): void {
  if ((ks.events.flags & NOTIFY_EVICTED) !== 0) ks.events.emit(NOTIFY_EVICTED, 'evicted', ks.ext.u8, ks.keyOff(), ks.keyLen());
  ks.removeCurrent();
  ks.stats.evicted++;
}

/**
 * True when `policy` lets the server evict the current item: any key under allkeys-*, only keys with a TTL under
 * volatile-* (Redis evicts only from the expires dict then), none under noeviction.
 */
export function mayEvict(policy: string, hasTtl: boolean): boolean {
  if (policy.startsWith('allkeys-')) return true;
  return hasTtl && policy.startsWith('volatile-');
}
