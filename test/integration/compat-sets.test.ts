/**
 * Set commands answer as redis-server 7.0.15 (expected bytes captured from it; checked against it too when it is
 * installed): replies and their RESP3 types, the order of argument checks, key lookups and WRONGTYPE in multi-key
 * commands, encodings (intset, hashtable) and when they change, deletion of emptied sets, *STORE destinations,
 * SPOP/SRANDMEMBER counts, SSCAN, big members, keyspace events, and stock clients (ioredis, node-redis). Replies
 * whose order is a hash table's (hashtable sets) are compared sorted; random ones by count, distinctness and
 * membership. The differential fuzzer (test/fuzz/gen-sets.ts) covers random sequences.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { expect, it } from 'vitest';
import { connectBoth, describeCompat, type CompatConns, type CompatFixture } from '../support/compat.js';
import { decodeReply } from '../support/resp.js';
import type { RawClient } from '../support/raw-client.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

/** RESP bulk string of latin1 text. */
const bulk = (s: string): string => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
/** An aggregate (`*` array, `~` set) of bulk strings. */
const agg = (items: readonly string[], t = '*'): string => `${t}${items.length}\r\n${items.map(bulk).join('')}`;
const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

/** The members of an array or set reply, as latin1 strings, in reply order. */
function membersOf(raw: Buffer): string[] {
  const v = decodeReply(raw, { buffers: true });
  const items = v instanceof Set ? [...v] : (v as unknown[]);
  if (!Array.isArray(items)) throw new Error(`not an aggregate: ${raw.toString('latin1').slice(0, 80)}`);
  return items.map((x) => (x as Buffer).toString('latin1'));
}

/** Each side's reply to `args`: its type byte and its members (sorted when `sorted`). */
async function eachSide(c: CompatConns, args: (string | Buffer)[], check: (type: string, members: string[], side: string) => void): Promise<void> {
  const sides: [string, RawClient | null][] = [['tierkv', c.tierkv], ['redis', c.redis]];
  for (const [side, client] of sides) {
    if (client === null) continue;
    const raw = await client.command(...args);
    check(String.fromCharCode(raw[0]!), membersOf(raw), side);
  }
}

/** Both sides reply to `args` with an aggregate of type `t` holding exactly `members` (in any order). */
async function expectMembers(c: CompatConns, args: (string | Buffer)[], members: readonly string[], t = '*'): Promise<void> {
  await eachSide(c, args, (type, got, side) => {
    expect(type, `${side}: ${args.join(' ')} reply type`).toBe(t);
    expect(got.slice().sort(), `${side}: ${args.join(' ')}`).toEqual(members.slice().sort());
  });
}

/** Runs the same command on both sides, ignoring the replies (setup). */
async function run(f: CompatFixture, ...args: (string | Buffer)[]): Promise<void> {
  await f.both(...args);
}

