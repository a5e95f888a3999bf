/**
 * MIGRATE_PREPARE against a tierkv child process (so that its RSS is its own): the cold tier is dropped in one
 * shot, exactly the cold keys disappear, hot keys keep their values and TTLs, the memory goes back to the OS,
 * new writes work, migration mode starts and ends (DONE, ABORT, timeout), replies in RESP2 and RESP3, and the
 * command is refused where enable-migrate-command says so.
 */
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RawClient, decodeReply } from '../support/raw-client.js';
import { startTierkvInProcess, startTierkvProcess, type ServerHandle } from '../support/tierkv.js';
import { infoFields as fields, replyPairs as pairs } from '../support/info.js';
import { waitUntil } from '../support/wait.js';

const KEYS = 600_000;
const HOT_KEYS = 20_000; // read often: these must survive
const VALUE = (i: number): string => `value-${i}-`.padEnd(100, 'x');
const FUTURE_S = Math.floor(Date.now() / 1000) + 86_400;

describe('MIGRATE_PREPARE (tierkv child process, maxmemory 100mb, hot-ratio 0.3)', () => {
  let server: ServerHandle;
  let redis: Redis;
  const tierOf = new Map<number, string>();
  let before: Record<string, string>;

  beforeAll(async () => {
    server = await startTierkvProcess({ maxmemory: '100mb', 'maxmemory-policy': 'allkeys-lfu', 'hot-ratio': '0.3' });
    redis = new Redis({ port: server.port, host: server.host });
    for (let start = 0; start < KEYS; start += 2000) {
      const p = redis.pipeline();
      for (let i = start; i < start + 2000; i++) {
        if (i < HOT_KEYS && i % 4 === 0) p.set(`key:${i}`, VALUE(i), 'EXAT', FUTURE_S);
        else p.set(`key:${i}`, VALUE(i));
      }
      await p.exec();
      // The hot keys are read again and again while the rest streams in.
      const r = redis.pipeline();
      for (let i = 0; i < HOT_KEYS; i += 1) if ((i + start) % 7 === 0) r.get(`key:${i}`);
      await r.exec();
    }
    await waitUntil(async () => {
      const t = fields(await redis.info('tiers'));
      return Number(t['hot_used_bytes']) <= Number(t['hot_capacity_bytes']);
    }, 'the hot tier to settle');
    // Which tier holds a sample of keys (every 30th key), before the drop.
    const p = redis.pipeline();
    const sample: number[] = [];
    for (let i = 0; i < KEYS; i += 30) sample.push(i);
    for (const i of sample) p.call('OBJECT', 'TIER', `key:${i}`);
    const res = await p.exec();
    sample.forEach((i, j) => tierOf.set(i, String(res?.[j]?.[1])));
    before = fields(await redis.info('tiers'));
  }, 180_000);

  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('had most keys in the cold tier before, and the frequently read keys in the hot tier', () => {
    expect(Number(before['cold_keys'])).toBeGreaterThan(KEYS / 2);
    expect(Number(before['hot_keys']) + Number(before['cold_keys'])).toBe(KEYS);
    let hot = 0;
    for (let i = 0; i < HOT_KEYS; i += 30) if (tierOf.get(i) === 'hot') hot++;
    expect(hot).toBeGreaterThanOrEqual(Math.floor((HOT_KEYS / 30) * 0.95));
  });

  let report: Record<string, unknown>;

  it('drops exactly the cold keys and reports what it freed (RESP2: flat field/value array)', async () => {
    const raw = await RawClient.connect(server.port, { host: server.host });
    try {
      const bytes = await raw.command('MIGRATE_PREPARE');
      expect(bytes[0]).toBe('*'.charCodeAt(0));
      report = pairs(decodeReply(bytes));
    } finally {
      await raw.close();
    }
    console.log(`MIGRATE_PREPARE report: ${JSON.stringify(report)}`);
    const cold = Number(before['cold_keys']);
    expect(report['dropped_keys']).toBe(cold);
    expect(Number(report['freed_bytes'])).toBeGreaterThanOrEqual(Number(before['cold_used_bytes']));
    expect(report['hot_keys']).toBe(Number(before['hot_keys']));
    for (const f of ['used_memory', 'used_memory_rss', 'system_memory_total', 'system_memory_available', 'stall_us', 'release_ms']) {
      expect(typeof report[f], f).toBe('number');
    }
    expect(Number(report['system_memory_available'])).toBeLessThanOrEqual(Number(report['system_memory_total']));
    expect(report['migration_state']).toBe('prepared');
    expect(await redis.dbsize()).toBe(Number(before['hot_keys']));
    const info = fields(await redis.info('keyspace'));
    expect(info['db0']).toMatch(new RegExp(`^keys=${Number(before['hot_keys'])},expires=\\d+`));
  });

  it('gave the memory back: RSS fell by at least half of the freed bytes that were resident', async () => {
    const resident = Number(report['freed_resident_bytes']);
    expect(resident).toBeLessThanOrEqual(Number(report['freed_bytes']));
    expect(resident).toBeGreaterThanOrEqual(Number(before['cold_used_bytes']));
    // The reply comes once the memory is zero (server/memory/zero-release.ts); the worker unmaps it right after.
    expect(Number(report['zeroed_bytes'])).toBeGreaterThanOrEqual(resident);
    let fell = 0;
    await waitUntil(async () => {
      fell = Number(report['rss_before']) - Number(fields(await redis.info('memory'))['used_memory_rss']);
      return fell >= resident / 2;
    }, 'the RSS to fall by half the resident freed bytes', 10_000);
    expect(fell).toBeGreaterThanOrEqual(resident / 2);
  });

  it('keeps every hot key with its value and TTL; every cold key is gone (EXISTS, GET, KEYS, SCAN)', async () => {
    const p = redis.pipeline();
    const ids = [...tierOf.keys()];
    for (const i of ids) {
      p.get(`key:${i}`);
      p.ttl(`key:${i}`);
    }
    const res = await p.exec();
    ids.forEach((i, j) => {
      const value = res?.[2 * j]?.[1];
      const ttl = Number(res?.[2 * j + 1]?.[1]);
      if (tierOf.get(i) === 'hot') {
        expect(value).toBe(VALUE(i));
        if (i < HOT_KEYS && i % 4 === 0) expect(ttl).toBeGreaterThan(86_000);
        else expect(ttl).toBe(-1);
      } else {
        expect(value).toBeNull();
        expect(ttl).toBe(-2);
      }
    });
    const coldId = ids.find((i) => tierOf.get(i) === 'cold') as number;
    expect(await redis.exists(`key:${coldId}`)).toBe(0);
    const keys = await redis.keys('key:*');
    expect(keys.length).toBe(Number(before['hot_keys']));
    let cursor = '0';
    let scanned = 0;
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', 'key:*', 'COUNT', 1000);
      cursor = next;
      scanned += batch.length;
    } while (cursor !== '0');
    expect(scanned).toBeGreaterThanOrEqual(Number(before['hot_keys']));
  });

  it('serves new writes, and a dropped key set again has its new value, never stale bytes', async () => {
    const coldId = [...tierOf.keys()].find((i) => tierOf.get(i) === 'cold') as number;
    expect(await redis.set(`key:${coldId}`, 'fresh')).toBe('OK');
    expect(await redis.get(`key:${coldId}`)).toBe('fresh');
    expect(await redis.set('brand-new', 'x')).toBe('OK');
    expect(await redis.get('brand-new')).toBe('x');
  });

  it('stays in migration mode (no demotion) until MIGRATE_DONE, then resumes', async () => {
    const t = fields(await redis.info('tiers'));
    expect(t['migration_state']).toBe('prepared');
    expect(t['tier_work_paused']).toBe('1');
    const demotions = Number(t['demotions']);
    const p = redis.pipeline();
    for (let i = 0; i < 2000; i++) p.set(`more:${i}`, VALUE(i));
    await p.exec();
    expect(Number(fields(await redis.info('tiers'))['demotions'])).toBe(demotions);
    expect(await redis.call('MIGRATE_DONE')).toBe('OK');
    const after = fields(await redis.info('migration'));
    expect(after['migration_state']).toBe('none');
    expect(Number(after['migrate_prepares'])).toBe(1);
    expect(Number(after['migrate_dropped_keys'])).toBe(Number(before['cold_keys']));
  });

  it('MIGRATE_ABORT also leaves migration mode; RESP3 replies a map', async () => {
    const raw = await RawClient.connect(server.port, { host: server.host });
    try {
      await raw.command('HELLO', '3');
      const bytes = await raw.command('MIGRATE_PREPARE');
      expect(bytes[0]).toBe('%'.charCodeAt(0));
      const m = pairs(decodeReply(bytes));
      expect(m['migration_state']).toBe('prepared');
      expect(fields(await redis.info('tiers'))['migration_state']).toBe('prepared');
      expect(decodeReply(await raw.command('MIGRATE_ABORT'))).toBe('OK');
      expect(fields(await redis.info('tiers'))['migration_state']).toBe('none');
    } finally {
      await raw.close();
    }
  });

  it('leaves migration mode by itself after migrate-prepare-timeout-ms', async () => {
    await redis.config('SET', 'migrate-prepare-timeout-ms', '300');
    await redis.call('MIGRATE_PREPARE');
    expect(fields(await redis.info('migration'))['migration_state']).toBe('prepared');
    await waitUntil(async () => fields(await redis.info('migration'))['migration_state'] === 'none', 'the timeout', 5000);
    expect(Number(fields(await redis.info('migration'))['migrate_timeouts'])).toBe(1);
  });
});

