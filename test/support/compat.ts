/**
 * The compatibility fixture (test/integration/compat-*.test.ts): the same commands sent to tierkv and, when it is
 * installed, to redis-server 7.0 (`--databases 1`), so that a test can assert tierkv's exact reply bytes (captured
 * from redis-server 7.0.15) and, with the reference at hand, that the reference still answers the same.
 *
 *   describeCompat('CONFIG SET', { maxmemory: '64mb' }, (f) => {
 *     it('...', async () => { await f.expectReply(['CONFIG', 'GET', 'maxmemory'], '*2\r\n...'); });
 *   });
 *
 * `useCompat(params)` registers the same beforeAll/afterAll in the current scope (a whole file, or a describe).
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { hasRedisServer, startRedisServer } from './redis-server.js';
import type { ServerHandle } from './server-handle.js';
import { startTierkvInProcess } from './tierkv.js';
import { RawClient } from './raw-client.js';

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
  tierkv: RawClient;
  redis: RawClient | null;
  close(): void;
}

/** Opens a connection to each server (after HELLO 3 when `protocol` is 3). */
export async function connectBoth(s: CompatServers, protocol: 2 | 3 = 2): Promise<CompatConns> {
  const open = async (h: ServerHandle): Promise<RawClient> => {
    const c = await RawClient.connect(h.port, { host: h.host, readTimeoutMs: 15_000 });
    if (protocol === 3) await c.command('HELLO', '3');
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
  const [a, b] = await Promise.all([c.tierkv.command(...args), c.redis?.command(...args) ?? Promise.resolve(null)]);
  return { tierkv: a.toString('latin1'), redis: b === null ? null : b.toString('latin1') };
}

/**
 * Asserts that one command gets exactly `expected` (raw reply bytes as latin1) from tierkv and, when installed,
 * from redis-server.
 */
export async function expectReply(c: CompatConns, args: (string | Buffer)[], expected: string): Promise<void> {
  const r = await both(c, ...args);
  expect(r.tierkv, `tierkv: ${args.join(' ')}`).toBe(expected);
  if (r.redis !== null) expect(r.redis, `redis-server: ${args.join(' ')}`).toBe(expected);
}

/** What {@link useCompat} gives a suite: its servers and a RESP2 connection to each, set in beforeAll. */
export interface CompatFixture {
  /** The servers (tierkv; redis-server when installed). */
  readonly servers: CompatServers;
  /** One RESP2 connection to each (unless `connect: false`). */
  readonly c: CompatConns;
  /** {@link both} on `c`. */
  both(...args: (string | Buffer)[]): Promise<{ tierkv: string; redis: string | null }>;
  /** {@link expectReply} on `conns` (default `c`). */
  expectReply(args: (string | Buffer)[], expected: string, conns?: CompatConns): Promise<void>;
}

/** Options of {@link useCompat}. */
export interface CompatOptions {
  /** redis-server's parameters (default: the same as tierkv's). */
  redisParams?: Record<string, string>;
  /** Open the connections `c` (default true). */
  connect?: boolean;
}

/**
 * Starts the servers of a compat suite in a beforeAll of the current scope (and stops them in its afterAll).
 * @param params tierkv's (and by default redis-server's) parameters
 */
export function useCompat(params: Record<string, string> = {}, options: CompatOptions = {}): CompatFixture {
  let servers: CompatServers | undefined;
  let conns: CompatConns | undefined;
  beforeAll(async () => {
    servers = await startCompat(params, options.redisParams);
    if (options.connect !== false) conns = await connectBoth(servers);
  });
  afterAll(async () => {
    conns?.close();
    await servers?.stop();
  });
  const f: CompatFixture = {
    get servers(): CompatServers {
      if (servers === undefined) throw new Error('compat servers not started (see the beforeAll error)');
      return servers;
    },
    get c(): CompatConns {
      if (conns === undefined) throw new Error('compat connections not open (see the beforeAll error)');
      return conns;
    },
    both: (...args) => both(f.c, ...args),
    expectReply: (args, expected, c = f.c) => expectReply(c, args, expected),
  };
  return f;
}

/** A describe whose tests run against tierkv and, where installed, redis-server ({@link useCompat}). */
export function describeCompat(
  name: string,
  params: Record<string, string>,
  body: (f: CompatFixture) => void,
  options: CompatOptions = {},
): void {
  describe(name, () => body(useCompat(params, options)));
}
