/**
 * Self-tests of the differential harness: the generator is deterministic and covers what it claims, reply
 * comparison tolerates only TTL jitter, injected faults are detected and minimized, and redis-server agrees
 * with itself (so any mismatch against tierkv is tierkv's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISSING_REDIS_SERVER, hasRedisServer, startRedisServer } from '../support/redis-server.js';
import type { ServerHandle } from '../support/server-handle.js';
import { ARITY, type Command, MASTER_KEYS, Rng, generateSequence } from './differential-gen.js';
import {
  type DiffConfig,
  type DiffSide,
  findReproducer,
  formatReport,
  rawSide,
  repliesEquivalent,
  runSequence,
} from './differential-runner.js';

const cmd = (...args: string[]): Command => args.map((a) => Buffer.from(a, 'latin1'));
const BASE = 1_764_000_000_000;

describe('differential generator', () => {
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

describe('reply comparison', () => {
  const config: DiffConfig = { protocol: 2 };
  const b = (s: string): Buffer => Buffer.from(s, 'latin1');
  it('requires identical bytes except TTL-family jitter', () => {
    expect(repliesEquivalent(cmd('GET', 'k'), b('$1\r\na\r\n'), b('$1\r\na\r\n'), config)).toBe(true);
    expect(repliesEquivalent(cmd('GET', 'k'), b('$1\r\na\r\n'), b('$1\r\nb\r\n'), config)).toBe(false);
    expect(repliesEquivalent(cmd('DBSIZE'), b(':1\r\n'), b(':2\r\n'), config)).toBe(false);
    expect(repliesEquivalent(cmd('TTL', 'k'), b(':100\r\n'), b(':99\r\n'), config)).toBe(true);
    expect(repliesEquivalent(cmd('TTL', 'k'), b(':100\r\n'), b(':97\r\n'), config)).toBe(false);
    expect(repliesEquivalent(cmd('pttl', 'k'), b(':100000\r\n'), b(':99000\r\n'), config)).toBe(true);
    expect(repliesEquivalent(cmd('PTTL', 'k'), b(':100000\r\n'), b(':90000\r\n'), config)).toBe(false);
    expect(repliesEquivalent(cmd('TTL', 'k'), b(':-1\r\n'), b(':0\r\n'), config)).toBe(false);
    expect(repliesEquivalent(cmd('TTL', 'k'), b(':-2\r\n'), b(':-1\r\n'), config)).toBe(false);
    expect(repliesEquivalent(cmd('EXPIRETIME', 'k'), b(':1900000000\r\n'), b(':1900000001\r\n'), config)).toBe(true);
    expect(repliesEquivalent(cmd('TTL', 'k', 'x'), b(':5\r\n'), b(':6\r\n'), config)).toBe(false);
    // Beyond 2^53 (EXPIRE k 9223372036854775): exact integer arithmetic.
    expect(repliesEquivalent(cmd('PTTL', 'k'), b(':9223370240894664796\r\n'), b(':9223370240894664790\r\n'), config)).toBe(true);
    expect(repliesEquivalent(cmd('PTTL', 'k'), b(':9223370240894664796\r\n'), b(':9223370240894667000\r\n'), config)).toBe(false);
    expect(repliesEquivalent(cmd('PTTL', 'k'), b(':9223370240894664796\r\n'), b(':9223370240894665000\r\n'), config)).toBe(true);
  });
});

/** Wraps a side: `rewrite` may change the command sent, `corrupt` the reply returned. */
function faultySide(
  inner: DiffSide,
  name: string,
  hooks: { rewrite?: (c: Command) => Command; corrupt?: (c: Command, reply: Buffer) => Buffer; fail?: (c: Command) => boolean },
): DiffSide {
  return {
    name,
    async connect() {
      const conn = await inner.connect();
      return {
        async exec(c) {
          if (hooks.fail?.(c)) throw new Error('injected failure');
          const reply = await conn.exec(hooks.rewrite ? hooks.rewrite(c) : c);
          return hooks.corrupt ? hooks.corrupt(c, reply) : reply;
        },
        close: () => conn.close(),
      };
    },
  };
}

