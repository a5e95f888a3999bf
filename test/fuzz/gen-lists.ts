/**
 * The fuzzer's list generator (`listStep`, one line of gen.ts's generator table): every list command
 * (LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LINDEX LSET LINSERT LRANGE LREM LTRIM LPOS LMOVE LMPOP RPOPLPUSH, and the
 * blocking BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP with timeouts of a few ms, plus CLIENT UNBLOCK of no client) with
 * valid and invalid arguments (non-integer, negative and int64-edge indexes and counts, RANK 0 and LONG_MIN,
 * unknown and repeated options, bad LEFT/RIGHT/BEFORE/AFTER words, LMPOP numkeys beyond the arguments, wrong
 * arities), moves with source == destination (rotations), and the generic and string commands on lists (TYPE
 * OBJECT ENCODING EXISTS DEL RENAME COPY EXPIRE PERSIST, GET/APPEND/SET for WRONGTYPE both ways), and
 * CONFIG SET list-max-listpack-size (node sizes; nothing visible may change).
 *
 * Keys: a pool of list keys of its own (plain, binary, one that usually holds a string), and now and then a key of
 * the seed's string pool. Elements: a small pool (so that LREM/LPOS/LINSERT find matches) with binary bytes and the
 * empty string, 200..300 bytes, now and then 9..20 KB (a node of its own), and 500 KiB..1 MiB in the sequences
 * with large values; bulk pushes of 100..600 elements span several nodes. Every reply is deterministic.
 */
import type { Cmd, Step } from './gen.js';
import type { Rng } from '../support/rng.js';

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

/** What the list generator needs of gen.ts's generator state. */
export interface ListGenState {
  r: Rng;
  /** The seed's string key pool. */
  keys: Buffer[];
  /** Large values allowed (gen.ts GenOptions.large). */
  large: boolean;
}

/** The list generator's own keys; the last one is the one it keeps as a string most of the time. */
export const LIST_KEYS: readonly Buffer[] = [B('fz:l1'), B('fz:l2'), B('fz:l\x00\xff'), B('fz:lbig'), B('fz:lstr')];
const STRING_KEY = LIST_KEYS[LIST_KEYS.length - 1]!;

const ELEMS: readonly string[] = ['a', 'b', 'c', 'x', '', '\x00', '\xff\xfe', 'a\r\nb', '1', '-1', '123', 'é'];
const INDEX_EDGES: readonly string[] = [
  '0', '1', '-1', '2', '-2', '100', '-100', '9223372036854775807', '-9223372036854775808', '9223372036854775808',
  '-9223372036854775809', '4294967296', 'abc', '', '1.5', ' 1', '01', '+1', '-0', '0x1',
];

function rcase(r: Rng, s: string): Buffer {
  const x = r.float();
  if (x < 0.75) return B(s);
  if (x < 0.88) return B(s.toLowerCase());
  return B([...s].map((ch) => (r.chance(0.5) ? ch.toLowerCase() : ch.toUpperCase())).join(''));
}

function key(g: ListGenState): Buffer {
  const r = g.r;
  const x = r.float();
  if (x < 0.85) return r.pick(LIST_KEYS.slice(0, -1));
  if (x < 0.93) return STRING_KEY;
  return r.pick(g.keys);
}

function elem(g: ListGenState): Buffer {
  const r = g.r;
  const x = r.float();
  if (x < 0.85) return B(r.pick(ELEMS));
  if (x < 0.95) return B(String.fromCharCode(97 + r.int(0, 3)).repeat(r.int(200, 300)));
  if (g.large && x < 0.965) return Buffer.alloc(r.int(500 << 10, 1 << 20), 0x6c);
  if (x < 0.97) return r.bytes(r.int(1, 40));
  return B('z'.repeat(r.int(9000, 20000)));
}

function elems(g: ListGenState): Buffer[] {
  const r = g.r;
  if (r.chance(0.04)) {
    const n = r.int(100, 600);
    const out: Buffer[] = [];
    for (let i = 0; i < n; i++) out.push(B(r.chance(0.5) ? r.pick(ELEMS) : `e${r.int(0, 50)}`));
    return out;
  }
  const n = r.int(1, 5);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(elem(g));
  return out;
}

