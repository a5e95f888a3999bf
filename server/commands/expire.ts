/**
 * TTL commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (with NX XX GT LT), TTL PTTL EXPIRETIME PEXPIRETIME PERSIST.
 * Semantics and error texts follow Redis 7.0 (src/expire.c expireGenericCommand, ttlGenericCommand).
 * Expire times are kept as ms since the Unix epoch in a float64 in the item (exact up to 2^53 ms, i.e. for any
 * date before the year 287,000).
 */
import { argCStr, argIs, argLL, LL } from './args.js';
import type { CommandContext } from './context.js';
import { ERR, errInvalidExpire } from './reply-helpers.js';
import { keySpec, type CommandSpec } from './types.js';
import { notifyArg } from '../pubsub/notify.js';
import { NOTIFY_GENERIC } from '../pubsub/notify-flags.js';

const E_NX = 1;
const E_XX = 2;
const E_GT = 4;
const E_LT = 8;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * EXPIRE family.
 * @param relative true for EXPIRE/PEXPIRE (the time is added to now)
 * @param seconds true for EXPIRE/EXPIREAT (the time is in seconds)
 */
function expireGeneric(ctx: CommandContext, relative: boolean, seconds: boolean): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  let flags = 0;
  for (let j = 3; j < a.argc; j++) {
    if (argIs(a, j, 'nx')) flags |= E_NX;
    else if (argIs(a, j, 'xx')) flags |= E_XX;
    else if (argIs(a, j, 'gt')) flags |= E_GT;
    else if (argIs(a, j, 'lt')) flags |= E_LT;
    else {
      ctx.reply.errorLatin1(`ERR Unsupported option ${argCStr(a, j)}`);
      return;
    }
  }
  if ((flags & E_NX) !== 0 && (flags & (E_XX | E_GT | E_LT)) !== 0) {
    ctx.reply.error('ERR NX and XX, GT or LT options at the same time are not compatible');
    return;
  }
  if ((flags & E_GT) !== 0 && (flags & E_LT) !== 0) {
    ctx.reply.error('ERR GT and LT options at the same time are not compatible');
    return;
  }
  if (!argLL(a, 2)) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  let when = LL.big !== null ? LL.big : BigInt(LL.value);
  if (seconds) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) {
      ctx.reply.error(errInvalidExpire(ctx));
      return;
    }
    when *= 1000n;
  }
  const base = relative ? BigInt(ks.now) : 0n;
  if (when > INT64_MAX - base) {
    ctx.reply.error(errInvalidExpire(ctx));
    return;
  }
  when += base;
  if (!ks.lookupWrite(a.buf, a.argOff[1], a.argLen[1])) {
    ctx.reply.integer(0);
    return;
  }
  const whenMs = Number(when);
  if (flags !== 0) {
    const current = ks.expireAt();
    const has = current > 0;
    if ((flags & E_NX) !== 0 && has) return ctx.reply.integer(0);
    if ((flags & E_XX) !== 0 && !has) return ctx.reply.integer(0);
    if ((flags & E_GT) !== 0 && (!has || whenMs <= current)) return ctx.reply.integer(0);
    if ((flags & E_LT) !== 0 && has && whenMs >= current) return ctx.reply.integer(0);
  }
  if (whenMs <= ks.now) {
    // Redis deletes a key whose new expire time has already passed (checkAlreadyExpired).
    ks.removeCurrent();
    notifyArg(ctx, NOTIFY_GENERIC, 'del', 1); // keyspace event
  } else {
    ks.setExpire(whenMs);
    notifyArg(ctx, NOTIFY_GENERIC, 'expire', 1); // keyspace event
  }
  ctx.reply.integer(1);
}

/** TTL family: -2 no key, -1 no TTL; remaining or absolute time in s (rounded) or ms. */
function ttlGeneric(ctx: CommandContext, ms: boolean, absolute: boolean): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (!ks.lookupRead(a.buf, a.argOff[1], a.argLen[1], true)) {
    ctx.reply.integer(-2);
    return;
  }
  const at = ks.expireAt();
  if (at === 0) {
    ctx.reply.integer(-1);
    return;
  }
  let t = absolute ? at : at - ks.now;
  if (t < 0) t = 0;
  const v = ms ? t : Math.floor((t + 500) / 1000);
  // Expire times beyond 2^53 ms are stored rounded (float64); reply with their integer value, which near the top
  // of the range may round up past 2^63 - 1 (EXPIREAT k 9223372036854775 is 9223372036854775000 ms): clamp it.
  if (Number.isSafeInteger(v)) ctx.reply.integer(v);
  else ctx.reply.bigInteger(bigMin(BigInt(Math.round(v)), INT64_MAX));
}

