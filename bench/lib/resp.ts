/**
 * A minimal RESP2 client over a TCP socket, enough for PING, INFO, DBSIZE and GET.
 * Deliberately dependency-free and "silent": unlike ioredis/node-redis it sends nothing
 * on connect (no INFO ready-check, no CLIENT SETNAME, no HELLO), so it works against a
 * server that implements only a few commands.
 */
import type { Socket } from 'node:net';
import { openSocket } from './loadgen.js';

/** A decoded RESP2 reply. Bulk strings are Buffers; a nil bulk/array is null. */
export type RespValue = string | number | Buffer | null | RespError | RespValue[];

/** An error reply (`-ERR ...`) from the server. Returned, not thrown, by `send`. */
export class RespError extends Error {
  override name = 'RespError';
}

interface Pending {
  resolve: (v: RespValue) => void;
  reject: (e: Error) => void;
}

/** One TCP connection speaking RESP2; replies are matched to commands in order. */
export class RespClient {
  private buf: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private closedError: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: Error) => this.failAll(e));
    socket.on('close', () => this.failAll(new Error('connection closed')));
  }

  /**
   * Connects to host:port. Rejects after `timeoutMs` milliseconds (default 2000)
   * or on a connection error (e.g. ECONNREFUSED while the server is still starting).
   */
  static async connect(host: string, port: number, timeoutMs = 2000): Promise<RespClient> {
    return new RespClient(await openSocket(host, port, timeoutMs));
  }

  /**
   * Sends one command and resolves with its reply (an error reply resolves to a RespError).
   * Rejects if no reply arrives within `timeoutMs` milliseconds (default 10000) or the
   * connection drops; after a timeout the connection is closed, since replies would be out of step.
   */
  send(args: (string | Buffer | number)[], timeoutMs = 10_000): Promise<RespValue> {
    if (this.closedError) return Promise.reject(this.closedError);
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) {
      const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const e = new Error(`no reply to ${String(args[0])} within ${timeoutMs} ms`);
        this.failAll(e);
        this.socket.destroy();
      }, timeoutMs);
      this.pending.push({
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.write(Buffer.concat(parts));
    });
  }

  /** Closes the connection (no QUIT is sent). */
  close(): void {
    this.closedError ??= new Error('client closed');
    this.socket.destroy();
  }

  private failAll(e: Error): void {
    this.closedError ??= e;
    for (const p of this.pending.splice(0)) p.reject(e);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      let parsed: { value: RespValue; end: number } | null;
      try {
        parsed = parseReply(this.buf, 0);
      } catch (e) {
        this.failAll(e as Error);
        this.socket.destroy();
        return;
      }
      if (!parsed) return;
      this.buf = this.buf.subarray(parsed.end);
      const p = this.pending.shift();
      if (p) p.resolve(parsed.value);
    }
  }
}

/** Parses one RESP2 reply at `off`; null if the buffer does not yet hold a complete reply. */
function parseReply(buf: Buffer, off: number): { value: RespValue; end: number } | null {
  const lineEnd = buf.indexOf('\r\n', off);
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(buf[off]!);
  const line = buf.toString('latin1', off + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespError(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: Buffer.from(buf.subarray(next, next + len)), end: next + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, pos);
        if (!r) return null;
        items.push(r.value);
        pos = r.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

/** Parses INFO's text ("# Section" headers and "field:value" lines) into a field → value map. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/**
 * Runs `INFO [section]` on an open client and returns its fields.
 * Throws if the server answers with an error or a non-string reply.
 */
export async function infoFields(client: RespClient, section?: string): Promise<Record<string, string>> {
  const reply = await client.send(section ? ['INFO', section] : ['INFO']);
  if (reply instanceof RespError) throw reply;
  if (Buffer.isBuffer(reply)) return parseInfo(reply.toString('utf8'));
  if (typeof reply === 'string') return parseInfo(reply);
  throw new Error(`INFO returned an unexpected reply: ${JSON.stringify(reply)}`);
}

/** Connects, runs `INFO [section]`, closes; returns the fields (field → string value). */
export async function readInfo(host: string, port: number, section?: string): Promise<Record<string, string>> {
  const c = await RespClient.connect(host, port);
  try {
    return await infoFields(c, section);
  } finally {
    c.close();
  }
}

/** An INFO field as a number, or undefined if absent or not numeric. */
export function infoNumber(fields: Record<string, string>, name: string): number | undefined {
  const v = fields[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
