/**
 * Seeded generator of fuzz sequences for the differential fuzzer (tierkv vs redis-server, see runner.ts).
 *
 * A sequence is a list of {@link Step}s. A step is the unit the shrinker keeps or removes: one or more commands
 * that only make sense together (a DBSIZE with the EXISTS that makes it deterministic, a short expiry with the
 * sleep after it), a MIGRATE_PREPARE drop, a full SCAN iteration, an inline command or a malformed frame.
 *
 * Coverage: every command tierkv implements (strings, bitmaps and LCS, hashes (gen-hashes.ts), sets (gen-sets.ts), lists (gen-lists.ts), sorted sets (gen-zsets.ts), keys, expiry, OBJECT, connection and CLIENT, server, CONFIG,
 * MEMORY, COMMAND, Pub/Sub), with valid arguments most of the time and otherwise boundary and malformed ones: negative,
 * huge (beyond int32/int64/uint64), non-integer, empty, binary, any-case option flags, duplicated and conflicting
 * options, wrong arity, unknown commands and subcommands. String and expiry commands come partly from the
 * differential test's generator (test/integration/differential-gen.ts), whose value and TTL pools this reuses.
 *
 * Timing independence (both servers run each batch a few ms apart): relative TTLs are either ≥ 100 s, or short
 * (≤ 40 ms) and then always followed by a sleep long enough for both servers to see the key expired; commands
 * whose answer depends on whether the background expiry cycle already ran (DBSIZE, INFO keyspace) are preceded, in
 * the same step, by an EXISTS of every key, which expires lazily on both sides.
 *
 * The same (seed, options) always gives the same sequence.
 */
import { createHash } from 'node:crypto';
import { Rng } from '../support/rng.js';
import { MASTER_KEYS, NUMERIC_VALUES, generateCommand, value, type GenContext } from './gen-strings.js';
import { hashStep } from './gen-hashes.js';
import { listStep } from './gen-lists.js';
import { itemSize } from '../../allocator/item.js';
import { setStep } from './gen-sets.js';
import { sortStep } from './gen-sort.js';
import { zsetStep } from './gen-zsets.js';


/** One command: its arguments as wire bytes, name first. */
export type Cmd = Buffer[];

/** One step of a sequence (see the module comment). */
export interface Step {
  /** Commands sent back to back; each reply is compared. */
  cmds: Cmd[];
  /** Send `cmds` as inline command lines (`SET k v\r\n`) instead of RESP multibulk. */
  inline?: boolean;
  /**
   * Malformed bytes sent after `cmds`: both servers must answer them identically (a protocol error) and close the
   * connection, which the runner then reopens.
   */
  raw?: Buffer;
  /** Ends the current pipeline after this step. */
  flush?: boolean;
  /** Sleeps this many ms after the step (ends the pipeline). */
  sleepMs?: number;
  /**
   * MIGRATE_PREPARE on tierkv (through a control connection), and on redis a DEL of the keys that were cold on
   * tierkv: a dropped key must behave exactly like a deleted one afterwards. Sent alone.
   */
  drop?: boolean;
  /** A full SCAN iteration from cursor 0 with these options on both sides, after `cmds`; the sets of keys are compared. */
  scanAll?: Buffer[];
  /**
   * Run `cmds` (then `raw`, if any) on a new connection of each server, as a client that has just connected:
   * RESP2, not authenticated, no name. The connection is closed afterwards.
   */
  fresh?: boolean;
  /**
   * Several clients on the same keys, after `cmds` (run on the main connection): each phase writes its commands on
   * its own extra connection (client 1, 2, 3: opened for the step, with the main connection's protocol and
   * password, closed after it). An `unread` phase's replies are left unread until all phases ran, but the runner
   * waits until the server has executed its commands (see runner.ts) before the next phase is written; the other
   * phases' replies are read at once. Every reply is compared in the end, so each is checked against what the
   * reference held when the command ran, whatever later phases wrote.
   */
  clients?: Phase[];
}

/** One phase of a {@link Step.clients} step. */
export interface Phase {
  /** 1, 2 or 3: which extra connection. */
  client: number;
  cmds: Cmd[];
  /** Leave the replies unread until the end of the step (a pipeline whose replies pile up on the server). */
  unread?: boolean;
}

/** What {@link generate} returns. */
export interface Sequence {
  seed: number;
  steps: Step[];
}

/** Options of {@link generate}. */
export interface GenOptions {
  /** Number of steps (default 200). */
  steps?: number;
  /** Base of absolute times, unix ms (default now). */
  baseTimeMs?: number;
  /** Allow drop steps (only when the tierkv side has tiers; default true). */
  drops?: boolean;
  /** The servers require this password (the auth variant): fresh connections exercise NOAUTH and its limits. */
  password?: string;
  /**
   * Large values (default false): values across the jumbo-item threshold (512 KiB) up to 3 MiB (1.2 MiB in the
   * tiered variant), read and written in place (GET, SET … GET, GETSET, SETRANGE, APPEND, GETDEL, GETEX, MULTI),
   * and steps of several clients interleaving on them with unread pipelines ({@link Step.clients}). Off, the
   * sequence of a seed is exactly what it was before large values existed.
   */
  large?: boolean;
}

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Integer-like boundary arguments: int32/int64/uint64 edges, signs, blanks, leading zeros, non-integers, binary. */
export const INT_EDGES: readonly string[] = [
  '0', '1', '-1', '2', '3', '10', '100', '-100', '2147483647', '2147483648', '-2147483648', '-2147483649',
  '4294967295', '4294967296', '9223372036854775807', '9223372036854775808', '-9223372036854775808',
  '-9223372036854775809', '18446744073709551615', '18446744073709551616', '99999999999999999999', 'abc', '',
  '1.5', '1e3', ' 1', '1 ', '+1', '01', '-0', '0x10', '\x001', '1\x00', 'inf', 'nan',
];

/** Odd arguments for any position: empty, binary, CR/LF, long, option-like words. */
const ODD_ARGS: readonly string[] = ['', '\x00', '\xff\xfe', '\r\n', ' ', 'x'.repeat(300), 'NX', 'XX', 'GET', 'EX', '*', '?', '[', '\\'];

/** Options for random-case names. */
function rcase(r: Rng, s: string): Buffer {
  const x = r.float();
  if (x < 0.75) return B(s);
  if (x < 0.88) return B(s.toLowerCase());
  return B([...s].map((ch) => (r.chance(0.5) ? ch.toLowerCase() : ch.toUpperCase())).join(''));
}

/** Generator state shared by the per-command generators. */
interface G {
  r: Rng;
  dctx: GenContext;
  keys: Buffer[];
  base: number;
  /** The tiered variant (servers.ts): maxmemory is set on both sides. */
  tiered: boolean;
  /** requirepass of the servers ('' when none). */
  password: string;
  /** Large values and clients steps (GenOptions.large). */
  large: boolean;
  /** Length of the last large value the generator wrote to each key (hex of the key): "same size" overwrites. */
  bigLen: Map<string, number>;
  /** Index (modulo their number) in the CONFIG SET names of the next parameter the config generator sets. */
  configNext: number;
}

function key(g: G): Buffer {
  return g.r.chance(0.92) ? g.r.pick(g.keys) : g.r.pick(MASTER_KEYS);
}

function intArg(g: G, valid: () => string): Buffer {
  return B(g.r.chance(0.75) ? valid() : g.r.pick(INT_EDGES));
}

function pattern(g: G): Buffer {
  const r = g.r;
  return r.weighted<() => Buffer>([
    [30, () => B('*')],
    [10, () => B('k*')],
    [10, () => B('key:?')],
    [8, () => B('*[0-9]')],
    [5, () => B('[^k]*')],
    [5, () => B('*\\*')],
    [5, () => B('[a-')],
    [5, () => B('\\')],
    [5, () => B('x*')],
    [5, () => B('')],
    [5, () => r.pick(MASTER_KEYS)],
    [3, () => B('**?*')],
    [3, () => B('[]')],
  ])();
}

type Gen = (g: G) => Step;
const one = (cmd: Cmd): Step => ({ cmds: [cmd] });

/** EXISTS of every key of the master pool: expires lazily whatever has expired, on both servers alike. */
function expireAllLazily(g: G): Cmd {
  return [rcase(g.r, 'EXISTS'), ...MASTER_KEYS];
}

/** Short expiries (≤ 40 ms, or in the past), then a sleep so that both servers see them expired. */
const shortExpiry: Gen = (g) => {
  const r = g.r;
  const k = key(g);
  const ms = r.int(1, 40);
  const past = String(r.int(1, g.base - 1000));
  const cmd = r.pick<() => Cmd>([
    () => [rcase(r, 'PEXPIRE'), k, B(String(ms))],
    () => [rcase(r, 'SET'), k, value(g.dctx), rcase(r, 'PX'), B(String(ms))],
    () => [rcase(r, 'PSETEX'), k, B(String(ms)), value(g.dctx)],
    () => [rcase(r, 'GETEX'), k, rcase(r, 'PX'), B(String(ms))],
    () => [rcase(r, 'PEXPIREAT'), k, B(past)],
    () => [rcase(r, 'EXPIREAT'), k, B(String(Math.floor(Number(past) / 1000)))],
    () => [rcase(r, 'SET'), k, value(g.dctx), rcase(r, 'PXAT'), B(past)],
    () => [rcase(r, 'GETEX'), k, rcase(r, 'EXAT'), B(String(Math.floor(Number(past) / 1000)))],
    () => [rcase(r, 'SET'), k, value(g.dctx), rcase(r, 'PX'), B(String(ms)), rcase(r, 'GET')],
  ])();
  return { cmds: [cmd], sleepMs: 80 };
};

