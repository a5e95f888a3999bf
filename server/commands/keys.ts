/**
 * Generic keyspace commands: DEL UNLINK EXISTS TYPE TOUCH KEYS SCAN RANDOMKEY RENAME RENAMENX COPY, and OBJECT
 * (FREQ ENCODING IDLETIME REFCOUNT). Semantics and error texts follow Redis 7.0 (src/db.c, src/object.c).
 */
import { globMatch, isMatchAll } from '../keyspace/glob.js';
import { F_NOINT, F_RAW, NO_TTL, TIER_COLD, TYPE_MASK, TYPE_NAMES } from '../keyspace/keyspace.js';
import { NOT_FOUND } from '../keyspace/hash-index.js';
import { argIs, argLL, argsEqual, LL } from './args.js';
import type { CommandContext } from './context.js';
import { currentEncoding, dbIndexArg, ERR, helpLines } from './reply-helpers.js';
import { keySpec, type CommandSpec } from './types.js';
import { notifyArg } from '../pubsub/notify.js';
import { NOTIFY_GENERIC, NOTIFY_KEY_MISS } from '../pubsub/notify-flags.js';

function delCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  let n = 0;
  for (let j = 1; j < a.argc; j++) {
    if (ctx.ks.delete(a.buf, a.argOff[j], a.argLen[j])) {
      n++;
      notifyArg(ctx, NOTIFY_GENERIC, 'del', j); // keyspace event
    }
  }
  ctx.reply.integer(n);
}

function existsCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  let n = 0;
  for (let j = 1; j < a.argc; j++) if (ctx.ks.lookupRead(a.buf, a.argOff[j], a.argLen[j], true)) n++;
  ctx.reply.integer(n);
}

function touchCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  let n = 0;
  for (let j = 1; j < a.argc; j++) if (ctx.ks.lookupRead(a.buf, a.argOff[j], a.argLen[j])) n++;
  ctx.reply.integer(n);
}


function typeCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  ctx.reply.simple(ctx.ks.lookupRead(a.buf, a.argOff[1], a.argLen[1], true) ? TYPE_NAMES[ctx.ks.type()] : 'none');
}

/** True when the keyspace's current item has expired (iteration skips such keys without deleting them). */
function currentExpired(ctx: CommandContext): boolean {
  return ctx.ks.isExpired();
}

function keysCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  const index = ks.index;
  const po = a.argOff[1];
  const pl = a.argLen[1];
  const all = isMatchAll(a.buf, po, pl);
  // Collect addresses first: the reply needs the count, and the index must not change while it is walked.
  const found: number[] = [];
  const total = index.positions();
  for (let pos = 0; pos < total; pos++) {
    const slot = index.slotAtPosition(pos);
    if (slot === NOT_FOUND || !ks.loadSlot(slot)) continue;
    if (currentExpired(ctx)) continue;
    if (!all && !globMatch(a.buf, po, pl, ks.ext.u8, ks.keyOff(), ks.keyLen(), false)) continue;
    found.push(ks.addr);
  }
  ctx.reply.arrayLen(found.length);
  for (const addr of found) {
    const ko = ks.peekKey(addr);
    ctx.reply.bulk(ks.peekExt.u8, ko, ks.peekKeyLen);
  }
}

/**
 * Parses argument `i` as a SCAN cursor as Redis's parseScanCursorOrReply (strtoul): returns the cursor (its low 32
 * bits), or -1 after replying "ERR invalid cursor". Shared by SCAN and HSCAN.
 */
export function parseScanCursor(ctx: CommandContext, i: number): number {
  const a = ctx.argv;
  // Redis parses the cursor with strtoul, as a C string: only the bytes before a NUL count ("\x001" is cursor 0).
  const raw = a.buf.toString('latin1', a.argOff[i], a.argOff[i] + a.argLen[i]);
  const nul = raw.indexOf('\x00');
  const s = nul < 0 ? raw : raw.slice(0, nul);
  if (!/^[+-]?\d*$/.test(s) || (s.length > 0 && /^[+-]$/.test(s))) {
    ctx.reply.error(ERR.invalidCursor);
    return -1;
  }
  let v = s === '' ? 0n : BigInt(s);
  if (v > 18446744073709551615n || v < -18446744073709551615n) {
    ctx.reply.error(ERR.invalidCursor);
    return -1;
  }
  if (v < 0n) v = 18446744073709551616n + v;
  return Number(v & 0xffffffffn);
}

