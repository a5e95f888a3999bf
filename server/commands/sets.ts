/**
 * Set commands (SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER SPOP SMOVE SINTER SINTERCARD SINTERSTORE
 * SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN) over the set type of keyspace/set-type.ts, with redis-server 7.0.15's
 * semantics (t_set.c): argument checks before or after the key lookup exactly where Redis makes them, its error
 * texts, RESP3 set replies (`~`) where Redis sends them, keyspace events, and a key deleted when its last member goes.
 *
 * How it works:
 * - `SetType` works on the keyspace's one current item, so a command on one key looks it up, checks its TYPE and
 *   then calls `ctx.sets`. Member bytes it hands back (`member*`) are only valid until the next lookup or write.
 * - Multi-key commands (SINTER*, SUNION*, SDIFF*, SMOVE) first look every key up in argument order, as Redis does:
 *   lookups (statistics, lazy expiry, keymiss events) then a WRONGTYPE at the first key holding another type, even
 *   after a missing key. They then revisit each set with `ks.find` and copy the members they keep into transient JS
 *   Buffers (the result of the algebra, at most the members of the sets involved; freed by the next GC). SINTER
 *   tests the members of the smallest set against the others, one set at a time; SUNION and SDIFF dedupe through a
 *   Map keyed by the member's bytes.
 * - Reply order and stored encoding follow Redis's temporary set: Redis builds SUNION/SDIFF results (and SPOP's
 *   whole-set reply) in a set that starts as an intset, so such a result is sorted ascending when all its members
 *   are integers and they are at most set-max-intset-entries (SDIFF's second algorithm adds the whole first set
 *   first: there the first set decides, see `diffUsesAlgo2`); otherwise its order is a hash table's (unspecified).
 *   SINTER replies in the iteration order of the smallest set (ascending for an intset). *STORE creates the
 *   destination with `ctx.sets.create/add`, giving the encoding Redis would have (intset when every member is an
 *   integer and there are at most set-max-intset-entries, else hashtable) and no TTL.
 * - Random choices (SPOP, SRANDMEMBER) cannot be Redis's, but their counts, distinctness and the cases (negative
 *   count repeats, a count ≥ the size returns the whole set, SPOP's rebuild of the remaining set when it pops most of
 *   it) are Redis's.
 */
import { globMatch, isMatchAll } from '../keyspace/glob.js';
import { parseInt64 } from '../keyspace/intset.js';
import { TYPE_SET } from '../keyspace/keyspace.js';
import { NOTIFY_GENERIC, NOTIFY_SET } from '../pubsub/notify-flags.js';
import { notifyArg } from '../pubsub/notify.js';
import { argIs, argLL, LL } from './args.js';
import type { CommandContext } from './context.js';
import { SCAN_OPTS, parseScanCursor, parseScanOptions } from './keys.js';
import { deleteKeyArg as deleteKey, ERR, FOUND, lookupTyped, maxRandomDraws, MISSING, refindArg as refind, WRONG_TYPE } from './reply-helpers.js';
import { keySpec, type ArgDoc, type CommandSpec } from './types.js';

const ERR_POSITIVE = 'ERR value is out of range, must be positive';
const ERR_SRANDMEMBER_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
const ERR_NUMKEYS = 'ERR numkeys should be greater than 0';
const ERR_NUMKEYS_ARGS = "ERR Number of keys can't be greater than number of args";
const ERR_LIMIT = "ERR LIMIT can't be negative";

/** SPOP rebuilds the set from the members it keeps when it pops more than this many times what remains (Redis). */
const SPOP_MOVE_STRATEGY_MUL = 5;
/** SRANDMEMBER copies the set and removes members when the set is at most this many times the count (Redis). */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

// ----- lookups ---------------------------------------------------------------------------------------------------

/**
 * Looks up the key of argument `i` (reply-helpers.ts `lookupTyped`). @returns FOUND for a set, MISSING, or
 * WRONG_TYPE (nothing replied)
 */
function lookupSet(ctx: CommandContext, i: number, write: boolean): number {
  return lookupTyped(ctx, i, TYPE_SET, write);
}

