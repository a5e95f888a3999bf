/**
 * The bridge from HTTP requests to the command core: the HTTP handlers run the very commands a RESP client
 * would (GET, SET ... EX, DEL, MIGRATE_PREPARE) through `ServerCore.execute` with an in-process pseudo client, and
 * decode the RESP2 reply the shared ReplyWriter produced.
 *
 * Why through `execute` rather than the keyspace API: one code path for both fronts. HTTP requests get exactly
 * the RESP semantics (lazy expiry, SET's expire validation and error texts, maxmemory eviction and -OOM, the slice
 * of tier work after the command, enable-migrate-command) and are counted in INFO commandstats / total_commands_
 * processed like any command. The price is small and constant: the arguments are written into a reused scratch
 * buffer (no allocation per request), and the reply is read in place from the writer's pool (a value is a view,
 * not a copy). Everything from building the arguments to decoding the reply runs synchronously, so the
 * single-threaded core never sees an `await` in the middle of a keyspace operation.
 */
import type { Socket } from 'node:net';
import type { ReplySink, ReplyWriter } from '../../../protocol/reply-writer.js';
import { Client } from '../../core/client.js';
import type { Argv } from '../../../protocol/argv.js';
import type { ServerCore } from '../../core/server-core.js';
import { noteReleased } from '../../memory/gc.js';

/** A decoded RESP2 reply. Bulk values are views of the writer's pool (valid as long as they are referenced). */
export type RespReply =
  | { type: 'simple'; text: string }
  | { type: 'error'; text: string }
  | { type: 'integer'; value: number }
  | {
      type: 'bulk';
      value: Buffer;
      /**
       * Set when `value` is a view of an arena extent pinned for this reply (reply-helpers.ts replyCurrentValue):
       * call it once the bytes were sent (or the response abandoned), so that the keyspace may write the item in
       * place again. Until then the bytes cannot change.
       */
      sent?: () => void;
    }
  | { type: 'null' }
  | { type: 'array'; items: RespReply[] };

/** Most arguments a call built here has (SET key value EX seconds). */
const MAX_ARGS = 8;
/** The scratch buffer starts at this size, and is given back when a call made it larger than SCRATCH_KEEP. */
const SCRATCH_INITIAL = 16 * 1024;
const SCRATCH_KEEP = 1024 * 1024;

/**
 * Collects the buffers a ReplyWriter batch is flushed as (usually one view of its pool), and the write callbacks
 * of the values sent by reference: those unpin the value's extent, and must run only once the HTTP response has
 * sent the bytes (see {@link RespReply} `sent`).
 */
class CaptureSink implements ReplySink {
  segs: Buffer[] = [];
  callbacks: (() => void)[] = [];
  write(b: Buffer, cb?: () => void): boolean {
    this.segs.push(b);
    if (cb !== undefined) this.callbacks.push(cb);
    return true;
  }
}

/** Value of an ASCII hex digit, or -1. */
function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  c |= 0x20;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/**
 * Builds argument vectors in a reused buffer and runs them on the core. One per HTTP front; not reentrant (every
 * call is synchronous from `begin` to the decoded reply, so none can interleave on the single thread).
 */
export class CoreCaller {
  private buf: Buffer = Buffer.allocUnsafe(SCRATCH_INITIAL);
  private pos = 0;
  /** The reused scratch buffer, when `buf` is a request body's buffer (see `beginIn`); null otherwise. */
  private scratch: Buffer | null = null;
  /** While building in a body's buffer: where the body starts (arguments must end before it); -1 otherwise. */
  private bodyStart = -1;
  private bodyLen = 0;
  private readonly argv: Argv;
  /** The pseudo client of key operations: authenticated (the HTTP layer checks the password), local. */
  private readonly client: Client;
  private readonly sink = new CaptureSink();
  /** Blocked pseudo clients (MIGRATE_PREPARE) waiting for their deferred reply. */
  private readonly pending = new Map<Client, (r: RespReply) => void>();
  private readonly prevResume: ServerCore['resumeClient'];
  private readonly resume: ServerCore['resumeClient'];

  /**
   * Installs a wrapper around `core.resumeClient` that routes the deferred replies of this caller's blocked pseudo
   * clients here and passes every other client on to the network layer's hook; `dispose()` removes it.
   */
  constructor(private readonly core: ServerCore) {
    this.argv = { argc: 0, buf: this.buf, argOff: new Int32Array(MAX_ARGS), argLen: new Int32Array(MAX_ARGS) };
    this.client = this.newClient(null);
    this.prevResume = core.resumeClient;
    this.resume = (c, reply) => {
      const done = this.pending.get(c);
      if (done === undefined) {
        this.prevResume(c, reply);
        return;
      }
      this.pending.delete(c);
      const w = this.core.writer;
      w.proto = 2;
      w.begin();
      reply(w);
      done(this.flushAndDecode(w));
    };
    core.resumeClient = this.resume;
  }

