/**
 * Regression tests: INFO prints Redis 7.0's sections in Redis's order (Commandstats before Errorstats, the
 * Latencystats section of INFO all / everything) with every field redis-server prints in them, and counts errors
 * the same way (divergences found by the differential fuzzer). tierkv's own sections (Tiers, Migration) come last.
 */
import { describe, expect, it } from 'vitest';
import { compareReplies } from '../fuzz/normalize.js';
import { connectBoth, useCompat } from '../support/compat.js';
import { decodeReply } from '../support/resp.js';

const f = useCompat();

const text = async (...args: string[]): Promise<string> => String(decodeReply(await f.c.tierkv.command(...args)));
const sections = (t: string): string[] => t.split('\r\n').filter((l) => l.startsWith('# ')).map((l) => l.slice(2));

describe('INFO sections', () => {
  it('are printed in Redis order, then tierkv\'s own', async () => {
    expect(sections(await text('INFO', 'everything'))).toEqual([
      'Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Commandstats', 'Errorstats',
      'Latencystats', 'Cluster', 'Keyspace', 'Tiers', 'Migration',
    ]);
    expect(sections(await text('INFO'))).toEqual([
      'Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace', 'Tiers', 'Migration',
    ]);
    expect(sections(await text('INFO', 'latencystats', 'bogus', 'commandstats'))).toEqual(['Commandstats', 'Latencystats']);
  });

  it('print per-command latency percentiles as Redis (latency_percentiles_usec_<cmd>:p50=..,p99=..,p99.9=..)', async () => {
    await f.c.tierkv.command('SET', 'k', 'v');
    await f.c.tierkv.command('GET', 'k');
    const t = await text('INFO', 'latencystats');
    expect(t).toMatch(/\r\nlatency_percentiles_usec_get:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n/);
    expect(t).toMatch(/\r\nlatency_percentiles_usec_set:p50=/);
    await f.c.tierkv.command('CONFIG', 'SET', 'latency-tracking-info-percentiles', '50');
    expect(await text('INFO', 'latencystats')).toMatch(/\r\nlatency_percentiles_usec_get:p50=\d+\.\d{3}\r\n/);
    await f.c.tierkv.command('CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9');
    await f.c.tierkv.command('CONFIG', 'RESETSTAT');
    expect(await text('INFO', 'latencystats')).not.toMatch(/latency_percentiles_usec_get:/);
  });

  it('have every field redis-server prints, and the same error counts', async (t) => {
    if (f.c.redis === null) t.skip();
    await f.both('FLUSHALL');
    await f.both('CONFIG', 'RESETSTAT');
    await f.both('NOSUCHCOMMAND');
    await f.both('GET');
    await f.both('SET', 'k', 'v', 'EX', 'abc');
    const env = { tierkvCommands: new Set<string>(), errorSkew: new Map<string, number>() };
    for (const protocol of [2, 3] as const) {
      const cc = await connectBoth(f.servers, protocol);
      try {
        for (const args of [['INFO'], ['INFO', 'everything'], ['INFO', 'errorstats', 'keyspace']]) {
          const cmd = args.map((x) => Buffer.from(x));
          const [a, b] = await Promise.all([cc.tierkv.command(...cmd), cc.redis!.command(...cmd)]);
          expect(compareReplies(cmd, a, b, env), `RESP${protocol} ${args.join(' ')}`).toBeNull();
        }
      } finally {
        cc.close();
      }
    }
    expect(await text('INFO', 'errorstats')).toContain('errorstat_ERR:count=3');
  });
});
