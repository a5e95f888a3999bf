/**
 * Big values cost their size once (issue 11, rows 6 and 7), measured on the RSS of tierkv run as a child process
 * (the test's own memory is not in it), through real sockets:
 * - RESP: a 256 MiB SET leaves RSS ≤ 1.3× the value (the query buffer is not kept after the command, nor pinned by
 *   the keyspace's lookup state), and DEL gives the memory back.
 * - HTTP PUT: 413 for an oversized Content-Length before any body byte is sent; a chunked body past
 *   proto-max-bulk-len gets 413, is not read further, and its memory comes back; PUT 300 MB then DEL, 3 rounds: RSS
 *   after the PUT ≤ 1.3× the value, and back near the start after each DEL; INFO mem_http_bodies is 0 at rest.
 * RSS thresholds have generous fixed margins; the RSS is polled for a few seconds since the memory is returned by
 * the cron's forced collection (server/memory/gc.ts), not synchronously.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort, LOOPBACK } from '../support/ports.js';
import { RawClient } from '../support/raw-client.js';
import { sleep } from '../support/wait.js';
import { startTierkvProcess, type ServerHandle, type ServerParams } from '../support/tierkv.js';
import { infoFields as fields } from '../support/info.js';

const MiB = 1024 * 1024;
/** Fixed slack on top of "1.3× the value", for the JS heap, the socket buffers and malloc's arenas. */
const MARGIN = 48 * MiB;
/** How close to its starting RSS the server must come back after a DEL or a refused body. */
const BACK_WITHIN = 64 * MiB;

async function memInfo(c: RawClient): Promise<Record<string, string>> {
  return fields((await c.call('INFO', 'memory')) as string);
}

async function rss(c: RawClient): Promise<number> {
  return Number((await memInfo(c))['used_memory_rss']);
}

/** Polls the server's RSS for up to `ms` until `ok(rss)`; returns the last value seen. */
async function pollRss(c: RawClient, ok: (r: number) => boolean, ms = 5000): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await rss(c);
    if (ok(r) || Date.now() >= deadline) return r;
    await sleep(100);
  }
}

const mb = (n: number): string => `${(n / MiB).toFixed(0)} MiB`;

/** tierkv as a child process with its HTTP listener on a free port (retried when the port is taken meanwhile). */
async function startWithHttp(params: ServerParams = {}): Promise<{ server: ServerHandle; httpPort: number }> {
  let last: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const httpPort = await getFreePort();
    try {
      const server = await startTierkvProcess({ ...params, 'http-port': String(httpPort) });
      return { server, httpPort };
    } catch (e) {
      last = e;
      if (!/EADDRINUSE|address already in use/i.test(String((e as Error).message))) throw e;
    }
  }
  throw last;
}