const bigMin = (a: bigint, b: bigint): bigint => (a < b ? a : b);

function persistCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (!ks.lookupWrite(a.buf, a.argOff[1], a.argLen[1]) || ks.expireAt() === 0) {
    ctx.reply.integer(0);
    return;
  }
  ks.setExpire(0);
  notifyArg(ctx, NOTIFY_GENERIC, 'persist', 1); // keyspace event
  ctx.reply.integer(1);
}

const G = { group: 'generic' };
const KEY1 = { firstKey: 1, lastKey: 1, step: 1 };
const keyArg = { name: 'key', type: 'key' as const, keySpecIndex: 0 };
const condArg = {
  name: 'condition', type: 'oneof' as const, optional: true, since: '7.0.0',
  arguments: [
    { name: 'nx', type: 'pure-token' as const, token: 'NX' },
    { name: 'xx', type: 'pure-token' as const, token: 'XX' },
    { name: 'gt', type: 'pure-token' as const, token: 'GT' },
    { name: 'lt', type: 'pure-token' as const, token: 'LT' },
  ],
};
const W = { flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast'], keySpecs: [keySpec(['RW', 'update'])] };
const R = { flags: ['readonly', 'fast'], acl: ['keyspace', 'read', 'fast'], keySpecs: [keySpec(['RO', 'access'])] };

/** The TTL commands of the table. */
export const expireCommands: CommandSpec[] = [
  { name: 'expire', arity: -3, ...W, ...KEY1, ...G, since: '1.0.0', complexity: 'O(1)',
    summary: 'Sets the TTL of a key in seconds.', handler: (ctx) => expireGeneric(ctx, true, true),
    arguments: [keyArg, { name: 'seconds', type: 'integer' }, condArg] },
  { name: 'pexpire', arity: -3, ...W, ...KEY1, ...G, since: '2.6.0', complexity: 'O(1)',
    summary: 'Sets the TTL of a key in milliseconds.', handler: (ctx) => expireGeneric(ctx, true, false),
    arguments: [keyArg, { name: 'milliseconds', type: 'integer' }, condArg] },
  { name: 'expireat', arity: -3, ...W, ...KEY1, ...G, since: '1.2.0', complexity: 'O(1)',
    summary: 'Sets the expire time of a key as a Unix time in seconds.', handler: (ctx) => expireGeneric(ctx, false, true),
    arguments: [keyArg, { name: 'unix-time-seconds', type: 'unix-time' }, condArg] },
  { name: 'pexpireat', arity: -3, ...W, ...KEY1, ...G, since: '2.6.0', complexity: 'O(1)',
    summary: 'Sets the expire time of a key as a Unix time in milliseconds.', handler: (ctx) => expireGeneric(ctx, false, false),
    arguments: [keyArg, { name: 'unix-time-milliseconds', type: 'unix-time' }, condArg] },
  { name: 'ttl', arity: 2, ...R, tips: ['nondeterministic_output'], ...KEY1, ...G, since: '1.0.0', complexity: 'O(1)',
    summary: 'Returns the remaining TTL of a key in seconds (-1: none, -2: no key).', handler: (ctx) => ttlGeneric(ctx, false, false),
    arguments: [keyArg] },
  { name: 'pttl', arity: 2, ...R, tips: ['nondeterministic_output'], ...KEY1, ...G, since: '2.6.0', complexity: 'O(1)',
    summary: 'Returns the remaining TTL of a key in milliseconds (-1: none, -2: no key).', handler: (ctx) => ttlGeneric(ctx, true, false),
    arguments: [keyArg] },
  { name: 'expiretime', arity: 2, ...R, ...KEY1, ...G, since: '7.0.0', complexity: 'O(1)',
    summary: 'Returns the expire time of a key as a Unix time in seconds (-1: none, -2: no key).', handler: (ctx) => ttlGeneric(ctx, false, true),
    arguments: [keyArg] },
  { name: 'pexpiretime', arity: 2, ...R, ...KEY1, ...G, since: '7.0.0', complexity: 'O(1)',
    summary: 'Returns the expire time of a key as a Unix time in milliseconds (-1: none, -2: no key).', handler: (ctx) => ttlGeneric(ctx, true, true),
    arguments: [keyArg] },
  { name: 'persist', arity: 2, ...W, ...KEY1, ...G, since: '2.2.0', complexity: 'O(1)',
    summary: 'Removes the TTL of a key.', handler: persistCommand, arguments: [keyArg] },
];
