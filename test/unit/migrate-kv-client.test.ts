/**
 * The controller's RESP2 client (migration-hook/kv-client.ts) against a real tierkv in this process (AUTH, INFO,
 * MIGRATE_PREPARE/DONE/ABORT, errors) and against small hand-made servers on real sockets (a silent one for
 * timeouts, one that appears late for withKv's retry, one that speaks garbage).
 */
import net from 'node:net';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  KvClient,
  KvConnectionError,
  KvReplyError,
  combinePrepareReplies,
  describeKvEndpoint,
  pairsToRecord,
  parseInfo,
  parseKvTarget,
  withKv,
} from '../../migration-hook/kv-client.js';
import { getFreePort } from '../support/ports.js';
import { startTierkvInProcess, type ServerHandle } from '../support/tierkv.js';
import { sleep } from '../support/wait.js';

describe('parseKvTarget / describeKvEndpoint', () => {
  it('parses host:port, [v6]:port, :port, port, unix paths', () => {
    expect(parseKvTarget('10.0.2.15:6379')).toEqual({ host: '10.0.2.15', port: 6379 });
    expect(parseKvTarget('[::1]:7000')).toEqual({ host: '::1', port: 7000 });
    expect(parseKvTarget(':7000')).toEqual({ host: '127.0.0.1', port: 7000 });
    expect(parseKvTarget('7000')).toEqual({ host: '127.0.0.1', port: 7000 });
    expect(parseKvTarget('unix:/run/kv.sock')).toEqual({ path: '/run/kv.sock' });
    expect(parseKvTarget('/run/kv.sock')).toEqual({ path: '/run/kv.sock' });
    expect(describeKvEndpoint({ host: '::1', port: 1 })).toBe('[::1]:1');
    expect(describeKvEndpoint({ path: '/x' })).toBe('unix:/x');
  });

  it('rejects empty strings, bad ports and garbage', () => {
    expect(() => parseKvTarget('')).toThrow(TypeError);
    expect(() => parseKvTarget('host:0')).toThrow(/port/);
    expect(() => parseKvTarget('host:70000')).toThrow(/port/);
    expect(() => parseKvTarget('host')).toThrow(/HOST:PORT/);
  });
});

describe('pairsToRecord / parseInfo', () => {
  it('turns a flat field/value array into a record, keeping integers as numbers', () => {
    expect(pairsToRecord(['a', 1, 'b', 'x', 'c', null])).toEqual({ a: 1, b: 'x', c: 'null' });
    expect(() => pairsToRecord(['a'])).toThrow(TypeError);
    expect(() => pairsToRecord('x')).toThrow(TypeError);
  });

  it('parses INFO text', () => {
    expect(parseInfo('# Migration\r\nmigration_state:none\r\nmigrate_prepares:2\r\n\r\n# X\r\na:b:c\r\n')).toEqual({
      migration_state: 'none',
      migrate_prepares: '2',
      a: 'b:c',
    });
  });
});

describe('combinePrepareReplies (several tierkv instances in one VM)', () => {
  const a = {
    dropped_keys: 100,
    freed_bytes: 64 * 1048576,
    used_memory: 10 * 1048576,
    used_memory_rss: 50 * 1048576,
    system_memory_total: 4096 * 1048576,
    system_memory_available: 3000 * 1048576,
    stall_us: 900,
    zero_ms: 12.5,
    release_ms: 40,
    released: 1,
    migration_state: 'prepared',
  };
  const b = { ...a, dropped_keys: 7, freed_bytes: 32 * 1048576, used_memory_rss: 30 * 1048576, system_memory_available: 3100 * 1048576, stall_us: 200, zero_ms: 30, released: 0 };

  it('sums per-process figures, takes the longest duration and the machine\'s figures once', () => {
    expect(combinePrepareReplies([a, b])).toEqual({
      dropped_keys: 107,
      freed_bytes: 96 * 1048576,
      used_memory: 20 * 1048576,
      used_memory_rss: 80 * 1048576,
      system_memory_total: 4096 * 1048576, // one machine: not added up
      system_memory_available: 3100 * 1048576, // the reading after the most drops
      stall_us: 900,
      zero_ms: 30,
      release_ms: 40,
      released: 0, // only when every instance released
      migration_state: 'prepared',
    });
  });

  it('one reply is returned as a copy; different MemTotals (not one machine) leave it out; differing strings are joined', () => {
    const one = combinePrepareReplies([a]);
    expect(one).toEqual(a);
    expect(one).not.toBe(a);
    const c = combinePrepareReplies([a, { ...b, system_memory_total: 8192 * 1048576, migration_state: 'none' }, { extra: 5 }]);
    expect(c).not.toHaveProperty('system_memory_total');
    expect(c['migration_state']).toBe('prepared,none');
    expect(c['extra']).toBe(5); // present in one reply only
    expect(() => combinePrepareReplies([])).toThrow(RangeError);
  });
});

