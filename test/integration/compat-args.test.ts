/**
 * Regression tests: argument parsing and error texts as redis-server 7.0.15 (divergences found by the
 * differential fuzzer): SELECT's int range error, options echoed byte for byte in errors (EXPIRE), SHUTDOWN's
 * illegal option combinations, MEMORY USAGE's SAMPLES option, and OBJECT REFCOUNT's shared small integers under a maxmemory policy. Expected bytes were
 * captured from redis-server 7.0.15 and are checked against it when it is installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { both, connectBoth, startCompat, type CompatConns, type CompatServers } from '../fuzz/compat.js';

const L = (s: string): Buffer => Buffer.from(s, 'latin1');

async function expectReply(c: CompatConns, args: (string | Buffer)[], expected: string): Promise<void> {
  const r = await both(c, ...args);
  expect(r.tierkv, `tierkv: ${args.join(' ')}`).toBe(expected);
  if (r.redis !== null) expect(r.redis, `redis-server: ${args.join(' ')}`).toBe(expected);
}

describe('argument errors', () => {
  let servers: CompatServers;
  let c: CompatConns;
  beforeAll(async () => {
    servers = await startCompat();
    c = await connectBoth(servers);
  });
  afterAll(async () => {
    c?.close();
    await servers?.stop();
  });

  it('SELECT tells an int64 outside int32 apart from a non-integer', async () => {
    const range = '-ERR value is out of range, value must between -2147483648 and 2147483647\r\n';
    await expectReply(c, ['SELECT', '2147483648'], range);
    await expectReply(c, ['SELECT', '-2147483649'], range);
    await expectReply(c, ['SELECT', '9223372036854775808'], '-ERR value is not an integer or out of range\r\n');
    await expectReply(c, ['SELECT', '1'], '-ERR DB index is out of range\r\n');
  });

  it('EXPIRE echoes an unsupported option byte for byte, up to a NUL byte', async () => {
    await expectReply(c, ['SET', 'k', 'v'], '+OK\r\n');
    await expectReply(c, ['EXPIRE', 'k', '100', L('N\xffX\x00Y')], '-ERR Unsupported option N\xffX\r\n');
  });

  it('SHUTDOWN refuses ABORT with other options and NOSAVE with SAVE (and keeps serving)', async () => {
    await expectReply(c, ['SHUTDOWN', 'NOSAVE', 'SAVE'], '-ERR syntax error\r\n');
    await expectReply(c, ['SHUTDOWN', 'NOW', 'ABORT'], '-ERR syntax error\r\n');
    await expectReply(c, ['SHUTDOWN', 'ABORT', 'FORCE'], '-ERR syntax error\r\n');
    await expectReply(c, ['SHUTDOWN', 'ABORT', 'ABORT'], '-ERR No shutdown in progress.\r\n');
    await expectReply(c, ['PING'], '+PONG\r\n');
  });

  it('MEMORY USAGE takes SAMPLES any number of times, refuses negative counts and other words', async () => {
    await expectReply(c, ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1'], '-ERR syntax error\r\n');
    await expectReply(c, ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'], '-ERR value is not an integer or out of range\r\n');
    await expectReply(c, ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '5', 'SAMPLES', '0'], '$-1\r\n');
    await expectReply(c, ['MEMORY', 'USAGE', 'nokey', 'FOO', '1'], '-ERR syntax error\r\n');
    await expectReply(c, ['MEMORY', 'USAGE', 'nokey', 'SAMPLES'], '-ERR syntax error\r\n');
  });
});

describe('OBJECT REFCOUNT with a maxmemory', () => {
  let servers: CompatServers;
  let c: CompatConns;
  beforeAll(async () => {
    servers = await startCompat({ maxmemory: '64mb', 'maxmemory-policy': 'noeviction' });
    c = await connectBoth(servers);
  });
  afterAll(async () => {
    c?.close();
    await servers?.stop();
  });

  it('shares small integers unless the policy is LRU or LFU', async () => {
    await expectReply(c, ['SET', 'n', '42'], '+OK\r\n');
    await expectReply(c, ['OBJECT', 'REFCOUNT', 'n'], ':2147483647\r\n');
    await expectReply(c, ['SET', 'n', '10000'], '+OK\r\n');
    await expectReply(c, ['OBJECT', 'REFCOUNT', 'n'], ':1\r\n');
    await expectReply(c, ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'], '+OK\r\n');
    await expectReply(c, ['SET', 'n', '42'], '+OK\r\n');
    await expectReply(c, ['OBJECT', 'REFCOUNT', 'n'], ':1\r\n');
  });
});
