/**
 * Clients blocked on keys: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP (and, plugged in the same way, the sorted sets'
 * BZPOPMIN BZPOPMAX BZMPOP), as Redis 7.0's src/blocked.c (blockForKeys, signalKeyAsReady,
 * handleClientsBlockedOnKeys, unblockClientWaitingData) and src/timeout.c (the timeout table) do it. It lives in
 * core/ next to client-pause.ts because it is the same kind of state — clients whose command completes later, resumed
 * by the core — and because the core drives it after every command; handlers reach it as `ctx.server.blocking`.
 *
 * The algorithm:
 * - A handler that finds none of its keys ready calls `block`: one waiter record (the client, a copy of its
 *   arguments, the argument index of each key, a `BlockKind`, its deadline) is appended to a FIFO queue per key (a
 *   client blocked on N keys is in N queues) and to the timeout heap; the client is blocked (`CommandServices.block`:
 *   its later pipelined commands stay buffered). A handler that may not block (inside MULTI/EXEC, or an HTTP pseudo
 *   client; Redis's CLIENT_DENY_BLOCKING) answers as the non-blocking command would (`mayBlock`).
 * - Readiness: while someone waits on a key of a type, the keyspace tells us of every key created or overwritten
 *   with a value of that type (`Keyspace.onAdd`, Redis's signalKeyAsReady from dbAdd); a waited-on key is appended
 *   once to the ready list. A list or sorted set never exists empty, so a key that has waiters can only become
 *   servable by being created: pushes onto an existing list need no signal (as in Redis).
 * - Serving (`serveReady`, Redis 7.0 handleClientsBlockedOnKeys): after each command run by dispatch (an EXEC as a
 *   whole, not its queued commands) and after each timeout/unblock round, for each ready key in signal order, its
 *   waiters in blocking order: each is served while the *live* key exists with the waiter's type (a waiter of another
 *   type is skipped), until the key is gone. So a client blocked on several keys is served by the first of them to
 *   be signalled (Redis 7.0; Redis 7.2 re-runs the command instead and would take its first key in argument order).
 *   A key deleted, expired, evicted, dropped by MIGRATE_PREPARE or overwritten with another type before its turn
 *   serves nobody: the waiters keep waiting, as nothing is read but the keyspace at serve time. Serving a waiter runs
 *   its kind's `serve` with a second CommandContext whose argv is the waiter's copy and whose reply writer is a
 *   private one: it pops, fires the keyspace events (`lpop`/`rpop`, `del`...), and for BLMOVE pushes onto the
 *   destination — whose creation signals it ready in turn, so the loop repeats until no key is ready. The reply
 *   bytes are copied out, and the client is resumed on the next tick (its reply first, then its buffered commands),
 *   since the shared reply writer is busy with the batch of the client whose command made the key ready.
 * - Timeouts: a binary min-heap of waiters by deadline (O(log n) insert and removal, each waiter knowing its heap
 *   slot) and one Node timer armed at the earliest deadline (re-armed only when an earlier one arrives), so a
 *   waiter times out within a timer tick of its deadline, not at the next cron. The reply is a null array (RESP3 `_`),
 *   Redis's replyToBlockedClientTimedOut.
 * - A waiter leaves every queue and the heap when served, timed out, unblocked (CLIENT UNBLOCK) or disconnected;
 *   queues drop dead entries lazily (a removed waiter is marked, the queue compacted when half of it is dead).
 *
 * Plugging a type in (BZPOPMIN...): define a `BlockKind` with `type` (the item type that serves it) and a `serve`
 * that pops from the key at the given argument index and writes the reply (keys: `waiter.argv`; per-waiter numbers:
 * `from`, `to`, `count`), and call `block(ctx, kind, firstKeyArg, lastKeyArg, deadline, from, to, count)` where the
 * command finds nothing (after `mayBlock`; the deadline from commands/blocking-lists.ts `argTimeout`). Redis 7.0's per-type serve functions (serveClientsBlockedOnListKey / ...SortedSetKey) are this.
 *
 * Costs: nothing per command while nobody waits (one length test after each command); per blocked command, the
 * waiter record, a copy of its arguments and one string per key (the queue map's key).
 */