/** One HTTP request through node:http; resolves with the status and body. */
function request(port: number, method: string, path: string, body?: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = body !== undefined ? { 'Content-Length': String(body.length) } : {};
    const req = http.request({ host: LOOPBACK, port, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends a raw HTTP request head, then (optionally) body bytes from `nextBody` until the server answers or closes;
 * resolves with what the server sent and how many body bytes were written.
 */
function rawHttp(port: number, head: string, nextBody: (() => Buffer | null) | null, timeoutMs = 20_000): Promise<{ response: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: LOOPBACK, port });
    const got: Buffer[] = [];
    let sent = 0;
    let answered = false;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms (received: ${Buffer.concat(got).toString('latin1').slice(0, 200)})`));
    }, timeoutMs);
    sock.on('data', (c: Buffer) => {
      got.push(c);
      answered = true;
    });
    sock.on('error', () => {
      // EPIPE / ECONNRESET: the server closed while we were still sending; 'close' follows.
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve({ response: Buffer.concat(got).toString('latin1'), sent });
    });
    const pump = (): void => {
      if (nextBody === null) return;
      while (!answered && !sock.destroyed) {
        const b = nextBody();
        if (b === null) return;
        sent += b.length;
        if (!sock.write(b)) {
          sock.once('drain', pump);
          return;
        }
      }
    };
    sock.on('connect', () => {
      sock.write(head);
      pump();
    });
  });
}

describe('a big RESP value costs its size once (issue 11 row 7)', () => {
  let server: ServerHandle;
  let c: RawClient;
  beforeAll(async () => {
    server = await startTierkvProcess({});
    c = await RawClient.connect(server.port, { readTimeoutMs: 60_000 });
  });
  afterAll(async () => {
    await c?.close();
    await server?.stop();
  });

  it('SET of 256 MiB: RSS ≤ 1.3× the value while the key exists, back after DEL', async () => {
    const V = 256 * MiB;
    const start = await rss(c);
    const value = Buffer.alloc(V, 0x61);
    await c.send(`*3\r\n$3\r\nSET\r\n$6\r\nbig256\r\n$${V}\r\n`);
    await c.send(value);
    await c.send('\r\n');
    expect((await c.readReply()).toString()).toBe('+OK\r\n');
    // A small command afterwards must not keep the big argument's buffer alive either.
    expect((await c.command('STRLEN', 'big256')).toString()).toBe(`:${V}\r\n`);
    const limit = start + 1.3 * V + MARGIN;
    const held = await pollRss(c, (r) => r <= limit);
    expect(held, `RSS ${mb(held)} with a ${mb(V)} value (start ${mb(start)}, limit ${mb(limit)})`).toBeLessThanOrEqual(limit);
    expect((await c.command('DEL', 'big256')).toString()).toBe(':1\r\n');
    const after = await pollRss(c, (r) => r <= start + BACK_WITHIN);
    expect(after, `RSS ${mb(after)} after DEL (start ${mb(start)})`).toBeLessThanOrEqual(start + BACK_WITHIN);
  }, 120_000);
});

describe('HTTP PUT bodies are bounded, counted and given back (issue 11 row 6)', () => {
  let server: ServerHandle;
  let httpPort: number;
  let c: RawClient;
  const LIMIT = 128 * MiB;
  beforeAll(async () => {
    ({ server, httpPort } = await startWithHttp({ 'proto-max-bulk-len': String(LIMIT) }));
    c = await RawClient.connect(server.port, { readTimeoutMs: 60_000 });
  });
  afterAll(async () => {
    await c?.close();
    await server?.stop();
  });

  it('answers 413 to an oversized Content-Length before any body byte is sent, and closes', async () => {
    const head = `PUT /v1/keys/huge HTTP/1.1\r\nHost: ${LOOPBACK}\r\nContent-Length: ${LIMIT + 1}\r\n\r\n`;
    // No body at all: the answer must come from the headers alone, then the connection ends.
    const { response } = await rawHttp(httpPort, head, null);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response.toLowerCase()).toContain('connection: close');
    expect((await c.command('EXISTS', 'huge')).toString()).toBe(':0\r\n');
  });

  it('refuses a chunked body as soon as it passes proto-max-bulk-len, stops reading, and gives the memory back', async () => {
    const start = await rss(c);
    const chunk = Buffer.alloc(MiB, 0x63);
    const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    const TOTAL = 3 * LIMIT;
    let offered = 0;
    const head = `PUT /v1/keys/chunky HTTP/1.1\r\nHost: ${LOOPBACK}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const { response, sent } = await rawHttp(httpPort, head, () => {
      if (offered >= TOTAL) return null;
      offered += chunk.length;
      return framed;
    });
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    // Read up to the limit, then no more (what was sent beyond sits in socket buffers, not in the server).
    expect(sent, `sent ${mb(sent)} before the answer`).toBeLessThan(TOTAL);
    expect((await c.command('EXISTS', 'chunky')).toString()).toBe(':0\r\n');
    const after = await pollRss(c, (r) => r <= start + BACK_WITHIN);
    expect(after, `RSS ${mb(after)} after the refused body (start ${mb(start)})`).toBeLessThanOrEqual(start + BACK_WITHIN);
    expect((await memInfo(c))['mem_http_bodies']).toBe('0');
  }, 120_000);

  it('PUT 300 MB then DEL, three rounds: RSS ≤ 1.3× the value while stored, back after each DEL', async () => {
    expect((await c.command('CONFIG', 'SET', 'proto-max-bulk-len', '512mb')).toString()).toBe('+OK\r\n');
    const V = 300_000_000;
    const value = Buffer.alloc(V, 0x76);
    const start = await rss(c);
    for (let round = 1; round <= 3; round++) {
      expect((await request(httpPort, 'PUT', '/v1/keys/b1', value)).status).toBe(204);
      expect((await c.command('STRLEN', 'b1')).toString()).toBe(`:${V}\r\n`);
      const limit = start + 1.3 * V + MARGIN;
      const held = await pollRss(c, (r) => r <= limit);
      expect(held, `round ${round}: RSS ${mb(held)} with the value stored (start ${mb(start)})`).toBeLessThanOrEqual(limit);
      expect((await memInfo(c))['mem_http_bodies']).toBe('0');
      expect((await request(httpPort, 'DELETE', '/v1/keys/b1')).status).toBe(204);
      const after = await pollRss(c, (r) => r <= start + BACK_WITHIN);
      expect(after, `round ${round}: RSS ${mb(after)} after DEL (start ${mb(start)})`).toBeLessThanOrEqual(start + BACK_WITHIN);
    }
  }, 120_000);
});