describe('MIGRATE_PREPARE protection (enable-migrate-command)', () => {
  it('refuses everyone with "no", even on loopback', async () => {
    const srv = await startTierkvInProcess({ 'enable-migrate-command': 'no' });
    const redis = new Redis({ port: srv.port, host: srv.host });
    try {
      await expect(redis.call('MIGRATE_PREPARE')).rejects.toThrow(/MIGRATE_PREPARE is disabled/);
      await expect(redis.call('MIGRATE_DONE')).rejects.toThrow(/disabled/);
    } finally {
      redis.disconnect();
      await srv.stop();
    }
  });

  it('needs AUTH first when requirepass is set', async () => {
    const srv = await startTierkvInProcess({ requirepass: 'pw' });
    const redis = new Redis({ port: srv.port, host: srv.host, lazyConnect: true });
    redis.on('error', () => {}); // the handshake fails without the password: expected here
    try {
      await redis.connect().catch(() => {});
      await expect(redis.call('MIGRATE_PREPARE')).rejects.toThrow(/NOAUTH/);
    } finally {
      redis.disconnect();
      await srv.stop();
    }
  });

  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

  it.skipIf(external === undefined)(
    `refuses a non-loopback client with "local" (connecting to ${external ?? 'no non-loopback address on this machine'})`,
    async () => {
      const srv = await startTierkvInProcess({ bind: `127.0.0.1 ${external}`, 'enable-migrate-command': 'local' });
      const remote = new Redis({ port: srv.port, host: external });
      const local = new Redis({ port: srv.port, host: '127.0.0.1' });
      try {
        await expect(remote.call('MIGRATE_PREPARE')).rejects.toThrow(/only allowed from a local connection/);
        expect(pairs(await local.call('MIGRATE_PREPARE'))['migration_state']).toBe('prepared');
        expect(await local.call('MIGRATE_DONE')).toBe('OK');
      } finally {
        remote.disconnect();
        local.disconnect();
        await srv.stop();
      }
    },
  );

  it('allows a non-local client with "yes"', async () => {
    const host = external ?? '127.0.0.1';
    const srv = await startTierkvInProcess({ bind: external ? `127.0.0.1 ${external}` : '127.0.0.1', 'enable-migrate-command': 'yes' });
    const redis = new Redis({ port: srv.port, host });
    try {
      expect(pairs(await redis.call('MIGRATE_PREPARE'))['dropped_keys']).toBe(0);
      expect(await redis.call('MIGRATE_ABORT')).toBe('OK');
    } finally {
      redis.disconnect();
      await srv.stop();
    }
  });
});
