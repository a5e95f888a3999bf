/**
 * INFO keyspace through ioredis: `db0:keys=..,expires=..,avg_ttl=..`, where avg_ttl (ms) is estimated by the active
 * expiry cycle as Redis does (a moving average of the remaining TTLs it sees), and absent/zeroed after FLUSHALL.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startTierkvInProcess } from '../support/tierkv.js';

const keyspaceLine = async (r: Redis): Promise<string> => ((await r.info('keyspace')).split('\r\n').find((l) => l.startsWith('db0:')) ?? '');

describe('INFO keyspace', () => {
  it('reports keys, expires and an avg_ttl that the expiry cycle estimates', async () => {
    const srv = await startTierkvInProcess({ hz: '100' });
    const r = new Redis({ port: srv.port, host: srv.host, lazyConnect: true });
    try {
      await r.connect();
      expect(await keyspaceLine(r)).toBe('');
      await r.set('plain', 'v');
      for (let i = 0; i < 50; i++) await r.set(`ttl:${i}`, 'v', 'EX', 1000);
      let line = '';
      for (let tries = 0; tries < 100; tries++) {
        line = await keyspaceLine(r);
        if (!line.endsWith('avg_ttl=0')) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      const m = /^db0:keys=51,expires=50,avg_ttl=(\d+)$/.exec(line);
      expect(m, line).not.toBeNull();
      const avg = Number(m![1]);
      expect(avg).toBeGreaterThan(900_000);
      expect(avg).toBeLessThanOrEqual(1_000_000);
      await r.flushall();
      await r.set('again', 'v');
      expect(await keyspaceLine(r)).toBe('db0:keys=1,expires=0,avg_ttl=0');
    } finally {
      r.disconnect();
      await srv.stop();
    }
  });
});
