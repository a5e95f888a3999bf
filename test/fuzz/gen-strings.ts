/**
 * Seeded random sequences of string, key and expiry commands (the fuzzer's first generator, kept for its seeds:
 * test/integration/fuzz-strings.test.ts runs them through the fuzz runner; gen.ts builds on its pools and Rng).
 *
 * `generateSequence(seed, length, baseTimeMs)` returns `length` commands, each an array of Buffers (the
 * arguments as sent on the wire). The same (seed, length, baseTimeMs) always gives the same sequence.
 *
 * Coverage: PING ECHO SET (EX PX EXAT PXAT NX XX KEEPTTL GET, valid and invalid combinations, any case)
 * SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX INCR DECR INCRBY DECRBY INCRBYFLOAT APPEND STRLEN
 * GETRANGE SETRANGE DEL UNLINK EXISTS TYPE RENAME RENAMENX COPY TOUCH EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT)
 * TTL PTTL EXPIRETIME PEXPIRETIME PERSIST DBSIZE GET SELECT, unknown commands and wrong arities.
 *
 * Keys come from a small per-seed pool (so commands collide on keys) drawn from a master pool with binary keys
 * (NUL bytes, invalid UTF-8, CRLF, the empty key, a 300-byte key). Values include integer-like strings for the
 * INCR paths (overflow, spaces, leading zeros, signs, floats, hex), binary data and long values (up to 128 KiB).
 *
 * Timing independence: every relative TTL is ≥ 100 s (or invalid / ≤ 0, which expires at once), every absolute
 * time is ≥ 1e5 s in the future or in the past of `baseTimeMs`, so no key expires while a sequence runs and two
 * servers that run it a few milliseconds apart agree except for the exact TTL values (the harness compares
 * TTL/PTTL/EXPIRETIME/PEXPIRETIME replies within a tolerance). Relative TTLs are drawn from wide ranges so two
 * expiries that GT/LT compare are never equal up to the clock skew between the servers.
 */
import { Rng } from '../support/rng.js';


/** One command: its arguments as wire bytes, command name first. */
export type Command = Buffer[];

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Keys a seed's pool is drawn from: plain, binary (NUL, invalid UTF-8, CR/LF), empty, UTF-8, long. */
export const MASTER_KEYS: readonly Buffer[] = [
  B('k'),
  B('key:1'),
  B('key:2'),
  B('foo'),
  B(''),
  B('\x00'),
  B('bin\x00key\xff'),
  B('\xff\xfe\xfd'),
  B('\r\n'),
  Buffer.from('clé-ключ', 'utf8'),
  B('sp ace'),
  B('x'.repeat(300)),
];

/** Integer-like and almost-integer strings that exercise INCR/INCRBY/INCRBYFLOAT parsing and overflow. */
export const NUMERIC_VALUES: readonly string[] = [
  '0', '1', '-1', '7', '42', '-42', '100', '9223372036854775807', '-9223372036854775808',
  '9223372036854775806', '-9223372036854775807', '9223372036854775808', '-9223372036854775809',
  '18446744073709551615', '12345678901234567890', ' 1', '1 ', '01', '-01', '+1', '-0', '00', '0x1f',
  '1e3', '1.5', '-1.5', '3.0', '0.1', '-2.5e-3', '1.7976931348623157e308', '1e309', 'inf', '-inf', '+inf',
  'nan', '5.0e3', '.5', '5.', '', 'abc', '1a', '\x001', '١',
];

/** Increments for INCRBY/DECRBY. */
const INCREMENTS: readonly string[] = [
  '1', '-1', '0', '2', '-5', '1000', '9223372036854775807', '-9223372036854775808', '9223372036854775808',
  '-9223372036854775809', '4611686018427387904', 'abc', '1.5', ' 1', '', '01', '+3',
];

