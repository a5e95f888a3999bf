/**
 * Issue 11 item 7: `SHUTDOWN SAVE` asks for a snapshot that tierkv cannot write (it does not persist), so it
 * answers as redis-server 7.0.15 does when its final save fails: "-ERR Errors trying to SHUTDOWN. Check logs.",
 * logs why, and keeps serving; `SHUTDOWN SAVE FORCE` exits anyway, as Redis does after a failed save with FORCE.
 * It used to exit silently as if it had saved. Checked against a redis-server whose save fails (dir /proc) when
 * one is installed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.js';
import { hasRedisServer, startRedisServer } from '../support/redis-server.js';
import { startTierkvProcess, type ServerHandle } from '../support/tierkv.js';

const SHUTDOWN_FAILED = '-ERR Errors trying to SHUTDOWN. Check logs.\r\n';

describe('SHUTDOWN SAVE', () => {
  const servers: ServerHandle[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  async function check(server: ServerHandle): Promise<void> {
    const c = await RawClient.connect(server.port);
    try {
      expect((await c.command('SHUTDOWN', 'SAVE')).toString('latin1')).toBe(SHUTDOWN_FAILED);
      expect((await c.command('SHUTDOWN', 'save', 'NOW')).toString('latin1')).toBe(SHUTDOWN_FAILED);
      expect((await c.command('PING')).toString('latin1')).toBe('+PONG\r\n');
      c.send('*3\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n$5\r\nFORCE\r\n');
      await c.readClosed();
    } finally {
      c.destroy();
    }
  }

  it('tierkv: answers an error and keeps serving; SAVE FORCE exits', async () => {
    const server = await startTierkvProcess();
    servers.push(server);
    await check(server);
    await server.stop(); // waits for the exit that SAVE FORCE started, so that its last log line is in
    expect(server.output()).toContain('SHUTDOWN SAVE: tierkv does not persist');
    expect(server.output()).toContain('tierkv is now ready to exit');
  });

  it.runIf(hasRedisServer())('redis-server 7.0 whose save fails answers the same', async () => {
    const server = await startRedisServer({ dir: '/proc', save: '' });
    servers.push(server);
    await check(server);
  });
});
