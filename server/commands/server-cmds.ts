/**
 * Server commands: INFO CONFIG (GET SET RESETSTAT REWRITE HELP) DBSIZE FLUSHDB FLUSHALL TIME MEMORY (USAGE STATS
 * DOCTOR PURGE HELP) SHUTDOWN. Semantics follow Redis 7 (src/server.c, src/config.c, src/object.c).
 */
import { forceGc } from '../memory/gc.js';
import { TIER_COLD, TIER_HOT } from '../keyspace/keyspace.js';
import { argIs, argLL, argLatin1, argUtf8, LL } from './args.js';
import type { CommandContext } from './context.js';
import { ERR, helpLines } from './reply-helpers.js';
import { keySpec, type CommandSpec } from './types.js';

function infoCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const names: string[] = [];
  for (let j = 1; j < a.argc; j++) names.push(argLatin1(a, j));
  ctx.reply.verbatim(ctx.server.info(names));
}

function dbsizeCommand(ctx: CommandContext): void {
  ctx.reply.integer(ctx.ks.keys);
}

/** FLUSHDB / FLUSHALL [ASYNC|SYNC]: O(extents) whatever the mode, so both modes are immediate. */
function flushCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  if (a.argc > 2 || (a.argc === 2 && !argIs(a, 1, 'async') && !argIs(a, 1, 'sync'))) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  ctx.server.multi.touchWatchedBeforeRemoval(-1);
  ctx.ks.flush();
  ctx.reply.ok();
}

function timeCommand(ctx: CommandContext): void {
  const us = BigInt(Math.floor(performance.timeOrigin * 1000 + performance.now() * 1000));
  ctx.reply.arrayLen(2);
  ctx.reply.bulkString(String(us / 1000000n));
  ctx.reply.bulkString(String(us % 1000000n));
}

// CONFIG ---------------------------------------------------------------------------------------------------------

function configGet(ctx: CommandContext): void {
  const a = ctx.argv;
  const patterns: string[] = [];
  for (let j = 2; j < a.argc; j++) patterns.push(argUtf8(a, j));
  const pairs = ctx.server.config.get(patterns);
  ctx.reply.mapLen(pairs.length);
  for (const [k, v] of pairs) {
    ctx.reply.bulkString(k);
    ctx.reply.bulkString(v);
  }
}

function configSet(ctx: CommandContext): void {
  const a = ctx.argv;
  // Redis configSetCommand: an odd count of arguments is a syntax error (not an arity error).
  if (a.argc % 2 !== 0) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  const pairs: Array<[string, string]> = [];
  // Names as bytes (an unknown one is echoed in the error byte for byte, as Redis's %s); values as UTF-8 text.
  for (let j = 2; j < a.argc; j += 2) pairs.push([argLatin1(a, j), argUtf8(a, j + 1)]);
  const err = ctx.server.config.set(pairs);
  if (err !== null) ctx.reply.errorLatin1(err);
  else ctx.reply.ok();
}

function configResetstat(ctx: CommandContext): void {
  ctx.server.resetStats();
  ctx.reply.ok();
}

function configRewrite(ctx: CommandContext): void {
  if (ctx.server.configFile === '') ctx.reply.error('ERR The server is running without a config file');
  else ctx.reply.error('ERR CONFIG REWRITE is not supported by tierkv; edit the config file instead');
}

function configHelp(ctx: CommandContext): void {
  helpLines(ctx, [
    'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands:',
    'GET <pattern> [<pattern> ...]   -- parameters matching the glob-style patterns, with their values.',
    'SET <name> <value> [<name> <value> ...] -- change parameters at run time (all or none).',
    'RESETSTAT                      -- reset the statistics reported by INFO.',
    'REWRITE                        -- not supported by tierkv.',
    'HELP                           -- this text.',
  ]);
}

// MEMORY ---------------------------------------------------------------------------------------------------------

/**
 * MEMORY USAGE: bytes the key costs in tierkv: its chunk in the arena (item size rounded up to its slab class)
 * plus its share of the hash index (8 bytes per slot over the load factor), plus, for a hash or set in the hashtable
 * encoding, the bytes of its table and element chunks.
 */
