/**
 * core/blocking.ts's timeout heap and queues, on a fake host with fake timers: many waiters with random deadlines
 * (and ties) time out exactly in deadline order (ties in blocking order), at their deadline and not before; waiters
 * removed by a disconnection or CLIENT UNBLOCK never time out; the counts (blocked_clients, clients_in_timeout_table)
 * and the keyspace hook follow. The behaviour over sockets is in test/integration/compat-blocking.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BlockingKeys, type BlockKind, type BlockingHost, type ServeContext } from '../../server/core/blocking.js';
import type { Client } from '../../server/core/client.js';
import type { ReplyWriter } from '../../protocol/reply-writer.js';

const KIND: BlockKind = { type: 3, serve: () => undefined };

function fakeClient(id: number): Client {
  return { id, execCount: -1, multi: null, canWait: true, socket: {}, closing: false, proto: 2, blocked: false } as unknown as Client;
}

function setup(): { b: BlockingKeys; ctx: ServeContext; resumed: { id: number; at: number; reply: string }[]; hook: { on: boolean } } {
  const resumed: { id: number; at: number; reply: string }[] = [];
  const hook = { on: false };
  const key = Buffer.from('k');
  const ctx = {
    client: null as unknown as Client,
    argv: { argc: 3, buf: Buffer.concat([Buffer.from('BLPOP'), key, Buffer.from('1')]), argOff: Int32Array.from([0, 5, 6]), argLen: Int32Array.from([5, 1, 1]) },
    cmd: { failedCalls: 0 },
    reply: {} as ReplyWriter,
    ks: { now: 0, lookup: () => false, type: () => 0, releaseKeyRef: () => undefined },
  } as ServeContext;
  const host: BlockingHost = {
    serveCtx: ctx,
    block: (c) => {
      c.blocked = true;
    },
    unblock: (c, reply) => {
      c.blocked = false;
      const calls: string[] = [];
      reply({ nullArray: () => calls.push('nil'), error: (e: string) => calls.push(e) } as unknown as ReplyWriter);
      resumed.push({ id: c.id, at: Date.now(), reply: calls.join() });
    },
    countError: () => undefined,
    replyToException: () => undefined,
    logServed: () => undefined,
    setAddHook: (h) => {
      hook.on = h !== null;
    },
  };
  return { b: new BlockingKeys(host), ctx, resumed, hook };
}

describe('BlockingKeys timeouts', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('2000 waiters time out in deadline order (ties in blocking order), none early, removed ones never', async () => {
    const { b, ctx, resumed, hook } = setup();
    const t0 = Date.now();
    const deadlines = new Map<number, number>();
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const clients: Client[] = [];
    for (let i = 1; i <= 2000; i++) {
      const c = fakeClient(i);
      clients.push(c);
      ctx.client = c;
      const deadline = t0 + 1 + rnd(500) * 3; // many ties
      deadlines.set(i, deadline);
      b.block(ctx, KIND, 1, 1, i % 10 === 0 ? 0 : deadline, 1, 0, -1); // every tenth: no timeout
    }
    expect(b.count).toBe(2000);
    expect(b.withTimeout).toBe(1800);
    expect(hook.on).toBe(true);
    const removed = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const c = clients[rnd(2000)]!;
      if (removed.has(c.id)) continue;
      removed.add(c.id);
      if (i % 2 === 0) b.removeClient(c);
      else expect(b.unblockClient(c, true)).toBe(true);
    }
    await vi.advanceTimersByTimeAsync(2000);
    const timedOut = resumed.filter((r) => r.reply === 'nil');
    const expected = [...deadlines.entries()].filter(([id]) => id % 10 !== 0 && !removed.has(id)).sort((x, y) => x[1] - y[1] || x[0] - y[0]);
    expect(timedOut.map((r) => r.id)).toEqual(expected.map(([id]) => id));
    for (const r of timedOut) {
      expect(r.at).toBeGreaterThan(deadlines.get(r.id)!);
      expect(r.at - deadlines.get(r.id)!).toBeLessThanOrEqual(2);
    }
    // CLIENT UNBLOCK ERROR replies are the -UNBLOCKED error; the disconnected get nothing.
    expect(resumed.filter((r) => r.reply !== 'nil').every((r) => r.reply.startsWith('UNBLOCKED'))).toBe(true);
    expect(b.withTimeout).toBe(0);
    const left = [...Array(2000).keys()].map((i) => i + 1).filter((id) => id % 10 === 0 && !removed.has(id));
    expect(b.count).toBe(left.length);
    for (const id of left) b.removeClient(clients[id - 1]!);
    expect(b.count).toBe(0);
    expect(hook.on).toBe(false);
    expect(b.unblockClient(clients[0]!, false)).toBe(false);
  });
});
