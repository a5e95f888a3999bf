/**
 * Shapes of the command table. Each command is declared once, as Redis declares them in src/commands/*.json:
 * name, arity, flags, key positions, ACL categories and documentation. The table drives dispatch, arity checks,
 * COMMAND / COMMAND COUNT / COMMAND INFO / COMMAND DOCS and COMMAND GETKEYS.
 */
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
  arguments?: ArgDoc[];
}

/** A command handler: reads its arguments from `ctx.argv` and writes exactly one reply with `ctx.reply`. */
export type CommandHandler = (ctx: CommandContext) => void;

/** One command of the table. */
export interface CommandSpec {
  /** Lower-case name (for subcommands: the subcommand's own name, e.g. "setname"). */
  name: string;
  /** Redis arity: n > 0 means exactly n arguments (name included); n < 0 means at least -n. */
  arity: number;
  /** Redis command flags (COMMAND INFO), e.g. "write", "readonly", "denyoom", "admin", "fast", "no-auth". */
  flags: string[];
  /** Position of the first key (0: no keys), of the last key (-1: the last argument), step between keys. */
  firstKey: number;
  lastKey: number;
  step: number;
  /** ACL categories without the "@" (the command's group is added automatically). */
  acl?: string[];
  /** Documentation (COMMAND DOCS). */
  summary: string;
  since: string;
  group: string;
  complexity?: string;
  docFlags?: string[];
  arguments?: ArgDoc[];
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
  /** Statistics for INFO commandstats: calls, total µs, rejected and failed calls. */
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}
