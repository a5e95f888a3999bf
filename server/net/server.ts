/**
 * The network front of tierkv: TCP (and optionally Unix socket) listeners speaking RESP, one `Client` per
 * connection, all replies of one socket read batched into one write, and the cron timer.
 *
 * Flow of a read: the bytes, read into the shared buffer (shared-read.ts), go to the client's RequestParser
 * (zero-copy), every complete command is executed by ServerCore with the shared ReplyWriter, the batch is flushed
 * with one socket write — a small batch at the end of the event-loop turn, with the other clients' (DEFER_MAX,
 * flushDeferred) — and the parser copies what it still needs before the next read. A protocol error gets
 * Redis's `-ERR Protocol error: ...`, then the connection stops being read and is closed once the error is
 * written (Redis: CLIENT_CLOSE_AFTER_REPLY), as are QUIT and a query buffer over its limit.
 *
 * Output is bounded per client (issue 11): before each command, a client whose unsent output (the batch so far plus
 * what the socket still holds, less arena values sent by reference, which cost no memory of their own while the
 * keyspace holds them: reply-helpers.ts) has reached OUTPUT_HIGH_WATER stops being served; the rest of its pipeline waits in
 * its query buffer and its socket is paused until the socket drains. So one read of thousands of pipelined GETs
 * cannot build gigabytes of replies, and a client that never reads costs at most about OUTPUT_HIGH_WATER plus one
 * reply. `client-output-buffer-limit` (Redis's disconnect limits) is checked after every command, too.
 */
import net from 'node:net';
import fs from 'node:fs';
import { Client } from '../core/client.js';
import { bindAddresses, Config, loadFromArgs } from '../config/config.js';
import type { ParserLimits } from '../../protocol/request-parser.js';
import type { ReplyWriter } from '../../protocol/reply-writer.js';
import { createLogger, pinoLevel, type Logger } from '../core/log.js';
import { ServerCore } from '../core/server-core.js';
import { HttpFront } from './http/server.js';
import { noteReleased } from '../memory/gc.js';
import { HTTP_PORT_AUTO, HTTP_PORT_AUTO_OFFSET } from '../config/params.js';
import { outputLimitReached } from '../pubsub/pubsub.js';
import { adopt } from './shared-read.js';

/** Stop serving (and reading from) a client whose unsent output reaches this many bytes. */
export const OUTPUT_HIGH_WATER = 64 * 1024 * 1024;
/** A connection closing after its last reply is destroyed if the peer has not taken that reply within this, ms. */
const CLOSE_AFTER_REPLY_TIMEOUT_MS = 10_000;
/** How long a connection closed after its last reply lingers, not read, before it is destroyed, ms. */
const CLOSE_LINGER_MS = 500;
/**
 * A client's batch of replies of at most this many bytes is not written at once but at the end of the event-loop
 * turn, after every socket read of the turn was processed (flushDeferred), as Redis writes replies in beforeSleep
 * (networking.c handleClientsWithPendingWrites). The writes are as many, but they leave together: a load generator
 * on the other core is woken once per turn instead of once per write. Measured at -P 16 with 50 clients
 * (redis-benchmark LPUSH): the kernel's wake-up of the reader (sock_def_readable) was 10.5 % of the server's CPU,
 * redis-server's 4.6 %. Larger batches (and batches sent by reference) are written at once, as before.
 */
const DEFER_MAX = 16 * 1024;
/**
 * At most this many bytes of deferred batches wait at once: more, and they are written then (flushDeferred), so that
 * the writer's pool, which cannot start over while they wait, is not outgrown (REPLY_POOL_SIZE, 256 KiB): a turn of
 * 50 LRANGE replies of 10 KB each otherwise took fresh pools from the reply memory every turn (page faults: LRANGE
 * 0 99 at -P 1 ran at half the speed).
 */
const DEFER_TOTAL_MAX = 64 * 1024;

