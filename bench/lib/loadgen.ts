/**
 * A small load generator over raw sockets (no client library): pipelined `SET` loading of a key range, and a
 * closed-loop pipelined `GET` load whose keys come from a swappable chooser (bench/tiers.ts switches the
 * distribution between phases while the load runs).
 *
 * Replies are not decoded, only counted by a streaming RESP2 scanner ({@link ReplyCounter}), so that the generator
 * spends its CPU on sending; it shares the machine's 2 cores with the server.
 */
import { Socket, connect } from 'node:net';
import { writeValue } from './dataset.js';

/** Writes key `i` into `out` at `off`; returns its length in bytes (at most {@link MAX_KEY_WRITER_BYTES}). */
export type KeyWriter = (i: number, out: Buffer, off: number) => number;

/** Longest key a {@link KeyWriter} may write, bytes. */
export const MAX_KEY_WRITER_BYTES = 64;

/**
 * redis-benchmark's key for `-r`: `key:` and the index as 12 decimal digits (`key:000000001234`, 16 bytes), the
 * keys `redis-benchmark -t get,set -r N` reads and writes.
 */
export const benchmarkKeyWriter: KeyWriter = (i, out, off) => {
  out.write('key:', off, 'latin1');
  let n = i;
  for (let p = off + 15; p >= off + 4; p--) {
    const d = n % 10;
    out[p] = 0x30 + d;
    n = (n - d) / 10;
  }
  return 16;
};

/**
 * Counts complete top-level RESP2 replies in a byte stream fed chunk by chunk: simple strings, errors, integers and
 * bulk strings (a bulk payload is skipped, not copied). Arrays are not supported (the generator sends only SET and
 * GET). Keeps the text of the first error reply.
 */
export class ReplyCounter {
  /** Complete replies so far. */
  replies = 0;
  /** Error replies (`-...`) so far. */
  errors = 0;
  /** Nil bulk replies (`$-1`, a GET miss) so far. */
  nils = 0;
  /** Text of the first error reply (up to 200 characters). */
  firstError: string | undefined;
  /** Bytes of the current bulk payload (+ CRLF) still to skip. */
  private skip = 0;
  /** Type byte of the header line being read; 0 = at the start of a reply. */
  private type = 0;
  private num = 0;
  private neg = false;
  private errText = '';

  /** Consumes a chunk; returns the number of replies it completed. */
  feed(b: Buffer): number {
    let i = 0;
    const n = b.length;
    let done = 0;
    while (i < n) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, n - i);
        this.skip -= take;
        i += take;
        if (this.skip === 0) done++;
        continue;
      }
      const c = b[i++]!;
      if (this.type === 0) {
        if (c === 0x2a) throw new Error('ReplyCounter: array replies are not supported');
        this.type = c;
        this.num = 0;
        this.neg = false;
        continue;
      }
      if (c === 0x0a) {
        const t = this.type;
        this.type = 0;
        if (t === 0x24) {
          if (this.neg) {
            this.nils++;
            done++;
          } else this.skip = this.num + 2;
        } else {
          if (t === 0x2d) {
            this.errors++;
            if (this.firstError === undefined) this.firstError = this.errText.trim();
            this.errText = '';
          }
          done++;
        }
        continue;
      }
      if (this.type === 0x24) {
        if (c === 0x2d) this.neg = true;
        else if (c >= 0x30 && c <= 0x39) this.num = this.num * 10 + (c - 0x30);
      } else if (this.type === 0x2d && this.firstError === undefined && this.errText.length < 200 && c !== 0x0d) {
        this.errText += String.fromCharCode(c);
      }
    }
    this.replies += done;
    return done;
  }
}

/** Opens a TCP connection with Nagle off; rejects after `timeoutMs` (default 5000). */
export function openSocket(host: string, port: number, timeoutMs = 5000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    s.setNoDelay(true);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      s.destroy();
      reject(e);
    });
  });
}

