/**
 * Replies written at the end of the event-loop turn (server/net/server.ts DEFER_MAX, flushDeferred): a small batch
 * of replies waits until every socket read of the turn was processed, a larger one is written at once. Whatever the
 * mix, each client must get exactly its replies, in order, and a client that half-closes after its last command
 * must still get every reply before the server's FIN.
 *
 * Runs against startTarget (TIERKV_TARGET=redis checks the expectations against redis-server).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../support/rng.js';
import { encodeCommand } from '../support/resp.js';
import { LOOPBACK } from '../support/ports.js';
import { startTarget, type ServerHandle } from '../support/tierkv.js';
import { startServer } from '../../server/net/server.js';

/** Above server.ts DEFER_MAX (16 KiB): such a reply is written at once. */
const BIG = 40 * 1024;

/** The server reads into a 64 KiB buffer (server/net/shared-read.ts) and reads again in the same turn when it is full. */
const READ_BUFFER = 64 * 1024;

/**
 * Holds this process's event loop for `ms`: with the server in-process (the default target), what a client writes
 * meanwhile waits in the kernel, and the server then reads it in one turn, in several reads of a full buffer.
 */
function holdEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Reads what the server sends until `n` bytes came or the connection ends (ms deadline); the listeners it adds are
 * removed once it settles, so that later reads on the same socket start from the next byte.
 */
