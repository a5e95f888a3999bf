/**
 * The differential fuzzer's SORT generator (`sort` in gen.ts's table): SORT and SORT_RO on lists, sets and sorted sets of
 * numbers (integers, decimals, exponents, hex, blanks, inf, the empty string) and words (binary, NUL bytes, high
 * bytes), with weight keys (strings), hashes (`->field`) and GET targets built by the same steps; options in any
 * order and case: BY (a pattern with `*`, a hash field, a pattern without `*` = nosort, missing keys), LIMIT (small,
 * negative, huge, int64 edges, not integers), GET (#, several, missing, no `*`), ASC/DESC, ALPHA, STORE (over a list,
 * a set, a string, the source itself; an empty result deletes the destination) followed by LRANGE/TYPE of the
 * destination; wrong types, missing sources, unknown options, SORT_RO with STORE, and COMMAND GETKEYS of SORT.
 *
 * Keys: a pool of its own (`sort:…`), which no other generator writes.
 *
 * Determinism (only what Redis itself leaves open is avoided):
 * - A set's iteration order is its hash table's (also for integers: set-max-intset-entries is changed by the set
 *   generator), so on sets the generator never uses BY nosort without STORE (STORE sorts ALPHA) nor ALPHA with BY
 *   (equal or missing BY values keep the iteration order), and set members have no NUL byte (ALPHA without STORE
 *   compares C strings: "a" and "a\0b" are equal, and keep the iteration order). Numeric sorts are deterministic
 *   (equal weights: the elements' bytes decide).
 * - ALPHA + BY + LIMIT: Redis sorts with its partial quicksort (pqsort), which does not keep the load order of equal
 *   BY values (tierkv does): never generated.
 * - Redis's SORT tests errno without clearing it (sort.c), so an ERANGE left by any earlier double parse (a weight
 *   like 1e400 here, a ZADD score elsewhere) fails every numeric SORT until errno changes: each SORT step begins
 *   with `INCRBYFLOAT sort:errno 0`, whose parse (util.c string2ld) sets errno to 0 in Redis.
 * - A sorted set is loaded for sorting in its dict's order in Redis (in rank order in tierkv): the set rules above
 *   hold for it (no ALPHA with BY, members without NUL), but BY nosort, which replies the zset's own order (LIMIT
 *   applied by rank), is deterministic and generated.
 * - Keymiss events of the BY lookups come in the load order, a set's iteration order: a step that sorts a set BY
 *   a pattern first writes the set and every member's weight key and hash (no lookup misses).
 * - The step ends with a harmless EXISTS, so gen.ts's random mutation of a step's last command cannot create one of
 *   these cases.
 */
import type { Rng } from '../support/rng.js';
import type { Cmd, Step } from './gen.js';

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

/** What the SORT generator needs of gen.ts's state. */
interface SortGen {
  r: Rng;
}

const LISTS = ['sort:l1', 'sort:l2'];
const SETS = ['sort:s1', 'sort:s2'];
const ZSETS = ['sort:z1', 'sort:z2'];
const OTHERS = ['sort:str', 'sort:none'];
const DESTS = ['sort:d1', 'sort:d2', 'sort:str', 'sort:s2', 'sort:l2'];

/** Numbers: strtod accepts all of them (a few only as prefixes: errors). */
const NUMS: readonly string[] = [
  '0', '1', '2', '3', '5', '10', '-5', '100', '1.5', '-0.25', '007', '1e3', '-0', '+4', '.5', '5.', '0x10', '0x1p-2', ' 6',
  'inf', '-inf', '', '9223372036854775807', '1e308', '2.5E-3', '3',
];
/** Words: errors as numbers; binary and high bytes for ALPHA. */
const WORDS: readonly string[] = ['a', 'b', 'c', 'B', 'ab', 'x y', 'é', '\xff', '\x80', 'zz', '10a', 'nan', '1 '];
/** Words with a NUL byte (lists only, see the module comment). */
const NUL_WORDS: readonly string[] = ['a\x00b', 'a\x00c', '\x00'];
/** Weight values: numbers mostly, words (numeric error), out-of-range doubles now and then. */
const WEIGHTS: readonly string[] = [...NUMS, '7', '7', '-1', '2', 'w', 'abc', '1e400', '1e-400'];
/** GET target values. */
const TEXTS: readonly string[] = ['x', 'y', '', 'long'.repeat(20), '\x00\xff', '42'];
const LIMITS: readonly string[] = ['0', '1', '2', '3', '-1', '-2', '10', '100', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', 'x', '', '1.5'];

function rcase(r: Rng, s: string): Buffer {
  const x = r.float();
  if (x < 0.75) return B(s);
  if (x < 0.88) return B(s.toLowerCase());
  return B([...s].map((ch) => (r.chance(0.5) ? ch.toLowerCase() : ch.toUpperCase())).join(''));
}

/** Elements for a list (any) or a set (no NUL byte). */
function elems(r: Rng, forSet: boolean): string[] {
  const kind = r.int(0, 2); // numbers, words, mixed
  const n = r.chance(0.05) ? r.int(50, 300) : r.int(1, 8);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const num = kind === 0 || (kind === 2 && r.chance(0.5));
    if (num) out.push(n > 20 && r.chance(0.7) ? String(r.int(-1000, 1000)) : r.pick(NUMS));
    else if (!forSet && r.chance(0.1)) out.push(r.pick(NUL_WORDS));
    else out.push(r.pick(WORDS));
  }
  return out;
}

