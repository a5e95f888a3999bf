/**
 * Bitmap commands (SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO) and LCS: all of them work on string
 * values in place in the arena, as Redis's bitops.c and t_string.c do on sds strings.
 *
 * Semantics follow redis-server 7.0.15 (argument order of the checks, error texts, BYTE|BIT ranges, BITFIELD's
 * overflow rules WRAP/SAT/FAIL, LCS's IDX ranges emitted from the end of the strings); the code is our own.
 * - Bit numbering is Redis's: bit 0 is the most significant bit of byte 0.
 * - Writes (SETBIT, BITFIELD SET/INCRBY) first size the value with `ks.resizeValue` (or create it), which makes the
 *   item raw, moves it to the hot tier and never writes a pinned extent in place (keyspace.ts copy-on-write), then
 *   zero-fill the growth. A key grows to at most proto-max-bulk-len bytes: an offset whose byte is beyond that is
 *   refused with Redis's error.
 * - BITOP and LCS copy what they read out of the arena before the next lookup: a lookup may promote an item to the
 *   hot tier, which moves its bytes.
 * - LCS needs a table of (len1 + 1) × (len2 + 1) 32-bit cells; it refuses, with Redis's error, when that table would
 *   exceed proto-max-bulk-len bytes. The table is transient (freed by the next GC).
 * - BITFIELD works on 64-bit values with BigInt (a few per subcommand); every other command is allocation-free
 *   except for the values BITOP and LCS must copy.
 */
import { argIs, argLL, LL } from './args.js';
import type { CommandContext } from './context.js';
import { ERR, wrongType } from './reply-helpers.js';
import { keySpec, type ArgDoc, type CommandSpec } from './types.js';
import { F_RAW, NO_TTL, TYPE_STRING } from '../keyspace/keyspace.js';
import { notifyArg } from '../pubsub/notify.js';
import { NOTIFY_GENERIC, NOTIFY_STRING } from '../pubsub/notify-flags.js';

const ERR_BIT_OFFSET = 'ERR bit offset is not an integer or out of range';
const ERR_BIT_VALUE = 'ERR bit is not an integer or out of range';
const ERR_BITPOS_BIT = 'ERR The bit argument must be 1 or 0.';
const ERR_BITFIELD_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const ERR_OVERFLOW_TYPE = 'ERR Invalid OVERFLOW type specified';
const ERR_BITFIELD_RO = 'ERR BITFIELD_RO only supports the GET subcommand';
const ERR_BITOP_NOT = 'ERR BITOP NOT must be called with a single source key.';
const ERR_LCS_BOTH = 'ERR If you want both the length and indexes, please just use IDX.';
const ERR_LCS_TYPE = 'ERR The specified keys must contain string values';
const ERR_LCS_MEMORY = 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len';

/** Population count of each byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >>> 1];

// ----- shared helpers --------------------------------------------------------------------------------------------


/**
 * Parses argument `i` as a bit offset (Redis getBitOffsetFromArgument): a non-negative integer whose byte is below
 * proto-max-bulk-len; with `bits` > 0, the form `#N` means N × bits. Replies the error itself.
 * @returns the offset in bits, or -1 after replying an error
 */
function bitOffsetArg(ctx: CommandContext, i: number, bits: number): number {
  const a = ctx.argv;
  const hash = bits > 0 && a.argLen[i] > 0 && a.buf[a.argOff[i]] === 0x23; /* '#' */
  const skip = hash ? 1 : 0;
  if (!parseArgLL(ctx, i, skip)) {
    ctx.reply.error(ERR_BIT_OFFSET);
    return -1;
  }
  let off = LL.big !== null ? Number(LL.big) : LL.value;
  if (hash) off *= bits;
  if (off < 0 || Math.floor(off / 8) >= ctx.server.config.protoMaxBulkLen) {
    ctx.reply.error(ERR_BIT_OFFSET);
    return -1;
  }
  return off;
}

/** `argLL` on argument `i` without its first `skip` bytes. */
function parseArgLL(ctx: CommandContext, i: number, skip: number): boolean {
  if (skip === 0) return argLL(ctx.argv, i);
  const a = ctx.argv;
  const saveOff = a.argOff[i];
  const saveLen = a.argLen[i];
  a.argOff[i] = saveOff + skip;
  a.argLen[i] = saveLen - skip;
  const ok = argLL(a, i);
  a.argOff[i] = saveOff;
  a.argLen[i] = saveLen;
  return ok;
}

