/**
 * Tests of protocol/request-parser.ts and protocol/split-args.ts.
 *
 * Every "Redis:" comment records what redis-server 7.0.15 did with the same bytes (sent raw over a TCP socket to a
 * `redis-server --save '' --appendonly no` instance; the unauthenticated cases with `--requirepass`, the query
 * buffer cases with `CONFIG SET client-query-buffer-limit 1mb`).
 */
import { describe, expect, it, vi, afterEach } from 'vitest';
import fc from 'fast-check';
import { ParseError, RequestParser, splitArgs, type ParserLimits } from '../../protocol/index.js';

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

interface Outcome {
  cmds: string[][];
  /** 0 (waiting for more data) or -1 (error) — the last next() result. */
  last: number;
  error: string;
  errorCode: number;
}

/** Feeds each chunk and drains next() after each; returns commands (args as latin1 strings). */
function run(chunks: (string | Buffer)[], setup?: (p: RequestParser) => void): Outcome {
  const p = new RequestParser();
  setup?.(p);
  const cmds: string[][] = [];
  let last = 0;
  outer: for (const c of chunks) {
    p.feed(typeof c === 'string' ? B(c) : c);
    for (;;) {
      last = p.next();
      if (last === 1) {
        const args: string[] = [];
        for (let i = 0; i < p.argc; i++) args.push(p.buf.toString('latin1', p.argOff[i], p.argOff[i]! + p.argLen[i]!));
        cmds.push(args);
        continue;
      }
      if (last === -1) break outer;
      break;
    }
  }
  return { cmds, last, error: p.error, errorCode: p.errorCode };
}

/** Commands parsed as Buffers (binary-safe). */
function parseChunks(p: RequestParser, chunks: Buffer[]): { cmds: Buffer[][]; last: number } {
  const cmds: Buffer[][] = [];
  let last = 0;
  for (const c of chunks) {
    p.feed(c);
    for (;;) {
      last = p.next();
      if (last !== 1) break;
      const args: Buffer[] = [];
      for (let i = 0; i < p.argc; i++) args.push(Buffer.from(p.buf.subarray(p.argOff[i], p.argOff[i]! + p.argLen[i]!)));
      cmds.push(args);
    }
    if (last === -1) break;
  }
  return { cmds, last };
}

function encode(args: Uint8Array[]): Buffer {
  const parts: Buffer[] = [B(`*${args.length}\r\n`)];
  for (const a of args) parts.push(B(`$${a.length}\r\n`), Buffer.from(a), B('\r\n'));
  return Buffer.concat(parts);
}

/** Inline form of `args`: every argument double-quoted with \xHH escapes, so any bytes survive. */
function encodeInline(args: Uint8Array[]): Buffer {
  const s = args.map((a) => '"' + Array.from(a, (b) => '\\x' + b.toString(16).padStart(2, '0')).join('') + '"');
  return B(s.join(' ') + '\r\n');
}

