/**
 * Blocking list commands (BLPOP BRPOP BLMPOP BLMOVE BRPOPLPUSH, CLIENT UNBLOCK) answer as redis-server 7.0.15:
 * expected bytes captured from it, and every multi-client scenario run against both servers (when redis-server is
 * installed) with the same expected replies. Covers argument errors and their order, immediate service, FIFO order
 * of waiters, the first signalled key serving a client blocked on several keys, timeouts (RESP2 and RESP3 nulls),
 * BLMOVE chains, MULTI/EXEC never blocking, disconnection and CLIENT UNBLOCK, flags=b and blocked_clients, commands
 * pipelined after a blocking one, keys deleted/overwritten/re-created before service (never served stale data),
 * keyspace events of a served pop, MIGRATE_PREPARE while blocked (tierkv only), and ioredis / node-redis.
 */
import { expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describeCompat, type CompatFixture } from '../support/compat.js';
import { RawClient, decodeReply } from '../support/raw-client.js';
import { blockedClients, conn, expectEach, untilBlocked } from '../support/blocking.js';
import { EVENTS_END } from '../support/events.js';
import { sleep, waitUntil } from '../support/wait.js';
import { startTierkvInProcess, startTierkvWithHttp } from '../support/tierkv.js';
import { startServer } from '../../server/net/server.js';
import { ArenaFullError } from '../../allocator/arena.js';

const s = (b: Buffer): string => b.toString('latin1');