/** Outcome of {@link loadKeys}. */
export interface LoadResult {
  /** Wall-clock time from the first write to the last reply, milliseconds. */
  ms: number;
  replies: number;
  errors: number;
  firstError?: string;
}

/**
 * Loads keys 0..n-1 (named by `writeKey`) with `SET key value` over one pipelined connection, values of
 * `valueBytes` bytes from dataset.ts (deterministic from `seed` and the index). At most `window` commands are
 * unanswered at any time (backpressure; ~window × 140 bytes in flight). Rejects if the connection fails or no reply
 * arrives for `stallMs` milliseconds.
 */
export async function loadKeys(
  host: string,
  port: number,
  n: number,
  writeKey: KeyWriter,
  valueBytes: number,
  seed: number,
  opts: { window?: number; batch?: number; stallMs?: number } = {},
): Promise<LoadResult> {
  const window = opts.window ?? 16384;
  const batch = Math.min(opts.batch ?? 2048, window);
  const stallMs = opts.stallMs ?? 60_000;
  const sock = await openSocket(host, port);
  const counter = new ReplyCounter();
  const vlenHead = Buffer.from(`\r\n$${valueBytes}\r\n`, 'latin1');
  const cmdHead = Buffer.from('*3\r\n$3\r\nSET\r\n$', 'latin1');
  const maxCmd = cmdHead.length + 4 + MAX_KEY_WRITER_BYTES + vlenHead.length + valueBytes + 2;
  const keyTmp = Buffer.allocUnsafe(MAX_KEY_WRITER_BYTES);
  let sent = 0;
  const t0 = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => reject(new Error(`load: no reply for ${stallMs} ms after ${counter.replies} of ${n} replies`)), stallMs);
      };
      const pump = (): void => {
        while (sent < n && sent - counter.replies < window) {
          const k = Math.min(batch, n - sent);
          const buf = Buffer.allocUnsafe(k * maxCmd);
          let off = 0;
          for (let j = 0; j < k; j++) {
            const i = sent + j;
            const kl = writeKey(i, keyTmp, 0);
            off += cmdHead.copy(buf, off);
            off += buf.write(String(kl), off, 'latin1');
            buf[off++] = 0x0d;
            buf[off++] = 0x0a;
            off += keyTmp.copy(buf, off, 0, kl);
            off += vlenHead.copy(buf, off);
            writeValue(seed, i, valueBytes, buf, off);
            off += valueBytes;
            buf[off++] = 0x0d;
            buf[off++] = 0x0a;
          }
          sock.write(buf.subarray(0, off));
          sent += k;
        }
      };
      sock.on('data', (chunk: Buffer) => {
        try {
          counter.feed(chunk);
        } catch (e) {
          clearTimeout(timer);
          reject(e as Error);
          return;
        }
        arm();
        if (counter.replies >= n) {
          clearTimeout(timer);
          resolve();
        } else pump();
      });
      sock.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      sock.on('close', () => {
        clearTimeout(timer);
        if (counter.replies < n) reject(new Error(`load: connection closed after ${counter.replies} of ${n} replies`));
      });
      arm();
      if (n === 0) {
        clearTimeout(timer);
        resolve();
      } else pump();
    });
  } finally {
    sock.destroy();
  }
  return { ms: performance.now() - t0, replies: counter.replies, errors: counter.errors, ...(counter.firstError !== undefined ? { firstError: counter.firstError } : {}) };
}

/**
 * A closed-loop pipelined GET load: `conns` connections, each sends `depth` GETs at once, waits for all `depth`
 * replies, and sends the next batch, until {@link GetLoad.stop}. Keys come from `chooser`, which may be replaced
 * at any time (the next batch uses the new one). `replies` counts every reply since start (read it to get rates).
 */
