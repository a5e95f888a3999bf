/**
 * Diagnostics as redis-server 7.0.15: SLOWLOG GET/LEN/RESET/HELP with slowlog-log-slower-than and slowlog-max-len
 * (argument truncation, redaction of secrets, EXEC's commands logged but not EXEC, a blocking command logged when
 * served), LATENCY LATEST/HISTORY/RESET
 * with latency-monitor-threshold, LATENCY DOCTOR/GRAPH (reply types and errors as Redis; the text is tierkv's own), ROLE, LASTSAVE, and RESET
 * (in MULTI, after WATCH, in subscribed mode, in RESP3, with requirepass).
 * Expected bytes were captured from redis-server 7.0.15 and are checked against it when it is installed; what
 * differs by nature (entry ids, times, durations, client ports) is compared by shape.
 */
import { expect, it } from 'vitest';
import { both, connectBoth, describeCompat, type CompatConns, type CompatFixture } from '../support/compat.js';
import { decodeReply, type RespValue } from '../support/resp.js';

/** SLOWLOG GET `count` on each side: its entries' arguments, after checking the other fields' shapes. */
async function slowArgs(f: CompatFixture, count = '-1', c: CompatConns = f.c): Promise<{ tierkv: string[][]; redis: string[][] | null }> {
  const [t, r] = await Promise.all([c.tierkv.command('SLOWLOG', 'GET', count), c.redis?.command('SLOWLOG', 'GET', count) ?? null]);
  const now = Math.floor(Date.now() / 1000);
  const args = (raw: Buffer): string[][] => {
    const entries = decodeReply(raw) as RespValue[];
    let lastId = Infinity;
    return entries.map((e) => {
      const [id, time, duration, argv, peer, name] = e as [number, number, number, string[], string, string];
      expect((e as RespValue[]).length).toBe(6);
      expect(id).toBeLessThan(lastId); // newest first
      lastId = id;
      expect(Math.abs(time - now)).toBeLessThan(30);
      expect(duration).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(duration)).toBe(true);
      expect(peer).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(typeof name).toBe('string');
      return argv;
    });
  };
  return { tierkv: args(t), redis: r === null ? null : args(r) };
}

/** Asserts both sides logged exactly `expected` (arguments of the newest entries first). */
async function expectSlow(f: CompatFixture, expected: string[][], count = '-1'): Promise<void> {
  const got = await slowArgs(f, count);
  expect(got.tierkv).toEqual(expected);
  if (got.redis !== null) expect(got.redis).toEqual(expected);
}

