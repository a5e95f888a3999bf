/**
 * The HTTP key API (server/net/http/) through a real HTTP client (Node's fetch, and node:http for chunked uploads),
 * against a tierkv whose keyspace is checked over RESP at the same time: binary keys and values, 404s, TTLs via
 * `?ex=`, errors mapped from Redis's replies (400, 413, 507), Bearer authentication, and MIGRATE_PREPARE / DONE.
 * The server is tierkv in-process, or a child process with TIERKV_TARGET=process.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, RespError } from '../support/raw-client.js';
import { startTierkvWithHttp, type ServerHandle } from '../support/tierkv.js';
import { infoFields as fields } from '../support/info.js';
import { sleep } from '../support/wait.js';

interface HttpServer {
  server: ServerHandle;
  base: string;
}

/** Percent-encodes every byte of `key` (the most literal form of "keys are URL-decoded bytes"). */
function encodeKey(key: Buffer): string {
  return [...key].map((b) => '%' + b.toString(16).padStart(2, '0').toUpperCase()).join('');
}

async function body(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

/** PUT with a chunked body (no Content-Length) through node:http. */
function putChunked(url: string, chunks: Buffer[]): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { 'Transfer-Encoding': 'chunked' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', (e) => {
      // The server may close the connection right after its 413 while we are still sending.
      if ((e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET') return;
      reject(e);
    });
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('HTTP key API', () => {
  let s: HttpServer;
  let resp: RawClient;

  beforeAll(async () => {
    s = await startTierkvWithHttp();
    resp = await RawClient.connect(s.server.port);
  });
  afterAll(async () => {
    await resp?.close();
    await s?.server.stop();
  });

  it('answers /healthz', async () => {
    const r = await fetch(`${s.base}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('OK\n');
  });

  it('stores and returns binary values byte for byte, shared with RESP', async () => {
    const value = Buffer.from(Array.from({ length: 512 }, (_, i) => i & 0xff)); // every byte, CR LF and NUL included
    const put = await fetch(`${s.base}/v1/keys/bin`, { method: 'PUT', body: value });
    expect(put.status).toBe(204);
    const get = await fetch(`${s.base}/v1/keys/bin`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/octet-stream');
    expect((await body(get)).equals(value)).toBe(true);
    expect(await resp.callWith({ buffers: true }, 'GET', 'bin')).toEqual(value);

    await resp.call('SET', 'from-resp', Buffer.from([0, 13, 10, 255]));
    expect(await body(await fetch(`${s.base}/v1/keys/from-resp`))).toEqual(Buffer.from([0, 13, 10, 255]));
  });

  it('takes keys as percent-decoded bytes', async () => {
    const key = Buffer.concat([Buffer.from([0x00, 0xff, 0x2f, 0x20, 0x25, 0x3f, 0x2b]), Buffer.from('clé/x', 'utf8')]);
    expect((await fetch(`${s.base}/v1/keys/${encodeKey(key)}`, { method: 'PUT', body: 'v1' })).status).toBe(204);
    expect(await resp.call('GET', key)).toBe('v1');
    // Unreserved characters and '/' may also appear literally; '+' is a plus, not a space.
    expect((await fetch(`${s.base}/v1/keys/a/b+c~d`, { method: 'PUT', body: 'v2' })).status).toBe(204);
    expect(await resp.call('GET', 'a/b+c~d')).toBe('v2');
    expect(await (await fetch(`${s.base}/v1/keys/a%2Fb%2Bc%7Ed`)).text()).toBe('v2');
  });

  it('rejects malformed percent-encoding with 400', async () => {
    for (const bad of ['ab%', 'ab%4', 'ab%zz']) {
      const r = await fetch(`${s.base}/v1/keys/${bad}`);
      expect(r.status, bad).toBe(400);
    }
  });

  it('stores empty values and large values (slab and jumbo items)', async () => {
    expect((await fetch(`${s.base}/v1/keys/empty`, { method: 'PUT', body: '' })).status).toBe(204);
    const e = await fetch(`${s.base}/v1/keys/empty`);
    expect(e.status).toBe(200);
    expect((await body(e)).length).toBe(0);
    for (const size of [100_000, 3_000_000]) {
      const v = Buffer.alloc(size);
      for (let i = 0; i < size; i++) v[i] = (i * 7919) & 0xff;
      expect((await fetch(`${s.base}/v1/keys/big${size}`, { method: 'PUT', body: v })).status).toBe(204);
      const got = await body(await fetch(`${s.base}/v1/keys/big${size}`));
      expect(got.length).toBe(size);
      expect(got.equals(v)).toBe(true);
    }
    const chunked = await putChunked(`${s.base}/v1/keys/chunked`, [Buffer.from('abc'), Buffer.from('def')]);
    expect(chunked.status).toBe(204);
    expect(await resp.call('GET', 'chunked')).toBe('abcdef');
  });

  it('answers 404 for absent keys and unknown routes, 405 for other methods', async () => {
    const g = await fetch(`${s.base}/v1/keys/missing`);
    expect(g.status).toBe(404);
    expect(await g.json()).toEqual({ error: 'no such key' });
    expect((await fetch(`${s.base}/v1/keys/missing`, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${s.base}/nope`)).status).toBe(404);
    expect((await fetch(`${s.base}/v1/keysx`)).status).toBe(404);
    const post = await fetch(`${s.base}/v1/keys/k`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, PUT, DELETE');
  });

  it('answers HEAD like GET without a body', async () => {
    expect((await fetch(`${s.base}/v1/keys/head-missing`, { method: 'HEAD' })).status).toBe(404);
    expect((await fetch(`${s.base}/v1/keys/head-k`, { method: 'PUT', body: 'twelve bytes' })).status).toBe(204);
    const h = await fetch(`${s.base}/v1/keys/head-k`, { method: 'HEAD' });
    expect(h.status).toBe(200);
    expect(h.headers.get('content-length')).toBe('12');
    expect(await h.text()).toBe('');
  });

  it('deletes keys', async () => {
    await resp.call('SET', 'doomed', 'x');
    expect((await fetch(`${s.base}/v1/keys/doomed`, { method: 'DELETE' })).status).toBe(204);
    expect(await resp.call('EXISTS', 'doomed')).toBe(0);
    expect((await fetch(`${s.base}/v1/keys/doomed`)).status).toBe(404);
  });

  it('sets TTLs with ?ex= and clears them on a PUT without it, as SET does', async () => {
    expect((await fetch(`${s.base}/v1/keys/ttl?ex=100`, { method: 'PUT', body: 'v' })).status).toBe(204);
    const ttl = (await resp.call('TTL', 'ttl')) as number;
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(100);
    expect((await fetch(`${s.base}/v1/keys/ttl`, { method: 'PUT', body: 'w' })).status).toBe(204);
    expect(await resp.call('TTL', 'ttl')).toBe(-1);

    expect((await fetch(`${s.base}/v1/keys/short?ex=1`, { method: 'PUT', body: 'v' })).status).toBe(204);
    const deadline = Date.now() + 10_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await sleep(100);
      status = (await fetch(`${s.base}/v1/keys/short`)).status;
    }
    expect(status).toBe(404);
  });

  it("rejects bad expire times with Redis's error text, and unknown query parameters", async () => {
    const cases: Array<[string, string]> = [
      ['0', "ERR invalid expire time in 'set' command"],
      ['-5', "ERR invalid expire time in 'set' command"],
      ['abc', 'ERR value is not an integer or out of range'],
    ];
    for (const [ex, msg] of cases) {
      const r = await fetch(`${s.base}/v1/keys/badttl?ex=${ex}`, { method: 'PUT', body: 'v' });
      expect(r.status, ex).toBe(400);
      expect(await r.json()).toEqual({ error: msg });
    }
    expect(await resp.call('EXISTS', 'badttl')).toBe(0);
    const px = await fetch(`${s.base}/v1/keys/badttl?px=5`, { method: 'PUT', body: 'v' });
    expect(px.status).toBe(400);
    expect(((await px.json()) as { error: string }).error).toMatch(/unknown query parameter 'px'/);
    expect((await fetch(`${s.base}/v1/keys/k?x=1`)).status).toBe(400);
  });

  it('counts HTTP requests as the commands they run (INFO commandstats)', async () => {
    const before = fields((await resp.call('INFO', 'commandstats')) as string);
    const calls = (f: Record<string, string>, cmd: string): number => Number(/calls=(\d+)/.exec(f[`cmdstat_${cmd}`] ?? 'calls=0')?.[1]);
    await fetch(`${s.base}/v1/keys/counted`, { method: 'PUT', body: 'v' });
    await fetch(`${s.base}/v1/keys/counted`);
    await fetch(`${s.base}/v1/keys/counted`);
    await fetch(`${s.base}/v1/keys/counted`, { method: 'DELETE' });
    const after = fields((await resp.call('INFO', 'commandstats')) as string);
    expect(calls(after, 'set') - calls(before, 'set')).toBe(1);
    expect(calls(after, 'get') - calls(before, 'get')).toBe(2);
    expect(calls(after, 'del') - calls(before, 'del')).toBe(1);
  });
});

