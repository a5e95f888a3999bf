/**
 * String commands: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX INCR DECR INCRBY DECRBY
 * INCRBYFLOAT APPEND STRLEN GETRANGE SUBSTR SETRANGE. Semantics, reply types and error texts follow Redis 7.0
 * (src/t_string.c); values live in the arena and are copied straight from the request buffer into it.
 */
import { argIs, argLL, LL, parseLL, inInt64 } from './args.js';
import type { CommandContext } from './context.js';
import { incrByFloat, LD_ZERO, parseLongDouble } from './long-double.js';
import { ERR, errInvalidExpire, replyCurrentValue, wrongType } from './reply-helpers.js';
import { keySpec, type CommandSpec } from './types.js';
import { F_NOINT, F_RAW, KEEP_TTL, NO_TTL, TYPE_STRING } from '../keyspace/keyspace.js';
import { notifyArg } from '../pubsub/notify.js';
import { NOTIFY_GENERIC, NOTIFY_STRING } from '../pubsub/notify-flags.js';

// SET/GETEX option flags (Redis OBJ_SET_* / OBJ_* flags).
const O_NX = 1;
const O_XX = 2;
const O_GET = 4;
const O_KEEPTTL = 8;
const O_EX = 16;
const O_PX = 32;
const O_EXAT = 64;
const O_PXAT = 128;
const O_PERSIST = 256;
const O_ANY_EXPIRE = O_EX | O_PX | O_EXAT | O_PXAT;


/** Result of `parseSetOptions`: flags and the index of the expire argument. */
const parsed = { flags: 0, expIdx: 0 };

/**
 * Parses the options of SET (isSet) or GETEX from argument `first` on, with Redis's rules: NX/XX exclusive,
 * at most one kind of expiry among EX/PX/EXAT/PXAT/KEEPTTL (PERSIST for GETEX), the same kind may repeat.
 * Replies "ERR syntax error" and returns false on a bad combination.
 */
function parseSetOptions(ctx: CommandContext, first: number, isSet: boolean): boolean {
  const a = ctx.argv;
  let flags = 0;
  let expIdx = 0;
  for (let j = first; j < a.argc; j++) {
    const hasNext = j < a.argc - 1;
    if (isSet && argIs(a, j, 'nx') && (flags & O_XX) === 0) flags |= O_NX;
    else if (isSet && argIs(a, j, 'xx') && (flags & O_NX) === 0) flags |= O_XX;
    else if (isSet && argIs(a, j, 'get')) flags |= O_GET;
    else if (isSet && argIs(a, j, 'keepttl') && (flags & (O_PERSIST | O_ANY_EXPIRE)) === 0) flags |= O_KEEPTTL;
    else if (!isSet && argIs(a, j, 'persist') && (flags & (O_KEEPTTL | O_ANY_EXPIRE)) === 0) flags |= O_PERSIST;
    else if (argIs(a, j, 'ex') && hasNext && (flags & (O_KEEPTTL | O_PERSIST | O_PX | O_EXAT | O_PXAT)) === 0) {
      flags |= O_EX;
      expIdx = ++j;
    } else if (argIs(a, j, 'px') && hasNext && (flags & (O_KEEPTTL | O_PERSIST | O_EX | O_EXAT | O_PXAT)) === 0) {
      flags |= O_PX;
      expIdx = ++j;
    } else if (argIs(a, j, 'exat') && hasNext && (flags & (O_KEEPTTL | O_PERSIST | O_EX | O_PX | O_PXAT)) === 0) {
      flags |= O_EXAT;
      expIdx = ++j;
    } else if (argIs(a, j, 'pxat') && hasNext && (flags & (O_KEEPTTL | O_PERSIST | O_EX | O_PX | O_EXAT)) === 0) {
      flags |= O_PXAT;
      expIdx = ++j;
    } else {
      ctx.reply.error(ERR.syntax);
      return false;
    }
  }
  parsed.flags = flags;
  parsed.expIdx = expIdx;
  return true;
}

