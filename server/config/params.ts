/**
 * The configuration parameter table of tierkv, declared once: names, aliases, types, defaults, mutability,
 * bounds, flags and one-line docs. Everything else is derived from it: the typed `Config` fields (their names and
 * types, {@link ConfigValues}; no other list of fields exists), CONFIG GET / CONFIG SET (config.ts), the
 * config-file and command-line loader, the generated `--help` (loader.ts) and the README's table of tierkv's own
 * parameters (readme-table.ts, `npm run docs:config`).
 *
 * Three groups of parameters:
 * - Redis parameters that tierkv implements (same name, type, bounds and error texts as Redis 7.0.15, a few
 *   defaults chosen for tierkv: `bind` 127.0.0.1, `databases` 1, `protected-mode` no, `save` "");
 * - tierkv's own (`hot-ratio`, `arena-extent-size`, ...), flagged `own`;
 * - Redis parameters that mean nothing in tierkv but that tools, redis.conf files and client test suites set:
 *   flag `noop`, they are accepted, validated like Redis and echoed back by CONFIG GET, with no effect.
 *
 * Type model, after Redis config.c (its standardConfig table and typed setters): int (Redis `string2ll` syntax),
 * memory (`memtoull` syntax, optionally a percent), octal, bool (yes/no), enum (case-insensitive), string, float
 * (tierkv only), list (`bind`) and a few special ones with their own syntax (`save`, `notify-keyspace-events`,
 * `client-output-buffer-limit`, `oom-score-adj-values`, `dir`). Error texts are Redis's, checked against
 * redis-server 7.0.15.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import {
  asciiLower,
  formatMemory,
  parseFloatStrict,
  parseInt64,
  parseMemoryBig,
  parseStrtoll,
  parseYesNo,
} from './units.js';

/** Kind of a parameter's value, as listed by `--help` and used by tests. */
export type ParamType = 'int' | 'memory' | 'octal' | 'bool' | 'enum' | 'string' | 'float' | 'list' | 'special';

/** The typed value a parameter exposes on its `Config` field (and passes to change hooks). */
export type FastValue = number | string | boolean | readonly string[] | readonly number[];

/** Result of parsing a value: the new value or a Redis error text (without "ERR ..." prefix). */
export type ParseResult<V> = { readonly ok: true; readonly value: V } | { readonly ok: false; readonly error: string };

/** What a parser may need to know besides the arguments. */
export interface ParseContext {
  /**
   * True while loading the config file and command line (Redis's `reading_config_file`), false for CONFIG SET.
   */
  readonly loading: boolean;
  /** True when the same parameter was already set earlier in the same load (makes `save` lines accumulate). */
  readonly seenDuringLoad: boolean;
}

/**
 * One configuration parameter. `V` is the internal value type (bigint for integers, so bounds are exact), `T` the
 * type of its `Config` field ({@link fast}) and `F` the field's name (null for no-op parameters): the typed
 * `Config` fields are derived from these ({@link ConfigValues}).
 */
export interface ParamDef<V = unknown, T extends FastValue = FastValue, F extends string | null = string | null> {
  /** Canonical name, lower case (`maxmemory-policy`). */
  readonly name: string;
  /** Other accepted names (Redis keeps old names such as `hash-max-ziplist-entries` as aliases). */
  readonly aliases: readonly string[];
  readonly type: ParamType;
  /** Default value exactly as CONFIG GET prints it (memory as plain bytes: `536870912`). */
  readonly default: string;
  /** Can CONFIG SET change it at run time? Immutable ones are only set by the config file / command line. */
  readonly mutable: boolean;
  /** CONFIG SET always refuses it with "can't set protected config" (Redis's default for `dir`, `dbfilename`). */
  readonly protected: boolean;
  /** Its value must not appear in logs, SLOWLOG or MONITOR (Redis SENSITIVE_CONFIG, e.g. `requirepass`). */
  readonly sensitive: boolean;
  /** Accepted and echoed back, no effect in tierkv. */
  readonly noop: boolean;
  /** tierkv's own parameter (not Redis's): its own `--help` group and the README's generated table. */
  readonly own: boolean;
  /**
   * Takes several words (`save 900 1`, `bind a b`): CONFIG SET splits its value on single spaces, a config line
   * passes all its arguments (Redis MULTI_ARG_CONFIG).
   */
  readonly multiArg: boolean;
  /** One-line description (shown by `--help`). */
  readonly doc: string;
  /** Longer description for the README's table of tierkv's own parameters (default: `doc`). */
  readonly readme?: string;
  /** Allowed values of an enum. */
  readonly values?: readonly string[];
  /** Lower / upper bound of an int, memory or float parameter (display only; the parser enforces them). */
  readonly min?: bigint | number;
  readonly max?: bigint | number;
  /** camelCase name of the typed field on `Config` (null for noop parameters, which have none). */
  readonly field: F;
  /** Parses the arguments of a config line / a CONFIG SET value (already split for multi-word parameters). */
  parse(args: readonly string[], prev: V, ctx: ParseContext): ParseResult<V>;
  /** The CONFIG GET text of a value. */
  format(value: V): string;
  /** The value of the typed `Config` field. */
  fast(value: V): T;
  /** Initial value when it is not a constant (`dir`: the working directory); defaults to parsing `default`. */
  initial?(): V;
}

/** Converts `maxmemory-policy` to `maxmemoryPolicy` (the `Config` field naming rule). */
export function camelCase<N extends string>(name: N): CamelCase<N> {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) as CamelCase<N>;
}

/** {@link camelCase} at the type level: `'maxmemory-policy'` -> `'maxmemoryPolicy'`. */
export type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

/** The `Config` field name of parameter `N`: none (null) for a no-op one. */
type FieldOf<N extends string, Noop extends boolean> = Noop extends true ? null : CamelCase<N>;

const ok = <V>(value: V): ParseResult<V> => ({ ok: true, value });
const fail = <V>(error: string): ParseResult<V> => ({ ok: false, error });

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const UINT_MAX = 2n ** 32n - 1n;
const LONG_MAX = 2n ** 63n - 1n;
const LLONG_MAX = LONG_MAX;
const ULLONG_MAX = 2n ** 64n - 1n;

interface Common {
  aliases?: readonly string[];
  mutable?: boolean;
  protected?: boolean;
  sensitive?: boolean;
  noop?: boolean;
  /** tierkv's own parameter (see {@link ParamDef.own}). */
  own?: boolean;
  doc: string;
  readme?: string;
}

function base<N extends string, Noop extends boolean>(
  name: N,
  c: Common & { noop?: Noop },
  type: ParamType,
  def: string,
  multiArg = false,
) {
  return {
    name,
    aliases: c.aliases ?? [],
    type,
    default: def,
    mutable: c.mutable ?? true,
    protected: c.protected ?? false,
    sensitive: c.sensitive ?? false,
    noop: c.noop ?? false,
    own: c.own ?? false,
    multiArg,
    doc: c.doc,
    ...(c.readme === undefined ? {} : { readme: c.readme }),
    field: (c.noop ? null : camelCase(name)) as FieldOf<N, Noop>,
  };
}

function single<V>(args: readonly string[], f: (s: string) => ParseResult<V>): ParseResult<V> {
  // Non-multi-word parameters always get exactly one argument (the loader checks the count first).
  return f(args[0] ?? '');
}

function rangeError(min: bigint, max: bigint, octal = false): string {
  return octal
    ? `argument must be between ${min.toString(8)} and ${max.toString(8)} inclusive`
    : `argument must be between ${min} and ${max} inclusive`;
}

interface IntOpts extends Common {
  default: bigint;
  min: bigint;
  max: bigint;
  /** Extra check after the bounds (returns an error text or null). */
  check?: (v: bigint) => string | null;
  /** Adjusts an accepted value (Redis clamps `hz`). */
  normalize?: (v: bigint) => bigint;
}

