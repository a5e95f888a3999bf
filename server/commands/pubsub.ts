/**
 * Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH SSUBSCRIBE SUNSUBSCRIBE SPUBLISH and PUBSUB
 * (CHANNELS NUMSUB NUMPAT SHARDCHANNELS SHARDNUMSUB HELP), as Redis 7.0 (src/pubsub.c), checked against
 * redis-server 7.0.15. The registry and the fan-out are server/pubsub/pubsub.ts; the RESP2 subscribed-mode rule is
 * enforced by dispatch (server-core.ts execute).
 */
import { globMatch } from '../keyspace/glob.js';
import type { ClientPubSub } from '../pubsub/pubsub.js';
import { argLatin1 } from './args.js';
import type { CommandContext } from './context.js';
import { helpLines } from './reply-helpers.js';
import type { CommandSpec, KeySpec } from './types.js';

/** `(p|s)(un)subscribe` confirmation: push of [kind, name or null, count]. */
function confirm(ctx: CommandContext, kind: string, name: string | null, count: number): void {
  const w = ctx.reply;
  w.pushLen(3);
  w.bulkString(kind);
  if (name === null) w.nullBulk();
  else {
    const b = Buffer.from(name, 'latin1');
    w.bulk(b, 0, b.length);
  }
  w.integer(count);
}

function count(s: ClientPubSub | null, shard: boolean): number {
  if (s === null) return 0;
  return shard ? s.shard.size : s.count();
}

function subscribeGeneric(ctx: CommandContext, shard: boolean): void {
  const c = ctx.client;
  const a = ctx.argv;
  // Redis 7.0: EXEC runs its commands as a "deny blocking" client, and only SUBSCRIBE has the MULTI exception.
  if (shard && c.execCount >= 0) {
    ctx.reply.error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    return;
  }
  const ps = ctx.server.pubsub;
  for (let j = 1; j < a.argc; j++) {
    const name = argLatin1(a, j);
    ps.subscribe(c, name, shard);
    confirm(ctx, shard ? 'ssubscribe' : 'subscribe', name, count(c.pubsub, shard));
  }
}

function unsubscribeGeneric(ctx: CommandContext, shard: boolean): void {
  const c = ctx.client;
  const a = ctx.argv;
  const ps = ctx.server.pubsub;
  const kind = shard ? 'sunsubscribe' : 'unsubscribe';
  if (a.argc === 1) {
    const mine = c.pubsub === null ? [] : [...(shard ? c.pubsub.shard : c.pubsub.channels)];
    for (const name of mine) {
      ps.unsubscribe(c, name, shard);
      confirm(ctx, kind, name, count(c.pubsub, shard));
    }
    if (mine.length === 0) confirm(ctx, kind, null, count(c.pubsub, shard));
    return;
  }
  for (let j = 1; j < a.argc; j++) {
    const name = argLatin1(a, j);
    ps.unsubscribe(c, name, shard);
    confirm(ctx, kind, name, count(c.pubsub, shard));
  }
}

function subscribeCommand(ctx: CommandContext): void {
  subscribeGeneric(ctx, false);
}

function ssubscribeCommand(ctx: CommandContext): void {
  subscribeGeneric(ctx, true);
}

function unsubscribeCommand(ctx: CommandContext): void {
  unsubscribeGeneric(ctx, false);
}

function sunsubscribeCommand(ctx: CommandContext): void {
  unsubscribeGeneric(ctx, true);
}

function psubscribeCommand(ctx: CommandContext): void {
  const c = ctx.client;
  const a = ctx.argv;
  const ps = ctx.server.pubsub;
  for (let j = 1; j < a.argc; j++) {
    const name = argLatin1(a, j);
    ps.psubscribe(c, name);
    confirm(ctx, 'psubscribe', name, count(c.pubsub, false));
  }
}

function punsubscribeCommand(ctx: CommandContext): void {
  const c = ctx.client;
  const a = ctx.argv;
  const ps = ctx.server.pubsub;
  if (a.argc === 1) {
    const mine = c.pubsub === null ? [] : [...c.pubsub.patterns];
    for (const name of mine) {
      ps.punsubscribe(c, name);
      confirm(ctx, 'punsubscribe', name, count(c.pubsub, false));
    }
    if (mine.length === 0) confirm(ctx, 'punsubscribe', null, count(c.pubsub, false));
    return;
  }
  for (let j = 1; j < a.argc; j++) {
    const name = argLatin1(a, j);
    ps.punsubscribe(c, name);
    confirm(ctx, 'punsubscribe', name, count(c.pubsub, false));
  }
}