const INT64_MAX = 9223372036854775807;
const LLONG_MAX_DIV_1000 = 9223372036854775;

/**
 * The absolute expire time in ms for the expire argument at `idx` (Redis getExpireMillisecondsOrReply):
 * integer, > 0, relative to now for EX/PX. Replies the error and returns -1 when invalid.
 */
function expireMillis(ctx: CommandContext, idx: number, flags: number): number {
  if (!argLL(ctx.argv, idx)) {
    ctx.reply.error(ERR.notInteger);
    return -1;
  }
  let ms = LL.big !== null ? Number(LL.big) : LL.value;
  const seconds = (flags & (O_EX | O_EXAT)) !== 0;
  if (ms <= 0 || (seconds && ms > LLONG_MAX_DIV_1000)) {
    ctx.reply.error(errInvalidExpire(ctx));
    return -1;
  }
  if (seconds) ms *= 1000;
  if ((flags & (O_EX | O_PX)) !== 0) ms += ctx.ks.now;
  if (ms <= 0 || ms > INT64_MAX) {
    ctx.reply.error(errInvalidExpire(ctx));
    return -1;
  }
  return ms;
}

/**
 * SET and its relatives (Redis setGenericCommand): optional GET reply, NX/XX conditions, TTL.
 * @param expireAt absolute ms, NO_TTL, or KEEP_TTL
 * @param okReply reply on success: 0 "+OK", 1 ":1" (SETNX)
 */
function setGeneric(ctx: CommandContext, flags: number, keyIdx: number, valIdx: number, expireAt: number, okReply: number): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  const kb = a.buf;
  const ko = a.argOff[keyIdx];
  const kl = a.argLen[keyIdx];
  if ((flags & O_GET) !== 0) {
    if (ks.lookupRead(kb, ko, kl)) {
      if (wrongType(ctx, TYPE_STRING)) return;
      replyCurrentValue(ctx);
    } else ctx.reply.nullBulk();
  }
  const found = ks.lookupWrite(kb, ko, kl);
  if (((flags & O_NX) !== 0 && found) || ((flags & O_XX) !== 0 && !found)) {
    if ((flags & O_GET) === 0) {
      if (okReply === 1) ctx.reply.integer(0);
      else ctx.reply.nullBulk();
    }
    return;
  }
  ks.store(a.buf, a.argOff[valIdx], a.argLen[valIdx], (flags & O_KEEPTTL) !== 0 ? KEEP_TTL : expireAt);
  notifyArg(ctx, NOTIFY_STRING, 'set', keyIdx); // keyspace events
  if (expireAt > 0 && (flags & O_KEEPTTL) === 0) notifyArg(ctx, NOTIFY_GENERIC, 'expire', keyIdx);
  if ((flags & O_GET) === 0) {
    if (okReply === 1) ctx.reply.integer(1);
    else ctx.reply.ok();
  }
}

function setCommand(ctx: CommandContext): void {
  if (!parseSetOptions(ctx, 3, true)) return;
  const flags = parsed.flags;
  let expireAt = NO_TTL;
  if ((flags & O_ANY_EXPIRE) !== 0) {
    expireAt = expireMillis(ctx, parsed.expIdx, flags);
    if (expireAt < 0) return;
  }
  setGeneric(ctx, flags, 1, 2, expireAt, 0);
}

function setnxCommand(ctx: CommandContext): void {
  setGeneric(ctx, O_NX, 1, 2, NO_TTL, 1);
}

function setexCommand(ctx: CommandContext): void {
  const expireAt = expireMillis(ctx, 2, O_EX);
  if (expireAt < 0) return;
  setGeneric(ctx, 0, 1, 3, expireAt, 0);
}

function psetexCommand(ctx: CommandContext): void {
  const expireAt = expireMillis(ctx, 2, O_PX);
  if (expireAt < 0) return;
  setGeneric(ctx, 0, 1, 3, expireAt, 0);
}

function getCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  if (ctx.ks.lookupRead(a.buf, a.argOff[1], a.argLen[1])) {
    if (!wrongType(ctx, TYPE_STRING)) replyCurrentValue(ctx);
  } else ctx.reply.nullBulk();
}

