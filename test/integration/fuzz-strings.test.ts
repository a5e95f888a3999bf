/**
 * The fuzzer's string, key and expiry sequences (gen-strings.ts: seeded, one command per step) run by the fuzz
 * runner on tierkv and on a real redis-server: every reply must be byte-identical (TTL-family replies within a
 * tolerance, normalize.ts) and so must the final keyspaces (keyspace.ts). Runs in RESP2 and in RESP3 (HELLO 3
 * first). A divergence fails the seed's test with a shrunk reproduction (shrink.ts).
 *
 * Environment:
 *   DIFF_SEEDS      number of seeds per protocol (default 30)
 *   DIFF_COMMANDS   commands per seed (default 200)
 *   DIFF_SEED_BASE  first seed (default 1; "random" picks one and prints it)
 *   TIERKV_TARGET   inprocess (default) | process | redis  (redis: self-check against a second redis-server)
 *   DIFF_SKIP_COMMANDS  comma-separated command names to drop from the sequences (UNKNOWN: unknown commands),
 *                   to look past a known mismatch while triaging, e.g. DIFF_SKIP_COMMANDS=SELECT,UNKNOWN
 *                   (skipping EXISTS makes DBSIZE run-dependent again, see gen-strings.ts)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReported } from '../fuzz/fuzz.js';
import { ARITY, type Command, generateSequence } from '../fuzz/gen-strings.js';
import type { Step } from '../fuzz/gen.js';
import { preparePair, type PairContext } from '../fuzz/runner.js';
import { startPair } from '../fuzz/servers.js';
import { MISSING_REDIS_SERVER, hasRedisServer } from '../support/redis-server.js';
import { intEnv } from '../support/env.js';
import { targetLabel, targetMode } from '../support/tierkv.js';

const SEEDS = intEnv('DIFF_SEEDS', 30);
const COMMANDS = intEnv('DIFF_COMMANDS', 200);
const SEED_BASE =
  process.env['DIFF_SEED_BASE'] === 'random' ? Math.floor(Math.random() * 1_000_000_000) : intEnv('DIFF_SEED_BASE', 1);
const seeds = Array.from({ length: SEEDS }, (_, i) => SEED_BASE + i);
const SKIP = new Set(
  (process.env['DIFF_SKIP_COMMANDS'] ?? '')
    .split(',')
    .map((x) => x.trim().toUpperCase())
    .filter((x) => x !== ''),
);
/** Drops the commands named in DIFF_SKIP_COMMANDS (the rest of the sequence is unchanged). */
const keep = (command: Command): boolean => {
  if (SKIP.size === 0) return true;
  const name = command[0]!.toString('latin1').toUpperCase();
  return !SKIP.has(name in ARITY ? name : 'UNKNOWN');
};
/** Absolute times in the sequences are relative to this (fixed for the whole run, same for both sides). */
const BASE_TIME_MS = Date.now();

const available = hasRedisServer();
const label =
  `fuzz strings: ${targetLabel()} vs redis-server, ${SEEDS} seeds × ${COMMANDS} commands from seed ${SEED_BASE}` +
  (SKIP.size > 0 ? ` (skipping ${[...SKIP].join(',')})` : '');

describe.skipIf(!available)(available ? label : `fuzz strings ${MISSING_REDIS_SERVER}`, () => {
  let ctx: PairContext | undefined;

  beforeAll(async () => {
    // tierkv serves one database (SELECT 1.. fails as on a Redis with `databases 1`); so does the reference.
    ctx = await preparePair(await startPair('plain', targetMode()));
  });
  afterAll(async () => {
    await ctx?.pair.stop();
  });

  describe.each([2, 3] as const)('RESP%i', (protocol) => {
    it.for(seeds)('seed %i', async (seed) => {
      if (!ctx) throw new Error('servers not started (see beforeAll error)');
      const commands = generateSequence(seed, COMMANDS, { baseTimeMs: BASE_TIME_MS }).filter(keep);
      // One command per step, each sent and answered before the next (as the sequences were designed for).
      const steps: Step[] = commands.map((c) => ({ cmds: [c], flush: true }));
      const skip = SKIP.size > 0 ? `DIFF_SKIP_COMMANDS=${[...SKIP].join(',')} ` : '';
      const rerun = `${skip}DIFF_SEED_BASE=${seed} DIFF_SEEDS=1 DIFF_COMMANDS=${COMMANDS} npx vitest run test/integration/fuzz-strings.test.ts -t 'RESP${protocol}'`;
      const r = await runReported(ctx, steps, { protocol, splitSeed: seed }, `seed ${seed}, RESP${protocol} (rerun: ${rerun})`);
      if (r.divergence !== null) {
        const output = ctx.pair.tierkv.output();
        expect.fail(r.report + (output ? `\ntierkv output (tail):\n${output.slice(-4000)}` : ''));
      }
    });
  });
});
