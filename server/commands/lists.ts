/**
 * List commands, the non-blocking ones: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LINDEX LSET LINSERT LRANGE LREM
 * LTRIM LPOS LMOVE LMPOP RPOPLPUSH, with redis-server 7.0.15's semantics (src/t_list.c): the order of the checks
 * (which arguments are parsed before the key lookup and which after), error texts, reply types in RESP2 and RESP3
 * (LPOP/RPOP with a count on a missing key: a null array), keyspace events (`lpush` `rpush` `lpop` `rpop`
 * `linsert` `lset` `lrem` `ltrim`, and `del` when a list becomes empty: Redis never keeps an empty list). The
 * code is our own. The blocking commands (BLPOP...) are in blocking-lists.ts, over the helpers exported at the end.
 *
 * How it works: the list is the keyspace's current item, read and written through `ctx.lists`
 * (keyspace/list-type.ts) over the quicklist (keyspace/quicklist.ts), whose element results are byte ranges of the
 * arena: they go straight into the reply, or are copied into a Buffer when another key must be looked up first
 * (LMOVE, RPOPLPUSH), since a lookup or a write invalidates them.
 */
import { argIs, argLL, LL } from './args.js';
import type { CommandContext } from './context.js';
import { ERR, wrongType } from './reply-helpers.js';
import { keySpec, type ArgDoc, type CommandSpec } from './types.js';
import { TYPE_LIST } from '../keyspace/keyspace.js';
import { notifyArg } from '../pubsub/notify.js';
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../pubsub/notify-flags.js';
import type { QuickList } from '../keyspace/quicklist.js';

const ERR_INDEX_RANGE = 'ERR index out of range';
const ERR_POSITIVE = 'ERR value is out of range, must be positive';
const ERR_RANK_ZERO =
  'ERR RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list';
const ERR_COUNT_NEGATIVE = "ERR COUNT can't be negative";
const ERR_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
const ERR_NUMKEYS = 'ERR numkeys should be greater than 0';
const ERR_COUNT_POSITIVE = 'ERR count should be greater than 0';

/** LONG_MIN as a float64 (exact: -2^63). */
const LONG_MIN = -9223372036854775808;

// ----- arguments --------------------------------------------------------------------------------------------------

/**
 * Redis getLongFromObjectOrReply: argument `i` as a 64-bit integer, into `LL` (`LL.value`, a float64 that is exact
 * up to 2^53, close enough beyond for comparisons with list lengths). Replies `msg` (or Redis's default text) and
 * returns false when it is not one.
 */
function argLong(ctx: CommandContext, i: number, msg: string = ERR.notInteger): boolean {
  if (argLL(ctx.argv, i)) return true;
  ctx.reply.error(msg);
  return false;
}

/**
 * Redis getRangeLongFromObjectOrReply(min, LONG_MAX): an integer of at least `min`; `msg` for both a non-integer
 * and a value out of range (when given), else Redis's default texts.
 */
function argLongAtLeast(ctx: CommandContext, i: number, min: number, msg: string | null, rangeMsg: string): boolean {
  if (!argLong(ctx, i, msg ?? ERR.notInteger)) return false;
  if (LL.value < min) {
    ctx.reply.error(msg ?? rangeMsg);
    return false;
  }
  return true;
}

/** LEFT (head: true) or RIGHT (false) at argument `i`; replies a syntax error and returns -1 otherwise. */
function argWhere(ctx: CommandContext, i: number): number {
  if (argIs(ctx.argv, i, 'right')) return 0;
  if (argIs(ctx.argv, i, 'left')) return 1;
  ctx.reply.error(ERR.syntax);
  return -1;
}

// ----- lookups -----------------------------------------------------------------------------------------------------

/**
 * Looks the list at argument `i` up for reading (Redis lookupKeyRead + checkType). When there is no list to read,
 * replies (`missing()` for a missing key, WRONGTYPE for another type) and returns false.
 */
function readList(ctx: CommandContext, i: number, missing: (ctx: CommandContext) => void): boolean {
  return lookupList(ctx, i, missing, false);
}

/** As `readList`, for writing (Redis lookupKeyWrite + checkType). */
function writeList(ctx: CommandContext, i: number, missing: (ctx: CommandContext) => void): boolean {
  return lookupList(ctx, i, missing, true);
}

