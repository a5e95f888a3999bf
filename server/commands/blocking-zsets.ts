/**
 * The blocking sorted-set commands: BZPOPMIN BZPOPMAX BZMPOP, with redis-server 7.0.15's semantics (src/t_zset.c
 * blockingGenericZpopCommand, zmpopGenericCommand; src/blocked.c serveClientsBlockedOnSortedSetKey). The code is our
 * own.
 *
 * How it works, as the blocking list commands (blocking-lists.ts): when one of the keys holds a sorted set, the
 * command is ZPOPMIN/ZPOPMAX/ZMPOP on it (`zsetPop` of zsets.ts: the same reply shapes and `zpopmin`/`zpopmax`
 * events, `del` when emptied). Otherwise the client blocks on its keys through `ctx.server.blocking`
 * (core/blocking.ts: queues, ready keys, timeouts) with the ZSET_POP kind, whose `serve` is that same pop once a key
 * holds a sorted set; inside MULTI/EXEC (and for the HTTP front's pseudo clients) a null array instead, as Redis's
 * CLIENT_DENY_BLOCKING. Timeouts are parsed by blocking-lists.ts's `argTimeout` (Redis getTimeoutFromObjectOrReply).
 *
 * Order of the checks (Redis): BZMPOP reads numkeys, MIN|MAX and COUNT first (ZMPOP's errors), then the timeout;
 * BZPOPMIN/BZPOPMAX read the timeout first; then the keys in argument order: a missing key is skipped, another type is
 * WRONGTYPE.
 */
import type { CommandContext } from './context.js';
import { argTimeout } from './blocking-lists.js';
import { ERR } from './reply-helpers.js';
import { keySpec, type ArgDoc, type CommandSpec } from './types.js';
import { parseZmpop, zsetPop, ZMPOP } from './zsets.js';
import { TYPE_ZSET } from '../keyspace/keyspace.js';
import type { BlockKind, Waiter } from '../core/blocking.js';

/**
 * Served waiters (Redis serveClientsBlockedOnSortedSetKey): `from` 1 pops the maximum, `count` -1 is BZPOPMIN's
 * [key, member, score], otherwise BZMPOP's [key, [[member, score], ...]].
 */
const ZSET_POP: BlockKind = {
  type: TYPE_ZSET,
  serve(ctx: CommandContext, w: Waiter, k: number): void {
    zsetPop(ctx, k, w.from === 1, w.count < 0 ? 1 : w.count, true, w.count >= 0);
  },
};

/**
 * Redis blockingGenericZpopCommand once the timeout is read: pops from the first of arguments first..last holding a
 * sorted set, or blocks (a null array when the client may not). `count` -1: a single pop replied flat.
 */
function blockingZpop(ctx: CommandContext, first: number, last: number, max: boolean, count: number, deadline: number): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  for (let k = first; k <= last; k++) {
    if (!ks.lookupWrite(a.buf, a.argOff[k], a.argLen[k])) continue;
    if (ks.type() !== TYPE_ZSET) {
      ctx.reply.error(ERR.wrongType);
      return;
    }
    zsetPop(ctx, k, max, count < 0 ? 1 : count, true, count >= 0);
    return;
  }
  const blocking = ctx.server.blocking;
  if (!blocking.mayBlock(ctx.client)) {
    ctx.reply.nullArray();
    return;
  }
  blocking.block(ctx, ZSET_POP, first, last, deadline, max ? 1 : 0, 0, count);
}

/** BZPOPMIN / BZPOPMAX key [key ...] timeout. */
function bzpopCommand(ctx: CommandContext, max: boolean): void {
  const last = ctx.argv.argc - 1;
  const deadline = argTimeout(ctx, last);
  if (deadline < 0) return;
  blockingZpop(ctx, 1, last - 1, max, -1, deadline);
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] (Redis zmpopGenericCommand with is_block). */
function bzmpopCommand(ctx: CommandContext): void {
  if (!parseZmpop(ctx, 2)) return;
  const { whereIdx, max, count } = ZMPOP;
  const deadline = argTimeout(ctx, 1);
  if (deadline < 0) return;
  blockingZpop(ctx, 3, whereIdx - 1, max, count, deadline);
}

// ----- the table ---------------------------------------------------------------------------------------------------

const Z = { group: 'sorted-set', acl: ['sortedset', 'blocking'] };
const timeoutArg: ArgDoc = { name: 'timeout', type: 'double' };
const popKeys: ArgDoc = { name: 'key', type: 'key', keySpecIndex: 0, multiple: true };
const BZPOP_FLAGS = ['write', 'noscript', 'fast', 'blocking'];

/** The blocking sorted-set commands' table entries (COMMAND INFO/DOCS as redis-server 7.0.15 declares them; prose our own). */
export const blockingZsetCommands: CommandSpec[] = [
  {
    name: 'bzpopmin', arity: -3, flags: BZPOP_FLAGS, firstKey: 1, lastKey: -2, step: 1, ...Z, since: '5.0.0',
    summary: 'Removes and returns the member with the lowest score of the first non-empty sorted set of several keys, or waits for one.',
    complexity: 'O(log N), N the number of members of the sorted set.',
    keySpecs: [keySpec(['RW', 'access', 'delete'], 1, -2)], handler: (ctx) => bzpopCommand(ctx, false), arguments: [popKeys, timeoutArg],
  },
  {
    name: 'bzpopmax', arity: -3, flags: BZPOP_FLAGS, firstKey: 1, lastKey: -2, step: 1, ...Z, since: '5.0.0',
    summary: 'Removes and returns the member with the highest score of the first non-empty sorted set of several keys, or waits for one.',
    complexity: 'O(log N), N the number of members of the sorted set.',
    keySpecs: [keySpec(['RW', 'access', 'delete'], 1, -2)], handler: (ctx) => bzpopCommand(ctx, true), arguments: [popKeys, timeoutArg],
  },
  {
    name: 'bzmpop', arity: -5, flags: ['write', 'blocking', 'movablekeys'], firstKey: 0, lastKey: 0, step: 0, ...Z, since: '7.0.0',
    summary: 'Pops members from the first non-empty sorted set of several keys and returns its key with them, or waits for one.',
    complexity: 'O(K + M log N), K the keys tried, M the members popped, N the members of the sorted set.',
    keySpecs: [{ flags: ['RW', 'access', 'delete'], index: 2, lastKey: 0, keyStep: 1, keynum: { keynumIdx: 0, firstKey: 1, keyStep: 1 } }],
    handler: bzmpopCommand,
    arguments: [
      timeoutArg, { name: 'numkeys', type: 'integer' }, popKeys,
      { name: 'where', type: 'oneof', arguments: [{ name: 'min', type: 'pure-token', token: 'MIN' }, { name: 'max', type: 'pure-token', token: 'MAX' }] },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
  },
];
