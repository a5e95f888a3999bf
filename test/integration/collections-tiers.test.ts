/**
 * Collections and the tiers, over real sockets (ioredis, a tierkv child process with maxmemory and hot-ratio):
 * small hashes (listpack), sets (intset) and sorted sets (listpack) are demoted and promoted like strings; hashes and
 * sets in the hashtable encoding and sorted sets in the skiplist encoding stay in the hot tier; MIGRATE_PREPARE drops the cold compact collections whole (each key is
 * either intact or gone, never partly there) and leaves the hot ones and every large one intact; INFO's key counts
 * stay exact; RENAME and COPY of a large collection keep every element. Lists: a short list (at most 2 nodes,
 * quicklist.ts TIER_LIST_MAX_NODES) tiers with its nodes, a long one stays hot; a cold list is read where it is,
 * written after coming back hot, and dropped whole by MIGRATE_PREPARE; BLPOP never serves a dropped list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startTierkvProcess, type ServerHandle } from '../support/tierkv.js';
import { infoFields as fields } from '../support/info.js';
import { waitUntil } from '../support/wait.js';

const SMALL_HASHES = 60_000;
const SMALL_SETS = 30_000;
const SMALL_ZSETS = 20_000;
const STRINGS = 60_000;
/** Small sets of strings: hashtables from their first member (Redis 7.0), so pinned hot: they overfill the hot tier. */
const STRING_SETS = 50_000;
const SMALL_LISTS = 20_000;
/** Elements of each long list: several 8 KiB nodes, so pinned hot. */
const BIG_LIST_N = 5_000;
const LARGE = 3;
const LARGE_N = 2_000;
const HOT = 2_000; // small hashes read again and again: they must stay (or come back) hot

const hashFields = (i: number): Record<string, string> => ({ a: `x${i}`, b: `y${i}`, name: `user-${i}`, n: String(i) });
const listVals = (i: number): string[] => [`a${i}`, `b${i}`, `c${i}`];
const bigList = (j: number): string[] => Array.from({ length: BIG_LIST_N }, (_, k) => `e-${j}-${k}`);
const setMembers = (i: number): string[] => [String(i), String(i + 1), String(-i), '42'];
/** A small zset's ZADD arguments, and its ZRANGE 0 -1 WITHSCORES. */
const zsetArgs = (i: number): string[] => ['2.5', 'b', '1', `a${i}`, String(i), 'c'];
const zsetRange = (i: number): string[] => (i < 1 ? ['c', String(i), `a${i}`, '1', 'b', '2.5'] : i < 3 ? [`a${i}`, '1', 'c', String(i), 'b', '2.5'] : [`a${i}`, '1', 'b', '2.5', 'c', String(i)]);