describeCompat('blocking list commands', {}, (f) => {
  it('argument errors in Redis order: timeout parsing (float, negative, overflow), WRONGTYPE, BLMPOP numkeys/where/count before the timeout, arity', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['SET', 'str', 'v'], '+OK\r\n');
    const NF = '-ERR timeout is not a float or out of range\r\n';
    const NEG = '-ERR timeout is negative\r\n';
    await f.expectReply(['BLPOP', 'k', 'abc'], NF);
    await f.expectReply(['BLPOP', 'k', ''], NF);
    await f.expectReply(['BLPOP', 'k', ' 1'], NF);
    await f.expectReply(['BLPOP', 'k', '1 '], NF);
    await f.expectReply(['BLPOP', 'k', 'nan'], NF);
    await f.expectReply(['BLPOP', 'k', '1e'], NF);
    await f.expectReply(['BRPOP', 'k', '-1'], NEG);
    await f.expectReply(['BRPOP', 'k', 'inf'], NEG);
    await f.expectReply(['BRPOP', 'k', '1e30'], NEG);
    await f.expectReply(['BRPOP', 'k', '9.3e15'], NEG);
    await f.expectReply(['BRPOP', 'k', '9223372036854775807'], NEG);
    await f.expectReply(['BLPOP', 'str', 'abc'], NF); // the timeout before the keys
    await f.expectReply(['BLPOP', 'str', '0'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['BLPOP', 'nokey', 'str', '0'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['BLMOVE', 'k', 'd', 'UP', 'LEFT', 'x'], '-ERR syntax error\r\n');
    await f.expectReply(['BLMOVE', 'k', 'd', 'LEFT', 'UP', 'x'], '-ERR syntax error\r\n');
    await f.expectReply(['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', 'x'], NF);
    await f.expectReply(['BLMOVE', 'str', 'd', 'LEFT', 'LEFT', '0'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['BRPOPLPUSH', 'k', 'd', '-0.5'], NEG);
    await f.expectReply(['BLMPOP', 'x', '0', 'k', 'LEFT'], '-ERR numkeys should be greater than 0\r\n');
    await f.expectReply(['BLMPOP', 'x', '5', 'k', 'LEFT'], '-ERR syntax error\r\n');
    await f.expectReply(['BLMPOP', 'x', '1', 'k', 'UP'], '-ERR syntax error\r\n');
    await f.expectReply(['BLMPOP', 'x', '1', 'k', 'LEFT', 'COUNT', '0'], '-ERR count should be greater than 0\r\n');
    await f.expectReply(['BLMPOP', 'x', '1', 'k', 'LEFT', 'COUNT', '1', 'COUNT', '1'], '-ERR syntax error\r\n');
    await f.expectReply(['BLMPOP', 'x', '1', 'k', 'LEFT'], NF);
    await f.expectReply(['BLMPOP', '0', '1', 'str', 'LEFT'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['BLPOP', 'k'], "-ERR wrong number of arguments for 'blpop' command\r\n");
    await f.expectReply(['BLMOVE', 'k', 'd', 'LEFT', 'LEFT'], "-ERR wrong number of arguments for 'blmove' command\r\n");
    await f.expectReply(['BRPOPLPUSH', 'k', 'd'], "-ERR wrong number of arguments for 'brpoplpush' command\r\n");
    await f.expectReply(['BLMPOP', '0', '1', 'k'], "-ERR wrong number of arguments for 'blmpop' command\r\n");
    await f.expectReply(['CLIENT', 'UNBLOCK', 'x', 'foo'], '-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n');
    await f.expectReply(['CLIENT', 'UNBLOCK', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['CLIENT', 'UNBLOCK', '999999'], ':0\r\n');
    await f.expectReply(['CLIENT', 'UNBLOCK', '1', '2', '3'], "-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n");
  });

  it('served at once when a key holds a list: the first non-empty key in argument order, LMOVE/LMPOP replies, fractional timeouts, the emptied key deleted', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['RPUSH', 'b', '1', '2', '3'], ':3\r\n');
    await f.expectReply(['RPUSH', 'c', 'x'], ':1\r\n');
    await f.expectReply(['BLPOP', 'a', 'b', 'c', '0'], '*2\r\n$1\r\nb\r\n$1\r\n1\r\n');
    await f.expectReply(['BRPOP', 'a', 'c', 'b', '0.001'], '*2\r\n$1\r\nc\r\n$1\r\nx\r\n');
    await f.expectReply(['EXISTS', 'c'], ':0\r\n');
    await f.expectReply(['BLMPOP', '0x10', '2', 'a', 'b', 'RIGHT', 'COUNT', '5'], '*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n');
    await f.expectReply(['RPUSH', 'b', '1', '2'], ':2\r\n');
    await f.expectReply(['BLMOVE', 'b', 'd', 'LEFT', 'RIGHT', '.5'], '$1\r\n1\r\n');
    await f.expectReply(['BRPOPLPUSH', 'b', 'd', '+3'], '$1\r\n2\r\n');
    await f.expectReply(['LRANGE', 'd', '0', '-1'], '*2\r\n$1\r\n2\r\n$1\r\n1\r\n');
    await f.expectReply(['BLMPOP', '0', '1', 'd', 'LEFT'], '*2\r\n$1\r\nd\r\n*1\r\n$1\r\n2\r\n');
  });

  it('inside MULTI/EXEC never blocks: BLPOP/BRPOP/BLMPOP a null array, BLMOVE/BRPOPLPUSH a null (RESP2 and RESP3)', async () => {
    await expectEach(f, async (h) => {
      const out: string[] = [];
      for (const proto of [2, 3] as const) {
        const c = await conn(h, proto);
        await c.command('DEL', 'nx');
        await c.command('MULTI');
        for (const cmd of [['BLPOP', 'nx', '0'], ['BRPOP', 'nx', '1'], ['BLMPOP', '0', '1', 'nx', 'LEFT'], ['BLMOVE', 'nx', 'd', 'LEFT', 'LEFT', '0'], ['BRPOPLPUSH', 'nx', 'd', '0'], ['RPUSH', 'nx', 'v'], ['BLPOP', 'nx', '0']]) await c.command(...cmd);
        out.push(s(await c.command('EXEC')));
        c.destroy();
      }
      return out;
    }, ['*7\r\n*-1\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n:1\r\n*2\r\n$2\r\nnx\r\n$1\r\nv\r\n', '*7\r\n_\r\n_\r\n_\r\n_\r\n_\r\n:1\r\n*2\r\n$2\r\nnx\r\n$1\r\nv\r\n']);
  });

  it('three clients blocked on one key are served in FIFO order by one RPUSH; the next push goes to the next waiter', async () => {
    await expectEach(f, async (h) => {
      const ctl = await conn(h);
      await ctl.command('DEL', 'q');
      const ws = [await conn(h), await conn(h), await conn(h)];
      for (let i = 0; i < 3; i++) {
        await ws[i]!.send(i === 1 ? ['BRPOP', 'q', '0'] : ['BLPOP', 'q', '0']);
        await untilBlocked(ctl, i + 1);
      }
      const pushed = s(await ctl.command('RPUSH', 'q', 'a', 'b'));
      const r = [s(await ws[0]!.readReply()), s(await ws[1]!.readReply())];
      const left = [await blockedClients(ctl), s(await ctl.command('EXISTS', 'q'))];
      await ctl.command('LPUSH', 'q', 'c');
      r.push(s(await ws[2]!.readReply()));
      for (const w of ws) w.destroy();
      ctl.destroy();
      return { pushed, r, left };
    }, { pushed: ':2\r\n', r: ['*2\r\n$1\r\nq\r\n$1\r\na\r\n', '*2\r\n$1\r\nq\r\n$1\r\nb\r\n', '*2\r\n$1\r\nq\r\n$1\r\nc\r\n'], left: [1, ':0\r\n'] });
  });

  it('a client blocked on several keys is served by the key signalled first (Redis 7.0), when several become ready in one EXEC; the rest stays', async () => {
    await expectEach(f, async (h) => {
      const ctl = await conn(h);
      await ctl.command('DEL', 'a', 'b');
      const w = await conn(h);
      await w.send(['BLPOP', 'a', 'b', '0']);
      await untilBlocked(ctl, 1);
      await ctl.command('MULTI');
      await ctl.command('RPUSH', 'b', 'x');
      await ctl.command('RPUSH', 'a', 'y');
      const exec = s(await ctl.command('EXEC'));
      const r = s(await w.readReply());
      const rest = [s(await ctl.command('LRANGE', 'a', '0', '-1')), s(await ctl.command('EXISTS', 'b'))];
      w.destroy();
      ctl.destroy();
      return { exec, r, rest };
    }, { exec: '*2\r\n:1\r\n:1\r\n', r: '*2\r\n$1\r\nb\r\n$1\r\nx\r\n', rest: ['*1\r\n$1\r\ny\r\n', ':0\r\n'] });
  });

  it('times out with a null array (RESP2 *-1, RESP3 _), fractional seconds; CLIENT UNBLOCK TIMEOUT and ERROR; blocked_clients, flags=b cmd=blpop', async () => {
    await expectEach(f, async (h) => {
      const ctl = await conn(h);
      await ctl.command('DEL', 'tk');
      const w2 = await conn(h);
      const w3 = await conn(h, 3);
      const t0 = Date.now();
      const a = s(await w2.command('BLPOP', 'tk', '0.15'));

      const b = s(await w3.command('BLMOVE', 'tk', 'd', 'LEFT', 'LEFT', '0.05'));
      const waited = Date.now() - t0 >= 150; // at least the two timeouts (never served early)
      await w2.send(['BLMPOP', '0', '1', 'tk', 'LEFT']);
      await untilBlocked(ctl, 1);
      const list = s(await ctl.command('CLIENT', 'LIST'));
      const line = list.split('\n').find((l) => l.includes('flags=b') && l.includes('cmd=blmpop')) ?? '';
      const wid = /id=(\d+)/.exec(line)?.[1] ?? '0';
      const flags = /flags=(\S+)/.exec(line)?.[1];
      const un = s(await ctl.command('CLIENT', 'UNBLOCK', wid, 'TIMEOUT'));

      const r1 = s(await w2.readReply());
      const again = s(await ctl.command('CLIENT', 'UNBLOCK', wid));
      await w3.send(['BRPOPLPUSH', 'tk', 'd', '0']);
      await untilBlocked(ctl, 1);
      const line3 = s(await ctl.command('CLIENT', 'LIST')).split('\n').find((l) => l.includes('flags=b') && l.includes('cmd=brpoplpush')) ?? '';
      const w3id = /id=(\d+)/.exec(line3)?.[1] ?? '0';
      const un3 = s(await ctl.command('CLIENT', 'UNBLOCK', w3id, 'ERROR'));
      const r3 = s(await w3.readReply());
      const after = await blockedClients(ctl);
      const ping = s(await w3.command('PING'));
      for (const c of [ctl, w2, w3]) c.destroy();
      return { a, b, waited, flags, un, r1, again, un3, r3, after, ping };
    }, { a: '*-1\r\n', b: '_\r\n', waited: true, flags: 'b', un: ':1\r\n', r1: '*-1\r\n', again: ':0\r\n', un3: ':1\r\n', r3: '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n', after: 0, ping: '+PONG\r\n' });
  });

  it('BLMOVE chain: a served BLMOVE creates its destination, which serves a client blocked on it; events of the served pops', async () => {
    await expectEach(f, async (h) => {
      const ctl = await conn(h);
      await ctl.command('DEL', 'src', 'dst', 'out');
      await ctl.command('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
      const sub = await conn(h);
      await sub.send(['PSUBSCRIBE', '__keyevent@0__:*', EVENTS_END]);
      await sub.readReply();
      await sub.readReply();
      const m = await conn(h);
      const p = await conn(h);
      await m.send(['BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0']);
      await untilBlocked(ctl, 1);
      await p.send(['BRPOPLPUSH', 'dst', 'out', '0']);
      await untilBlocked(ctl, 2);
      const pushed = s(await ctl.command('RPUSH', 'src', 'v1', 'v2'));
      const r = [s(await m.readReply()), s(await p.readReply())];
      const lists = [s(await ctl.command('LRANGE', 'src', '0', '-1')), s(await ctl.command('EXISTS', 'dst')), s(await ctl.command('LRANGE', 'out', '0', '-1'))];
      await ctl.command('PUBLISH', EVENTS_END, 'x');
      const events: string[] = [];
      for (;;) {
        const e = decodeReply(await sub.readReply()) as string[];
        if (e[2] === EVENTS_END) break;
        events.push(`${String(e[2]).replace('__keyevent@0__:', '')} ${e[3]}`);
      }
      await ctl.command('CONFIG', 'SET', 'notify-keyspace-events', '');
      for (const c of [ctl, sub, m, p]) c.destroy();
      return { pushed, r, lists, events };
    }, {
      pushed: ':2\r\n',
      r: ['$2\r\nv2\r\n', '$2\r\nv2\r\n'],
      lists: ['*1\r\n$2\r\nv1\r\n', ':0\r\n', '*1\r\n$2\r\nv2\r\n'],
      events: ['rpush src', 'lpush dst', 'rpop src', 'lpush out', 'rpop dst', 'del dst'],
    });
  });

  it('a disconnected waiter leaves the queue (no reply leak, the push goes to the next waiter); pipelined commands after a blocking one run once it is served', async () => {
    await expectEach(f, async (h) => {
      const ctl = await conn(h);
      await ctl.command('DEL', 'dq');
      const gone = await conn(h);
      const next = await conn(h);
      await gone.send(['BLPOP', 'dq', '0']);
      await untilBlocked(ctl, 1);
      await next.send('*3\r\n$5\r\nBLPOP\r\n$2\r\ndq\r\n$1\r\n0\r\n*2\r\n$4\r\nLLEN\r\n$2\r\ndq\r\n*1\r\n$4\r\nPING\r\n');
      await untilBlocked(ctl, 2);
      gone.destroy();
      await untilBlocked(ctl, 1);
      const pushed = s(await ctl.command('RPUSH', 'dq', 'a', 'b'));
      const r = [s(await next.readReply()), s(await next.readReply()), s(await next.readReply())];
      const left = s(await ctl.command('LRANGE', 'dq', '0', '-1'));
      next.destroy();
      ctl.destroy();
      return { pushed, r, left };
    }, { pushed: ':2\r\n', r: ['*2\r\n$2\r\ndq\r\n$1\r\na\r\n', ':1\r\n', '+PONG\r\n'], left: '*1\r\n$1\r\nb\r\n' });
  });

  it('never serves stale data: a key overwritten by a string keeps the waiter waiting; deleted and re-created, the new list serves it; created and removed in one EXEC serves nobody', async () => {
    await expectEach(f, async (h) => {
      const ctl = await conn(h);
      await ctl.command('DEL', 'st');
      const w = await conn(h);
      await w.send(['BLPOP', 'st', '0']);
      await untilBlocked(ctl, 1);
      await ctl.command('SET', 'st', 'string');
      await ctl.command('MULTI');
      await ctl.command('DEL', 'st');
      await ctl.command('RPUSH', 'st', 'old');
      await ctl.command('DEL', 'st');
      await ctl.command('SET', 'st', 'x');
      await ctl.command('EXEC');
      await ctl.command('MULTI');
      await ctl.command('DEL', 'st');
      await ctl.command('RPUSH', 'st', 'gone');
      await ctl.command('LPOP', 'st');
      await ctl.command('EXEC');
      await sleep(50);
      const still = await blockedClients(ctl);
      await ctl.command('RPUSH', 'st', 'new');
      const r = s(await w.readReply());
      w.destroy();
      ctl.destroy();
      return { still, r };
    }, { still: 1, r: '*2\r\n$2\r\nst\r\n$3\r\nnew\r\n' });
  });

  it('a RENAME onto the awaited key serves the waiter; under CLIENT PAUSE WRITE a BLPOP and the push wait, and run in order after UNPAUSE', async () => {
    await expectEach(f, async (h) => {
      const ctl = await conn(h);
      await ctl.command('DEL', 'rk', 'tmp', 'pk');
      const w = await conn(h);
      await w.send(['BRPOP', 'rk', '0']);
      await untilBlocked(ctl, 1);
      await ctl.command('RPUSH', 'tmp', 'a', 'b');
      const renamed = s(await ctl.command('RENAME', 'tmp', 'rk'));
      const r = s(await w.readReply());
      await ctl.command('CLIENT', 'PAUSE', '20000', 'WRITE');
      const pusher = await conn(h);
      await w.send(['BLPOP', 'pk', '0']);
      await untilBlocked(ctl, 1);
      await pusher.send(['RPUSH', 'pk', 'v']);
      await untilBlocked(ctl, 2);
      const unpaused = s(await ctl.command('CLIENT', 'UNPAUSE'));
      const r2 = [s(await w.readReply()), s(await pusher.readReply())];
      const left = [s(await ctl.command('LRANGE', 'rk', '0', '-1')), s(await ctl.command('EXISTS', 'pk')), await blockedClients(ctl)];
      for (const c of [ctl, w, pusher]) c.destroy();
      return { renamed, r, unpaused, r2, left };
    }, { renamed: '+OK\r\n', r: '*2\r\n$2\r\nrk\r\n$1\r\nb\r\n', unpaused: '+OK\r\n', r2: ['*2\r\n$2\r\npk\r\n$1\r\nv\r\n', ':1\r\n'], left: ['*1\r\n$1\r\na\r\n', ':0\r\n', 0] });
  });

  it('served replies: BLMPOP COUNT a nested array, BLMOVE onto itself (a rotation), BLMOVE onto a WRONGTYPE destination gets the error and pops nothing (the next waiter is served)', async () => {
    await expectEach(f, async (h) => {
      const ctl = await conn(h);
      await ctl.command('DEL', 'mk', 'rot', 'wt', 'wsrc');
      await ctl.command('SET', 'wt', 'str');
      const a = await conn(h, 3);
      const b = await conn(h);
      const c = await conn(h);
      await a.send(['BLMPOP', '0', '2', 'nokey', 'mk', 'RIGHT', 'COUNT', '2']);
      await untilBlocked(ctl, 1);
      await ctl.command('RPUSH', 'mk', '1', '2', '3');
      const ra = s(await a.readReply());
      await b.send(['BLMOVE', 'rot', 'rot', 'LEFT', 'RIGHT', '0']);
      await untilBlocked(ctl, 1);
      await ctl.command('RPUSH', 'rot', 'x', 'y');
      const rb = s(await b.readReply());
      const rot = s(await ctl.command('LRANGE', 'rot', '0', '-1'));
      await b.send(['BLMOVE', 'wsrc', 'wt', 'LEFT', 'RIGHT', '0']);
      await untilBlocked(ctl, 1);
      await c.send(['BLPOP', 'wsrc', '0']);
      await untilBlocked(ctl, 2);
      await ctl.command('RPUSH', 'wsrc', 'e1', 'e2');
      const rw = [s(await b.readReply()), s(await c.readReply())];
      const left = [s(await ctl.command('LRANGE', 'wsrc', '0', '-1')), s(await ctl.command('LRANGE', 'mk', '0', '-1'))];
      for (const x of [ctl, a, b, c]) x.destroy();
      return { ra, rb, rot, rw, left };
    }, {
      ra: '*2\r\n$2\r\nmk\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n',
      rb: '$1\r\nx\r\n',
      rot: '*2\r\n$1\r\ny\r\n$1\r\nx\r\n',
      rw: ['-WRONGTYPE Operation against a key holding the wrong kind of value\r\n', '*2\r\n$4\r\nwsrc\r\n$2\r\ne1\r\n'],
      left: ['*1\r\n$2\r\ne2\r\n', '*1\r\n$1\r\n1\r\n'],
    });
  });

  it('ioredis and node-redis: BLPOP / BRPOP / BLMOVE served by another client, and a timeout', async () => {
    const h = f.servers.tierkv;
    const io = new Redis({ port: h.port, host: h.host, lazyConnect: true, maxRetriesPerRequest: 0 });
    const io2 = new Redis({ port: h.port, host: h.host, lazyConnect: true, maxRetriesPerRequest: 0 });
    const nr = createClient({ socket: { port: h.port, host: h.host } });
    try {
      await io.connect();
      await io2.connect();
      await nr.connect();
      await io.del('ioq', 'ioq2');
      const p = io2.blpop('ioq', 0);
      const p2 = nr.brPop('ioq2', 0);
      await waitUntil(async () => Number(/blocked_clients:(\d+)/.exec(await io.info('clients'))![1]) === 2, 'two blocked clients', 10_000, 10);
      await io.rpush('ioq', 'hello');
      await io.rpush('ioq2', 'world');
      expect(await p).toEqual(['ioq', 'hello']);
      expect(await p2).toEqual({ key: 'ioq2', element: 'world' });
      expect(await io2.blpop('ioq', 0.05)).toBeNull();
      expect(await nr.blPop('ioq', 0.05)).toBeNull();
      const m = nr.blMove('ioq', 'iod', 'LEFT', 'RIGHT', 0);
      await waitUntil(async () => Number(/blocked_clients:(\d+)/.exec(await io.info('clients'))![1]) === 1, 'a blocked client', 10_000, 10);
      await io.lpush('ioq', 'moved');
      expect(await m).toBe('moved');
      expect(await io.lrange('iod', 0, -1)).toEqual(['moved']);
    } finally {
      io.disconnect();
      io2.disconnect();
      await nr.quit().catch(() => undefined);
    }
  });
});

it('tierkv: a client blocked while MIGRATE_PREPARE drops the cold tier stays blocked, and is served the list pushed afterwards (never dropped bytes)', async () => {
  const h = await startTierkvInProcess({ maxmemory: '64mb' });
  try {
    const ctl = await RawClient.connect(h.port, { host: h.host });
    const w = await RawClient.connect(h.port, { host: h.host });
    await ctl.command('SET', 'mk', 'a string that may sit in the cold tier');
    await w.send(['BLPOP', 'other', '0']);
    await untilBlocked(ctl, 1);
    expect(decodeReply(await ctl.command('MIGRATE_PREPARE'))).toBeTruthy();
    expect(decodeReply(await ctl.command('MIGRATE_DONE'))).toBe('OK');
    expect(await blockedClients(ctl)).toBe(1);
    await ctl.command('DEL', 'mk');
    await ctl.command('RPUSH', 'other', 'fresh');
    expect(s(await w.readReply())).toBe('*2\r\n$5\r\nother\r\n$5\r\nfresh\r\n');
    ctl.destroy();
    w.destroy();
  } finally {
    await h.stop();
  }
});

it('tierkv: a served BLMOVE whose destination the arena cannot place gets -OOM, pops nothing, and the server keeps serving', async () => {
  // In-process, to make the serving context's list creation fail as a full arena would (ArenaFullError): serving
  // runs after the pushing command's own reply, outside its error handling, so the waiter must get the error there.
  const srv = await startServer({ port: '0' });
  try {
    const ctl = await RawClient.connect(srv.port, { host: srv.host });
    const w = await RawClient.connect(srv.port, { host: srv.host });
    const next = await RawClient.connect(srv.port, { host: srv.host });
    await w.send(['BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0']);
    await untilBlocked(ctl, 1);
    await next.send(['BLPOP', 'src', '0']);
    await untilBlocked(ctl, 2);
    const lists = srv.core.serveCtx.lists;
    const create = lists.create;
    lists.create = () => {
      throw new ArenaFullError('no room for the destination');
    };
    try {
      expect(s(await ctl.command('RPUSH', 'src', 'e1'))).toBe(':1\r\n');
      expect(s(await w.readReply())).toBe('-OOM no room for the destination\r\n');
    } finally {
      lists.create = create;
    }
    // Nothing was popped for the failed move: the next waiter is served the element.
    expect(s(await next.readReply())).toBe('*2\r\n$3\r\nsrc\r\n$2\r\ne1\r\n');
    expect(s(await ctl.command('EXISTS', 'src', 'dst'))).toBe(':0\r\n');
    expect(s(await w.command('PING'))).toBe('+PONG\r\n');
    for (const c of [ctl, w, next]) c.destroy();
  } finally {
    await srv.close();
  }
});

it('tierkv: the Prometheus gauge redis_blocked_clients counts the clients blocked on keys', async () => {
  const { server: h, base } = await startTierkvWithHttp();
  try {
    const ctl = await RawClient.connect(h.port, { host: h.host });
    const w = await RawClient.connect(h.port, { host: h.host });
    const gauge = async (): Promise<string> => /^redis_blocked_clients (\S+)$/m.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? '';
    expect(await gauge()).toBe('0');
    await w.send(['BLPOP', 'gk', '0']);
    await untilBlocked(ctl, 1);
    expect(await gauge()).toBe('1');
    await ctl.command('RPUSH', 'gk', 'v');
    expect(s(await w.readReply())).toBe('*2\r\n$2\r\ngk\r\n$1\r\nv\r\n');
    expect(await gauge()).toBe('0');
    ctl.destroy();
    w.destroy();
  } finally {
    await h.stop();
  }
});
