/**
 * ACL for the only user tierkv has, `default` (its password is `requirepass`): WHOAMI, USERS, CAT, LIST and HELP,
 * with Redis 7.0's replies (src/acl.c aclCommand). ACL CAT <category> lists tierkv's commands of that category
 * (the categories COMMAND INFO shows, command-cmd.ts aclCategories), in table order. The other subcommands
 * (SETUSER, GETUSER, DELUSER, DRYRUN, GENPASS, LOG, LOAD, SAVE) are not in the table: dispatch answers Redis's
 * `-ERR unknown subcommand '<name>'. Try ACL HELP.`
 */
import { createHash } from 'node:crypto';
import { argCStr, argLatin1 } from './args.js';
import { ACL_ORDER, aclCategories } from './command-cmd.js';
import type { CommandContext } from './context.js';
import { helpLines } from './reply-helpers.js';
import type { CommandSpec } from './types.js';

function aclWhoami(ctx: CommandContext): void {
  ctx.reply.bulkString('default');
}

function aclUsers(ctx: CommandContext): void {
  ctx.reply.arrayLen(1);
  ctx.reply.bulkString('default');
}

/** The `default` user's rules as Redis's ACL LIST prints them: `nopass`, or `#<sha256 hex>` of requirepass. */
function aclList(ctx: CommandContext): void {
  const pass = ctx.server.config.requirepass;
  const auth = pass === '' ? 'nopass' : '#' + createHash('sha256').update(Buffer.from(pass, 'utf8')).digest('hex');
  ctx.reply.arrayLen(1);
  ctx.reply.bulkString(`user default on ${auth} ~* &* +@all`);
}

function aclCat(ctx: CommandContext): void {
  const a = ctx.argv;
  const w = ctx.reply;
  if (a.argc === 2) {
    w.arrayLen(ACL_ORDER.length);
    for (const c of ACL_ORDER) w.bulkString(c);
    return;
  }
  if (a.argc > 3) {
    w.errorLatin1(`ERR unknown subcommand or wrong number of arguments for '${sanitize(argCStr(a, 1))}'. Try ACL HELP.`);
    return;
  }
  const cat = argLatin1(a, 2).toLowerCase();
  if (!ACL_ORDER.includes(cat)) {
    w.errorLatin1(`ERR Unknown category '${sanitize(argCStr(a, 2).slice(0, 128))}'`);
    return;
  }
  const names: string[] = [];
  for (const c of ctx.server.table.all()) if (aclCategories(c).includes('@' + cat)) names.push(c.fullName);
  w.arrayLen(names.length);
  for (const n of names) w.bulkString(n);
}

function aclHelp(ctx: CommandContext): void {
  helpLines(ctx, [
    'ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'CAT [<category>]',
    '    List all commands that belong to <category>, or all command categories',
    '    when no category is specified.',
    'LIST',
    '    Show users details in config file format.',
    'USERS',
    '    List all the registered usernames.',
    'WHOAMI',
    '    Return the current connection username.',
    'HELP',
    '    Prints this help.',
    '(tierkv has only the default user, whose password is requirepass.)',
  ]);
}

/** Replaces CR and LF by spaces, as Redis's addReplyErrorFormat does. */
function sanitize(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

const NOKEYS = { firstKey: 0, lastKey: 0, step: 0 };
const S = { group: 'server' };
const F = ['noscript', 'loading', 'stale'];

/** ACL and its subcommands. */
export const aclCommands: CommandSpec[] = [
  { name: 'acl', arity: -2, flags: [], ...NOKEYS, ...S, acl: ['slow'], since: '6.0.0',
    summary: 'A container for Access List Control commands', complexity: 'Depends on subcommand.',
    subcommands: [
      { name: 'cat', arity: -2, flags: F, ...NOKEYS, ...S, acl: ['slow'], since: '6.0.0',
        summary: 'List the ACL categories or the commands inside a category',
        complexity: 'O(1) since the categories and commands are a fixed set.', handler: aclCat,
        arguments: [{ name: 'categoryname', type: 'string', optional: true }] },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], ...NOKEYS, ...S, acl: ['slow'], since: '6.0.0',
        summary: 'Show helpful text about the different subcommands', complexity: 'O(1)', handler: aclHelp },
      { name: 'list', arity: 2, flags: ['admin', ...F], ...NOKEYS, ...S, acl: ['admin', 'slow', 'dangerous'], since: '6.0.0',
        summary: 'List the current ACL rules in ACL config file format',
        complexity: 'O(N). Where N is the number of configured users.', handler: aclList },
      { name: 'users', arity: 2, flags: ['admin', ...F], ...NOKEYS, ...S, acl: ['admin', 'slow', 'dangerous'], since: '6.0.0',
        summary: 'List the username of all the configured ACL rules',
        complexity: 'O(N). Where N is the number of configured users.', handler: aclUsers },
      { name: 'whoami', arity: 2, flags: F, ...NOKEYS, ...S, acl: ['slow'], since: '6.0.0',
        summary: 'Return the name of the user associated to the current connection', complexity: 'O(1)',
        handler: aclWhoami },
    ] },
];