/** A running tierkv server. */
export class TierkvServer {
  readonly core: ServerCore;
  private readonly listeners: net.Server[] = [];
  private cronTimer: NodeJS.Timeout | null = null;
  private readonly limits: ParserLimits;
  private closed = false;
  /** Port the TCP listeners are bound to. */
  port = 0;
  /** First bound address. */
  host = '127.0.0.1';
  /** The HTTP listener (/metrics, /healthz, /v1/keys), or null when `http-port` is 0. */
  http: HttpFront | null = null;
  /** Port the HTTP listener is bound to (0: disabled). */
  httpPort = 0;
  /**
   * Clients whose batch of replies waits for the end of the event-loop turn, and those batches (pool views of the
   * shared writer), in the order they were encoded (flushDeferred).
   */
  private readonly deferredClients: Client[] = [];
  private readonly deferredViews: Buffer[] = [];
  /** A flushAtTurnEnd is scheduled (setImmediate). */
  private deferredScheduled = false;
  private readonly flushAtTurnEnd = (): void => {
    this.deferredScheduled = false;
    this.flushDeferred();
  };
  /** Bytes of `deferredViews`. */
  private deferredBytes = 0;
  /** Called once the server has closed after SHUTDOWN (the bin exits the process there). */
  onShutdown: () => void = () => {};

  constructor(
    readonly config: Config,
    readonly log: Logger,
  ) {
    this.core = new ServerCore(config, log);
    this.limits = { maxBulkLen: config.protoMaxBulkLen, maxQueryBuffer: config.clientQueryBufferLimit };
    this.core.closeClient = (c) => this.destroyClient(c);
    this.core.resumeClient = (c, reply) => {
      if (c.closing || c.socket === null) return;
      this.processInput(c, reply);
    };
    this.core.requestShutdown = () => {
      void this.close().then(() => this.onShutdown());
    };
    config.onChange(['proto-max-bulk-len', 'client-query-buffer-limit'], () => {
      this.limits.maxBulkLen = config.protoMaxBulkLen;
      this.limits.maxQueryBuffer = config.clientQueryBufferLimit;
      return null;
    });
    config.onChange('hz', () => {
      this.startCron();
      return null;
    });
    config.onChange('loglevel', () => {
      this.log.level = pinoLevel(config.loglevel);
      return null;
    });
    config.onChange('lfu-log-factor', () => {
      this.core.ks.lfuLogFactor = config.lfuLogFactor;
      return null;
    });
  }

  /**
   * Binds every address of `bind` (a leading '-' makes an address optional, '*' means all IPv4 addresses) on
   * `port` (0 picks a free port, shared by all addresses), and `unixsocket` when set; then the HTTP listener at
   * the same addresses on `http-port`:
   * - `auto` (the default): `port` + 1000 (6379 -> 7379), so that a second instance started with only `--port`
   *   gets its own; with `port 0`, or above 65535, there is no HTTP listener. If that port cannot be bound, a
   *   warning is logged and the server runs without HTTP (the RESP listeners stay up).
   * - N > 0: exactly that port; failing to bind it is fatal, as for `port`.
   * - 0: no HTTP listener.
   * The port in use (0: none) is then recorded in the config (`CONFIG GET http-port`, `config.httpPort`).
   * @throws Error when a mandatory address cannot be bound (the listeners already bound are closed first when the
   *   explicit HTTP port is the one that fails)
   */
  async listen(): Promise<void> {
    let port = this.config.port;
    for (const { host, optional } of bindAddresses(this.config)) {
      try {
        const srv = await this.listenOne({ host, port });
        const addr = srv.address() as net.AddressInfo;
        if (port === 0) port = addr.port;
        if (this.listeners.length === 0) this.host = host;
        this.listeners.push(srv);
      } catch (e) {
        if (!optional) throw e;
        this.log.warn({ err: e, host }, 'optional bind address not available');
      }
    }
    if (this.config.unixsocket !== '') {
      try {
        fs.unlinkSync(this.config.unixsocket);
      } catch {
        // not there
      }
      this.listeners.push(await this.listenOne({ path: this.config.unixsocket }));
      if (this.config.unixsocketperm !== 0) fs.chmodSync(this.config.unixsocket, this.config.unixsocketperm);
    }
    this.port = port;
    this.core.tcpPort = port;
    const auto = this.config.httpPort === HTTP_PORT_AUTO;
    let httpPort = this.config.httpPort;
    if (auto) {
      httpPort = this.config.port === 0 ? 0 : this.config.port + HTTP_PORT_AUTO_OFFSET;
      if (httpPort > 65535) {
        this.log.warn({ port: this.config.port }, `no HTTP listener: http-port auto would be ${httpPort} (port + ${HTTP_PORT_AUTO_OFFSET}), above 65535`);
        httpPort = 0;
      }
    }
    if (httpPort !== 0) {
      const front = new HttpFront(this.core, this.config, this.log);
      try {
        await front.listen(httpPort);
        if (front.port !== 0) {
          this.http = front;
          this.httpPort = front.port;
        }
      } catch (e) {
        if (!auto) {
          await this.close();
          throw e;
        }
        this.log.warn(
          { err: e, httpPort },
          `no HTTP listener: http-port auto (port + ${HTTP_PORT_AUTO_OFFSET} = ${httpPort}) cannot be bound; give --http-port N to choose one or 0 to disable it`,
        );
      }
    }
    this.config.resolve('http-port', String(this.httpPort));
    this.startCron();
  }