/** A Redis integer parameter (config.c numeric config without MEMORY/PERCENT/OCTAL flags). */
function intParam<N extends string, Noop extends boolean = false>(name: N, o: IntOpts & { noop?: Noop }): ParamDef<bigint, number, FieldOf<N, Noop>> {
  return {
    ...base(name, o, 'int', String(o.normalize ? o.normalize(o.default) : o.default)),
    min: o.min,
    max: o.max,
    parse: (args) =>
      single(args, (s) => {
        const v = parseInt64(s);
        if (v === null) return fail("argument couldn't be parsed into an integer");
        if (v < o.min || v > o.max) return fail(rangeError(o.min, o.max));
        const e = o.check?.(v);
        if (e) return fail(e);
        return ok(o.normalize ? o.normalize(v) : v);
      }),
    format: (v) => String(v),
    fast: (v) => Number(v),
  };
}

interface MemOpts extends IntOpts {
  /** Also accepts `N%` (0..-min), stored negative, as Redis PERCENT_CONFIG (`maxmemory-clients`). */
  percent?: boolean;
}

/** A Redis memory parameter (MEMORY_CONFIG): `memtoull` syntax, CONFIG GET prints plain bytes. */
function memParam<N extends string, Noop extends boolean = false>(name: N, o: MemOpts & { noop?: Noop }): ParamDef<bigint, number, FieldOf<N, Noop>> {
  return {
    ...base(name, o, 'memory', String(o.default)),
    min: o.min,
    max: o.max,
    parse: (args) =>
      single(args, (s) => {
        let v = parseMemoryBig(s);
        // A percent parameter is a signed C type in Redis (ssize_t): 2^63 and above wrap to negative values,
        // which then read as percentages.
        if (v !== null && o.percent) v = BigInt.asIntN(64, v);
        if (v === null && o.percent && s.length > 1 && s.endsWith('%')) {
          const p = parseInt64(s.slice(0, -1));
          if (p !== null && p >= 0n) v = -p;
        }
        if (v === null) return fail(o.percent ? 'argument must be a memory or percent value' : 'argument must be a memory value');
        if (o.percent && v < 0n) {
          if (v < o.min) return fail(`percentage argument must be less or equal to ${-o.min}`);
        } else if (v < o.min || v > o.max) {
          return fail(rangeError(o.min, o.max));
        }
        const e = o.check?.(v);
        if (e) return fail(e);
        return ok(o.normalize ? o.normalize(v) : v);
      }),
    format: (v) => (o.percent && v < 0n ? `${-v}%` : String(v)),
    fast: (v) => Number(v),
  };
}

/** A Redis octal parameter (OCTAL_CONFIG, `unixsocketperm`): C strtoll base 8, printed in octal. */
function octalParam<N extends string, Noop extends boolean = false>(name: N, o: IntOpts & { noop?: Noop }): ParamDef<bigint, number, FieldOf<N, Noop>> {
  return {
    ...base(name, o, 'octal', o.default.toString(8)),
    min: o.min,
    max: o.max,
    parse: (args) =>
      single(args, (s) => {
        const v = parseStrtoll(s, 8);
        if (v === null) return fail("argument couldn't be parsed as an octal number");
        // Redis compares as unsigned: a negative value is huge, so out of range.
        if (v < o.min || v > o.max) return fail(rangeError(o.min, o.max, true));
        return ok(v);
      }),
    format: (v) => v.toString(8),
    fast: (v) => Number(v),
  };
}

interface BoolOpts extends Common {
  default: boolean;
  /** When set, `yes` is refused with this text (tierkv does not daemonize, has no cluster mode). */
  refuseYes?: string;
}

/** A Redis yes/no parameter. */
function boolParam<N extends string, Noop extends boolean = false>(name: N, o: BoolOpts & { noop?: Noop }): ParamDef<boolean, boolean, FieldOf<N, Noop>> {
  return {
    ...base(name, o, 'bool', o.default ? 'yes' : 'no'),
    values: ['yes', 'no'],
    parse: (args) =>
      single(args, (s) => {
        const v = parseYesNo(s);
        if (v === null) return fail("argument must be 'yes' or 'no'");
        if (v && o.refuseYes) return fail(o.refuseYes);
        return ok(v);
      }),
    format: (v) => (v ? 'yes' : 'no'),
    fast: (v) => v,
  };
}

interface EnumOpts<E extends string> extends Common {
  values: readonly E[];
  default: NoInfer<E>;
  /** Redis prints some aliases by the first name of the same value (`oom-score-adj relative` reads `yes`). */
  canonical?: Readonly<Record<string, string>>;
}

/**
 * A Redis enum parameter: case-insensitive input, printed in lower case. Error text of Redis 7.0.15:
 * "argument(s) must be one of the following: a, b, c".
 */
function enumParam<N extends string, const E extends string, Noop extends boolean = false>(
  name: N,
  o: EnumOpts<E> & { noop?: Noop },
): ParamDef<E, E, FieldOf<N, Noop>> {
  return {
    ...base(name, o, 'enum', o.default),
    values: o.values,
    parse: (args) =>
      single(args, (s) => {
        const l = asciiLower(s);
        if (!(o.values as readonly string[]).includes(l)) return fail(`argument(s) must be one of the following: ${o.values.join(', ')}`);
        return ok((o.canonical?.[l] ?? l) as E);
      }),
    format: (v) => v,
    fast: (v) => v,
  };
}

interface StringOpts extends Common {
  default: string;
  check?: (v: string) => string | null;
}

/** A Redis string parameter. */
function stringParam<N extends string, Noop extends boolean = false>(name: N, o: StringOpts & { noop?: Noop }): ParamDef<string, string, FieldOf<N, Noop>> {
  return {
    ...base(name, o, 'string', o.default),
    parse: (args) =>
      single(args, (s) => {
        const e = o.check?.(s);
        return e ? fail(e) : ok(s);
      }),
    format: (v) => v,
    fast: (v) => v,
  };
}

interface FloatOpts extends Common {
  default: number;
  min: number;
  max: number;
  minExclusive?: boolean;
}

/** A tierkv float parameter (Redis 7.0 has none; wording modelled on its numeric errors). */
function floatParam<N extends string, Noop extends boolean = false>(name: N, o: FloatOpts & { noop?: Noop }): ParamDef<number, number, FieldOf<N, Noop>> {
  const lo = o.minExclusive ? `greater than ${o.min}` : `at least ${o.min}`;
  return {
    ...base(name, o, 'float', String(o.default)),
    min: o.min,
    max: o.max,
    parse: (args) =>
      single(args, (s) => {
        const v = parseFloatStrict(s);
        if (v === null) return fail("argument couldn't be parsed into a number");
        if ((o.minExclusive ? v <= o.min : v < o.min) || v > o.max) return fail(`argument must be ${lo} and at most ${o.max}`);
        return ok(v);
      }),
    format: (v) => String(v),
    fast: (v) => v,
  };
}

/** The value of `http-port` that stands for "auto" (`port` + 1000), in the parsed value and in `Config.httpPort`. */
export const HTTP_PORT_AUTO = -1;

/** The offset of the automatic HTTP port from the RESP `port` (6379 -> 7379). */
export const HTTP_PORT_AUTO_OFFSET = 1000;

/**
 * `http-port` (tierkv's own): `auto` (case-insensitive; stored as {@link HTTP_PORT_AUTO}) or an integer 0..65535
 * with Redis's integer syntax and range error. `auto` is printed as `auto` until the server resolves it at start
 * (see TierkvServer.listen, which records the port in use with Config.resolve).
 */
function httpPortParam(o: Common & { noop?: false }): ParamDef<bigint, number, 'httpPort'> {
  return {
    ...base('http-port', o, 'special', 'auto'),
    min: 0n,
    max: 65535n,
    parse: (args) =>
      single(args, (s) => {
        if (asciiLower(s) === 'auto') return ok(BigInt(HTTP_PORT_AUTO));
        const v = parseInt64(s);
        if (v === null) return fail("argument couldn't be parsed into an integer (or 'auto')");
        if (v < 0n || v > 65535n) return fail(rangeError(0n, 65535n));
        return ok(v);
      }),
    format: (v) => (v === BigInt(HTTP_PORT_AUTO) ? 'auto' : String(v)),
    fast: (v) => Number(v),
  };
}

/** Redis util.c pathIsBaseName(): no `/` nor `\`. */
function isBaseName(s: string): boolean {
  return !s.includes('/') && !s.includes('\\');
}

