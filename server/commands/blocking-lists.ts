/**
 * The blocking list commands: BLPOP BRPOP BLMPOP BLMOVE BRPOPLPUSH, with redis-server 7.0.15's semantics
 * (src/t_list.c blockingPopGenericCommand, blmoveGenericCommand, lmpopGenericCommand, serveClientBlockedOnList;
 * src/timeout.c getTimeoutFromObjectOrReply). The code is our own.
 *
 * How it works: when one of the keys holds a list, the command is its non-blocking form (the pop or move of
 * lists.ts, with the same events: `lpop`/`rpop`, `del` when emptied, the destination's `lpush`/`rpush`). Otherwise
 * the client blocks on its keys through `ctx.server.blocking` (core/blocking.ts, which owns the queues, the ready
 * keys and the timeouts) with a `BlockKind` whose `serve` does that same pop when a key gets a list; inside
 * MULTI/EXEC (and for the HTTP front's pseudo clients) a command never blocks: a null reply, as Redis's
 * CLIENT_DENY_BLOCKING. `argTimeout` is the timeout parsing the sorted sets' BZPOPMIN & co. share.
 */
import type { CommandContext } from './context.js';
import { ERR } from './reply-helpers.js';
import { keySpec, type ArgDoc, type CommandSpec } from './types.js';
import { TYPE_LIST } from '../keyspace/keyspace.js';
import { afterRemoval, argWhere, lmoveGeneric, MPOP, parseMpop, popCount, replyElem } from './lists.js';
import { ldMulCeil, parseLongDouble } from './long-double.js';
import type { BlockKind, Waiter } from '../core/blocking.js';

const ERR_TIMEOUT_FLOAT = 'ERR timeout is not a float or out of range';
const ERR_TIMEOUT_NEGATIVE = 'ERR timeout is negative';

/**
 * Redis getTimeoutFromObjectOrReply(UNIT_SECONDS): argument `i` is a number of seconds as `strtold` reads it
 * (decimal, hexadecimal, `inf`; no spaces), converted as `(long long) ceill(seconds * 1000.0)` in long double
 * (long-double.ts): 0 waits forever (so does -0.0001, whose ceiling is 0), a negative or overflowing value is "timeout
 * is negative".
 * @returns the deadline in ms since the epoch (`ctx.ks.now` + the timeout), 0 for none, or -1 after replying the error
 */
