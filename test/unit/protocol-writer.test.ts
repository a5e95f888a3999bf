/**
 * Tests of protocol/reply-writer.ts and protocol/number-format.ts.
 *
 * Expected bytes marked "Redis:" are what redis-server 7.0.15 sent for the same reply (RESP2, and RESP3 after
 * HELLO 3; DEBUG PROTOCOL verbatim/true/false/null/map/set, ZSCORE, INCRBYFLOAT). %.17g vectors were printed with
 * glibc printf.
 */
import { describe, expect, it } from 'vitest';
import {
  ReplyWriter,
  SHARED,
  BULK_REF_MIN,
  REPLY_POOL_SIZE,
  REPLY_EXTENT_SIZE,
  REF_OVERHEAD,
  formatDouble,
  formatLongDouble,
} from '../../protocol/index.js';

class FakeSocket {
  writes: Buffer[] = [];
  events: string[] = [];
  ret = true;
  write(b: Buffer): boolean {
    this.writes.push(b);
    this.events.push('write');
    return this.ret;
  }
  cork(): void {
    this.events.push('cork');
  }
  uncork(): void {
    this.events.push('uncork');
  }
  all(): string {
    return Buffer.concat(this.writes).toString('latin1');
  }
}

/** A sink that keeps every buffer written to it; `writableLength` says whether it still holds them (0: it does not). */
function recordingSink(writableLength = 0): { writableLength: number; writes: Buffer[]; write(b: Buffer): boolean } {
  return {
    writableLength,
    writes: [],
    write(b: Buffer): boolean {
      this.writes.push(b);
      return true;
    },
  };
}

/** Encodes with `fn` in the given protocol and returns the flushed bytes as a latin1 string. */
function enc(proto: 2 | 3, fn: (w: ReplyWriter) => void, w = new ReplyWriter()): string {
  const s = new FakeSocket();
  w.proto = proto;
  w.begin();
  fn(w);
  const n = w.flushTo(s);
  expect(n).toBe(Buffer.concat(s.writes).length);
  return s.all();
}

const both = (fn: (w: ReplyWriter) => void): [string, string] => [enc(2, fn), enc(3, fn)];