/** A bit offset: mostly small, sometimes far (a value of up to 128 KiB), sometimes invalid or out of range. */
function bitOffset(g: G, hash = false): Buffer {
  const r = g.r;
  return B(r.weighted<() => string>([
    [60, () => `${hash && r.chance(0.3) ? '#' : ''}${r.int(0, 200)}`],
    [10, () => String(r.int(0, 1 << 20))],
    [10, () => r.pick(['-1', 'abc', '', '1.5', ' 1', '+1', '01', '4294967296', '9223372036854775807', '-9223372036854775808', '99999999999999999999'])],
    [4, () => r.pick(['#', '#-1', '#x', '#99999999999', '#4096'])],
  ])());
}

/** Bitmap commands (SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO) and LCS. */
const bitmapStep: Gen = (g) => {
  const r = g.r;
  const k = key(g);
  const idx = (): Buffer => intArg(g, () => String(r.int(-20, 20)));
  const unit = (): Buffer[] => (r.chance(0.5) ? [] : [rcase(r, r.pick(['BIT', 'BYTE', 'BIT', 'BYTE', 'FOO']))]);
  const type = (): Buffer => B(r.chance(0.85) ? `${r.pick(['i', 'u'])}${r.int(1, 64)}` : r.pick(['i0', 'u64', 'i65', 'x8', '', 'i', 'u-1', 'I8']));
  const fieldOps = (ro: boolean): Buffer[] => {
    const out: Buffer[] = [];
    for (let n = r.int(0, 4); n > 0; n--) {
      out.push(...r.weighted<() => Buffer[]>([
        [10, () => [rcase(r, 'GET'), type(), bitOffset(g, true)]],
        [ro ? 1 : 8, () => [rcase(r, 'SET'), type(), bitOffset(g, true), intArg(g, () => String(r.int(-300, 300)))]],
        [ro ? 1 : 8, () => [rcase(r, 'INCRBY'), type(), bitOffset(g, true), intArg(g, () => String(r.int(-300, 300)))]],
        [ro ? 1 : 5, () => [rcase(r, 'OVERFLOW'), rcase(r, r.pick(['WRAP', 'SAT', 'FAIL', 'FAIL', 'BOGUS']))]],
        [1, () => [B(r.pick(ODD_ARGS))]],
        [1, () => [rcase(r, 'GET'), type()]],
      ])());
    }
    return out;
  };
  return one(r.weighted<() => Cmd>([
    [12, () => [rcase(r, 'SETBIT'), k, bitOffset(g), B(r.chance(0.9) ? r.pick(['0', '1']) : r.pick(['2', '-1', 'x', '', '01']))]],
    [8, () => [rcase(r, 'GETBIT'), k, bitOffset(g)]],
    [8, () => (r.chance(0.3) ? [rcase(r, 'BITCOUNT'), k] : [rcase(r, 'BITCOUNT'), k, idx(), ...(r.chance(0.9) ? [idx()] : []), ...unit()])],
    [8, () => [rcase(r, 'BITPOS'), k, B(r.chance(0.9) ? r.pick(['0', '1']) : r.pick(['2', '-1', 'x'])),
      ...(r.chance(0.3) ? [] : [idx(), ...(r.chance(0.6) ? [idx(), ...unit()] : [])])]],
    [6, () => [rcase(r, 'BITOP'), rcase(r, r.pick(['AND', 'OR', 'XOR', 'NOT', 'NOT', 'NAND'])), key(g),
      ...Array.from({ length: r.int(r.chance(0.1) ? 0 : 1, 3) }, () => key(g))]],
    [10, () => [rcase(r, 'BITFIELD'), k, ...fieldOps(false)]],
    [4, () => [rcase(r, 'BITFIELD_RO'), k, ...fieldOps(true)]],
    [6, () => {
      const opts: Buffer[] = [];
      for (let n = r.int(0, 3); n > 0; n--) {
        opts.push(...r.weighted<() => Buffer[]>([
          [5, () => [rcase(r, 'IDX')]], [3, () => [rcase(r, 'LEN')]], [4, () => [rcase(r, 'WITHMATCHLEN')]],
          [4, () => [rcase(r, 'MINMATCHLEN'), intArg(g, () => String(r.int(0, 5)))]], [1, () => [rcase(r, 'MINMATCHLEN')]],
          [1, () => [B(r.pick(ODD_ARGS))]],
        ])());
      }
      return [rcase(r, 'LCS'), k, key(g), ...opts];
    }],
    [2, () => [rcase(r, r.pick(['SETBIT', 'GETBIT', 'BITOP', 'LCS', 'BITPOS']))]],
  ])());
};

/** Channels PUBLISH and PUBSUB name; the subscription steps subscribe to 'fz:sub' or the pattern 'fz:s*' only. */
const CHANNELS: readonly string[] = ['fz:pub', 'fz:sub', 'other', '', '\x00\xff', 'x'.repeat(300), '__keyevent@0__:set'];

/**
 * Pub/Sub (commands/pubsub.ts): PUBLISH/SPUBLISH, PUBSUB subcommands with valid, missing and extra arguments, and a
 * subscription step — SUBSCRIBE, PSUBSCRIBE or SSUBSCRIBE of one channel or pattern, a few commands in subscribed
 * mode (refused in RESP2 but PING, run in RESP3), then the matching UNSUBSCRIBE of that one name, so that the main
 * connection never holds two subscriptions (an argument-less UNSUBSCRIBE lists them in hash order in Redis). No
 * message is ever published to a channel the connection listens to (a push would be an extra reply).
 */
const pubsubStep: Gen = (g) => {
  const r = g.r;
  const ch = (): Buffer => B(r.pick(CHANNELS.filter((c) => c !== 'fz:sub')));
  const msg = (): Buffer => (r.chance(0.8) ? value(g.dctx) : B(r.pick(ODD_ARGS)));
  return r.weighted<() => Step>([
    [6, () => one([rcase(r, r.pick(['PUBLISH', 'SPUBLISH'])), ch(), msg(), ...(r.chance(0.1) ? [msg()] : [])])],
    [2, () => one([rcase(r, r.pick(['PUBLISH', 'SPUBLISH'])), ...(r.chance(0.5) ? [ch()] : [])])],
    [6, () => {
      const sub = r.pick(['CHANNELS', 'NUMSUB', 'NUMPAT', 'SHARDCHANNELS', 'SHARDNUMSUB', 'HELP', 'FOO']);
      const args: Buffer[] = [];
      const n = r.int(0, sub === 'NUMSUB' || sub === 'SHARDNUMSUB' ? 4 : 2);
      for (let i = 0; i < n; i++) args.push(sub.endsWith('CHANNELS') && i === 0 ? pattern(g) : B(r.pick(CHANNELS)));
      return one([rcase(r, 'PUBSUB'), rcase(r, sub), ...args]);
    }],
    [1, () => one([rcase(r, 'PUBSUB')])],
    [6, () => {
      const [subCmd, unsubCmd, name] = r.pick([
        ['SUBSCRIBE', 'UNSUBSCRIBE', 'fz:sub'],
        ['PSUBSCRIBE', 'PUNSUBSCRIBE', 'fz:s*'],
        ['SSUBSCRIBE', 'SUNSUBSCRIBE', 'fz:sub'],
      ] as const);
      const inside: Cmd[] = [];
      const n = r.int(0, 3);
      for (let i = 0; i < n; i++) {
        inside.push(r.pick<() => Cmd>([
          () => [rcase(r, 'PING')],
          () => [rcase(r, 'PING'), msg()],
          () => [rcase(r, 'GET'), key(g)],
          () => [rcase(r, 'PUBLISH'), B(r.pick(['fz:pub', 'other'])), msg()],
          () => [rcase(r, 'PUBSUB'), rcase(r, 'NUMSUB'), B('fz:sub')],
          () => [rcase(r, 'PUBSUB'), rcase(r, 'NUMPAT')],
          () => [rcase(r, subCmd), B(name)],
          () => [rcase(r, r.pick(['UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE'])), B('fz:none')],
        ])());
      }
      return { cmds: [[rcase(r, subCmd), B(name)], ...inside, [rcase(r, unsubCmd), B(name)]] };
    }],
    [1, () => one([rcase(r, r.pick(['UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE']))])],
  ])();
};

