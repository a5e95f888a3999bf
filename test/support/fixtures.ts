/**
 * vitest fixtures around the spawners (kept out of tierkv.ts, which the fuzz CLI also runs outside vitest).
 */
import { afterAll, beforeAll } from 'vitest';
import type { ServerHandle, ServerParams } from './server-handle.js';
import { startTarget } from './tierkv.js';

/**
 * Starts the server under test ({@link startTarget}) with `params` in a beforeAll of the enclosing describe (and
 * stops it in its afterAll); the returned function gives it (or throws if the start failed).
 */
export function useTarget(params: ServerParams = {}): () => ServerHandle {
  let server: ServerHandle | undefined;
  beforeAll(async () => {
    server = await startTarget(params);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('server not started (see beforeAll error)');
    return server;
  };
}
