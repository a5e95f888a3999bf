/**
 * COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS / HELP: the command table described to clients, in the
 * reply shapes of Redis 7 (src/server.c addReplyCommandInfo, addReplyCommandDocs). redis-cli uses COMMAND DOCS
 * for its hints; cluster-aware clients use the key positions.
 */
import { globMatch } from '../keyspace/glob.js';
import { argIs, argLatin1, argLL, LL } from './args.js';
import type { CommandContext } from './context.js';
import { CommandTable } from './table.js';
import type { ArgDoc, Command, CommandRegistry, CommandSpec } from './types.js';
import { helpLines } from './reply-helpers.js';

/** Redis's command flags in the order COMMAND INFO prints them (the CMD_* bits of src/server.h). */
const FLAG_ORDER = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'may_replicate', 'sentinel', 'only_sentinel',
  'no_mandatory_keys', 'protected', 'module_getkeys', 'module_no_cluster', 'no_async_loading', 'no_multi',
  'movablekeys', 'allow_busy',
];

/** Redis's ACL categories in the order COMMAND INFO prints them (src/acl.c ACLCommandCategories). */
export const ACL_ORDER = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
];

/** Sorts names by their position in `order` (unknown names last, in their given order). */
function inOrder(names: Iterable<string>, order: readonly string[]): string[] {
  const rank = (n: string): number => {
    const i = order.indexOf(n);
    return i < 0 ? order.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b));
}

/**
 * ACL categories of a command, as Redis derives them (src/server.c setImplicitACLCategories): the declared ones,
 * the string and connection group of a non-container command, @write/@read/@admin+@dangerous/@fast from the
 * flags, and @slow for every command that is not fast.
 */
export function aclCategories(cmd: Command): string[] {
  const cats = new Set(cmd.acl ?? []);
  if (cmd.subs === null && (cmd.group === 'string' || cmd.group === 'connection')) cats.add(cmd.group);
  if (cmd.flags.includes('write')) cats.add('write');
  if (cmd.flags.includes('readonly')) cats.add('read');
  if (cmd.flags.includes('admin')) {
    cats.add('admin');
    cats.add('dangerous');
  }
  if (cmd.flags.includes('fast')) cats.add('fast');
  else cats.add('slow');
  return inOrder(cats, ACL_ORDER).map((c) => '@' + c);
}

function replyCommandInfo(ctx: CommandContext, cmd: Command): void {
  const r = ctx.reply;
  r.arrayLen(10);
  r.bulkString(cmd.fullName);
  r.integer(cmd.arity);
  const flags = inOrder(cmd.flags, FLAG_ORDER);
  r.setLen(flags.length);
  for (const f of flags) r.simple(f);
  r.integer(cmd.firstKey);
  r.integer(cmd.lastKey);
  r.integer(cmd.step);
  const cats = aclCategories(cmd);
  r.setLen(cats.length);
  for (const c of cats) r.simple(c);
  const tips = cmd.tips ?? [];
  r.setLen(tips.length);
  for (const t of tips) r.bulkString(t);
  const specs = cmd.keySpecs ?? [];
  r.setLen(specs.length);
  for (const ks of specs) {
    r.mapLen(ks.notes !== undefined ? 4 : 3);
    if (ks.notes !== undefined) {
      r.bulkString('notes');
      r.bulkString(ks.notes);
    }
    r.bulkString('flags');
    r.setLen(ks.flags.length);
    for (const f of ks.flags) r.simple(f);
    r.bulkString('begin_search');
    r.mapLen(2);
    r.bulkString('type');
    if (ks.unknown === true) {
      // Redis's `unknown` specs (SORT): empty spec maps.
      r.bulkString('unknown');
      r.bulkString('spec');
      r.mapLen(0);
      r.bulkString('find_keys');
      r.mapLen(2);
      r.bulkString('type');
      r.bulkString('unknown');
      r.bulkString('spec');
      r.mapLen(0);
      continue;
    }
    r.bulkString('index');
    r.bulkString('spec');
    r.mapLen(1);
    r.bulkString('index');
    r.integer(ks.index);
    r.bulkString('find_keys');
    r.mapLen(2);
    r.bulkString('type');
    if (ks.keynum !== undefined) {
      r.bulkString('keynum');
      r.bulkString('spec');
      r.mapLen(3);
      r.bulkString('keynumidx');
      r.integer(ks.keynum.keynumIdx);
      r.bulkString('firstkey');
      r.integer(ks.keynum.firstKey);
      r.bulkString('keystep');
      r.integer(ks.keynum.keyStep);
      continue;
    }
    r.bulkString('range');
    r.bulkString('spec');
    r.mapLen(3);
    r.bulkString('lastkey');
    r.integer(ks.lastKey);
    r.bulkString('keystep');
    r.integer(ks.keyStep);
    r.bulkString('limit');
    r.integer(ks.limit ?? 0);
  }
  // Redis: an empty set without subcommands, an array of them otherwise (addReplyCommandSubCommands).
  if (cmd.subs === null) r.setLen(0);
  else {
    r.arrayLen(cmd.subs.length);
    for (const s of cmd.subs) replyCommandInfo(ctx, s);
  }
}

