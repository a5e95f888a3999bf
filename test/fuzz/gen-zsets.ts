/**
 * The differential fuzzer's sorted-set generator (`zsets` in gen.ts's table): every sorted-set command (ZADD with
 * NX/XX/GT/LT/CH/INCR, ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT ZRANGE (BYSCORE BYLEX REV
 * LIMIT WITHSCORES) ZRANGESTORE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZREVRANGE
 * ZREMRANGEBYRANK/SCORE/LEX ZPOPMIN ZPOPMAX ZMPOP, the blocking BZPOPMIN BZPOPMAX BZMPOP (timeouts of a few ms, as
 * the lists generator's blocking pops: served at once or a nil after the timeout on both servers), ZRANDMEMBER ZUNION ZINTER ZDIFF and their STORE, ZINTERCARD,
 * ZSCAN), valid most of the time and otherwise with bad scores (nan, 1e400, spaces, empty), bad ranges, conflicting
 * options, wrong arities; scores with inf/-inf, decimals, exponents, hex, -0; members shared with a set and a
 * string key (WRONGTYPE both ways, sets as algebra inputs), long members (> zset-max-listpack-value) and bulk adds
 * across zset-max-listpack-entries (also set small by CONFIG SET), so both encodings are compared (OBJECT ENCODING).
 *
 * Keys: a pool of its own ("zset:…"); lex-range commands only use the "zset:lex…" keys, which only get score-0
 * members (Redis's lex ranges on a skiplist with mixed scores depend on its random levels). The set key read as an
 * input is the set generator's, never written here.
 *
 * Randomness: ZRANDMEMBER and ZSCAN are compared by normalize.ts (shape, or the whole zset).
 */
import type { Rng } from '../support/rng.js';
import { blockTimeout } from './gen-lists.js';
import type { Cmd, Step } from './gen.js';

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

const ZKEYS: readonly Buffer[] = [B('zset:a'), B('zset:b'), B('zset:c'), B('zset:\x00\xff')];
const LEX_KEYS: readonly Buffer[] = [B('zset:lex1'), B('zset:lex2')];
const STR_KEY = B('zset:str');
/** Read-only inputs of other types: a set (the set generator's) and the string key. */
const OTHER_INPUTS: readonly Buffer[] = [B('set:a'), B('set:b'), STR_KEY];

const SCORES: readonly string[] = ['0', '1', '2', '3', '-1', '-2', '1.5', '-2.5', '0.1', '3.14159', '1e3', '1E-3', '2.5e+2', '.5', '5.',
  'inf', '-inf', '+inf', 'Infinity', '-0', '1e308', '-1e308', '4e-320', '0x10', '100', '1000000', '123456789012345678', '9007199254740993'];
const BAD_SCORES: readonly string[] = ['nan', 'NaN', 'abc', '', ' 1', '1 ', '1e400', '-1e400', '1e-400', '1.2.3', '0x', '(1', '1\x00'];
const RANGE_ITEMS: readonly string[] = ['-inf', '+inf', 'inf', '0', '1', '2', '(1', '(2', '1.5', '(1.5', '-1', '(-inf', '(+inf', '3', '(0', '', '(',
  ' 2', '100', '1e3'];
const BAD_RANGE_ITEMS: readonly string[] = ['x', 'nan', '(nan', '1 ', '((1', '[1'];
const LEX_ITEMS: readonly string[] = ['-', '+', '[a', '(a', '[b', '(b', '[c', '[m5', '(m5', '[', '(', '[\x00', '[zz', '[aa'];
const BAD_LEX_ITEMS: readonly string[] = ['a', '', '--', '++', '-a', '*'];
const INTS: readonly string[] = ['0', '1', '2', '3', '5', '-1', '-2', '-3', '10', '100', '-100', '9223372036854775807', '-9223372036854775808'];
const BAD_INTS: readonly string[] = ['x', '', '1.5', '9223372036854775808'];
const WORDS: readonly string[] = ['a', 'b', 'c', 'd', 'aa', 'ab', 'x', '', '\x00', '\xff\xfe', '1', '10', '-5', 'member:1', 'héllo'];

interface ZGen {
  r: Rng;
}

