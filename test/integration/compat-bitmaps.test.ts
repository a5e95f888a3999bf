/**
 * Bitmap commands and LCS answer as redis-server 7.0.15 (expected bytes captured from it; checked against it too
 * when it is installed): bit numbering, BYTE|BIT ranges, BITPOS's "no end given" rule, BITOP's result length,
 * BITFIELD's overflow modes and `#` offsets, LCS with IDX/MINMATCHLEN/WITHMATCHLEN, and their error texts. The
 * differential fuzzer (test/fuzz/gen.ts, `bitmaps`) covers random sequences; these pin the edge cases by name.
 */
import { expect, it } from 'vitest';
import { describeCompat } from '../support/compat.js';
import { Redis } from 'ioredis';

/** Binary argument: each char one byte. */
const L = (s: string): Buffer => Buffer.from(s, 'latin1');

describeCompat('bitmaps', {}, (f) => {
  it('SETBIT creates and zero-pads, GETBIT reads MSB first, past the end is 0, offsets are checked first', async () => {
    await f.expectReply(['DEL', 'b'], ':0\r\n');
    await f.expectReply(['SETBIT', 'b', '7', '1'], ':0\r\n');
    await f.expectReply(['GET', 'b'], '$1\r\n\x01\r\n');
    await f.expectReply(['SETBIT', 'b', '17', '1'], ':0\r\n');
    await f.expectReply(['STRLEN', 'b'], ':3\r\n');
    await f.expectReply(['SETBIT', 'b', '17', '0'], ':1\r\n');
    await f.expectReply(['GETBIT', 'b', '7'], ':1\r\n');
    await f.expectReply(['GETBIT', 'b', '1000'], ':0\r\n');
    await f.expectReply(['GETBIT', 'nokey', '3'], ':0\r\n');
    await f.expectReply(['SETBIT', 'b', '-1', '1'], '-ERR bit offset is not an integer or out of range\r\n');
    await f.expectReply(['SETBIT', 'b', '4294967296', '1'], '-ERR bit offset is not an integer or out of range\r\n');
    await f.expectReply(['SETBIT', 'b', 'x', '2'], '-ERR bit offset is not an integer or out of range\r\n');
    await f.expectReply(['SETBIT', 'b', '1', '2'], '-ERR bit is not an integer or out of range\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'b'], '$3\r\nraw\r\n');
  });

  it('BITCOUNT and BITPOS with BYTE and BIT ranges, negative indexes and a missing key', async () => {
    await f.expectReply(['SET', 'c', L('\xff\xf0\x00\x0f')], '+OK\r\n');
    await f.expectReply(['BITCOUNT', 'c'], ':16\r\n');
    await f.expectReply(['BITCOUNT', 'c', '1', '-1'], ':8\r\n');
    await f.expectReply(['BITCOUNT', 'c', '5', '30', 'BIT'], ':10\r\n');
    await f.expectReply(['BITCOUNT', 'c', '-2', '-3'], ':0\r\n');
    await f.expectReply(['BITCOUNT', 'c', '0'], '-ERR syntax error\r\n');
    await f.expectReply(['BITCOUNT', 'nokey', '0'], ':0\r\n'); // the key is looked up first
    await f.expectReply(['BITCOUNT', 'c', '0', '1', 'BITS'], '-ERR syntax error\r\n');
    await f.expectReply(['BITPOS', 'c', '0'], ':12\r\n');
    await f.expectReply(['BITPOS', 'c', '1', '2'], ':28\r\n');
    await f.expectReply(['BITPOS', 'c', '0', '3', '-1', 'BIT'], ':12\r\n');
    await f.expectReply(['BITPOS', 'c', '0', '3', '27', 'BIT'], ':12\r\n');
    await f.expectReply(['SET', 'ones', L('\xff\xff')], '+OK\r\n');
    await f.expectReply(['BITPOS', 'ones', '0'], ':16\r\n'); // no end given: zeros past the end
    await f.expectReply(['BITPOS', 'ones', '0', '0', '-1'], ':-1\r\n'); // end given: none in range
    await f.expectReply(['BITPOS', 'ones', '0', '3', '-1', 'BIT'], ':-1\r\n');
    await f.expectReply(['BITPOS', 'nokey', '0'], ':0\r\n');
    await f.expectReply(['BITPOS', 'nokey', '1'], ':-1\r\n');
    await f.expectReply(['BITPOS', 'c', '2'], '-ERR The bit argument must be 1 or 0.\r\n');
  });

  it('BITOP AND/OR/XOR/NOT: the result is as long as the longest source, an empty result deletes the destination', async () => {
    await f.expectReply(['MSET', 'x', L('\xff\x0f'), 'y', L('\xf0')], '+OK\r\n');
    await f.expectReply(['BITOP', 'AND', 'd', 'x', 'y'], ':2\r\n');
    await f.expectReply(['GET', 'd'], '$2\r\n\xf0\x00\r\n');
    await f.expectReply(['BITOP', 'or', 'd', 'x', 'y', 'nokey'], ':2\r\n');
    await f.expectReply(['GET', 'd'], '$2\r\n\xff\x0f\r\n');
    await f.expectReply(['BITOP', 'XOR', 'd', 'x', 'y'], ':2\r\n');
    await f.expectReply(['GET', 'd'], '$2\r\n\x0f\x0f\r\n');
    await f.expectReply(['BITOP', 'NOT', 'd', 'y'], ':1\r\n');
    await f.expectReply(['GET', 'd'], '$1\r\n\x0f\r\n');
    await f.expectReply(['BITOP', 'NOT', 'd', 'x', 'y'], '-ERR BITOP NOT must be called with a single source key.\r\n');
    await f.expectReply(['BITOP', 'NAND', 'd', 'x'], '-ERR syntax error\r\n');
    await f.expectReply(['BITOP', 'AND', 'd', 'nokey'], ':0\r\n');
    await f.expectReply(['EXISTS', 'd'], ':0\r\n');
  });

  it('BITFIELD: GET/SET/INCRBY, signed and unsigned, # offsets, WRAP/SAT/FAIL, BITFIELD_RO, and the errors', async () => {
    await f.expectReply(['DEL', 'f'], ':0\r\n');
    await f.expectReply(['BITFIELD', 'f', 'SET', 'i8', '0', '-100', 'GET', 'u8', '0', 'INCRBY', 'i8', '0', '-100'], '*3\r\n:0\r\n:156\r\n:56\r\n');
    await f.expectReply(['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'u4', '#3', '100', 'OVERFLOW', 'FAIL', 'INCRBY', 'i5', '100', '100', 'GET', 'u4', '#3'], '*3\r\n:15\r\n$-1\r\n:15\r\n');
    await f.expectReply(['BITFIELD', 'f', 'SET', 'u2', '1', '-1', 'GET', 'i64', '0'], '*2\r\n:1\r\n:8651133409202012160\r\n');
    await f.expectReply(['BITFIELD_RO', 'f', 'GET', 'u8', '0'], '*1\r\n:120\r\n');
    await f.expectReply(['BITFIELD_RO', 'f', 'SET', 'u8', '0', '1'], '-ERR BITFIELD_RO only supports the GET subcommand\r\n');
    await f.expectReply(['BITFIELD', 'f', 'GET', 'u64', '0'], '-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n');
    await f.expectReply(['BITFIELD', 'f', 'OVERFLOW', 'MAYBE'], '-ERR Invalid OVERFLOW type specified\r\n');
    await f.expectReply(['BITFIELD', 'f', 'GET', 'u8'], '-ERR syntax error\r\n');
    await f.expectReply(['BITFIELD', 'nokey', 'GET', 'u8', '0'], '*1\r\n:0\r\n');
    await f.expectReply(['EXISTS', 'nokey'], ':0\r\n');
  });

  it('LCS: the string, LEN, IDX with MINMATCHLEN and WITHMATCHLEN, and its option errors', async () => {
    await f.expectReply(['MSET', 'k1', 'ohmytext', 'k2', 'mynewtext'], '+OK\r\n');
    await f.expectReply(['LCS', 'k1', 'k2'], '$6\r\nmytext\r\n');
    await f.expectReply(['LCS', 'k1', 'k2', 'LEN'], ':6\r\n');
    await f.expectReply(['LCS', 'k1', 'k2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
      '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n');
    await f.expectReply(['LCS', 'k1', 'k2', 'IDX'],
      '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n');
    await f.expectReply(['LCS', 'k1', 'k2', 'LEN', 'IDX'], '-ERR If you want both the length and indexes, please just use IDX.\r\n');
    await f.expectReply(['LCS', 'k1', 'k2', 'MINMATCHLEN'], '-ERR syntax error\r\n');
    await f.expectReply(['LCS', 'k1', 'nokey'], '$0\r\n\r\n');
  });

  it('works through ioredis (a stock client): setbit, bitcount, bitfield, lcs', async () => {
    const r = new Redis(f.servers.tierkv.port, f.servers.tierkv.host, { lazyConnect: true });
    await r.connect();
    try {
      await r.del('io');
      expect(await r.setbit('io', 100, 1)).toBe(0);
      expect(await r.bitcount('io')).toBe(1);
      expect(await r.bitpos('io', 1)).toBe(100);
      expect(await r.call('BITFIELD', 'io', 'INCRBY', 'u8', '#0', '200', 'GET', 'u8', '0')).toEqual([200, 200]);
      await r.mset('a', 'ohmytext', 'b', 'mynewtext');
      expect(await r.lcs('a', 'b')).toBe('mytext');
    } finally {
      r.disconnect();
    }
  });
});