/** The last `argLL` result as a BigInt (exact in the whole int64 range). */
function llBig(): bigint {
  return LL.big !== null ? LL.big : BigInt(LL.value);
}

/**
 * Set by {@link valueForBitWrite}: true when it created the key or lengthened its value (Redis's `dirty` of
 * lookupStringForBitCommand). SETBIT and BITFIELD then publish their `setbit` event even if no bit changed.
 */
let bitWriteDirty = false;

/**
 * Makes the value of key argv[1] at least long enough to hold bit `maxBit` (Redis lookupStringForBitCommand):
 * creates it zero-filled when absent, zero-pads it when shorter (both set {@link bitWriteDirty}). The item is then
 * the keyspace's current one.
 * @returns the offset of its value bytes in `ctx.ks.ext.u8`, or -1 after replying WRONGTYPE (the key holds another type)
 */
function valueForBitWrite(ctx: CommandContext, maxBit: number): number {
  const ks = ctx.ks;
  const a = ctx.argv;
  const need = Math.floor(maxBit / 8) + 1;
  if (!ks.lookupWrite(a.buf, a.argOff[1], a.argLen[1])) {
    const voff = ks.storeAlloc(need, NO_TTL, F_RAW);
    ks.ext.u8.fill(0, voff, voff + need);
    bitWriteDirty = true;
    return voff;
  }
  if (wrongType(ctx, TYPE_STRING)) return -1;
  const old = ks.valLen();
  const len = Math.max(old, need);
  const voff = ks.resizeValue(len);
  if (len > old) ks.ext.u8.fill(0, voff + old, voff + len);
  bitWriteDirty = len > old;
  return voff;
}

/**
 * Applies Redis's range rules shared by BITCOUNT and BITPOS: negative indexes count from the end, then both are
 * clamped to [0, total - 1]. Result in `range` (start may end up above end: an empty range).
 */
const range = { start: 0, end: 0 };
function clampRange(start: number, end: number, total: number): void {
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  range.start = start;
  range.end = end;
}

/** Parses argument `i` as BYTE or BIT. @returns 1 for BIT, 0 for BYTE, -1 (error replied) otherwise */
function unitArg(ctx: CommandContext, i: number): number {
  if (argIs(ctx.argv, i, 'bit')) return 1;
  if (argIs(ctx.argv, i, 'byte')) return 0;
  ctx.reply.error(ERR.syntax);
  return -1;
}

// ----- SETBIT / GETBIT -------------------------------------------------------------------------------------------

function setbitCommand(ctx: CommandContext): void {
  const off = bitOffsetArg(ctx, 2, 0);
  if (off < 0) return;
  if (!argLL(ctx.argv, 3) || LL.big !== null || (LL.value !== 0 && LL.value !== 1)) {
    ctx.reply.error(ERR_BIT_VALUE);
    return;
  }
  const on = LL.value;
  const voff = valueForBitWrite(ctx, off);
  if (voff < 0) return;
  const u8 = ctx.ks.ext.u8;
  const p = voff + Math.floor(off / 8);
  const mask = 0x80 >>> (off % 8);
  const old = (u8[p] & mask) !== 0 ? 1 : 0;
  if (on === 1) u8[p] |= mask;
  else u8[p] &= ~mask;
  // Keyspace event when the key was created or grown or the bit changed, before the reply (Redis setbitCommand).
  if (bitWriteDirty || old !== on) notifyArg(ctx, NOTIFY_STRING, 'setbit', 1);
  ctx.reply.integer(old);
}

function getbitCommand(ctx: CommandContext): void {
  const off = bitOffsetArg(ctx, 2, 0);
  if (off < 0) return;
  const a = ctx.argv;
  const ks = ctx.ks;
  if (!ks.lookupRead(a.buf, a.argOff[1], a.argLen[1])) {
    ctx.reply.integer(0);
    return;
  }
  if (wrongType(ctx, TYPE_STRING)) return;
  const byte = Math.floor(off / 8);
  if (byte >= ks.valLen()) {
    ctx.reply.integer(0);
    return;
  }
  ctx.reply.integer((ks.ext.u8[ks.valOff() + byte] & (0x80 >>> (off % 8))) !== 0 ? 1 : 0);
}

