/**
 * Replies are snapshots (issue 11, rows 1–3): what a command replies is what the key held when the command ran,
 * whatever runs later — the same command's own write (SET … GET, GETSET), the rest of a transaction, or another
 * client's in-place write while the replies are still unsent. Values are "jumbo" items (over 512 KiB: an extent of
 * their own), whose replies were sent by reference into the arena.
 *
 * Raw sockets (test/support/raw-client.ts); a client that "does not read" pauses its socket, so that its replies
 * stay in the server. Before another client writes, the test waits until the server has executed the reader's
 * pipeline: the pipeline ends with CLIENT SETNAME, and the name shows in CLIENT LIST once it ran.
 *
 * Run against redis-server to check the test itself: TIERKV_TARGET=redis npx vitest run test/integration/reply-snapshot.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSameBytes, bytesDiff } from '../support/bytes.js';
import { RawClient, decodeReply, encodeCommand } from '../support/raw-client.js';
import { startTarget, targetLabel, type ServerHandle } from '../support/tierkv.js';
import { sleep } from '../support/wait.js';

const KB = 1000;
const MIB = 1024 * 1024;

/** A bulk string reply of `v` (RESP2). */
const bulk = (v: Buffer): Buffer => Buffer.concat([Buffer.from(`$${v.length}\r\n`), v, Buffer.from('\r\n')]);

/** `len` bytes of `fill` with a marker at the start, so that two values of the same fill still differ. */
function value(len: number, fill: string, mark: string): Buffer {
  const v = Buffer.alloc(len, fill);
  v.write(mark, 0, 'latin1');
  return v;
}