function expectError(chunks: (string | Buffer)[], error: string, setup?: (p: RequestParser) => void): Outcome {
  const o = run(chunks, setup);
  expect(o.last).toBe(-1);
  expect(o.error).toBe(error);
  return o;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('RequestParser: multibulk', () => {
  it('parses a command zero-copy from the fed chunk', () => {
    const p = new RequestParser();
    const chunk = B('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n');
    p.feed(chunk);
    expect(p.next()).toBe(1);
    expect(p.argc).toBe(3);
    expect(p.buf).toBe(chunk);
    expect([0, 1, 2].map((i) => chunk.toString('latin1', p.argOff[i], p.argOff[i]! + p.argLen[i]!))).toEqual([
      'SET',
      'k',
      'value',
    ]);
    expect(p.argOff[0]).toBe(8);
    expect(p.next()).toBe(0);
    expect(p.argc).toBe(0);
    expect(p.bufferedBytes()).toBe(0);
  });

  it('accepts empty and binary arguments', () => {
    const args = [B('ECHO'), Buffer.alloc(0), Buffer.from([0, 13, 10, 255, 42, 36])];
    const p = new RequestParser();
    expect(parseChunks(p, [encode(args)]).cmds).toEqual([args]);
  });

  it('skips *0, *-1, *-5 and *-9223372036854775808 as no-ops', () => {
    // Redis: "*0\r\nPING\r\n", "*-1\r\nPING\r\n", "*-5\r\nPING\r\n" and "*-9223372036854775808\r\nPING\r\n" each
    // reply only +PONG.
    for (const pre of ['*0\r\n', '*-1\r\n', '*-5\r\n', '*-9223372036854775808\r\n']) {
      expect(run([pre + '*1\r\n$4\r\nPING\r\n'])).toMatchObject({ cmds: [['PING']], last: 0 });
    }
    expect(run(['*0\r\n*0\r\n'])).toMatchObject({ cmds: [], last: 0 });
  });

  it('does not check the CRLF after bulk data nor the LF after a header CR (as Redis)', () => {
    // Redis: "*1\r\n$4\r\nPINGab" -> +PONG ; "*1\rx$4\r\nPING\r\n" -> +PONG
    expect(run(['*1\r\n$4\r\nPINGab*1\r\n$4\r\nPING\r\n'])).toMatchObject({ cmds: [['PING'], ['PING']], last: 0 });
    expect(run(['*1\rx$4\r\nPING\r\n'])).toMatchObject({ cmds: [['PING']], last: 0 });
  });

  it('waits for the byte after a header CR', () => {
    // Redis: "*1\r" alone -> no reply, connection open.
    expect(run(['*1\r'])).toMatchObject({ cmds: [], last: 0 });
    expect(run(['*1\r', '\n$4\r', '\nPING\r\n'])).toMatchObject({ cmds: [['PING']], last: 0 });
  });

  it('accepts counts up to INT_MAX and waits for the arguments', () => {
    // Redis: "*1048577\r\n" and "*2147483647\r\n" -> no reply (waiting); "*2147483648\r\n" -> invalid multibulk length
    expect(run(['*1048577\r\n'])).toMatchObject({ last: 0, error: '' });
    expect(run(['*2147483647\r\n'])).toMatchObject({ last: 0, error: '' });
    expectError(['*2147483648\r\n'], 'Protocol error: invalid multibulk length');
  });

  it('rejects counts that string2ll rejects', () => {
    // Redis replies "-ERR Protocol error: invalid multibulk length" and closes for each of these.
    for (const c of ['*-0', '*+1', '*01', '* 1', '*1 ', '*', '*-', '*1x', '*-9223372036854775809', '*99999999999999999999', '*1.0']) {
      expectError([c + '\r\n'], 'Protocol error: invalid multibulk length');
    }
    // A header line extends to the first CR anywhere in the buffer.
    expectError(['*1\n$4\r\nPING\r\n'], 'Protocol error: invalid multibulk length');
  });

  it("reports expected '$'", () => {
    // Redis: "*1\r\nX4\r\n" -> expected '$', got 'X'; "*1\r\n\r\n" and "*1\r\n\n\r\n" -> got ' ';
    // "*1\r\n\xff4\r\n" -> got '\xff' (the raw byte)
    expectError(['*1\r\nX4\r\n'], "Protocol error: expected '$', got 'X'");
    expectError(['*1\r\n\r\n'], "Protocol error: expected '$', got ' '");
    expectError(['*1\r\n\n\r\n'], "Protocol error: expected '$', got ' '");
    const o = expectError(['*1\r\n\xff4\r\n'], "Protocol error: expected '$', got '\xff'");
    expect(o.errorCode).toBe(ParseError.EXPECTED_DOLLAR);
    // Second argument header wrong, after a valid first argument.
    expectError(['*2\r\n$4\r\nECHO\r\n:1\r\n'], "Protocol error: expected '$', got ':'");
  });

  it('rejects invalid bulk lengths', () => {
    // Redis: "$4x", "$-1", "$-0", "$04", "$+4", 21 digits, and "$536870913" (> proto-max-bulk-len 512 MiB) ->
    // "invalid bulk length"; "$536870912" -> no reply (waiting).
    for (const h of ['$4x', '$-1', '$-0', '$04', '$+4', '$' + '1'.repeat(20), '$536870913', '$', '$ 4']) {
      expectError(['*1\r\n' + h + '\r\n'], 'Protocol error: invalid bulk length');
    }
    expect(run(['*1\r\n$536870912\r\n'])).toMatchObject({ last: 0, error: '' });
  });

  it('applies limits.maxBulkLen, also when changed at run time', () => {
    const limits: ParserLimits = { maxBulkLen: 100, maxQueryBuffer: 1 << 30 };
    const p = new RequestParser(limits);
    p.feed(encode([B('SET'), B('k'), Buffer.alloc(100, 97)]));
    expect(p.next()).toBe(1);
    expect(p.argLen[2]).toBe(100);
    limits.maxBulkLen = 99;
    p.feed(encode([B('SET'), B('k'), Buffer.alloc(100, 97)]));
    expect(p.next()).toBe(-1);
    expect(p.error).toBe('Protocol error: invalid bulk length');
    expect(p.errorCode).toBe(ParseError.INVALID_BULK_LENGTH);
  });

  it('keeps partial frames across feeds and then returns to zero-copy parsing', () => {
    const p = new RequestParser();
    const full = Buffer.concat([encode([B('GET'), B('key1')]), encode([B('GET'), B('key2')]), encode([B('GET'), B('k3')])]);
    const cut = 30; // inside the second command
    const c1 = full.subarray(0, cut);
    const c2 = Buffer.from(full.subarray(cut));
    p.feed(c1);
    expect(p.next()).toBe(1);
    expect(p.buf).toBe(c1);
    expect(p.next()).toBe(0);
    // Redis counts the consumed "*2\r\n" line out of its query buffer: "$3\r" is left.
    expect(p.bufferedBytes()).toBe(cut - 23 - 4);
    p.feed(c2);
    expect(p.next()).toBe(1);
    expect(p.buf).not.toBe(c2); // assembled
    expect(p.buf.toString('latin1', p.argOff[1], p.argOff[1]! + p.argLen[1]!)).toBe('key2');
    expect(p.next()).toBe(1);
    expect(p.buf).toBe(c2); // the rest of the chunk is parsed in place again
    expect(p.buf.toString('latin1', p.argOff[1], p.argOff[1]! + p.argLen[1]!)).toBe('k3');
    expect(p.next()).toBe(0);
  });

  it('handles feed() called again before the previous data was drained', () => {
    const p = new RequestParser();
    const a = encode([B('ECHO'), B('one')]);
    const b = encode([B('ECHO'), B('two')]);
    const c = encode([B('ECHO'), B('three')]);
    const all = Buffer.concat([a, b, c]);
    p.feed(all.subarray(0, a.length + 5));
    expect(p.next()).toBe(1); // the server stops here (e.g. blocked client) without draining
    p.feed(all.subarray(a.length + 5, a.length + 12));
    p.feed(all.subarray(a.length + 12));
    const rest: string[][] = [];
    while (p.next() === 1) {
      const args: string[] = [];
      for (let i = 0; i < p.argc; i++) args.push(p.buf.toString('latin1', p.argOff[i], p.argOff[i]! + p.argLen[i]!));
      rest.push(args);
    }
    expect(rest).toEqual([
      ['ECHO', 'two'],
      ['ECHO', 'three'],
    ]);
  });

  it('keeps header positions right when completing a line compacts the accumulation buffer', () => {
    // The accumulation buffer ends up exactly full with the next command's header line cut right after (or before)
    // its CR; completing the line from the next chunk compacts the buffer, moving the header.
    for (const [tailOfC2, c3] of [
      ['*2\r', '\n$4\r\nECHO\r\n$2\r\nhi\r\n'],
      ['*2', '\r\n$4\r\nECHO\r\n$2\r\nhi\r\n'],
      ['*2\r\n$4\r', '\nECHO\r\n$2\r\nhi\r\n'],
    ] as const) {
      const a = encode([B('PING')]);
      const b = encode([B('ECHO'), Buffer.alloc(39_950, 0x62)]);
      const c1 = Buffer.concat([a, b.subarray(0, 5)]);
      const c2 = Buffer.concat([b.subarray(5), B(tailOfC2)]);
      expect(c2.length).toBeGreaterThan(32 * 1024); // more than twice the initial accumulation buffer
      const p = new RequestParser();
      p.feed(c1);
      expect(p.next()).toBe(1); // PING; the server does not drain further before the next reads
      p.feed(c2);
      p.feed(B(c3));
      expect(p.next()).toBe(1);
      expect(p.argLen[1]).toBe(39_950);
      expect(p.next()).toBe(1);
      expect(p.argc).toBe(2);
      expect(p.buf.toString('latin1', p.argOff[0], p.argOff[0]! + p.argLen[0]!)).toBe('ECHO');
      expect(p.buf.toString('latin1', p.argOff[1], p.argOff[1]! + p.argLen[1]!)).toBe('hi');
      expect(p.next()).toBe(0);
    }
  });

  it('parses 10,000 pipelined commands in one chunk zero-copy', () => {
    const cmds: Buffer[] = [];
    for (let i = 0; i < 10_000; i++) cmds.push(encode([B('SET'), B('key:' + i), B('v' + i * 7)]));
    const chunk = Buffer.concat(cmds);
    const p = new RequestParser();
    p.feed(chunk);
    let n = 0;
    let ok = true;
    while (p.next() === 1) {
      if (p.buf !== chunk || p.argc !== 3) ok = false;
      if (p.buf.toString('latin1', p.argOff[1], p.argOff[1]! + p.argLen[1]!) !== 'key:' + n) ok = false;
      n++;
      if (n % 1000 === 0) expect(p.bufferedBytes()).toBe(chunk.length - cmds.slice(0, n).reduce((s, c) => s + c.length, 0));
    }
    expect(ok).toBe(true);
    expect(n).toBe(10_000);
    expect(p.bufferedBytes()).toBe(0);
  });

  it('parses 10,000 pipelined commands arriving in 1000-byte chunks with linear copying', () => {
    const cmds: Buffer[] = [];
    for (let i = 0; i < 10_000; i++) cmds.push(encode([B('INCR'), B('counter:' + (i % 97))]));
    const all = Buffer.concat(cmds);
    const copy = vi.spyOn(Buffer.prototype, 'copy');
    const p = new RequestParser();
    let n = 0;
    for (let off = 0; off < all.length; off += 1000) {
      p.feed(all.subarray(off, Math.min(all.length, off + 1000)));
      while (p.next() === 1) {
        expect(p.buf.toString('latin1', p.argOff[1], p.argOff[1]! + p.argLen[1]!)).toBe('counter:' + (n % 97));
        n++;
      }
    }
    expect(n).toBe(10_000);
    // Only the bytes of commands straddling a chunk boundary are copied: a handful per chunk, not the chunk.
    let copied = 0;
    for (const call of copy.mock.calls) copied += ((call[3] as number | undefined) ?? 0) - ((call[2] as number | undefined) ?? 0);
    expect(copied).toBeLessThan(all.length / 10);
  });

  it('assembles a 100 MiB bulk arriving in 64 KiB chunks in O(n)', () => {
    const size = 100 * 1024 * 1024;
    const value = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i += 4096) value[i] = (i >>> 12) & 0xff;
    value[size - 1] = 0x5a;
    const head = B(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${size}\r\n`);
    const stream = Buffer.concat([head, value, B('\r\n'), encode([B('GET'), B('big')])]);
    const allocs = vi.spyOn(Buffer, 'allocUnsafeSlow');
    const p = new RequestParser();
    const t0 = performance.now();
    let got = 0;
    let getSeen = false;
    for (let off = 0; off < stream.length; off += 65536) {
      p.feed(stream.subarray(off, Math.min(stream.length, off + 65536)));
      for (let r = p.next(); r === 1; r = p.next()) {
        if (p.argc === 3) {
          got++;
          expect(p.argLen[2]).toBe(size);
          expect(p.buf.subarray(p.argOff[2], p.argOff[2]! + size).equals(value)).toBe(true);
          expect(p.buf.toString('latin1', p.argOff[1], p.argOff[1]! + 3)).toBe('big');
        } else {
          getSeen = true;
        }
      }
      if (off > 65536 && got === 0) expect(p.bufferedBytes()).toBeLessThanOrEqual(size + 2);
    }
    const ms = performance.now() - t0;
    expect(got).toBe(1);
    expect(getSeen).toBe(true);
    // One buffer for the whole remaining command, allocated once (no growth by repeated copying).
    const big = allocs.mock.calls.filter((c) => (c[0] as number) >= 1024 * 1024);
    expect(big.length).toBe(1);
    expect(big[0]![0]).toBeGreaterThanOrEqual(size + 2);
    expect(ms).toBeLessThan(5000);
  });

  it('sizes the buffer for the whole bulk when a big arg starts in an earlier chunk', () => {
    const size = 300_000;
    const cmd = encode([B('SET'), B('k'), Buffer.alloc(size, 120)]);
    const allocs = vi.spyOn(Buffer, 'allocUnsafeSlow');
    const p = new RequestParser();
    const r = parseChunks(p, [cmd.subarray(0, 40), cmd.subarray(40, 1000), cmd.subarray(1000, 200_000), cmd.subarray(200_000)]);
    expect(r.cmds.length).toBe(1);
    expect(r.cmds[0]![2]!.equals(Buffer.alloc(size, 120))).toBe(true);
    expect(allocs.mock.calls.filter((c) => (c[0] as number) > 16 * 1024).length).toBe(1);
  });
});

describe('RequestParser: inline', () => {
  it('splits inline commands like sdssplitargs', () => {
    // Redis: 'ECHO "a\x41\n"' -> "aA\n"; "ECHO 'a\'b'" -> "a'b"; 'ECHO a"b c"' -> "ab c"; 'ECHO ""' -> "";
    // 'ECHO "\t\b\a\r\\\"\q\xzz\x4"' -> "\t\b\x07\r\\\"qxzzx4"
    expect(run(['PING\r\n'])).toMatchObject({ cmds: [['PING']] });
    expect(run(['set "a b" \'c\'\r\n'])).toMatchObject({ cmds: [['set', 'a b', 'c']] });
    expect(run(['ECHO "a\\x41\\n"\r\n']).cmds).toEqual([['ECHO', 'aA\n']]);
    expect(run(["ECHO 'a\\'b'\r\n"]).cmds).toEqual([['ECHO', "a'b"]]);
    expect(run(['ECHO a"b c"\r\n']).cmds).toEqual([['ECHO', 'ab c']]);
    expect(run(['ECHO ""\r\n']).cmds).toEqual([['ECHO', '']]);
    expect(run(['ECHO "\\t\\b\\a\\r\\\\\\"\\q\\xzz\\x4"\r\n']).cmds).toEqual([['ECHO', '\t\b\x07\r\\"qxzzx4']]);
    // Redis: "ECHO a\x0bb" -> "a\x0bb" (\v is not a separator inside a token); "\x0bECHO\x0c ab" -> command
    // "ECHO\x0c" (leading \v skipped); 'ECHO "ab"\x0b' -> "ab"; 'ECHO "ab"\rc' -> 3 args; "ECHO \xa0b\xa0" -> 1 arg
    expect(run(['ECHO a\x0bb\r\n']).cmds).toEqual([['ECHO', 'a\x0bb']]);
    expect(run(['\x0bECHO\x0c ab\r\n']).cmds).toEqual([['ECHO\x0c', 'ab']]);
    expect(run(['ECHO "ab"\x0b\r\n']).cmds).toEqual([['ECHO', 'ab']]);
    expect(run(['ECHO "ab"\rc\r\n']).cmds).toEqual([['ECHO', 'ab', 'c']]);
    expect(run(['ECHO \xa0b\xa0\r\n']).cmds).toEqual([['ECHO', '\xa0b\xa0']]);
  });

  it('handles line endings and skips empty lines', () => {
    // Redis: "\r\n\r\nPING\r\n", "\nPING\n", "  \r\nPING\r\n", "PING\r\r\n" -> one +PONG each
    for (const s of ['\r\n\r\nPING\r\n', '\nPING\n', '  \r\nPING\r\n', 'PING\r\r\n']) {
      expect(run([s])).toMatchObject({ cmds: [['PING']], last: 0 });
    }
  });

  it('rejects unbalanced quotes', () => {
    // Redis: 'ECHO "a"b', 'ECHO "ab', "ECHO 'ab", "ECHO 'a\nb\\'" -> unbalanced quotes in request
    for (const s of ['ECHO "a"b\r\n', 'ECHO "ab\r\n', "ECHO 'ab\r\n", "ECHO 'a\\nb\\\\'\r\n", 'ECHO "ab\\"\r\n']) {
      const o = expectError([s], 'Protocol error: unbalanced quotes in request');
      expect(o.errorCode).toBe(ParseError.UNBALANCED_QUOTES);
    }
  });

  it('stalls on a NUL before the newline until the inline limit (C strchr semantics)', () => {
    // Redis: "PING\0\r\n" then "PING\r\n" -> no reply; "PING\0\r\n" then 70 KiB -> too big inline request
    expect(run(['PING\0\r\n', 'PING\r\n'])).toMatchObject({ cmds: [], last: 0 });
    expectError(['PING\0\r\n', 'x'.repeat(70 * 1024) + '\r\n'], 'Protocol error: too big inline request');
    // Same in headers: Redis: "*1\0\r\n" and "*1\r\n$4\0\r\nPING\r\n" -> no reply
    expect(run(['*1\0\r\n'])).toMatchObject({ cmds: [], last: 0 });
    expect(run(['*1\r\n$4\0\r\nPING\r\n'])).toMatchObject({ cmds: [], last: 0 });
  });

  it('rejects unterminated lines over 64 KiB', () => {
    // Redis: 65536 bytes without newline -> waits; 65537 -> error. Same for the count and bulk length lines.
    expect(run(['A'.repeat(65536)])).toMatchObject({ last: 0, error: '' });
    expectError(['A'.repeat(65537)], 'Protocol error: too big inline request');
    expectError(['A'.repeat(40000), 'A'.repeat(30000)], 'Protocol error: too big inline request');
    expect(run(['*' + '1'.repeat(65535)])).toMatchObject({ last: 0, error: '' });
    expectError(['*' + '1'.repeat(65536)], 'Protocol error: too big mbulk count string');
    expect(run(['*1\r\n$' + '1'.repeat(65535)])).toMatchObject({ last: 0, error: '' });
    expectError(['*1\r\n$' + '1'.repeat(65536)], 'Protocol error: too big bulk count string');
    // A complete line is never rejected for its length (Redis: a 70 KiB ECHO line in one write -> $71680 reply).
    const o = run(['ECHO ' + 'A'.repeat(70 * 1024) + '\r\n']);
    expect(o.cmds[0]![1]!.length).toBe(70 * 1024);
    // maxInlineLen is configurable
    expectError(['A'.repeat(101)], 'Protocol error: too big inline request', (p) => {
      p.limits.maxInlineLen = 100;
    });
  });
});

describe('RequestParser: authentication and query buffer limits', () => {
  const unauth = (p: RequestParser): void => {
    p.requireAuth = true;
  };

  it('applies the unauthenticated limits only when required and not authenticated', () => {
    // Redis (requirepass set, not authenticated): "*10\r\n" -> waits; "*11\r\n" -> unauthenticated multibulk
    // length; "*1\r\n$16384\r\n" -> waits; "*1\r\n$16385\r\n" -> unauthenticated bulk length; after AUTH both are
    // accepted; "$600000000" -> invalid bulk length (checked first).
    expect(run(['*10\r\n'], unauth)).toMatchObject({ last: 0, error: '' });
    expect(expectError(['*11\r\n'], 'Protocol error: unauthenticated multibulk length', unauth).errorCode).toBe(
      ParseError.UNAUTH_MBULK_LENGTH,
    );
    expect(run(['*1\r\n$16384\r\n'], unauth)).toMatchObject({ last: 0, error: '' });
    expectError(['*1\r\n$16385\r\n'], 'Protocol error: unauthenticated bulk length', unauth);
    expectError(['*1\r\n$600000000\r\n'], 'Protocol error: invalid bulk length', unauth);
    expectError(['*-0\r\n'], 'Protocol error: invalid multibulk length', unauth);
    // Inline commands have no such limit (Redis answers -NOAUTH for the command instead).
    expect(run(['PING a b c d e f g h i j k\r\n'], unauth).cmds[0]!.length).toBe(12);
    const authed = (p: RequestParser): void => {
      p.requireAuth = true;
      p.authenticated = true;
    };
    expect(run(['*11\r\n'], authed)).toMatchObject({ last: 0, error: '' });
    expect(run(['*1\r\n$16385\r\n'], authed)).toMatchObject({ last: 0, error: '' });
    expect(run(['*11\r\n'])).toMatchObject({ last: 0, error: '' }); // requireAuth false
  });

  it('sees authentication granted between two pipelined commands', () => {
    // Redis: "AUTH pw" then "*11\r\n" in the same write -> +OK, no error
    const p = new RequestParser();
    p.requireAuth = true;
    p.feed(B('*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*11\r\n'));
    expect(p.next()).toBe(1);
    p.authenticated = true;
    expect(p.next()).toBe(0);
  });

  it('fails without reply when the unparsed input exceeds maxQueryBuffer', () => {
    // Redis (client-query-buffer-limit 1mb): "*1\r\n$2000000\r\n" + 1,100,000 bytes -> closed, no reply.
    const limits: ParserLimits = { maxBulkLen: 512 << 20, maxQueryBuffer: 1 << 20 };
    const p = new RequestParser(limits);
    p.feed(B('*1\r\n$2000000\r\n'));
    expect(p.next()).toBe(0);
    for (let i = 0; i < 16; i++) p.feed(Buffer.alloc(65536, 97));
    expect(p.bufferedBytes()).toBe(16 * 65536);
    expect(p.next()).toBe(0);
    p.feed(Buffer.alloc(65536, 97));
    expect(p.bufferedBytes()).toBe(17 * 65536);
    expect(p.next()).toBe(-1);
    expect(p.errorCode).toBe(ParseError.QUERY_BUFFER_LIMIT);
    expect(p.error.startsWith('Protocol error:')).toBe(true);
    expect(p.errorNeedsReply()).toBe(false);
    // sticky
    p.feed(B('PING\r\n'));
    expect(p.next()).toBe(-1);
  });

  it('does not count already parsed arguments of the incomplete command', () => {
    // Redis (limit 1mb): SET with a complete 600 KB argument and 500 KB of the next one -> kept; then +OK.
    const p = new RequestParser({ maxBulkLen: 512 << 20, maxQueryBuffer: 1 << 20 });
    const head = B('*3\r\n$3\r\nSET\r\n$600000\r\n');
    const r = parseChunks(p, [
      Buffer.concat([head, Buffer.alloc(600_000, 97), B('\r\n$600000\r\n')]),
      Buffer.alloc(500_000, 98),
    ]);
    expect(r.last).toBe(0);
    expect(p.bufferedBytes()).toBe(500_000);
    expect(p.heldBytes()).toBeGreaterThan(1 << 20);
    const r2 = parseChunks(p, [Buffer.concat([Buffer.alloc(100_000, 98), B('\r\n')])]);
    expect(r2.cmds.length).toBe(1);
    expect(r2.cmds[0]![2]!.equals(Buffer.alloc(600_000, 98))).toBe(true);
  });

  it('errors are sticky until reset()', () => {
    const p = new RequestParser();
    p.feed(B('*x\r\n'));
    expect(p.next()).toBe(-1);
    expect(p.errorNeedsReply()).toBe(true);
    p.feed(B('PING\r\n'));
    expect(p.next()).toBe(-1);
    p.reset();
    expect(p.error).toBe('');
    p.feed(B('PING\r\n'));
    expect(p.next()).toBe(1);
  });
});

describe('RequestParser: arbitrary framing (property)', () => {
  /** A big argument (big-arg path), built quickly from a length and a seed instead of generated byte by byte. */
  const bigArb = fc.record({ len: fc.integer({ min: 30_000, max: 200_000 }), seed: fc.integer() }).map(({ len, seed }) => {
    const b = Buffer.allocUnsafe(len);
    let x = seed | 1;
    for (let i = 0; i < len; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      b[i] = x & 0xff;
    }
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  });
  const argArb = fc.oneof(
    { weight: 6, arbitrary: fc.uint8Array({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.constantFrom(B('\r\n'), B('*1\r\n'), B('$'), B('"'), Buffer.alloc(3, 0)) },
    { weight: 1, arbitrary: bigArb },
  );
  const cmdArb = fc.record({
    args: fc.array(argArb, { minLength: 1, maxLength: 6 }),
    inline: fc.boolean(),
    noopBefore: fc.constantFrom('', '', '*0\r\n', '\r\n', '*-1\r\n', '  \n'),
  });

  it('parses any command stream split into arbitrary chunks back to the same commands', () => {
    fc.assert(
      fc.property(fc.array(cmdArb, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (cmds, cutsRaw) => {
        const parts: Buffer[] = [];
        const expected: Buffer[][] = [];
        for (const c of cmds) {
          parts.push(B(c.noopBefore));
          const args = c.args.map((a) => Buffer.from(a));
          // Inline lines must stay under 64 KiB (4 escaped bytes per input byte).
          const inline = c.inline && args.reduce((s, a) => s + a.length * 4 + 3, 0) < 60_000;
          parts.push(inline ? encodeInline(args) : encode(args));
          expected.push(args);
        }
        const stream = Buffer.concat(parts);
        const cuts = [...new Set(cutsRaw.map((x) => x % (stream.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const c of [...cuts, stream.length]) {
          if (c > prev) chunks.push(Buffer.from(stream.subarray(prev, c)));
          prev = c;
        }
        const p = new RequestParser();
        const r = parseChunks(p, chunks);
        expect(r.last).toBe(0);
        // Compare with Buffer.equals (deep equality of big Buffers is slow).
        expect(r.cmds.length).toBe(expected.length);
        for (let i = 0; i < expected.length; i++) {
          expect(r.cmds[i]!.length).toBe(expected[i]!.length);
          for (let j = 0; j < expected[i]!.length; j++) expect(r.cmds[i]![j]!.equals(expected[i]![j]!)).toBe(true);
        }
        expect(p.bufferedBytes()).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  /**
   * Feeds `cmds` in chunks of the plan's sizes, running `budget` next() calls after each (a blocked or paused client
   * stops calling next() while reads keep arriving). `shared`: every chunk is read into one reused buffer and the
   * parser detaches after each read, as the server's shared read buffer (server/net/shared-read.ts) does; the
   * buffer is then scribbled over, so a byte the parser kept a view of instead of a copy changes a command. As the
   * server does, the whole buffer is fed with the read's length (`feed(buf, n)`), the bytes after it protocol-like
   * garbage, so a parser that read past `n` would see other commands.
   */
  function feedPlan(cmds: { args: Uint8Array[]; noopBefore: string }[], plan: { size: number; budget: number }[], shared: boolean): void {
    const expected: Buffer[][] = [];
    const parts: Buffer[] = [];
    for (const c of cmds) {
      parts.push(B(c.noopBefore), encode(c.args.map((a) => Buffer.from(a))));
      expected.push(c.args.map((a) => Buffer.from(a)));
    }
    const stream = Buffer.concat(parts);
    const p = new RequestParser();
    const got: Buffer[][] = [];
    const take = (): number => {
      const r = p.next();
      if (r === 1) {
        const args: Buffer[] = [];
        for (let i = 0; i < p.argc; i++) args.push(Buffer.from(p.buf.subarray(p.argOff[i], p.argOff[i]! + p.argLen[i]!)));
        got.push(args);
      }
      return r;
    };
    const readBuf = Buffer.alloc(40_000);
    let off = 0;
    let k = 0;
    while (off < stream.length) {
      const step = plan[k % plan.length]!;
      k++;
      const n = Math.min(stream.length - off, step.size);
      const chunk = shared ? readBuf : Buffer.alloc(n);
      if (shared) readBuf.fill('*1\r\n$4\r\nPING\r\n');
      stream.copy(chunk, 0, off, off + n);
      off += n;
      if (shared) p.feed(chunk, n);
      else p.feed(chunk);
      for (let i = 0; i < step.budget; i++) if (take() !== 1) break;
      if (shared) {
        p.detach();
        readBuf.fill(0xaa);
      }
    }
    let r: number;
    while ((r = take()) === 1);
    expect(r).toBe(0);
    expect(got.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) {
      expect(got[i]!.length).toBe(expected[i]!.length);
      for (let j = 0; j < expected[i]!.length; j++) expect(got[i]![j]!.equals(expected[i]![j]!)).toBe(true);
    }
  }
  const planArb = fc.array(fc.record({ size: fc.integer({ min: 1, max: 40_000 }), budget: fc.integer({ min: 0, max: 3 }) }), {
    minLength: 1,
    maxLength: 40,
  });

  it('gives the same commands when the server feeds several chunks before draining', () => {
    fc.assert(
      fc.property(fc.array(cmdArb, { minLength: 1, maxLength: 12 }), planArb, (cmds, plan) => feedPlan(cmds, plan, false)),
      { numRuns: 400 },
    );
  });

  it('keeps no view of a chunk after detach(): every read into one reused buffer gives the same commands', () => {
    fc.assert(
      fc.property(fc.array(cmdArb, { minLength: 1, maxLength: 12 }), planArb, (cmds, plan) => feedPlan(cmds, plan, true)),
      { numRuns: 400 },
    );
  });

  it('splits at every byte offset and byte by byte', () => {
    const stream = Buffer.concat([
      encode([B('SET'), B('key'), Buffer.from([0, 1, 13, 10, 255])]),
      B('\r\n'),
      B('ECHO "x\\x00y" \'z\'\r\n'),
      B('*0\r\n'),
      encode([B('MGET'), B('a'), B(''), B('c')]),
      B('PING\n'),
    ]);
    const want = parseChunks(new RequestParser(), [stream]).cmds;
    expect(want.length).toBe(4);
    for (let i = 0; i <= stream.length; i++) {
      const r = parseChunks(new RequestParser(), [stream.subarray(0, i), stream.subarray(i)].filter((b) => b.length));
      expect(r.cmds).toEqual(want);
      for (let j = i + 1; j < stream.length; j += 7) {
        const r3 = parseChunks(new RequestParser(), [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]);
        expect(r3.cmds).toEqual(want);
      }
    }
    const bytes: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) bytes.push(stream.subarray(i, i + 1));
    expect(parseChunks(new RequestParser(), bytes).cmds).toEqual(want);
  });
});

describe('splitArgs', () => {
  const s = (line: string | Buffer): string[] | null => splitArgs(line)?.map((b) => b.toString('latin1')) ?? null;

  it('splits config-file style lines', () => {
    expect(s('save 900 1')).toEqual(['save', '900', '1']);
    expect(s('  requirepass "p w\\"d"  ')).toEqual(['requirepass', 'p w"d']);
    expect(s("rename-command CONFIG ''")).toEqual(['rename-command', 'CONFIG', '']);
    expect(s('')).toEqual([]);
    expect(s(' \t ')).toEqual([]);
    expect(s('a\tb\r\n')).toEqual(['a', 'b']);
    expect(s('"\\xff\\x00\\x4A"')).toEqual(['\xff\x00J']);
    expect(s("'a\\nb'")).toEqual(['a\\nb']);
    expect(s("'it\\'s'")).toEqual(["it's"]);
  });

  it('returns null on unbalanced quotes', () => {
    expect(s('"abc')).toBeNull();
    expect(s("'abc")).toBeNull();
    expect(s('"a"b')).toBeNull();
    expect(s("'a'b")).toBeNull();
    expect(s('"abc\\"')).toBeNull();
    expect(s('"a\\')).toBeNull();
  });

  it('treats a NUL byte as the end of the input (C string)', () => {
    expect(s(Buffer.from('a b\0c d', 'latin1'))).toEqual(['a', 'b']);
    expect(s(Buffer.from('"ab\0c"', 'latin1'))).toBeNull();
  });

  it('encodes string input as UTF-8', () => {
    expect(splitArgs('dir "/tmp/é"')!.map((b) => b.toString('utf8'))).toEqual(['dir', '/tmp/é']);
  });
});
