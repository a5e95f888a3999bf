/**
 * The differential fuzzer's set generator (`sets` in gen.ts's table): every set command (SADD SREM SCARD SISMEMBER
 * SMISMEMBER SMEMBERS SRANDMEMBER SPOP SMOVE SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE
 * SSCAN) with valid arguments most of the time and otherwise wrong arities, non-integer and negative counts,
 * unknown options; members that are integers (canonical, int64 limits, and almost-integers such as "01", "-0", "+1",
 * which Redis keeps as strings), words and binary bytes; bulk SADDs that cross set-max-intset-entries (also set
 * small by CONFIG SET here), so sets change encoding (OBJECT ENCODING is compared); TYPE, EXPIRE (a *STORE drops
 * the TTL), RENAME and DEL on set keys, and string values on the same keys for WRONGTYPE both ways (a string key
 * among the keys of a multi-key command, before or after a missing one).
 *
 * Keys: a pool of its own ("set:…"), which no other generator writes (their string commands on a set key would
 * test WRONGTYPE of the string family, not this one).
 *
 * Randomness: replies whose order is a hash table's (SMEMBERS, SINTER, SUNION, SDIFF, SPOP with a count) and random
 * ones (SRANDMEMBER, SPOP, SSCAN's cursors) are normalised by normalize.ts (sorted, or count and shape only). SPOP
 * removes members the two servers choose differently, so an SPOP step either pops a set it knows whole (a single
 * member, or a count at least the set's size, after the step wrote the set) or deletes the key afterwards (DEL, so
 * both servers agree again). Steps whose last command a mutation (gen.ts `mutate`) could turn harmful (an SPOP
 * whose resync DEL would be changed, an SRANDMEMBER whose count could become -2147483648 members) end with a
 * harmless SCARD.
 */
import type { Rng } from '../support/rng.js';
import type { Cmd, Step } from './gen.js';

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

/** The generator's keys: sets, sometimes strings (the last one most often). */
const SET_KEYS: readonly Buffer[] = [B('set:a'), B('set:b'), B('set:c'), B('set:\x00\xff'), B('set:str')];

/** Integer members: small, negative, the int64 limits. */
const INT_MEMBERS: readonly string[] = [
  '0', '1', '2', '3', '5', '7', '10', '42', '-1', '-7', '100', '1000', '65535', '65536', '2147483647', '-2147483648',
  '4294967296', '9223372036854775807', '-9223372036854775808',
];
/** Members that look like integers but are not canonical int64s: Redis keeps them as strings (hashtable). */
const ALMOST_INT_MEMBERS: readonly string[] = ['01', '-0', '+1', ' 1', '1 ', '1.0', '1e3', '9223372036854775808', '-9223372036854775809', '0x10', ''];
/** Word and binary members. */
const WORD_MEMBERS: readonly string[] = ['a', 'b', 'c', 'x', 'member:1', 'member:2', '\x00', '\xff\xfe', '\r\n', 'x'.repeat(300), 'héllo'];
/** SRANDMEMBER counts: never a large negative one (that many members would be sent). */
const SRAND_COUNTS: readonly string[] = ['0', '1', '-1', '2', '3', '-3', '5', '10', '-10', '50', '-50', '1000', '9223372036854775807',
  '-9223372036854775808', '-9223372036854775809', 'abc', '', '1.5', '+1', '01', '-0'];
/** SPOP counts (errors included: they come before the lookup). */
const SPOP_COUNTS: readonly string[] = ['0', '1', '2', '3', '5', '10', '1000', '-1', 'abc', '', '1.5', '9223372036854775808'];

/** What the set generator needs of gen.ts's state. */
interface SetGen {
  r: Rng;
}

/** A name in the case the fuzzer sends most often (upper), sometimes lower or mixed. */
function rcase(r: Rng, s: string): Buffer {
  const x = r.float();
  if (x < 0.75) return B(s);
  if (x < 0.88) return B(s.toLowerCase());
  return B([...s].map((ch) => (r.chance(0.5) ? ch.toLowerCase() : ch.toUpperCase())).join(''));
}

