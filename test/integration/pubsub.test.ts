/**
 * Pub/Sub over real sockets: raw RESP2/RESP3 frames compared byte for byte with redis-server 7.0.15 (compat
 * fixture), ioredis and node-redis subscribers through their pub/sub APIs, a subscriber killed in the middle of a
 * stream, and `client-output-buffer-limit pubsub` closing a subscriber that does not read.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { connectBoth, describeCompat, type CompatConns, type CompatFixture } from '../support/compat.js';
import { infoFields } from '../support/info.js';
import { RawClient } from '../support/raw-client.js';
import type { ServerHandle } from '../support/server-handle.js';
import { sleep, waitUntil } from '../support/wait.js';

/** RESP bulk string. */
const bulk = (s: string | null, proto: 2 | 3 = 2): string =>
  s === null ? (proto === 3 ? '_\r\n' : '$-1\r\n') : `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
/** A push (RESP3 `>`) or array (RESP2 `*`) of bulk strings, with a trailing integer when `n` is given. */
function push(proto: 2 | 3, items: (string | null)[], n?: number): string {
  const len = items.length + (n === undefined ? 0 : 1);
  return `${proto === 3 ? '>' : '*'}${len}\r\n${items.map((i) => bulk(i, proto)).join('')}${n === undefined ? '' : `:${n}\r\n`}`;
}
const notAllowed = (cmd: string): string =>
  `-ERR Can't execute '${cmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n`;

/** Reads one reply from each side and asserts both are `expected`. */
async function expectRead(c: CompatConns, expected: string, what: string): Promise<void> {
  const [a, b] = await Promise.all([c.tierkv.readReply(), c.redis?.readReply() ?? Promise.resolve(null)]);
  expect(a.toString('latin1'), `tierkv: ${what}`).toBe(expected);
  if (b !== null) expect(b.toString('latin1'), `redis-server: ${what}`).toBe(expected);
}

/** Sends without reading, on both sides. */
async function sendBoth(c: CompatConns, ...args: string[]): Promise<void> {
  await Promise.all([c.tierkv.send(args), c.redis?.send(args)]);
}

/** A subscriber and a publisher connection on each server; closed at the end. */
async function pair(f: CompatFixture, proto: 2 | 3 = 2): Promise<{ sub: CompatConns; pub: CompatConns; close(): void }> {
  const sub = await connectBoth(f.servers, proto);
  const pub = await connectBoth(f.servers);
  return { sub, pub, close: () => (sub.close(), pub.close()) };
}

describeCompat('Pub/Sub RESP2 (tierkv and redis-server 7.0.15)', {}, (f) => {
  it('subscribes, receives message, pmessage and smessage frames, and counts receivers', async () => {
    const { sub, pub, close } = await pair(f);
    try {
      await sendBoth(sub, 'SUBSCRIBE', 'news', 'news');
      await expectRead(sub, push(2, ['subscribe', 'news'], 1), 'subscribe');
      await expectRead(sub, push(2, ['subscribe', 'news'], 1), 'subscribe again');
      await f.expectReply(['PSUBSCRIBE', 'n*'], push(2, ['psubscribe', 'n*'], 2), sub);
      await f.expectReply(['SSUBSCRIBE', 'sh'], push(2, ['ssubscribe', 'sh'], 1), sub);
      await f.expectReply(['PUBLISH', 'news', 'hello'], ':2\r\n', pub);
      await expectRead(sub, push(2, ['message', 'news', 'hello']), 'message');
      await expectRead(sub, push(2, ['pmessage', 'n*', 'news', 'hello']), 'pmessage');
      await f.expectReply(['PUBLISH', 'nope', 'x'], ':1\r\n', pub);
      await expectRead(sub, push(2, ['pmessage', 'n*', 'nope', 'x']), 'pmessage only');
      await f.expectReply(['PUBLISH', 'other', 'x'], ':0\r\n', pub);
      await f.expectReply(['SPUBLISH', 'sh', Buffer.from('bin\x00\xff', 'latin1')], ':1\r\n', pub);
      await expectRead(sub, push(2, ['smessage', 'sh', 'bin\x00\xff']), 'smessage');
      // Shard channels and plain channels are separate name spaces.
      await f.expectReply(['SPUBLISH', 'news', 'x'], ':0\r\n', pub);
      await f.expectReply(['PUBSUB', 'NUMSUB', 'news', 'sh', 'none'], '*6\r\n$4\r\nnews\r\n:1\r\n$2\r\nsh\r\n:0\r\n$4\r\nnone\r\n:0\r\n', pub);
      await f.expectReply(['PUBSUB', 'SHARDNUMSUB', 'sh'], '*2\r\n$2\r\nsh\r\n:1\r\n', pub);
      await f.expectReply(['PUBSUB', 'NUMPAT'], ':1\r\n', pub);
      await f.expectReply(['PUBSUB', 'CHANNELS'], '*1\r\n$4\r\nnews\r\n', pub);
      await f.expectReply(['PUBSUB', 'CHANNELS', 'x*'], '*0\r\n', pub);
      await f.expectReply(['PUBSUB', 'SHARDCHANNELS', 's?'], '*1\r\n$2\r\nsh\r\n', pub);
      await f.expectReply(['PUBSUB', 'CHANNELS', 'a', 'b'], "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n", pub);
      await f.expectReply(['PUBSUB', 'NUMPAT', 'x'], "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n", pub);
      await f.expectReply(['PUBLISH', 'news'], "-ERR wrong number of arguments for 'publish' command\r\n", pub);
    } finally {
      close();
    }
  });

  it('allows only (P|S)(UN)SUBSCRIBE, PING and QUIT in subscribed mode, PING answering ["pong", msg]', async () => {
    const { sub, close } = await pair(f);
    try {
      await f.expectReply(['SUBSCRIBE', 'a'], push(2, ['subscribe', 'a'], 1), sub);
      await f.expectReply(['PING'], '*2\r\n$4\r\npong\r\n$0\r\n\r\n', sub);
      await f.expectReply(['PING', 'hi'], '*2\r\n$4\r\npong\r\n$2\r\nhi\r\n', sub);
      await f.expectReply(['GET', 'k'], notAllowed('get'), sub);
      await f.expectReply(['CLIENT', 'ID'], notAllowed('client|id'), sub);
      await f.expectReply(['HELLO', '3'], notAllowed('hello'), sub);
      await f.expectReply(['MULTI'], notAllowed('multi'), sub);
      await f.expectReply(['PUBLISH', 'a', 'b'], notAllowed('publish'), sub);
      await f.expectReply(['UNSUBSCRIBE'], push(2, ['unsubscribe', 'a'], 0), sub);
      await f.expectReply(['UNSUBSCRIBE'], push(2, ['unsubscribe', null], 0), sub);
      await f.expectReply(['PUNSUBSCRIBE'], push(2, ['punsubscribe', null], 0), sub);
      await f.expectReply(['SUNSUBSCRIBE'], push(2, ['sunsubscribe', null], 0), sub);
      await f.expectReply(['UNSUBSCRIBE', 'x'], push(2, ['unsubscribe', 'x'], 0), sub);
      // Out of subscribed mode again.
      await f.expectReply(['PING'], '+PONG\r\n', sub);
      // Shard subscriptions alone also put the client in subscribed mode, and count separately.
      await f.expectReply(['PSUBSCRIBE', 'p'], push(2, ['psubscribe', 'p'], 1), sub);
      await f.expectReply(['SSUBSCRIBE', 's'], push(2, ['ssubscribe', 's'], 1), sub);
      await f.expectReply(['PUNSUBSCRIBE', 'p'], push(2, ['punsubscribe', 'p'], 0), sub);
      await f.expectReply(['GET', 'k'], notAllowed('get'), sub);
      await f.expectReply(['SUNSUBSCRIBE', 's'], push(2, ['sunsubscribe', 's'], 0), sub);
      await f.expectReply(['GET', 'k'], '$-1\r\n', sub);
      await f.expectReply(['QUIT'], '+OK\r\n', sub);
    } finally {
      close();
    }
  });

  it('runs SUBSCRIBE inside MULTI but refuses SSUBSCRIBE there, as Redis 7.0', async () => {
    const { sub, close } = await pair(f);
    try {
      await f.expectReply(['MULTI'], '+OK\r\n', sub);
      await f.expectReply(['SSUBSCRIBE', 'x'], '+QUEUED\r\n', sub);
      await f.expectReply(['SUBSCRIBE', 'y'], '+QUEUED\r\n', sub);
      await f.expectReply(['EXEC'], `*2\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n${push(2, ['subscribe', 'y'], 1)}`, sub);
      await f.expectReply(['GET', 'k'], notAllowed('get'), sub);
    } finally {
      close();
    }
  });

  it('shows subscriptions in CLIENT LIST (flag P, sub psub ssub) and INFO stats, and TYPE pubsub selects them', async () => {
    const { sub, pub, close } = await pair(f);
    try {
      await sendBoth(sub, 'SUBSCRIBE', 'c1', 'c2');
      await expectRead(sub, push(2, ['subscribe', 'c1'], 1), 'c1');
      await expectRead(sub, push(2, ['subscribe', 'c2'], 2), 'c2');
      await f.expectReply(['PSUBSCRIBE', 'p*'], push(2, ['psubscribe', 'p*'], 3), sub);
      await f.expectReply(['SSUBSCRIBE', 's1'], push(2, ['ssubscribe', 's1'], 1), sub);
      for (const side of ['tierkv', 'redis'] as const) {
        const conn = pub[side];
        if (conn === null) continue;
        const line = (await conn.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
        expect(line, side).toMatch(/ flags=P db=0 sub=2 psub=1 ssub=1 /);
        expect(((await conn.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string).includes('flags=P'), side).toBe(false);
        const info = infoFields((await conn.call('INFO', 'stats')) as string);
        expect([info.pubsub_channels, info.pubsub_patterns, info.pubsubshard_channels], side).toEqual(['2', '1', '1']);
      }
      await f.expectReply(['CLIENT', 'KILL', 'TYPE', 'pubsub'], ':1\r\n', pub);
      await Promise.all([sub.tierkv.readClosed(), sub.redis?.readClosed()]);
      await waitUntil(async () => (await f.both('PUBSUB', 'NUMSUB', 'c1')).tierkv.endsWith(':0\r\n'), 'the killed subscriber to leave');
      await f.expectReply(['PUBSUB', 'NUMPAT'], ':0\r\n', pub);
    } finally {
      close();
    }
  });
});

describeCompat('Pub/Sub RESP3 (tierkv and redis-server 7.0.15)', {}, (f) => {
  it('sends subscriptions and messages as pushes, runs any command, and orders its own messages with its replies', async () => {
    const { sub, pub, close } = await pair(f, 3);
    try {
      await f.expectReply(['SUBSCRIBE', 'ch'], push(3, ['subscribe', 'ch'], 1), sub);
      await f.expectReply(['SET', 'k', 'v'], '+OK\r\n', sub);
      await f.expectReply(['GET', 'k'], '$1\r\nv\r\n', sub);
      await f.expectReply(['PING'], '+PONG\r\n', sub);
      // A publish to itself: the push comes before the PUBLISH reply.
      await sendBoth(sub, 'PUBLISH', 'ch', 'self');
      await expectRead(sub, push(3, ['message', 'ch', 'self']), 'own message');
      await expectRead(sub, ':1\r\n', 'PUBLISH reply');
      await f.expectReply(['PUBLISH', 'ch', 'hi'], ':1\r\n', pub);
      await expectRead(sub, push(3, ['message', 'ch', 'hi']), 'message');
      await f.expectReply(['PSUBSCRIBE', 'c*'], push(3, ['psubscribe', 'c*'], 2), sub);
      await f.expectReply(['PUBLISH', 'cx', 'm'], ':1\r\n', pub);
      await expectRead(sub, push(3, ['pmessage', 'c*', 'cx', 'm']), 'pmessage');
      await f.expectReply(['UNSUBSCRIBE', 'ch'], push(3, ['unsubscribe', 'ch'], 1), sub);
      await f.expectReply(['PUNSUBSCRIBE'], push(3, ['punsubscribe', 'c*'], 0), sub);
      await f.expectReply(['PUNSUBSCRIBE'], push(3, ['punsubscribe', null], 0), sub);
    } finally {
      close();
    }
  });

  it('delivers the same message to RESP2 and RESP3 subscribers in their own framing', async () => {
    const s2 = await connectBoth(f.servers, 2);
    const s3 = await connectBoth(f.servers, 3);
    try {
      await f.expectReply(['SUBSCRIBE', 'mix'], push(2, ['subscribe', 'mix'], 1), s2);
      await f.expectReply(['SUBSCRIBE', 'mix'], push(3, ['subscribe', 'mix'], 1), s3);
      await f.expectReply(['PUBLISH', 'mix', 'both'], ':2\r\n');
      await expectRead(s2, push(2, ['message', 'mix', 'both']), 'RESP2 message');
      await expectRead(s3, push(3, ['message', 'mix', 'both']), 'RESP3 message');
    } finally {
      s2.close();
      s3.close();
    }
  });
});

describeCompat('Pub/Sub subscribers that go away', {}, (f) => {
  it('drops a subscriber killed in the middle of a stream: its channels are left and publishing goes on', async () => {
    for (const side of ['tierkv', 'redis'] as const) {
      const h: ServerHandle | null = f.servers[side];
      if (h === null) continue;
      const sub = await RawClient.connect(h.port, { host: h.host });
      const pub = await RawClient.connect(h.port, { host: h.host });
      try {
        await sub.command('SUBSCRIBE', 'stream');
        await sub.command('PSUBSCRIBE', 'str*');
        const payload = 'x'.repeat(1000);
        const batch = Array.from({ length: 200 }, () => ['PUBLISH', 'stream', payload] as const);
        const first = await pub.pipeline(batch);
        expect(first.every((r) => r.toString() === ':2\r\n'), side).toBe(true);
        // Read part of the stream, then vanish without unsubscribing.
        for (let i = 0; i < 10; i++) await sub.readReply();
        sub.socket.resetAndDestroy();
        await waitUntil(async () => (await pub.command('PUBSUB', 'NUMSUB', 'stream')).toString().endsWith(':0\r\n'), `${side}: subscriber gone`);
        expect((await pub.command('PUBSUB', 'NUMPAT')).toString(), side).toBe(':0\r\n');
        expect((await pub.command('PUBLISH', 'stream', 'after')).toString(), side).toBe(':0\r\n');
        const info = infoFields((await pub.call('INFO', 'stats')) as string);
        expect([info.pubsub_channels, info.pubsub_patterns], side).toEqual(['0', '0']);
      } finally {
        sub.destroy();
        pub.destroy();
      }
    }
  });

  it('closes a subscriber that does not read once client-output-buffer-limit pubsub is reached', async () => {
    for (const side of ['tierkv', 'redis'] as const) {
      const h: ServerHandle | null = f.servers[side];
      if (h === null) continue;
      const sub = await RawClient.connect(h.port, { host: h.host });
      const pub = await RawClient.connect(h.port, { host: h.host });
      const bystander = await RawClient.connect(h.port, { host: h.host });
      try {
        expect((await pub.command('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 0 0')).toString()).toBe('+OK\r\n');
        await sub.command('SUBSCRIBE', 'flood');
        await bystander.command('SUBSCRIBE', 'other');
        sub.pause();
        const payload = Buffer.alloc(64 * 1024, 0x61);
        // 4 MiB into the kernel buffers and beyond: well past the 1 MiB limit once the socket buffers fill up.
        for (let round = 0; round < 20; round++) {
          await pub.pipeline(Array.from({ length: 16 }, () => ['PUBLISH', 'flood', payload] as const));
          const n = (await pub.command('PUBSUB', 'NUMSUB', 'flood')).toString();
          if (n.endsWith(':0\r\n')) break;
        }
        await waitUntil(async () => (await pub.command('PUBSUB', 'NUMSUB', 'flood')).toString().endsWith(':0\r\n'), `${side}: subscriber closed`);
        // The subscriber's connection is closed (what it had received before may still be read).
        const r = await sub.readBatch(100_000, 10_000, true);
        expect(r.closed, side).toBe(true);
        // Other subscribers are not affected.
        expect((await pub.command('PUBLISH', 'other', 'still')).toString(), side).toBe(':1\r\n');
        expect((await bystander.readReply()).toString(), side).toBe(push(2, ['message', 'other', 'still']));
      } finally {
        await pub.command('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
        sub.destroy();
        pub.destroy();
        bystander.destroy();
      }
    }
  });
});

describeCompat('Pub/Sub with client libraries', {}, (f) => {
  it('works with ioredis subscribers (subscribe, psubscribe, ssubscribe) in RESP2', async () => {
    const h = f.servers.tierkv;
    const sub = new Redis({ host: h.host, port: h.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const pub = new Redis({ host: h.host, port: h.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    sub.on('error', () => {});
    pub.on('error', () => {});
    try {
      await sub.connect();
      await pub.connect();
      const got: string[] = [];
      sub.on('message', (ch: string, msg: string) => got.push(`message ${ch} ${msg}`));
      sub.on('pmessage', (pat: string, ch: string, msg: string) => got.push(`pmessage ${pat} ${ch} ${msg}`));
      sub.on('smessage', (ch: string, msg: string) => got.push(`smessage ${ch} ${msg}`));
      expect(await sub.subscribe('io:a', 'io:b')).toBe(2);
      expect(await sub.psubscribe('io:*')).toBe(3);
      expect(await sub.ssubscribe('io:s')).toBe(1);
      expect(await pub.publish('io:a', 'one')).toBe(2);
      expect(await pub.publish('io:zz', 'two')).toBe(1);
      expect(await pub.spublish('io:s', 'three')).toBe(1);
      await waitUntil(() => got.length === 4, 'ioredis messages');
      expect(got).toEqual(['message io:a one', 'pmessage io:* io:a one', 'pmessage io:* io:zz two', 'smessage io:s three']);
      expect(await pub.pubsub('NUMSUB', 'io:a', 'io:b')).toEqual(['io:a', 1, 'io:b', 1]);
      await sub.unsubscribe('io:a');
      expect(await pub.publish('io:a', 'gone')).toBe(1); // the pattern still matches
      // (ioredis waits forever for the replies of an argument-less PUNSUBSCRIBE here, with redis-server too.)
      expect(await sub.punsubscribe('io:*')).toBe(1);
      expect(await sub.unsubscribe('io:b')).toBe(0);
      expect(await sub.sunsubscribe('io:s')).toBe(0);
      expect(await sub.get('io:none')).toBeNull(); // out of subscribed mode
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });

  it.each([2, 3] as const)('works with node-redis subscribers (subscribe, pSubscribe, sSubscribe), RESP%i', async (resp) => {
    const h = f.servers.tierkv;
    const pub = createClient({ RESP: resp, socket: { host: h.host, port: h.port, reconnectStrategy: false } });
    pub.on('error', () => {});
    await pub.connect();
    const sub = pub.duplicate();
    sub.on('error', () => {});
    await sub.connect();
    try {
      const got: string[] = [];
      await sub.subscribe('nr:a', (msg, ch) => got.push(`message ${ch} ${msg}`));
      await sub.pSubscribe('nr:*', (msg, ch) => got.push(`pmessage ${ch} ${msg}`));
      await sub.sSubscribe('nr:s', (msg, ch) => got.push(`smessage ${ch} ${msg}`));
      expect(await pub.publish('nr:a', 'one')).toBe(2);
      expect(await pub.sPublish('nr:s', 'two')).toBe(1);
      await waitUntil(() => got.length === 3, 'node-redis messages');
      expect(got.sort()).toEqual(['message nr:a one', 'pmessage nr:a one', 'smessage nr:s two']);
      expect(await pub.pubSubNumSub(['nr:a'])).toEqual({ 'nr:a': 1 });
      expect(await pub.pubSubNumPat()).toBe(1);
      expect(await pub.pubSubChannels('nr:*')).toEqual(['nr:a']);
      expect(await pub.pubSubShardChannels('nr:*')).toEqual(['nr:s']);
      await sub.unsubscribe();
      await sub.pUnsubscribe();
      await sub.sUnsubscribe();
      await sleep(50);
      expect(await pub.publish('nr:a', 'gone')).toBe(0);
    } finally {
      sub.destroy();
      pub.destroy();
    }
  });
});
