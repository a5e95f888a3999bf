/**
 * MONITOR and ACL (default user) as redis-server 7.0.15: MONITOR's line format and Redis's escaping, what is shown
 * (EXEC's commands at EXEC time, AUTH/HELLO secrets redacted) and what is not (admin commands, rejected ones), the
 * monitor client's own rules (no keyspace commands, a second MONITOR answers nothing, RESET leaves monitor mode,
 * CLIENT LIST flag O), `redis-cli monitor` through the real tool; ACL WHOAMI/USERS/CAT/LIST/HELP with and without
 * requirepass. Expected bytes were captured from redis-server 7.0.15 and are checked against it when installed;
 * times and client ports are compared by shape.
 */
import { describe, expect, it } from 'vitest';
import { describeCompat } from '../support/compat.js';
import { RawClient } from '../support/raw-client.js';
import { runCli } from '../support/redis-cli.js';
import { hasRedisCli } from '../support/redis-server.js';
import type { ServerHandle } from '../support/server-handle.js';
import { startTierkvWithHttp } from '../support/tierkv.js';
import { sleep } from '../support/wait.js';

/** `+<sec>.<usec> [0 127.0.0.1:<port>] ` → `+T [0 ADDR] `, after checking the shape. */
function norm(line: string): string {
  const m = /^\+(\d{10})\.(\d{6}) \[0 127\.0\.0\.1:(\d+)\] (.*)\r\n$/s.exec(line);
  expect(m, `monitor line ${JSON.stringify(line)}`).not.toBeNull();
  expect(Math.abs(Number(m![1]) - Date.now() / 1000)).toBeLessThan(30);
  return `+T [0 ADDR] ${m![4]}`;
}

/**
 * On one server: a monitor connection, then `cmds` sent by a second connection (one at a time, replies
 * discarded); returns the normalized lines the monitor got (`n` of them), and whether more followed.
 */
async function monitorLines(h: ServerHandle, cmds: readonly (readonly (string | Buffer)[])[], n: number): Promise<string[]> {
  const mon = await RawClient.connect(h.port, { host: h.host });
  const cli = await RawClient.connect(h.port, { host: h.host });
  try {
    expect((await mon.command('MONITOR')).toString()).toBe('+OK\r\n');
    for (const c of cmds) await cli.command(...c);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(norm((await mon.readReply(5000)).toString('latin1')));
    await cli.command('PING', 'end');
    out.push(norm((await mon.readReply(5000)).toString('latin1')));
    return out;
  } finally {
    mon.destroy();
    cli.destroy();
  }
}

