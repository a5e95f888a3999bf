/**
 * The fuzzer's hash generator (`hashStep`, one line of gen.ts's generator table): every hash command (HSET HSETNX
 * HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN) with valid
 * and invalid arguments (odd arity, non-integer and out-of-range counts, increments and cursors, unknown options,
 * NaN/Infinity), and the generic and string commands on hashes (TYPE EXISTS DEL RENAME EXPIRE TTL PERSIST OBJECT
 * ENCODING, GET/APPEND/INCR for WRONGTYPE).
 *
 * Keys: a pool of hash keys of its own (plain, binary, one that usually holds a string for WRONGTYPE both ways),
 * and now and then a key of the seed's string pool (the other generators then meet a hash there). Fields: a small
 * pool (so that updates, HSETNX misses and HDEL of the last field happen often) with binary bytes, the empty field
 * and fields of 64/65 bytes around hash-max-listpack-value. Values: small, numeric (for HINCRBY*), binary, 64/65
 * bytes, and now and then 1 KiB..190 KB (500 KiB..1 MiB in the sequences with large values). Bulk HSETs of 500..700 fields cross hash-max-listpack-entries (512).
 *
 * Nondeterministic replies are compared by normalize.ts: HRANDFIELD by shape (and as a set when the whole hash
 * comes back), HKEYS/HVALS/HGETALL and a HSCAN that ends at cursor 0 as sorted sets (a hashtable's order is its
 * own), any other HSCAN by shape. HRANDFIELD's negative counts stay small (Redis would build the whole reply).
 * No short expiries (a key expired but not yet deleted would make DBSIZE depend on each server's expiry cycle):
 * PEXPIREAT in the past deletes at once on both.
 */
import type { Cmd, Step } from './gen.js';
import type { Rng } from '../support/rng.js';
import { NUMERIC_VALUES } from './gen-strings.js';

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

/** What the hash generator needs of gen.ts's generator state. */
export interface HashGenState {
  r: Rng;
  /** The seed's string key pool. */
  keys: Buffer[];
  /** Base of absolute times, unix ms. */
  base: number;
  /** Large values allowed (gen.ts GenOptions.large): values of 500 KiB..1 MiB; else at most 190 KB. */
  large: boolean;
}

/** The hash generator's own keys; the last one is the one it keeps as a string most of the time. */
export const HASH_KEYS: readonly Buffer[] = [B('fz:h1'), B('fz:h2'), B('fz:h\x00\xff'), B('fz:hbig'), B('fz:hstr')];
const STRING_KEY = HASH_KEYS[HASH_KEYS.length - 1]!;

const FIELDS: readonly string[] = [
  'a', 'b', 'c', 'f0', 'f1', 'f2', 'f3', '', '\x00', '\xff\xfe', 'a\r\nb', '123', '-1', 'x'.repeat(64), 'y'.repeat(65), 'é',
];
const INCRS: readonly string[] = [
  '1', '-1', '0', '7', '-100', '1000000', '9223372036854775807', '-9223372036854775808', '9223372036854775808',
  '4611686018427387904', '1.5', 'abc', '', ' 1', '01', '+1', '-0',
];
const FLOAT_INCRS: readonly string[] = [
  '1', '-1', '0', '0.1', '-0.1', '1.5', '3.0e3', '1e308', '-1e308', '1e300', '1.7976931348623157e308', 'inf', '-inf',
  '+inf', 'nan', 'abc', '', ' 1', '1e-5', '123456789.123456789', '0x10', '5.0e-324', '.5',
];
const PATTERNS: readonly string[] = ['*', 'f*', 'a', '?', '*[0-9]', '[^f]*', '', '\\', '[a-', 'x*', 'é*', '*\x00*'];
const CURSORS: readonly string[] = ['0', '0', '0', '0', '1', '7', 'abc', '-1', '', '18446744073709551615', '18446744073709551616', '1.5', ' 0'];

/** Name in a random case. */
function rcase(r: Rng, s: string): Buffer {
  const x = r.float();
  if (x < 0.75) return B(s);
  if (x < 0.88) return B(s.toLowerCase());
  return B([...s].map((ch) => (r.chance(0.5) ? ch.toLowerCase() : ch.toUpperCase())).join(''));
}

function hkey(g: HashGenState): Buffer {
  const r = g.r;
  if (r.chance(0.08) && g.keys.length > 0) return r.pick(g.keys);
  return r.pick(HASH_KEYS);
}

function field(g: HashGenState): Buffer {
  return B(g.r.pick(FIELDS));
}