export class GetLoad {
  /** The key-index generator used for the next batch. */
  chooser: () => number;
  private readonly counters: ReplyCounter[] = [];
  private readonly sockets: Socket[] = [];
  /** Per connection: sends its next batch (or, once stopped, reports the connection drained). */
  private readonly senders: (() => void)[] = [];
  private running = false;
  private failure: Error | undefined;
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private readonly keyTmp = Buffer.allocUnsafe(MAX_KEY_WRITER_BYTES);

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly conns: number,
    private readonly depth: number,
    chooser: () => number,
    private readonly writeKey: KeyWriter,
  ) {
    this.chooser = chooser;
  }

  /** Replies received on all connections. */
  get replies(): number {
    let s = 0;
    for (const c of this.counters) s += c.replies;
    return s;
  }

  /** Error replies received on all connections. */
  get errors(): number {
    let s = 0;
    for (const c of this.counters) s += c.errors;
    return s;
  }

  /** Nil replies (misses) received on all connections. */
  get nils(): number {
    let s = 0;
    for (const c of this.counters) s += c.nils;
    return s;
  }

  /** First error reply seen, if any. */
  get firstError(): string | undefined {
    return this.counters.find((c) => c.firstError !== undefined)?.firstError;
  }

  /** The error that stopped a connection (a socket error or a close while running), if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Connects all connections and starts sending. */
  async start(): Promise<void> {
    for (let i = 0; i < this.conns; i++) {
      const s = await openSocket(this.host, this.port);
      const counter = new ReplyCounter();
      this.sockets.push(s);
      this.counters.push(counter);
      let outstanding = 0;
      const send = (): void => {
        if (!this.running) {
          this.inFlight--;
          if (this.inFlight === 0) this.drained?.();
          return;
        }
        outstanding = this.depth;
        s.write(this.batch());
      };
      this.senders.push(send);
      s.on('data', (chunk: Buffer) => {
        try {
          outstanding -= counter.feed(chunk);
        } catch (e) {
          this.fail(e as Error);
          return;
        }
        if (outstanding === 0) send();
      });
      s.on('error', (e) => this.fail(e));
      s.on('close', () => {
        if (this.running) this.fail(new Error('GET load: connection closed by the server'));
      });
    }
    this.running = true;
    this.inFlight = this.conns;
    for (const send of this.senders) send();
  }

  /** Stops sending, waits (at most `timeoutMs`, default 10000) for the batches in flight, closes the sockets. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.running) {
      this.running = false;
      await Promise.race([new Promise<void>((r) => (this.drained = r)), new Promise<void>((r) => setTimeout(r, timeoutMs))]);
    }
    for (const s of this.sockets) s.destroy();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.running = false;
    for (const s of this.sockets) s.destroy();
    this.inFlight = 0;
    this.drained?.();
  }

  /** `depth` GET commands for keys from the chooser, in one buffer. */
  private batch(): Buffer {
    const buf = Buffer.allocUnsafe(this.depth * (20 + MAX_KEY_WRITER_BYTES));
    let off = 0;
    const k = this.keyTmp;
    for (let j = 0; j < this.depth; j++) {
      const kl = this.writeKey(this.chooser(), k, 0);
      buf[off++] = 0x2a; // *2\r\n$3\r\nGET\r\n$
      buf[off++] = 0x32;
      buf[off++] = 0x0d;
      buf[off++] = 0x0a;
      buf[off++] = 0x24;
      buf[off++] = 0x33;
      buf[off++] = 0x0d;
      buf[off++] = 0x0a;
      buf[off++] = 0x47;
      buf[off++] = 0x45;
      buf[off++] = 0x54;
      buf[off++] = 0x0d;
      buf[off++] = 0x0a;
      buf[off++] = 0x24;
      if (kl >= 10) buf[off++] = 0x30 + Math.floor(kl / 10);
      buf[off++] = 0x30 + (kl % 10);
      buf[off++] = 0x0d;
      buf[off++] = 0x0a;
      off += k.copy(buf, off, 0, kl);
      buf[off++] = 0x0d;
      buf[off++] = 0x0a;
    }
    return buf.subarray(0, off);
  }
}
