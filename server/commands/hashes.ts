/**
 * Hash commands: HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL HINCRBY HINCRBYFLOAT
 * HRANDFIELD HSCAN, with redis-server 7.0.15's semantics (src/t_hash.c, scanGenericCommand of src/db.c): the order
 * of the checks (argument errors before or after the key lookup, as Redis does each), error texts, reply types in
 * RESP2 and RESP3 (HGETALL a map, HRANDFIELD WITHVALUES pairs in RESP3), keyspace events. The code is our own.
 *
 * How it works: the hash is the keyspace's current item, read and written through `ctx.hashes` (keyspace/hash-type.ts),
 * which keeps it as a listpack or a hashtable exactly when Redis would (hash-max-listpack-entries/value) and leaves
 * the results of a lookup or an iteration as byte ranges of the arena. Those ranges are copied into the reply (or
 * parsed) before the next write or lookup. A write to a missing key first creates an empty listpack hash and then
 * adds at least one field (Redis's hashTypeLookupWriteOrCreate); a HDEL that removes the last field deletes the
 * key, with a `del` event after the `hdel` one.
 *
 * Allocation: the lookups, writes and replies allocate nothing, except HINCRBY beyond ±2^53 (BigInt), HINCRBYFLOAT
 * (its long double arithmetic, long-double.ts), HRANDFIELD with a positive count below the size (one byte per field
 * to mark the chosen ones) and HSCAN (the fields and values of one step are copied before the reply is written).
 */
import { argIs, argLL, LL, parseLL } from './args.js';
import type { CommandContext } from './context.js';
import { SCAN_OPTS, parseScanCursor, parseScanOptions } from './keys.js';
import { parseLongDouble, incrByFloat, LD_ZERO } from './long-double.js';
import { ERR, maxRandomDraws } from './reply-helpers.js';
import { keySpec, type CommandSpec } from './types.js';
import { globMatch, isMatchAll } from '../keyspace/glob.js';
import { TYPE_HASH } from '../keyspace/keyspace.js';
import { notifyArg } from '../pubsub/notify.js';
import { NOTIFY_GENERIC, NOTIFY_HASH } from '../pubsub/notify-flags.js';

const ERR_HASH_NOT_INTEGER = 'ERR hash value is not an integer';
const ERR_HASH_NOT_FLOAT = 'ERR hash value is not a float';
const ERR_INCR_NAN_INF = 'ERR value is NaN or Infinity';
/** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) for HRANDFIELD's count (the bounds are beyond 2^53). */
const ERR_COUNT_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
const ERR_OUT_OF_RANGE = 'ERR value is out of range';
const INT64_MIN_BIG = -(2n ** 63n);
/** LONG_MAX / 2: the largest |count| HRANDFIELD accepts WITHVALUES. */
const HALF_LONG_MAX = 4611686018427387903n;

// ----- lookups ---------------------------------------------------------------------------------------------------

/**
 * Looks the hash at argument 1 up for reading (Redis lookupKeyRead + checkType). When there is no hash to read,
 * replies (`missing()` for a missing key, WRONGTYPE for another type) and returns false.
 */
function readHash(ctx: CommandContext, missing: (ctx: CommandContext) => void): boolean {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (!ks.lookupRead(a.buf, a.argOff[1], a.argLen[1])) {
    missing(ctx);
    return false;
  }
  if (ks.type() !== TYPE_HASH) {
    ctx.reply.error(ERR.wrongType);
    return false;
  }
  return true;
}

/**
 * Looks the hash at argument 1 up for writing, creating an empty one when the key is missing (Redis
 * hashTypeLookupWriteOrCreate: the caller then adds a field). Replies WRONGTYPE and returns false for another type.
 */
function writeHash(ctx: CommandContext): boolean {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (!ks.lookupWrite(a.buf, a.argOff[1], a.argLen[1])) {
    ctx.hashes.create();
    return true;
  }
  if (ks.type() !== TYPE_HASH) {
    ctx.reply.error(ERR.wrongType);
    return false;
  }
  return true;
}

const replyZero = (ctx: CommandContext): void => ctx.reply.integer(0);
const replyNull = (ctx: CommandContext): void => ctx.reply.nullBulk();
const replyEmptyArray = (ctx: CommandContext): void => ctx.reply.arrayLen(0);
const replyEmptyMap = (ctx: CommandContext): void => ctx.reply.mapLen(0);
const replyEmptyScan = (ctx: CommandContext): void => {
  ctx.reply.arrayLen(2);
  ctx.reply.bulkString('0');
  ctx.reply.arrayLen(0);
};