function replyArgDoc(ctx: CommandContext, a: ArgDoc): void {
  const r = ctx.reply;
  const flags: string[] = [];
  if (a.optional === true) flags.push('optional');
  if (a.multiple === true) flags.push('multiple');
  if (a.multipleToken === true) flags.push('multiple_token');
  const n = 2 + (a.keySpecIndex !== undefined ? 1 : 0) + (a.token !== undefined ? 1 : 0) + (a.since !== undefined ? 1 : 0) +
    (a.deprecatedSince !== undefined ? 1 : 0) + (flags.length > 0 ? 1 : 0) + (a.arguments !== undefined ? 1 : 0);
  r.mapLen(n + 1);
  r.bulkString('name');
  r.bulkString(a.name);
  r.bulkString('type');
  r.bulkString(a.type);
  r.bulkString('display_text');
  r.bulkString(a.name);
  if (a.keySpecIndex !== undefined) {
    r.bulkString('key_spec_index');
    r.integer(a.keySpecIndex);
  }
  if (a.token !== undefined) {
    r.bulkString('token');
    r.bulkString(a.token);
  }
  if (a.since !== undefined) {
    r.bulkString('since');
    r.bulkString(a.since);
  }
  if (a.deprecatedSince !== undefined) {
    r.bulkString('deprecated_since');
    r.bulkString(a.deprecatedSince);
  }
  if (flags.length > 0) {
    r.bulkString('flags');
    r.setLen(flags.length);
    for (const f of flags) r.simple(f);
  }
  if (a.arguments !== undefined) {
    r.bulkString('arguments');
    r.arrayLen(a.arguments.length);
    for (const sub of a.arguments) replyArgDoc(ctx, sub);
  }
}

function replyCommandDocs(ctx: CommandContext, cmd: Command): void {
  const r = ctx.reply;
  const extra = (cmd.complexity !== undefined ? 1 : 0) + (cmd.docFlags !== undefined ? 1 : 0) +
    (cmd.deprecatedSince !== undefined ? 1 : 0) + (cmd.arguments !== undefined ? 1 : 0) + (cmd.subs !== null ? 1 : 0);
  r.mapLen(3 + extra);
  r.bulkString('summary');
  r.bulkString(cmd.summary);
  r.bulkString('since');
  r.bulkString(cmd.since);
  r.bulkString('group');
  r.bulkString(cmd.group);
  if (cmd.complexity !== undefined) {
    r.bulkString('complexity');
    r.bulkString(cmd.complexity);
  }
  if (cmd.docFlags !== undefined) {
    r.bulkString('doc_flags');
    r.setLen(cmd.docFlags.length);
    for (const f of cmd.docFlags) r.simple(f);
  }
  if (cmd.deprecatedSince !== undefined) {
    r.bulkString('deprecated_since');
    r.bulkString(cmd.deprecatedSince);
  }
  if (cmd.arguments !== undefined) {
    r.bulkString('arguments');
    r.arrayLen(cmd.arguments.length);
    for (const a of cmd.arguments) replyArgDoc(ctx, a);
  }
  if (cmd.subs !== null) {
    r.bulkString('subcommands');
    r.mapLen(cmd.subs.length);
    for (const s of cmd.subs) {
      r.bulkString(s.fullName);
      replyCommandDocs(ctx, s);
    }
  }
}

/** Finds a command by a user-given name: "get", "client|list" or a container name. */
function findByName(table: CommandRegistry, name: string): Command | undefined {
  const bar = name.indexOf('|');
  if (bar < 0) return table.byName(name);
  const parent = table.byName(name.slice(0, bar));
  if (parent === undefined) return undefined;
  const sub = Buffer.from(name.slice(bar + 1), 'latin1');
  return CommandTable.lookupSub(parent, sub, 0, sub.length);
}