export function argTimeout(ctx: CommandContext, i: number): number {
  const a = ctx.argv;
  const b = a.buf;
  const o = a.argOff[i];
  const l = a.argLen[i];
  let ms = -1;
  // Fast path: up to 9 plain digits (the usual "0", "5", "30").
  if (l > 0 && l <= 9) {
    let n = 0;
    let j = 0;
    for (; j < l; j++) {
      const d = b[o + j]! - 0x30;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    if (j === l) ms = n * 1000;
  }
  if (ms < 0) {
    const v = parseLongDouble(b, o, l);
    if (v === null) {
      ctx.reply.error(ERR_TIMEOUT_FLOAT);
      return -1;
    }
    const t = ldMulCeil(v, 1000);
    if (t === null || t < 0n) {
      ctx.reply.error(ERR_TIMEOUT_NEGATIVE);
      return -1;
    }
    ms = Number(t);
  }
  return ms === 0 ? 0 : ctx.ks.now + ms;
}

// ----- serving (core/blocking.ts calls these with the waiter's arguments; the key is the current item) -------------

/** BLPOP / BRPOP (count -1) and BLMPOP (a count): Redis serveClientBlockedOnList without a destination. */
const LIST_POP: BlockKind = {
  type: TYPE_LIST,
  serve(ctx: CommandContext, w: Waiter, k: number): void {
    popFrom(ctx, k, w.from === 1, w.count);
  },
};

/** BLMOVE / BRPOPLPUSH: the move of LMOVE (a WRONGTYPE destination is the waiter's error, nothing popped). */
const LIST_MOVE: BlockKind = {
  type: TYPE_LIST,
  serve(ctx: CommandContext, w: Waiter): void {
    lmoveGeneric(ctx, w.from === 1, w.to === 1);
  },
};

/**
 * Pops from the current item, a non-empty list at argument `k`, and replies [key, element] (count -1) or [key,
 * [elements]] (BLMPOP); then the `lpop`/`rpop` event and the deletion of an emptied list.
 */
function popFrom(ctx: CommandContext, k: number, head: boolean, count: number): void {
  const a = ctx.argv;
  const r = ctx.reply;
  r.arrayLen(2);
  r.bulk(a.buf, a.argOff[k], a.argLen[k]);
  if (count < 0) {
    const q = ctx.lists.bind();
    q.peek(head);
    replyElem(ctx, q);
    q.pop(head);
  } else {
    popCount(ctx, head, count);
  }
  afterRemoval(ctx, k, head ? 'lpop' : 'rpop');
}

// ----- the commands ------------------------------------------------------------------------------------------------

/**
 * BLPOP BRPOP BLMPOP (Redis blockingPopGenericCommand): the first key of `first`..`last` holding a list is popped
 * from; a key of another type is WRONGTYPE; when none holds one, block (or a null array when the client may not).
 */
function blockingPop(ctx: CommandContext, first: number, last: number, head: boolean, count: number, deadline: number): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  for (let k = first; k <= last; k++) {
    if (!ks.lookupWrite(a.buf, a.argOff[k], a.argLen[k])) continue;
    if (ks.type() !== TYPE_LIST) {
      ctx.reply.error(ERR.wrongType);
      return;
    }
    popFrom(ctx, k, head, count);
    return;
  }
  const blocking = ctx.server.blocking;
  if (!blocking.mayBlock(ctx.client)) {
    ctx.reply.nullArray();
    return;
  }
  blocking.block(ctx, LIST_POP, first, last, deadline, head ? 1 : 0, 0, count);
}

/** BLPOP / BRPOP key [key ...] timeout. */
function bpopCommand(ctx: CommandContext, head: boolean): void {
  const last = ctx.argv.argc - 1;
  const deadline = argTimeout(ctx, last);
  if (deadline < 0) return;
  blockingPop(ctx, 1, last - 1, head, -1, deadline);
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: LMPOP's checks first, then the timeout. */
function blmpopCommand(ctx: CommandContext): void {
  if (!parseMpop(ctx, 2)) return;
  const whereIdx = MPOP.whereIdx;
  const head = MPOP.head;
  const count = MPOP.count;
  const deadline = argTimeout(ctx, 1);
  if (deadline < 0) return;
  blockingPop(ctx, 3, whereIdx - 1, head, count, deadline);
}

/** BLMOVE / BRPOPLPUSH once their arguments are read (Redis blmoveGenericCommand). */
function blmoveGeneric(ctx: CommandContext, fromHead: boolean, toHead: boolean, deadline: number): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (ks.lookupWrite(a.buf, a.argOff[1], a.argLen[1])) {
    if (ks.type() !== TYPE_LIST) {
      ctx.reply.error(ERR.wrongType);
      return;
    }
    lmoveGeneric(ctx, fromHead, toHead);
    return;
  }
  const blocking = ctx.server.blocking;
  if (!blocking.mayBlock(ctx.client)) {
    ctx.reply.nullBulk();
    return;
  }
  blocking.block(ctx, LIST_MOVE, 1, 1, deadline, fromHead ? 1 : 0, toHead ? 1 : 0, -1);
}

function blmoveCommand(ctx: CommandContext): void {
  const from = argWhere(ctx, 3);
  if (from < 0) return;
  const to = argWhere(ctx, 4);
  if (to < 0) return;
  const deadline = argTimeout(ctx, 5);
  if (deadline < 0) return;
  blmoveGeneric(ctx, from === 1, to === 1, deadline);
}

function brpoplpushCommand(ctx: CommandContext): void {
  const deadline = argTimeout(ctx, 3);
  if (deadline < 0) return;
  blmoveGeneric(ctx, false, true, deadline);
}