/** Replies with the field of the last hash lookup/iteration. */
function replyField(ctx: CommandContext): void {
  const h = ctx.hashes;
  ctx.reply.bulk(h.fieldBuf, h.fieldOff, h.fieldLen);
}

/** Replies with the value of the last hash lookup/iteration. */
function replyValue(ctx: CommandContext): void {
  const h = ctx.hashes;
  ctx.reply.bulk(h.valueBuf, h.valueOff, h.valueLen);
}

// ----- HSET HMSET HSETNX -----------------------------------------------------------------------------------------

/** HSET (reply: fields added) and HMSET (reply: OK), Redis hsetCommand. */
function hsetGeneric(ctx: CommandContext, isHmset: boolean): void {
  const a = ctx.argv;
  if (a.argc % 2 === 1) {
    ctx.reply.error(`ERR wrong number of arguments for '${ctx.cmd.fullName}' command`);
    return;
  }
  if (!writeHash(ctx)) return;
  const h = ctx.hashes;
  let created = 0;
  for (let i = 2; i < a.argc; i += 2) {
    if (h.set(a.buf, a.argOff[i], a.argLen[i], a.buf, a.argOff[i + 1], a.argLen[i + 1])) created++;
  }
  if (isHmset) ctx.reply.ok();
  else ctx.reply.integer(created);
  notifyArg(ctx, NOTIFY_HASH, 'hset', 1); // keyspace event
}

function hsetnxCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  if (!writeHash(ctx)) return;
  const h = ctx.hashes;
  if (h.get(a.buf, a.argOff[2], a.argLen[2])) {
    ctx.reply.integer(0);
    return;
  }
  h.set(a.buf, a.argOff[2], a.argLen[2], a.buf, a.argOff[3], a.argLen[3]);
  ctx.reply.integer(1);
  notifyArg(ctx, NOTIFY_HASH, 'hset', 1); // keyspace event
}

// ----- reads -----------------------------------------------------------------------------------------------------

function hgetCommand(ctx: CommandContext): void {
  if (!readHash(ctx, replyNull)) return;
  const a = ctx.argv;
  if (ctx.hashes.get(a.buf, a.argOff[2], a.argLen[2])) replyValue(ctx);
  else ctx.reply.nullBulk();
}

function hmgetCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  // A missing key is an empty hash: one nil per field.
  const found = ks.lookupRead(a.buf, a.argOff[1], a.argLen[1]);
  if (found && ks.type() !== TYPE_HASH) {
    ctx.reply.error(ERR.wrongType);
    return;
  }
  const h = ctx.hashes;
  ctx.reply.arrayLen(a.argc - 2);
  for (let i = 2; i < a.argc; i++) {
    if (found && h.get(a.buf, a.argOff[i], a.argLen[i])) replyValue(ctx);
    else ctx.reply.nullBulk();
  }
}

function hlenCommand(ctx: CommandContext): void {
  if (readHash(ctx, replyZero)) ctx.reply.integer(ctx.hashes.len());
}

function hstrlenCommand(ctx: CommandContext): void {
  if (!readHash(ctx, replyZero)) return;
  const a = ctx.argv;
  ctx.reply.integer(ctx.hashes.get(a.buf, a.argOff[2], a.argLen[2]) ? ctx.hashes.valueLen : 0);
}

function hexistsCommand(ctx: CommandContext): void {
  if (!readHash(ctx, replyZero)) return;
  const a = ctx.argv;
  ctx.reply.integer(ctx.hashes.get(a.buf, a.argOff[2], a.argLen[2]) ? 1 : 0);
}

const WANT_FIELDS = 1;
const WANT_VALUES = 2;

/** HKEYS, HVALS, HGETALL (Redis genericHgetallCommand): fields and/or values in the hash's order. */
function hgetallGeneric(ctx: CommandContext, want: number): void {
  const both = want === (WANT_FIELDS | WANT_VALUES);
  if (!readHash(ctx, both ? replyEmptyMap : replyEmptyArray)) return;
  const h = ctx.hashes;
  const n = h.len();
  if (both) ctx.reply.mapLen(n);
  else ctx.reply.arrayLen(n);
  h.iterStart();
  while (h.iterNext()) {
    if ((want & WANT_FIELDS) !== 0) replyField(ctx);
    if ((want & WANT_VALUES) !== 0) replyValue(ctx);
  }
}

