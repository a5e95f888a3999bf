/**
 * Diagnostics commands: MONITOR (the lines: core/monitor.ts), SLOWLOG (GET LEN RESET HELP), LATENCY (LATEST HISTORY
 * RESET DOCTOR GRAPH HELP; no HISTOGRAM), ROLE, LASTSAVE, as Redis 7.0 (src/slowlog.c, src/latency.c, src/replication.c roleCommand, src/rdb.c
 * lastsaveCommand). The slow log itself is core/slowlog.ts, the latency monitor core/latency-monitor.ts.
 */
import { LATENCY_TS_LEN, latencyDoctorReport, renderLatencyGraph } from '../core/latency-monitor.js';
import { argLL, argLatin1, LL } from './args.js';
import type { CommandContext } from './context.js';
import { helpLines } from './reply-helpers.js';
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
  helpLines(ctx, [
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
  ]);
}

function latencyLatest(ctx: CommandContext): void {
  const w = ctx.reply;
  const events = ctx.server.latency.events;
  w.arrayLen(events.size);
  for (const [name, ts] of events) {
    const last = ts.last();
    w.arrayLen(4);
    w.bulkString(name);
    w.integer(ts.times[last]!);
    w.integer(ts.latencies[last]!);
    w.integer(ts.max);
  }
}

function latencyHistory(ctx: CommandContext): void {
  const w = ctx.reply;
  // Event names are looked up exactly (Redis's dict of events compares case-sensitively).
  const ts = ctx.server.latency.events.get(argLatin1(ctx.argv, 2));
  if (ts === undefined) {
    w.arrayLen(0);
    return;
  }
  let n = 0;
  for (let j = 0; j < LATENCY_TS_LEN; j++) if (ts.times[j] !== 0) n++;
  w.arrayLen(n);
  for (let j = 0; j < LATENCY_TS_LEN; j++) {
    const i = (ts.idx + j) % LATENCY_TS_LEN;
    if (ts.times[i] === 0) continue;
    w.arrayLen(2);
    w.integer(ts.times[i]!);
    w.integer(ts.latencies[i]!);
  }
}

function latencyReset(ctx: CommandContext): void {
  const a = ctx.argv;
  const names: string[] = [];
  for (let j = 2; j < a.argc; j++) names.push(argLatin1(a, j));
  ctx.reply.integer(ctx.server.latency.reset(a.argc === 2 ? null : names));
}

/**
 * LATENCY GRAPH <event>: an ASCII graph of the event's samples (core/latency-monitor.ts renderLatencyGraph), as a
 * verbatim string (RESP2: a bulk string), as Redis 7.0; an event with no samples (looked up case-sensitively, as
 * HISTORY) answers Redis's `No samples available for event '<event>'`.
 */
function latencyGraph(ctx: CommandContext): void {
  const name = argLatin1(ctx.argv, 2);
  const ts = ctx.server.latency.events.get(name);
  if (ts === undefined) {
    ctx.reply.errorLatin1(`ERR No samples available for event '${name}'`);
    return;
  }
  ctx.reply.verbatim(renderLatencyGraph(name, ts, Math.floor(Date.now() / 1000)));
}

/** LATENCY DOCTOR: a report for people (core/latency-monitor.ts latencyDoctorReport), a verbatim string as in Redis 7.0. */
function latencyDoctor(ctx: CommandContext): void {
  ctx.reply.verbatim(latencyDoctorReport(ctx.server.latency, { slowlogThresholdUs: ctx.server.slowlog.threshold }));
}

function latencyHelp(ctx: CommandContext): void {
  helpLines(ctx, [
    'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'DOCTOR',
    '    Return a report, for people, of the latency spikes recorded and what to do about them.',
    'GRAPH <event>',
    '    Return an ASCII graph of the latency samples of the <event> class.',
    'HISTORY <event>',
    '    Return time-latency samples for the <event> class.',
    'LATEST',
    '    Return the latest latency samples for all events.',
    'RESET [<event> ...]',
    '    Reset latency data of one or more <event> classes.',
    '    (default: reset all data for all event classes)',
    'Events: command, fast-command, and tierkv\'s tier-slice, page-mover-slice, expire-cycle, migrate-prepare,',
    '    forced-gc (recorded when at least latency-monitor-threshold ms long).',
    'HELP',
    '    Prints this help.',
  ]);
}