import { copyArgv, type Argv } from '../../protocol/argv.js';
import type { ReplySink, ReplyWriter } from '../../protocol/reply-writer.js';
import type { Client } from './client.js';

/** setTimeout's longest delay, ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Item types are 3 bits (allocator/item.ts). */
const TYPES = 8;

/**
 * What serving needs of a command context: commands/context.ts `CommandContext` has it all (not imported here, so
 * that no import cycle joins this file, context.ts and types.ts). Its `reply` is the serving writer, not dispatch's.
 */
export interface ServeContext {
  client: Client;
  argv: Argv;
  cmd: unknown;
  readonly reply: ReplyWriter;
  readonly ks: { now: number; lookup(b: Uint8Array, o: number, l: number): boolean; type(): number; releaseKeyRef(): void };
}

/** How waiters of one command family are served (one shared object per command, never per waiter). */
export interface BlockKind {
  /** The item type whose keys serve this kind (TYPE_LIST; a sorted set type for BZPOPMIN...). */
  readonly type: number;
  /**
   * Serves waiter `w` from its key at argument `keyArg` of `w.argv` (`ctx.argv`): the key exists, has `type`, and is
   * the keyspace's current item (looked up without statistics). Pops, writes the waiter's reply with `ctx.reply`
   * (its protocol), fires the keyspace events, deletes an emptied key. May reply an error (BLMOVE's WRONGTYPE
   * destination) without popping; the waiter is unblocked either way.
   */
  serve(ctx: ServeContext, w: Waiter, keyArg: number): void;
}

/** One blocked client: its record in every queue of its keys and in the timeout heap. */
export class Waiter {
  /** Deadline, ms since the epoch; 0: none. */
  deadline = 0;
  /** Slot in the timeout heap, -1 when not in it. */
  heapPos = -1;
  /** False once served, timed out, unblocked or disconnected (its queue entries are then dead). */
  live = true;
  /** Order of blocking (ties of equal deadlines time out in blocking order). */
  seq = 0;
  /** How long the command ran before it blocked, µs (its slow-log duration, with the serving, once served). */
  blockedUs = 0;
  constructor(
    readonly c: Client,
    readonly kind: BlockKind,
    /** A copy of the command's arguments (the parser's buffer is reused). */
    readonly argv: Argv,
    /** The queues the waiter is in, and the argument index of each queue's key. */
    readonly queues: KeyQueue[],
    readonly keyArgs: number[],
    /** The command, for its statistics (failed_calls when unblocked with an error; the slow log when served). */
    readonly cmd: { failedCalls: number; readonly fullName: string; readonly skipSlowlog: boolean },
    /** Per-kind numbers: the end to pop from (lists: 1 head, 0 tail), the end to push to (BLMOVE), a count (-1: none). */
    readonly from: number,
    readonly to: number,
    readonly count: number,
  ) {}
}

/** The waiters of one key, in blocking order; dead entries are skipped and compacted away lazily. */
class KeyQueue {
  waiters: Waiter[] = [];
  live = 0;
  constructor(
    readonly name: string,
    /** The key's bytes (for keyspace lookups). */
    readonly key: Buffer,
  ) {}
}

/** What the blocking state needs from the server (ServerCore implements it). */
export interface BlockingHost {
  /** The reply writer and context used to serve waiters (not dispatch's: that one is batching another client). */
  readonly serveCtx: ServeContext;
  /** Blocks / resumes a client (ServerCore block/unblock). */
  block(c: Client): void;
  unblock(c: Client, reply: (w: ReplyWriter) => void): void;
  /** Counts an error reply (INFO errorstats). */
  countError(code: string): void;
  /** Answers, with `w`, a command `name` that threw (ServerCore.replyToException). */
  replyToException(w: ReplyWriter, e: unknown, name: string): void;
  /**
   * A served waiter's command took `us` µs in all (before it blocked and while served): the slow log, as Redis 7.0
   * logs a blocked command only when it is served (updateStatsOnUnblock), after the command that served it.
   */
  logServed(w: Waiter, us: number): void;
  /** Installs or removes the keyspace's key-creation hook. */
  setAddHook(hook: ((b: Uint8Array, o: number, l: number, type: number) => void) | null): void;
}