function getsetCommand(ctx: CommandContext): void {
  setGeneric(ctx, O_GET, 1, 2, NO_TTL, 0);
}

function getdelCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (!ks.lookupRead(a.buf, a.argOff[1], a.argLen[1])) {
    ctx.reply.nullBulk();
    return;
  }
  if (wrongType(ctx, TYPE_STRING)) return;
  replyCurrentValue(ctx);
  ks.removeCurrent();
  notifyArg(ctx, NOTIFY_GENERIC, 'del', 1); // keyspace event
}

function getexCommand(ctx: CommandContext): void {
  if (!parseSetOptions(ctx, 2, false)) return;
  const flags = parsed.flags;
  const a = ctx.argv;
  const ks = ctx.ks;
  // Redis looks the key up before it validates the expire time: a missing key answers nil either way.
  if (!ks.lookupRead(a.buf, a.argOff[1], a.argLen[1])) {
    ctx.reply.nullBulk();
    return;
  }
  if (wrongType(ctx, TYPE_STRING)) return;
  let expireAt = NO_TTL;
  if ((flags & O_ANY_EXPIRE) !== 0) {
    expireAt = expireMillis(ctx, parsed.expIdx, flags);
    if (expireAt < 0) return;
  }
  // expireMillis may have run other lookups: none, so the current item is still the key's.
  replyCurrentValue(ctx);
  if ((flags & O_ANY_EXPIRE) !== 0) {
    if (expireAt <= ks.now) ks.removeCurrent();
    else ks.setExpire(expireAt);
    notifyArg(ctx, NOTIFY_GENERIC, expireAt <= ks.now ? 'del' : 'expire', 1); // keyspace event
  } else if ((flags & O_PERSIST) !== 0) {
    const had = ks.hasTtl();
    ks.setExpire(0);
    if (had) notifyArg(ctx, NOTIFY_GENERIC, 'persist', 1); // keyspace event
  }
}

function mgetCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  ctx.reply.arrayLen(a.argc - 1);
  for (let j = 1; j < a.argc; j++) {
    // A key of another type reads as nil (Redis mgetCommand).
    if (ks.lookupRead(a.buf, a.argOff[j], a.argLen[j]) && ks.type() === TYPE_STRING) replyCurrentValue(ctx);
    else ctx.reply.nullBulk();
  }
}

function msetGeneric(ctx: CommandContext, nx: boolean): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (a.argc % 2 === 0) {
    ctx.reply.error(`ERR wrong number of arguments for '${ctx.cmd.fullName}' command`);
    return;
  }
  if (nx) {
    for (let j = 1; j < a.argc; j += 2) {
      if (ks.lookupWrite(a.buf, a.argOff[j], a.argLen[j])) {
        ctx.reply.integer(0);
        return;
      }
    }
  }
  for (let j = 1; j < a.argc; j += 2) {
    ks.lookupWrite(a.buf, a.argOff[j], a.argLen[j]);
    ks.store(a.buf, a.argOff[j + 1], a.argLen[j + 1], NO_TTL);
    notifyArg(ctx, NOTIFY_STRING, 'set', j); // keyspace event
  }
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

/** Scratch buffer for integers written as values. */
const numBuf = Buffer.allocUnsafe(64);

/**
 * INCR/DECR/INCRBY/DECRBY on the key at argument 1 (Redis incrDecrCommand): the stored value must be a strict
 * 64-bit integer; the TTL is kept.
 */
