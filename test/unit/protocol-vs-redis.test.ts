/**
 * Differential test of the request parser against the real redis-server: the same raw bytes go to Redis over TCP
 * and through a RequestParser whose commands (PING, ECHO, AUTH only) are answered by a tiny evaluator using the
 * ReplyWriter. The byte streams sent back, and whether the connection was closed, must be identical.
 *
 * Skipped when redis-server is not installed. The expectations of the same cases are also written out in
 * protocol-parser.test.ts, so the parser stays covered without the binary.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParseError, ReplyWriter, RequestParser } from '../../protocol/index.js';
import { hasRedisServer, MISSING_REDIS_SERVER, startRedisServer } from '../support/redis-server.js';
import type { ServerHandle } from '../support/server-handle.js';
import { sleep } from '../support/wait.js';

const QUIET_MS = 400;
const PASSWORD = 'pw';

interface Seen {
  out: string;
  closed: boolean;
}

/** Sends the chunks (20 ms apart) and collects the reply bytes until the server closes or stays quiet. */
function sendRaw(port: number, chunks: Buffer[]): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (timer) clearTimeout(timer);
      sock.destroy();
      resolve({ out: Buffer.concat(got).toString('latin1'), closed });
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(finish, QUIET_MS);
    };
    sock.on('data', (d: Buffer) => {
      got.push(d);
      arm();
    });
    sock.on('close', () => {
      closed = true;
      finish();
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') reject(e);
    });
    sock.on('connect', async () => {
      for (const c of chunks) {
        if (closed) return;
        sock.write(c);
        await sleep(20);
      }
      arm();
    });
  });
}

/** What our parser + a PING/ECHO/AUTH evaluator send back for the same chunks. */
function model(chunks: Buffer[], requirePass: boolean, maxQueryBuffer: number): Seen {
  const p = new RequestParser({ maxBulkLen: 512 * 1024 * 1024, maxQueryBuffer });
  p.requireAuth = requirePass;
  const w = new ReplyWriter();
  const out: Buffer[] = [];
  const sink = { write: (b: Buffer): boolean => (out.push(Buffer.from(b)), true) };
  let closed = false;
  for (const c of chunks) {
    p.feed(c);
    w.begin();
    let r: number;
    while ((r = p.next()) === 1) {
      const arg = (i: number): string => p.buf.toString('latin1', p.argOff[i], p.argOff[i]! + p.argLen[i]!);
      const name = arg(0).toLowerCase();
      if (name === 'auth' && p.argc === 2) {
        if (arg(1) === PASSWORD) {
          p.authenticated = true;
          w.ok();
        } else {
          w.error('WRONGPASS invalid username-password pair or user is disabled.');
        }
      } else if (requirePass && !p.authenticated) {
        w.error('NOAUTH Authentication required.');
      } else if (name === 'ping' && p.argc === 1) {
        w.simple('PONG');
      } else if (name === 'echo' && p.argc === 2) {
        w.bulk(p.buf, p.argOff[1]!, p.argLen[1]!);
      } else {
        throw new Error('model: unexpected command ' + name);
      }
    }
    if (r === -1) {
      if (p.errorCode !== ParseError.QUERY_BUFFER_LIMIT) w.errorLatin1('ERR ' + p.error);
      closed = true;
    }
    w.flushTo(sink);
    if (closed) break;
  }
  return { out: Buffer.concat(out).toString('latin1'), closed };
}