// ----- HDEL ------------------------------------------------------------------------------------------------------

function hdelCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (!ks.lookupWrite(a.buf, a.argOff[1], a.argLen[1])) {
    ctx.reply.integer(0);
    return;
  }
  if (ks.type() !== TYPE_HASH) {
    ctx.reply.error(ERR.wrongType);
    return;
  }
  const h = ctx.hashes;
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < a.argc; i++) {
    if (!h.del(a.buf, a.argOff[i], a.argLen[i])) continue;
    deleted++;
    if (h.len() === 0) {
      ks.removeCurrent(); // Redis deletes empty hashes
      keyRemoved = true;
      break;
    }
  }
  if (deleted > 0) {
    notifyArg(ctx, NOTIFY_HASH, 'hdel', 1); // keyspace events
    if (keyRemoved) notifyArg(ctx, NOTIFY_GENERIC, 'del', 1);
  }
  ctx.reply.integer(deleted);
}

// ----- HINCRBY HINCRBYFLOAT --------------------------------------------------------------------------------------

/** Scratch buffer for the digits of a new HINCRBY value. */
const numBuf = Buffer.allocUnsafe(32);

/** Writes the safe integer `n` as ASCII digits at numBuf[0]; returns the length. */
function writeDigits(n: number): number {
  if (n === 0) {
    numBuf[0] = 48;
    return 1;
  }
  let p = 0;
  if (n < 0) {
    numBuf[p++] = 45;
    n = -n;
  }
  let digits = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
  for (let i = p + digits - 1; i >= p; i--) {
    numBuf[i] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  return p + digits;
}

function hincrbyCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  // The increment is checked before the key is looked up (Redis hincrbyCommand).
  if (!argLL(a, 3)) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  const incr = LL.value;
  const incrBig = LL.big;
  if (!writeHash(ctx)) return;
  const h = ctx.hashes;
  let old = 0;
  let oldBig: bigint | null = null;
  if (h.get(a.buf, a.argOff[2], a.argLen[2])) {
    if (!parseLL(h.valueBuf, h.valueOff, h.valueLen)) {
      ctx.reply.error(ERR_HASH_NOT_INTEGER);
      return;
    }
    old = LL.value;
    oldBig = LL.big;
  }
  const sum = old + incr;
  if (oldBig === null && incrBig === null && Number.isSafeInteger(sum)) {
    h.set(a.buf, a.argOff[2], a.argLen[2], numBuf, 0, writeDigits(sum));
    ctx.reply.integer(sum);
  } else {
    const r = (oldBig ?? BigInt(old)) + (incrBig ?? BigInt(incr));
    if (r < INT64_MIN_BIG || r > -INT64_MIN_BIG - 1n) {
      ctx.reply.error(ERR.overflow);
      return;
    }
    const len = numBuf.write(r.toString(), 0, 'latin1');
    h.set(a.buf, a.argOff[2], a.argLen[2], numBuf, 0, len);
    ctx.reply.bigInteger(r);
  }
  notifyArg(ctx, NOTIFY_HASH, 'hincrby', 1); // keyspace event
}

function hincrbyfloatCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const incr = parseLongDouble(a.buf, a.argOff[3], a.argLen[3]);
  if (incr === null) {
    ctx.reply.error(ERR.notFloat);
    return;
  }
  if (typeof incr === 'number') {
    ctx.reply.error(ERR_INCR_NAN_INF); // "inf" parses (strtold) but is refused as an increment
    return;
  }
  if (!writeHash(ctx)) return;
  const h = ctx.hashes;
  let current: ReturnType<typeof parseLongDouble> = LD_ZERO;
  if (h.get(a.buf, a.argOff[2], a.argLen[2])) {
    current = parseLongDouble(h.valueBuf, h.valueOff, h.valueLen);
    if (current === null) {
      ctx.reply.error(ERR_HASH_NOT_FLOAT);
      return;
    }
  }
  const text = incrByFloat(current, incr);
  if (text === null) {
    ctx.reply.error(ERR.nanOrInf);
    return;
  }
  const len = text.length <= numBuf.length ? numBuf.write(text, 0, 'latin1') : -1;
  const src = len >= 0 ? numBuf : Buffer.from(text, 'latin1');
  const n = len >= 0 ? len : src.length;
  h.set(a.buf, a.argOff[2], a.argLen[2], src, 0, n);
  ctx.reply.bulk(src, 0, n);
  notifyArg(ctx, NOTIFY_HASH, 'hincrbyfloat', 1); // keyspace event
}

