/**
 * Helpers of the compatibility regression tests (test/integration/compat-*.test.ts): the same commands sent to
 * tierkv and, when it is installed, to redis-server 7.0 (`--databases 1`), so that a test can assert tierkv's
 * exact reply bytes (captured from redis-server 7.0.15) and, with the reference at hand, that the reference still
 * answers the same.
 */
import { hasRedisServer, startRedisServer } from '../support/redis-server.js';
import type { ServerHandle } from '../support/server-handle.js';
import { startTierkvInProcess } from '../support/tierkv.js';
import { Conn } from './wire.js';

/** The servers of a compat suite: tierkv always, redis-server when available. */
export interface CompatServers {
  tierkv: ServerHandle;
  redis: ServerHandle | null;
  stop(): Promise<void>;
}

/**
 * Starts tierkv in-process with `params` and, when redis-server is installed, redis-server with `databases 1` and
 * `redisParams` (default: the same params).
 */
export async function startCompat(params: Record<string, string> = {}, redisParams?: Record<string, string>): Promise<CompatServers> {
  const tierkv = await startTierkvInProcess(params);
  const redis = hasRedisServer() ? await startRedisServer({ databases: '1', ...(redisParams ?? params) }) : null;
  return {
    tierkv,
    redis,
    stop: async () => {
      await Promise.all([tierkv.stop(), redis?.stop()]);
    },
  };
}

/** One connection to each server. */
export interface CompatConns {
  tierkv: Conn;
  redis: Conn | null;
  close(): void;
}

/** Opens a connection to each server (after HELLO 3 when `protocol` is 3). */
export async function connectBoth(s: CompatServers, protocol: 2 | 3 = 2): Promise<CompatConns> {
  const open = async (h: ServerHandle): Promise<Conn> => {
    const c = await Conn.open(h.port, h.host);
    if (protocol === 3) await c.call('HELLO', '3');
    return c;
  };
  const tierkv = await open(s.tierkv);
  const redis = s.redis !== null ? await open(s.redis) : null;
  return {
    tierkv,
    redis,
    close: () => {
      tierkv.destroy();
      redis?.destroy();
    },
  };
}

/**
 * Sends one command to both and returns both raw replies as latin1 text (redis: null when not installed).
 * @throws Error when a side closes the connection instead of replying
 */
export async function both(c: CompatConns, ...args: (string | Buffer)[]): Promise<{ tierkv: string; redis: string | null }> {
  const [a, b] = await Promise.all([c.tierkv.call(...args), c.redis?.call(...args) ?? Promise.resolve(null)]);
  return { tierkv: a.toString('latin1'), redis: b === null ? null : b.toString('latin1') };
}