describeCompat('SLOWLOG', { 'slowlog-log-slower-than': '0' }, (f) => {
  it('logs every command at threshold 0; LEN counts them, RESET clears (and is logged itself)', async () => {
    await f.expectReply(['SLOWLOG', 'RESET'], '+OK\r\n');
    await f.expectReply(['SLOWLOG', 'LEN'], ':1\r\n');
    await f.expectReply(['SET', 'k', 'v'], '+OK\r\n');
    await f.expectReply(['SLOWLOG', 'LEN'], ':3\r\n');
    await expectSlow(f, [['SLOWLOG', 'LEN'], ['SET', 'k', 'v'], ['SLOWLOG', 'LEN'], ['SLOWLOG', 'RESET']]);
    await expectSlow(f, [['SLOWLOG', 'GET', '-1'], ['SLOWLOG', 'LEN']], '2');
  });

  it('keeps at most 32 arguments and 128 bytes of each', async () => {
    await f.both('SLOWLOG', 'RESET');
    const big = 'x'.repeat(200);
    await f.expectReply(['SET', 'k', big], '+OK\r\n');
    const keys = Array.from({ length: 40 }, (_, i) => String(i + 1));
    await f.expectReply(['DEL', ...keys], ':0\r\n');
    await expectSlow(f, [
      ['DEL', ...keys.slice(0, 30), '... (10 more arguments)'],
      ['SET', 'k', `${'x'.repeat(128)}... (72 more bytes)`],
    ], '2');
  });

  it('redacts AUTH and HELLO AUTH credentials and sensitive CONFIG SET values', async () => {
    await f.both('SLOWLOG', 'RESET');
    await f.expectReply(['AUTH', 'a', 'b', 'c'], '-ERR syntax error\r\n');
    await f.expectReply(['AUTH', 'x'], '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n');
    await f.expectReply(['CONFIG', 'SET', 'requirepass', '', 'maxmemory-policy', 'noeviction'], '+OK\r\n');
    await f.expectReply(['HELLO', '2', 'AUTH', 'u', 'p'], '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    await expectSlow(f, [
      ['HELLO', '2', 'AUTH', '(redacted)', '(redacted)'],
      ['CONFIG', 'SET', 'requirepass', '(redacted)', 'maxmemory-policy', 'noeviction'],
      ['AUTH', '(redacted)'],
      ['AUTH', 'a', 'b', 'c'],
    ], '4');
  });

  it("logs a transaction's commands but not EXEC; entries carry the client name", async () => {
    await f.expectReply(['CLIENT', 'SETNAME', 'nm'], '+OK\r\n');
    await f.both('SLOWLOG', 'RESET');
    await f.expectReply(['MULTI'], '+OK\r\n');
    await f.expectReply(['INCR', 'n'], '+QUEUED\r\n');
    await f.expectReply(['EXEC'], '*1\r\n:1\r\n');
    await expectSlow(f, [['INCR', 'n'], ['MULTI'], ['SLOWLOG', 'RESET']]);
    const [t, r] = await Promise.all([f.c.tierkv.command('SLOWLOG', 'GET', '1'), f.c.redis?.command('SLOWLOG', 'GET', '1') ?? null]);
    for (const raw of [t, r]) if (raw !== null) expect(((decodeReply(raw) as RespValue[][])[0]!)[5]).toBe('nm');
    await f.expectReply(['CLIENT', 'SETNAME', ''], '+OK\r\n');
  });

  it('times each command of a pipeline on its own: the command after a slow one is not charged its time', async () => {
    // tierkv reads the clock once per pipelined command (a command starts when the one before it ended): a command
    // that started from an older reading would show SORT's time.
    const n = 200_000;
    for (const conn of [f.c.tierkv, f.c.redis]) {
      if (conn === null) continue;
      for (let i = 0; i < n; i += 10_000) {
        await conn.command('RPUSH', 'sortme', ...Array.from({ length: 10_000 }, (_, j) => String(((i + j) * 7919) % n)));
      }
      await conn.command('SLOWLOG', 'RESET');
      const replies = await conn.pipeline([['SORT', 'sortme', 'LIMIT', '0', '1'], ['PING'], ['PING']]);
      expect(replies.map((r) => r.toString())).toEqual(['*1\r\n$1\r\n0\r\n', '+PONG\r\n', '+PONG\r\n']);
      const entries = decodeReply(await conn.command('SLOWLOG', 'GET', '4')) as RespValue[][];
      expect(entries.map((e) => (e[3] as string[])[0])).toEqual(['PING', 'PING', 'SORT', 'SLOWLOG']);
      const us = entries.map((e) => e[2] as number);
      expect(us[2]).toBeGreaterThan(1000);
      expect(us[0] + us[1]).toBeLessThan(us[2] / 4);
      await conn.command('DEL', 'sortme');
    }
  });

  it('logs a blocking command when it is served, after the command that served it; not one that timed out', async () => {
    const waiter = await connectBoth(f.servers);
    try {
      await f.both('SLOWLOG', 'RESET');
      await f.expectReply(['BLPOP', 'sl:none', '0.05'], '*-1\r\n');
      for (const side of ['tierkv', 'redis'] as const) {
        if (waiter[side] === null) continue;
        await waiter[side]!.send(['BLPOP', 'sl:k', '5']);
        await new Promise((r) => setTimeout(r, 100));
        await f.c[side]!.command('RPUSH', 'sl:k', 'v');
        expect((await waiter[side]!.readReply()).toString()).toBe('*2\r\n$4\r\nsl:k\r\n$1\r\nv\r\n');
      }
      await expectSlow(f, [['BLPOP', 'sl:k', '5'], ['RPUSH', 'sl:k', 'v'], ['SLOWLOG', 'RESET']]);
    } finally {
      waiter.close();
    }
  });

  it('slowlog-max-len bounds the log; slowlog-log-slower-than -1 turns it off', async () => {
    await f.expectReply(['CONFIG', 'GET', 'slowlog-max-len'], '*2\r\n$15\r\nslowlog-max-len\r\n$3\r\n128\r\n');
    await f.expectReply(['CONFIG', 'GET', 'slowlog-log-slower-than'], '*2\r\n$23\r\nslowlog-log-slower-than\r\n$1\r\n0\r\n');
    for (let i = 0; i < 5; i++) await f.both('PING');
    await f.expectReply(['CONFIG', 'SET', 'slowlog-max-len', '2'], '+OK\r\n');
    await f.expectReply(['SLOWLOG', 'LEN'], ':2\r\n');
    await f.expectReply(['SLOWLOG', 'LEN'], ':2\r\n');
    await f.expectReply(['CONFIG', 'SET', 'slowlog-log-slower-than', '-1'], '+OK\r\n');
    await f.expectReply(['SLOWLOG', 'RESET'], '+OK\r\n');
    await f.expectReply(['SET', 'k', 'v'], '+OK\r\n');
    await f.expectReply(['SLOWLOG', 'LEN'], ':0\r\n');
    await f.expectReply(['CONFIG', 'SET', 'slowlog-log-slower-than', '1000000'], '+OK\r\n');
    await f.expectReply(['SET', 'k', 'v'], '+OK\r\n');
    await f.expectReply(['SLOWLOG', 'LEN'], ':0\r\n');
    await f.expectReply(['CONFIG', 'SET', 'slowlog-log-slower-than', '-2'],
      "-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive\r\n");
    await f.expectReply(['CONFIG', 'SET', 'slowlog-max-len', '128', 'slowlog-log-slower-than', '0'], '+OK\r\n');
  });

  it('argument errors and HELP as Redis', async () => {
    const countErr = '-ERR count should be greater than or equal to -1\r\n';
    await f.expectReply(['SLOWLOG', 'GET', '-2'], countErr);
    await f.expectReply(['SLOWLOG', 'GET', 'abc'], countErr);
    await f.expectReply(['SLOWLOG', 'GET', '99999999999999999999'], countErr);
    await f.expectReply(['SLOWLOG', 'get', '1', '2'], "-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n");
    await f.expectReply(['SLOWLOG', 'LEN', 'x'], "-ERR wrong number of arguments for 'slowlog|len' command\r\n");
    await f.expectReply(['SLOWLOG', 'RESET', 'x'], "-ERR wrong number of arguments for 'slowlog|reset' command\r\n");
    await f.expectReply(['SLOWLOG', 'foo'], "-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.\r\n");
    await f.expectReply(['SLOWLOG'], "-ERR wrong number of arguments for 'slowlog' command\r\n");
    await f.expectReply(['SLOWLOG', 'HELP'], [
      '*12', '+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', '+GET [<count>]',
      '+    Return top <count> entries from the slowlog (default: 10, -1 mean all).', '+    Entries are made of:',
      '+    id, timestamp, time in microseconds, arguments array, client IP and port,', '+    client name', '+LEN',
      '+    Return the length of the slowlog.', '+RESET', '+    Reset the slowlog.', '+HELP', '+    Prints this help.', '',
    ].join('\r\n'));
    await f.expectReply(['SLOWLOG', 'GET', '0'], '*0\r\n');
  });
});