function incrDecr(ctx: CommandContext, incr: number, incrBig: bigint | null): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  let old = 0;
  let oldBig: bigint | null = null;
  const found = ks.lookupWrite(a.buf, a.argOff[1], a.argLen[1]);
  if (found) {
    if (wrongType(ctx, TYPE_STRING)) return;
    if (!parseLL(ks.ext.u8, ks.valOff(), ks.valLen())) {
      ctx.reply.error(ERR.notInteger);
      return;
    }
    old = LL.value;
    oldBig = LL.big;
  }
  let len: number;
  let result = old + incr;
  if (oldBig === null && incrBig === null && Number.isSafeInteger(result)) {
    len = writeInt(numBuf, result);
  } else {
    const r = (oldBig ?? BigInt(old)) + (incrBig ?? BigInt(incr));
    if (!inInt64(r)) {
      ctx.reply.error(ERR.overflow);
      return;
    }
    len = numBuf.write(r.toString(), 0, 'latin1');
    result = Number(r);
    if (!Number.isSafeInteger(result)) {
      ks.store(numBuf, 0, len, KEEP_TTL);
      notifyArg(ctx, NOTIFY_STRING, 'incrby', 1); // keyspace event
      ctx.reply.bigInteger(r);
      return;
    }
  }
  ks.store(numBuf, 0, len, KEEP_TTL);
  notifyArg(ctx, NOTIFY_STRING, 'incrby', 1); // keyspace event
  ctx.reply.integer(result);
}

/** Writes a safe integer as ASCII digits into `b` at 0; returns the length. */
function writeInt(b: Buffer, n: number): number {
  if (n === 0) {
    b[0] = 48;
    return 1;
  }
  let p = 0;
  if (n < 0) {
    b[p++] = 45;
    n = -n;
  }
  let digits = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
  for (let i = p + digits - 1; i >= p; i--) {
    b[i] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  return p + digits;
}

function incrCommand(ctx: CommandContext): void {
  incrDecr(ctx, 1, null);
}
function decrCommand(ctx: CommandContext): void {
  incrDecr(ctx, -1, null);
}
function incrbyCommand(ctx: CommandContext): void {
  if (!argLL(ctx.argv, 2)) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  incrDecr(ctx, LL.value, LL.big);
}
function decrbyCommand(ctx: CommandContext): void {
  if (!argLL(ctx.argv, 2)) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  if (LL.big !== null && LL.big === -(2n ** 63n)) {
    ctx.reply.error('ERR decrement would overflow');
    return;
  }
  incrDecr(ctx, -LL.value, LL.big !== null ? -LL.big : null);
}

function incrbyfloatCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  let current: ReturnType<typeof parseLongDouble> = LD_ZERO;
  if (ks.lookupWrite(a.buf, a.argOff[1], a.argLen[1])) {
    if (wrongType(ctx, TYPE_STRING)) return;
    current = parseLongDouble(ks.ext.u8, ks.valOff(), ks.valLen());
  }
  const incr = current === null ? null : parseLongDouble(a.buf, a.argOff[2], a.argLen[2]);
  if (current === null || incr === null) {
    ctx.reply.error(ERR.notFloat);
    return;
  }
  const text = incrByFloat(current, incr);
  if (text === null) {
    ctx.reply.error(ERR.nanOrInf);
    return;
  }
  const src = Buffer.from(text, 'latin1');
  const voff = ks.storeAlloc(src.length, KEEP_TTL, F_NOINT);
  ks.ext.u8.set(src, voff);
  notifyArg(ctx, NOTIFY_STRING, 'incrbyfloat', 1); // keyspace event
  ctx.reply.bulk(src, 0, src.length);
}

function appendCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  const add = a.argLen[2];
  if (!ks.lookupWrite(a.buf, a.argOff[1], a.argLen[1])) {
    ks.store(a.buf, a.argOff[2], add, NO_TTL);
    notifyArg(ctx, NOTIFY_STRING, 'append', 1); // keyspace event
    ctx.reply.integer(add);
    return;
  }
  if (wrongType(ctx, TYPE_STRING)) return;
  const oldLen = ks.valLen();
  const total = oldLen + add;
  if (total > ctx.server.config.protoMaxBulkLen) {
    ctx.reply.error(ERR.stringTooLong);
    return;
  }
  const voff = ks.resizeValue(total);
  ks.ext.u8.set(a.buf.subarray(a.argOff[2], a.argOff[2] + add), voff + oldLen);
  notifyArg(ctx, NOTIFY_STRING, 'append', 1); // keyspace event
  ctx.reply.integer(total);
}

function strlenCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  if (!ctx.ks.lookupRead(a.buf, a.argOff[1], a.argLen[1])) ctx.reply.integer(0);
  else if (!wrongType(ctx, TYPE_STRING)) ctx.reply.integer(ctx.ks.valLen());
}

function getrangeCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (!argLL(a, 2)) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  let start = LL.value;
  if (!argLL(a, 3)) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  let end = LL.value;
  if (!ks.lookupRead(a.buf, a.argOff[1], a.argLen[1])) {
    ctx.reply.bulk(a.buf, 0, 0);
    return;
  }
  if (wrongType(ctx, TYPE_STRING)) return;
  const len = ks.valLen();
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.bulk(a.buf, 0, 0);
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) {
    ctx.reply.bulk(a.buf, 0, 0);
    return;
  }
  ctx.reply.bulk(ks.ext.u8, ks.valOff() + start, end - start + 1);
}

function setrangeCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (!argLL(a, 2)) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  const offset = LL.value;
  if (offset < 0) {
    ctx.reply.error(ERR.offsetRange);
    return;
  }
  const vl = a.argLen[3];
  const vo = a.argOff[3];
  const found = ks.lookupWrite(a.buf, a.argOff[1], a.argLen[1]);
  if (!found) {
    if (vl === 0) {
      ctx.reply.integer(0);
      return;
    }
    if (offset + vl > ctx.server.config.protoMaxBulkLen) {
      ctx.reply.error(ERR.stringTooLong);
      return;
    }
    // Redis creates SETRANGE results as raw strings.
    const voff = ks.storeAlloc(offset + vl, NO_TTL, F_RAW);
    const u8 = ks.ext.u8;
    u8.fill(0, voff, voff + offset);
    u8.set(a.buf.subarray(vo, vo + vl), voff + offset);
    notifyArg(ctx, NOTIFY_STRING, 'setrange', 1); // keyspace event
    ctx.reply.integer(offset + vl);
    return;
  }
  if (wrongType(ctx, TYPE_STRING)) return;
  const oldLen = ks.valLen();
  if (vl === 0) {
    ctx.reply.integer(oldLen);
    return;
  }
  if (offset + vl > ctx.server.config.protoMaxBulkLen) {
    ctx.reply.error(ERR.stringTooLong);
    return;
  }
  const newLen = Math.max(oldLen, offset + vl);
  const voff = ks.resizeValue(newLen);
  const u8 = ks.ext.u8;
  if (offset > oldLen) u8.fill(0, voff + oldLen, voff + offset);
  u8.set(a.buf.subarray(vo, vo + vl), voff + offset);
  notifyArg(ctx, NOTIFY_STRING, 'setrange', 1); // keyspace event
  ctx.reply.integer(newLen);
}

const KEY1 = { firstKey: 1, lastKey: 1, step: 1 };
const G = { group: 'string' };

