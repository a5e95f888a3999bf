/**
 * Regression tests: MULTI/EXEC/WATCH as redis-server 7.0.15 (divergences found by the differential fuzzer once it
 * sent transactions): a refused EXEC aborts the transaction with the reason, a WATCHed key is dirtied only by a real
 * modification (not by a SET NX that fails, a RENAME onto itself, a FLUSHALL of a keyspace without it, ...), a key
 * that expires after WATCH fails EXEC while one already expired when WATCHed does not, CLIENT INFO inside EXEC,
 * errors inside EXEC counted once in INFO errorstats, out-of-memory refusals inside MULTI, and MIGRATE_PREPARE
 * dropping only the WATCHed keys it drops.
 * Expected bytes were captured from redis-server 7.0.15 and are checked against it when it is installed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { both, describeCompat, type CompatConns } from '../support/compat.js';
import { RawClient } from '../support/raw-client.js';
import { startTierkvInProcess, type ServerHandle } from '../support/tierkv.js';
import { sleep } from '../support/wait.js';

/** Runs `before` after WATCH k, then MULTI, PING, EXEC: the EXEC reply ("PONG" ran, "nil" aborted) of each side. */
async function execAfter(c: CompatConns, before: string[][]): Promise<{ tierkv: string; redis: string | null }> {
  await both(c, 'WATCH', 'k');
  for (const cmd of before) await both(c, ...cmd);
  await both(c, 'MULTI');
  await both(c, 'PING');
  const r = await both(c, 'EXEC');
  const word = (s: string | null): string | null => (s === null ? null : s === '*1\r\n+PONG\r\n' ? 'PONG' : s === '*-1\r\n' ? 'nil' : s);
  return { tierkv: word(r.tierkv)!, redis: word(r.redis) };
}

