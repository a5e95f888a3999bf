/**
 * The host-side clients of the migration experiment: loading the data set into the guest's tierkv, the skewed
 * warm-up, and the load generator that keeps reading and writing through the forwarded port during the migration
 * and records every operation's latency.
 *
 * Data set (lib/dataset.ts, the paper's workload): keys of 1–8 bytes, 100-byte values that are a pure function of
 * (seed, key index), so any value read back can be checked. The hot keys are an evenly spread share of the indexes
 * (`hotSplit` of bench/migrate-prepare.ts); the load sends the cold keys first and the hot keys last.
 *
 * The load generator is rate-limited and measures latency from each operation's *intended* start (a fixed
 * schedule per connection), so a stall is charged to every operation it delays — the correction for "coordinated
 * omission" that Gil Tene describes and wrk2 applies. An operation is retried until it succeeds: after an error, a
 * closed connection, or no reply within `opTimeoutMs`, the connection is dropped and a new one is opened to the
 * *current* target (the runner points it at the destination's forwarded port when the VM resumes there: with
 * QEMU's user-mode network the host side of a forwarded connection does not move with the VM). Its latency then
 * includes the retries, as a client with a timeout-and-reconnect policy sees it. Cache-aside: a GET that misses (a
 * key MIGRATE_PREPARE dropped) is followed by a SET of the key's value, as a cache client refills.
 */
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { MAX_KEY_BYTES, keyOf, setCommandBytes, valueOf, writeKey, writeSetCommand } from '../lib/dataset.js';
import { ReplyCounter, openSocket } from '../lib/loadgen.js';
import { parseInfo } from '../lib/resp.js';
import { Rng } from '../lib/zipf.js';

const CRLF = Buffer.from('\r\n', 'latin1');

/** RESP of a command (strings are latin1 here). */
export function respCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, CRLF);
  }
  return Buffer.concat(parts);
}

/**
 * Streams RESP commands (`AUTH` first) through one connection and counts the replies, with at most `window`
 * commands unanswered.
 * @returns replies, error replies (after AUTH), the first error and the elapsed ms.
 * @throws Error if AUTH fails, the connection drops, or no reply comes for `stallMs`.
 */
export async function pipeCommands(
  host: string,
  port: number,
  password: string,
  chunks: Iterable<{ buf: Buffer; commands: number }>,
  opts: { window?: number; stallMs?: number } = {},
): Promise<{ replies: number; errors: number; firstError?: string; ms: number }> {
  const window = opts.window ?? 20_000;
  const stallMs = opts.stallMs ?? 60_000;
  const sock = await openSocket(host, port, 5000);
  const counter = new ReplyCounter();
  const t0 = performance.now();
  let sent = 1;
  let finished = false;
  const it = chunks[Symbol.iterator]();
  try {
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => reject(new Error(`no reply for ${stallMs} ms after ${counter.replies} of ${sent} replies`)), stallMs);
      };
      const pump = (): void => {
        while (!finished && sent - counter.replies < window) {
          const n = it.next();
          if (n.done) {
            finished = true;
            break;
          }
          sock.write(n.value.buf);
          sent += n.value.commands;
        }
        if (finished && counter.replies >= sent) {
          clearTimeout(timer);
          resolve();
        }
      };
      sock.on('data', (b: Buffer) => {
        try {
          counter.feed(b);
        } catch (e) {
          reject(e as Error);
          return;
        }
        if (counter.replies === 1 && counter.errors > 0) {
          reject(new Error(`AUTH failed: ${counter.firstError}`));
          return;
        }
        arm();
        pump();
      });
      sock.on('error', reject);
      sock.on('close', () => {
        if (!finished || counter.replies < sent) reject(new Error(`connection closed after ${counter.replies} of ${sent} replies`));
      });
      sock.write(respCommand(['AUTH', password]));
      arm();
      pump();
    });
  } finally {
    sock.destroy();
  }
  return { replies: counter.replies - 1, errors: counter.errors, ...(counter.firstError ? { firstError: counter.firstError } : {}), ms: performance.now() - t0 };
}

/**
 * `SET key_i value_i` for the given key indexes, in chunks of about `chunkBytes`.
 * @param indexes the key indexes in sending order
 */