describe('ReplyWriter encoders', () => {
  it('simple strings, errors and shared replies', () => {
    expect(both((w) => w.ok())).toEqual(['+OK\r\n', '+OK\r\n']);
    expect(enc(2, (w) => w.simple('PONG'))).toBe('+PONG\r\n');
    expect(enc(2, (w) => w.error("ERR wrong number of arguments for 'get' command"))).toBe(
      "-ERR wrong number of arguments for 'get' command\r\n",
    );
    // CR/LF would break the stream: replaced by spaces like addReplyErrorFormat.
    expect(enc(2, (w) => w.error('ERR bad\r\nthing'))).toBe('-ERR bad  thing\r\n');
    expect(enc(2, (w) => w.simple('a\nb'))).toBe('+a b\r\n');
    expect(Buffer.from(enc(2, (w) => w.error("ERR unknown command 'é'")), 'latin1').toString('utf8')).toBe(
      "-ERR unknown command 'é'\r\n",
    );
    // Parser errors carry raw request bytes: Redis sends "-ERR Protocol error: expected '$', got '\xff'" with byte 0xff.
    const e = Buffer.from(enc(2, (w) => w.errorLatin1("ERR Protocol error: expected '$', got '\xff'")), 'latin1');
    expect(e.equals(Buffer.from("-ERR Protocol error: expected '$', got '\xff'\r\n", 'latin1'))).toBe(true);
    expect(e.length).toBe(44); // one byte for 0xff (UTF-8 would need two)
    expect(enc(3, (w) => w.raw(SHARED.QUEUED))).toBe('+QUEUED\r\n');
    expect(enc(2, (w) => w.raw(SHARED.WRONGTYPE))).toBe(
      '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
    );
  });

  it('integers', () => {
    const cases: [number, string][] = [
      [0, ':0\r\n'],
      [-0, ':0\r\n'],
      [1, ':1\r\n'],
      [-1, ':-1\r\n'],
      [9, ':9\r\n'],
      [10, ':10\r\n'],
      [99, ':99\r\n'],
      [100, ':100\r\n'],
      [2147483647, ':2147483647\r\n'],
      [2147483648, ':2147483648\r\n'],
      [-2147483648, ':-2147483648\r\n'],
      [1e15, ':1000000000000000\r\n'],
      [Number.MAX_SAFE_INTEGER, ':9007199254740991\r\n'],
      [Number.MIN_SAFE_INTEGER, ':-9007199254740991\r\n'],
    ];
    for (const [n, s] of cases) expect(both((w) => w.integer(n))).toEqual([s, s]);
    expect(() => enc(2, (w) => w.integer(1.5))).toThrow(RangeError);
    expect(() => enc(2, (w) => w.integer(2 ** 53))).toThrow(RangeError);
    expect(enc(2, (w) => w.bigInteger(9223372036854775807n))).toBe(':9223372036854775807\r\n');
    expect(enc(2, (w) => w.bigInteger(-9223372036854775808n))).toBe(':-9223372036854775808\r\n');
    expect(() => enc(2, (w) => w.bigInteger(9223372036854775808n))).toThrow(RangeError);
    // Random safe integers against toString.
    for (let i = 0; i < 2000; i++) {
      const n = Math.trunc((Math.random() - 0.5) * 2 ** (1 + Math.random() * 53)) % Number.MAX_SAFE_INTEGER;
      expect(enc(2, (w) => w.integer(n))).toBe(':' + String(n) + '\r\n');
    }
  });

  it('bulk strings', () => {
    const src = new Uint8Array(new SharedArrayBuffer(64));
    src.set(Buffer.from('xxhello\r\nworld-and-some-more-bytes-to-pass-32'), 0);
    expect(enc(2, (w) => w.bulk(src, 2, 5))).toBe('$5\r\nhello\r\n');
    expect(enc(3, (w) => w.bulk(src, 2, 43))).toBe('$43\r\nhello\r\nworld-and-some-more-bytes-to-pass-32\r\n');
    expect(enc(2, (w) => w.bulk(src, 0, 0))).toBe('$0\r\n\r\n');
    expect(enc(2, (w) => w.bulkString('abc'))).toBe('$3\r\nabc\r\n');
    expect(enc(2, (w) => w.bulkString(''))).toBe('$0\r\n\r\n');
    expect(Buffer.from(enc(2, (w) => w.bulkString('é€')), 'latin1').toString('utf8')).toBe('$5\r\né€\r\n');
    const long = 'x'.repeat(1000) + 'é';
    expect(Buffer.from(enc(2, (w) => w.bulkString(long)), 'latin1').toString('utf8')).toBe(`$1002\r\n${long}\r\n`);
    expect(enc(2, (w) => w.bulkInteger(-1234))).toBe('$5\r\n-1234\r\n');
    expect(enc(2, (w) => w.bulkInteger(0))).toBe('$1\r\n0\r\n');
  });

  it('bulk strings from a SharedArrayBuffer at every alignment and size (the staged copy of STAGE_FROM..STAGE_MAX)', () => {
    const src = new Uint8Array(new SharedArrayBuffer(80_000));
    for (let i = 0; i < src.length; i++) src[i] = (i * 31 + (i >> 8)) & 0xff;
    const w = new ReplyWriter(4096);
    const sock = new FakeSocket();
    const want: Buffer[] = [];
    let k = 0;
    for (const len of [200, 255, 256, 257, 1000, 4095, 4096, 20_000, 65_536, 65_537]) {
      for (let shift = 0; shift < 8; shift++) {
        // Shift both the source and the pool position, so that every pair of alignments occurs.
        w.bulk(src, 0, k++ % 8);
        want.push(Buffer.from(`$${(k - 1) % 8}\r\n`), Buffer.from(src.subarray(0, (k - 1) % 8)), Buffer.from('\r\n'));
        w.bulk(src, 3 + shift, len);
        want.push(Buffer.from(`$${len}\r\n`), Buffer.from(src.subarray(3 + shift, 3 + shift + len)), Buffer.from('\r\n'));
      }
    }
    w.flushTo(sock);
    expect(Buffer.concat(sock.writes).equals(Buffer.concat(want))).toBe(true);
  });

  it('nulls, aggregates, booleans', () => {
    // Redis: GET nokey -> $-1 / _ ; BLPOP timeout -> *-1 / _ ; DEBUG PROTOCOL map/set/true/false
    expect(both((w) => w.nullBulk())).toEqual(['$-1\r\n', '_\r\n']);
    expect(both((w) => w.nullArray())).toEqual(['*-1\r\n', '_\r\n']);
    expect(both((w) => w.arrayLen(3))).toEqual(['*3\r\n', '*3\r\n']);
    expect(both((w) => w.arrayLen(0))).toEqual(['*0\r\n', '*0\r\n']);
    expect(both((w) => w.mapLen(3))).toEqual(['*6\r\n', '%3\r\n']);
    expect(both((w) => w.setLen(3))).toEqual(['*3\r\n', '~3\r\n']);
    expect(both((w) => w.pushLen(2))).toEqual(['*2\r\n', '>2\r\n']);
    expect(both((w) => w.bool(true))).toEqual([':1\r\n', '#t\r\n']);
    expect(both((w) => w.bool(false))).toEqual([':0\r\n', '#f\r\n']);
    expect(
      both((w) => {
        w.mapLen(1);
        w.bulkString('k');
        w.integer(90);
      }),
    ).toEqual(['*2\r\n$1\r\nk\r\n:90\r\n', '%1\r\n$1\r\nk\r\n:90\r\n']);
  });

  it('verbatim strings', () => {
    // Redis: DEBUG PROTOCOL verbatim -> "$25\r\nThis is a verbatim\nstring\r\n" / "=29\r\ntxt:This is a verbatim\nstring\r\n"
    expect(both((w) => w.verbatim('This is a verbatim\nstring'))).toEqual([
      '$25\r\nThis is a verbatim\nstring\r\n',
      '=29\r\ntxt:This is a verbatim\nstring\r\n',
    ]);
    expect(enc(3, (w) => w.verbatim('# hi', 'mkd'))).toBe('=8\r\nmkd:# hi\r\n');
    expect(Buffer.from(enc(3, (w) => w.verbatim('é')), 'latin1').toString('utf8')).toBe('=6\r\ntxt:é\r\n');
  });

  it('doubles as Redis 7.0 addReplyDouble', () => {
    // Redis: ZSCORE of 1.1, 1e30, inf, -inf, 1e-20, 123456789012, 2.5 in RESP3 and RESP2.
    const cases: [number, string][] = [
      [1.1, '1.1000000000000001'],
      [1e30, '1e+30'],
      [Infinity, 'inf'],
      [-Infinity, '-inf'],
      [1e-20, '9.9999999999999995e-21'],
      [123456789012, '123456789012'],
      [2.5, '2.5'],
      [3.141, '3.141'],
      [1.5, '1.5'],
      // Integers (written without formatDouble), their bounds, and the zeros (%.17g prints -0 as "-0").
      [0, '0'],
      [-0, '-0'],
      [-7, '-7'],
      [9007199254740991, '9007199254740991'],
      [-9007199254740991, '-9007199254740991'],
      [9007199254740992, '9007199254740992'],
      [1e17, '1e+17'],
      [-1e16, '-10000000000000000'],
    ];
    for (const [d, s] of cases) {
      expect(both((w) => w.double(d))).toEqual([`$${s.length}\r\n${s}\r\n`, `,${s}\r\n`]);
    }
    expect(enc(3, (w) => w.double(NaN))).toBe(',nan\r\n');
  });

  it('formatDouble matches glibc %.17g, including round-half-even ties', () => {
    const vectors: [number, string][] = [
      [1234567890123456.25, '1234567890123456.2'],
      [1234567890123456.75, '1234567890123456.8'],
      [0.5, '0.5'],
      [0.1, '0.10000000000000001'],
      [5e-324, '4.9406564584124654e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [1152921504606846976, '1.152921504606847e+18'],
      [1e16, '10000000000000000'],
      [1e17, '1e+17'],
      [12345678901234567, '12345678901234568'],
      [0.0001, '0.0001'],
      [0.00001, '1.0000000000000001e-05'],
      [-3.25, '-3.25'],
      [100, '100'],
      [1e21, '1e+21'],
      [0.3, '0.29999999999999999'],
      [1 / 3, '0.33333333333333331'],
      [-2 / 3, '-0.66666666666666663'],
      [4.35, '4.3499999999999996'],
      [9007199254740993, '9007199254740992'],
      [0.000123456789, '0.000123456789'],
      [98765.4321e-10, '9.8765432100000001e-06'],
      [0, '0'],
      [-0, '-0'],
    ];
    for (const [d, s] of vectors) expect(formatDouble(d)).toBe(s);
    // Parsing the 17 digits back always gives the same double.
    for (let i = 0; i < 2000; i++) {
      const d = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 60 - 30);
      expect(Number(formatDouble(d))).toBe(d);
    }
  });

  it('formatLongDouble matches INCRBYFLOAT output where a double can', () => {
    // Redis: INCRBYFLOAT from 0 by 1.5e-10 -> "0.00000000015", by 0.1 -> "0.1", by 3.0 -> "3", by 1e-20 -> "0",
    // by -1e-20 -> "0"; 10.5 + 0.1 -> "10.6"; 0.1 + 0.2 -> "0.3" (long double arithmetic).
    expect(formatLongDouble(1.5e-10)).toBe('0.00000000015');
    expect(formatLongDouble(0.1)).toBe('0.1');
    expect(formatLongDouble(3)).toBe('3');
    expect(formatLongDouble(1e-20)).toBe('0');
    expect(formatLongDouble(-1e-20)).toBe('0');
    expect(formatLongDouble(10.5 + 0.1)).toBe('10.6');
    expect(formatLongDouble(0.3)).toBe('0.3');
    expect(formatLongDouble(-0)).toBe('0');
    expect(formatLongDouble(-2.5)).toBe('-2.5');
    expect(formatLongDouble(5010.5)).toBe('5010.5');
    expect(formatLongDouble(1.23e-15)).toBe('0.00000000000000123');
    expect(formatLongDouble(1.25e-17)).toBe('0.00000000000000001');
    expect(formatLongDouble(123456789.125)).toBe('123456789.125');
    expect(formatLongDouble(Infinity)).toBe('inf');
    expect(formatLongDouble(-Infinity)).toBe('-inf');
    expect(formatLongDouble(NaN)).toBe('nan');
    // Documented limit: Redis prints its long double's exact digits (1000000000000000000024696061952 for 1e30).
    expect(formatLongDouble(1e30)).toBe('1' + '0'.repeat(30));
    expect(enc(2, (w) => w.longDoubleBulk(10.5))).toBe('$4\r\n10.5\r\n');
  });
});