/** Increments for INCRBYFLOAT. */
const FLOAT_INCREMENTS: readonly string[] = [
  '1', '-1', '0', '0.1', '-0.1', '1.5', '3.0e3', '1e308', '-1e308', '1.7976931348623157e308', 'inf', '-inf',
  'nan', 'abc', '', ' 1', '1e-5', '5.0e-324', '123456789.123456789', '0x10',
];

const TEXT_WORDS: readonly string[] = ['v', 'hello', 'world', 'a b c', 'OK', 'PONG', '-ERR not', ':1', '$3', '*1', '\r\n'];

/** Context for the command generators of one sequence. */
export interface GenContext {
  rng: Rng;
  /** This seed's key pool (5 keys from MASTER_KEYS). */
  keys: Buffer[];
  /** Base of absolute times (unix ms). */
  baseTimeMs: number;
}

function key(c: GenContext): Buffer {
  return c.rng.chance(0.93) ? c.rng.pick(c.keys) : c.rng.pick(MASTER_KEYS);
}

function keys(c: GenContext, min: number, max: number): Buffer[] {
  const n = c.rng.int(min, max);
  return Array.from({ length: n }, () => key(c));
}

/** A random value: numeric-like, text, binary, empty, or long (up to 128 KiB). */
export function value(c: GenContext): Buffer {
  const r = c.rng;
  return r.weighted<() => Buffer>([
    [30, () => B(r.pick(NUMERIC_VALUES))],
    [10, () => B(String(r.int(-1000, 1000)))],
    [20, () => Buffer.from(r.pick(TEXT_WORDS), 'utf8')],
    [20, () => r.bytes(r.int(0, 24))],
    [5, () => Buffer.from('héllo wörld ☃', 'utf8')],
    [5, () => B('')],
    [5, () => Buffer.alloc(r.int(1000, 20_000), B(r.pick(['a', '\x00', '\xff', 'xyz'])))],
    [1, () => r.bytes(r.int(65_536, 131_072))],
  ])();
}

/** Relative seconds: valid (≥ 100 s) most of the time, else invalid or ≤ 0 (immediate expiry). */
function relSeconds(c: GenContext): string {
  const r = c.rng;
  return r.weighted<() => string>([
    [80, () => String(r.int(100, 10_000_000))],
    [2, () => String(r.int(10_000_000_000, 100_000_000_000))],
    [3, () => r.pick(['0', '-1', '-100'])],
    [5, () => r.pick(['abc', '1.5', '', ' 100', '100 ', '+100', '0x64', '1e3'])],
    [3, () => r.pick(['9223372036854775807', '-9223372036854775808', '9223372036854775', '92233720368547758'])],
  ])();
}

/** Relative milliseconds: valid (≥ 100 000 ms) most of the time, else invalid or ≤ 0. */
function relMillis(c: GenContext): string {
  const r = c.rng;
  return r.weighted<() => string>([
    [80, () => String(r.int(100_000, 10_000_000_000))],
    [3, () => r.pick(['0', '-1', '-100000'])],
    [5, () => r.pick(['abc', '1.5', '', ' 100000', '1e6'])],
    [3, () => r.pick(['9223372036854775807', '-9223372036854775808', '9223372036854775806'])],
  ])();
}

/** Absolute unix seconds: far future or far past of the base time, or invalid. */
function absSeconds(c: GenContext): string {
  const r = c.rng;
  const base = Math.floor(c.baseTimeMs / 1000);
  return r.weighted<() => string>([
    [70, () => String(base + r.int(100_000, 100_000_000))],
    [15, () => String(r.int(1, base - 100_000))],
    [3, () => r.pick(['0', '-1'])],
    [5, () => r.pick(['abc', '1.5', '', '9223372036854775807', '-9223372036854775808'])],
  ])();
}

/** Absolute unix milliseconds: far future or far past of the base time, or invalid. */
function absMillis(c: GenContext): string {
  const r = c.rng;
  return r.weighted<() => string>([
    [70, () => String(c.baseTimeMs + r.int(100_000_000, 100_000_000_000))],
    [15, () => String(r.int(1, c.baseTimeMs - 100_000_000))],
    [3, () => r.pick(['0', '-1'])],
    [5, () => r.pick(['abc', '', '9223372036854775807', '-9223372036854775808'])],
  ])();
}

