/**
 * Regression tests: COMMAND INFO, COMMAND DOCS, COMMAND GETKEYS and COMMAND LIST answer as redis-server 7.0.15
 * does for the commands tierkv implements (divergences found by the differential fuzzer). Expected bytes were
 * captured from redis-server 7.0.15; when redis-server is installed, it is checked to answer the same, and every
 * command of the table is compared with it.
 */
import { describe, expect, it } from 'vitest';
import { compareReplies } from '../fuzz/normalize.js';
import { connectBoth, useCompat } from '../support/compat.js';
import { decodeReply } from '../support/resp.js';

const f = useCompat();

const spec = (flags: string[], index: number, extra = ''): string =>
  `*${extra ? 8 : 6}\r\n${extra}$5\r\nflags\r\n*${flags.length}\r\n${flags.map((f) => `+${f}\r\n`).join('')}$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:${index}\r\n` +
  `$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n`;

describe('COMMAND INFO', () => {
  it('prints ACL categories in Redis order, key specs with their flags, and a null for an unknown name', async () => {
    await f.expectReply(['COMMAND', 'INFO', 'get', 'nosuch', 'rename'],
      '*3\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n' +
      spec(['RO', 'access'], 1) + '*0\r\n$-1\r\n' +
      '*10\r\n$6\r\nrename\r\n:3\r\n*1\r\n+write\r\n:1\r\n:2\r\n:1\r\n*3\r\n+@keyspace\r\n+@write\r\n+@slow\r\n*0\r\n*2\r\n' +
      spec(['RW', 'access', 'delete'], 1) + spec(['OW', 'update'], 2) + '*0\r\n');
  });

  it('prints key-spec notes and variable flags (SET)', async () => {
    await f.expectReply(['COMMAND', 'INFO', 'set'],
      '*1\r\n*10\r\n$3\r\nset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@string\r\n+@slow\r\n*0\r\n*1\r\n' +
      spec(['RW', 'access', 'update', 'variable_flags'], 1, '$5\r\nnotes\r\n$48\r\nRW and ACCESS due to the optional `GET` argument\r\n') + '*0\r\n');
  });

  it('has ECHO loading/stale and APPEND fast, as Redis 7.0', async () => {
    await f.expectReply(['COMMAND', 'INFO', 'echo', 'append'],
      '*2\r\n*10\r\n$4\r\necho\r\n:2\r\n*3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n' +
      '*10\r\n$6\r\nappend\r\n:3\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n' +
      spec(['RW', 'insert'], 1) + '*0\r\n');
  });
});

describe('COMMAND GETKEYS', () => {
  it('checks its own arity, then the command, then whether it has keys, then its arity', async () => {
    await f.expectReply(['COMMAND', 'GETKEYS', 'ping'], "-ERR wrong number of arguments for 'command|getkeys' command\r\n");
    await f.expectReply(['COMMAND', 'GETKEYS', 'nosuch', 'k'], '-ERR Invalid command specified\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'object', 'nosuch', 'k'], '-ERR Invalid command specified\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'ping', 'x'], '-ERR The command has no key arguments\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'keys', '*'], '-ERR The command has no key arguments\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'get', 'a', 'b'], '-ERR Invalid number of arguments specified for command\r\n');
  });

  it('finds keys with the key specs', async () => {
    await f.expectReply(['COMMAND', 'GETKEYS', 'rename', 'a', 'b'], '*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b'], '*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    await f.expectReply(['COMMAND', 'GETKEYS', 'object', 'encoding', 'k'], '*1\r\n$1\r\nk\r\n');
  });
});

describe('COMMAND LIST and DOCS', () => {
  it('matches FILTERBY PATTERN against full names only', async () => {
    await f.expectReply(['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'getname'], '*0\r\n');
    const r = decodeReply(Buffer.from((await f.both('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'client|*')).tierkv, 'latin1')) as string[];
    expect(r).toContain('client|getname');
    expect(r.every((n) => n.startsWith('client|'))).toBe(true);
  });

  it('names arguments as Redis 7.0 does (MSET key_value block)', async () => {
    const docs = decodeReply(Buffer.from((await f.both('COMMAND', 'DOCS', 'mset')).tierkv, 'latin1')) as unknown[];
    const mset = docs[1] as unknown[];
    const args = mset[mset.indexOf('arguments') + 1] as unknown[][];
    expect(args[0]!.slice(0, 4)).toEqual(['name', 'key_value', 'type', 'block']);
  });
});

describe('against redis-server, every command of the table', () => {
  it('COMMAND INFO and COMMAND DOCS (prose aside) equal redis-server for every command tierkv has', async (t) => {
    if (f.c.redis === null) t.skip();
    const names = (decodeReply(await f.c.tierkv.command('COMMAND', 'LIST')) as string[]).map(String);
    const env = { tierkvCommands: new Set(names) };
    for (const protocol of [2, 3] as const) {
      const cc = await connectBoth(f.servers, protocol);
      try {
        for (const n of names) {
          for (const sub of ['INFO', 'DOCS']) {
            const cmd = ['COMMAND', sub, n].map((x) => Buffer.from(x));
            const [a, b] = await Promise.all([cc.tierkv.command(...cmd), cc.redis!.command(...cmd)]);
            expect(compareReplies(cmd, a, b, env), `RESP${protocol} COMMAND ${sub} ${n}`).toBeNull();
          }
        }
      } finally {
        cc.close();
      }
    }
  });
});
