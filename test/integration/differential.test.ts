/**
 * Differential test: seeded random command sequences (differential-gen.ts) run on tierkv and on a real
 * redis-server; every reply must be byte-identical (TTL-family replies within a tolerance) and so must the
 * final keyspaces (KEYS * sorted, then TYPE/GET/PTTL of every key, in every database). Runs in RESP2 and in
 * RESP3 (HELLO 3 first).
 *
 * Environment:
 *   DIFF_SEEDS      number of seeds per protocol (default 30)
 *   DIFF_COMMANDS   commands per seed (default 200)
 *   DIFF_SEED_BASE  first seed (default 1; "random" picks one and prints it)
 *   TIERKV_TARGET   inprocess (default) | process | redis  (redis: self-check against a second redis-server)
 *   DIFF_SKIP_COMMANDS  comma-separated command names to drop from the sequences (UNKNOWN: unknown commands),
 *                   to look past a known mismatch while triaging, e.g. DIFF_SKIP_COMMANDS=SELECT,UNKNOWN
 *                   (skipping EXISTS makes DBSIZE run-dependent again, see differential-gen.ts)
 *
 * On a mismatch the failure message shows the seed, protocol, command index, the command, both replies, the
 * shortest reproducing prefix and a minimized reproducer with both sides' replies per step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISSING_REDIS_SERVER, hasRedisServer, startRedisServer } from '../support/redis-server.js';
import type { ServerHandle } from '../support/server-handle.js';
import { startTarget, targetLabel, targetMode } from '../support/tierkv.js';
import { ARITY, type Command, generateSequence } from './differential-gen.js';
import { type DiffConfig, findReproducer, formatReport, rawSide, runSequence } from './differential-runner.js';

const intEnv = (name: string, fallback: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name}=${v} is not a non-negative integer`);
  return n;
};

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
  `differential: ${targetLabel()} vs redis-server, ${SEEDS} seeds × ${COMMANDS} commands from seed ${SEED_BASE}` +
  (SKIP.size > 0 ? ` (skipping ${[...SKIP].join(',')})` : '');

describe.skipIf(!available)(available ? label : `differential ${MISSING_REDIS_SERVER}`, () => {
  let reference: ServerHandle | undefined;
  let target: ServerHandle | undefined;

  beforeAll(async () => {
    // tierkv serves one database (SELECT 1.. fails as on a Redis with `databases 1`); so does the reference.
    reference = await startRedisServer({ databases: '1' });
    target = await startTarget(targetMode() === 'redis' ? { databases: '1' } : {});
  });
  afterAll(async () => {
    await Promise.all([target?.stop(), reference?.stop()]);
  });

  describe.each([2, 3] as const)('RESP%i', (protocol) => {
    it.for(seeds)('seed %i', async (seed) => {
      if (!reference || !target) throw new Error('servers not started (see beforeAll error)');
      const config: DiffConfig = { protocol, databases: 1 };
      const targetName = targetMode() === 'redis' ? 'redis#2' : 'tierkv';
      const a = rawSide(targetName, target.port, target.host);
      const b = rawSide('redis', reference.port, reference.host);
      const commands = generateSequence(seed, COMMANDS, { baseTimeMs: BASE_TIME_MS }).filter(keep);
      const mismatch = await runSequence(a, b, commands, config).catch((err: Error) => {
        throw new Error(`seed ${seed}, RESP${protocol}: ${err.message}\n${targetName} output (tail):\n${target!.output().slice(-4000)}`, { cause: err });
      });
      if (mismatch) {
        const reproducer = mismatch.kind === 'setup' ? undefined : await findReproducer(a, b, commands, mismatch, config);
        const skip = SKIP.size > 0 ? `DIFF_SKIP_COMMANDS=${[...SKIP].join(',')} ` : '';
        const rerun = `${skip}DIFF_SEED_BASE=${seed} DIFF_SEEDS=1 DIFF_COMMANDS=${COMMANDS} npx vitest run test/integration/differential.test.ts -t 'RESP${protocol}'`;
        const output = target.output();
        expect.fail(
          formatReport({
            title: `seed ${seed}, RESP${protocol} (rerun: ${rerun})`,
            sideA: targetName,
            sideB: 'redis',
            mismatch,
            sequenceLength: commands.length,
            commands,
            ...(reproducer ? { reproducer } : {}),
          }) + (output ? `\n${targetName} output (tail):\n${output.slice(-4000)}` : ''),
        );
      }
    });
  });
});
