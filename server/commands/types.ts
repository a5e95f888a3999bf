/**
 * Shapes of the command table. Each command is declared once, as Redis declares them in src/commands/*.json:
 * name, arity, flags, key positions, ACL categories and documentation. The table drives dispatch, arity checks,
 * COMMAND / COMMAND COUNT / COMMAND INFO / COMMAND DOCS and COMMAND GETKEYS.
 */
import type { Argv } from './args.js';
import type { CommandContext } from './context.js';

/** One argument of a command, for COMMAND DOCS (Redis's `arguments` of src/commands/*.json). */
export interface ArgDoc {
  name: string;
  /** Redis argument types: string, integer, double, key, pattern, unix-time, pure-token, oneof, block. */
  type: 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';
  /** For type key: index into the command's key specs. */
  keySpecIndex?: number;
  token?: string;
  optional?: boolean;
  multiple?: boolean;
  multipleToken?: boolean;
  since?: string;
  /** Version in which the argument was deprecated (COMMAND DOCS `deprecated_since`). */
  deprecatedSince?: string;
  arguments?: ArgDoc[];
}

/**
 * One key specification of a command (COMMAND INFO `key_specs`, Redis 7's keySpec): where its keys begin (an
 * index) and how far they go (a range: `lastKey` relative to the first key, -1 the last argument; `keyStep`;
 * `limit`), with Redis's per-key flags (RO/RW/OW/RM plus access/update/insert/delete/variable_flags).
 */
export interface KeySpec {
  flags: string[];
  /** Redis's remark on the flags (COMMAND INFO `notes`), when it has one. */
  notes?: string;
  /** Argument index of the first key. */
  index: number;
  lastKey: number;
  keyStep: number;
  limit?: number;
  /**
   * A keynum spec instead of a range (SINTERCARD's `numkeys key [key ...]`): the number of keys is the argument at
   * `index + keynumIdx`, the keys begin at `index + firstKey`, every `keyStep` (`lastKey`/`limit` are then unused).
   */
  keynum?: { keynumIdx: number; firstKey: number; keyStep: number };
  /** Redis's `unknown` begin_search/find_keys (SORT's BY/GET and STORE keys): not found by the spec (index etc. unused). */
  unknown?: boolean;
}

/**
 * A key spec beginning at argument `index` and covering `lastKey` more arguments (-1: up to the last) every
 * `keyStep`, with Redis's key flags (and its note on them, if any).
 */
export function keySpec(flags: string[], index = 1, lastKey = 0, keyStep = 1, notes?: string): KeySpec {
  return notes !== undefined ? { flags, notes, index, lastKey, keyStep } : { flags, index, lastKey, keyStep };
}

/** A command handler: reads its arguments from `ctx.argv` and writes exactly one reply with `ctx.reply`. */
export type CommandHandler = (ctx: CommandContext) => void;

/** One command of the table. */
export interface CommandSpec {
  /** Lower-case name (for subcommands: the subcommand's own name, e.g. "setname"). */
  name: string;
  /** Redis arity: n > 0 means exactly n arguments (name included); n < 0 means at least -n. */
  arity: number;
  /**
   * Redis command flags (COMMAND INFO), e.g. "write", "readonly", "denyoom", "admin", "fast", "no_auth"; COMMAND
   * INFO prints them in Redis's order whatever the order here.
   */
  flags: string[];
  /** Position of the first key (0: no keys), of the last key (-1: the last argument), step between keys. */
  firstKey: number;
  lastKey: number;
  step: number;
  /** ACL categories without the "@" (the command's group is added automatically). */
  acl?: string[];
  /** Command tips (COMMAND INFO), e.g. "nondeterministic_output", "request_policy:all_shards". */
  tips?: string[];
  /** Key specifications (COMMAND INFO); required for every command with keys (firstKey > 0). */
  keySpecs?: KeySpec[];
  /** Documentation (COMMAND DOCS). */
  summary: string;
  since: string;
  group: string;
  complexity?: string;
  docFlags?: string[];
  /** Version in which the command was deprecated (COMMAND DOCS `deprecated_since`). */
  deprecatedSince?: string;
  arguments?: ArgDoc[];
  /**
   * Redis's get_keys_function, for a command whose key specs cannot find every key (SORT's STORE): COMMAND GETKEYS
   * uses it instead of the specs. `a` holds the command line from argument `first` on (its name), `argc` arguments.
   * @returns the indexes in `a` of the key arguments
   */
  getKeys?: (a: Argv, first: number, argc: number) => number[];
  /** Handler; a container command (CLIENT, CONFIG...) has subcommands and no handler of its own. */
  handler?: CommandHandler;
  subcommands?: CommandSpec[];
}

/** A command of the table once compiled: its full name and lookup data. */
export interface Command extends CommandSpec {
  /** "get", or "client|setname" for a subcommand (Redis's fullname). */
  fullName: string;
  /** Name bytes, lower-case. */
  nameBytes: Uint8Array;
  /** Parent container for a subcommand. */
  parent: Command | null;
  /** Compiled subcommands (container commands only). */
  subs: Command[] | null;
  /** Fast flag tests. */
  isWrite: boolean;
  denyOom: boolean;
  noAuth: boolean;
  isAdmin: boolean;
  /** Never logged by SLOWLOG (Redis CMD_SKIP_SLOWLOG: EXEC, whose commands are logged one by one). */
  skipSlowlog: boolean;
  /** Statistics for INFO commandstats: calls, total µs, rejected and failed calls. */
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
  /** Latency histogram for INFO latencystats (server/observe/info.ts `recordLatency`), allocated on the first call. */
  latency: Uint32Array | null;
}

/** The command table as handlers see it (table.ts `CommandTable` implements it). */
export interface CommandRegistry {
  /** Top-level commands in declaration order. */
  readonly commands: readonly Command[];
  /** The command named by bytes b[o..o+l) (any case), or undefined. */
  lookup(b: Uint8Array, o: number, l: number): Command | undefined;
  /** Looks up by a name string. */
  byName(name: string): Command | undefined;
  /** Every command and subcommand, depth-first. */
  all(): Iterable<Command>;
}
