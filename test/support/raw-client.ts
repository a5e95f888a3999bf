/**
 * A raw RESP client over a plain net.Socket, for tests that must see the exact bytes a server sends: it frames
 * replies (RESP2 and RESP3, see resp.ts) but never interprets them, never sends anything on its own (no HELLO,
 * no AUTH), and lets a test send arbitrary bytes (inline commands, malformed requests, pipelines).
 *
 * Typical use:
 *   const c = await RawClient.connect(port);
 *   expect(await c.command('SET', 'k', Buffer.from([0, 0xff]))).toEqual(Buffer.from('+OK\r\n'));
 *   expect(await c.call('GET', 'k', )).toBe(...);          // decoded
 *   c.send('*1\r\n$x\r\n'); await c.readReply(); await c.readClosed();
 *   await c.close();
 */
import net from 'node:net';
import { LOOPBACK } from './ports.js';
import {
  type Arg,
  type DecodeOptions,
  type RespValue,
  decodeReply,
  encodeCommand,
  frameReply,
  showBytes,
} from './resp.js';

export {
  type Arg,
  type RespValue,
  RespError,
  RespVerbatim,
  RespPush,
  RespAttributed,
  decodeReply,
  encodeCommand,
  frameReply,
  showBytes,
  showCommand,
  splitReplies,
} from './resp.js';

/** Default time a read waits for a reply or for the connection to close, in milliseconds. */
export const DEFAULT_READ_TIMEOUT_MS = 10_000;

/** Thrown by reads that time out; `received` holds the bytes buffered so far (a partial reply, if any). */
export class RawClientTimeoutError extends Error {
  constructor(
    message: string,
    readonly received: Buffer,
  ) {
    super(message);
    this.name = 'RawClientTimeoutError';
  }
}

/** Thrown by readReply when the connection closes before a full reply arrived. */
export class RawClientClosedError extends Error {
  constructor(
    message: string,
    readonly received: Buffer,
  ) {
    super(message);
    this.name = 'RawClientClosedError';
  }
}

interface Waiter {
  kind: 'reply' | 'closed';
  resolve: (value: Buffer | undefined) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** What {@link RawClient.readBatch} returns: the raw replies, and whether the connection was closed after them. */
export interface BatchResult {
  replies: Buffer[];
  closed: boolean;
}

/** Options for {@link RawClient.connect}. */
export interface RawClientOptions {
  host?: string;
  /** Connection timeout in ms (default 5000). */
  connectTimeoutMs?: number;
  /** Default timeout for readReply/readClosed/command in ms (default {@link DEFAULT_READ_TIMEOUT_MS}). */
  readTimeoutMs?: number;
}

export class RawClient {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Minimum buffered length before framing can make progress (from the framer's `need`). */
  private need = 1;
  private waiters: Waiter[] = [];
  private ended = false;
  private endError: Error | undefined;
  private readonly readTimeoutMs: number;

  private constructor(
    /** The underlying socket, for tests that need half-close, pauses or raw writes. */
    readonly socket: net.Socket,
    options: RawClientOptions,
  ) {
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.pump();
    });
    socket.on('error', (err) => {
      this.endError ??= err;
    });
    socket.on('close', () => {
      this.ended = true;
      this.pump();
    });
  }