const GENERATORS: readonly (readonly [number, string, Gen])[] = [
  [4, 'pubsub', pubsubStep],
  // The differential test's string and expiry generator (with its own boundary values and wrong arities).
  [60, 'strings', (g) => {
    const c = generateCommand(g.dctx);
    const name = c[0]!.toString('latin1').toUpperCase();
    if (name === 'DBSIZE') return { cmds: [expireAllLazily(g), c] };
    return one(c);
  }],
  [6, 'short-expiry', shortExpiry],
  [12, 'bitmaps', bitmapStep],
  [10, 'hashes', hashStep],
  [12, 'sets', setStep],
  [10, 'lists', listStep],
  [10, 'sort', sortStep],
  [12, 'zsets', zsetStep],
  [3, 'SUBSTR', (g) => one([rcase(g.r, 'SUBSTR'), key(g), intArg(g, () => String(g.r.int(-10, 10))), intArg(g, () => String(g.r.int(-10, 10)))])],
  [3, 'KEYS', (g) => one([rcase(g.r, 'KEYS'), pattern(g)])],
  [3, 'SCAN', (g) => {
    const r = g.r;
    const opts: Buffer[] = [];
    const n = r.int(0, 3);
    for (let i = 0; i < n; i++) {
      opts.push(...r.weighted<() => Buffer[]>([
        [10, () => [rcase(r, 'MATCH'), pattern(g)]],
        [10, () => [rcase(r, 'COUNT'), intArg(g, () => String(r.int(1, 20)))]],
        [6, () => [rcase(r, 'TYPE'), B(r.pick(['string', 'STRING', 'hash', 'list', 'none', 'foo', '']))]],
        [2, () => [rcase(r, r.pick(['MATCH', 'COUNT', 'TYPE']))]],
        [2, () => [B(r.pick(ODD_ARGS))]],
      ])());
    }
    // A full iteration after the EXISTS that deletes the expired keys on both servers: whether an expired key is
    // still there (TYPE none returns those, as Redis does) depends on each server's expiry cycle.
    if (r.chance(0.6)) return { cmds: [expireAllLazily(g)], scanAll: opts, flush: true };
    const cursor = B(r.pick(['0', '0', '0', 'abc', '-1', '+5', '', '18446744073709551615', '18446744073709551616', '1.5', ' 0', '00']));
    return one([rcase(r, 'SCAN'), cursor, ...opts]);
  }],
  [2, 'RANDOMKEY', (g) => one([rcase(g.r, 'RANDOMKEY')])],
  [5, 'OBJECT', (g) => {
    const r = g.r;
    const sub = r.pick(['ENCODING', 'ENCODING', 'REFCOUNT', 'FREQ', 'IDLETIME', 'HELP', 'FOO']);
    if (sub === 'HELP') return one([rcase(r, 'OBJECT'), rcase(r, 'HELP')]);
    return one([rcase(r, 'OBJECT'), rcase(r, sub), key(g)]);
  }],
  [2, 'PING', (g) => one(g.r.chance(0.5) ? [rcase(g.r, 'PING')] : [rcase(g.r, 'PING'), value(g.dctx)])],
  [1, 'QUIT', (g) => ({ cmds: [[rcase(g.r, 'QUIT')]], flush: true })],
  [2, 'SELECT', (g) => one([rcase(g.r, 'SELECT'), intArg(g, () => g.r.pick(['0', '1', '15', '16']))])],
  [3, 'HELLO', (g) => {
    const r = g.r;
    const args: Buffer[] = [rcase(r, 'HELLO')];
    if (r.chance(0.85)) args.push(B(r.chance(0.8) ? r.pick(['2', '3']) : r.pick(['1', '4', '0', '-1', 'abc', '', '3.0', '9223372036854775808'])));
    const n = r.int(0, 2);
    for (let i = 0; i < n; i++) {
      args.push(...r.weighted<() => Buffer[]>([
        [5, () => [rcase(r, 'SETNAME'), B(r.pick(['fuzz', 'a-b', 'x y', '', '\x01', 'é']))]],
        [4, () => [rcase(r, 'AUTH'), B(r.pick(['default', 'nobody'])), B(r.pick(['pw', '']))]],
        [2, () => [rcase(r, 'AUTH'), B('default')]],
        [1, () => [B(r.pick(ODD_ARGS))]],
      ])());
    }
    return { cmds: [args], flush: true };
  }],
  [2, 'AUTH', (g) => {
    const r = g.r;
    const n = r.int(1, 3);
    return one([rcase(r, 'AUTH'), ...Array.from({ length: n }, () => B(r.pick(['default', 'pw', '', 'nobody', 'x y'])))]);
  }],
  [8, 'CLIENT', (g) => one(clientCommand(g))],
  [3, 'INFO', (g) => {
    const r = g.r;
    const n = r.int(0, 3);
    const names = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats',
      'commandstats', 'latencystats', 'cluster', 'keyspace', 'default', 'all', 'everything', 'bogus', 'KEYSPACE', 'Server', ''];
    return { cmds: [expireAllLazily(g), [rcase(r, 'INFO'), ...Array.from({ length: n }, () => B(r.pick(names)))]] };
  }],
  [3, 'DBSIZE', (g) => ({ cmds: [expireAllLazily(g), [rcase(g.r, 'DBSIZE'), ...(g.r.chance(0.1) ? [B('x')] : [])]] })],
  [1, 'FLUSH', (g) => {
    const r = g.r;
    const args = [rcase(r, r.pick(['FLUSHDB', 'FLUSHALL']))];
    if (r.chance(0.5)) args.push(rcase(r, r.pick(['ASYNC', 'SYNC', 'FOO', ''])));
    if (r.chance(0.1)) args.push(rcase(r, 'SYNC'));
    return one(args);
  }],
  [1, 'TIME', (g) => one([rcase(g.r, 'TIME'), ...(g.r.chance(0.2) ? [B('x')] : [])])],
  [6, 'CONFIG', (g) => configCommand(g)],
  [3, 'MEMORY', (g) => {
    const r = g.r;
    // MEMORY USAGE measures expired keys not yet deleted (as Redis): expire them lazily first.
    return ({ cmds: [expireAllLazily(g), r.weighted<() => Cmd>([
      [10, () => [rcase(r, 'MEMORY'), rcase(r, 'USAGE'), key(g)]],
      [5, () => [rcase(r, 'MEMORY'), rcase(r, 'USAGE'), key(g), rcase(r, 'SAMPLES'), intArg(g, () => String(r.int(0, 10)))]],
      [3, () => [rcase(r, 'MEMORY'), rcase(r, 'USAGE'), key(g), B(r.pick(ODD_ARGS)), B('1')]],
      [2, () => [rcase(r, 'MEMORY'), rcase(r, 'USAGE'), key(g), rcase(r, 'SAMPLES')]],
      [2, () => [rcase(r, 'MEMORY'), rcase(r, 'PURGE')]],
      [2, () => [rcase(r, 'MEMORY'), rcase(r, r.pick(['STATS', 'DOCTOR', 'HELP']))]],
      [1, () => [rcase(r, 'MEMORY'), rcase(r, 'FOO')]],
      [1, () => [rcase(r, 'MEMORY')]],
    ])()] });
  }],
  [1, 'SHUTDOWN', (g) => {
    const r = g.r;
    // Only forms that never stop a server: an unknown option anywhere, or ABORT (no shutdown in progress).
    return one(r.pick<() => Cmd>([
      () => [rcase(r, 'SHUTDOWN'), rcase(r, 'ABORT')],
      () => [rcase(r, 'SHUTDOWN'), B(r.pick(['FOO', '', 'NOSAVEX', '1']))],
      () => [rcase(r, 'SHUTDOWN'), rcase(r, r.pick(['NOSAVE', 'SAVE', 'NOW', 'FORCE'])), B('BOGUS')],
      // Illegal combinations: syntax errors on Redis.
      () => [rcase(r, 'SHUTDOWN'), ...r.pick([['NOSAVE', 'SAVE'], ['NOW', 'ABORT'], ['ABORT', 'FORCE'], ['SAVE', 'NOW', 'NOSAVE']]).map((o) => rcase(r, o))],
      () => [rcase(r, 'SHUTDOWN'), rcase(r, 'ABORT'), rcase(r, 'ABORT')],
    ])());
  }],
  [6, 'COMMAND', (g) => one(commandCommand(g))],
  [2, 'diagnostics', (g) => {
    const r = g.r;
    // Only deterministic replies: what the slow log holds depends on each server's timing, so no LEN or a GET that
    // succeeds; its argument errors, HELP and RESET, ROLE, LATENCY on no event, and LASTSAVE's arity error.
    return one(r.pick<() => Cmd>([
      () => [rcase(r, 'SLOWLOG'), rcase(r, 'GET'), B(r.pick(['-2', 'abc', '', '1.5', '99999999999999999999', '-9223372036854775809']))],
      () => [rcase(r, 'SLOWLOG'), rcase(r, 'GET'), B('1'), B('2')],
      () => [rcase(r, 'SLOWLOG'), rcase(r, r.pick(['LEN', 'RESET', 'HELP'])), B('x')],
      () => [rcase(r, 'SLOWLOG'), rcase(r, r.pick(['RESET', 'HELP']))],
      () => [rcase(r, 'SLOWLOG'), ...(r.chance(0.5) ? [B(r.pick(['FOO', '', 'GETX']))] : [])],
      () => [rcase(r, 'ROLE'), ...(r.chance(0.2) ? [B('x')] : [])],
      // LATENCY: events depend on timing (and the fuzzer may set a threshold): only names no event has, and errors.
      () => [rcase(r, 'LATENCY'), rcase(r, r.pick(['HISTORY', 'RESET'])), B(r.pick(['fz:none', '', 'x'.repeat(200)]))],
      () => [rcase(r, 'LATENCY'), rcase(r, r.pick(['LATEST', 'HELP'])), B('x')],
      () => [rcase(r, 'LATENCY'), ...(r.chance(0.5) ? [B(r.pick(['FOO', '', 'DOCTORX']))] : [rcase(r, 'HISTORY')])],
      // GRAPH of an event no server has (Redis's error), DOCTOR's arity error (its report is each server's own text).
      () => [rcase(r, 'LATENCY'), ...(r.chance(0.5) ? [rcase(r, 'GRAPH'), B(r.pick(['fz:none', '']))] : [rcase(r, 'DOCTOR'), B('x')])],
      // ACL for the default user: replies that do not depend on the command table (not CAT <category>), and no
      // SETUSER & co., which Redis has and tierkv answers as unknown subcommands.
      () => [rcase(r, 'ACL'), rcase(r, r.pick(['WHOAMI', 'USERS', 'LIST', 'CAT', 'HELP']))],
      () => [rcase(r, 'ACL'), rcase(r, r.pick(['WHOAMI', 'USERS', 'LIST', 'HELP'])), B('x')],
      () => [rcase(r, 'ACL'), rcase(r, 'CAT'), B(r.pick(['foo', '', 'x'.repeat(200), '@read', 'read\r\n']))],
      () => [rcase(r, 'ACL'), rcase(r, 'CAT'), B('read'), B('write')],
      () => [rcase(r, 'ACL')],
      // MONITOR would turn the connection into a monitor: its arity error only.
      () => [rcase(r, 'MONITOR'), B(r.pick(['x', '']))],
      // LASTSAVE's time differs between two servers started a second apart: its arity error only.
      () => [rcase(r, 'LASTSAVE'), B(r.pick(['x', '0']))],
    ])());
  }],
  [2, 'unknown-sub', (g) => {
    const r = g.r;
    return one([rcase(r, r.pick(['CLIENT', 'CONFIG', 'MEMORY', 'OBJECT', 'COMMAND'])), B(r.pick(['', '\x00', 'FOO BAR', 'x'.repeat(200), 'GETNAMEX']))]);
  }],
  [3, 'inline', (g) => {
    const r = g.r;
    const k = r.pick(['k', 'foo', 'key:1', 'x']);
    const cmds = r.pick<Cmd[]>([
      [[B('SET'), B(k), B(String(r.int(0, 100)))]],
      [[B('GET'), B(k)]],
      [[B('PING')]],
      [[B('ECHO'), B('hello world')]],
      [[B('INCR'), B(k)], [B('EXISTS'), B(k), B('foo')]],
      [[B('SET'), B(k), B('a b')]],
      [[B('APPEND'), B(k), B('\x00\xff\r\n')]],
    ]);
    return { cmds, inline: true };
  }],
  [3, 'fresh', (g) => {
    const r = g.r;
    const pw = g.password !== '' ? g.password : 'pw';
    const pool: Array<() => Cmd> = [
      () => [rcase(r, 'PING')],
      () => [rcase(r, 'GET'), key(g)],
      () => [rcase(r, 'SET'), key(g), value(g.dctx)],
      () => [rcase(r, 'AUTH'), B(pw)],
      () => [rcase(r, 'AUTH'), B('default'), B(pw)],
      () => [rcase(r, 'AUTH'), B('wrong')],
      () => [rcase(r, 'AUTH'), B('nobody'), B(pw)],
      () => [rcase(r, 'AUTH'), B('a'), B('b'), B('c')],
      () => [rcase(r, 'HELLO'), B('3')],
      () => [rcase(r, 'HELLO')],
      () => [rcase(r, 'HELLO'), B(r.pick(['2', '3'])), rcase(r, 'AUTH'), B('default'), B(r.chance(0.7) ? pw : 'wrong')],
      () => [rcase(r, 'HELLO'), B('3'), rcase(r, 'SETNAME'), B('n'), rcase(r, 'AUTH'), B('default'), B(pw)],
      () => [rcase(r, 'CLIENT'), rcase(r, 'SETNAME'), B('n')],
      () => [rcase(r, 'CLIENT'), rcase(r, 'GETNAME')],
      () => [rcase(r, 'SELECT'), B('0')],
      () => [rcase(r, 'QUIT')],
      () => [rcase(r, 'COMMAND'), rcase(r, 'COUNT')],
      () => [B('NOSUCH'), B('x')],
      () => [rcase(r, 'MULTI')],
      () => [rcase(r, 'EXEC')],
      () => [rcase(r, 'WATCH'), key(g)],
      () => [rcase(r, 'RESET')],
    ];
    const cmds = Array.from({ length: r.int(1, 5) }, () => r.pick(pool)());
    const quit = cmds.findIndex((c) => c[0]!.toString('latin1').toUpperCase() === 'QUIT');
    if (quit >= 0) cmds.length = quit + 1;
    // Before AUTH, Redis limits requests to 10 arguments of 16 KiB.
    // (Only while no command of the step may have authenticated: a complete header would then wait for its data.)
    const mayAuth = cmds.some((c) => c.some((a) => a.toString('latin1').toUpperCase() === 'AUTH'));
    const raw = g.password !== '' && quit < 0 && !mayAuth && r.chance(0.2) ? B(r.pick(['*11\r\n', '*2\r\n$16385\r\n', '*1\r\n$abc\r\n'])) : undefined;
    return { cmds, fresh: true, ...(raw !== undefined ? { raw } : {}) };
  }],
  [8, 'transactions', (g) => transactionStep(g)],
  [1, 'malformed', (g) => {
    const r = g.r;
    // Deterministic protocol errors (none depends on read sizes): both servers reply an error and close.
    const raw = r.pick([
      '*abc\r\n', '*1\r\n$abc\r\n', '*1\r\n$-5\r\n', '*1\r\nx3\r\n', '*2\r\n$3\r\nGET\r\n:1\r\n', '*3000000000\r\n',
      '*1\r\n$9999999999999999999999\r\n', 'SET "k v\r\n', "GET 'k\r\n", 'ECHO "a"b\r\n', '*+1\r\n', '*1\r\n$+3\r\nGET\r\n',
      '*01\r\n', '*1\r\n$03\r\nGET\r\n', '*-0\r\n',
    ]);
    return { cmds: [], raw: B(raw), flush: true };
  }],
];