describeCompat('MONITOR', {}, (f) => {
  /** Runs the scenario on both servers and checks both against `expected` (+ the closing PING line). */
  async function expectMonitor(cmds: (string | Buffer)[][], expected: string[]): Promise<void> {
    const all = [...expected, '+T [0 ADDR] "PING" "end"'];
    const [t, r] = await Promise.all([
      monitorLines(f.servers.tierkv, cmds, expected.length),
      f.servers.redis !== null ? monitorLines(f.servers.redis, cmds, expected.length) : null,
    ]);
    expect(t).toEqual(all);
    if (r !== null) expect(r).toEqual(all);
  }

  it('shows each command with Redis escaping (quotes, backslashes, control and non-ASCII bytes)', async () => {
    await expectMonitor(
      [['SET', 'k', Buffer.from('a"b\\c\n\r\t\x07\x08\x00\x7f é~ ', 'latin1')], ['get', 'k'], ['Set', Buffer.from([0xff]), '']],
      ['+T [0 ADDR] "SET" "k" "a\\"b\\\\c\\n\\r\\t\\a\\b\\x00\\x7f \\xe9~ "', '+T [0 ADDR] "get" "k"', '+T [0 ADDR] "Set" "\\xff" ""'],
    );
  });

  it('redacts AUTH and HELLO AUTH secrets; hides admin commands and rejected ones; errors that ran are shown', async () => {
    await expectMonitor(
      [['AUTH', 'pw'], ['AUTH', 'u', 'pw'], ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'n'], ['CONFIG', 'GET', 'hz'],
        ['CLIENT', 'LIST'], ['SLOWLOG', 'LEN'], ['ACL', 'LIST'], ['SET', 'k'], ['NOSUCH'], ['INCR', 'k'], ['CLIENT', 'SETNAME', 'x'], ['ACL', 'WHOAMI']],
      ['+T [0 ADDR] "AUTH" "(redacted)"', '+T [0 ADDR] "AUTH" "(redacted)" "(redacted)"',
        '+T [0 ADDR] "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n"', '+T [0 ADDR] "INCR" "k"',
        '+T [0 ADDR] "CLIENT" "SETNAME" "x"', '+T [0 ADDR] "ACL" "WHOAMI"'],
    );
  });

  it('shows a transaction at EXEC time: MULTI, the queued commands, then EXEC (also an aborted one)', async () => {
    await expectMonitor(
      [['MULTI'], ['SET', 'a', '1'], ['GET', 'a'], ['EXEC'], ['MULTI'], ['SET', 'a'], ['EXEC']],
      ['+T [0 ADDR] "MULTI"', '+T [0 ADDR] "SET" "a" "1"', '+T [0 ADDR] "GET" "a"', '+T [0 ADDR] "EXEC"',
        '+T [0 ADDR] "MULTI"', '+T [0 ADDR] "EXEC"'],
    );
  });

  it("the monitor client: no keyspace commands, its own commands shown after their replies, no reply to a second MONITOR, flag O, RESET leaves", async () => {
    for (const h of [f.servers.tierkv, f.servers.redis]) {
      if (h === null) continue;
      const mon = await RawClient.connect(h.port, { host: h.host });
      try {
        const replies = await mon.pipeline([['MONITOR'], ['GET', 'a'], ['MONITOR'], ['PING'], ['CLIENT', 'INFO']]);
        expect(replies[0]!.toString()).toBe('+OK\r\n');
        expect(replies[1]!.toString()).toBe("-ERR Replica can't interact with the keyspace\r\n");
        // The second MONITOR answered nothing: PING's reply comes next, then PING's own line.
        expect(replies[2]!.toString()).toBe('+PONG\r\n');
        expect(norm(replies[3]!.toString('latin1'))).toBe('+T [0 ADDR] "PING"');
        expect(replies[4]!.toString()).toMatch(/ flags=O /);
        expect(norm((await mon.readReply()).toString('latin1'))).toBe('+T [0 ADDR] "CLIENT" "INFO"');
        expect((await mon.command('RESET')).toString()).toBe('+RESET\r\n');
        expect((await mon.command('SET', 'm', 'v')).toString()).toBe('+OK\r\n');
        expect((await mon.command('CLIENT', 'INFO')).toString()).toMatch(/ flags=N /);
        // MONITOR inside a transaction is refused when EXEC runs it.
        expect((await mon.pipeline([['MULTI'], ['MONITOR'], ['EXEC']]))[2]!.toString()).toBe(
          "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n",
        );
      } finally {
        mon.destroy();
      }
    }
  });

  it('RESP3 monitors get simple strings too', async () => {
    for (const h of [f.servers.tierkv, f.servers.redis]) {
      if (h === null) continue;
      const mon = await RawClient.connect(h.port, { host: h.host });
      const cli = await RawClient.connect(h.port, { host: h.host });
      try {
        await mon.command('HELLO', '3');
        await mon.command('MONITOR');
        await cli.command('ECHO', 'x');
        expect(norm((await mon.readReply()).toString('latin1'))).toBe('+T [0 ADDR] "ECHO" "x"');
      } finally {
        mon.destroy();
        cli.destroy();
      }
    }
  });

  it.skipIf(!hasRedisCli())('redis-cli monitor shows a SET from another client', async () => {
    for (const h of [f.servers.tierkv, f.servers.redis]) {
      if (h === null) continue;
      const run = runCli(h, ['monitor'], { timeoutMs: 1500 });
      await sleep(500);
      const c = await RawClient.connect(h.port, { host: h.host });
      await c.command('SET', 'greeting', 'hello world');
      c.destroy();
      const res = await run;
      const lines = res.out.trim().split('\n');
      expect(lines[0]).toBe('OK');
      expect(lines[1]).toMatch(/^\d{10}\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "greeting" "hello world"$/);
    }
  });
});