function rcase(r: Rng, s: string): Buffer {
  const x = r.float();
  if (x < 0.75) return B(s);
  if (x < 0.88) return B(s.toLowerCase());
  return B([...s].map((ch) => (r.chance(0.5) ? ch.toLowerCase() : ch.toUpperCase())).join(''));
}

function zkey(r: Rng): Buffer {
  return r.chance(0.06) ? STR_KEY : r.chance(0.04) ? B('zset:none') : r.pick(ZKEYS);
}

function member(r: Rng): Buffer {
  return B(r.weighted<() => string>([
    [8, () => r.pick(WORDS)],
    [8, () => 'm' + r.int(0, 40)],
    [1, () => 'L'.repeat(r.pick([64, 65, 100, 300]))],
  ])());
}

function score(r: Rng): Buffer {
  return B(r.weighted<() => string>([
    [10, () => r.pick(SCORES)],
    [8, () => String(r.int(-10, 10))],
    [3, () => (r.int(-1000, 1000) / 8).toString()],
    [1, () => r.pick(BAD_SCORES)],
  ])());
}

function rangeItem(r: Rng): Buffer {
  return B(r.chance(0.05) ? r.pick(BAD_RANGE_ITEMS) : r.chance(0.3) ? String(r.int(-5, 12)) : r.pick(RANGE_ITEMS));
}

function lexItem(r: Rng): Buffer {
  return B(r.chance(0.05) ? r.pick(BAD_LEX_ITEMS) : r.chance(0.3) ? (r.chance(0.5) ? '[' : '(') + 'm' + r.int(0, 40) : r.pick(LEX_ITEMS));
}

function intArg(r: Rng): Buffer {
  return B(r.chance(0.04) ? r.pick(BAD_INTS) : r.chance(0.6) ? String(r.int(-6, 8)) : r.pick(INTS));
}

function pairs(r: Rng, min: number, max: number): Buffer[] {
  const out: Buffer[] = [];
  for (let n = r.int(min, max); n > 0; n--) out.push(score(r), member(r));
  return out;
}

/** A bulk ZADD crossing (or not) zset-max-listpack-entries (128). */
function bulk(r: Rng, lex: boolean): Buffer[] {
  const n = r.pick([10, 127, 128, 129, 140, 200]);
  const from = r.int(0, 100);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(B(lex ? '0' : String(r.int(-20, 20) / (r.chance(0.3) ? 4 : 1))), B('m' + (from + i)));
  return out;
}

function limit(r: Rng): Buffer[] {
  return [rcase(r, 'LIMIT'), B(r.chance(0.8) ? String(r.int(0, 5)) : r.pick(['-1', '1000', 'x'])), B(r.chance(0.8) ? String(r.int(-1, 6)) : r.pick(['0', '-5', '1000', 'x']))];
}

/** Optional ZRANGE-style trailing options, shuffled. */
function rangeOpts(r: Rng, opts: Buffer[][]): Buffer[] {
  const out: Buffer[][] = opts.filter(() => r.chance(0.5));
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out.flat();
}

/** Inputs of the algebra commands: zset keys, sometimes a set or string key, a missing key, a repeat. */
function inputs(r: Rng, lex: boolean): Buffer[] {
  const n = r.int(1, 4);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(lex ? r.pick(LEX_KEYS) : r.chance(0.15) ? r.pick(OTHER_INPUTS) : r.chance(0.05) ? B('zset:none') : r.pick(ZKEYS));
  return out;
}

function numkeys(r: Rng, n: number): Buffer {
  return B(r.chance(0.9) ? String(n) : r.pick(['0', '-1', 'x', String(n + 1), String(n + 5)]));
}

function algebraOpts(r: Rng, n: number, store: boolean, diff: boolean): Buffer[] {
  const opts: Buffer[][] = [];
  if (!diff || r.chance(0.1)) {
    if (r.chance(0.4)) opts.push([rcase(r, 'WEIGHTS'), ...Array.from({ length: r.chance(0.9) ? n : n + 1 }, () => B(r.chance(0.9) ? r.pick(['1', '2', '0', '-1', '0.5', 'inf', '-inf']) : r.pick(['x', 'nan', ''])))]);
    if (r.chance(0.4)) opts.push([rcase(r, 'AGGREGATE'), B(r.chance(0.9) ? r.pick(['SUM', 'MIN', 'MAX', 'min', 'max']) : 'AVG')]);
  }
  if (!store && r.chance(0.5)) opts.push([rcase(r, 'WITHSCORES')]);
  if (r.chance(0.03)) opts.push([B('FOO')]);
  return rangeOpts(r, opts.map((o) => o));
}