/** The command name in upper, lower or mixed case. */
function name(c: GenContext, cmd: string): Buffer {
  const r = c.rng;
  if (r.chance(0.8)) return B(cmd);
  if (r.chance(0.5)) return B(cmd.toLowerCase());
  return B([...cmd].map((ch) => (r.chance(0.5) ? ch.toLowerCase() : ch)).join(''));
}

function opt(c: GenContext, o: string): Buffer {
  return name(c, o);
}

/** SET options: mostly valid combinations, sometimes random (possibly invalid) ones. */
function setOptions(c: GenContext): Buffer[] {
  const r = c.rng;
  const expiry = (): Buffer[] =>
    r.pick<() => Buffer[]>([
      () => [opt(c, 'EX'), B(relSeconds(c))],
      () => [opt(c, 'PX'), B(relMillis(c))],
      () => [opt(c, 'EXAT'), B(absSeconds(c))],
      () => [opt(c, 'PXAT'), B(absMillis(c))],
    ])();
  if (r.chance(0.75)) {
    const parts: Buffer[][] = [];
    const ttl = r.int(0, 2); // 0 none, 1 expiry, 2 KEEPTTL
    if (ttl === 1) parts.push(expiry());
    if (ttl === 2) parts.push([opt(c, 'KEEPTTL')]);
    if (r.chance(0.4)) parts.push([opt(c, r.pick(['NX', 'XX']))]);
    if (r.chance(0.3)) parts.push([opt(c, 'GET')]);
    return r.shuffle(parts).flat();
  }
  // Random, possibly invalid: conflicting, duplicated, missing or unknown options.
  const pool: (() => Buffer[])[] = [
    expiry,
    expiry,
    () => [opt(c, 'NX')],
    () => [opt(c, 'XX')],
    () => [opt(c, 'KEEPTTL')],
    () => [opt(c, 'GET')],
    () => [opt(c, r.pick(['EX', 'PX', 'EXAT', 'PXAT']))], // missing its number (when last)
    () => [B(r.pick(['BOGUS', 'E', 'PERSIST', '']))],
  ];
  const n = r.int(1, 4);
  return Array.from({ length: n }, () => r.pick(pool)()).flat();
}

function getexOptions(c: GenContext): Buffer[] {
  const r = c.rng;
  return r.weighted<() => Buffer[]>([
    [20, () => []],
    [15, () => [opt(c, 'EX'), B(relSeconds(c))]],
    [15, () => [opt(c, 'PX'), B(relMillis(c))]],
    [10, () => [opt(c, 'EXAT'), B(absSeconds(c))]],
    [10, () => [opt(c, 'PXAT'), B(absMillis(c))]],
    [15, () => [opt(c, 'PERSIST')]],
    [3, () => [opt(c, 'EX')]],
    [3, () => [opt(c, 'PERSIST'), opt(c, 'EX'), B(relSeconds(c))]],
    [3, () => [opt(c, 'EX'), B(relSeconds(c)), opt(c, 'PX'), B(relMillis(c))]],
    [3, () => [opt(c, 'KEEPTTL')]],
    [3, () => [B('BOGUS')]],
  ])();
}

function expireFlags(c: GenContext): Buffer[] {
  const r = c.rng;
  if (r.chance(0.5)) return [];
  if (r.chance(0.8)) return [opt(c, r.pick(['NX', 'XX', 'GT', 'LT']))];
  return r.pick([['NX', 'XX'], ['GT', 'LT'], ['NX', 'GT'], ['XX', 'GT'], ['XX', 'LT'], ['GT', 'GT'], ['FOO']]).map((o) => opt(c, o));
}