// ---------------------------------------------------------------------------------------------------------------
// Special parameters (own syntax), after Redis config.c's special setters.

/** `save`: pairs "seconds changes"; "" clears; lines of a config file accumulate (Redis setConfigSaveOption). */
function saveParam(o: Common & { default: string; noop: true }): ParamDef<readonly (readonly [bigint, bigint])[], string, null> {
  const parse = (args: readonly string[], prev: readonly (readonly [bigint, bigint])[], ctx: ParseContext) => {
    let a = args;
    if (a.length === 1 && a[0] === '') a = [];
    if (a.length % 2) return fail<readonly (readonly [bigint, bigint])[]>('Invalid save parameters');
    const pairs: (readonly [bigint, bigint])[] = [];
    for (let j = 0; j < a.length; j += 2) {
      const secs = parseStrtoll(a[j]!);
      const changes = parseStrtoll(a[j + 1]!);
      if (secs === null || changes === null || secs < 1n || changes < 0n) {
        return fail<readonly (readonly [bigint, bigint])[]>('Invalid save parameters');
      }
      pairs.push([secs, BigInt.asIntN(32, changes)]); // Redis keeps changes in an int
    }
    // While loading, the first save line replaces the default and later ones append (Redis save_loaded).
    return ok(ctx.loading && ctx.seenDuringLoad ? [...prev, ...pairs] : pairs);
  };
  return {
    ...base('save', o, 'special', o.default, true),
    parse,
    format: (v) => v.map(([s, c]) => `${s} ${c}`).join(' '),
    fast: (v) => v.map(([s, c]) => `${s} ${c}`).join(' '),
  };
}

/** Keyspace event classes of Redis notify.c, in the order Redis prints them. */
const NOTIFY_CLASSES: readonly (readonly [string, number])[] = [
  ['g', 1 << 2],
  ['$', 1 << 3],
  ['l', 1 << 4],
  ['s', 1 << 5],
  ['h', 1 << 6],
  ['z', 1 << 7],
  ['x', 1 << 8],
  ['e', 1 << 9],
  ['t', 1 << 10],
  ['d', 1 << 13],
  ['n', 1 << 14],
];
const NOTIFY_KEYSPACE = 1 << 0;
const NOTIFY_KEYEVENT = 1 << 1;
const NOTIFY_KEY_MISS = 1 << 11;
/** `A`: g$lshzxetd (not m, not n), as in Redis notify.c. */
const NOTIFY_ALL = NOTIFY_CLASSES.filter(([c]) => c !== 'n').reduce((a, [, f]) => a | f, 0);

/** Parses a notify-keyspace-events class string to flags (-1 on an unknown character), after Redis notify.c. */
export function keyspaceEventsToFlags(s: string): number {
  let flags = 0;
  for (const ch of s) {
    if (ch === 'A') flags |= NOTIFY_ALL;
    else if (ch === 'K') flags |= NOTIFY_KEYSPACE;
    else if (ch === 'E') flags |= NOTIFY_KEYEVENT;
    else if (ch === 'm') flags |= NOTIFY_KEY_MISS;
    else {
      const c = NOTIFY_CLASSES.find(([n]) => n === ch);
      if (!c) return -1;
      flags |= c[1];
    }
  }
  return flags;
}

/** Prints keyspace-event flags the way Redis does (`KEA` reads back as `AKE`, `Em$` as `$Em`). */
export function keyspaceEventsToString(flags: number): string {
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    out += 'A';
    // Redis prints only A for the classes it covers; n is not part of A and would be lost, as in Redis.
  } else {
    for (const [c, f] of NOTIFY_CLASSES) if (flags & f) out += c;
  }
  if (flags & NOTIFY_KEYSPACE) out += 'K';
  if (flags & NOTIFY_KEYEVENT) out += 'E';
  if (flags & NOTIFY_KEY_MISS) out += 'm';
  return out;
}

/** `notify-keyspace-events`: the class letters, kept as Redis keeps them, as flags (the Config field is the flags). */
function notifyKeyspaceEventsParam(o: Common & { noop?: false }): ParamDef<number, number, 'notifyKeyspaceEvents'> {
  return {
    ...base('notify-keyspace-events', o, 'special', ''),
    parse: (args) =>
      single(args, (s) => {
        const f = keyspaceEventsToFlags(s);
        return f < 0 ? fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.") : ok(f);
      }),
    format: keyspaceEventsToString,
    fast: (v) => v,
  };
}

type ObufLimits = readonly (readonly [bigint, bigint, bigint])[]; // normal, replica, pubsub: hard, soft, seconds
const OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const;

