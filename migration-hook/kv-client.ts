/**
 * A small RESP2 client for the migration controller's conversation with tierkv: AUTH, MIGRATE_PREPARE,
 * MIGRATE_DONE, MIGRATE_ABORT and INFO. Replies are parsed by the `redis-parser` package (the parser node_redis
 * used); requests are written as RESP arrays of bulk strings, as redis-cli does.
 *
 * Protocol source: the Redis protocol specification (RESP2, "Redis serialization protocol specification" on
 * redis.io). RESP2 has no request ids, so replies are matched to requests in order; a command that times out leaves
 * the stream out of step, so the connection is then dropped and every pending command rejected.
 *
 * The controller opens a short-lived connection per step ({@link withKv}) rather than holding one across the
 * migration: when tierkv runs inside the guest, it is reached through a port forwarded by the source QEMU before
 * the migration and by the destination QEMU after it, and those connections do not survive the move.
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

// ---------------------------------------------------------------------------------------------------------------
// redis-parser (CommonJS, no bundled types): the part of its API used here.
// ---------------------------------------------------------------------------------------------------------------

interface RedisParserOptions {
  returnReply: (reply: unknown) => void;
  returnError: (err: Error) => void;
  returnFatalError?: (err: Error) => void;
  returnBuffers?: boolean;
  stringNumbers?: boolean;
}
interface RedisParserInstance {
  execute(data: Buffer): void;
  reset(): void;
}
type RedisParserCtor = new (options: RedisParserOptions) => RedisParserInstance;

const require = createRequire(import.meta.url);
const RedisParser = require('redis-parser') as RedisParserCtor;

// ---------------------------------------------------------------------------------------------------------------
// Errors and types
// ---------------------------------------------------------------------------------------------------------------

/** tierkv answered a command with a RESP error (`-ERR ...`, `-WRONGPASS ...`). `command` is its upper-case name. */
export class KvReplyError extends Error {
  override readonly name = 'KvReplyError';
  readonly command: string;
  constructor(command: string, message: string) {
    super(`${command} failed: ${message}`);
    this.command = command;
  }
}

/** The connection could not be made, was lost, timed out, or the peer broke the protocol. `cause` holds details. */
export class KvConnectionError extends Error {
  override readonly name = 'KvConnectionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A RESP2 reply as redis-parser returns it (bulk strings decoded as UTF-8; nil is null). */
export type RespReply = string | number | null | RespReply[] | Error;

/** Where tierkv listens: TCP host and port, or a Unix socket path; with optional credentials. */
export interface KvEndpoint {
  /** TCP host (default 127.0.0.1). Ignored when `path` is set. */
  host?: string;
  /** TCP port. */
  port?: number;
  /** Unix socket path, instead of host/port. */
  path?: string;
  /** AUTH password (requirepass); sent before anything else when set. */
  password?: string;
  /** AUTH user name (ACL form `AUTH user pass`); only with `password`. */
  username?: string;
}

/** Options of {@link KvClient.connect}. */
export interface KvConnectOptions {
  /** Budget for the TCP/Unix connect (and AUTH), ms (default 5000). */
  connectTimeoutMs?: number;
  /** Default per-command timeout, ms (default 30 000; MIGRATE_PREPARE waits for the RSS to fall). */
  commandTimeoutMs?: number;
}

/**
 * MIGRATE_PREPARE's reply as a record: tierkv's field names (dropped_keys, freed_bytes, used_memory,
 * used_memory_rss, system_memory_total, system_memory_available, release_ms, migration_state, ...), numbers where
 * the server sent integers, strings otherwise. Byte counts in bytes, *_us in µs, *_ms in ms.
 */
export type PrepareReply = Record<string, number | string>;

/** Default port of tierkv (and Redis). */
export const DEFAULT_KV_PORT = 6379;

/**
 * Parses a `--kv` value: `HOST:PORT`, `[IPv6]:PORT`, `:PORT` or `PORT` (host 127.0.0.1), `unix:PATH` or a path
 * containing `/` (Unix socket).
 * @throws {TypeError} for an empty string or a port outside 1–65535.
 */
export function parseKvTarget(target: string): KvEndpoint {
  if (typeof target !== 'string' || target.trim() === '') throw new TypeError('tierkv address must be a non-empty string');
  const t = target.trim();
  if (t.startsWith('unix:')) return { path: t.slice(5) };
  if (t.includes('/')) return { path: t };
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(t) ?? /^()()(\d+)$/.exec(t);
  if (!m) throw new TypeError(`invalid tierkv address ${JSON.stringify(target)}: expected HOST:PORT or a Unix socket path`);
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TypeError(`invalid tierkv port in ${JSON.stringify(target)}`);
  const host = m[1] || m[2] || '127.0.0.1';
  return { host, port };
}

/** `host:port` or the socket path, for messages. */
export function describeKvEndpoint(ep: KvEndpoint): string {
  if (ep.path) return `unix:${ep.path}`;
  const host = ep.host ?? '127.0.0.1';
  return `${host.includes(':') ? `[${host}]` : host}:${ep.port ?? DEFAULT_KV_PORT}`;
}

/** Flat RESP2 field/value array (or a RESP3 map decoded as an array of pairs) to a record. */
export function pairsToRecord(reply: RespReply): PrepareReply {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) {
    throw new TypeError(`expected a flat array of field/value pairs, got ${JSON.stringify(reply)}`);
  }
  const out: PrepareReply = {};
  for (let i = 0; i < reply.length; i += 2) {
    const k = reply[i];
    const v = reply[i + 1];
    if (typeof k !== 'string') throw new TypeError(`field name at index ${i} is not a string`);
    out[k] = typeof v === 'number' ? v : String(v);
  }
  return out;
}

