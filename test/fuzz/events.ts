/**
 * Keyspace notifications in a fuzz run: one subscriber connection per server (`PSUBSCRIBE __key*__:*`, RESP2),
 * with the same `notify-keyspace-events` flags set on both at the start of the run, and the two streams of
 * messages compared after every pipelined batch.
 *
 * Alignment. After a batch (or any step the runner executes), the runner calls {@link EventWatch.sync}: a
 * `PUBLISH` of a token on {@link SYNC_CHANNEL} (which the pattern matches) from each side's control connection.
 * A server sends a subscriber its messages in the order it published them, so once the token has arrived, every
 * event of the commands that ran before it has arrived too. The messages between two tokens form a segment; the
 * segments of the two sides are compared in order, message by message (channel and payload, byte for byte).
 *
 * What is compared, and why (the rule):
 * - every event of class K (`__keyspace@0__:<key>`, payload: the event) and E (`__keyevent@0__:<event>`, payload:
 *   the key) that a command causes, in order: the same commands ran in the same order on both servers, so Redis's
 *   events, their names, keys and order must be the same (README "Keyspace notifications");
 * - except `expired` and `evicted`: when a key is found expired depends on each server's active expiry cycle (its
 *   own timer and sampling), so the same expiry may be published in another segment, or not yet, on one side;
 *   and eviction does not happen in a fuzz run (its data stays far below maxmemory) but would follow each
 *   server's own policy. Both events are left out of the comparison (the reads and writes that find a key expired
 *   still publish their own events, e.g. `keymiss`, which are compared);
 * - except tierkv's own `migrate_prepare` event (it does not exist in Redis), should it appear outside a drop;
 * - except the segment of a drop step: MIGRATE_PREPARE drops tierkv's cold keys (one `migrate_prepare` event)
 *   while redis gets a `DEL` of the same keys (`del` events): the runner syncs before and after the drop and the
 *   segment in between is discarded on both sides. The keys' absence afterwards is compared by the replies and
 *   the final keyspace, and the drop's own events by test/integration/keyspace-events.test.ts.
 * - A subscriber disconnected by a command of the run (`CLIENT KILL TYPE pubsub`) must be disconnected on both
 *   sides at the same sync; both are then reopened and that segment is discarded. One side only is a divergence.
 *
 * Cost: two connections per run and one PUBLISH round trip per batch (under a millisecond on loopback).
 */
import net from 'node:net';

import { decodeReply, frameReply, showBytes } from '../support/resp.js';
import type { RawClient } from '../support/raw-client.js';

/** The pattern each subscriber listens to: keyspace and keyevent channels of every database. */
export const EVENT_PATTERN = '__key*__:*';
/** The channel of the sync tokens (matched by {@link EVENT_PATTERN}; no server publishes an event of that name). */
export const SYNC_CHANNEL = '__keyevent@0__:fuzz-events-sync';
/** Events left out of the comparison (see the module comment). */
export const UNCOMPARED_EVENTS: ReadonlySet<string> = new Set(['expired', 'evicted', 'migrate_prepare']);
/**
 * `notify-keyspace-events` values a run picks from (by its seed): everything, everything with `new` and `keymiss`,
 * and subsets of classes on one or both channel kinds.
 */
export const EVENT_FLAG_CHOICES = ['KEA', 'KEAnm', 'KA', 'EA', 'Kg$', 'E$n', 'KEgm', 'Kx$', 'KEA'] as const;

/** One message as received: its channel and payload. */
export interface EventMessage {
  channel: Buffer;
  payload: Buffer;
}

/** The event name of a message: the payload on a keyspace channel, the channel's suffix on a keyevent channel. */
export function eventName(m: EventMessage): string {
  const ch = m.channel.toString('latin1');
  if (ch.startsWith('__keyevent@')) return ch.slice(ch.indexOf(':') + 1);
  return m.payload.toString('latin1');
}

/** True when the message takes part in the comparison (see the module comment). */
export function compared(m: EventMessage): boolean {
  return !UNCOMPARED_EVENTS.has(eventName(m));
}