describe('ReplyWriter batching and pools', () => {
  it('writes a batch with one write and nothing for an empty batch', () => {
    const w = new ReplyWriter();
    const s = new FakeSocket();
    w.begin();
    expect(w.flushTo(s)).toBe(0);
    expect(s.writes.length).toBe(0);
    w.ok();
    w.integer(42);
    w.bulkString('v');
    expect(w.size()).toBe(5 + 5 + 7);
    expect(w.flushTo(s)).toBe(17);
    expect(s.events).toEqual(['write']);
    expect(s.all()).toBe('+OK\r\n:42\r\n$1\r\nv\r\n');
    expect(w.size()).toBe(0);
  });

  it('begin() discards unflushed replies', () => {
    const w = new ReplyWriter();
    w.begin();
    w.simple('DISCARDED');
    w.begin();
    w.ok();
    const s = new FakeSocket();
    w.flushTo(s);
    expect(s.all()).toBe('+OK\r\n');
  });

  it('never overwrites bytes handed to a write, across pool rollovers', () => {
    const w = new ReplyWriter(100);
    const s = new FakeSocket();
    const snapshots: string[] = [];
    const expected: string[] = [];
    for (let batch = 0; batch < 200; batch++) {
      w.proto = batch % 2 === 0 ? 2 : 3;
      w.begin();
      let e = '';
      const n = 1 + (batch % 7);
      for (let i = 0; i < n; i++) {
        const v = 'v'.repeat((batch * 7 + i * 13) % 60);
        w.bulkString(v);
        e += `$${v.length}\r\n${v}\r\n`;
        w.integer(batch * 1000 + i);
        e += `:${batch * 1000 + i}\r\n`;
      }
      const before = s.writes.length;
      w.flushTo(s);
      for (let k = before; k < s.writes.length; k++) snapshots.push(s.writes[k]!.toString('latin1'));
      expected.push(e);
    }
    // Batches that straddled a pool end were still written as one contiguous write (small batches are carried).
    expect(s.writes.length).toBe(200);
    // Every buffer handed to write still holds what it held when written.
    expect(s.writes.map((b) => b.toString('latin1'))).toEqual(snapshots);
    expect(snapshots).toEqual(expected);
  });

  it('splits a large batch across pools into corked segments, in order', () => {
    const w = new ReplyWriter(4096);
    const s = new FakeSocket();
    w.begin();
    let e = '';
    for (let i = 0; i < 3000; i++) {
      const v = 'k' + i;
      w.bulkString(v);
      e += `$${v.length}\r\n${v}\r\n`;
    }
    expect(w.size()).toBe(e.length);
    expect(w.flushTo(s)).toBe(e.length);
    expect(s.writes.length).toBeGreaterThan(1);
    expect(s.events[0]).toBe('cork');
    expect(s.events[s.events.length - 1]).toBe('uncork');
    expect(s.all()).toBe(e);
  });

  it('queues bulkRef values by reference, in order', () => {
    const w = new ReplyWriter();
    const s = new FakeSocket();
    const big1 = Buffer.alloc(BULK_REF_MIN, 0x41);
    const big2 = Buffer.alloc(100_000, 0x42);
    const small = Buffer.from('tiny');
    w.begin();
    w.arrayLen(4);
    w.bulkRef(big1);
    w.integer(7);
    w.bulkRef(big2);
    w.bulkRef(small);
    w.ok();
    const n = w.flushTo(s);
    const expected =
      '*4\r\n' + `$${big1.length}\r\n` + 'A'.repeat(big1.length) + '\r\n:7\r\n' + `$${big2.length}\r\n` +
      'B'.repeat(big2.length) + '\r\n$4\r\ntiny\r\n+OK\r\n';
    expect(n).toBe(expected.length);
    expect(s.all()).toBe(expected);
    expect(s.events).toEqual(['cork', 'write', 'write', 'write', 'write', 'write', 'uncork']);
    expect(s.writes[1]).toBe(big1); // the very same object: not copied
    expect(s.writes[3]).toBe(big2);
    expect(s.writes[0]!.toString('latin1')).toBe(`*4\r\n$${big1.length}\r\n`);
    expect(s.writes[4]!.toString('latin1')).toBe('\r\n$4\r\ntiny\r\n+OK\r\n');
    // The next batch is a single write again.
    w.begin();
    w.ok();
    const s2 = new FakeSocket();
    w.flushTo(s2);
    expect(s2.events).toEqual(['write']);
  });

  it('handles a 100 MiB reply, then returns to the default pool size', () => {
    const size = 100 * 1024 * 1024;
    const value = Buffer.allocUnsafe(size);
    value.fill(0x61, 0, 1024);
    value.fill(0x7a, size - 1024);
    const w = new ReplyWriter();
    const s = new FakeSocket();
    w.begin();
    w.ok();
    w.bulk(value, 0, size);
    w.ok();
    const t0 = performance.now();
    const n = w.flushTo(s);
    const header = `$${size}\r\n`;
    expect(n).toBe(5 + header.length + size + 2 + 5);
    const out = Buffer.concat(s.writes);
    expect(out.toString('latin1', 0, 5 + header.length)).toBe('+OK\r\n' + header);
    expect(out.subarray(5 + header.length, 5 + header.length + size).equals(value)).toBe(true);
    expect(out.toString('latin1', out.length - 7)).toBe('\r\n+OK\r\n');
    expect(performance.now() - t0).toBeLessThan(5000);
    // by reference
    w.begin();
    w.bulkRef(value);
    const s2 = new FakeSocket();
    expect(w.flushTo(s2)).toBe(header.length + size + 2);
    expect(s2.writes[1]).toBe(value);
    // back to the default pool size
    w.begin();
    for (let i = 0; i < 10; i++) w.ok();
    const s3 = new FakeSocket();
    w.flushTo(s3);
    expect(s3.writes.length).toBe(1);
    // a pool of the default size cut from a reply extent (reply-memory.ts), not the 100 MiB buffer
    expect(s3.writes[0]!.buffer.byteLength).toBe(REPLY_EXTENT_SIZE);
  });

  it('reports backpressure through lastWriteOk', () => {
    const w = new ReplyWriter();
    const s = new FakeSocket();
    s.ret = false;
    w.begin();
    w.ok();
    w.flushTo(s);
    expect(w.lastWriteOk).toBe(false);
    s.ret = true;
    w.begin();
    w.ok();
    w.flushTo(s);
    expect(w.lastWriteOk).toBe(true);
  });

  it('pins the owner of a value sent by reference until the socket has written it', () => {
    const w = new ReplyWriter();
    const owner = { pins: 0 };
    const acct = { refBytes: 0 };
    const value = Buffer.alloc(BULK_REF_MIN * 4, 0x61);
    const cbs: (() => void)[] = [];
    const sink = {
      writes: [] as Buffer[],
      write(b: Buffer, cb?: () => void): boolean {
        this.writes.push(b);
        if (cb !== undefined) cbs.push(cb);
        return true;
      },
    };
    w.begin();
    w.bulkRef(value, owner);
    w.bulkRef(value, owner);
    expect(owner.pins).toBe(2); // pinned when encoded, before any flush
    w.flushTo(sink, acct);
    expect(owner.pins).toBe(2);
    expect(acct.refBytes).toBe((value.length - REF_OVERHEAD) * 2); // each still counted for REF_OVERHEAD
    expect(cbs.length).toBe(2);
    for (const cb of cbs) cb();
    expect(owner.pins).toBe(0);
    expect(acct.refBytes).toBe(0);
    // a discarded batch unpins too
    w.begin();
    w.bulkRef(value, owner);
    expect(owner.pins).toBe(1);
    w.begin();
    expect(owner.pins).toBe(0);
  });

  it('reuses its pool from the start only when the sink holds none of its bytes', () => {
    const w = new ReplyWriter();
    const sink = recordingSink();
    w.begin();
    w.simple('first');
    w.flushTo(sink);
    w.begin();
    w.simple('second');
    w.flushTo(sink);
    // written at once: the second batch starts where the first did
    expect(sink.writes[1]!.byteOffset).toBe(sink.writes[0]!.byteOffset);
    // the sink keeps the third batch: the fourth must not overwrite it
    sink.writableLength = 10;
    w.begin();
    w.simple('third');
    w.flushTo(sink);
    sink.writableLength = 0;
    w.begin();
    w.simple('fourth');
    w.flushTo(sink);
    expect(sink.writes[3]!.byteOffset).toBeGreaterThan(sink.writes[2]!.byteOffset);
    expect(sink.writes[2]!.toString()).toBe('+third\r\n');
  });

  it('detach: a batch taken out keeps its bytes until released, whatever is encoded or flushed meanwhile', () => {
    const w = new ReplyWriter(4096);
    const sink = recordingSink();
    w.begin();
    w.simple('one');
    const one = w.detach(1024)!;
    expect(one.toString()).toBe('+one\r\n');
    // Another batch, flushed to a sink that holds nothing: the pool must not start over under `one`.
    w.begin();
    w.simple('two');
    w.flushTo(sink);
    w.begin();
    w.bulkString('x'.repeat(100));
    w.flushTo(sink);
    expect(one.toString()).toBe('+one\r\n');
    expect(sink.writes[0]!.byteOffset).toBeGreaterThanOrEqual(one.byteOffset + one.length);
    // Batches that are too long or have segments are not taken.
    w.begin();
    w.bulkString('y'.repeat(2000));
    expect(w.detach(1024)).toBeNull();
    w.begin();
    expect(w.detach(1024)!.length).toBe(0);
    // Pool rollovers while `one` waits: its pool is not recycled into a spare.
    // Many batches taken out in one turn (as many clients' deferred replies), flushes of other batches in between:
    // pools fill and roll over, and none that holds a taken batch may become a spare and be written again.
    const taken: { view: Buffer; text: string }[] = [{ view: one, text: '+one\r\n' }];
    for (let i = 0; i < 20; i++) {
      w.begin();
      w.bulkString(String(i % 10).repeat(1500));
      const view = w.detach(4096)!;
      taken.push({ view, text: view.toString('latin1') });
      w.begin();
      w.bulkString('z'.repeat(1000 + i * 7));
      w.flushTo(sink);
    }
    for (const t of taken) expect(t.view.toString('latin1')).toBe(t.text);
    w.released(true);
    // Released and drained, in the current pool: the next batch starts at the pool's beginning again.
    w.begin();
    w.simple('three');
    const three = w.detach(1024)!;
    w.released(true);
    w.begin();
    w.simple('four');
    const four = w.detach(1024)!;
    expect(four.byteOffset).toBe(three.byteOffset);
    // Not drained (a socket kept the bytes): the pool is never rewound under them.
    w.released(false);
    w.begin();
    w.simple('five');
    w.flushTo(sink);
    expect(sink.writes.at(-1)!.byteOffset).toBeGreaterThan(four.byteOffset);
    expect(four.toString()).toBe('+four\r\n');
  });

  it('reuses the pools of a large batch the sink wrote at once, never those a sink still holds', () => {
    // Batches of ~200 KiB, written as several segments of 32 KiB pools (pools larger than CARRY_MAX, as the default
    // 256 KiB), to sinks that hold (writableLength > 0) or do not hold what they were given.
    const w = new ReplyWriter(32 * 1024);
    const send = (batch: number, holds: boolean): Buffer[] => {
      const sink = recordingSink(holds ? 1 : 0);
      w.begin();
      let e = '';
      for (let i = 0; i < 5000; i++) {
        const v = `b${batch}-${i}-` + 'x'.repeat((batch + i) % 40);
        w.bulkString(v);
        e += `$${v.length}\r\n${v}\r\n`;
      }
      w.flushTo(sink);
      expect(sink.writes.length).toBeGreaterThan(1);
      expect(Buffer.concat(sink.writes).toString('latin1')).toBe(e);
      return sink.writes;
    };
    const where = (bs: Buffer[]): Set<string> => new Set(bs.map((b) => `${(b.buffer as ArrayBuffer).byteLength}/${b.byteOffset}`));
    const a = where(send(0, false));
    const b = where(send(1, false));
    // Written at once: the second batch went (mostly) into the first one's pools.
    expect([...b].filter((x) => a.has(x)).length).toBeGreaterThan(b.size / 2);
    const held = send(2, true).map((x) => ({ x, text: x.toString('latin1') }));
    for (let batch = 3; batch < 12; batch++) {
      send(batch, batch % 3 === 0);
      for (const h of held) expect(h.x.toString('latin1')).toBe(h.text);
    }
  });
  it('keeps spare pools only from the reply extent it is cutting, so spares never keep an old extent alive', () => {
    const w = new ReplyWriter(256 * 1024);
    const inner = w as unknown as { spares: Buffer[]; memory: { current: ArrayBufferLike | null; allocations: number } };
    const small = 'y'.repeat(1000);
    const big = 'z'.repeat(600 * 1024);
    let sawSpares = false;
    for (let batch = 0; batch < 12; batch++) {
      // Even batches: ~2 MiB of small replies written at once (their pools become spares). Odd ones: big replies
      // (each larger than a pool: fresh reply memory, never a spare) that the sink holds, 12 MiB each, so the writer
      // moves on to new extents while it has spares.
      const held = batch % 2 === 1;
      const sink = { writableLength: held ? 1 : 0, write: (): boolean => true };
      w.begin();
      if (held) for (let i = 0; i < 20; i++) w.bulkString(big);
      else for (let i = 0; i < 2000; i++) w.bulkString(small);
      w.flushTo(sink);
      if (inner.spares.length > 0) sawSpares = true;
      for (const sp of inner.spares) expect(sp.buffer === inner.memory.current, `spare of an old extent after batch ${batch}`).toBe(true);
    }
    // The big batches used fresh reply memory: several 32 MiB extents were cut.
    expect(inner.memory.allocations).toBeGreaterThan(1);
    expect(sawSpares).toBe(true);
  });
});