const L = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Cases for a server without password; each is the list of chunks written. */
const OPEN_CASES: string[][] = [
  ['PING\r\n'],
  ['*1\r\n$4\r\nPINGab*1\r\n$4\r\nPING\r\n'],
  ['*0\r\nPING\r\n*-1\r\n*-5\r\nPING\r\n'],
  ['*-9223372036854775808\r\nPING\r\n'],
  ['*1\rx$4\r\nPING\r\n'],
  ['*1\r', '\n$4\r', '\nPING\r\n'],
  ['*2147483647\r\n'],
  ['*2147483648\r\n'],
  ['*-0\r\n'],
  ['*+1\r\n'],
  ['*01\r\n'],
  ['* 1\r\n'],
  ['*1 \r\n'],
  ['*-9223372036854775809\r\n'],
  ['*1\n$4\r\nPING\r\n'],
  ['*1\r\nX4\r\n'],
  ['*1\r\n\r\n'],
  ['*1\r\n\n\r\n'],
  ['*1\r\n\xff4\r\n'],
  ['*2\r\n$4\r\nECHO\r\n:1\r\n'],
  ['*1\r\n$4x\r\n'],
  ['*1\r\n$-1\r\n'],
  ['*1\r\n$-0\r\n'],
  ['*1\r\n$04\r\n'],
  ['*1\r\n$+4\r\n'],
  ['*1\r\n$536870913\r\n'],
  ['*1\r\n$536870912\r\n'],
  ['*1\r\n$' + '1'.repeat(20) + '\r\n'],
  ['\r\n\r\nPING\r\n\nPING\n  \r\nPING\r\r\n'],
  ['ECHO "a\\x41\\n"\r\nECHO \'a\\\'b\'\r\nECHO a"b c"\r\nECHO ""\r\n'],
  ['ECHO "\\t\\b\\a\\r\\\\\\"\\q\\xzz\\x4"\r\n'],
  ['ECHO a\x0bb\r\nECHO "ab"\x0b\r\nECHO \xa0b\xa0\r\n'],
  ['ECHO "a"b\r\n'],
  ['ECHO "ab\r\n'],
  ["ECHO 'ab\r\n"],
  ["ECHO 'a\\nb\\\\'\r\n"],
  ['PING\0\r\n', 'PING\r\n'],
  ['PING\0\r\n', 'x'.repeat(70 * 1024) + '\r\n'],
  ['*1\0\r\n'],
  ['*1\r\n$4\0\r\nPING\r\n'],
  ['A'.repeat(65536)],
  ['A'.repeat(65537)],
  ['*' + '1'.repeat(65535)],
  ['*' + '1'.repeat(65536)],
  ['*1\r\n$' + '1'.repeat(65535)],
  ['*1\r\n$' + '1'.repeat(65536)],
  ['*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n', '*2\r\n$4\r\nEC', 'HO\r\n$3\r\nb', 'ye\r\n'],
  // query buffer limit (1 MiB on this server): a partial 2 MB bulk with 1.1 MB arrived -> closed, no reply
  ['*1\r\n$2000000\r\n', 'a'.repeat(600_000), 'a'.repeat(500_000)],
  // ... but a complete 600 KB argument does not count: 600 KB + 500 KB of the next one is kept
  ['*3\r\n$4\r\nECHO\r\n$600000\r\n' + 'a'.repeat(600_000) + '\r\n$600000\r\n', 'b'.repeat(500_000)],
];

const AUTH_CASES: string[][] = [
  ['*10\r\n'],
  ['*11\r\n'],
  ['*1\r\n$16384\r\n'],
  ['*1\r\n$16385\r\n'],
  ['*1\r\n$600000000\r\n'],
  ['*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*11\r\n'],
  ['*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*1\r\n$16385\r\n'],
  ['PING a b c d e f g h i j k\r\n'],
  ['PING\r\n'],
];

describe.skipIf(!hasRedisServer())(`RequestParser vs redis-server (${hasRedisServer() ? 'live' : MISSING_REDIS_SERVER})`, () => {
  let open: ServerHandle | undefined;
  let auth: ServerHandle | undefined;
  beforeAll(async () => {
    [open, auth] = await Promise.all([
      startRedisServer({ 'client-query-buffer-limit': '1mb' }),
      startRedisServer({ requirepass: PASSWORD }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), auth?.stop()]);
  });

  it('answers and closes exactly like Redis on the same bytes (no password)', async () => {
    const results = await Promise.all(OPEN_CASES.map((c) => sendRaw(open!.port, c.map(L))));
    for (let i = 0; i < OPEN_CASES.length; i++) {
      const chunks = OPEN_CASES[i]!.map(L);
      const label = JSON.stringify(OPEN_CASES[i]!.map((s) => (s.length > 60 ? s.slice(0, 60) + '…' : s)));
      expect({ case: label, ...model(chunks, false, 1024 * 1024) }).toEqual({ case: label, ...results[i] });
    }
  });

  it('answers and closes exactly like Redis on the same bytes (requirepass)', async () => {
    const results = await Promise.all(AUTH_CASES.map((c) => sendRaw(auth!.port, c.map(L))));
    for (let i = 0; i < AUTH_CASES.length; i++) {
      const label = JSON.stringify(AUTH_CASES[i]);
      expect({ case: label, ...model(AUTH_CASES[i]!.map(L), true, 1024 * 1024 * 1024) }).toEqual({
        case: label,
        ...results[i],
      });
    }
  });
});
