/**
 * Hash commands answer as redis-server 7.0.15 (expected bytes captured from it; checked against it too when it is
 * installed): every command with its argument errors and their order, WRONGTYPE both ways, RESP2 and RESP3 reply
 * shapes (HGETALL a map, HRANDFIELD WITHVALUES pairs), HINCRBYFLOAT's formatting, listpack → hashtable conversion
 * (OBJECT ENCODING, CONFIG SET of the thresholds), a 1 MiB value, empty-hash deletion, generic commands on a hash,
 * HSCAN over a 2000-field hash, keyspace events, and the ioredis / node-redis round trips. The differential fuzzer
 * (test/fuzz/gen-hashes.ts) covers random sequences; these pin the cases by name.
 */
import { expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { connectBoth, describeCompat } from '../support/compat.js';
import { decodeReply, type RawClient } from '../support/raw-client.js';

/** Binary argument: each char one byte. */
const L = (s: string): Buffer => Buffer.from(s, 'latin1');
/** RESP2 bulk string. */
const bulk = (s: string): string => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
/** RESP2 array of bulk strings. */
const arr = (...items: string[]): string => `*${items.length}\r\n${items.map(bulk).join('')}`;
/** The keys of a full SCAN iteration with `opts`, sorted. */
async function scanAll(c: RawClient, ...opts: string[]): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, items] = decodeReply(await c.command('SCAN', cursor, ...opts)) as [string, string[]];
    cursor = String(next);
    keys.push(...items.map(String));
  } while (cursor !== '0');
  return keys.sort();
}
const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