  /**
   * Opens a TCP connection to host:port (host defaults to 127.0.0.1).
   * @throws Error if the connection is refused or not established within connectTimeoutMs.
   */
  static connect(port: number, options: RawClientOptions = {}): Promise<RawClient> {
    const host = options.host ?? LOOPBACK;
    const timeoutMs = options.connectTimeoutMs ?? 5000;
    return new Promise<RawClient>((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`RawClient: connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const onError = (err: Error): void => {
        clearTimeout(timer);
        reject(new Error(`RawClient: connect to ${host}:${port} failed: ${err.message}`));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new RawClient(socket, options));
      });
    });
  }

  /** True once the connection has closed (either side). */
  get closed(): boolean {
    return this.ended;
  }

  /** Number of received bytes not yet returned by readReply. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Writes to the socket without waiting for anything.
   * @param data a Buffer or string (sent as raw bytes, UTF-8 for strings: use this for inline commands and
   *   malformed input), or an argument list (encoded as one RESP multibulk command).
   * @returns a promise that resolves when the bytes are handed to the kernel (awaiting it is optional; useful
   *   for huge payloads); rejects if the socket errors during the write.
   */
  send(data: Buffer | string | readonly Arg[]): Promise<void> {
    const bytes = typeof data === 'string' || Buffer.isBuffer(data) ? data : encodeCommand(data);
    return new Promise<void>((resolve, reject) => {
      this.socket.write(bytes, (err) => (err ? reject(err) : resolve()));
    });
  }

  /**
   * Reads the raw bytes of exactly one reply (RESP2 or RESP3, any nesting, including push messages and
   * attribute-annotated replies as one unit). Replies are returned in the order received; several reads may be
   * pending at once.
   * @param timeoutMs how long to wait (default: the client's read timeout).
   * @throws RawClientTimeoutError if no complete reply arrives in time (the partial bytes stay buffered).
   * @throws RawClientClosedError if the connection closes first.
   * @throws RespFramingError if the server sent bytes that are not valid RESP.
   */
  readReply(timeoutMs = this.readTimeoutMs): Promise<Buffer> {
    return this.wait('reply', timeoutMs) as Promise<Buffer>;
  }

  /**
   * Waits until the server closes the connection, having sent nothing more (call readReply first for any reply
   * expected before the close, such as a protocol error).
   * @throws Error if unread bytes are buffered or arrive before the close (message shows them).
   * @throws RawClientTimeoutError if the connection is still open after timeoutMs.
   */
  async readClosed(timeoutMs = this.readTimeoutMs): Promise<void> {
    await this.wait('closed', timeoutMs);
  }

  /**
   * Writes `bytes` in pieces cut at the (sorted, in-range) `splits` offsets, yielding to the event loop between
   * pieces so that each piece tends to arrive as a read of its own (frames cut anywhere: inside a `*N` header, a
   * `$len` line, a payload or its CRLF).
   */
  async writeSplit(bytes: Buffer, splits: readonly number[]): Promise<void> {
    let from = 0;
    for (const at of splits) {
      if (at <= from || at >= bytes.length) continue;
      if (this.ended) return;
      this.socket.write(bytes.subarray(from, at));
      from = at;
      await new Promise((r) => setTimeout(r, 1));
    }
    if (!this.ended && from < bytes.length) this.socket.write(bytes.subarray(from));
  }

  /**
   * Reads `n` replies, or fewer when the server closes the connection first; with `expectClose`, then waits for
   * the close (at most `timeoutMs` in all; bytes after the n-th reply are left unread) instead of failing.
   * Resumes a socket stopped by {@link pause}.
   * @throws RawClientTimeoutError when neither `n` replies nor the close arrive within `timeoutMs`
   */
  async readBatch(n: number, timeoutMs: number, expectClose = false): Promise<BatchResult> {
    this.socket.resume();
    const replies: Buffer[] = [];
    const deadline = Date.now() + timeoutMs;
    while (replies.length < n) {
      try {
        replies.push(Buffer.from(await this.readReply(Math.max(0, deadline - Date.now()))));
      } catch (e) {
        if (e instanceof RawClientClosedError) return { replies, closed: true };
        if (e instanceof RawClientTimeoutError) {
          throw new RawClientTimeoutError(`timed out after ${timeoutMs} ms with ${replies.length} of ${n} replies`, e.received);
        }
        throw e;
      }
    }
    if (!expectClose) return { replies, closed: false };
    if (this.ended) return { replies, closed: true };
    const closed = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => {
        this.socket.off('close', onClose);
        resolve(false);
      }, Math.max(0, deadline - Date.now()));
      const onClose = (): void => {
        clearTimeout(t);
        resolve(true);
      };
      this.socket.once('close', onClose);
    });
    return { replies, closed };
  }

  /**
   * Stops reading from the socket until the next {@link readBatch}: the server's replies then stay unsent, in the
   * kernel's buffers and the server's own, as for a client that does not read its replies.
   */
  pause(): void {
    this.socket.pause();
  }

  /** Received bytes not yet returned as a reply. */
  pending(): Buffer {
    return Buffer.from(this.peek());
  }

  /** Sends one command (RESP multibulk) and reads its raw reply. */
  async command(...args: Arg[]): Promise<Buffer> {
    const reply = this.readReply();
    this.send(args).catch(() => {
      /* surfaces as a closed/timeout error from readReply */
    });
    return reply;
  }

  /** Sends one command and returns its decoded reply (see decodeReply; error replies are returned as RespError). */
  async call(...args: Arg[]): Promise<RespValue> {
    return decodeReply(await this.command(...args));
  }

  /** Like {@link call} with decoding options, e.g. `{ buffers: true }` for binary values. */
  async callWith(options: DecodeOptions, ...args: Arg[]): Promise<RespValue> {
    return decodeReply(await this.command(...args), options);
  }

  /**
   * Sends all commands in one write (a pipeline) and reads one reply per command.
   * @returns raw replies, in command order.
   */
  async pipeline(commands: readonly (readonly Arg[])[], timeoutMs = this.readTimeoutMs): Promise<Buffer[]> {
    const reads = commands.map(() => this.readReply(timeoutMs));
    this.send(Buffer.concat(commands.map((c) => encodeCommand(c)))).catch(() => {});
    return Promise.all(reads);
  }

  /** Half-closes (FIN) and waits for the socket to close; resolves at once if already closed. */
  close(): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), 2000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
  }

  /** Destroys the socket at once (RST if data is unread). */
  destroy(): void {
    this.socket.destroy();
  }

  private wait(kind: Waiter['kind'], timeoutMs: number): Promise<Buffer | undefined> {
    return new Promise<Buffer | undefined>((resolve, reject) => {
      const waiter: Waiter = {
        kind,
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          const received = this.peek();
          const what = kind === 'reply' ? 'a reply' : 'the connection to close';
          reject(
            new RawClientTimeoutError(
              `RawClient: timed out after ${timeoutMs} ms waiting for ${what}; buffered: ${showBytes(received)}`,
              received,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.push(waiter);
      this.pump();
    });
  }

  private peek(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /** Serves waiters in order from the buffered bytes and the connection state. */
  private pump(): void {
    while (this.waiters.length > 0) {
      const waiter = this.waiters[0]!;
      if (waiter.kind === 'reply') {
        if (this.buffered >= this.need && this.buffered > 0) {
          const buf = this.peek();
          let framed;
          try {
            framed = frameReply(buf, 0);
          } catch (err) {
            this.settle(waiter, undefined, err as Error);
            continue;
          }
          if (framed.complete) {
            const reply = buf.subarray(0, framed.end);
            const rest = buf.subarray(framed.end);
            this.chunks = rest.length > 0 ? [rest] : [];
            this.buffered = rest.length;
            this.need = 1;
            this.settle(waiter, reply);
            continue;
          }
          this.need = framed.need;
        }
        if (this.ended) {
          const received = this.peek();
          const why = this.endError ? ` (${this.endError.message})` : '';
          this.settle(
            waiter,
            undefined,
            new RawClientClosedError(
              `RawClient: connection closed${why} before a complete reply; buffered: ${showBytes(received)}`,
              received,
            ),
          );
          continue;
        }
        return;
      }
      // kind === 'closed'
      if (this.buffered > 0) {
        this.settle(
          waiter,
          undefined,
          new Error(`RawClient: expected the connection to close, but got data: ${showBytes(this.peek())}`),
        );
        continue;
      }
      if (this.ended) {
        this.settle(waiter, undefined);
        continue;
      }
      return;
    }
  }

  private settle(waiter: Waiter, value: Buffer | undefined, err?: Error): void {
    this.waiters.shift();
    clearTimeout(waiter.timer);
    if (err) waiter.reject(err);
    else waiter.resolve(value);
  }
}

/** Connects, runs `fn`, and always closes the client. */
export async function withRawClient<T>(
  port: number,
  fn: (client: RawClient) => Promise<T>,
  options: RawClientOptions = {},
): Promise<T> {
  const client = await RawClient.connect(port, options);
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}
