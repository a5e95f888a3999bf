/**
 * tierkv with node-redis (`redis` 6, createClient), as applications use it: its handshake (HELLO 3, CLIENT
 * SETINFO), strings and binary Buffers (type mapping), pipelines, TTL commands, errors as ErrorReply,
 * requirepass, and reconnecting after the server restarts. The server is chosen by TIERKV_TARGET.
 */
import { ErrorReply, RESP_TYPES, type RedisClientOptions, createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertSameBytes } from '../support/bytes.js';
import { sleep } from '../support/wait.js';
import type { ServerHandle } from '../support/server-handle.js';
import { startTarget, targetLabel } from '../support/tierkv.js';
import { useTarget } from '../support/fixtures.js';

type Client = ReturnType<typeof createClient>;
/** createClient options, allowing RESP 2 (the library's option type is generic over the RESP version). */
type ClientOptions = Omit<RedisClientOptions, 'RESP'> & { RESP?: 2 | 3 };
const clients: Client[] = [];

/** A node-redis client for `server` (no reconnects unless `options.socket` says so); closed after each test. */
function makeClient(server: ServerHandle, options: ClientOptions = {}): Client {
  const client = createClient({
    ...options,
    socket: { host: server.host, port: server.port, connectTimeout: 5000, reconnectStrategy: false, ...options.socket },
  } as RedisClientOptions) as Client;
  client.on('error', () => {
    /* surfaced through promises; avoids unhandled 'error' events */
  });
  clients.push(client);
  return client;
}

async function connect(server: ServerHandle, options: ClientOptions = {}): Promise<Client> {
  const client = makeClient(server, options);
  await client.connect();
  return client;
}

afterEach(() => {
  for (const c of clients.splice(0)) if (c.isOpen) c.destroy();
});