/** An index: mostly small, sometimes an edge or not an integer. */
function index(g: ListGenState, lo = -8, hi = 8): Buffer {
  return B(g.r.chance(0.8) ? String(g.r.int(lo, hi)) : g.r.pick(INDEX_EDGES));
}

const side = (g: ListGenState): Buffer => (g.r.chance(0.94) ? rcase(g.r, g.r.pick(['LEFT', 'RIGHT'])) : B(g.r.pick(['UP', '', 'LEFTX', 'before'])));

function lposOpts(g: ListGenState): Buffer[] {
  const r = g.r;
  const out: Buffer[] = [];
  const n = r.int(0, 3);
  for (let i = 0; i < n; i++) {
    out.push(...r.weighted<() => Buffer[]>([
      [10, () => [rcase(r, 'RANK'), B(r.chance(0.8) ? String(r.pick([1, 2, 3, -1, -2, -3])) : r.pick(['0', '-9223372036854775808', '9223372036854775807', 'x', '']))]],
      [10, () => [rcase(r, 'COUNT'), B(r.chance(0.8) ? String(r.int(0, 4)) : r.pick(['-1', 'x', '9223372036854775807', '']))]],
      [8, () => [rcase(r, 'MAXLEN'), B(r.chance(0.8) ? String(r.int(0, 10)) : r.pick(['-1', 'x', '']))]],
      [2, () => [rcase(r, r.pick(['RANK', 'COUNT', 'MAXLEN']))]],
      [1, () => [B(r.pick(['FOO', '', 'WITHSCORES']))]],
    ])());
  }
  return out;
}

/**
 * A blocking command's timeout: a few ms mostly (a nil reply after it on an empty key, the same on both servers),
 * sometimes a value Redis refuses (not a float, negative, overflowing). Never 0 nor long: the step may not be in MULTI.
 */
export function blockTimeout(r: Rng): Buffer {
  if (r.chance(0.85)) return B(r.pick(['0.01', '0.005', '.02', '1e-2', '0.001', '0x1p-7', '-0.0001x']));
  return B(r.pick(['x', '', '-1', 'inf', 'nan', '1e30', ' 1', '-0.5']));
}

