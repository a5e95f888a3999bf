/**
 * The fuzzer's connections: pipelines written in pieces split at given byte offsets (so that the server sees
 * frames cut anywhere: inside a `*N` header, a `$len` line, a bulk payload or its CRLF), and raw replies framed
 * one by one (RESP2 and RESP3) with test/support/resp.ts, together with whether the server closed the connection.
 */
import net from 'node:net';
import { encodeCommand, frameReply } from '../support/resp.js';
import type { Cmd } from './gen.js';

/** Raised when the server does not answer in time; `received` holds the bytes seen since the last full reply. */
export class WireTimeout extends Error {
  constructor(
    message: string,
    readonly received: Buffer,
  ) {
    super(message);
    this.name = 'WireTimeout';
  }
}

/** What a batch read returns: the raw replies, and whether the connection was closed after them. */
export interface BatchResult {
  replies: Buffer[];
  closed: boolean;
}

/** One connection to a server. */
export class Conn {
  /** Received bytes not yet returned, as received (joined only when framing can make progress: replies of many MiB). */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The buffer must hold this many bytes before framing can make progress (frameReply's `need`). */
  private need = 1;
  private ended = false;
  private wake: (() => void) | null = null;

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.buffered += d.length;
      if (this.buffered >= this.need) this.wake?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
    socket.on('error', () => {
      // ECONNRESET after a protocol error and the like: 'close' follows.
    });
  }

  /**
   * Connects to host:port.
   * @throws Error when the connection fails or takes more than `timeoutMs`
   */
  static open(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(new Conn(s));
      });
    });
  }

  /** True once the server (or we) closed the connection. */
  get closed(): boolean {
    return this.ended;
  }

  /**
   * Writes `bytes` in pieces cut at the (sorted, in-range) `splits` offsets, yielding to the event loop between
   * pieces so that each piece tends to arrive as a read of its own.
   */
  async write(bytes: Buffer, splits: readonly number[]): Promise<void> {
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
   * the close (at most `timeoutMs`) instead of failing.
   * @throws WireTimeout when neither `n` replies nor the close arrive within `timeoutMs`
   */
  async read(n: number, timeoutMs: number, expectClose = false): Promise<BatchResult> {
    this.socket.resume();
    const replies: Buffer[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (replies.length < n && this.buffered >= this.need) {
        const buf = this.joined();
        const f = frameReply(buf, 0);
        if (!f.complete) {
          this.need = f.need;
          break;
        }
        replies.push(Buffer.from(buf.subarray(0, f.end)));
        const rest = buf.subarray(f.end);
        this.chunks = rest.length > 0 ? [rest] : [];
        this.buffered = rest.length;
        this.need = 1;
      }
      if (replies.length >= n && !expectClose) return { replies, closed: false };
      if (this.ended) return { replies, closed: true };
      const left = deadline - Date.now();
      if (left <= 0) {
        if (replies.length >= n && expectClose) return { replies, closed: false };
        throw new WireTimeout(`timed out after ${timeoutMs} ms with ${replies.length} of ${n} replies`, Buffer.from(this.joined()));
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          this.wake = null;
          resolve();
        };
      });
    }
  }

  /**
   * Stops reading from the socket until the next {@link read}: the server's replies then stay unsent, in the
   * kernel's buffers and the server's own, as for a client that does not read its replies.
   */
  pause(): void {
    this.socket.pause();
  }

  /** Bytes received that are not part of a read reply. */
  pending(): Buffer {
    return this.joined();
  }

  /** The received bytes as one buffer. */
  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /** Sends one command and returns its raw reply. @throws Error when the connection closes first */
  async call(...args: (string | Buffer)[]): Promise<Buffer> {
    this.socket.write(encodeCommand(args));
    const r = await this.read(1, 15_000);
    if (r.replies.length === 0) throw new Error(`connection closed while waiting for the reply of ${String(args[0])}`);
    return r.replies[0]!;
  }

  /** Closes the connection at once. */
  destroy(): void {
    this.ended = true;
    this.socket.destroy();
  }
}

/** Encodes commands as RESP multibulk, or as inline lines (arguments quoted with escapes where needed). */
export function encodeCmds(cmds: readonly Cmd[], inline: boolean): Buffer {
  if (!inline) return Buffer.concat(cmds.map((c) => encodeCommand(c)));
  return Buffer.from(cmds.map((c) => c.map(inlineArg).join(' ') + '\r\n').join(''), 'latin1');
}

/** One inline argument: bare when plain, else double-quoted with \xNN escapes (Redis sdssplitargs syntax). */
function inlineArg(a: Buffer): string {
  let plain = a.length > 0;
  for (const c of a) if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x27 || c === 0x5c) plain = false;
  if (plain) return a.toString('latin1');
  let s = '"';
  for (const c of a) {
    if (c >= 0x21 && c < 0x7f && c !== 0x22 && c !== 0x5c) s += String.fromCharCode(c);
    else if (c === 0x20) s += ' ';
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s + '"';
}