// ----- the table ---------------------------------------------------------------------------------------------------

const L = { group: 'list', acl: ['list', 'blocking'] };
const timeoutArg: ArgDoc = { name: 'timeout', type: 'double' };
const side = (name: string): ArgDoc => ({
  name, type: 'oneof', arguments: [{ name: 'left', type: 'pure-token', token: 'LEFT' }, { name: 'right', type: 'pure-token', token: 'RIGHT' }],
});
const popKeys: ArgDoc = { name: 'key', type: 'key', keySpecIndex: 0, multiple: true };
const moveKeys: ArgDoc[] = [{ name: 'source', type: 'key', keySpecIndex: 0 }, { name: 'destination', type: 'key', keySpecIndex: 1 }];
const moveSpecs = [keySpec(['RW', 'access', 'delete'], 1), keySpec(['RW', 'insert'], 2)];
const POP_FLAGS = ['write', 'noscript', 'blocking'];
const MOVE_FLAGS = ['write', 'denyoom', 'noscript', 'blocking'];

/** The blocking list commands' table entries (COMMAND INFO/DOCS as redis-server 7.0.15 declares them; prose our own). */
export const blockingListCommands: CommandSpec[] = [
  {
    name: 'blpop', arity: -3, flags: POP_FLAGS, firstKey: 1, lastKey: -2, step: 1, ...L, since: '2.0.0',
    summary: 'Removes and returns the first element of the first non-empty list of several keys, or waits for one.', complexity: 'O(N), N the number of keys.',
    keySpecs: [keySpec(['RW', 'access', 'delete'], 1, -2)], handler: (ctx) => bpopCommand(ctx, true), arguments: [popKeys, timeoutArg],
  },
  {
    name: 'brpop', arity: -3, flags: POP_FLAGS, firstKey: 1, lastKey: -2, step: 1, ...L, since: '2.0.0',
    summary: 'Removes and returns the last element of the first non-empty list of several keys, or waits for one.', complexity: 'O(N), N the number of keys.',
    keySpecs: [keySpec(['RW', 'access', 'delete'], 1, -2)], handler: (ctx) => bpopCommand(ctx, false), arguments: [popKeys, timeoutArg],
  },
  {
    name: 'blmove', arity: 6, flags: MOVE_FLAGS, firstKey: 1, lastKey: 2, step: 1, ...L, since: '6.2.0',
    summary: 'Pops an element from one end of a list and pushes it onto an end of another, or waits for the source to have one.', complexity: 'O(1)',
    keySpecs: moveSpecs, handler: blmoveCommand, arguments: [...moveKeys, side('wherefrom'), side('whereto'), timeoutArg],
  },
  {
    name: 'blmpop', arity: -5, flags: ['write', 'blocking', 'movablekeys'], firstKey: 0, lastKey: 0, step: 0, ...L, since: '7.0.0',
    summary: 'Pops elements from the first non-empty list of several keys and returns its key with them, or waits for one.', complexity: 'O(N+M), N the number of keys tried, M the number of elements returned.',
    keySpecs: [{ flags: ['RW', 'access', 'delete'], index: 2, lastKey: 0, keyStep: 1, keynum: { keynumIdx: 0, firstKey: 1, keyStep: 1 } }],
    handler: blmpopCommand,
    arguments: [timeoutArg, { name: 'numkeys', type: 'integer' }, popKeys, side('where'), { name: 'count', type: 'integer', token: 'COUNT', optional: true }],
  },
  {
    name: 'brpoplpush', arity: 4, flags: MOVE_FLAGS, firstKey: 1, lastKey: 2, step: 1, ...L, since: '2.2.0',
    summary: 'Pops the last element of a list and pushes it at the head of another, or waits for the source to have one.', complexity: 'O(1)',
    deprecatedSince: '6.2.0', docFlags: ['deprecated'],
    keySpecs: moveSpecs, handler: brpoplpushCommand, arguments: [...moveKeys, timeoutArg],
  },
];
