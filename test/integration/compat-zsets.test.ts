/**
 * Sorted-set commands answer as redis-server 7.0.15 (expected bytes captured from it; checked against it too when
 * it is installed): replies in RESP2 and RESP3 (doubles, member/score pairs, nulls), the order of argument checks
 * and their errors (ZADD option conflicts, NaN results, bad floats and ranges, LIMIT, numkeys), WRONGTYPE,
 * deletion of emptied zsets, *STORE destinations and their encodings, both encodings and when they change (-0 in a
 * listpack), ZSCAN's score text, ZRANDMEMBER shapes, a large (skiplist) zset against a JS model, keyspace events,
 * WATCH, and stock clients (ioredis, node-redis). The differential fuzzer (test/fuzz/gen-zsets.ts) covers random
 * sequences.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectBoth, describeCompat, type CompatConns, type CompatFixture } from '../support/compat.js';
import { eventsOf } from '../support/events.js';
import { decodeReply } from '../support/resp.js';

/** Runs the same command on both sides, ignoring the replies (setup). */
async function run(f: CompatFixture, ...args: (string | Buffer)[]): Promise<void> {
  await f.both(...args);
}

describeCompat('sorted sets', {}, (f) => {
  let c3: CompatConns;
  beforeAll(async () => {
    c3 = await connectBoth(f.servers, 3);
  });
  afterAll(() => c3?.close());

  it('ZADD ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZREM in RESP2 and RESP3, the key deleted when emptied, WRONGTYPE', async () => {
    await run(f, 'DEL', 'z', 's');
    await f.expectReply(['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ':3\r\n');
    await f.expectReply(['ZADD', 'z', '1.5', 'x', '-inf', 'm', 'inf', 'n'], ':3\r\n');
    await f.expectReply(['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], '*12\r\n$1\r\nm\r\n$4\r\n-inf\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nx\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nn\r\n$3\r\ninf\r\n');
    await f.expectReply(['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], '*6\r\n*2\r\n$1\r\nm\r\n,-inf\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nx\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nn\r\n,inf\r\n', c3);
    await f.expectReply(['ZCARD', 'z'], ':6\r\n');
    await f.expectReply(['ZSCORE', 'z', 'x'], '$3\r\n1.5\r\n');
    await f.expectReply(['ZSCORE', 'z', 'x'], ',1.5\r\n', c3);
    await f.expectReply(['ZSCORE', 'z', 'nope'], '$-1\r\n');
    await f.expectReply(['ZSCORE', 'z', 'nope'], '_\r\n', c3);
    await f.expectReply(['ZSCORE', 'nokey', 'a'], '$-1\r\n');
    await f.expectReply(['ZMSCORE', 'z', 'a', 'nope', 'n'], '*3\r\n$1\r\n1\r\n$-1\r\n$3\r\ninf\r\n');
    await f.expectReply(['ZMSCORE', 'z', 'a', 'nope', 'n'], '*3\r\n,1\r\n_\r\n,inf\r\n', c3);
    await f.expectReply(['ZMSCORE', 'nokey', 'a'], '*1\r\n$-1\r\n');
    await f.expectReply(['ZRANK', 'z', 'b'], ':3\r\n');
    await f.expectReply(['ZREVRANK', 'z', 'b'], ':2\r\n');
    await f.expectReply(['ZRANK', 'z', 'nope'], '$-1\r\n');
    await f.expectReply(['ZRANK', 'z', 'nope'], '_\r\n', c3);
    await f.expectReply(['ZRANK', 'nokey', 'a'], '$-1\r\n');
    await f.expectReply(['ZREM', 'z', 'a', 'nope', 'b'], ':2\r\n');
    await f.expectReply(['ZREM', 'z', 'c', 'x', 'm', 'n'], ':4\r\n');
    await f.expectReply(['EXISTS', 'z'], ':0\r\n');
    await f.expectReply(['ZREM', 'z', 'a'], ':0\r\n');
    await f.expectReply(['ZCARD', 'z'], ':0\r\n');
    await f.expectReply(['SET', 's', 'v'], '+OK\r\n');
    await f.expectReply(['ZADD', 's', '1', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['ZSCORE', 's', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['ZRANGE', 's', '0', '-1'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['ZMSCORE', 's', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  });

  it('ZADD options and their conflicts, INCR and ZINCRBY (NaN results, nulls), bad floats, score formatting', async () => {
    await run(f, 'DEL', 'z');
    await f.expectReply(['ZADD', 'z', 'NX', 'XX', '1', 'a'], '-ERR XX and NX options at the same time are not compatible\r\n');
    await f.expectReply(['ZADD', 'z', 'GT', 'LT', '1', 'a'], '-ERR GT, LT, and/or NX options at the same time are not compatible\r\n');
    await f.expectReply(['ZADD', 'z', 'NX', 'GT', '1', 'a'], '-ERR GT, LT, and/or NX options at the same time are not compatible\r\n');
    await f.expectReply(['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'], '-ERR INCR option supports a single increment-element pair\r\n');
    await f.expectReply(['ZADD', 'z', '1'], '-ERR wrong number of arguments for \'zadd\' command\r\n');
    await f.expectReply(['ZADD', 'z', '1', 'a', '2'], '-ERR syntax error\r\n');
    await f.expectReply(['ZADD', 'z', 'abc', 'a'], '-ERR value is not a valid float\r\n');
    await f.expectReply(['ZADD', 'z', 'nan', 'a'], '-ERR value is not a valid float\r\n');
    await f.expectReply(['ZADD', 'z', '1e400', 'a'], '-ERR value is not a valid float\r\n');
    await f.expectReply(['ZADD', 'z', ' 1', 'a'], '-ERR value is not a valid float\r\n');
    await f.expectReply(['ZADD', 'z', '', 'a'], '-ERR value is not a valid float\r\n');
    await f.expectReply(['ZADD', 'z', 'XX', '1', 'a'], ':0\r\n');
    await f.expectReply(['EXISTS', 'z'], ':0\r\n');
    await f.expectReply(['ZADD', 'z', 'XX', 'INCR', '1', 'a'], '$-1\r\n');
    await f.expectReply(['ZADD', 'z', 'XX', 'INCR', '1', 'a'], '_\r\n', c3);
    await f.expectReply(['ZADD', 'z', '1', 'a', '2', 'b'], ':2\r\n');
    await f.expectReply(['ZADD', 'z', 'CH', '1', 'a', '5', 'b', '7', 'c'], ':2\r\n');
    await f.expectReply(['ZADD', 'z', 'GT', 'CH', '0', 'a', '9', 'b'], ':1\r\n');
    await f.expectReply(['ZADD', 'z', 'LT', 'CH', '0', 'a', '99', 'b'], ':1\r\n');
    await f.expectReply(['ZADD', 'z', 'XX', 'CH', '3', 'c', '3', 'd'], ':1\r\n');
    await f.expectReply(['ZADD', 'z', 'NX', '100', 'a', '4', 'd'], ':1\r\n');
    await f.expectReply(['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], '*8\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nb\r\n$1\r\n9\r\n');
    await f.expectReply(['ZADD', 'z', 'INCR', '2.5', 'a'], '$3\r\n2.5\r\n');
    await f.expectReply(['ZADD', 'z', 'INCR', '2.5', 'a'], ',5\r\n', c3);
    await f.expectReply(['ZADD', 'z', 'INCR', 'NX', '1', 'a'], '$-1\r\n');
    await f.expectReply(['ZADD', 'z', 'INCR', 'GT', '-100', 'a'], '$-1\r\n');
    await f.expectReply(['ZINCRBY', 'z', 'inf', 'n'], '$3\r\ninf\r\n');
    await f.expectReply(['ZINCRBY', 'z', '-inf', 'n'], '-ERR resulting score is not a number (NaN)\r\n');
    await f.expectReply(['ZINCRBY', 'z', 'x', 'n'], '-ERR value is not a valid float\r\n');
    await f.expectReply(['ZINCRBY', 'z', '0x10', 'hex'], '$2\r\n16\r\n');
    await f.expectReply(['ZINCRBY', 'z', '1e-3', 'hex'], ',16.001000000000001\r\n', c3);
    await f.expectReply(['ZADD', 'z', '0.1', 'p', '1e300', 'q', '123456789012345678', 'r', '4e-320', 't'], ':4\r\n');
    await f.expectReply(['ZMSCORE', 'z', 'p', 'q', 'r', 't'], '*4\r\n$19\r\n0.10000000000000001\r\n$23\r\n1.0000000000000001e+300\r\n$22\r\n1.2345678901234568e+17\r\n$22\r\n3.999955468730732e-320\r\n');
    await f.expectReply(['ZMSCORE', 'z', 'p', 'q', 'r', 't'], '*4\r\n,0.10000000000000001\r\n,1.0000000000000001e+300\r\n,1.2345678901234568e+17\r\n,3.999955468730732e-320\r\n', c3);
    await f.expectReply(['ZSCAN', 'z', '0'], '*2\r\n$1\r\n0\r\n*20\r\n$1\r\nt\r\n$22\r\n3.999955468730732e-320\r\n$1\r\np\r\n$19\r\n0.10000000000000001\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\na\r\n$1\r\n5\r\n$1\r\nb\r\n$1\r\n9\r\n$3\r\nhex\r\n$18\r\n16.001000000000001\r\n$1\r\nr\r\n$18\r\n123456789012345680\r\n$1\r\nq\r\n$23\r\n1.0000000000000001e+300\r\n$1\r\nn\r\n$3\r\ninf\r\n');
  });

  it('ZADD scores of up to 15 digits (parsed from the bytes) read as strtod reads them, in both encodings', async () => {
    const bulk = (t: string): string => `$${t.length}\r\n${t}\r\n`;
    const ok = ['-0', '+.5', '5.', '000000123456', '123456789012345', '1234567890123456', '0.000000000000001', '-12.50', '3.14159265358979', '0.123456789012345', '999999999999999', '-.000001', '1e5'];
    // Redis's order and %.17g text of the scores above (the listpack stores -0 as 0).
    const sorted: [string, string][] = [
      ['-12.50', '-12.5'], ['-.000001', '-9.9999999999999995e-07'], ['-0', '0'], ['0.000000000000001', '1.0000000000000001e-15'],
      ['0.123456789012345', '0.123456789012345'], ['+.5', '0.5'], ['3.14159265358979', '3.14159265358979'], ['5.', '5'], ['1e5', '100000'],
      ['000000123456', '123456'], ['123456789012345', '123456789012345'], ['999999999999999', '999999999999999'], ['1234567890123456', '1234567890123456'],
    ];
    // A member longer than zset-max-listpack-value makes the second zset a skiplist from its first ZADD.
    const long = 'l'.repeat(70);
    await run(f, 'DEL', 'zf', 'zg');
    for (const sc of ok) {
      await f.expectReply(['ZADD', 'zf', sc, 'm' + sc], ':1\r\n');
      await f.expectReply(['ZADD', 'zg', sc, long + sc], ':1\r\n');
    }
    for (const bad of ['1.2.3', '-', '+', '.', '1.-2', '--1', '1234567890123456789.5x']) {
      await f.expectReply(['ZADD', 'zf', bad, 'bad'], '-ERR value is not a valid float\r\n');
    }
    await f.expectReply(['ZRANGE', 'zf', '0', '-1', 'WITHSCORES'], `*${2 * sorted.length}\r\n` + sorted.map(([m, t]) => bulk('m' + m) + bulk(t)).join(''));
    await f.expectReply(['OBJECT', 'ENCODING', 'zg'], '$8\r\nskiplist\r\n');
    await f.expectReply(['ZSCORE', 'zg', long + '-0'], '$2\r\n-0\r\n');
    await f.expectReply(['ZSCORE', 'zg', long + '-.000001'], bulk('-9.9999999999999995e-07'));
    await f.expectReply(['ZSCORE', 'zg', long + '3.14159265358979'], bulk('3.14159265358979'));
  });

  it('ZRANGE (rank, BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), the legacy range commands, ZCOUNT, ZLEXCOUNT, ZREMRANGEBY*, ZRANGESTORE', async () => {
    await run(f, 'DEL', 'z', 'l');
    await run(f, 'ZADD', 'z', '1', 'a', '2', 'b', '2', 'bb', '3', 'c', '4', 'd', '5', 'e');
    await f.expectReply(['ZRANGE', 'z', '1', '3'], '*3\r\n$1\r\nb\r\n$2\r\nbb\r\n$1\r\nc\r\n');
    await f.expectReply(['ZRANGE', 'z', '-2', '-1', 'WITHSCORES'], '*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n');
    await f.expectReply(['ZRANGE', 'z', '5', '1'], '*0\r\n');
    await f.expectReply(['ZRANGE', 'z', '0', '100', 'REV'], '*6\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$2\r\nbb\r\n$1\r\nb\r\n$1\r\na\r\n');
    await f.expectReply(['ZREVRANGE', 'z', '0', '1', 'WITHSCORES'], '*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n');
    await f.expectReply(['ZREVRANGE', 'z', '0', '1', 'WITHSCORES'], '*2\r\n*2\r\n$1\r\ne\r\n,5\r\n*2\r\n$1\r\nd\r\n,4\r\n', c3);
    await f.expectReply(['ZRANGE', 'z', '(1', '3', 'BYSCORE'], '*3\r\n$1\r\nb\r\n$2\r\nbb\r\n$1\r\nc\r\n');
    await f.expectReply(['ZRANGE', 'z', '3', '(1', 'BYSCORE', 'REV', 'WITHSCORES'], '*6\r\n$1\r\nc\r\n$1\r\n3\r\n$2\r\nbb\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n2\r\n');
    await f.expectReply(['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '1', '2'], '*2\r\n$1\r\nb\r\n$2\r\nbb\r\n');
    await f.expectReply(['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '-1', '2'], '*0\r\n');
    await f.expectReply(['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '2', '-1'], '*4\r\n$2\r\nbb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n');
    await f.expectReply(['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'], '-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n');
    await f.expectReply(['ZRANGE', 'z', '[a', '[b', 'BYLEX', 'WITHSCORES'], '-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n');
    await f.expectReply(['ZRANGE', 'z', 'x', '1', 'BYSCORE'], '-ERR min or max is not a float\r\n');
    await f.expectReply(['ZRANGE', 'z', '0', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['ZRANGE', 'z', '0', '1', 'FOO'], '-ERR syntax error\r\n');
    await f.expectReply(['ZRANGE', 'z', 'a', 'b', 'BYLEX'], '-ERR min or max not valid string range item\r\n');
    await f.expectReply(['ZRANGEBYSCORE', 'z', '2', '4', 'WITHSCORES', 'LIMIT', '1', '10'], '*6\r\n$2\r\nbb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n');
    await f.expectReply(['ZRANGEBYSCORE', 'z', '2', '4', 'WITHSCORES'], '*4\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$2\r\nbb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nd\r\n,4\r\n', c3);
    await f.expectReply(['ZREVRANGEBYSCORE', 'z', '4', '2', 'LIMIT', '0', '2'], '*2\r\n$1\r\nd\r\n$1\r\nc\r\n');
    await f.expectReply(['ZRANGEBYSCORE', 'z', '(2', '(2'], '*0\r\n');
    await f.expectReply(['ZRANGEBYSCORE', 'z', '', '('], '*0\r\n');
    await f.expectReply(['ZRANGEBYSCORE', 'z', 'nan', '1'], '-ERR min or max is not a float\r\n');
    await f.expectReply(['ZCOUNT', 'z', '2', '(4'], ':3\r\n');
    await f.expectReply(['ZCOUNT', 'z', '-inf', '+inf'], ':6\r\n');
    await f.expectReply(['ZCOUNT', 'z', '5', '1'], ':0\r\n');
    await f.expectReply(['ZCOUNT', 'z', 'a', '1'], '-ERR min or max is not a float\r\n');
    await f.expectReply(['ZCOUNT', 'nokey', '1', '2'], ':0\r\n');
    await run(f, 'ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e');
    await f.expectReply(['ZRANGEBYLEX', 'l', '-', '+'], '*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n');
    await f.expectReply(['ZRANGEBYLEX', 'l', '(a', '[c', 'LIMIT', '1', '1'], '*1\r\n$1\r\nc\r\n');
    await f.expectReply(['ZREVRANGEBYLEX', 'l', '[d', '(a'], '*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n');
    await f.expectReply(['ZRANGEBYLEX', 'l', '+', '-'], '*0\r\n');
    await f.expectReply(['ZLEXCOUNT', 'l', '[b', '+'], ':4\r\n');
    await f.expectReply(['ZLEXCOUNT', 'l', 'b', '+'], '-ERR min or max not valid string range item\r\n');
    await f.expectReply(['ZRANGEBYLEX', 'l', '-', '[c', 'WITHSCORES'], '-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n');
    await f.expectReply(['ZREMRANGEBYLEX', 'l', '[b', '(d'], ':2\r\n');
    await f.expectReply(['ZREMRANGEBYRANK', 'z', '0', '0'], ':1\r\n');
    await f.expectReply(['ZREMRANGEBYRANK', 'z', '-1', '-1'], ':1\r\n');
    await f.expectReply(['ZREMRANGEBYRANK', 'z', '5', '1'], ':0\r\n');
    await f.expectReply(['ZREMRANGEBYRANK', 'z', 'x', '1'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['ZREMRANGEBYSCORE', 'z', '(2', '3'], ':1\r\n');
    await f.expectReply(['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], '*6\r\n$1\r\nb\r\n$1\r\n2\r\n$2\r\nbb\r\n$1\r\n2\r\n$1\r\nd\r\n$1\r\n4\r\n');
    await f.expectReply(['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'], ':3\r\n');
    await f.expectReply(['EXISTS', 'z'], ':0\r\n');
    await f.expectReply(['ZRANGESTORE', 'd', 'l', '0', '-1'], ':3\r\n');
    await f.expectReply(['ZRANGE', 'd', '0', '-1', 'WITHSCORES'], '*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nd\r\n$1\r\n0\r\n$1\r\ne\r\n$1\r\n0\r\n');
    await f.expectReply(['ZRANGESTORE', 'd', 'l', '0', '1', 'WITHSCORES'], '-ERR syntax error\r\n');
    await f.expectReply(['ZRANGESTORE', 'd', 'nokey', '0', '-1'], ':0\r\n');
    await f.expectReply(['EXISTS', 'd'], ':0\r\n');
  });

  it('ZPOPMIN ZPOPMAX ZMPOP: counts, shapes in RESP2 and RESP3, errors, the key deleted when emptied', async () => {
    await run(f, 'DEL', 'z');
    await run(f, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    await f.expectReply(['ZPOPMIN', 'z'], '*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    await f.expectReply(['ZPOPMIN', 'z'], '*2\r\n$1\r\nb\r\n,2\r\n', c3);
    await f.expectReply(['ZPOPMAX', 'z', '2'], '*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n');
    await run(f, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    await f.expectReply(['ZPOPMAX', 'z', '2'], '*2\r\n*2\r\n$1\r\nd\r\n,4\r\n*2\r\n$1\r\nc\r\n,3\r\n', c3);
    await f.expectReply(['ZPOPMIN', 'z', '0'], '*0\r\n');
    await f.expectReply(['ZPOPMIN', 'z', '-1'], '-ERR value is out of range, must be positive\r\n');
    await f.expectReply(['ZPOPMIN', 'z', 'x'], '-ERR value is out of range, must be positive\r\n');
    await f.expectReply(['ZPOPMIN', 'z', '1', '2'], '-ERR syntax error\r\n');
    await f.expectReply(['ZPOPMIN', 'nokey'], '*0\r\n');
    await f.expectReply(['ZPOPMIN', 'nokey', '2'], '*0\r\n', c3);
    await f.expectReply(['ZMPOP', '2', 'nokey', 'z', 'MIN', 'COUNT', '10'], '*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n');
    await f.expectReply(['EXISTS', 'z'], ':0\r\n');
    await f.expectReply(['ZMPOP', '1', 'z', 'MAX'], '*-1\r\n');
    await f.expectReply(['ZMPOP', '1', 'z', 'MAX'], '_\r\n', c3);
    await run(f, 'ZADD', 'z', '1', 'a', '2', 'b');
    await f.expectReply(['ZMPOP', '1', 'z', 'MAX', 'COUNT', '1'], '*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n', c3);
    await f.expectReply(['ZMPOP', '0', 'z', 'MIN'], '-ERR numkeys should be greater than 0\r\n');
    await f.expectReply(['ZMPOP', 'x', 'z', 'MIN'], '-ERR numkeys should be greater than 0\r\n');
    await f.expectReply(['ZMPOP', '1', 'z'], '-ERR wrong number of arguments for \'zmpop\' command\r\n');
    await f.expectReply(['ZMPOP', '1', 'z', 'LEFT'], '-ERR syntax error\r\n');
    await f.expectReply(['ZMPOP', '1', 'z', 'MIN', 'COUNT', '0'], '-ERR count should be greater than 0\r\n');
    await f.expectReply(['ZMPOP', '1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '1'], '-ERR syntax error\r\n');
    await f.expectReply(['ZMPOP', '3', 'z', 'MIN'], '-ERR syntax error\r\n');
  });

  it('ZUNION ZINTER ZDIFF, their STORE forms and ZINTERCARD: weights, aggregates, sets as inputs, errors in Redis order', async () => {
    await run(f, 'DEL', 'a', 'b', 's', 'str', 'd');
    await run(f, 'ZADD', 'a', '1', 'x', '2', 'y', '3', 'z');
    await run(f, 'ZADD', 'b', '10', 'y', '20', 'z', '30', 'w');
    await run(f, 'SADD', 's', 'y', 'w', 'q');
    await run(f, 'SET', 'str', 'v');
    await f.expectReply(['ZUNION', '2', 'a', 'b', 'WITHSCORES'], '*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n');
    await f.expectReply(['ZUNION', '2', 'a', 'b', 'WITHSCORES'], '*4\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,12\r\n*2\r\n$1\r\nz\r\n,23\r\n*2\r\n$1\r\nw\r\n,30\r\n', c3);
    await f.expectReply(['ZINTER', '2', 'a', 'b', 'WITHSCORES'], '*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n');
    await f.expectReply(['ZDIFF', '2', 'a', 'b', 'WITHSCORES'], '*2\r\n$1\r\nx\r\n$1\r\n1\r\n');
    await f.expectReply(['ZUNION', '3', 'a', 'b', 's', 'WEIGHTS', '1', '2', '3', 'AGGREGATE', 'MAX', 'WITHSCORES'], '*10\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\nq\r\n$1\r\n3\r\n$1\r\ny\r\n$2\r\n20\r\n$1\r\nz\r\n$2\r\n40\r\n$1\r\nw\r\n$2\r\n60\r\n');
    await f.expectReply(['ZINTER', '3', 'a', 'b', 's', 'AGGREGATE', 'MIN', 'WITHSCORES'], '*2\r\n$1\r\ny\r\n$1\r\n1\r\n');
    await f.expectReply(['ZUNION', '2', 'a', 'b', 'WEIGHTS', 'inf', '0', 'WITHSCORES'], '*8\r\n$1\r\nw\r\n$1\r\n0\r\n$1\r\nx\r\n$3\r\ninf\r\n$1\r\ny\r\n$3\r\ninf\r\n$1\r\nz\r\n$3\r\ninf\r\n');
    await f.expectReply(['ZINTER', '2', 'a', 'a', 'WITHSCORES'], '*6\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n4\r\n$1\r\nz\r\n$1\r\n6\r\n');
    await f.expectReply(['ZDIFF', '2', 'a', 'a'], '*0\r\n');
    await f.expectReply(['ZUNIONSTORE', 'd', '2', 'a', 'b'], ':4\r\n');
    await f.expectReply(['ZRANGE', 'd', '0', '-1', 'WITHSCORES'], '*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'd'], '$8\r\nlistpack\r\n');
    await f.expectReply(['ZINTERSTORE', 'd', '2', 'a', 'nokey'], ':0\r\n');
    await f.expectReply(['EXISTS', 'd'], ':0\r\n');
    await f.expectReply(['ZDIFFSTORE', 'd', '1', 'a'], ':3\r\n');
    await f.expectReply(['ZINTERCARD', '2', 'a', 'b'], ':2\r\n');
    await f.expectReply(['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'], ':1\r\n');
    await f.expectReply(['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'], '-ERR LIMIT can\'t be negative\r\n');
    await f.expectReply(['ZINTERCARD', '0', 'a'], '-ERR at least 1 input key is needed for \'zintercard\' command\r\n');
    await f.expectReply(['ZUNION', '0', 'a'], '-ERR at least 1 input key is needed for \'zunion\' command\r\n');
    await f.expectReply(['ZUNIONSTORE', 'd', '0', 'a'], '-ERR at least 1 input key is needed for \'zunionstore\' command\r\n');
    await f.expectReply(['ZUNION', '3', 'a', 'b'], '-ERR syntax error\r\n');
    await f.expectReply(['ZUNION', '1', 'a', 'WEIGHTS', 'x'], '-ERR weight value is not a float\r\n');
    await f.expectReply(['ZUNION', '1', 'a', 'AGGREGATE', 'foo'], '-ERR syntax error\r\n');
    await f.expectReply(['ZUNIONSTORE', 'd', '1', 'a', 'WITHSCORES'], '-ERR syntax error\r\n');
    await f.expectReply(['ZDIFF', '1', 'a', 'WEIGHTS', '1'], '-ERR syntax error\r\n');
    await f.expectReply(['ZUNION', '2', 'str', 'a', 'FOO'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['ZUNION', 'x', 'a'], '-ERR value is not an integer or out of range\r\n');
  });

  it('ZRANDMEMBER: errors, empty and missing keys, the whole zset (in Redis order) for a count at least its size', async () => {
    await run(f, 'DEL', 'z');
    await run(f, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    await f.expectReply(['ZRANDMEMBER', 'z', '0'], '*0\r\n');
    await f.expectReply(['ZRANDMEMBER', 'nokey'], '$-1\r\n');
    await f.expectReply(['ZRANDMEMBER', 'nokey'], '_\r\n', c3);
    await f.expectReply(['ZRANDMEMBER', 'nokey', '5'], '*0\r\n');
    await f.expectReply(['ZRANDMEMBER', 'z', '1', 'foo'], '-ERR syntax error\r\n');
    await f.expectReply(['ZRANDMEMBER', 'z', '-9223372036854775808'], '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n');
    await f.expectReply(['ZRANDMEMBER', 'z', '9223372036854775807', 'WITHSCORES'], '-ERR value is out of range\r\n');
    await f.expectReply(['ZRANDMEMBER', 'z', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['ZRANDMEMBER', 'z', '10', 'WITHSCORES'], '*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n');
    await f.expectReply(['ZRANDMEMBER', 'z', '10', 'WITHSCORES'], '*3\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n', c3);
    await f.expectReply(['ZRANDMEMBER', 'z', '3'], '*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n');
  });

  it('ZRANGE takes REV, BYSCORE and BYLEX once each (a repeat, or both BY options, is a syntax error)', async () => {
    await f.both('DEL', 'zr', 'zrd');
    await f.expectReply(['ZADD', 'zr', '1', 'a', '2', 'b', '3', 'c'], ':3\r\n');
    for (const extra of [['rev', 'rev'], ['bylex', 'bylex'], ['bylex', 'byscore'], ['byscore', 'bylex'], ['byscore', 'byscore']]) {
      await f.expectReply(['ZRANGE', 'zr', '0', '-1', ...extra], '-ERR syntax error\r\n');
    }
    await f.expectReply(['ZRANGE', 'zr', '[a', '[b', 'BYLEX', 'bylex'], '-ERR syntax error\r\n');
    await f.expectReply(['ZRANGESTORE', 'zrd', 'zr', '0', '-1', 'byscore', 'byscore'], '-ERR syntax error\r\n');
    await f.expectReply(['ZRANGEBYSCORE', 'zr', '0', '5', 'byscore'], '-ERR syntax error\r\n');
    await f.expectReply(['ZRANGE', 'zr', '0', '-1', 'withscores', 'withscores', 'rev'], '*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n');
  });

  it('memory a listpack zset or hash gives back is free: removals shrink the item (MEMORY USAGE, tierkv figures)', async () => {
    const t = f.c.tierkv;
    const usage = async (k: string): Promise<number> => decodeReply(await t.command('MEMORY', 'USAGE', k)) as number;
    const name = (i: number): string => `member-${String(i).padStart(3, '0')}-`.padEnd(63, 'x');
    await t.command('DEL', 'zm', 'hm', 'zj', 'zn', 'hn', 'zk');
    await t.command('ZADD', 'zm', ...Array.from({ length: 128 }, (_, i) => [String(i), name(i)]).flat());
    await t.command('HSET', 'hm', ...Array.from({ length: 128 }, (_, i) => [name(i), 'v']).flat());
    const before = [await usage('zm'), await usage('hm')];
    expect(before[0]).toBeGreaterThan(8000);
    expect(before[1]).toBeGreaterThan(8000);
    await t.command('ZREMRANGEBYRANK', 'zm', '0', '-2');
    await t.command('HDEL', 'hm', ...Array.from({ length: 127 }, (_, i) => name(i)));
    // As much as the same one-member key built afresh.
    await t.command('ZADD', 'zn', '127', name(127));
    await t.command('HSET', 'hn', name(127), 'v');
    expect(await usage('zm')).toBe(await usage('zn'));
    expect(await usage('hm')).toBe(await usage('hn'));
    expect(await usage('zm')).toBeLessThan(before[0]! / 2);
    // A listpack past the largest slab chunk (an extent of its own, grown with room to spare) shrinks too.
    await t.command('CONFIG', 'SET', 'zset-max-listpack-entries', '100000');
    await t.command('CONFIG', 'SET', 'zset-max-listpack-value', '100');
    try {
      for (let b = 0; b < 12; b++) await t.command('ZADD', 'zj', ...Array.from({ length: 1000 }, (_, i) => [String(b * 1000 + i), name(b * 1000 + i)]).flat());
      expect(await usage('zj')).toBeGreaterThan(700_000);
      expect(decodeReply(await t.command('OBJECT', 'ENCODING', 'zj'))).toBe('listpack');
      await t.command('ZREMRANGEBYRANK', 'zj', '0', '-2');
      await t.command('ZADD', 'zk', '11999', name(11999));
      expect(await usage('zj')).toBe(await usage('zk'));
      expect(decodeReply(await t.command('ZRANGE', 'zj', '0', '-1', 'WITHSCORES'))).toEqual([name(11999), '11999']);
    } finally {
      await t.command('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
      await t.command('CONFIG', 'SET', 'zset-max-listpack-value', '64');
      await t.command('DEL', 'zm', 'hm', 'zj', 'zn', 'hn', 'zk');
    }
  });

  it('encodings: listpack to skiplist at both thresholds and never back on writes, ZRANGESTORE back to listpack, -0, ZSCAN text', async () => {
    await run(f, 'DEL', 'e', 'f', 'g', 'h');
    await run(f, 'CONFIG', 'SET', 'zset-max-listpack-entries', '2');
    await f.expectReply(['ZADD', 'e', '1', 'a', '2', 'b'], ':2\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'e'], '$8\r\nlistpack\r\n');
    await f.expectReply(['ZADD', 'e', '3', 'c'], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'e'], '$8\r\nskiplist\r\n');
    await f.expectReply(['ZREM', 'e', 'a', 'b'], ':2\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'e'], '$8\r\nskiplist\r\n');
    await f.expectReply(['ZRANGESTORE', 'f', 'e', '0', '-1'], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'f'], '$8\r\nlistpack\r\n');
    await run(f, 'CONFIG', 'SET', 'zset-max-listpack-entries', '128');
    await f.expectReply(['ZADD', 'f', '1', 'LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL'], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'f'], '$8\r\nskiplist\r\n');
    await f.expectReply(['ZADD', 'g', '1', 'LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL'], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'g'], '$8\r\nskiplist\r\n');
    await f.expectReply(['ZADD', 'g', '-0', 'x'], ':1\r\n');
    await f.expectReply(['ZSCORE', 'g', 'x'], '$2\r\n-0\r\n');
    await f.expectReply(['ZADD', 'h', '-0', 'x'], ':1\r\n');
    await f.expectReply(['ZSCORE', 'h', 'x'], '$1\r\n0\r\n');
    await f.expectReply(['TYPE', 'g'], '+zset\r\n');
    // A skiplist's ZSCAN order is its hash table's: one member through MATCH (its score as %.17g: -0 kept).
    await f.expectReply(['ZSCAN', 'g', '0', 'MATCH', 'x'], '*2\r\n$1\r\n0\r\n*2\r\n$1\r\nx\r\n$2\r\n-0\r\n');
    await f.expectReply(['ZADD', 'h', '0.1', 'y', '123456789012345678', 'z', '1e20', 'w'], ':3\r\n');
    await f.expectReply(['ZSCAN', 'h', '0'], '*2\r\n$1\r\n0\r\n*8\r\n$1\r\nx\r\n$1\r\n0\r\n$1\r\ny\r\n$19\r\n0.10000000000000001\r\n$1\r\nz\r\n$18\r\n123456789012345680\r\n$1\r\nw\r\n$5\r\n1e+20\r\n');
  });

  it('a large zset (skiplist) against a model: ranks, ranges both ways, counts, removals, ZSCAN covers every member', async () => {
    await run(f, 'DEL', 'big');
    const model: { m: string; s: number }[] = [];
    const args: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const m = `m${(i * 7919) % 4000}`;
      const s = (i * 37) % 101;
      const at = model.findIndex((e) => e.m === m);
      if (at >= 0) model.splice(at, 1);
      model.push({ m, s });
      args.push(String(s), m);
    }
    model.sort((a, b) => a.s - b.s || Buffer.compare(Buffer.from(a.m), Buffer.from(b.m)));
    const t = f.c.tierkv;
    await t.command('ZADD', 'big', ...args);
    if (f.c.redis !== null) await f.c.redis.command('ZADD', 'big', ...args);
    await f.expectReply(['OBJECT', 'ENCODING', 'big'], '$8\r\nskiplist\r\n');
    const all = decodeReply(await t.command('ZRANGE', 'big', '0', '-1')) as string[];
    expect(all).toEqual(model.map((e) => e.m));
    for (const r of [0, 1, 17, 500, model.length - 1]) {
      expect(decodeReply(await t.command('ZRANK', 'big', model[r]!.m))).toBe(r);
      expect(decodeReply(await t.command('ZREVRANK', 'big', model[r]!.m))).toBe(model.length - 1 - r);
    }
    expect(decodeReply(await t.command('ZRANGE', 'big', '100', '110', 'REV'))).toEqual(model.slice().reverse().slice(100, 111).map((e) => e.m));
    expect(decodeReply(await t.command('ZCOUNT', 'big', '10', '(20'))).toBe(model.filter((e) => e.s >= 10 && e.s < 20).length);
    expect(decodeReply(await t.command('ZRANGEBYSCORE', 'big', '(50', '50.5', 'LIMIT', '2', '3'))).toEqual([]);
    expect(decodeReply(await t.command('ZREVRANGEBYSCORE', 'big', '60', '(58', 'LIMIT', '1', '4'))).toEqual(model.filter((e) => e.s > 58 && e.s <= 60).reverse().slice(1, 5).map((e) => e.m));
    await f.expectReply(['ZRANGE', 'big', '200', '260', 'WITHSCORES'], (await (f.c.redis ?? t).command('ZRANGE', 'big', '200', '260', 'WITHSCORES')).toString('latin1'));
    expect(decodeReply(await t.command('ZREMRANGEBYRANK', 'big', '10', '99'))).toBe(90);
    model.splice(10, 90);
    expect(decodeReply(await t.command('ZREMRANGEBYSCORE', 'big', '(30', '40'))).toBe(model.filter((e) => e.s > 30 && e.s <= 40).length);
    for (let i = model.length - 1; i >= 0; i--) if (model[i]!.s > 30 && model[i]!.s <= 40) model.splice(i, 1);
    expect(decodeReply(await t.command('ZRANGE', 'big', '0', '-1'))).toEqual(model.map((e) => e.m));
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, page] = decodeReply(await t.command('ZSCAN', 'big', cursor, 'COUNT', '50')) as [string, string[]];
      for (let i = 0; i < page.length; i += 2) seen.add(page[i]!);
      cursor = next;
    } while (cursor !== '0');
    expect(seen.size).toBe(model.length);
    await run(f, 'DEL', 'big');
  });

  it('keyspace events: zadd zincr zrem zrembyrank/score/lex zpopmin/zpopmax z*store zrangestore and del', async () => {
    const sub = await connectBoth(f.servers);
    const cmd = await connectBoth(f.servers);
    try {
      await f.expectReply(['CONFIG', 'SET', 'notify-keyspace-events', 'Ez'.concat('g')], '+OK\r\n', cmd);
      await run(f, 'DEL', 'ka', 'kb', 'kd');
      await f.expectReply(['PSUBSCRIBE', '*'], '*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n', sub);
      const steps: string[][] = [
        ['ZADD', 'ka', '1', 'a', '2', 'b', '3', 'c', '4', 'd'], ['ZADD', 'ka', '1', 'a'], ['ZADD', 'ka', 'INCR', '1', 'a'], ['ZINCRBY', 'ka', '1', 'a'],
        ['ZREM', 'ka', 'nope'], ['ZREM', 'ka', 'a'], ['ZREMRANGEBYRANK', 'ka', '5', '6'], ['ZREMRANGEBYRANK', 'ka', '0', '0'],
        ['ZADD', 'kb', '0', 'x', '0', 'y', '0', 'z'], ['ZREMRANGEBYLEX', 'kb', '[x', '[x'], ['ZREMRANGEBYSCORE', 'kb', '0', '0'],
        ['ZUNIONSTORE', 'kd', '1', 'ka'], ['ZINTERSTORE', 'kd', '1', 'ka'], ['ZDIFFSTORE', 'kd', '2', 'ka', 'ka'], ['ZRANGESTORE', 'kd', 'ka', '0', '0'],
        ['ZPOPMIN', 'ka'], ['ZPOPMAX', 'ka', '5'], ['ZPOPMIN', 'kd'], ['ZMPOP', '1', 'kd', 'MIN'],
      ];
      const expected = [
        'zadd ka', 'zincr ka', 'zincr ka', 'zrem ka', 'zremrangebyrank ka', 'zadd kb', 'zremrangebylex kb', 'zremrangebyscore kb', 'del kb',
        'zunionstore kd', 'zinterstore kd', 'del kd', 'zrangestore kd', 'zpopmin ka', 'zpopmax ka', 'del ka', 'zpopmin kd', 'del kd',
      ].map((e) => `__keyevent@0__:${e.split(' ')[0]} ${e.split(' ')[1]}`);
      expect(await eventsOf(sub.tierkv, cmd.tierkv, steps)).toEqual(expected);
      if (sub.redis !== null && cmd.redis !== null) expect(await eventsOf(sub.redis, cmd.redis, steps)).toEqual(expected);
    } finally {
      await run(f, 'CONFIG', 'SET', 'notify-keyspace-events', '');
      sub.close();
      cmd.close();
    }
  });

  it('WATCH sees every write to a zset of either encoding, and no write when nothing changed', async () => {
    const a = await connectBoth(f.servers);
    const b = await connectBoth(f.servers);
    try {
      for (const big of [false, true]) {
        await run(f, 'DEL', 'w');
        await run(f, 'ZADD', 'w', '1', big ? 'x'.repeat(100) : 'x', '2', 'y');
        for (const [write, changes] of [[['ZADD', 'w', '5', 'y'], true], [['ZADD', 'w', '2', 'y'], true], [['ZREM', 'w', 'nope'], false], [['ZINCRBY', 'w', '1', 'y'], true], [['ZREM', 'w', 'y'], true], [['ZADD', 'w', 'NX', '9', 'y'], true]] as const) {
          await f.expectReply(['WATCH', 'w'], '+OK\r\n', a);
          await b.tierkv.command(...write);
          if (b.redis !== null) await b.redis.command(...write);
          await f.expectReply(['MULTI'], '+OK\r\n', a);
          await f.expectReply(['PING'], '+QUEUED\r\n', a);
          await f.expectReply(['EXEC'], changes ? '*-1\r\n' : '*1\r\n+PONG\r\n', a);
        }
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('works through ioredis and node-redis (stock clients)', async () => {
    const r = new Redis(f.servers.tierkv.port, f.servers.tierkv.host, { lazyConnect: true });
    await r.connect();
    try {
      await r.del('io', 'io2');
      expect(await r.zadd('io', '1', 'a', '2', 'b', '3.5', 'c')).toBe(3);
      expect(await r.zrange('io', '0', '-1', 'WITHSCORES')).toEqual(['a', '1', 'b', '2', 'c', '3.5']);
      expect(await r.zscore('io', 'c')).toBe('3.5');
      expect(await r.zincrby('io', 2, 'a')).toBe('3');
      expect(await r.zrank('io', 'a')).toBe(1);
      expect(await r.zrangebyscore('io', '(2', '+inf')).toEqual(['a', 'c']);
      expect(await r.zcount('io', '-inf', '+inf')).toBe(3);
      expect(await r.zpopmin('io')).toEqual(['b', '2']);
      expect(await r.zadd('io2', '10', 'a')).toBe(1);
      expect(await r.zunionstore('io3', 2, 'io', 'io2')).toBe(2);
      expect(await r.zrange('io3', '0', '-1', 'WITHSCORES')).toEqual(['c', '3.5', 'a', '13']);
      const [cursor, page] = await r.zscan('io', 0);
      expect(cursor).toBe('0');
      expect(page).toEqual(['a', '3', 'c', '3.5']);
    } finally {
      r.disconnect();
    }
    const nr = createClient({ socket: { port: f.servers.tierkv.port, host: f.servers.tierkv.host } });
    await nr.connect();
    try {
      await nr.del(['nr']);
      expect(await nr.zAdd('nr', [{ score: 1, value: 'x' }, { score: 2, value: 'y' }])).toBe(2);
      expect(await nr.zRangeWithScores('nr', 0, -1)).toEqual([{ value: 'x', score: 1 }, { value: 'y', score: 2 }]);
      expect(await nr.zScore('nr', 'y')).toBe(2);
      expect(await nr.zCard('nr')).toBe(2);
      expect(await nr.zRem('nr', 'x')).toBe(1);
      expect(await nr.zPopMax('nr')).toEqual({ value: 'y', score: 2 });
      expect(await nr.exists('nr')).toBe(0);
    } finally {
      nr.destroy();
    }
  });
});
