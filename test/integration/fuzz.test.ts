/**
 * The differential fuzzer (test/fuzz/) in its bounded CI form: a fixed set of seeds, each sequence run in RESP2
 * and RESP3 against redis-server 7.0 and tierkv, on the plain, tiered and auth configurations (by seed).
 * A divergence fails the seed's test with a shrunk reproduction (and the command that reruns it with the CLI).
 * Long runs: `npm run fuzz -- --seconds N`.
 *
 * A second set of seeds runs with large values (gen.ts GenOptions.large): values across the jumbo threshold up to
 * a few MiB, read and changed in place in pipelines and transactions, and clients steps where one client's
 * pipeline of reads is left unread while another writes the key (issue 11: replies must be snapshots).
 *
 * Environment:
 *   FUZZ_SEEDS   number of seeds (default 6)
 *   FUZZ_LARGE_SEEDS  number of seeds with large values (default 10)
 *   FUZZ_LARGE_FROM   their first seed (default 1)
 *   FUZZ_FROM    first seed (default 1)
 *   FUZZ_STEPS   steps per sequence (default 150)
 *   FUZZ_TARGET  inprocess (default) | process (tierkv as a child process: needs `npm run build`)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeed } from '../fuzz/fuzz.js';
import { preparePair, type PairContext } from '../fuzz/runner.js';
import { startPair, type TierkvMode, type Variant } from '../fuzz/servers.js';
import { intEnv } from '../support/env.js';
import { hasRedisServer, MISSING_REDIS_SERVER } from '../support/redis-server.js';

const SEEDS = intEnv('FUZZ_SEEDS', 6);
const FROM = intEnv('FUZZ_FROM', 1);
const STEPS = intEnv('FUZZ_STEPS', 150);
const LARGE_SEEDS = intEnv('FUZZ_LARGE_SEEDS', 10);
const LARGE_FROM = intEnv('FUZZ_LARGE_FROM', 1);
const MODE: TierkvMode = process.env['FUZZ_TARGET'] === 'process' ? 'process' : 'inprocess';
const seeds = Array.from({ length: SEEDS }, (_, i) => FROM + i);
const largeSeeds = Array.from({ length: LARGE_SEEDS }, (_, i) => LARGE_FROM + i);
const available = hasRedisServer();

describe.skipIf(!available)(available ? `fuzz: tierkv vs redis-server, ${SEEDS} seeds × ${STEPS} steps from seed ${FROM}, ${LARGE_SEEDS} with large values from seed ${LARGE_FROM}` : `fuzz ${MISSING_REDIS_SERVER}`, () => {
  const pairs = new Map<Variant, PairContext>();
  beforeAll(async () => {
    for (const v of ['plain', 'tiered', 'auth'] as const) pairs.set(v, await preparePair(await startPair(v, MODE)));
  }, 60_000);
  afterAll(async () => {
    for (const p of pairs.values()) await p.pair.stop();
  });

  it.for(seeds)('seed %i diverges in neither RESP2 nor RESP3', { timeout: 180_000 }, async (seed) => {
    const variant: Variant = (['plain', 'tiered', 'auth'] as const)[seed % 3]!;
    const ctx = pairs.get(variant)!;
    for (const protocol of [2, 3] as const) {
      const rerun = `npm run fuzz -- --seed ${seed} --variant ${variant} --protocol ${protocol} --steps ${STEPS}`;
      const r = await runSeed(ctx, seed, protocol, { steps: STEPS, rerun });
      if (r.divergence !== null) expect.fail(r.report);
      expect(r.commands).toBeGreaterThan(STEPS / 2);
    }
  });

  it.for(largeSeeds)('seed %i with large values and unread pipelines of several clients diverges in neither RESP2 nor RESP3', { timeout: 300_000 }, async (seed) => {
    const variant: Variant = (['plain', 'tiered', 'auth'] as const)[seed % 3]!;
    const ctx = pairs.get(variant)!;
    for (const protocol of [2, 3] as const) {
      const rerun = `npm run fuzz -- --seed ${seed} --variant ${variant} --protocol ${protocol} --steps ${STEPS} --large on`;
      const r = await runSeed(ctx, seed, protocol, { steps: STEPS, rerun, large: true });
      if (r.divergence !== null) expect.fail(r.report);
      expect(r.commands).toBeGreaterThan(STEPS / 2);
    }
  });
});