/** Collects a served waiter's reply bytes (a copy: the writer's pool is reused). */
class CopySink implements ReplySink {
  parts: Buffer[] = [];
  readonly writableLength = 0;
  write(b: Buffer, cb?: () => void): boolean {
    this.parts.push(Buffer.from(b));
    if (cb !== undefined) cb();
    return true;
  }
}

const nullArrayReply = (w: ReplyWriter): void => w.nullArray();
const UNBLOCKED_ERROR = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';
const unblockedErrorReply = (w: ReplyWriter): void => w.error(UNBLOCKED_ERROR);

/** The server's clients blocked on keys. */
export class BlockingKeys {
  /** Blocked clients → their waiter. */
  private readonly waiters = new Map<Client, Waiter>();
  /** Key (latin1 string of its bytes) → its waiters. */
  private readonly queues = new Map<string, KeyQueue>();
  /** Waiters by item type they wait for (Redis blocked_clients_by_type): readiness is checked only for those. */
  private readonly byType = new Int32Array(TYPES);
  /** Ready keys in signal order, and the same as a set (Redis server.ready_keys and db->ready_keys). */
  private ready: KeyQueue[] = [];
  private readonly readySet = new Set<KeyQueue>();
  /** The timeout heap (min deadline first). */
  private readonly heap: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Deadline the timer is armed for (Infinity: none). */
  private timerAt = Infinity;
  private seq = 0;
  /** Served or unblocked clients to resume on the next tick, with their reply. */
  private resumeList: { c: Client; reply: (w: ReplyWriter) => void }[] = [];
  private readonly sink = new CopySink();
  private serving = false;

  constructor(private readonly host: BlockingHost) {}

  /** Clients blocked on keys (INFO blocked_clients, with CLIENT PAUSE's). */
  get count(): number {
    return this.waiters.size;
  }

  /** Blocked clients with a timeout (INFO clients_in_timeout_table). */
  get withTimeout(): number {
    return this.heap.length;
  }

  /** True when `c` is blocked on keys (CLIENT UNBLOCK's target). */
  isBlocked(c: Client): boolean {
    return this.waiters.has(c);
  }

  /**
   * Whether `c` may block (Redis: not CLIENT_DENY_BLOCKING): not inside EXEC, not an HTTP pseudo client. A handler
   * that may not block answers as its non-blocking form would (a nil).
   */
  mayBlock(c: Client): boolean {
    return c.execCount < 0 && c.multi === null && c.canWait && c.socket !== null;
  }

  /**
   * Blocks the current command's client (Redis blockForKeys) on the keys at the arguments `firstArg`..`lastArg` of
   * `ctx.argv` (a key given twice counts once) until one of them is served, `deadline` passes (ms since the epoch;
   * 0: never), CLIENT UNBLOCK, or a disconnection. The caller has checked `mayBlock` and writes no reply.
   * @param from,to,count numbers the kind's `serve` reads back from the waiter
   */
  block(ctx: ServeContext, kind: BlockKind, firstArg: number, lastArg: number, deadline: number, from: number, to: number, count: number): void {
    const c = ctx.client;
    const argv = copyArgv(ctx.argv);
    const queues: KeyQueue[] = [];
    const args: number[] = [];
    const w = new Waiter(c, kind, argv, queues, args, ctx.cmd as Waiter['cmd'], from, to, count);
    for (let i = firstArg; i <= lastArg; i++) {
      const name = argv.buf.toString('latin1', argv.argOff[i], argv.argOff[i] + argv.argLen[i]);
      let q = this.queues.get(name);
      if (q === undefined) {
        q = new KeyQueue(name, Buffer.from(name, 'latin1'));
        this.queues.set(name, q);
      } else if (queues.includes(q)) continue;
      q.waiters.push(w);
      q.live++;
      queues.push(q);
      args.push(i);
    }
    w.seq = this.seq++;
    this.waiters.set(c, w);
    this.byType[kind.type]++;
    if (this.waiters.size === 1) this.host.setAddHook(this.onAdd);
    if (deadline > 0) {
      w.deadline = deadline;
      this.heapPush(w);
      if (deadline < this.timerAt) this.arm(deadline);
    }
    this.host.block(c);
  }