/** Generators whose steps are plain commands that may be queued inside MULTI (see {@link queued}). */
const QUEUEABLE = new Set(['strings', 'short-expiry', 'bitmaps', 'hashes', 'sets', 'lists', 'zsets', 'SUBSTR', 'KEYS', 'SCAN', 'RANDOMKEY', 'OBJECT', 'PING', 'QUIT', 'SELECT',
  'HELLO', 'AUTH', 'CLIENT', 'INFO', 'DBSIZE', 'FLUSH', 'TIME', 'CONFIG', 'MEMORY', 'SHUTDOWN', 'COMMAND', 'unknown-sub']);
QUEUEABLE.add('sort'); // SORT / SORT_RO steps (gen-sort.ts), on a line of their own

/**
 * The commands of `n` ordinary steps, one group per step (a DBSIZE stays right after its EXISTS), to be queued in
 * a transaction; `sleepMs` is the longest sleep one of them needs after it ran (short expiries).
 */
function queued(g: G, n: number): { groups: Cmd[][]; sleepMs?: number } {
  const gens = GENERATORS.filter(([, name]) => QUEUEABLE.has(name)).map(([w, name, gen]) => [w, [name, gen] as const] as const);
  const groups: Cmd[][] = [];
  let sleepMs: number | undefined;
  for (let i = 0; i < n; i++) {
    const [, gen] = g.r.weighted(gens);
    const s = gen(g);
    // A full SCAN iteration is not a command to queue. Nor are Redis 7.2's CLIENT SETINFO and
    // NO-TOUCH (a deliberate difference, see normalize.ts): Redis 7.0 refuses them while queueing (EXECABORT).
    if (s.cmds.length === 0 || s.scanAll !== undefined || s.raw !== undefined || s.inline === true || s.fresh === true) continue;
    if (s.cmds.some((c) => ['CLIENT|SETINFO', 'CLIENT|NO-TOUCH'].includes(commandName(c)))) continue;
    groups.push(s.cmds);
    if (s.sleepMs !== undefined) sleepMs = Math.max(sleepMs ?? 0, s.sleepMs);
  }
  return sleepMs !== undefined ? { groups, sleepMs } : { groups };
}

/** A command refused while queueing (so that EXEC answers -EXECABORT): unknown, wrong arity, not allowed in MULTI. */
function queueError(g: G): Cmd {
  const r = g.r;
  return r.pick<() => Cmd>([
    // Names no Redis has (Redis's other commands, which tierkv does not implement, answer differently on purpose).
    () => [B(r.pick(['NOSUCH', 'GETT', 'SETT', 'EXECC', 'MULTI2'])), ...(r.chance(0.5) ? [key(g)] : [])],
    () => [rcase(r, 'GET')],
    () => [rcase(r, 'SET'), key(g)],
    () => [rcase(r, 'INCR'), key(g), B('1')],
    () => [rcase(r, 'EXEC'), B('x')],
    () => [rcase(r, 'DISCARD'), B('x')],
    () => [rcase(r, 'MULTI'), B('x')],
    () => [rcase(r, 'WATCH')],
    () => [rcase(r, 'UNWATCH'), key(g)],
    () => [rcase(r, 'CLIENT'), B('NOSUCH')],
    () => [rcase(r, 'OBJECT')],
    // SHUTDOWN is refused inside MULTI whatever its arguments (no-multi): never stops a server here.
    () => [rcase(r, 'SHUTDOWN'), ...(r.chance(0.5) ? [rcase(r, r.pick(['NOSAVE', 'ABORT', 'NOW']))] : [])],
  ])();
}

/** WATCH of 1 to 3 keys (sometimes one twice). */
function watchCmd(g: G): Cmd {
  const keys = Array.from({ length: g.r.int(1, 3) }, () => key(g));
  if (g.r.chance(0.1)) keys.push(keys[0]!);
  return [rcase(g.r, 'WATCH'), ...keys];
}