/** The string commands of the table. */
export const stringCommands: CommandSpec[] = [
  {
    name: 'get', arity: 2, flags: ['readonly', 'fast'], ...KEY1, ...G, acl: ['read', 'fast'], since: '1.0.0',
    summary: 'Returns the string value of a key.', complexity: 'O(1)', keySpecs: [keySpec(['RO', 'access'])], handler: getCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  },
  {
    name: 'set', arity: -3, flags: ['write', 'denyoom'], ...KEY1, ...G, acl: ['write', 'slow'], since: '1.0.0',
    summary: 'Sets the string value of a key, optionally only if it exists or not, with an optional TTL; can return the old value.',
    complexity: 'O(1)', keySpecs: [keySpec(['RW', 'access', 'update', 'variable_flags'], 1, 0, 1, 'RW and ACCESS due to the optional `GET` argument')], handler: setCommand,
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'value', type: 'string' },
      { name: 'condition', type: 'oneof', optional: true, since: '2.6.12', arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' }, { name: 'xx', type: 'pure-token', token: 'XX' }] },
      { name: 'get', type: 'pure-token', token: 'GET', optional: true, since: '6.2.0' },
      { name: 'expiration', type: 'oneof', optional: true, arguments: [
        { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
        { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
        { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
        { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT', since: '6.2.0' },
        { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL', since: '6.0.0' }] },
    ],
  },
  {
    name: 'setnx', arity: 3, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['write', 'fast'], since: '1.0.0',
    summary: 'Sets the string value of a key only when the key does not exist.', complexity: 'O(1)', keySpecs: [keySpec(['OW', 'insert'])], handler: setnxCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'value', type: 'string' }],
  },
  {
    name: 'setex', arity: 4, flags: ['write', 'denyoom'], ...KEY1, ...G, acl: ['write', 'slow'], since: '2.0.0',
    summary: 'Sets the string value and the TTL in seconds of a key.', complexity: 'O(1)', keySpecs: [keySpec(['OW', 'update'])], handler: setexCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'seconds', type: 'integer' }, { name: 'value', type: 'string' }],
  },
  {
    name: 'psetex', arity: 4, flags: ['write', 'denyoom'], ...KEY1, ...G, acl: ['write', 'slow'], since: '2.6.0',
    summary: 'Sets the string value and the TTL in milliseconds of a key.', complexity: 'O(1)', keySpecs: [keySpec(['OW', 'update'])], handler: psetexCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'milliseconds', type: 'integer' }, { name: 'value', type: 'string' }],
  },
  {
    name: 'getset', arity: 3, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['write', 'fast'], since: '1.0.0',
    summary: 'Sets the string value of a key and returns the previous value.', complexity: 'O(1)', keySpecs: [keySpec(['RW', 'access', 'update'])], deprecatedSince: '6.2.0', handler: getsetCommand,
    docFlags: ['deprecated'],
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'value', type: 'string' }],
  },
  {
    name: 'getdel', arity: 2, flags: ['write', 'fast'], ...KEY1, ...G, acl: ['write', 'fast'], since: '6.2.0',
    summary: 'Returns the string value of a key and deletes the key.', complexity: 'O(1)', keySpecs: [keySpec(['RW', 'access', 'delete'])], handler: getdelCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  },
  {
    name: 'getex', arity: -2, flags: ['write', 'fast'], ...KEY1, ...G, acl: ['write', 'fast'], since: '6.2.0',
    summary: 'Returns the string value of a key and sets or removes its TTL.', complexity: 'O(1)', keySpecs: [keySpec(['RW', 'access', 'update'], 1, 0, 1, 'RW and UPDATE because it changes the TTL')], handler: getexCommand,
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'expiration', type: 'oneof', optional: true, arguments: [
        { name: 'seconds', type: 'integer', token: 'EX' },
        { name: 'milliseconds', type: 'integer', token: 'PX' },
        { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT' },
        { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT' },
        { name: 'persist', type: 'pure-token', token: 'PERSIST' }] },
    ],
  },
  {
    name: 'mget', arity: -2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: -1, step: 1, ...G, acl: ['read', 'fast'],
    since: '1.0.0', summary: 'Returns the string values of one or more keys.', complexity: 'O(N) where N is the number of keys',
    keySpecs: [keySpec(['RO', 'access'], 1, -1, 1)], tips: ['request_policy:multi_shard'], handler: mgetCommand, arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
  },
  {
    name: 'mset', arity: -3, flags: ['write', 'denyoom'], firstKey: 1, lastKey: -1, step: 2, ...G, acl: ['write', 'slow'],
    since: '1.0.1', summary: 'Sets the string values of one or more keys.', complexity: 'O(N) where N is the number of keys',
    keySpecs: [keySpec(['OW', 'update'], 1, -1, 2)], tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'], handler: (ctx) => msetGeneric(ctx, false),
    arguments: [{ name: 'key_value', type: 'block', multiple: true, arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'value', type: 'string' }] }],
  },
  {
    name: 'msetnx', arity: -3, flags: ['write', 'denyoom'], firstKey: 1, lastKey: -1, step: 2, ...G, acl: ['write', 'slow'],
    since: '1.0.1', summary: 'Sets the string values of one or more keys only when none of them exists.',
    complexity: 'O(N) where N is the number of keys', keySpecs: [keySpec(['OW', 'insert'], 1, -1, 2)], tips: ['request_policy:multi_shard', 'response_policy:agg_min'], handler: (ctx) => msetGeneric(ctx, true),
    arguments: [{ name: 'key_value', type: 'block', multiple: true, arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'value', type: 'string' }] }],
  },
  {
    name: 'incr', arity: 2, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['write', 'fast'], since: '1.0.0',
    summary: 'Adds one to the integer value of a key (0 when absent).', complexity: 'O(1)', keySpecs: [keySpec(['RW', 'access', 'update'])], handler: incrCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  },
  {
    name: 'decr', arity: 2, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['write', 'fast'], since: '1.0.0',
    summary: 'Subtracts one from the integer value of a key (0 when absent).', complexity: 'O(1)', keySpecs: [keySpec(['RW', 'access', 'update'])], handler: decrCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  },
  {
    name: 'incrby', arity: 3, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['write', 'fast'], since: '1.0.0',
    summary: 'Adds an integer to the integer value of a key (0 when absent).', complexity: 'O(1)', keySpecs: [keySpec(['RW', 'access', 'update'])], handler: incrbyCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'increment', type: 'integer' }],
  },
  {
    name: 'decrby', arity: 3, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['write', 'fast'], since: '1.0.0',
    summary: 'Subtracts an integer from the integer value of a key (0 when absent).', complexity: 'O(1)', keySpecs: [keySpec(['RW', 'access', 'update'])], handler: decrbyCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'decrement', type: 'integer' }],
  },
  {
    name: 'incrbyfloat', arity: 3, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['write', 'fast'], since: '2.6.0',
    summary: 'Adds a floating-point number to the numeric value of a key (0 when absent).', complexity: 'O(1)',
    keySpecs: [keySpec(['RW', 'access', 'update'])], handler: incrbyfloatCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'increment', type: 'double' }],
  },
  {
    name: 'append', arity: 3, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['write', 'fast'], since: '2.0.0',
    summary: 'Appends bytes to the string value of a key (creating it when absent).', complexity: 'O(1) amortized',
    keySpecs: [keySpec(['RW', 'insert'])], handler: appendCommand, arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'value', type: 'string' }],
  },
  {
    name: 'strlen', arity: 2, flags: ['readonly', 'fast'], ...KEY1, ...G, acl: ['read', 'fast'], since: '2.2.0',
    summary: 'Returns the length in bytes of the string value of a key.', complexity: 'O(1)', keySpecs: [keySpec(['RO'])], handler: strlenCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  },
  {
    name: 'getrange', arity: 4, flags: ['readonly'], ...KEY1, ...G, acl: ['read', 'slow'], since: '2.4.0',
    summary: 'Returns a substring of the string value of a key (inclusive offsets, negative from the end).',
    complexity: 'O(N) where N is the length of the returned string', keySpecs: [keySpec(['RO', 'access'])], handler: getrangeCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }],
  },
  {
    name: 'substr', arity: 4, flags: ['readonly'], ...KEY1, ...G, acl: ['read', 'slow'], since: '1.0.0',
    summary: 'Returns a substring of the string value of a key (old name of GETRANGE).', docFlags: ['deprecated'],
    complexity: 'O(N) where N is the length of the returned string', keySpecs: [keySpec(['RO', 'access'])], deprecatedSince: '2.0.0', handler: getrangeCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }],
  },
  {
    name: 'setrange', arity: 4, flags: ['write', 'denyoom'], ...KEY1, ...G, acl: ['write', 'slow'], since: '2.2.0',
    summary: 'Overwrites part of the string value of a key at an offset, zero-padding as needed.',
    complexity: 'O(1), not counting the time taken to copy the new string in place', keySpecs: [keySpec(['RW', 'update'])], handler: setrangeCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'offset', type: 'integer' }, { name: 'value', type: 'string' }],
  },
];