// ----- BITCOUNT / BITPOS -----------------------------------------------------------------------------------------

/** Set bits of bytes [from, to] of `u8`, counting only bits [firstBit, lastBit] (0..7) of the first and last byte. */
function countBits(u8: Uint8Array, from: number, to: number, firstBit: number, lastBit: number): number {
  if (from === to) return POPCOUNT[u8[from] & (0xff >>> firstBit) & (0xff << (7 - lastBit))];
  let n = POPCOUNT[u8[from] & (0xff >>> firstBit)] + POPCOUNT[u8[to] & (0xff << (7 - lastBit)) & 0xff];
  for (let i = from + 1; i < to; i++) n += POPCOUNT[u8[i]];
  return n;
}

function bitcountCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  // Redis looks the key up first: a missing key answers 0 whatever the other arguments.
  if (!ks.lookupRead(a.buf, a.argOff[1], a.argLen[1])) {
    ctx.reply.integer(0);
    return;
  }
  if (wrongType(ctx, TYPE_STRING)) return;
  const len = ks.valLen();
  let startBit: number;
  let endBit: number;
  if (a.argc === 4 || a.argc === 5) {
    if (!argLL(a, 2)) return ctx.reply.error(ERR.notInteger);
    const start = LL.value;
    if (!argLL(a, 3)) return ctx.reply.error(ERR.notInteger);
    const end = LL.value;
    if (start < 0 && end < 0 && start > end) return ctx.reply.integer(0);
    let isBit = 0;
    if (a.argc === 5 && (isBit = unitArg(ctx, 4)) < 0) return;
    clampRange(start, end, isBit === 1 ? len * 8 : len);
    if (range.start > range.end) return ctx.reply.integer(0);
    startBit = isBit === 1 ? range.start : range.start * 8;
    endBit = isBit === 1 ? range.end : range.end * 8 + 7;
  } else if (a.argc === 2) {
    if (len === 0) return ctx.reply.integer(0);
    startBit = 0;
    endBit = len * 8 - 1;
  } else {
    return ctx.reply.error(ERR.syntax);
  }
  const v = ks.valOff();
  ctx.reply.integer(countBits(ks.ext.u8, v + Math.floor(startBit / 8), v + Math.floor(endBit / 8), startBit % 8, endBit % 8));
}

/** First bit equal to `bit` in bits [startBit, endBit] of the value at `v`, or -1. */
function findBit(u8: Uint8Array, v: number, startBit: number, endBit: number, bit: number): number {
  const skip = bit === 1 ? 0x00 : 0xff; // a byte with no bit of interest
  let pos = startBit;
  // the bits up to the first byte boundary
  while (pos <= endBit && pos % 8 !== 0) {
    if (((u8[v + Math.floor(pos / 8)] >>> (7 - (pos % 8))) & 1) === bit) return pos;
    pos++;
  }
  // whole bytes
  let byte = pos / 8;
  const lastWhole = Math.floor((endBit + 1) / 8); // bytes below this one are wholly in range
  while (byte < lastWhole && u8[v + byte] === skip) byte++;
  pos = byte * 8;
  for (; pos <= endBit; pos++) {
    if (((u8[v + Math.floor(pos / 8)] >>> (7 - (pos % 8))) & 1) === bit) return pos;
  }
  return -1;
}

function bitposCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (!argLL(a, 2)) return ctx.reply.error(ERR.notInteger);
  if (LL.big !== null || (LL.value !== 0 && LL.value !== 1)) return ctx.reply.error(ERR_BITPOS_BIT);
  const bit = LL.value;
  // A missing key is an endless run of zero bits.
  if (!ks.lookupRead(a.buf, a.argOff[1], a.argLen[1])) return ctx.reply.integer(bit === 1 ? -1 : 0);
  if (wrongType(ctx, TYPE_STRING)) return;
  const len = ks.valLen();
  let startBit = 0;
  let endBit = len * 8 - 1;
  let endGiven = false;
  if (a.argc >= 4 && a.argc <= 6) {
    if (!argLL(a, 3)) return ctx.reply.error(ERR.notInteger);
    const start = LL.value;
    let isBit = 0;
    if (a.argc === 6 && (isBit = unitArg(ctx, 5)) < 0) return;
    let end: number;
    if (a.argc >= 5) {
      if (!argLL(a, 4)) return ctx.reply.error(ERR.notInteger);
      end = LL.value;
      endGiven = true;
    } else {
      end = isBit === 1 ? len * 8 - 1 : len - 1;
    }
    clampRange(start, end, isBit === 1 ? len * 8 : len);
    startBit = isBit === 1 ? range.start : range.start * 8;
    endBit = isBit === 1 ? range.end : range.end * 8 + 7;
    if (range.start > range.end) return ctx.reply.integer(-1);
  } else if (a.argc !== 3) {
    return ctx.reply.error(ERR.syntax);
  }
  if (len === 0) return ctx.reply.integer(-1); // an empty range has neither a 0 nor a 1
  const pos = findBit(ks.ext.u8, ks.valOff(), startBit, endBit, bit);
  // Looking for a 0 with no explicit end: the string is taken as padded with zeros on the right.
  if (pos === -1 && bit === 0 && !endGiven) return ctx.reply.integer(endBit + 1);
  ctx.reply.integer(pos);
}

// ----- BITOP -----------------------------------------------------------------------------------------------------

const OP_AND = 0;
const OP_OR = 1;
const OP_XOR = 2;
const OP_NOT = 3;

function bitopCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  let op: number;
  if (argIs(a, 1, 'and')) op = OP_AND;
  else if (argIs(a, 1, 'or')) op = OP_OR;
  else if (argIs(a, 1, 'xor')) op = OP_XOR;
  else if (argIs(a, 1, 'not')) op = OP_NOT;
  else return ctx.reply.error(ERR.syntax);
  if (op === OP_NOT && a.argc !== 4) return ctx.reply.error(ERR_BITOP_NOT);
  // First pass without statistics: the result's length is the longest source's.
  let maxLen = 0;
  for (let j = 3; j < a.argc; j++) {
    if (ks.lookup(a.buf, a.argOff[j], a.argLen[j])) {
      if (wrongType(ctx, TYPE_STRING)) return;
      maxLen = Math.max(maxLen, ks.valLen());
    }
  }
  const res = maxLen > 0 ? Buffer.alloc(maxLen) : null;
  for (let j = 3; j < a.argc; j++) {
    const found = ks.lookupRead(a.buf, a.argOff[j], a.argLen[j]);
    if (found && wrongType(ctx, TYPE_STRING)) return; // sources are read in order: the first of another type ends it
    if (res === null) continue;
    const len = found ? ks.valLen() : 0;
    const u8 = ks.ext.u8;
    const v = found ? ks.valOff() : 0;
    if (op === OP_NOT) {
      for (let i = 0; i < len; i++) res[i] = ~u8[v + i] & 0xff;
    } else if (j === 3) {
      if (len > 0) res.set(u8.subarray(v, v + len), 0); // the first source as it is
    } else if (op === OP_OR) {
      for (let i = 0; i < len; i++) res[i] |= u8[v + i];
    } else if (op === OP_XOR) {
      for (let i = 0; i < len; i++) res[i] ^= u8[v + i];
    } else {
      for (let i = 0; i < len; i++) res[i] &= u8[v + i];
      res.fill(0, len); // AND: bytes past a source's end are zeros
    }
  }
  // The destination (argument 2): deleted when the result is empty, else overwritten as a raw string without TTL.
  // Keyspace events as Redis's bitopCommand: `del` when an existing destination is deleted, else `set`.
  if (res === null) {
    if (ks.delete(a.buf, a.argOff[2], a.argLen[2])) notifyArg(ctx, NOTIFY_GENERIC, 'del', 2);
    return ctx.reply.integer(0);
  }
  ks.lookupWrite(a.buf, a.argOff[2], a.argLen[2]);
  const voff = ks.storeAlloc(maxLen, NO_TTL, F_RAW);
  ks.ext.u8.set(res, voff);
  notifyArg(ctx, NOTIFY_STRING, 'set', 2);
  ctx.reply.integer(maxLen);
}