/** SCAN, HSCAN, SSCAN options as `parseScanOptions` leaves them (argument indexes, -1 when absent). */
export const SCAN_OPTS = { count: 10, patIdx: -1, typeIdx: -1 };

/**
 * Parses SCAN-family options from argument `from` on (Redis scanGenericCommand): COUNT n (an integer ≥ 1),
 * MATCH pattern and, when `withType` (SCAN only), TYPE name. Results in `SCAN_OPTS`.
 * @returns false after replying the error (not an integer, or a syntax error)
 */
export function parseScanOptions(ctx: CommandContext, from: number, withType: boolean): boolean {
  const a = ctx.argv;
  const o = SCAN_OPTS;
  o.count = 10;
  o.patIdx = -1;
  o.typeIdx = -1;
  for (let j = from; j < a.argc; j++) {
    const more = a.argc - j - 1;
    if (argIs(a, j, 'count') && more >= 1) {
      if (!argLL(a, j + 1)) {
        ctx.reply.error(ERR.notInteger);
        return false;
      }
      if (LL.value < 1) {
        ctx.reply.error(ERR.syntax);
        return false;
      }
      o.count = LL.value;
      j++;
    } else if (argIs(a, j, 'match') && more >= 1) {
      o.patIdx = ++j;
    } else if (withType && argIs(a, j, 'type') && more >= 1) {
      o.typeIdx = ++j;
    } else {
      ctx.reply.error(ERR.syntax);
      return false;
    }
  }
  return true;
}

function scanCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  const cursorIn = parseScanCursor(ctx, 1);
  if (cursorIn < 0) return;
  if (!parseScanOptions(ctx, 2, true)) return;
  const { count, patIdx, typeIdx } = SCAN_OPTS;
  const slots: number[] = [];
  const emit = (slot: number): void => {
    slots.push(ks.index.addrAt(slot));
  };
  let cursor = cursorIn;
  // Redis visits at most count*10 buckets; an empty bucket costs two array reads here, so allow more of them,
  // which makes SCAN 0 return a small keyspace in one call as Redis's small tables do.
  let buckets = Math.max(count * 10, 4096);
  do {
    cursor = ks.index.scan(cursor, emit);
  } while (cursor !== 0 && buckets-- > 0 && slots.length < count);
  const keys: number[] = [];
  const arena = ks.arena;
  const typeNone = typeIdx >= 0 && argIs(a, typeIdx, 'none');
  // MATCH * matches everything, the empty key included (Redis skips the matcher for it, as KEYS does).
  const usePattern = patIdx >= 0 && !isMatchAll(a.buf, a.argOff[patIdx], a.argLen[patIdx]);
  // TYPE none, as Redis 7.0 (scanGenericCommand looks each key up for its type, which deletes an expired one, and
  // then finds type "none"): the keys that had expired but were not deleted yet, deleted now.
  const expiredNone: Buffer[] = [];
  for (const addr of slots) {
    if (!arena.isLive(addr)) continue;
    const ko = ks.peekKey(addr);
    // TYPE <name>: compared without case, as Redis's strcasecmp.
    if (typeIdx >= 0 && !typeNone && !argIs(a, typeIdx, TYPE_NAMES[ks.peekType()])) continue;
    const expired = ks.peekExpired();
    if (!expired && typeNone) continue;
    const kl = ks.peekKeyLen;
    const u8 = ks.peekExt.u8;
    if (usePattern && !globMatch(a.buf, a.argOff[patIdx], a.argLen[patIdx], u8, ko, kl, false)) continue;
    if (typeNone) expiredNone.push(Buffer.from(u8.subarray(ko, ko + kl)));
    else if (!expired) keys.push(addr);
  }
  ctx.reply.arrayLen(2);
  ctx.reply.bulkString(String(cursor));
  if (typeNone) {
    ctx.reply.arrayLen(expiredNone.length);
    for (const k of expiredNone) {
      if (ks.find(k, 0, k.length)) ks.expireCurrent();
      ctx.reply.bulk(k, 0, k.length);
    }
    return;
  }
  ctx.reply.arrayLen(keys.length);
  for (const addr of keys) {
    const ko = ks.peekKey(addr);
    ctx.reply.bulk(ks.peekExt.u8, ko, ks.peekKeyLen);
  }
}

