/**
 * Regression tests: CLIENT LIST / KILL / INFO / NO-EVICT and HELLO answer as redis-server 7.0.15 does
 * (divergences found by the differential fuzzer): option parsing order and error texts, filters, flags, and
 * HELLO's options applied in order. Expected bytes were captured from redis-server 7.0.15 and are checked against
 * it when it is installed.
 */
import { describe, expect, it } from 'vitest';
import { both, connectBoth, describeCompat, useCompat } from '../support/compat.js';
import { RawClient } from '../support/raw-client.js';

const f = useCompat();

const L = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('CLIENT LIST', () => {
  it('takes TYPE only as its sole option and lists IDs in argument order, skipping unknown ones', async () => {
    await f.expectReply(['CLIENT', 'LIST', 'TYPE', 'foo'], "-ERR Unknown client type 'foo'\r\n");
    await f.expectReply(['CLIENT', 'LIST', 'TYPE', 'master'], '$0\r\n\r\n');
    await f.expectReply(['CLIENT', 'LIST', 'TYPE', 'normal', 'ID', '1'], '-ERR syntax error\r\n');
    await f.expectReply(['CLIENT', 'LIST', 'FOO'], '-ERR syntax error\r\n');
    await f.expectReply(['CLIENT', 'LIST', 'ID', 'abc'], '-ERR Invalid client ID\r\n');
    await f.expectReply(['CLIENT', 'LIST', 'ID', '0', '-5', '99999'], '$0\r\n\r\n');
    const id = (await f.c.tierkv.command('CLIENT', 'ID')).toString('latin1').slice(1, -2);
    const twice = (await f.c.tierkv.command('CLIENT', 'LIST', 'ID', id, '99999', id)).toString('latin1');
    expect(twice.split('\n').filter((l) => l.includes(`id=${id} `))).toHaveLength(2);
  });
});

describe('CLIENT LIST idle', () => {
  it('grows while a client waits blocked or subscribed and restarts when a reply or a message is written to it', async () => {
    const waiter = await connectBoth(f.servers);
    const sub = await connectBoth(f.servers);
    try {
      const idleOf = async (side: 'tierkv' | 'redis', name: string): Promise<number> => {
        const list = (await f.c[side]!.command('CLIENT', 'LIST')).toString('latin1');
        return Number(new RegExp(`name=${name} .*?idle=(\\d+)`).exec(list)![1]);
      };
      const sides = f.c.redis === null ? (['tierkv'] as const) : (['tierkv', 'redis'] as const);
      for (const side of sides) {
        await waiter[side]!.command('CLIENT', 'SETNAME', 'idler');
        await waiter[side]!.send(['BLPOP', 'idle:list', '0']);
        await sub[side]!.command('CLIENT', 'SETNAME', 'listener');
        await sub[side]!.command('SUBSCRIBE', 'idle:ch');
      }
      await new Promise((r) => setTimeout(r, 2200));
      for (const side of sides) {
        expect(await idleOf(side, 'idler')).toBeGreaterThanOrEqual(2);
        expect(await idleOf(side, 'listener')).toBeGreaterThanOrEqual(2);
      }
      for (const side of sides) {
        await f.c[side]!.command('RPUSH', 'idle:list', 'x');
        expect((await waiter[side]!.readReply()).toString()).toBe('*2\r\n$9\r\nidle:list\r\n$1\r\nx\r\n');
        expect(await idleOf(side, 'idler')).toBe(0);
        await f.c[side]!.command('PUBLISH', 'idle:ch', 'm');
        expect((await sub[side]!.readReply()).toString()).toBe('*3\r\n$7\r\nmessage\r\n$7\r\nidle:ch\r\n$1\r\nm\r\n');
        expect(await idleOf(side, 'listener')).toBe(0);
      }
    } finally {
      waiter.close();
      sub.close();
    }
  });

  it('is never negative, nor is age, for a client that just connected or just sent a command', async () => {
    for (let i = 0; i < 20; i++) {
      const fresh = await RawClient.connect(f.servers.tierkv.port, { host: f.servers.tierkv.host, readTimeoutMs: 15_000 });
      try {
        const list = (await fresh.command('CLIENT', 'LIST')).toString('latin1');
        expect(list).not.toMatch(/ (idle|age)=-/);
      } finally {
        fresh.destroy();
      }
    }
  });

  it('shows the command looked up last, even one refused before running; NULL for an unknown one', async () => {
    const x = await connectBoth(f.servers);
    try {
      const sides = f.c.redis === null ? (['tierkv'] as const) : (['tierkv', 'redis'] as const);
      for (const side of sides) {
        await x[side]!.command('CLIENT', 'SETNAME', 'looker');
        const cmdOf = async (): Promise<string> => /name=looker .*? cmd=(\S+)/.exec((await f.c[side]!.command('CLIENT', 'LIST')).toString('latin1'))![1]!;
        // Wrong number of arguments: refused, but looked up.
        await x[side]!.command('GET');
        expect(await cmdOf()).toBe('get');
        await x[side]!.command('NOSUCHCOMMAND', 'a');
        expect(await cmdOf()).toBe('NULL');
        await x[side]!.command('CLIENT', 'NOSUCHSUB');
        expect(await cmdOf()).toBe('NULL');
        await x[side]!.command('OBJECT', 'ENCODING');
        expect(await cmdOf()).toBe('object|encoding');
      }
    } finally {
      x.close();
    }
  });

  it('shows the last queued command of a client in MULTI', async () => {
    const tx = await connectBoth(f.servers);
    try {
      const sides = f.c.redis === null ? (['tierkv'] as const) : (['tierkv', 'redis'] as const);
      for (const side of sides) {
        await tx[side]!.command('CLIENT', 'SETNAME', 'txer');
        await tx[side]!.command('MULTI');
        await tx[side]!.command('SET', 'tx:k', 'v');
        const list = (await f.c[side]!.command('CLIENT', 'LIST')).toString('latin1');
        expect(/name=txer .*? multi=(\d+) .*? cmd=(\S+)/.exec(list)!.slice(1)).toEqual(['1', 'set']);
        await tx[side]!.command('DISCARD');
      }
    } finally {
      tx.close();
    }
  });
});