/**
 * Combines the MIGRATE_PREPARE replies of several tierkv instances running in one VM (one per vCPU) into the one
 * record the balloon target and the report's sums are computed from. Each field is combined by what it measures:
 *
 * - `system_memory_total`, `system_memory_available`: the machine's, not the process's. All instances of one VM
 *   read the same kernel, so adding them would count the same free memory once per instance. `total` is kept when
 *   every reply agrees (else it is left out, and {@link computeBalloonTarget} falls back to the used memory: the
 *   instances are not in one machine); `available` is the largest reading (each instance reads it after its own
 *   drop, so the largest is the one taken after the most drops).
 * - durations (`*_us`, `*_ms`): the instances worked in parallel, so the longest one bounds the step: maximum.
 * - `released` (1 when the RSS fell as expected): 1 only when it did in every instance: minimum.
 * - every other number (keys, extents, bytes of memory, RSS, index): per process, so the instances add up: sum.
 * - strings (`migration_state`): kept when all agree, else the distinct values joined with `,`.
 *
 * A field missing from some replies is combined over the replies that have it.
 * @param replies one reply per instance (at least one); a single reply is returned as a copy.
 * @throws {RangeError} for an empty list.
 * @see computeBalloonTarget in strategies.ts
 */
export function combinePrepareReplies(replies: readonly PrepareReply[]): PrepareReply {
  if (replies.length === 0) throw new RangeError('combinePrepareReplies needs at least one reply');
  if (replies.length === 1) return { ...replies[0]! };
  const keys: string[] = [];
  for (const r of replies) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const out: PrepareReply = {};
  for (const k of keys) {
    const vals = replies.map((r) => r[k]).filter((v): v is number | string => v !== undefined);
    if (vals.every((v) => typeof v === 'number')) {
      const nums = vals as number[];
      if (k === 'system_memory_total') {
        if (nums.every((n) => n === nums[0])) out[k] = nums[0]!;
      } else if (k === 'system_memory_available' || /_(us|ms)$/.test(k)) {
        out[k] = Math.max(...nums);
      } else if (k === 'released') {
        out[k] = Math.min(...nums);
      } else {
        out[k] = nums.reduce((a, b) => a + b, 0);
      }
    } else {
      const distinct = [...new Set(vals.map(String))];
      out[k] = distinct.join(',');
    }
  }
  return out;
}

/** Parses INFO text (`# Section` headers, `field:value` lines) into a record of strings. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

interface Pending {
  command: string;
  resolve: (r: RespReply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

function encodeCommand(args: readonly (string | number | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------------------------

/**
 * One RESP2 connection to tierkv. Commands may be pipelined; replies are delivered in order.
 * Create it with {@link KvClient.connect}; close it with {@link close}.
 */