describe('collections in the tiers (tierkv child process, maxmemory 40mb, hot-ratio 0.3)', () => {
  let server: ServerHandle;
  let redis: Redis;
  let before: Record<string, string>;
  const tierOf = new Map<string, string>();
  /** Lists a test changed, and what they hold now. */
  const listNow = new Map<string, string[]>();

  beforeAll(async () => {
    server = await startTierkvProcess({ maxmemory: '40mb', 'maxmemory-policy': 'allkeys-lfu', 'hot-ratio': '0.3' });
    redis = new Redis({ port: server.port, host: server.host });
    for (let j = 0; j < LARGE; j++) {
      const p = redis.pipeline();
      for (let k = 0; k < LARGE_N; k++) {
        p.hset(`big:h:${j}`, `field-${k}`, `value-${k}`);
        p.sadd(`big:s:${j}`, `member-${k}`);
        p.zadd(`big:z:${j}`, String(k % 100), `member-${k}`);
      }
      p.rpush(`big:l:${j}`, ...bigList(j));
      await p.exec();
    }
    const total = Math.max(SMALL_HASHES, SMALL_SETS, STRINGS, STRING_SETS);
    for (let start = 0; start < total; start += 2000) {
      const p = redis.pipeline();
      for (let i = start; i < start + 2000; i++) {
        if (i < SMALL_HASHES) p.hset(`h:${i}`, hashFields(i));
        if (i < SMALL_SETS) p.sadd(`s:${i}`, ...setMembers(i));
        if (i < SMALL_ZSETS) p.zadd(`z:${i}`, ...zsetArgs(i));
        if (i < STRINGS) p.set(`str:${i}`, `v${i}`.padEnd(80, '.'));
        if (i < STRING_SETS) p.sadd(`ss:${i}`, 'alpha', 'beta', `m${i}`);
        if (i < SMALL_LISTS) p.rpush(`l:${i}`, ...listVals(i));
      }
      await p.exec();
      const r = redis.pipeline();
      for (let i = 0; i < HOT; i += 1) if ((i + start) % 5 === 0) r.hget(`h:${i}`, 'a');
      await r.exec();
    }
    await waitUntil(async () => {
      const t = fields(await redis.info('tiers'));
      return Number(t['hot_used_bytes']) <= Number(t['hot_capacity_bytes']) || Number(t['cold_keys']) > 0;
    }, 'demotions to start');
    await new Promise((r) => setTimeout(r, 500));
    const p = redis.pipeline();
    const sample: string[] = [];
    for (let i = 0; i < SMALL_HASHES; i += 50) sample.push(`h:${i}`);
    for (let i = 0; i < SMALL_SETS; i += 50) sample.push(`s:${i}`);
    for (let i = 0; i < SMALL_ZSETS; i += 50) sample.push(`z:${i}`);
    for (let i = 0; i < SMALL_LISTS; i += 20) sample.push(`l:${i}`);
    for (let j = 0; j < LARGE; j++) sample.push(`big:h:${j}`, `big:s:${j}`, `big:z:${j}`, `big:l:${j}`);
    for (const k of sample) p.call('OBJECT', 'TIER', k);
    const res = await p.exec();
    sample.forEach((k, j) => tierOf.set(k, String(res?.[j]?.[1])));
    before = fields(await redis.info('tiers'));
  }, 180_000);

  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('demotes compact collections, keeps large ones hot, and counts keys (not chunks) per tier', async () => {
    const dbsize = await redis.dbsize();
    expect(dbsize).toBe(SMALL_HASHES + SMALL_SETS + SMALL_ZSETS + STRINGS + STRING_SETS + SMALL_LISTS + 4 * LARGE);
    expect(await redis.object('ENCODING', 'ss:1')).toBe('hashtable');
    expect(Number(before['hot_keys']) + Number(before['cold_keys'])).toBe(dbsize);
    let coldHashes = 0;
    let coldSets = 0;
    let coldZsets = 0;
    let coldLists = 0;
    for (const [k, t] of tierOf) {
      if (k.startsWith('big:')) expect(t, k).toBe('hot');
      else if (t === 'cold' && k.startsWith('h:')) coldHashes++;
      else if (t === 'cold' && k.startsWith('s:')) coldSets++;
      else if (t === 'cold' && k.startsWith('z:')) coldZsets++;
      else if (t === 'cold' && k.startsWith('l:')) coldLists++;
    }
    expect(coldLists).toBeGreaterThan(0);
    expect(await redis.object('ENCODING', 'l:1')).toBe('quicklist');
    expect(coldHashes).toBeGreaterThan(0);
    expect(coldSets).toBeGreaterThan(0);
    expect(coldZsets).toBeGreaterThan(0);
    expect(await redis.object('ENCODING', 'z:1')).toBe('listpack');
    expect(await redis.object('ENCODING', 'big:z:0')).toBe('skiplist');
    expect(await redis.object('ENCODING', 'h:1')).toBe('listpack');
    expect(await redis.object('ENCODING', 's:1')).toBe('intset');
    expect(await redis.object('ENCODING', 'big:h:0')).toBe('hashtable');
    expect(await redis.object('ENCODING', 'big:s:0')).toBe('hashtable');
  });

  it('a cold compact collection read back is whole', async () => {
    const k = [...tierOf].find(([key, t]) => t === 'cold' && key.startsWith('h:'))?.[0] as string;
    const i = Number(k.slice(2));
    expect(await redis.hgetall(k)).toEqual(hashFields(i));
    const s = [...tierOf].find(([key, t]) => t === 'cold' && key.startsWith('s:'))?.[0] as string;
    const si = Number(s.slice(2));
    expect((await redis.smembers(s)).sort()).toEqual([...new Set(setMembers(si))].sort());
    const z = [...tierOf].find(([key, t]) => t === 'cold' && key.startsWith('z:'))?.[0] as string;
    expect(await redis.zrange(z, '0', '-1', 'WITHSCORES')).toEqual(zsetRange(Number(z.slice(2))));
  });

  it('a cold list is read where it is, comes back hot for a write, and keeps its exact contents', async () => {
    const cold = [...tierOf].filter(([key, t]) => t === 'cold' && key.startsWith('l:')).map(([key]) => key);
    expect(cold.length).toBeGreaterThanOrEqual(6);
    const [r1, r2, w1, w2, rn, cp] = cold;
    const idx = (k: string): number => Number(k.slice(2));
    // Reads of a cold list, right after its demotion.
    expect(await redis.call('OBJECT', 'TIER', r1)).toBe('cold');
    expect(await redis.lrange(r1, 0, -1)).toEqual(listVals(idx(r1)));
    expect(await redis.lindex(r2, -1)).toBe(listVals(idx(r2))[2]);
    expect(await redis.llen(r2)).toBe(3);
    // MEMORY USAGE counts its node chunk wherever it is.
    expect(await redis.call('MEMORY', 'USAGE', r2)).toBeGreaterThan(24 + 3 * 6);
    // LPOP: a write, the list comes back to the hot tier first.
    expect(await redis.lpop(w1)).toBe(listVals(idx(w1))[0]);
    expect(await redis.call('OBJECT', 'TIER', w1)).toBe('hot');
    expect(await redis.lrange(w1, 0, -1)).toEqual(listVals(idx(w1)).slice(1));
    listNow.set(w1, listVals(idx(w1)).slice(1));
    // Pushes past the 2 nodes a cold list may have: hot, every element in order.
    expect(await redis.call('OBJECT', 'TIER', w2)).toBe('cold');
    const more = Array.from({ length: 3000 }, (_, k) => `more-${k}`);
    expect(await redis.rpush(w2, ...more)).toBe(3 + more.length);
    expect(await redis.call('OBJECT', 'TIER', w2)).toBe('hot');
    expect(await redis.lrange(w2, 0, -1)).toEqual([...listVals(idx(w2)), ...more]);
    listNow.set(w2, [...listVals(idx(w2)), ...more]);
    // RENAME and COPY of a cold list.
    expect(await redis.call('OBJECT', 'TIER', rn)).toBe('cold');
    expect(await redis.rename(rn, 'renamed:l')).toBe('OK');
    tierOf.delete(rn);
    expect(await redis.lrange('renamed:l', 0, -1)).toEqual(listVals(idx(rn)));
    expect(await redis.copy(cp, 'copy:l')).toBe(1);
    await redis.rpush('copy:l', 'x');
    expect(await redis.lrange('copy:l', 0, -1)).toEqual([...listVals(idx(cp)), 'x']);
    expect(await redis.lrange(cp, 0, -1)).toEqual(listVals(idx(cp)));
    expect(await redis.del('copy:l', 'renamed:l')).toBe(2);
  });

  it('MIGRATE_PREPARE drops cold collections whole and keeps hot and large ones intact', async () => {
    const t0 = fields(await redis.info('tiers'));
    // The collections pinned hot fill the hot tier beyond its capacity.
    expect(Number(t0['hot_used_bytes'])).toBeGreaterThan(Number(t0['hot_capacity_bytes']));
    const reply = (await redis.call('MIGRATE_PREPARE')) as unknown[];
    const r: Record<string, string> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) r[String(reply[i])] = String(reply[i + 1]);
    expect(Number(r['dropped_keys'])).toBe(Number(t0['cold_keys']));
    const after = fields(await redis.info('tiers'));
    expect(Number(after['cold_keys'])).toBe(0);
    expect(await redis.dbsize()).toBe(Number(after['hot_keys']));
    // Every sampled small collection is either gone or whole.
    const p = redis.pipeline();
    const keys = [...tierOf.keys()].filter((k) => !k.startsWith('big:'));
    for (const k of keys) {
      if (k.startsWith('h:')) p.hgetall(k);
      else if (k.startsWith('z:')) p.zrange(k, '0', '-1', 'WITHSCORES');
      else if (k.startsWith('l:')) p.lrange(k, 0, -1);
      else p.smembers(k);
    }
    const res = await p.exec();
    let gone = 0;
    const goneLists: string[] = [];
    keys.forEach((k, j) => {
      const v = res?.[j]?.[1];
      const i = Number(k.slice(2));
      if (k.startsWith('h:')) {
        if (Object.keys(v as object).length === 0) gone++;
        else expect(v, k).toEqual(hashFields(i));
      } else if (k.startsWith('z:')) {
        if ((v as string[]).length === 0) gone++;
        else expect(v, k).toEqual(zsetRange(i));
      } else if (k.startsWith('l:')) {
        if ((v as string[]).length === 0) goneLists.push(k);
        else expect(v, k).toEqual(listNow.get(k) ?? listVals(i));
      } else if ((v as string[]).length === 0) gone++;
      else expect([...(v as string[])].sort(), k).toEqual([...new Set(setMembers(i))].sort());
    });
    expect(gone).toBeGreaterThan(0);
    // Cold lists were dropped whole (the key gone, not an empty list left), long lists kept every element in order.
    expect(goneLists.length).toBeGreaterThan(0);
    for (const k of goneLists.slice(0, 20)) expect(await redis.exists(k), k).toBe(0);
    // A blocked pop on a dropped list times out: nothing of the dropped list is served.
    expect(await redis.blpop(goneLists[0] as string, 0.05)).toBeNull();
    for (let j = 0; j < LARGE; j++) {
      expect(await redis.call('OBJECT', 'TIER', `big:l:${j}`)).toBe('hot');
      expect(await redis.lrange(`big:l:${j}`, 0, -1)).toEqual(bigList(j));
    }
    for (let j = 0; j < LARGE; j++) {
      expect(await redis.hlen(`big:h:${j}`)).toBe(LARGE_N);
      expect(await redis.scard(`big:s:${j}`)).toBe(LARGE_N);
      expect(await redis.hget(`big:h:${j}`, 'field-1234')).toBe('value-1234');
      expect(await redis.sismember(`big:s:${j}`, 'member-1999')).toBe(1);
      expect(await redis.zcard(`big:z:${j}`)).toBe(LARGE_N);
      expect(await redis.zscore(`big:z:${j}`, 'member-1999')).toBe('99');
      expect(await redis.zrank(`big:z:${j}`, 'member-0')).toBe(0);
    }
    // Migration mode evicts only for growth: the hot tier, over its capacity because of the collections pinned there,
    // keeps every key while nothing is written (it used to evict down to its capacity at the next command).
    const st0 = fields(await redis.info('stats'));
    const keys0 = await redis.dbsize();
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 20; i++) await redis.hget('h:1', 'a');
    expect(await redis.dbsize()).toBe(keys0);
    expect(fields(await redis.info('stats'))['evicted_keys']).toBe(st0['evicted_keys']);
    expect(await redis.scard('ss:7')).toBe(3);
    expect(await redis.call('MIGRATE_DONE')).toBe('OK');
  });

  it('RENAME and COPY of a large collection keep every element; DEL frees them', async () => {
    const used0 = Number(fields(await redis.info('memory'))['used_memory']);
    expect(await redis.copy('big:h:0', 'copy:h')).toBe(1);
    expect(await redis.rename('big:s:0', 'renamed:s')).toBe('OK');
    expect(await redis.hlen('copy:h')).toBe(LARGE_N);
    expect(await redis.hget('copy:h', 'field-7')).toBe('value-7');
    expect(await redis.scard('renamed:s')).toBe(LARGE_N);
    expect(await redis.exists('big:s:0')).toBe(0);
    expect(await redis.type('renamed:s')).toBe('set');
    expect(await redis.type('copy:h')).toBe('hash');
    // The copy is independent of its source.
    await redis.hset('copy:h', 'field-7', 'changed');
    expect(await redis.hget('big:h:0', 'field-7')).toBe('value-7');
    const used1 = Number(fields(await redis.info('memory'))['used_memory']);
    expect(used1).toBeGreaterThan(used0 + LARGE_N * 20);
    expect(await redis.del('copy:h')).toBe(1);
    const used2 = Number(fields(await redis.info('memory'))['used_memory']);
    expect(used2).toBeLessThan(used0 + 4096);
    // The same for a large zset (skiplist nodes that are the dict's elements).
    expect(await redis.copy('big:z:0', 'copy:z')).toBe(1);
    expect(await redis.rename('big:z:1', 'renamed:z')).toBe('OK');
    expect(await redis.zcard('copy:z')).toBe(LARGE_N);
    expect(await redis.zrange('renamed:z', '0', '2')).toEqual(await redis.zrange('copy:z', '0', '2'));
    expect(await redis.zrank('renamed:z', 'member-999')).toBe(LARGE_N - 1); // the greatest member of the greatest score (99)
    expect(await redis.type('copy:z')).toBe('zset');
    await redis.zadd('copy:z', '-1', 'member-7');
    expect(await redis.zscore('big:z:0', 'member-7')).toBe('7');
    expect(await redis.zrank('copy:z', 'member-7')).toBe(0);
    const used3 = Number(fields(await redis.info('memory'))['used_memory']);
    expect(used3).toBeGreaterThan(used2 + LARGE_N * 20);
    expect(await redis.del('copy:z')).toBe(1);
    expect(Number(fields(await redis.info('memory'))['used_memory'])).toBeLessThan(used2 + 4096);
  });
});