// ----- BITFIELD / BITFIELD_RO ------------------------------------------------------------------------------------

const BF_GET = 0;
const BF_SET = 1;
const BF_INCRBY = 2;
const OW_WRAP = 0;
const OW_SAT = 1;
const OW_FAIL = 2;

/** One parsed BITFIELD subcommand. */
interface BitfieldOp {
  opcode: number;
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: number;
}

/** Parses argument `i` as a bitfield type (i1..i64, u1..u63). @returns signed bits (negative for unsigned), 0 on error (replied) */
function bitfieldTypeArg(ctx: CommandContext, i: number): number {
  const a = ctx.argv;
  const o = a.argOff[i];
  const l = a.argLen[i];
  const c = l > 0 ? a.buf[o] : 0;
  const signed = c === 0x69; /* i */
  if ((signed || c === 0x75) /* u */ && parseArgLL(ctx, i, 1) && LL.big === null && LL.value >= 1 && LL.value <= (signed ? 64 : 63)) {
    return signed ? LL.value : -LL.value;
  }
  ctx.reply.error(ERR_BITFIELD_TYPE);
  return 0;
}

/** Reads `bits` bits at bit `offset` of the `len` value bytes at `v` (bits past the end read as 0), unsigned. */
function readBits(u8: Uint8Array, v: number, len: number, offset: number, bits: number): bigint {
  let r = 0n;
  for (let i = 0; i < bits; i++) {
    const pos = offset + i;
    const byte = Math.floor(pos / 8);
    const b = byte < len ? (u8[v + byte] >>> (7 - (pos % 8))) & 1 : 0;
    r = (r << 1n) | (b === 1 ? 1n : 0n);
  }
  return r;
}

/** Writes the low `bits` bits of `value` at bit `offset` of the value bytes at `v` (which are long enough). */
function writeBits(u8: Uint8Array, v: number, offset: number, bits: number, value: bigint): void {
  const x = BigInt.asUintN(bits, value);
  for (let i = 0; i < bits; i++) {
    const pos = offset + i;
    const p = v + Math.floor(pos / 8);
    const mask = 0x80 >>> (pos % 8);
    if (((x >> BigInt(bits - 1 - i)) & 1n) === 1n) u8[p] |= mask;
    else u8[p] &= ~mask;
  }
}

/**
 * Redis's overflow rule for `value + incr` in a field of `bits` bits (checkSignedBitfieldOverflow /
 * checkUnsignedBitfieldOverflow): sets `bf.result` to the value to store (wrapped or saturated) and returns
 * whether it overflowed (either way).
 */
const bf = { result: 0n };
function overflows(signed: boolean, bits: number, value: bigint, incr: bigint, overflow: number): boolean {
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = signed ? -max - 1n : 0n;
  const sum = value + incr;
  const over = value > max || sum > max;
  const under = !over && (value < min || sum < min);
  if (!over && !under) {
    bf.result = sum;
    return false;
  }
  if (overflow === OW_SAT) bf.result = over ? max : min;
  else bf.result = signed ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum);
  return true;
}