/** One step of list commands (see the module comment). */
export function listStep(g: ListGenState): Step {
  const r = g.r;
  const k = key(g);
  const cmd = r.weighted<() => Cmd>([
    [14, () => [rcase(r, r.pick(['LPUSH', 'RPUSH'])), k, ...elems(g)]],
    [4, () => [rcase(r, r.pick(['LPUSHX', 'RPUSHX'])), k, ...elems(g)]],
    [10, () => {
      const c: Cmd = [rcase(r, r.pick(['LPOP', 'RPOP'])), k];
      const x = r.float();
      if (x < 0.5) c.push(index(g, 0, 6));
      else if (x < 0.55) c.push(B('1'), B('2'));
      return c;
    }],
    [5, () => [rcase(r, 'LLEN'), k]],
    [6, () => [rcase(r, 'LINDEX'), k, index(g)]],
    [6, () => [rcase(r, 'LSET'), k, index(g), elem(g)]],
    [6, () => [rcase(r, 'LINSERT'), k, r.chance(0.95) ? rcase(r, r.pick(['BEFORE', 'AFTER'])) : B(r.pick(['MIDDLE', '', 'LEFT'])), elem(g), elem(g)]],
    [10, () => [rcase(r, 'LRANGE'), k, index(g), index(g)]],
    [5, () => [rcase(r, 'LREM'), k, index(g, -3, 3), elem(g)]],
    [4, () => [rcase(r, 'LTRIM'), k, index(g), index(g)]],
    [6, () => [rcase(r, 'LPOS'), k, elem(g), ...lposOpts(g)]],
    [6, () => {
      const dst = r.chance(0.3) ? k : key(g);
      return [rcase(r, 'LMOVE'), k, dst, side(g), side(g)];
    }],
    [3, () => [rcase(r, 'RPOPLPUSH'), k, r.chance(0.3) ? k : key(g)]],
    [5, () => {
      const n = r.int(1, 3);
      const ks: Buffer[] = [];
      for (let i = 0; i < n; i++) ks.push(key(g));
      const numkeys = r.chance(0.85) ? String(n) : r.pick(['0', '-1', 'x', String(n + 1), String(n + 5), '9223372036854775807', '']);
      const c: Cmd = [rcase(r, 'LMPOP'), B(numkeys), ...ks, side(g)];
      const x = r.float();
      if (x < 0.4) c.push(rcase(r, 'COUNT'), B(r.chance(0.8) ? String(r.int(1, 5)) : r.pick(['0', '-1', 'x', '9223372036854775807'])));
      else if (x < 0.45) c.push(rcase(r, 'COUNT'));
      else if (x < 0.5) c.push(rcase(r, 'COUNT'), B('1'), rcase(r, 'COUNT'), B('1'));
      return c;
    }],
    // Blocking forms: served at once when a key holds a list, else a nil after a timeout of a few ms (never 0 or a
    // long one: a step may run outside MULTI); bad timeouts are errors. Inside MULTI they never block.
    [4, () => {
      const n = r.int(1, 3);
      const ks: Buffer[] = [];
      for (let i = 0; i < n; i++) ks.push(key(g));
      return [rcase(r, r.pick(['BLPOP', 'BRPOP'])), ...ks, blockTimeout(g.r)];
    }],
    [2, () => [rcase(r, 'BLMOVE'), k, r.chance(0.3) ? k : key(g), side(g), side(g), blockTimeout(g.r)]],
    [1, () => [rcase(r, 'BRPOPLPUSH'), k, r.chance(0.3) ? k : key(g), blockTimeout(g.r)]],
    [2, () => {
      const n = r.int(1, 3);
      const ks: Buffer[] = [];
      for (let i = 0; i < n; i++) ks.push(key(g));
      const numkeys = r.chance(0.9) ? String(n) : r.pick(['0', 'x', String(n + 1), '']);
      const c: Cmd = [rcase(r, 'BLMPOP'), blockTimeout(g.r), B(numkeys), ...ks, side(g)];
      if (r.chance(0.4)) c.push(rcase(r, 'COUNT'), B(r.chance(0.85) ? String(r.int(1, 5)) : r.pick(['0', '-1', 'x'])));
      return c;
    }],
    [1, () => [rcase(r, 'CLIENT'), rcase(r, 'UNBLOCK'), B(r.pick(['999999', '0', 'x', '-1'])), ...(r.chance(0.5) ? [rcase(r, r.pick(['TIMEOUT', 'ERROR', 'FOO']))] : [])]],
    // Generic and string commands on lists, WRONGTYPE both ways.
    [3, () => [rcase(r, r.pick(['TYPE', 'EXISTS', 'GET', 'STRLEN'])), k]],
    [2, () => [rcase(r, 'OBJECT'), rcase(r, 'ENCODING'), k]],
    [2, () => [rcase(r, 'SET'), STRING_KEY, elem(g)]],
    [1, () => [rcase(r, 'APPEND'), k, B('x')]],
    [1, () => [rcase(r, 'DEL'), k]],
    [1, () => [rcase(r, r.pick(['RENAME', 'COPY'])), k, key(g)]],
    [1, () => [rcase(r, 'EXPIRE'), k, B(String(r.int(1000, 100000)))]],
    [1, () => [rcase(r, 'PERSIST'), k]],
    [1, () => [rcase(r, 'CONFIG'), rcase(r, 'SET'), B('list-max-listpack-size'), B(r.pick(['-1', '-2', '-3', '-5', '1', '2', '4', '128', '-2']))]],
    // Wrong arities.
    [2, () => {
      const name = r.pick(['LPUSH', 'LPOP', 'LLEN', 'LINDEX', 'LSET', 'LINSERT', 'LRANGE', 'LREM', 'LTRIM', 'LPOS', 'LMOVE', 'LMPOP', 'RPOPLPUSH', 'RPUSHX']);
      const args: Buffer[] = [k, B('0'), B('a'), B('b'), B('c'), B('d')].slice(0, r.int(0, 5));
      return [rcase(r, name), ...args];
    }],
  ])();
  return { cmds: [cmd] };
}