/** The current member (`ctx.sets.member*`) copied out of the arena. */
function copyMember(ctx: CommandContext): Buffer {
  const s = ctx.sets;
  return Buffer.from(s.memberBuf.subarray(s.memberOff, s.memberOff + s.memberLen));
}

/** Every member of the current set, copied, in iteration order. */
function copyMembers(ctx: CommandContext): Buffer[] {
  const s = ctx.sets;
  const out: Buffer[] = [];
  s.iterStart();
  while (s.iterNext()) out.push(copyMember(ctx));
  return out;
}

/** Replies with the current member as a bulk string. */
function replyMember(ctx: CommandContext): void {
  const s = ctx.sets;
  ctx.reply.bulk(s.memberBuf, s.memberOff, s.memberLen);
}

/** Key of a member in JS maps and sets (bytes 1:1 as code points). */
function mkey(b: Buffer): string {
  return b.toString('latin1');
}

/** True when `b` is a canonical 64-bit integer (what an intset holds). */
function isInt(b: Buffer): boolean {
  return parseInt64(b, 0, b.length);
}

/**
 * Redis's temporary result set is an intset (members in ascending order) when all `members` are integers and there
 * are at most set-max-intset-entries of them; then sorts them so.
 * @returns true when it is (and `members` is now sorted)
 */
function sortIfIntset(ctx: CommandContext, members: Buffer[]): boolean {
  if (members.length > ctx.sets.maxIntsetEntries) return false;
  for (const m of members) if (!isInt(m)) return false;
  const v = members.map((m) => ({ m, n: BigInt(m.toString('latin1')) }));
  v.sort((x, y) => (x.n < y.n ? -1 : x.n > y.n ? 1 : 0));
  for (let i = 0; i < v.length; i++) members[i] = v[i]!.m;
  return true;
}

/** Replies with `members` as a set (RESP3 `~`, RESP2 array). */
function replySet(ctx: CommandContext, members: readonly Buffer[]): void {
  ctx.reply.setLen(members.length);
  for (const m of members) ctx.reply.bulk(m, 0, m.length);
}

/**
 * Creates a set at the key of the keyspace's last lookup (found or not: an existing value is replaced, its TTL
 * dropped) holding `members` (at least one, distinct). With `intsetOk` false the set is a hashtable even when an
 * intset could hold it (the temporary set Redis stores had already been converted).
 */
function createSet(ctx: CommandContext, members: readonly Buffer[], intsetOk: boolean): void {
  const s = ctx.sets;
  const max = s.maxIntsetEntries;
  if (!intsetOk) s.maxIntsetEntries = 0;
  try {
    const first = members[0]!;
    s.create(first, 0, first.length);
    for (const m of members) s.add(m, 0, m.length);
  } finally {
    s.maxIntsetEntries = max;
  }
}

/**
 * The end of a *STORE (Redis setKey / dbDelete): stores `members` at the key of argument `dst` and replies their
 * number with the `event` keyspace event, or, for an empty result, deletes the destination (`del` event if it
 * existed) and replies 0.
 */
function storeResult(ctx: CommandContext, dst: number, members: readonly Buffer[], intsetOk: boolean, event: string): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (members.length === 0) {
    // dbDelete: deletes the key as it is, without an expiry check.
    if (ks.find(a.buf, a.argOff[dst], a.argLen[dst])) {
      ks.removeCurrent();
      notifyArg(ctx, NOTIFY_GENERIC, 'del', dst); // keyspace event
    }
    ctx.reply.integer(0);
    return;
  }
  ks.lookupWrite(a.buf, a.argOff[dst], a.argLen[dst]);
  createSet(ctx, members, intsetOk);
  ctx.reply.integer(members.length);
  notifyArg(ctx, NOTIFY_SET, event, dst); // keyspace event
}

// ----- single-key commands ---------------------------------------------------------------------------------------

function saddCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const s = ctx.sets;
  const t = lookupSet(ctx, 1, true);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  if (t === MISSING) s.create(a.buf, a.argOff[2], a.argLen[2]);
  let added = 0;
  for (let j = 2; j < a.argc; j++) if (s.add(a.buf, a.argOff[j], a.argLen[j])) added++;
  if (added > 0) notifyArg(ctx, NOTIFY_SET, 'sadd', 1); // keyspace event
  ctx.reply.integer(added);
}

function sremCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const s = ctx.sets;
  const t = lookupSet(ctx, 1, true);
  if (t === MISSING) return ctx.reply.integer(0);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  let deleted = 0;
  let emptied = false;
  for (let j = 2; j < a.argc; j++) {
    if (s.remove(a.buf, a.argOff[j], a.argLen[j])) {
      deleted++;
      if (s.card() === 0) {
        emptied = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    notifyArg(ctx, NOTIFY_SET, 'srem', 1); // keyspace event
    if (emptied) deleteKey(ctx, 1);
  }
  ctx.reply.integer(deleted);
}

function scardCommand(ctx: CommandContext): void {
  const t = lookupSet(ctx, 1, false);
  if (t === MISSING) return ctx.reply.integer(0);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  ctx.reply.integer(ctx.sets.card());
}

function sismemberCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const t = lookupSet(ctx, 1, false);
  if (t === MISSING) return ctx.reply.integer(0);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  ctx.reply.integer(ctx.sets.has(a.buf, a.argOff[2], a.argLen[2]) ? 1 : 0);
}

function smismemberCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const t = lookupSet(ctx, 1, false);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  ctx.reply.arrayLen(a.argc - 2);
  for (let j = 2; j < a.argc; j++) ctx.reply.integer(t === FOUND && ctx.sets.has(a.buf, a.argOff[j], a.argLen[j]) ? 1 : 0);
}

function smembersCommand(ctx: CommandContext): void {
  const s = ctx.sets;
  const t = lookupSet(ctx, 1, false);
  if (t === MISSING) return ctx.reply.setLen(0);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  ctx.reply.setLen(s.card());
  s.iterStart();
  while (s.iterNext()) replyMember(ctx);
}

// ----- SRANDMEMBER / SPOP ----------------------------------------------------------------------------------------

function srandmemberCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  if (a.argc === 3) return srandmemberWithCount(ctx);
  if (a.argc > 3) return ctx.reply.error(ERR.syntax);
  const t = lookupSet(ctx, 1, false);
  if (t === MISSING) return ctx.reply.nullBulk();
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  ctx.sets.random();
  replyMember(ctx);
}

function srandmemberWithCount(ctx: CommandContext): void {
  const a = ctx.argv;
  const s = ctx.sets;
  if (!argLL(a, 2)) return ctx.reply.error(ERR.notInteger);
  if (LL.big !== null && LL.big === -(2n ** 63n)) return ctx.reply.error(ERR_SRANDMEMBER_RANGE);
  const uniq = LL.value >= 0;
  const count = Math.abs(LL.value);
  const t = lookupSet(ctx, 1, false);
  if (t === MISSING) return ctx.reply.arrayLen(0);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  if (count === 0) return ctx.reply.arrayLen(0);
  if (!uniq && count > maxRandomDraws(ctx)) return ctx.reply.error('ERR value is out of range');
  const size = s.card();
  // Case 1: a negative count (members may repeat), or one member.
  if (!uniq || count === 1) {
    ctx.reply.arrayLen(count);
    for (let i = 0; i < count; i++) {
      s.random();
      replyMember(ctx);
    }
    return;
  }
  // Case 2: the whole set.
  if (count >= size) {
    ctx.reply.arrayLen(size);
    s.iterStart();
    while (s.iterNext()) replyMember(ctx);
    return;
  }
  let picked: Buffer[];
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    // Case 3: copy the set, then drop random members down to `count` (a partial Fisher-Yates shuffle).
    picked = copyMembers(ctx);
    for (let n = picked.length; n > count; n--) {
      const i = Math.floor(Math.random() * n);
      picked[i] = picked[n - 1]!;
    }
    picked.length = count;
  } else {
    // Case 4: random members until `count` distinct ones.
    const seen = new Map<string, Buffer>();
    while (seen.size < count) {
      s.random();
      const m = copyMember(ctx);
      const k = mkey(m);
      if (!seen.has(k)) seen.set(k, m);
    }
    picked = [...seen.values()];
  }
  ctx.reply.arrayLen(count);
  for (const m of picked) ctx.reply.bulk(m, 0, m.length);
}

function spopCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const s = ctx.sets;
  if (a.argc === 3) return spopWithCount(ctx);
  if (a.argc > 3) return ctx.reply.error(ERR.syntax);
  const t = lookupSet(ctx, 1, true);
  if (t === MISSING) return ctx.reply.nullBulk();
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  s.random();
  const m = copyMember(ctx);
  s.remove(m, 0, m.length);
  notifyArg(ctx, NOTIFY_SET, 'spop', 1); // keyspace event
  ctx.reply.bulk(m, 0, m.length);
  if (s.card() === 0) deleteKey(ctx, 1);
}

function spopWithCount(ctx: CommandContext): void {
  const a = ctx.argv;
  const s = ctx.sets;
  const ks = ctx.ks;
  if (!argLL(a, 2) || LL.value < 0) return ctx.reply.error(ERR_POSITIVE);
  const count = LL.value;
  const t = lookupSet(ctx, 1, true);
  if (t === MISSING) return ctx.reply.setLen(0);
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  if (count === 0) return ctx.reply.setLen(0);
  const size = s.card();
  notifyArg(ctx, NOTIFY_SET, 'spop', 1); // keyspace event
  // Case 1: the whole set, in the order of Redis's temporary union set; the key goes.
  if (count >= size) {
    const all = copyMembers(ctx);
    sortIfIntset(ctx, all);
    replySet(ctx, all);
    deleteKey(ctx, 1);
    return;
  }
  let remaining = size - count;
  ctx.reply.setLen(count);
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    // Case 2: pop random members one by one.
    for (let i = 0; i < count; i++) {
      s.random();
      const m = copyMember(ctx);
      ctx.reply.bulk(m, 0, m.length);
      s.remove(m, 0, m.length);
    }
    return;
  }
  // Case 3: move the members that stay into a new set, reply with what is left of the old one, and store the new
  // one under the key (its encoding chosen afresh, as Redis's setTypeCreate; the TTL kept, as dbOverwrite).
  const keep: Buffer[] = [];
  while (remaining-- > 0) {
    s.random();
    const m = copyMember(ctx);
    keep.push(m);
    s.remove(m, 0, m.length);
  }
  s.iterStart();
  while (s.iterNext()) replyMember(ctx);
  const ttl = ks.expireAt();
  refind(ctx, 1);
  createSet(ctx, keep, true);
  if (ttl > 0 && refind(ctx, 1)) ks.setExpire(ttl);
}

// ----- SMOVE -----------------------------------------------------------------------------------------------------

function smoveCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const s = ctx.sets;
  const ks = ctx.ks;
  const src = lookupSet(ctx, 1, true);
  const dst = lookupSet(ctx, 2, true);
  if (src === MISSING) return ctx.reply.integer(0);
  if (src === WRONG_TYPE || dst === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  const mb = a.buf;
  const mo = a.argOff[3];
  const ml = a.argLen[3];
  // The same key: a no-op that says whether the member is there (the current item is that key).
  if (sameKey(ctx, 1, 2)) {
    return ctx.reply.integer(s.has(mb, mo, ml) ? 1 : 0);
  }
  refind(ctx, 1);
  if (!s.remove(mb, mo, ml)) return ctx.reply.integer(0);
  notifyArg(ctx, NOTIFY_SET, 'srem', 1); // keyspace event
  if (s.card() === 0) deleteKey(ctx, 1);
  if (!ks.find(a.buf, a.argOff[2], a.argLen[2])) s.create(mb, mo, ml);
  if (s.add(mb, mo, ml)) notifyArg(ctx, NOTIFY_SET, 'sadd', 2); // keyspace event
  ctx.reply.integer(1);
}

// ----- SINTER / SINTERCARD / SINTERSTORE -------------------------------------------------------------------------