function lookupList(ctx: CommandContext, i: number, missing: (ctx: CommandContext) => void, write: boolean): boolean {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (!(write ? ks.lookupWrite(a.buf, a.argOff[i], a.argLen[i]) : ks.lookupRead(a.buf, a.argOff[i], a.argLen[i]))) {
    missing(ctx);
    return false;
  }
  return !wrongType(ctx, TYPE_LIST);
}

const replyZero = (ctx: CommandContext): void => ctx.reply.integer(0);
const replyNull = (ctx: CommandContext): void => ctx.reply.nullBulk();
const replyNullArray = (ctx: CommandContext): void => ctx.reply.nullArray();
const replyEmptyArray = (ctx: CommandContext): void => ctx.reply.arrayLen(0);
const replyOk = (ctx: CommandContext): void => ctx.reply.ok();
const replyNoSuchKey = (ctx: CommandContext): void => ctx.reply.error(ERR.noSuchKey);

/** Replies with the current element of `q` as a bulk string. */
function replyElem(ctx: CommandContext, q: QuickList): void {
  ctx.reply.bulkFromExtent(q.elemExt, q.elemOff, q.elemLen);
}

/**
 * After elements were removed from the current list (key at argument `i`): the `event` (lpop, rpop, ltrim...),
 * then, when the list is empty, its deletion and a `del` event; WATCH is told (Redis listElementsRemoved).
 */
function afterRemoval(ctx: CommandContext, i: number, event: string): void {
  notifyArg(ctx, NOTIFY_LIST, event, i);
  const l = ctx.lists;
  if (l.len() === 0) {
    ctx.ks.removeCurrent();
    notifyArg(ctx, NOTIFY_GENERIC, 'del', i);
  } else l.modified();
}

// ----- pushes ------------------------------------------------------------------------------------------------------

/** LPUSH RPUSH LPUSHX RPUSHX (Redis pushGenericCommand); `xx`: only onto an existing list. */
function pushGeneric(ctx: CommandContext, head: boolean, xx: boolean): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  const l = ctx.lists;
  if (ks.lookupWrite(a.buf, a.argOff[1], a.argLen[1])) {
    if (ks.type() !== TYPE_LIST) {
      ctx.reply.error(ERR.wrongType);
      return;
    }
    l.bind();
  } else {
    if (xx) {
      ctx.reply.integer(0);
      return;
    }
    l.create();
  }
  const q = ks.list;
  for (let j = 2; j < a.argc; j++) q.push(head, a.buf, a.argOff[j], a.argLen[j]);
  ctx.reply.integer(q.count());
  l.modified();
  notifyArg(ctx, NOTIFY_LIST, head ? 'lpush' : 'rpush', 1);
}

// ----- pops --------------------------------------------------------------------------------------------------------

/** LPOP / RPOP key [count] (Redis popGenericCommand). */
function popGeneric(ctx: CommandContext, head: boolean): void {
  const a = ctx.argv;
  if (a.argc > 3) {
    ctx.reply.error(`ERR wrong number of arguments for '${ctx.cmd.fullName}' command`);
    return;
  }
  const hasCount = a.argc === 3;
  let count = 0;
  if (hasCount) {
    if (!argLongAtLeast(ctx, 2, 0, ERR_POSITIVE, ERR_POSITIVE)) return;
    count = LL.value;
  }
  if (!writeList(ctx, 1, hasCount ? replyNullArray : replyNull)) return;
  if (hasCount && count === 0) {
    ctx.reply.arrayLen(0);
    return;
  }
  const q = ctx.lists.bind();
  if (!hasCount) {
    q.peek(head);
    replyElem(ctx, q);
    q.deleteCurrent(); // the peeked element (the reply copied it)
  } else {
    popCount(ctx, head, count);
  }
  afterRemoval(ctx, 1, head ? 'lpop' : 'rpop');
}

/**
 * Replies with the first `count` (at most all) elements from the head, or the last ones from the tail (tail
 * first), and deletes them (Redis addListRangeReply + listTypeDelRange).
 */
function popCount(ctx: CommandContext, head: boolean, count: number): void {
  const l = ctx.lists;
  const len = l.len();
  const n = Math.min(count, len);
  ctx.reply.arrayLen(n);
  if (head) l.writeRange(ctx.reply, 0, n - 1, false);
  else l.writeRange(ctx.reply, len - n, len - 1, true);
  l.trimEnd(head, n);
}

