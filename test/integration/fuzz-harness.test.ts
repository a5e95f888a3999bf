/**
 * Self-tests of the differential fuzzer (test/fuzz/): the generator is deterministic and covers every command
 * of the table with boundary arguments and every kind of step, pipelines really arrive in pieces, the reply
 * comparison accepts only the documented differences, and a divergence is found and shrunk to the one step that
 * causes it (two redis-servers that differ in one parameter). The string generator (gen-strings.ts) is deterministic
 * and covers its commands, remaining times are compared within a tolerance only, and faults injected into one side
 * (a wrong reply, a rewritten command, a broken connection) are found and shrunk, and so are keyspace notifications
 * that differ (events.ts); redis-server agrees with itself on the string sequences.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../server/commands/index.js';
import { CONFIG_SET_VALUES, INT_EDGES, JUMBO_THRESHOLD, commandName, describeDifference, describeReply, describeValue, generate, type Step } from '../fuzz/gen.js';
import { ARITY, type Command, MASTER_KEYS, generateSequence } from '../fuzz/gen-strings.js';
import { Rng } from '../support/rng.js';
import { compareReplies, repliesEquivalent, type CompareEnv, type Tolerance } from '../fuzz/normalize.js';
import { preparePair, runSteps, type Faults, type PairContext, type RunOptions } from '../fuzz/runner.js';
import { formatDivergence, shrink } from '../fuzz/shrink.js';
import type { Pair } from '../fuzz/servers.js';
import { encodeCmds } from '../fuzz/wire.js';
import { RawClient } from '../support/raw-client.js';
import { hasRedisServer, MISSING_REDIS_SERVER, startRedisServer } from '../support/redis-server.js';
import type { ServerHandle } from '../support/server-handle.js';
import { sleep } from '../support/wait.js';

const B = (s: string): Buffer => Buffer.from(s, 'latin1');
const cmd = (...a: string[]): Buffer[] => a.map(B);
const BASE = 1_764_000_000_000;
const scmd = (...args: string[]): Command => args.map((a) => Buffer.from(a, 'latin1'));
/** One command per step, each answered before the next is sent (how gen-strings.ts sequences run). */
const oneByOne = (cmds: readonly Command[]): Step[] => cmds.map((c) => ({ cmds: [c], flush: true }));