function publishGeneric(ctx: CommandContext, shard: boolean): void {
  const a = ctx.argv;
  const n = ctx.server.pubsub.publish(a.buf, a.argOff[1], a.argLen[1], a.buf, a.argOff[2], a.argLen[2], shard);
  ctx.reply.integer(n);
}

function publishCommand(ctx: CommandContext): void {
  publishGeneric(ctx, false);
}

function spublishCommand(ctx: CommandContext): void {
  publishGeneric(ctx, true);
}

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern]. */
function channelList(ctx: CommandContext, shard: boolean): void {
  const a = ctx.argv;
  if (a.argc > 3) {
    ctx.reply.errorLatin1(`ERR unknown subcommand or wrong number of arguments for '${argLatin1(a, 1)}'. Try PUBSUB HELP.`);
    return;
  }
  const reg = shard ? ctx.server.pubsub.shardChannels : ctx.server.pubsub.channels;
  const out: Buffer[] = [];
  for (const name of reg.keys()) {
    const b = Buffer.from(name, 'latin1');
    if (a.argc === 2 || globMatch(a.buf, a.argOff[2], a.argLen[2], b, 0, b.length, false)) out.push(b);
  }
  ctx.reply.arrayLen(out.length);
  for (const b of out) ctx.reply.bulk(b, 0, b.length);
}

/** PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: flat channel, count pairs. */
function numsub(ctx: CommandContext, shard: boolean): void {
  const a = ctx.argv;
  const reg = shard ? ctx.server.pubsub.shardChannels : ctx.server.pubsub.channels;
  ctx.reply.arrayLen((a.argc - 2) * 2);
  for (let j = 2; j < a.argc; j++) {
    ctx.reply.bulk(a.buf, a.argOff[j], a.argLen[j]);
    ctx.reply.integer(reg.get(argLatin1(a, j))?.size ?? 0);
  }
}

function pubsubHelp(ctx: CommandContext): void {
  helpLines(ctx, [
    'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'CHANNELS [<pattern>]',
    "    Return the currently active channels matching a <pattern> (default: '*').",
    'NUMPAT',
    '    Return number of subscriptions to patterns.',
    'NUMSUB [<channel> ...]',
    '    Return the number of subscribers for the specified channels, excluding',
    '    pattern subscriptions(default: no channels).',
    'SHARDCHANNELS [<pattern>]',
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    'SHARDNUMSUB [<shardchannel> ...]',
    '    Return the number of subscribers for the specified shard level channel(s)',
    'HELP',
    '    Prints this help.',
  ]);
}

const G = { group: 'pubsub' };
const NOKEYS = { firstKey: 0, lastKey: 0, step: 0 };
const SUB = ['pubsub', 'noscript', 'loading', 'stale'];
const PUB = ['pubsub', 'loading', 'stale', 'fast'];
const SLOW = ['pubsub', 'slow'];
/** Shard channels are declared as keys (not_key) so that a cluster proxy routes them, as Redis declares them. */
const shardKeys = (lastKey: number): { firstKey: number; lastKey: number; step: number; keySpecs: KeySpec[] } => ({
  firstKey: 1,
  lastKey: lastKey < 0 ? lastKey : 1 + lastKey,
  step: 1,
  keySpecs: [{ flags: ['not_key'], index: 1, lastKey, keyStep: 1, limit: 0 }],
});