function memoryUsage(ctx: CommandContext): void {
  const a = ctx.argv;
  // SAMPLES <count> may repeat (Redis memoryCommand): a non-integer count is "not an integer", a negative one or
  // any other word a syntax error. tierkv's figure is exact, so the count is not used.
  for (let j = 3; j < a.argc; j++) {
    if (argIs(a, j, 'samples') && j + 1 < a.argc) {
      if (!argLL(a, j + 1)) {
        ctx.reply.error(ERR.notInteger);
        return;
      }
      if (LL.value < 0) {
        ctx.reply.error(ERR.syntax);
        return;
      }
      j++;
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }
  const ks = ctx.ks;
  // Like Redis (a plain dictFind), an expired key not yet deleted is still measured, and no statistics count.
  if (!ks.find(a.buf, a.argOff[2], a.argLen[2])) {
    ctx.reply.nullBulk();
    return;
  }
  const index = ks.index;
  const slotShare = Math.ceil((index.bytes() / Math.max(1, index.size)));
  // A hash or set in its hashtable encoding also holds its table and element chunks (aux bytes).
  ctx.reply.integer(ks.arena.chunkSizeOf(ks.addr) + slotShare + ks.auxBytes());
}

function memoryStats(ctx: CommandContext): void {
  const srv = ctx.server;
  const ks = ctx.ks;
  const arena = ks.arena;
  const used = ks.usedMemory();
  const heap = process.memoryUsage();
  const fields: Array<[string, number | string]> = [
    ['peak.allocated', Math.max(srv.stats.usedMemoryPeak, used)],
    ['total.allocated', used],
    ['startup.allocated', 0],
    ['overhead.total', ks.index.bytes()],
    ['keys.count', ks.keys],
    ['keys.bytes-per-key', ks.keys > 0 ? Math.round(used / ks.keys) : 0],
    ['dataset.bytes', arena.usedBytes()],
    ['index.bytes', ks.index.bytes()],
    ['arena.bytes', arena.arenaBytes()],
    ['arena.requested', arena.tierRequested[TIER_HOT] + arena.tierRequested[TIER_COLD]],
    ['arena.rounding', arena.usedBytes() - (arena.tierRequested[TIER_HOT] + arena.tierRequested[TIER_COLD])],
    ['hot.bytes', arena.tierUsed[TIER_HOT]],
    ['cold.bytes', arena.tierUsed[TIER_COLD]],
    ['js.heap.used', heap.heapUsed],
    ['js.heap.total', heap.heapTotal],
  ];
  ctx.reply.mapLen(fields.length);
  for (const [k, v] of fields) {
    ctx.reply.bulkString(k);
    ctx.reply.integer(v as number);
  }
}

function memoryDoctor(ctx: CommandContext): void {
  const arena = ctx.ks.arena;
  const used = arena.usedBytes();
  const req = arena.tierRequested[TIER_HOT] + arena.tierRequested[TIER_COLD];
  const waste = used > 0 ? ((used - req) * 100) / used : 0;
  ctx.reply.verbatim(
    `Arena: ${arena.arenaBytes()} bytes in extents, ${used} bytes in chunks, ${waste.toFixed(1)}% of chunk bytes lost to ` +
      `slab-class rounding.${waste > 20 ? ' Consider a smaller slab-growth-factor.' : ''}\n`,
  );
}

function memoryPurge(ctx: CommandContext): void {
  ctx.ks.arena.trimEmptyExtents(0);
  forceGc();
  ctx.reply.ok();
}

function memoryHelp(ctx: CommandContext): void {
  helpLines(ctx, [
    'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands:',
    'USAGE <key> [SAMPLES <count>] -- bytes a key uses (arena chunk plus its share of the index).',
    'STATS                         -- memory figures of the arena, the index and the JS heap.',
    'DOCTOR                        -- a short diagnosis of the arena.',
    'PURGE                         -- release empty extents and run a garbage collection if exposed.',
    'HELP                          -- this text.',
  ]);
}

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], parsed as Redis 7.0 (shutdownCommand): an unknown word, ABORT with
 * any other option, or NOSAVE with SAVE is a syntax error; ABORT alone answers that no shutdown is in progress
 * (tierkv's shutdown is immediate). SAVE asks for a snapshot that tierkv cannot write (it does not persist): it
 * answers as redis-server 7.0.15 does when its final save fails, "-ERR Errors trying to SHUTDOWN. Check logs.",
 * logs why and keeps running; SAVE FORCE exits anyway, as Redis does after a failed save with FORCE. Anything
 * else stops the server without a reply (`save` points are accepted with no effect, so there is nothing to save).
 */
function shutdownCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  let save = false;
  let nosave = false;
  let other = false;
  let force = false;
  let abort = false;
  for (let j = 1; j < a.argc; j++) {
    if (argIs(a, j, 'nosave')) nosave = true;
    else if (argIs(a, j, 'save')) save = true;
    else if (argIs(a, j, 'force')) other = force = true;
    else if (argIs(a, j, 'now')) other = true;
    else if (argIs(a, j, 'abort')) abort = true;
    else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }
  if ((abort && (save || nosave || other)) || (save && nosave)) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  if (abort) {
    ctx.reply.error('ERR No shutdown in progress.');
    return;
  }
  if (save) {
    if (!force) {
      ctx.server.log.warn('SHUTDOWN SAVE: tierkv does not persist, no snapshot can be saved; not shutting down (use SHUTDOWN or SHUTDOWN NOSAVE, or SAVE FORCE to exit anyway)');
      ctx.reply.error('ERR Errors trying to SHUTDOWN. Check logs.');
      return;
    }
    ctx.server.log.warn('SHUTDOWN SAVE FORCE: tierkv does not persist, nothing was saved; exiting anyway');
  }
  ctx.server.requestShutdown();
  // Like Redis, no reply: the connection is closed by the shutdown.
}