function randomkeyCommand(ctx: CommandContext): void {
  const ks = ctx.ks;
  for (let tries = 0; tries < 100; tries++) {
    const slot = ks.index.randomSlot();
    if (slot === NOT_FOUND) break;
    if (!ks.loadSlot(slot)) {
      ks.removeDeadSlot(slot);
      continue;
    }
    if (ks.isExpired() && tries < 99) {
      ks.expireCurrent();
      continue;
    }
    ctx.reply.bulk(ks.ext.u8, ks.keyOff(), ks.keyLen());
    return;
  }
  ctx.reply.nullBulk();
}

/** RENAME (nx = false) and RENAMENX (nx = true), as Redis's renameGenericCommand. */
function renameGeneric(ctx: CommandContext, nx: boolean): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  const sb = a.buf;
  const so = a.argOff[1];
  const sl = a.argLen[1];
  const dox = a.argOff[2];
  const dl = a.argLen[2];
  if (!ks.lookupWrite(sb, so, sl)) {
    ctx.reply.error(ERR.noSuchKey);
    return;
  }
  if (argsEqual(a, 1, 2)) {
    if (nx) ctx.reply.integer(0);
    else ctx.reply.ok();
    return;
  }
  const srcExt = ks.ext;
  const srcOff = ks.off;
  const srcValOff = ks.valOff();
  const vl = ks.valLen();
  const ttl = ks.expireAt();
  const flags = ks.flags();
  const large = ks.isLarge();
  if (ks.lookupWrite(sb, dox, dl)) {
    if (nx) {
      ctx.reply.integer(0);
      return;
    }
    ks.removeCurrent();
  }
  // The value moves as it is: a string's bytes, a compact collection, or a large collection's dict header (its
  // elements stay where they are and now belong to the new item).
  ks.storeAlloc(vl, ttl > 0 ? ttl : NO_TTL, flags & (F_RAW | F_NOINT | TYPE_MASK));
  ks.copyValueFrom(srcExt, srcValOff, vl, large);
  ks.copyCounterFrom(srcExt, srcOff);
  ks.find(sb, so, sl);
  ks.removeCurrent(large);
  notifyArg(ctx, NOTIFY_GENERIC, 'rename_from', 1); // keyspace events
  notifyArg(ctx, NOTIFY_GENERIC, 'rename_to', 2);
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

/**
 * COPY source destination [DB destination-db] [REPLACE] (Redis copyCommand): any type; the copy gets the source's
 * TTL and a fresh access counter. tierkv has only database 0: DB 0 is accepted, any other index is out of range.
 * A large collection is copied element by element (O(N), as Redis's hashTypeDup/setTypeDup).
 */
function copyCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  let replace = false;
  for (let j = 3; j < a.argc; j++) {
    if (argIs(a, j, 'replace')) replace = true;
    else if (argIs(a, j, 'db') && j + 1 < a.argc) {
      if (!dbIndexArg(ctx, j + 1)) return;
      j++;
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }
  const sb = a.buf;
  if (argsEqual(a, 1, 2)) {
    ctx.reply.error('ERR source and destination objects are the same');
    return;
  }
  if (!ks.lookupRead(sb, a.argOff[1], a.argLen[1])) {
    ctx.reply.integer(0);
    return;
  }
  const srcAddr = ks.addr;
  const srcValRel = ks.valOff() - ks.off;
  const vl = ks.valLen();
  const ttl = ks.expireAt();
  const flags = ks.flags();
  const large = ks.isLarge();
  if (ks.lookupWrite(sb, a.argOff[2], a.argLen[2])) {
    if (!replace) {
      ctx.reply.integer(0);
      return;
    }
    ks.removeCurrent();
  }
  ks.storeAlloc(vl, ttl > 0 ? ttl : NO_TTL, flags & (F_RAW | F_NOINT | TYPE_MASK));
  // Allocations never move an item: the source is where it was.
  const srcOff = ks.arena.resolve(srcAddr);
  const srcExt = ks.arena.ext;
  ks.cloneValueFrom(srcExt, srcOff + srcValRel, vl, large);
  notifyArg(ctx, NOTIFY_GENERIC, 'copy_to', 2); // keyspace event
  ctx.reply.integer(1);
}