const ZCARD = (r: Rng, k: Buffer): Cmd => [rcase(r, 'ZCARD'), k];

/** One step of sorted-set commands (see the module comment). */
export function zsetStep(g: ZGen): Step {
  const r = g.r;
  const k = zkey(r);
  const lk = r.pick(LEX_KEYS);
  const one = (cmd: Cmd): Step => ({ cmds: [cmd] });
  return r.weighted<() => Step>([
    [14, () => {
      const opts: Buffer[] = [];
      for (const o of ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR']) if (r.chance(0.12)) opts.push(rcase(r, o));
      const incr = opts.some((o) => o.toString().toUpperCase() === 'INCR');
      return one([rcase(r, 'ZADD'), k, ...opts, ...pairs(r, incr && r.chance(0.9) ? 1 : 1, incr && r.chance(0.9) ? 1 : 5)]);
    }],
    [3, () => one([rcase(r, 'ZADD'), k, ...bulk(r, false)])],
    // A harmless last command: gen.ts's mutation (of a step's last command) must not give a lex key another score.
    [4, () => ({ cmds: [[rcase(r, 'ZADD'), lk, ...(r.chance(0.5) ? bulk(r, true) : Array.from({ length: r.int(1, 6) }, () => [B('0'), member(r)]).flat())], ZCARD(r, lk)] })],
    [5, () => one([rcase(r, 'ZINCRBY'), k, score(r), member(r)])],
    [6, () => one([rcase(r, 'ZREM'), r.chance(0.2) ? lk : k, ...Array.from({ length: r.int(1, 4) }, () => member(r))])],
    [3, () => one([rcase(r, 'ZCARD'), k])],
    [4, () => one([rcase(r, 'ZSCORE'), k, member(r)])],
    [3, () => one([rcase(r, 'ZMSCORE'), k, ...Array.from({ length: r.int(1, 4) }, () => member(r))])],
    [4, () => one([rcase(r, r.pick(['ZRANK', 'ZREVRANK'])), k, member(r)])],
    [4, () => one([rcase(r, 'ZCOUNT'), k, rangeItem(r), rangeItem(r)])],
    [3, () => one([rcase(r, 'ZLEXCOUNT'), lk, lexItem(r), lexItem(r)])],
    [8, () => {
      const kind = r.pick(['rank', 'rank', 'score', 'lex']);
      const key = kind === 'lex' ? lk : k;
      const [a, b] = kind === 'rank' ? [intArg(r), intArg(r)] : kind === 'score' ? [rangeItem(r), rangeItem(r)] : [lexItem(r), lexItem(r)];
      const opts: Buffer[][] = [];
      if (kind === 'score') opts.push([rcase(r, 'BYSCORE')]);
      if (kind === 'lex') opts.push([rcase(r, 'BYLEX')]);
      const rest: Buffer[][] = [[rcase(r, 'REV')], [rcase(r, 'WITHSCORES')]];
      if (kind !== 'rank' || r.chance(0.1)) rest.push(limit(r));
      const mandatory = opts.flat();
      return one([rcase(r, 'ZRANGE'), key, a, b, ...mandatory, ...rangeOpts(r, rest)]);
    }],
    [5, () => one([rcase(r, r.pick(['ZRANGEBYSCORE', 'ZREVRANGEBYSCORE'])), k, rangeItem(r), rangeItem(r), ...rangeOpts(r, [[rcase(r, 'WITHSCORES')], limit(r)])])],
    [4, () => one([rcase(r, r.pick(['ZRANGEBYLEX', 'ZREVRANGEBYLEX'])), lk, lexItem(r), lexItem(r), ...rangeOpts(r, [limit(r)]), ...(r.chance(0.05) ? [B('WITHSCORES')] : [])])],
    [3, () => one([rcase(r, 'ZREVRANGE'), k, intArg(r), intArg(r), ...(r.chance(0.5) ? [rcase(r, 'WITHSCORES')] : [])])],
    [4, () => {
      const lex = r.chance(0.3);
      const src = lex ? lk : k;
      const dst = lex ? r.pick(LEX_KEYS) : r.pick(ZKEYS);
      const kind = lex ? r.pick(['rank', 'lex']) : r.pick(['rank', 'score']);
      const [a, b] = kind === 'rank' ? [intArg(r), intArg(r)] : kind === 'score' ? [rangeItem(r), rangeItem(r)] : [lexItem(r), lexItem(r)];
      const opts: Buffer[][] = [[rcase(r, 'REV')]];
      if (kind !== 'rank') opts.push(limit(r));
      if (r.chance(0.05)) opts.push([rcase(r, 'WITHSCORES')]);
      const by = kind === 'score' ? [rcase(r, 'BYSCORE')] : kind === 'lex' ? [rcase(r, 'BYLEX')] : [];
      return { cmds: [[rcase(r, 'ZRANGESTORE'), dst, src, a, b, ...by, ...rangeOpts(r, opts)], [rcase(r, 'OBJECT'), B('ENCODING'), dst]] };
    }],
    [3, () => one([rcase(r, 'ZREMRANGEBYRANK'), k, intArg(r), intArg(r)])],
    [3, () => one([rcase(r, 'ZREMRANGEBYSCORE'), k, rangeItem(r), rangeItem(r)])],
    [2, () => one([rcase(r, 'ZREMRANGEBYLEX'), lk, lexItem(r), lexItem(r)])],
    [5, () => one([rcase(r, r.pick(['ZPOPMIN', 'ZPOPMAX'])), r.chance(0.15) ? lk : k, ...(r.chance(0.4) ? [] : [B(r.pick(['0', '1', '2', '3', '10', '1000', '-1', 'x', '']))])])],
    [4, () => {
      const keys = inputs(r, false).filter((x) => !x.equals(B('set:a')) && !x.equals(B('set:b')));
      if (keys.length === 0) keys.push(k);
      const opts: Buffer[] = [];
      if (r.chance(0.5)) opts.push(rcase(r, 'COUNT'), B(r.pick(['1', '2', '5', '1000', '0', '-1', 'x'])));
      if (r.chance(0.05)) opts.push(B('COUNT'));
      return one([rcase(r, 'ZMPOP'), numkeys(r, keys.length), ...keys, B(r.chance(0.95) ? r.pick(['MIN', 'MAX', 'min', 'max']) : 'LEFT'), ...opts]);
    }],
    [3, () => {
      const keys = r.chance(0.6) ? [k] : inputs(r, false).filter((x) => !x.equals(B('set:a')) && !x.equals(B('set:b')));
      if (keys.length === 0) keys.push(k);
      if (r.chance(0.5)) return one([rcase(r, r.pick(['BZPOPMIN', 'BZPOPMAX'])), ...keys, blockTimeout(r)]);
      const opts: Buffer[] = r.chance(0.5) ? [rcase(r, 'COUNT'), B(r.pick(['1', '2', '5', '1000', '0', 'x']))] : [];
      return one([rcase(r, 'BZMPOP'), blockTimeout(r), numkeys(r, keys.length), ...keys, B(r.chance(0.95) ? r.pick(['MIN', 'MAX', 'max']) : 'LEFT'), ...opts]);
    }],
    [5, () => {
      const cnt = r.chance(0.3) ? [] : [B(r.pick(['0', '1', '2', '3', '-1', '-3', '5', '-5', '50', '-50', '1000', '9223372036854775807', '-9223372036854775808', '4611686018427387904', 'x']))];
      const ws = cnt.length > 0 && r.chance(0.5) ? [rcase(r, 'WITHSCORES')] : [];
      return { cmds: [[rcase(r, 'ZRANDMEMBER'), k, ...cnt, ...ws], ZCARD(r, k)] };
    }],
    [7, () => {
      const op = r.pick(['ZUNION', 'ZINTER', 'ZDIFF']);
      const ins = inputs(r, false);
      return one([rcase(r, op), numkeys(r, ins.length), ...ins, ...algebraOpts(r, ins.length, false, op === 'ZDIFF')]);
    }],
    [6, () => {
      const op = r.pick(['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']);
      const ins = inputs(r, false);
      const dst = r.pick(ZKEYS);
      return { cmds: [[rcase(r, op), dst, numkeys(r, ins.length), ...ins, ...algebraOpts(r, ins.length, true, op === 'ZDIFFSTORE')], [rcase(r, 'OBJECT'), B('ENCODING'), dst]] };
    }],
    [3, () => {
      const ins = inputs(r, false);
      const opts: Buffer[] = [];
      if (r.chance(0.5)) opts.push(rcase(r, 'LIMIT'), B(r.pick(['0', '1', '2', '100', '-1', 'x'])));
      if (r.chance(0.05)) opts.push(rcase(r, 'WITHSCORES'));
      return one([rcase(r, 'ZINTERCARD'), numkeys(r, ins.length), ...ins, ...opts]);
    }],
    [4, () => {
      const opts: Buffer[] = [];
      for (let n = r.int(0, 2); n > 0; n--) {
        opts.push(...r.weighted<() => Buffer[]>([
          [5, () => [rcase(r, 'MATCH'), B(r.pick(['*', 'm*', '*1', 'a', '[a-c]', '?', '']))]],
          [5, () => [rcase(r, 'COUNT'), B(r.pick(['1', '5', '10', '1000', '0', '-1', 'x']))]],
          [1, () => [rcase(r, r.pick(['MATCH', 'COUNT']))]],
        ])());
      }
      return one([rcase(r, 'ZSCAN'), r.chance(0.2) ? lk : k, B(r.pick(['0', '0', '0', '1', '77', 'x', '-1'])), ...opts]);
    }],
    [4, () => one([rcase(r, 'OBJECT'), rcase(r, 'ENCODING'), r.chance(0.3) ? lk : k])],
    [2, () => one([rcase(r, 'TYPE'), k])],
    [3, () => one([rcase(r, 'SET'), r.chance(0.7) ? STR_KEY : k, B(r.pick(['x', '12']))])],
    [3, () => one([rcase(r, 'DEL'), r.chance(0.2) ? lk : k])],
    [2, () => ({ cmds: [[rcase(r, 'EXPIRE'), k, B('100000')], [rcase(r, 'TTL'), k]] })],
    [2, () => ({ cmds: [[rcase(r, 'RENAME'), k, r.pick(ZKEYS)], [rcase(r, 'EXISTS'), ...ZKEYS]] })],
    [1, () => ({ cmds: [[rcase(r, 'RENAME'), lk, r.pick(LEX_KEYS)], [rcase(r, 'EXISTS'), ...LEX_KEYS]] })],
    [2, () => one([rcase(r, 'COPY'), k, r.pick(ZKEYS), ...(r.chance(0.5) ? [rcase(r, 'REPLACE')] : [])])],
    [1, () => one([rcase(r, 'CONFIG'), rcase(r, 'SET'), B(r.pick(['zset-max-listpack-entries', 'zset-max-ziplist-entries'])), B(r.pick(['128', '128', '4', '1', '0', '200']))])],
    [1, () => one([rcase(r, 'CONFIG'), rcase(r, 'SET'), B('zset-max-listpack-value'), B(r.pick(['64', '64', '2', '0', '100']))])],
    // Wrong arities.
    [2, () => one(r.pick<Cmd>([
      [rcase(r, 'ZADD'), k], [rcase(r, 'ZADD'), k, B('1')], [rcase(r, 'ZINCRBY'), k, B('1')], [rcase(r, 'ZREM'), k], [rcase(r, 'ZCARD')],
      [rcase(r, 'ZSCORE'), k], [rcase(r, 'ZMSCORE'), k], [rcase(r, 'ZRANK'), k], [rcase(r, 'ZCOUNT'), k, B('1')], [rcase(r, 'ZRANGE'), k, B('0')],
      [rcase(r, 'ZRANGESTORE'), k, k, B('0')], [rcase(r, 'ZPOPMIN')], [rcase(r, 'ZMPOP'), B('1')], [rcase(r, 'ZRANDMEMBER')], [rcase(r, 'ZUNION'), B('1')],
      [rcase(r, 'ZINTERSTORE'), k, B('1')], [rcase(r, 'ZINTERCARD'), B('1')], [rcase(r, 'ZSCAN'), k], [rcase(r, 'ZLEXCOUNT'), k, B('-')],
      [rcase(r, 'ZREMRANGEBYRANK'), k, B('0')], [rcase(r, 'ZREVRANGEBYLEX'), k, B('-')], [rcase(r, 'ZDIFF'), B('1')], [rcase(r, 'ZREVRANK'), k],
    ]))],
  ])();
}