export function* setChunks(indexes: Iterable<number>, seed: number, valueBytes: number, chunkBytes = 256 << 10): Generator<{ buf: Buffer; commands: number }> {
  const valueHead = Buffer.from(`\r\n$${valueBytes}\r\n`, 'latin1');
  const maxCmd = setCommandBytes(MAX_KEY_BYTES, valueBytes);
  let buf = Buffer.allocUnsafe(Math.max(chunkBytes, maxCmd));
  let off = 0;
  let n = 0;
  for (const i of indexes) {
    if (off + maxCmd > buf.length) {
      yield { buf: buf.subarray(0, off), commands: n };
      buf = Buffer.allocUnsafe(buf.length);
      off = 0;
      n = 0;
    }
    off = writeSetCommand(buf, off, i, seed, valueBytes, valueHead);
    n++;
  }
  if (n > 0) yield { buf: buf.subarray(0, off), commands: n };
}

/** One command per key index (`GET`, `OBJECT TIER`, ...), in chunks of `perChunk` commands. */
export function* keyCommandChunks(indexes: Iterable<number>, command: readonly string[], perChunk = 2000): Generator<{ buf: Buffer; commands: number }> {
  const head = Buffer.from(`*${command.length + 1}\r\n` + command.map((c) => `$${c.length}\r\n${c}\r\n`).join(''), 'latin1');
  const maxCmd = head.length + 4 + MAX_KEY_BYTES + 2;
  let buf = Buffer.allocUnsafe(perChunk * maxCmd);
  let off = 0;
  let n = 0;
  for (const i of indexes) {
    off += head.copy(buf, off);
    const keyOff = off + 4;
    const klen = writeKey(i, buf, keyOff);
    buf[off] = 0x24; // $
    buf[off + 1] = 0x30 + klen;
    buf[off + 2] = 0x0d;
    buf[off + 3] = 0x0a;
    off = keyOff + klen;
    off += CRLF.copy(buf, off);
    if (++n === perChunk) {
      yield { buf: buf.subarray(0, off), commands: n };
      buf = Buffer.allocUnsafe(perChunk * maxCmd);
      off = 0;
      n = 0;
    }
  }
  if (n > 0) yield { buf: buf.subarray(0, off), commands: n };
}

/** `DEL k1 … kB` over the given key indexes, B = `batch` keys per command. */
export function* delChunks(indexes: Iterable<number>, batch = 1000): Generator<{ buf: Buffer; commands: number }> {
  let keys: Buffer[] = [];
  for (const i of indexes) {
    keys.push(keyOf(i));
    if (keys.length === batch) {
      yield { buf: respCommand(['DEL', ...keys]), commands: 1 };
      keys = [];
    }
  }
  if (keys.length > 0) yield { buf: respCommand(['DEL', ...keys]), commands: 1 };
}

// ---------------------------------------------------------------------------------------------------------------
// A small blocking-style client for checks (one command at a time, decoded replies)

/** A decoded reply: string (simple or bulk, latin1), number, null, array, or Error (error reply). */
export type Reply = string | number | null | Reply[] | Error;

/** Parses one RESP2 reply at `off`; null when incomplete. */
export function parseReply(b: Buffer, off: number): { value: Reply; end: number } | null {
  const nl = b.indexOf('\r\n', off);
  if (nl < 0) return null;
  const t = b[off];
  const line = b.toString('latin1', off + 1, nl);
  switch (t) {
    case 0x2b: // +
      return { value: line, end: nl + 2 };
    case 0x2d: // -
      return { value: new Error(line), end: nl + 2 };
    case 0x3a: // :
      return { value: Number(line), end: nl + 2 };
    case 0x24: {
      const len = Number(line);
      if (len < 0) return { value: null, end: nl + 2 };
      if (b.length < nl + 2 + len + 2) return null;
      return { value: b.toString('latin1', nl + 2, nl + 2 + len), end: nl + 4 + len };
    }
    case 0x2a: {
      const n = Number(line);
      if (n < 0) return { value: null, end: nl + 2 };
      const out: Reply[] = [];
      let p = nl + 2;
      for (let i = 0; i < n; i++) {
        const r = parseReply(b, p);
        if (!r) return null;
        out.push(r.value);
        p = r.end;
      }
      return { value: out, end: p };
    }
    default:
      throw new Error(`unexpected RESP type byte 0x${(t ?? 0).toString(16)}`);
  }
}