describeCompat('transactions', {}, (f) => {
  beforeEach(async () => {
    await f.both('FLUSHALL');
  });

  it('a refused EXEC ends the transaction with -EXECABORT and the reason', async () => {
    await f.expectReply(['MULTI'], '+OK\r\n');
    await f.expectReply(['SET', 'k', '1'], '+QUEUED\r\n');
    await f.expectReply(['EXEC', 'x'], "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n");
    await f.expectReply(['EXEC'], '-ERR EXEC without MULTI\r\n');
    await f.expectReply(['GET', 'k'], '$-1\r\n');
  });

  it('a refused EXEC outside MULTI also forgets the WATCHed keys', async () => {
    await f.expectReply(['WATCH', 'k'], '+OK\r\n');
    await f.expectReply(['SET', 'k', '1'], '+OK\r\n');
    await f.expectReply(['EXEC', 'x'], "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n");
    await f.expectReply(['MULTI'], '+OK\r\n');
    await f.expectReply(['GET', 'k'], '+QUEUED\r\n');
    await f.expectReply(['EXEC'], '*1\r\n$1\r\n1\r\n');
  });

  it('a refused DISCARD or MULTI inside MULTI flags the transaction and keeps it open', async () => {
    await f.expectReply(['MULTI'], '+OK\r\n');
    await f.expectReply(['DISCARD', 'x'], "-ERR wrong number of arguments for 'discard' command\r\n");
    await f.expectReply(['SHUTDOWN', 'NOSAVE'], '-ERR Command not allowed inside a transaction\r\n');
    await f.expectReply(['MULTI'], '-ERR MULTI calls can not be nested\r\n');
    await f.expectReply(['EXEC'], '-EXECABORT Transaction discarded because of previous errors.\r\n');
  });

  it('out of memory, a transaction refuses every command but EXEC and DISCARD, and SHUTDOWN as not allowed', async () => {
    await f.expectReply(['CONFIG', 'SET', 'maxmemory', '1'], '+OK\r\n');
    try {
      const oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
      await f.expectReply(['MULTI'], '+OK\r\n');
      await f.expectReply(['GET', 'k'], oom);
      await f.expectReply(['PING'], oom);
      await f.expectReply(['SHUTDOWN'], '-ERR Command not allowed inside a transaction\r\n');
      await f.expectReply(['EXEC'], '-EXECABORT Transaction discarded because of previous errors.\r\n');
      await f.expectReply(['MULTI'], '+OK\r\n');
      await f.expectReply(['WATCH', 'k'], oom);
      await f.expectReply(['DISCARD'], '+OK\r\n');
    } finally {
      await f.both('CONFIG', 'SET', 'maxmemory', '0');
    }
  });

  it('CLIENT INFO run by EXEC shows flag x, multi=<queued commands> and cmd=exec; a dirty WATCH shows flag d', async () => {
    await f.both('MULTI');
    await f.both('PING');
    await f.both('CLIENT', 'INFO');
    const r = await f.both('EXEC');
    for (const s of [r.tierkv, r.redis]) if (s !== null) expect(s).toMatch(/ flags=x .* multi=2 .* cmd=exec /);
    await f.both('WATCH', 'k');
    await f.both('SET', 'k', 'v');
    const d = await f.both('CLIENT', 'INFO');
    for (const s of [d.tierkv, d.redis]) if (s !== null) expect(s).toMatch(/ flags=d .* multi=-1 .* cmd=client\|info /);
    await f.both('UNWATCH');
    const n = await f.both('CLIENT', 'INFO');
    for (const s of [n.tierkv, n.redis]) if (s !== null) expect(s).toMatch(/ flags=N /);
  });

  it('counts an error inside EXEC once in INFO errorstats', async () => {
    await f.both('CONFIG', 'RESETSTAT');
    await f.both('SET', 'k', 'a');
    await f.both('MULTI');
    await f.both('INCR', 'k');
    await f.expectReply(['EXEC'], '*1\r\n-ERR value is not an integer or out of range\r\n');
    await f.both('EXEC', 'x');
    await f.expectReply(['INFO', 'errorstats'], '$66\r\n# Errorstats\r\nerrorstat_ERR:count=1\r\nerrorstat_EXECABORT:count=1\r\n\r\n');
  });

  it('counts only the errors after a CONFIG RESETSTAT run by the same EXEC', async () => {
    await f.both('MULTI');
    await f.both('CLIENT', 'LIST', 'ID', '1.5');
    await f.both('CONFIG', 'RESETSTAT');
    await f.both('SET', 'k', 'v');
    await f.expectReply(['EXEC'], '*3\r\n-ERR Invalid client ID\r\n+OK\r\n+OK\r\n');
    await f.expectReply(['INFO', 'errorstats'], '$14\r\n# Errorstats\r\n\r\n');
  });

  it('WATCH is not dirtied by writes that change nothing', async () => {
    const noChange: Array<{ setup: string[][]; cmds: string[][] }> = [
      { setup: [['SET', 'k', 'v']], cmds: [['SET', 'k', 'w', 'NX']] },
      { setup: [['SET', 'k', 'v']], cmds: [['SETNX', 'k', 'w']] },
      { setup: [['SET', 'k', 'v']], cmds: [['RENAME', 'k', 'k']] },
      { setup: [['SET', 'k', 'v']], cmds: [['RENAMENX', 'k', 'k']] },
      { setup: [['SET', 'k', 'v']], cmds: [['PERSIST', 'k'], ['GETEX', 'k', 'PERSIST']] },
      { setup: [['SET', 'k', 'v']], cmds: [['SETRANGE', 'k', '0', '']] },
      { setup: [['SET', 'k', 'v']], cmds: [['INCR', 'k']] },
      { setup: [['SET', 'k', 'v']], cmds: [['EXPIRE', 'k', '100', 'XX']] },
      { setup: [['SET', 'k', 'v'], ['SET', 'j', 'v']], cmds: [['MSETNX', 'k', '1', 'j', '2']] },
      { setup: [], cmds: [['DEL', 'k'], ['GETDEL', 'k'], ['EXPIRE', 'k', '100'], ['RENAMENX', 'k', 'j'], ['SETRANGE', 'k', '0', '']] },
      { setup: [['SET', 'j', 'v']], cmds: [['FLUSHALL']] },
      { setup: [['SET', 'j', 'v']], cmds: [['FLUSHDB', 'ASYNC']] },
    ];
    for (const { setup, cmds } of noChange) {
      await f.both('FLUSHALL');
      for (const s of setup) await f.both(...s);
      const r = await execAfter(f.c, cmds);
      expect(r.tierkv, JSON.stringify(cmds)).toBe('PONG');
      if (r.redis !== null) expect(r.redis, JSON.stringify(cmds)).toBe('PONG');
    }
  });

  it('WATCH is dirtied by every real modification, even one that keeps the value', async () => {
    const changes: Array<{ setup: string[][]; cmds: string[][] }> = [
      { setup: [['SET', 'k', 'v']], cmds: [['SET', 'k', 'v']] },
      { setup: [['SET', 'k', 'v']], cmds: [['APPEND', 'k', '']] },
      { setup: [['SET', 'k', 'v']], cmds: [['EXPIRE', 'k', '100']] },
      { setup: [['SET', 'k', 'v', 'EX', '100']], cmds: [['PERSIST', 'k']] },
      { setup: [['SET', 'j', 'v']], cmds: [['RENAME', 'j', 'k']] },
      { setup: [['SET', 'k', 'v']], cmds: [['RENAME', 'k', 'j']] },
      { setup: [['SET', 'k', '1']], cmds: [['INCRBY', 'k', '0']] },
      { setup: [['SET', 'k', 'v']], cmds: [['FLUSHALL']] },
      { setup: [], cmds: [['SETRANGE', 'k', '0', 'x']] },
    ];
    for (const { setup, cmds } of changes) {
      await f.both('FLUSHALL');
      for (const s of setup) await f.both(...s);
      const r = await execAfter(f.c, cmds);
      expect(r.tierkv, JSON.stringify(cmds)).toBe('nil');
      if (r.redis !== null) expect(r.redis, JSON.stringify(cmds)).toBe('nil');
    }
  });

  it('EXEC fails when a WATCHed key expired since, not when it had already expired when WATCHed', async () => {
    // 300 ms: the WATCH must come before the key expires, which a loaded machine can delay by tens of ms.
    await f.both('SET', 'k', 'v', 'PX', '300');
    await f.both('WATCH', 'k');
    await sleep(400);
    await f.both('MULTI');
    await f.both('PING');
    const late = await f.both('EXEC');
    expect(late.tierkv).toBe('*-1\r\n');
    if (late.redis !== null) expect(late.redis).toBe('*-1\r\n');
    // Expired (whether or not the server deleted it yet) before WATCH: its deletion is no change.
    await f.both('SET', 'k', 'v', 'PX', '1');
    await sleep(20);
    const r = await execAfter(f.c, [['GET', 'k'], ['DEL', 'k']]);
    expect(r.tierkv).toBe('PONG');
    if (r.redis !== null) expect(r.redis).toBe('PONG');
  });
});