/**
 * Looks up the keys of arguments [first, first + n) in order (Redis's first loop) and records the cardinality of
 * each (-1 for a missing key) in `cards`.
 * @returns false after replying WRONGTYPE for a key of another type
 */
function lookupAll(ctx: CommandContext, first: number, n: number, cards: number[]): boolean {
  for (let j = 0; j < n; j++) {
    const t = lookupSet(ctx, first + j, false);
    if (t === WRONG_TYPE) {
      ctx.reply.error(ERR.wrongType);
      return false;
    }
    cards.push(t === FOUND ? ctx.sets.card() : -1);
  }
  return true;
}

/**
 * The intersection of the sets at arguments [first, first + n) (all present): the members of the smallest (the
 * first of the smallest, in argument order), in its iteration order, that every other set has.
 */
function intersect(ctx: CommandContext, first: number, n: number, cards: readonly number[]): Buffer[] {
  let smallest = 0;
  for (let j = 1; j < n; j++) if (cards[j]! < cards[smallest]!) smallest = j;
  refind(ctx, first + smallest);
  let result = copyMembers(ctx);
  // Each other set in increasing cardinality (Redis sorts them so), one lookup per set.
  const order = [...Array(n).keys()].filter((j) => j !== smallest).sort((x, y) => cards[x]! - cards[y]!);
  for (const j of order) {
    if (result.length === 0) break;
    const i = first + j;
    // The smallest set itself, named again: everything is in it.
    if (sameKey(ctx, i, first + smallest)) continue;
    refind(ctx, i);
    const s = ctx.sets;
    result = result.filter((m) => s.has(m, 0, m.length));
  }
  return result;
}

function sinterCommand(ctx: CommandContext): void {
  const n = ctx.argv.argc - 1;
  const cards: number[] = [];
  if (!lookupAll(ctx, 1, n, cards)) return;
  if (cards.includes(-1)) return ctx.reply.setLen(0);
  replySet(ctx, intersect(ctx, 1, n, cards));
}

function sintercardCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  if (!argLL(a, 1) || LL.value < 1) return ctx.reply.error(ERR_NUMKEYS);
  const n = LL.value;
  if (n > a.argc - 2) return ctx.reply.error(ERR_NUMKEYS_ARGS);
  let limit = 0;
  for (let j = 2 + n; j < a.argc; j++) {
    if (argIs(a, j, 'limit') && j + 1 < a.argc) {
      j++;
      if (!argLL(a, j) || LL.value < 0) return ctx.reply.error(ERR_LIMIT);
      limit = LL.value;
    } else {
      return ctx.reply.error(ERR.syntax);
    }
  }
  const cards: number[] = [];
  if (!lookupAll(ctx, 2, n, cards)) return;
  if (cards.includes(-1)) return ctx.reply.integer(0);
  const card = intersect(ctx, 2, n, cards).length;
  ctx.reply.integer(limit > 0 && card > limit ? limit : card);
}

function sinterstoreCommand(ctx: CommandContext): void {
  const n = ctx.argv.argc - 2;
  const cards: number[] = [];
  if (!lookupAll(ctx, 2, n, cards)) return;
  const members = cards.includes(-1) ? [] : intersect(ctx, 2, n, cards);
  storeResult(ctx, 1, members, true, 'sinterstore');
}

// ----- SUNION / SDIFF and their STORE ----------------------------------------------------------------------------

/** The union of the sets at arguments [first, first + n) (missing ones are empty), in first-seen order. */
function union(ctx: CommandContext, first: number, n: number, cards: readonly number[]): Buffer[] {
  const seen = new Map<string, Buffer>();
  for (let j = 0; j < n; j++) {
    if (cards[j]! < 0) continue;
    refind(ctx, first + j);
    for (const m of copyMembers(ctx)) {
      const k = mkey(m);
      if (!seen.has(k)) seen.set(k, m);
    }
  }
  return [...seen.values()];
}

/** True when arguments i and j name the same key. */
function sameKey(ctx: CommandContext, i: number, j: number): boolean {
  const a = ctx.argv;
  return a.argLen[i] === a.argLen[j] && a.buf.compare(a.buf, a.argOff[i], a.argOff[i] + a.argLen[i], a.argOff[j], a.argOff[j] + a.argLen[j]) === 0;
}