/** A write, or a command that only looks like one (a SET NX that fails, a DEL of a missing key, ...), on `k`. */
function ownWrite(g: G, k: Buffer): Cmd {
  const r = g.r;
  return r.pick<() => Cmd>([
    () => [rcase(r, 'SET'), k, value(g.dctx)],
    () => [rcase(r, 'SET'), k, value(g.dctx), rcase(r, r.pick(['NX', 'XX']))],
    () => [rcase(r, 'SETNX'), k, value(g.dctx)],
    () => [rcase(r, 'DEL'), k],
    () => [rcase(r, 'UNLINK'), k, key(g)],
    () => [rcase(r, 'INCR'), k],
    () => [rcase(r, 'APPEND'), k, B(r.pick(['', 'x']))],
    () => [rcase(r, 'SETRANGE'), k, B(r.pick(['0', '3'])), B(r.pick(['', 'ab']))],
    () => [rcase(r, 'EXPIRE'), k, B(r.pick(['1000', '0', '-1'])), ...(r.chance(0.3) ? [rcase(r, r.pick(['NX', 'XX', 'GT', 'LT']))] : [])],
    () => [rcase(r, 'PERSIST'), k],
    () => [rcase(r, 'GETDEL'), k],
    () => [rcase(r, 'GETEX'), k, ...(r.chance(0.5) ? [rcase(r, 'PERSIST')] : [rcase(r, 'EX'), B('1000')])],
    () => [rcase(r, 'RENAME'), k, key(g)],
    () => [rcase(r, 'RENAME'), key(g), k],
    () => [rcase(r, 'RENAMENX'), key(g), k],
    () => [rcase(r, 'MSET'), k, B('1'), key(g), B('2')],
    () => [rcase(r, 'MSETNX'), key(g), B('1'), k, B('2')],
    () => [rcase(r, 'TOUCH'), k],
    () => [rcase(r, 'GET'), k],
    () => [rcase(r, 'FLUSHDB')],
    () => [rcase(r, 'FLUSHALL'), ...(r.chance(0.5) ? [rcase(r, r.pick(['SYNC', 'ASYNC']))] : [])],
  ])();
}

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH: transactions of queued valid commands (EXEC or DISCARD), with a command refused
 * while queueing (EXECABORT), nested MULTI, WATCH inside MULTI, EXEC/DISCARD without MULTI, WATCH then the
 * connection's own write (or a non-write, or UNWATCH) before MULTI…EXEC, and WATCH alone (later steps' writes,
 * expiries, flushes and drops then decide a later EXEC). Every step that opens a transaction closes it (EXEC, or a
 * DISCARD after an EXEC that was refused), so that the next steps run outside MULTI.
 */
function transactionStep(g: G): Step {
  const r = g.r;
  const M = (): Cmd => [rcase(r, 'MULTI')];
  const E = (): Cmd => [rcase(r, 'EXEC')];
  const end = (): Cmd => (r.chance(0.8) ? E() : [rcase(r, 'DISCARD')]);
  const tx = (before: Cmd[], inside: () => Cmd[], last: Cmd = end()): Step => {
    const q = queued(g, r.int(0, 3));
    const extra = inside();
    const at = r.int(0, q.groups.length);
    const cmds = [...before, M(), ...q.groups.slice(0, at).flat(), ...extra, ...q.groups.slice(at).flat(), last];
    return { cmds, ...(q.sleepMs !== undefined ? { sleepMs: q.sleepMs } : {}) };
  };
  return r.weighted<() => Step>([
    [10, () => tx([], () => [])],
    [4, () => tx([], () => [queueError(g)])],
    // The refused EXEC leaves the transaction open: a DISCARD ends it.
    [1, () => {
      const s = tx([], () => [], [rcase(r, 'EXEC'), B('x')]);
      s.cmds.push([rcase(r, 'DISCARD')]);
      return s;
    }],
    [2, () => tx([], () => [M()])],
    [2, () => tx([], () => [watchCmd(g)])],
    [2, () => tx([], () => [[rcase(r, 'UNWATCH')]])],
    [3, () => one(r.pick<() => Cmd>([() => E(), () => [rcase(r, 'DISCARD')], () => [rcase(r, 'UNWATCH')], () => [rcase(r, r.pick(['EXEC', 'DISCARD', 'UNWATCH'])), B('x')]])())],
    [4, () => one(watchCmd(g))],
    [6, () => {
      const w = watchCmd(g);
      const before: Cmd[] = [w];
      if (r.chance(0.7)) before.push(ownWrite(g, r.chance(0.8) ? w[1]! : key(g)));
      if (r.chance(0.2)) before.push(watchCmd(g));
      return tx(before, () => [], E());
    }],
    [2, () => {
      const w = watchCmd(g);
      return tx([w, [rcase(r, 'UNWATCH')], ownWrite(g, w[1]!)], () => [], E());
    }],
    [2, () => {
      // A short expiry of a watched key: the sleep expires it before the next step's EXEC.
      const w = watchCmd(g);
      return { cmds: [w, [rcase(r, 'PEXPIRE'), w[1]!, B(String(r.int(1, 30)))]], sleepMs: 80 };
    }],
  ])();
}

/**
 * A client id for CLIENT LIST ID / CLIENT KILL ID that names no connection on either server: connection ids are
 * not the same on both (the harness opens different connections to each), so an id that may be live would make
 * the replies differ for no fault of either. Valid ids beyond any reachable one, or malformed ones.
 */
function clientIdArg(g: G): Buffer {
  const r = g.r;
  if (r.chance(0.75)) return B(String(r.int(1e12, 2e12)));
  return B(r.pick(INT_EDGES.filter((v) => !['1', '2', '3', '10', '100'].includes(v))));
}

/** CLIENT subcommands with valid, boundary and malformed arguments. */
function clientCommand(g: G): Cmd {
  const r = g.r;
  const C = (): Buffer => rcase(r, 'CLIENT');
  return r.weighted<() => Cmd>([
    [4, () => [C(), rcase(r, 'ID')]],
    [4, () => [C(), rcase(r, 'GETNAME')]],
    [6, () => [C(), rcase(r, 'SETNAME'), B(r.pick(['fuzz', 'name-1', '', 'a b', 'x\ny', '\x7f', 'é', 'A'.repeat(100)]))]],
    [3, () => [C(), rcase(r, 'SETINFO'), rcase(r, r.pick(['LIB-NAME', 'LIB-VER', 'FOO'])), B(r.pick(['redis-py', '1.0', 'a b', '']))]],
    [6, () => [C(), rcase(r, 'INFO')]],
    [5, () => {
      const args = [C(), rcase(r, 'LIST')];
      const f = r.int(0, 3);
      if (f === 1) args.push(rcase(r, 'TYPE'), rcase(r, r.pick(['normal', 'master', 'replica', 'slave', 'pubsub', 'foo'])));
      if (f === 2) args.push(rcase(r, 'ID'), ...Array.from({ length: r.int(0, 3) }, () => clientIdArg(g)));
      if (f === 3) args.push(B(r.pick(ODD_ARGS)));
      return args;
    }],
    [6, () => {
      if (r.chance(0.2)) return [C(), rcase(r, 'KILL'), B(r.pick(['1.2.3.4:5', '127.0.0.1:1', 'nonsense', '']))];
      const args = [C(), rcase(r, 'KILL')];
      const n = r.int(1, 3);
      for (let i = 0; i < n; i++) {
        args.push(...r.weighted<() => Buffer[]>([
          [5, () => [rcase(r, 'ID'), clientIdArg(g)]],
          [3, () => [rcase(r, 'ADDR'), B(r.pick(['1.2.3.4:5', '127.0.0.1:1', 'x']))]],
          [3, () => [rcase(r, 'LADDR'), B(r.pick(['1.2.3.4:5', '127.0.0.1:1', 'x']))]],
          [3, () => [rcase(r, 'USER'), B(r.pick(['nobody', 'someone']))]],
          [3, () => [rcase(r, 'TYPE'), rcase(r, r.pick(['master', 'replica', 'slave', 'pubsub', 'foo']))]],
          [3, () => [rcase(r, 'SKIPME'), rcase(r, r.pick(['yes', 'maybe', '']))]],
          [3, () => [rcase(r, 'MAXAGE'), intArg(g, () => String(r.int(100000, 10000000)))]],
          [2, () => [B(r.pick(ODD_ARGS))]],
        ])());
      }
      return args;
    }],
    [3, () => [C(), rcase(r, r.pick(['NO-EVICT', 'NO-TOUCH'])), rcase(r, r.pick(['on', 'off', 'ON', 'maybe', '']))]],
    [2, () => [C(), rcase(r, 'HELP')]],
    // CLIENT PAUSE: argument errors and forms that pause nothing (0, an end past INT64_MAX); UNPAUSE.
    [3, () => [C(), rcase(r, 'PAUSE'), B(r.pick(['-1', 'abc', '', '0', '1.5', '9223372036854775807', '-9223372036854775809'])),
      ...(r.chance(0.5) ? [rcase(r, r.pick(['WRITE', 'ALL', 'foo', '']))] : [])]],
    [1, () => [C(), rcase(r, 'PAUSE'), B('10'), rcase(r, 'WRITE'), B('x')]],
    [2, () => [C(), rcase(r, 'UNPAUSE'), ...(r.chance(0.3) ? [B('x')] : [])]],
    [2, () => [C()]],
    [2, () => [C(), rcase(r, r.pick(['ID', 'GETNAME', 'INFO', 'HELP'])), B('extra')]],
  ])();
}

