/**
 * Transactions: the MULTI queue and WATCH, the state behind MULTI EXEC DISCARD WATCH UNWATCH (Redis's src/multi.c;
 * the commands themselves are in commands/transactions.ts, dispatch's part in core/server-core.ts `execute`).
 *
 * - Between MULTI and EXEC, dispatch queues each command here (`queue`: a copy of its arguments, as the parser's
 *   buffer is reused) and answers +QUEUED; EXEC runs the queue back to back. A command refused while queueing
 *   marks the client `multiDirty`: EXEC answers -EXECABORT.
 * - WATCH is optimistic locking: a map from each WATCHed key to the clients watching it, and keyspace hooks
 *   (`onWrite`, `onRemove`) installed only while some key is WATCHed, so a server without WATCH pays nothing per
 *   write. A write, deletion, expiry, eviction, FLUSHALL or MIGRATE_PREPARE drop of a WATCHed key marks its
 *   watchers `watchDirty`: their EXEC answers a null array. A key WATCHed while already expired whose deletion is
 *   only that expiry is no change (Redis 7.0 watchForKey / isWatchedKeyExpired).
 * Costs: O(1) per write of a key while WATCHes exist (one Map lookup of the key as a latin1 string); O(WATCHed
 * keys) before a flush or a drop.
 */
import { copyArgv, type Argv } from '../../protocol/argv.js';
import type { ReplyWriter } from '../../protocol/reply-writer.js';
import type { Client } from '../core/client.js';
import type { Keyspace } from '../keyspace/keyspace.js';

/** Commands that run at once even inside MULTI (Redis processCommand's exceptions). */
export const MULTI_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Commands a transaction in progress never refuses for lack of memory (Redis processCommand's exceptions). */
export const MULTI_OOM_EXEMPT = new Set(['exec', 'discard', 'quit', 'reset']);

/** The transaction state of a server: its MULTI queues live on the clients, its WATCHes here. */
export class Transactions {
  /** WATCHed keys (latin1 strings) → the clients watching them. */
  readonly watchers = new Map<string, Set<Client>>();

  constructor(
    private readonly ks: Keyspace,
    private readonly writer: ReplyWriter,
  ) {}

  /**
   * Queues a command of a transaction: a copy of its arguments; replies +QUEUED.
   * @param denyOom the command may add memory (EXEC will then be refused when out of memory)
   */
  queue(c: Client, argv: Argv, denyOom: boolean): void {
    if (denyOom) c.multiDenyOom = true;
    (c.multi as Argv[]).push(copyArgv(argv));
    this.writer.simple('QUEUED');
  }

  /** Ends `c`'s transaction without running it, and its WATCHes (a refused EXEC: src/multi.c execCommandAbort). */
  abort(c: Client): void {
    c.multi = null;
    c.multiDirty = false;
    c.multiDenyOom = false;
    this.unwatchAll(c);
  }

  /**
   * Adds a WATCH of `key` by `c` (Redis watchForKey), remembering whether the key is there but already expired:
   * its deletion by expiry is then no change.
   */
  watch(c: Client, key: string): void {
    if (c.watched === null) c.watched = new Map();
    if (c.watched.has(key)) return;
    const ks = this.ks;
    const b = Buffer.from(key, 'latin1');
    c.watched.set(key, ks.find(b, 0, b.length) && ks.isExpired());
    let set = this.watchers.get(key);
    if (set === undefined) this.watchers.set(key, (set = new Set()));
    set.add(c);
    ks.onRemove = this.watchRemoveHook;
    ks.onWrite = this.watchWriteHook;
  }

  /** Forgets every WATCH of `c` (EXEC, DISCARD, UNWATCH, disconnection). */
  unwatchAll(c: Client): void {
    c.watchDirty = false;
    if (c.watched === null) return;
    for (const key of c.watched.keys()) {
      const set = this.watchers.get(key);
      if (set === undefined) continue;
      set.delete(c);
      if (set.size === 0) this.watchers.delete(key);
    }
    c.watched = null;
    if (this.watchers.size === 0) {
      this.ks.onRemove = null;
      this.ks.onWrite = null;
    }
  }

  /**
   * A WATCHed `key` (bytes) was written (`removed` false) or deleted (true): its watchers are dirty (Redis
   * touchWatchedKey), except those that WATCHed it already expired when it is deleted now, which is no change.
   */
  private touchKey(b: Uint8Array, o: number, l: number, removed: boolean): void {
    const key = Buffer.from(b.buffer, b.byteOffset + o, l).toString('latin1');
    const set = this.watchers.get(key);
    if (set === undefined) return;
    for (const w of set) {
      if (removed && w.watched?.get(key) === true) {
        w.watched.set(key, false);
        continue;
      }
      w.watchDirty = true;
    }
  }

  /**
   * Before keys go away without being named — FLUSHALL/FLUSHDB (`tier` -1: all keys), MIGRATE_PREPARE (the cold
   * tier's) — the WATCHed keys among them count as deleted (Redis touchAllWatchedKeysInDb; a drop is a DEL).
   * O(number of WATCHed keys).
   */
  touchWatchedBeforeRemoval(tier: number): void {
    if (this.watchers.size === 0) return;
    const ks = this.ks;
    for (const key of this.watchers.keys()) {
      const b = Buffer.from(key, 'latin1');
      if (ks.find(b, 0, b.length) && (tier < 0 || ks.ext.tier === tier)) this.touchKey(b, 0, b.length, true);
    }
  }

  /** True when a key `c` WATCHes has expired since it was WATCHed (Redis isWatchedKeyExpired, checked by EXEC). */
  watchedKeyExpired(c: Client): boolean {
    if (c.watched === null) return false;
    const ks = this.ks;
    for (const [key, expiredAtWatch] of c.watched) {
      if (expiredAtWatch) continue;
      const b = Buffer.from(key, 'latin1');
      if (ks.find(b, 0, b.length) && ks.isExpired()) return true;
    }
    return false;
  }

  /** Keyspace hooks while WATCHes exist: keys written, or removed (deleted, expired, evicted). */
  private readonly watchRemoveHook = (b: Uint8Array, o: number, l: number): void => this.touchKey(b, o, l, true);
  private readonly watchWriteHook = (b: Uint8Array, o: number, l: number): void => this.touchKey(b, o, l, false);
}
