/**
 * tierkv with ioredis 6, as applications use it: its default handshake (HELLO 3, CLIENT SETINFO, INFO ready
 * check), strings and binary Buffers, pipelines, TTL commands, errors as ReplyError, requirepass, and
 * reconnecting after the server restarts. The server is chosen by TIERKV_TARGET (see test/support/tierkv.ts).
 */
import { Redis, type RedisOptions, ReplyError } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertSameBytes } from '../support/bytes.js';
import { sleep } from '../support/wait.js';
import type { ServerHandle } from '../support/server-handle.js';
import { startTarget, targetLabel } from '../support/tierkv.js';
import { useTarget } from '../support/fixtures.js';

const clients: Redis[] = [];

/** Creates a connected ioredis client that neither retries nor queues forever; closed after each test. */
async function connect(server: ServerHandle, options: RedisOptions = {}): Promise<Redis> {
  const client = new Redis({
    host: server.host,
    port: server.port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 5000,
    ...options,
  });
  client.on('error', () => {
    /* surfaced through command promises; avoids unhandled 'error' events */
  });
  clients.push(client);
  await client.connect();
  return client;
}

afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

describe(`ioredis 6 against ${targetLabel()}`, () => {
  let redis: Redis;

  const srv = useTarget();

  it('connects with the default RESP3 handshake and INFO ready check', async () => {
    redis = await connect(srv());
    expect(redis.status).toBe('ready');
    expect(await redis.ping()).toBe('PONG');
    const hello = (await redis.hello('3')) as unknown[];
    const proto = hello[hello.indexOf('proto') + 1];
    expect(proto).toBe(3);
    await redis.flushall();
  });

  it('sets and gets strings, including UTF-8 and empty values', async () => {
    redis = await connect(srv());
    expect(await redis.set('io:str', 'héllo ☃')).toBe('OK');
    expect(await redis.get('io:str')).toBe('héllo ☃');
    expect(await redis.set('io:empty', '')).toBe('OK');
    expect(await redis.get('io:empty')).toBe('');
    expect(await redis.get('io:missing')).toBeNull();
    expect(await redis.strlen('io:str')).toBe(Buffer.byteLength('héllo ☃'));
    expect(await redis.append('io:str', '!')).toBe(Buffer.byteLength('héllo ☃!'));
    expect(await redis.mset({ 'io:m1': 'a', 'io:m2': 'b' })).toBe('OK');
    expect(await redis.mget('io:m1', 'io:missing', 'io:m2')).toEqual(['a', null, 'b']);
    expect(await redis.exists('io:m1', 'io:m2', 'io:missing')).toBe(2);
    expect(await redis.del('io:m1', 'io:m2', 'io:missing')).toBe(2);
    expect(await redis.type('io:str')).toBe('string');
  });

  it('round-trips binary keys and values as Buffers', async () => {
    redis = await connect(srv());
    const key = Buffer.from([0x00, 0x6b, 0xff, 0x0d, 0x0a]);
    const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(await redis.set(key, value)).toBe('OK');
    expect(await redis.getBuffer(key)).toEqual(value);
    const big = Buffer.alloc(3 * 1024 * 1024, 0xa5);
    big[12345] = 0;
    expect(await redis.set('io:big', big)).toBe('OK');
    assertSameBytes(await redis.getBuffer('io:big'), big, 'GET io:big');
    expect(await redis.getrangeBuffer(key, 254, 300)).toEqual(Buffer.from([254, 255]));
  });

  it('counts with INCR family and parses INCRBYFLOAT', async () => {
    redis = await connect(srv());
    await redis.del('io:n');
    expect(await redis.incr('io:n')).toBe(1);
    expect(await redis.incrby('io:n', 41)).toBe(42);
    expect(await redis.decrby('io:n', 2)).toBe(40);
    expect(await redis.decr('io:n')).toBe(39);
    expect(await redis.incrbyfloat('io:n', '0.5')).toBe('39.5');
    await redis.set('io:max', '9223372036854775807');
    await expect(redis.incr('io:max')).rejects.toThrow('ERR increment or decrement would overflow');
  });

  it('runs pipelines, with per-command errors in the results', async () => {
    redis = await connect(srv());
    const results = await redis
      .pipeline()
      .set('io:p', '1')
      .incr('io:p')
      .get('io:p')
      .set('io:ptext', 'abc')
      .incr('io:ptext')
      .mget('io:p', 'io:ptext')
      .exec();
    expect(results).not.toBeNull();
    const [set, incr, get, set2, bad, mget] = results!;
    expect(set).toEqual([null, 'OK']);
    expect(incr).toEqual([null, 2]);
    expect(get).toEqual([null, '2']);
    expect(set2).toEqual([null, 'OK']);
    expect(bad![0]).toBeInstanceOf(ReplyError);
    expect((bad![0] as Error).message).toBe('ERR value is not an integer or out of range');
    expect(mget).toEqual([null, ['2', 'abc']]);
    // A large pipeline keeps replies in order.
    const p = redis.pipeline();
    for (let i = 0; i < 2000; i++) p.set(`io:pp:${i}`, String(i)).get(`io:pp:${i}`);
    const many = await p.exec();
    expect(many).toHaveLength(4000);
    for (let i = 0; i < 2000; i++) expect(many![2 * i + 1]).toEqual([null, String(i)]);
  });

  it('handles TTL commands', async () => {
    redis = await connect(srv());
    expect(await redis.set('io:t', 'v', 'EX', 100)).toBe('OK');
    const ttl = await redis.ttl('io:t');
    expect(ttl).toBeGreaterThanOrEqual(99);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await redis.pexpire('io:t', 200_000)).toBe(1);
    const pttl = await redis.pttl('io:t');
    expect(pttl).toBeGreaterThan(198_000);
    expect(pttl).toBeLessThanOrEqual(200_000);
    const at = Math.floor(Date.now() / 1000) + 1000;
    expect(await redis.expireat('io:t', at)).toBe(1);
    expect(await redis.expiretime('io:t')).toBe(at);
    expect(await redis.expire('io:t', 50, 'GT')).toBe(0);
    expect(await redis.persist('io:t')).toBe(1);
    expect(await redis.ttl('io:t')).toBe(-1);
    expect(await redis.ttl('io:nokey')).toBe(-2);
    expect(await redis.set('io:short', 'v', 'PX', 150)).toBe('OK');
    expect(await redis.get('io:short')).toBe('v');
    await sleep(400);
    expect(await redis.get('io:short')).toBeNull();
    expect(await redis.exists('io:short')).toBe(0);
    expect(await redis.set('io:gx', 'v')).toBe('OK');
    expect(await redis.getex('io:gx', 'EX', 300)).toBe('v');
    expect(await redis.ttl('io:gx')).toBeGreaterThan(298);
    expect(await redis.getdel('io:gx')).toBe('v');
    expect(await redis.exists('io:gx')).toBe(0);
  });

  it('surfaces error replies as ReplyError with the server message', async () => {
    redis = await connect(srv());
    await redis.set('io:e', 'x');
    const err = await redis.incr('io:e').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplyError);
    expect((err as Error).message).toBe('ERR value is not an integer or out of range');
    await expect(redis.call('NOSUCHCMD', 'a')).rejects.toThrow(/^ERR unknown command 'NOSUCHCMD'/);
    await expect(redis.call('GET')).rejects.toThrow("ERR wrong number of arguments for 'get' command");
    await expect(redis.call('SET', 'k', 'v', 'EX', '0')).rejects.toThrow("ERR invalid expire time in 'set' command");
    await expect(redis.call('SET', 'k', 'v', 'NX', 'XX')).rejects.toThrow('ERR syntax error');
    expect(await redis.ping()).toBe('PONG'); // the connection survives errors
  });

  it('serves database 0 only: SELECT of another fails as on a Redis with `databases 1`', async () => {
    const b = await connect(srv());
    await b.set('io:db', 'zero');
    expect(await b.select(0)).toBe('OK');
    await expect(b.select(2)).rejects.toThrow('ERR DB index is out of range');
    expect(await b.get('io:db')).toBe('zero');
  });

  it('reads the diagnostics: SLOWLOG, LATENCY, ROLE, LASTSAVE (parsed by ioredis)', async () => {
    const r = await connect(srv());
    await r.config('SET', 'slowlog-log-slower-than', '0');
    try {
      await r.slowlog('RESET');
      await r.set('diag:k', 'v');
      const entries = (await r.slowlog('GET', 2)) as unknown[][];
      expect(entries[0]![3]).toEqual(['set', 'diag:k', 'v']);
      expect(entries[0]![4]).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(await r.slowlog('LEN')).toBeGreaterThanOrEqual(2);
    } finally {
      await r.config('SET', 'slowlog-log-slower-than', '10000');
    }
    expect(await r.role()).toEqual(['master', 0, []]);
    const lastsave = await r.lastsave();
    expect(Math.abs(Date.now() / 1000 - lastsave)).toBeLessThan(24 * 3600);
    expect(await r.latency('LATEST')).toEqual([]);
    expect(await r.latency('RESET')).toBe(0);
  });

  it('reconnects after the server restarts on the same port', async () => {
    const restartable = await startTarget();
    try {
      const client = await connect(restartable, { retryStrategy: (n) => (n > 100 ? null : 50), maxRetriesPerRequest: 50 });
      await client.set('io:r', '1');
      const port = restartable.port;
      await restartable.stop();
      const second = await startTarget({ port: String(port) });
      try {
        expect(await client.set('io:r2', '2')).toBe('OK');
        expect(await client.get('io:r2')).toBe('2');
        expect(await client.get('io:r')).toBeNull(); // in-memory only: the restart lost it
      } finally {
        await second.stop();
      }
    } finally {
      await restartable.stop();
    }
  });
});

describe(`ioredis 6 with requirepass against ${targetLabel()}`, () => {
  const srv = useTarget({ requirepass: 's3cret pw' });

  it('authenticates with the password option (HELLO 3 AUTH)', async () => {
    const client = await connect(srv(), { password: 's3cret pw' });
    expect(await client.set('io:auth', 'ok')).toBe('OK');
    expect(await client.get('io:auth')).toBe('ok');
  });

  it('authenticates over RESP2 (AUTH) too', async () => {
    const client = await connect(srv(), { password: 's3cret pw', protocol: 2 });
    expect(await client.get('io:auth')).toBe('ok');
  });

  it('fails to connect without or with a wrong password', async () => {
    const errors: Error[] = [];
    for (const password of [undefined, 'wrong']) {
      const client = new Redis({
        host: srv().host,
        port: srv().port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        ...(password ? { password } : {}),
      });
      clients.push(client);
      client.on('error', (e: Error) => errors.push(e));
      await expect(client.connect()).rejects.toThrow();
    }
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^NOAUTH HELLO must be called with the client already authenticated/),
      'WRONGPASS invalid username-password pair or user is disabled.',
    ]);
    expect(errors.every((e) => e instanceof ReplyError)).toBe(true);
  });
});