function rangeIndex(c: GenContext): string {
  const r = c.rng;
  return r.weighted<() => string>([
    [60, () => String(r.int(-30, 30))],
    [10, () => String(r.int(-200_000, 200_000))],
    [5, () => r.pick(['9223372036854775807', '-9223372036854775808', '0', '-1'])],
    [5, () => r.pick(['abc', '1.5', '', ' 1'])],
  ])();
}

function setrangeOffset(c: GenContext): string {
  const r = c.rng;
  return r.weighted<() => string>([
    [70, () => String(r.int(0, 40))],
    [10, () => String(r.int(100, 5000))],
    [5, () => r.pick(['-1', '-100'])],
    [5, () => r.pick(['536870912', '1099511627776', '9223372036854775807'])],
    [5, () => r.pick(['abc', '1.5', ''])],
  ])();
}

/** Command generators with weights; wrong-arity and unknown-command cases are added by generateCommand. */
const GENERATORS: readonly (readonly [number, string, (c: GenContext) => Command])[] = [
  [2, 'PING', (c) => (c.rng.chance(0.5) ? [name(c, 'PING')] : [name(c, 'PING'), value(c)])],
  [2, 'ECHO', (c) => [name(c, 'ECHO'), value(c)]],
  [16, 'SET', (c) => [name(c, 'SET'), key(c), value(c), ...setOptions(c)]],
  [3, 'SETNX', (c) => [name(c, 'SETNX'), key(c), value(c)]],
  [3, 'SETEX', (c) => [name(c, 'SETEX'), key(c), B(relSeconds(c)), value(c)]],
  [3, 'PSETEX', (c) => [name(c, 'PSETEX'), key(c), B(relMillis(c)), value(c)]],
  [3, 'GETSET', (c) => [name(c, 'GETSET'), key(c), value(c)]],
  [3, 'GETDEL', (c) => [name(c, 'GETDEL'), key(c)]],
  [5, 'GETEX', (c) => [name(c, 'GETEX'), key(c), ...getexOptions(c)]],
  [4, 'MGET', (c) => [name(c, 'MGET'), ...keys(c, 1, 5)]],
  [4, 'MSET', (c) => [name(c, 'MSET'), ...keys(c, 1, 3).flatMap((k) => [k, value(c)]), ...(c.rng.chance(0.1) ? [key(c)] : [])]],
  [3, 'MSETNX', (c) => [name(c, 'MSETNX'), ...keys(c, 1, 3).flatMap((k) => [k, value(c)])]],
  [5, 'INCR', (c) => [name(c, 'INCR'), key(c)]],
  [3, 'DECR', (c) => [name(c, 'DECR'), key(c)]],
  [4, 'INCRBY', (c) => [name(c, 'INCRBY'), key(c), B(c.rng.pick(INCREMENTS))]],
  [3, 'DECRBY', (c) => [name(c, 'DECRBY'), key(c), B(c.rng.pick(INCREMENTS))]],
  [4, 'INCRBYFLOAT', (c) => [name(c, 'INCRBYFLOAT'), key(c), B(c.rng.pick(FLOAT_INCREMENTS))]],
  [4, 'APPEND', (c) => [name(c, 'APPEND'), key(c), value(c)]],
  [3, 'STRLEN', (c) => [name(c, 'STRLEN'), key(c)]],
  [3, 'GETRANGE', (c) => [name(c, 'GETRANGE'), key(c), B(rangeIndex(c)), B(rangeIndex(c))]],
  [3, 'SETRANGE', (c) => [name(c, 'SETRANGE'), key(c), B(setrangeOffset(c)), value(c)]],
  [3, 'DEL', (c) => [name(c, 'DEL'), ...keys(c, 1, 3)]],
  [2, 'UNLINK', (c) => [name(c, 'UNLINK'), ...keys(c, 1, 3)]],
  [3, 'EXISTS', (c) => [name(c, 'EXISTS'), ...keys(c, 1, 4)]],
  [3, 'TYPE', (c) => [name(c, 'TYPE'), key(c)]],
  [2, 'RENAME', (c) => [name(c, 'RENAME'), key(c), key(c)]],
  [2, 'RENAMENX', (c) => [name(c, 'RENAMENX'), key(c), key(c)]],
  [2, 'COPY', (c) => [name(c, 'COPY'), key(c), key(c), ...copyOptions(c)]],
  [2, 'TOUCH', (c) => [name(c, 'TOUCH'), ...keys(c, 1, 3)]],
  [4, 'EXPIRE', (c) => [name(c, 'EXPIRE'), key(c), B(relSeconds(c)), ...expireFlags(c)]],
  [4, 'PEXPIRE', (c) => [name(c, 'PEXPIRE'), key(c), B(relMillis(c)), ...expireFlags(c)]],
  [3, 'EXPIREAT', (c) => [name(c, 'EXPIREAT'), key(c), B(absSeconds(c)), ...expireFlags(c)]],
  [3, 'PEXPIREAT', (c) => [name(c, 'PEXPIREAT'), key(c), B(absMillis(c)), ...expireFlags(c)]],
  [4, 'TTL', (c) => [name(c, 'TTL'), key(c)]],
  [3, 'PTTL', (c) => [name(c, 'PTTL'), key(c)]],
  [2, 'EXPIRETIME', (c) => [name(c, 'EXPIRETIME'), key(c)]],
  [2, 'PEXPIRETIME', (c) => [name(c, 'PEXPIRETIME'), key(c)]],
  [3, 'PERSIST', (c) => [name(c, 'PERSIST'), key(c)]],
  [2, 'DBSIZE', (c) => [name(c, 'DBSIZE')]],
  [10, 'GET', (c) => [name(c, 'GET'), key(c)]],
  [
    2,
    'SELECT',
    (c) => [
      name(c, 'SELECT'),
      B(
        c.rng.weighted<() => string>([
          [50, () => '0'],
          [35, () => String(c.rng.int(1, 3))],
          [5, () => '15'],
          [10, () => c.rng.pick(['16', '-1', 'abc', '1.0', ' 1', '', '99999999999999999999'])],
        ])(),
      ),
    ],
  ],
];

