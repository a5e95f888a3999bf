/**
 * Keyspace notifications (`notify-keyspace-events`) over real sockets, compared with redis-server 7.0.15: the
 * events of every string, key, expire and bitmap command tierkv has (OBJECT publishing no keymiss), the class letters and CONFIG GET's canonical form,
 * `expired` (lazy and active expiry), `evicted`, and tierkv's own `migrate_prepare` event.
 */
import { describe, expect, it } from 'vitest';
import { connectBoth, describeCompat, type CompatConns } from '../support/compat.js';
import { infoFields, replyPairs } from '../support/info.js';
import { RawClient, decodeReply } from '../support/raw-client.js';
import { EVENTS_END, eventsOf } from '../support/events.js';
import { startTierkvInProcess } from '../support/tierkv.js';
import { waitUntil } from '../support/wait.js';

const END = EVENTS_END;


/** Both servers' events for the same steps; redis-server's null when it is not installed. */
async function bothEvents(sub: CompatConns, cmd: CompatConns, steps: (string[] | number)[]): Promise<{ tierkv: string[]; redis: string[] | null }> {
  const [tierkv, redis] = await Promise.all([
    eventsOf(sub.tierkv, cmd.tierkv, steps),
    sub.redis !== null && cmd.redis !== null ? eventsOf(sub.redis, cmd.redis, steps) : Promise.resolve(null),
  ]);
  return { tierkv, redis };
}

/** `K` and `E` lines of one event each for `pairs` of [event, key]. */
function ke(...pairs: [string, string][]): string[] {
  return pairs.flatMap(([e, k]) => [`__keyspace@0__:${k} ${e}`, `__keyevent@0__:${e} ${k}`]);
}