function commandAll(ctx: CommandContext): void {
  const cmds = ctx.server.table.commands;
  ctx.reply.arrayLen(cmds.length);
  for (const c of cmds) replyCommandInfo(ctx, c);
}

function commandCount(ctx: CommandContext): void {
  ctx.reply.integer(ctx.server.table.commands.length);
}

function commandInfo(ctx: CommandContext): void {
  const a = ctx.argv;
  if (a.argc === 2) {
    commandAll(ctx);
    return;
  }
  ctx.reply.arrayLen(a.argc - 2);
  for (let j = 2; j < a.argc; j++) {
    const cmd = findByName(ctx.server.table, argLatin1(a, j).toLowerCase());
    // Redis answers a null (addReplyNull: `$-1` in RESP2) for a name it does not know.
    if (cmd === undefined) ctx.reply.nullBulk();
    else replyCommandInfo(ctx, cmd);
  }
}

function commandDocs(ctx: CommandContext): void {
  const a = ctx.argv;
  const table = ctx.server.table;
  const cmds: Command[] = [];
  if (a.argc === 2) cmds.push(...table.commands);
  else {
    for (let j = 2; j < a.argc; j++) {
      const cmd = findByName(table, argLatin1(a, j).toLowerCase());
      if (cmd !== undefined) cmds.push(cmd);
    }
  }
  ctx.reply.mapLen(cmds.length);
  for (const c of cmds) {
    ctx.reply.bulkString(c.fullName);
    replyCommandDocs(ctx, c);
  }
}

function commandList(ctx: CommandContext): void {
  const a = ctx.argv;
  const names: string[] = [];
  let filter: ((c: Command) => boolean) | null = null;
  if (a.argc === 5 && argIs(a, 2, 'filterby')) {
    const v = argLatin1(a, 4);
    if (argIs(a, 3, 'aclcat')) filter = (c) => aclCategories(c).includes('@' + v.toLowerCase());
    else if (argIs(a, 3, 'pattern')) {
      const p = Buffer.from(v, 'latin1');
      // Redis matches the full name ("client|list"), case-insensitively.
      filter = (c) => globMatch(p, 0, p.length, Buffer.from(c.fullName), 0, c.fullName.length, true);
    } else if (argIs(a, 3, 'module')) filter = () => false;
    else {
      ctx.reply.error('ERR syntax error');
      return;
    }
  } else if (a.argc !== 2) {
    ctx.reply.error('ERR syntax error');
    return;
  }
  for (const c of ctx.server.table.all()) if (filter === null || filter(c)) names.push(c.fullName);
  ctx.reply.arrayLen(names.length);
  for (const n of names) ctx.reply.bulkString(n);
}

/**
 * COMMAND GETKEYS as Redis 7.0 (src/server.c getKeysSubcommandImpl, src/db.c getKeysUsingKeySpecs): the command,
 * then whether it has keys at all, then its arity; the keys are found with its key specs.
 */
function commandGetkeys(ctx: CommandContext): void {
  const a = ctx.argv;
  const table = ctx.server.table;
  let cmd = table.lookup(a.buf, a.argOff[2], a.argLen[2]);
  const argc = a.argc - 2;
  if (cmd !== undefined && cmd.subs !== null && argc >= 2) cmd = CommandTable.lookupSub(cmd, a.buf, a.argOff[3], a.argLen[3]);
  if (cmd === undefined) {
    ctx.reply.error('ERR Invalid command specified');
    return;
  }
  const specs = cmd.keySpecs ?? [];
  if (specs.length === 0) {
    ctx.reply.error('ERR The command has no key arguments');
    return;
  }
  if ((cmd.arity > 0 && cmd.arity !== argc) || argc < -cmd.arity) {
    ctx.reply.error('ERR Invalid number of arguments specified for command');
    return;
  }
  const keys: number[] = cmd.getKeys !== undefined ? cmd.getKeys(a, 2, argc) : [];
  for (const ks of cmd.getKeys !== undefined ? [] : specs) {
    if (ks.keynum !== undefined) {
      // Redis getKeysUsingKeySpecs: the key count must be an integer ≥ 0 and its keys within the arguments.
      const nk = ks.index + ks.keynum.keynumIdx;
      if (nk >= argc || !argLL(a, nk + 2) || LL.value < 0) continue;
      const from = ks.index + ks.keynum.firstKey;
      const last = from + (LL.value - 1) * ks.keynum.keyStep;
      if (last >= argc) continue;
      for (let i = from; i <= last; i += ks.keynum.keyStep) keys.push(i + 2);
      continue;
    }
    const first = ks.index;
    let last: number;
    if (ks.lastKey >= 0) last = first + ks.lastKey;
    else if (ks.limit === undefined || ks.limit === 0) last = argc + ks.lastKey;
    else last = first + Math.floor((argc - first) / ks.limit) + ks.lastKey;
    for (let i = first; i <= last && i < argc; i += ks.keyStep) keys.push(i + 2);
  }
  if (keys.length === 0) {
    ctx.reply.error('ERR Invalid arguments specified for command');
    return;
  }
  ctx.reply.arrayLen(keys.length);
  for (const k of keys) ctx.reply.bulk(a.buf, a.argOff[k], a.argLen[k]);
}