describeCompat('LATENCY', {}, (f) => {
  it('is off by default; LATEST, HISTORY, RESET and their errors as Redis', async () => {
    await f.expectReply(['CONFIG', 'GET', 'latency-monitor-threshold'], '*2\r\n$25\r\nlatency-monitor-threshold\r\n$1\r\n0\r\n');
    await f.expectReply(['LATENCY', 'RESET'], ':0\r\n');
    await f.expectReply(['LATENCY', 'LATEST'], '*0\r\n');
    await f.expectReply(['LATENCY', 'HISTORY', 'command'], '*0\r\n');
    await f.expectReply(['LATENCY', 'RESET', 'command', 'nosuch'], ':0\r\n');
    await f.expectReply(['LATENCY', 'HISTORY'], "-ERR wrong number of arguments for 'latency|history' command\r\n");
    await f.expectReply(['LATENCY', 'LATEST', 'x'], "-ERR wrong number of arguments for 'latency|latest' command\r\n");
    await f.expectReply(['LATENCY', 'HELP', 'x'], "-ERR wrong number of arguments for 'latency|help' command\r\n");
    await f.expectReply(['LATENCY', 'foo'], "-ERR unknown subcommand 'foo'. Try LATENCY HELP.\r\n");
    await f.expectReply(['LATENCY'], "-ERR wrong number of arguments for 'latency' command\r\n");
    await f.expectReply(['CONFIG', 'SET', 'latency-monitor-threshold', '-1'],
      "-ERR CONFIG SET failed (possibly related to argument 'latency-monitor-threshold') - argument must be between 0 and 9223372036854775807 inclusive\r\n");
  });

  it('records a slow command as `command` (LATEST, HISTORY) and RESET forgets it, case-insensitively', async () => {
    await f.expectReply(['CONFIG', 'SET', 'latency-monitor-threshold', '1'], '+OK\r\n');
    try {
      // A command of at least 1 ms: a 32 MiB value copied into fresh arena pages on tierkv; DEBUG SLEEP on redis-server.
      await f.c.tierkv.command('SET', 'big', Buffer.alloc(32 << 20, 'v'));
      await f.c.tierkv.command('DEL', 'big');
      await f.c.redis?.command('DEBUG', 'SLEEP', '0.01');
      const now = Math.floor(Date.now() / 1000);
      for (const c of [f.c.tierkv, f.c.redis]) {
        if (c === null) continue;
        const latest = decodeReply(await c.command('LATENCY', 'LATEST')) as RespValue[][];
        const cmd = latest.find((e) => e[0] === 'command');
        expect(cmd, `${c === f.c.tierkv ? 'tierkv' : 'redis-server'}: ${JSON.stringify(latest)}`).toBeDefined();
        const [, time, ms, max] = cmd as [string, number, number, number];
        expect(Math.abs(time - now)).toBeLessThan(30);
        expect(ms).toBeGreaterThanOrEqual(1);
        expect(max).toBeGreaterThanOrEqual(ms);
        const hist = decodeReply(await c.command('LATENCY', 'HISTORY', 'command')) as number[][];
        expect(hist.length).toBeGreaterThanOrEqual(1);
        expect(hist[hist.length - 1]).toEqual([time, ms]);
        expect((await c.command('LATENCY', 'RESET', 'COMMAND', 'command')).toString()).toBe(':1\r\n');
        expect((await c.command('LATENCY', 'HISTORY', 'command')).toString()).toBe('*0\r\n');
      }
    } finally {
      await f.both('CONFIG', 'SET', 'latency-monitor-threshold', '0');
      await f.both('LATENCY', 'RESET');
    }
  });

  it('DOCTOR and GRAPH: Redis\'s reply types (bulk in RESP2, verbatim txt in RESP3), arity errors and GRAPH\'s unknown-event error', async () => {
    await f.expectReply(['LATENCY', 'GRAPH', 'command'], "-ERR No samples available for event 'command'\r\n");
    await f.expectReply(['LATENCY', 'GRAPH', 'Tier-Slice'], "-ERR No samples available for event 'Tier-Slice'\r\n");
    await f.expectReply(['LATENCY', 'GRAPH'], "-ERR wrong number of arguments for 'latency|graph' command\r\n");
    await f.expectReply(['LATENCY', 'GRAPH', 'a', 'b'], "-ERR wrong number of arguments for 'latency|graph' command\r\n");
    await f.expectReply(['LATENCY', 'DOCTOR', 'x'], "-ERR wrong number of arguments for 'latency|doctor' command\r\n");
    // Monitor off, nothing recorded: a report saying so, as a bulk string (RESP2) / verbatim string (RESP3).
    const r2 = await f.both('LATENCY', 'DOCTOR');
    for (const text of [r2.tierkv, r2.redis]) {
      if (text === null) continue;
      const m = /^\$(\d+)\r\n/.exec(text);
      expect(m, text.slice(0, 40)).not.toBeNull();
      expect(text.length).toBe(m![0].length + Number(m![1]) + 2);
    }
    expect(decodeReply(Buffer.from(r2.tierkv, 'latin1'))).toMatch(/^Latency monitoring is off in this tierkv instance \(latency-monitor-threshold is 0\)/);
    const c3 = await connectBoth(f.servers, 3);
    try {
      const r3 = await both(c3, 'LATENCY', 'DOCTOR');
      for (const text of [r3.tierkv, r3.redis]) {
        if (text === null) continue;
        const m = /^=(\d+)\r\ntxt:/.exec(text);
        expect(m, text.slice(0, 40)).not.toBeNull();
        expect(Buffer.byteLength(text, 'latin1')).toBe(m![0].length - 4 + Number(m![1]) + 2);
      }
      expect(r3.tierkv).toContain('Latency monitoring is off');
      const g3 = await both(c3, 'LATENCY', 'GRAPH', 'nosuch');
      expect(g3.tierkv).toBe("-ERR No samples available for event 'nosuch'\r\n");
      if (g3.redis !== null) expect(g3.redis).toBe(g3.tierkv);
    } finally {
      c3.close();
    }
  });

  it('GRAPH draws the samples as Redis\'s does (header, rule, bars, ages); DOCTOR describes each event', async () => {
    await f.expectReply(['CONFIG', 'SET', 'latency-monitor-threshold', '1'], '+OK\r\n');
    try {
      await f.both('LATENCY', 'RESET');
      // Two spikes in different seconds on each side (a large SET on tierkv, DEBUG SLEEP on redis-server).
      for (const sleep of ['0.005', '0.02']) {
        await f.c.tierkv.command('SET', 'big', Buffer.alloc(32 << 20, 'v'));
        await f.c.tierkv.command('DEL', 'big');
        await f.c.redis?.command('DEBUG', 'SLEEP', sleep);
        await new Promise((r) => setTimeout(r, 1100));
      }
      const g = await f.both('LATENCY', 'GRAPH', 'command');
      for (const [side, raw] of [['tierkv', g.tierkv], ['redis-server', g.redis]] as const) {
        if (raw === null) continue;
        expect(raw, side).toMatch(/^\$\d+\r\n/);
        const text = decodeReply(Buffer.from(raw, 'latin1')) as string;
        const lines = text.split('\n');
        expect(lines[0], side).toMatch(/^command - high (\d+) ms, low (\d+) ms \(all time high (\d+) ms\)$/);
        expect(lines[1], side).toBe('-'.repeat(80));
        // bars: 4 rows as wide as the number of samples (here at least 2), then a blank row, then the ages
        const samples = lines[2]!.length;
        expect(samples, side).toBeGreaterThanOrEqual(2);
        for (const row of lines.slice(2, 6)) expect(row.length, side).toBe(samples);
        expect(lines[6]!.trim(), side).toBe('');
        expect(lines.slice(7).join(''), side).toMatch(/[0-9]/);
        const [, high, low] = /high (\d+) ms, low (\d+) ms/.exec(lines[0]!)!.map(Number);
        expect(high!, side).toBeGreaterThanOrEqual(low!);
        expect(high!, side).toBeGreaterThanOrEqual(1);
        // the highest sample's bar reaches the top row, and every sample shows in the bottom row
        expect(lines[2]!.trim(), side).not.toBe('');
        expect(lines[5]!.includes(' '), side).toBe(false);
      }
      const tierkvGraph = decodeReply(Buffer.from(g.tierkv, 'latin1')) as string;
      expect(tierkvGraph.split('\n')[7]).toMatch(/^[0-9]+$/); // ages in seconds: digits, then an `s` row
      const doctor = decodeReply(Buffer.from((await f.both('LATENCY', 'DOCTOR')).tierkv, 'latin1')) as string;
      expect(doctor).toMatch(/^tierkv latency report: \d+ kinds? of event had spikes of 1 ms or more/);
      expect(doctor).toMatch(/^\d+\. command: \d+ spikes? \(average \d+ ms, mean deviation \d+ ms(, one every \d+\.\d\d s on average)?\)\. Highest ever: \d+ ms\.$/m);
      expect(doctor).toMatch(/^- command: SLOWLOG GET lists the slow commands/m);
      expect(doctor).toMatch(/SLOWLOG logs only commands of 10000 µs or more, above the latency threshold \(1000 µs\)/);
    } finally {
      await f.both('CONFIG', 'SET', 'latency-monitor-threshold', '0');
      await f.both('LATENCY', 'RESET');
    }
  });
}, { redisParams: { 'enable-debug-command': 'yes' } });