describe(`node-redis 6 against ${targetLabel()}`, () => {
  const srv = useTarget();

  it('connects (HELLO 3 + CLIENT SETINFO) and speaks RESP3', async () => {
    const client = await connect(srv());
    expect(client.isReady).toBe(true);
    expect(await client.ping()).toBe('PONG');
    // RESP3 null comes back as null; a RESP3 map (HELLO) as an object.
    const hello = (await client.sendCommand(['HELLO', '3'])) as unknown;
    expect(hello).toMatchObject({ proto: 3 });
    await client.flushAll();
  });

  it('sets and gets strings', async () => {
    const client = await connect(srv());
    expect(await client.set('nr:s', 'héllo ☃')).toBe('OK');
    expect(await client.get('nr:s')).toBe('héllo ☃');
    expect(await client.get('nr:missing')).toBeNull();
    expect(await client.set('nr:s', 'new', { GET: true })).toBe('héllo ☃');
    expect(await client.set('nr:s', 'x', { condition: 'NX' })).toBeNull();
    expect(await client.mSet({ 'nr:a': '1', 'nr:b': '2' })).toBe('OK');
    expect(await client.mGet(['nr:a', 'nr:missing', 'nr:b'])).toEqual(['1', null, '2']);
    expect(await client.exists(['nr:a', 'nr:b', 'nr:missing'])).toBe(2);
    expect(await client.incrBy('nr:a', 9)).toBe(10);
    expect(await client.incrByFloat('nr:a', 0.25)).toBe('10.25');
    expect(await client.del(['nr:a', 'nr:b'])).toBe(2);
    expect(await client.type('nr:s')).toBe('string');
    expect(await client.dbSize()).toBeGreaterThan(0);
  });

  it('round-trips binary keys and values as Buffers', async () => {
    const client = await connect(srv());
    const binary = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    const key = Buffer.from([0xff, 0x00, 0xfe, 0x0d, 0x0a]);
    const value = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) & 0xff));
    expect(await client.set(key, value)).toBe('OK');
    assertSameBytes(await binary.get(key), value, 'GET binary');
    const big = Buffer.alloc(2 * 1024 * 1024 + 3, 0x00);
    big.fill(0xc3, 1000);
    expect(await client.set('nr:big', big)).toBe('OK');
    assertSameBytes(await binary.get('nr:big'), big, 'GET nr:big');
    expect(await client.strLen('nr:big')).toBe(big.length);
  });

  it('pipelines commands (auto-pipelining and execAsPipeline)', async () => {
    const client = await connect(srv());
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => client.set(`nr:p:${i}`, String(i))));
    expect(results.every((r) => r === 'OK')).toBe(true);
    const values = await Promise.all(Array.from({ length: 1000 }, (_, i) => client.get(`nr:p:${i}`)));
    expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
    const replies = await client.multi().set('nr:pp', '5').incr('nr:pp').get('nr:pp').del('nr:pp').execAsPipeline();
    expect(replies).toEqual(['OK', 6, '6', 1]);
  });

  it('reports an error inside a pipeline, and runs the other commands', async () => {
    const client = await connect(srv());
    await client.set('nr:text', 'abc');
    await client.del('nr:ok');
    const err = await client
      .multi()
      .set('nr:ok', '1')
      .incr('nr:text')
      .incr('nr:ok')
      .execAsPipeline()
      .catch((e: unknown) => e);
    // node-redis rejects a pipeline with the first error reply.
    expect(err).toBeInstanceOf(ErrorReply);
    expect((err as Error).message).toBe('ERR value is not an integer or out of range');
    expect(await client.get('nr:ok')).toBe('2');
    expect(await client.get('nr:text')).toBe('abc');
  });

  it('handles TTL commands', async () => {
    const client = await connect(srv());
    expect(await client.set('nr:t', 'v', { expiration: { type: 'EX', value: 100 } })).toBe('OK');
    const ttl = await client.ttl('nr:t');
    expect(ttl).toBeGreaterThanOrEqual(99);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await client.pExpire('nr:t', 300_000, 'GT')).toBe(1);
    expect(await client.pTTL('nr:t')).toBeGreaterThan(298_000);
    const at = Math.floor(Date.now() / 1000) + 5000;
    expect(await client.expireAt('nr:t', at)).toBe(1);
    expect(await client.expireTime('nr:t')).toBe(at);
    expect(await client.pExpireTime('nr:t')).toBe(at * 1000);
    expect(await client.persist('nr:t')).toBe(1);
    expect(await client.ttl('nr:t')).toBe(-1);
    expect(await client.set('nr:short', 'v', { expiration: { type: 'PX', value: 150 } })).toBe('OK');
    await sleep(400);
    expect(await client.get('nr:short')).toBeNull();
    expect(await client.set('nr:past', 'v', { expiration: { type: 'PXAT', value: 1000 } })).toBe('OK');
    expect(await client.get('nr:past')).toBeNull();
    expect(await client.set('nr:k', 'v', { expiration: { type: 'EX', value: 1000 } })).toBe('OK');
    expect(await client.set('nr:k', 'w', { expiration: 'KEEPTTL' })).toBe('OK');
    expect(await client.ttl('nr:k')).toBeGreaterThan(990);
  });

  it('surfaces error replies as ErrorReply', async () => {
    const client = await connect(srv());
    await client.set('nr:e', 'x');
    const err = await client.incr('nr:e').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErrorReply);
    expect((err as Error).message).toBe('ERR value is not an integer or out of range');
    await expect(client.sendCommand(['NOSUCHCMD', 'x'])).rejects.toThrow(/^ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' $/);
    await expect(client.sendCommand(['GET'])).rejects.toBeInstanceOf(ErrorReply);
    await expect(client.sendCommand(['SET', 'a', 'b', 'KEEPTTL', 'EX', '10'])).rejects.toThrow('ERR syntax error');
    expect(await client.ping()).toBe('PONG');
  });

  it('reconnects after the server restarts on the same port', async () => {
    const restartable = await startTarget();
    try {
      const client = await connect(restartable, {
        socket: { reconnectStrategy: (retries: number) => (retries > 100 ? new Error('gave up') : 50) },
      });
      await client.set('nr:r', '1');
      const port = restartable.port;
      await restartable.stop();
      const second = await startTarget({ port: String(port) });
      try {
        const deadline = Date.now() + 10_000;
        while (!client.isReady && Date.now() < deadline) await sleep(50);
        expect(client.isReady).toBe(true);
        expect(await client.set('nr:r2', '2')).toBe('OK');
        expect(await client.get('nr:r')).toBeNull();
      } finally {
        await second.stop();
      }
    } finally {
      await restartable.stop();
    }
  });
});

describe(`node-redis 6 with requirepass against ${targetLabel()}`, () => {
  const srv = useTarget({ requirepass: 'pw-123' });

  it('authenticates with the password option (HELLO 3 AUTH default pw)', async () => {
    const client = await connect(srv(), { password: 'pw-123' });
    expect(await client.set('nr:auth', 'ok')).toBe('OK');
    expect(await client.get('nr:auth')).toBe('ok');
  });

  it('authenticates over RESP2 (AUTH) too', async () => {
    const client = await connect(srv(), { password: 'pw-123', RESP: 2 });
    expect(await client.get('nr:auth')).toBe('ok');
  });

  it('fails to connect with a wrong password, and gets NOAUTH without one', async () => {
    const wrong = makeClient(srv(), { password: 'nope' });
    await expect(wrong.connect()).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
    const none = makeClient(srv());
    await expect(none.connect()).rejects.toThrow(/^NOAUTH /);
  });
});