describe('fuzz generator', () => {
  const seqs = Array.from({ length: 100 }, (_, i) => generate(i + 1, { steps: 200, baseTimeMs: BASE, drops: i % 2 === 0 }).steps);
  const all = seqs.flat();
  const cmds = all.flatMap((s) => s.cmds);

  it('is deterministic per seed and differs across seeds', () => {
    const hex = (steps: Step[]): string => JSON.stringify(steps.map((s) => ({ ...s, cmds: s.cmds.map((c) => c.map((a) => a.toString('hex'))), raw: s.raw?.toString('hex') })));
    expect(hex(generate(5, { baseTimeMs: BASE }).steps)).toBe(hex(generate(5, { baseTimeMs: BASE }).steps));
    expect(hex(generate(5, { baseTimeMs: BASE }).steps)).not.toBe(hex(generate(6, { baseTimeMs: BASE }).steps));
    expect(generate(9, { steps: 77, baseTimeMs: BASE }).steps).toHaveLength(77);
  });

  it('sends every command and subcommand of the table (tierkv-only ones through drop steps)', () => {
    const sent = new Set(cmds.map((c) => commandName(c).toLowerCase()));
    // Rare picks (ACL USERS is one of 25 equally likely diagnostics commands) may fall outside these 60 sequences
    // when a generator is added to the table: 60 more seeds then.
    for (let i = 60; i < 120; i++) {
      for (const st of generate(i + 1, { steps: 200, baseTimeMs: BASE, drops: i % 2 === 0 }).steps) for (const c of st.cmds) sent.add(commandName(c).toLowerCase());
    }
    const missing: string[] = [];
    for (const spec of allCommands) {
      const names = spec.subcommands ? spec.subcommands.map((s) => `${spec.name}|${s.name}`) : [spec.name];
      for (const n of names) if (!sent.has(n)) missing.push(n);
    }
    expect(missing.filter((n) => !['migrate_prepare', 'migrate_done', 'migrate_abort', 'object|tier'].includes(n))).toEqual([]);
    expect(all.some((s) => s.drop === true)).toBe(true);
  });

  it('uses boundary arguments, wrong arities, binary and empty arguments, unknown commands and subcommands', () => {
    const args = new Set(cmds.flatMap((c) => c.slice(1).map((a) => a.toString('latin1'))));
    for (const v of ['-1', '9223372036854775808', '-9223372036854775809', '18446744073709551616', '', '1.5', 'abc', ' 1']) {
      expect(args, JSON.stringify(v)).toContain(v);
    }
    expect(INT_EDGES.filter((v) => args.has(v)).length).toBeGreaterThan(INT_EDGES.length * 0.8);
    expect(cmds.some((c) => c.some((a) => a.includes(0)))).toBe(true);
    const table = new Map<string, number>();
    for (const spec of allCommands) {
      table.set(spec.name, spec.arity);
      for (const s of spec.subcommands ?? []) table.set(`${spec.name}|${s.name}`, s.arity);
    }
    const arityErrors = cmds.filter((c) => {
      const n = commandName(c).toLowerCase();
      const a = table.get(n) ?? table.get(n.split('|')[0]!);
      return a !== undefined && (a > 0 ? c.length !== a : c.length < -a);
    });
    expect(arityErrors.length).toBeGreaterThan(50);
    expect(cmds.some((c) => !table.has(commandName(c).toLowerCase().split('|')[0]!))).toBe(true);
    expect(cmds.some((c) => /^CLIENT\|.*X$|^CONFIG\|FOO|^MEMORY\|FOO/.test(commandName(c)) || commandName(c) === 'OBJECT|FOO')).toBe(true);
    for (const name of Object.keys(CONFIG_SET_VALUES).filter((n) => n !== '')) {
      expect(cmds.some((c) => commandName(c) === 'CONFIG|SET' && c.some((a) => a.toString('latin1').toLowerCase() === name)), name).toBe(true);
    }
  });

  it('has inline commands, malformed frames, short expiries with sleeps, full SCANs and pipelines of several sizes', () => {
    expect(all.filter((s) => s.inline === true).length).toBeGreaterThan(20);
    expect(all.filter((s) => s.raw !== undefined).length).toBeGreaterThan(20);
    expect(all.filter((s) => s.sleepMs !== undefined).length).toBeGreaterThan(50);
    expect(all.filter((s) => s.scanAll !== undefined).length).toBeGreaterThan(20);
    // Each full SCAN comes after the EXISTS that deletes the expired keys (TYPE none returns those not yet deleted).
    for (const s of all.filter((x) => x.scanAll !== undefined)) expect(s.cmds.map(commandName)).toEqual(['EXISTS']);
    // Every short expiry is followed by a sleep long enough for both servers.
    for (const s of all.filter((x) => x.sleepMs !== undefined)) expect(s.sleepMs).toBeGreaterThanOrEqual(80);
    const batchLengths = seqs.map((steps) => steps.length / Math.max(1, steps.filter((s) => s.flush === true).length));
    expect(Math.min(...batchLengths)).toBeLessThan(2);
    expect(Math.max(...batchLengths)).toBeGreaterThan(5);
  });

  it('sends transactions: EXEC and DISCARD, queueing errors, nested MULTI, WATCH inside MULTI, WATCH then a write', () => {
    const names = (st: Step): string[] => st.cmds.map(commandName);
    const tx = all.filter((st) => names(st).includes('MULTI'));
    expect(tx.length).toBeGreaterThan(100);
    expect(tx.filter((st) => names(st).at(-1) === 'EXEC').length).toBeGreaterThan(50);
    expect(tx.some((st) => names(st).at(-1) === 'DISCARD')).toBe(true);
    // A command refused while queueing (then EXEC answers EXECABORT): an unknown command or a wrong arity.
    expect(tx.some((st) => st.cmds.some((c) => ['NOSUCH', 'GETT', 'SETT', 'EXECC', 'MULTI2'].includes(commandName(c))))).toBe(true);
    expect(tx.some((st) => st.cmds.some((c) => commandName(c) === 'SHUTDOWN'))).toBe(true);
    expect(tx.some((st) => names(st).filter((n) => n === 'MULTI').length >= 2)).toBe(true);
    expect(tx.some((st) => names(st).indexOf('WATCH') > names(st).indexOf('MULTI'))).toBe(true);
    expect(tx.some((st) => names(st)[0] === 'WATCH' && names(st)[1] !== 'MULTI' && names(st)[1] !== 'UNWATCH')).toBe(true);
    expect(all.some((st) => st.cmds.length === 1 && ['EXEC', 'DISCARD'].includes(names(st)[0]!))).toBe(true);
    expect(all.some((st) => st.cmds.length === 1 && names(st)[0] === 'WATCH')).toBe(true);
    // Queued commands come from the other generators (a DBSIZE keeps its EXISTS).
    expect(new Set(tx.flatMap((st) => names(st))).size).toBeGreaterThan(40);
  });

  it('closes, within the step, every transaction it opens', () => {
    // (A fresh step's connection is closed after it.)
    for (const st of all.filter((x) => x.fresh !== true)) {
      let open = false;
      for (const c of st.cmds) {
        const n = commandName(c);
        if (n === 'MULTI' && c.length === 1) open = true;
        else if (n === 'EXEC' || n === 'QUIT' || (n === 'DISCARD' && c.length === 1)) open = false;
      }
      expect(open, st.cmds.map((c) => c.map(String).join(' ')).join(' ; ')).toBe(false);
    }
  });

  it('puts the EXISTS that expires keys lazily in the same step as DBSIZE, INFO and MEMORY', () => {
    for (const s of all) {
      const names = s.cmds.map(commandName);
      // (MEMORY with an unknown subcommand, from the unknown-sub generator, may be queued anywhere in a transaction.)
      const i = names.findIndex((n) => n === 'DBSIZE' || n === 'INFO' || n === 'MEMORY|USAGE');
      if (i > 0) expect(names[i - 1]).toBe('EXISTS');
    }
  });
});