describeCompat('ACL (default user)', {}, (f) => {
  it('WHOAMI, USERS, LIST without requirepass', async () => {
    await f.expectReply(['ACL', 'WHOAMI'], '$7\r\ndefault\r\n');
    await f.expectReply(['ACL', 'USERS'], '*1\r\n$7\r\ndefault\r\n');
    await f.expectReply(['ACL', 'LIST'], '*1\r\n$34\r\nuser default on nopass ~* &* +@all\r\n');
  });

  it('CAT: the 21 categories in Redis order; errors', async () => {
    const cats = ['keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
      'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting'];
    await f.expectReply(['ACL', 'CAT'], `*21\r\n${cats.map((c) => `$${c.length}\r\n${c}\r\n`).join('')}`);
    await f.expectReply(['ACL', 'CAT', 'nosuch'], "-ERR Unknown category 'nosuch'\r\n");
    await f.expectReply(['ACL', 'CAT', 'a', 'b'], "-ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP.\r\n");
    // Full ACL users are not implemented (README "Differences"): Redis's unknown-subcommand error (tierkv only).
    expect((await f.c.tierkv.command('ACL', 'SETUSER', 'x')).toString()).toBe("-ERR unknown subcommand 'SETUSER'. Try ACL HELP.\r\n");
    await f.expectReply(['ACL', 'WHOAMI', 'x'], "-ERR wrong number of arguments for 'acl|whoami' command\r\n");
  });

  it("CAT <category>: tierkv's commands of the category, each also in redis-server's list", async () => {
    for (const cat of ['transaction', 'pubsub', 'string', 'Connection', 'dangerous', 'read']) {
      const r = await f.both('ACL', 'CAT', cat);
      const names = (s: string): string[] => s.split('\r\n').filter((l, i) => i > 0 && i % 2 === 0).sort();
      const t = names(r.tierkv);
      expect(t.length).toBeGreaterThan(0);
      if (r.redis !== null) {
        const red = new Set(names(r.redis));
        for (const n of t) if (!/^(migrate_|object\|tier|client\|setinfo|client\|no-touch)/.test(n)) expect(red, `${cat}: ${n}`).toContain(n);
      }
    }
    const tr = await f.both('ACL', 'CAT', 'transaction');
    expect(tr.tierkv.split('\r\n').filter((_, i) => i > 0 && i % 2 === 0).sort()).toEqual(['discard', 'exec', 'multi', 'unwatch', 'watch']);
  });
});

describeCompat('ACL with requirepass', { requirepass: 'pa ss' }, (f) => {
  it('NOAUTH before AUTH; LIST shows the sha256 of the password', async () => {
    await f.expectReply(['ACL', 'WHOAMI'], '-NOAUTH Authentication required.\r\n');
    await f.expectReply(['AUTH', 'pa ss'], '+OK\r\n');
    await f.expectReply(['ACL', 'WHOAMI'], '$7\r\ndefault\r\n');
    await f.expectReply(['ACL', 'LIST'],
      '*1\r\n$93\r\nuser default on #e5a47171141c1f30759959a0830ef9745c5b348e80e28cc110d515ab18c7a8f4 ~* &* +@all\r\n');
  });
});