  private listenOne(opts: net.ListenOptions): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      // Paused on connect: onConnection moves the socket onto the shared read buffer (shared-read.ts) first.
      const srv = net.createServer({ noDelay: true, pauseOnConnect: true }, (sock) => this.onConnection(sock));
      srv.once('error', reject);
      srv.listen({ ...opts, backlog: this.config.tcpBacklog }, () => {
        srv.off('error', reject);
        srv.on('error', (e) => this.log.error({ err: e }, 'listener error'));
        resolve(srv);
      });
    });
  }

  private startCron(): void {
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    this.cronTimer = setInterval(() => this.core.cron(), Math.max(2, Math.floor(1000 / this.config.hz)));
  }

  private onConnection(accepted: net.Socket): void {
    const core = this.core;
    core.stats.totalConnectionsReceived++;
    if (core.clients.size >= this.config.maxclients || this.closed) {
      core.stats.rejectedConnections++;
      // The socket is not read (paused on connect): close it once the error is written, as Redis does.
      accepted.end('-ERR max number of clients reached\r\n', () => accepted.destroy());
      return;
    }
    let client: Client | null = null;
    // Each read lands in the shared buffer; the parser copies what it keeps before the next read reuses it.
    const adopted = adopt(accepted, (buf, n) => {
      if (client === null) return;
      this.onData(client, buf, n);
      client.parser.detach();
    });
    const sock = adopted ?? accepted;
    if (this.config.tcpKeepalive > 0) sock.setKeepAlive(true, this.config.tcpKeepalive * 1000);
    const c = new Client(core.newClientId(), sock, this.limits, this.config.requirepass !== '', Date.now());
    client = c;
    core.clients.set(c.id, c);
    if (adopted === null) {
      sock.on('data', (chunk: Buffer) => this.onData(c, chunk, chunk.length));
      sock.resume();
    }
    // The peer half-closed: Node ends the socket after this event, so the replies to its last commands go first.
    sock.prependListener('end', () => {
      if (c.deferred) this.flushDeferred();
    });
    sock.on('drain', () => {
      if (c.paused) {
        c.paused = false;
        sock.resume();
        // Commands left in the query buffer when the output limit stopped the batch.
        if (!c.blocked && !c.closing) this.processInput(c, null);
      }
    });
    sock.on('close', () => {
      // The unsent replies become garbage: let the cron collect them (gc.ts). (The socket's writableLength reads 0
      // once it is destroyed: use what was unsent after the last flush.) The parser reports its own buffer below.
      noteReleased(c.unsentAfterFlush);
      c.closing = true;
      // Give back a half-received big argument at once (the parser reports its buffer to gc.ts).
      c.parser.reset();
      core.multi.unwatchAll(c);
      core.blocking.removeClient(c); // blocked on keys: leave every queue
      core.pubsub.removeClient(c); // pub/sub: leave every channel and pattern
      core.monitors.remove(c);
      core.clients.delete(c.id);
    });
    sock.on('error', () => {
      // ECONNRESET and the like: 'close' follows.
    });
  }

  /** Takes the bytes of one read, chunk[0, n), and runs what they complete. */
  private onData(c: Client, chunk: Buffer, n: number): void {
    if (c.closing) return;
    const st = this.core.stats;
    st.totalNetInputBytes += n;
    st.totalReadsProcessed++;
    // As Redis (readQueryFromClient), any read counts as interaction: a client sending a command slowly is not idle.
    c.lastInteraction = Date.now();
    c.parser.feed(chunk, n);
    if (!c.blocked) this.processInput(c, null);
  }

  /**
   * Executes every complete command buffered for `c` (until the client blocks), then flushes the replies with one
   * write. `first`, when given, writes a deferred reply at the head of the batch (the reply of the command the
   * client was blocked on).
   */
  private processInput(c: Client, first: ((w: ReplyWriter) => void) | null): void {
    const core = this.core;
    const st = core.stats;
    const p = c.parser;
    const w = core.writer;
    w.proto = c.proto;
    w.begin();
    core.pubsub.batchClient = c; // pub/sub messages for `c` go into this batch (pubsub/pubsub.ts)
    core.monitors.setBatch(c); // and MONITOR lines (core/monitor.ts)
    if (first !== null) first(w);
    const sock = c.socket as net.Socket;
    // What the socket still holds does not change during the batch (nothing is written to it before flushTo): read
    // once, not per command (a stream getter).
    const unsent = c.outputMemory();
    let full = false;
    let ran = first !== null;
    core.beginPipeline();
    while (!c.blocked) {
      if (w.memorySize() + unsent >= OUTPUT_HIGH_WATER) {
        full = true;
        break;
      }
      const r = p.next();
      if (r === 0) break;
      if (r < 0) {
        if (p.errorNeedsReply()) {
          w.errorLatin1('ERR ' + p.error);
          core.countError('ERR');
        } else {
          this.log.info({ client: c.addr }, 'closing client that reached max query buffer length');
        }
        c.closeAfterReply = true;
        break;
      }
      core.execute(c, p);
      ran = true;
      if (c.closeAfterReply) break;
      if (this.overOutputLimit(c, unsent + w.memorySize())) {
        core.endPipeline();
        w.begin(); // the client is gone: drop its replies (and unpin what they referenced)
        core.pubsub.batchClient = null;
        core.monitors.setBatch(null);
        return;
      }
    }
    core.endPipeline();
    // A reply counts as interaction, as a read does (onData; Redis: readQueryFromClient and writeToClient); once per
    // batch, at the wall-clock ms of its last command (a number field store allocates: not per command).
    if (ran && core.ks.now > c.lastInteraction) c.lastInteraction = core.ks.now;
    let n: number;
    // A small batch waits for the end of the event-loop turn (flushDeferred), unless something else may write to
    // this socket meanwhile (pub/sub messages, MONITOR lines) or the socket is still sending: see DEFER_MAX.
    const view = c.closeAfterReply || full || unsent !== 0 || c.pubsub !== null || c.monitor ? null : w.detach(DEFER_MAX);
    if (view !== null) {
      n = view.length;
      if (n > 0) this.defer(c, view);
    } else {
      if (c.deferred) this.flushDeferred(); // its earlier batches of this turn go first
      n = w.flushTo(sock, c);
    }
    core.pubsub.batchClient = null;
    core.monitors.setBatch(null);
    c.unsentAfterFlush = sock.writableLength;
    if (n > 0) {
      st.totalNetOutputBytes += n;
      st.totalWritesProcessed++;
    }
    if (c.closeAfterReply) {
      this.closeAfterReply(c, sock);
      return;
    }
    if (this.overOutputLimit(c, c.outputMemory())) return;
    if (full || c.outputMemory() >= OUTPUT_HIGH_WATER) {
      if (sock.writableLength > 0) {
        // 'drain' resumes reading and runs what is left in the query buffer.
        c.paused = true;
        sock.pause();
      } else {
        setImmediate(() => {
          if (!c.closing && !c.blocked) this.processInput(c, null);
        });
      }
    }
  }

  /**
   * Stops reading from the client and closes the connection once its pending replies are written (FIN after the
   * last byte), then destroys it CLOSE_LINGER_MS later — or at once if the peer has not taken the replies within
   * CLOSE_AFTER_REPLY_TIMEOUT_MS. Whatever the peer sends afterwards is never read (Redis frees such a client after
   * the write: no half-open connection that keeps reading, e.g. after a protocol error). The short linger, without
   * reading, lets a client that keeps writing (Redis's "Protocol desync regression" tests) read the error before
   * the reset that closing a socket with unread input sends: a Node.js client, for one, stops reading once a write
   * fails.
   */
  private closeAfterReply(c: Client, sock: net.Socket): void {
    c.closing = true;
    sock.pause();
    sock.removeAllListeners('data');
    this.core.pubsub.removeClient(c);
    this.core.monitors.remove(c);
    this.core.clients.delete(c.id);
    const timer = setTimeout(() => sock.destroy(), CLOSE_AFTER_REPLY_TIMEOUT_MS);
    timer.unref();
    sock.end(() => {
      clearTimeout(timer);
      setTimeout(() => sock.destroy(), CLOSE_LINGER_MS).unref();
    });
  }

  /**
   * `client-output-buffer-limit normal <hard> <soft> <seconds>` with Redis's semantics (networking.c
   * checkClientOutputBufferLimits): a client whose unsent output reaches the hard limit, or stays at or above the
   * soft limit for more than `seconds`, is disconnected at once, its pending output dropped. What counts is the
   * memory of the unsent output (Redis: its reply list), client.ts `outputMemory`, plus the memory of the replies
   * encoded but not flushed yet: `used`, bytes; arena values sent by reference are the keyspace's memory and do not
   * count. Checked after every command and after each flush.
   * @returns true when the client was disconnected
   */
  private overOutputLimit(c: Client, used: number): boolean {
    // The class is the client's: pubsub while it has subscriptions, else normal (pubsub/pubsub.ts).
    if (!outputLimitReached(c, used, this.config.clientOutputBufferLimit)) return false;
    this.log.warn({ client: c.addr, pendingBytes: used }, 'closing client for overcoming of output buffer limits');
    this.destroyClient(c);
    return true;
  }

  /** Queues `view`, a batch of `c`'s replies taken out of the writer, for flushDeferred. */
  private defer(c: Client, view: Buffer): void {
    if (!this.deferredScheduled) {
      this.deferredScheduled = true;
      setImmediate(this.flushAtTurnEnd);
    }
    this.deferredClients.push(c);
    this.deferredViews.push(view);
    c.deferred = true;
    this.deferredBytes += view.length;
    if (this.deferredBytes >= DEFER_TOTAL_MAX) this.flushDeferred();
  }

  /**
   * Writes the batches deferred during this event-loop turn, in order, one write each, then lets the writer reuse
   * their pool bytes. Runs in the turn's check phase (setImmediate), after every socket read of the turn was
   * processed, and earlier whenever a write must not overtake them: a client with a deferred batch writing a batch
   * at once, its socket's end (the peer half-closed after its last command), the server's close.
   */
  private flushDeferred(): void {
    const cs = this.deferredClients;
    const vs = this.deferredViews;
    if (cs.length === 0) return;
    let drained = true;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      const view = vs[i]!;
      c.deferred = false;
      const sock = c.socket;
      if (sock === null || sock.destroyed || c.closing) continue;
      sock.write(view);
      const unsent = sock.writableLength;
      c.unsentAfterFlush = unsent;
      if (unsent !== 0) {
        drained = false;
        this.overOutputLimit(c, c.outputMemory());
      }
    }
    cs.length = 0;
    vs.length = 0;
    this.deferredBytes = 0;
    this.core.writer.released(drained);
  }

  private destroyClient(c: Client): void {
    c.closing = true;
    this.core.blocking.removeClient(c);
    this.core.pubsub.removeClient(c);
    this.core.monitors.remove(c);
    c.socket?.destroy();
    this.core.clients.delete(c.id);
  }

  /** Stops listening, closes every client and the cron. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flushDeferred();
    this.core.shuttingDown = true;
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    this.core.pause.close();
    this.core.blocking.close();
    for (const c of [...this.core.clients.values()]) this.destroyClient(c);
    await Promise.all([
      ...this.listeners.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      this.http?.close(),
      this.core.migration.close(),
    ]);
    if (this.config.unixsocket !== '') {
      try {
        fs.unlinkSync(this.config.unixsocket);
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Starts a server in this process with the given parameters (Redis names, e.g. `{ port: '0', maxmemory: '64mb' }`;
 * port '0' picks a free port). Used by tests and benchmarks; the bin uses the same path. Unlike the bin, the HTTP
 * listener is off unless `http-port` is given (with `port 0` the automatic HTTP port would be off anyway).
 * @throws ConfigError for invalid parameters; Error when the port cannot be bound
 */
export async function startServer(params: Record<string, string> = {}): Promise<TierkvServer> {
  const argv: string[] = [];
  for (const [k, v] of Object.entries({ loglevel: 'warning', 'http-port': '0', ...params })) argv.push(`--${k}`, v);
  const { config } = loadFromArgs(argv);
  const srv = new TierkvServer(config, createLogger(config.loglevel, config.logfile));
  await srv.listen();
  return srv;
}