describe('fuzz generator, large values', () => {
  const hex = (steps: Step[]): string => JSON.stringify(steps.map((s) => ({ ...s, cmds: s.cmds.map((c) => c.map((a) => a.toString('hex'))), raw: s.raw?.toString('hex') })));

  it('leaves the sequences without large values as they were', () => {
    for (const seed of [1, 2, 3]) {
      const plain = generate(seed, { baseTimeMs: BASE });
      expect(hex(generate(seed, { baseTimeMs: BASE, large: false }).steps)).toBe(hex(plain.steps));
      expect(plain.steps.some((s) => s.clients !== undefined || s.cmds.some((c) => c.some((a) => a.length > 200_000)))).toBe(false);
    }
  });

  it('writes values across the jumbo threshold and up to MiBs, reads and changes them in place, in MULTI, from several clients', () => {
    // Statistics per sequence (the sequences are not kept: tens of MiB each).
    const lens: number[] = [];
    const names = new Set<string>();
    let clientSteps = 0;
    let unreadThenWrite = 0;
    let multiWithLarge = 0;
    let tieredMax = 0;
    let unreadMax = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const tiered = seed % 2 === 0;
      const steps = generate(seed, { steps: 150, baseTimeMs: BASE, drops: tiered, large: true }).steps;
      for (const st of steps) {
        const all = st.cmds.concat((st.clients ?? []).flatMap((p) => p.cmds));
        for (const c of all) {
          names.add(commandName(c));
          for (const a of c.slice(2)) if (a.length >= 64 * 1024) {
            lens.push(a.length);
            if (tiered) tieredMax = Math.max(tieredMax, a.length);
          }
          if (commandName(c) === 'CONFIG|SET') expect(c.map(String).join(' ')).not.toMatch(/maxmemory-clients|client-query-buffer-limit/i);
        }
        const names1 = st.cmds.map(commandName);
        if (names1.includes('MULTI') && st.cmds.some((c) => c.some((a) => a.length > JUMBO_THRESHOLD / 2))) multiWithLarge++;
        if (st.clients === undefined) continue;
        clientSteps++;
        const ph = st.clients;
        if (ph.some((p, i) => p.unread === true && ph.slice(i + 1).some((q) => q.client !== p.client))) unreadThenWrite++;
        for (const p of ph) if (p.unread === true) unreadMax = Math.max(unreadMax, p.cmds.length);
      }
    }
    expect(lens.some((n) => n < JUMBO_THRESHOLD - 64)).toBe(true);
    expect(lens.filter((n) => Math.abs(n - JUMBO_THRESHOLD) <= 64).length).toBeGreaterThan(10);
    expect(lens.some((n) => n > 2 * 1024 * 1024)).toBe(true);
    expect(tieredMax).toBeLessThanOrEqual(1.2 * 1024 * 1024);
    for (const n of ['GET', 'SET', 'GETSET', 'SETRANGE', 'APPEND', 'GETDEL', 'GETEX', 'GETRANGE', 'MGET', 'DEL', 'MULTI', 'EXEC']) expect(names, n).toContain(n);
    expect(clientSteps).toBeGreaterThan(30);
    expect(unreadThenWrite).toBe(clientSteps);
    expect(multiWithLarge).toBeGreaterThan(5);
    // Unread replies stay far below the 64 MiB at which tierkv stops reading from a client.
    expect(unreadMax).toBeLessThanOrEqual(4 * 4 + 1);
  });

  it('describes large values and where replies differ in a line', () => {
    const v = Buffer.alloc(3 * 1024 * 1024, 'ab');
    v[12345] = 0x58;
    const d = describeValue(v);
    expect(d).toMatch(/^<3145728 bytes of "ab"\* except @12345="X" sha1 [0-9a-f]{12}>$/);
    const reply = Buffer.concat([Buffer.from(`$${v.length}\r\n`), v, Buffer.from('\r\n')]);
    expect(describeReply(reply)).toBe(`$3145728 ${d}`);
    const w = Buffer.from(reply);
    w[1_000_000] ^= 1;
    const diff = describeDifference(w, reply);
    expect(diff).toContain('tierkv 3145740 bytes, redis 3145740 bytes, first difference at offset 1000000');
    expect(diff.length).toBeLessThan(300);
  });
});