/** `__keyspace@0__:k set`-style text of a message, for reports. */
export function showEvent(m: EventMessage): string {
  return `${showBytes(m.channel, 60)} ${showBytes(m.payload, 60)}`;
}

/**
 * Compares two segments (already filtered).
 * @returns null when equal, else a description of the first difference and both segments' messages around it.
 */
export function compareSegments(a: readonly EventMessage[], b: readonly EventMessage[]): string | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== undefined && y !== undefined && x.channel.equals(y.channel) && x.payload.equals(y.payload)) continue;
    const around = (s: readonly EventMessage[]): string =>
      s.slice(Math.max(0, i - 2), i + 3).map(showEvent).join(' | ') || '(none)';
    return (
      `keyspace events differ at message ${i + 1} of the batch (tierkv ${a.length}, redis ${b.length} compared messages): ` +
      `tierkv ${x ? showEvent(x) : '(nothing)'}, redis ${y ? showEvent(y) : '(nothing)'}; around it, tierkv: ${around(a)}; redis: ${around(b)}`
    );
  }
  return null;
}

/** One server's subscriber: the messages received, read as they arrive. */
export class EventStream {
  private buf: Buffer = Buffer.alloc(0);
  private readonly messages: EventMessage[] = [];
  private waiter: { token: Buffer; resolve: (seg: EventMessage[] | null) => void } | null = null;
  private closedFlag = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closedFlag = true;
      const w = this.waiter;
      this.waiter = null;
      w?.resolve(null);
    });
  }

  /**
   * Connects, authenticates (`password` non-empty) and subscribes to {@link EVENT_PATTERN}.
   * @throws Error when the server refuses or does not confirm within `timeoutMs`.
   */
  static async open(host: string, port: number, password: string, timeoutMs: number): Promise<EventStream> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host, port });
      const timer = setTimeout(() => (s.destroy(), reject(new Error(`event subscriber: connect to ${host}:${port} timed out`))), timeoutMs);
      s.once('connect', () => (clearTimeout(timer), s.setNoDelay(true), resolve(s)));
      s.once('error', (e) => (clearTimeout(timer), reject(e)));
    });
    const es = new EventStream(socket);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`event subscriber on ${host}:${port}: no PSUBSCRIBE confirmation within ${timeoutMs} ms`)), timeoutMs);
      es.onConfirm = (err) => (clearTimeout(timer), err ? reject(err) : resolve());
    });
    if (password !== '') socket.write(`*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n`);
    socket.write(`*2\r\n$10\r\nPSUBSCRIBE\r\n$${EVENT_PATTERN.length}\r\n${EVENT_PATTERN}\r\n`);
    try {
      await ready;
    } catch (e) {
      socket.destroy();
      throw e;
    }
    return es;
  }

  private onConfirm: ((err?: Error) => void) | null = null;

  get closed(): boolean {
    return this.closedFlag;
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    let start = 0;
    for (;;) {
      const f = frameReply(this.buf, start);
      if (!f.complete) break;
      const frame = this.buf.subarray(start, f.end);
      start = f.end;
      this.onFrame(frame);
    }
    this.buf = start === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(start);
  }

  private onFrame(frame: Buffer): void {
    const v = decodeReply(frame, { buffers: true });
    if (!Array.isArray(v)) {
      // AUTH's +OK, or an error (wrong password, ...): only the confirmation matters.
      if (frame[0] === 0x2d) this.onConfirm?.(new Error(`event subscriber: ${showBytes(frame)}`));
      return;
    }
    const kind = String(v[0]);
    if (kind === 'psubscribe') {
      this.onConfirm?.();
      this.onConfirm = null;
      return;
    }
    if (kind !== 'pmessage' || v.length !== 4) return;
    const m: EventMessage = { channel: v[2] as Buffer, payload: v[3] as Buffer };
    const w = this.waiter;
    if (w !== null && m.channel.toString('latin1') === SYNC_CHANNEL && m.payload.equals(w.token)) {
      this.waiter = null;
      w.resolve(this.messages.splice(0));
      return;
    }
    this.messages.push(m);
  }

  /**
   * Waits for `token` on {@link SYNC_CHANNEL} (published by the caller after registering this wait).
   * @returns the messages received since the previous sync, or null if the connection closed first.
   * @throws Error after `timeoutMs`.
   */
  waitToken(token: Buffer, timeoutMs: number): { promise: Promise<EventMessage[] | null> } {
    if (this.closedFlag) return { promise: Promise.resolve(null) };
    const promise = new Promise<EventMessage[] | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`the sync token ${token.toString('latin1')} did not reach the event subscriber within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        token,
        resolve: (seg) => {
          clearTimeout(timer);
          resolve(seg);
        },
      };
    });
    return { promise };
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Where a side's subscriber connects, and its control connection (for the sync PUBLISH and CONFIG SET). */
export interface EventSide {
  host: string;
  port: number;
  password: string;
  ctl(): Promise<RawClient>;
}

/** The two subscribers of a run, and what was compared. */
export class EventWatch {
  private n = 0;
  /** Messages compared so far (both sides agree on them). */
  compared = 0;

  private constructor(
    private readonly sides: [EventSide, EventSide],
    private streams: [EventStream, EventStream],
    readonly flags: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Sets `notify-keyspace-events` to `flags` on both servers (control connections) and opens both subscribers.
   * @throws Error when a server refuses the flags or a subscriber cannot be opened.
   */
  static async start(tierkv: EventSide, redis: EventSide, flags: string, timeoutMs: number): Promise<EventWatch> {
    for (const s of [tierkv, redis]) {
      const r = (await (await s.ctl()).command('CONFIG', 'SET', 'notify-keyspace-events', flags)).toString('latin1');
      if (r !== '+OK\r\n') throw new Error(`CONFIG SET notify-keyspace-events ${flags} replied ${showBytes(r)}`);
    }
    const streams = await Promise.all([tierkv, redis].map((s) => EventStream.open(s.host, s.port, s.password, timeoutMs)));
    return new EventWatch([tierkv, redis], streams as [EventStream, EventStream], flags, timeoutMs);
  }

  /** Both sides' messages since the previous sync (see the module comment); null per side when its subscriber closed. */
  private async collect(): Promise<[EventMessage[] | null, EventMessage[] | null]> {
    const token = Buffer.from(`sync-${++this.n}`, 'latin1');
    const waits = this.streams.map((s) => s.waitToken(token, this.timeoutMs).promise);
    await Promise.all(
      this.sides.map(async (s) => {
        try {
          await (await s.ctl()).command('PUBLISH', SYNC_CHANNEL, token);
        } catch {
          // The batch killed the control connection (CLIENT KILL SKIPME yes) before its close was seen: once more, on
          // the connection ctl() then reopens.
          await (await s.ctl()).command('PUBLISH', SYNC_CHANNEL, token);
        }
      }),
    );
    return (await Promise.all(waits)) as [EventMessage[] | null, EventMessage[] | null];
  }

  /**
   * Compares the messages published since the previous sync.
   * @param discard true for a drop step's segment: read and thrown away on both sides.
   * @returns null when they agree (or were discarded), else the reason.
   */
  async sync(discard = false): Promise<string | null> {
    const [a, b] = await this.collect();
    if (a === null || b === null) {
      if (a !== null || b !== null) return `the event subscriber was disconnected on ${a === null ? 'tierkv' : 'redis'} only`;
      // Both disconnected by the same command (CLIENT KILL TYPE pubsub): reopen both, the segment is lost.
      this.destroy();
      this.streams = (await Promise.all(this.sides.map((s) => EventStream.open(s.host, s.port, s.password, this.timeoutMs)))) as [EventStream, EventStream];
      return null;
    }
    if (discard) return null;
    const fa = a.filter(compared);
    const fb = b.filter(compared);
    const reason = compareSegments(fa, fb);
    if (reason === null) this.compared += fa.length;
    return reason === null ? null : `${reason} (notify-keyspace-events ${this.flags})`;
  }

  destroy(): void {
    for (const s of this.streams) s.destroy();
  }
}
