/**
 * tierkv with redis-cli (redis-tools) and with hand-written protocol bytes over raw sockets: simple commands,
 * `--pipe` mass insertion, `-x` binary input, `--no-raw` formatting, inline commands, 1 MiB and 100 MiB values,
 * every SET option, TTL behaviour, OOM under noeviction, protocol errors closing only the offending connection,
 * and requirepass/NOAUTH. The server is chosen by TIERKV_TARGET (see test/support/tierkv.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSameBytes } from '../support/bytes.js';
import { RawClient, decodeReply, encodeCommand, withRawClient } from '../support/raw-client.js';
import { runCli } from '../support/redis-cli.js';
import { MISSING_REDIS_CLI, hasRedisCli } from '../support/redis-server.js';
import { sleep } from '../support/wait.js';
import type { ServerHandle, ServerParams } from '../support/server-handle.js';
import { targetLabel } from '../support/tierkv.js';
import { useTarget } from '../support/fixtures.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
/** The raw reply bytes as a latin1 string, for readable exact assertions. */
const s = (raw: Buffer): string => raw.toString('latin1');

const cli = hasRedisCli();

describe(`redis-cli and raw protocol against ${targetLabel()}`, () => {
  const srv = useTarget();

  describe.skipIf(!cli)(`redis-cli ${cli ? '' : MISSING_REDIS_CLI}`, () => {
    it('runs simple commands (raw output when stdout is not a tty)', async () => {
      expect((await runCli(srv(), ['PING'])).out).toBe('PONG\n');
      expect((await runCli(srv(), ['SET', 'cli:k', 'hello world'])).out).toBe('OK\n');
      expect((await runCli(srv(), ['GET', 'cli:k'])).out).toBe('hello world\n');
      expect((await runCli(srv(), ['DEL', 'cli:n'])).code).toBe(0);
      expect((await runCli(srv(), ['INCR', 'cli:n'])).out).toBe('1\n');
      expect((await runCli(srv(), ['GET', 'cli:missing'])).out).toBe('\n');
      expect((await runCli(srv(), ['INCR', 'cli:k'])).out.trim()).toBe('ERR value is not an integer or out of range');
      expect((await runCli(srv(), ['ECHO', 'a\nb'])).out).toBe('a\nb\n');
    });

    it('formats replies with --no-raw', async () => {
      await runCli(srv(), ['DEL', 'cli:nr', 'cli:cnt']);
      expect((await runCli(srv(), ['--no-raw', 'SET', 'cli:nr', 'v 1'])).out).toBe('OK\n');
      expect((await runCli(srv(), ['--no-raw', 'GET', 'cli:nr'])).out).toBe('"v 1"\n');
      expect((await runCli(srv(), ['--no-raw', 'INCR', 'cli:cnt'])).out).toBe('(integer) 1\n');
      expect((await runCli(srv(), ['--no-raw', 'GET', 'cli:missing'])).out).toBe('(nil)\n');
      expect((await runCli(srv(), ['--no-raw', 'MGET', 'cli:nr', 'cli:missing', 'cli:cnt'])).out).toBe(
        '1) "v 1"\n2) (nil)\n3) "1"\n',
      );
      expect((await runCli(srv(), ['--no-raw', 'INCR', 'cli:nr'])).out).toBe(
        '(error) ERR value is not an integer or out of range\n',
      );
      expect((await runCli(srv(), ['--no-raw', 'NOSUCHCMD', 'a', 'b'])).out).toBe(
        "(error) ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' \n",
      );
      expect((await runCli(srv(), ['--no-raw', 'INCRBYFLOAT', 'cli:cnt', '1.5'])).out).toBe('"2.5"\n');
      expect((await runCli(srv(), ['--no-raw', 'KEYS', 'cli:nomatch*'])).out).toBe('(empty array)\n');
      expect((await runCli(srv(), ['-3', '--no-raw', 'GET', 'cli:missing'])).out).toBe('(nil)\n');
      expect((await runCli(srv(), ['-3', '--no-raw', 'TTL', 'cli:nr'])).out).toBe('(integer) -1\n');
    });

    it('sends binary stdin as the last argument with -x', async () => {
      const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), b('\r\n\x00end')]);
      expect((await runCli(srv(), ['-x', 'SET', 'cli:bin'], { input: data })).out).toBe('OK\n');
      await withRawClient(srv().port, async (c) => {
        assertSameBytes(decodeReply(await c.command('GET', 'cli:bin'), { buffers: true }) as Buffer, data, 'GET cli:bin');
      });
      expect((await runCli(srv(), ['--no-raw', 'GETRANGE', 'cli:bin', '0', '3'])).out).toBe('"\\x00\\x01\\x02\\x03"\n');
      expect((await runCli(srv(), ['STRLEN', 'cli:bin'])).out).toBe(`${data.length}\n`);
    });

    it('mass-inserts 10,000 commands with --pipe', async () => {
      const before = Number((await runCli(srv(), ['DBSIZE'])).out);
      const pipe = (cmd: string, extra: (i: number) => string[]): Buffer =>
        Buffer.concat(Array.from({ length: 10_000 }, (_, i) => encodeCommand([cmd, `cli:pipe:${i}`, ...extra(i)])));
      const r = await runCli(srv(), ['--pipe'], { input: pipe('SET', (i) => [`value-${i}`]) });
      expect(r.code, r.out + r.stderr).toBe(0);
      expect(r.out).toMatch(/All data transferred/);
      expect(r.out).toMatch(/errors: 0, replies: 10000\s*$/);
      expect((await runCli(srv(), ['DBSIZE'])).out).toBe(`${before + 10_000}\n`);
      expect((await runCli(srv(), ['GET', 'cli:pipe:9999'])).out).toBe('value-9999\n');
      expect((await runCli(srv(), ['GET', 'cli:pipe:0'])).out).toBe('value-0\n');
      const del = await runCli(srv(), ['--pipe'], { input: pipe('DEL', () => []) });
      expect(del.out).toMatch(/errors: 0, replies: 10000\s*$/);
      expect((await runCli(srv(), ['DBSIZE'])).out).toBe(`${before}\n`);
    });

    it('selects database 0 with -n 0 and reports the error for another', async () => {
      expect((await runCli(srv(), ['-n', '0', 'SET', 'cli:db0', 'zero'])).out).toBe('OK\n');
      expect((await runCli(srv(), ['GET', 'cli:db0'])).out).toBe('zero\n');
      const other = await runCli(srv(), ['-n', '5', 'GET', 'cli:db0']);
      expect(other.out + other.stderr).toContain('DB index is out of range');
      expect((await runCli(srv(), ['DEL', 'cli:db0'])).out).toBe('1\n');
    });

    it('counts error replies in --pipe mode', async () => {
      const proto = Buffer.concat([
        encodeCommand(['SET', 'cli:pipe:text', 'abc']),
        ...Array.from({ length: 9 }, () => encodeCommand(['INCR', 'cli:pipe:text'])),
      ]);
      const r = await runCli(srv(), ['--pipe'], { input: proto });
      expect(r.out).toMatch(/errors: 9, replies: 10\s*$/);
    });
  });

  describe('inline commands over a raw socket', () => {
    it('answers inline PING, with CRLF or bare LF', async () => {
      await withRawClient(srv().port, async (c) => {
        c.send('PING\r\n');
        expect(s(await c.readReply())).toBe('+PONG\r\n');
        c.send('ping\n');
        expect(s(await c.readReply())).toBe('+PONG\r\n');
        c.send('PING hello\r\n');
        expect(s(await c.readReply())).toBe('$5\r\nhello\r\n');
      });
    });

    it('parses quoted arguments and escapes', async () => {
      await withRawClient(srv().port, async (c) => {
        c.send(`SET "inline key" 'it''s'\r\n`);
        expect(s(await c.readReply())).toBe('-ERR Protocol error: unbalanced quotes in request\r\n');
      });
      await withRawClient(srv().port, async (c) => {
        c.send(`SET "inline key" 'single \\' quote'\r\n`);
        expect(s(await c.readReply())).toBe('+OK\r\n');
        expect(s(await c.command('GET', 'inline key'))).toBe("$14\r\nsingle ' quote\r\n");
        c.send('ECHO "tab\\there\\x41\\x00\\n"\r\n');
        expect(await c.readReply()).toEqual(b('$11\r\ntab\there\x41\x00\n\r\n'));
        c.send('   SET    spaced     out   \r\n');
        expect(s(await c.readReply())).toBe('+OK\r\n');
        expect(s(await c.command('GET', 'spaced'))).toBe('$3\r\nout\r\n');
        c.send('SET "a b"c d\r\n'); // closing quote must be followed by a space
        expect(s(await c.readReply())).toBe('-ERR Protocol error: unbalanced quotes in request\r\n');
        await c.readClosed();
      });
    });

    it('pipelines inline and multibulk commands and skips empty lines and empty multibulks', async () => {
      await withRawClient(srv().port, async (c) => {
        c.send(Buffer.concat([b('\r\n\r\nSET inl 1\r\nINCR inl\n*0\r\n'), encodeCommand(['GET', 'inl']), b('ECHO x\r\n')]));
        expect(s(await c.readReply())).toBe('+OK\r\n');
        expect(s(await c.readReply())).toBe(':2\r\n');
        expect(s(await c.readReply())).toBe('$1\r\n2\r\n');
        expect(s(await c.readReply())).toBe('$1\r\nx\r\n');
        c.send('PING\r\n');
        expect(s(await c.readReply())).toBe('+PONG\r\n');
      });
    });

    it('reassembles commands split across arbitrary TCP writes', async () => {
      await withRawClient(srv().port, async (c) => {
        const bytes = Buffer.concat([encodeCommand(['SET', 'split', 'a\r\nb']), b('GET split\r\n')]);
        for (let i = 0; i < bytes.length; i++) {
          await c.send(bytes.subarray(i, i + 1));
          if (i % 7 === 0) await sleep(1);
        }
        expect(s(await c.readReply())).toBe('+OK\r\n');
        expect(s(await c.readReply())).toBe('$4\r\na\r\nb\r\n');
      });
    });
  });

  describe('large values over a raw socket', () => {
    it('stores and returns a 1 MiB value', async () => {
      await withRawClient(srv().port, async (c) => {
        const v = Buffer.alloc(1024 * 1024);
        for (let i = 0; i < v.length; i++) v[i] = (i * 31 + (i >> 10)) & 0xff;
        expect(s(await c.command('SET', 'big1', v))).toBe('+OK\r\n');
        expect(s(await c.command('STRLEN', 'big1'))).toBe(':1048576\r\n');
        assertSameBytes(decodeReply(await c.command('GET', 'big1'), { buffers: true }) as Buffer, v, 'GET big1');
        expect(await c.command('GETRANGE', 'big1', '-3', '-1')).toEqual(
          Buffer.concat([b('$3\r\n'), v.subarray(v.length - 3), b('\r\n')]),
        );
        expect(s(await c.command('APPEND', 'big1', 'xyz'))).toBe(':1048579\r\n');
        expect(s(await c.command('DEL', 'big1'))).toBe(':1\r\n');
      });
    });

    it('stores and returns a 100 MiB value', { timeout: 180_000 }, async () => {
      await withRawClient(
        srv().port,
        async (c) => {
          const size = 100 * 1024 * 1024;
          const v = Buffer.alloc(size, 0x5a);
          v.write('head', 0, 'latin1');
          v.write('tail', size - 4, 'latin1');
          v[size >> 1] = 0;
          const reply = c.readReply();
          await c.send(encodeCommand(['SET', 'big100', v]));
          expect(s(await reply)).toBe('+OK\r\n');
          expect(s(await c.command('STRLEN', 'big100'))).toBe(`:${size}\r\n`);
          const got = await c.command('GET', 'big100');
          const header = b(`$${size}\r\n`);
          expect(got.length).toBe(header.length + size + 2);
          assertSameBytes(got.subarray(0, header.length), header, 'GET header');
          assertSameBytes(got.subarray(header.length, header.length + size), v, 'GET big100');
          expect(s(await c.command('GETRANGE', 'big100', String(size - 4), '-1'))).toBe('$4\r\ntail\r\n');
          expect(s(await c.command('DEL', 'big100'))).toBe(':1\r\n');
        },
        { readTimeoutMs: 120_000 },
      );
    });
  });

  describe('SET options', () => {
    const future = (): number => Math.floor(Date.now() / 1000) + 10_000;

    it('plain SET, NX, XX and GET', async () => {
      await withRawClient(srv().port, async (c) => {
        await c.command('DEL', 'so');
        expect(s(await c.command('SET', 'so', 'a', 'XX'))).toBe('$-1\r\n');
        expect(s(await c.command('EXISTS', 'so'))).toBe(':0\r\n');
        expect(s(await c.command('SET', 'so', 'a', 'NX'))).toBe('+OK\r\n');
        expect(s(await c.command('SET', 'so', 'b', 'NX'))).toBe('$-1\r\n');
        expect(s(await c.command('GET', 'so'))).toBe('$1\r\na\r\n');
        expect(s(await c.command('SET', 'so', 'c', 'XX'))).toBe('+OK\r\n');
        expect(s(await c.command('SET', 'so', 'd', 'GET'))).toBe('$1\r\nc\r\n');
        expect(s(await c.command('SET', 'so', 'e', 'NX', 'GET'))).toBe('$1\r\nd\r\n'); // not set, old value
        expect(s(await c.command('GET', 'so'))).toBe('$1\r\nd\r\n');
        expect(s(await c.command('SET', 'so:new', 'x', 'XX', 'GET'))).toBe('$-1\r\n');
        expect(s(await c.command('EXISTS', 'so:new'))).toBe(':0\r\n');
        expect(s(await c.command('set', 'so', 'f', 'xx', 'get'))).toBe('$1\r\nd\r\n');
        expect(s(await c.command('SET', 'so', ''))).toBe('+OK\r\n');
        expect(s(await c.command('GET', 'so'))).toBe('$0\r\n\r\n');
      });
    });

    it('EX, PX, EXAT, PXAT and KEEPTTL set or keep the expiry', async () => {
      await withRawClient(srv().port, async (c) => {
        const ttl = async (): Promise<number> => Number(s(await c.command('PTTL', 'st')).slice(1, -2));
        expect(s(await c.command('SET', 'st', 'v', 'EX', '100'))).toBe('+OK\r\n');
        expect(await ttl()).toBeGreaterThan(98_000);
        expect(await ttl()).toBeLessThanOrEqual(100_000);
        expect(s(await c.command('SET', 'st', 'v', 'PX', '200000'))).toBe('+OK\r\n');
        expect(await ttl()).toBeGreaterThan(198_000);
        const at = future();
        expect(s(await c.command('SET', 'st', 'v', 'EXAT', String(at)))).toBe('+OK\r\n');
        expect(s(await c.command('EXPIRETIME', 'st'))).toBe(`:${at}\r\n`);
        expect(s(await c.command('SET', 'st', 'v', 'PXAT', String(at * 1000 + 123)))).toBe('+OK\r\n');
        expect(s(await c.command('PEXPIRETIME', 'st'))).toBe(`:${at * 1000 + 123}\r\n`);
        expect(s(await c.command('SET', 'st', 'w', 'KEEPTTL'))).toBe('+OK\r\n');
        expect(s(await c.command('PEXPIRETIME', 'st'))).toBe(`:${at * 1000 + 123}\r\n`);
        expect(s(await c.command('SET', 'st', 'x'))).toBe('+OK\r\n'); // a plain SET clears the TTL
        expect(s(await c.command('TTL', 'st'))).toBe(':-1\r\n');
        expect(s(await c.command('SET', 'st', 'y', 'ex', '100', 'xx', 'get'))).toBe('$1\r\nx\r\n');
        expect(await ttl()).toBeGreaterThan(98_000);
        expect(s(await c.command('SET', 'st', 'z', 'PXAT', '1'))).toBe('+OK\r\n'); // in the past: gone at once
        expect(s(await c.command('GET', 'st'))).toBe('$-1\r\n');
        expect(s(await c.command('EXISTS', 'st'))).toBe(':0\r\n');
      });
    });

    it('rejects invalid combinations and values with Redis error replies', async () => {
      await withRawClient(srv().port, async (c) => {
        const syntax = '-ERR syntax error\r\n';
        const notInt = '-ERR value is not an integer or out of range\r\n';
        const invalidExpire = "-ERR invalid expire time in 'set' command\r\n";
        const cases: [string[], string][] = [
          [['SET', 'e', 'v', 'NX', 'XX'], syntax],
          [['SET', 'e', 'v', 'EX', '10', 'PX', '100'], syntax],
          [['SET', 'e', 'v', 'KEEPTTL', 'EX', '10'], syntax],
          [['SET', 'e', 'v', 'PXAT', '10', 'KEEPTTL'], syntax],
          [['SET', 'e', 'v', 'EX'], syntax],
          [['SET', 'e', 'v', 'BOGUS'], syntax],
          [['SET', 'e', 'v', 'EX', 'abc'], notInt],
          [['SET', 'e', 'v', 'EX', '1.5'], notInt],
          [['SET', 'e', 'v', 'EX', '0'], invalidExpire],
          [['SET', 'e', 'v', 'EX', '-5'], invalidExpire],
          [['SET', 'e', 'v', 'PX', '0'], invalidExpire],
          [['SET', 'e', 'v', 'EXAT', '0'], invalidExpire],
          [['SET', 'e', 'v', 'EX', '9223372036854775807'], invalidExpire],
          [['SET', 'e'], "-ERR wrong number of arguments for 'set' command\r\n"],
        ];
        for (const [args, want] of cases) expect(s(await c.command(...args)), args.join(' ')).toBe(want);
        expect(s(await c.command('EXISTS', 'e'))).toBe(':0\r\n');
        // Repeating the same flag is allowed (only conflicting ones are errors).
        expect(s(await c.command('SET', 'e', 'v', 'NX', 'NX'))).toBe('+OK\r\n');
        expect(s(await c.command('SET', 'e', 'v', 'EX', '100', 'EX', '200'))).toBe('+OK\r\n');
        expect(s(await c.command('TTL', 'e'))).toMatch(/^:(199|200)\r\n$/);
      });
    });

    it('SETNX, SETEX, PSETEX, GETSET, GETDEL and GETEX', async () => {
      await withRawClient(srv().port, async (c) => {
        await c.command('DEL', 'sx');
        expect(s(await c.command('SETNX', 'sx', '1'))).toBe(':1\r\n');
        expect(s(await c.command('SETNX', 'sx', '2'))).toBe(':0\r\n');
        expect(s(await c.command('SETEX', 'sx', '100', '3'))).toBe('+OK\r\n');
        expect(s(await c.command('TTL', 'sx'))).toMatch(/^:(99|100)\r\n$/);
        expect(s(await c.command('SETEX', 'sx', '0', '3'))).toBe("-ERR invalid expire time in 'setex' command\r\n");
        expect(s(await c.command('PSETEX', 'sx', '100000', '4'))).toBe('+OK\r\n');
        expect(s(await c.command('GETSET', 'sx', '5'))).toBe('$1\r\n4\r\n');
        expect(s(await c.command('TTL', 'sx'))).toBe(':-1\r\n');
        expect(s(await c.command('GETEX', 'sx', 'PX', '100000'))).toBe('$1\r\n5\r\n');
        expect(s(await c.command('PTTL', 'sx'))).toMatch(/^:(9\d{4}|100000)\r\n$/);
        expect(s(await c.command('GETEX', 'sx', 'PERSIST'))).toBe('$1\r\n5\r\n');
        expect(s(await c.command('TTL', 'sx'))).toBe(':-1\r\n');
        expect(s(await c.command('GETDEL', 'sx'))).toBe('$1\r\n5\r\n');
        expect(s(await c.command('GETDEL', 'sx'))).toBe('$-1\r\n');
      });
    });
  });

  describe('TTL behaviour', () => {
    it('expires keys passively and actively, and reports -2/-1', async () => {
      await withRawClient(srv().port, async (c) => {
        expect(s(await c.command('SET', 'tt', 'v', 'PX', '100'))).toBe('+OK\r\n');
        expect(s(await c.command('GET', 'tt'))).toBe('$1\r\nv\r\n');
        await sleep(250);
        expect(s(await c.command('GET', 'tt'))).toBe('$-1\r\n');
        expect(s(await c.command('TTL', 'tt'))).toBe(':-2\r\n');
        expect(s(await c.command('PTTL', 'tt'))).toBe(':-2\r\n');
        expect(s(await c.command('EXPIRE', 'tt', '100'))).toBe(':0\r\n');
        expect(s(await c.command('SET', 'tt', 'v'))).toBe('+OK\r\n');
        expect(s(await c.command('TTL', 'tt'))).toBe(':-1\r\n');
        expect(s(await c.command('EXPIRETIME', 'tt'))).toBe(':-1\r\n');
        expect(s(await c.command('PERSIST', 'tt'))).toBe(':0\r\n');
        // Active expiry: keys nobody touches again disappear from DBSIZE by themselves.
        const before = s(await c.command('DBSIZE'));
        const n = Number(before.slice(1, -2));
        await c.pipeline(Array.from({ length: 50 }, (_, i) => ['SET', `act:${i}`, 'v', 'PX', '50']));
        expect(s(await c.command('DBSIZE'))).toBe(`:${n + 50}\r\n`);
        const deadline = Date.now() + 5000;
        let size = '';
        while (Date.now() < deadline && (size = s(await c.command('DBSIZE'))) !== before) await sleep(100);
        expect(size, 'keys with an elapsed TTL still counted 5 s later (no active expiry?)').toBe(before);
      });
    });

    it('keeps the TTL through INCR, APPEND, SETRANGE and RENAME; EXPIRE with NX/XX/GT/LT', async () => {
      await withRawClient(srv().port, async (c) => {
        await c.command('DEL', 'tk', 'tk2');
        expect(s(await c.command('SET', 'tk', '1', 'EX', '1000'))).toBe('+OK\r\n');
        await c.command('INCR', 'tk');
        await c.command('APPEND', 'tk', '0');
        await c.command('SETRANGE', 'tk', '0', '3');
        expect(s(await c.command('GET', 'tk'))).toBe('$2\r\n30\r\n');
        expect(s(await c.command('RENAME', 'tk', 'tk2'))).toBe('+OK\r\n');
        expect(s(await c.command('TTL', 'tk2'))).toMatch(/^:(999|1000)\r\n$/);
        expect(s(await c.command('EXPIRE', 'tk2', '500', 'NX'))).toBe(':0\r\n');
        expect(s(await c.command('EXPIRE', 'tk2', '500', 'GT'))).toBe(':0\r\n');
        expect(s(await c.command('EXPIRE', 'tk2', '500', 'LT'))).toBe(':1\r\n');
        expect(s(await c.command('EXPIRE', 'tk2', '2000', 'XX'))).toBe(':1\r\n');
        expect(s(await c.command('EXPIRE', 'tk2', '10', 'NX', 'XX'))).toBe(
          '-ERR NX and XX, GT or LT options at the same time are not compatible\r\n',
        );
        expect(s(await c.command('EXPIRE', 'tk2', '10', 'GT', 'LT'))).toBe(
          '-ERR GT and LT options at the same time are not compatible\r\n',
        );
        expect(s(await c.command('PERSIST', 'tk2'))).toBe(':1\r\n');
        expect(s(await c.command('EXPIRE', 'tk2', '100', 'GT'))).toBe(':0\r\n'); // no TTL counts as infinite
        expect(s(await c.command('EXPIRE', 'tk2', '100', 'LT'))).toBe(':1\r\n');
        expect(s(await c.command('EXPIRE', 'tk2', '-1'))).toBe(':1\r\n'); // a past time deletes
        expect(s(await c.command('EXISTS', 'tk2'))).toBe(':0\r\n');
      });
    });
  });
});