/** COPY's options: REPLACE and DB (0, out of range, not an integer), in any case, sometimes repeated or malformed. */
function copyOptions(c: GenContext): Buffer[] {
  const out: Buffer[] = [];
  const n = c.rng.int(0, 2);
  for (let i = 0; i < n; i++) {
    c.rng.weighted<() => void>([
      [6, () => out.push(name(c, 'REPLACE'))],
      [3, () => out.push(name(c, 'DB'), B(c.rng.pick(['0', '0', '1', '-1', 'x', '99999999999'])))],
      [1, () => out.push(name(c, c.rng.pick(['DB', 'REPLAC', 'foo'])))],
    ])();
  }
  return out;
}

/** Redis arities (positive: exact argc; negative: minimum argc) of the generated commands. */
export const ARITY: Readonly<Record<string, number>> = {
  PING: -1, ECHO: 2, SET: -3, SETNX: 3, SETEX: 4, PSETEX: 4, GETSET: 3, GETDEL: 2, GETEX: -2, MGET: -2,
  MSET: -3, MSETNX: -3, INCR: 2, DECR: 2, INCRBY: 3, DECRBY: 3, INCRBYFLOAT: 3, APPEND: 3, STRLEN: 2,
  GETRANGE: 4, SETRANGE: 4, DEL: -2, UNLINK: -2, EXISTS: -2, TYPE: 2, RENAME: 3, RENAMENX: 3, COPY: -3, TOUCH: -2,
  EXPIRE: -3, PEXPIRE: -3, EXPIREAT: -3, PEXPIREAT: -3, TTL: 2, PTTL: 2, EXPIRETIME: 2, PEXPIRETIME: 2,
  PERSIST: 2, DBSIZE: 1, GET: 2, SELECT: 2,
};

const UNKNOWN_NAMES: readonly string[] = ['FOO', 'GETT', 'SETX', 'set2', 'EXPIREX', '', '\x00', '\xff\xfe', 'HGETALLX', 'a'.repeat(200)];