export class KvClient {
  /** The endpoint as given, for messages. */
  readonly endpoint: KvEndpoint;
  readonly #socket: net.Socket;
  readonly #parser: RedisParserInstance;
  readonly #pending: Pending[] = [];
  readonly #commandTimeoutMs: number;
  #closedError: KvConnectionError | undefined;
  readonly #closed: Promise<void>;

  private constructor(socket: net.Socket, endpoint: KvEndpoint, commandTimeoutMs: number) {
    this.endpoint = endpoint;
    this.#socket = socket;
    this.#commandTimeoutMs = commandTimeoutMs;
    this.#parser = new RedisParser({
      returnReply: (reply) => this.#settle(reply as RespReply),
      returnError: (err) => this.#settle(err),
      returnFatalError: (err) => this.#fail(new KvConnectionError(`protocol error from ${describeKvEndpoint(endpoint)}: ${err.message}`, { cause: err })),
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#parser.execute(chunk);
      } catch (err) {
        this.#fail(new KvConnectionError(`cannot parse reply from ${describeKvEndpoint(endpoint)}: ${(err as Error).message}`, { cause: err }));
      }
    });
    socket.on('error', (err) => {
      this.#closedError ??= new KvConnectionError(`connection to tierkv at ${describeKvEndpoint(endpoint)} lost: ${err.message}`, { cause: err });
    });
    this.#closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#fail(this.#closedError ?? new KvConnectionError(`connection to tierkv at ${describeKvEndpoint(endpoint)} closed`));
        resolve();
      });
    });
  }

  /**
   * Connects and, when `endpoint.password` is set, authenticates (`AUTH [user] pass`).
   * @throws {KvConnectionError} when the connection fails or times out (`connectTimeoutMs`, default 5000 ms);
   *   {@link KvReplyError} when AUTH is refused.
   */
  static async connect(endpoint: KvEndpoint, opts: KvConnectOptions = {}): Promise<KvClient> {
    const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
    const where = describeKvEndpoint(endpoint);
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = endpoint.path
        ? net.createConnection({ path: endpoint.path })
        : net.createConnection({ host: endpoint.host ?? '127.0.0.1', port: endpoint.port ?? DEFAULT_KV_PORT });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new KvConnectionError(`connecting to tierkv at ${where} timed out after ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        s.setNoDelay(true);
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        s.destroy();
        reject(new KvConnectionError(`cannot connect to tierkv at ${where}: ${err.message}`, { cause: err }));
      });
    });
    const client = new KvClient(socket, endpoint, opts.commandTimeoutMs ?? 30_000);
    if (endpoint.password !== undefined) {
      try {
        const args = endpoint.username ? ['AUTH', endpoint.username, endpoint.password] : ['AUTH', endpoint.password];
        await client.command(args, { timeoutMs: connectTimeoutMs });
      } catch (err) {
        client.destroy();
        throw err;
      }
    }
    return client;
  }

  /**
   * Sends one command and resolves with its reply.
   * @param args the command and its arguments, e.g. `['INFO', 'migration']`.
   * @param opts `timeoutMs` for this command (default: the client's); on timeout the connection is dropped.
   * @throws {KvReplyError} when the reply is a RESP error; {@link KvConnectionError} when the connection is closed,
   *   lost or the command times out.
   */
  command(args: readonly (string | number | Buffer)[], opts: { timeoutMs?: number } = {}): Promise<RespReply> {
    const name = String(args[0] ?? '').toUpperCase();
    if (this.#closedError || this.#socket.destroyed) {
      return Promise.reject(this.#closedError ?? new KvConnectionError(`connection to tierkv at ${describeKvEndpoint(this.endpoint)} is closed`));
    }
    const timeoutMs = opts.timeoutMs ?? this.#commandTimeoutMs;
    return new Promise<RespReply>((resolve, reject) => {
      const p: Pending = {
        command: name,
        resolve,
        reject: (e) => reject(e instanceof KvConnectionError || e instanceof KvReplyError ? e : new KvReplyError(name, e.message)),
        timer: undefined,
      };
      if (Number.isFinite(timeoutMs) && timeoutMs > 0) {
        p.timer = setTimeout(() => {
          this.#fail(new KvConnectionError(`${name} to tierkv at ${describeKvEndpoint(this.endpoint)} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.#pending.push(p);
      this.#socket.write(encodeCommand(args));
    });
  }

  /**
   * MIGRATE_PREPARE: tierkv drops its cold tier, gives the memory back and enters migration mode.
   * @returns the reply's fields (see {@link PrepareReply}).
   * @throws {KvReplyError} (e.g. the command is disabled by `enable-migrate-command`); {@link KvConnectionError}.
   */
  async migratePrepare(opts: { timeoutMs?: number } = {}): Promise<PrepareReply> {
    return pairsToRecord(await this.command(['MIGRATE_PREPARE'], opts));
  }

  /** MIGRATE_DONE: tierkv leaves migration mode after a completed migration. @throws as {@link command}. */
  async migrateDone(opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.command(['MIGRATE_DONE'], opts);
  }

  /** MIGRATE_ABORT: tierkv leaves migration mode after a failed one. @throws as {@link command}. */
  async migrateAbort(opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.command(['MIGRATE_ABORT'], opts);
  }

  /** INFO [section], parsed into `field → value`. @throws as {@link command}. */
  async info(section?: string, opts: { timeoutMs?: number } = {}): Promise<Record<string, string>> {
    const reply = await this.command(section ? ['INFO', section] : ['INFO'], opts);
    return parseInfo(String(reply));
  }

  /** Sends QUIT-less close: ends the socket and waits (at most `timeoutMs`, default 1000) for it to close. Never throws. */
  async close(timeoutMs = 1000): Promise<void> {
    this.#closedError ??= new KvConnectionError(`connection to tierkv at ${describeKvEndpoint(this.endpoint)} closed by client`);
    this.#socket.end();
    const timer = setTimeout(() => this.#socket.destroy(), timeoutMs);
    await this.#closed;
    clearTimeout(timer);
  }

  /** Drops the connection at once; pending commands reject with {@link KvConnectionError}. */
  destroy(): void {
    this.#closedError ??= new KvConnectionError(`connection to tierkv at ${describeKvEndpoint(this.endpoint)} destroyed by client`);
    this.#socket.destroy();
  }

  #settle(reply: RespReply): void {
    const p = this.#pending.shift();
    if (!p) return; // an unsolicited reply; RESP2 has none (no pub/sub here)
    clearTimeout(p.timer);
    if (reply instanceof Error) p.reject(new KvReplyError(p.command, reply.message));
    else p.resolve(reply);
  }

  #fail(err: KvConnectionError): void {
    this.#closedError ??= err;
    for (const p of this.#pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    if (!this.#socket.destroyed) this.#socket.destroy();
  }
}