describe('HTTP key API limits', () => {
  let s: HttpServer;
  beforeAll(async () => {
    s = await startTierkvWithHttp({ 'proto-max-bulk-len': '1mb', maxmemory: '4mb', 'maxmemory-policy': 'noeviction' });
  });
  afterAll(async () => {
    await s?.server.stop();
  });

  it('answers 413 for a value above proto-max-bulk-len (announced or chunked)', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 1);
    const r = await fetch(`${s.base}/v1/keys/toolarge`, { method: 'PUT', body: big });
    expect(r.status).toBe(413);
    const chunked = await putChunked(`${s.base}/v1/keys/toolarge2`, [Buffer.alloc(600_000), Buffer.alloc(600_000)]);
    expect(chunked.status).toBe(413);
    expect((await fetch(`${s.base}/v1/keys/toolarge`)).status).toBe(404);
    expect((await fetch(`${s.base}/v1/keys/toolarge2`)).status).toBe(404);
  });

  it('answers 507 with the OOM text once maxmemory is reached under noeviction', async () => {
    const v = Buffer.alloc(100_000, 2);
    let last: Response | undefined;
    for (let i = 0; i < 200; i++) {
      last = await fetch(`${s.base}/v1/keys/fill${i}`, { method: 'PUT', body: v });
      if (last.status !== 204) break;
    }
    expect(last?.status).toBe(507);
    expect(((await last!.json()) as { error: string }).error).toMatch(/^OOM command not allowed/);
    // Reads still work.
    expect((await fetch(`${s.base}/v1/keys/fill0`)).status).toBe(200);
  });
});

