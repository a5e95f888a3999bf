/**
 * Diagnostics commands: SLOWLOG (GET LEN RESET HELP), ROLE, LASTSAVE, as Redis 7.0 (src/slowlog.c,
 * src/replication.c roleCommand, src/rdb.c lastsaveCommand). The slow log itself is core/slowlog.ts.
 */
import { argLL, argLatin1, LL } from './args.js';
import type { CommandContext } from './context.js';
import type { CommandSpec } from './types.js';

function slowlogGet(ctx: CommandContext): void {
  const a = ctx.argv;
  const log = ctx.server.slowlog;
  if (a.argc > 3) {
    // Redis's slowlogCommand answers any other argument count with its subcommand syntax error.
    ctx.reply.errorLatin1(`ERR unknown subcommand or wrong number of arguments for '${argLatin1(a, 1).slice(0, 128)}'. Try SLOWLOG HELP.`);
    return;
  }
  let count = 10;
  if (a.argc === 3) {
    if (!argLL(a, 2) || (LL.big === null ? LL.value < -1 : LL.big < -1n)) {
      ctx.reply.error('ERR count should be greater than or equal to -1');
      return;
    }
    count = LL.big !== null || LL.value === -1 ? log.length : LL.value;
  }
  const entries = log.newest(count);
  const w = ctx.reply;
  w.arrayLen(entries.length);
  for (const e of entries) {
    w.arrayLen(6);
    w.integer(e.id);
    w.integer(e.time);
    w.integer(e.duration);
    w.arrayLen(e.argv.length);
    for (const b of e.argv) w.bulk(b, 0, b.length);
    w.bulkString(e.peer);
    w.bulkString(e.name);
  }
}

function slowlogLen(ctx: CommandContext): void {
  ctx.reply.integer(ctx.server.slowlog.length);
}

function slowlogReset(ctx: CommandContext): void {
  ctx.server.slowlog.reset();
  ctx.reply.ok();
}

function slowlogHelp(ctx: CommandContext): void {
  const lines = [
    'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'GET [<count>]',
    '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
    '    Entries are made of:',
    '    id, timestamp, time in microseconds, arguments array, client IP and port,',
    '    client name',
    'LEN',
    '    Return the length of the slowlog.',
    'RESET',
    '    Reset the slowlog.',
    'HELP',
    '    Prints this help.',
  ];
  ctx.reply.arrayLen(lines.length);
  for (const l of lines) ctx.reply.simple(l);
}

/** ROLE: tierkv has no replication, so always a master at offset 0 with no replicas. */
function roleCommand(ctx: CommandContext): void {
  ctx.reply.arrayLen(3);
  ctx.reply.bulkString('master');
  ctx.reply.integer(0);
  ctx.reply.arrayLen(0);
}

/** LASTSAVE: tierkv never saves; like a Redis that has not saved yet, the server's start time (unix seconds). */
function lastsaveCommand(ctx: CommandContext): void {
  ctx.reply.integer(Math.floor(ctx.server.startTime / 1000));
}

const NOKEYS = { firstKey: 0, lastKey: 0, step: 0 };
const S = { group: 'server' };
const ADMIN = { flags: ['admin', 'loading', 'stale'], acl: ['admin', 'slow', 'dangerous'] };

/** The diagnostics commands of the table. */
export const diagnosticsCommands: CommandSpec[] = [
  { name: 'slowlog', arity: -2, flags: [], ...NOKEYS, ...S, acl: ['slow'], since: '2.2.12',
    summary: 'A container for slow log commands', complexity: 'Depends on subcommand.',
    subcommands: [
      { name: 'get', arity: -2, ...ADMIN, ...NOKEYS, ...S, since: '2.2.12', summary: "Get the slow log's entries",
        complexity: 'O(N) where N is the number of entries returned', handler: slowlogGet,
        tips: ['request_policy:all_nodes', 'nondeterministic_output'],
        arguments: [{ name: 'count', type: 'integer', optional: true }] },
      { name: 'len', arity: 2, ...ADMIN, ...NOKEYS, ...S, since: '2.2.12', summary: "Get the slow log's length",
        complexity: 'O(1)', handler: slowlogLen,
        tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'] },
      { name: 'reset', arity: 2, ...ADMIN, ...NOKEYS, ...S, since: '2.2.12', summary: 'Clear all entries from the slow log',
        complexity: 'O(N) where N is the number of entries in the slowlog', handler: slowlogReset,
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'] },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], ...NOKEYS, ...S, acl: ['slow'], since: '6.2.0',
        summary: 'Show helpful text about the different subcommands', complexity: 'O(1)', handler: slowlogHelp },
    ] },
  { name: 'role', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast'], ...NOKEYS, ...S,
    acl: ['admin', 'fast', 'dangerous'], since: '2.8.12',
    summary: 'Return the role of the instance in the context of replication (tierkv: always a master without replicas)',
    complexity: 'O(1)', handler: roleCommand },
  { name: 'lastsave', arity: 1, flags: ['loading', 'stale', 'fast'], ...NOKEYS, ...S, acl: ['admin', 'fast', 'dangerous'],
    since: '1.0.0', tips: ['nondeterministic_output'],
    summary: 'Get the UNIX time stamp of the last successful save to disk (tierkv never saves: the start time)',
    complexity: 'O(1)', handler: lastsaveCommand },
];