function bitfieldGeneric(ctx: CommandContext, readOnlyCommand: boolean): void {
  const a = ctx.argv;
  const ks = ctx.ks;
  const ops: BitfieldOp[] = [];
  let overflow = OW_WRAP;
  let writes = false;
  let highest = 0;
  for (let j = 2; j < a.argc; j++) {
    const rem = a.argc - j - 1;
    let opcode: number;
    if (argIs(a, j, 'get') && rem >= 2) opcode = BF_GET;
    else if (argIs(a, j, 'set') && rem >= 3) opcode = BF_SET;
    else if (argIs(a, j, 'incrby') && rem >= 3) opcode = BF_INCRBY;
    else if (argIs(a, j, 'overflow') && rem >= 1) {
      j++;
      if (argIs(a, j, 'wrap')) overflow = OW_WRAP;
      else if (argIs(a, j, 'sat')) overflow = OW_SAT;
      else if (argIs(a, j, 'fail')) overflow = OW_FAIL;
      else return ctx.reply.error(ERR_OVERFLOW_TYPE);
      continue;
    } else {
      return ctx.reply.error(ERR.syntax);
    }
    const t = bitfieldTypeArg(ctx, j + 1);
    if (t === 0) return;
    const bits = Math.abs(t);
    const offset = bitOffsetArg(ctx, j + 2, bits);
    if (offset < 0) return;
    let value = 0n;
    if (opcode !== BF_GET) {
      writes = true;
      highest = Math.max(highest, offset + bits - 1);
      if (!argLL(a, j + 3)) return ctx.reply.error(ERR.notInteger);
      value = llBig();
    }
    ops.push({ opcode, signed: t > 0, bits, offset, value, overflow });
    j += opcode === BF_GET ? 2 : 3;
  }
  let v = 0;
  let found: boolean;
  if (!writes) {
    found = ks.lookupRead(a.buf, a.argOff[1], a.argLen[1]);
    if (found && wrongType(ctx, TYPE_STRING)) return;
    if (found) v = ks.valOff();
  } else {
    if (readOnlyCommand) return ctx.reply.error(ERR_BITFIELD_RO);
    v = valueForBitWrite(ctx, highest);
    if (v < 0) return;
    found = true;
  }
  const u8 = ks.ext.u8;
  const len = found ? ks.valLen() : 0;
  let changes = 0;
  ctx.reply.arrayLen(ops.length);
  for (const op of ops) {
    const raw = readBits(u8, v, len, op.offset, op.bits);
    const old = op.signed ? BigInt.asIntN(op.bits, raw) : raw;
    if (op.opcode === BF_GET) {
      ctx.reply.bigInteger(old);
      continue;
    }
    let store: bigint;
    let reply: bigint;
    let over: boolean;
    if (op.opcode === BF_INCRBY) {
      over = overflows(op.signed, op.bits, old, op.value, op.overflow);
      store = bf.result;
      reply = store;
    } else {
      // SET: the new value must fit the field (an unsigned field takes the int64 as its 64-bit pattern)
      const nv = op.signed ? op.value : BigInt.asUintN(64, op.value);
      over = overflows(op.signed, op.bits, nv, 0n, op.overflow);
      store = bf.result;
      reply = old;
    }
    if (over && op.overflow === OW_FAIL) {
      ctx.reply.nullBulk();
      continue;
    }
    writeBits(u8, v, op.offset, op.bits, store);
    if (bitWriteDirty || BigInt.asUintN(op.bits, store) !== raw) changes++; // Redis: dirty || oldval != newval
    ctx.reply.bigInteger(reply);
  }
  // One `setbit` event when a SET or INCRBY changed something (or the key was created or grown), after the
  // replies, as Redis's bitfieldGeneric.
  if (changes > 0) notifyArg(ctx, NOTIFY_STRING, 'setbit', 1);
}

// ----- LCS -------------------------------------------------------------------------------------------------------

/** Copies the value of key argument `i` out of the arena: empty when the key does not exist, null when not a string. */
function readValueCopy(ctx: CommandContext, i: number): Buffer | null {
  const a = ctx.argv;
  const ks = ctx.ks;
  if (!ks.lookupRead(a.buf, a.argOff[i], a.argLen[i])) return Buffer.alloc(0);
  if (ks.type() !== TYPE_STRING) return null;
  const v = ks.valOff();
  return Buffer.from(ks.ext.u8.subarray(v, v + ks.valLen()));
}

function lcsCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  // Redis looks both keys up, then refuses any that is not a string.
  const sa = readValueCopy(ctx, 1);
  const sb = readValueCopy(ctx, 2);
  if (sa === null || sb === null) return ctx.reply.error(ERR_LCS_TYPE);
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < a.argc; j++) {
    const more = a.argc - 1 - j;
    if (argIs(a, j, 'idx')) getIdx = true;
    else if (argIs(a, j, 'len')) getLen = true;
    else if (argIs(a, j, 'withmatchlen')) withMatchLen = true;
    else if (argIs(a, j, 'minmatchlen') && more > 0) {
      if (!argLL(a, j + 1)) return ctx.reply.error(ERR.notInteger);
      minMatchLen = LL.big !== null ? (LL.big < 0n ? 0 : Number.MAX_SAFE_INTEGER) : Math.max(0, LL.value);
      j++;
    } else {
      return ctx.reply.error(ERR.syntax);
    }
  }
  if (getLen && getIdx) return ctx.reply.error(ERR_LCS_BOTH);
  const alen = sa.length;
  const blen = sb.length;
  const w = blen + 1;
  if ((alen + 1) * w * 4 > ctx.server.config.protoMaxBulkLen) return ctx.reply.error(ERR_LCS_MEMORY);
  // dp[i * w + j] = length of the LCS of sa[0, i) and sb[0, j)
  const dp = new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    const ai = sa[i - 1];
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === sb[j - 1]) dp[row + j] = dp[prev + j - 1] + 1;
      else {
        const up = dp[prev + j];
        const left = dp[row + j - 1];
        dp[row + j] = up > left ? up : left;
      }
    }
  }
  const total = dp[alen * w + blen];
  if (getLen) return ctx.reply.integer(total);
  // Walk back from the ends, building the LCS right to left and the matching ranges (IDX) as Redis emits them.
  const out = Buffer.allocUnsafe(total);
  const matches: number[] = []; // aStart, aEnd, bStart, bEnd per match
  let idx = total;
  let aStart = -1;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (sa[i - 1] === sb[j - 1]) {
      out[--idx] = sa[i - 1];
      if (aStart === -1) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (dp[(i - 1) * w + j] > dp[i * w + j - 1]) i--;
      else j--;
      if (aStart !== -1) emit = true;
    }
    if (emit) {
      if (minMatchLen === 0 || aEnd - aStart + 1 >= minMatchLen) matches.push(aStart, aEnd, bStart, bEnd);
      aStart = -1;
    }
  }
  if (!getIdx) return ctx.reply.bulk(out, 0, total);
  const r = ctx.reply;
  r.mapLen(2);
  r.bulkString('matches');
  r.arrayLen(matches.length / 4);
  for (let k = 0; k < matches.length; k += 4) {
    r.arrayLen(withMatchLen ? 3 : 2);
    r.arrayLen(2);
    r.integer(matches[k]);
    r.integer(matches[k + 1]);
    r.arrayLen(2);
    r.integer(matches[k + 2]);
    r.integer(matches[k + 3]);
    if (withMatchLen) r.integer(matches[k + 1] - matches[k] + 1);
  }
  r.bulkString('len');
  r.integer(total);
}

// ----- the table -------------------------------------------------------------------------------------------------

const B = { group: 'bitmap' };
const KEY1 = { firstKey: 1, lastKey: 1, step: 1 };
const UNIT: ArgDoc = {
  name: 'index_unit', type: 'oneof', optional: true, since: '7.0.0',
  arguments: [{ name: 'byte', type: 'pure-token', token: 'BYTE' }, { name: 'bit', type: 'pure-token', token: 'BIT' }],
};
const GET_BLOCK: ArgDoc[] = [{ name: 'encoding', type: 'string' }, { name: 'offset', type: 'integer' }];