/** Options of {@link withKv}. */
export interface WithKvOptions extends KvConnectOptions {
  /**
   * Keep retrying on connection errors ({@link KvConnectionError}: refused, reset, closed, timed out) until this
   * many ms have passed since the call (default 0: one try). Reply errors are never retried. Useful after a
   * migration, when the guest's port forward on the destination answers only once the guest runs there.
   */
  retryForMs?: number;
  /** Pause between tries, ms (default 200). */
  retryDelayMs?: number;
  /** Stops retrying (the last error is thrown). */
  signal?: AbortSignal;
}

/**
 * Opens a connection, runs `fn` on it and closes it; with `retryForMs`, retries the whole exchange on connection
 * errors, so `fn` must be safe to repeat (MIGRATE_DONE/ABORT are; MIGRATE_PREPARE is not retried by the controller).
 * @returns what `fn` returns.
 * @throws the last error: {@link KvConnectionError} or {@link KvReplyError}, or whatever `fn` throws.
 */
export async function withKv<T>(endpoint: KvEndpoint, fn: (kv: KvClient) => Promise<T>, opts: WithKvOptions = {}): Promise<T> {
  const deadline = performance.now() + (opts.retryForMs ?? 0);
  for (;;) {
    let client: KvClient | undefined;
    try {
      client = await KvClient.connect(endpoint, opts);
      return await fn(client);
    } catch (err) {
      const retriable = err instanceof KvConnectionError;
      if (!retriable || performance.now() + (opts.retryDelayMs ?? 200) >= deadline || opts.signal?.aborted) throw err;
      await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 200));
    } finally {
      await client?.close();
    }
  }
}