const available = hasRedisServer();
describe.skipIf(!available)(`differential harness against redis-server ${available ? '' : MISSING_REDIS_SERVER}`, () => {
  let r1: ServerHandle | undefined;
  let r2: ServerHandle | undefined;
  let one: DiffSide;
  let two: DiffSide;
  beforeAll(async () => {
    [r1, r2] = await Promise.all([startRedisServer(), startRedisServer()]);
    one = rawSide('redis-a', r1.port);
    two = rawSide('redis-b', r2.port);
  });
  afterAll(async () => {
    await Promise.all([r1?.stop(), r2?.stop()]);
  });

  it.for([2, 3] as const)('redis-server agrees with itself on 5 seeds × 300 commands in RESP%i', async (protocol) => {
    for (let seed = 1000; seed < 1005; seed++) {
      const m = await runSequence(one, two, generateSequence(seed, 300), { protocol });
      expect(m, `seed ${seed}`).toBeNull();
    }
  });

  it('detects a wrong reply, and minimizes the reproducer to the commands that matter', async () => {
    const buggy = faultySide(one, 'buggy', {
      corrupt: (c, reply) => {
        const m = /^:(\d+)\r\n$/.exec(reply.toString('latin1'));
        return c[0]!.toString() === 'STRLEN' && m && m[1] !== '0' ? Buffer.from(`:${Number(m[1]) + 1}\r\n`) : reply;
      },
    });
    const seq = [cmd('SET', 'a', 'hello'), cmd('GET', 'a'), cmd('SET', 'b', 'x'), cmd('INCR', 'c'), cmd('STRLEN', 'a'), cmd('GET', 'b')];
    const config: DiffConfig = { protocol: 3 };
    const m = await runSequence(buggy, two, seq, config);
    expect(m).toMatchObject({ kind: 'reply', index: 4 });
    const rep = await findReproducer(buggy, two, seq, m!, config);
    expect(rep.prefixLength).toBe(5);
    expect(rep.minimized!.map((c) => c.join(' '))).toEqual(['SET a hello', 'STRLEN a']);
    const text = formatReport({ title: 'seed X', sideA: 'buggy', sideB: 'redis-b', mismatch: m!, sequenceLength: seq.length, reproducer: rep, commands: seq });
    expect(text).toContain('reply mismatch at command index 4');
    expect(text).toContain('command: "STRLEN" "a"');
    expect(text).toContain('buggy  : ":6\\r\\n"');
    expect(text).toContain('redis-b: ":5\\r\\n"');
    expect(text).toContain('shortest reproducing prefix: the first 5 commands\n     1. "SET" "a" "hello"\n');
    expect(text).toContain('     5. "STRLEN" "a"\nminimized to 2 commands');
    expect(text).toContain('<== DIFFERS');
  });

  it('detects a wrong final keyspace when every reply matched, and finds the shortest prefix', async () => {
    const buggy = faultySide(one, 'buggy', {
      rewrite: (c) => (c[0]!.toString() === 'SET' && c[1]!.toString() === 'b' ? [c[0]!, c[1]!, Buffer.from('wrong')] : c),
    });
    const seq = [cmd('SET', 'a', '1'), cmd('INCR', 'a'), cmd('SET', 'b', '2'), cmd('EXPIRE', 'a', '1000'), cmd('DEL', 'zz')];
    const config: DiffConfig = { protocol: 2 };
    const m = await runSequence(buggy, two, seq, config);
    expect(m?.kind).toBe('state');
    if (m?.kind === 'state') expect(m.differences.join('\n')).toMatch(/key "b": GET buggy "\$5\\r\\nwrong\\r\\n" vs redis-b "\$1\\r\\n2\\r\\n"/);
    const rep = await findReproducer(buggy, two, seq, m!, config);
    expect(rep.prefixLength).toBe(3);
    expect(rep.minimized!.map((c) => c.join(' '))).toEqual(['SET b 2']);
  });

  it('detects differing TTLs and missing keys in the final keyspace', async () => {
    const buggy = faultySide(one, 'buggy', {
      rewrite: (c) => (c[0]!.toString() === 'EXPIRE' ? cmd('PERSIST', c[1]!.toString()) : c),
      corrupt: (c, reply) => (c[0]!.toString() === 'EXPIRE' ? Buffer.from(':1\r\n') : reply),
    });
    const m = await runSequence(buggy, two, [cmd('SET', 'a', '1'), cmd('EXPIRE', 'a', '1000')], { protocol: 2 });
    expect(m?.kind === 'state' && m.differences.join('\n')).toMatch(/key "a": PTTL buggy -1 vs redis-b \d+/);
    const m2 = await runSequence(one, two, [cmd('SELECT', '3'), cmd('SET', 'k', 'v')], { protocol: 2 });
    expect(m2).toBeNull();
    let rewrites = 0; // only the sequence's SELECT, not the dump's
    const onlyOne = faultySide(one, 'buggy', {
      rewrite: (c) => (c[0]!.toString() === 'SELECT' && rewrites++ === 0 ? cmd('SELECT', '4') : c),
    });
    const m3 = await runSequence(onlyOne, two, [cmd('SELECT', '3'), cmd('SET', 'k', 'v')], { protocol: 2 });
    expect(m3?.kind === 'state' && m3.differences.join('\n')).toMatch(/db 4 key "k": exists only in buggy[\s\S]*db 3 key "k": exists only in redis-b/);
  });

  it('treats a missing reply as a mismatch even when both sides fail', async () => {
    const failing = (inner: DiffSide, name: string): DiffSide => faultySide(inner, name, { fail: (c) => c[0]!.toString() === 'ECHO' });
    const m = await runSequence(failing(one, 'x'), failing(two, 'y'), [cmd('PING'), cmd('ECHO', 'hi')], { protocol: 2 });
    expect(m).toMatchObject({ kind: 'reply', index: 1 });
  });
});