/** Splits socket data into decoded replies, keeping an incomplete tail for the next chunk. */
export class ReplyReader {
  private buf: Buffer = Buffer.alloc(0);

  /** Appends `d` and returns the replies it completes, in order. */
  push(d: Buffer): Reply[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const out: Reply[] = [];
    let off = 0;
    for (;;) {
      const r = parseReply(this.buf, off);
      if (!r) break;
      out.push(r.value);
      off = r.end;
    }
    this.buf = this.buf.subarray(off);
    return out;
  }
}

/**
 * Sends the commands (pipelined) over a fresh authenticated connection and returns the decoded replies in order.
 * @throws Error on AUTH failure, connection errors, or no complete answer within `timeoutMs`.
 */
export async function query(host: string, port: number, password: string, commands: readonly (readonly (string | Buffer)[])[], timeoutMs = 30_000): Promise<Reply[]> {
  const sock = await openSocket(host, port, 5000);
  try {
    return await new Promise<Reply[]>((resolve, reject) => {
      const reader = new ReplyReader();
      const out: Reply[] = [];
      const timer = setTimeout(() => reject(new Error(`no complete answer within ${timeoutMs} ms (${out.length} of ${commands.length + 1} replies)`)), timeoutMs);
      sock.on('data', (d: Buffer) => {
        for (const value of reader.push(d)) out.push(value);
        if (out.length > 0 && out[0] instanceof Error) {
          clearTimeout(timer);
          reject(new Error(`AUTH failed: ${out[0].message}`));
        } else if (out.length === commands.length + 1) {
          clearTimeout(timer);
          resolve(out.slice(1));
        }
      });
      sock.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      sock.write(Buffer.concat([respCommand(['AUTH', password]), ...commands.map((c) => respCommand(c))]));
    });
  } finally {
    sock.destroy();
  }
}

/** INFO text as field → value. */
export function infoRecord(text: Reply): Record<string, string> {
  return typeof text === 'string' ? parseInfo(text) : {};
}

// ---------------------------------------------------------------------------------------------------------------
// The load generator

/** Options of {@link ClientLoad}. */
export interface ClientLoadOptions {
  host: string;
  /** Where to connect (read again at every reconnect). */
  target: () => number;
  password: string;
  /** Connections, each with one operation in flight. */
  conns: number;
  /** Total intended rate, operations per second (spread evenly over the connections). */
  rate: number;
  /** Key count; hot keys per `hotKey`/`hotCount`. */
  keys: number;
  hotCount: number;
  /** The k-th hot key's index, k in [0, hotCount). */
  hotKey: (k: number) => number;
  /** Share of operations on hot keys (the rest pick any key uniformly). */
  hotOpShare: number;
  /** Share of GETs (the rest are SETs of the key's value). */
  readShare: number;
  seed: number;
  valueBytes: number;
  /** No reply for this long: drop the connection and retry on a new one, ms. */
  opTimeoutMs: number;
  /** Seed of the generator's own key and operation choices. */
  rngSeed: number;
}

/** The record of a run of {@link ClientLoad}: one entry per completed operation, times in ms since `t0`. */
export interface ClientRecord {
  /** performance.now() of the start, ms. */
  t0: number;
  /** Completion time of each operation, ms since t0. */
  done: Float64Array;
  /** Its latency from the intended start, ms. */
  latency: Float64Array;
  count: number;
  /** Times (ms since t0) when a connection was dropped and reopened (error, close or timeout). */
  reconnects: number[];
  /** GETs that found nothing (then refilled). */
  misses: number;
  /** GETs whose value was not the key's value: must stay 0. */
  wrongValues: number;
  /** Error replies other than OOM (each retried). */
  errorReplies: number;
  firstError: string | undefined;
}

type Op = { kind: 'get' | 'set'; key: number; intended: number };