/** Parameters CONFIG SET may change in a fuzz run (none that disturbs the harness), with values to try. */
export const CONFIG_SET_VALUES: Readonly<Record<string, readonly string[]>> = {
  hz: ['1', '10', '100', '500', '501', '0', '-1', 'abc', '10.5'],
  'maxmemory-policy': ['noeviction', 'allkeys-lru', 'allkeys-lfu', 'volatile-lfu', 'volatile-ttl', 'allkeys-random', 'NOEVICTION', 'foo', ''],
  'maxmemory-samples': ['1', '5', '64', '0', '65', 'x'],
  'lfu-log-factor': ['0', '1', '10', '-1', 'x'],
  'lfu-decay-time': ['0', '1', '60', '-1'],
  'active-expire-effort': ['1', '10', '0', '11'],
  'slowlog-log-slower-than': ['0', '-1', '10000', '-2', 'x'],
  'slowlog-max-len': ['0', '128', '-1', '9223372036854775807'],
  'latency-monitor-threshold': ['0', '100', '-1'],
  'notify-keyspace-events': ['', 'KEA', 'Ex', 'gx$', 'AKE', 'z', 'KEAm', 'n', 'Km'],
  'hash-max-listpack-entries': ['0', '128', '512', '-1', '1kb'],
  'hash-max-ziplist-entries': ['64', '-5'],
  'list-max-listpack-size': ['-2', '-5', '-6', '128', '0'],
  'set-max-intset-entries': ['512', '0', '-1'],
  'zset-max-listpack-value': ['64', '0'],
  'stream-node-max-bytes': ['4096', '4kb', '1mb', '-1', '1x'],
  activerehashing: ['yes', 'no', 'YES', 'maybe', ''],
  'lazyfree-lazy-eviction': ['yes', 'no'],
  'lazyfree-lazy-user-flush': ['yes', 'no'],
  'busy-reply-threshold': ['5000', '0', '-1'],
  'lua-time-limit': ['5000', '100'],
  'tracking-table-max-keys': ['0', '1000000'],
  'client-query-buffer-limit': ['1gb', '1mb', '1024', '1048575', 'abc'],
  'maxmemory-eviction-tenacity': ['10', '0', '100', '101'],
  'tcp-keepalive': ['300', '0', '-1'],
  // tierkv also accepts Redis 7.2's `nothing` (a deliberate difference): not fuzzed.
  loglevel: ['notice', 'warning', 'verbose', 'debug'],
  'replica-lazy-flush': ['no', 'yes'],
  'stop-writes-on-bgsave-error': ['yes', 'no'],
  'auto-aof-rewrite-percentage': ['100', '0', '-1'],
  'auto-aof-rewrite-min-size': ['64mb', '1gb', '0'],
  save: ['', '3600 1', '3600 1 300 100', '3600', 'x y', '86400 1000000'],
  'repl-backlog-size': ['1mb', '0', '16kb', '-1'],
  // min-replicas-to-write > 0 makes Redis refuse writes (no replicas); tierkv ignores it: not fuzzed above 0.
  'min-replicas-to-write': ['0', '-1'],
  'maxmemory-clients': ['0', '10%', '1gb', '101%', 'x'],
  'oom-score-adj-values': ['0 200 800', '0 0 0', '1 2', '-2001 0 0'],
  'acllog-max-len': ['128', '0', '-1'],
  'proto-max-bulk-len': ['512mb', '1mb', '1048575'],
  'shutdown-on-sigint': ['default', 'nosave now', 'now nosave force', 'save nosave', 'bogus', 'SAVE'],
  'latency-tracking-info-percentiles': ['50 99 99.9', '50 99.90 100', '101', '', 'x', '0.5'],
  'cluster-announce-hostname': ['', 'a-b.c', 'bad host', 'x_y'],
  'tls-auth-clients': ['yes', 'optional', 'no', 'maybe'],
  'cluster-node-timeout': ['15000', '-1', '0'],
  'replica-announce-port': ['0', '6379', '65536'],
  'slave-announce-ip': ['', '10.0.0.1'],
  'tls-port': ['0', '70000', 'x'],
  masterauth: ['', 'secret'],
  // Immutable and protected ones: the error texts must match.
  replicaof: ['no one'],
  'socket-mark-id': ['1'],
  databases: ['16', '1'],
  daemonize: ['no', 'yes'],
  dir: ['/tmp'],
  dbfilename: ['x.rdb'],
  'io-threads': ['4'],
  'cluster-enabled': ['yes'],
  // Unknown ones.
  'no-such-param': ['1'],
  '': [''],
};

function configCommand(g: G): Step {
  const r = g.r;
  const C = (): Buffer => rcase(r, 'CONFIG');
  // With a maxmemory, whether Redis shares a small integer (OBJECT REFCOUNT) depends on the policy in force when
  // it was written, tierkv's on the policy when asked: no policy changes in the tiered variant.
  // With large values, no maxmemory-clients (Redis disconnects clients by the size of their unsent replies, which
  // differs between the servers for the same history) and no client-query-buffer-limit (a 1mb limit closes, on
  // Redis, a connection that sends a larger argument; whether at all depends on how reads are cut), and no
  // proto-max-bulk-len (lowered to 1mb, a later large argument is a protocol error: both servers close with the rest
  // of the argument unread, the kernel resets the connection, and how many earlier replies the client still reads
  // depends on timing; malformed frames are tested by the raw steps).
  const LARGE_EXCLUDED = ['maxmemory-clients', 'client-query-buffer-limit', 'proto-max-bulk-len'];
  const names = Object.keys(CONFIG_SET_VALUES).filter((n) => (!g.tiered || n !== 'maxmemory-policy') && (!g.large || !LARGE_EXCLUDED.includes(n)));
  return r.weighted<() => Step>([
    [8, () => {
      const args = [C(), rcase(r, 'GET')];
      const n = r.int(1, 3);
      for (let i = 0; i < n; i++) {
        args.push(B(r.weighted<() => string>([
          [10, () => r.pick(names)],
          [5, () => r.pick(['*max*', 'maxmemory*', '*policy', 'hash-*', '*', 'save', 'bind', 'port', 'dir', 'lfu-*', '*-threads', 'client-*', 'slave*', 'replica*', 'tls-*', 'cluster-*'])],
          [2, () => r.pick(['MAXMEMORY', 'Hz', 'nosuch', '', '[a-c]*', '\\*', 'hash-max-ziplist-entries', 'slaveof', 'replicaof'])],
        ])()));
      }
      return one(args);
    }],
    [8, () => {
      const args = [C(), rcase(r, 'SET')];
      const n = r.chance(0.8) ? 1 : r.int(2, 3);
      for (let i = 0; i < n; i++) {
        // The first name walks the list from a seed-dependent start, so that a few dozen sequences set every
        // parameter whatever the other generators draw (uniform picks left some out); the others are random.
        const name = i === 0 ? names[g.configNext++ % names.length]! : r.pick(names);
        args.push(rcase(r, name), B(r.pick(CONFIG_SET_VALUES[name]!)));
      }
      if (r.chance(0.05)) args.pop();
      // Read back what was set (or not).
      return { cmds: [args, [C(), B('GET'), args[2] ?? B('hz')]] };
    }],
    [1, () => one([C(), rcase(r, 'RESETSTAT')])],
    [1, () => one([C(), rcase(r, 'REWRITE')])],
    [1, () => one([C(), rcase(r, 'HELP')])],
    [1, () => one([C()])],
    [1, () => one([C(), rcase(r, r.pick(['GET', 'SET'])), ...(r.chance(0.5) ? [B('hz')] : [])])],
  ])();
}

/** COMMAND and its subcommands. */
function commandCommand(g: G): Cmd {
  const r = g.r;
  const C = (): Buffer => rcase(r, 'COMMAND');
  const names = ['get', 'set', 'GET', 'mset', 'del', 'expire', 'getex', 'incrbyfloat', 'object', 'object|encoding',
    'client|list', 'client|kill', 'config|get', 'config|set', 'command|docs', 'memory|usage', 'scan', 'keys', 'hello',
    'ping', 'info', 'select', 'flushall', 'shutdown', 'nosuch', 'hset', 'client|nosuch', '', 'getrange', 'substr',
    'setrange', 'renamenx', 'touch', 'unlink', 'exists', 'auth', 'quit', 'time', 'dbsize', 'randomkey', 'ttl',
    'pexpiretime', 'persist', 'msetnx', 'psetex', 'strlen', 'append', 'getdel', 'getset', 'decrby', 'echo', 'type',
    'memory|stats', 'command|info', 'config|resetstat', 'client|setname', 'client|id', 'object|help'];
  const getkeysTargets: Cmd[] = [
    [B('get'), B('k')], [B('SET'), B('k'), B('v'), B('EX'), B('10')], [B('mset'), B('a'), B('1'), B('b'), B('2')],
    [B('mset'), B('a'), B('1'), B('b')], [B('del'), B('a'), B('b'), B('c')], [B('mget'), B('a')], [B('rename'), B('a'), B('b')],
    [B('ping')], [B('ping'), B('x')], [B('get')], [B('nosuch'), B('a')], [B('object'), B('encoding'), B('k')],
    [B('memory'), B('usage'), B('k')], [B('client'), B('list')], [B('config'), B('get'), B('x')], [B('object')],
    [B('expire'), B('k'), B('10'), B('NX')], [B('getex'), B('k')], [B('keys'), B('*')], [B('scan'), B('0')],
    [B('set'), B('k')], [B('exists'), B('a'), B('b')],
  ];
  return r.weighted<() => Cmd>([
    [2, () => [C(), rcase(r, 'COUNT')]],
    [8, () => [C(), rcase(r, 'INFO'), ...Array.from({ length: r.int(1, 3) }, () => B(r.pick(names)))]],
    [8, () => [C(), rcase(r, 'DOCS'), ...Array.from({ length: r.int(1, 3) }, () => B(r.pick(names)))]],
    [3, () => {
      const f = r.pick<() => Buffer[]>([
        () => [],
        () => [rcase(r, 'FILTERBY'), rcase(r, 'PATTERN'), B(r.pick(['get*', '*', 'client|*', '*expire*', 'x', 'c?i*']))],
        () => [rcase(r, 'FILTERBY'), rcase(r, 'ACLCAT'), B(r.pick(['string', 'keyspace', 'fast', 'admin', 'connection', 'read', 'write', 'foo', 'STRING']))],
        () => [rcase(r, 'FILTERBY'), rcase(r, 'MODULE'), B('foo')],
        () => [rcase(r, 'FILTERBY'), rcase(r, 'FOO'), B('x')],
        () => [rcase(r, 'FILTERBY')],
        () => [B('x')],
      ])();
      return [C(), rcase(r, 'LIST'), ...f];
    }],
    [8, () => [C(), rcase(r, 'GETKEYS'), ...r.pick(getkeysTargets)]],
    [1, () => [C(), rcase(r, 'GETKEYS')]],
    [1, () => [C(), rcase(r, 'HELP')]],
    [1, () => [C(), rcase(r, 'COUNT'), B('x')]],
  ])();
}

