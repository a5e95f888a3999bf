import net from 'node:net';
import { performance } from 'node:perf_hooks';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  parseQmpTarget,
  QmpClient,
  QmpClosedError,
  QmpError,
  QmpProtocolError,
  QmpTimeoutError,
  type QmpEvent,
} from '../../migration-hook/qmp.js';
import { makeSocketDir } from '../support/qemu.js';
import { sleep } from '../support/wait.js';
import { FAKE_GREETING, FakeQmpServer } from '../support/qemu-fake-qmp.js';

let tmp: ReturnType<typeof makeSocketDir>;
let server: FakeQmpServer | undefined;
let client: QmpClient | undefined;

beforeEach(() => {
  tmp = makeSocketDir();
});

afterEach(async () => {
  client?.destroy();
  client = undefined;
  await server?.close();
  server = undefined;
  tmp.remove();
});

async function connected(opts: Parameters<typeof FakeQmpServer.start>[0] = {}): Promise<QmpClient> {
  server = await FakeQmpServer.start({ dir: tmp.dir, ...opts });
  client = await QmpClient.connect(server.target, { timeoutMs: 2000 });
  return client;
}

describe('parseQmpTarget', () => {
  it('recognises Unix paths and TCP host:port forms', () => {
    expect(parseQmpTarget('/run/vm.qmp')).toEqual({ kind: 'unix', path: '/run/vm.qmp' });
    expect(parseQmpTarget('unix:/run/a:1')).toEqual({ kind: 'unix', path: '/run/a:1' });
    expect(parseQmpTarget('vm.qmp')).toEqual({ kind: 'unix', path: 'vm.qmp' });
    expect(parseQmpTarget('127.0.0.1:4444')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 4444 });
    expect(parseQmpTarget('tcp:localhost:5')).toEqual({ kind: 'tcp', host: 'localhost', port: 5 });
    expect(parseQmpTarget('[::1]:4444')).toEqual({ kind: 'tcp', host: '::1', port: 4444 });
    expect(parseQmpTarget(':4444')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 4444 });
  });

  it('rejects empty targets and bad ports', () => {
    expect(() => parseQmpTarget('')).toThrow(TypeError);
    expect(() => parseQmpTarget('host:70000')).toThrow(TypeError);
    expect(() => parseQmpTarget('tcp:nohost')).toThrow(TypeError);
  });
});