/** A value: small text, numeric, binary, around hash-max-listpack-value, sometimes large. */
function hvalue(g: HashGenState): Buffer {
  const r = g.r;
  return r.weighted<() => Buffer>([
    [25, () => B(r.pick(['v', '1', '0', '-5', 'hello', '', 'OK']))],
    [20, () => B(r.pick(NUMERIC_VALUES))],
    [10, () => B(String(r.int(-100000, 100000)))],
    [10, () => r.bytes(r.int(0, 20))],
    [8, () => Buffer.alloc(r.pick([63, 64, 65]), B(r.pick(['v', '\x00', '9'])))],
    [3, () => Buffer.alloc(r.int(100, 2000), B(r.pick(['a', 'zz', '\xff'])))],
    [2, () => Buffer.alloc(r.int(60_000, 190_000), B(r.pick(['b', '\x01'])))],
    [1, () => r.bytes(r.int(1000, 4000))],
    [1, () => Buffer.alloc(!g.large ? r.int(100_000, 190_000) : r.chance(0.7) ? r.int(500_000, 600_000) : 1024 * 1024, B('m'))],
  ])();
}

/** A count for HRANDFIELD: small of either sign, the size boundaries of a bulk hash, huge positive, invalid. */
function randCount(g: HashGenState): string {
  const r = g.r;
  return r.weighted<() => string>([
    [30, () => String(r.int(-6, 6))],
    [10, () => String(r.int(-40, 40))],
    [6, () => String(r.pick([100, 300, 511, 512, 513, 600, 700, 1000]))],
    [4, () => r.pick(['9223372036854775807', '4611686018427387903', '4611686018427387904', '-4611686018427387904', '-9223372036854775807'])],
    [4, () => r.pick(['-9223372036854775808', '9223372036854775808', 'abc', '', '1.5', ' 1', '01'])],
  ])();
}

/** `n` field/value pairs f0..f(n-1) (values short, mostly numbers). */
function bulkPairs(g: HashGenState, n: number, prefix: string): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(B(`${prefix}${i}`), B(g.r.chance(0.8) ? String(i) : `v${i}`));
  return out;
}

function fieldValues(g: HashGenState, min: number, max: number): Buffer[] {
  const out: Buffer[] = [];
  for (let n = g.r.int(min, max); n > 0; n--) out.push(field(g), hvalue(g));
  return out;
}

function fields(g: HashGenState, min: number, max: number): Buffer[] {
  return Array.from({ length: g.r.int(min, max) }, () => field(g));
}

