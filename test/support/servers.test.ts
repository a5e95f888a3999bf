/**
 * Self-tests of the server helpers (ports.ts, redis-server.ts, tierkv.ts target selection) and of RawClient
 * against a real redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort, isPortOpen } from './ports.js';
import { RawClient, RespError, decodeReply } from './raw-client.js';
import { MISSING_REDIS_SERVER, hasRedisServer, startRedisServer } from './redis-server.js';
import type { ServerHandle } from './server-handle.js';
import { startTierkvInProcess, startTierkvProcess, targetLabel, targetMode } from './tierkv.js';

describe('ports', () => {
  it('returns distinct ports that nothing listens on', async () => {
    const ports = await Promise.all([getFreePort(), getFreePort(), getFreePort()]);
    expect(new Set(ports).size).toBe(3);
    for (const p of ports) {
      expect(p).toBeGreaterThan(0);
      expect(await isPortOpen(p)).toBe(false);
    }
  });
});

describe('target selection', () => {
  it('reads TIERKV_TARGET', () => {
    const saved = process.env['TIERKV_TARGET'];
    try {
      delete process.env['TIERKV_TARGET'];
      expect(targetMode()).toBe('inprocess');
      process.env['TIERKV_TARGET'] = 'redis';
      expect(targetMode()).toBe('redis');
      expect(targetLabel()).toMatch(/redis-server/);
      process.env['TIERKV_TARGET'] = 'Process';
      expect(targetMode()).toBe('process');
      process.env['TIERKV_TARGET'] = 'bogus';
      expect(() => targetMode()).toThrow(/inprocess.*process.*redis/);
    } finally {
      if (saved === undefined) delete process.env['TIERKV_TARGET'];
      else process.env['TIERKV_TARGET'] = saved;
    }
  });
});

describe.skipIf(!hasRedisServer())(`redis-server helper ${hasRedisServer() ? '' : MISSING_REDIS_SERVER}`, () => {
  let server: ServerHandle;
  let client: RawClient;

  beforeAll(async () => {
    server = await startRedisServer({ maxmemory: '7mb', 'maxmemory-policy': 'noeviction' });
    client = await RawClient.connect(server.port);
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('starts on a free non-default port with the given params and no persistence', async () => {
    expect(server.kind).toBe('redis');
    expect(server.port).not.toBe(6379);
    expect(await client.command('PING')).toEqual(Buffer.from('+PONG\r\n'));
    expect(decodeReply(await client.command('CONFIG', 'GET', 'maxmemory'))).toEqual(['maxmemory', String(7 * 1024 * 1024)]);
    expect(decodeReply(await client.command('CONFIG', 'GET', 'save'))).toEqual(['save', '']);
    expect(decodeReply(await client.command('CONFIG', 'GET', 'appendonly'))).toEqual(['appendonly', 'no']);
    expect(server.output()).toMatch(/Ready to accept connections/);
  });

  it('round-trips binary keys and values byte for byte', async () => {
    const key = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80]);
    const value = Buffer.from([0xc3, 0x28, 0x00, 0x0d, 0x0a, 0x24]);
    expect(await client.command('SET', key, value)).toEqual(Buffer.from('+OK\r\n'));
    const raw = await client.command('GET', key);
    expect(raw).toEqual(Buffer.concat([Buffer.from('$6\r\n'), value, Buffer.from('\r\n')]));
    expect(decodeReply(raw, { buffers: true })).toEqual(value);
  });

  it('pipelines and reads RESP3 replies after HELLO 3', async () => {
    const replies = await client.pipeline([['HELLO', '3'], ['GET', 'missing'], ['SET', 'n', '1'], ['INCR', 'n']]);
    expect(decodeReply(replies[0]!)).toBeInstanceOf(Map);
    expect(replies.slice(1).map((r) => r.toString('latin1'))).toEqual(['_\r\n', '+OK\r\n', ':2\r\n']);
    expect(await client.command('HELLO', '2')).toBeDefined();
    expect(await client.command('GET', 'missing')).toEqual(Buffer.from('$-1\r\n'));
  });

  it('sees a protocol error followed by the server closing the connection', async () => {
    const bad = await RawClient.connect(server.port);
    bad.send('*1\r\n$x\r\n');
    const err = decodeReply(await bad.readReply());
    expect(err).toEqual(new RespError('ERR Protocol error: invalid bulk length'));
    await bad.readClosed();
    expect(await client.command('PING')).toEqual(Buffer.from('+PONG\r\n'));
  });

  it('stop() kills the server and frees its port', async () => {
    const other = await startRedisServer();
    expect(await isPortOpen(other.port)).toBe(true);
    await other.stop();
    await other.stop(); // idempotent
    expect(await isPortOpen(other.port)).toBe(false);
  });

  it('fails start-up with the server output on a bad parameter', async () => {
    await expect(startRedisServer({ 'no-such-directive': 'x' })).rejects.toThrow(/exited during start-up[\s\S]*Bad directive/);
  });
});

describe('tierkv helpers (need the tierkv server; the process mode needs `npm run build`)', () => {
  it('starts tierkv in-process on a free port and stops it', async () => {
    const server = await startTierkvInProcess({ databases: '4' });
    try {
      expect(server.kind).toBe('tierkv-inprocess');
      const client = await RawClient.connect(server.port, { host: server.host });
      expect(await client.command('PING')).toEqual(Buffer.from('+PONG\r\n'));
      client.destroy();
    } finally {
      await server.stop();
    }
    expect(await isPortOpen(server.port, server.host)).toBe(false);
  });

  it('starts tierkv as a child process, captures its output, and stops it', async () => {
    const server = await startTierkvProcess({ databases: '4' });
    try {
      expect(server.kind).toBe('tierkv-process');
      expect(server.output()).toMatch(/Ready to accept connections/);
      const client = await RawClient.connect(server.port);
      expect(await client.command('SET', 'k', 'v')).toEqual(Buffer.from('+OK\r\n'));
      client.destroy();
    } finally {
      await server.stop();
    }
    expect(await isPortOpen(server.port)).toBe(false);
  });

  it('reports a child that exits during start-up, with its output', async () => {
    await expect(startTierkvProcess({ 'no-such-directive': 'x' })).rejects.toThrow(/exited during start-up[\s\S]*output:\n\S/);
  });
});