describeCompat('CLIENT timeout', { timeout: '1' }, (g) => {
  it('closes idle clients but not subscribers, blocked clients or monitors', async () => {
    const sides = g.c.redis === null ? (['tierkv'] as const) : (['tierkv', 'redis'] as const);
    // Each client sends the command that exempts it right after it connects: until then it is an idle client too,
    // and on a loaded machine a second between connecting and the command would get it closed.
    const open = async (first: (c: RawClient) => Promise<unknown>): Promise<Awaited<ReturnType<typeof connectBoth>>> => {
      const x = await connectBoth(g.servers);
      for (const side of sides) await first(x[side]!);
      return x;
    };
    const plain = await open((c) => c.command('PING'));
    const sub = await open((c) => c.command('SUBSCRIBE', 'to:ch'));
    const blocked = await open((c) => c.send(['BLPOP', 'to:list', '0']));
    const mon = await open((c) => c.command('MONITOR'));
    try {
      await new Promise((r) => setTimeout(r, 3500));
      for (const side of sides) {
        await plain[side]!.readClosed();
        expect((await sub[side]!.command('PING')).toString()).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
      }
      for (const side of sides) {
        // Connected right before its RPUSH: a client left idle while the other side's steps run could be closed.
        const h = side === 'tierkv' ? g.servers.tierkv : g.servers.redis!;
        const closer = await RawClient.connect(h.port, { host: h.host, readTimeoutMs: 15_000 });
        try {
          await closer.command('RPUSH', 'to:list', 'x');
          expect((await blocked[side]!.readReply()).toString()).toBe('*2\r\n$7\r\nto:list\r\n$1\r\nx\r\n');
          // (The subscriber's PING came first.)
          let line = '';
          for (let i = 0; i < 5 && !line.includes('"RPUSH"'); i++) line = (await mon[side]!.readReply()).toString();
          expect(line).toMatch(/^\+\d+\.\d+ \[0 127\.0\.0\.1:\d+\] "RPUSH" "to:list" "x"\r\n$/);
        } finally {
          closer.destroy();
        }
      }
    } finally {
      for (const x of [plain, sub, blocked, mon]) x.close();
    }
  });
});