/** The rate-limited, reconnecting read/write load (see the module comment). */
export class ClientLoad {
  private running = false;
  private readonly workers: Promise<void>[] = [];
  private rec: ClientRecord;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly o: ClientLoadOptions) {
    this.rec = this.fresh();
  }

  private fresh(): ClientRecord {
    return { t0: performance.now(), done: new Float64Array(1 << 16), latency: new Float64Array(1 << 16), count: 0, reconnects: [], misses: 0, wrongValues: 0, errorReplies: 0, firstError: undefined };
  }

  /** The record so far (live object). */
  get record(): ClientRecord {
    return this.rec;
  }

  /** Starts the connections; `t0` of the record is now. */
  start(): void {
    this.rec = this.fresh();
    this.running = true;
    const perConn = this.o.rate / this.o.conns;
    for (let c = 0; c < this.o.conns; c++) this.workers.push(this.worker(c, 1000 / perConn));
  }

  /**
   * Drops every open connection, so that each operation in flight is retried at once on a new connection to the
   * current target (call it when the target changed: the VM's address "moved" to the destination).
   */
  kick(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Stops after the operations in flight (bounded by opTimeoutMs) and closes the connections. */
  async stop(): Promise<ClientRecord> {
    this.running = false;
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.workers);
    this.rec.done = this.rec.done.subarray(0, this.rec.count);
    this.rec.latency = this.rec.latency.subarray(0, this.rec.count);
    return this.rec;
  }

  private add(doneAt: number, latency: number): void {
    const r = this.rec;
    if (r.count === r.done.length) {
      const grow = (a: Float64Array): Float64Array => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      r.done = grow(r.done);
      r.latency = grow(r.latency);
    }
    r.done[r.count] = doneAt - r.t0;
    r.latency[r.count] = latency;
    r.count++;
  }

  private async worker(id: number, periodMs: number): Promise<void> {
    const o = this.o;
    const rng = new Rng((o.rngSeed ^ Math.imul(id + 1, 0x9e3779b9)) >>> 0);
    const start = this.rec.t0 + (periodMs * id) / o.conns;
    let next = start;
    let conn: Conn | undefined;
    let pending: Op | undefined; // a refill SET after a miss
    while (this.running) {
      const now = performance.now();
      if (next > now) await sleep(next - now);
      if (!this.running) break;
      const op: Op = pending ?? this.choose(rng, next);
      pending = undefined;
      next += periodMs;
      // Retry until it succeeds (or the load stops).
      for (;;) {
        if (!this.running) break;
        try {
          if (!conn) {
            conn = await Conn.open(o.host, o.target(), o.password, Math.min(2000, o.opTimeoutMs));
            this.sockets.add(conn.sock);
          }
          const reply = await conn.call(op.kind === 'get' ? getCommand(op.key) : setCommand(op.key, o.seed, o.valueBytes), o.opTimeoutMs);
          if (reply instanceof Error) {
            this.rec.errorReplies++;
            this.rec.firstError ??= reply.message;
            if (!/^OOM/.test(reply.message)) throw reply;
          }
          const doneAt = performance.now();
          this.add(doneAt, doneAt - op.intended);
          if (op.kind === 'get') {
            if (reply === null) {
              this.rec.misses++;
              pending = { kind: 'set', key: op.key, intended: doneAt };
            } else if (reply !== valueOf(o.seed, op.key, o.valueBytes).toString('latin1')) {
              this.rec.wrongValues++;
            }
          }
          break;
        } catch {
          if (conn) {
            this.sockets.delete(conn.sock);
            conn.sock.destroy();
            conn = undefined;
          }
          if (!this.running) break;
          this.rec.reconnects.push(performance.now() - this.rec.t0);
          await sleep(10);
        }
      }
    }
    if (conn) {
      this.sockets.delete(conn.sock);
      conn.sock.destroy();
    }
  }

  private choose(rng: Rng, intended: number): Op {
    const o = this.o;
    const key = rng.nextDouble() < o.hotOpShare ? o.hotKey(rng.nextInt(o.hotCount)) : rng.nextInt(o.keys);
    return { kind: rng.nextDouble() < o.readShare ? 'get' : 'set', key, intended };
  }
}

function getCommand(key: number): Buffer {
  return respCommand(['GET', keyOf(key)]);
}