/** One hash command (or a short group of commands that belong together). */
export function hashStep(g: HashGenState): Step {
  const r = g.r;
  const k = hkey(g);
  const one = (cmd: Cmd): Step => ({ cmds: [cmd] });
  // gen.ts may mutate a step's last command (an INT_EDGES count such as -2147483648 would make HRANDFIELD build a
  // reply of 2^31 fields on both servers): HRANDFIELD is never last.
  const rand = (cmd: Cmd): Step => ({ cmds: [cmd, [rcase(r, 'HEXISTS'), k, field(g)]] });
  return r.weighted<() => Step>([
    [14, () => one([rcase(r, 'HSET'), k, ...fieldValues(g, 1, 4)])],
    [2, () => one([rcase(r, 'HSET'), k, ...fieldValues(g, 0, 2), field(g)])], // odd: arity error
    [4, () => one([rcase(r, 'HMSET'), k, ...fieldValues(g, 1, 3), ...(r.chance(0.1) ? [field(g)] : [])])],
    [5, () => one([rcase(r, 'HSETNX'), k, field(g), hvalue(g)])],
    [3, () => {
      // Across hash-max-listpack-entries (512): one bulk HSET, then reads and a delete of part of it.
      const n = r.pick([500, 511, 512, 513, 600, 700]);
      const cmds: Cmd[] = [[rcase(r, 'HSET'), k, ...bulkPairs(g, n, r.pick(['f', 'n:']))]];
      if (r.chance(0.6)) cmds.push([rcase(r, 'OBJECT'), rcase(r, 'ENCODING'), k]);
      if (r.chance(0.5)) cmds.push([rcase(r, 'HLEN'), k]);
      if (r.chance(0.3)) cmds.push([rcase(r, 'HDEL'), k, ...bulkPairs(g, r.int(1, 40), 'f').filter((_, i) => i % 2 === 0)]);
      return { cmds };
    }],
    [10, () => one([rcase(r, 'HGET'), k, field(g)])],
    [5, () => one([rcase(r, 'HMGET'), k, ...fields(g, 1, 4)])],
    [8, () => one([rcase(r, 'HDEL'), k, ...fields(g, 1, 4)])],
    [4, () => one([rcase(r, 'HLEN'), k])],
    [4, () => one([rcase(r, 'HSTRLEN'), k, field(g)])],
    [4, () => one([rcase(r, 'HEXISTS'), k, field(g)])],
    [3, () => one([rcase(r, 'HKEYS'), k])],
    [3, () => one([rcase(r, 'HVALS'), k])],
    [5, () => one([rcase(r, 'HGETALL'), k])],
    [8, () => one([rcase(r, 'HINCRBY'), k, r.chance(0.7) ? B(r.pick(['n', 'm', 'a', '123'])) : field(g), B(r.pick(INCRS))])],
    [7, () => one([rcase(r, 'HINCRBYFLOAT'), k, r.chance(0.7) ? B(r.pick(['fl', 'n', 'a'])) : field(g), B(r.pick(FLOAT_INCRS))])],
    [3, () => rand([rcase(r, 'HRANDFIELD'), k])],
    // A valid negative count's reply is as long as the count (Redis builds it whole): huge ones only WITHVALUES,
    // where they are out of range.
    [6, () => {
      const c = randCount(g);
      return rand([rcase(r, 'HRANDFIELD'), k, B(/^-\d{7,}$/.test(c) ? '-3' : c)]);
    }],
    [5, () => rand([rcase(r, 'HRANDFIELD'), k, B(randCount(g)), rcase(r, r.chance(0.9) ? 'WITHVALUES' : 'WITHVALUE')])],
    [1, () => rand([rcase(r, 'HRANDFIELD'), k, B('1'), rcase(r, 'WITHVALUES'), B('x')])],
    [8, () => {
      const opts: Buffer[] = [];
      for (let n = r.int(0, 2); n > 0; n--) {
        opts.push(...r.weighted<() => Buffer[]>([
          [10, () => [rcase(r, 'MATCH'), B(r.pick(PATTERNS))]],
          [10, () => [rcase(r, 'COUNT'), B(r.chance(0.8) ? String(r.int(1, 1000)) : r.pick(['0', '-1', 'abc', '9223372036854775807']))]],
          [2, () => [rcase(r, 'TYPE'), B('hash')]],
          [2, () => [rcase(r, r.pick(['MATCH', 'COUNT', 'NOVALUES']))]],
        ])());
      }
      return one([rcase(r, 'HSCAN'), k, B(r.pick(CURSORS)), ...opts]);
    }],
    // Wrong arity of the fixed-arity commands.
    [2, () => one([rcase(r, r.pick(['HGET', 'HSETNX', 'HLEN', 'HSTRLEN', 'HEXISTS', 'HKEYS', 'HINCRBY', 'HINCRBYFLOAT', 'HDEL', 'HSCAN'])), k])],
    // Types: strings where hashes are expected and hashes where strings are.
    [4, () => one([rcase(r, 'SET'), r.chance(0.8) ? STRING_KEY : k, B(r.pick(['v', '10', '1.5']))])],
    [4, () => one([rcase(r, r.pick(['GET', 'STRLEN', 'GETDEL', 'INCR'])), k])],
    [1, () => one([rcase(r, 'APPEND'), k, B('x')])],
    [1, () => one([rcase(r, 'SETRANGE'), k, B(String(r.int(0, 5))), B(r.pick(['x', '']))])],
    [2, () => one([rcase(r, 'MGET'), k, r.pick(HASH_KEYS)])],
    [2, () => one([rcase(r, 'LCS'), k, r.pick(HASH_KEYS)])],
    [1, () => one([rcase(r, 'SETBIT'), k, B(String(r.int(0, 20))), B('1')])],
    [1, () => one([rcase(r, r.pick(['GETBIT', 'BITCOUNT'])), k, B(String(r.int(0, 20)))].slice(0, 3))],
    // Generic commands on hashes.
    [4, () => one([rcase(r, 'TYPE'), k])],
    [3, () => one([rcase(r, 'OBJECT'), rcase(r, 'ENCODING'), k])],
    [3, () => one([rcase(r, 'EXISTS'), k, r.pick(HASH_KEYS)])],
    [3, () => one([rcase(r, r.pick(['DEL', 'UNLINK'])), k])],
    [3, () => one([rcase(r, r.pick(['RENAME', 'RENAMENX'])), k, r.pick(HASH_KEYS)])],
    [3, () => ({ cmds: [[rcase(r, 'EXPIRE'), k, B(String(r.int(100, 100000)))], [rcase(r, 'TTL'), k]] })],
    [2, () => one([rcase(r, 'PERSIST'), k])],
    [1, () => one([rcase(r, 'PEXPIREAT'), k, B(String(r.int(1, g.base - 100000)))])], // in the past: deleted at once
  ])();
}
