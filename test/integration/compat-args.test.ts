/**
 * Regression tests: argument parsing and error texts as redis-server 7.0.15 (divergences found by the
 * differential fuzzer): SELECT's int range error, options echoed byte for byte in errors (EXPIRE), SHUTDOWN's
 * illegal option combinations, PEXPIRETIME at INT64_MAX, MEMORY USAGE's SAMPLES option, and OBJECT REFCOUNT's shared small integers under a maxmemory policy. Expected bytes were
 * captured from redis-server 7.0.15 and are checked against it when it is installed.
 */
import { it } from 'vitest';
import { describeCompat } from '../support/compat.js';

const L = (s: string): Buffer => Buffer.from(s, 'latin1');

describeCompat('argument errors', {}, (f) => {

  it('SELECT tells an int64 outside int32 apart from a non-integer', async () => {
    const range = '-ERR value is out of range, value must between -2147483648 and 2147483647\r\n';
    await f.expectReply(['SELECT', '2147483648'], range);
    await f.expectReply(['SELECT', '-2147483649'], range);
    await f.expectReply(['SELECT', '9223372036854775808'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['SELECT', '1'], '-ERR DB index is out of range\r\n');
  });

  it('PEXPIRETIME of a key set with PXAT INT64_MAX answers INT64_MAX (stored as a float64, never beyond it)', async () => {
    await f.expectReply(['SET', 'far', 'v', 'PXAT', '9223372036854775807'], '+OK\r\n');
    await f.expectReply(['PEXPIRETIME', 'far'], ':9223372036854775807\r\n');
    await f.expectReply(['DEL', 'far'], ':1\r\n');
  });

  it('EXPIRE echoes an unsupported option byte for byte, up to a NUL byte', async () => {
    await f.expectReply(['SET', 'k', 'v'], '+OK\r\n');
    await f.expectReply(['EXPIRE', 'k', '100', L('N\xffX\x00Y')], '-ERR Unsupported option N\xffX\r\n');
  });

  it('SHUTDOWN refuses ABORT with other options and NOSAVE with SAVE (and keeps serving)', async () => {
    await f.expectReply(['SHUTDOWN', 'NOSAVE', 'SAVE'], '-ERR syntax error\r\n');
    await f.expectReply(['SHUTDOWN', 'NOW', 'ABORT'], '-ERR syntax error\r\n');
    await f.expectReply(['SHUTDOWN', 'ABORT', 'FORCE'], '-ERR syntax error\r\n');
    await f.expectReply(['SHUTDOWN', 'ABORT', 'ABORT'], '-ERR No shutdown in progress.\r\n');
    await f.expectReply(['PING'], '+PONG\r\n');
  });

  it('MEMORY USAGE takes SAMPLES any number of times, refuses negative counts and other words', async () => {
    await f.expectReply(['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1'], '-ERR syntax error\r\n');
    await f.expectReply(['MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '5', 'SAMPLES', '0'], '$-1\r\n');
    await f.expectReply(['MEMORY', 'USAGE', 'nokey', 'FOO', '1'], '-ERR syntax error\r\n');
    await f.expectReply(['MEMORY', 'USAGE', 'nokey', 'SAMPLES'], '-ERR syntax error\r\n');
  });
});

describeCompat('OBJECT REFCOUNT with a maxmemory', { maxmemory: '64mb', 'maxmemory-policy': 'noeviction' }, (f) => {

  it('shares small integers unless the policy is LRU or LFU', async () => {
    await f.expectReply(['SET', 'n', '42'], '+OK\r\n');
    await f.expectReply(['OBJECT', 'REFCOUNT', 'n'], ':2147483647\r\n');
    await f.expectReply(['SET', 'n', '10000'], '+OK\r\n');
    await f.expectReply(['OBJECT', 'REFCOUNT', 'n'], ':1\r\n');
    await f.expectReply(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'], '+OK\r\n');
    await f.expectReply(['SET', 'n', '42'], '+OK\r\n');
    await f.expectReply(['OBJECT', 'REFCOUNT', 'n'], ':1\r\n');
  });
});