/** Any element the pools hold: the keys derived from them (weights, hashes, GET targets). */
function anyElem(r: Rng): string {
  return r.chance(0.6) ? r.pick(NUMS) : r.pick(r.chance(0.9) ? WORDS : NUL_WORDS);
}

const BY_PATTERNS: readonly string[] = ['sort:w:*', 'sort:w:*', 'sort:h:*->f', 'sort:h:*->g', 'sort:h:*->', 'nosort', 'sort:none:*',
  'sort:w:*:x', 'sort:o:*', '*'];
const GET_PATTERNS: readonly string[] = ['#', '#', 'sort:o:*', 'sort:h:*->g', 'sort:h:*->f', 'sort:w:*', 'nokey', 'sort:h:*->', '*'];

/** One SORT/SORT_RO command; `store` is the destination when it has one. */
function sortCommand(r: Rng): { cmd: Cmd; store: string | null; setup: Cmd[] } {
  const ro = r.chance(0.25);
  const srcKind = r.float();
  const src = srcKind < 0.45 ? r.pick(LISTS) : srcKind < 0.7 ? r.pick(SETS) : srcKind < 0.92 ? r.pick(ZSETS) : r.pick(OTHERS);
  const isZset = ZSETS.includes(src);
  const isSet = SETS.includes(src) || isZset;
  let alpha = r.chance(0.45);
  let by: string | null = r.chance(0.5) ? r.pick(BY_PATTERNS) : null;
  let store: string | null = !ro && r.chance(0.3) ? r.pick([...DESTS, src]) : null;
  let limit: [string, string] | null = r.chance(0.4)
    ? [r.chance(0.7) ? String(r.int(-2, 8)) : r.pick(LIMITS), r.chance(0.7) ? String(r.int(-2, 8)) : r.pick(LIMITS)]
    : null;
  const nosort = by !== null && !by.includes('*');
  const setup: Cmd[] = [];
  if (isSet) {
    if (nosort && store === null && !isZset) by = null;
    if (alpha && by !== null && !nosort) by = null;
    if (by !== null && !nosort) {
      // The BY lookups run in the set's iteration order: the step writes the set and every member's weight key and
      // hash, so no lookup misses (a keymiss event would come in that order).
      by = r.pick(['sort:w:*', 'sort:h:*->f', 'sort:h:*->g']);
      const ms = elems(r, true);
      setup.push([rcase(r, 'DEL'), B(src)], isZset ? zadd(r, src, ms) : [rcase(r, 'SADD'), B(src), ...ms.map(B)]);
      setup.push([rcase(r, 'MSET'), ...ms.flatMap((m) => [B(`sort:w:${m}`), B(r.pick(WEIGHTS))])]);
      for (const m of ms) setup.push([rcase(r, 'HSET'), B(`sort:h:${m}`), B('f'), B(r.pick(WEIGHTS)), B('g'), B(r.pick(TEXTS))]);
    }
  }
  if (alpha && by !== null && !nosort && limit !== null) limit = null;
  const opts: Buffer[][] = [];
  if (by !== null) opts.push([rcase(r, 'BY'), B(by)]);
  if (limit !== null) opts.push([rcase(r, 'LIMIT'), B(limit[0]), B(limit[1])]);
  for (let n = r.chance(0.5) ? r.int(1, 3) : 0; n > 0; n--) opts.push([rcase(r, 'GET'), B(r.pick(GET_PATTERNS))]);
  if (r.chance(0.4)) opts.push([rcase(r, r.pick(['ASC', 'DESC', 'DESC']))]);
  if (alpha) opts.push([rcase(r, 'ALPHA')]);
  if (store !== null) opts.push([rcase(r, 'STORE'), B(store)]);
  if (ro && r.chance(0.1)) opts.push([rcase(r, 'STORE'), B('sort:d1')]); // syntax error
  if (r.chance(0.04)) opts.push([B(r.pick(['FOO', 'LIMIT', 'BY', 'GET', 'STORE', '1']))]); // unknown, or missing arguments
  if (r.chance(0.03)) {
    // A repeated option: the last one wins (LIMIT, BY, STORE), GETs add up.
    alpha = false;
    store = null;
    opts.length = 0;
    opts.push([rcase(r, 'LIMIT'), B('0'), B('2')], [rcase(r, 'LIMIT'), B('1'), B('5')], [rcase(r, 'GET'), B('#')], [rcase(r, 'GET'), B('#')]);
  }
  const ordered = r.chance(0.7) ? opts : r.shuffle(opts);
  const cmd: Cmd = [rcase(r, ro ? 'SORT_RO' : 'SORT'), B(src), ...ordered.flat()];
  return { cmd, store: cmd.some((b) => b.toString('latin1').toUpperCase() === 'STORE') ? store : null, setup };
}