describeCompat('transactions before AUTH (requirepass)', { requirepass: 'pw' }, (f) => {

  it('EXEC before AUTH is refused with -EXECABORT and NOAUTH as the reason', async () => {
    await f.expectReply(['EXEC'], '-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n');
    await f.expectReply(['MULTI'], '-NOAUTH Authentication required.\r\n');
  });
});

describe('WATCH and MIGRATE_PREPARE (tierkv only)', () => {
  let tierkv: ServerHandle;
  let other: RawClient;
  let watcher: RawClient;
  let ctl: RawClient;
  beforeAll(async () => {
    tierkv = await startTierkvInProcess({ maxmemory: '64mb', 'hot-ratio': '0.000002' });
    other = await RawClient.connect(tierkv.port, { host: tierkv.host, readTimeoutMs: 15_000 });
    watcher = await RawClient.connect(tierkv.port, { host: tierkv.host, readTimeoutMs: 15_000 });
    ctl = await RawClient.connect(tierkv.port, { host: tierkv.host, readTimeoutMs: 15_000 });
  });
  afterAll(async () => {
    for (const c of [other, watcher, ctl]) c?.destroy();
    await tierkv?.stop();
  });

  const call = async (c: RawClient, ...args: string[]): Promise<string> => (await c.command(...args)).toString('latin1');

  it('a dropped WATCHed key fails EXEC like a deleted one; the drop of other keys does not', async () => {
    // A value bigger than the hot tier (about 134 bytes) is demoted to the cold tier; wait until it is (bounded).
    await call(ctl, 'SET', 'cold', 'v'.repeat(400));
    for (let i = 0; i < 200 && (await call(ctl, 'OBJECT', 'TIER', 'cold')) !== '$4\r\ncold\r\n'; i++) await sleep(10);
    expect(await call(ctl, 'OBJECT', 'TIER', 'cold')).toBe('$4\r\ncold\r\n');
    await call(other, 'WATCH', 'absent');
    await call(watcher, 'WATCH', 'cold');
    await call(ctl, 'MIGRATE_PREPARE');
    await call(ctl, 'MIGRATE_DONE');
    expect(await call(ctl, 'EXISTS', 'cold')).toBe(':0\r\n');
    for (const c of [other, watcher]) {
      await call(c, 'MULTI');
      await call(c, 'PING');
    }
    expect(await call(other, 'EXEC')).toBe('*1\r\n+PONG\r\n');
    expect(await call(watcher, 'EXEC')).toBe('*-1\r\n');
  });
});
