/**
 * List commands answer as redis-server 7.0.15 (expected bytes captured from it; checked against it too when it is
 * installed): every non-blocking list command with its errors and the order of its checks, WRONGTYPE both ways,
 * RESP3's nulls, the deletion of emptied lists, keyspace events, lists of 100,000 elements and of 1 MiB elements,
 * LSET/LINSERT growing elements across node boundaries, CONFIG SET list-max-listpack-size, and ioredis and
 * node-redis round trips. The differential fuzzer (test/fuzz/gen-lists.ts) covers random sequences.
 */
import { expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { connectBoth, describeCompat, type CompatConns } from '../support/compat.js';
import { RawClient, decodeReply } from '../support/raw-client.js';
import { EVENTS_END, eventsOf } from '../support/events.js';

/** Binary argument: each char one byte. */
const L = (s: string): Buffer => Buffer.from(s, 'latin1');
const END = EVENTS_END;


/** Replies of both servers to the same command, decoded (redis: null when not installed). */
async function decodedBoth(c: CompatConns, ...args: (string | Buffer)[]): Promise<{ tierkv: unknown; redis: unknown }> {
  const [a, b] = await Promise.all([c.tierkv.command(...args), c.redis?.command(...args) ?? Promise.resolve(null)]);
  return { tierkv: decodeReply(a), redis: b === null ? null : decodeReply(b) };
}

describeCompat('lists', {}, (f) => {
  it('LPUSH/RPUSH/LPUSHX/RPUSHX: order of the pushed elements, X variants only on an existing list, binary elements, OBJECT ENCODING quicklist', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['DEL', 'l', 's'], ':0\r\n');
    await f.expectReply(['LPUSH', 'l', 'a'], ':1\r\n');
    await f.expectReply(['RPUSH', 'l', 'b', 'c'], ':3\r\n');
    await f.expectReply(['LPUSH', 'l', 'x', 'y'], ':5\r\n');
    await f.expectReply(['LRANGE', 'l', '0', '-1'], '*5\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n');
    await f.expectReply(['LPUSHX', 'nokey', 'a'], ':0\r\n');
    await f.expectReply(['RPUSHX', 'nokey', 'a'], ':0\r\n');
    await f.expectReply(['EXISTS', 'nokey'], ':0\r\n');
    await f.expectReply(['RPUSHX', 'l', 'z'], ':6\r\n');
    await f.expectReply(['LPUSHX', 'l', 'w', 'v'], ':8\r\n');
    await f.expectReply(['LLEN', 'l'], ':8\r\n');
    await f.expectReply(['LLEN', 'nokey'], ':0\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'l'], '$9\r\nquicklist\r\n');
    await f.expectReply(['TYPE', 'l'], '+list\r\n');
    await f.expectReply(['LPUSH', 'l'], '-ERR wrong number of arguments for \'lpush\' command\r\n');
    await f.expectReply(['RPUSHX', 'l'], '-ERR wrong number of arguments for \'rpushx\' command\r\n');
    await f.expectReply(['RPUSH', 'bin', L('\x00'), L('\xff\xfe'), '', L('a\r\nb')], ':4\r\n');
    await f.expectReply(['LRANGE', 'bin', '0', '-1'], '*4\r\n$1\r\n\x00\r\n$2\r\n\xff\xfe\r\n$0\r\n\r\n$4\r\na\r\nb\r\n');
  });

  it('LPOP/RPOP with and without a count: a nil or a null array on a missing key, count 0, the count checked before the key, the last pop deletes the key', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['DEL', 'p'], ':0\r\n');
    await f.expectReply(['RPUSH', 'p', 'a', 'b', 'c', 'd', 'e'], ':5\r\n');
    await f.expectReply(['LPOP', 'p'], '$1\r\na\r\n');
    await f.expectReply(['RPOP', 'p'], '$1\r\ne\r\n');
    await f.expectReply(['LPOP', 'p', '2'], '*2\r\n$1\r\nb\r\n$1\r\nc\r\n');
    await f.expectReply(['RPOP', 'p', '0'], '*0\r\n');
    await f.expectReply(['RPOP', 'p', '10'], '*1\r\n$1\r\nd\r\n');
    await f.expectReply(['EXISTS', 'p'], ':0\r\n');
    await f.expectReply(['LPOP', 'p'], '$-1\r\n');
    await f.expectReply(['LPOP', 'p', '1'], '*-1\r\n');
    await f.expectReply(['LPOP', 'p', '0'], '*-1\r\n');
    await f.expectReply(['LPOP', 'p', '-1'], '-ERR value is out of range, must be positive\r\n');
    await f.expectReply(['LPOP', 'p', 'x'], '-ERR value is out of range, must be positive\r\n');
    await f.expectReply(['LPOP', 'p', '1', '2'], '-ERR wrong number of arguments for \'lpop\' command\r\n');
    await f.expectReply(['RPOP', 'p', '9223372036854775808'], '-ERR value is out of range, must be positive\r\n');
    await f.expectReply(['RPUSH', 'p', 'a'], ':1\r\n');
    await f.expectReply(['LPOP', 'p', '9223372036854775807'], '*1\r\n$1\r\na\r\n');
    await f.expectReply(['LPOP'], '-ERR wrong number of arguments for \'lpop\' command\r\n');
  });

  it('LINDEX and LSET: negative indexes, out of range, the key looked up before the index is parsed', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['DEL', 'i'], ':0\r\n');
    await f.expectReply(['RPUSH', 'i', 'a', 'b', 'c'], ':3\r\n');
    await f.expectReply(['LINDEX', 'i', '0'], '$1\r\na\r\n');
    await f.expectReply(['LINDEX', 'i', '-1'], '$1\r\nc\r\n');
    await f.expectReply(['LINDEX', 'i', '-3'], '$1\r\na\r\n');
    await f.expectReply(['LINDEX', 'i', '3'], '$-1\r\n');
    await f.expectReply(['LINDEX', 'i', '-4'], '$-1\r\n');
    await f.expectReply(['LINDEX', 'i', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LINDEX', 'i', '9223372036854775807'], '$-1\r\n');
    await f.expectReply(['LINDEX', 'nokey', 'x'], '$-1\r\n');
    await f.expectReply(['LINDEX', 'nokey', '0'], '$-1\r\n');
    await f.expectReply(['LSET', 'i', '1', 'B'], '+OK\r\n');
    await f.expectReply(['LSET', 'i', '-1', 'C'], '+OK\r\n');
    await f.expectReply(['LSET', 'i', '3', 'D'], '-ERR index out of range\r\n');
    await f.expectReply(['LSET', 'i', '-4', 'D'], '-ERR index out of range\r\n');
    await f.expectReply(['LSET', 'i', 'x', 'D'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LSET', 'nokey', 'x', 'D'], '-ERR no such key\r\n');
    await f.expectReply(['LSET', 'nokey', '0', 'D'], '-ERR no such key\r\n');
    await f.expectReply(['LRANGE', 'i', '0', '-1'], '*3\r\n$1\r\na\r\n$1\r\nB\r\n$1\r\nC\r\n');
  });

  it('LRANGE: negative and out-of-range indexes, the indexes parsed before the key lookup', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['DEL', 'r'], ':0\r\n');
    await f.expectReply(['RPUSH', 'r', '0', '1', '2', '3', '4', '5'], ':6\r\n');
    await f.expectReply(['LRANGE', 'r', '0', '2'], '*3\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n');
    await f.expectReply(['LRANGE', 'r', '-2', '-1'], '*2\r\n$1\r\n4\r\n$1\r\n5\r\n');
    await f.expectReply(['LRANGE', 'r', '-100', '100'], '*6\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n');
    await f.expectReply(['LRANGE', 'r', '4', '2'], '*0\r\n');
    await f.expectReply(['LRANGE', 'r', '6', '10'], '*0\r\n');
    await f.expectReply(['LRANGE', 'r', '-1', '-2'], '*0\r\n');
    await f.expectReply(['LRANGE', 'r', 'x', '1'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LRANGE', 'r', '0', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LRANGE', 'nokey', 'x', '1'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LRANGE', 'nokey', '0', '1'], '*0\r\n');
    await f.expectReply(['LRANGE', 'r', '-9223372036854775808', '9223372036854775807'], '*6\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n');
    await f.expectReply(['LRANGE', 'r', '0', '9223372036854775808'], '-ERR value is not an integer or out of range\r\n');
  });

  it('LINSERT: BEFORE/AFTER the first pivot, a missing pivot (-1), a missing key (0), the syntax checked first', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['DEL', 'n'], ':0\r\n');
    await f.expectReply(['RPUSH', 'n', 'a', 'b', 'a'], ':3\r\n');
    await f.expectReply(['LINSERT', 'n', 'BEFORE', 'a', 'x'], ':4\r\n');
    await f.expectReply(['LINSERT', 'n', 'after', 'a', 'y'], ':5\r\n');
    await f.expectReply(['LINSERT', 'n', 'AFTER', 'b', 'z'], ':6\r\n');
    await f.expectReply(['LINSERT', 'n', 'before', 'nope', 'q'], ':-1\r\n');
    await f.expectReply(['LINSERT', 'n', 'middle', 'a', 'q'], '-ERR syntax error\r\n');
    await f.expectReply(['LINSERT', 'nokey', 'before', 'a', 'q'], ':0\r\n');
    await f.expectReply(['LINSERT', 'nokey', 'middle', 'a', 'q'], '-ERR syntax error\r\n');
    await f.expectReply(['LRANGE', 'n', '0', '-1'], '*6\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\ny\r\n$1\r\nb\r\n$1\r\nz\r\n$1\r\na\r\n');
  });

  it('LREM: from the head, from the tail, all; the last removal deletes the key', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['DEL', 'm'], ':0\r\n');
    await f.expectReply(['RPUSH', 'm', 'a', 'b', 'a', 'c', 'a', 'b', 'a'], ':7\r\n');
    await f.expectReply(['LREM', 'm', '2', 'a'], ':2\r\n');
    await f.expectReply(['LRANGE', 'm', '0', '-1'], '*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\na\r\n');
    await f.expectReply(['LREM', 'm', '-1', 'a'], ':1\r\n');
    await f.expectReply(['LRANGE', 'm', '0', '-1'], '*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n');
    await f.expectReply(['LREM', 'm', '0', 'b'], ':2\r\n');
    await f.expectReply(['LRANGE', 'm', '0', '-1'], '*2\r\n$1\r\nc\r\n$1\r\na\r\n');
    await f.expectReply(['LREM', 'm', 'x', 'a'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LREM', 'nokey', 'x', 'a'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LREM', 'nokey', '1', 'a'], ':0\r\n');
    await f.expectReply(['LREM', 'm', '0', 'nope'], ':0\r\n');
    await f.expectReply(['LREM', 'm', '-9223372036854775808', 'a'], ':1\r\n');
    await f.expectReply(['LRANGE', 'm', '0', '-1'], '*1\r\n$1\r\nc\r\n');
    await f.expectReply(['LREM', 'm', '0', 'c'], ':1\r\n');
    await f.expectReply(['EXISTS', 'm'], ':0\r\n');
  });

  it('LTRIM: keeps a range, an empty range deletes the key, OK on a missing key', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['DEL', 't'], ':0\r\n');
    await f.expectReply(['RPUSH', 't', '0', '1', '2', '3', '4', '5'], ':6\r\n');
    await f.expectReply(['LTRIM', 't', '1', '-2'], '+OK\r\n');
    await f.expectReply(['LRANGE', 't', '0', '-1'], '*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n');
    await f.expectReply(['LTRIM', 't', '-100', '100'], '+OK\r\n');
    await f.expectReply(['LRANGE', 't', '0', '-1'], '*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n');
    await f.expectReply(['LTRIM', 't', 'x', '1'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LTRIM', 'nokey', 'x', '1'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LTRIM', 'nokey', '0', '1'], '+OK\r\n');
    await f.expectReply(['LTRIM', 't', '1', '1'], '+OK\r\n');
    await f.expectReply(['LRANGE', 't', '0', '-1'], '*1\r\n$1\r\n2\r\n');
    await f.expectReply(['LTRIM', 't', '5', '1'], '+OK\r\n');
    await f.expectReply(['EXISTS', 't'], ':0\r\n');
    await f.expectReply(['RPUSH', 't', 'a', 'b'], ':2\r\n');
    await f.expectReply(['LTRIM', 't', '0', '-3'], '+OK\r\n');
    await f.expectReply(['EXISTS', 't'], ':0\r\n');
  });

  it('LPOS: RANK, COUNT, MAXLEN, their errors (checked before the key lookup), RANK LONG_MIN as Redis 7.0', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['DEL', 'q'], ':0\r\n');
    await f.expectReply(['RPUSH', 'q', 'a', 'b', 'c', '1', '2', '3', 'c', 'c'], ':8\r\n');
    await f.expectReply(['LPOS', 'q', 'c'], ':2\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'RANK', '2'], ':6\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'RANK', '-1'], ':7\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'RANK', '-2', 'COUNT', '2'], '*2\r\n:6\r\n:2\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'COUNT', '0'], '*3\r\n:2\r\n:6\r\n:7\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'COUNT', '2', 'MAXLEN', '7'], '*2\r\n:2\r\n:6\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'MAXLEN', '2'], '$-1\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'RANK', '-1', 'MAXLEN', '2'], ':7\r\n');
    await f.expectReply(['LPOS', 'q', 'x'], '$-1\r\n');
    await f.expectReply(['LPOS', 'q', 'x', 'COUNT', '1'], '*0\r\n');
    await f.expectReply(['LPOS', 'nokey', 'x', 'COUNT', '1'], '*0\r\n');
    await f.expectReply(['LPOS', 'nokey', 'x'], '$-1\r\n');
    await f.expectReply(['LPOS', 'nokey', 'x', 'RANK', '0'], '-ERR RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'RANK', '0'], '-ERR RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'RANK', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'COUNT', '-1'], '-ERR COUNT can\'t be negative\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'COUNT', 'x'], '-ERR COUNT can\'t be negative\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'MAXLEN', '-1'], '-ERR MAXLEN can\'t be negative\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'MAXLEN', 'x'], '-ERR MAXLEN can\'t be negative\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'RANK'], '-ERR syntax error\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'FOO', '1'], '-ERR syntax error\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'RANK', '-9223372036854775808'], ':7\r\n');
    // RANK LONG_MIN: Redis's negation keeps it negative and its COUNT test overflows: every match, whatever COUNT.
    await f.expectReply(['LPOS', 'q', 'c', 'RANK', '-9223372036854775808', 'COUNT', '1'], '*3\r\n:7\r\n:6\r\n:2\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'RANK', '-9223372036854775808', 'COUNT', '2', 'MAXLEN', '7'], '*3\r\n:7\r\n:6\r\n:2\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'RANK', '9223372036854775807'], '$-1\r\n');
    await f.expectReply(['LPOS', 'q', 'c', 'RANK', '1', 'RANK', '3'], ':7\r\n');
  });

  it('LMOVE and RPOPLPUSH: between lists, source == destination rotates, the last element leaves, the sides checked first', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['DEL', 'a', 'b', 'c'], ':0\r\n');
    await f.expectReply(['RPUSH', 'a', '1', '2', '3'], ':3\r\n');
    await f.expectReply(['LMOVE', 'a', 'a', 'LEFT', 'RIGHT'], '$1\r\n1\r\n');
    await f.expectReply(['LRANGE', 'a', '0', '-1'], '*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n');
    await f.expectReply(['LMOVE', 'a', 'a', 'right', 'left'], '$1\r\n1\r\n');
    await f.expectReply(['LRANGE', 'a', '0', '-1'], '*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    await f.expectReply(['LMOVE', 'a', 'b', 'LEFT', 'LEFT'], '$1\r\n1\r\n');
    await f.expectReply(['LMOVE', 'a', 'b', 'RIGHT', 'RIGHT'], '$1\r\n3\r\n');
    await f.expectReply(['LRANGE', 'b', '0', '-1'], '*2\r\n$1\r\n1\r\n$1\r\n3\r\n');
    await f.expectReply(['RPOPLPUSH', 'a', 'b'], '$1\r\n2\r\n');
    await f.expectReply(['EXISTS', 'a'], ':0\r\n');
    await f.expectReply(['LRANGE', 'b', '0', '-1'], '*3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n');
    await f.expectReply(['LMOVE', 'nokey', 'b', 'LEFT', 'LEFT'], '$-1\r\n');
    await f.expectReply(['LMOVE', 'b', 'c', 'UP', 'LEFT'], '-ERR syntax error\r\n');
    await f.expectReply(['LMOVE', 'b', 'c', 'LEFT', 'DOWN'], '-ERR syntax error\r\n');
    await f.expectReply(['LMOVE', 'nokey', 'c', 'UP', 'LEFT'], '-ERR syntax error\r\n');
    await f.expectReply(['RPOPLPUSH', 'nokey', 'b'], '$-1\r\n');
    await f.expectReply(['RPUSH', 'one', 'x'], ':1\r\n');
    await f.expectReply(['RPOPLPUSH', 'one', 'one'], '$1\r\nx\r\n');
    await f.expectReply(['LMOVE', 'one', 'one', 'LEFT', 'LEFT'], '$1\r\nx\r\n');
    await f.expectReply(['LRANGE', 'one', '0', '-1'], '*1\r\n$1\r\nx\r\n');
  });

  it('LMPOP: the first non-empty list, numkeys and COUNT parsing, COMMAND GETKEYS with a keynum key spec', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['DEL', 'a', 'b'], ':0\r\n');
    await f.expectReply(['RPUSH', 'b', '1', '2', '3'], ':3\r\n');
    await f.expectReply(['LMPOP', '2', 'a', 'b', 'LEFT'], '*2\r\n$1\r\nb\r\n*1\r\n$1\r\n1\r\n');
    await f.expectReply(['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '10'], '*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n');
    await f.expectReply(['EXISTS', 'b'], ':0\r\n');
    await f.expectReply(['LMPOP', '2', 'a', 'b', 'LEFT'], '*-1\r\n');
    await f.expectReply(['LMPOP', '0', 'a', 'LEFT'], '-ERR numkeys should be greater than 0\r\n');
    await f.expectReply(['LMPOP', '-1', 'a', 'LEFT'], '-ERR numkeys should be greater than 0\r\n');
    await f.expectReply(['LMPOP', 'x', 'a', 'LEFT'], '-ERR numkeys should be greater than 0\r\n');
    await f.expectReply(['LMPOP', '5', 'a', 'LEFT'], '-ERR syntax error\r\n');
    await f.expectReply(['LMPOP', '9223372036854775807', 'a', 'LEFT'], '-ERR syntax error\r\n');
    await f.expectReply(['LMPOP', '1', 'a', 'MIDDLE'], '-ERR syntax error\r\n');
    await f.expectReply(['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'], '-ERR count should be greater than 0\r\n');
    await f.expectReply(['LMPOP', '1', 'a', 'LEFT', 'COUNT', 'x'], '-ERR count should be greater than 0\r\n');
    await f.expectReply(['LMPOP', '1', 'a', 'LEFT', 'COUNT', '-1'], '-ERR count should be greater than 0\r\n');
    await f.expectReply(['LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'], '-ERR syntax error\r\n');
    await f.expectReply(['LMPOP', '1', 'a', 'LEFT', 'COUNT'], '-ERR syntax error\r\n');
    await f.expectReply(['LMPOP', '1', 'a', 'LEFT', 'FOO'], '-ERR syntax error\r\n');
    await f.expectReply(['LMPOP', '1', 'a'], '-ERR wrong number of arguments for \'lmpop\' command\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'LMPOP', '2', 'a', 'b', 'LEFT'], '*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'LMOVE', 'a', 'b', 'LEFT', 'LEFT'], '*2\r\n$1\r\na\r\n$1\r\nb\r\n');
  });

  it('WRONGTYPE both ways: list commands on a string (before or after their argument checks, as Redis) and string commands on a list', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['SET', 'str', 'v'], '+OK\r\n');
    await f.expectReply(['RPUSH', 'lst', 'a'], ':1\r\n');
    await f.expectReply(['LPUSH', 'str', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['RPUSHX', 'str', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LPOP', 'str'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['RPOP', 'str', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LLEN', 'str'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LINDEX', 'str', '0'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LINDEX', 'str', 'x'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LSET', 'str', '0', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LSET', 'str', 'x', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LINSERT', 'str', 'BEFORE', 'a', 'b'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LINSERT', 'str', 'MIDDLE', 'a', 'b'], '-ERR syntax error\r\n');
    await f.expectReply(['LRANGE', 'str', '0', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LRANGE', 'str', 'x', '1'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LREM', 'str', '0', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LREM', 'str', 'x', 'a'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LTRIM', 'str', '0', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LTRIM', 'str', 'x', '1'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['LPOS', 'str', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LPOS', 'str', 'a', 'RANK', '0'], '-ERR RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n');
    await f.expectReply(['LMOVE', 'str', 'lst', 'LEFT', 'LEFT'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LMOVE', 'lst', 'str', 'LEFT', 'LEFT'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LMOVE', 'nokey', 'str', 'LEFT', 'LEFT'], '$-1\r\n');
    await f.expectReply(['RPOPLPUSH', 'lst', 'str'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LRANGE', 'lst', '0', '-1'], '*1\r\n$1\r\na\r\n');
    await f.expectReply(['LMPOP', '2', 'nokey', 'str', 'LEFT'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['LMPOP', '2', 'lst', 'str', 'LEFT'], '*2\r\n$3\r\nlst\r\n*1\r\n$1\r\na\r\n');
    await f.expectReply(['GET', 'lst'], '$-1\r\n');
    await f.expectReply(['APPEND', 'lst', 'x'], ':1\r\n');
    await f.expectReply(['INCR', 'lst'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['STRLEN', 'lst'], ':1\r\n');
    await f.expectReply(['SETRANGE', 'lst', '0', 'x'], ':1\r\n');
    await f.expectReply(['GETRANGE', 'lst', '0', '1'], '$1\r\nx\r\n');
    await f.expectReply(['SET', 'lst', 'now a string'], '+OK\r\n');
    await f.expectReply(['TYPE', 'lst'], '+string\r\n');
  });

  it('WATCH sees every list write (also an element moved into a watched key), and no write when nothing changed', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    await f.expectReply(['RPUSH', 'w', 'a', 'b', 'c'], ':3\r\n');
    await f.expectReply(['RPUSH', 'y', '1'], ':1\r\n');
    const cases: [string[], boolean][] = [
      [['LSET', 'w', '0', 'z'], true], [['LPOS', 'w', 'a'], false], [['LREM', 'w', '0', 'nope'], false],
      [['LINSERT', 'w', 'BEFORE', 'nope', 'x'], false], [['LINSERT', 'w', 'BEFORE', 'c', 'x'], true], [['LTRIM', 'w', '0', '-1'], true],
      [['LMOVE', 'w', 'w', 'LEFT', 'RIGHT'], true], [['LPOP', 'w'], true], [['RPUSHX', 'w', 'q'], true], [['LPUSHX', 'nokey', 'q'], false],
      [['LMOVE', 'y', 'w', 'LEFT', 'LEFT'], true], [['LMPOP', '1', 'w', 'RIGHT', 'COUNT', '100'], true],
    ];
    for (const [cmd, dirty] of cases) {
      await f.expectReply(['WATCH', 'w'], '+OK\r\n');
      await f.both(...cmd);
      await f.expectReply(['MULTI'], '+OK\r\n');
      await f.expectReply(['PING'], '+QUEUED\r\n');
      await f.expectReply(['EXEC'], dirty ? '*-1\r\n' : '*1\r\n+PONG\r\n');
    }
  });

  it('RESP3: nulls instead of nil bulks and nil arrays', async () => {
    const c3 = await connectBoth(f.servers, 3);
    try {
      await f.expectReply(['FLUSHALL'], '+OK\r\n', c3);
      await f.expectReply(['LPOP', 'nokey'], '_\r\n', c3);
      await f.expectReply(['LPOP', 'nokey', '1'], '_\r\n', c3);
      await f.expectReply(['RPOP', 'nokey', '0'], '_\r\n', c3);
      await f.expectReply(['LINDEX', 'nokey', '0'], '_\r\n', c3);
      await f.expectReply(['LPOS', 'nokey', 'a'], '_\r\n', c3);
      await f.expectReply(['LPOS', 'nokey', 'a', 'COUNT', '0'], '*0\r\n', c3);
      await f.expectReply(['LMPOP', '1', 'nokey', 'LEFT'], '_\r\n', c3);
      await f.expectReply(['LMOVE', 'nokey', 'b', 'LEFT', 'LEFT'], '_\r\n', c3);
      await f.expectReply(['RPUSH', 'k', 'a', 'b', 'c'], ':3\r\n', c3);
      await f.expectReply(['LPOP', 'k', '2'], '*2\r\n$1\r\na\r\n$1\r\nb\r\n', c3);
      await f.expectReply(['LINDEX', 'k', '5'], '_\r\n', c3);
      await f.expectReply(['LPOS', 'k', 'z'], '_\r\n', c3);
      await f.expectReply(['LPOS', 'k', 'c', 'COUNT', '0'], '*1\r\n:0\r\n', c3);
      await f.expectReply(['LMPOP', '1', 'k', 'RIGHT'], '*2\r\n$1\r\nk\r\n*1\r\n$1\r\nc\r\n', c3);
      await f.expectReply(['EXISTS', 'k'], ':0\r\n', c3);
    } finally {
      c3.close();
    }
  });

  it('publishes lpush rpush lpop rpop linsert lset lrem ltrim events, and del when a list empties, as Redis', async () => {
    const sub = await connectBoth(f.servers);
    const cmd = await connectBoth(f.servers);
    try {
      await f.expectReply(['FLUSHALL'], '+OK\r\n', cmd);
      await f.expectReply(['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'], '+OK\r\n', cmd);
      await f.expectReply(['PSUBSCRIBE', '*'], '*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n', sub);
      const steps = [
        'rpush a 1 2 3', 'lpush a 0', 'lpushx nokey x', 'rpushx a 4', 'lpop a', 'rpop a 2', 'linsert a before 1 x', 'linsert a before nope x',
        'lset a 0 y', 'lrem a 0 nope', 'lrem a 1 y', 'ltrim a 0 0', 'lmove a b left right', 'rpush c 1 2', 'lmove c c left right',
        'rpoplpush c d', 'rpoplpush c d', 'lmpop 2 nokey d left count 5', 'rpush e 1 2', 'ltrim e 5 1', 'rpush e 1', 'lpop e 1', 'rpush g 1',
        'lrem g 0 1', 'rpush h 1 2', 'lmove h h right right', 'lpop nokey', 'lset h 5 x',
      ].map((s) => s.split(' '));
      const expected = [
        'rpush a', 'lpush a', 'rpush a', 'lpop a', 'rpop a', 'linsert a', 'lset a', 'lrem a', 'ltrim a', 'rpush b', 'lpop a', 'del a',
        'rpush c', 'rpush c', 'lpop c', 'lpush d', 'rpop c', 'lpush d', 'rpop c', 'del c', 'lpop d', 'del d', 'rpush e', 'ltrim e', 'del e',
        'rpush e', 'lpop e', 'del e', 'rpush g', 'lrem g', 'del g', 'rpush h', 'rpush h', 'rpop h',
      ].map((s) => `__keyevent@0__:${s}`);
      const keyevents = (lines: string[] | null): string[] | null => lines?.filter((l) => l.startsWith('__keyevent@0__:')) ?? null;
      const [a, b] = await Promise.all([
        eventsOf(sub.tierkv, cmd.tierkv, steps),
        sub.redis !== null && cmd.redis !== null ? eventsOf(sub.redis, cmd.redis, steps) : Promise.resolve(null),
      ]);
      expect(keyevents(a)).toEqual(expected);
      if (b !== null) expect(keyevents(b)).toEqual(expected);
      // The keyspace channel carries the same events, each just before its keyevent message.
      expect(a.filter((l) => l.startsWith('__keyspace@0__:')).length).toBe(expected.length);
    } finally {
      await Promise.all([cmd.tierkv.command('CONFIG', 'SET', 'notify-keyspace-events', ''), cmd.redis?.command('CONFIG', 'SET', 'notify-keyspace-events', '')]);
      sub.close();
      cmd.close();
    }
  });

  it('a list of 100,000 elements: LRANGE near both ends, LINDEX in the middle, LSET, LINSERT, LTRIM, LREM', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    for (let i = 0; i < 100_000; i += 10_000) {
      const args = ['RPUSH', 'big'];
      for (let j = i; j < i + 10_000; j++) args.push(`e${j}`);
      await f.expectReply(args, `:${i + 10_000}\r\n`);
    }
    await f.expectReply(['LLEN', 'big'], ':100000\r\n');
    await f.expectReply(['LRANGE', 'big', '0', '2'], '*3\r\n$2\r\ne0\r\n$2\r\ne1\r\n$2\r\ne2\r\n');
    await f.expectReply(['LRANGE', 'big', '-2', '-1'], '*2\r\n$6\r\ne99998\r\n$6\r\ne99999\r\n');
    await f.expectReply(['LRANGE', 'big', '99998', '100005'], '*2\r\n$6\r\ne99998\r\n$6\r\ne99999\r\n');
    await f.expectReply(['LINDEX', 'big', '50000'], '$6\r\ne50000\r\n');
    await f.expectReply(['LINDEX', 'big', '-50001'], '$6\r\ne49999\r\n');
    await f.expectReply(['LSET', 'big', '50000', 'x'.repeat(300)], '+OK\r\n');
    await f.expectReply(['LINDEX', 'big', '50000'], `$300\r\n${'x'.repeat(300)}\r\n`);
    await f.expectReply(['LINSERT', 'big', 'AFTER', 'e70000', 'new'], ':100001\r\n');
    await f.expectReply(['LPOS', 'big', 'new'], ':70001\r\n');
    await f.expectReply(['LPOS', 'big', 'e3', 'RANK', '-1'], ':3\r\n');
    await f.expectReply(['LREM', 'big', '0', 'new'], ':1\r\n');
    await f.expectReply(['LTRIM', 'big', '10', '-11'], '+OK\r\n');
    await f.expectReply(['LLEN', 'big'], ':99980\r\n');
    await f.expectReply(['LRANGE', 'big', '0', '0'], '*1\r\n$3\r\ne10\r\n');
    await f.expectReply(['LPOP', 'big', '3'], '*3\r\n$3\r\ne10\r\n$3\r\ne11\r\n$3\r\ne12\r\n');
    await f.expectReply(['RPOP', 'big', '2'], '*2\r\n$6\r\ne99989\r\n$6\r\ne99988\r\n');
    const r = await decodedBoth(f.c, 'LRANGE', 'big', '0', '-1');
    const all = r.tierkv as string[];
    expect(all).toHaveLength(99975);
    expect(all[49987]).toBe('x'.repeat(300));
    if (r.redis !== null) expect(r.redis).toEqual(all);
    await f.expectReply(['DEL', 'big'], ':1\r\n');
  });

  it('1 MiB elements: pushed, read, popped, moved, replaced by small ones and back', async () => {
    await f.expectReply(['FLUSHALL'], '+OK\r\n');
    const mib = 'm'.repeat(1 << 20);
    const mib2 = 'n'.repeat((1 << 20) + 5);
    await f.expectReply(['RPUSH', 'huge', 'a', mib, 'b'], ':3\r\n');
    await f.expectReply(['LINDEX', 'huge', '1'], `$${1 << 20}\r\n${mib}\r\n`);
    await f.expectReply(['LPUSH', 'huge', mib2], ':4\r\n');
    await f.expectReply(['LSET', 'huge', '2', 'small'], '+OK\r\n');
    await f.expectReply(['LSET', 'huge', '1', mib], '+OK\r\n');
    await f.expectReply(['LRANGE', 'huge', '0', '-1'], `*4\r\n$${(1 << 20) + 5}\r\n${mib2}\r\n$${1 << 20}\r\n${mib}\r\n$5\r\nsmall\r\n$1\r\nb\r\n`);
    await f.expectReply(['LMOVE', 'huge', 'other', 'LEFT', 'RIGHT'], `$${(1 << 20) + 5}\r\n${mib2}\r\n`);
    await f.expectReply(['LINSERT', 'huge', 'BEFORE', 'b', mib2], ':4\r\n');
    await f.expectReply(['LPOS', 'huge', mib2], ':2\r\n');
    await f.expectReply(['LREM', 'huge', '0', mib], ':1\r\n');
    await f.expectReply(['RPOP', 'huge', '2'], `*2\r\n$1\r\nb\r\n$${(1 << 20) + 5}\r\n${mib2}\r\n`);
    await f.expectReply(['LRANGE', 'huge', '0', '-1'], '*1\r\n$5\r\nsmall\r\n');
    await f.expectReply(['RPOPLPUSH', 'other', 'other'], `$${(1 << 20) + 5}\r\n${mib2}\r\n`);
    await f.expectReply(['DEL', 'huge', 'other'], ':2\r\n');
  });

  it('LSET and LINSERT grow elements across node boundaries, for several list-max-listpack-size values', async () => {
    for (const fill of ['-2', '-1', '-5', '1', '4', '128']) {
      await f.expectReply(['FLUSHALL'], '+OK\r\n');
      await f.expectReply(['CONFIG', 'SET', 'list-max-listpack-size', fill], '+OK\r\n');
      await f.expectReply(['CONFIG', 'GET', 'list-max-listpack-size'], `*2\r\n$22\r\nlist-max-listpack-size\r\n$${fill.length}\r\n${fill}\r\n`);
      const model: string[] = [];
      const args = ['RPUSH', 'g'];
      for (let i = 0; i < 300; i++) {
        args.push(`v${i}`);
        model.push(`v${i}`);
      }
      await f.expectReply(args, ':300\r\n');
      for (const [i, len] of [[0, 100], [150, 5000], [150, 9000], [299, 3000], [10, 70000], [10, 1]] as const) {
        const v = String.fromCharCode(97 + (len % 26)).repeat(len);
        await f.expectReply(['LSET', 'g', String(i), v], '+OK\r\n');
        model[i] = v;
      }
      for (const [pivot, len, after] of [['v20', 8000, true], ['v200', 4000, false], ['v21', 20000, false], ['v298', 9000, true]] as const) {
        const v = String.fromCharCode(65 + (len % 26)).repeat(len);
        const at = model.indexOf(pivot) + (after ? 1 : 0);
        model.splice(at, 0, v);
        await f.expectReply(['LINSERT', 'g', after ? 'AFTER' : 'BEFORE', pivot, v], `:${model.length}\r\n`);
      }
      const r = await decodedBoth(f.c, 'LRANGE', 'g', '0', '-1');
      expect(r.tierkv).toEqual(model);
      if (r.redis !== null) expect(r.redis).toEqual(model);
      await f.expectReply(['LINDEX', 'g', '-1'], `$4\r\nv299\r\n`.replace('v299', model.at(-1)!).replace('$4', `$${model.at(-1)!.length}`));
    }
    await f.expectReply(['CONFIG', 'SET', 'list-max-listpack-size', '-2'], '+OK\r\n');
  });

  it('works through ioredis and node-redis (stock clients)', async () => {
    const r = new Redis(f.servers.tierkv.port, f.servers.tierkv.host, { lazyConnect: true });
    await r.connect();
    try {
      await r.del('io');
      expect(await r.rpush('io', 'a', 'b', 'c')).toBe(3);
      expect(await r.lpush('io', 'z')).toBe(4);
      expect(await r.lrange('io', 0, -1)).toEqual(['z', 'a', 'b', 'c']);
      expect(await r.lpop('io', 2)).toEqual(['z', 'a']);
      expect(await r.lpop('nokey', 2)).toBeNull();
      expect(await r.lmove('io', 'io2', 'RIGHT', 'LEFT')).toBe('c');
      expect(await r.lmpop(2, 'nokey', 'io2', 'LEFT')).toEqual(['io2', ['c']]);
      expect(await r.lpos('io', 'b')).toBe(0);
      expect(await r.exists('io2')).toBe(0);
    } finally {
      r.disconnect();
    }
    const c = createClient({ socket: { port: f.servers.tierkv.port, host: f.servers.tierkv.host } });
    await c.connect();
    try {
      await c.del('nr');
      expect(await c.rPush('nr', ['1', '2', '3'])).toBe(3);
      expect(await c.lIndex('nr', -1)).toBe('3');
      expect(await c.lInsert('nr', 'BEFORE', '2', 'x')).toBe(4);
      expect(await c.lRange('nr', 0, -1)).toEqual(['1', 'x', '2', '3']);
      expect(await c.lRem('nr', 0, 'x')).toBe(1);
      expect(await c.lSet('nr', 0, 'one')).toBe('OK');
      expect(await c.lTrim('nr', 0, 1)).toBe('OK');
      expect(await c.lLen('nr')).toBe(2);
      expect(await c.rPop('nr')).toBe('2');
      expect(await c.lPos('nr', 'one')).toBe(0);
    } finally {
      await c.quit();
    }
  });
});