/** `client-output-buffer-limit <class> <hard> <soft> <seconds> ...` (Redis updateClientOutputBufferLimit). */
function clientOutputBufferLimitParam(o: Common & { noop?: false }): ParamDef<ObufLimits, readonly number[], 'clientOutputBufferLimit'> {
  const def: ObufLimits = [
    [0n, 0n, 0n],
    [256n * 1024n * 1024n, 64n * 1024n * 1024n, 60n],
    [32n * 1024n * 1024n, 8n * 1024n * 1024n, 60n],
  ];
  const format = (v: ObufLimits) => v.map((l, i) => `${OBUF_CLASSES[i]} ${l[0]} ${l[1]} ${l[2]}`).join(' ');
  return {
    ...base('client-output-buffer-limit', o, 'special', format(def), true),
    initial: () => def,
    parse: (args, prev) => {
      if (args.length % 4) return fail('Wrong number of arguments in buffer limit configuration.');
      const next = prev.map((l) => l);
      for (let j = 0; j < args.length; j += 4) {
        const cls = asciiLower(args[j]!);
        const idx = cls === 'normal' ? 0 : cls === 'slave' || cls === 'replica' ? 1 : cls === 'pubsub' ? 2 : -1;
        if (idx < 0) return fail('Invalid client class specified in buffer limit configuration.');
        const hard = parseMemoryBig(args[j + 1]!);
        const soft = parseMemoryBig(args[j + 2]!);
        const secs = parseStrtoll(args[j + 3]!);
        if (hard === null || soft === null || secs === null || secs < 0n) {
          return fail('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
        }
        next[idx] = [hard, soft, secs];
      }
      return ok(next);
    },
    format,
    // The Config field: [hard bytes, soft bytes, soft seconds] of normal, replica, pubsub (indexes 0, 3, 6).
    fast: (v) => v.flatMap((l) => l.map(Number)),
  };
}

/** `oom-score-adj-values <master> <replica> <bgchild>` (Redis setConfigOOMScoreAdjValuesOption). */
function oomScoreAdjValuesParam(o: Common & { noop: true }): ParamDef<readonly bigint[], string, null> {
  return {
    ...base('oom-score-adj-values', o, 'special', '0 200 800', true),
    parse: (args) => {
      if (args.length !== 3) return fail('wrong number of arguments');
      const vals: bigint[] = [];
      for (const a of args) {
        const v = parseStrtoll(a);
        if (v === null || v < -2000n || v > 2000n) {
          return fail('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
        }
        vals.push(v);
      }
      return ok(vals);
    },
    format: (v) => v.join(' '),
    fast: (v) => v.join(' '),
  };
}

/** A Redis long long parameter: like an int parameter (the same syntax and errors), wider bounds. */
function longLongParam<N extends string, Noop extends boolean = false>(name: N, o: IntOpts & { noop?: Noop }): ParamDef<bigint, number, FieldOf<N, Noop>> {
  return intParam(name, o);
}

/** `replicaof` / `slaveof`: "" (no master). tierkv does not replicate: any other value is refused. */
function replicaofParam(o: Common & { noop: true }): ParamDef<string, string, null> {
  return {
    ...base('replicaof', o, 'special', '', true),
    parse: (args) => {
      if (args.length === 0 || (args.length === 1 && args[0] === '')) return ok('');
      if (args.length === 2 && asciiLower(args[0]!) === 'no' && asciiLower(args[1]!) === 'one') return ok('');
      return fail('tierkv does not replicate (only "no one" is accepted)');
    },
    format: (v) => v,
    fast: (v) => v,
  };
}

/** Flags of `shutdown-on-sigint` / `shutdown-on-sigterm`, in Redis's enum order (server.h SHUTDOWN_*). */
const SHUTDOWN_FLAGS: readonly (readonly [string, number])[] = [['default', 0], ['save', 1], ['nosave', 2], ['now', 4], ['force', 8]];

/**
 * A Redis flags enum (several words combine, Redis config.c enumConfigSet with MULTI_ARG_CONFIG): printed as the
 * exact name of the value, else the names of its bits in enum order.
 */
function flagsEnumParam<N extends string>(name: N, o: Common & { noop: true }): ParamDef<number, number, null> {
  const names = SHUTDOWN_FLAGS.map(([n]) => n).join(', ');
  return {
    ...base(name, o, 'special', 'default', true),
    values: SHUTDOWN_FLAGS.map(([n]) => n),
    parse: (args) => {
      let v = 0;
      for (const a of args) {
        const f = SHUTDOWN_FLAGS.find(([n]) => n === asciiLower(a));
        if (f === undefined) return fail(`argument(s) must be one of the following: ${names}`);
        v |= f[1];
      }
      if ((v & 3) === 3) return fail("shutdown options SAVE and NOSAVE can't be used simultaneously");
      return ok(v);
    },
    format: (v) => {
      const exact = SHUTDOWN_FLAGS.find(([, f]) => f === v);
      if (exact !== undefined) return exact[0];
      return SHUTDOWN_FLAGS.filter(([, f]) => f !== 0 && (v & f) === f).map(([n]) => n).join(' ');
    },
    fast: (v) => v,
  };
}

/** A double as Redis's "%f" with trailing zeros (and a trailing dot) trimmed (util.c trimDoubleString). */
function trimmedFixed(d: number): string {
  let t = d.toFixed(6);
  if (t.includes('.')) t = t.replace(/0+$/, '').replace(/\.$/, '');
  return t;
}

/** `latency-tracking-info-percentiles`: doubles in 0..100 separated by spaces, "" for none. */
function percentilesParam(o: Common & { noop: true }): ParamDef<readonly number[], string, null> {
  return {
    ...base('latency-tracking-info-percentiles', o, 'special', '50 99 99.9', true),
    parse: (args) => {
      if (args.length === 0 || (args.length === 1 && args[0] === '')) return ok([]);
      const out: number[] = [];
      for (const a of args) {
        const v = parseFloatStrict(a);
        if (v === null) return fail('Invalid latency-tracking-info-percentiles parameters');
        if (v < 0 || v > 100) return fail('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
        out.push(v);
      }
      return ok(out);
    },
    format: (v) => v.map(trimmedFixed).join(' '),
    fast: (v) => v.map(trimmedFixed).join(' '),
  };
}

/** Redis isValidAnnouncedHostname (cluster-announce-hostname): letters, digits, '-' and '.', under 256 bytes. */
function hostnameError(v: string): string | null {
  if (v.length >= 256) return 'Hostnames must be less than 256 characters';
  return /^[A-Za-z0-9.-]*$/.test(v) ? null : 'Hostnames may only contain alphanumeric characters, hyphens or dots';
}

/** Variables Redis's proc-title-template knows (server.c redisProcTitleGetVariable). */
const PROC_TITLE_VARS: Readonly<Record<string, string>> = {
  title: '',
  'listen-addr': '*:6379',
  'server-mode': '',
  port: '6379',
  'tls-port': '0',
  unixsocket: '',
  'config-file': '',
};

/**
 * Redis's proc-title-template check (server.c validateProcTitleTemplate over sds.c sdstemplate): `{{` is a
 * literal brace, `{name}` must be a known variable, an unclosed `{` is invalid, and the expansion (with an empty
 * title, server mode, socket and config file) must not be blank once trimmed.
 */
function procTitleTemplateError(t: string): string | null {
  const bad = 'template format is invalid or contains unknown variables';
  let out = '';
  let p = 0;
  while (p < t.length) {
    const sv = t.indexOf('{', p);
    if (sv < 0) {
      out += t.slice(p);
      break;
    }
    out += t.slice(p, sv);
    if (sv + 1 >= t.length) return bad;
    if (t[sv + 1] === '{') {
      out += '{';
      p = sv + 2;
      continue;
    }
    const ev = t.indexOf('}', sv + 1);
    if (ev < 0) return bad;
    const name = t.slice(sv + 1, ev);
    if (!Object.hasOwn(PROC_TITLE_VARS, name)) return bad;
    out += PROC_TITLE_VARS[name];
    p = ev + 1;
  }
  return out.trim() === '' ? bad : null;
}

/** Text of a failed chdir() for the errno codes that matter (Redis reports strerror(errno)). */
function dirError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'ENOTDIR') return 'Not a directory';
  if (code === 'EACCES') return 'Permission denied';
  return e instanceof Error ? e.message : String(e);
}

/**
 * `dir`: the working directory. Redis chdir()s into it and CONFIG GET prints getcwd(); tierkv stores the
 * absolute path after checking that it is a directory, and leaves the chdir, if any, to the server.
 */
function dirParam(o: Common & { noop?: false }): ParamDef<string, string, 'dir'> {
  return {
    ...base('dir', o, 'special', '(working directory)'),
    initial: () => process.cwd(),
    parse: (args) =>
      single(args, (s) => {
        const abs = path.resolve(s);
        try {
          if (!statSync(abs).isDirectory()) return fail('Not a directory');
        } catch (e) {
          return fail(dirError(e));
        }
        return ok(abs);
      }),
    format: (v) => v,
    fast: (v) => v,
  };
}

/** `bind`: up to 16 addresses; one empty argument means none (Redis setConfigBindOption). */
function bindParam(o: Common & { default: readonly string[]; noop?: false }): ParamDef<readonly string[], readonly string[], 'bind'> {
  return {
    ...base('bind', o, 'list', o.default.join(' '), true),
    initial: () => o.default,
    parse: (args) => {
      if (args.length > 16) return fail('Too many bind addresses specified.');
      return ok(args.length === 1 && args[0] === '' ? [] : [...args]);
    },
    format: (v) => v.join(' '),
    fast: (v) => v,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Value sets.

/** maxmemory-policy values in Redis's order (its error text lists them in this order). */
export const MAXMEMORY_POLICIES = [
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'noeviction',
] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];

/** loglevel values; `nothing` is Redis 7.2's, accepted by tierkv too (Redis 7.0.15 lists only the first four). */
export const LOGLEVELS = ['debug', 'verbose', 'notice', 'warning', 'nothing'] as const;
export type Loglevel = (typeof LOGLEVELS)[number];

/** enable-migrate-command values, modelled on Redis's enable-debug-command (`local`: loopback/unix clients). */
export const MIGRATE_COMMAND_MODES = ['no', 'yes', 'local'] as const;
export type MigrateCommandMode = (typeof MIGRATE_COMMAND_MODES)[number];

const MB = 1024n * 1024n;
const isPow2 = (v: bigint) => v > 0n && (v & (v - 1n)) === 0n;

// ---------------------------------------------------------------------------------------------------------------
// The table.

/**
 * Every parameter, in `--help` order: Redis parameters used by tierkv, tierkv's own, then no-op ones. The single
 * declaration of each parameter: its element types carry each field's name and type ({@link ConfigValues}).
 */
const DECLS = [
  // --- Redis parameters tierkv implements -----------------------------------------------------------------------
  intParam('port', { default: 6379n, min: 0n, max: 65535n, mutable: false, doc: 'TCP port to listen on (0: any free port, logged at startup)' }),
  bindParam({ default: ['127.0.0.1'], mutable: false, doc: 'addresses to listen on, space separated (up to 16)' }),
  stringParam('unixsocket', { default: '', mutable: false, doc: 'path of a Unix socket to listen on too ("" for none)' }),
  octalParam('unixsocketperm', { default: 0n, min: 0n, max: 0o777n, mutable: false, doc: 'permissions of the Unix socket, octal (0: umask default)' }),
  memParam('maxmemory', { default: 0n, min: 0n, max: ULLONG_MAX, doc: 'memory limit for data in bytes (0: none); eviction follows maxmemory-policy' }),
  enumParam('maxmemory-policy', { values: MAXMEMORY_POLICIES, default: 'noeviction', doc: 'what to do when maxmemory is reached' }),
  intParam('maxmemory-samples', { default: 5n, min: 1n, max: INT_MAX, doc: 'keys sampled per eviction round' }),
  stringParam('requirepass', { default: '', sensitive: true, doc: 'password clients must AUTH with ("" for none)' }),
  intParam('maxclients', { default: 10000n, min: 1n, max: UINT_MAX, doc: 'maximum number of connected clients' }),
  memParam('proto-max-bulk-len', { default: 512n * MB, min: MB, max: LONG_MAX, doc: 'largest bulk string a client may send, bytes' }),
  memParam('client-query-buffer-limit', { default: 1024n * MB, min: MB, max: LONG_MAX, doc: 'largest query buffer of one client, bytes' }),
  intParam('hz', {
    default: 10n,
    min: 0n,
    max: INT_MAX,
    normalize: (v) => (v < 1n ? 1n : v > 500n ? 500n : v),
    doc: 'background task frequency per second (clamped to 1..500 as Redis does)',
  }),
  intParam('timeout', { default: 0n, min: 0n, max: INT_MAX, doc: 'close idle clients after this many seconds (0: never)' }),
  intParam('tcp-keepalive', { default: 300n, min: 0n, max: INT_MAX, doc: 'TCP keepalive interval in seconds (0: off)' }),
  intParam('tcp-backlog', { default: 511n, min: 0n, max: INT_MAX, mutable: false, doc: 'listen() backlog' }),
  intParam('databases', { default: 1n, min: 1n, max: INT_MAX, mutable: false, doc: 'number of databases; tierkv serves only database 0 whatever this says' }),
  enumParam('loglevel', { values: LOGLEVELS, default: 'notice', doc: 'log verbosity' }),
  stringParam('logfile', { default: '', mutable: false, doc: 'log file path ("" for standard output)' }),
  // tierkv's default is 1, not Redis's 10: counters restart from 0 every tier-counter-reset-ms, so they must tell
  // 2 accesses from 20 within one period (factor 1: 100 hits -> 18, 1000 -> 49; factor 10 needs 100 hits for 10).
  intParam('lfu-log-factor', { default: 1n, min: 0n, max: INT_MAX, doc: 'LFU counter logarithm factor (tierkv default 1; Redis 10)' }),
  intParam('lfu-decay-time', { default: 1n, min: 0n, max: INT_MAX, doc: 'accepted, no effect: tierkv does not halve counters over time, they restart every tier-counter-reset-ms instead' }),
  intParam('active-expire-effort', { default: 1n, min: 1n, max: 10n, doc: 'effort of the active expire cycle, 1..10' }),
  boolParam('lazyfree-lazy-user-flush', { default: false, doc: 'accepted, no effect: FLUSHALL/FLUSHDB take O(extents) whether SYNC or ASYNC' }),
  boolParam('protected-mode', { default: false, doc: 'accepted, no effect: tierkv never refuses clients by it (restrict access with bind, default 127.0.0.1, and requirepass)' }),
  boolParam('daemonize', {
    default: false,
    mutable: false,
    refuseYes: "tierkv does not daemonize: run it in the foreground under a supervisor (only 'no' is accepted)",
    doc: "accepted for compatibility; only 'no'",
  }),
  dirParam({ protected: true, doc: 'accepted (must be a directory), no effect: tierkv neither changes directory nor writes files there; CONFIG SET refuses it, as Redis does by default' }),
  stringParam('pidfile', { default: '', mutable: false, doc: 'accepted, no effect: tierkv writes no pid file' }),

  // --- tierkv's own (`own`: their own `--help` group; `readme`: the README table, `npm run docs:config`) ------
  floatParam('hot-ratio', {
    default: 0.3,
    min: 0,
    max: 1,
    minExclusive: true,
    own: true,
    doc: 'share of the memory budget kept in the hot tier, 0 < x <= 1',
    readme: 'share of `maxmemory` for the hot tier, the rest is the cold tier (with `maxmemory 0` there is no tiering)',
  }),
  intParam('tier-counter-reset-ms', {
    default: 60000n,
    min: 1n,
    max: INT_MAX,
    own: true,
    doc: 'period of the access-counter reset that drives tiering, ms',
    readme: 'access counters read as 0 after each such period (O(1) epoch reset)',
  }),
  intParam('tier-work-budget-us', {
    default: 100n,
    min: 1n,
    max: 1000000n,
    own: true,
    doc: 'time budget of one tiering work slice, microseconds',
    readme: 'time budget of tier work per command',
  }),
  memParam('arena-extent-size', {
    default: 32n * MB,
    min: 32n * MB,
    max: 1024n * MB,
    mutable: false,
    own: true,
    doc: 'size of one arena extent (SharedArrayBuffer), bytes, 32mb..1gb, a multiple of slab-page-size',
    readme: 'size of one extent (≥ 32 MiB so that freeing it returns pages to the OS)',
  }),
  memParam('slab-page-size', {
    default: MB,
    min: 64n * 1024n,
    max: 32n * MB,
    mutable: false,
    check: (v) => (isPow2(v) ? null : 'argument must be a power of two'),
    own: true,
    doc: 'slab page size, bytes, a power of two in 64kb..32mb',
    readme: 'slab page size (extents are cut into pages, pages into chunks of one size class)',
  }),
  // 1.125, not memcached's 1.25: with a 16-byte item header, finer classes waste less (a 4-byte key with a
  // 100-byte value is a 120-byte item: a 120-byte chunk here, a 136-byte one with 1.25).
  floatParam('slab-growth-factor', {
    default: 1.125,
    min: 1.01,
    max: 4,
    mutable: false,
    own: true,
    doc: 'ratio between consecutive slab chunk sizes, 1.01..4',
    readme: "ratio between consecutive slab classes (memcached's `-f`, whose default is 1.25)",
  }),
  intParam('slab-chunk-min', {
    default: 32n,
    min: 32n,
    max: 65536n,
    mutable: false,
    check: (v) => (v % 8n === 0n ? null : 'argument must be a multiple of 8'),
    own: true,
    doc: 'smallest slab chunk, bytes, a multiple of 8 in 32..65536',
    readme: 'smallest chunk, bytes',
  }),
  enumParam('enable-migrate-command', {
    values: MIGRATE_COMMAND_MODES,
    default: 'local',
    mutable: false,
    own: true,
    doc: 'allow the MIGRATE_* commands (local: loopback and Unix-socket clients only)',
    readme: 'who may run MIGRATE_PREPARE: `no`, `yes`, `local` (loopback/Unix socket only)',
  }),
  intParam('migrate-prepare-timeout-ms', {
    default: 600000n,
    min: 1n,
    max: INT_MAX,
    own: true,
    doc: 'how long a MIGRATE_PREPARE stays in force without completion, ms',
    readme: 'how long the migration mode after `MIGRATE_PREPARE` lasts without `MIGRATE_DONE`/`MIGRATE_ABORT`',
  }),
  boolParam('migrate-zero-freed', {
    default: true,
    own: true,
    doc: 'MIGRATE_PREPARE overwrites the dropped memory with zeros (in a worker thread) before giving it back, so that a migration sends it as zero pages',
    readme:
      '`MIGRATE_PREPARE` zeroes the memory it drops (in a worker thread) before giving it back, so that a ' +
      'migration sends it as zero pages',
  }),
  httpPortParam({
    mutable: false,
    own: true,
    doc:
      'port of the HTTP endpoint (/metrics, /healthz, key API): auto = port + 1000 (off with port 0, or when that ' +
      'port is busy: a warning, RESP still starts), N = that port (failing to bind it is fatal), 0 = disabled; ' +
      'CONFIG GET shows the port in use (0: none)',
    readme:
      'HTTP port for `/metrics`, `/healthz` and the key API, bound like `bind`: `auto` = `port` + 1000 (7379; none ' +
      'with `port 0`, and only a warning if it is busy), `N` = that port (fatal if busy), `0` disables; `CONFIG GET` ' +
      'shows the port in use',
  }),

  // --- Redis parameters with no effect in tierkv (accepted, validated and echoed back) -------------------------
  saveParam({ default: '', noop: true, doc: 'RDB snapshot points "seconds changes ..." (tierkv does not persist)' }),
  boolParam('appendonly', { default: false, noop: true, doc: 'AOF persistence (tierkv does not persist)' }),
  enumParam('appendfsync', { values: ['everysec', 'always', 'no'], default: 'everysec', noop: true, doc: 'AOF fsync policy' }),
  stringParam('appendfilename', {
    default: 'appendonly.aof',
    mutable: false,
    noop: true,
    check: (v) => (v === '' ? "appendfilename can't be empty" : isBaseName(v) ? null : "appendfilename can't be a path, just a filename"),
    doc: 'AOF file base name',
  }),
  stringParam('appenddirname', {
    default: 'appendonlydir',
    mutable: false,
    noop: true,
    check: (v) => (v === '' ? "appenddirname can't be empty" : isBaseName(v) ? null : "appenddirname can't be a path, just a dirname"),
    doc: 'AOF directory name',
  }),
  stringParam('dbfilename', {
    default: 'dump.rdb',
    protected: true,
    noop: true,
    check: (v) => (isBaseName(v) ? null : "dbfilename can't be a path, just a filename"),
    doc: 'RDB file name',
  }),
  boolParam('stop-writes-on-bgsave-error', { default: true, noop: true, doc: 'refuse writes after a failed BGSAVE' }),
  boolParam('rdbcompression', { default: true, noop: true, doc: 'compress RDB strings' }),
  boolParam('rdbchecksum', { default: true, mutable: false, noop: true, doc: 'checksum RDB files' }),
  boolParam('rdb-del-sync-files', { default: false, noop: true, doc: 'delete RDB files used for replication' }),
  boolParam('rdb-save-incremental-fsync', { default: true, noop: true, doc: 'fsync RDB files incrementally' }),
  boolParam('no-appendfsync-on-rewrite', { default: false, noop: true, doc: 'skip AOF fsync during rewrites' }),
  intParam('auto-aof-rewrite-percentage', { default: 100n, min: 0n, max: INT_MAX, noop: true, doc: 'AOF growth that triggers a rewrite, percent' }),
  memParam('auto-aof-rewrite-min-size', { default: 64n * MB, min: 0n, max: LLONG_MAX, noop: true, doc: 'smallest AOF that is rewritten' }),
  boolParam('aof-load-truncated', { default: true, noop: true, doc: 'load a truncated AOF' }),
  boolParam('aof-use-rdb-preamble', { default: true, noop: true, doc: 'RDB preamble in rewritten AOFs' }),
  boolParam('aof-timestamp-enabled', { default: false, noop: true, doc: 'timestamps in the AOF' }),
  boolParam('aof-rewrite-incremental-fsync', { default: true, noop: true, doc: 'fsync AOF rewrites incrementally' }),
  intParam('hash-max-listpack-entries', { aliases: ['hash-max-ziplist-entries'], default: 512n, min: 0n, max: LONG_MAX, doc: 'hashes with more fields use the hashtable encoding' }),
  memParam('hash-max-listpack-value', { aliases: ['hash-max-ziplist-value'], default: 64n, min: 0n, max: LONG_MAX, doc: 'hashes with a longer field or value (bytes) use the hashtable encoding' }),
  intParam('list-max-listpack-size', { aliases: ['list-max-ziplist-size'], default: -2n, min: INT_MIN, max: INT_MAX, doc: 'list node size: negative -1..-5 = at most 4kb..64kb per node, positive N = at most N elements (and 8kb)' }),
  intParam('list-compress-depth', { default: 0n, min: 0n, max: INT_MAX, noop: true, doc: 'uncompressed list nodes at each end' }),
  intParam('set-max-intset-entries', { default: 512n, min: 0n, max: LONG_MAX, doc: 'integer sets with more members use the hashtable encoding' }),
  intParam('zset-max-listpack-entries', { aliases: ['zset-max-ziplist-entries'], default: 128n, min: 0n, max: LONG_MAX, doc: 'sorted sets with more members use the skiplist encoding' }),
  memParam('zset-max-listpack-value', { aliases: ['zset-max-ziplist-value'], default: 64n, min: 0n, max: LONG_MAX, doc: 'sorted sets with a longer member (bytes) use the skiplist encoding' }),
  memParam('hll-sparse-max-bytes', { default: 3000n, min: 0n, max: LONG_MAX, noop: true, doc: 'HyperLogLog sparse encoding limit' }),
  memParam('stream-node-max-bytes', { default: 4096n, min: 0n, max: LONG_MAX, noop: true, doc: 'stream node size limit, bytes' }),
  intParam('stream-node-max-entries', { default: 100n, min: 0n, max: LLONG_MAX, noop: true, doc: 'stream node size limit, entries' }),
  boolParam('activerehashing', { default: true, noop: true, doc: 'incremental rehashing in the background' }),
  boolParam('activedefrag', { default: false, noop: true, doc: 'active defragmentation' }),
  memParam('active-defrag-ignore-bytes', { default: 100n * MB, min: 1n, max: LLONG_MAX, noop: true, doc: 'defrag threshold, wasted bytes' }),
  intParam('active-defrag-threshold-lower', { default: 10n, min: 0n, max: 1000n, noop: true, doc: 'defrag threshold, fragmentation percent' }),
  intParam('active-defrag-threshold-upper', { default: 100n, min: 0n, max: 1000n, noop: true, doc: 'maximum defrag effort at this fragmentation percent' }),
  intParam('active-defrag-cycle-min', { default: 1n, min: 1n, max: 99n, noop: true, doc: 'minimum defrag CPU percent' }),
  intParam('active-defrag-cycle-max', { default: 25n, min: 1n, max: 99n, noop: true, doc: 'maximum defrag CPU percent' }),
  intParam('active-defrag-max-scan-fields', { default: 1000n, min: 1n, max: LONG_MAX, noop: true, doc: 'fields scanned per defrag step' }),
  boolParam('lazyfree-lazy-eviction', { default: false, noop: true, doc: 'free evicted values in the background' }),
  boolParam('lazyfree-lazy-expire', { default: false, noop: true, doc: 'free expired values in the background' }),
  boolParam('lazyfree-lazy-server-del', { default: false, noop: true, doc: 'free overwritten values in the background' }),
  boolParam('lazyfree-lazy-user-del', { default: false, noop: true, doc: 'DEL behaves like UNLINK' }),
  boolParam('replica-lazy-flush', { aliases: ['slave-lazy-flush'], default: false, noop: true, doc: 'replicas flush in the background' }),
  boolParam('replica-serve-stale-data', { aliases: ['slave-serve-stale-data'], default: true, noop: true, doc: 'replicas answer while out of sync' }),
  boolParam('replica-read-only', { aliases: ['slave-read-only'], default: true, noop: true, doc: 'replicas refuse writes' }),
  boolParam('replica-ignore-maxmemory', { aliases: ['slave-ignore-maxmemory'], default: true, noop: true, doc: 'replicas ignore maxmemory' }),
  intParam('replica-priority', { aliases: ['slave-priority'], default: 100n, min: 0n, max: INT_MAX, noop: true, doc: 'replica promotion priority' }),
  boolParam('repl-diskless-sync', { default: true, noop: true, doc: 'diskless replication' }),
  intParam('repl-diskless-sync-delay', { default: 5n, min: 0n, max: INT_MAX, noop: true, doc: 'diskless sync delay, seconds' }),
  intParam('repl-diskless-sync-max-replicas', { default: 0n, min: 0n, max: INT_MAX, noop: true, doc: 'replicas that start a diskless sync at once' }),
  enumParam('repl-diskless-load', { values: ['disabled', 'on-empty-db', 'swapdb'], default: 'disabled', noop: true, doc: 'diskless load on replicas' }),
  boolParam('repl-disable-tcp-nodelay', { default: false, noop: true, doc: 'disable TCP_NODELAY on replication links' }),
  memParam('repl-backlog-size', {
    default: MB,
    min: 1n,
    max: LLONG_MAX,
    normalize: (v) => (v < 16384n ? 16384n : v), // Redis raises it to CONFIG_REPL_BACKLOG_MIN_SIZE
    noop: true,
    doc: 'replication backlog size',
  }),
  intParam('repl-backlog-ttl', { default: 3600n, min: 0n, max: LONG_MAX, noop: true, doc: 'replication backlog lifetime, seconds' }),
  intParam('repl-timeout', { default: 60n, min: 1n, max: INT_MAX, noop: true, doc: 'replication timeout, seconds' }),
  intParam('repl-ping-replica-period', { aliases: ['repl-ping-slave-period'], default: 10n, min: 1n, max: INT_MAX, noop: true, doc: 'replica ping period, seconds' }),
  intParam('min-replicas-to-write', { aliases: ['min-slaves-to-write'], default: 0n, min: 0n, max: INT_MAX, noop: true, doc: 'replicas needed to accept writes' }),
  intParam('min-replicas-max-lag', { aliases: ['min-slaves-max-lag'], default: 10n, min: 0n, max: INT_MAX, noop: true, doc: 'lag allowed for those replicas, seconds' }),
  clientOutputBufferLimitParam({ doc: 'output buffer limits "class hard soft seconds ...": a normal (or, with subscriptions, pubsub) client past hard, or past soft for longer than seconds, is disconnected (replica: accepted)' }),
  memParam('maxmemory-clients', { default: 0n, min: -100n, max: LONG_MAX, percent: true, noop: true, doc: 'memory limit of all clients, bytes or percent of maxmemory' }),
  intParam('maxmemory-eviction-tenacity', { default: 10n, min: 0n, max: 100n, noop: true, doc: 'eviction effort per command, 0..100' }),
  intParam('slowlog-log-slower-than', { default: 10000n, min: -1n, max: LLONG_MAX, doc: 'SLOWLOG: commands taking at least this many microseconds are logged (-1: off, 0: every command)' }),
  intParam('slowlog-max-len', { default: 128n, min: 0n, max: LONG_MAX, doc: 'SLOWLOG: entries kept (the oldest are dropped)' }),
  intParam('latency-monitor-threshold', { default: 0n, min: 0n, max: LLONG_MAX, doc: 'LATENCY: events taking at least this many ms are recorded (0: off); see server/core/latency-monitor.ts' }),
  boolParam('latency-tracking', { default: true, noop: true, doc: 'per-command latency tracking' }),
  notifyKeyspaceEventsParam({ doc: 'keyspace notification classes (letters of Ag$lshzxeKEtmdn; server/pubsub/notify.ts)' }),
  intParam('busy-reply-threshold', { aliases: ['lua-time-limit'], default: 5000n, min: 0n, max: LONG_MAX, noop: true, doc: 'script time before BUSY replies, ms' }),
  intParam('tracking-table-max-keys', { default: 1000000n, min: 0n, max: LONG_MAX, noop: true, doc: 'client-side caching table size' }),
  intParam('acllog-max-len', { default: 128n, min: 0n, max: LONG_MAX, noop: true, doc: 'ACL LOG length' }),
  stringParam('aclfile', { default: '', mutable: false, noop: true, doc: 'ACL file' }),
  enumParam('acl-pubsub-default', { values: ['allchannels', 'resetchannels'], default: 'resetchannels', noop: true, doc: 'default pub/sub permissions of new users' }),
  intParam('io-threads', { default: 1n, min: 1n, max: 128n, mutable: false, noop: true, doc: 'I/O threads' }),
  boolParam('io-threads-do-reads', { default: false, mutable: false, noop: true, doc: 'I/O threads also read' }),
  boolParam('dynamic-hz', { default: true, noop: true, doc: 'raise hz with the number of clients' }),
  boolParam('jemalloc-bg-thread', { default: true, noop: true, doc: 'jemalloc background purging' }),
  boolParam('crash-log-enabled', { default: true, noop: true, doc: 'crash log' }),
  boolParam('crash-memcheck-enabled', { default: true, noop: true, doc: 'memory check on crash' }),
  intParam('shutdown-timeout', { default: 10n, min: 0n, max: INT_MAX, noop: true, doc: 'wait for replicas on shutdown, seconds' }),
  enumParam('supervised', { values: ['upstart', 'systemd', 'auto', 'no'], default: 'no', mutable: false, noop: true, doc: 'supervision interaction' }),
  boolParam('always-show-logo', { default: false, mutable: false, noop: true, doc: 'ASCII logo at startup' }),
  boolParam('set-proc-title', { default: true, mutable: false, noop: true, doc: 'change the process title' }),
  stringParam('proc-title-template', {
    default: '{title} {listen-addr} {server-mode}',
    noop: true,
    check: procTitleTemplateError,
    doc: 'process title template',
  }),
  boolParam('syslog-enabled', { default: false, mutable: false, noop: true, doc: 'log to syslog' }),
  stringParam('syslog-ident', { default: 'redis', mutable: false, noop: true, doc: 'syslog identity' }),
  enumParam('syslog-facility', {
    values: ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'],
    default: 'local0',
    mutable: false,
    noop: true,
    doc: 'syslog facility',
  }),
  boolParam('disable-thp', { default: true, mutable: false, noop: true, doc: 'disable transparent huge pages for the process' }),
  enumParam('oom-score-adj', {
    values: ['no', 'yes', 'relative', 'absolute'],
    canonical: { relative: 'yes' },
    default: 'no',
    noop: true,
    doc: 'manage the OOM score',
  }),
  oomScoreAdjValuesParam({ noop: true, doc: 'OOM scores of master, replica and background child' }),
  enumParam('enable-debug-command', { values: ['no', 'yes', 'local'], default: 'no', mutable: false, noop: true, doc: 'allow DEBUG' }),
  enumParam('enable-module-command', { values: ['no', 'yes', 'local'], default: 'no', mutable: false, noop: true, doc: 'allow MODULE' }),
  enumParam('enable-protected-configs', { values: ['no', 'yes', 'local'], default: 'no', mutable: false, noop: true, doc: 'allow CONFIG SET of protected configs (tierkv: never)' }),
  enumParam('sanitize-dump-payload', { values: ['no', 'yes', 'clients'], default: 'no', noop: true, doc: 'RESTORE payload checks' }),
  boolParam('cluster-enabled', {
    default: false,
    mutable: false,
    noop: true,
    refuseYes: "tierkv has no cluster mode (only 'no' is accepted)",
    doc: "accepted for compatibility; only 'no'",
  }),
  stringParam('ignore-warnings', { default: '', noop: true, doc: 'startup warnings to silence' }),
  // Replication, cluster, TLS and CPU-affinity parameters of Redis 7.0 (tierkv has none of these features).
  replicaofParam({ aliases: ['slaveof'], mutable: false, noop: true, doc: 'replicate from "host port" (tierkv: never)' }),
  stringParam('masterauth', { default: '', sensitive: true, noop: true, doc: 'password for the master' }),
  stringParam('masteruser', { default: '', noop: true, doc: 'user name for the master' }),
  stringParam('replica-announce-ip', { aliases: ['slave-announce-ip'], default: '', noop: true, doc: 'address a replica announces' }),
  intParam('replica-announce-port', { aliases: ['slave-announce-port'], default: 0n, min: 0n, max: 65535n, noop: true, doc: 'port a replica announces' }),
  boolParam('replica-announced', { default: true, noop: true, doc: 'replica listed by Sentinel' }),
  boolParam('replica-ignore-disk-write-errors', { default: false, noop: true, doc: 'replica goes on after a disk write error' }),
  enumParam('propagation-error-behavior', { values: ['ignore', 'panic', 'panic-on-replicas'], default: 'ignore', noop: true, doc: 'reaction to errors in replicated commands' }),
  stringParam('bind-source-addr', { default: '', noop: true, doc: 'source address of outgoing connections' }),
  boolParam('aof-disable-auto-gc', { default: false, noop: true, doc: 'keep old AOF files' }),
  flagsEnumParam('shutdown-on-sigint', { noop: true, doc: 'shutdown flags on SIGINT: default, save, nosave, now, force' }),
  flagsEnumParam('shutdown-on-sigterm', { noop: true, doc: 'shutdown flags on SIGTERM: default, save, nosave, now, force' }),
  percentilesParam({ noop: true, doc: 'percentiles INFO latencystats reports' }),
  intParam('socket-mark-id', { default: 0n, min: 0n, max: UINT_MAX, mutable: false, noop: true, doc: 'SO_MARK of listening sockets' }),
  stringParam('server_cpulist', { default: '', mutable: false, noop: true, doc: 'CPU affinity of the main thread' }),
  stringParam('bio_cpulist', { default: '', mutable: false, noop: true, doc: 'CPU affinity of background threads' }),
  stringParam('aof_rewrite_cpulist', { default: '', mutable: false, noop: true, doc: 'CPU affinity of AOF rewrites' }),
  stringParam('bgsave_cpulist', { default: '', mutable: false, noop: true, doc: 'CPU affinity of BGSAVE' }),
  stringParam('cluster-config-file', { default: 'nodes.conf', mutable: false, noop: true, doc: 'cluster state file' }),
  intParam('cluster-port', { default: 0n, min: 0n, max: 65535n, mutable: false, noop: true, doc: 'cluster bus port' }),
  intParam('cluster-announce-port', { default: 0n, min: 0n, max: 65535n, noop: true, doc: 'cluster port to announce' }),
  intParam('cluster-announce-bus-port', { default: 0n, min: 0n, max: 65535n, noop: true, doc: 'cluster bus port to announce' }),
  intParam('cluster-announce-tls-port', { default: 0n, min: 0n, max: 65535n, noop: true, doc: 'cluster TLS port to announce' }),
  stringParam('cluster-announce-ip', { default: '', noop: true, doc: 'cluster address to announce' }),
  stringParam('cluster-announce-hostname', { default: '', noop: true, check: hostnameError, doc: 'cluster hostname to announce' }),
  enumParam('cluster-preferred-endpoint-type', { values: ['ip', 'hostname', 'unknown-endpoint'], default: 'ip', noop: true, doc: 'endpoint type shown to clients' }),
  intParam('cluster-migration-barrier', { default: 1n, min: 0n, max: INT_MAX, noop: true, doc: 'replicas a master keeps before one migrates' }),
  longLongParam('cluster-node-timeout', { default: 15000n, min: 0n, max: LLONG_MAX, noop: true, doc: 'cluster node timeout, ms' }),
  intParam('cluster-replica-validity-factor', { aliases: ['cluster-slave-validity-factor'], default: 10n, min: 0n, max: INT_MAX, noop: true, doc: 'replica data age factor for failover' }),
  boolParam('cluster-replica-no-failover', { aliases: ['cluster-slave-no-failover'], default: false, noop: true, doc: 'replica never fails over' }),
  boolParam('cluster-require-full-coverage', { default: true, noop: true, doc: 'refuse queries while slots are uncovered' }),
  boolParam('cluster-allow-reads-when-down', { default: false, noop: true, doc: 'serve reads while the cluster is down' }),
  boolParam('cluster-allow-pubsubshard-when-down', { default: true, noop: true, doc: 'serve sharded pub/sub while the cluster is down' }),
  boolParam('cluster-allow-replica-migration', { default: true, noop: true, doc: 'replicas may migrate to orphaned masters' }),
  memParam('cluster-link-sendbuf-limit', { default: 0n, min: 0n, max: LONG_MAX, noop: true, doc: 'cluster link send buffer limit' }),
  intParam('tls-port', { default: 0n, min: 0n, max: 65535n, noop: true, doc: 'TLS port (tierkv: no TLS)' }),
  stringParam('tls-cert-file', { default: '', noop: true, doc: 'TLS certificate' }),
  stringParam('tls-key-file', { default: '', noop: true, doc: 'TLS private key' }),
  stringParam('tls-key-file-pass', { default: '', sensitive: true, noop: true, doc: 'TLS private key passphrase' }),
  stringParam('tls-client-cert-file', { default: '', noop: true, doc: 'TLS client certificate' }),
  stringParam('tls-client-key-file', { default: '', noop: true, doc: 'TLS client private key' }),
  stringParam('tls-client-key-file-pass', { default: '', sensitive: true, noop: true, doc: 'TLS client private key passphrase' }),
  stringParam('tls-dh-params-file', { default: '', noop: true, doc: 'TLS DH parameters' }),
  stringParam('tls-ca-cert-file', { default: '', noop: true, doc: 'TLS CA certificate' }),
  stringParam('tls-ca-cert-dir', { default: '', noop: true, doc: 'TLS CA certificate directory' }),
  stringParam('tls-protocols', { default: '', noop: true, doc: 'TLS protocol versions' }),
  stringParam('tls-ciphers', { default: '', noop: true, doc: 'TLS 1.2 ciphers' }),
  stringParam('tls-ciphersuites', { default: '', noop: true, doc: 'TLS 1.3 cipher suites' }),
  enumParam('tls-auth-clients', { values: ['no', 'yes', 'optional'], default: 'yes', noop: true, doc: 'TLS client authentication' }),
  boolParam('tls-replication', { default: false, noop: true, doc: 'TLS for replication links' }),
  boolParam('tls-cluster', { default: false, noop: true, doc: 'TLS for the cluster bus' }),
  boolParam('tls-prefer-server-ciphers', { default: false, noop: true, doc: 'prefer the server cipher order' }),
  boolParam('tls-session-caching', { default: true, noop: true, doc: 'TLS session caching' }),
  intParam('tls-session-cache-size', { default: 20480n, min: 0n, max: INT_MAX, noop: true, doc: 'TLS session cache size' }),
  intParam('tls-session-cache-timeout', { default: 300n, min: 0n, max: INT_MAX, noop: true, doc: 'TLS session cache timeout, seconds' }),
];

/** Every parameter, in `--help` order (see the table above). */
export const PARAMS: readonly ParamDef<any>[] = DECLS;

type Decl = (typeof DECLS)[number];

/**
 * The typed fields of `Config`, derived from the table: one per parameter that has an effect in tierkv, named by
 * camelCase of the parameter name, typed by its `fast` value. Integers and memory sizes are numbers (bytes for
 * memory; values above 2^53 are rounded, which only concerns absurdly large limits); booleans for yes/no; enums as
 * the union of their lower-case values. See each parameter's `doc` for its unit.
 */
export type ConfigValues = {
  -readonly [D in Decl as D['field'] extends string ? D['field'] : never]: ReturnType<D['fast']>;
};

/** A parameter found by one of its names. */
export interface ParamLookup {
  readonly def: ParamDef<any>;
  /**
   * The registered name that matched, lower case: the canonical name or an alias. Redis keeps aliases as
   * separate registrations: errors name the alias that was used, and `CONFIG SET a 1 alias-of-a 2` is not a
   * duplicate.
   */
  readonly registered: string;
}

const BY_NAME = new Map<string, ParamLookup>();
for (const def of PARAMS) {
  for (const n of [def.name, ...def.aliases]) {
    if (BY_NAME.has(n)) throw new Error(`duplicate config parameter name ${n}`);
    BY_NAME.set(n, { def, registered: n });
  }
}

/** Every registered name (canonical names and aliases), lower case, in table order. */
export const ALL_NAMES: readonly string[] = [...BY_NAME.keys()];

/** Looks a parameter up by name or alias, ASCII case-insensitively (as Redis's config dict). */
export function lookupParam(name: string): ParamLookup | undefined {
  return BY_NAME.get(asciiLower(name));
}

/**
 * Config-file directives Redis 7.0 ignores silently (config.c `deprecated_configs`), with their argument count:
 * tierkv ignores them too, with a warning.
 */
export const DEPRECATED_DIRECTIVES: Readonly<Record<string, number>> = {
  'list-max-ziplist-entries': 1,
  'list-max-ziplist-value': 1,
  'lua-replicate-commands': 1,
};

/** A parameter's default as a human-friendly text for `--help` (memory in units, "" quoted). */
export function defaultForHelp(def: ParamDef<any>): string {
  if (def.default === '') return '""';
  if (def.type === 'memory' && /^[0-9]+$/.test(def.default)) return formatMemory(Number(def.default));
  return def.default;
}