/** The bitmap commands and LCS. */
export const bitmapCommands: CommandSpec[] = [
  {
    name: 'setbit', arity: 4, flags: ['write', 'denyoom'], ...KEY1, ...B, acl: ['write', 'bitmap', 'slow'], since: '2.2.0',
    summary: 'Sets or clears the bit at offset in the string value stored at key', complexity: 'O(1)',
    keySpecs: [keySpec(['RW', 'access', 'update'])], handler: setbitCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'offset', type: 'integer' }, { name: 'value', type: 'integer' }],
  },
  {
    name: 'getbit', arity: 3, flags: ['readonly', 'fast'], ...KEY1, ...B, acl: ['read', 'bitmap', 'fast'], since: '2.2.0',
    summary: 'Returns the bit value at offset in the string value stored at key', complexity: 'O(1)',
    keySpecs: [keySpec(['RO', 'access'])], handler: getbitCommand,
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'offset', type: 'integer' }],
  },
  {
    name: 'bitcount', arity: -2, flags: ['readonly'], ...KEY1, ...B, acl: ['read', 'bitmap', 'slow'], since: '2.6.0',
    summary: 'Count set bits in a string', complexity: 'O(N)', keySpecs: [keySpec(['RO', 'access'])], handler: bitcountCommand,
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'index', type: 'block', optional: true, arguments: [{ name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }, UNIT] },
    ],
  },
  {
    name: 'bitpos', arity: -3, flags: ['readonly'], ...KEY1, ...B, acl: ['read', 'bitmap', 'slow'], since: '2.8.7',
    summary: 'Find first bit set or clear in a string', complexity: 'O(N)', keySpecs: [keySpec(['RO', 'access'])], handler: bitposCommand,
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'bit', type: 'integer' },
      { name: 'index', type: 'block', optional: true, arguments: [
        { name: 'start', type: 'integer' },
        { name: 'end_index', type: 'block', optional: true, arguments: [{ name: 'end', type: 'integer' }, UNIT] }] },
    ],
  },
  {
    name: 'bitop', arity: -4, flags: ['write', 'denyoom'], firstKey: 2, lastKey: -1, step: 1, ...B, acl: ['write', 'bitmap', 'slow'], since: '2.6.0',
    summary: 'Perform bitwise operations between strings', complexity: 'O(N)',
    keySpecs: [keySpec(['OW', 'update'], 2), keySpec(['RO', 'access'], 3, -1)], handler: bitopCommand,
    arguments: [
      { name: 'operation', type: 'string' },
      { name: 'destkey', type: 'key', keySpecIndex: 0 },
      { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
    ],
  },
  {
    name: 'bitfield', arity: -2, flags: ['write', 'denyoom'], ...KEY1, ...B, acl: ['write', 'bitmap', 'slow'], since: '3.2.0',
    summary: 'Perform arbitrary bitfield integer operations on strings', complexity: 'O(1) for each subcommand specified',
    keySpecs: [keySpec(['RW', 'access', 'update', 'variable_flags'], 1, 0, 1, 'This command allows both access and modification of the key')],
    handler: (ctx) => bitfieldGeneric(ctx, false),
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'operation', type: 'oneof', multiple: true, optional: true, arguments: [
        { name: 'encoding_offset', type: 'block', token: 'GET', arguments: [...GET_BLOCK] },
        { name: 'write', type: 'block', arguments: [
          { name: 'wrap_sat_fail', type: 'oneof', token: 'OVERFLOW', optional: true, arguments: [
            { name: 'wrap', type: 'pure-token', token: 'WRAP' }, { name: 'sat', type: 'pure-token', token: 'SAT' }, { name: 'fail', type: 'pure-token', token: 'FAIL' }] },
          { name: 'write_operation', type: 'oneof', arguments: [
            { name: 'encoding_offset_value', type: 'block', token: 'SET', arguments: [...GET_BLOCK, { name: 'value', type: 'integer' }] },
            { name: 'encoding_offset_increment', type: 'block', token: 'INCRBY', arguments: [...GET_BLOCK, { name: 'increment', type: 'integer' }] }] }] }] },
    ],
  },
  {
    name: 'bitfield_ro', arity: -2, flags: ['readonly', 'fast'], ...KEY1, ...B, acl: ['read', 'bitmap', 'fast'], since: '6.0.0',
    summary: 'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD', complexity: 'O(1) for each subcommand specified',
    keySpecs: [keySpec(['RO', 'access'])], handler: (ctx) => bitfieldGeneric(ctx, true),
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'encoding_offset', type: 'block', token: 'GET', optional: true, multiple: true, multipleToken: true, arguments: [...GET_BLOCK] },
    ],
  },
  {
    name: 'lcs', arity: -3, flags: ['readonly'], firstKey: 1, lastKey: 2, step: 1, group: 'string', acl: ['read', 'slow'], since: '7.0.0',
    summary: 'Find longest common substring', complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    keySpecs: [keySpec(['RO', 'access'], 1, 1)], handler: lcsCommand,
    arguments: [
      { name: 'key1', type: 'key', keySpecIndex: 0 },
      { name: 'key2', type: 'key', keySpecIndex: 0 },
      { name: 'len', type: 'pure-token', token: 'LEN', optional: true },
      { name: 'idx', type: 'pure-token', token: 'IDX', optional: true },
      { name: 'len', type: 'integer', token: 'MINMATCHLEN', optional: true },
      { name: 'withmatchlen', type: 'pure-token', token: 'WITHMATCHLEN', optional: true },
    ],
  },
];