/** Applies one random argument mutation to a command (boundary value, dropped or extra argument, odd bytes). */
function mutate(g: G, cmd: Cmd): Cmd {
  const r = g.r;
  const out = cmd.slice();
  const name = out[0]!.toString('latin1').toUpperCase();
  if (name === 'SHUTDOWN' || name === 'QUIT') return out;
  const m = r.int(0, 3);
  if (m === 0 && out.length > 1) out[r.int(1, out.length - 1)] = B(r.pick(INT_EDGES));
  else if (m === 1 && out.length > 1) out[r.int(1, out.length - 1)] = B(r.pick(ODD_ARGS));
  else if (m === 2 && out.length > 1) out.pop();
  else out.push(B(r.chance(0.5) ? r.pick(INT_EDGES) : r.pick(NUMERIC_VALUES)));
  return out;
}

/** Size of an item header without TTL (allocator/item.ts) and the jumbo threshold (half the default 1 MiB slab page). */
const ITEM_HEADER = itemSize(0, 0, false);
export const JUMBO_THRESHOLD = 512 * 1024;
const KIB = 1024;
const MIB = 1024 * 1024;

/** Fill patterns of large values. */
const BIG_PATTERNS: readonly string[] = ['o', 'N', 'ab', 'xyz', '\x00', '\xff\xfe', 'big-value:', '0123456789abcdef', '\r\n'];

/**
 * Length of a large value for `k`: mostly across the jumbo threshold (within a few bytes of it, counting the item
 * header and the key, or 480–600 KiB), sometimes below it (64–480 KiB, sent by reference before the fix too when
 * jumbo), sometimes up to 3 MiB (1.2 MiB in the tiered variant, whose maxmemory counts unsent replies on Redis).
 */
function bigLen(g: G, k: Buffer): number {
  const r = g.r;
  return r.weighted<() => number>([
    [30, () => r.int(480 * KIB, 600 * KIB)],
    [20, () => JUMBO_THRESHOLD - ITEM_HEADER - k.length + r.int(-12, 12)],
    [10, () => r.int(600 * KIB, MIB)],
    [6, () => (g.tiered ? r.int(MIB, 1.2 * MIB) : r.int(MIB, 3 * MIB))],
    [6, () => r.int(64 * KIB, 480 * KIB)],
  ])();
}

/**
 * A large value of `len` bytes: a repeated pattern with 1 to 4 bytes changed at random offsets (cheap to make, and
 * two values of the same length still differ), shown compactly by {@link describeValue}.
 */
export function bigValue(g: G, len: number): Buffer {
  const r = g.r;
  const v = Buffer.alloc(len, B(r.pick(BIG_PATTERNS)));
  const n = r.int(1, 4);
  for (let i = 0; i < n && len > 0; i++) {
    const at = r.pick([0, len - 1, r.int(0, len - 1), r.int(0, len - 1)]);
    v[at] = r.int(0, 255);
  }
  return v;
}

/** A large value for `k`, remembered as its length for later same-size overwrites. */
function bigFor(g: G, k: Buffer, len = bigLen(g, k)): Buffer {
  g.bigLen.set(k.toString('hex'), len);
  return bigValue(g, len);
}

/** A new value of the length last written to `k` by this generator (else a new large length). */
function sameSize(g: G, k: Buffer): Buffer {
  return bigFor(g, k, g.bigLen.get(k.toString('hex')) ?? bigLen(g, k));
}

/** A key that holds a large value (most of the time: one the generator wrote a large value to), else any key. */
function bigKey(g: G): Buffer {
  const known = g.keys.filter((k) => g.bigLen.has(k.toString('hex')));
  return known.length > 0 && g.r.chance(0.85) ? g.r.pick(known) : key(g);
}

/** An offset into a value of about `len` bytes: its start, its end, around the jumbo threshold, anywhere. */
function offsetIn(g: G, len: number): number {
  const r = g.r;
  return r.weighted<() => number>([
    [3, () => 0],
    [3, () => Math.max(0, len - r.int(1, 16))],
    [2, () => len + r.int(0, 64)],
    [2, () => Math.max(0, JUMBO_THRESHOLD - r.int(0, 64))],
    [6, () => r.int(0, Math.max(0, len))],
  ])();
}

/** Bytes written in place by SETRANGE / APPEND: a few, a few KiB, or (rarely) a large block. */
function patch(g: G, len: number): Buffer {
  const r = g.r;
  return r.weighted<() => Buffer>([
    [10, () => r.bytes(r.int(1, 16))],
    [4, () => Buffer.alloc(r.int(1, 64 * KIB), B(r.pick(BIG_PATTERNS)))],
    [3, () => bigValue(g, Math.max(1, Math.min(len, MIB)))],
  ])();
}

/** A read of `k` whose reply carries (part of) its value. */
function bigRead(g: G, k: Buffer): Cmd {
  const r = g.r;
  const len = g.bigLen.get(k.toString('hex')) ?? JUMBO_THRESHOLD;
  return r.weighted<() => Cmd>([
    [12, () => [rcase(r, 'GET'), k]],
    [3, () => [rcase(r, 'GETRANGE'), k, B('0'), B('-1')]],
    [2, () => [rcase(r, 'GETRANGE'), k, B(String(offsetIn(g, len))), B(String(offsetIn(g, len)))]],
    [1, () => [rcase(r, 'SUBSTR'), k, B(String(r.int(0, 100))), B('-1')]],
    [2, () => [rcase(r, 'MGET'), k, key(g)]],
    [2, () => [rcase(r, 'GETEX'), k, ...r.pick([[], [B('EX'), B('1000')], [B('PERSIST')], [B('PX'), B('500000')]])]],
    [1, () => [rcase(r, 'STRLEN'), k]],
  ])();
}

/** A write to `k` that may change its value in place (or replace or delete it). */
function bigWrite(g: G, k: Buffer): Cmd {
  const r = g.r;
  const len = g.bigLen.get(k.toString('hex')) ?? JUMBO_THRESHOLD;
  return r.weighted<() => Cmd>([
    [8, () => [rcase(r, 'SETRANGE'), k, B(String(offsetIn(g, len))), patch(g, len)]],
    [3, () => [rcase(r, 'SETRANGE'), k, B('0'), sameSize(g, k)]],
    [8, () => [rcase(r, 'SET'), k, sameSize(g, k)]],
    [5, () => [rcase(r, 'SET'), k, sameSize(g, k), rcase(r, 'GET')]],
    [3, () => [rcase(r, 'GETSET'), k, sameSize(g, k)]],
    [5, () => [rcase(r, 'APPEND'), k, patch(g, 64 * KIB)]],
    [2, () => [rcase(r, 'SET'), k, bigFor(g, k)]],
    [2, () => [rcase(r, 'SET'), k, value(g.dctx)]],
    [2, () => [rcase(r, 'DEL'), k]],
    [2, () => [rcase(r, 'GETDEL'), k]],
    [1, () => [rcase(r, 'SET'), k, sameSize(g, k), rcase(r, 'XX'), rcase(r, 'GET')]],
    [1, () => [rcase(r, 'INCR'), k]],
  ])();
}

/**
 * Single-client steps on large values: written, then read and changed in place in the same pipeline (the reply of
 * the read must not see the later write), in MULTI … EXEC, across the jumbo threshold by APPEND and SETRANGE.
 */