describe('fuzz wire', () => {
  it('writes a pipeline in the pieces given by the split offsets', async () => {
    const chunks: Buffer[] = [];
    const srv = net.createServer((s) => s.on('data', (d: Buffer) => chunks.push(d)));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    const c = await RawClient.connect(port);
    // What the client hands to its socket, write by write (how the receiver's reads group them depends on timing:
    // under load TCP may coalesce two pieces, so only the writes are asserted exactly).
    const writes: string[] = [];
    const write = c.socket.write.bind(c.socket) as (b: Buffer) => boolean;
    (c.socket as unknown as { write: (b: Buffer) => boolean }).write = (b: Buffer) => {
      writes.push(Buffer.from(b).toString('latin1'));
      return write(b);
    };
    const bytes = encodeCmds([cmd('SET', 'k', 'v'), cmd('GET', 'k')], false);
    await c.writeSplit(bytes, [3, 10, 17]);
    await sleep(100);
    c.destroy();
    srv.close();
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    const text = bytes.toString('latin1');
    expect(writes).toEqual([text.slice(0, 3), text.slice(3, 10), text.slice(10, 17), text.slice(17)]);
  });

  it('encodes inline commands with quoting where needed', () => {
    expect(encodeCmds([cmd('SET', 'k', 'a b'), cmd('APPEND', 'k', '\x00"\\')], true).toString('latin1')).toBe(
      'SET k "a b"\r\nAPPEND k "\\x00\\x22\\x5c"\r\n',
    );
  });
});

describe('fuzz reply comparison', () => {
  const env: CompareEnv = { tierkvCommands: new Set(['get', 'keys', 'client|info', 'object|freq', 'info']) };
  const ok = (c: Buffer[], a: string, b: string): string | null => compareReplies(c, B(a), B(b), env);

  it('is exact by default and tolerant only where Redis is not deterministic', () => {
    expect(ok(cmd('GET', 'k'), '$1\r\na\r\n', '$1\r\na\r\n')).toBeNull();
    expect(ok(cmd('GET', 'k'), '$1\r\na\r\n', '$1\r\nb\r\n')).not.toBeNull();
    expect(ok(cmd('KEYS', '*'), '*2\r\n$1\r\na\r\n$1\r\nb\r\n', '*2\r\n$1\r\nb\r\n$1\r\na\r\n')).toBeNull();
    expect(ok(cmd('KEYS', '*'), '*1\r\n$1\r\na\r\n', '*1\r\n$1\r\nb\r\n')).not.toBeNull();
    expect(ok(cmd('TTL', 'k'), ':100\r\n', ':99\r\n')).toBeNull();
    expect(ok(cmd('SCAN', '0'), '*2\r\n$1\r\n0\r\n*0\r\n', '*2\r\n$2\r\n12\r\n*1\r\n$1\r\na\r\n')).toBeNull();
    expect(ok(cmd('SCAN', 'x'), '-ERR invalid cursor\r\n', '*2\r\n$1\r\n0\r\n*0\r\n')).not.toBeNull();
  });

  it("compares EXEC's replies one by one with the rules of the queued commands, and only then", () => {
    const queued = [cmd('KEYS', '*'), cmd('GET', 'k')];
    const exec = (keys: string, get: string): Buffer => B(`*2\r\n${keys}${get}`);
    const ab = '*2\r\n$1\r\na\r\n$1\r\nb\r\n';
    const ba = '*2\r\n$1\r\nb\r\n$1\r\na\r\n';
    expect(compareReplies(cmd('EXEC'), exec(ab, '$1\r\nv\r\n'), exec(ba, '$1\r\nv\r\n'), env, queued)).toBeNull();
    expect(compareReplies(cmd('EXEC'), exec(ab, '$1\r\nv\r\n'), exec(ba, '$1\r\nw\r\n'), env, queued)).toMatch(/reply 2 \(GET\)/);
    expect(compareReplies(cmd('EXEC'), exec(ab, '$1\r\nv\r\n'), exec(ba, '$1\r\nv\r\n'), env)).not.toBeNull();
    expect(compareReplies(cmd('EXEC'), B('*-1\r\n'), exec(ab, '$1\r\nv\r\n'), env, queued)).not.toBeNull();
    expect(compareReplies(cmd('EXEC'), B('*1\r\n$1\r\nv\r\n'), B('*1\r\n$1\r\nv\r\n'), env, queued)).not.toBeNull();
    const abort = '-EXECABORT Transaction discarded because of previous errors.\r\n';
    expect(compareReplies(cmd('EXEC'), B(abort), B(abort), env, queued)).toBeNull();
  });

  it('accepts the documented differences and nothing around them', () => {
    const hello = (v: string, id: number): string => `*4\r\n$7\r\nversion\r\n$${v.length}\r\n${v}\r\n$2\r\nid\r\n:${id}\r\n`;
    expect(ok(cmd('HELLO'), hello('7.2.0', 5), hello('7.0.15', 9))).toBeNull();
    expect(ok(cmd('HELLO', '2'), '-NOPROTO x\r\n', hello('7.0.15', 9))).not.toBeNull();
    const info = (extra: string): string => {
      const t = `id=3 addr=1.2.3.4:5 laddr=1.2.3.4:6 fd=8 name=x age=0 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client|info user=default redir=-1 resp=2${extra}\n`;
      return `$${t.length}\r\n${t}\r\n`;
    };
    expect(ok(cmd('CLIENT', 'INFO'), info(' lib-name= lib-ver='), info(''))).toBeNull();
    expect(ok(cmd('CLIENT', 'INFO'), info(' lib-name= lib-ver=').replace('name=x', 'name=y'), info(''))).not.toBeNull();
    // CLIENT SETINFO is an error on Redis 7.0; INFO errorstats then differ by exactly that error.
    const skewEnv: CompareEnv = { ...env, errorSkew: new Map() };
    expect(compareReplies(cmd('CLIENT', 'SETINFO', 'lib-name', 'x'), B('+OK\r\n'), B("-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n"), skewEnv)).toBeNull();
    const stats = (n: number): Buffer => {
      const t = `# Errorstats\r\n${n > 0 ? `errorstat_ERR:count=${n}\r\n` : ''}`;
      return B(`$${t.length}\r\n${t}\r\n`);
    };
    expect(compareReplies(cmd('INFO', 'errorstats'), stats(0), stats(1), skewEnv)).toBeNull();
    expect(compareReplies(cmd('INFO', 'errorstats'), stats(1), stats(1), skewEnv)).not.toBeNull();
    expect(ok(cmd('OBJECT', 'FREQ', 'k'), ':3\r\n', '-ERR An LFU maxmemory policy is not selected, access frequency not tracked.\r\n')).toBeNull();
    expect(ok(cmd('OBJECT', 'FREQ', 'k'), ':3\r\n', '$-1\r\n')).not.toBeNull();
  });
});