function collect(sock: net.Socket, n: number, timeoutMs = 20_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const settle = (err: Error | null): void => {
      clearTimeout(timer);
      sock.off('data', onData);
      sock.off('end', onEnd);
      sock.off('error', settle);
      if (err !== null) reject(err);
      else resolve(Buffer.concat(parts));
    };
    const onData = (b: Buffer): void => {
      parts.push(b);
      got += b.length;
      if (got >= n) settle(null);
    };
    const onEnd = (): void => settle(null);
    const timer = setTimeout(() => settle(new Error(`timed out after ${got} of ${n} bytes`)), timeoutMs);
    sock.on('data', onData);
    sock.on('end', onEnd);
    sock.on('error', settle);
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: LOOPBACK, allowHalfOpen: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/** `ECHO` of a payload naming the client and the command (so that a misplaced reply shows whose it was). */
function payload(client: number, i: number, size: number): Buffer {
  const head = Buffer.from(`c${client}:${i}:`);
  const b = Buffer.alloc(Math.max(size, head.length), 0x61 + ((client + i) % 26));
  head.copy(b);
  return b;
}

const bulk = (b: Buffer): Buffer => Buffer.concat([Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n')]);

describe('replies batched to the end of the event-loop turn', () => {
  let srv: ServerHandle;
  beforeAll(async () => {
    srv = await startTarget();
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('a client that half-closes after its pipeline gets every reply, then the FIN', async () => {
    // Commands of exactly one or two full read buffers: the server reads them and the FIN in the same turn, so the
    // socket ends while the replies may still wait for the end of the turn. Also a short pipeline.
    for (const total of [READ_BUFFER, 2 * READ_BUFFER, 0]) {
      const s = await connect(srv.port);
      const cmds: Buffer[] = [];
      const want: Buffer[] = [];
      let size = 0;
      for (let i = 0; total === 0 ? i < 3 : size < total; i++) {
        let p = payload(0, i, 10 + (i % 7));
        let cmd = encodeCommand(['ECHO', p]);
        if (total > 0 && size + cmd.length + 64 > total) {
          // the last command fills the buffer to the byte
          const room = total - size;
          let n = room - 20;
          while (encodeCommand(['ECHO', payload(0, i, n)]).length > room) n--;
          p = payload(0, i, n);
          cmd = encodeCommand(['ECHO', p]);
          expect(size + cmd.length).toBe(total);
        }
        cmds.push(cmd);
        want.push(bulk(p));
        size += cmd.length;
      }
      const got = collect(s, Number.MAX_SAFE_INTEGER);
      s.end(Buffer.concat(cmds)); // the commands and the FIN
      holdEventLoop(100);
      expect((await got).toString('latin1')).toBe(Buffer.concat(want).toString('latin1'));
      s.destroy();
    }
  });

  it('several clients mixing small and large replies get exactly theirs, in order', async () => {
    const rand = new Rng(0x5eed); // seeded: a failure replays
    const random = (): number => rand.float();
    const clients = 6;
    const socks = await Promise.all(Array.from({ length: clients }, () => connect(srv.port)));
    const jobs = socks.map(async (s, c) => {
      // Each client sends its pipeline in one write of more than the server reads at once (64 KiB), so the same
      // socket is read several times in one turn: small batches deferred, then a batch with a large reply that is
      // written at once and must not overtake them.
      const cmds: Buffer[] = [];
      const want: Buffer[] = [];
      // Runs of commands with short replies (SETs of 100-byte values and an ECHO now and then: a full read buffer of
      // them answers far less than DEFER_MAX), each run ended by an ECHO with a large reply.
      for (let i = 0; i < 2400; i++) {
        if (i % 600 === 599 || i % 50 === 0) {
          const p = payload(c, i, i % 600 === 599 ? BIG + Math.floor(random() * 4096) : 8 + Math.floor(random() * 40));
          cmds.push(encodeCommand(['ECHO', p]));
          want.push(bulk(p));
        } else {
          cmds.push(encodeCommand(['SET', `batching:${c}:${i % 10}`, payload(c, i, 100)]));
          want.push(Buffer.from('+OK\r\n'));
        }
      }
      const expected = Buffer.concat(want);
      const got = collect(s, expected.length);
      s.write(Buffer.concat(cmds));
      if (c === clients - 1) holdEventLoop(100); // every client's pipeline waits in the kernel
      const b = await got;
      expect(b.length).toBe(expected.length);
      expect(b.equals(expected)).toBe(true);
    });
    await Promise.all(jobs);
    for (const s of socks) s.destroy();
  });

  it('the reply to a command before SUBSCRIBE comes before the subscription and its messages', async () => {
    const sub = await connect(srv.port);
    const pub = await connect(srv.port);
    const head = '$6\r\nbefore\r\n*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n';
    const message = '*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n';
    const all = collect(sub, head.length + message.length);
    // Two writes, often read in one turn: a reply that may wait for the end of the turn, then SUBSCRIBE.
    sub.write(encodeCommand(['ECHO', 'before']));
    sub.write(encodeCommand(['SUBSCRIBE', 'ch']));
    // Publish until the subscriber is subscribed: PUBLISH answers :0 until then (each :0 ends the wait on this run).
    let delivered = false;
    for (let i = 0; i < 100 && !delivered; i++) {
      const r = collect(pub, 4);
      pub.write(encodeCommand(['PUBLISH', 'ch', 'm']));
      delivered = (await r).toString() === ':1\r\n';
    }
    expect(delivered).toBe(true);
    expect((await all).toString('latin1').slice(0, head.length + message.length)).toBe(head + message);
    sub.destroy();
    pub.destroy();
  });

  it('a subscriber gets the reply to its PING before a message published in the same turn', async () => {
    const sub = await connect(srv.port);
    const pub = await connect(srv.port);
    const subscribed = '*3\r\n$9\r\nsubscribe\r\n$3\r\nch2\r\n:1\r\n';
    const pong = '*2\r\n$4\r\npong\r\n$0\r\n\r\n';
    const message = '*3\r\n$7\r\nmessage\r\n$3\r\nch2\r\n$1\r\nm\r\n';
    for (let round = 0; round < 5; round++) {
      const first = collect(sub, subscribed.length);
      sub.write(encodeCommand(['SUBSCRIBE', 'ch2']));
      expect((await first).toString('latin1')).toBe(subscribed);
      const rest = collect(sub, pong.length + message.length);
      const published = collect(pub, 4);
      sub.write(encodeCommand(['PING'])); // read first in the turn below
      pub.write(encodeCommand(['PUBLISH', 'ch2', 'm']));
      holdEventLoop(50);
      expect((await published).toString()).toBe(':1\r\n');
      expect((await rest).toString('latin1')).toBe(pong + message);
      const unsub = collect(sub, 1);
      sub.write(encodeCommand(['UNSUBSCRIBE']));
      await unsub;
      await new Promise((r) => setTimeout(r, 20));
    }
    sub.destroy();
    pub.destroy();
  });

  it('many clients with 10 KB replies every turn reuse the reply pool instead of taking fresh reply memory', async () => {
    // In-process, to read the writer's count of reply extents (32 MiB each, cut into 256 KiB pools). Deferred batches
    // hold their pool until written: without a bound on them, a turn of 40 or more such replies outgrew the pool and took new
    // pools every turn, walking through fresh reply memory (page faults: LRANGE 0 99 at -P 1 ran at half speed).
    const own = await startServer({ port: '0' });
    try {
      const value = Buffer.alloc(10_000, 0x76);
      const socks = await Promise.all(Array.from({ length: 80 }, () => connect(own.port)));
      const rounds = 150;
      await Promise.all(
        socks.map(async (s) => {
          const reply = bulk(value);
          for (let i = 0; i < rounds; i++) {
            const got = collect(s, reply.length);
            s.write(encodeCommand(['ECHO', value]));
            expect((await got).equals(reply)).toBe(true);
          }
        }),
      );
      for (const s of socks) s.destroy();
      // 80 × 150 replies of 10 KB are 120 MB: taken from fresh pools they would have needed 4 reply extents.
      expect(own.core.writer.allocations()).toBeLessThanOrEqual(1);
    } finally {
      await own.close();
    }
  }, 60_000);
});