  /** Restores `core.resumeClient`; replies still pending are dropped. */
  dispose(): void {
    if (this.core.resumeClient === this.resume) this.core.resumeClient = this.prevResume;
    this.pending.clear();
  }

  /** A pseudo client; with the HTTP request's socket, its address and locality are the HTTP peer's. */
  private newClient(socket: Socket | null): Client {
    const limits = { maxBulkLen: this.core.config.protoMaxBulkLen, maxQueryBuffer: this.core.config.clientQueryBufferLimit };
    const c = new Client(this.core.newClientId(), socket, limits, false, Date.now());
    c.canWait = false; // an HTTP request does not wait for CLIENT PAUSE: -PAUSED, 503
    return c;
  }

  /** Starts a new argument vector whose first argument is the command name (ASCII). */
  begin(name: string): this {
    this.leaveBody();
    this.pos = 0;
    this.argv.argc = 0;
    return this.arg(name);
  }

  /**
   * Like `begin`, but builds the arguments in the buffer of a received request body (http/body.ts), so that the
   * body becomes an argument without being copied (`argBody`). The other arguments must fit in the body's headroom
   * (`buf[0, headroom)`); the caller sized it for them. The caller goes back to its scratch buffer after `exec()`
   * (or the next `begin`), and keeps no reference to the body's buffer.
   * @param buf the body's buffer; the body is `buf[headroom, headroom + length)`
   */
  beginIn(buf: Buffer, headroom: number, length: number, name: string): this {
    this.leaveBody();
    this.scratch = this.buf;
    this.buf = buf;
    this.argv.buf = buf;
    this.bodyStart = headroom;
    this.bodyLen = length;
    this.pos = 0;
    this.argv.argc = 0;
    return this.arg(name);
  }

  /** Appends the body given to `beginIn` as the next argument (no copy). */
  argBody(): this {
    if (this.bodyStart < 0) throw new Error('CoreCaller.argBody: no body (use beginIn)');
    const a = this.argv;
    if (a.argc === MAX_ARGS) throw new RangeError(`CoreCaller: more than ${MAX_ARGS} arguments`);
    a.argOff[a.argc] = this.bodyStart;
    a.argLen[a.argc] = this.bodyLen;
    a.argc++;
    return this;
  }

  /**
   * Back to the scratch buffer after a call built in a body's buffer (drops the reference to the body). Done by
   * `exec()` and `begin*()`; call it when a call built with `beginIn` is abandoned. Idempotent.
   */
  leaveBody(): void {
    if (this.scratch === null) return;
    this.buf = this.scratch;
    this.argv.buf = this.scratch;
    this.scratch = null;
    this.bodyStart = -1;
    this.bodyLen = 0;
  }

  /** Appends an ASCII/latin1 argument. */
  arg(s: string): this {
    this.ensure(s.length);
    const start = this.pos;
    this.pos += this.buf.write(s, start, 'latin1');
    return this.push(start);
  }

  /**
   * Appends the percent-decoded bytes of `s[start, end)` as one argument (RFC 3986 percent-encoding; other
   * characters are taken as their latin1 byte, as Node's HTTP parser delivers the request target).
   * @returns false for a malformed escape ("%" not followed by two hex digits) or a character above U+00FF
   */
  argPercentDecoded(s: string, start: number, end: number): boolean {
    this.ensure(end - start);
    const b = this.buf;
    let w = this.pos;
    for (let i = start; i < end; i++) {
      let c = s.charCodeAt(i);
      if (c === 0x25) {
        if (i + 2 >= end) return false;
        const hi = hexVal(s.charCodeAt(i + 1));
        const lo = hexVal(s.charCodeAt(i + 2));
        if (hi < 0 || lo < 0) return false;
        c = (hi << 4) | lo;
        i += 2;
      } else if (c > 0xff) {
        return false;
      }
      b[w++] = c;
    }
    const start0 = this.pos;
    this.pos = w;
    this.push(start0);
    return true;
  }

  private push(start: number): this {
    const a = this.argv;
    if (a.argc === MAX_ARGS) throw new RangeError(`CoreCaller: more than ${MAX_ARGS} arguments`);
    a.argOff[a.argc] = start;
    a.argLen[a.argc] = this.pos - start;
    a.argc++;
    return this;
  }

  /** Makes room for `n` more bytes, keeping the arguments written so far. */
  private ensure(n: number): void {
    if (this.bodyStart >= 0) {
      if (this.pos + n > this.bodyStart) throw new RangeError('CoreCaller: arguments do not fit in the body headroom');
      return;
    }
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.argv.buf = next;
  }