describeCompat('keyspace notifications (tierkv and redis-server 7.0.15)', {}, (f) => {
  async function setup(flags: string): Promise<{ sub: CompatConns; cmd: CompatConns; close(): Promise<void> }> {
    const sub = await connectBoth(f.servers);
    const cmd = await connectBoth(f.servers);
    await f.expectReply(['CONFIG', 'SET', 'notify-keyspace-events', flags], '+OK\r\n', cmd);
    await f.expectReply(['FLUSHALL'], '+OK\r\n', cmd);
    await f.expectReply(['PSUBSCRIBE', '*'], '*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n', sub);
    return {
      sub,
      cmd,
      close: async () => {
        await Promise.all([
          cmd.tierkv.command('CONFIG', 'SET', 'notify-keyspace-events', ''),
          cmd.redis?.command('CONFIG', 'SET', 'notify-keyspace-events', ''),
        ]);
        sub.close();
        cmd.close();
      },
    };
  }

  it('names the events of the string commands as Redis does (classes $ g n, K and E)', async () => {
    const { sub, cmd, close } = await setup('KEA$gn');
    try {
      const r = await bothEvents(sub, cmd, [
        ['SET', 'a', '1'], ['SET', 'a', '2', 'EX', '100'], ['SETEX', 'b', '100', 'x'], ['PSETEX', 'c', '100000', 'y'],
        ['SETNX', 'a', '3'], ['SETNX', 'd', '3'], ['GETSET', 'd', '4'], ['GETDEL', 'd'], ['GETEX', 'a', 'PERSIST'],
        ['GETEX', 'a', 'EX', '50'], ['GETEX', 'a', 'EXAT', '1'], ['MSET', 'e', '1', 'f', '2'], ['MSETNX', 'g', '1'],
        ['INCR', 'e'], ['DECRBY', 'e', '3'], ['INCRBYFLOAT', 'e', '1.5'], ['APPEND', 'f', 'x'], ['APPEND', 'h', 'y'],
        ['SETRANGE', 'i', '2', 'z'], ['SETRANGE', 'i', '0', 'q'], ['SETRANGE', 'i', '0', ''], ['SET', 'k', '1', 'KEEPTTL'],
        ['INCR', 'k2'], ['SET', 'k', 'v', 'NX'],
      ]);
      const expected = ke(
        ['new', 'a'], ['set', 'a'], ['set', 'a'], ['expire', 'a'], ['new', 'b'], ['set', 'b'], ['expire', 'b'],
        ['new', 'c'], ['set', 'c'], ['expire', 'c'], ['new', 'd'], ['set', 'd'], ['set', 'd'], ['del', 'd'],
        ['persist', 'a'], ['expire', 'a'], ['del', 'a'], ['new', 'e'], ['set', 'e'], ['new', 'f'], ['set', 'f'],
        ['new', 'g'], ['set', 'g'], ['incrby', 'e'], ['incrby', 'e'], ['incrbyfloat', 'e'], ['append', 'f'],
        ['new', 'h'], ['append', 'h'], ['new', 'i'], ['setrange', 'i'], ['setrange', 'i'], ['new', 'k'], ['set', 'k'],
        ['new', 'k2'], ['incrby', 'k2'],
      );
      expect(r.tierkv).toEqual(expected);
      if (r.redis !== null) expect(r.redis).toEqual(expected);
    } finally {
      await close();
    }
  });

  it('names the events of the key and expire commands, and keymiss (m)', async () => {
    const { sub, cmd, close } = await setup('KEAm');
    try {
      const r = await bothEvents(sub, cmd, [
        ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['DEL', 'a', 'nope'], ['UNLINK', 'b'], ['RENAME', 'c', 'c2'], ['SET', 'd', '1'],
        ['RENAME', 'c2', 'd'], ['RENAMENX', 'd', 'd'], ['EXPIRE', 'd', '100'], ['PEXPIRE', 'd', '100000', 'NX'], ['PERSIST', 'd'],
        ['PERSIST', 'd'], ['PEXPIREAT', 'd', '99999999999999'], ['EXPIREAT', 'd', '1'], ['GET', 'miss'], ['EXISTS', 'miss'],
        ['MGET', 'm1', 'm2'], ['OBJECT', 'ENCODING', 'miss'], ['OBJECT', 'IDLETIME', 'miss'], ['OBJECT', 'FREQ', 'miss'], // no keymiss (LOOKUP_NONOTIFY)
        ['TTL', 'miss'], ['SET', 'x', '1', 'PX', '1'], 30, ['GET', 'x'], ['FLUSHALL'],
      ]);
      const expected = [
        ...ke(['set', 'a'], ['set', 'b'], ['set', 'c'], ['del', 'a'], ['del', 'b'], ['rename_from', 'c'], ['rename_to', 'c2'], ['set', 'd']),
        ...ke(['rename_from', 'c2'], ['rename_to', 'd'], ['expire', 'd'], ['persist', 'd'], ['expire', 'd'], ['del', 'd']),
        ...ke(['keymiss', 'miss'], ['keymiss', 'miss'], ['keymiss', 'm1'], ['keymiss', 'm2'], ['keymiss', 'miss']),
        ...ke(['set', 'x'], ['expire', 'x'], ['expired', 'x'], ['keymiss', 'x']),
      ];
      expect(r.tierkv).toEqual(expected);
      if (r.redis !== null) expect(r.redis).toEqual(expected);
    } finally {
      await close();
    }
  });

  it('names the events of the bitmap commands (SETBIT, BITOP, BITFIELD) as Redis does; reads publish nothing but keymiss', async () => {
    const { sub, cmd, close } = await setup('KEA$gn');
    try {
      const r = await bothEvents(sub, cmd, [
        ['SETBIT', 'b', '7', '1'], ['SETBIT', 'b', '7', '1'], ['GETBIT', 'b', '7'], ['BITCOUNT', 'b'], ['BITPOS', 'b', '1'],
        ['BITOP', 'NOT', 'n', 'b'], ['BITOP', 'AND', 'n', 'none1', 'none2'], ['BITOP', 'OR', 'absent', 'none1'],
        ['BITFIELD', 'f', 'GET', 'u8', '0'], ['BITFIELD', 'f', 'SET', 'u8', '0', '255', 'GET', 'u4', '0'],
        ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1'], ['BITFIELD', 'f', 'INCRBY', 'i8', '8', '5', 'INCRBY', 'i8', '8', '5'],
        ['BITFIELD', 'f', 'SET', 'u8', '0', '255', 'SET', 'i8', '8', '10'], ['BITFIELD_RO', 'f', 'GET', 'u8', '0'], ['SETBIT', 'b', '7', '0'],
      ]);
      const expected = ke(
        // a SETBIT or BITFIELD that changes no bit of an existing value, without lengthening it, publishes nothing
        ['new', 'b'], ['setbit', 'b'], ['new', 'n'], ['set', 'n'], ['del', 'n'],
        ['new', 'f'], ['setbit', 'f'], ['setbit', 'f'], ['setbit', 'b'],
      );
      expect(r.tierkv).toEqual(expected);
      if (r.redis !== null) expect(r.redis).toEqual(expected);
    } finally {
      await close();
    }
  });

  it('publishes only the enabled classes, and only as K and/or E say', async () => {
    for (const [flags, expected] of [
      ['E$', ['__keyevent@0__:set a', '__keyevent@0__:set x']],
      ['Kg', ['__keyspace@0__:a del', '__keyspace@0__:x expire']],
      ['A', []],
      ['Ex', ['__keyevent@0__:expired x']],
      ['', []],
    ] as const) {
      const { sub, cmd, close } = await setup(flags);
      try {
        const r = await bothEvents(sub, cmd, [['SET', 'a', '1'], ['DEL', 'a'], ['SET', 'x', '1', 'PX', '1'], 30, ['GET', 'x']]);
        expect(r.tierkv, flags).toEqual(expected);
        if (r.redis !== null) expect(r.redis, flags).toEqual(expected);
      } finally {
        await close();
      }
    }
  });

  it('reports expired keys found by the active expiry cycle', async () => {
    const { sub, cmd, close } = await setup('Ex');
    try {
      const r = await bothEvents(sub, cmd, [['SET', 'gone', '1', 'PX', '1'], 400]);
      expect(r.tierkv).toEqual(['__keyevent@0__:expired gone']);
      if (r.redis !== null) expect(r.redis).toEqual(['__keyevent@0__:expired gone']);
    } finally {
      await close();
    }
  });

  it('validates the classes and reads them back in canonical form', async () => {
    const cmd = await connectBoth(f.servers);
    try {
      for (const [set, get] of [['KEA', 'AKE'], ['gE$m', 'g$Em'], ['An', 'A'], ['KEA$lshzxetdnm', 'AKEm'], ['', '']]) {
        await f.expectReply(['CONFIG', 'SET', 'notify-keyspace-events', set], '+OK\r\n', cmd);
        await f.expectReply(['CONFIG', 'GET', 'notify-keyspace-events'], `*2\r\n$22\r\nnotify-keyspace-events\r\n$${get.length}\r\n${get}\r\n`, cmd);
      }
      await f.expectReply(
        ['CONFIG', 'SET', 'notify-keyspace-events', 'KEy'],
        "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n",
        cmd,
      );
    } finally {
      cmd.close();
    }
  });

  it('sends a RESP3 client the events of its own command before its reply', async () => {
    const c = await connectBoth(f.servers, 3);
    try {
      await f.expectReply(['CONFIG', 'SET', 'notify-keyspace-events', 'E$'], '+OK\r\n', c);
      await f.expectReply(['SUBSCRIBE', '__keyevent@0__:set'], '>3\r\n$9\r\nsubscribe\r\n$18\r\n__keyevent@0__:set\r\n:1\r\n', c);
      await Promise.all([c.tierkv.send(['SET', 'own', 'v']), c.redis?.send(['SET', 'own', 'v'])]);
      for (const want of ['>3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$3\r\nown\r\n', '+OK\r\n']) {
        expect((await c.tierkv.readReply()).toString()).toBe(want);
        if (c.redis !== null) expect((await c.redis.readReply()).toString()).toBe(want);
      }
      await f.expectReply(['CONFIG', 'SET', 'notify-keyspace-events', ''], '+OK\r\n', c);
    } finally {
      c.close();
    }
  });
});

