/**
 * Transactions: MULTI EXEC DISCARD WATCH UNWATCH, with Redis 7.0's semantics (src/multi.c). Between MULTI and
 * EXEC the server queues the commands (dispatch, core/server-core.ts `execute`, answers +QUEUED; the queue and
 * the WATCHes are multi/multi.ts's) and EXEC runs them back to back — nothing else runs in between, as the server
 * is single-threaded. A command rejected while
 * queueing (unknown, wrong arity, -OOM, not allowed in a transaction) makes EXEC answer -EXECABORT. WATCHed keys
 * that are written, expire, are evicted, flushed or dropped by MIGRATE_PREPARE before EXEC make it answer a null
 * array (optimistic locking).
 */
import type { Client } from '../core/client.js';
import type { CommandContext } from './context.js';
import { keySpec, type CommandSpec } from './types.js';

function multiCommand(ctx: CommandContext): void {
  const c = ctx.client;
  if (c.multi !== null) {
    ctx.reply.error('ERR MULTI calls can not be nested');
    return;
  }
  c.multi = [];
  c.multiDirty = false;
  c.multiDenyOom = false;
  ctx.reply.ok();
}

function execCommand(ctx: CommandContext): void {
  const c = ctx.client;
  const core = ctx.server;
  const multi = core.multi;
  const queue = c.multi;
  if (queue === null) {
    ctx.reply.error('ERR EXEC without MULTI');
    return;
  }
  c.multi = null;
  if (c.multiDirty) {
    multi.unwatchAll(c);
    ctx.reply.error('EXECABORT Transaction discarded because of previous errors.');
    return;
  }
  if (c.watchDirty || multi.watchedKeyExpired(c)) {
    multi.unwatchAll(c);
    ctx.reply.nullArray();
    return;
  }
  multi.unwatchAll(c);
  const r = ctx.reply;
  r.arrayLen(queue.length);
  c.execCount = queue.length;
  try {
    for (const q of queue) core.execute(c, q);
  } finally {
    c.execCount = -1;
  }
}

function discardCommand(ctx: CommandContext): void {
  const c = ctx.client;
  if (c.multi === null) {
    ctx.reply.error('ERR DISCARD without MULTI');
    return;
  }
  c.multi = null;
  ctx.server.multi.unwatchAll(c);
  ctx.reply.ok();
}

function watchCommand(ctx: CommandContext): void {
  const c: Client = ctx.client;
  if (c.multi !== null) {
    ctx.reply.error('ERR WATCH inside MULTI is not allowed');
    return;
  }
  // Already dirty: EXEC will fail whatever happens to more keys (Redis does not watch them either).
  if (c.watchDirty) {
    ctx.reply.ok();
    return;
  }
  const a = ctx.argv;
  for (let j = 1; j < a.argc; j++) ctx.server.multi.watch(c, a.buf.toString('latin1', a.argOff[j], a.argOff[j] + a.argLen[j]));
  ctx.reply.ok();
}

function unwatchCommand(ctx: CommandContext): void {
  ctx.server.multi.unwatchAll(ctx.client);
  ctx.reply.ok();
}

const NOKEYS = { firstKey: 0, lastKey: 0, step: 0 };
const T = { group: 'transactions' };
const F = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'];

/** The transaction commands of the table. */
export const transactionCommands: CommandSpec[] = [
  { name: 'multi', arity: 1, flags: F, ...NOKEYS, ...T, acl: ['fast', 'transaction'], since: '1.2.0',
    summary: 'Starts a transaction: the following commands are queued until EXEC.', complexity: 'O(1)', handler: multiCommand },
  { name: 'exec', arity: 1, flags: ['noscript', 'loading', 'stale', 'skip_slowlog'], ...NOKEYS, ...T, acl: ['slow', 'transaction'],
    since: '1.2.0', summary: 'Runs the queued commands of a transaction, unless a WATCHed key changed.',
    complexity: 'Depends on commands in the transaction', handler: execCommand },
  { name: 'discard', arity: 1, flags: F, ...NOKEYS, ...T, acl: ['fast', 'transaction'], since: '2.0.0',
    summary: 'Discards a transaction.', complexity: 'O(N), when N is the number of queued commands', handler: discardCommand },
  { name: 'watch', arity: -2, flags: F, firstKey: 1, lastKey: -1, step: 1, ...T, acl: ['fast', 'transaction'], since: '2.2.0',
    summary: 'Makes the next EXEC fail if one of these keys changes before it.', complexity: 'O(1) for every key.',
    keySpecs: [keySpec(['RO'], 1, -1, 1)], handler: watchCommand, arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }] },
  { name: 'unwatch', arity: 1, flags: F, ...NOKEYS, ...T, acl: ['fast', 'transaction'], since: '2.2.0',
    summary: 'Forgets the WATCHed keys.', complexity: 'O(1)', handler: unwatchCommand },
];
