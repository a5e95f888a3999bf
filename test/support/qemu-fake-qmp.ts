/**
 * A tiny fake QMP server for unit tests: speaks enough of the protocol (greeting, one JSON object per CRLF line,
 * id echo) to test the client's framing, correlation, errors, timeouts and connection loss without QEMU.
 */
import net from 'node:net';
import path from 'node:path';

/** A command as the fake server received it. */
export interface FakeCommand {
  execute: string;
  arguments?: Record<string, unknown>;
  id?: unknown;
}

/** What a handler answers: a return value, an error, or `null` for no reply at all. */
export type FakeReply = { return: unknown } | { error: { class: string; desc: string } } | null;

export type FakeHandler = (cmd: FakeCommand, conn: net.Socket) => FakeReply | undefined;

export const FAKE_GREETING = {
  QMP: { version: { qemu: { micro: 3, minor: 2, major: 7 }, package: 'fake 7.2.3' }, capabilities: ['oob'] },
};

export interface FakeQmpServerOptions {
  /** Listen on TCP 127.0.0.1:0 instead of a Unix socket in `dir`. */
  tcp?: boolean;
  /** Directory for the Unix socket (required unless `tcp`). */
  dir?: string;
  /** The greeting line to send (a string is sent verbatim + CRLF); `null` sends none. */
  greeting?: object | string | null;
  /** Keep the server's side open after the client half-closes (the test must end it). Default false. */
  allowHalfOpen?: boolean;
}

export class FakeQmpServer {
  readonly server: net.Server;
  readonly target: string;
  readonly received: FakeCommand[] = [];
  readonly connections: net.Socket[] = [];
  /** Custom command handler; return `undefined` to fall back to the default one. */
  handler: FakeHandler | undefined;
  #waiters: Array<{ name: string; resolve: (c: FakeCommand) => void }> = [];

  private constructor(server: net.Server, target: string) {
    this.server = server;
    this.target = target;
  }

  static async start(opts: FakeQmpServerOptions = {}): Promise<FakeQmpServer> {
    const greeting = opts.greeting === undefined ? FAKE_GREETING : opts.greeting;
    let self: FakeQmpServer | undefined;
    const server = net.createServer({ allowHalfOpen: opts.allowHalfOpen ?? false }, (conn) => {
      self!.connections.push(conn);
      conn.on('error', () => {});
      if (greeting !== null) conn.write((typeof greeting === 'string' ? greeting : JSON.stringify(greeting)) + '\r\n');
      let buf = '';
      conn.setEncoding('utf8');
      conn.on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) self!.#onCommand(JSON.parse(line) as FakeCommand, conn);
        }
      });
    });
    const target = await new Promise<string>((resolve, reject) => {
      server.once('error', reject);
      if (opts.tcp) {
        server.listen(0, '127.0.0.1', () => {
          const a = server.address() as net.AddressInfo;
          resolve(`127.0.0.1:${a.port}`);
        });
      } else {
        if (!opts.dir) throw new Error('FakeQmpServer needs dir for a Unix socket');
        const p = path.join(opts.dir, `fake-${Math.random().toString(36).slice(2, 8)}.sock`);
        server.listen(p, () => resolve(p));
      }
    });
    self = new FakeQmpServer(server, target);
    return self;
  }

  #onCommand(cmd: FakeCommand, conn: net.Socket): void {
    this.received.push(cmd);
    for (const w of [...this.#waiters]) {
      if (w.name === cmd.execute) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(cmd);
      }
    }
    let reply = this.handler?.(cmd, conn);
    if (reply === undefined) reply = FakeQmpServer.defaultReply(cmd);
    if (reply === null) return;
    const msg = 'id' in cmd ? { ...reply, id: cmd.id } : reply;
    conn.write(JSON.stringify(msg) + '\r\n');
  }

  /** The default behaviour: `qmp_capabilities` and `query-status` succeed, everything else is CommandNotFound. */
  static defaultReply(cmd: FakeCommand): FakeReply {
    switch (cmd.execute) {
      case 'qmp_capabilities':
        return { return: {} };
      case 'query-status':
        return { return: { status: 'running', singlestep: false, running: true } };
      default:
        return { error: { class: 'CommandNotFound', desc: `The command ${cmd.execute} has not been found` } };
    }
  }

  /** The most recent client connection. */
  get conn(): net.Socket {
    const c = this.connections.at(-1);
    if (!c) throw new Error('no connection yet');
    return c;
  }

  /** Resolves when the next command with this name arrives (register before triggering it). */
  waitForCommand(name: string): Promise<FakeCommand> {
    return new Promise((resolve) => this.#waiters.push({ name, resolve }));
  }

  /** Writes raw text to the latest connection. */
  sendRaw(text: string): void {
    this.conn.write(text);
  }

  /** Sends an event line to the latest connection. */
  sendEvent(name: string, data?: Record<string, unknown>, timestamp = { seconds: 1_700_000_000, microseconds: 123_456 }): void {
    const msg: Record<string, unknown> = { timestamp, event: name };
    if (data) msg.data = data;
    this.conn.write(JSON.stringify(msg) + '\r\n');
  }

  /** Closes the server and destroys every connection. */
  async close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
