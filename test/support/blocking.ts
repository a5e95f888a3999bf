/**
 * Helpers of the blocking-command tests (compat-blocking*.test.ts): a scenario run against tierkv and, when installed,
 * redis-server with the same expected result; raw connections in RESP2 or RESP3; INFO's blocked_clients.
 */
import { expect } from 'vitest';
import type { CompatFixture } from './compat.js';
import { RawClient } from './raw-client.js';
import type { ServerHandle } from './server-handle.js';
import { waitUntil } from './wait.js';

/** Runs `fn` against tierkv, then against redis-server when installed; returns [tierkv's, redis's?]. */
export async function onEach<T>(f: CompatFixture, fn: (h: ServerHandle) => Promise<T>): Promise<T[]> {
  const out = [await fn(f.servers.tierkv)];
  if (f.servers.redis !== null) out.push(await fn(f.servers.redis));
  return out;
}

/** Runs `fn` on each server and expects `expected` from both. */
export async function expectEach<T>(f: CompatFixture, fn: (h: ServerHandle) => Promise<T>, expected: T): Promise<void> {
  const rs = await onEach(f, fn);
  if (process.env['BLOCK_DEBUG']) console.log(JSON.stringify(rs));
  expect(rs[0], 'tierkv').toEqual(expected);
  if (rs.length > 1) expect(rs[1], 'redis-server').toEqual(expected);
}

/** A raw connection to `h`, switched to RESP3 with HELLO 3 when asked. */
export async function conn(h: ServerHandle, proto: 2 | 3 = 2): Promise<RawClient> {
  const c = await RawClient.connect(h.port, { host: h.host, readTimeoutMs: 10_000 });
  if (proto === 3) await c.command('HELLO', '3');
  return c;
}

/** INFO clients' blocked_clients. */
export async function blockedClients(c: RawClient): Promise<number> {
  const info = (await c.command('INFO', 'clients')).toString('latin1');
  return Number(/blocked_clients:(\d+)/.exec(info)![1]);
}

/** Waits until `n` clients are blocked. */
export async function untilBlocked(c: RawClient, n: number): Promise<void> {
  await waitUntil(async () => (await blockedClients(c)) === n, `${n} blocked clients`, 10_000, 10);
}