  /**
   * The keyspace's hook: a key was created or overwritten with a value of `type` (Redis signalKeyAsReady, called by
   * dbAdd). Queues the key once when someone waits on it for that type.
   */
  private readonly onAdd = (b: Uint8Array, o: number, l: number, type: number): void => {
    if (this.byType[type] === 0) return;
    const q = this.queues.get(Buffer.from(b.buffer, b.byteOffset + o, l).toString('latin1'));
    if (q === undefined || this.readySet.has(q)) return;
    this.readySet.add(q);
    this.ready.push(q);
  };

  /**
   * Records how long `c`'s command ran before it blocked on keys (µs; see Waiter.blockedUs).
   * @returns false when `c` is not blocked on keys
   */
  noteBlockedUs(c: Client, us: number): boolean {
    const w = this.waiters.get(c);
    if (w === undefined) return false;
    w.blockedUs = us;
    return true;
  }

  /** True when keys were signalled ready since the last `serveReady`. */
  hasReady(): boolean {
    return this.ready.length !== 0;
  }

  /**
   * Serves the waiters of the ready keys (Redis 7.0 handleClientsBlockedOnKeys): rounds until no key is ready (a
   * served BLMOVE can make its destination ready). Called by dispatch after a command, outside EXEC's queue.
   */
  serveReady(): void {
    if (this.serving) return;
    this.serving = true;
    const ctx = this.host.serveCtx;
    const ks = ctx.ks;
    try {
      while (this.ready.length !== 0) {
        const round = this.ready;
        this.ready = [];
        for (let i = 0; i < round.length; i++) {
          const q = round[i]!;
          // Out of the set first: serving this key may signal it again (BLMOVE onto itself re-creating it).
          this.readySet.delete(q);
          ks.now = Date.now();
          this.serveKey(ctx, q);
        }
      }
    } finally {
      this.serving = false;
    }
  }

  /** Serves the waiters of one key in blocking order while the live key holds data of their type. */
  private serveKey(ctx: ServeContext, q: KeyQueue): void {
    const ks = ctx.ks;
    const key = q.key;
    const list = q.waiters;
    for (let i = 0; i < list.length; i++) {
      const w = list[i]!;
      if (!w.live) continue;
      if (w.c.closing) {
        this.remove(w);
        continue;
      }
      // The live keyspace, now: nothing of what the key held when it was signalled is used.
      if (!ks.lookup(key, 0, key.length)) return;
      if (ks.type() !== w.kind.type) continue;
      let k = 0;
      while (w.queues[k] !== q) k++;
      this.remove(w);
      const writer = ctx.reply;
      writer.proto = w.c.proto;
      writer.begin();
      const errors = writer.errors;
      ctx.client = w.c;
      ctx.argv = w.argv;
      ctx.cmd = w.cmd;
      const t0 = performance.now();
      try {
        w.kind.serve(ctx, w, w.keyArgs[k]!);
      } catch (e) {
        // As a command that throws (ServerCore.execute): its partial reply dropped, the error answered; the waiter is
        // unblocked with it. (BLMOVE pushes onto its destination before it pops: a full arena loses no element.)
        writer.begin();
        this.host.replyToException(writer, e, w.cmd.fullName);
      }
      ks.releaseKeyRef();
      this.host.logServed(w, w.blockedUs + (performance.now() - t0) * 1000);
      if (writer.errors !== errors) {
        w.cmd.failedCalls++;
        const e = writer.lastError;
        const sp = e.indexOf(' ');
        this.host.countError(sp > 0 ? e.slice(0, sp) : e);
      }
      const sink = this.sink;
      sink.parts = [];
      writer.flushTo(sink);
      const bytes = sink.parts.length === 1 ? sink.parts[0]! : Buffer.concat(sink.parts);
      sink.parts = [];
      this.resumeLater(w.c, (out) => out.raw(bytes));
    }
  }