// ----- HRANDFIELD ------------------------------------------------------------------------------------------------

/** One random field (and its value) as HRANDFIELD with a count replies it: a pair array in RESP3 WITHVALUES. */
function replyRandomEntry(ctx: CommandContext, withValues: boolean): void {
  if (withValues && ctx.reply.proto === 3) ctx.reply.arrayLen(2);
  replyField(ctx);
  if (withValues) replyValue(ctx);
}

function hrandfieldCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  if (a.argc === 2) {
    if (!readHash(ctx, replyNull)) return;
    ctx.hashes.random();
    replyField(ctx);
    return;
  }
  // Count first (range -LONG_MAX..LONG_MAX), then the option, then WITHVALUES's range, then the key.
  if (!argLL(a, 2)) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  if (LL.big !== null && LL.big === INT64_MIN_BIG) {
    ctx.reply.error(ERR_COUNT_RANGE);
    return;
  }
  const l = LL.value;
  const lBig = LL.big;
  if (a.argc > 4 || (a.argc === 4 && !argIs(a, 3, 'withvalues'))) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  const withValues = a.argc === 4;
  if (withValues && lBig !== null && (lBig > HALF_LONG_MAX || lBig < -HALF_LONG_MAX)) {
    ctx.reply.error(ERR_OUT_OF_RANGE);
    return;
  }
  if (!readHash(ctx, replyEmptyArray)) return;
  if (l === 0) {
    ctx.reply.arrayLen(0);
    return;
  }
  const h = ctx.hashes;
  const size = h.len();
  const count = Math.abs(l);
  const pairs = withValues && ctx.reply.proto === 2;
  if (l < 0 && count > maxRandomDraws(ctx)) {
    ctx.reply.error(ERR_OUT_OF_RANGE);
    return;
  }
  // Negative count: `count` independent draws (repeats allowed); a count of 1 is one draw too.
  if (l < 0 || count === 1) {
    ctx.reply.arrayLen(pairs ? count * 2 : count);
    for (let i = 0; i < count; i++) {
      h.random();
      replyRandomEntry(ctx, withValues);
    }
    return;
  }
  // Positive count: distinct fields, the whole hash when count >= size.
  const n = Math.min(count, size);
  ctx.reply.arrayLen(pairs ? n * 2 : n);
  let chosen: Uint8Array | null = null;
  if (count < size) {
    // Mark `count` distinct positions (or the size - count ones to leave out, whichever is fewer).
    const pickOut = count * 2 > size;
    const marks = pickOut ? size - count : count;
    chosen = new Uint8Array(size);
    for (let m = 0; m < marks; ) {
      const i = Math.floor(Math.random() * size);
      if (chosen[i] === 0) {
        chosen[i] = 1;
        m++;
      }
    }
    if (pickOut) for (let i = 0; i < size; i++) chosen[i] ^= 1;
  }
  h.iterStart();
  for (let i = 0; h.iterNext(); i++) {
    if (chosen === null || chosen[i] === 1) replyRandomEntry(ctx, withValues);
  }
}

// ----- HSCAN -----------------------------------------------------------------------------------------------------

/** Fields and values collected by one HSCAN step, copied out of the arena (flat: field, value, field, ...). */
const scanOut: Buffer[] = [];

function hscanCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  // Redis: the cursor, then the key (and its type), then the options.
  const cursorIn = parseScanCursor(ctx, 2);
  if (cursorIn < 0) return;
  if (!readHash(ctx, replyEmptyScan)) return;
  if (!parseScanOptions(ctx, 3, false)) return; // TYPE is SCAN's only
  const { count, patIdx } = SCAN_OPTS;
  const usePattern = patIdx >= 0 && !isMatchAll(a.buf, a.argOff[patIdx], a.argLen[patIdx]);
  const h = ctx.hashes;
  const out = scanOut;
  out.length = 0;
  let fields = 0;
  const emit = (): void => {
    fields++;
    if (usePattern && !globMatch(a.buf, a.argOff[patIdx], a.argLen[patIdx], h.fieldBuf, h.fieldOff, h.fieldLen, false)) return;
    out.push(Buffer.from(h.fieldBuf.subarray(h.fieldOff, h.fieldOff + h.fieldLen)));
    out.push(Buffer.from(h.valueBuf.subarray(h.valueOff, h.valueOff + h.valueLen)));
  };
  let cursor = cursorIn;
  // Redis visits at most 10 × COUNT buckets (its count is doubled for a hash's field/value pairs: 20 × COUNT); an
  // empty slot of our open-addressing table costs little, so allow at least a few thousand.
  let buckets = Math.max(count * 20, 4096);
  do {
    cursor = h.scan(cursor, emit);
  } while (cursor !== 0 && buckets-- > 0 && fields < count);
  ctx.reply.arrayLen(2);
  ctx.reply.bulkString(String(cursor));
  ctx.reply.arrayLen(out.length);
  for (const b of out) ctx.reply.bulk(b, 0, b.length);
  out.length = 0;
}

// ----- the table -------------------------------------------------------------------------------------------------

const KEY1 = { firstKey: 1, lastKey: 1, step: 1 };
const G = { group: 'hash' };
const keyArg = { name: 'key', type: 'key' as const, keySpecIndex: 0 };
const fieldArg = { name: 'field', type: 'string' as const };
const fieldValueArg = {
  name: 'field_value', type: 'block' as const, multiple: true,
  arguments: [{ name: 'field', type: 'string' as const }, { name: 'value', type: 'string' as const }],
};