describeCompat('hashes', {}, (f) => {
  it('HSET/HMSET/HSETNX/HGET/HMGET/HLEN/HSTRLEN/HEXISTS/HKEYS/HVALS/HGETALL on a listpack hash, in insertion order', async () => {
    await f.expectReply(['DEL', 'h'], ':0\r\n');
    await f.expectReply(['HSET', 'h', 'a', '1', 'b', '22', 'a', '3'], ':2\r\n'); // a set twice: 2 new fields
    await f.expectReply(['HSET', 'h', 'c', '', 'b', '2'], ':1\r\n');
    await f.expectReply(['HMSET', 'h', 'd', L('\x00\xff')], '+OK\r\n');
    await f.expectReply(['HSETNX', 'h', 'a', 'x'], ':0\r\n');
    await f.expectReply(['HSETNX', 'h', 'e', 'x'], ':1\r\n');
    await f.expectReply(['HGET', 'h', 'a'], bulk('3'));
    await f.expectReply(['HGET', 'h', 'c'], bulk(''));
    await f.expectReply(['HGET', 'h', 'nope'], '$-1\r\n');
    await f.expectReply(['HGET', 'nokey', 'a'], '$-1\r\n');
    await f.expectReply(['HMGET', 'h', 'a', 'nope', 'd'], '*3\r\n$1\r\n3\r\n$-1\r\n$2\r\n\x00\xff\r\n');
    await f.expectReply(['HMGET', 'nokey', 'a', 'b'], '*2\r\n$-1\r\n$-1\r\n');
    await f.expectReply(['HLEN', 'h'], ':5\r\n');
    await f.expectReply(['HLEN', 'nokey'], ':0\r\n');
    await f.expectReply(['HSTRLEN', 'h', 'd'], ':2\r\n');
    await f.expectReply(['HSTRLEN', 'h', 'nope'], ':0\r\n');
    await f.expectReply(['HSTRLEN', 'nokey', 'a'], ':0\r\n');
    await f.expectReply(['HEXISTS', 'h', 'c'], ':1\r\n');
    await f.expectReply(['HEXISTS', 'h', 'nope'], ':0\r\n');
    await f.expectReply(['HEXISTS', 'nokey', 'a'], ':0\r\n');
    await f.expectReply(['HKEYS', 'h'], arr('a', 'b', 'c', 'd', 'e'));
    await f.expectReply(['HVALS', 'h'], arr('3', '2', '', '\x00\xff', 'x'));
    await f.expectReply(['HGETALL', 'h'], arr('a', '3', 'b', '2', 'c', '', 'd', '\x00\xff', 'e', 'x'));
    await f.expectReply(['HKEYS', 'nokey'], '*0\r\n');
    await f.expectReply(['HVALS', 'nokey'], '*0\r\n');
    await f.expectReply(['HGETALL', 'nokey'], '*0\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'h'], bulk('listpack'));
  });

  it('checks arity (HSET/HMSET pairs after the table arity), and binary fields and values', async () => {
    await f.expectReply(['HSET', 'h2', 'a'], "-ERR wrong number of arguments for 'hset' command\r\n");
    await f.expectReply(['HSET', 'h2', 'a', '1', 'b'], "-ERR wrong number of arguments for 'hset' command\r\n");
    await f.expectReply(['HMSET', 'h2', 'a', '1', 'b'], "-ERR wrong number of arguments for 'hmset' command\r\n");
    await f.expectReply(['HGET', 'h2'], "-ERR wrong number of arguments for 'hget' command\r\n");
    await f.expectReply(['HDEL', 'h2'], "-ERR wrong number of arguments for 'hdel' command\r\n");
    await f.expectReply(['HSETNX', 'h2', 'a'], "-ERR wrong number of arguments for 'hsetnx' command\r\n");
    await f.expectReply(['HSCAN', 'h2'], "-ERR wrong number of arguments for 'hscan' command\r\n");
    await f.expectReply(['EXISTS', 'h2'], ':0\r\n');
    await f.expectReply(['HSET', 'h2', L('\x00\r\n'), L('\xff\x00')], ':1\r\n');
    await f.expectReply(['HGET', 'h2', L('\x00\r\n')], '$2\r\n\xff\x00\r\n');
    await f.expectReply(['HSET', 'h2', '', ''], ':1\r\n');
    await f.expectReply(['HGETALL', 'h2'], '*4\r\n$3\r\n\x00\r\n\r\n$2\r\n\xff\x00\r\n$0\r\n\r\n$0\r\n\r\n');
  });

  it('HDEL counts the fields removed and deletes the hash with its last field', async () => {
    await f.expectReply(['HSET', 'd', 'a', '1', 'b', '2', 'c', '3'], ':3\r\n');
    await f.expectReply(['HDEL', 'd', 'a', 'a', 'nope'], ':1\r\n');
    await f.expectReply(['HDEL', 'nokey', 'a'], ':0\r\n');
    await f.expectReply(['HDEL', 'd', 'b', 'c', 'b'], ':2\r\n');
    await f.expectReply(['EXISTS', 'd'], ':0\r\n');
    await f.expectReply(['HLEN', 'd'], ':0\r\n');
    // The same with the hashtable encoding.
    await f.expectReply(['HSET', 'd', 'a', '1', 'long', 'x'.repeat(100)], ':2\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'd'], bulk('hashtable'));
    await f.expectReply(['HDEL', 'd', 'long'], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'd'], bulk('hashtable')); // never converted back
    await f.expectReply(['HDEL', 'd', 'a', 'zz'], ':1\r\n');
    await f.expectReply(['EXISTS', 'd'], ':0\r\n');
  });

  it('answers WRONGTYPE both ways and never changes the other type', async () => {
    await f.expectReply(['SET', 's', 'v'], '+OK\r\n');
    for (const cmd of [
      ['HSET', 's', 'a', '1'], ['HMSET', 's', 'a', '1'], ['HSETNX', 's', 'a', '1'], ['HGET', 's', 'a'], ['HMGET', 's', 'a'],
      ['HDEL', 's', 'a'], ['HLEN', 's'], ['HSTRLEN', 's', 'a'], ['HEXISTS', 's', 'a'], ['HKEYS', 's'], ['HVALS', 's'],
      ['HGETALL', 's'], ['HINCRBY', 's', 'a', '1'], ['HINCRBYFLOAT', 's', 'a', '1'], ['HRANDFIELD', 's'],
      ['HRANDFIELD', 's', '0'], ['HRANDFIELD', 's', '-3', 'WITHVALUES'], ['HSCAN', 's', '0'],
    ]) {
      await f.expectReply(cmd, WRONGTYPE);
    }
    await f.expectReply(['GET', 's'], bulk('v'));
    // Argument errors found before the lookup win over WRONGTYPE; those found after lose to it.
    await f.expectReply(['HINCRBY', 's', 'a', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['HINCRBYFLOAT', 's', 'a', 'x'], '-ERR value is not a valid float\r\n');
    await f.expectReply(['HRANDFIELD', 's', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['HSCAN', 's', 'x'], '-ERR invalid cursor\r\n');
    await f.expectReply(['HSCAN', 's', '0', 'COUNT', '0'], WRONGTYPE);
    await f.expectReply(['HSET', 'hh', 'a', '1'], ':1\r\n');
    for (const cmd of [
      ['GET', 'hh'], ['STRLEN', 'hh'], ['APPEND', 'hh', 'x'], ['INCR', 'hh'], ['DECRBY', 'hh', '2'], ['INCRBYFLOAT', 'hh', '1'],
      ['GETRANGE', 'hh', '0', '-1'], ['SETRANGE', 'hh', '0', ''], ['GETDEL', 'hh'], ['GETEX', 'hh', 'PERSIST'], ['SET', 'hh', 'x', 'GET'],
      ['GETSET', 'hh', 'x'],
    ]) {
      await f.expectReply(cmd, WRONGTYPE);
    }
    await f.expectReply(['MGET', 'hh', 's'], `*2\r\n$-1\r\n${bulk('v')}`); // another type reads as nil
    for (const cmd of [
      ['SETBIT', 'hh', '1', '1'], ['GETBIT', 'hh', '1'], ['BITCOUNT', 'hh', '0', '1'], ['BITPOS', 'hh', '1'], ['BITOP', 'OR', 'dst', 's', 'hh'],
      ['BITFIELD', 'hh', 'SET', 'u8', '0', '1'], ['BITFIELD_RO', 'hh', 'GET', 'u8', '0'],
    ]) {
      await f.expectReply(cmd, WRONGTYPE);
    }
    await f.expectReply(['SETBIT', 'hh', 'x', '1'], '-ERR bit offset is not an integer or out of range\r\n'); // before the lookup
    await f.expectReply(['LCS', 's', 'hh'], '-ERR The specified keys must contain string values\r\n');
    await f.expectReply(['EXISTS', 'dst'], ':0\r\n');
    await f.expectReply(['HGETALL', 'hh'], arr('a', '1'));
    await f.expectReply(['SET', 'hh', 'now a string'], '+OK\r\n'); // SET replaces any type
    await f.expectReply(['GET', 'hh'], bulk('now a string'));
    await f.expectReply(['HGET', 'hh', 'a'], WRONGTYPE);
  });

  it('HINCRBY: the increment is checked first, then the key, then the value; overflow; the TTL stays', async () => {
    await f.expectReply(['HINCRBY', 'n', 'f', '5'], ':5\r\n');
    await f.expectReply(['HINCRBY', 'n', 'f', '-10'], ':-5\r\n');
    await f.expectReply(['HINCRBY', 'n', 'f', '1.5'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['HINCRBY', 'n', 'f', '9223372036854775808'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['HSET', 'n', 'big', '9223372036854775800', 's', 'abc', 'sp', ' 1', 'z', '007'], ':4\r\n');
    await f.expectReply(['HINCRBY', 'n', 'big', '7'], ':9223372036854775807\r\n');
    await f.expectReply(['HINCRBY', 'n', 'big', '1'], '-ERR increment or decrement would overflow\r\n');
    await f.expectReply(['HINCRBY', 'n', 'big', '-9223372036854775808'], ':-1\r\n');
    await f.expectReply(['HSET', 'n', 'min', '-9223372036854775808'], ':1\r\n');
    await f.expectReply(['HINCRBY', 'n', 'min', '-1'], '-ERR increment or decrement would overflow\r\n');
    for (const fld of ['s', 'sp', 'z']) await f.expectReply(['HINCRBY', 'n', fld, '1'], '-ERR hash value is not an integer\r\n');
    await f.expectReply(['EXPIRE', 'n', '1000'], ':1\r\n');
    await f.expectReply(['HINCRBY', 'n', 'f', '1'], ':-4\r\n');
    await f.expectReply(['TTL', 'n'], ':1000\r\n');
  });

  it('HINCRBYFLOAT: long double arithmetic printed as Redis does, NaN/Infinity refused', async () => {
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'x', '10.5'], bulk('10.5'));
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'x', '0.1'], bulk('10.6'));
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'x', '-5.0e3'], bulk('-4989.39999999999999991'));
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'y', '3'], bulk('3'));
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'y', '0x10'], bulk('19'));
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'z', '123456789.123456789'], bulk('123456789.12345678899873747'));
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'x', 'abc'], '-ERR value is not a valid float\r\n');
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'x', ''], '-ERR value is not a valid float\r\n');
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'x', 'inf'], '-ERR value is NaN or Infinity\r\n');
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'x', '-inf'], '-ERR value is NaN or Infinity\r\n');
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'x', 'nan'], '-ERR value is not a valid float\r\n');
    await f.expectReply(['HSET', 'fl', 'i', 'inf', 's', 'x1'], ':2\r\n');
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'i', '1'], '-ERR increment would produce NaN or Infinity\r\n');
    await f.expectReply(['HINCRBYFLOAT', 'fl', 's', '1'], '-ERR hash value is not a float\r\n');
    await f.expectReply(['HINCRBYFLOAT', 'fl', 'e', '1e300'], bulk('1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144'));
    // A 300-digit value is longer than hash-max-listpack-value: the hash converts, as Redis's hashTypeSet does.
    await f.expectReply(['OBJECT', 'ENCODING', 'fl'], bulk('hashtable'));
    await f.expectReply(['HSTRLEN', 'fl', 'e'], ':301\r\n');
  });

  it('HRANDFIELD: count parsing order, distinct and repeated picks, WITHVALUES, the whole hash when count >= size', async () => {
    await f.expectReply(['HSET', 'r', 'a', '1', 'b', '2', 'c', '3'], ':3\r\n');
    await f.expectReply(['HRANDFIELD', 'nokey'], '$-1\r\n');
    await f.expectReply(['HRANDFIELD', 'nokey', '3'], '*0\r\n');
    await f.expectReply(['HRANDFIELD', 'nokey', '-3', 'WITHVALUES'], '*0\r\n');
    await f.expectReply(['HRANDFIELD', 'r', '0'], '*0\r\n');
    await f.expectReply(['HRANDFIELD', 'r', '3', 'WITHVALUES'], arr('a', '1', 'b', '2', 'c', '3'));
    await f.expectReply(['HRANDFIELD', 'r', '100'], arr('a', 'b', 'c'));
    await f.expectReply(['HRANDFIELD', 'r', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['HRANDFIELD', 'r', '-9223372036854775808'], '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n');
    await f.expectReply(['HRANDFIELD', 'r', '1', 'WITHVALUE'], '-ERR syntax error\r\n');
    await f.expectReply(['HRANDFIELD', 'r', '1', 'WITHVALUES', 'x'], '-ERR syntax error\r\n');
    await f.expectReply(['HRANDFIELD', 'nokey', 'x', 'WITHVALUES'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['HRANDFIELD', 'nokey', '4611686018427387904', 'WITHVALUES'], '-ERR value is out of range\r\n');
    await f.expectReply(['HRANDFIELD', 'nokey', '-4611686018427387904', 'WITHVALUES'], '-ERR value is out of range\r\n');
    await f.expectReply(['HRANDFIELD', 'nokey', '4611686018427387903', 'WITHVALUES'], '*0\r\n');
    await f.expectReply(['HRANDFIELD', 'r', '9223372036854775807'], arr('a', 'b', 'c'));
    for (const c of [f.c]) {
      const one = decodeReply(await c.tierkv.command('HRANDFIELD', 'r')) as Buffer;
      expect(['a', 'b', 'c']).toContain(String(one));
      // Negative: exactly |count| picks, repeats allowed.
      const many = (decodeReply(await c.tierkv.command('HRANDFIELD', 'r', '-20')) as Buffer[]).map(String);
      expect(many).toHaveLength(20);
      expect(many.every((x) => ['a', 'b', 'c'].includes(x))).toBe(true);
      const pairs = (decodeReply(await c.tierkv.command('HRANDFIELD', 'r', '-5', 'WITHVALUES')) as Buffer[]).map(String);
      expect(pairs).toHaveLength(10);
      for (let i = 0; i < 10; i += 2) expect(String(pairs[i]!.charCodeAt(0) - 96)).toBe(pairs[i + 1]);
      // Positive below the size: distinct.
      const two = (decodeReply(await c.tierkv.command('HRANDFIELD', 'r', '2')) as Buffer[]).map(String);
      expect(new Set(two).size).toBe(2);
    }
    // Distinct picks from a hashtable of 1000 fields, in both count regimes (count * 2 above and below the size).
    const args: string[] = [];
    for (let i = 0; i < 1000; i++) args.push(`f${i}`, `v${i}`);
    await f.expectReply(['HSET', 'rb', ...args], ':1000\r\n');
    for (const n of [10, 600, 999]) {
      const got = (decodeReply(await f.c.tierkv.command('HRANDFIELD', 'rb', String(n), 'WITHVALUES')) as Buffer[]).map(String);
      expect(got).toHaveLength(2 * n);
      const fields = got.filter((_, i) => i % 2 === 0);
      expect(new Set(fields).size).toBe(n);
      for (let i = 0; i < got.length; i += 2) expect(got[i + 1]).toBe(`v${got[i]!.slice(1)}`);
    }
    const all = (decodeReply(await f.c.tierkv.command('HRANDFIELD', 'rb', '1000')) as Buffer[]).map(String);
    expect(new Set(all).size).toBe(1000);
  });

  it('RESP3: HGETALL is a map (empty map for a missing key), HRANDFIELD WITHVALUES an array of pairs', async () => {
    const c3 = await connectBoth(f.servers, 3);
    try {
      await f.expectReply(['HSET', 'r3', 'a', '1', 'b', '2'], ':2\r\n', c3);
      await f.expectReply(['HGETALL', 'r3'], `%2\r\n${bulk('a')}${bulk('1')}${bulk('b')}${bulk('2')}`, c3);
      await f.expectReply(['HGETALL', 'nokey'], '%0\r\n', c3);
      await f.expectReply(['HKEYS', 'nokey'], '*0\r\n', c3);
      await f.expectReply(['HGET', 'r3', 'zz'], '_\r\n', c3);
      await f.expectReply(['HMGET', 'r3', 'zz', 'a'], `*2\r\n_\r\n${bulk('1')}`, c3);
      await f.expectReply(['HRANDFIELD', 'nokey'], '_\r\n', c3);
      await f.expectReply(['HRANDFIELD', 'r3', '5', 'WITHVALUES'], `*2\r\n*2\r\n${bulk('a')}${bulk('1')}*2\r\n${bulk('b')}${bulk('2')}`, c3);
      await f.expectReply(['HRANDFIELD', 'r3', '2'], arr('a', 'b'), c3);
      await f.expectReply(['HDEL', 'r3', 'b'], ':1\r\n', c3);
      await f.expectReply(['HRANDFIELD', 'r3', '-2', 'WITHVALUES'], `*2\r\n*2\r\n${bulk('a')}${bulk('1')}*2\r\n${bulk('a')}${bulk('1')}`, c3);
      await f.expectReply(['HRANDFIELD', 'r3', '1', 'WITHVALUES'], `*1\r\n*2\r\n${bulk('a')}${bulk('1')}`, c3);
      await f.expectReply(['HSCAN', 'r3', '0'], `*2\r\n${bulk('0')}${arr('a', '1')}`, c3);
      await f.expectReply(['HINCRBYFLOAT', 'r3', 'a', '1.5'], bulk('2.5'), c3);
      await f.expectReply(['HGET', 's', 'a'], WRONGTYPE, c3);
    } finally {
      c3.close();
    }
  });

  it('converts listpack → hashtable at hash-max-listpack-entries/value (CONFIG SET), keeping fields and TTL', async () => {
    await f.expectReply(['CONFIG', 'SET', 'hash-max-listpack-entries', '4', 'hash-max-listpack-value', '8'], '+OK\r\n');
    try {
      await f.expectReply(['HSET', 'e', 'a', '1', 'b', '2', 'c', '3', 'd', '4'], ':4\r\n');
      await f.expectReply(['EXPIRE', 'e', '500'], ':1\r\n');
      await f.expectReply(['OBJECT', 'ENCODING', 'e'], bulk('listpack'));
      await f.expectReply(['HSET', 'e', 'd', '44'], ':0\r\n'); // an update does not count
      await f.expectReply(['OBJECT', 'ENCODING', 'e'], bulk('listpack'));
      await f.expectReply(['HSET', 'e', 'e', '5'], ':1\r\n'); // the 5th field
      await f.expectReply(['OBJECT', 'ENCODING', 'e'], bulk('hashtable'));
      await f.expectReply(['TTL', 'e'], ':500\r\n');
      await f.expectReply(['HLEN', 'e'], ':5\r\n');
      await f.expectReply(['HMGET', 'e', 'a', 'b', 'c', 'd', 'e'], arr('1', '2', '3', '44', '5'));
      await f.expectReply(['HSET', 'v', 'a', '12345678'], ':1\r\n');
      await f.expectReply(['OBJECT', 'ENCODING', 'v'], bulk('listpack'));
      await f.expectReply(['HSET', 'v', 'a', '123456789'], ':0\r\n'); // a 9-byte value
      await f.expectReply(['OBJECT', 'ENCODING', 'v'], bulk('hashtable'));
      await f.expectReply(['HSETNX', 'w', '123456789', 'x'], ':1\r\n'); // a 9-byte field
      await f.expectReply(['OBJECT', 'ENCODING', 'w'], bulk('hashtable'));
      await f.expectReply(['HINCRBY', 'x', '123456789', '1'], ':1\r\n'); // HINCRBY converts too (hashTypeSet)
      await f.expectReply(['OBJECT', 'ENCODING', 'x'], bulk('hashtable'));
      await f.expectReply(['HINCRBYFLOAT', 'y', 'f', '0.0001'], bulk('0.0001'));
      await f.expectReply(['OBJECT', 'ENCODING', 'y'], bulk('listpack'));
      await f.expectReply(['HINCRBYFLOAT', 'y', 'f', '1000000'], bulk('1000000.0000999999999749')); // 24 bytes > 8
      await f.expectReply(['OBJECT', 'ENCODING', 'y'], bulk('hashtable'));
    } finally {
      await f.expectReply(['CONFIG', 'SET', 'hash-max-listpack-entries', '512', 'hash-max-listpack-value', '64'], '+OK\r\n');
    }
    await f.expectReply(['HSET', 'z', 'k', 'x'.repeat(64)], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'z'], bulk('listpack'));
    await f.expectReply(['HSET', 'z', 'k', 'x'.repeat(65)], ':0\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'z'], bulk('hashtable'));
    const args: string[] = [];
    for (let i = 0; i < 512; i++) args.push(`f${i}`, `${i}`);
    await f.expectReply(['HSET', 'many', ...args], ':512\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'many'], bulk('listpack'));
    await f.expectReply(['HSET', 'many', 'f512', 'x'], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'many'], bulk('hashtable'));
    await f.expectReply(['HGET', 'many', 'f511'], bulk('511'));
    await f.expectReply(['HLEN', 'many'], ':513\r\n');
  });

  it('holds a 1 MiB value (and many large ones) in a hash', async () => {
    const big = Buffer.alloc(1024 * 1024, 'q');
    big[0] = 0;
    big[big.length - 1] = 0xff;
    await f.expectReply(['HSET', 'bigh', 'small', '1', 'big', big], ':2\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'bigh'], bulk('hashtable'));
    await f.expectReply(['HSTRLEN', 'bigh', 'big'], `:${big.length}\r\n`);
    // MEMORY USAGE counts the element chunks of a hashtable hash (tierkv's own figure).
    expect(decodeReply(await f.c.tierkv.command('MEMORY', 'USAGE', 'bigh')) as number).toBeGreaterThan(big.length);
    const r = await f.both('HGET', 'bigh', 'big');
    expect(r.tierkv === `$${big.length}\r\n${big.toString('latin1')}\r\n`).toBe(true);
    if (r.redis !== null) expect(r.redis === r.tierkv).toBe(true);
    // Replace it by a smaller then a larger value; read back through HGETALL.
    await f.expectReply(['HSET', 'bigh', 'big', 'tiny'], ':0\r\n');
    await f.expectReply(['HGET', 'bigh', 'big'], bulk('tiny'));
    const big2 = Buffer.alloc(600 * 1024, 'z');
    await f.expectReply(['HSET', 'bigh', 'big', big2, 'big3', big2], ':1\r\n');
    const all = await f.both('HGETALL', 'bigh');
    const m = decodeReply(Buffer.from(all.tierkv, 'latin1'), { buffers: true }) as Buffer[];
    expect(m.length).toBe(6);
    expect(Buffer.compare(m[m.map(String).indexOf('big') + 1]!, big2)).toBe(0);
    await f.expectReply(['HDEL', 'bigh', 'big', 'big3', 'small'], ':3\r\n');
    await f.expectReply(['EXISTS', 'bigh'], ':0\r\n');
  });

  it('generic commands on a hash: EXPIRE/TTL/PERSIST/EXISTS/DEL/TYPE/RENAME/OBJECT', async () => {
    await f.expectReply(['HSET', 'g', 'a', '1', 'b', '2'], ':2\r\n');
    await f.expectReply(['EXISTS', 'g'], ':1\r\n');
    await f.expectReply(['EXPIRE', 'g', '100'], ':1\r\n');
    await f.expectReply(['TTL', 'g'], ':100\r\n');
    await f.expectReply(['HSET', 'g', 'c', '3'], ':1\r\n'); // a write keeps the TTL
    await f.expectReply(['TTL', 'g'], ':100\r\n');
    await f.expectReply(['PERSIST', 'g'], ':1\r\n');
    await f.expectReply(['TTL', 'g'], ':-1\r\n');
    await f.expectReply(['OBJECT', 'REFCOUNT', 'g'], ':1\r\n');
    await f.expectReply(['TYPE', 'g'], '+hash\r\n');
    for (const c of [f.c.tierkv, f.c.redis]) {
      if (c === null) continue;
      expect(await scanAll(c, 'TYPE', 'HASH', 'MATCH', 'g*')).toEqual(['g']);
      expect(await scanAll(c, 'TYPE', 'string', 'MATCH', 'g*')).toEqual([]);
    }
    await f.expectReply(['RENAME', 'g', 'g2'], '+OK\r\n');
    await f.expectReply(['HGETALL', 'g2'], arr('a', '1', 'b', '2', 'c', '3'));
    // RENAME of a hashtable hash with a TTL, over a string: the fields, the encoding and the TTL move with it.
    await f.expectReply(['HSET', 'gl', 'a', '1', 'long', 'y'.repeat(70)], ':2\r\n');
    await f.expectReply(['EXPIRE', 'gl', '300'], ':1\r\n');
    await f.expectReply(['SET', 'gs', 'x'], '+OK\r\n');
    await f.expectReply(['RENAME', 'gl', 'gs'], '+OK\r\n');
    await f.expectReply(['TYPE', 'gs'], '+hash\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'gs'], bulk('hashtable'));
    await f.expectReply(['TTL', 'gs'], ':300\r\n');
    await f.expectReply(['HGET', 'gs', 'long'], bulk('y'.repeat(70)));
    await f.expectReply(['RENAMENX', 'gs', 'g2'], ':0\r\n');
    await f.expectReply(['RENAME', 'g2', 'gs'], '+OK\r\n'); // a hash over a hash
    await f.expectReply(['HGETALL', 'gs'], arr('a', '1', 'b', '2', 'c', '3'));
    await f.expectReply(['DEL', 'g', 'g2', 'gs'], ':1\r\n');
    await f.expectReply(['EXISTS', 'g', 'g2', 'gs', 'gl'], ':0\r\n');
    // A hash that expires is gone for the hash commands.
    await f.expectReply(['HSET', 'gx', 'a', '1'], ':1\r\n');
    await f.expectReply(['PEXPIRE', 'gx', '1'], ':1\r\n');
    await new Promise((r) => setTimeout(r, 20));
    await f.expectReply(['HGET', 'gx', 'a'], '$-1\r\n');
    await f.expectReply(['HLEN', 'gx'], ':0\r\n');
    await f.expectReply(['HSET', 'gx', 'b', '2'], ':1\r\n');
    await f.expectReply(['TTL', 'gx'], ':-1\r\n');
  });

  it('HSCAN: a listpack whole with cursor 0, MATCH and COUNT, and a full iteration over 2000 fields', async () => {
    await f.expectReply(['HSET', 'sc', 'a1', '1', 'b1', '2', 'a2', '3'], ':3\r\n');
    await f.expectReply(['HSCAN', 'sc', '0'], `*2\r\n${bulk('0')}${arr('a1', '1', 'b1', '2', 'a2', '3')}`);
    await f.expectReply(['HSCAN', 'sc', '12345', 'COUNT', '1'], `*2\r\n${bulk('0')}${arr('a1', '1', 'b1', '2', 'a2', '3')}`);
    await f.expectReply(['HSCAN', 'sc', '0', 'MATCH', 'a*'], `*2\r\n${bulk('0')}${arr('a1', '1', 'a2', '3')}`);
    await f.expectReply(['HSCAN', 'sc', '0', 'MATCH', 'x*', 'MATCH', '*2'], `*2\r\n${bulk('0')}${arr('a2', '3')}`);
    await f.expectReply(['HSCAN', 'sc', '0', 'MATCH', '*'], `*2\r\n${bulk('0')}${arr('a1', '1', 'b1', '2', 'a2', '3')}`);
    await f.expectReply(['HSCAN', 'nokey', '0', 'COUNT', '0'], `*2\r\n${bulk('0')}*0\r\n`);
    await f.expectReply(['HSCAN', 'sc', '0', 'COUNT', '0'], '-ERR syntax error\r\n');
    await f.expectReply(['HSCAN', 'sc', '0', 'COUNT', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['HSCAN', 'sc', '0', 'TYPE', 'string'], '-ERR syntax error\r\n');
    await f.expectReply(['HSCAN', 'sc', '0', 'MATCH'], '-ERR syntax error\r\n');
    await f.expectReply(['HSCAN', 'sc', '-1'], `*2\r\n${bulk('0')}${arr('a1', '1', 'b1', '2', 'a2', '3')}`);
    await f.expectReply(['HSCAN', 'sc', '18446744073709551616'], '-ERR invalid cursor\r\n');
    await f.expectReply(['HSCAN', 'sc', '1.5'], '-ERR invalid cursor\r\n');

    const args: string[] = [];
    for (let i = 0; i < 2000; i++) args.push(`field:${i}`, `v${i}`);
    await f.expectReply(['HSET', 'big', ...args], ':2000\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'big'], bulk('hashtable'));
    for (const [count, match] of [['10', null], ['100', null], ['7', 'field:1*'], ['1000', 'field:?']] as const) {
      const seen = new Map<string, number>();
      let cursor = '0';
      let calls = 0;
      do {
        const cmd = ['HSCAN', 'big', cursor, 'COUNT', count, ...(match !== null ? ['MATCH', match] : [])];
        const [next, items] = decodeReply(await f.c.tierkv.command(...cmd)) as [Buffer, Buffer[]];
        cursor = String(next);
        for (let i = 0; i < items.length; i += 2) {
          const fld = String(items[i]);
          expect(String(items[i + 1])).toBe(`v${fld.slice(6)}`);
          seen.set(fld, (seen.get(fld) ?? 0) + 1);
        }
        calls++;
        expect(calls).toBeLessThan(5000);
      } while (cursor !== '0');
      const want = Array.from({ length: 2000 }, (_, i) => `field:${i}`).filter((x) => match === null || (match === 'field:1*' ? x.startsWith('field:1') : x.length === 7));
      expect([...seen.keys()].sort()).toEqual(want.sort());
      if (match === null && count === '10') expect(calls).toBeGreaterThan(50); // COUNT is honoured roughly
    }
    // Fields deleted and added during an iteration: every field present throughout is returned.
    const seen = new Set<string>();
    let cursor = '0';
    let step = 0;
    do {
      const [next, items] = decodeReply(await f.c.tierkv.command('HSCAN', 'big', cursor, 'COUNT', '50')) as [Buffer, Buffer[]];
      cursor = String(next);
      for (let i = 0; i < items.length; i += 2) seen.add(String(items[i]));
      step++;
      if (step === 3) await f.c.tierkv.command('HSET', 'big', ...Array.from({ length: 3000 }, (_, i) => [`new:${i}`, 'x']).flat());
      if (step === 6) await f.c.tierkv.command('HDEL', 'big', ...Array.from({ length: 1000 }, (_, i) => `field:${i}`));
    } while (cursor !== '0');
    for (let i = 1000; i < 2000; i++) expect(seen.has(`field:${i}`), `field:${i}`).toBe(true);
  });

  it('publishes hset, hdel, hincrby, hincrbyfloat and del (last field) keyspace events', async () => {
    const sub = await connectBoth(f.servers);
    const cmd = await connectBoth(f.servers);
    const events = async (c: RawClient, s: RawClient): Promise<string[]> => {
      for (const x of [
        ['HSET', 'ev', 'a', '1', 'b', '2'], ['HMSET', 'ev', 'a', '1'], ['HSETNX', 'ev', 'a', '2'], ['HSETNX', 'ev', 'c', '2'],
        ['HINCRBY', 'ev', 'n', '1'], ['HINCRBYFLOAT', 'ev', 'n', '1.5'], ['HINCRBY', 'ev', 'a', 'x'], ['HDEL', 'ev', 'zz'],
        ['HDEL', 'ev', 'a', 'b'], ['HGET', 'ev', 'c'], ['HDEL', 'ev', 'c', 'n', 'x'], ['HINCRBY', 'new', 'f', '2'],
        ['PUBLISH', 'end', 'x'],
      ]) await c.command(...x);
      const out: string[] = [];
      for (;;) {
        const m = decodeReply(await s.readReply()) as Buffer[];
        if (String(m[2]) === 'end') return out;
        out.push(`${m[2]} ${m[3]}`);
      }
    };
    try {
      for (const c of [cmd.tierkv, cmd.redis]) await c?.command('CONFIG', 'SET', 'notify-keyspace-events', 'KEhg');
      await f.expectReply(['PSUBSCRIBE', '*'], '*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n', sub);
      const ke = (e: string, k: string): string[] => [`__keyspace@0__:${k} ${e}`, `__keyevent@0__:${e} ${k}`];
      const expected = [
        ...ke('hset', 'ev'), ...ke('hset', 'ev'), ...ke('hset', 'ev'), ...ke('hincrby', 'ev'), ...ke('hincrbyfloat', 'ev'),
        ...ke('hdel', 'ev'), ...ke('hdel', 'ev'), ...ke('del', 'ev'), ...ke('hincrby', 'new'),
      ];
      expect(await events(cmd.tierkv, sub.tierkv)).toEqual(expected);
      if (cmd.redis !== null && sub.redis !== null) expect(await events(cmd.redis, sub.redis)).toEqual(expected);
    } finally {
      for (const c of [cmd.tierkv, cmd.redis]) await c?.command('CONFIG', 'SET', 'notify-keyspace-events', '');
      sub.close();
      cmd.close();
    }
  });

  it('works through ioredis (hgetall as an object) and node-redis (hGetAll)', async () => {
    const io = new Redis(f.servers.tierkv.port, f.servers.tierkv.host, { lazyConnect: true });
    await io.connect();
    try {
      await io.del('io:h');
      expect(await io.hset('io:h', { a: '1', b: 'é' })).toBe(2);
      expect(await io.hgetall('io:h')).toEqual({ a: '1', b: 'é' });
      expect(await io.hincrby('io:h', 'a', 41)).toBe(42);
      expect(await io.hincrbyfloat('io:h', 'f', '0.5')).toBe('0.5');
      expect(await io.hmget('io:h', 'a', 'zz')).toEqual(['42', null]);
      expect(await io.hkeys('io:h')).toEqual(['a', 'b', 'f']);
      expect(await io.hgetall('io:nokey')).toEqual({});
      const [cursor, items] = await io.hscan('io:h', 0);
      expect(cursor).toBe('0');
      expect(items).toEqual(['a', '42', 'b', 'é', 'f', '0.5']);
    } finally {
      io.disconnect();
    }
    const nr = createClient({ socket: { host: f.servers.tierkv.host, port: f.servers.tierkv.port, reconnectStrategy: false } });
    nr.on('error', () => {});
    await nr.connect();
    try {
      expect(await nr.hSet('nr:h', { x: '1', y: '2' })).toBe(2);
      expect(await nr.hGetAll('nr:h')).toEqual({ x: '1', y: '2' });
      expect(await nr.hGetAll('nr:nokey')).toEqual({});
      expect(await nr.hLen('nr:h')).toBe(2);
      expect(await nr.hDel('nr:h', ['x', 'y'])).toBe(2);
      expect(await nr.exists('nr:h')).toBe(0);
    } finally {
      nr.destroy();
    }
  });
});