// OBJECT -------------------------------------------------------------------------------------------------------

function objectLookup(ctx: CommandContext): boolean {
  const a = ctx.argv;
  // Redis's objectCommandLookup (LOOKUP_NOTOUCH|LOOKUP_NONOTIFY): a miss is counted but publishes no keymiss.
  const ev = ctx.ks.events;
  const flags = ev.flags;
  ev.flags = flags & ~NOTIFY_KEY_MISS;
  let found: boolean;
  try {
    found = ctx.ks.lookupRead(a.buf, a.argOff[2], a.argLen[2], true);
  } finally {
    ev.flags = flags;
  }
  if (found) return true;
  ctx.reply.nullBulk();
  return false;
}

function objectEncoding(ctx: CommandContext): void {
  if (objectLookup(ctx)) ctx.reply.bulkString(currentEncoding(ctx));
}

/** OBJECT FREQ: tierkv always counts accesses (the tiers need it), whatever maxmemory-policy says. */
function objectFreq(ctx: CommandContext): void {
  if (objectLookup(ctx)) ctx.reply.integer(ctx.ks.lfu());
}

/** OBJECT IDLETIME: seconds since the last access (always tracked in tierkv). */
function objectIdletime(ctx: CommandContext): void {
  if (objectLookup(ctx)) ctx.reply.integer(Math.max(0, Math.floor(ctx.ks.now / 1000) - ctx.ks.atime()));
}

function objectRefcount(ctx: CommandContext): void {
  if (!objectLookup(ctx)) return;
  // Redis shares small integers (refcount INT_MAX); every other string has refcount 1.
  ctx.reply.integer(currentEncoding(ctx) === 'int' && isSharedInt(ctx) ? 2147483647 : 1);
}

function isSharedInt(ctx: CommandContext): boolean {
  const ks = ctx.ks;
  const vl = ks.valLen();
  if (vl > 5) return false;
  const v = Number(Buffer.from(ks.ext.u8.subarray(ks.valOff(), ks.valOff() + vl)).toString('latin1'));
  // Redis shares small integers unless an LRU or LFU policy needs per-object access data
  // (MAXMEMORY_FLAG_NO_SHARED_INTEGERS). It decides when the value is written, tierkv when asked.
  const config = ctx.server.config;
  const policy = config.maxmemoryPolicy;
  const perObject = policy.endsWith('-lru') || policy.endsWith('-lfu');
  return v >= 0 && v < 10000 && (config.maxmemory === 0 || !perObject);
}

/** OBJECT TIER (tierkv): "hot" or "cold", the tier that holds the key's item. */
function objectTier(ctx: CommandContext): void {
  if (objectLookup(ctx)) ctx.reply.bulkString(ctx.ks.ext.tier === TIER_COLD ? 'cold' : 'hot');
}

function objectHelp(ctx: CommandContext): void {
  helpLines(ctx, [
    'OBJECT <subcommand> <key>. Subcommands:',
    'ENCODING <key>  -- encoding Redis would report for the value (int, embstr, raw).',
    'FREQ <key>      -- logarithmic access counter of the key (reset every tier-counter-reset-ms).',
    'IDLETIME <key>  -- seconds since the key was last read or written.',
    'REFCOUNT <key>  -- reference count Redis would report for the value.',
    'TIER <key>      -- tierkv: the tier holding the key, hot or cold.',
    'HELP            -- this text.',
  ]);
}

const G = { group: 'generic' };
const KEY1 = { firstKey: 1, lastKey: 1, step: 1 };
const KEYS_ALL = { firstKey: 1, lastKey: -1, step: 1 };
const KEY2 = { firstKey: 2, lastKey: 2, step: 1 };
const keyArg = { name: 'key', type: 'key' as const, keySpecIndex: 0 };
const keysArg = { name: 'key', type: 'key' as const, keySpecIndex: 0, multiple: true };