describeCompat('sets', {}, (f) => {
  it('SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS, an intset in ascending order, the key deleted when emptied', async () => {
    await run(f, 'DEL', 's');
    await f.expectReply(['SADD', 's', '3', '1', '2', '1'], ':3\r\n');
    await f.expectReply(['SMEMBERS', 's'], agg(['1', '2', '3']));
    await f.expectReply(['OBJECT', 'ENCODING', 's'], bulk('intset'));
    await f.expectReply(['TYPE', 's'], '+set\r\n');
    await f.expectReply(['SCARD', 's'], ':3\r\n');
    await f.expectReply(['SISMEMBER', 's', '2'], ':1\r\n');
    await f.expectReply(['SISMEMBER', 's', 'x'], ':0\r\n');
    await f.expectReply(['SMISMEMBER', 's', '1', 'x', '3', '02'], '*4\r\n:1\r\n:0\r\n:1\r\n:0\r\n');
    await f.expectReply(['SMISMEMBER', 'nokey', 'a', 'b'], '*2\r\n:0\r\n:0\r\n');
    await f.expectReply(['SREM', 's', '2', 'x', '2'], ':1\r\n');
    await f.expectReply(['SREM', 'nokey', 'a'], ':0\r\n');
    await f.expectReply(['SREM', 's', '1', '3', '4'], ':2\r\n');
    await f.expectReply(['EXISTS', 's'], ':0\r\n');
    await f.expectReply(['SCARD', 's'], ':0\r\n');
    await f.expectReply(['SMEMBERS', 's'], '*0\r\n');
    await f.expectReply(['SISMEMBER', 'nokey', 'a'], ':0\r\n');
    await f.expectReply(['SADD', 's'], "-ERR wrong number of arguments for 'sadd' command\r\n");
    await f.expectReply(['SMISMEMBER', 's'], "-ERR wrong number of arguments for 'smismember' command\r\n");
    await f.expectReply(['SISMEMBER', 's', 'a', 'b'], "-ERR wrong number of arguments for 'sismember' command\r\n");
    await f.expectReply(['SINTERCARD', '1'], "-ERR wrong number of arguments for 'sintercard' command\r\n");
  });

  it('WRONGTYPE for every set command on a string key; SET replaces a set', async () => {
    await run(f, 'SET', 'str', 'x');
    await run(f, 'DEL', 's');
    await run(f, 'SADD', 's', 'a');
    for (const args of [
      ['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SCARD', 'str'], ['SISMEMBER', 'str', 'a'], ['SMISMEMBER', 'str', 'a'],
      ['SMEMBERS', 'str'], ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', '0'], ['SPOP', 'str'], ['SPOP', 'str', '0'],
      ['SMOVE', 'str', 's', 'a'], ['SMOVE', 's', 'str', 'a'], ['SINTER', 's', 'str'], ['SINTERCARD', '2', 's', 'str'],
      ['SUNION', 'str'], ['SDIFF', 's', 'str'], ['SINTERSTORE', 'd', 's', 'str'], ['SUNIONSTORE', 'd', 'str'],
      ['SDIFFSTORE', 'd', 'nokey', 'str'], ['SSCAN', 'str', '0'], ['SSCAN', 'str', '0', 'COUNT', '0'],
    ]) {
      await f.expectReply(args, WRONGTYPE);
    }
    await f.expectReply(['TYPE', 'str'], '+string\r\n');
    await f.expectReply(['SET', 's', 'now a string'], '+OK\r\n');
    await f.expectReply(['TYPE', 's'], '+string\r\n');
    await f.expectReply(['GET', 's'], bulk('now a string'));
  });

  it('multi-key commands look every key up first: a string key anywhere is WRONGTYPE, even after a missing key', async () => {
    await run(f, 'DEL', 'a', 'str2');
    await run(f, 'SADD', 'a', '1', '2');
    await run(f, 'SET', 'str2', 'x');
    await f.expectReply(['SINTER', 'nokey', 'str2'], WRONGTYPE);
    await f.expectReply(['SINTER', 'a', 'nokey'], '*0\r\n');
    await f.expectReply(['SINTERCARD', '2', 'nokey', 'str2'], WRONGTYPE);
    await f.expectReply(['SUNION', 'str2', 'nokey'], WRONGTYPE);
    await f.expectReply(['SDIFF', 'nokey', 'str2'], WRONGTYPE);
    await f.expectReply(['SDIFF', 'nokey', 'a'], '*0\r\n');
    // SMOVE: a missing source answers 0 before any type check; then the source, then the destination.
    await f.expectReply(['SMOVE', 'nokey', 'str2', 'm'], ':0\r\n');
    await f.expectReply(['SMOVE', 'a', 'str2', '1'], WRONGTYPE);
    await f.expectReply(['SMEMBERS', 'a'], agg(['1', '2']));
    // The destination of a *STORE is not type-checked: it is replaced (or deleted for an empty result).
    await f.expectReply(['SUNIONSTORE', 'str2', 'a'], ':2\r\n');
    await f.expectReply(['TYPE', 'str2'], '+set\r\n');
    await run(f, 'SET', 'str2', 'x');
    await f.expectReply(['SINTERSTORE', 'str2', 'nokey', 'a'], ':0\r\n');
    await f.expectReply(['EXISTS', 'str2'], ':0\r\n');
  });

  it('encodings: intset while members are canonical int64s and at most set-max-intset-entries, else hashtable for good', async () => {
    await run(f, 'DEL', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6');
    await f.expectReply(['SADD', 'e1', '9223372036854775807', '-9223372036854775808', '0', '-1'], ':4\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'e1'], bulk('intset'));
    await f.expectReply(['SMEMBERS', 'e1'], agg(['-9223372036854775808', '-1', '0', '9223372036854775807']));
    await f.expectReply(['SADD', 'e1', '9223372036854775808'], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'e1'], bulk('hashtable'));
    await f.expectReply(['SREM', 'e1', '9223372036854775808'], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'e1'], bulk('hashtable'));
    await expectMembers(f.c, ['SMEMBERS', 'e1'], ['-9223372036854775808', '-1', '0', '9223372036854775807']);
    for (const [k, m] of [['e2', '01'], ['e3', '-0'], ['e4', '+1'], ['e5', ' 1'], ['e6', '1.0']]) {
      await f.expectReply(['SADD', k!, m!], ':1\r\n');
      await f.expectReply(['OBJECT', 'ENCODING', k!], bulk('hashtable'));
      await f.expectReply(['SISMEMBER', k!, '1'], ':0\r\n');
      await f.expectReply(['SMEMBERS', k!], agg([m!]));
    }
    await f.expectReply(['SADD', 'e2', '1', '2'], ':2\r\n');
    await expectMembers(f.c, ['SMEMBERS', 'e2'], ['01', '1', '2']);
    // Past set-max-intset-entries.
    await f.expectReply(['CONFIG', 'SET', 'set-max-intset-entries', '4'], '+OK\r\n');
    try {
      await run(f, 'DEL', 'e7');
      await f.expectReply(['SADD', 'e7', '4', '3', '2', '1'], ':4\r\n');
      await f.expectReply(['OBJECT', 'ENCODING', 'e7'], bulk('intset'));
      await f.expectReply(['SADD', 'e7', '4', '5'], ':1\r\n');
      await f.expectReply(['OBJECT', 'ENCODING', 'e7'], bulk('hashtable'));
      await run(f, 'DEL', 'e7');
      await f.expectReply(['SADD', 'e7', '1', '2', '3', '4', '5'], ':5\r\n');
      await f.expectReply(['OBJECT', 'ENCODING', 'e7'], bulk('hashtable'));
    } finally {
      await run(f, 'CONFIG', 'SET', 'set-max-intset-entries', '512');
    }
    await run(f, 'DEL', 'e8');
    await f.expectReply(['SADD', 'e8', ...range(1, 512)], ':512\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'e8'], bulk('intset'));
    await f.expectReply(['SADD', 'e8', '513'], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'e8'], bulk('hashtable'));
    await f.expectReply(['SCARD', 'e8'], ':513\r\n');
  });

  it('RESP3: SMEMBERS SINTER SUNION SDIFF and SPOP with a count reply sets, SRANDMEMBER with a count an array', async () => {
    const c3 = await connectBoth(f.servers, 3);
    try {
      await run(f, 'DEL', 'r1', 'r2', 'rh');
      await run(f, 'SADD', 'r1', '5', '1', '3');
      await run(f, 'SADD', 'r2', '3', '4', '5');
      await run(f, 'SADD', 'rh', 'x');
      await f.expectReply(['SMEMBERS', 'r1'], agg(['1', '3', '5'], '~'), c3);
      await f.expectReply(['SMEMBERS', 'nokey'], '~0\r\n', c3);
      await f.expectReply(['SINTER', 'r1', 'r2'], agg(['3', '5'], '~'), c3);
      await f.expectReply(['SINTER', 'r1', 'nokey'], '~0\r\n', c3);
      await f.expectReply(['SUNION', 'r1', 'r2'], agg(['1', '3', '4', '5'], '~'), c3);
      await f.expectReply(['SDIFF', 'r1', 'r2'], agg(['1'], '~'), c3);
      await f.expectReply(['SDIFF', 'nokey', 'r2'], '~0\r\n', c3);
      await f.expectReply(['SINTERCARD', '2', 'r1', 'r2'], ':2\r\n', c3);
      await f.expectReply(['SRANDMEMBER', 'rh', '5'], agg(['x']), c3);
      await f.expectReply(['SRANDMEMBER', 'rh', '-2'], agg(['x', 'x']), c3);
      await f.expectReply(['SRANDMEMBER', 'nokey', '5'], '*0\r\n', c3);
      await f.expectReply(['SRANDMEMBER', 'rh', '0'], '*0\r\n', c3);
      await f.expectReply(['SRANDMEMBER', 'nokey'], '_\r\n', c3);
      await f.expectReply(['SPOP', 'nokey'], '_\r\n', c3);
      await f.expectReply(['SPOP', 'nokey', '2'], '~0\r\n', c3);
      await f.expectReply(['SPOP', 'rh', '0'], '~0\r\n', c3);
      await f.expectReply(['SPOP', 'rh', '3'], agg(['x'], '~'), c3);
      await f.expectReply(['SSCAN', 'nokey', '0'], '*2\r\n$1\r\n0\r\n*0\r\n', c3);
      await f.expectReply(['SSCAN', 'r1', '0'], `*2\r\n$1\r\n0\r\n${agg(['1', '3', '5'])}`, c3);
      await eachSide(c3, ['SPOP', 'r2', '2'], (type, got, side) => {
        expect(type, side).toBe('~');
        expect(got, side).toHaveLength(2);
      });
    } finally {
      c3.close();
    }
    // RESP2: the same as arrays, nulls as $-1.
    await f.expectReply(['SPOP', 'nokey'], '$-1\r\n');
    await f.expectReply(['SRANDMEMBER', 'nokey'], '$-1\r\n');
    await f.expectReply(['SPOP', 'nokey', '1'], '*0\r\n');
  });

  it('SPOP and SRANDMEMBER: count checks before the lookup, distinct members, negative counts repeat, the whole set at count ≥ size', async () => {
    await f.expectReply(['SPOP', 'nokey', '-1'], '-ERR value is out of range, must be positive\r\n');
    await f.expectReply(['SPOP', 'nokey', 'x'], '-ERR value is out of range, must be positive\r\n');
    await f.expectReply(['SPOP', 'nokey', '1', '2'], '-ERR syntax error\r\n');
    await f.expectReply(['SRANDMEMBER', 'nokey', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['SRANDMEMBER', 'nokey', '-9223372036854775808'],
      '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n');
    await f.expectReply(['SRANDMEMBER', 'nokey', '1', '2'], '-ERR syntax error\r\n');
    await f.expectReply(['SRANDMEMBER', 'nokey', '-5'], '*0\r\n');
    const all = [...range(1, 40), ...range(1, 40).map((i) => `m${i}`)];
    for (const key of ['ri', 'rs']) {
      const members = key === 'ri' ? range(1, 40) : all;
      await run(f, 'DEL', key);
      await run(f, 'SADD', key, ...members);
      for (const count of [1, 2, 10, 13, 14, 30, 39]) {
        await eachSide(f.c, ['SRANDMEMBER', key, String(count)], (type, got, side) => {
          expect(type, side).toBe('*');
          expect(got, `${side} SRANDMEMBER ${count}`).toHaveLength(count);
          expect(new Set(got).size, `${side}: distinct`).toBe(count);
          for (const m of got) expect(members, side).toContain(m);
        });
      }
      await eachSide(f.c, ['SRANDMEMBER', key, '-100'], (type, got, side) => {
        expect(got, side).toHaveLength(100);
        for (const m of got) expect(members, side).toContain(m);
      });
      await expectMembers(f.c, ['SRANDMEMBER', key, '1000'], members);
      await f.expectReply(['SCARD', key], `:${members.length}\r\n`);
    }
    // SPOP: each case of Redis (few members popped; most popped: the remaining set rebuilt; all).
    for (const [count, size] of [[1, 40], [5, 40], [35, 40], [39, 40], [40, 40], [41, 40]] as const) {
      await run(f, 'DEL', 'sp');
      await run(f, 'SADD', 'sp', ...range(1, size));
      const popped: string[][] = [];
      await eachSide(f.c, ['SPOP', 'sp', String(count)], (type, got, side) => {
        expect(got, `${side} SPOP ${count}`).toHaveLength(Math.min(count, size));
        expect(new Set(got).size).toBe(got.length);
        popped.push(got);
      });
      const left = Math.max(0, size - count);
      await f.expectReply(['SCARD', 'sp'], `:${left}\r\n`);
      await f.expectReply(['EXISTS', 'sp'], `:${left > 0 ? 1 : 0}\r\n`);
      if (left > 0) await f.expectReply(['OBJECT', 'ENCODING', 'sp'], bulk('intset'));
      // What is left is what was not popped (per server).
      const sides: [RawClient | null, string[] | undefined][] = [[f.c.tierkv, popped[0]], [f.c.redis, popped[1]]];
      for (const [cl, p] of sides) {
        if (cl === null || p === undefined) continue;
        const rest = membersOf(await cl.command('SMEMBERS', 'sp'));
        expect([...rest, ...p].sort()).toEqual(range(1, size).sort());
      }
    }
    // The whole set of an intset comes in ascending order.
    await run(f, 'DEL', 'sp');
    await run(f, 'SADD', 'sp', '3', '-2', '10');
    await f.expectReply(['SPOP', 'sp', '3'], agg(['-2', '3', '10']));
    await f.expectReply(['EXISTS', 'sp'], ':0\r\n');
    await run(f, 'SADD', 'sp', '7');
    await f.expectReply(['SPOP', 'sp'], bulk('7'));
    await f.expectReply(['EXISTS', 'sp'], ':0\r\n');
    await f.expectReply(['SPOP', 'sp'], '$-1\r\n');
  });

  it('SPOP popping most of a hashtable of integers rebuilds the rest as an intset and keeps the TTL', async () => {
    await run(f, 'DEL', 'big');
    await f.expectReply(['SADD', 'big', ...range(1, 600)], ':600\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'big'], bulk('hashtable'));
    await f.expectReply(['EXPIRE', 'big', '1000'], ':1\r\n');
    await eachSide(f.c, ['SPOP', 'big', '560'], (_t, got) => expect(got).toHaveLength(560));
    await f.expectReply(['SCARD', 'big'], ':40\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'big'], bulk('intset'));
    for (const cl of [f.c.tierkv, f.c.redis]) {
      if (cl === null) continue;
      const ttl = Number(decodeReply(await cl.command('TTL', 'big')));
      expect(ttl).toBeGreaterThan(990);
    }
    // Popping a few keeps the hashtable.
    await run(f, 'DEL', 'big');
    await run(f, 'SADD', 'big', ...range(1, 600));
    await eachSide(f.c, ['SPOP', 'big', '10'], (_t, got) => expect(got).toHaveLength(10));
    await f.expectReply(['OBJECT', 'ENCODING', 'big'], bulk('hashtable'));
  });

  it('SMOVE: moves, creates the destination, deletes an emptied source, a no-op on the same key', async () => {
    await run(f, 'DEL', 'src', 'dst');
    await run(f, 'SADD', 'src', '1', 'a');
    await f.expectReply(['SMOVE', 'src', 'dst', 'x'], ':0\r\n');
    await f.expectReply(['SMOVE', 'src', 'dst', '1'], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'dst'], bulk('intset'));
    await f.expectReply(['SMOVE', 'src', 'src', 'a'], ':1\r\n');
    await f.expectReply(['SMOVE', 'src', 'src', 'zz'], ':0\r\n');
    await f.expectReply(['SADD', 'dst', 'a'], ':1\r\n');
    await f.expectReply(['SMOVE', 'src', 'dst', 'a'], ':1\r\n'); // already there: still 1, and the source is emptied
    await f.expectReply(['EXISTS', 'src'], ':0\r\n');
    await expectMembers(f.c, ['SMEMBERS', 'dst'], ['1', 'a']);
    await f.expectReply(['SMOVE', 'src', 'dst', 'a'], ':0\r\n');
  });

  it('SINTER SUNION SDIFF and SINTERCARD: results, missing keys as empty sets, intset order, repeated keys', async () => {
    await run(f, 'DEL', 'x1', 'x2', 'x3', 'xh');
    await run(f, 'SADD', 'x1', '1', '2', '3', '4', '5');
    await run(f, 'SADD', 'x2', '4', '5', '6');
    await run(f, 'SADD', 'x3', '5', '9');
    await run(f, 'SADD', 'xh', '5', 'a', '1', 'b');
    await f.expectReply(['SINTER', 'x1', 'x2', 'x3'], agg(['5']));
    await f.expectReply(['SINTER', 'x1', 'x2'], agg(['4', '5']));
    await f.expectReply(['SINTER', 'x1'], agg(['1', '2', '3', '4', '5']));
    await f.expectReply(['SINTER', 'x1', 'x1'], agg(['1', '2', '3', '4', '5']));
    await expectMembers(f.c, ['SINTER', 'xh', 'x1'], ['1', '5']);
    await f.expectReply(['SUNION', 'x2', 'x3', 'nokey'], agg(['4', '5', '6', '9']));
    await expectMembers(f.c, ['SUNION', 'x3', 'xh'], ['1', '5', '9', 'a', 'b']);
    await f.expectReply(['SDIFF', 'x1', 'x2', 'x3'], agg(['1', '2', '3']));
    await f.expectReply(['SDIFF', 'x1', 'nokey'], agg(['1', '2', '3', '4', '5']));
    await f.expectReply(['SDIFF', 'x1', 'x1'], '*0\r\n');
    await f.expectReply(['SDIFF', 'x1', 'x2', 'x1'], '*0\r\n');
    await expectMembers(f.c, ['SDIFF', 'xh', 'x1'], ['a', 'b']);
    await f.expectReply(['SDIFF', 'x1', 'xh'], agg(['2', '3', '4']));
    await f.expectReply(['SINTERCARD', '2', 'x1', 'x2'], ':2\r\n');
    await f.expectReply(['SINTERCARD', '2', 'x1', 'x2', 'LIMIT', '1'], ':1\r\n');
    await f.expectReply(['SINTERCARD', '2', 'x1', 'x2', 'limit', '0'], ':2\r\n');
    await f.expectReply(['SINTERCARD', '1', 'x1', 'LIMIT', '3', 'LIMIT', '10'], ':5\r\n');
    await f.expectReply(['SINTERCARD', '2', 'x1', 'nokey'], ':0\r\n');
    await f.expectReply(['SINTERCARD', '0', 'x1'], '-ERR numkeys should be greater than 0\r\n');
    await f.expectReply(['SINTERCARD', 'x', 'x1'], '-ERR numkeys should be greater than 0\r\n');
    await f.expectReply(['SINTERCARD', '9223372036854775808', 'x1'], '-ERR numkeys should be greater than 0\r\n');
    await f.expectReply(['SINTERCARD', '3', 'x1', 'x2'], "-ERR Number of keys can't be greater than number of args\r\n");
    await f.expectReply(['SINTERCARD', '1', 'x1', 'LIMIT', '-1'], "-ERR LIMIT can't be negative\r\n");
    await f.expectReply(['SINTERCARD', '1', 'x1', 'LIMIT', 'x'], "-ERR LIMIT can't be negative\r\n");
    await f.expectReply(['SINTERCARD', '1', 'x1', 'LIMIT'], '-ERR syntax error\r\n');
    await f.expectReply(['SINTERCARD', '1', 'x1', 'x2'], '-ERR syntax error\r\n');
    // Options are checked before the keys are looked up.
    await f.expectReply(['SINTERCARD', '1', 'str', 'FOO'], '-ERR syntax error\r\n');
  });

  it('*STORE: replaces the destination (type, TTL), deletes it for an empty result, may name a source; the encoding Redis would give', async () => {
    await run(f, 'DEL', 'y1', 'y2', 'yh', 'dest');
    await run(f, 'SADD', 'y1', '1', '2', '3');
    await run(f, 'SADD', 'y2', '3', '4');
    await run(f, 'SADD', 'yh', '3', 'z');
    await run(f, 'SET', 'dest', 'string', 'EX', '1000');
    await f.expectReply(['SUNIONSTORE', 'dest', 'y1', 'y2'], ':4\r\n');
    await f.expectReply(['TTL', 'dest'], ':-1\r\n');
    await f.expectReply(['SMEMBERS', 'dest'], agg(['1', '2', '3', '4']));
    await f.expectReply(['OBJECT', 'ENCODING', 'dest'], bulk('intset'));
    await f.expectReply(['SINTERSTORE', 'dest', 'dest', 'y2'], ':2\r\n');
    await f.expectReply(['SMEMBERS', 'dest'], agg(['3', '4']));
    await f.expectReply(['SDIFFSTORE', 'dest', 'y1', 'dest'], ':2\r\n');
    await f.expectReply(['SMEMBERS', 'dest'], agg(['1', '2']));
    await f.expectReply(['SUNIONSTORE', 'dest', 'yh', 'y1'], ':4\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'dest'], bulk('hashtable'));
    await f.expectReply(['SINTERSTORE', 'dest', 'yh', 'y1'], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'dest'], bulk('intset'));
    await f.expectReply(['SINTERSTORE', 'dest', 'y1', 'nokey'], ':0\r\n');
    await f.expectReply(['EXISTS', 'dest'], ':0\r\n');
    await f.expectReply(['SDIFFSTORE', 'dest', 'y1', 'y1'], ':0\r\n');
    await f.expectReply(['SUNIONSTORE', 'dest', 'nokey'], ':0\r\n');
    await f.expectReply(['SDIFFSTORE', 'dest'], "-ERR wrong number of arguments for 'sdiffstore' command\r\n");
    // SDIFF's second algorithm (a big first set, several others) builds the result from the whole first set: a
    // hashtable even when the result would fit an intset; the first algorithm gives an intset.
    await run(f, 'DEL', 'b1', 'b2', 'b3');
    await run(f, 'SADD', 'b1', ...range(1, 600));
    await run(f, 'SADD', 'b2', ...range(1, 100));
    await run(f, 'SADD', 'b3', ...range(101, 200));
    await f.expectReply(['SDIFFSTORE', 'dest', 'b1', 'b2', 'b3'], ':400\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'dest'], bulk('hashtable'));
    await f.expectReply(['SDIFFSTORE', 'dest', 'b1', 'b3'], ':500\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'dest'], bulk('intset'));
    await f.expectReply(['SUNIONSTORE', 'dest', 'b1'], ':600\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'dest'], bulk('hashtable'));
    await f.expectReply(['SINTERSTORE', 'dest', 'b1', 'b1'], ':600\r\n');
    await f.expectReply(['SDIFF', 'b2', 'b3'], agg(range(1, 100)));
  });

  it('SSCAN: an intset whole in one call, a hashtable of 2000 members each at least once with MATCH and COUNT; its errors', async () => {
    await run(f, 'DEL', 'sc', 'sh');
    await run(f, 'SADD', 'sc', '30', '10', '20');
    await f.expectReply(['SSCAN', 'sc', '0'], `*2\r\n$1\r\n0\r\n${agg(['10', '20', '30'])}`);
    await f.expectReply(['SSCAN', 'sc', '77', 'COUNT', '1'], `*2\r\n$1\r\n0\r\n${agg(['10', '20', '30'])}`);
    await f.expectReply(['SSCAN', 'sc', '0', 'MATCH', '*0', 'MATCH', '2*'], `*2\r\n$1\r\n0\r\n${agg(['20'])}`);
    await f.expectReply(['SSCAN', 'sc', 'x'], '-ERR invalid cursor\r\n');
    await f.expectReply(['SSCAN', 'sc', '0', 'COUNT', '0'], '-ERR syntax error\r\n');
    await f.expectReply(['SSCAN', 'sc', '0', 'COUNT', 'x'], '-ERR value is not an integer or out of range\r\n');
    await f.expectReply(['SSCAN', 'sc', '0', 'TYPE', 'set'], '-ERR syntax error\r\n');
    await f.expectReply(['SSCAN', 'sc', '0', 'MATCH'], '-ERR syntax error\r\n');
    await f.expectReply(['SSCAN', 'nokey', '0', 'COUNT', '0'], '*2\r\n$1\r\n0\r\n*0\r\n'); // options after the lookup
    await f.expectReply(['SSCAN', 'nokey', 'x'], '-ERR invalid cursor\r\n'); // the cursor before it
    const members = range(1, 2000).map((i) => `member:${i}`);
    for (let i = 0; i < members.length; i += 500) await run(f, 'SADD', 'sh', ...members.slice(i, i + 500));
    for (const [opts, want] of [
      [[], members],
      [['COUNT', '7'], members],
      [['MATCH', 'member:1*', 'COUNT', '100'], members.filter((m) => m.startsWith('member:1'))],
    ] as const) {
      for (const cl of [f.c.tierkv, f.c.redis]) {
        if (cl === null) continue;
        const seen = new Set<string>();
        let cursor = '0';
        let calls = 0;
        do {
          const [next, got] = decodeReply(await cl.command('SSCAN', 'sh', cursor, ...opts), { buffers: true }) as [Buffer, Buffer[]];
          cursor = next.toString('latin1');
          for (const m of got) seen.add(m.toString('latin1'));
          calls++;
        } while (cursor !== '0' && calls < 100_000);
        expect([...seen].sort()).toEqual([...want].sort());
      }
    }
  });

  it('big members (1 MiB) and binary members', async () => {
    const big = Buffer.alloc(1024 * 1024, 'b');
    big[12345] = 0;
    const bin = Buffer.from('\x00\xff\r\n', 'latin1');
    await run(f, 'DEL', 'bm');
    await f.expectReply(['SADD', 'bm', big, bin, ''], ':3\r\n');
    await f.expectReply(['SISMEMBER', 'bm', big], ':1\r\n');
    await f.expectReply(['SISMEMBER', 'bm', ''], ':1\r\n');
    await f.expectReply(['OBJECT', 'ENCODING', 'bm'], bulk('hashtable'));
    await f.expectReply(['SREM', 'bm', bin, ''], ':2\r\n');
    await f.expectReply(['SMEMBERS', 'bm'], `*1\r\n$${big.length}\r\n${big.toString('latin1')}\r\n`);
    await f.expectReply(['SUNIONSTORE', 'bm2', 'bm'], ':1\r\n');
    await f.expectReply(['SPOP', 'bm'], `$${big.length}\r\n${big.toString('latin1')}\r\n`);
    await f.expectReply(['EXISTS', 'bm'], ':0\r\n');
    await f.expectReply(['SISMEMBER', 'bm2', big], ':1\r\n');
  });

  it('keyspace events: sadd srem spop smove *store and del, as Redis names them', async () => {
    const sub = await connectBoth(f.servers);
    const cmd = await connectBoth(f.servers);
    try {
      await f.expectReply(['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'], '+OK\r\n', cmd);
      await run(f, 'DEL', 'ka', 'kb', 'kd', 'ks');
      await run(f, 'SET', 'ks', 'x');
      await f.expectReply(['PSUBSCRIBE', '*'], '*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n', sub);
      const steps: string[][] = [
        ['SADD', 'ka', '1', '2', '3'], ['SADD', 'ka', '1'], ['SREM', 'ka', '9'], ['SREM', 'ka', '1'], ['SMOVE', 'ka', 'kb', '2'],
        ['SMOVE', 'ka', 'kb', '3'], ['SPOP', 'kb'], ['SADD', 'kb', '7'], ['SPOP', 'kb', '5'], ['SADD', 'ka', 'a', 'b'],
        ['SINTERSTORE', 'kd', 'ka'], ['SUNIONSTORE', 'kd', 'ka'], ['SDIFFSTORE', 'kd', 'ka'], ['SDIFFSTORE', 'kd', 'ka', 'ka'],
        ['SDIFFSTORE', 'kd', 'ka', 'ka'], ['SINTERSTORE', 'ks', 'nokey'], ['SREM', 'ka', 'a', 'b'], ['PUBLISH', 'end', 'x'],
      ];
      const events = async (s: RawClient, c: RawClient): Promise<string[]> => {
        for (const st of steps) await c.command(...st);
        const out: string[] = [];
        for (;;) {
          const m = decodeReply(await s.readReply()) as string[];
          if (m[2] === 'end') return out;
          if (m[2]!.startsWith('__keyevent@0__:')) out.push(`${m[2]!.slice('__keyevent@0__:'.length)} ${m[3]}`);
          else out.push(`${m[3]}@${m[2]!.slice('__keyspace@0__:'.length)}`);
        }
      };
      // Each event twice: on the key's channel (K) as event@key, then on the event's channel (E) as "event key".
      const expected = [
        'sadd ka', 'srem ka', 'srem ka', 'sadd kb', 'srem ka', 'del ka', 'sadd kb', 'spop kb', 'sadd kb', 'spop kb', 'del kb',
        'sadd ka', 'sinterstore kd', 'sunionstore kd', 'sdiffstore kd', 'del kd', 'del ks', 'srem ka', 'del ka',
      ].flatMap((e) => [`${e.split(' ')[0]}@${e.split(' ')[1]}`, e]);
      expect(await events(sub.tierkv, cmd.tierkv)).toEqual(expected);
      if (sub.redis !== null && cmd.redis !== null) expect(await events(sub.redis, cmd.redis)).toEqual(expected);
    } finally {
      await run(f, 'CONFIG', 'SET', 'notify-keyspace-events', '');
      sub.close();
      cmd.close();
    }
  });

  it('COMMAND INFO and GETKEYS of SINTERCARD (a keynum key spec, movablekeys)', async () => {
    await f.expectReply(['COMMAND', 'INFO', 'sintercard'],
      '*1\r\n*10\r\n$10\r\nsintercard\r\n:-3\r\n*2\r\n+readonly\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@read\r\n+@set\r\n+@slow\r\n*0\r\n*1\r\n' +
      '*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n' +
      '$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'sintercard', '2', 'a', 'b', 'LIMIT', '1'], agg(['a', 'b']));
    await f.expectReply(['COMMAND', 'GETKEYS', 'sintercard', '3', 'a', 'b'], '-ERR Invalid arguments specified for command\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'sintercard', '0', 'a'], '-ERR Invalid arguments specified for command\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'sinterstore', 'd', 'a', 'b'], agg(['d', 'a', 'b']));
    await f.expectReply(['COMMAND', 'GETKEYS', 'smove', 'a', 'b', 'm'], agg(['a', 'b']));
  });

  it('works through ioredis and node-redis (stock clients)', async () => {
    const r = new Redis(f.servers.tierkv.port, f.servers.tierkv.host, { lazyConnect: true });
    await r.connect();
    try {
      await r.del('io', 'io2');
      expect(await r.sadd('io', 'a', 'b', 'c')).toBe(3);
      expect((await r.smembers('io')).sort()).toEqual(['a', 'b', 'c']);
      expect(await r.sismember('io', 'b')).toBe(1);
      expect(await r.smismember('io', 'a', 'z')).toEqual([1, 0]);
      expect(await r.sadd('io2', 'c', 'd')).toBe(2);
      expect(await r.sinter('io', 'io2')).toEqual(['c']);
      expect(await r.sintercard(2, 'io', 'io2')).toBe(1);
      expect((await r.sunion('io', 'io2')).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(await r.srem('io', 'a')).toBe(1);
      expect(await r.scard('io')).toBe(2);
      const [cursor, page] = await r.sscan('io', 0);
      expect(cursor).toBe('0');
      expect(page.sort()).toEqual(['b', 'c']);
    } finally {
      r.disconnect();
    }
    const nr = createClient({ socket: { port: f.servers.tierkv.port, host: f.servers.tierkv.host } });
    await nr.connect();
    try {
      await nr.del(['nr']);
      expect(await nr.sAdd('nr', ['1', '2', 'x'])).toBe(3);
      expect((await nr.sMembers('nr')).map(String).sort()).toEqual(['1', '2', 'x']);
      expect(await nr.sIsMember('nr', 'x')).toBeTruthy();
      expect(String(await nr.sPop('nr')).length).toBeGreaterThan(0);
      expect(await nr.sCard('nr')).toBe(2);
    } finally {
      nr.destroy();
    }
  });
});
