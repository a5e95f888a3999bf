/**
 * Connection commands: PING ECHO QUIT SELECT HELLO AUTH and CLIENT (ID SETNAME GETNAME SETINFO LIST INFO KILL
 * PAUSE UNPAUSE NO-EVICT NO-TOUCH HELP). Semantics and error texts follow Redis 7.2 (src/networking.c clientCommand,
 * helloCommand; src/acl.c authCommand); CLIENT SETINFO is 7.2's, which node-redis and ioredis send.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Client } from '../core/client.js';
import { REDIS_COMPAT_VERSION } from '../config/version.js';
import { PAUSE_ALL, PAUSE_WRITE } from '../core/client-pause.js';
import { argCStr, argIs, argLL, argLatin1, LL } from './args.js';
import type { CommandContext } from './context.js';
import { dbIndexArg, ERR, helpLines } from './reply-helpers.js';
import type { CommandSpec } from './types.js';

function pingCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  if (a.argc > 2) {
    ctx.reply.error(`ERR wrong number of arguments for 'ping' command`);
    return;
  }
  // Pub/sub: in RESP2 subscribed mode PING answers ["pong", message or ""] (Redis pingCommand).
  if (ctx.client.pubsub !== null && ctx.client.proto === 2) {
    ctx.reply.arrayLen(2);
    ctx.reply.bulkString('pong');
    if (a.argc === 1) ctx.reply.bulkString('');
    else ctx.reply.bulk(a.buf, a.argOff[1], a.argLen[1]);
    return;
  }
  if (a.argc === 1) ctx.reply.simple('PONG');
  else ctx.reply.bulk(a.buf, a.argOff[1], a.argLen[1]);
}

function echoCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  ctx.reply.bulk(a.buf, a.argOff[1], a.argLen[1]);
}

function quitCommand(ctx: CommandContext): void {
  ctx.reply.ok();
  ctx.client.closeAfterReply = true;
}

function selectCommand(ctx: CommandContext): void {
  if (dbIndexArg(ctx, 1)) ctx.reply.ok();
}

/** Compares a password with requirepass in constant time. */
function passwordMatches(ctx: CommandContext, idx: number): boolean {
  const want = Buffer.from(ctx.server.config.requirepass, 'utf8');
  const a = ctx.argv;
  const got = a.buf.subarray(a.argOff[idx], a.argOff[idx] + a.argLen[idx]);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * Authenticates `c` as the default user with the password at argument `passIdx` (user at `userIdx`, or -1).
 * Writes the error reply and returns false on failure. tierkv has one user, "default", as Redis without ACLs.
 */
function authenticate(ctx: CommandContext, userIdx: number, passIdx: number): boolean {
  const nopass = ctx.server.config.requirepass === '';
  const userOk = userIdx < 0 || argIs(ctx.argv, userIdx, 'default');
  if (userOk && (nopass || passwordMatches(ctx, passIdx))) {
    ctx.client.setAuthenticated(true);
    return true;
  }
  ctx.reply.error(ERR.wrongPass);
  return false;
}

function authCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  if (a.argc > 3) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  if (a.argc === 2) {
    if (ctx.server.config.requirepass === '') {
      ctx.reply.error(
        'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      );
      return;
    }
    if (authenticate(ctx, -1, 1)) ctx.reply.ok();
    return;
  }
  if (authenticate(ctx, 1, 2)) ctx.reply.ok();
}

/** True when a client name or library attribute is printable ASCII without spaces (Redis validateClientName). */
function validName(ctx: CommandContext, i: number): boolean {
  const a = ctx.argv;
  const b = a.buf;
  for (let j = a.argOff[i]; j < a.argOff[i] + a.argLen[i]; j++) if (b[j] < 33 || b[j] > 126) return false;
  return true;
}

const BAD_NAME = 'ERR Client names cannot contain spaces, newlines or special characters.';

function helloCommand(ctx: CommandContext): void {
  const a = ctx.argv;
  const c = ctx.client;
  let ver = 0;
  let next = 1;
  if (a.argc >= 2) {
    if (!argLL(a, 1)) {
      ctx.reply.error('ERR Protocol version is not an integer or out of range');
      return;
    }
    ver = LL.big !== null ? 0x7fffffff : LL.value;
    next = 2;
    if (ver < 2 || ver > 3) {
      ctx.reply.error('NOPROTO unsupported protocol version');
      return;
    }
  }
  // Options in order, as redis-server 7.0.15 does: AUTH authenticates at once and SETNAME names the client at once
  // (a failure answers and stops; what an earlier option did stays).
  for (let j = next; j < a.argc; j++) {
    const more = a.argc - 1 - j;
    if (argIs(a, j, 'auth') && more >= 2) {
      if (!authenticate(ctx, j + 1, j + 2)) return;
      j += 2;
    } else if (argIs(a, j, 'setname') && more >= 1) {
      if (!validName(ctx, j + 1)) {
        ctx.reply.error(BAD_NAME);
        return;
      }
      c.name = argLatin1(a, j + 1);
      j++;
    } else {
      ctx.reply.errorLatin1(`ERR Syntax error in HELLO option '${argCStr(a, j)}'`);
      return;
    }
  }
  if (!c.authenticated) {
    ctx.reply.error(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
    return;
  }
  if (ver !== 0) {
    c.proto = ver as 2 | 3;
    ctx.reply.proto = c.proto;
  }
  const r = ctx.reply;
  r.mapLen(7);
  r.bulkString('server');
  r.bulkString('redis');
  r.bulkString('version');
  r.bulkString(REDIS_COMPAT_VERSION);
  r.bulkString('proto');
  r.integer(c.proto);
  r.bulkString('id');
  r.integer(c.id);
  r.bulkString('mode');
  r.bulkString('standalone');
  r.bulkString('role');
  r.bulkString('master');
  r.bulkString('modules');
  r.arrayLen(0);
}

// CLIENT ---------------------------------------------------------------------------------------------------------

/**
 * CLIENT LIST `flags=`: Redis's letters, in Redis's order, for what tierkv has (x in a transaction, also while EXEC
 * runs it; O monitor; P pub/sub; b blocked; d a WATCHed key changed; c closing after the reply; U Unix socket; e no-evict; T no-touch),
 * else N.
 */
function clientFlags(c: Client): string {
  let f = c.monitor ? 'O' : ''; // monitor mode
  if (c.pubsub !== null) f += 'P'; // pub/sub mode
  if (c.multi !== null || c.execCount >= 0) f += 'x';
  if (c.blocked) f += 'b';
  if (c.watchDirty) f += 'd';
  if (c.closeAfterReply) f += 'c';
  if (c.socket !== null && c.socket.remoteAddress === undefined) f += 'U';
  if (c.noEvict) f += 'e';
  if (c.noTouch) f += 'T';
  return f === '' ? 'N' : f;
}

/** One CLIENT LIST line (without the trailing newline), with Redis 7.2's fields. */
export function clientInfoLine(ctx: CommandContext, c: Client): string {
  const now = ctx.ks.now;
  const qbuf = c.parser.bufferedBytes();
  // No per-client reply buffer or list (obl, oll 0): replies go from the shared writer to the socket. omem is the
  // memory the unsent replies hold (client.ts outputMemory: not the arena values they reference).
  const omem = c.outputMemory();
  const events = c.unsentBytes() > 0 ? 'rw' : 'r';
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name} age=${seconds(now - c.createdAt)}` +
    ` idle=${seconds(now - c.lastInteraction)} flags=${clientFlags(c)} db=0 sub=${c.pubsub?.channels.size ?? 0} psub=${c.pubsub?.patterns.size ?? 0} ssub=${c.pubsub?.shard.size ?? 0} multi=${c.multi !== null ? c.multi.length : c.execCount} qbuf=${qbuf}` +
    ` qbuf-free=0 argv-mem=0 multi-mem=0 rbs=${qbuf} rbp=${qbuf} obl=0 oll=0 omem=${omem} tot-mem=${qbuf + omem}` +
    ` events=${events} cmd=${c.lastCmd} user=default redir=-1 resp=${c.proto} lib-name=${c.libName} lib-ver=${c.libVer}`
  );
}

/**
 * Whole seconds of `ms`, never negative: `now` is the command's time (from the monotonic clock), a read's or a
 * connection's time is Date.now(), which can be up to a millisecond ahead of it.
 */
function seconds(ms: number): number {
  return ms > 0 ? Math.floor(ms / 1000) : 0;
}

function clientId(ctx: CommandContext): void {
  ctx.reply.integer(ctx.client.id);
}

function clientSetname(ctx: CommandContext): void {
  if (!validName(ctx, 2)) {
    ctx.reply.error(BAD_NAME);
    return;
  }
  ctx.client.name = argLatin1(ctx.argv, 2);
  ctx.reply.ok();
}

function clientGetname(ctx: CommandContext): void {
  if (ctx.client.name === '') ctx.reply.nullBulk();
  else ctx.reply.bulkString(ctx.client.name);
}

function clientSetinfo(ctx: CommandContext): void {
  const a = ctx.argv;
  const isName = argIs(a, 2, 'lib-name');
  if (!isName && !argIs(a, 2, 'lib-ver')) {
    ctx.reply.errorLatin1(`ERR Unrecognized option '${argCStr(a, 2)}'`);
    return;
  }
  if (!validName(ctx, 3)) {
    ctx.reply.error(`ERR ${isName ? 'lib-name' : 'lib-ver'} cannot contain spaces, newlines or special characters.`);
    return;
  }
  if (isName) ctx.client.libName = argLatin1(a, 3);
  else ctx.client.libVer = argLatin1(a, 3);
  ctx.reply.ok();
}

/** Redis's client type names (getClientTypeByName): 'normal', 'pubsub', 'other' (replica, master), null if unknown. */
function clientType(name: string): string | null {
  const t = name.toLowerCase();
  if (t === 'normal' || t === 'pubsub') return t;
  return t === 'slave' || t === 'replica' || t === 'master' ? 'other' : null;
}

/** The type of a client (Redis getClientType): pubsub while it has subscriptions, else normal. */
function typeOf(c: Client): string {
  return c.pubsub !== null ? 'pubsub' : 'normal';
}

/** CLIENT LIST [TYPE t] | [ID id ...], as Redis 7.0: TYPE only as the sole option, IDs listed in argument order. */
function clientList(ctx: CommandContext): void {
  const a = ctx.argv;
  const clients = ctx.server.clients;
  let out = '';
  if (a.argc === 4 && argIs(a, 2, 'type')) {
    const type = clientType(argLatin1(a, 3));
    if (type === null) {
      ctx.reply.errorLatin1(`ERR Unknown client type '${argCStr(a, 3)}'`);
      return;
    }
    for (const c of clients.values()) if (typeOf(c) === type) out += clientInfoLine(ctx, c) + '\n';
  } else if (a.argc > 3 && argIs(a, 2, 'id')) {
    for (let j = 3; j < a.argc; j++) {
      if (!argLL(a, j)) {
        ctx.reply.error('ERR Invalid client ID');
        return;
      }
      const c = LL.big === null ? clients.get(LL.value) : undefined;
      if (c !== undefined) out += clientInfoLine(ctx, c) + '\n';
    }
  } else if (a.argc !== 2) {
    ctx.reply.error(ERR.syntax);
    return;
  } else {
    for (const c of clients.values()) out += clientInfoLine(ctx, c) + '\n';
  }
  ctx.reply.verbatim(out);
}

function clientInfo(ctx: CommandContext): void {
  ctx.reply.verbatim(clientInfoLine(ctx, ctx.client) + '\n');
}

/**
 * CLIENT KILL <ip:port> (may kill the caller; "No such client" when none matches) or CLIENT KILL <filter value>
 * ... (ID, TYPE, ADDR, LADDR, USER, SKIPME; options parsed in order, the first bad one answers), as Redis 7.0
 * (src/networking.c clientCommand).
 */
function clientKill(ctx: CommandContext): void {
  const a = ctx.argv;
  const srv = ctx.server;
  let id = 0;
  let addr: string | null = null;
  let laddr: string | null = null;
  let type: string | null = null;
  let skipMe = true;
  const oldStyle = a.argc === 3;
  if (oldStyle) {
    addr = argCStr(a, 2);
    skipMe = false;
  } else {
    for (let j = 2; j < a.argc; j += 2) {
      const more = a.argc > j + 1;
      const v = j + 1;
      if (more && argIs(a, j, 'id')) {
        // Any id in 1..LONG_MAX, as Redis; one beyond 2^53 names no client (ids count up from 1).
        if (!argLL(a, v) || (LL.big !== null ? LL.big < 1n : LL.value < 1)) {
          ctx.reply.error('ERR client-id should be greater than 0');
          return;
        }
        id = LL.big !== null ? Number.MAX_SAFE_INTEGER + 1 : LL.value;
      } else if (more && argIs(a, j, 'type')) {
        type = clientType(argLatin1(a, v));
        if (type === null) {
          ctx.reply.errorLatin1(`ERR Unknown client type '${argCStr(a, v)}'`);
          return;
        }
      } else if (more && argIs(a, j, 'addr')) addr = argCStr(a, v);
      else if (more && argIs(a, j, 'laddr')) laddr = argCStr(a, v);
      else if (more && argIs(a, j, 'user')) {
        // One user exists: "default" (names are case-sensitive).
        if (argLatin1(a, v) !== 'default') {
          ctx.reply.errorLatin1(`ERR No such user '${argCStr(a, v)}'`);
          return;
        }
      } else if (more && argIs(a, j, 'skipme')) {
        if (argIs(a, v, 'yes')) skipMe = true;
        else if (argIs(a, v, 'no')) skipMe = false;
        else {
          ctx.reply.error(ERR.syntax);
          return;
        }
      } else {
        ctx.reply.error(ERR.syntax);
        return;
      }
    }
  }
  let killed = 0;
  if (type !== 'other') {
    for (const c of [...srv.clients.values()]) {
      if (type !== null && typeOf(c) !== type) continue;
      if (addr !== null && c.addr !== addr) continue;
      if (laddr !== null && c.laddr !== laddr) continue;
      if (id !== 0 && c.id !== id) continue;
      if (skipMe && c === ctx.client) continue;
      killClient(ctx, c);
      killed++;
    }
  }
  if (!oldStyle) ctx.reply.integer(killed);
  else if (killed === 0) ctx.reply.error('ERR No such client');
  else ctx.reply.ok();
}

/** Closes a client: at once, or after the current reply when it is the caller. */
function killClient(ctx: CommandContext, c: Client): void {
  if (c === ctx.client) c.closeAfterReply = true;
  else ctx.server.closeClient(c);
}

/**
 * CLIENT PAUSE timeout [WRITE|ALL] (Redis 7.0 clientCommand): the mode first ("must be WRITE or ALL"), then the
 * timeout in ms (getTimeoutFromObjectOrReply: not an integer, negative; 0 or an end past INT64_MAX, which wraps to a
 * negative time in Redis, pause nothing). The pause itself: core/client-pause.ts.
 */
function clientPause(ctx: CommandContext): void {
  const a = ctx.argv;
  if (a.argc > 4) {
    ctx.reply.errorLatin1(`ERR unknown subcommand or wrong number of arguments for '${argCStr(a, 1).slice(0, 128)}'. Try CLIENT HELP.`);
    return;
  }
  let type = PAUSE_ALL;
  if (a.argc === 4) {
    if (argIs(a, 3, 'write')) type = PAUSE_WRITE;
    else if (!argIs(a, 3, 'all')) {
      ctx.reply.error('ERR CLIENT PAUSE mode must be WRITE or ALL');
      return;
    }
  }
  if (!argLL(a, 2)) {
    ctx.reply.error('ERR timeout is not an integer or out of range');
    return;
  }
  if (LL.big !== null ? LL.big < 0n : LL.value < 0) {
    ctx.reply.error('ERR timeout is negative');
    return;
  }
  const now = Date.now();
  let end = 0;
  if (LL.big !== null) end = BigInt(now) + LL.big > 9223372036854775807n ? -1 : Number(BigInt(now) + LL.big);
  else if (LL.value > 0) end = BigInt(now) + BigInt(LL.value) > 9223372036854775807n ? -1 : now + LL.value;
  ctx.server.pause.pause(end, type);
  ctx.reply.ok();
}

function clientUnpause(ctx: CommandContext): void {
  ctx.server.pause.unpause();
  ctx.reply.ok();
}

/**
 * CLIENT UNBLOCK client-id [TIMEOUT|ERROR] (Redis 7.0 clientCommand): the reason first, then the id; a client blocked
 * on keys (BLPOP...: core/blocking.ts) gets the timeout's null array, or `-UNBLOCKED client unblocked via CLIENT
 * UNBLOCK`, and the reply is 1; else 0 (CLIENT PAUSE's and MIGRATE_PREPARE's waits are not ended).
 */
function clientUnblock(ctx: CommandContext): void {
  const a = ctx.argv;
  if (a.argc > 4) {
    ctx.reply.errorLatin1(`ERR unknown subcommand or wrong number of arguments for '${argCStr(a, 1).slice(0, 128)}'. Try CLIENT HELP.`);
    return;
  }
  let error = false;
  if (a.argc === 4) {
    if (argIs(a, 3, 'error')) error = true;
    else if (!argIs(a, 3, 'timeout')) {
      ctx.reply.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
      return;
    }
  }
  if (!argLL(a, 2)) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  const target = LL.big === null ? ctx.server.clients.get(LL.value) : undefined;
  ctx.reply.integer(target !== undefined && ctx.server.blocking.unblockClient(target, error) ? 1 : 0);
}

/** CLIENT NO-EVICT / NO-TOUCH on|off: recorded for CLIENT LIST (no client eviction, and reads always count). */
function clientOnOff(ctx: CommandContext): void {
  const a = ctx.argv;
  const on = argIs(a, 2, 'on');
  if (!on && !argIs(a, 2, 'off')) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  if (ctx.cmd.name === 'no-evict') ctx.client.noEvict = on;
  else ctx.client.noTouch = on;
  ctx.reply.ok();
}

function clientHelp(ctx: CommandContext): void {
  helpLines(ctx, [
    'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands:',
    'ID                  -- id of this connection.',
    'INFO                -- one CLIENT LIST line about this connection.',
    'LIST [TYPE t] [ID id ...] -- every connection, one line each.',
    'KILL <ip:port> | KILL [ID id] [ADDR ip:port] [LADDR ip:port] [USER u] [TYPE t] [SKIPME yes|no]',
    'SETNAME <name>      -- name this connection; GETNAME returns it.',
    'SETINFO LIB-NAME|LIB-VER <value> -- client library name and version.',
    'NO-EVICT on|off, NO-TOUCH on|off -- accepted for compatibility.',
    'PAUSE <timeout> [WRITE|ALL] -- suspend the clients\' commands (writes only with WRITE) for <timeout> ms.',
    'UNPAUSE             -- end a pause.',
    'UNBLOCK <clientid> [TIMEOUT|ERROR] -- end the wait of a client blocked in BLPOP & co.',
    'HELP                -- this text.',
  ]);
}

const G = { group: 'connection' };
const NOKEYS = { firstKey: 0, lastKey: 0, step: 0 };
const CF = ['noscript', 'loading', 'stale'];

/**
 * RESET (Redis 7.0 resetCommand / clearClientConnectionState): the transaction is discarded and the WATCHes
 * dropped, every channel, pattern and shard channel unsubscribed (no unsubscribe messages), RESP2 again, database
 * 0, the name cleared, and the client is authenticated again only when no requirepass is set. CLIENT NO-EVICT is
 * kept, as redis-server 7.0.15 keeps it (Redis 7.2 clears it); CLIENT NO-TOUCH, tierkv's 7.2 extension, is cleared
 * as Redis 7.2 does.
 */
function resetCommand(ctx: CommandContext): void {
  const c = ctx.client;
  const srv = ctx.server;
  srv.multi.abort(c);
  srv.pubsub.removeClient(c);
  srv.monitors.remove(c); // RESET leaves monitor mode (Redis 7.0 clearClientConnectionState)
  c.proto = 2;
  ctx.reply.proto = 2;
  c.name = '';
  c.noTouch = false;
  const needsAuth = srv.config.requirepass !== '';
  c.parser.requireAuth = needsAuth;
  c.setAuthenticated(!needsAuth);
  ctx.reply.simple('RESET');
}

/** The connection commands of the table. */
export const connectionCommands: CommandSpec[] = [
  { name: 'ping', arity: -1, flags: ['fast'], ...NOKEYS, ...G, acl: ['fast', 'connection'], since: '1.0.0',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    summary: 'Returns PONG, or the message given.', complexity: 'O(1)', handler: pingCommand,
    arguments: [{ name: 'message', type: 'string', optional: true }] },
  { name: 'echo', arity: 2, flags: ['loading', 'stale', 'fast'], ...NOKEYS, ...G, acl: ['fast', 'connection'], since: '1.0.0',
    summary: 'Returns the given string.', complexity: 'O(1)', handler: echoCommand,
    arguments: [{ name: 'message', type: 'string' }] },
  { name: 'quit', arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], ...NOKEYS, ...G,
    acl: ['fast', 'connection'], since: '1.0.0', summary: 'Closes the connection after replying.', complexity: 'O(1)',
    handler: quitCommand },
  { name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], ...NOKEYS, ...G, acl: ['fast', 'connection'], since: '1.0.0',
    summary: 'Selects the database (tierkv has only database 0).', complexity: 'O(1)', handler: selectCommand,
    arguments: [{ name: 'index', type: 'integer' }] },
  { name: 'hello', arity: -1, flags: [...CF, 'fast', 'no_auth', 'allow_busy'], ...NOKEYS, ...G,
    acl: ['fast', 'connection'], since: '6.0.0', summary: 'Handshake: selects RESP2 or RESP3, authenticates, names the connection.',
    complexity: 'O(1)', handler: helloCommand,
    arguments: [{ name: 'arguments', type: 'block', optional: true, arguments: [
      { name: 'protover', type: 'integer' },
      { name: 'username_password', type: 'block', token: 'AUTH', optional: true, arguments: [{ name: 'username', type: 'string' }, { name: 'password', type: 'string' }] },
      { name: 'clientname', type: 'string', token: 'SETNAME', optional: true }] }] },
  { name: 'auth', arity: -2, flags: [...CF, 'fast', 'no_auth', 'allow_busy'], ...NOKEYS, ...G,
    acl: ['fast', 'connection'], since: '1.0.0', summary: 'Authenticates the connection (user "default" and requirepass).',
    complexity: 'O(N) where N is the number of passwords defined for the user', handler: authCommand,
    arguments: [{ name: 'username', type: 'string', optional: true, since: '6.0.0' }, { name: 'password', type: 'string' }] },
  { name: 'reset', arity: 1, flags: [...CF, 'fast', 'no_auth', 'allow_busy'], ...NOKEYS, ...G, acl: ['fast', 'connection'],
    since: '6.2.0', summary: 'Reset the connection', complexity: 'O(1)', handler: resetCommand },
  { name: 'client', arity: -2, flags: [], ...NOKEYS, ...G, acl: ['slow'], since: '2.4.0',
    summary: 'A container for client connection commands.', complexity: 'Depends on subcommand.',
    subcommands: [
      { name: 'id', arity: 2, flags: CF, ...NOKEYS, ...G, acl: ['slow', 'connection'], since: '5.0.0',
        summary: 'Returns the unique id of the connection.', complexity: 'O(1)', handler: clientId },
      { name: 'setname', arity: 3, flags: CF, ...NOKEYS, ...G, acl: ['slow', 'connection'], since: '2.6.9',
        summary: 'Sets the connection name.', complexity: 'O(1)', handler: clientSetname,
        arguments: [{ name: 'connection-name', type: 'string' }] },
      { name: 'getname', arity: 2, flags: CF, ...NOKEYS, ...G, acl: ['slow', 'connection'], since: '2.6.9',
        summary: 'Returns the connection name.', complexity: 'O(1)', handler: clientGetname },
      { name: 'setinfo', arity: 4, flags: CF, ...NOKEYS, ...G, acl: ['slow', 'connection'], since: '7.2.0',
        summary: 'Records the client library name or version for CLIENT LIST.', complexity: 'O(1)', handler: clientSetinfo,
        arguments: [{ name: 'attr', type: 'oneof', arguments: [
          { name: 'libname', type: 'string', token: 'LIB-NAME' }, { name: 'libver', type: 'string', token: 'LIB-VER' }] }] },
      { name: 'list', arity: -2, flags: ['admin', ...CF], ...NOKEYS, ...G, acl: ['admin', 'slow', 'dangerous', 'connection'],
        since: '2.4.0', summary: 'Lists the open connections.', complexity: 'O(N) where N is the number of client connections',
        tips: ['nondeterministic_output'], handler: clientList, arguments: [
          { name: 'normal_master_replica_pubsub', type: 'oneof', token: 'TYPE', optional: true, since: '5.0.0', arguments: [
            { name: 'normal', type: 'pure-token', token: 'NORMAL' }, { name: 'master', type: 'pure-token', token: 'MASTER' },
            { name: 'replica', type: 'pure-token', token: 'REPLICA' }, { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' }] },
          { name: 'id', type: 'block', token: 'ID', optional: true, since: '6.2.0', arguments: [
            { name: 'client-id', type: 'integer', multiple: true }] }] },
      { name: 'info', arity: 2, flags: CF, ...NOKEYS, ...G, acl: ['slow', 'connection'], since: '6.2.0',
        summary: 'Returns information about this connection.', complexity: 'O(1)', tips: ['nondeterministic_output'], handler: clientInfo },
      { name: 'kill', arity: -3, flags: ['admin', ...CF], ...NOKEYS, ...G, acl: ['admin', 'slow', 'dangerous', 'connection'],
        since: '2.4.0', summary: 'Closes connections chosen by address or by filters.',
        complexity: 'O(N) where N is the number of client connections', handler: clientKill,
        arguments: [{ name: 'filter', type: 'oneof', arguments: [
          { name: 'ip:port', type: 'string', deprecatedSince: '2.8.12' },
          { name: 'new-format', type: 'oneof', multiple: true, arguments: [
            { name: 'client-id', type: 'integer', token: 'ID', optional: true, since: '2.8.12' },
            { name: 'normal_master_slave_pubsub', type: 'oneof', token: 'TYPE', optional: true, since: '2.8.12', arguments: [
              { name: 'normal', type: 'pure-token', token: 'NORMAL' }, { name: 'master', type: 'pure-token', token: 'MASTER', since: '3.2.0' },
              { name: 'slave', type: 'pure-token', token: 'SLAVE' }, { name: 'replica', type: 'pure-token', token: 'REPLICA', since: '5.0.0' },
              { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' }] },
            { name: 'username', type: 'string', token: 'USER', optional: true },
            { name: 'ip:port', type: 'string', token: 'ADDR', optional: true },
            { name: 'ip:port', type: 'string', token: 'LADDR', optional: true, since: '6.2.0' },
            { name: 'yes/no', type: 'string', token: 'SKIPME', optional: true }] }] }] },
      { name: 'no-evict', arity: 3, flags: ['admin', ...CF], ...NOKEYS, ...G, acl: ['admin', 'slow', 'dangerous', 'connection'],
        since: '7.0.0', summary: 'Accepted for compatibility (client eviction does not exist in tierkv).', complexity: 'O(1)',
        handler: clientOnOff, arguments: [{ name: 'enabled', type: 'oneof', arguments: [
          { name: 'on', type: 'pure-token', token: 'ON' }, { name: 'off', type: 'pure-token', token: 'OFF' }] }] },
      { name: 'no-touch', arity: 3, flags: CF, ...NOKEYS, ...G, acl: ['slow', 'connection'], since: '7.2.0',
        summary: 'Accepted for compatibility.', complexity: 'O(1)', handler: clientOnOff,
        arguments: [{ name: 'enabled', type: 'oneof', arguments: [
          { name: 'on', type: 'pure-token', token: 'ON' }, { name: 'off', type: 'pure-token', token: 'OFF' }] }] },
      { name: 'pause', arity: -3, flags: ['admin', ...CF], ...NOKEYS, ...G, acl: ['admin', 'slow', 'dangerous', 'connection'],
        since: '2.9.50', summary: 'Stop processing commands from clients for some time', complexity: 'O(1)', handler: clientPause,
        arguments: [{ name: 'timeout', type: 'integer' }, { name: 'mode', type: 'oneof', optional: true, since: '6.2.0', arguments: [
          { name: 'write', type: 'pure-token', token: 'WRITE' }, { name: 'all', type: 'pure-token', token: 'ALL' }] }] },
      { name: 'unpause', arity: 2, flags: ['admin', ...CF], ...NOKEYS, ...G, acl: ['admin', 'slow', 'dangerous', 'connection'],
        since: '6.2.0', summary: 'Resume processing of clients that were paused', complexity: 'O(N) Where N is the number of paused clients',
        handler: clientUnpause },
      { name: 'unblock', arity: -3, flags: ['admin', ...CF], ...NOKEYS, ...G, acl: ['admin', 'slow', 'dangerous', 'connection'],
        since: '5.0.0', summary: 'Ends the wait of a client blocked in BLPOP & co., as a timeout or with an error.',
        complexity: 'O(log N) where N is the number of client connections', handler: clientUnblock,
        arguments: [{ name: 'client-id', type: 'integer' }, { name: 'timeout_error', type: 'oneof', optional: true, arguments: [
          { name: 'timeout', type: 'pure-token', token: 'TIMEOUT' }, { name: 'error', type: 'pure-token', token: 'ERROR' }] }] },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], ...NOKEYS, ...G, acl: ['slow', 'connection'], since: '5.0.0',
        summary: 'Returns helpful text about the different subcommands.', complexity: 'O(1)', handler: clientHelp },
    ] },
];