/** LMPOP's and BLMPOP's arguments as `parseMpop` read them: keys at numkeysIdx+1 .. whereIdx-1. */
const MPOP = { whereIdx: 0, head: true, count: 1 };

/**
 * Reads numkeys at `numkeysIdx`, then LEFT|RIGHT and [COUNT count] into `MPOP` (Redis lmpopGenericCommand's checks,
 * in its order). Replies the error and returns false when they are not valid.
 */
function parseMpop(ctx: CommandContext, numkeysIdx: number): boolean {
  const a = ctx.argv;
  if (!argLongAtLeast(ctx, numkeysIdx, 1, ERR_NUMKEYS, ERR_NUMKEYS)) return false;
  const numkeys = LL.value;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= a.argc) {
    ctx.reply.error(ERR.syntax);
    return false;
  }
  const where = argWhere(ctx, whereIdx);
  if (where < 0) return false;
  let count = -1;
  for (let j = whereIdx + 1; j < a.argc; j++) {
    const more = a.argc - 1 - j;
    if (count === -1 && argIs(a, j, 'count') && more > 0) {
      j++;
      if (!argLongAtLeast(ctx, j, 1, ERR_COUNT_POSITIVE, ERR_COUNT_POSITIVE)) return false;
      count = LL.value;
    } else {
      ctx.reply.error(ERR.syntax);
      return false;
    }
  }
  MPOP.whereIdx = whereIdx;
  MPOP.head = where === 1;
  MPOP.count = count === -1 ? 1 : count;
  return true;
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] (Redis lmpopGenericCommand + mpopGenericCommand). */
function lmpopCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  if (!parseMpop(ctx, 1)) return;
  const whereIdx = MPOP.whereIdx;
  const head = MPOP.head;
  const count = MPOP.count;
  const ks = ctx.ks;
  for (let k = 2; k < whereIdx; k++) {
    if (!ks.lookupWrite(a.buf, a.argOff[k], a.argLen[k])) continue;
    if (ks.type() !== TYPE_LIST) {
      ctx.reply.error(ERR.wrongType);
      return;
    }
    if (ctx.lists.len() === 0) continue;
    ctx.reply.arrayLen(2);
    ctx.reply.bulk(a.buf, a.argOff[k], a.argLen[k]);
    popCount(ctx, head, count);
    afterRemoval(ctx, k, head ? 'lpop' : 'rpop');
    return;
  }
  ctx.reply.nullArray();
}

/**
 * LMOVE / RPOPLPUSH (Redis lmoveGenericCommand): pops from the source's `fromHead` end and pushes onto the
 * destination's `toHead` end; the same key rotates the list. Events as Redis: the push's (`lpush`/`rpush` on the
 * destination, after `new` when it is created), then the pop's on the source, then `del` if the source is empty.
 */
function lmoveGeneric(ctx: CommandContext, fromHead: boolean, toHead: boolean): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  const l = ctx.lists;
  if (!writeList(ctx, 1, replyNull)) return;
  let q = l.bind();
  q.peek(fromHead);
  // The element's bytes, out of the arena: the destination's lookup and push invalidate the view.
  const elem = Buffer.from(q.elemBuf.subarray(q.elemOff, q.elemOff + q.elemLen));
  const same = a.argLen[1] === a.argLen[2] && a.buf.compare(a.buf, a.argOff[2], a.argOff[2] + a.argLen[2], a.argOff[1], a.argOff[1] + a.argLen[1]) === 0;
  if (same) {
    // Redis looks the destination up (the same list) before popping; then the pop and the push.
    ks.lookupWrite(a.buf, a.argOff[2], a.argLen[2]);
    q = l.bind();
    q.pop(fromHead);
    q.push(toHead, elem, 0, elem.length);
    l.modified();
    notifyArg(ctx, NOTIFY_LIST, toHead ? 'lpush' : 'rpush', 2);
    ctx.reply.bulk(elem, 0, elem.length);
    notifyArg(ctx, NOTIFY_LIST, fromHead ? 'lpop' : 'rpop', 1);
    return;
  }
  if (ks.lookupWrite(a.buf, a.argOff[2], a.argLen[2])) {
    if (ks.type() !== TYPE_LIST) {
      ctx.reply.error(ERR.wrongType);
      return;
    }
    q = l.bind();
  } else q = l.create();
  q.push(toHead, elem, 0, elem.length);
  l.modified();
  notifyArg(ctx, NOTIFY_LIST, toHead ? 'lpush' : 'rpush', 2);
  ctx.reply.bulk(elem, 0, elem.length);
  // Back to the source (found above, not expired since: same `now`), without counting another access.
  ks.lookup(a.buf, a.argOff[1], a.argLen[1]);
  l.bind().pop(fromHead);
  afterRemoval(ctx, 1, fromHead ? 'lpop' : 'rpop');
}

