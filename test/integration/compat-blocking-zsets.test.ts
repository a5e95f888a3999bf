/**
 * Blocking sorted-set commands (BZPOPMIN BZPOPMAX BZMPOP) answer as redis-server 7.0.15: expected bytes captured
 * from it, and every multi-client scenario run against both servers (when redis-server is installed) with the same
 * expected replies: argument errors and their order, immediate service (RESP2 and RESP3 shapes), MULTI never
 * blocking, FIFO service of waiters by one ZADD, a BZMPOP COUNT served nested, timeouts, a key re-created as another
 * type never serving, and keyspace events of a served pop.
 */
import { it } from 'vitest';
import { describeCompat } from '../support/compat.js';
import { blockedClients, conn, expectEach, untilBlocked } from '../support/blocking.js';
import { eventsOf } from '../support/events.js';

const s = (b: Buffer): string => b.toString('latin1');

describeCompat('blocking sorted-set commands', {}, (f) => {
  it('argument errors in Redis order: BZMPOP numkeys/where/count before the timeout, the timeout before WRONGTYPE', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['SET', 'str', 'v'], '+OK\r\n');
    await f.expectReply(['BZPOPMIN', 'z', 'abc'], '-ERR timeout is not a float or out of range\r\n');
    await f.expectReply(['BZPOPMAX', 'z', '-1'], '-ERR timeout is negative\r\n');
    await f.expectReply(['BZPOPMIN', 'str', 'x'], '-ERR timeout is not a float or out of range\r\n');
    await f.expectReply(['BZPOPMIN', 'nokey', 'str', '0'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['BZPOPMIN', 'z'], "-ERR wrong number of arguments for 'bzpopmin' command\r\n");
    await f.expectReply(['BZMPOP', 'x', '0', 'z', 'MIN'], '-ERR numkeys should be greater than 0\r\n');
    await f.expectReply(['BZMPOP', 'x', '2', 'z', 'MIN'], '-ERR syntax error\r\n');
    await f.expectReply(['BZMPOP', 'x', '1', 'z', 'MID'], '-ERR syntax error\r\n');
    await f.expectReply(['BZMPOP', 'x', '1', 'z', 'MIN', 'COUNT', '0'], '-ERR count should be greater than 0\r\n');
    await f.expectReply(['BZMPOP', 'x', '1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '2'], '-ERR syntax error\r\n');
    await f.expectReply(['BZMPOP', 'x', '1', 'z', 'MIN'], '-ERR timeout is not a float or out of range\r\n');
    await f.expectReply(['BZMPOP', '0', '1', 'str', 'MAX'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  });

  it('served at once from the first key holding a sorted set (RESP2 and RESP3 shapes); MULTI never blocks', async () => {
    await f.expectReply(['DEL', 'z1', 'z2'], ':0\r\n');
    await f.expectReply(['ZADD', 'z2', '1', 'a', '2', 'b', '3', 'c', '1.5', 'd'], ':4\r\n');
    await f.expectReply(['BZPOPMIN', 'z1', 'z2', '0'], '*3\r\n$2\r\nz2\r\n$1\r\na\r\n$1\r\n1\r\n');
    await f.expectReply(['BZPOPMAX', 'z1', 'z2', '0'], '*3\r\n$2\r\nz2\r\n$1\r\nc\r\n$1\r\n3\r\n');
    await f.expectReply(['BZMPOP', '0', '2', 'z1', 'z2', 'MIN', 'COUNT', '5'], '*2\r\n$2\r\nz2\r\n*2\r\n*2\r\n$1\r\nd\r\n$3\r\n1.5\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n');
    await f.expectReply(['EXISTS', 'z2'], ':0\r\n');
    await f.expectReply(['ZADD', 'z1', '5', 'x', '-inf', 'y'], ':2\r\n');
    await f.both('HELLO', '3');
    await f.expectReply(['BZPOPMIN', 'z1', '0'], '*3\r\n$2\r\nz1\r\n$1\r\ny\r\n,-inf\r\n');
    await f.expectReply(['BZMPOP', '0.01', '1', 'z1', 'MAX'], '*2\r\n$2\r\nz1\r\n*1\r\n*2\r\n$1\r\nx\r\n,5\r\n');
    await f.expectReply(['BZPOPMIN', 'z1', '0.01'], '_\r\n');
    await f.expectReply(['MULTI'], '+OK\r\n');
    await f.expectReply(['BZPOPMAX', 'z1', '0'], '+QUEUED\r\n');
    await f.expectReply(['BZMPOP', '0', '1', 'z1', 'MIN'], '+QUEUED\r\n');
    await f.expectReply(['EXEC'], '*2\r\n_\r\n_\r\n');
    await f.both('HELLO', '2');
    await f.expectReply(['MULTI'], '+OK\r\n');
    await f.expectReply(['BZPOPMAX', 'z1', '0'], '+QUEUED\r\n');
    await f.expectReply(['EXEC'], '*1\r\n*-1\r\n');
  });

  it('waiters are served in FIFO order by one ZADD (BZPOPMIN flat, BZMPOP COUNT nested); a timeout is a null array', async () => {
    await expectEach(f, async (h) => {
      const ctl = await conn(h);
      await ctl.command('DEL', 'zq', 'zs');
      const ws = [await conn(h), await conn(h), await conn(h, 3)];
      await ws[0]!.send(['BZPOPMIN', 'zq', '0']);
      await untilBlocked(ctl, 1);
      await ws[1]!.send(['BZMPOP', '0', '2', 'zs', 'zq', 'MAX', 'COUNT', '2']);
      await untilBlocked(ctl, 2);
      await ws[2]!.send(['BZPOPMAX', 'zq', '0']);
      await untilBlocked(ctl, 3);
      const added = s(await ctl.command('ZADD', 'zq', '1', 'a', '2', 'b', '3', 'c', '4', 'd'));
      const r = [s(await ws[0]!.readReply()), s(await ws[1]!.readReply()), s(await ws[2]!.readReply())];
      const left = [await blockedClients(ctl), s(await ctl.command('EXISTS', 'zq'))];
      const t = s(await ws[0]!.command('BZPOPMIN', 'zq', '0.05'));
      for (const w of ws) w.destroy();
      ctl.destroy();
      return { added, r, left, t };
    }, {
      added: ':4\r\n',
      r: ['*3\r\n$2\r\nzq\r\n$1\r\na\r\n$1\r\n1\r\n', '*2\r\n$2\r\nzq\r\n*2\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n', '*3\r\n$2\r\nzq\r\n$1\r\nb\r\n,2\r\n'],
      left: [0, ':0\r\n'], t: '*-1\r\n',
    });
  });

  it('a key created as a list does not serve a sorted-set waiter; a served pop fires zpopmin and del', async () => {
    await expectEach(f, async (h) => {
      const ctl = await conn(h);
      await ctl.command('DEL', 'zk');
      await ctl.command('CONFIG', 'SET', 'notify-keyspace-events', 'Kglz');
      const sub = await conn(h);
      await sub.command('PSUBSCRIBE', '*');
      const w = await conn(h);
      await w.send(['BZPOPMIN', 'zk', '0']);
      await untilBlocked(ctl, 1);
      await ctl.command('RPUSH', 'zk', 'x');
      await ctl.command('DEL', 'zk');
      const still = await blockedClients(ctl);
      await ctl.command('ZADD', 'zk', '7', 'm');
      const r = s(await w.readReply());
      const events = await eventsOf(sub, ctl, []);
      await ctl.command('CONFIG', 'SET', 'notify-keyspace-events', '');
      for (const c of [ctl, sub, w]) c.destroy();
      return { still, r, events };
    }, { still: 1, r: '*3\r\n$2\r\nzk\r\n$1\r\nm\r\n$1\r\n7\r\n', events: ['__keyspace@0__:zk rpush', '__keyspace@0__:zk del', '__keyspace@0__:zk zadd', '__keyspace@0__:zk zpopmin', '__keyspace@0__:zk del'] });
  });
});