function setKey(r: Rng): Buffer {
  return r.pick(SET_KEYS);
}

/** Some distinct keys of the pool, sometimes a repeated one, sometimes a key no one writes. */
function setKeys(r: Rng, min: number, max: number): Buffer[] {
  const out: Buffer[] = [];
  const n = r.int(min, max);
  for (let i = 0; i < n; i++) out.push(r.chance(0.08) ? B('set:none') : setKey(r));
  return out;
}

function member(r: Rng): Buffer {
  return B(r.weighted<() => string>([
    [10, () => r.pick(INT_MEMBERS)],
    [6, () => String(r.int(-20, 40))],
    [3, () => r.pick(ALMOST_INT_MEMBERS)],
    [6, () => r.pick(WORD_MEMBERS)],
  ])());
}

function members(r: Rng, min: number, max: number): Buffer[] {
  return Array.from({ length: r.int(min, max) }, () => member(r));
}

/** Consecutive integers from a random start: enough of them to cross set-max-intset-entries (512) or not. */
function intRun(r: Rng): Buffer[] {
  const n = r.pick([5, 20, 510, 512, 513, 530]);
  const from = r.int(-600, 600);
  const out = Array.from({ length: n }, (_, i) => B(String(from + i)));
  if (r.chance(0.3)) out.push(B(r.pick([...WORD_MEMBERS, ...ALMOST_INT_MEMBERS])));
  return out;
}

const SCARD = (r: Rng, k: Buffer): Cmd => [rcase(r, 'SCARD'), k];