/** The hash commands of the table (metadata as redis-server 7.0.15's src/commands/h*.json). */
export const hashCommands: CommandSpec[] = [
  {
    name: 'hset', arity: -4, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['hash'], since: '2.0.0',
    summary: 'Creates or modifies the value of a field in a hash.',
    complexity: 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    keySpecs: [keySpec(['RW', 'update'])], handler: (ctx) => hsetGeneric(ctx, false), arguments: [keyArg, fieldValueArg],
  },
  {
    name: 'hsetnx', arity: 4, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['hash'], since: '2.0.0',
    summary: 'Sets the value of a field in a hash only when the field does not exist.', complexity: 'O(1)',
    keySpecs: [keySpec(['RW', 'insert'])], handler: hsetnxCommand, arguments: [keyArg, fieldArg, { name: 'value', type: 'string' }],
  },
  {
    name: 'hget', arity: 3, flags: ['readonly', 'fast'], ...KEY1, ...G, acl: ['hash'], since: '2.0.0',
    summary: 'Returns the value of a field in a hash.', complexity: 'O(1)',
    keySpecs: [keySpec(['RO', 'access'])], handler: hgetCommand, arguments: [keyArg, fieldArg],
  },
  {
    name: 'hmget', arity: -3, flags: ['readonly', 'fast'], ...KEY1, ...G, acl: ['hash'], since: '2.0.0',
    summary: 'Returns the values of the given fields of a hash (nil for a missing one).', complexity: 'O(N) where N is the number of fields being requested.',
    keySpecs: [keySpec(['RO', 'access'])], handler: hmgetCommand, arguments: [keyArg, { ...fieldArg, multiple: true }],
  },
  {
    name: 'hmset', arity: -4, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['hash'], since: '2.0.0',
    summary: 'Sets the values of multiple fields of a hash.', complexity: 'O(N) where N is the number of fields being set.',
    deprecatedSince: '4.0.0', docFlags: ['deprecated'],
    keySpecs: [keySpec(['RW', 'update'])], handler: (ctx) => hsetGeneric(ctx, true), arguments: [keyArg, fieldValueArg],
  },
  {
    name: 'hdel', arity: -3, flags: ['write', 'fast'], ...KEY1, ...G, acl: ['hash'], since: '2.0.0',
    summary: 'Deletes one or more fields of a hash; the hash is deleted with its last field.', complexity: 'O(N) where N is the number of fields to be removed.',
    keySpecs: [keySpec(['RW', 'delete'])], handler: hdelCommand, arguments: [keyArg, { ...fieldArg, multiple: true }],
  },
  {
    name: 'hlen', arity: 2, flags: ['readonly', 'fast'], ...KEY1, ...G, acl: ['hash'], since: '2.0.0',
    summary: 'Returns the number of fields in a hash.', complexity: 'O(1)',
    keySpecs: [keySpec(['RO'])], handler: hlenCommand, arguments: [keyArg],
  },
  {
    name: 'hstrlen', arity: 3, flags: ['readonly', 'fast'], ...KEY1, ...G, acl: ['hash'], since: '3.2.0',
    summary: 'Returns the length in bytes of the value of a field in a hash.', complexity: 'O(1)',
    keySpecs: [keySpec(['RO'])], handler: hstrlenCommand, arguments: [keyArg, fieldArg],
  },
  {
    name: 'hexists', arity: 3, flags: ['readonly', 'fast'], ...KEY1, ...G, acl: ['hash'], since: '2.0.0',
    summary: 'Determines whether a field exists in a hash.', complexity: 'O(1)',
    keySpecs: [keySpec(['RO'])], handler: hexistsCommand, arguments: [keyArg, fieldArg],
  },
  {
    name: 'hkeys', arity: 2, flags: ['readonly'], ...KEY1, ...G, acl: ['hash'], since: '2.0.0',
    summary: 'Returns all fields of a hash.', complexity: 'O(N) where N is the size of the hash.', tips: ['nondeterministic_output_order'],
    keySpecs: [keySpec(['RO', 'access'])], handler: (ctx) => hgetallGeneric(ctx, WANT_FIELDS), arguments: [keyArg],
  },
  {
    name: 'hvals', arity: 2, flags: ['readonly'], ...KEY1, ...G, acl: ['hash'], since: '2.0.0',
    summary: 'Returns all values of a hash.', complexity: 'O(N) where N is the size of the hash.', tips: ['nondeterministic_output_order'],
    keySpecs: [keySpec(['RO', 'access'])], handler: (ctx) => hgetallGeneric(ctx, WANT_VALUES), arguments: [keyArg],
  },
  {
    name: 'hgetall', arity: 2, flags: ['readonly'], ...KEY1, ...G, acl: ['hash'], since: '2.0.0',
    summary: 'Returns all fields and values of a hash (a map in RESP3).', complexity: 'O(N) where N is the size of the hash.', tips: ['nondeterministic_output_order'],
    keySpecs: [keySpec(['RO', 'access'])], handler: (ctx) => hgetallGeneric(ctx, WANT_FIELDS | WANT_VALUES), arguments: [keyArg],
  },
  {
    name: 'hincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['hash'], since: '2.0.0',
    summary: 'Adds an integer to the integer value of a field in a hash (0 when absent).', complexity: 'O(1)',
    keySpecs: [keySpec(['RW', 'access', 'update'])], handler: hincrbyCommand, arguments: [keyArg, fieldArg, { name: 'increment', type: 'integer' }],
  },
  {
    name: 'hincrbyfloat', arity: 4, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...G, acl: ['hash'], since: '2.6.0',
    summary: 'Adds a floating-point number to the value of a field in a hash (0 when absent).', complexity: 'O(1)',
    keySpecs: [keySpec(['RW', 'access', 'update'])], handler: hincrbyfloatCommand, arguments: [keyArg, fieldArg, { name: 'increment', type: 'double' }],
  },
  {
    name: 'hrandfield', arity: -2, flags: ['readonly'], ...KEY1, ...G, acl: ['hash'], since: '6.2.0',
    summary: 'Returns one or more random fields (and values) of a hash.', complexity: 'O(N) where N is the number of fields returned', tips: ['nondeterministic_output'],
    keySpecs: [keySpec(['RO', 'access'])], handler: hrandfieldCommand,
    arguments: [keyArg, { name: 'options', type: 'block', optional: true, arguments: [
      { name: 'count', type: 'integer' }, { name: 'withvalues', type: 'pure-token', token: 'WITHVALUES', optional: true }] }],
  },
  {
    name: 'hscan', arity: -3, flags: ['readonly'], ...KEY1, ...G, acl: ['hash'], since: '2.8.0',
    summary: 'Iterates over the fields and values of a hash with a cursor.',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    tips: ['nondeterministic_output'], keySpecs: [keySpec(['RO', 'access'])], handler: hscanCommand,
    arguments: [keyArg, { name: 'cursor', type: 'integer' }, { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true }],
  },
];