describe('HTTP authentication (requirepass)', () => {
  let s: HttpServer;
  const pw = 's3cret pw';
  beforeAll(async () => {
    s = await startTierkvWithHttp({ requirepass: pw });
  });
  afterAll(async () => {
    await s?.server.stop();
  });

  it('requires Authorization: Bearer <password> on keys and migration routes', async () => {
    const none = await fetch(`${s.base}/v1/keys/k`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="tierkv"');
    const wrong = await fetch(`${s.base}/v1/keys/k`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const basic = await fetch(`${s.base}/v1/keys/k`, { headers: { Authorization: `Basic ${Buffer.from(':' + pw).toString('base64')}` } });
    expect(basic.status).toBe(401);
    expect((await fetch(`${s.base}/v1/migrate/prepare`, { method: 'POST' })).status).toBe(401);

    const auth = { Authorization: `Bearer ${pw}` };
    expect((await fetch(`${s.base}/v1/keys/k`, { method: 'PUT', body: 'v', headers: auth })).status).toBe(204);
    expect(await (await fetch(`${s.base}/v1/keys/k`, { headers: auth })).text()).toBe('v');
    expect((await fetch(`${s.base}/v1/keys/k`, { headers: { Authorization: `bearer ${pw}` } })).status).toBe(200);
  });

  it('leaves /healthz and /metrics open', async () => {
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${s.base}/metrics`)).status).toBe(200);
  });

  it('follows CONFIG SET requirepass at once', async () => {
    const c = await RawClient.connect(s.server.port);
    expect(await c.call('AUTH', pw)).toBe('OK');
    expect(await c.call('CONFIG', 'SET', 'requirepass', 'other')).toBe('OK');
    await c.close();
    expect((await fetch(`${s.base}/v1/keys/k`, { headers: { Authorization: `Bearer ${pw}` } })).status).toBe(401);
    expect((await fetch(`${s.base}/v1/keys/k`, { headers: { Authorization: 'Bearer other' } })).status).toBe(200);
  });
});

describe('HTTP MIGRATE_PREPARE / DONE', () => {
  let s: HttpServer;
  let resp: RawClient;
  beforeAll(async () => {
    s = await startTierkvWithHttp({ maxmemory: '40mb', 'maxmemory-policy': 'allkeys-lfu', 'hot-ratio': '0.3' });
    resp = await RawClient.connect(s.server.port);
    // ~30 MB of 100-byte values: more than the hot tier's 12 MB, so a part is demoted to the cold tier.
    const v = 'x'.repeat(100);
    for (let start = 0; start < 200_000; start += 5000) {
      await resp.pipeline(Array.from({ length: 5000 }, (_, j) => ['SET', `k:${start + j}`, v]));
    }
  });
  afterAll(async () => {
    await resp?.close();
    await s?.server.stop();
  });

  it('replies the report as JSON and enters migration mode', async () => {
    // Let the idle tier work finish, so that the cold key count is stable.
    let cold = -1;
    for (let i = 0; i < 100; i++) {
      const now = Number(fields((await resp.call('INFO', 'tiers')) as string)['cold_keys']);
      if (now === cold) break;
      cold = now;
      await sleep(50);
    }
    expect(cold).toBeGreaterThan(0);
    expect((await fetch(`${s.base}/v1/migrate/prepare`)).status).toBe(405);
    const r = await fetch(`${s.base}/v1/migrate/prepare`, { method: 'POST' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    const report = (await r.json()) as Record<string, number | string>;
    for (const f of [
      'dropped_keys', 'dropped_extents', 'freed_bytes', 'used_memory', 'used_memory_rss', 'rss_before',
      'system_memory_total', 'system_memory_available', 'hot_keys', 'stall_us', 'drop_us', 'gc_us', 'release_ms',
      'released', 'migration_state',
    ]) {
      expect(report, f).toHaveProperty(f);
    }
    expect(report['dropped_keys']).toBe(cold);
    expect(report['freed_bytes']).toBeGreaterThan(0);
    expect(report['migration_state']).toBe('prepared');
    for (const [k, v] of Object.entries(report)) if (k !== 'migration_state') expect(typeof v, k).toBe('number');
    const mig = fields((await resp.call('INFO', 'migration')) as string);
    expect(mig['migration_state']).toBe('prepared');
    expect(Number(mig['migrate_dropped_keys'])).toBe(cold);
    expect(await resp.call('DBSIZE')).toBe(200_000 - cold);
    // The same fields in the same order as the RESP reply (a second prepare drops nothing).
    const again = (await resp.call('MIGRATE_PREPARE')) as unknown[];
    expect(Object.keys(report)).toEqual(again.filter((_, i) => i % 2 === 0));
  });

  it('ends migration mode with POST /v1/migrate/done', async () => {
    expect((await fetch(`${s.base}/v1/migrate/done`, { method: 'POST' })).status).toBe(204);
    expect(fields((await resp.call('INFO', 'migration')) as string)['migration_state']).toBe('none');
    expect((await fetch(`${s.base}/v1/migrate/abort`, { method: 'POST' })).status).toBe(204);
  });
});

describe('HTTP MIGRATE_PREPARE refused by enable-migrate-command no', () => {
  let s: HttpServer;
  beforeAll(async () => {
    s = await startTierkvWithHttp({ 'enable-migrate-command': 'no' });
  });
  afterAll(async () => {
    await s?.server.stop();
  });

  it('answers 403 with the command refusal, like the RESP command', async () => {
    const r = await fetch(`${s.base}/v1/migrate/prepare`, { method: 'POST' });
    expect(r.status).toBe(403);
    const { error } = (await r.json()) as { error: string };
    const c = await RawClient.connect(s.server.port);
    const viaResp = (await c.call('MIGRATE_PREPARE')) as RespError;
    await c.close();
    expect(viaResp).toBeInstanceOf(RespError);
    expect(error).toBe(viaResp.message);
  });
});