describe('CLIENT KILL', () => {
  it('parses filters in order: the first bad one answers', async () => {
    await f.expectReply(['CLIENT', 'KILL', 'ID', 'abc'], '-ERR client-id should be greater than 0\r\n');
    await f.expectReply(['CLIENT', 'KILL', 'ID', '0'], '-ERR client-id should be greater than 0\r\n');
    await f.expectReply(['CLIENT', 'KILL', 'ID', 'abc', 'SKIPME'], '-ERR client-id should be greater than 0\r\n');
    await f.expectReply(['CLIENT', 'KILL', 'ID', '99999', 'SKIPME'], '-ERR syntax error\r\n');
    await f.expectReply(['CLIENT', 'KILL', 'SKIPME', 'maybe'], '-ERR syntax error\r\n');
  });

  it('takes any ID up to LONG_MAX (one that names no client kills none)', async () => {
    await f.expectReply(['CLIENT', 'KILL', 'ID', '9223372036854775807', 'USER', 'nobody'], "-ERR No such user 'nobody'\r\n");
    await f.expectReply(['CLIENT', 'KILL', 'ID', '9223372036854775807'], ':0\r\n');
    await f.expectReply(['CLIENT', 'KILL', 'ID', '9007199254740993'], ':0\r\n');
    await f.expectReply(['CLIENT', 'KILL', 'ID', '9223372036854775808'], '-ERR client-id should be greater than 0\r\n');
    await f.expectReply(['CLIENT', 'KILL', 'ID', '-9223372036854775808'], '-ERR client-id should be greater than 0\r\n');
  });

  it('knows only the default user and the filters of Redis 7.0 (no MAXAGE)', async () => {
    await f.expectReply(['CLIENT', 'KILL', 'USER', 'nobody'], "-ERR No such user 'nobody'\r\n");
    await f.expectReply(['CLIENT', 'KILL', 'USER', 'default', 'ID', '99999'], ':0\r\n');
    await f.expectReply(['CLIENT', 'KILL', 'MAXAGE', '10'], '-ERR syntax error\r\n');
    await f.expectReply(['CLIENT', 'KILL', 'TYPE', L('foo\xff')], "-ERR Unknown client type 'foo\xff'\r\n");
    await f.expectReply(['CLIENT', 'KILL', 'TYPE', 'master'], ':0\r\n');
    await f.expectReply(['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5', 'SKIPME', 'no'], ':0\r\n');
    await f.expectReply(['CLIENT', 'KILL', '1.2.3.4:5'], '-ERR No such client\r\n');
  });

  it('kills the caller with the old form (+OK, then the connection closes)', async () => {
    const conn = await RawClient.connect(f.servers.tierkv.port, { host: f.servers.tierkv.host, readTimeoutMs: 15_000 });
    const info = (await conn.command('CLIENT', 'INFO')).toString('latin1');
    const addr = /addr=(\S+)/.exec(info)![1]!;
    conn.socket.write(`*3\r\n$6\r\nCLIENT\r\n$4\r\nKILL\r\n$${addr.length}\r\n${addr}\r\n`);
    const r = await conn.readBatch(1, 5000, true);
    expect(r.replies.map(String)).toEqual(['+OK\r\n']);
    expect(r.closed).toBe(true);
  });
});

describe('CLIENT flags', () => {
  it('shows e for NO-EVICT on, and refuses anything but on/off', async () => {
    await f.expectReply(['CLIENT', 'NO-EVICT', 'maybe'], '-ERR syntax error\r\n');
    await f.expectReply(['CLIENT', 'NO-EVICT', 'on'], '+OK\r\n');
    const r = await f.both('CLIENT', 'INFO');
    expect(r.tierkv).toMatch(/ flags=e /);
    if (r.redis !== null) expect(r.redis).toMatch(/ flags=e /);
    await f.expectReply(['CLIENT', 'NO-EVICT', 'off'], '+OK\r\n');
    expect((await f.both('CLIENT', 'INFO')).tierkv).toMatch(/ flags=N /);
  });
});

describe('HELLO', () => {
  it('applies its options in order: SETNAME and AUTH at once, the first bad option answers', async () => {
    const h = await connectBoth(f.servers);
    try {
      await f.expectReply(['HELLO', '3', 'SETNAME', '\x01', 'GET'], '-ERR Client names cannot contain spaces, newlines or special characters.\r\n', h);
      await f.expectReply(['HELLO', '2', 'SETNAME', 'fine', L('\xff\xfe')], "-ERR Syntax error in HELLO option '\xff\xfe'\r\n", h);
      await f.expectReply(['CLIENT', 'GETNAME'], '$4\r\nfine\r\n', h);
      await f.expectReply(['HELLO', '2', 'AUTH', 'default', 'x', 'AUTH', 'nobody', 'y'], '-WRONGPASS invalid username-password pair or user is disabled.\r\n', h);
      await both(h, 'HELLO', '2', 'SETNAME', 'a', 'SETNAME', 'b');
      await f.expectReply(['CLIENT', 'GETNAME'], '$1\r\nb\r\n', h);
    } finally {
      h.close();
    }
  });

  it('answers NOPROTO for any integer protocol version but 2 and 3', async () => {
    await f.expectReply(['HELLO', '9223372036854775807'], '-NOPROTO unsupported protocol version\r\n');
    await f.expectReply(['HELLO', '9223372036854775808'], '-ERR Protocol version is not an integer or out of range\r\n');
  });
});

describeCompat('HELLO before AUTH (requirepass)', { requirepass: 'pw' }, (auth) => {

  it('answers Redis 7.0\'s NOAUTH text, and HELLO AUTH authenticates', async () => {
    await auth.expectReply(['HELLO', '3'],
      '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n');
    await auth.expectReply(['GET', 'k'], '-NOAUTH Authentication required.\r\n');
    await auth.expectReply(['HELLO', '2', 'AUTH', 'default', 'wrong'], '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    const r = await auth.both('HELLO', '2', 'AUTH', 'default', 'pw');
    expect(r.tierkv.startsWith('*14\r\n$6\r\nserver\r\n')).toBe(true);
    await auth.expectReply(['GET', 'k'], '$-1\r\n');
  });
});