function lmoveCommand(ctx: CommandContext): void {
  const from = argWhere(ctx, 3);
  if (from < 0) return;
  const to = argWhere(ctx, 4);
  if (to < 0) return;
  lmoveGeneric(ctx, from === 1, to === 1);
}

// ----- reads -------------------------------------------------------------------------------------------------------

function llenCommand(ctx: CommandContext): void {
  if (!readList(ctx, 1, replyZero)) return;
  ctx.reply.integer(ctx.lists.len());
}

function lindexCommand(ctx: CommandContext): void {
  if (!readList(ctx, 1, replyNull)) return;
  if (!argLong(ctx, 2)) return;
  const l = ctx.lists;
  const n = l.len();
  const i = LL.value;
  if (i >= n || i < -n || !l.index(i)) {
    ctx.reply.nullBulk();
    return;
  }
  replyElem(ctx, ctx.ks.list);
}

/** Replies with the elements start..end (negative: from the tail), as Redis's addListRangeReply. */
function replyRange(ctx: CommandContext, start: number, end: number, reverse: boolean): void {
  const l = ctx.lists;
  const n = l.len();
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) {
    ctx.reply.arrayLen(0);
    return;
  }
  if (end >= n) end = n - 1;
  ctx.reply.arrayLen(end - start + 1);
  l.writeRange(ctx.reply, start, end, reverse);
}

function lrangeCommand(ctx: CommandContext): void {
  if (!argLong(ctx, 2)) return;
  const start = LL.value;
  if (!argLong(ctx, 3)) return;
  const end = LL.value;
  if (!readList(ctx, 1, replyEmptyArray)) return;
  replyRange(ctx, start, end, false);
}

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] (Redis lposCommand). */
function lposCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < a.argc; j++) {
    const more = a.argc - 1 - j;
    if (argIs(a, j, 'rank') && more > 0) {
      j++;
      if (!argLong(ctx, j)) return;
      if (LL.value === 0) {
        ctx.reply.error(ERR_RANK_ZERO);
        return;
      }
      rank = LL.value;
    } else if (argIs(a, j, 'count') && more > 0) {
      j++;
      if (!argLongAtLeast(ctx, j, 0, ERR_COUNT_NEGATIVE, ERR_COUNT_NEGATIVE)) return;
      count = LL.value;
    } else if (argIs(a, j, 'maxlen') && more > 0) {
      j++;
      if (!argLongAtLeast(ctx, j, 0, ERR_MAXLEN_NEGATIVE, ERR_MAXLEN_NEGATIVE)) return;
      maxlen = LL.value;
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }
  let fromTail = false;
  let noLimit = false;
  if (rank < 0) {
    fromTail = true;
    // Redis negates a long: LONG_MIN stays negative, so every match from the tail is at or past that "rank", and
    // COUNT's test (matches - rank + 1 >= count) overflows to a negative number: every match is returned.
    noLimit = rank === LONG_MIN;
    rank = noLimit ? 1 : -rank;
  }
  const ks = ctx.ks;
  if (!ks.lookupRead(a.buf, a.argOff[1], a.argLen[1])) {
    if (count !== -1) ctx.reply.arrayLen(0);
    else ctx.reply.nullBulk();
    return;
  }
  if (ks.type() !== TYPE_LIST) {
    ctx.reply.error(ERR.wrongType);
    return;
  }
  const eo = a.argOff[2];
  const el = a.argLen[2];
  if (count === -1) {
    let found = -1;
    ctx.lists.pos(fromTail, rank, maxlen, a.buf, eo, el, (index) => {
      found = index;
      return false;
    });
    if (found >= 0) ctx.reply.integer(found);
    else ctx.reply.nullBulk();
    return;
  }
  const out: number[] = [];
  ctx.lists.pos(fromTail, rank, maxlen, a.buf, eo, el, (index) => {
    out.push(index);
    return count === 0 || noLimit || out.length < count;
  });
  ctx.reply.arrayLen(out.length);
  for (const i of out) ctx.reply.integer(i);
}