/** ZADD of `ms` to `k`, with small integer scores (ties ordered by member) and now and then ±inf or a decimal. */
function zadd(r: Rng, k: string, ms: string[]): Cmd {
  const score = (): string => (r.chance(0.1) ? r.pick(['inf', '-inf', '1.5', '-0.5']) : String(r.int(-3, 3)));
  return [rcase(r, 'ZADD'), B(k), ...ms.flatMap((m) => [B(score()), B(m)])];
}

/** Writes weights, hashes and GET targets for some elements. */
function derived(r: Rng): Cmd[] {
  const cmds: Cmd[] = [];
  const pairs: Buffer[] = [];
  for (let n = r.int(1, 8); n > 0; n--) pairs.push(B(`sort:w:${anyElem(r)}`), B(r.pick(WEIGHTS)));
  cmds.push([rcase(r, 'MSET'), ...pairs]);
  for (let n = r.int(0, 3); n > 0; n--) {
    cmds.push([rcase(r, 'HSET'), B(`sort:h:${anyElem(r)}`), B('f'), B(r.pick(WEIGHTS)), B('g'), B(r.pick(TEXTS))]);
  }
  for (let n = r.int(0, 3); n > 0; n--) cmds.push([rcase(r, 'SET'), B(`sort:o:${anyElem(r)}`), B(r.pick(TEXTS))]);
  if (r.chance(0.2)) cmds.push([rcase(r, 'DEL'), B(`sort:w:${anyElem(r)}`), B(`sort:h:${anyElem(r)}`)]);
  if (r.chance(0.1)) cmds.push([rcase(r, 'DEL'), B(`sort:w:${anyElem(r)}`)], [rcase(r, 'RPUSH'), B(`sort:w:${anyElem(r)}`), B('1')]);
  return cmds;
}

/** One step of SORT commands (see the module comment). */
export function sortStep(g: SortGen): Step {
  const r = g.r;
  const end: Cmd = [B('EXISTS'), B('sort:d1')];
  return r.weighted<() => Step>([
    [4, () => {
      const k = r.pick(LISTS);
      return { cmds: [[rcase(r, 'DEL'), B(k)], [rcase(r, 'RPUSH'), B(k), ...elems(r, false).map(B)], end] };
    }],
    [4, () => {
      const k = r.pick(SETS);
      return { cmds: [[rcase(r, 'DEL'), B(k)], [rcase(r, 'SADD'), B(k), ...elems(r, true).map(B)], end] };
    }],
    [4, () => {
      const k = r.pick(ZSETS);
      return { cmds: [[rcase(r, 'DEL'), B(k)], zadd(r, k, elems(r, true)), end] };
    }],
    [5, () => ({ cmds: [...derived(r), end] })],
    [1, () => ({ cmds: [[rcase(r, 'SET'), B('sort:str'), B(r.pick(NUMS))], end] })],
    [20, () => {
      const { cmd, store, setup } = sortCommand(r);
      const cmds: Cmd[] = [...setup, [B('INCRBYFLOAT'), B('sort:errno'), B('0')], cmd];
      if (store !== null) cmds.push([rcase(r, 'TYPE'), B(store)], [rcase(r, 'LRANGE'), B(store), B('0'), B('-1')]);
      cmds.push(end);
      return { cmds };
    }],
    [1, () => {
      const { cmd } = sortCommand(r);
      return { cmds: [[rcase(r, 'COMMAND'), rcase(r, 'GETKEYS'), ...cmd], end] };
    }],
  ])();
}