describeCompat('ROLE and LASTSAVE', {}, (f) => {
  it('ROLE: a master at offset 0 without replicas', async () => {
    await f.expectReply(['ROLE'], '*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n');
    await f.expectReply(['ROLE', 'x'], "-ERR wrong number of arguments for 'role' command\r\n");
  });

  it('LASTSAVE: the start time, in seconds, before any save', async () => {
    const r = await f.both('LASTSAVE');
    const now = Date.now() / 1000;
    for (const s of [r.tierkv, r.redis]) {
      if (s === null) continue;
      expect(s).toMatch(/^:\d+\r\n$/);
      const t = Number(s.slice(1, -2));
      expect(t).toBeLessThanOrEqual(now);
      expect(now - t).toBeLessThan(300);
    }
    await f.expectReply(['LASTSAVE', 'x'], "-ERR wrong number of arguments for 'lastsave' command\r\n");
  });
});

describeCompat('RESET', {}, (f) => {
  it('discards a transaction', async () => {
    await f.both('DEL', 'x');
    await f.expectReply(['MULTI'], '+OK\r\n');
    await f.expectReply(['SET', 'x', '1'], '+QUEUED\r\n');
    await f.expectReply(['RESET'], '+RESET\r\n');
    await f.expectReply(['EXEC'], '-ERR EXEC without MULTI\r\n');
    await f.expectReply(['GET', 'x'], '$-1\r\n');
  });

  it('forgets the WATCHed keys', async () => {
    await f.expectReply(['WATCH', 'k'], '+OK\r\n');
    await f.expectReply(['SET', 'k', '2'], '+OK\r\n');
    await f.expectReply(['RESET'], '+RESET\r\n');
    await f.expectReply(['MULTI'], '+OK\r\n');
    await f.expectReply(['PING'], '+QUEUED\r\n');
    await f.expectReply(['EXEC'], '*1\r\n+PONG\r\n');
  });

  it('leaves subscribed mode without unsubscribe messages', async () => {
    await f.expectReply(['SUBSCRIBE', 'ch'], '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
    await f.expectReply(['PSUBSCRIBE', 'p*'], '*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:2\r\n');
    await f.expectReply(['RESET'], '+RESET\r\n');
    await f.expectReply(['PING'], '+PONG\r\n');
    await f.expectReply(['PUBSUB', 'NUMSUB', 'ch'], '*2\r\n$2\r\nch\r\n:0\r\n');
    await f.expectReply(['PUBSUB', 'NUMPAT'], ':0\r\n');
  });

  it('goes back to RESP2 and clears the name; arity checked', async () => {
    const c = await connectBoth(f.servers, 3);
    try {
      await f.expectReply(['CLIENT', 'SETNAME', 'n1'], '+OK\r\n', c);
      await f.expectReply(['CONFIG', 'GET', 'maxmemory-policy'], '%1\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n', c);
      await f.expectReply(['RESET'], '+RESET\r\n', c);
      await f.expectReply(['CONFIG', 'GET', 'maxmemory-policy'], '*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n', c);
      await f.expectReply(['CLIENT', 'GETNAME'], '$-1\r\n', c);
      await f.expectReply(['RESET', 'x'], "-ERR wrong number of arguments for 'reset' command\r\n", c);
      // CLIENT NO-EVICT survives RESET in redis-server 7.0.15; NO-TOUCH (tierkv's 7.2 extension) is cleared as in 7.2.
      await f.expectReply(['CLIENT', 'NO-EVICT', 'on'], '+OK\r\n', c);
      await f.expectReply(['RESET'], '+RESET\r\n', c);
      for (const raw of [await c.tierkv.command('CLIENT', 'INFO'), await c.redis?.command('CLIENT', 'INFO')]) {
        if (raw !== undefined) expect(raw.toString('latin1')).toMatch(/ flags=e /);
      }
      expect((await c.tierkv.command('CLIENT', 'NO-TOUCH', 'on')).toString()).toBe('+OK\r\n');
      await c.tierkv.command('RESET');
      expect((await c.tierkv.command('CLIENT', 'INFO')).toString('latin1')).toMatch(/ flags=e /);
    } finally {
      c.close();
    }
  });
});

describeCompat('RESET with requirepass', { requirepass: 'pw' }, (f) => {
  it('deauthenticates: the client must AUTH again', async () => {
    await f.expectReply(['RESET'], '+RESET\r\n');
    await f.expectReply(['GET', 'k'], '-NOAUTH Authentication required.\r\n');
    await f.expectReply(['AUTH', 'pw'], '+OK\r\n');
    await f.expectReply(['GET', 'k'], '$-1\r\n');
    await f.expectReply(['RESET'], '+RESET\r\n');
    await f.expectReply(['GET', 'k'], '-NOAUTH Authentication required.\r\n');
  });
});