function setCommand(key: number, seed: number, valueBytes: number): Buffer {
  return respCommand(['SET', keyOf(key), valueOf(seed, key, valueBytes)]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One connection with one command in flight. */
class Conn {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: ((r: Reply | Error) => void) | undefined;
  private dead: Error | undefined;

  private constructor(readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      const r = parseReply(this.buf, 0);
      if (!r) return;
      this.buf = this.buf.subarray(r.end);
      const w = this.waiter;
      this.waiter = undefined;
      w?.(r.value);
    });
    const fail = (e: Error): void => {
      this.dead ??= e;
      const w = this.waiter;
      this.waiter = undefined;
      w?.(Object.assign(new Error(e.message), { connection: true }));
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('connection closed')));
  }

  static async open(host: string, port: number, password: string, timeoutMs: number): Promise<Conn> {
    const c = new Conn(await openSocket(host, port, timeoutMs));
    try {
      const a = await c.call(respCommand(['AUTH', password]), timeoutMs);
      if (a instanceof Error) throw a;
    } catch (e) {
      c.sock.destroy();
      throw e;
    }
    return c;
  }

  /** Sends one command; resolves with its reply (an error reply resolves to an Error); rejects on connection loss or timeout. */
  call(cmd: Buffer, timeoutMs: number): Promise<Reply> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (r) => {
        clearTimeout(timer);
        if (r instanceof Error && (r as { connection?: boolean }).connection) reject(r);
        else resolve(r);
      };
      this.sock.write(cmd);
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Summaries

/** The value at quantile q (0..1) of sorted values (nearest rank); NaN for none. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * The clients' view of an interval [fromMs, toMs) (ms since the record's t0): `ops` and `ops_per_sec` count the
 * operations that completed in it; the latency quantiles are over the operations whose intended start fell in it,
 * wherever they completed (so the operations a stall holds up count, even if they finish after the interval).
 */
export interface ClientSummary {
  ops: number;
  ops_per_sec: number;
  /** Operations whose intended start fell in the interval (the latency sample). */
  started: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** Summarises the interval [fromMs, toMs) (see {@link ClientSummary}). */
export function summarize(r: ClientRecord, fromMs: number, toMs: number): ClientSummary {
  const lat: number[] = [];
  let ops = 0;
  for (let i = 0; i < r.count; i++) {
    const d = r.done[i]!;
    const l = r.latency[i]!;
    if (d >= fromMs && d < toMs) ops++;
    const start = d - l;
    if (start >= fromMs && start < toMs) lat.push(l);
  }
  lat.sort((a, b) => a - b);
  const secs = Math.max(1e-9, (toMs - fromMs) / 1000);
  return {
    ops,
    ops_per_sec: round(ops / secs, 1),
    started: lat.length,
    p50_ms: round(quantile(lat, 0.5), 2),
    p99_ms: round(quantile(lat, 0.99), 2),
    max_ms: round(lat.length ? lat[lat.length - 1]! : NaN, 2),
  };
}

/** One window of the time series: start (ms since t0), completed ops, ops/s, latency quantiles (ms), reconnects. */
export type ClientWindow = [t_ms: number, ops: number, ops_per_sec: number, p50_ms: number, p99_ms: number, max_ms: number, reconnects: number];

/** Per-window series of the operations completed in [fromMs, toMs), windows of `windowMs`. */
export function windows(r: ClientRecord, fromMs: number, toMs: number, windowMs = 100): ClientWindow[] {
  const n = Math.max(0, Math.ceil((toMs - fromMs) / windowMs));
  const buckets: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < r.count; i++) {
    const d = r.done[i]!;
    if (d < fromMs || d >= toMs) continue;
    buckets[Math.floor((d - fromMs) / windowMs)]!.push(r.latency[i]!);
  }
  const rc = new Array<number>(n).fill(0);
  for (const t of r.reconnects) if (t >= fromMs && t < toMs) rc[Math.floor((t - fromMs) / windowMs)]!++;
  return buckets.map((b, k) => {
    b.sort((x, y) => x - y);
    return [
      round(fromMs + k * windowMs, 1),
      b.length,
      round((b.length * 1000) / windowMs, 1),
      round(quantile(b, 0.5), 2),
      round(quantile(b, 0.99), 2),
      round(b.length ? b[b.length - 1]! : NaN, 2),
      rc[k]!,
    ];
  });
}

function round(x: number, digits: number): number {
  if (!Number.isFinite(x)) return NaN;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
