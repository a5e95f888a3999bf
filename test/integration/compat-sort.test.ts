/**
 * SORT and SORT_RO answer as redis-server 7.0.15 (expected bytes captured from it; checked against it too when it is
 * installed): numeric and ALPHA order (ties broken by the elements' bytes; ALPHA compares C strings, up to a NUL
 * byte, unless STORE), BY with missing keys and `->field` hash patterns, `BY nosort` (a list's order, reversed by
 * DESC, with LIMIT applied directly), GET # and several GETs (nulls in RESP2 and RESP3), LIMIT edges, STORE over a
 * key of another type (TTL dropped), an empty result deleting the destination, SORT_RO refusing STORE, C strtod's
 * rules for weights, errors and their order, keyspace events, WATCH, and COMMAND GETKEYS. The differential fuzzer
 * (test/fuzz/gen-sort.ts) covers random sequences.
 */
import { expect, it } from 'vitest';
import { connectBoth, describeCompat, type CompatFixture } from '../support/compat.js';
import { eventsOf } from '../support/events.js';

/** A latin1 argument: bytes 0x80-0xff as they are (a JS string argument would be sent as UTF-8). */
const L = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Runs the same command on both sides, ignoring the replies (setup). */
async function run(f: CompatFixture, ...args: (string | Buffer)[]): Promise<void> {
  await f.both(...args);
}