/** One step of set commands (see the module comment). */
export function setStep(g: SetGen): Step {
  const r = g.r;
  const k = setKey(r);
  const one = (cmd: Cmd): Step => ({ cmds: [cmd] });
  return r.weighted<() => Step>([
    [14, () => one([rcase(r, 'SADD'), k, ...members(r, 1, 6)])],
    [3, () => one([rcase(r, 'SADD'), k, ...intRun(r)])],
    [8, () => one([rcase(r, 'SREM'), k, ...members(r, 1, 5)])],
    [2, () => one([rcase(r, 'SREM'), k, ...intRun(r)])],
    [4, () => one([rcase(r, 'SCARD'), k])],
    [5, () => one([rcase(r, 'SISMEMBER'), k, member(r)])],
    [4, () => one([rcase(r, 'SMISMEMBER'), k, ...members(r, 1, 5)])],
    [6, () => one([rcase(r, 'SMEMBERS'), k])],
    [4, () => one([rcase(r, 'OBJECT'), rcase(r, 'ENCODING'), k])],
    [2, () => one([rcase(r, 'TYPE'), k])],
    [5, () => ({ cmds: [[rcase(r, 'SRANDMEMBER'), k, ...(r.chance(0.3) ? [] : [B(r.pick(SRAND_COUNTS))])], SCARD(r, k)] })],
    // SPOP of a set the step wrote whole: one member, or a count ≥ its size (then the key is gone on both).
    [3, () => {
      const ms = members(r, 1, 8);
      const distinct = new Set(ms.map((m) => m.toString('latin1'))).size;
      const pop: Cmd = distinct === 1 && r.chance(0.5)
        ? [rcase(r, 'SPOP'), k]
        : [rcase(r, 'SPOP'), k, B(String(distinct + r.pick([0, 0, 1, 5, 1000])))];
      return { cmds: [[rcase(r, 'DEL'), k], [rcase(r, 'SADD'), k, ...ms], pop, SCARD(r, k)] };
    }],
    // SPOP of whatever the set holds: the members differ between the servers, so the key is deleted afterwards.
    [3, () => ({ cmds: [[rcase(r, 'SPOP'), k, ...(r.chance(0.4) ? [] : [B(r.pick(SPOP_COUNTS))])], [rcase(r, 'DEL'), k], SCARD(r, k)] })],
    // The whole set popped (compared as a set), after its members were compared.
    [2, () => ({ cmds: [[rcase(r, 'SMEMBERS'), k], [rcase(r, 'SPOP'), k, B('100000')], SCARD(r, k)] })],
    [1, () => one([rcase(r, 'SPOP'), k, B('1'), B('2')])],
    [6, () => one([rcase(r, 'SMOVE'), setKey(r), setKey(r), r.chance(0.2) ? B(r.pick(INT_MEMBERS)) : member(r)])],
    [7, () => one([rcase(r, r.pick(['SINTER', 'SUNION', 'SDIFF'])), ...setKeys(r, 1, 4)])],
    [7, () => one([rcase(r, r.pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'])), setKey(r), ...setKeys(r, 1, 4)])],
    [5, () => {
      const keys = setKeys(r, 1, 4);
      const numkeys = r.chance(0.85) ? String(keys.length) : r.pick(['0', '-1', 'x', '', String(keys.length + 1), '9223372036854775808']);
      const opts: Buffer[] = [];
      if (r.chance(0.5)) opts.push(rcase(r, 'LIMIT'), B(r.pick(['0', '1', '2', '3', '100', '-1', 'x', ''])));
      if (r.chance(0.1)) opts.push(B(r.pick(['LIMIT', 'FOO', '1'])));
      return one([rcase(r, 'SINTERCARD'), B(numkeys), ...keys, ...opts]);
    }],
    [5, () => {
      const opts: Buffer[] = [];
      for (let n = r.int(0, 2); n > 0; n--) {
        opts.push(...r.weighted<() => Buffer[]>([
          [5, () => [rcase(r, 'MATCH'), B(r.pick(['*', '1*', '*0', 'a', '[a-c]', '?', 'member:*', '-*', '']))]],
          [5, () => [rcase(r, 'COUNT'), B(r.pick(['1', '5', '10', '100', '1000', '0', '-1', 'x']))]],
          [1, () => [rcase(r, r.pick(['MATCH', 'COUNT', 'TYPE']))]],
          [1, () => [rcase(r, 'TYPE'), B('set')]],
        ])());
      }
      return one([rcase(r, 'SSCAN'), k, B(r.pick(['0', '0', '0', '1', '77', 'x', '-1', '18446744073709551616'])), ...opts]);
    }],
    // The string key: a value for WRONGTYPE (both ways: set commands on it, and SET over a set).
    [5, () => one([rcase(r, 'SET'), r.chance(0.7) ? B('set:str') : k, B(r.pick(['x', '12', 'some text']))])],
    [3, () => one([rcase(r, 'DEL'), ...setKeys(r, 1, 2)])],
    [2, () => ({ cmds: [[rcase(r, 'EXPIRE'), k, B('100000')], [rcase(r, 'TTL'), k]] })],
    [2, () => ({ cmds: [[rcase(r, 'RENAME'), k, setKey(r)], [rcase(r, 'EXISTS'), ...SET_KEYS]] })],
    [1, () => one([rcase(r, 'CONFIG'), rcase(r, 'SET'), B('set-max-intset-entries'), B(r.pick(['512', '512', '4', '1', '0', '600']))])],
    // Wrong arities.
    [2, () => one(r.pick<Cmd>([
      [rcase(r, 'SADD'), k], [rcase(r, 'SREM'), k], [rcase(r, 'SCARD')], [rcase(r, 'SISMEMBER'), k], [rcase(r, 'SMISMEMBER'), k],
      [rcase(r, 'SMEMBERS'), k, k], [rcase(r, 'SPOP')], [rcase(r, 'SRANDMEMBER')], [rcase(r, 'SMOVE'), k, k], [rcase(r, 'SINTER')],
      [rcase(r, 'SINTERCARD'), B('1')], [rcase(r, 'SINTERSTORE'), k], [rcase(r, 'SUNION')], [rcase(r, 'SDIFFSTORE'), k], [rcase(r, 'SSCAN'), k],
    ]))],
  ])();
}