// ----- in-place writes ---------------------------------------------------------------------------------------------

function lsetCommand(ctx: CommandContext): void {
  if (!writeList(ctx, 1, replyNoSuchKey)) return;
  if (!argLong(ctx, 2)) return;
  const a = ctx.argv;
  const l = ctx.lists;
  const n = l.len();
  const i = LL.value;
  if (i >= n || i < -n || !l.set(i, a.buf, a.argOff[3], a.argLen[3])) {
    ctx.reply.error(ERR_INDEX_RANGE);
    return;
  }
  ctx.reply.ok();
  l.modified();
  notifyArg(ctx, NOTIFY_LIST, 'lset', 1);
}

function linsertCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  let after: boolean;
  if (argIs(a, 2, 'after')) after = true;
  else if (argIs(a, 2, 'before')) after = false;
  else {
    ctx.reply.error(ERR.syntax);
    return;
  }
  if (!writeList(ctx, 1, replyZero)) return;
  const l = ctx.lists;
  if (!l.insert(after, a.buf, a.argOff[3], a.argLen[3], a.buf, a.argOff[4], a.argLen[4])) {
    ctx.reply.integer(-1);
    return;
  }
  l.modified();
  notifyArg(ctx, NOTIFY_LIST, 'linsert', 1);
  ctx.reply.integer(l.len());
}

function lremCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  if (!argLong(ctx, 2)) return;
  const count = LL.value;
  if (!writeList(ctx, 1, replyZero)) return;
  const l = ctx.lists;
  const removed = l.rem(count, a.buf, a.argOff[3], a.argLen[3]);
  if (removed > 0) {
    l.modified();
    notifyArg(ctx, NOTIFY_LIST, 'lrem', 1);
  }
  if (l.len() === 0) {
    ctx.ks.removeCurrent();
    notifyArg(ctx, NOTIFY_GENERIC, 'del', 1);
  }
  ctx.reply.integer(removed);
}

function ltrimCommand(ctx: CommandContext): void {
  if (!argLong(ctx, 2)) return;
  let start = LL.value;
  if (!argLong(ctx, 3)) return;
  let end = LL.value;
  if (!writeList(ctx, 1, replyOk)) return;
  const l = ctx.lists;
  const n = l.len();
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  let ltrim: number;
  let rtrim: number;
  if (start > end || start >= n) {
    ltrim = n;
    rtrim = 0;
  } else {
    if (end >= n) end = n - 1;
    ltrim = start;
    rtrim = n - end - 1;
  }
  l.trimEnd(true, ltrim);
  l.trimEnd(false, rtrim);
  notifyArg(ctx, NOTIFY_LIST, 'ltrim', 1);
  if (l.len() === 0) {
    ctx.ks.removeCurrent();
    notifyArg(ctx, NOTIFY_GENERIC, 'del', 1);
  } else l.modified();
  ctx.reply.ok();
}

// ----- the table ---------------------------------------------------------------------------------------------------

const KEY1 = { firstKey: 1, lastKey: 1, step: 1 };
const KEYS12 = { firstKey: 1, lastKey: 2, step: 1 };
const L = { group: 'list', acl: ['list'] };
const keyArg: ArgDoc = { name: 'key', type: 'key', keySpecIndex: 0 };
const elementsArg: ArgDoc = { name: 'element', type: 'string', multiple: true };
const elementArg: ArgDoc = { name: 'element', type: 'string' };
const side = (name: string): ArgDoc => ({
  name, type: 'oneof', arguments: [{ name: 'left', type: 'pure-token', token: 'LEFT' }, { name: 'right', type: 'pure-token', token: 'RIGHT' }],
});
const moveKeys: ArgDoc[] = [{ name: 'source', type: 'key', keySpecIndex: 0 }, { name: 'destination', type: 'key', keySpecIndex: 1 }];
const moveSpecs = [keySpec(['RW', 'access', 'delete'], 1), keySpec(['RW', 'insert'], 2)];
const PUSH_FLAGS = ['write', 'denyoom', 'fast'];
const pushComplexity = 'O(1) per element pushed: O(N) for N elements.';