const available = hasRedisServer();
describe.skipIf(!available)(`fuzz runner and shrinker ${available ? 'against two redis-servers' : MISSING_REDIS_SERVER}`, () => {
  let one: ServerHandle | undefined;
  let two: ServerHandle | undefined;
  let ctx: PairContext;
  beforeAll(async () => {
    // "tierkv" is a redis-server that differs from the reference in one parameter only.
    [one, two] = await Promise.all([startRedisServer({ databases: '1', save: '3600 1' }), startRedisServer({ databases: '1' })]);
    const pair: Pair = { variant: 'plain', tierkv: one, redis: two, tierkvAlive: () => true, stop: async () => {} };
    ctx = await preparePair(pair);
  });
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
  });

  it('finds no divergence between two servers that agree, in pipelines cut anywhere', async () => {
    const steps: Step[] = Array.from({ length: 60 }, (_, i) => ({ cmds: [cmd('SET', `k${i % 7}`, String(i)), cmd('INCR', `k${(i * 3) % 7}`), cmd('GET', `k${i % 5}`)], ...(i % 9 === 8 ? { flush: true } : {}) }));
    expect(await runSteps(ctx, steps, { protocol: 3, splitSeed: 42 })).toBeNull();
  });

  it('runs clients steps (unread pipelines of large values, writes from other clients) alike on both', async () => {
    const big = (c: string): Buffer => Buffer.alloc(600 * 1024, c);
    const steps: Step[] = [
      { cmds: [cmd('SET', 'k0', 'v')], clients: [
        { client: 1, cmds: [[B('SET'), B('big'), big('o')], cmd('GET', 'big'), cmd('GET', 'big')], unread: true },
        { client: 2, cmds: [[B('SETRANGE'), B('big'), B('0'), big('n')], cmd('APPEND', 'big', 'x')], unread: true },
        { client: 1, cmds: [cmd('MULTI'), cmd('GET', 'big'), [B('SET'), B('big'), big('m'), B('GET')], cmd('EXEC')], unread: true },
        { client: 3, cmds: [cmd('DEL', 'big')] },
      ] },
      { cmds: [cmd('GET', 'k0')] },
    ];
    for (const protocol of [2, 3] as const) expect(await runSteps(ctx, steps, { protocol, splitSeed: 3 })).toBeNull();
  });

  it('shrinks a divergence to the step that causes it and prints it', async () => {
    const filler = (i: number): Step => ({ cmds: [cmd('SET', `k${i}`, 'v'), cmd('APPEND', `k${i}`, 'w'), cmd('GET', `k${i}`)], ...(i % 4 === 3 ? { flush: true } : {}) });
    const steps: Step[] = [...Array.from({ length: 30 }, (_, i) => filler(i)), { cmds: [cmd('CONFIG', 'GET', 'save')] }, ...Array.from({ length: 20 }, (_, i) => filler(i + 30))];
    const found = await runSteps(ctx, steps, { protocol: 2, splitSeed: 7 });
    expect(found).toMatchObject({ kind: 'reply', step: 30 });
    const s = await shrink(ctx, steps, found!, { protocol: 2, splitSeed: 7 });
    expect(s.steps).toHaveLength(1);
    expect(s.steps[0]!.cmds[0]!.map(String)).toEqual(['CONFIG', 'GET', 'save']);
    const text = formatDivergence('seed X', s.divergence, s.steps);
    expect(text).toContain('CONFIG GET save: tierkv "3600 1" vs redis ""');
    expect(text).toContain('1. "CONFIG" "GET" "save"');
  });
});