const NOKEYS = { firstKey: 0, lastKey: 0, step: 0 };
const S = { group: 'server' };

/** The server commands of the table. */
export const serverCommands: CommandSpec[] = [
  { name: 'info', arity: -1, flags: ['loading', 'stale'], ...NOKEYS, ...S, acl: ['slow', 'dangerous'], since: '1.0.0',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    summary: 'Returns information and statistics about the server (Redis field names, plus tierkv tiers).',
    complexity: 'O(1)', handler: infoCommand, arguments: [{ name: 'section', type: 'string', optional: true, multiple: true }] },
  { name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], ...NOKEYS, ...S, acl: ['keyspace', 'read', 'fast'], since: '1.0.0',
    summary: 'Returns the number of keys.', complexity: 'O(1)', handler: dbsizeCommand,
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'] },
  { name: 'flushdb', arity: -1, flags: ['write'], ...NOKEYS, ...S, acl: ['keyspace', 'write', 'slow', 'dangerous'], since: '1.0.0',
    summary: 'Removes every key (in O(extents), so SYNC and ASYNC are both immediate).', complexity: 'O(number of extents)',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler: flushCommand, arguments: [{ name: 'async', type: 'oneof', optional: true, arguments: [
      { name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' }, { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' }] }] },
  { name: 'flushall', arity: -1, flags: ['write'], ...NOKEYS, ...S, acl: ['keyspace', 'write', 'slow', 'dangerous'], since: '1.0.0',
    summary: 'Removes every key of every database (tierkv has one).', complexity: 'O(number of extents)',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler: flushCommand, arguments: [{ name: 'async', type: 'oneof', optional: true, arguments: [
      { name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' }, { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' }] }] },
  { name: 'time', arity: 1, flags: ['loading', 'stale', 'fast'], ...NOKEYS, ...S, acl: ['fast'], since: '2.6.0',
    summary: 'Returns the server time as seconds and microseconds.', complexity: 'O(1)', handler: timeCommand,
    tips: ['nondeterministic_output'] },
  { name: 'config', arity: -2, flags: [], ...NOKEYS, ...S, acl: ['slow'], since: '2.0.0',
    summary: 'A container for server configuration commands.', complexity: 'Depends on subcommand.',
    subcommands: [
      { name: 'get', arity: -3, flags: ['admin', 'noscript', 'loading', 'stale'], ...NOKEYS, ...S, acl: ['admin', 'slow', 'dangerous'],
        since: '2.0.0', summary: 'Returns the parameters matching glob patterns, with their values.',
        complexity: 'O(N) when N is the number of configuration parameters provided', handler: configGet,
        arguments: [{ name: 'parameter', type: 'block', multiple: true, arguments: [{ name: 'parameter', type: 'string' }] }] },
      { name: 'set', arity: -4, flags: ['admin', 'noscript', 'loading', 'stale'], ...NOKEYS, ...S, acl: ['admin', 'slow', 'dangerous'],
        since: '2.0.0', summary: 'Changes parameters at run time, all or none.',
        complexity: 'O(N) when N is the number of configuration parameters provided', handler: configSet,
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        arguments: [{ name: 'parameter_value', type: 'block', multiple: true, arguments: [{ name: 'parameter', type: 'string' }, { name: 'value', type: 'string' }] }] },
      { name: 'resetstat', arity: 2, flags: ['admin', 'noscript', 'loading', 'stale'], ...NOKEYS, ...S, acl: ['admin', 'slow', 'dangerous'],
        since: '2.0.0', summary: 'Resets the statistics reported by INFO.', complexity: 'O(1)', handler: configResetstat },
      { name: 'rewrite', arity: 2, flags: ['admin', 'noscript', 'loading', 'stale'], ...NOKEYS, ...S, acl: ['admin', 'slow', 'dangerous'],
        since: '2.8.0', summary: 'Not supported by tierkv.', complexity: 'O(1)', handler: configRewrite },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], ...NOKEYS, ...S, acl: ['slow'], since: '5.0.0',
        summary: 'Returns helpful text about the different subcommands.', complexity: 'O(1)', handler: configHelp },
    ] },
  { name: 'memory', arity: -2, flags: [], ...NOKEYS, ...S, acl: ['slow'], since: '4.0.0',
    summary: 'A container for memory diagnostics commands.', complexity: 'Depends on subcommand.',
    subcommands: [
      { name: 'usage', arity: -3, flags: ['readonly'], firstKey: 2, lastKey: 2, step: 1, ...S, acl: ['read', 'slow'], since: '4.0.0',
        summary: 'Returns the bytes a key uses (its arena chunk plus its share of the index).', complexity: 'O(1)', handler: memoryUsage,
        keySpecs: [keySpec(['RO'], 2)],
        arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'count', type: 'integer', token: 'SAMPLES', optional: true }] },
      { name: 'stats', arity: 2, flags: [], ...NOKEYS, ...S, acl: ['slow'], since: '4.0.0',
        summary: 'Returns memory figures of the arena, the index and the JS heap.', complexity: 'O(1)', handler: memoryStats,
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'] },
      { name: 'doctor', arity: 2, flags: [], ...NOKEYS, ...S, acl: ['slow'], since: '4.0.0',
        summary: 'Returns a short diagnosis of the arena.', complexity: 'O(1)', handler: memoryDoctor,
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'] },
      { name: 'purge', arity: 2, flags: [], ...NOKEYS, ...S, acl: ['slow'], since: '4.0.0',
        summary: 'Releases empty extents to the OS.', complexity: 'O(number of extents)', handler: memoryPurge,
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'] },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], ...NOKEYS, ...S, acl: ['slow'], since: '4.0.0',
        summary: 'Returns helpful text about the different subcommands.', complexity: 'O(1)', handler: memoryHelp },
    ] },
  { name: 'shutdown', arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'], ...NOKEYS, ...S,
    acl: ['admin', 'slow', 'dangerous'], since: '1.0.0', summary: 'Stops the server (tierkv keeps no data on disk).',
    complexity: 'O(1)', handler: shutdownCommand,
    arguments: [
      { name: 'nosave_save', type: 'oneof', optional: true, arguments: [
        { name: 'nosave', type: 'pure-token', token: 'NOSAVE' }, { name: 'save', type: 'pure-token', token: 'SAVE' }] },
      { name: 'now', type: 'pure-token', token: 'NOW', optional: true, since: '7.0.0' },
      { name: 'force', type: 'pure-token', token: 'FORCE', optional: true, since: '7.0.0' },
      { name: 'abort', type: 'pure-token', token: 'ABORT', optional: true, since: '7.0.0' }] },
];