describe(`reply snapshots of large values: ${targetLabel()}`, () => {
  let srv: ServerHandle;
  const clients: RawClient[] = [];
  const connect = async (): Promise<RawClient> => {
    const c = await RawClient.connect(srv.port, { host: srv.host, readTimeoutMs: 30_000 });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    srv = await startTarget();
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await srv?.stop();
  });

  /** Waits until the server shows a connection named `name` (the CLIENT SETNAME at the end of a pipeline ran). */
  async function waitForName(ctl: RawClient, name: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = String(decodeReply(await ctl.command('CLIENT', 'LIST')));
      if (list.includes(` name=${name} `)) return;
      if (Date.now() > deadline) throw new Error(`no connection named ${name} after ${timeoutMs} ms:\n${list}`);
      await sleep(5);
    }
  }

  it('row 1: SET key <700 KB> GET and GETSET return the old value, not the new one', async () => {
    const c = await connect();
    const o = Buffer.alloc(700 * KB, 'o');
    const n = Buffer.alloc(700 * KB, 'N');
    const m = Buffer.alloc(700 * KB, 'M');
    expect((await c.command('SET', 'r1', o)).toString()).toBe('+OK\r\n');
    assertSameBytes(await c.command('SET', 'r1', n, 'GET'), bulk(o), 'SET r1 <N> GET');
    assertSameBytes(await c.command('GET', 'r1'), bulk(n), 'GET r1 after SET … GET');
    assertSameBytes(await c.command('GETSET', 'r1', m), bulk(n), 'GETSET r1 <M>');
    assertSameBytes(await c.command('GET', 'r1'), bulk(m), 'GET r1 after GETSET');
    // The same in one pipeline: each reply is the value before its own command.
    const p = await c.pipeline([['SET', 'r1', o, 'GET'], ['GETSET', 'r1', n], ['SET', 'r1', m, 'GET'], ['GET', 'r1']]);
    assertSameBytes(p[0], bulk(m), 'pipelined SET … GET');
    assertSameBytes(p[1], bulk(o), 'pipelined GETSET');
    assertSameBytes(p[2], bulk(n), 'pipelined SET … GET (2)');
    assertSameBytes(p[3], bulk(m), 'pipelined GET');
  });

  it('GETEX with a TTL change replies the value unchanged (the TTL field is added or removed after the reply is encoded)', async () => {
    // Found by the fuzzer (seed 27, --large on): GETEX … PERSIST shifted the bytes of its own by-reference reply.
    const c = await connect();
    for (const key of ['g', 'sp ace', 'k'.repeat(37)]) {
      const v = value(700 * KB + key.length, 'v', `mark-${key}`);
      v[v.length - 1] = 0xbc;
      expect((await c.command('SET', key, v)).toString()).toBe('+OK\r\n');
      const r = await c.pipeline([['GETEX', key, 'EX', '100000'], ['GETEX', key, 'PERSIST'], ['GETEX', key, 'PXAT', '99999999999999'], ['GET', key]]);
      for (const [i, what] of ['GETEX EX', 'GETEX PERSIST', 'GETEX PXAT', 'GET'].entries()) assertSameBytes(r[i], bulk(v), `${what} ${key}`);
    }
  });

  it('row 2: MULTI; GET key; SET key <same size>; EXEC answers the old value for the GET', async () => {
    const c = await connect();
    const old = value(700 * KB, 'o', 'old');
    const neu = value(700 * KB, 'n', 'new');
    expect((await c.command('SET', 'r2', old)).toString()).toBe('+OK\r\n');
    const r = await c.pipeline([['MULTI'], ['GET', 'r2'], ['SET', 'r2', neu], ['EXEC']]);
    expect(r.slice(0, 3).map(String)).toEqual(['+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n']);
    assertSameBytes(r[3], Buffer.concat([Buffer.from('*2\r\n'), bulk(old), Buffer.from('+OK\r\n')]), 'EXEC');
    // SETRANGE and APPEND in place, inside the same transaction: each GET sees the value as it was then.
    const r3 = await c.pipeline([['MULTI'], ['GET', 'r2'], ['SETRANGE', 'r2', '0', 'XYZ'], ['GET', 'r2'], ['APPEND', 'r2', '!'], ['EXEC']]);
    const after = Buffer.from(neu);
    after.write('XYZ', 0, 'latin1');
    const exec = Buffer.concat([Buffer.from('*4\r\n'), bulk(neu), Buffer.from(`:${neu.length}\r\n`), bulk(after), Buffer.from(`:${neu.length + 1}\r\n`)]);
    assertSameBytes(r3[5], exec, 'EXEC with SETRANGE and APPEND');
  });

  it('row 3: 100 unread pipelined GETs of a 1 MiB value, then SETRANGE key 0 <1 MiB> from another client: no reply changes', async () => {
    const reader = await connect();
    const writer = await connect();
    const ctl = await connect();
    const old = value(MIB, 'o', 'old');
    const neu = value(MIB, 'n', 'new');
    expect((await writer.command('SET', 'r3', old)).toString()).toBe('+OK\r\n');
    // After each GET the reader renames itself: its name tells how many GETs ran. Redis runs all 100 before the
    // SETRANGE; a server that stopped a client at 64 MiB of unsent replies would run fewer, and the replies of the
    // GETs that ran after the SETRANGE would then be the new value (checked below, then ruled out).
    reader.socket.pause();
    const cmds: Buffer[] = [];
    for (let i = 1; i <= 100; i++) cmds.push(encodeCommand(['GET', 'r3']), encodeCommand(['CLIENT', 'SETNAME', `r3-get-${i}`]));
    void reader.send(Buffer.concat(cmds));
    // Until all 100 ran, or the reader's count stops moving for a second (the server stopped reading it).
    let last = '';
    let still = Date.now();
    for (;;) {
      const list = String(decodeReply(await ctl.command('CLIENT', 'LIST')));
      const name = / name=(r3-get-\d+) /.exec(list)?.[1] ?? '';
      if (name === 'r3-get-100') break;
      if (name !== last) {
        last = name;
        still = Date.now();
      } else if (Date.now() - still > 1000) break;
      await sleep(10);
    }
    // The write, and the reader's count at that moment (in one transaction: nothing runs between them).
    const tx = await writer.pipeline([['MULTI'], ['CLIENT', 'LIST'], ['SETRANGE', 'r3', '0', neu], ['EXEC']]);
    const [list, setrange] = decodeReply(tx[3]!) as [string, number];
    expect(setrange).toBe(MIB);
    const ranBefore = Number(/ name=r3-get-(\d+) /.exec(list)?.[1] ?? 0);
    expect(ranBefore, 'GETs executed before the SETRANGE').toBeGreaterThan(0);
    reader.socket.resume();
    let changed = 0;
    const problems: string[] = [];
    for (let i = 1; i <= 100; i++) {
      const r = await reader.readReply();
      const ok = await reader.readReply();
      expect(ok.toString()).toBe('+OK\r\n');
      const want = i <= ranBefore ? old : neu;
      const diff = bytesDiff(r, bulk(want));
      if (diff !== undefined) {
        if (i <= ranBefore) changed++;
        if (problems.length < 3) problems.push(`GET ${i} (${i <= ranBefore ? 'before' : 'after'} the SETRANGE): ${diff}`);
      }
    }
    expect(problems, `${changed} of the ${ranBefore} replies of GETs executed before the SETRANGE changed`).toEqual([]);
    // tierkv too runs all 100: a 1 MiB value is a jumbo item sent by reference, which does not count toward its
    // 64 MiB output stop (the keyspace holds that memory already).
    expect(ranBefore).toBe(100);
  });

  it('a reader of an 8 MB value while another client overwrites it in place gets the value wholly as it was', async () => {
    const reader = await connect();
    const writer = await connect();
    const ctl = await connect();
    const old = value(8 * MIB, 'a', 'old');
    const neu = value(8 * MIB, 'b', 'new');
    for (const [i, write] of ([['SETRANGE', 'r4', '0', neu], ['SET', 'r4', old]] as const).entries()) {
      const before = i === 0 ? old : neu;
      const after = i === 0 ? neu : old;
      expect((await writer.command('SET', 'r4', before)).toString()).toBe('+OK\r\n');
      reader.socket.pause();
      void reader.send(Buffer.concat([encodeCommand(['GET', 'r4']), encodeCommand(['CLIENT', 'SETNAME', `r4-${i}`])]));
      await waitForName(ctl, `r4-${i}`);
      const w = await writer.command(...write);
      expect(w.toString()).toBe(write[0] === 'SET' ? '+OK\r\n' : `:${8 * MIB}\r\n`);
      reader.socket.resume();
      const r = await reader.readReply();
      expect((await reader.readReply()).toString()).toBe('+OK\r\n');
      const d = bytesDiff(r, bulk(before));
      const whole = d === undefined ? 'old' : bytesDiff(r, bulk(after)) === undefined ? 'new (the GET ran first: should be old)' : `mixed: ${d}`;
      expect(whole, `GET then ${write[0]} from another client`).toBe('old');
    }
  });
});