/** The pub/sub commands of the table. */
export const pubsubCommands: CommandSpec[] = [
  { name: 'subscribe', arity: -2, flags: SUB, ...NOKEYS, ...G, acl: SLOW, since: '2.0.0',
    summary: 'Listens for messages published to the given channels.', complexity: 'O(N) where N is the number of channels to subscribe to.',
    handler: subscribeCommand, arguments: [{ name: 'channel', type: 'string', multiple: true }] },
  { name: 'unsubscribe', arity: -1, flags: SUB, ...NOKEYS, ...G, acl: SLOW, since: '2.0.0',
    summary: 'Stops listening to the given channels (all of them without arguments).',
    complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
    handler: unsubscribeCommand, arguments: [{ name: 'channel', type: 'string', optional: true, multiple: true }] },
  { name: 'psubscribe', arity: -2, flags: SUB, ...NOKEYS, ...G, acl: SLOW, since: '2.0.0',
    summary: 'Listens for messages published to channels matching the given glob patterns.',
    complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
    handler: psubscribeCommand,
    arguments: [{ name: 'pattern', type: 'block', multiple: true, arguments: [{ name: 'pattern', type: 'pattern' }] }] },
  { name: 'punsubscribe', arity: -1, flags: SUB, ...NOKEYS, ...G, acl: SLOW, since: '2.0.0',
    summary: 'Stops listening to the given patterns (all of them without arguments).',
    complexity: 'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
    handler: punsubscribeCommand, arguments: [{ name: 'pattern', type: 'pattern', optional: true, multiple: true }] },
  { name: 'publish', arity: 3, flags: PUB, ...NOKEYS, ...G, acl: ['pubsub', 'fast'], since: '2.0.0',
    summary: 'Posts a message to a channel; returns the number of clients that received it.',
    complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    handler: publishCommand, arguments: [{ name: 'channel', type: 'string' }, { name: 'message', type: 'string' }] },
  { name: 'ssubscribe', arity: -2, flags: SUB, ...shardKeys(-1), ...G, acl: SLOW, since: '7.0.0',
    summary: 'Listens for messages published to the given shard channels.',
    complexity: 'O(N) where N is the number of shard channels to subscribe to.',
    handler: ssubscribeCommand, arguments: [{ name: 'shardchannel', type: 'string', multiple: true }] },
  { name: 'sunsubscribe', arity: -1, flags: SUB, ...shardKeys(-1), ...G, acl: SLOW, since: '7.0.0',
    summary: 'Stops listening to the given shard channels (all of them without arguments).',
    complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.',
    handler: sunsubscribeCommand, arguments: [{ name: 'shardchannel', type: 'string', optional: true, multiple: true }] },
  { name: 'spublish', arity: 3, flags: PUB, ...shardKeys(0), ...G, acl: ['pubsub', 'fast'], since: '7.0.0',
    summary: 'Posts a message to a shard channel; returns the number of clients that received it.',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    handler: spublishCommand, arguments: [{ name: 'shardchannel', type: 'string' }, { name: 'message', type: 'string' }] },
  { name: 'pubsub', arity: -2, flags: [], ...NOKEYS, ...G, acl: ['slow'], since: '2.8.0',
    summary: 'A container for Pub/Sub introspection commands.', complexity: 'Depends on subcommand.',
    subcommands: [
      { name: 'channels', arity: -2, flags: ['pubsub', 'loading', 'stale'], ...NOKEYS, ...G, acl: SLOW, since: '2.8.0',
        summary: 'Lists the active channels (optionally those matching a pattern).',
        complexity: 'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
        handler: (ctx) => channelList(ctx, false), arguments: [{ name: 'pattern', type: 'pattern', optional: true }] },
      { name: 'numsub', arity: -2, flags: ['pubsub', 'loading', 'stale'], ...NOKEYS, ...G, acl: SLOW, since: '2.8.0',
        summary: 'Returns the number of subscribers of each channel given.',
        complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
        handler: (ctx) => numsub(ctx, false), arguments: [{ name: 'channel', type: 'string', optional: true, multiple: true }] },
      { name: 'numpat', arity: 2, flags: ['pubsub', 'loading', 'stale'], ...NOKEYS, ...G, acl: SLOW, since: '2.8.0',
        summary: 'Returns the number of unique patterns subscribed to.', complexity: 'O(1)',
        handler: (ctx) => ctx.reply.integer(ctx.server.pubsub.patterns.size) },
      { name: 'shardchannels', arity: -2, flags: ['pubsub', 'loading', 'stale'], ...NOKEYS, ...G, acl: SLOW, since: '7.0.0',
        summary: 'Lists the active shard channels (optionally those matching a pattern).',
        complexity: 'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
        handler: (ctx) => channelList(ctx, true), arguments: [{ name: 'pattern', type: 'pattern', optional: true }] },
      { name: 'shardnumsub', arity: -2, flags: ['pubsub', 'loading', 'stale'], ...NOKEYS, ...G, acl: SLOW, since: '7.0.0',
        summary: 'Returns the number of subscribers of each shard channel given.',
        complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
        handler: (ctx) => numsub(ctx, true), arguments: [{ name: 'shardchannel', type: 'string', optional: true, multiple: true }] },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], ...NOKEYS, ...G, acl: ['slow'], since: '6.2.0',
        summary: 'Returns helpful text about the different subcommands.', complexity: 'O(1)', handler: pubsubHelp },
    ] },
];