const largeStep: Gen = (g) => {
  const r = g.r;
  const k = bigKey(g);
  return r.weighted<() => Step>([
    [6, () => ({ cmds: [[rcase(r, 'SET'), k, bigFor(g, k)], ...(r.chance(0.5) ? [bigRead(g, k)] : [])] })],
    [10, () => ({ cmds: [bigRead(g, k), bigWrite(g, k), ...(r.chance(0.4) ? [bigRead(g, k)] : [])] })],
    [5, () => ({ cmds: [[rcase(r, 'SET'), k, sameSize(g, k), rcase(r, 'GET')], ...(r.chance(0.5) ? [bigRead(g, k)] : [])] })],
    [3, () => ({ cmds: [[rcase(r, 'GETSET'), k, sameSize(g, k)]] })],
    [6, () => {
      // Row 2 of issue 11: MULTI; GET; an in-place write; EXEC.
      const inside: Cmd[] = [bigRead(g, k), bigWrite(g, k)];
      if (r.chance(0.5)) inside.push(bigRead(g, k));
      if (r.chance(0.3)) inside.push(bigWrite(g, k), bigRead(g, k));
      return { cmds: [[rcase(r, 'MULTI')], ...inside, [rcase(r, 'EXEC')]] };
    }],
    [3, () => {
      // From below the threshold to above it (and back), in place.
      const below = JUMBO_THRESHOLD - ITEM_HEADER - k.length - r.int(1, 2048);
      const grow: Cmd = r.chance(0.5)
        ? [rcase(r, 'APPEND'), k, Buffer.alloc(r.int(1, 4096), B(r.pick(BIG_PATTERNS)))]
        : [rcase(r, 'SETRANGE'), k, B(String(below + r.int(0, 4096))), r.bytes(r.int(1, 8))];
      return { cmds: [[rcase(r, 'SET'), k, bigFor(g, k, below)], bigRead(g, k), grow, bigRead(g, k), ...(r.chance(0.3) ? [[rcase(r, 'SET'), k, value(g.dctx)], bigRead(g, k)] : [])] };
    }],
    [2, () => {
      // A freed large item's memory taken by another key's value of the same size, after a read of the first.
      const k2 = key(g);
      return { cmds: [bigRead(g, k), [rcase(r, r.pick(['DEL', 'UNLINK', 'GETDEL'])), k], [rcase(r, 'SET'), k2, sameSize(g, k)], bigRead(g, k2)] };
    }],
    [2, () => ({ cmds: [bigRead(g, k), [rcase(r, 'RENAME'), k, key(g)], bigRead(g, k)] })],
  ])();
};

/**
 * Several clients on one large key with unread pipelines (issue 11 row 3): client 1 pipelines reads of the key and
 * does not read the replies; client 2 (or 3) then changes the key in place, replaces or deletes it, sometimes with
 * unread reads of its own; client 1 may read again and another client write again; all replies are read at the
 * end. A client's unread replies stay below the 64 MiB at which tierkv stops reading from a client (at most 6
 * reads of at most two values, of at most 3 MiB plus a 1 MiB SETRANGE beyond the end and a few appends; a few MiB
 * in all most of the time).
 */
const clientsStep: Gen = (g) => {
  const r = g.r;
  const k = bigKey(g);
  const cmds: Cmd[] = [];
  if (!g.bigLen.has(k.toString('hex')) || r.chance(0.3)) cmds.push([rcase(r, 'SET'), k, bigFor(g, k)]);
  const reads = (n: number): Cmd[] => {
    const out: Cmd[] = [];
    for (let i = 0; i < n; i++) {
      if (r.chance(0.12)) out.push([rcase(r, 'MULTI')], bigRead(g, k), ...(r.chance(0.5) ? [bigWrite(g, k)] : []), [rcase(r, 'EXEC')]);
      else if (r.chance(0.08)) out.push([rcase(r, 'SET'), k, sameSize(g, k), rcase(r, 'GET')]);
      else out.push(bigRead(g, k));
    }
    return out;
  };
  const writes = (): Cmd[] => Array.from({ length: r.int(1, 3) }, () => bigWrite(g, k));
  const phases: Phase[] = [{ client: 1, cmds: reads(r.int(1, 4)), unread: true }];
  phases.push({ client: 2, cmds: writes(), ...(r.chance(0.25) ? { unread: true } : {}) });
  if (r.chance(0.4)) {
    phases.push({ client: r.pick([1, 3]), cmds: reads(r.int(1, 2)), unread: true });
    phases.push({ client: r.pick([2, 3]), cmds: writes() });
  }
  if (r.chance(0.3)) phases.push({ client: r.pick([1, 2, 3]), cmds: reads(1) });
  return { cmds, clients: phases, flush: true };
};

/** Generators added by GenOptions.large. */
const LARGE_GENERATORS: readonly (readonly [number, string, Gen])[] = [
  [10, 'large', largeStep],
  [6, 'clients', clientsStep],
];

/** Longest run of a value shown by {@link describeValue} before it is summarized. */
const SHOW_MAX = 120;

/**
 * A large buffer described in a line: its length, its fill pattern with the offsets (and bytes) where it differs
 * from it (at most 6), and a hash; a short one as quoted bytes. For reports of large values.
 */
export function describeValue(b: Buffer): string {
  if (b.length <= SHOW_MAX) return `"${esc(b)}"`;
  let best: { period: number; diffs: number[] } | null = null;
  for (let period = 1; period <= 16; period++) {
    // The pattern is taken from the middle, where the few changed bytes are unlikely.
    const at = Math.floor(b.length / 2) - (Math.floor(b.length / 2) % period);
    const diffs: number[] = [];
    for (let i = 0; i < b.length && diffs.length <= 6; i++) if (b[i] !== b[at + (i % period)]) diffs.push(i);
    if (best === null || diffs.length < best.diffs.length) best = { period, diffs };
    if (diffs.length === 0) break;
  }
  const hash = createHash('sha1').update(b).digest('hex').slice(0, 12);
  if (best === null || best.diffs.length > 6) return `<${b.length} bytes "${esc(b.subarray(0, 24))}"…"${esc(b.subarray(b.length - 24))}" sha1 ${hash}>`;
  const at = Math.floor(b.length / 2) - (Math.floor(b.length / 2) % best.period);
  const pat = b.subarray(at, at + best.period);
  const d = best.diffs.map((i) => `@${i}="${esc(b.subarray(i, i + 1))}"`).join(' ');
  return `<${b.length} bytes of "${esc(pat)}"*${d !== '' ? ` except ${d}` : ''} sha1 ${hash}>`;
}

/**
 * A reply described in a line: a bulk string (RESP2 `$`, RESP3 `$` or `=`) as its header and its payload by
 * {@link describeValue}, anything else by describeValue as a whole.
 */
export function describeReply(b: Buffer): string {
  if (b.length > SHOW_MAX && (b[0] === 0x24 || b[0] === 0x3d)) {
    const le = b.indexOf('\r\n');
    const len = Number(b.toString('latin1', 1, le));
    if (le > 0 && Number.isSafeInteger(len) && le + 2 + len + 2 === b.length) {
      return `${b.toString('latin1', 0, le)} ${describeValue(b.subarray(le + 2, le + 2 + len))}`;
    }
  }
  return describeValue(b);
}

function esc(b: Buffer): string {
  let s = '';
  for (const c of b) {
    if (c === 0x0d) s += '\\r';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x5c || c === 0x22) s += `\\${String.fromCharCode(c)}`;
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/**
 * Where two replies differ, in a line: both lengths and the first differing offset with a few bytes around it (for
 * reports of large replies; describe each with {@link describeReply}).
 */
export function describeDifference(a: Buffer, b: Buffer, names: [string, string] = ['tierkv', 'redis']): string {
  let i = 0;
  const n = Math.min(a.length, b.length);
  while (i < n && a[i] === b[i]) i++;
  const from = Math.max(0, i - 8);
  return (
    `${names[0]} ${a.length} bytes, ${names[1]} ${b.length} bytes, first difference at offset ${i}: ` +
    `${names[0]} "${esc(a.subarray(from, i + 16))}" vs ${names[1]} "${esc(b.subarray(from, i + 16))}"`
  );
}

/**
 * The sequence of `seed`: `steps` steps over a pool of 6 keys (drawn from the differential test's master pool of
 * plain, binary, empty, UTF-8 and long keys), with pipelines ended at random points.
 */
export function generate(seed: number, options: GenOptions = {}): Sequence {
  const r = new Rng(seed);
  const base = options.baseTimeMs ?? Date.now();
  const keys = r.shuffle(MASTER_KEYS).slice(0, 6);
  const large = options.large ?? false;
  const g: G = { r, dctx: { rng: r, keys, baseTimeMs: base }, keys, base, tiered: options.drops ?? true, password: options.password ?? '', large, bigLen: new Map(),
    // Consecutive seeds start the CONFIG SET walk far apart (golden-ratio steps): a few seeds set every parameter.
    configNext: Math.floor(((seed * 0.6180339887498949) % 1) * 1e6) };
  const n = options.steps ?? 200;
  const drops = options.drops ?? true;
  const gens = GENERATORS.concat(large ? LARGE_GENERATORS : []).map(([w, name, gen]) => [w, [name, gen] as const] as const);
  // Pipelines: mostly short, sometimes one command at a time, sometimes long.
  const meanBatch = r.pick([1, 3, 8, 20]);
  const steps: Step[] = [];
  while (steps.length < n) {
    let step: Step;
    // Rare: each MIGRATE_PREPARE waits (up to 3 s) for the RSS to fall.
    if (drops && r.chance(0.005)) step = { cmds: [], drop: true };
    else {
      const [name, gen] = r.weighted(gens);
      step = gen(g);
      if (name !== 'strings' && name !== 'short-expiry' && name !== 'fresh' && name !== 'transactions' && name !== 'large' && name !== 'clients' && name !== 'pubsub' && name !== 'diagnostics' && step.cmds.length > 0 && step.raw === undefined && r.chance(0.06)) {
        const i = step.cmds.length - 1;
        step.cmds[i] = mutate(g, step.cmds[i]!);
      }
    }
    if (r.chance(1 / meanBatch)) step.flush = true;
    steps.push(step);
  }
  return { seed, steps };
}

/** Upper-case name of a command (`GET`), or `CLIENT|LIST` for a container command with a subcommand. */
export function commandName(cmd: Cmd): string {
  const name = (cmd[0] ?? Buffer.alloc(0)).toString('latin1').toUpperCase();
  if (cmd.length >= 2 && ['CLIENT', 'CONFIG', 'MEMORY', 'OBJECT', 'COMMAND', 'PUBSUB', 'SLOWLOG', 'LATENCY', 'ACL'].includes(name)) {
    return `${name}|${cmd[1]!.toString('latin1').toUpperCase()}`;
  }
  return name;
}
