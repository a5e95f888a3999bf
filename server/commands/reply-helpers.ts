/**
 * Replies shared by many commands: the current item's value, and Redis's common error texts (one table, so
 * that every command says the same thing the same way, as Redis's `shared.*` objects do).
 */
import { F_NOINT, F_RAW, TYPE_HASH, TYPE_LIST, TYPE_SET, TYPE_ZSET } from '../keyspace/keyspace.js';
import type { CommandContext } from './context.js';
import { argLL, LL, parseLL } from './args.js';
import { notifyArg } from '../pubsub/notify.js';
import { NOTIFY_GENERIC } from '../pubsub/notify-flags.js';

/** Redis's error texts (without the leading '-'). */
export const ERR = {
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  nanOrInf: 'ERR increment would produce NaN or Infinity',
  noSuchKey: 'ERR no such key',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  offsetRange: 'ERR offset is out of range',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  noAuth: 'NOAUTH Authentication required.',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  dbRange: 'ERR DB index is out of range',
  invalidCursor: 'ERR invalid cursor',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
} as const;

/**
 * "ERR value is out of range, value must between <min> and <max>" (Redis getRangeLongFromObjectOrReply, its
 * wording kept: "must between").
 */
export function errRange(min: number, max: number): string {
  return `ERR value is out of range, value must between ${min} and ${max}`;
}

/** "ERR invalid expire time in '<cmd>' command". */
export function errInvalidExpire(ctx: CommandContext): string {
  return `ERR invalid expire time in '${ctx.cmd.fullName}' command`;
}

/**
 * Redis's checkType: when the keyspace's current item is not of `type` (keyspace.ts TYPE_STRING, TYPE_HASH...),
 * replies WRONGTYPE and returns true.
 */
export function wrongType(ctx: CommandContext, type: number): boolean {
  if (ctx.ks.type() === type) return false;
  ctx.reply.error(ERR.wrongType);
  return true;
}

/**
 * The largest number of draws tierkv makes for a negative SRANDMEMBER/HRANDFIELD count: proto-max-bulk-len / 32
 * (16,777,216 by default). Redis 7.0 has no bound and grows until the OOM killer stops it (`SRANDMEMBER s
 * -9223372036854775807`); tierkv refuses beyond it with `ERR value is out of range` (README "Differences").
 */
export function maxRandomDraws(ctx: CommandContext): number {
  return Math.floor(ctx.server.config.protoMaxBulkLen / 32);
}

/**
 * Checks argument `i` as a database index (Redis getIntFromObjectOrReply, then selectDb): an int32, and 0, the
 * only database tierkv has (SELECT, COPY ... DB). Replies the error itself.
 * @returns true for database 0
 */
export function dbIndexArg(ctx: CommandContext, i: number): boolean {
  if (!argLL(ctx.argv, i)) {
    ctx.reply.error(ERR.notInteger);
    return false;
  }
  if (LL.big !== null || LL.value < -2147483648 || LL.value > 2147483647) {
    ctx.reply.error(errRange(-2147483648, 2147483647));
    return false;
  }
  if (LL.value !== 0) {
    ctx.reply.error(ERR.dbRange);
    return false;
  }
  return true;
}

/** Values at least this long, held by a jumbo item, are sent by reference instead of copied. */
const ZERO_COPY_MIN = 64 * 1024;

/**
 * Replies with the value of the keyspace's current item as a bulk string: what the item holds now, whenever the
 * client reads it.
 *
 * How the zero-copy case stays a snapshot: a value held by a jumbo item (an extent of its own, never reused for
 * another item) is sent as a view of the extent, and the reply writer pins the extent (extent.ts `pins`) until the
 * socket has written it. While pinned, the keyspace never writes the extent in place (SET of the same size, APPEND,
 * SETRANGE move the item to a new extent: copy-on-write, keyspace.ts `storeAlloc`/`resizeValue`); a delete, an
 * eviction or a tier drop only drops the arena's reference (the view keeps the bytes alive until written), and a
 * released extent is never zeroed or reused while pinned. Every other value is copied into the reply.
 */
export function replyCurrentValue(ctx: CommandContext): void {
  const ks = ctx.ks;
  const len = ks.valLen();
  const off = ks.valOff();
  if (len >= ZERO_COPY_MIN && ks.arena.isJumbo(ks.addr)) {
    ctx.reply.bulkRef(ks.ext.buf.subarray(off, off + len), ks.ext);
  } else {
    ctx.reply.bulkFromExtent(ks.ext, off, len);
  }
}

/**
 * OBJECT ENCODING of the current item, as Redis would report it: for a string, "int" for a canonical integer of
 * at most 20 bytes (Redis tryObjectEncoding), "embstr" up to 44 bytes, "raw" above or after an in-place edit; for a
 * collection, its encoding's name (listpack, intset, hashtable, quicklist).
 */
export function currentEncoding(ctx: CommandContext): string {
  const ks = ctx.ks;
  const type = ks.type();
  if (type === TYPE_HASH) return ctx.hashes.encoding();
  if (type === TYPE_SET) return ctx.sets.encoding();
  if (type === TYPE_LIST) return ctx.lists.encoding();
  if (type === TYPE_ZSET) return ctx.zsets.encoding();
  const len = ks.valLen();
  const flags = ks.flags();
  if ((flags & F_RAW) !== 0) return 'raw';
  if ((flags & F_NOINT) === 0 && len <= 20 && parseLL(ks.ext.u8, ks.valOff(), len)) return 'int';
  return len <= 44 ? 'embstr' : 'raw';
}

/** Replies with help lines as an array of simple strings. */
export function helpLines(ctx: CommandContext, lines: string[]): void {
  ctx.reply.arrayLen(lines.length);
  for (const l of lines) ctx.reply.simple(l);
}

// ----- typed key lookups (the collection commands: sets.ts, zsets.ts) ---------------------------------------------

/** {@link lookupTyped} results. */
export const MISSING = 0;
export const FOUND = 1;
export const WRONG_TYPE = -1;

/**
 * Looks up the key of argument `i` (Redis lookupKeyRead, or lookupKeyWrite when `write`); when found it is the
 * keyspace's current item.
 * @returns FOUND when it holds `type`, MISSING, or WRONG_TYPE (nothing replied)
 */
export function lookupTyped(ctx: CommandContext, i: number, type: number, write: boolean): number {
  const a = ctx.argv;
  const ks = ctx.ks;
  const found = write ? ks.lookupWrite(a.buf, a.argOff[i], a.argLen[i]) : ks.lookupRead(a.buf, a.argOff[i], a.argLen[i]);
  if (!found) return MISSING;
  return ks.type() === type ? FOUND : WRONG_TYPE;
}

/** Makes the key of argument `i` current again (without statistics). @returns false when it no longer exists */
export function refindArg(ctx: CommandContext, i: number): boolean {
  const a = ctx.argv;
  return ctx.ks.find(a.buf, a.argOff[i], a.argLen[i]);
}

/** Deletes the key of argument `i` (a collection a command emptied), with its `del` keyspace event. */
export function deleteKeyArg(ctx: CommandContext, i: number): void {
  if (refindArg(ctx, i)) ctx.ks.removeCurrent();
  notifyArg(ctx, NOTIFY_GENERIC, 'del', i); // keyspace event
}