/**
 * Which of Redis's two SDIFF algorithms it would run (sunionDiffGenericCommand): the second (add the whole first
 * set, then remove the others' members) when half of size(first) × sets exceeds the total size. It matters for
 * the result's encoding only: the second builds it from the whole first set.
 */
function diffUsesAlgo2(cards: readonly number[]): boolean {
  let one = 0;
  let two = 0;
  for (const c of cards) {
    if (c < 0) continue;
    one += cards[0]!;
    two += c;
  }
  return Math.floor(one / 2) > two;
}

/**
 * The difference of the sets at arguments [first, first + n): the first set's members (in its iteration order)
 * that none of the others has; empty when the first is missing or named again.
 * @returns the members, and whether Redis's temporary set could still be an intset
 */
function difference(ctx: CommandContext, first: number, n: number, cards: readonly number[]): { members: Buffer[]; intsetOk: boolean } {
  if (cards[0]! < 0) return { members: [], intsetOk: true };
  for (let j = 1; j < n; j++) if (cards[j]! >= 0 && sameKey(ctx, first, first + j)) return { members: [], intsetOk: true };
  refind(ctx, first);
  let result = copyMembers(ctx);
  let intsetOk = true;
  if (diffUsesAlgo2(cards)) intsetOk = result.length <= ctx.sets.maxIntsetEntries && result.every(isInt);
  for (let j = 1; j < n; j++) {
    if (result.length === 0) break;
    if (cards[j]! < 0) continue;
    refind(ctx, first + j);
    const s = ctx.sets;
    result = result.filter((m) => !s.has(m, 0, m.length));
  }
  return { members: result, intsetOk };
}

/** SUNION (diff = false) and SDIFF (diff = true). */
function sunionDiffCommand(ctx: CommandContext, diff: boolean): void {
  const n = ctx.argv.argc - 1;
  const cards: number[] = [];
  if (!lookupAll(ctx, 1, n, cards)) return;
  let members: Buffer[];
  let intsetOk = true;
  if (diff) ({ members, intsetOk } = difference(ctx, 1, n, cards));
  else members = union(ctx, 1, n, cards);
  if (intsetOk) sortIfIntset(ctx, members);
  replySet(ctx, members);
}

/** SUNIONSTORE (diff = false) and SDIFFSTORE (diff = true). */
function sunionDiffStoreCommand(ctx: CommandContext, diff: boolean): void {
  const n = ctx.argv.argc - 2;
  const cards: number[] = [];
  if (!lookupAll(ctx, 2, n, cards)) return;
  let members: Buffer[];
  let intsetOk = true;
  if (diff) ({ members, intsetOk } = difference(ctx, 2, n, cards));
  else members = union(ctx, 2, n, cards);
  storeResult(ctx, 1, members, intsetOk, diff ? 'sdiffstore' : 'sunionstore');
}

// ----- SSCAN -----------------------------------------------------------------------------------------------------

function sscanCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const s = ctx.sets;
  const cursorIn = parseScanCursor(ctx, 2);
  if (cursorIn < 0) return;
  const t = lookupSet(ctx, 1, false);
  if (t === MISSING) {
    ctx.reply.arrayLen(2);
    ctx.reply.bulkString('0');
    ctx.reply.arrayLen(0);
    return;
  }
  if (t === WRONG_TYPE) return ctx.reply.error(ERR.wrongType);
  if (!parseScanOptions(ctx, 3, false)) return;
  const { count, patIdx } = SCAN_OPTS;
  const usePattern = patIdx >= 0 && !isMatchAll(a.buf, a.argOff[patIdx], a.argLen[patIdx]);
  const found: Buffer[] = [];
  const emit = (): void => {
    if (usePattern && !globMatch(a.buf, a.argOff[patIdx], a.argLen[patIdx], s.memberBuf, s.memberOff, s.memberLen, false)) return;
    found.push(copyMember(ctx));
  };
  let cursor: number;
  if (s.encoding() === 'intset') {
    cursor = s.scan(cursorIn, emit);
  } else {
    // As Redis: up to COUNT elements, visiting at most 10 × COUNT buckets (the pattern filters afterwards there,
    // which only changes how many come back per call). `scanned` counts before the filter, as Redis's list does.
    let scanned = 0;
    const counting = (): void => {
      scanned++;
      emit();
    };
    let maxIterations = count * 10;
    cursor = cursorIn;
    do {
      cursor = s.scan(cursor, counting);
    } while (cursor !== 0 && maxIterations-- > 0 && scanned < count);
  }
  ctx.reply.arrayLen(2);
  ctx.reply.bulkString(String(cursor));
  ctx.reply.arrayLen(found.length);
  for (const m of found) ctx.reply.bulk(m, 0, m.length);
}

