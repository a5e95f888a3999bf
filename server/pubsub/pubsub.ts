/**
 * Pub/Sub: the registry of channels, patterns and shard channels, and message fan-out (Redis 7.0 src/pubsub.c).
 *
 * Registry: channel name (bytes as a latin1 string) → the subscribed clients, in subscription order (Redis 7.0 keeps
 * a list per channel); pattern → its bytes and clients; the same for shard channels. Each client keeps its own
 * subscriptions in `Client.pubsub` (null while it has none: a client with any subscription is in pub/sub mode,
 * Redis's CLIENT_PUBSUB flag), so that leaving — UNSUBSCRIBE with no argument, or a disconnection — is
 * O(its subscriptions).
 *
 * Fan-out: PUBLISH encodes the message frame once (RESP2 `*3`/`*4`; the RESP3 `>` form is the same bytes with
 * another first byte, copied once per publish, only when a RESP3 subscriber exists) and writes the same Buffer to
 * every subscriber's socket. Writes to one socket within one tick are corked and flushed together on the next
 * tick (one writev per subscriber per publisher read, as Redis writes each client's buffer once per event-loop
 * turn). The subscriber whose own replies are being batched by the shared ReplyWriter (a RESP3 client that
 * publishes to itself, or whose command triggers a keyspace event it listens to) gets the message through the
 * writer instead, so it stays in order with its replies. Unsent messages are in the socket's `writableLength`,
 * which is what the output limits count (client.ts `outputMemory`); over `client-output-buffer-limit pubsub` the
 * subscriber is disconnected, as Redis does.
 */
import type { Socket } from 'node:net';
import { digitCount, type ReplyWriter } from '../../protocol/reply-writer.js';
import type { Client } from '../core/client.js';
import { globMatch } from '../keyspace/glob.js';

/** Subscriptions of one client. */
export class ClientPubSub {
  /** Channels, patterns and shard channels (latin1 strings of their bytes), in subscription order. */
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shard = new Set<string>();
  /**
   * Messages for this client not yet handed to its socket (written on the next tick): runs of the frame log
   * already closed (null: none), then the open run `runChunk[runStart, runEnd)` (runChunk null: none), and their
   * total bytes.
   */
  pending: Buffer[] | null = null;
  runChunk: Buffer | null = null;
  runStart = 0;
  runEnd = 0;
  pendingBytes = 0;

  /** Channels + patterns (Redis clientSubscriptionsCount: the count in (P)(UN)SUBSCRIBE replies). */
  count(): number {
    return this.channels.size + this.patterns.size;
  }

  /** Every subscription, shard channels included (Redis clientTotalPubSubSubscriptionCount). */
  total(): number {
    return this.channels.size + this.patterns.size + this.shard.size;
  }
}

/** A pattern of the registry: its bytes (for matching and for pmessage frames) and its clients. */
interface PatternEntry {
  readonly bytes: Buffer;
  readonly clients: Set<Client>;
}

/** What the registry needs from the server (ServerCore satisfies it). */
export interface PubSubHost {
  readonly writer: ReplyWriter;
  readonly config: { readonly clientOutputBufferLimit: readonly number[] };
  readonly stats: { totalNetOutputBytes: number };
  readonly log: { warn(obj: object, msg: string): void };
  /** Closes a client's connection at once (server.ts destroyClient). */
  closeClient(c: Client): void;
}

/** Offsets of the classes in `Config.clientOutputBufferLimit` (normal, replica, pubsub: hard, soft, seconds each). */
const OBUF_NORMAL = 0;
const OBUF_PUBSUB = 6;

/**
 * `client-output-buffer-limit` with Redis's semantics (networking.c checkClientOutputBufferLimits), for the class
 * of `c` (pubsub while it has subscriptions, else normal): true when `used` bytes reach the hard limit, or have stayed
 * at or above the soft limit for more than its seconds (tracked in `c.softLimitSince`).
 */
export function outputLimitReached(c: Client, used: number, limits: readonly number[]): boolean {
  const o = c.pubsub !== null && limits.length > OBUF_PUBSUB ? OBUF_PUBSUB : OBUF_NORMAL;
  const hard = limits[o]!;
  const soft = limits[o + 1]!;
  if (hard === 0 && soft === 0) return false;
  if (hard > 0 && used >= hard) return true;
  if (soft > 0 && used >= soft) {
    const now = Date.now();
    if (c.softLimitSince === 0) c.softLimitSince = now;
    else return Math.floor((now - c.softLimitSince) / 1000) > limits[o + 2]!;
  } else {
    c.softLimitSince = 0;
  }
  return false;
}

/** Commands a RESP2 client in pub/sub mode may run (Redis 7.0 processCommand). */
export const SUBSCRIBED_MODE_COMMANDS: ReadonlySet<string> = new Set([
  'ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset',
]);