/** The list commands' table entries (COMMAND INFO/DOCS as redis-server 7.0.15 declares them; prose our own). */
export const listCommands: CommandSpec[] = [
  {
    name: 'lpush', arity: -3, flags: PUSH_FLAGS, ...KEY1, ...L, since: '1.0.0',
    summary: 'Adds elements at the head of a list, creating it when the key is missing.', complexity: pushComplexity,
    keySpecs: [keySpec(['RW', 'insert'])], handler: (ctx) => pushGeneric(ctx, true, false), arguments: [keyArg, elementsArg],
  },
  {
    name: 'rpush', arity: -3, flags: PUSH_FLAGS, ...KEY1, ...L, since: '1.0.0',
    summary: 'Adds elements at the tail of a list, creating it when the key is missing.', complexity: pushComplexity,
    keySpecs: [keySpec(['RW', 'insert'])], handler: (ctx) => pushGeneric(ctx, false, false), arguments: [keyArg, elementsArg],
  },
  {
    name: 'lpushx', arity: -3, flags: PUSH_FLAGS, ...KEY1, ...L, since: '2.2.0',
    summary: 'Adds elements at the head of a list that already exists.', complexity: pushComplexity,
    keySpecs: [keySpec(['RW', 'insert'])], handler: (ctx) => pushGeneric(ctx, true, true), arguments: [keyArg, elementsArg],
  },
  {
    name: 'rpushx', arity: -3, flags: PUSH_FLAGS, ...KEY1, ...L, since: '2.2.0',
    summary: 'Adds elements at the tail of a list that already exists.', complexity: pushComplexity,
    keySpecs: [keySpec(['RW', 'insert'])], handler: (ctx) => pushGeneric(ctx, false, true), arguments: [keyArg, elementsArg],
  },
  {
    name: 'lpop', arity: -2, flags: ['write', 'fast'], ...KEY1, ...L, since: '1.0.0',
    summary: 'Removes and returns the first element (or the first count elements) of a list.', complexity: 'O(N), N the number of elements returned.',
    keySpecs: [keySpec(['RW', 'access', 'delete'])], handler: (ctx) => popGeneric(ctx, true),
    arguments: [keyArg, { name: 'count', type: 'integer', optional: true, since: '6.2.0' }],
  },
  {
    name: 'rpop', arity: -2, flags: ['write', 'fast'], ...KEY1, ...L, since: '1.0.0',
    summary: 'Removes and returns the last element (or the last count elements) of a list.', complexity: 'O(N), N the number of elements returned.',
    keySpecs: [keySpec(['RW', 'access', 'delete'])], handler: (ctx) => popGeneric(ctx, false),
    arguments: [keyArg, { name: 'count', type: 'integer', optional: true, since: '6.2.0' }],
  },
  {
    name: 'llen', arity: 2, flags: ['readonly', 'fast'], ...KEY1, ...L, since: '1.0.0',
    summary: 'Returns the number of elements of a list.', complexity: 'O(1)',
    keySpecs: [keySpec(['RO'])], handler: llenCommand, arguments: [keyArg],
  },
  {
    name: 'lindex', arity: 3, flags: ['readonly'], ...KEY1, ...L, since: '1.0.0',
    summary: 'Returns the element at an index of a list (negative: from the tail).', complexity: 'O(N), N the number of elements walked to reach the index.',
    keySpecs: [keySpec(['RO', 'access'])], handler: lindexCommand, arguments: [keyArg, { name: 'index', type: 'integer' }],
  },
  {
    name: 'lset', arity: 4, flags: ['write', 'denyoom'], ...KEY1, ...L, since: '1.0.0',
    summary: 'Replaces the element at an index of a list.', complexity: 'O(N), N the number of elements walked to reach the index.',
    keySpecs: [keySpec(['RW', 'update'])], handler: lsetCommand, arguments: [keyArg, { name: 'index', type: 'integer' }, elementArg],
  },
  {
    name: 'linsert', arity: 5, flags: ['write', 'denyoom'], ...KEY1, ...L, since: '2.2.0',
    summary: 'Inserts an element before or after the first occurrence of a pivot element in a list.', complexity: 'O(N), N the number of elements walked to find the pivot.',
    keySpecs: [keySpec(['RW', 'insert'])], handler: linsertCommand,
    arguments: [keyArg, { name: 'where', type: 'oneof', arguments: [{ name: 'before', type: 'pure-token', token: 'BEFORE' }, { name: 'after', type: 'pure-token', token: 'AFTER' }] },
      { name: 'pivot', type: 'string' }, elementArg],
  },
  {
    name: 'lrange', arity: 4, flags: ['readonly'], ...KEY1, ...L, since: '1.0.0',
    summary: 'Returns the elements of a list between two indexes, both included (negative: from the tail).', complexity: 'O(S+N), S the distance of start from the nearer end, N the number of elements returned.',
    keySpecs: [keySpec(['RO', 'access'])], handler: lrangeCommand, arguments: [keyArg, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }],
  },
  {
    name: 'lrem', arity: 4, flags: ['write'], ...KEY1, ...L, since: '1.0.0',
    summary: 'Removes occurrences of an element from a list: count from the head, -count from the tail, or all (0).', complexity: 'O(N+M), N the length of the list, M the number of elements removed.',
    keySpecs: [keySpec(['RW', 'delete'])], handler: lremCommand, arguments: [keyArg, { name: 'count', type: 'integer' }, elementArg],
  },
  {
    name: 'ltrim', arity: 4, flags: ['write'], ...KEY1, ...L, since: '1.0.0',
    summary: 'Keeps only the elements of a list between two indexes, both included.', complexity: 'O(N), N the number of elements removed.',
    keySpecs: [keySpec(['RW', 'delete'])], handler: ltrimCommand, arguments: [keyArg, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }],
  },
  {
    name: 'lpos', arity: -3, flags: ['readonly'], ...KEY1, ...L, since: '6.0.6',
    summary: 'Returns the index of matching elements of a list (the RANK-th match, COUNT matches, within MAXLEN elements).', complexity: 'O(N), N the number of elements scanned.',
    keySpecs: [keySpec(['RO', 'access'])], handler: lposCommand,
    arguments: [keyArg, elementArg, { name: 'rank', type: 'integer', token: 'RANK', optional: true },
      { name: 'num-matches', type: 'integer', token: 'COUNT', optional: true }, { name: 'len', type: 'integer', token: 'MAXLEN', optional: true }],
  },
  {
    name: 'lmove', arity: 5, flags: ['write', 'denyoom'], ...KEYS12, ...L, since: '6.2.0',
    summary: 'Pops an element from one end of a list and pushes it onto an end of another (or the same) list, and returns it.', complexity: 'O(1)',
    keySpecs: moveSpecs, handler: lmoveCommand, arguments: [...moveKeys, side('wherefrom'), side('whereto')],
  },
  {
    name: 'lmpop', arity: -4, flags: ['write', 'movablekeys'], firstKey: 0, lastKey: 0, step: 0, ...L, since: '7.0.0',
    summary: 'Pops elements from the first non-empty list of several keys, and returns its key with them.', complexity: 'O(N+M), N the number of keys tried, M the number of elements returned.',
    keySpecs: [{ flags: ['RW', 'access', 'delete'], index: 1, lastKey: 0, keyStep: 1, keynum: { keynumIdx: 0, firstKey: 1, keyStep: 1 } }],
    handler: lmpopCommand,
    arguments: [{ name: 'numkeys', type: 'integer' }, { ...keyArg, multiple: true }, side('where'), { name: 'count', type: 'integer', token: 'COUNT', optional: true }],
  },
  {
    name: 'rpoplpush', arity: 3, flags: ['write', 'denyoom'], ...KEYS12, ...L, since: '1.2.0',
    summary: 'Pops the last element of a list and pushes it at the head of another (or the same) list, and returns it.', complexity: 'O(1)',
    deprecatedSince: '6.2.0', docFlags: ['deprecated'],
    keySpecs: moveSpecs, handler: (ctx) => lmoveGeneric(ctx, false, true), arguments: moveKeys,
  },
];

// The blocking list commands (blocking-lists.ts) pop, move and parse with the same code.
export { afterRemoval, argWhere, lmoveGeneric, MPOP, parseMpop, popCount, replyElem };