/** The generic key commands of the table. */
export const keyCommands: CommandSpec[] = [
  {
    name: 'del', arity: -2, flags: ['write'], ...KEYS_ALL, ...G, acl: ['keyspace', 'write', 'slow'], since: '1.0.0',
    summary: 'Deletes one or more keys; returns how many existed.', complexity: 'O(N) where N is the number of keys',
    keySpecs: [keySpec(['RM', 'delete'], 1, -1, 1)], tips: ['request_policy:multi_shard', 'response_policy:agg_sum'], handler: delCommand, arguments: [keysArg],
  },
  {
    name: 'unlink', arity: -2, flags: ['write', 'fast'], ...KEYS_ALL, ...G, acl: ['keyspace', 'write', 'fast'], since: '4.0.0',
    summary: 'Deletes one or more keys (freeing is O(1) per key in tierkv, so this equals DEL).',
    complexity: 'O(1) for each key', keySpecs: [keySpec(['RM', 'delete'], 1, -1, 1)], tips: ['request_policy:multi_shard', 'response_policy:agg_sum'], handler: delCommand, arguments: [keysArg],
  },
  {
    name: 'exists', arity: -2, flags: ['readonly', 'fast'], ...KEYS_ALL, ...G, acl: ['keyspace', 'read', 'fast'], since: '1.0.0',
    summary: 'Counts how many of the given keys exist (repeated keys count repeatedly).', complexity: 'O(N) where N is the number of keys',
    keySpecs: [keySpec(['RO'], 1, -1, 1)], tips: ['request_policy:multi_shard', 'response_policy:agg_sum'], handler: existsCommand, arguments: [keysArg],
  },
  {
    name: 'touch', arity: -2, flags: ['readonly', 'fast'], ...KEYS_ALL, ...G, acl: ['keyspace', 'read', 'fast'], since: '3.2.1',
    summary: 'Counts an access to each given key; returns how many exist.', complexity: 'O(N) where N is the number of keys',
    keySpecs: [keySpec(['RO'], 1, -1, 1)], tips: ['request_policy:multi_shard', 'response_policy:agg_sum'], handler: touchCommand, arguments: [keysArg],
  },
  {
    name: 'type', arity: 2, flags: ['readonly', 'fast'], ...KEY1, ...G, acl: ['keyspace', 'read', 'fast'], since: '1.0.0',
    summary: 'Returns the type of the value of a key ("string" or "none" in tierkv).', complexity: 'O(1)',
    keySpecs: [keySpec(['RO'])], handler: typeCommand, arguments: [keyArg],
  },
  {
    name: 'keys', arity: 2, flags: ['readonly'], firstKey: 0, lastKey: 0, step: 0, ...G,
    acl: ['keyspace', 'read', 'slow', 'dangerous'], since: '1.0.0',
    summary: 'Returns every key that matches a glob-style pattern (walks the whole keyspace).',
    complexity: 'O(N) with N being the number of keys in the database', tips: ['request_policy:all_shards', 'nondeterministic_output_order'], handler: keysCommand,
    arguments: [{ name: 'pattern', type: 'pattern' }],
  },
  {
    name: 'scan', arity: -2, flags: ['readonly'], firstKey: 0, lastKey: 0, step: 0, ...G, acl: ['keyspace', 'read', 'slow'],
    since: '2.8.0', summary: 'Iterates over the keys with a cursor (every key present for the whole iteration is returned at least once).',
    complexity: 'O(1) for every call. O(N) for a complete iteration', tips: ['nondeterministic_output', 'request_policy:special'], handler: scanCommand,
    arguments: [
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
      { name: 'type', type: 'string', token: 'TYPE', optional: true, since: '6.0.0' },
    ],
  },
  {
    name: 'randomkey', arity: 1, flags: ['readonly'], firstKey: 0, lastKey: 0, step: 0, ...G, acl: ['keyspace', 'read', 'slow'],
    since: '1.0.0', summary: 'Returns a random key name.', complexity: 'O(1)', tips: ['request_policy:all_shards', 'nondeterministic_output'], handler: randomkeyCommand,
  },
  {
    name: 'rename', arity: 3, flags: ['write'], firstKey: 1, lastKey: 2, step: 1, ...G, acl: ['keyspace', 'write', 'slow'],
    since: '1.0.0', summary: 'Renames a key, overwriting the destination.', complexity: 'O(1)',
    keySpecs: [keySpec(['RW', 'access', 'delete']), keySpec(['OW', 'update'], 2)], handler: (ctx) => renameGeneric(ctx, false),
    arguments: [keyArg, { name: 'newkey', type: 'key', keySpecIndex: 1 }],
  },
  {
    name: 'renamenx', arity: 3, flags: ['write', 'fast'], firstKey: 1, lastKey: 2, step: 1, ...G, acl: ['keyspace', 'write', 'fast'],
    since: '1.0.0', summary: 'Renames a key only when the destination does not exist.', complexity: 'O(1)',
    keySpecs: [keySpec(['RW', 'access', 'delete']), keySpec(['OW', 'insert'], 2)], handler: (ctx) => renameGeneric(ctx, true),
    arguments: [keyArg, { name: 'newkey', type: 'key', keySpecIndex: 1 }],
  },
  {
    name: 'copy', arity: -3, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 2, step: 1, ...G, acl: ['keyspace', 'write', 'slow'],
    since: '6.2.0', summary: 'Copies the value of a key to a new key.',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    keySpecs: [keySpec(['RO', 'access']), keySpec(['OW', 'update'], 2)], handler: copyCommand,
    arguments: [
      { name: 'source', type: 'key', keySpecIndex: 0 },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
      { name: 'destination-db', type: 'integer', token: 'DB', optional: true },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true },
    ],
  },
  {
    name: 'object', arity: -2, flags: [], firstKey: 0, lastKey: 0, step: 0, ...G, acl: ['slow'], since: '2.2.3',
    summary: 'A container for object introspection commands.', complexity: 'Depends on subcommand.',
    subcommands: [
      { name: 'encoding', arity: 3, flags: ['readonly'], ...KEY2, ...G, acl: ['keyspace', 'read', 'slow'], since: '2.2.3',
        summary: 'Returns the internal encoding Redis would report for the value of a key.', complexity: 'O(1)',
        keySpecs: [keySpec(['RO'], 2)], tips: ['nondeterministic_output'], handler: objectEncoding, arguments: [keyArg] },
      { name: 'freq', arity: 3, flags: ['readonly'], ...KEY2, ...G, acl: ['keyspace', 'read', 'slow'], since: '4.0.0',
        summary: 'Returns the logarithmic access counter of a key (always tracked in tierkv).', complexity: 'O(1)',
        keySpecs: [keySpec(['RO'], 2)], tips: ['nondeterministic_output'], handler: objectFreq, arguments: [keyArg] },
      { name: 'idletime', arity: 3, flags: ['readonly'], ...KEY2, ...G, acl: ['keyspace', 'read', 'slow'], since: '2.2.3',
        summary: 'Returns the seconds since the last access to a key.', complexity: 'O(1)',
        keySpecs: [keySpec(['RO'], 2)], tips: ['nondeterministic_output'], handler: objectIdletime, arguments: [keyArg] },
      { name: 'refcount', arity: 3, flags: ['readonly'], ...KEY2, ...G, acl: ['keyspace', 'read', 'slow'], since: '2.2.3',
        summary: 'Returns the reference count Redis would report for the value of a key.', complexity: 'O(1)',
        keySpecs: [keySpec(['RO'], 2)], tips: ['nondeterministic_output'], handler: objectRefcount, arguments: [keyArg] },
      { name: 'tier', arity: 3, flags: ['readonly'], ...KEY2, ...G, acl: ['keyspace', 'read', 'slow'], since: 'tierkv 0.1.0',
        summary: 'Returns the tier that holds the key: hot or cold (tierkv).', complexity: 'O(1)',
        keySpecs: [keySpec(['RO'], 2)], handler: objectTier, arguments: [keyArg] },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], firstKey: 0, lastKey: 0, step: 0, ...G, acl: ['keyspace', 'slow'],
        since: '6.2.0', summary: 'Returns helpful text about the different subcommands.', complexity: 'O(1)', handler: objectHelp },
    ],
  },
];