describeCompat('keyspace notifications: evicted (maxmemory 2mb, allkeys-random)', { maxmemory: '2mb', 'maxmemory-policy': 'allkeys-random' }, (f) => {
  it('publishes one evicted event per evicted key', async () => {
    for (const side of ['tierkv', 'redis'] as const) {
      const h = f.servers[side];
      if (h === null) continue;
      const sub = await RawClient.connect(h.port, { host: h.host });
      const cmd = await RawClient.connect(h.port, { host: h.host });
      try {
        await cmd.command('CONFIG', 'SET', 'notify-keyspace-events', 'Ee');
        await sub.command('SUBSCRIBE', '__keyevent@0__:evicted');
        const value = 'v'.repeat(100);
        for (let start = 0; start < 40_000; start += 1000) {
          await cmd.pipeline(Array.from({ length: 1000 }, (_, i) => ['SET', `key:${start + i}`, value] as const));
        }
        const evicted = Number(infoFields((await cmd.call('INFO', 'stats')) as string).evicted_keys);
        expect(evicted, side).toBeGreaterThan(0);
        const keys = new Set<string>();
        for (let i = 0; i < evicted; i++) keys.add((decodeReply(await sub.readReply()) as string[])[2]!);
        expect(keys.size, side).toBe(evicted);
        const sample = [...keys].slice(0, 50);
        expect(decodeReply(await cmd.command('EXISTS', ...sample)), side).toBe(0);
        await cmd.command('CONFIG', 'SET', 'notify-keyspace-events', '');
      } finally {
        sub.destroy();
        cmd.destroy();
      }
    }
  }, 60_000);
});