describe('fuzz string generator (gen-strings.ts)', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const hex = (seq: Command[]): string => seq.map((c) => c.map((a) => a.toString('hex')).join(' ')).join('\n');
    expect(hex(generateSequence(7, 200, { baseTimeMs: BASE }))).toBe(hex(generateSequence(7, 200, { baseTimeMs: BASE })));
    expect(hex(generateSequence(7, 200, { baseTimeMs: BASE }))).not.toBe(hex(generateSequence(8, 200, { baseTimeMs: BASE })));
    expect(generateSequence(3, 123, { baseTimeMs: BASE })).toHaveLength(123);
  });

  it('Rng.int stays in range and hits both ends', () => {
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = rng.int(-2, 2);
      expect(n).toBeGreaterThanOrEqual(-2);
      expect(n).toBeLessThanOrEqual(2);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2]);
  });

  it('covers every command, option, arity error, unknown commands and binary keys over the default run', () => {
    const all = Array.from({ length: 30 }, (_, i) => generateSequence(i + 1, 200, { baseTimeMs: BASE })).flat();
    const names = new Set(all.map((c) => c[0]!.toString('latin1').toUpperCase()));
    for (const name of Object.keys(ARITY)) expect(names, name).toContain(name);
    expect([...names].filter((n) => !(n in ARITY)).length).toBeGreaterThan(0); // unknown commands
    const upperArgs = (c: Command): string[] => c.map((a) => a.toString('latin1').toUpperCase());
    const sets = all.filter((c) => upperArgs(c)[0] === 'SET').map(upperArgs);
    for (const o of ['EX', 'PX', 'EXAT', 'PXAT', 'NX', 'XX', 'KEEPTTL', 'GET']) {
      expect(sets.some((a) => a.slice(3).includes(o)), `SET ${o}`).toBe(true);
    }
    for (const o of ['NX', 'XX', 'GT', 'LT']) {
      expect(all.some((c) => upperArgs(c)[0] === 'EXPIRE' && upperArgs(c).slice(3).includes(o)), `EXPIRE ${o}`).toBe(true);
    }
    const wrongArity = all.filter((c) => {
      const arity = ARITY[c[0]!.toString('latin1').toUpperCase()];
      return arity !== undefined && (arity > 0 ? c.length !== arity : c.length < -arity);
    });
    expect(wrongArity.length).toBeGreaterThan(20);
    expect(all.every((c) => c.length >= 1)).toBe(true);
    const keyArgs = all.filter((c) => c.length > 1).map((c) => c[1]!);
    for (const k of MASTER_KEYS.filter((k) => k.includes(0) || k.length === 0)) {
      expect(keyArgs.some((a) => a.equals(k)), `key ${k.toString('hex')}`).toBe(true);
    }
    expect(all.some((c) => c.some((a) => a.length >= 65_536))).toBe(true); // long values
    // TTLs: every valid relative expiry is at least 100 s.
    for (const c of all) {
      const n = upperArgs(c)[0];
      if ((n === 'EXPIRE' || n === 'SETEX') && c.length > 2 && /^\d+$/.test(c[2]!.toString())) {
        const v = Number(c[2]!.toString());
        expect(v === 0 || v >= 100, c.map(String).join(' ')).toBe(true);
      }
    }
  });

  it('looks up keys set with a past EXAT/PXAT before DBSIZE (Redis counts them until then)', () => {
    const all = Array.from({ length: 30 }, (_, i) => generateSequence(i + 1, 200, { baseTimeMs: BASE }));
    let checked = 0;
    for (const seq of all) {
      seq.forEach((c, i) => {
        if (c[0]!.toString().toUpperCase() !== 'DBSIZE' || i === 0) return;
        const prev = seq[i - 1]!;
        if (prev[0]!.toString().toUpperCase() === 'EXISTS') checked++;
      });
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('fuzz reply comparison of remaining times', () => {
  const config: Tolerance = {};
  const b = (s: string): Buffer => Buffer.from(s, 'latin1');
  it('requires identical bytes except TTL-family jitter', () => {
    expect(repliesEquivalent(scmd('GET', 'k'), b('$1\r\na\r\n'), b('$1\r\na\r\n'), config)).toBe(true);
    expect(repliesEquivalent(scmd('GET', 'k'), b('$1\r\na\r\n'), b('$1\r\nb\r\n'), config)).toBe(false);
    expect(repliesEquivalent(scmd('DBSIZE'), b(':1\r\n'), b(':2\r\n'), config)).toBe(false);
    expect(repliesEquivalent(scmd('TTL', 'k'), b(':100\r\n'), b(':99\r\n'), config)).toBe(true);
    expect(repliesEquivalent(scmd('TTL', 'k'), b(':100\r\n'), b(':97\r\n'), config)).toBe(false);
    expect(repliesEquivalent(scmd('pttl', 'k'), b(':100000\r\n'), b(':99000\r\n'), config)).toBe(true);
    expect(repliesEquivalent(scmd('PTTL', 'k'), b(':100000\r\n'), b(':90000\r\n'), config)).toBe(false);
    expect(repliesEquivalent(scmd('TTL', 'k'), b(':-1\r\n'), b(':0\r\n'), config)).toBe(false);
    expect(repliesEquivalent(scmd('TTL', 'k'), b(':-2\r\n'), b(':-1\r\n'), config)).toBe(false);
    expect(repliesEquivalent(scmd('EXPIRETIME', 'k'), b(':1900000000\r\n'), b(':1900000001\r\n'), config)).toBe(true);
    expect(repliesEquivalent(scmd('TTL', 'k', 'x'), b(':5\r\n'), b(':6\r\n'), config)).toBe(false);
    // Beyond 2^53 (EXPIRE k 9223372036854775): exact integer arithmetic.
    expect(repliesEquivalent(scmd('PTTL', 'k'), b(':9223370240894664796\r\n'), b(':9223370240894664790\r\n'), config)).toBe(true);
    expect(repliesEquivalent(scmd('PTTL', 'k'), b(':9223370240894664796\r\n'), b(':9223370240894667000\r\n'), config)).toBe(false);
    expect(repliesEquivalent(scmd('PTTL', 'k'), b(':9223370240894664796\r\n'), b(':9223370240894665000\r\n'), config)).toBe(true);
  });
});

describe.skipIf(!available)(`fuzz runner and shrinker on injected faults ${available ? 'against two redis-servers (16 databases)' : MISSING_REDIS_SERVER}`, () => {
  let r1: ServerHandle | undefined;
  let r2: ServerHandle | undefined;
  let ctx: PairContext;
  beforeAll(async () => {
    [r1, r2] = await Promise.all([startRedisServer(), startRedisServer()]);
    const pair: Pair = { variant: 'plain', tierkv: r1, redis: r2, tierkvAlive: () => true, stop: async () => {} };
    ctx = { ...(await preparePair(pair)), databases: 16 };
  });
  afterAll(async () => {
    await Promise.all([r1?.stop(), r2?.stop()]);
  });
  const faulty = (protocol: 2 | 3, tierkv: Faults, redis?: Faults): RunOptions => ({ protocol, splitSeed: 1, faults: { tierkv, ...(redis ? { redis } : {}) } });
  const shown = (steps: Step[]): string[] => steps.map((st) => st.cmds[0]!.join(' '));

  it.for([2, 3] as const)('redis-server agrees with itself on 5 seeds × 300 commands in RESP%i', async (protocol) => {
    for (let seed = 1000; seed < 1005; seed++) {
      const m = await runSteps(ctx, oneByOne(generateSequence(seed, 300)), { protocol, splitSeed: seed });
      expect(m, `seed ${seed}`).toBeNull();
    }
  });

  it('detects a wrong reply, and minimizes the reproducer to the commands that matter', async () => {
    const opts = faulty(3, {
      corrupt: (c, reply) => {
        const m = /^:(\d+)\r\n$/.exec(reply.toString('latin1'));
        return c[0]!.toString() === 'STRLEN' && m && m[1] !== '0' ? Buffer.from(`:${Number(m[1]) + 1}\r\n`) : reply;
      },
    });
    const seq = oneByOne([scmd('SET', 'a', 'hello'), scmd('GET', 'a'), scmd('SET', 'b', 'x'), scmd('INCR', 'c'), scmd('STRLEN', 'a'), scmd('GET', 'b')]);
    const m = await runSteps(ctx, seq, opts);
    expect(m).toMatchObject({ kind: 'reply', step: 4 });
    const s = await shrink(ctx, seq, m!, opts);
    expect(shown(s.steps)).toEqual(['SET a hello', 'STRLEN a']);
    const full = formatDivergence('seed X', m!, seq);
    expect(full).toContain('reply divergence at step 5');
    const text = formatDivergence('seed X', s.divergence, s.steps);
    expect(text).toContain('command: "STRLEN" "a"');
    expect(text).toContain('tierkv : ":6\\r\\n"');
    expect(text).toContain('redis  : ":5\\r\\n"');
    expect(text).toContain('steps (2), each run on a fresh connection after FLUSHALL:\n     1. "SET" "a" "hello"\n     2. "STRLEN" "a"');
  });

  it('detects a wrong final keyspace when every reply matched, and shrinks it to the command that matters', async () => {
    const opts = faulty(2, {
      rewrite: (c) => (c[0]!.toString() === 'SET' && c[1]!.toString() === 'b' ? [c[0]!, c[1]!, Buffer.from('wrong')] : c),
    });
    const seq = oneByOne([scmd('SET', 'a', '1'), scmd('INCR', 'a'), scmd('SET', 'b', '2'), scmd('EXPIRE', 'a', '1000'), scmd('DEL', 'zz')]);
    const m = await runSteps(ctx, seq, opts);
    expect(m?.kind).toBe('state');
    expect(m?.reason).toMatch(/key "b": GET tierkv "\$5\\r\\nwrong\\r\\n" vs redis "\$1\\r\\n2\\r\\n"/);
    const s = await shrink(ctx, seq, m!, opts);
    expect(shown(s.steps)).toEqual(['SET b 2']);
  });

  it('detects differing TTLs and missing keys in the final keyspace', async () => {
    const m = await runSteps(ctx, oneByOne([scmd('SET', 'a', '1'), scmd('EXPIRE', 'a', '1000')]), faulty(2, {
      rewrite: (c) => (c[0]!.toString() === 'EXPIRE' ? scmd('PERSIST', c[1]!.toString()) : c),
      corrupt: (c, reply) => (c[0]!.toString() === 'EXPIRE' ? Buffer.from(':1\r\n') : reply),
    }));
    expect(m?.kind === 'state' && m.reason).toMatch(/key "a": PTTL tierkv -1 vs redis \d+/);
    const m2 = await runSteps(ctx, oneByOne([scmd('SELECT', '3'), scmd('SET', 'k', 'v')]), { protocol: 2, splitSeed: 1 });
    expect(m2).toBeNull();
    let rewrites = 0; // only the first SELECT
    const m3 = await runSteps(ctx, oneByOne([scmd('SELECT', '3'), scmd('SET', 'k', 'v')]), faulty(2, {
      rewrite: (c) => (c[0]!.toString() === 'SELECT' && rewrites++ === 0 ? scmd('SELECT', '4') : c),
    }));
    expect(m3?.kind === 'state' && m3.reason).toMatch(/db 4 key "k": exists only in tierkv[\s\S]*db 3 key "k": exists only in redis/);
  });

  it('compares keyspace notifications per batch (events): a command on another key is found and shrunk; a killed subscriber is reopened', async () => {
    const toC = (c: Command): Command => (c[0]!.toString() === 'SET' && c[1]!.toString() === 'b' ? scmd('SET', 'c', c[2]!.toString()) : c);
    const seq = oneByOne([scmd('SET', 'a', '1'), scmd('INCR', 'a'), scmd('SET', 'b', '2'), scmd('GET', 'a')]);
    // Same replies (+OK), other events: only the notifications tell.
    expect(await runSteps(ctx, seq, faulty(2, { rewrite: toC }))).toMatchObject({ kind: 'state' });
    const opts: RunOptions = { ...faulty(2, { rewrite: toC }), events: 'KEA' };
    const m = await runSteps(ctx, seq, opts);
    expect(m).toMatchObject({ kind: 'events', step: 2 });
    expect(m!.reason).toContain('tierkv "__keyspace@0__:c" "set", redis "__keyspace@0__:b" "set"');
    expect(m!.reason).toContain('(notify-keyspace-events KEA)');
    const s = await shrink(ctx, seq, m!, opts);
    expect(shown(s.steps)).toEqual(['SET b 2']);
    // CLIENT KILL TYPE pubsub disconnects both subscribers: reopened, and what follows is still compared.
    const killed = [scmd('SET', 'a', '1'), scmd('CLIENT', 'KILL', 'TYPE', 'pubsub'), scmd('SET', 'b', '2')];
    expect(await runSteps(ctx, oneByOne(killed), { protocol: 3, splitSeed: 1, events: 'KEA' })).toBeNull();
    expect(await runSteps(ctx, oneByOne(killed), { ...faulty(3, { rewrite: toC }), events: 'KEA' })).toMatchObject({ kind: 'events', step: 2 });
    // CLIENT KILL SKIPME yes also kills the control connections the sync tokens are published on.
    const all = [scmd('SET', 'a', '1'), scmd('CLIENT', 'KILL', 'SKIPME', 'yes'), scmd('SET', 'b', '2')];
    expect(await runSteps(ctx, oneByOne(all), { protocol: 2, splitSeed: 1, events: 'KEA' })).toBeNull();
    // Flags without K: only __keyevent@ messages, still compared.
    expect(await runSteps(ctx, seq, { ...faulty(2, { rewrite: toC }), events: 'E$' })).toMatchObject({ kind: 'events', step: 2 });
  });

  it('treats a missing reply as a divergence even when both sides fail', async () => {
    const fail: Faults = { fail: (c) => c[0]!.toString() === 'ECHO' };
    const m = await runSteps(ctx, oneByOne([scmd('PING'), scmd('ECHO', 'hi')]), faulty(2, fail, fail));
    expect(m).toMatchObject({ kind: 'error', step: 1 });
  });
});