/** Generates one command (may be an unknown command or a wrong-arity call). */
export function generateCommand(c: GenContext): Command {
  const r = c.rng;
  if (r.chance(0.03)) {
    const n = r.int(0, 4);
    return [B(r.pick(UNKNOWN_NAMES)), ...Array.from({ length: n }, () => (r.chance(0.5) ? key(c) : value(c)))];
  }
  const [, cmd, gen] = r.weighted(GENERATORS.map(([w, n, g]) => [w, [w, n, g] as const] as const));
  const command = gen(c);
  if (r.chance(0.04)) {
    const arity = ARITY[cmd]!;
    if (arity > 0) {
      // One too few or one too many arguments.
      const argc = r.chance(0.5) && arity > 1 ? arity - 1 : arity + 1;
      while (command.length > argc) command.pop();
      while (command.length < argc) command.push(value(c));
    } else if (-arity > 1) {
      command.length = -arity - 1;
    }
  }
  return command;
}

/** Options for {@link generateSequence}. */
export interface SequenceOptions {
  /** Base of absolute times in unix ms (default: now). Absolute times in the sequence are relative to it. */
  baseTimeMs?: number;
  /** Databases the servers have (SELECT of a higher index fails and leaves the current one). Default 1. */
  databases?: number;
}

/**
 * The command sequence for `seed`: `length` commands over a pool of 5 keys.
 * Deterministic for a given (seed, length, baseTimeMs).
 */
export function generateSequence(seed: number, length: number, options: SequenceOptions = {}): Command[] {
  const rng = new Rng(seed);
  const baseTimeMs = options.baseTimeMs ?? Date.now();
  const databases = options.databases ?? 1;
  const keys = rng.shuffle(MASTER_KEYS).slice(0, 5);
  const ctx: GenContext = { rng, keys, baseTimeMs };
  const out: Command[] = [];
  // Redis keeps a key that SET ... EXAT/PXAT <past> created until something looks it up or the background
  // expire cycle (hz) samples it, and DBSIZE counts it meanwhile: DBSIZE is then run-dependent. To keep DBSIZE
  // comparable, such keys (per database) are looked up with EXISTS right before a DBSIZE, which deletes them.
  let db = 0;
  const maybeExpiredPresent = new Map<number, Buffer[]>();
  while (out.length < length) {
    const command = generateCommand(ctx);
    const cmd = command[0]!.toString('latin1').toUpperCase();
    if (cmd === 'DBSIZE') {
      const pending = maybeExpiredPresent.get(db);
      if (pending && pending.length > 0 && out.length + 1 < length) {
        out.push([name(ctx, 'EXISTS'), ...pending]);
        maybeExpiredPresent.delete(db);
      }
    } else if (cmd === 'SELECT' && command.length === 2) {
      const arg = command[1]!.toString('latin1');
      if (/^(0|[1-9]\d?)$/.test(arg) && Number(arg) < databases) db = Number(arg);
    } else if (cmd === 'SET' && command.length >= 3 && setsPastExpiry(command, baseTimeMs)) {
      const list = maybeExpiredPresent.get(db) ?? [];
      list.push(command[1]!);
      maybeExpiredPresent.set(db, list);
    }
    out.push(command);
  }
  return out;
}

/** True if a SET command has an EXAT/PXAT option whose time is not in the future of baseTimeMs. */
function setsPastExpiry(command: Command, baseTimeMs: number): boolean {
  for (let i = 3; i + 1 < command.length; i++) {
    const o = command[i]!.toString('latin1').toUpperCase();
    if (o !== 'EXAT' && o !== 'PXAT') continue;
    const t = Number(command[i + 1]!.toString('latin1'));
    const nowInUnit = o === 'EXAT' ? baseTimeMs / 1000 : baseTimeMs;
    if (!Number.isFinite(t) || t <= nowInUnit) return true;
  }
  return false;
}