describe(`OOM under maxmemory-policy noeviction against ${targetLabel()}`, () => {
  const srv = useTarget({ maxmemory: '4mb', 'maxmemory-policy': 'noeviction' });

  it('refuses writes with -OOM once full, still serves reads and deletes, and recovers after FLUSHALL', async () => {
    await withRawClient(srv().port, async (c) => {
      const value = Buffer.alloc(64 * 1024, 0x61);
      let oom: string | undefined;
      let stored = 0;
      for (let i = 0; i < 2000 && oom === undefined; i++) {
        const r = s(await c.command('SET', `oom:${i}`, value));
        if (r === '+OK\r\n') stored++;
        else oom = r;
      }
      expect(oom, 'no error after writing 2000 × 64 KiB into maxmemory 4mb').toBe(
        "-OOM command not allowed when used memory > 'maxmemory'.\r\n",
      );
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThan(64); // 4 MiB holds fewer than 64 values of 64 KiB
      expect(s(await c.command('SET', 'oom:again', value))).toBe("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
      expect(s(await c.command('EXISTS', 'oom:again'))).toBe(':0\r\n');
      expect(s(await c.command('GET', 'oom:0')).length).toBe(`$${value.length}\r\n`.length + value.length + 2);
      expect(s(await c.command('EXISTS', 'oom:0'))).toBe(':1\r\n');
      expect(s(await c.command('DBSIZE'))).toBe(`:${stored}\r\n`);
      expect(s(await c.command('DEL', 'oom:0'))).toBe(':1\r\n');
      expect(s(await c.command('FLUSHALL'))).toBe('+OK\r\n');
      expect(s(await c.command('SET', 'oom:after', value))).toBe('+OK\r\n');
    });
  });
});

describe(`protocol errors against ${targetLabel()}`, () => {
  const srv = useTarget();

  const cases: [string, string, string][] = [
    ['bad multibulk length', '*abc\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
    ['bad bulk length', '*1\r\n$x\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['negative bulk length', '*1\r\n$-5\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['bulk longer than proto-max-bulk-len', '*1\r\n$536870913\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['missing $', '*1\r\nPING\r\n', "-ERR Protocol error: expected '$', got 'P'\r\n"],
    ['unbalanced quotes', 'SET "a b\r\n', '-ERR Protocol error: unbalanced quotes in request\r\n'],
  ];

  it.for(cases)('%s: error reply, connection closed, others unaffected', async ([, bytes, reply]) => {
    const good = await RawClient.connect(srv().port);
    const bad = await RawClient.connect(srv().port);
    try {
      expect(s(await good.command('SET', 'pe:k', 'intact'))).toBe('+OK\r\n');
      const dbsize = s(await good.command('DBSIZE'));
      await bad.send(bytes);
      expect(s(await bad.readReply())).toBe(reply);
      await bad.readClosed();
      expect(s(await good.command('GET', 'pe:k'))).toBe('$6\r\nintact\r\n');
      expect(s(await good.command('DBSIZE'))).toBe(dbsize);
      const fresh = await RawClient.connect(srv().port);
      expect(s(await fresh.command('PING'))).toBe('+PONG\r\n');
      fresh.destroy();
    } finally {
      good.destroy();
      bad.destroy();
    }
  });

  it('replies to the commands before a protocol error in the same write', async () => {
    await withRawClient(srv().port, async (c) => {
      c.send(Buffer.concat([encodeCommand(['SET', 'pe:before', '1']), b('PING\r\n'), b('*1\r\n$z\r\n'), encodeCommand(['SET', 'pe:after', '1'])]));
      expect(s(await c.readReply())).toBe('+OK\r\n');
      expect(s(await c.readReply())).toBe('+PONG\r\n');
      expect(s(await c.readReply())).toBe('-ERR Protocol error: invalid bulk length\r\n');
      await c.readClosed();
    });
    await withRawClient(srv().port, async (c) => {
      expect(s(await c.command('EXISTS', 'pe:before', 'pe:after'))).toBe(':1\r\n');
    });
  });
});

describe(`requirepass against ${targetLabel()}`, () => {
  const srv = useTarget({ requirepass: 'hunter2' });
  const noauth = '-NOAUTH Authentication required.\r\n';

  it('refuses commands before AUTH with -NOAUTH and accepts them after', async () => {
    await withRawClient(srv().port, async (c) => {
      expect(s(await c.command('GET', 'x'))).toBe(noauth);
      expect(s(await c.command('SET', 'x', '1'))).toBe(noauth);
      expect(s(await c.command('PING'))).toBe(noauth);
      expect(s(await c.command('AUTH', 'wrong'))).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      expect(s(await c.command('GET', 'x'))).toBe(noauth);
      expect(s(await c.command('AUTH', 'a', 'b', 'c'))).toBe('-ERR syntax error\r\n');
      expect(s(await c.command('AUTH', 'hunter2'))).toBe('+OK\r\n');
      expect(s(await c.command('SET', 'x', '1'))).toBe('+OK\r\n');
      expect(s(await c.command('GET', 'x'))).toBe('$1\r\n1\r\n');
    });
    await withRawClient(srv().port, async (c) => {
      expect(s(await c.command('AUTH', 'default', 'hunter2'))).toBe('+OK\r\n');
      expect(s(await c.command('GET', 'x'))).toBe('$1\r\n1\r\n');
    });
  });

  it('authenticates with HELLO 3 AUTH and rejects HELLO without it', async () => {
    await withRawClient(srv().port, async (c) => {
      expect(s(await c.command('HELLO', '3'))).toMatch(/^-NOAUTH HELLO must be called with the client already authenticated/);
      const hello = decodeReply(await c.command('HELLO', '3', 'AUTH', 'default', 'hunter2'));
      expect(hello).toBeInstanceOf(Map);
      expect((hello as Map<unknown, unknown>).get('proto')).toBe(3);
      expect(s(await c.command('GET', 'nothing'))).toBe('_\r\n');
    });
  });

  it('limits unauthenticated requests', async () => {
    await withRawClient(srv().port, async (c) => {
      c.send('*11\r\n');
      expect(s(await c.readReply())).toBe('-ERR Protocol error: unauthenticated multibulk length\r\n');
      await c.readClosed();
    });
    await withRawClient(srv().port, async (c) => {
      c.send('*1\r\n$16385\r\n');
      expect(s(await c.readReply())).toBe('-ERR Protocol error: unauthenticated bulk length\r\n');
      await c.readClosed();
    });
  });

  it.skipIf(!cli)('works with redis-cli -a and REDISCLI_AUTH, and shows NOAUTH without', async () => {
    expect((await runCli(srv(), ['-a', 'hunter2', '--no-auth-warning', 'PING'])).out).toBe('PONG\n');
    expect((await runCli(srv(), ['PING'], { env: { REDISCLI_AUTH: 'hunter2' } })).out).toBe('PONG\n');
    expect((await runCli(srv(), ['GET', 'x'])).out.trim()).toBe('NOAUTH Authentication required.');
    const wrong = await runCli(srv(), ['-a', 'nope', '--no-auth-warning', 'PING']);
    expect(wrong.out + wrong.stderr).toMatch(/WRONGPASS|AUTH failed/);
  });
});
