/**
 * The differential fuzzer (test/fuzz/) in its bounded CI form: a fixed set of seeds, each sequence run in RESP2
 * and RESP3 against redis-server 7.0 and tierkv, on the plain, tiered and auth configurations (by seed).
 * A divergence fails the seed's test with a shrunk reproduction (and the command that reruns it with the CLI).
 * Long runs: `npm run fuzz -- --seconds N`.
 *
 * Environment:
 *   FUZZ_SEEDS   number of seeds (default 6)
 *   FUZZ_FROM    first seed (default 1)
 *   FUZZ_STEPS   steps per sequence (default 150)
 *   FUZZ_TARGET  inprocess (default) | process (tierkv as a child process: needs `npm run build`)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeed } from '../fuzz/fuzz.js';
import { preparePair, type PairContext } from '../fuzz/runner.js';
import { startPair, type TierkvMode, type Variant } from '../fuzz/servers.js';
import { hasRedisServer, MISSING_REDIS_SERVER } from '../helpers/redis-server.js';

const intEnv = (name: string, fallback: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name}=${v} is not a non-negative integer`);
  return n;
};

const SEEDS = intEnv('FUZZ_SEEDS', 6);
const FROM = intEnv('FUZZ_FROM', 1);
const STEPS = intEnv('FUZZ_STEPS', 150);
const MODE: TierkvMode = process.env['FUZZ_TARGET'] === 'process' ? 'process' : 'inprocess';
const seeds = Array.from({ length: SEEDS }, (_, i) => FROM + i);
const available = hasRedisServer();

describe.skipIf(!available)(available ? `fuzz: tierkv vs redis-server, ${SEEDS} seeds × ${STEPS} steps from seed ${FROM}` : `fuzz ${MISSING_REDIS_SERVER}`, () => {
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
});