/** The error a RESP2 client in pub/sub mode gets for any other command. */
export function subscribedModeError(fullName: string): string {
  return `ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
}

const MESSAGE = Buffer.from('$7\r\nmessage\r\n', 'latin1');
const PMESSAGE = Buffer.from('$8\r\npmessage\r\n', 'latin1');
const SMESSAGE = Buffer.from('$8\r\nsmessage\r\n', 'latin1');

/** Writes `$<len>\r\n<bytes>\r\n` at `p`. @returns the position after it */
function putBulk(out: Buffer, p: number, src: Uint8Array, off: number, len: number): number {
  out[p++] = 0x24;
  const d = digitCount(len);
  for (let i = d - 1, n = len; i >= 0; i--, n = Math.floor(n / 10)) out[p + i] = 0x30 + (n % 10);
  p += d;
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  if (len <= 32) for (let i = 0; i < len; i++) out[p + i] = src[off + i]!;
  else out.set(src.subarray(off, off + len), p);
  p += len;
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  return p;
}

/** Bytes of a RESP2 message frame: `*3` type channel message, or `*4` pmessage pattern channel message. */
function frameSize(type: Buffer, pat: Buffer | null, chLen: number, msgLen: number): number {
  const bulkSize = (l: number): number => 1 + digitCount(l) + 2 + l + 2;
  return 4 + type.length + (pat !== null ? bulkSize(pat.length) : 0) + bulkSize(chLen) + bulkSize(msgLen);
}

/** Encodes that frame at `out[p]`. */
function writeFrame(
  out: Buffer,
  p: number,
  type: Buffer,
  pat: Buffer | null,
  ch: Uint8Array,
  chOff: number,
  chLen: number,
  msg: Uint8Array,
  msgOff: number,
  msgLen: number,
): void {
  out[p] = 0x2a;
  out[p + 1] = pat !== null ? 0x34 : 0x33;
  out[p + 2] = 0x0d;
  out[p + 3] = 0x0a;
  p += 4;
  out.set(type, p);
  p += type.length;
  if (pat !== null) p = putBulk(out, p, pat, 0, pat.length);
  p = putBulk(out, p, ch, chOff, chLen);
  putBulk(out, p, msg, msgOff, msgLen);
}

/** Size of a frame log chunk (see PubSub): frames of one tick are encoded one after the other into it. */
const LOG_CHUNK = 256 * 1024;

/** The server's pub/sub state. */
export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, PatternEntry>();
  readonly shardChannels = new Map<string, Set<Client>>();
  private batch: Client | null = null;
  /** Subscribers with pending messages, written by `flushPending` on the next tick. */
  private readonly pendingClients: Client[] = [];
  /**
   * The frame log: each published frame is encoded once at `log[logPos]`, and every subscriber's pending
   * messages are runs of it (consecutive frames to the same subscriber extend one run: no copy, no allocation).
   * Sockets are handed views of it; when all of them wrote everything at once, the next tick starts again at 0,
   * else a new chunk is taken (the old one lives as long as a socket holds a view).
   */
  private log: Buffer = Buffer.allocUnsafeSlow(LOG_CHUNK);
  private logPos = 0;
  /** A socket may still hold a view of `log`: never rewind it. */
  private logHeld = false;
  /** The frame being delivered: `log[f2, f2End)`, its RESP3 copy `log[f3, f3End)` (f3 -1: not made yet). */
  private f2 = 0;
  private f2End = 0;
  private f3 = -1;
  private f3End = 0;

  constructor(private readonly host: PubSubHost) {}

  /**
   * The client whose replies the shared ReplyWriter is batching right now (server.ts processInput sets it for the
   * duration of a batch), or null: messages for it go through the writer, in order with its replies. Messages
   * still pending for it are written to its socket first.
   */
  get batchClient(): Client | null {
    return this.batch;
  }

  set batchClient(c: Client | null) {
    if (c !== null && c.pubsub !== null && c.pubsub.runChunk !== null) this.flushOne(c, c.pubsub);
    this.batch = c;
  }

  /** True when anything at all is subscribed (channels or patterns): PUBLISH and keyspace events can reach someone. */
  hasSubscribers(): boolean {
    return this.channels.size !== 0 || this.patterns.size !== 0;
  }

  // Subscriptions -------------------------------------------------------------------------------------------

  private subsOf(c: Client): ClientPubSub {
    let s = c.pubsub;
    if (s === null) c.pubsub = s = new ClientPubSub();
    return s;
  }

  /** Leaves pub/sub mode once nothing is subscribed. */
  private maybeLeave(c: Client): void {
    if (c.pubsub !== null && c.pubsub.total() === 0) c.pubsub = null;
  }

  /** SUBSCRIBE / SSUBSCRIBE of one channel (latin1 string of its bytes). @returns false when already subscribed */
  subscribe(c: Client, name: string, shard: boolean): boolean {
    const s = this.subsOf(c);
    const mine = shard ? s.shard : s.channels;
    if (mine.has(name)) return false;
    mine.add(name);
    const reg = shard ? this.shardChannels : this.channels;
    let set = reg.get(name);
    if (set === undefined) reg.set(name, (set = new Set()));
    set.add(c);
    return true;
  }

  /** UNSUBSCRIBE / SUNSUBSCRIBE of one channel. @returns false when not subscribed */
  unsubscribe(c: Client, name: string, shard: boolean): boolean {
    const s = c.pubsub;
    if (s === null) return false;
    const mine = shard ? s.shard : s.channels;
    if (!mine.delete(name)) return false;
    const reg = shard ? this.shardChannels : this.channels;
    const set = reg.get(name);
    if (set !== undefined) {
      set.delete(c);
      if (set.size === 0) reg.delete(name);
    }
    this.maybeLeave(c);
    return true;
  }

  /** PSUBSCRIBE of one pattern. @returns false when already subscribed */
  psubscribe(c: Client, name: string): boolean {
    const s = this.subsOf(c);
    if (s.patterns.has(name)) return false;
    s.patterns.add(name);
    let e = this.patterns.get(name);
    if (e === undefined) this.patterns.set(name, (e = { bytes: Buffer.from(name, 'latin1'), clients: new Set() }));
    e.clients.add(c);
    return true;
  }

  /** PUNSUBSCRIBE of one pattern. @returns false when not subscribed */
  punsubscribe(c: Client, name: string): boolean {
    const s = c.pubsub;
    if (s === null || !s.patterns.delete(name)) return false;
    const e = this.patterns.get(name);
    if (e !== undefined) {
      e.clients.delete(c);
      if (e.clients.size === 0) this.patterns.delete(name);
    }
    this.maybeLeave(c);
    return true;
  }

  /** Drops every subscription of a client that goes away (disconnection, kill, output limit). Idempotent. */
  removeClient(c: Client): void {
    const s = c.pubsub;
    if (s === null) return;
    for (const name of [...s.channels]) this.unsubscribe(c, name, false);
    for (const name of [...s.shard]) this.unsubscribe(c, name, true);
    for (const name of [...s.patterns]) this.punsubscribe(c, name);
    c.pubsub = null;
  }

  // Fan-out -------------------------------------------------------------------------------------------------

  /**
   * PUBLISH (or SPUBLISH with `shard`) of `msg[msgOff, +msgLen)` to channel `ch[chOff, +chLen)`: every subscriber
   * of the channel, then (not for shard channels) every subscriber of each matching pattern.
   * @returns the number of messages delivered (Redis's receivers count)
   */
  publish(ch: Uint8Array, chOff: number, chLen: number, msg: Uint8Array, msgOff: number, msgLen: number, shard = false): number {
    let receivers = 0;
    const reg = shard ? this.shardChannels : this.channels;
    if (reg.size !== 0) {
      const set = this.lookupChannel(reg, ch, chOff, chLen);
      if (set !== undefined) {
        this.encode(shard ? SMESSAGE : MESSAGE, null, ch, chOff, chLen, msg, msgOff, msgLen);
        for (const c of set) {
          this.deliver(c);
          receivers++;
        }
      }
    }
    if (!shard && this.patterns.size !== 0) {
      for (const e of this.patterns.values()) {
        if (!globMatch(e.bytes, 0, e.bytes.length, ch, chOff, chLen, false)) continue;
        this.encode(PMESSAGE, e.bytes, ch, chOff, chLen, msg, msgOff, msgLen);
        for (const c of e.clients) {
          this.deliver(c);
          receivers++;
        }
      }
    }
    return receivers;
  }

  /** The last channel PUBLISH looked up: its name, bytes and registry (publishers tend to repeat a channel). */
  private lastName = '';
  private lastBytes: Buffer = Buffer.alloc(0);
  private lastReg: Map<string, Set<Client>> | null = null;

  /** The subscribers of channel `ch[chOff, +chLen)` in `reg`, without making its name again for a repeated channel. */
  private lookupChannel(reg: Map<string, Set<Client>>, ch: Uint8Array, chOff: number, chLen: number): Set<Client> | undefined {
    const last = this.lastBytes;
    if (reg === this.lastReg && last.length === chLen) {
      let same = true;
      for (let i = 0; i < chLen; i++) {
        if (last[i] !== ch[chOff + i]) {
          same = false;
          break;
        }
      }
      if (same) return reg.get(this.lastName);
    }
    const name = Buffer.prototype.toString.call(ch, 'latin1', chOff, chOff + chLen);
    if (chLen <= 256) {
      this.lastName = name;
      this.lastBytes = Buffer.from(ch.subarray(chOff, chOff + chLen));
      this.lastReg = reg;
    }
    return reg.get(name);
  }

  /** Room for `n` more bytes in the frame log (rewinding it when nothing references it, else a new chunk). */
  private logRoom(n: number): void {
    if (this.pendingClients.length === 0 && !this.logHeld) this.logPos = 0;
    if (this.logPos + n <= this.log.length) return;
    this.log = Buffer.allocUnsafeSlow(Math.max(LOG_CHUNK, n));
    this.logPos = 0;
    this.logHeld = false;
  }

  /** Encodes the frame to deliver into the log (its RESP3 copy is made on demand). */
  private encode(type: Buffer, pat: Buffer | null, ch: Uint8Array, chOff: number, chLen: number, msg: Uint8Array, msgOff: number, msgLen: number): void {
    const size = frameSize(type, pat, chLen, msgLen);
    this.logRoom(size);
    writeFrame(this.log, this.logPos, type, pat, ch, chOff, chLen, msg, msgOff, msgLen);
    this.f2 = this.logPos;
    this.f2End = this.logPos += size;
    this.f3 = -1;
  }

  /**
   * Sends the frame being delivered to subscriber `c`: through the writer when `c` is the batch client, else as
   * pending bytes for its socket (written on the next tick, one write per subscriber).
   */
  private deliver(c: Client): void {
    const s = c.pubsub;
    if (s === null || c.closing) return;
    let start = this.f2;
    let end = this.f2End;
    if (c.proto === 3) {
      if (this.f3 < 0) {
        const size = end - start;
        if (this.logPos + size > this.log.length) {
          // Move the RESP2 frame into a new chunk along with its copy (runs already extended to it keep the old).
          const old = this.log;
          this.logRoom(2 * size);
          old.copy(this.log, this.logPos, start, end);
          this.f2 = this.logPos;
          this.f2End = this.logPos += size;
          start = this.f2;
          end = this.f2End;
        }
        this.log.copy(this.log, this.logPos, start, end);
        this.log[this.logPos] = 0x3e; // '>': a RESP3 push
        this.f3 = this.logPos;
        this.f3End = this.logPos += size;
      }
      start = this.f3;
      end = this.f3End;
    }
    const host = this.host;
    if (c === this.batch) {
      host.writer.raw(this.log.subarray(start, end));
      return;
    }
    if (c.socket === null) return;
    if (s.runChunk === this.log && s.runEnd === start) {
      s.runEnd = end;
    } else {
      if (s.runChunk !== null) {
        (s.pending ??= []).push(s.runChunk.subarray(s.runStart, s.runEnd));
      } else {
        // Nothing pending yet for this subscriber in this tick.
        if (this.pendingClients.length === 0) process.nextTick(this.flushPending);
        this.pendingClients.push(c);
      }
      s.runChunk = this.log;
      s.runStart = start;
      s.runEnd = end;
    }
    s.pendingBytes += end - start;
    host.stats.totalNetOutputBytes += end - start;
    if (outputLimitReached(c, c.outputMemory() + s.pendingBytes, host.config.clientOutputBufferLimit)) {
      host.log.warn({ client: c.addr, pendingBytes: c.outputMemory() + s.pendingBytes }, 'closing client for overcoming of output buffer limits');
      host.closeClient(c);
    }
  }

  /** Writes a subscriber's pending messages to its socket. */
  private flushOne(c: Client, s: ClientPubSub): void {
    const list = s.pending;
    const run = s.runChunk !== null ? s.runChunk.subarray(s.runStart, s.runEnd) : null;
    const bytes = s.pendingBytes;
    s.pending = null;
    s.runChunk = null;
    s.pendingBytes = 0;
    const sock = c.socket as Socket | null;
    if (sock === null || sock.destroyed || c.closing) return;
    if (list === null) {
      if (run === null) return;
      sock.write(run);
    } else {
      if (run !== null) list.push(run);
      sock.write(Buffer.concat(list, bytes));
    }
    c.unsentAfterFlush = sock.writableLength;
    if (c.unsentAfterFlush > 0) this.logHeld = true;
    // A write is interaction (CLIENT LIST idle; Redis writeToClient).
    c.lastInteraction = Date.now();
  }

  /** Writes the messages queued during the last tick. */
  private readonly flushPending = (): void => {
    const list = this.pendingClients;
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      const s = c.pubsub;
      if (s !== null && (s.runChunk !== null || s.pending !== null)) this.flushOne(c, s);
    }
    list.length = 0;
  };
}