describeCompat('sort', {}, (f) => {
  it('sorts a list numerically and ALPHA, ascending and descending; a missing key is an empty list', async () => {
    await run(f, 'DEL', 'l', 's', 'si', 'w_1', 'w_2', 'w_3', 'w_10', 'o_1', 'o_3', 'h_1', 'h_3', 'str', 'dup', 'dst');
    await run(f, 'RPUSH', 'l', '3', '1', '2', '10', '-5', '1.5', '3');
    await f.expectReply(['SORT', 'l'], '*7\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n3\r\n$2\r\n10\r\n');
    await f.expectReply(['SORT', 'l', 'DESC'], '*7\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n');
    await f.expectReply(['SORT', 'l', 'ALPHA'], '*7\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n3\r\n');
    await f.expectReply(['SORT', 'l', 'ALPHA', 'DESC'], '*7\r\n$1\r\n3\r\n$1\r\n3\r\n$1\r\n2\r\n$2\r\n10\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n');
    await f.expectReply(['sort', 'l', 'asc', 'desc', 'alpha', 'asc'], '*7\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n3\r\n');
    await run(f, 'RPUSH', 'dup', 'b', 'a', 'b', 'a', 'c', 'B');
    await f.expectReply(['SORT', 'dup', 'ALPHA'], '*6\r\n$1\r\nB\r\n$1\r\na\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nb\r\n$1\r\nc\r\n');
    await f.expectReply(['SORT', 'dup', 'ALPHA', 'DESC'], '*6\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\na\r\n$1\r\nB\r\n');
    await f.expectReply(['SORT', 'dup'], '-ERR One or more scores can\'t be converted into double\r\n');
    await f.expectReply(['SORT', 'nokey'], '*0\r\n');
    await f.expectReply(['SORT', 'nokey', 'ALPHA', 'DESC', 'LIMIT', '0', '1', 'GET', '#'], '*0\r\n');
  });

  it('BY weights (missing: 0; ALPHA: first), hash fields with ->, the first * only, nosort keeping the list order', async () => {
    await run(f, 'MSET', 'w_3', '30', 'w_1', '100', 'w_2', '-1', 'o_1', 'x', 'o_3', 'y');
    await f.expectReply(['SORT', 'l', 'BY', 'w_*'], '*7\r\n$1\r\n2\r\n$2\r\n-5\r\n$3\r\n1.5\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n3\r\n$1\r\n1\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'w_*', 'DESC'], '*7\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n3\r\n$2\r\n10\r\n$3\r\n1.5\r\n$2\r\n-5\r\n$1\r\n2\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'w_*', 'GET', '#', 'GET', 'o_*', 'GET', 'nokey', 'GET', 'o_'], '*28\r\n$1\r\n2\r\n$-1\r\n$-1\r\n$-1\r\n$2\r\n-5\r\n$-1\r\n$-1\r\n$-1\r\n$3\r\n1.5\r\n$-1\r\n$-1\r\n$-1\r\n$2\r\n10\r\n$-1\r\n$-1\r\n$-1\r\n$1\r\n3\r\n$1\r\ny\r\n$-1\r\n$-1\r\n$1\r\n3\r\n$1\r\ny\r\n$-1\r\n$-1\r\n$1\r\n1\r\n$1\r\nx\r\n$-1\r\n$-1\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'w_*', 'ALPHA'], '*7\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n3\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'DESC'], '*7\r\n$1\r\n3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n1.5\r\n');
    await f.expectReply(['SORT', 'dup', 'BY', 'nokey_*', 'ALPHA', 'DESC'], '*6\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nB\r\n');
    await f.expectReply(['SORT', 'dup', 'BY', 'nokey_*', 'DESC'], '*6\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\na\r\n$1\r\nB\r\n');
    await run(f, 'SET', 'w_10', 'abc');
    await f.expectReply(['SORT', 'l', 'BY', 'w_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'w_*', 'ALPHA'], '*7\r\n$2\r\n-5\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n3\r\n$2\r\n10\r\n');
    await run(f, 'HSET', 'h_1', 'f', '5', 'g', 'z', '->', 'arrow');
    await run(f, 'HSET', 'h_3', 'f', '1');
    await run(f, 'SET', 'h_2', '7');
    await f.expectReply(['SORT', 'l', 'BY', 'h_*->f', 'GET', 'h_*->g', 'GET', '#'], '*14\r\n$-1\r\n$2\r\n-5\r\n$-1\r\n$3\r\n1.5\r\n$-1\r\n$2\r\n10\r\n$-1\r\n$1\r\n2\r\n$-1\r\n$1\r\n3\r\n$-1\r\n$1\r\n3\r\n$1\r\nz\r\n$1\r\n1\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'h_*->', 'GET', 'h_*->->'], '*7\r\n$-1\r\n$5\r\narrow\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'h_*->nofield', 'GET', 'h_*->g'], '*7\r\n$-1\r\n$1\r\nz\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n');
    await f.expectReply(['SORT', 'l', 'GET', 'h->_*->g', 'GET', '*', 'GET', '**'], '*21\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'nosort', 'GET', '#'], '*7\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n1.5\r\n$1\r\n3\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'nosort', 'DESC'], '*7\r\n$1\r\n3\r\n$3\r\n1.5\r\n$2\r\n-5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'], '*2\r\n$3\r\n1.5\r\n$2\r\n-5\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'nosort', 'LIMIT', '5', '10'], '*2\r\n$3\r\n1.5\r\n$1\r\n3\r\n');
  });

  it('sorted sets: sorted by member value (not score), BY nosort keeps the score order with LIMIT by rank, SORT converts a listpack to a skiplist', async () => {
    await run(f, 'DEL', 'z', 'zb', 'zd', 'zn');
    await run(f, 'ZADD', 'z', '3', 'c', '1', 'b', '2', 'a', '2', '10', '-1', '5');
    await f.expectReply(['SORT', 'z'], "-ERR One or more scores can't be converted into double\r\n");
    await f.expectReply(['OBJECT', 'ENCODING', 'z'], '$8\r\nskiplist\r\n');
    await f.expectReply(['SORT', 'z', 'BY', 'nosort'], '*5\r\n$1\r\n5\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\na\r\n$1\r\nc\r\n');
    await f.expectReply(['SORT', 'z', 'BY', 'nosort', 'DESC'], '*5\r\n$1\r\nc\r\n$1\r\na\r\n$2\r\n10\r\n$1\r\nb\r\n$1\r\n5\r\n');
    await f.expectReply(['SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '2'], '*2\r\n$1\r\nb\r\n$2\r\n10\r\n');
    await f.expectReply(['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'], '*2\r\n$1\r\na\r\n$2\r\n10\r\n');
    await f.expectReply(['SORT_RO', 'z', 'ALPHA', 'DESC'], '*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\n5\r\n$2\r\n10\r\n');
    await f.expectReply(['SORT', 'z', 'ALPHA', 'STORE', 'zd'], ':5\r\n');
    await f.expectReply(['LRANGE', 'zd', '0', '-1'], '*5\r\n$2\r\n10\r\n$1\r\n5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n');
    await f.expectReply(['SORT', 'z', 'BY', 'nosort', 'LIMIT', '9', '2'], '*0\r\n');
    await run(f, 'ZADD', 'zb', '1', 'x', '2', 'y', '3', 'z');
    await f.expectReply(['SORT', 'zb', 'ALPHA', 'BY', 'nosort', 'GET', '#'], '*3\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'zb'], '$8\r\nskiplist\r\n');
    await run(f, 'ZADD', 'zn', '5', '1', '4', '20', '3', '3');
    await f.expectReply(['SORT', 'zn', 'DESC', 'LIMIT', '0', '2'], '*2\r\n$2\r\n20\r\n$1\r\n3\r\n');
  });

  it('LIMIT: negative, huge, beyond the end, zero count; a bad LIMIT is an error', async () => {
    await f.expectReply(['SORT', 'l', 'LIMIT', '1', '3'], '*3\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '-1', '3'], '*3\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '1', '-1'], '*6\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n3\r\n$2\r\n10\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '1', '-100'], '*6\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n3\r\n$2\r\n10\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '100', '3'], '*0\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '6', '3'], '*1\r\n$2\r\n10\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '7', '3'], '*0\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '0', '0'], '*0\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '2', '9223372036854775807'], '*5\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n3\r\n$2\r\n10\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '-9223372036854775808', '9223372036854775807', 'DESC'], '*7\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '0', '1', 'LIMIT', '3', '2'], '*2\r\n$1\r\n2\r\n$1\r\n3\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '9223372036854775808', '1'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '1', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '1'], '-ERR syntax error\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'nosort', 'LIMIT', '9223372036854775807', '9223372036854775807', 'DESC'], '*0\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'w_*', 'LIMIT', '1', '2', 'GET', 'o_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await f.expectReply(['SORT', 'l', 'BY', 'h_*->f', 'LIMIT', '1', '2', 'GET', 'o_*', 'GET', '#'], '*4\r\n$-1\r\n$3\r\n1.5\r\n$-1\r\n$2\r\n10\r\n');
  });

  it('weights parse as C strtod: blanks, hex, inf, empty is 0; nan, trailing bytes, overflow and inexact underflow fail', async () => {
    await run(f, 'DEL', 'n', 'bad');
    await run(f, 'RPUSH', 'n', '', '\t5', ' 3', '0x10', '0x1p-2', 'inf', '-Infinity', '+.5', '1e+1', '5.', '0X.8', '1E2', '-0', '0e-400', '2.2250738585072014e-308', '0x1P-1074', '7\x00x');
    await f.expectReply(['SORT', 'n'], '*17\r\n$9\r\n-Infinity\r\n$0\r\n\r\n$2\r\n-0\r\n$6\r\n0e-400\r\n$9\r\n0x1P-1074\r\n$23\r\n2.2250738585072014e-308\r\n$6\r\n0x1p-2\r\n$3\r\n+.5\r\n$4\r\n0X.8\r\n$2\r\n 3\r\n$2\r\n\t5\r\n$2\r\n5.\r\n$3\r\n7\x00x\r\n$4\r\n1e+1\r\n$4\r\n0x10\r\n$3\r\n1E2\r\n$3\r\ninf\r\n');
    await f.expectReply(['SORT', 'n', 'DESC', 'LIMIT', '0', '4'], '*4\r\n$3\r\ninf\r\n$3\r\n1E2\r\n$4\r\n0x10\r\n$4\r\n1e+1\r\n');
    await run(f, 'RPUSH', 'bad', '1', 'w');
    await run(f, 'SET', 'bad_w', '2.2250738585072011e-308');
    await f.expectReply(['SORT', 'bad', 'BY', 'bad_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'SET', 'bad_w', '1e-400');
    await f.expectReply(['SORT', 'bad', 'BY', 'bad_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await f.expectReply(['SORT', 'bad', 'BY', 'bad_*', 'ALPHA'], '*2\r\n$1\r\n1\r\n$1\r\nw\r\n');
    await run(f, 'SET', 'bad_w', '1e309');
    await f.expectReply(['SORT', 'bad', 'BY', 'bad_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'SET', 'bad_w', '0x1p-1075');
    await f.expectReply(['SORT', 'bad', 'BY', 'bad_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'SET', 'bad_w', '3 ');
    await f.expectReply(['SORT', 'bad', 'BY', 'bad_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'SET', 'bad_w', 'nan');
    await f.expectReply(['SORT', 'bad', 'BY', 'bad_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'SET', 'bad_w', ' ');
    await f.expectReply(['SORT', 'bad', 'BY', 'bad_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'SET', 'bad_w', '1e');
    await f.expectReply(['SORT', 'bad', 'BY', 'bad_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'SET', 'bad_w', '0x');
    await f.expectReply(['SORT', 'bad', 'BY', 'bad_*', 'STORE', 'dst'], '-ERR One or more scores can\'t be converted into double\r\n');
    await f.expectReply(['EXISTS', 'dst'], ':0\r\n');
    await f.expectReply(['SORT', 'bad'], '-ERR One or more scores can\'t be converted into double\r\n');
    // Redis tests errno without clearing it first (sort.c), so after an out-of-range weight every numeric SORT fails
    // until some system call fails and overwrites errno: the accept loop's final EAGAIN on a new connection does.
    (await connectBoth(f.servers)).close();
    await f.expectReply(['SORT', 'n', 'LIMIT', '0', '1'], '*1\r\n$9\r\n-Infinity\r\n');
  });

  it('strtod edges: subnormals exact or not, rounding to the largest double or beyond, long exponents and mantissas', async () => {
    // INCRBYFLOAT parses with errno cleared first (util.c string2ld): Redis's errno is then 0 for the next SORT.
    await run(f, 'DEL', 'x');
    await run(f, 'RPUSH', 'x', 'w');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '4.9406564584124654e-324');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '0x1.0000000000001p-1022');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '*1\r\n$1\r\nw\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '0x1.fffffffffffffp1023');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '*1\r\n$1\r\nw\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '0x1.fffffffffffff8p1023');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '1.7976931348623158e308');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '*1\r\n$1\r\nw\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '1.7976931348623159e308');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '0x.00000000000000000000001p-900');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '*1\r\n$1\r\nw\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '-0x10');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '*1\r\n$1\r\nw\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '+inf');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '*1\r\n$1\r\nw\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '-infinity');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '*1\r\n$1\r\nw\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', 'INFINITYx');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '1e-4294967297');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '0e99999999999');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '*1\r\n$1\r\nw\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '1e+00000000000000000000000001');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '*1\r\n$1\r\nw\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '0000000000000000000000000000001');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '*1\r\n$1\r\nw\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '0x1.8p-1073');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '*1\r\n$1\r\nw\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '0x3p-1076');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '1.5e-323');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '0x1p-1074');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '*1\r\n$1\r\nw\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '-2.4703282292062328e-324');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
    await run(f, 'SET', 'x_w', '2.4703282292062328e-324');
    await f.expectReply(['SORT', 'x', 'BY', 'x_*'], '-ERR One or more scores can\'t be converted into double\r\n');
    await run(f, 'INCRBYFLOAT', 'errno', '0');
  });

  it('ALPHA byte order (C strings without STORE, binary with it), errors, SORT_RO, STORE over any type, GETKEYS', async () => {
    await run(f, 'DEL', 'al', 'dst', 'str', 'hh');
    await run(f, 'RPUSH', 'al', L('\xff'), L('\xc3\xa9'), 'z', L('\x80'), 'a\x00c', 'a\x00b', 'a', 'ab');
    await f.expectReply(['SORT', 'al', 'ALPHA'], '*8\r\n$3\r\na\x00c\r\n$3\r\na\x00b\r\n$1\r\na\r\n$2\r\nab\r\n$1\r\nz\r\n$1\r\n\x80\r\n$2\r\n\xc3\xa9\r\n$1\r\n\xff\r\n');
    await f.expectReply(['SORT', 'al', 'ALPHA', 'DESC'], '*8\r\n$1\r\n\xff\r\n$2\r\n\xc3\xa9\r\n$1\r\n\x80\r\n$1\r\nz\r\n$2\r\nab\r\n$3\r\na\x00c\r\n$3\r\na\x00b\r\n$1\r\na\r\n');
    await f.expectReply(['SORT', 'al', 'ALPHA', 'STORE', 'dst'], ':8\r\n');
    await f.expectReply(['LRANGE', 'dst', '0', '-1'], '*8\r\n$1\r\na\r\n$3\r\na\x00b\r\n$3\r\na\x00c\r\n$2\r\nab\r\n$1\r\nz\r\n$1\r\n\x80\r\n$2\r\n\xc3\xa9\r\n$1\r\n\xff\r\n');
    await f.expectReply(['SORT', 'al', 'ALPHA', 'DESC', 'STORE', 'dst'], ':8\r\n');
    await f.expectReply(['LRANGE', 'dst', '0', '-1'], '*8\r\n$1\r\n\xff\r\n$2\r\n\xc3\xa9\r\n$1\r\n\x80\r\n$1\r\nz\r\n$2\r\nab\r\n$3\r\na\x00c\r\n$3\r\na\x00b\r\n$1\r\na\r\n');
    await f.expectReply(['SORT', 'al', 'GET', '#\x00z', 'BY', 'x\x00*', 'LIMIT', '0', '2'], '*2\r\n$1\r\n\xff\r\n$2\r\n\xc3\xa9\r\n');
    await run(f, 'SET', 'str', 'v');
    await run(f, 'HSET', 'hh', 'f', 'v');
    await run(f, 'EXPIRE', 'hh', '1000');
    await f.expectReply(['SORT', 'str'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['SORT', 'str', 'STORE', 'dst'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['SORT', 'str', 'FOO'], '-ERR syntax error\r\n');
    await f.expectReply(['SORT', 'l', 'FOO'], '-ERR syntax error\r\n');
    await f.expectReply(['SORT', 'l', 'BY'], '-ERR syntax error\r\n');
    await f.expectReply(['SORT', 'l', 'GET'], '-ERR syntax error\r\n');
    await f.expectReply(['SORT', 'l', 'STORE'], '-ERR syntax error\r\n');
    await f.expectReply(['SORT_RO', 'l', 'STORE', 'dst'], '-ERR syntax error\r\n');
    await f.expectReply(['SORT_RO', 'str', 'LIMIT', '0', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await f.expectReply(['SORT_RO', 'l', 'BY', 'w_*', 'GET', '#', 'GET', 'o_*', 'LIMIT', '0', '2', 'ALPHA'], '*4\r\n$2\r\n-5\r\n$-1\r\n$3\r\n1.5\r\n$-1\r\n');
    await f.expectReply(['SORT', 'l', 'STORE', 'hh'], ':7\r\n');
    await f.expectReply(['TYPE', 'hh'], '+list\r\n');
    await f.expectReply(['TTL', 'hh'], ':-1\r\n');
    await f.expectReply(['LRANGE', 'hh', '0', '-1'], '*7\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n3\r\n$2\r\n10\r\n');
    await f.expectReply(['SORT', 'l', 'GET', 'o_*', 'STORE', 'hh'], ':7\r\n');
    await f.expectReply(['LRANGE', 'hh', '0', '-1'], '*7\r\n$0\r\n\r\n$1\r\nx\r\n$0\r\n\r\n$0\r\n\r\n$1\r\ny\r\n$1\r\ny\r\n$0\r\n\r\n');
    await f.expectReply(['SORT', 'nokey', 'STORE', 'hh'], ':0\r\n');
    await f.expectReply(['EXISTS', 'hh'], ':0\r\n');
    await f.expectReply(['SORT', 'l', 'LIMIT', '0', '0', 'STORE', 'str'], ':0\r\n');
    await f.expectReply(['EXISTS', 'str'], ':0\r\n');
    await f.expectReply(['SORT', 'l', 'STORE', 'a1', 'STORE', 'a2', 'LIMIT', '0', '1'], ':1\r\n');
    await f.expectReply(['EXISTS', 'a1', 'a2'], ':1\r\n');
    await f.expectReply(['SORT', 'l', 'STORE', 'l', 'DESC'], ':7\r\n');
    await f.expectReply(['LRANGE', 'l', '0', '-1'], '*7\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'sort', 'a', 'limit', '1', '2', 'store', 'b', 'get', 'c', 'by', 'd', 'store', 'e'], '*2\r\n$1\r\na\r\n$1\r\ne\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'sort', 'a', 'store'], '*1\r\n$1\r\na\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'sort', 'a', 'get', 'store', 'x'], '*1\r\n$1\r\na\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'sort_ro', 'a', 'store', 'b'], '*1\r\n$1\r\na\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'sort'], '-ERR wrong number of arguments for \'command|getkeys\' command\r\n');
  });

  it('sets: an intset in ascending order with nosort, a set sorted ALPHA when nosort is stored', async () => {
    await run(f, 'DEL', 'si', 'ws', 'dst');
    await run(f, 'SADD', 'si', '5', '3', '9', '1', '-2');
    await run(f, 'SADD', 'ws', 'b', 'a', 'c', '10', '2');
    await f.expectReply(['SORT', 'si'], '*5\r\n$2\r\n-2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n');
    await f.expectReply(['SORT', 'si', 'BY', 'nosort'], '*5\r\n$2\r\n-2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n');
    await f.expectReply(['SORT', 'si', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'], '*2\r\n$1\r\n1\r\n$1\r\n3\r\n');
    await f.expectReply(['SORT', 'si', 'ALPHA', 'DESC'], '*5\r\n$1\r\n9\r\n$1\r\n5\r\n$1\r\n3\r\n$1\r\n1\r\n$2\r\n-2\r\n');
    await f.expectReply(['SORT', 'ws', 'ALPHA'], '*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n');
    await f.expectReply(['SORT', 'ws', 'ALPHA', 'DESC', 'LIMIT', '1', '2', 'GET', '#', 'GET', 'o_*'], '*4\r\n$1\r\nb\r\n$-1\r\n$1\r\na\r\n$-1\r\n');
    await f.expectReply(['SORT', 'ws'], '-ERR One or more scores can\'t be converted into double\r\n');
    await f.expectReply(['SORT', 'ws', 'BY', 'nosort', 'STORE', 'dst'], ':5\r\n');
    await f.expectReply(['LRANGE', 'dst', '0', '-1'], '*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n');
    await f.expectReply(['SORT', 'ws', 'BY', 'nosort', 'STORE', 'dst', 'DESC', 'LIMIT', '1', '3'], ':3\r\n');
    await f.expectReply(['LRANGE', 'dst', '0', '-1'], '*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\n2\r\n');
    await f.expectReply(['SORT', 'ws', 'BY', 'w_*', 'LIMIT', '0', '3', 'GET', '#'], '-ERR One or more scores can\'t be converted into double\r\n');
  });

  it('RESP3: a missing GET is a null', async () => {
    const c3 = await connectBoth(f.servers, 3);
    try {
      await run(f, 'DEL', 'l', 'r3');
      await run(f, 'RPUSH', 'r3', '1', '2', '3');
      await run(f, 'SET', 'g_2', 'two');
      await f.expectReply(['SORT', 'r3', 'GET', 'g_*', 'GET', '#'], '*6\r\n_\r\n$1\r\n1\r\n$3\r\ntwo\r\n$1\r\n2\r\n_\r\n$1\r\n3\r\n', c3);
      await f.expectReply(['SORT', 'r3', 'GET', 'g_*', 'BY', 'nosort', 'DESC'], '*3\r\n_\r\n$3\r\ntwo\r\n_\r\n', c3);
      await f.expectReply(['SORT', 'nokey'], '*0\r\n', c3);
      await f.expectReply(['SORT', 'r3', 'LIMIT', '5', '1'], '*0\r\n', c3);
      await f.expectReply(['SORT', 'r3', 'BY', 'g_*'], '-ERR One or more scores can\'t be converted into double\r\n', c3);
    } finally {
      c3.close();
    }
    await f.expectReply(['SORT', 'r3', 'GET', 'g_*', 'GET', '#'], '*6\r\n$-1\r\n$1\r\n1\r\n$3\r\ntwo\r\n$1\r\n2\r\n$-1\r\n$1\r\n3\r\n');
    await f.expectReply(['SORT', 'r3', 'GET', 'g_*', 'BY', 'nosort', 'DESC'], '*3\r\n$-1\r\n$3\r\ntwo\r\n$-1\r\n');
  });

  it('a long list: numeric order, LIMIT windows, BY nosort DESC, STORE', async () => {
    await run(f, 'DEL', 'big', 'bigd');
    const n = 5000;
    const vals = Array.from({ length: n }, (_, i) => String(((i * 7919) % n) - 2500));
    for (let i = 0; i < n; i += 1000) await run(f, 'RPUSH', 'big', ...vals.slice(i, i + 1000));
    const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
    const arr = (xs: string[]): string => `*${xs.length}\r\n${xs.map(bulk).join('')}`;
    const sorted = vals.slice().sort((x, y) => Number(x) - Number(y));
    await f.expectReply(['SORT', 'big', 'LIMIT', '0', '10'], arr(sorted.slice(0, 10)));
    await f.expectReply(['SORT', 'big', 'DESC', 'LIMIT', '4990', '100'], arr(sorted.slice().reverse().slice(4990)));
    await f.expectReply(['SORT', 'big', 'BY', 'nosort', 'DESC', 'LIMIT', '2', '3'], arr(vals.slice().reverse().slice(2, 5)));
    await f.expectReply(['SORT', 'big', 'STORE', 'bigd'], `:${n}\r\n`);
    await f.expectReply(['LRANGE', 'bigd', '2000', '2004'], arr(sorted.slice(2000, 2005)));
    const all = await f.both('SORT', 'big', 'ALPHA');
    expect(all.tierkv).toBe(arr(vals.slice().sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))));
  });

  it('keyspace events: new and sortstore, del of an emptied destination, nothing for SORT without STORE', async () => {
    const sub = await connectBoth(f.servers);
    const cmd = await connectBoth(f.servers);
    try {
      await f.expectReply(['CONFIG', 'SET', 'notify-keyspace-events', 'KEAn'], '+OK\r\n', cmd);
      await run(f, 'DEL', 'ev', 'evd', 'evs');
      await run(f, 'RPUSH', 'ev', '2', '1');
      await run(f, 'SET', 'evs', 'x');
      await f.expectReply(['PSUBSCRIBE', '*'], '*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n', sub);
      const steps = [['SORT', 'ev'], ['SORT', 'ev', 'STORE', 'evd'], ['SORT', 'ev', 'STORE', 'evd'], ['SORT', 'nokey', 'STORE', 'evd'],
        ['SORT', 'nokey', 'STORE', 'evd'], ['SORT', 'ev', 'LIMIT', '0', '1', 'STORE', 'evs'], ['SORT_RO', 'ev', 'BY', 'w_*']];
      const expected = await eventsOf(sub.tierkv, cmd.tierkv, steps);
      expect(expected).toEqual([
        '__keyspace@0__:evd new', '__keyevent@0__:new evd', '__keyspace@0__:evd sortstore', '__keyevent@0__:sortstore evd',
        '__keyspace@0__:evd sortstore', '__keyevent@0__:sortstore evd', '__keyspace@0__:evd del', '__keyevent@0__:del evd',
        '__keyspace@0__:evs sortstore', '__keyevent@0__:sortstore evs',
      ]);
      if (sub.redis !== null && cmd.redis !== null) expect(await eventsOf(sub.redis, cmd.redis, steps)).toEqual(expected);
    } finally {
      await run(f, 'CONFIG', 'SET', 'notify-keyspace-events', '');
      sub.close();
      cmd.close();
    }
  });

  it('WATCH: a STORE touches its destination (also when it deletes it), SORT without STORE touches nothing', async () => {
    await run(f, 'DEL', 'wsrc', 'wd');
    await run(f, 'RPUSH', 'wsrc', '3', '1');
    const cases: [string[], boolean][] = [
      [['SORT', 'wsrc'], false], [['SORT', 'wsrc', 'STORE', 'wd'], true], [['SORT', 'wsrc', 'STORE', 'wd'], true],
      [['SORT', 'nokey', 'STORE', 'wd'], true], [['SORT', 'nokey', 'STORE', 'wd'], false], [['SORT_RO', 'wsrc', 'ALPHA'], false],
    ];
    for (const [cmd, dirty] of cases) {
      await f.expectReply(['WATCH', 'wd'], '+OK\r\n');
      await f.both(...cmd);
      await f.expectReply(['MULTI'], '+OK\r\n');
      await f.expectReply(['PING'], '+QUEUED\r\n');
      await f.expectReply(['EXEC'], dirty ? '*-1\r\n' : '*1\r\n+PONG\r\n');
    }
  });
});
