/**
 * The two servers a fuzz run compares: redis-server 7.0 (Debian's, `--databases 1`, the reference) and tierkv,
 * either as a child process (`node dist/server/main.js`, the default: a crash is seen as a dead process) or in the
 * calling process (`startServer`, for vitest), both started by test/support/tierkv.ts.
 *
 * Three variants: `plain` (no maxmemory on either side), `tiered` (the same maxmemory on both, and on tierkv a hot
 * tier of about a hundred bytes so that most keys are demoted to the cold tier and MIGRATE_PREPARE has keys to
 * drop; the small data of a fuzz run never comes near maxmemory, so neither side evicts) and `auth` (requirepass
 * on both: NOAUTH, AUTH and HELLO AUTH, the unauthenticated request limits).
 */
import { startRedisServer } from '../support/redis-server.js';
import type { ServerHandle } from '../support/server-handle.js';
import { startTierkvInProcess, startTierkvProcess } from '../support/tierkv.js';

/** Server configurations of a fuzz run. */
export type Variant = 'plain' | 'tiered' | 'auth';
/** Where tierkv runs; `redis`: a second redis-server in its place, to self-check the harness and the seeds. */
export type TierkvMode = 'process' | 'inprocess' | 'redis';

/** A running pair. */
export interface Pair {
  variant: Variant;
  tierkv: ServerHandle;
  redis: ServerHandle;
  /** True while tierkv's child process (or in-process server) is alive. */
  tierkvAlive(): boolean;
  /** requirepass of both servers ('' when none). */
  password?: string;
  stop(): Promise<void>;
}

/**
 * Parameters both servers get in every variant, so that CONFIG GET compares equal: `loglevel warning` (tierkv's
 * in-process `startServer` defaults to it to keep test output quiet; redis-server's default is `notice`).
 */
const COMMON_PARAMS: Readonly<Record<string, string>> = { loglevel: 'warning' };
/** tierkv's parameters per variant. */
export const TIERKV_PARAMS: Readonly<Record<Variant, Record<string, string>>> = {
  plain: { ...COMMON_PARAMS },
  tiered: { ...COMMON_PARAMS, maxmemory: '64mb', 'hot-ratio': '0.000002', 'maxmemory-policy': 'noeviction' },
  auth: { ...COMMON_PARAMS, requirepass: 'pw' },
};
/** redis-server's parameters per variant. */
export const REDIS_PARAMS: Readonly<Record<Variant, Record<string, string>>> = {
  plain: { ...COMMON_PARAMS, databases: '1' },
  tiered: { ...COMMON_PARAMS, databases: '1', maxmemory: '64mb', 'maxmemory-policy': 'noeviction' },
  auth: { ...COMMON_PARAMS, databases: '1', requirepass: 'pw' },
};

/**
 * Starts redis-server and tierkv for `variant`.
 * @throws Error when either does not start (redis-server missing, dist/ not built, ...)
 */
export async function startPair(variant: Variant, mode: TierkvMode = 'process'): Promise<Pair> {
  const redis = await startRedisServer(REDIS_PARAMS[variant]);
  let tierkv: ServerHandle;
  try {
    tierkv =
      mode === 'process'
        ? await startTierkvProcess(TIERKV_PARAMS[variant])
        : mode === 'inprocess'
          ? await startTierkvInProcess(TIERKV_PARAMS[variant])
          : await startRedisServer(REDIS_PARAMS[variant]);
  } catch (e) {
    await redis.stop();
    throw e;
  }
  return {
    variant,
    tierkv,
    redis,
    password: TIERKV_PARAMS[variant]['requirepass'] ?? '',
    tierkvAlive: () => tierkv.alive(),
    stop: async () => {
      await Promise.all([tierkv.stop(), redis.stop()]);
    },
  };
}