/**
 * MONITOR (Redis 7.0 monitorCommand): the client gets `+OK`, then a line per command run by any client
 * (core/monitor.ts). Refused while EXEC runs it (Redis: a "deny blocking" client); a client already in monitor mode
 * gets no reply at all, as in Redis.
 */
function monitorCommand(ctx: CommandContext): void {
  const c = ctx.client;
  if (c.execCount >= 0) {
    ctx.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  if (ctx.server.monitors.add(c)) ctx.reply.ok();
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
const LADMIN = { flags: ['admin', 'noscript', 'loading', 'stale'], acl: ['admin', 'slow', 'dangerous'] };

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
  { name: 'latency', arity: -2, flags: [], ...NOKEYS, ...S, acl: ['slow'], since: '2.8.13',
    summary: 'A container for latency diagnostics commands', complexity: 'Depends on subcommand.',
    subcommands: [
      { name: 'latest', arity: 2, ...LADMIN, ...NOKEYS, ...S, since: '2.8.13',
        summary: 'Return the latest latency samples for all events.', complexity: 'O(1)', handler: latencyLatest,
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'] },
      { name: 'history', arity: 3, ...LADMIN, ...NOKEYS, ...S, since: '2.8.13',
        summary: 'Return timestamp-latency samples for the event.', complexity: 'O(1)', handler: latencyHistory,
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
        arguments: [{ name: 'event', type: 'string' }] },
      { name: 'reset', arity: -2, ...LADMIN, ...NOKEYS, ...S, since: '2.8.13',
        summary: 'Reset latency data for one or more events.', complexity: 'O(1)', handler: latencyReset,
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        arguments: [{ name: 'event', type: 'string', optional: true, multiple: true }] },
      { name: 'doctor', arity: 2, ...LADMIN, ...NOKEYS, ...S, since: '2.8.13',
        summary: 'Return a human readable latency analysis report.', complexity: 'O(1)', handler: latencyDoctor,
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'] },
      { name: 'graph', arity: 3, ...LADMIN, ...NOKEYS, ...S, since: '2.8.13',
        summary: 'Return a latency graph for the event.', complexity: 'O(1)', handler: latencyGraph,
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
        arguments: [{ name: 'event', type: 'string' }] },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], ...NOKEYS, ...S, acl: ['slow'], since: '2.8.13',
        summary: 'Show helpful text about the different subcommands.', complexity: 'O(1)', handler: latencyHelp },
    ] },
  { name: 'monitor', arity: 1, flags: ['admin', 'noscript', 'loading', 'stale'], ...NOKEYS, ...S,
    acl: ['admin', 'slow', 'dangerous'], since: '1.0.0',
    summary: 'Listen for all requests received by the server in real time',
    complexity: 'O(1); then each command run costs O(its argument bytes) to show to the monitors', handler: monitorCommand },
  { name: 'role', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast'], ...NOKEYS, ...S,
    acl: ['admin', 'fast', 'dangerous'], since: '2.8.12',
    summary: 'Return the role of the instance in the context of replication (tierkv: always a master without replicas)',
    complexity: 'O(1)', handler: roleCommand },
  { name: 'lastsave', arity: 1, flags: ['loading', 'stale', 'fast'], ...NOKEYS, ...S, acl: ['admin', 'fast', 'dangerous'],
    since: '1.0.0', tips: ['nondeterministic_output'],
    summary: 'Get the UNIX time stamp of the last successful save to disk (tierkv never saves: the start time)',
    complexity: 'O(1)', handler: lastsaveCommand },
];