describe('keyspace notifications: tierkv migrate_prepare event', () => {
  it('publishes one __keyevent@0__:migrate_prepare message with the number of dropped keys (classes e and E)', async () => {
    const srv = await startTierkvInProcess({ maxmemory: '32mb', 'maxmemory-policy': 'allkeys-lfu', 'hot-ratio': '0.3', 'migrate-zero-freed': 'no' });
    const sub = await RawClient.connect(srv.port, { host: srv.host });
    const cmd = await RawClient.connect(srv.port, { host: srv.host });
    try {
      await cmd.command('CONFIG', 'SET', 'notify-keyspace-events', 'Ee');
      await sub.command('PSUBSCRIBE', '__keyevent@0__:*');
      const value = 'v'.repeat(100);
      for (let start = 0; start < 150_000; start += 2000) {
        await cmd.pipeline(Array.from({ length: 2000 }, (_, i) => ['SET', `key:${start + i}`, value] as const));
      }
      await waitUntil(async () => {
        const t = infoFields((await cmd.call('INFO', 'tiers')) as string);
        return Number(t.cold_keys) > 0 && Number(t.hot_used_bytes) <= Number(t.hot_capacity_bytes);
      }, 'keys in the cold tier');
      // Evictions may have happened while filling: skip their events.
      await cmd.command('PUBLISH', '__keyevent@0__:mark', 'x');
      for (;;) if ((decodeReply(await sub.readReply()) as string[])[2] === '__keyevent@0__:mark') break;
      const report = replyPairs(decodeReply(await cmd.command('MIGRATE_PREPARE')));
      const dropped = Number(report.dropped_keys);
      expect(dropped).toBeGreaterThan(0);
      const m = decodeReply(await sub.readReply()) as string[];
      expect(m).toEqual(['pmessage', '__keyevent@0__:*', '__keyevent@0__:migrate_prepare', String(dropped)]);
      await cmd.command('MIGRATE_DONE');
    } finally {
      sub.destroy();
      cmd.destroy();
      await srv.stop();
    }
  }, 120_000);
});