describe('QmpClient.connect', () => {
  it('reads the greeting, negotiates capabilities first and exposes the version', async () => {
    const c = await connected();
    expect(c.version).toEqual({ major: 7, minor: 2, micro: 3, package: 'fake 7.2.3' });
    expect(c.serverCapabilities).toEqual(['oob']);
    expect(server!.received[0]?.execute).toBe('qmp_capabilities');
    expect(server!.received[0]?.arguments).toBeUndefined();
  });

  it('connects over TCP host:port', async () => {
    server = await FakeQmpServer.start({ tcp: true });
    client = await QmpClient.connect(server.target, { timeoutMs: 2000 });
    await expect(client.queryStatus()).resolves.toMatchObject({ status: 'running', running: true });
  });

  it('fails with the socket error when nothing listens, or waits for the socket with waitForSocket', async () => {
    const p = tmp.sock('late.sock');
    await expect(QmpClient.connect(p, { timeoutMs: 500 })).rejects.toMatchObject({ code: 'ENOENT' });

    const connecting = QmpClient.connect(p, { timeoutMs: 3000, waitForSocket: true });
    await sleep(200);
    const srv = net.createServer((conn) => {
      conn.write(JSON.stringify({ QMP: { version: { qemu: { major: 8, minor: 0, micro: 1 }, package: '' }, capabilities: [] } }) + '\r\n');
      conn.on('data', (d) => {
        const cmd = JSON.parse(d.toString()) as { id: unknown };
        conn.write(JSON.stringify({ return: {}, id: cmd.id }) + '\r\n');
      });
    });
    await new Promise<void>((r) => srv.listen(p, r));
    try {
      client = await connecting;
      expect(client.version.major).toBe(8);
    } finally {
      client?.destroy();
      await new Promise((r) => srv.close(r));
    }
  });

  it('times out when no greeting arrives', async () => {
    server = await FakeQmpServer.start({ dir: tmp.dir, greeting: null });
    const t0 = performance.now();
    const err = await QmpClient.connect(server.target, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QmpTimeoutError);
    expect((err as QmpTimeoutError).operation).toBe('connect');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it('rejects a peer that does not greet with QMP', async () => {
    server = await FakeQmpServer.start({ dir: tmp.dir, greeting: '{"hello": "world"}' });
    await expect(QmpClient.connect(server.target, { timeoutMs: 1000 })).rejects.toBeInstanceOf(QmpProtocolError);
  });

  it('ignores an event that arrives before the greeting (QEMU races a RESUME onto a fresh connection)', async () => {
    const early = JSON.stringify({ timestamp: { seconds: 1, microseconds: 0 }, event: 'RESUME' });
    server = await FakeQmpServer.start({ dir: tmp.dir, greeting: `${early}\r\n${JSON.stringify(FAKE_GREETING)}` });
    client = await QmpClient.connect(server.target, { timeoutMs: 1000 });
    await expect(client.queryStatus()).resolves.toBeDefined();
  });

  it('rejects with QmpClosedError when the peer hangs up before greeting', async () => {
    const p = tmp.sock('hangup.sock');
    const srv = net.createServer((conn) => conn.destroy());
    await new Promise<void>((r) => srv.listen(p, r));
    try {
      await expect(QmpClient.connect(p, { timeoutMs: 1000 })).rejects.toBeInstanceOf(QmpClosedError);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });

  it('rejects with QmpError when qmp_capabilities fails', async () => {
    server = await FakeQmpServer.start({ dir: tmp.dir });
    server.handler = (cmd) =>
      cmd.execute === 'qmp_capabilities' ? { error: { class: 'CommandNotFound', desc: 'already in command mode' } } : undefined;
    const err = await QmpClient.connect(server.target, { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QmpError);
    expect((err as QmpError).command).toBe('qmp_capabilities');
  });
});

describe('QmpClient.execute', () => {
  it('sends execute/arguments/id and resolves with the return value', async () => {
    const c = await connected();
    server!.handler = (cmd) => (cmd.execute === 'echo' ? { return: { got: cmd.arguments } } : undefined);
    await expect(c.execute('echo', { a: 1, b: 'x' })).resolves.toEqual({ got: { a: 1, b: 'x' } });
    const sent = server!.received.at(-1)!;
    expect(sent.execute).toBe('echo');
    expect(typeof sent.id).toBe('number');
    await c.execute('echo');
    expect('arguments' in server!.received.at(-1)!).toBe(false);
    expect(server!.received.at(-1)!.id).not.toBe(sent.id);
  });

  it('correlates replies by id even when they come out of order', async () => {
    const c = await connected();
    const held: Array<{ id: unknown; n: unknown; conn: net.Socket }> = [];
    server!.handler = (cmd, conn) => {
      if (cmd.execute !== 'slow') return undefined;
      held.push({ id: cmd.id, n: cmd.arguments?.n, conn });
      if (held.length === 3) {
        for (const h of [...held].reverse()) h.conn.write(JSON.stringify({ return: h.n, id: h.id }) + '\r\n');
      }
      return null;
    };
    const results = await Promise.all([c.execute('slow', { n: 1 }), c.execute('slow', { n: 2 }), c.execute('slow', { n: 3 })]);
    expect(results).toEqual([1, 2, 3]);
  });

  it('rejects an error reply with QmpError carrying class, desc and command', async () => {
    const c = await connected();
    const err = await c.execute('no-such-command').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QmpError);
    expect(err).toMatchObject({
      errorClass: 'CommandNotFound',
      desc: 'The command no-such-command has not been found',
      command: 'no-such-command',
    });
    // the connection stays usable
    await expect(c.queryStatus()).resolves.toMatchObject({ running: true });
  });

  it('times out with QmpTimeoutError, ignores the late reply and stays usable', async () => {
    const c = await connected();
    let lateId: unknown;
    server!.handler = (cmd) => {
      if (cmd.execute !== 'hang') return undefined;
      lateId = cmd.id;
      return null;
    };
    const warnings: Error[] = [];
    c.on('warning', (w) => warnings.push(w));
    const t0 = performance.now();
    const err = await c.execute('hang', undefined, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(err).toBeInstanceOf(QmpTimeoutError);
    expect(err).toMatchObject({ command: 'hang', timeoutMs: 150 });
    expect(c.pendingCommands).toBe(0);
    server!.sendRaw(JSON.stringify({ return: 'late', id: lateId }) + '\r\n');
    await expect(c.queryStatus()).resolves.toMatchObject({ running: true });
    expect(warnings).toEqual([]);
  });

  it('timeoutMs 0 means no timeout (for connect and for a command)', async () => {
    server = await FakeQmpServer.start({ dir: tmp.dir });
    server.handler = (cmd) => (cmd.execute === 'hang' ? null : undefined);
    client = await QmpClient.connect(server.target, { timeoutMs: 0 });
    const outcome = await Promise.race([
      client.execute('hang', undefined, { timeoutMs: 0 }).then(
        () => 'resolved',
        (e: unknown) => e,
      ),
      sleep(100).then(() => 'still pending'),
    ]);
    expect(outcome).toBe('still pending');
    expect(client.pendingCommands).toBe(1);
    await expect(client.execute('x', undefined, { timeoutMs: -1 })).rejects.toBeInstanceOf(RangeError);
  });

  it('applies the client-wide commandTimeoutMs', async () => {
    server = await FakeQmpServer.start({ dir: tmp.dir });
    server.handler = (cmd) => (cmd.execute === 'hang' ? null : undefined);
    client = await QmpClient.connect(server.target, { timeoutMs: 1000, commandTimeoutMs: 100 });
    await expect(client.execute('hang')).rejects.toBeInstanceOf(QmpTimeoutError);
  });

  it('warns about replies with unknown ids and unparsable lines instead of failing', async () => {
    const c = await connected();
    const warnings: string[] = [];
    c.on('warning', (w) => warnings.push(w.message));
    server!.sendRaw('{"return": {}, "id": 9999}\r\nnot json\r\n{"error": {"class": "GenericError", "desc": "JSON parse error"}}\r\n');
    await expect(c.queryStatus()).resolves.toMatchObject({ running: true });
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/unknown id 9999/);
    expect(warnings[1]).toMatch(/unparsable/);
    expect(warnings[2]).toMatch(/JSON parse error/);
  });
});

describe('line framing', () => {
  it('handles replies split across chunks, several per chunk, CRLF and LF, and split UTF-8 characters', async () => {
    const c = await connected();
    const ids: unknown[] = [];
    server!.handler = (cmd) => {
      if (cmd.execute !== 'frag') return undefined;
      ids.push(cmd.id);
      return null;
    };
    const ps = [c.execute('frag'), c.execute('frag'), c.execute('frag')];
    while (ids.length < 3) await sleep(5);
    const text =
      JSON.stringify({ return: { s: 'größe→✓' }, id: ids[0] }) +
      '\r\n' +
      JSON.stringify({ event: 'STOP', timestamp: { seconds: 1, microseconds: 2 } }) +
      '\n' +
      JSON.stringify({ return: 2, id: ids[1] }) +
      '\r\n\r\n' +
      JSON.stringify({ return: 3, id: ids[2] }) +
      '\r\n';
    const bytes = Buffer.from(text, 'utf8');
    // cut inside the multi-byte characters and inside the JSON, 3 bytes at a time
    for (let i = 0; i < bytes.length; i += 3) {
      server!.conn.write(bytes.subarray(i, i + 3));
      if (i % 30 === 0) await sleep(1);
    }
    await expect(Promise.all(ps)).resolves.toEqual([{ s: 'größe→✓' }, 2, 3]);
    expect(c.recentEvents().map((e) => e.name)).toEqual(['STOP']);
  });

  it('drops the connection when a line exceeds maxLineLength', async () => {
    server = await FakeQmpServer.start({ dir: tmp.dir });
    client = await QmpClient.connect(server.target, { timeoutMs: 1000, maxLineLength: 1000 });
    server.handler = (cmd) => (cmd.execute === 'hang' ? null : undefined);
    const pending = client.execute('hang');
    server.sendRaw('x'.repeat(2000));
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QmpClosedError);
    expect((err as Error).cause).toBeInstanceOf(QmpProtocolError);
  });
});

describe('events', () => {
  it("emits 'event' and the event name with data, µs timestamp, monotonic receivedAt and seq", async () => {
    const c = await connected();
    const all: QmpEvent[] = [];
    const byName: QmpEvent[] = [];
    c.on('event', (e) => all.push(e));
    c.on('MIGRATION', (e) => byName.push(e));
    const before = performance.now();
    server!.sendEvent('MIGRATION', { status: 'active' }, { seconds: 1_700_000_000, microseconds: 5 });
    server!.sendEvent('STOP');
    await c.waitForEvent('STOP', undefined, 1000);
    expect(all.map((e) => e.name)).toEqual(['MIGRATION', 'STOP']);
    expect(byName).toHaveLength(1);
    expect(byName[0]).toMatchObject({ name: 'MIGRATION', data: { status: 'active' }, timestampUs: 1_700_000_000_000_005, seq: 1 });
    expect(all[1]!.data).toEqual({});
    expect(all[0]!.receivedAt).toBeGreaterThanOrEqual(before);
    expect(all[1]!.receivedAt).toBeGreaterThanOrEqual(all[0]!.receivedAt);
    expect(c.eventCursor()).toBe(2);
  });

  it('waitForEvent finds an event that arrived before the call (e.g. STOP before the reply to stop)', async () => {
    const c = await connected();
    server!.handler = (cmd, conn) => {
      if (cmd.execute !== 'stop') return undefined;
      conn.write(JSON.stringify({ timestamp: { seconds: 1, microseconds: 0 }, event: 'STOP' }) + '\r\n');
      return { return: {} };
    };
    await c.execute('stop');
    const ev = await c.waitForEvent('STOP', undefined, 200);
    expect(ev.name).toBe('STOP');
  });

  it('waitForEvent returns consecutive events on consecutive calls and honours predicate and since', async () => {
    const c = await connected();
    for (const status of ['setup', 'active', 'completed']) server!.sendEvent('MIGRATION', { status });
    const first = await c.waitForEvent<{ status: string }>('MIGRATION', undefined, 1000);
    const second = await c.waitForEvent<{ status: string }>('MIGRATION', undefined, 1000);
    expect([first.data.status, second.data.status]).toEqual(['setup', 'active']);
    const done = await c.waitForEvent<{ status: string }>('MIGRATION', (e) => e.data.status === 'completed', 1000);
    expect(done.data.status).toBe('completed');
    // everything consumed: the next wait needs a new event
    await expect(c.waitForEvent('MIGRATION', undefined, 100)).rejects.toBeInstanceOf(QmpTimeoutError);
    // `since` overrides the mailbox position
    const again = await c.waitForEvent<{ status: string }>('MIGRATION', undefined, { since: 0, timeoutMs: 100 });
    expect(again.data.status).toBe('setup');
    const cursor = c.eventCursor();
    const waiting = c.waitForEvent('MIGRATION', undefined, { since: cursor, timeoutMs: 1000 });
    server!.sendEvent('MIGRATION', { status: 'failed' });
    await expect(waiting).resolves.toMatchObject({ data: { status: 'failed' } });
  });

  it('waitForEvent times out, and rejects on close and on abort', async () => {
    const c = await connected();
    const err = await c.waitForEvent('RESUME', undefined, 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QmpTimeoutError);
    expect((err as QmpTimeoutError).operation).toBe('event RESUME');

    const ac = new AbortController();
    const aborted = c.waitForEvent('RESUME', undefined, { timeoutMs: 0, signal: ac.signal });
    ac.abort(new Error('stop waiting'));
    await expect(aborted).rejects.toThrow('stop waiting');

    const onClose = c.waitForEvent('RESUME', undefined, 0);
    server!.conn.destroy();
    await expect(onClose).rejects.toBeInstanceOf(QmpClosedError);
  });

  it('keeps only eventBufferSize recent events', async () => {
    server = await FakeQmpServer.start({ dir: tmp.dir });
    client = await QmpClient.connect(server.target, { timeoutMs: 1000, eventBufferSize: 3 });
    for (let i = 1; i <= 5; i++) server.sendEvent('MIGRATION_PASS', { pass: i });
    await client.waitForEvent('MIGRATION_PASS', (e) => e.data.pass === 5, 1000);
    expect(client.recentEvents().map((e) => e.data.pass)).toEqual([3, 4, 5]);
  });

  it('async iterator yields new (or replayed) events and ends when the connection closes', async () => {
    const c = await connected();
    server!.sendEvent('STOP');
    await c.waitForEvent('STOP', undefined, 1000);
    const replay = c.events({ since: 0, names: ['STOP', 'RESUME'] });
    const live = c.events();
    server!.sendEvent('BALLOON_CHANGE', { actual: 1 });
    server!.sendEvent('RESUME');
    await c.waitForEvent('RESUME', undefined, 1000);
    server!.conn.end();
    const names = async (it: AsyncIterable<QmpEvent>): Promise<string[]> => {
      const out: string[] = [];
      for await (const e of it) out.push(e.name);
      return out;
    };
    await expect(names(replay)).resolves.toEqual(['STOP', 'RESUME']);
    await expect(names(live)).resolves.toEqual(['BALLOON_CHANGE', 'RESUME']);
  });

  it('a listener that throws does not break the stream', async () => {
    const c = await connected();
    const thrown: unknown[] = [];
    const onUncaught = (e: unknown): void => void thrown.push(e);
    const original = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', onUncaught);
    try {
      c.once('STOP', () => {
        throw new Error('listener bug');
      });
      server!.sendRaw(JSON.stringify({ event: 'STOP', timestamp: { seconds: 0, microseconds: 0 } }) + '\r\n');
      await expect(c.queryStatus()).resolves.toMatchObject({ running: true });
      await sleep(10);
      expect(thrown).toHaveLength(1);
      expect((thrown[0] as Error).message).toBe('listener bug');
    } finally {
      process.removeListener('uncaughtException', onUncaught);
      for (const l of original) process.on('uncaughtException', l);
    }
  });
});

describe('closing and connection loss', () => {
  it('rejects every pending command with QmpClosedError when the peer drops, and fails fast afterwards', async () => {
    const c = await connected();
    server!.handler = (cmd) => (cmd.execute.startsWith('hang') ? null : undefined);
    const closeEvents: Array<Error | undefined> = [];
    c.on('close', (e) => closeEvents.push(e));
    const p1 = c.execute('hang-1', undefined, { timeoutMs: 0 });
    const p2 = c.execute('hang-2');
    await server!.waitForCommand('hang-2');
    server!.conn.destroy();
    const [e1, e2] = await Promise.all([p1.catch((e: unknown) => e), p2.catch((e: unknown) => e)]);
    expect(e1).toBeInstanceOf(QmpClosedError);
    expect(e2).toBeInstanceOf(QmpClosedError);
    expect((e1 as QmpClosedError).command).toBe('hang-1');
    expect(c.closed).toBe(true);
    expect(closeEvents).toHaveLength(1);

    const t0 = performance.now();
    await expect(c.queryStatus()).rejects.toBeInstanceOf(QmpClosedError);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('close() is graceful: answers already requested still arrive, then close is emitted', async () => {
    const c = await connected({ allowHalfOpen: true });
    server!.handler = (cmd, conn) => {
      if (cmd.execute !== 'slow') return undefined;
      // answer only after the client has half-closed, then close our side
      conn.once('end', () => setTimeout(() => conn.end(JSON.stringify({ return: 'done', id: cmd.id }) + '\r\n'), 30));
      return null;
    };
    let closed = 0;
    c.on('close', () => closed++);
    const p = c.execute('slow');
    await server!.waitForCommand('slow');
    await c.close();
    await expect(p).resolves.toBe('done');
    expect(closed).toBe(1);
    await c.close(); // idempotent
    expect(closed).toBe(1);
    await expect(c.execute('query-status')).rejects.toBeInstanceOf(QmpClosedError);
  });

  it('close() destroys the socket when the peer does not close its side in time', async () => {
    const p = tmp.sock('halfopen.sock');
    const conns: net.Socket[] = [];
    const srv = net.createServer({ allowHalfOpen: true }, (conn) => {
      conns.push(conn);
      conn.write(JSON.stringify({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 }, package: '' }, capabilities: [] } }) + '\r\n');
      conn.on('data', (d) => conn.write(JSON.stringify({ return: {}, id: (JSON.parse(d.toString()) as { id: unknown }).id }) + '\r\n'));
      conn.on('error', () => {});
    });
    await new Promise<void>((r) => srv.listen(p, r));
    try {
      client = await QmpClient.connect(p, { timeoutMs: 1000 });
      const t0 = performance.now();
      await client.close(300);
      const took = performance.now() - t0;
      expect(client.closed).toBe(true);
      expect(took).toBeGreaterThanOrEqual(250);
      expect(took).toBeLessThan(1500);
    } finally {
      for (const c of conns) c.destroy();
      await new Promise((r) => srv.close(r));
    }
  });

  it('quit() resolves when the peer closes without replying', async () => {
    const c = await connected();
    server!.handler = (cmd, conn) => {
      if (cmd.execute !== 'quit') return undefined;
      conn.destroy();
      return null;
    };
    await expect(c.quit()).resolves.toBeUndefined();
    await expect(c.quit()).rejects.toBeInstanceOf(QmpClosedError);
  });
});

describe('typed helpers', () => {
  it('send the QMP names and argument shapes of qapi/migration.json and qapi/machine.json', async () => {
    const c = await connected();
    server!.handler = (cmd) => (cmd.execute === 'qmp_capabilities' ? undefined : { return: {} });
    await c.balloon(512 * 2 ** 20);
    await c.migrateSetCapabilities({ 'postcopy-ram': true, events: false });
    await c.migrateSetParameters({ 'max-bandwidth': 1024, 'downtime-limit': 100 });
    await c.migrate('tcp:127.0.0.1:1');
    await c.migrate('tcp:127.0.0.1:1', { resume: true });
    await c.migrateIncoming('tcp:127.0.0.1:2');
    await c.migrateStartPostcopy();
    await c.migrateCancel();
    await c.queryMigrate();
    await c.queryMigrateCapabilities();
    await c.queryBalloon();
    await c.queryKvm();
    await c.queryStatus();
    await c.stop();
    await c.cont();
    const sent = server!.received.slice(1).map((m) => [m.execute, m.arguments]);
    expect(sent).toEqual([
      ['balloon', { value: 536870912 }],
      ['migrate-set-capabilities', { capabilities: [{ capability: 'postcopy-ram', state: true }, { capability: 'events', state: false }] }],
      ['migrate-set-parameters', { 'max-bandwidth': 1024, 'downtime-limit': 100 }],
      ['migrate', { uri: 'tcp:127.0.0.1:1' }],
      ['migrate', { uri: 'tcp:127.0.0.1:1', resume: true }],
      ['migrate-incoming', { uri: 'tcp:127.0.0.1:2' }],
      ['migrate-start-postcopy', undefined],
      ['migrate_cancel', undefined],
      ['query-migrate', undefined],
      ['query-migrate-capabilities', undefined],
      ['query-balloon', undefined],
      ['query-kvm', undefined],
      ['query-status', undefined],
      ['stop', undefined],
      ['cont', undefined],
    ]);
  });

  it('balloon() validates its byte count before sending', async () => {
    const c = await connected();
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60]) await expect(c.balloon(bad)).rejects.toBeInstanceOf(RangeError);
    expect(server!.received.map((m) => m.execute)).toEqual(['qmp_capabilities']);
  });
});