describeCompat('CLIENT PAUSE / CLIENT UNPAUSE', {}, (f) => {
  /** Runs `scenario` against each server (in parallel) with three fresh connections. */
  async function onBoth(scenario: (a: RawClient, b: RawClient, c: RawClient) => Promise<void>): Promise<void> {
    const run = async (h: ServerHandle | null): Promise<void> => {
      if (h === null) return;
      const [a, b, c] = await Promise.all([0, 1, 2].map(() => RawClient.connect(h.port, { host: h.host })));
      try {
        await scenario(a!, b!, c!);
      } finally {
        await a!.command('CLIENT', 'UNPAUSE').catch(() => undefined);
        for (const x of [a!, b!, c!]) x.destroy();
      }
    };
    await Promise.all([run(f.servers.tierkv), run(f.servers.redis)]);
  }

  it('argument errors', async () => {
    await f.expectReply(['CLIENT', 'PAUSE', '-1'], '-ERR timeout is negative\r\n');
    await f.expectReply(['CLIENT', 'PAUSE', 'abc'], '-ERR timeout is not an integer or out of range\r\n');
    await f.expectReply(['CLIENT', 'PAUSE', '10', 'foo'], '-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n');
    await f.expectReply(['CLIENT', 'PAUSE', 'abc', 'foo'], '-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n');
    await f.expectReply(['CLIENT', 'pause', '10', 'write', 'x'],
      "-ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.\r\n");
    await f.expectReply(['CLIENT', 'PAUSE'], "-ERR wrong number of arguments for 'client|pause' command\r\n");
    await f.expectReply(['CLIENT', 'UNPAUSE', 'x'], "-ERR wrong number of arguments for 'client|unpause' command\r\n");
    // 0, and an end beyond INT64_MAX (a negative time in Redis), pause nothing.
    await f.expectReply(['CLIENT', 'PAUSE', '0'], '+OK\r\n');
    await f.expectReply(['CLIENT', 'PAUSE', '9223372036854775807', 'WRITE'], '+OK\r\n');
    await f.expectReply(['SET', 'p', '1'], '+OK\r\n');
    await f.expectReply(['CLIENT', 'UNPAUSE'], '+OK\r\n');
  });

  it('WRITE: a SET (and PUBLISH) waits, a GET does not; UNPAUSE releases them in order', async () => {
    await onBoth(async (a, b, c) => {
      await c.command('SET', 'w', 'old');
      expect((await a.command('CLIENT', 'PAUSE', '20000', 'WRITE')).toString()).toBe('+OK\r\n');
      void b.send([['SET', 'w', 'new'], ['GET', 'w'], ['INCR', 'n']].map((x) => `*${x.length}\r\n${x.map((s) => `$${s.length}\r\n${s}\r\n`).join('')}`).join(''));
      expect((await c.command('GET', 'w')).toString()).toBe('$3\r\nold\r\n');
      expect((await c.command('PING')).toString()).toBe('+PONG\r\n');
      await sleep(150);
      expect(b.pendingBytes).toBe(0);
      const info = (await c.command('INFO', 'clients')).toString();
      expect(info).toMatch(/blocked_clients:1\r\n/);
      expect((await c.command('CLIENT', 'LIST')).toString()).toMatch(/flags=b .*cmd=set /);
      void c.send('*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$1\r\nm\r\n');
      await sleep(100);
      expect(c.pendingBytes).toBe(0);
      expect((await a.command('CLIENT', 'UNPAUSE')).toString()).toBe('+OK\r\n');
      expect((await b.readReply()).toString()).toBe('+OK\r\n');
      expect((await b.readReply()).toString()).toBe('$3\r\nnew\r\n');
      expect((await b.readReply()).toString()).toMatch(/^:\d+\r\n$/);
      expect((await c.readReply()).toString()).toBe(':0\r\n');
    });
  });

  it('WRITE: EXEC of a transaction holding a write waits; a read-only one runs', async () => {
    await onBoth(async (a, b, c) => {
      await b.pipeline([['MULTI'], ['SET', 't', '1']]);
      await c.pipeline([['MULTI'], ['GET', 't']]);
      expect((await a.command('CLIENT', 'PAUSE', '20000', 'WRITE')).toString()).toBe('+OK\r\n');
      void b.send('*1\r\n$4\r\nEXEC\r\n');
      expect((await c.command('EXEC')).toString()).toMatch(/^\*1\r\n/);
      await sleep(100);
      expect(b.pendingBytes).toBe(0);
      await a.command('CLIENT', 'UNPAUSE');
      expect((await b.readReply()).toString()).toBe('*1\r\n+OK\r\n');
    });
  });

  it('ALL: every command waits (CLIENT UNPAUSE too) until the pause times out', async () => {
    await onBoth(async (a, b) => {
      expect((await a.command('CLIENT', 'PAUSE', '400', 'ALL')).toString()).toBe('+OK\r\n');
      const t0 = Date.now();
      expect((await b.command('PING')).toString()).toBe('+PONG\r\n');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
      expect((await a.command('CLIENT', 'PAUSE', '300')).toString()).toBe('+OK\r\n');
      const t1 = Date.now();
      expect((await b.command('CLIENT', 'UNPAUSE')).toString()).toBe('+OK\r\n');
      expect(Date.now() - t1).toBeGreaterThanOrEqual(200);
    });
  });

  it('keys do not expire while paused: an expired key reads as missing but stays until the pause ends', async () => {
    await onBoth(async (a, b) => {
      await b.command('FLUSHALL');
      await b.command('SET', 'e', 'v', 'PX', '50');
      await a.command('CLIENT', 'PAUSE', '20000', 'WRITE');
      await sleep(300);
      expect((await b.command('GET', 'e')).toString()).toBe('$-1\r\n');
      expect((await b.command('DBSIZE')).toString()).toBe(':1\r\n');
      await a.command('CLIENT', 'UNPAUSE');
      expect((await b.command('GET', 'e')).toString()).toBe('$-1\r\n');
      expect((await b.command('DBSIZE')).toString()).toBe(':0\r\n');
    });
  });
});

describe('CLIENT PAUSE and the HTTP key API (tierkv only)', () => {
  it('an HTTP write a pause holds gets 503 at once; reads still work; after UNPAUSE writes work again', async () => {
    const s = await startTierkvWithHttp();
    const c = await RawClient.connect(s.server.port);
    try {
      await c.command('SET', 'h', 'v');
      await c.command('CLIENT', 'PAUSE', '20000', 'WRITE');
      const put = await fetch(`${s.base}/v1/keys/h`, { method: 'PUT', body: 'x' });
      expect(put.status).toBe(503);
      expect(await put.text()).toMatch(/PAUSED/);
      const get = await fetch(`${s.base}/v1/keys/h`);
      expect(get.status).toBe(200);
      expect(await get.text()).toBe('v');
      await c.command('CLIENT', 'UNPAUSE');
      expect((await fetch(`${s.base}/v1/keys/h`, { method: 'PUT', body: 'x' })).status).toBeLessThan(300);
      expect((await c.command('GET', 'h')).toString()).toBe('$1\r\nx\r\n');
    } finally {
      c.destroy();
      await s.server.stop();
    }
  });
});