  /**
   * CLIENT UNBLOCK: ends `c`'s wait as a timeout (a null array) or with `-UNBLOCKED ...` (`error`).
   * @returns false when `c` is not blocked on keys (CLIENT PAUSE and MIGRATE_PREPARE waits are not ended)
   */
  unblockClient(c: Client, error: boolean): boolean {
    const w = this.waiters.get(c);
    if (w === undefined) return false;
    this.remove(w);
    if (error) {
      w.cmd.failedCalls++;
      this.host.countError('UNBLOCKED');
    }
    this.resumeLater(c, error ? unblockedErrorReply : nullArrayReply);
    return true;
  }

  /** A client disconnected (or is being closed): it leaves every queue, without a reply. */
  removeClient(c: Client): void {
    const w = this.waiters.get(c);
    if (w !== undefined) this.remove(w);
  }

  /** Takes a waiter out of its queues, the heap and the map. */
  private remove(w: Waiter): void {
    if (!w.live) return;
    w.live = false;
    this.waiters.delete(w.c);
    this.byType[w.kind.type]--;
    if (this.waiters.size === 0) this.host.setAddHook(null);
    for (const q of w.queues) {
      q.live--;
      if (q.live === 0) {
        this.queues.delete(q.name);
        q.waiters.length = 0;
      } else if (q.live * 2 < q.waiters.length && !this.serving) {
        q.waiters = q.waiters.filter((x) => x.live);
      }
    }
    if (w.heapPos >= 0) this.heapRemove(w);
  }

  /** Resumes `c` on the next tick with `reply` (not now: the shared reply writer may be batching another client). */
  private resumeLater(c: Client, reply: (w: ReplyWriter) => void): void {
    if (this.resumeList.length === 0) process.nextTick(this.resumeAll);
    this.resumeList.push({ c, reply });
  }

  private readonly resumeAll = (): void => {
    const list = this.resumeList;
    this.resumeList = [];
    for (const r of list) this.host.unblock(r.c, r.reply);
  };

  // ----- timeouts ------------------------------------------------------------------------------------------------

  /** Arms the timer for `deadline` (in steps beyond setTimeout's range). */
  private arm(deadline: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = deadline;
    // Redis times a client out once the clock is past its deadline (timeout.c: `timeout >= now` waits).
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, deadline - Date.now() + 1));
    this.timer = setTimeout(this.onTimer, delay);
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.timerAt = Infinity;
    const now = Date.now();
    const heap = this.heap;
    while (heap.length !== 0 && heap[0]!.deadline < now) {
      const w = heap[0]!;
      this.remove(w);
      // Not inside any batch (a timer callback): resume at once, in deadline order.
      this.host.unblock(w.c, nullArrayReply);
    }
    if (heap.length !== 0 && heap[0]!.deadline < this.timerAt) this.arm(heap[0]!.deadline);
    // Commands the resumed clients ran have served what they made ready (dispatch does it after each command).
  };

  /** Stops the timer (server shutdown). */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  private before(a: Waiter, b: Waiter): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
  }

  private heapPush(w: Waiter): void {
    const heap = this.heap;
    w.heapPos = heap.length;
    heap.push(w);
    this.siftUp(w.heapPos);
  }

  private heapRemove(w: Waiter): void {
    const heap = this.heap;
    const i = w.heapPos;
    w.heapPos = -1;
    const last = heap.pop()!;
    if (last === w) return;
    heap[i] = last;
    last.heapPos = i;
    this.siftDown(i);
    this.siftUp(last.heapPos);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const w = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pw = heap[p]!;
      if (!this.before(w, pw)) break;
      heap[i] = pw;
      pw.heapPos = i;
      i = p;
    }
    heap[i] = w;
    w.heapPos = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const w = heap[i]!;
    for (;;) {
      let m = 2 * i + 1;
      if (m >= n) break;
      if (m + 1 < n && this.before(heap[m + 1]!, heap[m]!)) m++;
      const mw = heap[m]!;
      if (!this.before(mw, w)) break;
      heap[i] = mw;
      mw.heapPos = i;
      i = m;
    }
    heap[i] = w;
    w.heapPos = i;
  }
}