// ----- the table -------------------------------------------------------------------------------------------------

const S = { group: 'set' };
const KEY1 = { firstKey: 1, lastKey: 1, step: 1 };
const KEYS_ALL = { firstKey: 1, lastKey: -1, step: 1 };
const DST_KEYS = { firstKey: 1, lastKey: -1, step: 1 };
const keyArg: ArgDoc = { name: 'key', type: 'key', keySpecIndex: 0 };
const keysArg: ArgDoc = { name: 'key', type: 'key', keySpecIndex: 0, multiple: true };
const memberArg: ArgDoc = { name: 'member', type: 'string' };
const membersArg: ArgDoc = { name: 'member', type: 'string', multiple: true };
const storeArgs: ArgDoc[] = [{ name: 'destination', type: 'key', keySpecIndex: 0 }, { name: 'key', type: 'key', keySpecIndex: 1, multiple: true }];

/** The set commands of the table (metadata as redis-server 7.0.15's src/commands/s*.json). */
export const setCommands: CommandSpec[] = [
  {
    name: 'sadd', arity: -3, flags: ['write', 'denyoom', 'fast'], ...KEY1, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Adds one or more members to a set; creates the key if needed.',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    keySpecs: [keySpec(['RW', 'insert'])], handler: saddCommand, arguments: [keyArg, membersArg],
  },
  {
    name: 'srem', arity: -3, flags: ['write', 'fast'], ...KEY1, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Removes one or more members from a set; deletes the key when it is left empty.',
    complexity: 'O(N) where N is the number of members to be removed.',
    keySpecs: [keySpec(['RW', 'delete'])], handler: sremCommand, arguments: [keyArg, membersArg],
  },
  {
    name: 'scard', arity: 2, flags: ['readonly', 'fast'], ...KEY1, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Returns the number of members in a set.', complexity: 'O(1)',
    keySpecs: [keySpec(['RO'])], handler: scardCommand, arguments: [keyArg],
  },
  {
    name: 'sismember', arity: 3, flags: ['readonly', 'fast'], ...KEY1, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Determines whether a value is a member of a set.', complexity: 'O(1)',
    keySpecs: [keySpec(['RO'])], handler: sismemberCommand, arguments: [keyArg, memberArg],
  },
  {
    name: 'smismember', arity: -3, flags: ['readonly', 'fast'], ...KEY1, ...S, acl: ['set'], since: '6.2.0',
    summary: 'Determines whether each of several values is a member of a set.',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    keySpecs: [keySpec(['RO', 'access'])], handler: smismemberCommand, arguments: [keyArg, membersArg],
  },
  {
    name: 'smembers', arity: 2, flags: ['readonly'], ...KEY1, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Returns all members of a set.', complexity: 'O(N) where N is the set cardinality.',
    tips: ['nondeterministic_output_order'], keySpecs: [keySpec(['RO', 'access'])], handler: smembersCommand, arguments: [keyArg],
  },
  {
    name: 'srandmember', arity: -2, flags: ['readonly'], ...KEY1, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Returns one or more random members of a set (a negative count may repeat members).',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    tips: ['nondeterministic_output'], keySpecs: [keySpec(['RO', 'access'])], handler: srandmemberCommand,
    arguments: [keyArg, { name: 'count', type: 'integer', optional: true, since: '2.6.0' }],
  },
  {
    name: 'spop', arity: -2, flags: ['write', 'fast'], ...KEY1, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Removes and returns one or more random members of a set; deletes the key when it is left empty.',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    tips: ['nondeterministic_output'], keySpecs: [keySpec(['RW', 'access', 'delete'])], handler: spopCommand,
    arguments: [keyArg, { name: 'count', type: 'integer', optional: true, since: '3.2.0' }],
  },
  {
    name: 'smove', arity: 4, flags: ['write', 'fast'], firstKey: 1, lastKey: 2, step: 1, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Moves a member from one set to another.', complexity: 'O(1)',
    keySpecs: [keySpec(['RW', 'access', 'delete']), keySpec(['RW', 'insert'], 2)], handler: smoveCommand,
    arguments: [{ name: 'source', type: 'key', keySpecIndex: 0 }, { name: 'destination', type: 'key', keySpecIndex: 1 }, memberArg],
  },
  {
    name: 'sinter', arity: -2, flags: ['readonly'], ...KEYS_ALL, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Returns the intersection of several sets.',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    tips: ['nondeterministic_output_order'], keySpecs: [keySpec(['RO', 'access'], 1, -1)], handler: sinterCommand, arguments: [keysArg],
  },
  {
    name: 'sintercard', arity: -3, flags: ['readonly', 'movablekeys'], firstKey: 0, lastKey: 0, step: 0, ...S, acl: ['set'], since: '7.0.0',
    summary: 'Returns the number of members of the intersection of several sets, up to LIMIT.',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    keySpecs: [{ flags: ['RO', 'access'], index: 1, lastKey: 0, keyStep: 1, keynum: { keynumIdx: 0, firstKey: 1, keyStep: 1 } }],
    handler: sintercardCommand,
    arguments: [{ name: 'numkeys', type: 'integer' }, keysArg, { name: 'limit', type: 'integer', token: 'LIMIT', optional: true }],
  },
  {
    name: 'sinterstore', arity: -3, flags: ['write', 'denyoom'], ...DST_KEYS, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Stores the intersection of several sets in a key (deleting it when empty).',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    keySpecs: [keySpec(['RW', 'update']), keySpec(['RO', 'access'], 2, -1)], handler: sinterstoreCommand, arguments: storeArgs,
  },
  {
    name: 'sunion', arity: -2, flags: ['readonly'], ...KEYS_ALL, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Returns the union of several sets.', complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'], keySpecs: [keySpec(['RO', 'access'], 1, -1)], handler: (ctx) => sunionDiffCommand(ctx, false),
    arguments: [keysArg],
  },
  {
    name: 'sunionstore', arity: -3, flags: ['write', 'denyoom'], ...DST_KEYS, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Stores the union of several sets in a key (deleting it when empty).',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    keySpecs: [keySpec(['OW', 'update']), keySpec(['RO', 'access'], 2, -1)], handler: (ctx) => sunionDiffStoreCommand(ctx, false),
    arguments: storeArgs,
  },
  {
    name: 'sdiff', arity: -2, flags: ['readonly'], ...KEYS_ALL, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Returns the members of the first set that none of the other sets has.',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'], keySpecs: [keySpec(['RO', 'access'], 1, -1)], handler: (ctx) => sunionDiffCommand(ctx, true),
    arguments: [keysArg],
  },
  {
    name: 'sdiffstore', arity: -3, flags: ['write', 'denyoom'], ...DST_KEYS, ...S, acl: ['set'], since: '1.0.0',
    summary: 'Stores the difference of several sets in a key (deleting it when empty).',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    keySpecs: [keySpec(['OW', 'update']), keySpec(['RO', 'access'], 2, -1)], handler: (ctx) => sunionDiffStoreCommand(ctx, true),
    arguments: storeArgs,
  },
  {
    name: 'sscan', arity: -3, flags: ['readonly'], ...KEY1, ...S, acl: ['set'], since: '2.8.0',
    summary: 'Iterates over the members of a set with a cursor.',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    tips: ['nondeterministic_output'], keySpecs: [keySpec(['RO', 'access'])], handler: sscanCommand,
    arguments: [
      keyArg,
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
  },
];