function commandHelp(ctx: CommandContext): void {
  helpLines(ctx, [
    'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands:',
    '(no subcommand)   -- details of every command.',
    'COUNT             -- number of commands.',
    'INFO [<name> ...] -- details of the named commands (all when none).',
    'DOCS [<name> ...] -- documentation of the named commands (all when none).',
    'LIST [FILTERBY (MODULE <m>|ACLCAT <c>|PATTERN <p>)] -- command names.',
    'GETKEYS <command> [<arg> ...] -- the key arguments of a full command line.',
    'HELP              -- this text.',
  ]);
}

const NOKEYS = { firstKey: 0, lastKey: 0, step: 0 };
const S = { group: 'server' };
const F = ['loading', 'stale'];

/** COMMAND and its subcommands. */
export const commandCommands: CommandSpec[] = [
  { name: 'command', arity: -1, flags: F, ...NOKEYS, ...S, acl: ['slow', 'connection'], since: '2.8.13', tips: ['nondeterministic_output_order'],
   
    summary: 'Returns details about every command.', complexity: 'O(N) where N is the total number of commands',
    handler: commandAll,
    subcommands: [
      { name: 'count', arity: 2, flags: F, ...NOKEYS, ...S, acl: ['slow', 'connection'], since: '2.8.13',
        summary: 'Returns the number of commands.', complexity: 'O(1)', handler: commandCount },
      { name: 'info', arity: -2, flags: F, ...NOKEYS, ...S, acl: ['slow', 'connection'], tips: ['nondeterministic_output_order'], since: '2.8.13',
        summary: 'Returns details about the named commands (all when none).', complexity: 'O(N) where N is the number of commands to look up',
        handler: commandInfo, arguments: [{ name: 'command-name', type: 'string', optional: true, multiple: true }] },
      { name: 'docs', arity: -2, flags: F, ...NOKEYS, ...S, acl: ['slow', 'connection'], tips: ['nondeterministic_output_order'], since: '7.0.0',
        summary: 'Returns documentary information about the named commands (all when none).',
        complexity: 'O(N) where N is the number of commands to look up', handler: commandDocs,
        arguments: [{ name: 'command-name', type: 'string', optional: true, multiple: true }] },
      { name: 'list', arity: -2, flags: F, ...NOKEYS, ...S, acl: ['slow', 'connection'], tips: ['nondeterministic_output_order'], since: '7.0.0',
        summary: 'Returns command names, optionally filtered.', complexity: 'O(N) where N is the total number of commands',
        handler: commandList,
        arguments: [{ name: 'filterby', type: 'oneof', token: 'FILTERBY', optional: true, arguments: [
          { name: 'module-name', type: 'string', token: 'MODULE' }, { name: 'category', type: 'string', token: 'ACLCAT' },
          { name: 'pattern', type: 'pattern', token: 'PATTERN' }] }] },
      { name: 'getkeys', arity: -4, flags: F, ...NOKEYS, ...S, acl: ['slow', 'connection'], since: '2.8.13',
        summary: 'Extracts the key names from a full command line.', complexity: 'O(N) where N is the number of arguments to the command',
        handler: commandGetkeys },
      { name: 'help', arity: 2, flags: F, ...NOKEYS, ...S, acl: ['slow', 'connection'], since: '5.0.0',
        summary: 'Returns helpful text about the different subcommands.', complexity: 'O(1)', handler: commandHelp },
    ] },
];