describe('KvClient against tierkv (in-process, requirepass)', () => {
  let server: ServerHandle;
  const endpoint = (): { host: string; port: number; password: string } => ({ host: server.host, port: server.port, password: 'secret' });

  beforeAll(async () => {
    server = await startTierkvInProcess({ requirepass: 'secret', maxmemory: '8mb' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('authenticates, pipelines commands and parses replies', async () => {
    const kv = await KvClient.connect(endpoint());
    try {
      const replies = await Promise.all([
        kv.command(['SET', 'k', 'v']),
        kv.command(['GET', 'k']),
        kv.command(['GET', 'missing']),
        kv.command(['INCR', 'n']),
      ]);
      expect(replies).toEqual(['OK', 'v', null, 1]);
    } finally {
      await kv.close();
    }
  });

  it('a wrong password is a KvReplyError from AUTH; no password means NOAUTH errors', async () => {
    const err = await KvClient.connect({ ...endpoint(), password: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KvReplyError);
    expect((err as KvReplyError).command).toBe('AUTH');
    const kv = await KvClient.connect({ host: server.host, port: server.port });
    try {
      await expect(kv.command(['GET', 'k'])).rejects.toThrow(/NOAUTH/);
      // the connection stays usable after an error reply
      await expect(kv.command(['AUTH', 'secret'])).resolves.toBe('OK');
      await expect(kv.command(['PING'])).resolves.toBe('PONG');
    } finally {
      await kv.close();
    }
  });

  it('MIGRATE_PREPARE returns its fields as a record; INFO migration follows PREPARE, DONE and ABORT', async () => {
    await withKv(endpoint(), async (kv) => {
      const before = await kv.info('migration');
      const rep = await kv.migratePrepare();
      expect(rep.migration_state).toBe('prepared');
      for (const k of ['dropped_keys', 'freed_bytes', 'used_memory', 'used_memory_rss', 'system_memory_total', 'system_memory_available']) {
        expect(typeof rep[k], k).toBe('number');
      }
      let info = await kv.info('migration');
      expect(info.migration_state).toBe('prepared');
      expect(Number(info.migrate_prepares)).toBe(Number(before.migrate_prepares) + 1);
      await kv.migrateDone();
      info = await kv.info('migration');
      expect(info.migration_state).toBe('none');
      await kv.migratePrepare();
      await kv.migrateAbort();
      expect((await kv.info('migration')).migration_state).toBe('none');
    });
  });

  it('after close(), commands fail with KvConnectionError', async () => {
    const kv = await KvClient.connect(endpoint());
    await kv.close();
    await expect(kv.command(['PING'])).rejects.toBeInstanceOf(KvConnectionError);
  });
});

describe('KvClient against hand-made servers', () => {
  const servers: net.Server[] = [];
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  async function listen(onConn: (s: net.Socket) => void, port = 0): Promise<number> {
    const srv = net.createServer((s) => {
      sockets.push(s);
      onConn(s);
    });
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
    return (srv.address() as net.AddressInfo).port;
  }

  it('a command without a reply times out, drops the connection and rejects every pending command', async () => {
    const port = await listen(() => {});
    const kv = await KvClient.connect({ port }, { commandTimeoutMs: 200 });
    const a = kv.command(['PING']).catch((e: unknown) => e);
    const b = kv.command(['PING'], { timeoutMs: 10_000 }).catch((e: unknown) => e);
    const [ea, eb] = await Promise.all([a, b]);
    expect(ea).toBeInstanceOf(KvConnectionError);
    expect(String(ea)).toMatch(/timed out after 200 ms/);
    expect(eb).toBe(ea);
    await expect(kv.command(['PING'])).rejects.toBeInstanceOf(KvConnectionError);
  });

  it('a protocol violation from the server is a KvConnectionError', async () => {
    const port = await listen((s) => s.on('data', () => s.write('?what\r\n')));
    const kv = await KvClient.connect({ port });
    await expect(kv.command(['PING'])).rejects.toBeInstanceOf(KvConnectionError);
  });

  it('connection refused is a KvConnectionError; withKv retries until the server appears', async () => {
    const port = await getFreePort();
    await expect(KvClient.connect({ port })).rejects.toBeInstanceOf(KvConnectionError);
    const late = (async () => {
      await sleep(400);
      await listen((s) => s.on('data', () => s.write('+OK\r\n')), port);
    })();
    const reply = await withKv({ port }, (kv) => kv.command(['MIGRATE_DONE']), { retryForMs: 5000, retryDelayMs: 50 });
    expect(reply).toBe('OK');
    await late;
  });

  it('withKv does not retry reply errors', async () => {
    let conns = 0;
    const port = await listen((s) => {
      conns++;
      s.on('data', () => s.write('-ERR MIGRATE_DONE is disabled\r\n'));
    });
    await expect(withKv({ port }, (kv) => kv.migrateDone(), { retryForMs: 2000 })).rejects.toThrow(/MIGRATE_DONE failed: ERR MIGRATE_DONE is disabled/);
    expect(conns).toBe(1);
  });
});