  /**
   * Executes the built command for the key-API pseudo client and returns its decoded reply. Synchronous.
   * @throws Error when the command blocked (only MIGRATE_PREPARE does: use `execBlocking`)
   */
  exec(): RespReply {
    const c = this.client;
    const r = this.run(c);
    if (c.blocked) throw new Error('CoreCaller.exec: the command blocked; use execBlocking');
    return r;
  }

  /**
   * Executes the built command for a fresh pseudo client bound to the HTTP request's socket (so that checks on the
   * caller, such as enable-migrate-command local, see the HTTP peer), and resolves with its reply, also when the
   * command blocks and replies later (MIGRATE_PREPARE).
   */
  execBlocking(socket: Socket): Promise<RespReply> {
    const c = this.newClient(socket);
    const r = this.run(c);
    if (!c.blocked) return Promise.resolve(r);
    return new Promise((resolve) => this.pending.set(c, resolve));
  }

  private run(c: Client): RespReply {
    const core = this.core;
    const w = core.writer;
    w.proto = 2;
    w.begin();
    try {
      core.execute(c, this.argv);
    } finally {
      this.leaveBody();
      if (this.buf.length > SCRATCH_KEEP) {
        noteReleased(this.buf.length);
        this.buf = Buffer.allocUnsafe(SCRATCH_INITIAL);
        this.argv.buf = this.buf;
      }
    }
    return this.flushAndDecode(w);
  }

  private flushAndDecode(w: ReplyWriter): RespReply {
    const sink = this.sink;
    sink.segs = [];
    sink.callbacks = [];
    w.flushTo(sink);
    const segs = sink.segs;
    const cbs = sink.callbacks;
    if (segs.length === 0) return { type: 'null' };
    if (segs.length === 1) return decodeResp2(segs[0]);
    // A large value queued by reference (reply-helpers.ts replyCurrentValue): header, the value itself, CRLF.
    if (segs.length === 3 && segs[0][0] === 0x24 && segs[2].length === 2 && cbs.length <= 1) {
      const len = Number(segs[0].toString('latin1', 1, segs[0].length - 2));
      if (len === segs[1].length) {
        if (cbs.length === 0) return { type: 'bulk', value: segs[1] };
        const cb = cbs[0]!;
        let done = false;
        return { type: 'bulk', value: segs[1], sent: () => { if (!done) { done = true; cb(); } } };
      }
    }
    // Anything else is copied out (concat): the pinned bytes are no longer needed.
    const r = decodeResp2(Buffer.concat(segs));
    for (const cb of cbs) cb();
    return r;
  }
}

/**
 * Decodes one complete RESP2 reply (the types tierkv's commands send to a RESP2 client: simple string, error,
 * integer, bulk string, array, and their nulls). Bulk values are views of `b`.
 * @throws Error on a truncated or malformed reply (a bug in the writer, never expected)
 */
export function decodeResp2(b: Buffer): RespReply {
  const st = { pos: 0 };
  const r = decodeAt(b, st);
  if (st.pos !== b.length) throw new Error(`decodeResp2: ${b.length - st.pos} trailing bytes`);
  return r;
}

function lineEnd(b: Buffer, from: number): number {
  const i = b.indexOf(0x0d, from);
  if (i < 0 || b[i + 1] !== 0x0a) throw new Error('decodeResp2: truncated reply');
  return i;
}

function decodeAt(b: Buffer, st: { pos: number }): RespReply {
  const t = b[st.pos];
  const s0 = st.pos + 1;
  const e = lineEnd(b, s0);
  const line = b.toString('latin1', s0, e);
  st.pos = e + 2;
  switch (t) {
    case 0x2b: // +
      return { type: 'simple', text: line };
    case 0x2d: // -
      return { type: 'error', text: b.toString('utf8', s0, e) };
    case 0x3a: // :
      return { type: 'integer', value: Number(line) };
    case 0x24: {
      // $
      const n = Number(line);
      if (n < 0) return { type: 'null' };
      if (st.pos + n + 2 > b.length) throw new Error('decodeResp2: truncated bulk string');
      const value = b.subarray(st.pos, st.pos + n);
      st.pos += n + 2;
      return { type: 'bulk', value };
    }
    case 0x2a: {
      // *
      const n = Number(line);
      if (n < 0) return { type: 'null' };
      const items: RespReply[] = [];
      for (let i = 0; i < n; i++) items.push(decodeAt(b, st));
      return { type: 'array', items };
    }
    default:
      throw new Error(`decodeResp2: unexpected type byte 0x${(t ?? 0).toString(16)}`);
  }
}
