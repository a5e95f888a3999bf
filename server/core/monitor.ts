/**
 * MONITOR (Redis 7.0 src/replication.c replicationFeedMonitors): every command run by any client, once it has run,
 * is shown to the clients in monitor mode as one simple-string line,
 *
 *   +<unix time, 6 decimals> [0 <ip:port>] "<arg>" "<arg>" ...
 *
 * (`[0 unix:<unixsocket>]` for a Unix-socket client), each argument quoted and escaped as Redis's sdscatrepr does
 * (`\"`, `\\`, `\n`, `\r`, `\t`, `\a`, `\b`, `\xhh` for any other byte outside 0x20..0x7e). What Redis shows is what
 * is shown here: commands rejected before running (unknown, wrong arity, NOAUTH, OOM, queued in MULTI) are not
 * shown, queued commands are shown when EXEC runs them (then `exec` itself), admin commands (CONFIG, CLIENT LIST,
 * MONITOR, SLOWLOG...) never are, and the secrets of AUTH / HELLO AUTH are `(redacted)` (core/slowlog.ts
 * redactedArgs). The lines are simple strings in RESP3 too, as in Redis.
 *
 * Cost: with no monitor attached, dispatch pays one length test per command (server-core.ts `execute`). With
 * monitors, each line is encoded once into a Buffer shared by every monitor: a monitor whose replies are being
 * batched right now (it ran the command itself) gets it through the shared ReplyWriter, in order with its replies;
 * the others collect it and get one socket write per event-loop turn. A monitor is a client of class `normal` for
 * `client-output-buffer-limit` (Redis 7.0 getClientType counts monitors as normal clients).
 */
import type { Socket } from 'node:net';
import type { Argv } from '../../protocol/argv.js';
import type { ReplyWriter } from '../../protocol/reply-writer.js';
import type { Client } from './client.js';
import { redactedArgs } from './slowlog.js';
import { outputLimitReached } from '../pubsub/pubsub.js';

/** What the monitors need from the server (ServerCore satisfies it). */
export interface MonitorHost {
  readonly writer: ReplyWriter;
  readonly config: { readonly clientOutputBufferLimit: readonly number[]; readonly unixsocket: string };
  readonly stats: { totalNetOutputBytes: number };
  readonly log: { warn(obj: object, msg: string): void };
  closeClient(c: Client): void;
}

const REDACTED = Buffer.from('"(redacted)"', 'latin1');
/**
 * Unsent output (bytes) at which a monitor is disconnected even when `client-output-buffer-limit normal` is 0 0 0
 * (Redis's default, under which a monitor that does not read grows without bound): the same 64 MiB at which
 * server.ts stops serving any client's own pipeline.
 */
export const MONITOR_OUTPUT_CAP = 64 * 1024 * 1024;
const HEX = '0123456789abcdef';

/** The clients in monitor mode and the fan-out of their lines. */
export class Monitors {
  /** Monitors, in the order they ran MONITOR. */
  readonly clients: Client[] = [];
  /** Per monitor: lines not yet handed to its socket. */
  private readonly pending = new Map<Client, Buffer[]>();
  private flushScheduled = false;
  /** The client whose replies the shared writer is batching (server.ts processInput), or null. */
  private batch: Client | null = null;
  /** Scratch space a line is encoded into before it is copied out once. */
  private scratch = Buffer.allocUnsafe(4096);

  constructor(private readonly host: MonitorHost) {}

  /** Monitors attached (dispatch's only test when none is). */
  get count(): number {
    return this.clients.length;
  }

  /** MONITOR: `c` enters monitor mode. @returns false when it already is (Redis then answers nothing) */
  add(c: Client): boolean {
    if (c.monitor) return false;
    c.monitor = true;
    this.clients.push(c);
    return true;
  }

  /** Leaves monitor mode (RESET, disconnection). Idempotent. */
  remove(c: Client): void {
    if (!c.monitor) return;
    c.monitor = false;
    const i = this.clients.indexOf(c);
    if (i >= 0) this.clients.splice(i, 1);
    this.pending.delete(c);
  }

  /**
   * Starts (c) or ends (null) the batch of a client's replies (server.ts processInput): lines for that client, if
   * it is a monitor, then go through the writer; those still pending for it are written to its socket first.
   */
  setBatch(c: Client | null): void {
    if (c !== null && c.monitor) this.flushOne(c);
    this.batch = c;
  }

  /** Shows the command `argv` that client `c` just ran to every monitor. */
  feed(c: Client, argv: Argv): void {
    const line = this.encode(c, argv);
    const host = this.host;
    const limits = host.config.clientOutputBufferLimit;
    for (let i = 0; i < this.clients.length; i++) {
      const m = this.clients[i]!;
      if (m.closing) continue;
      if (m === this.batch) {
        host.writer.raw(line);
        continue;
      }
      let list = this.pending.get(m);
      if (list === undefined) this.pending.set(m, (list = []));
      list.push(line);
      host.stats.totalNetOutputBytes += line.length;
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        process.nextTick(this.flushAll);
      }
      {
        let bytes = 0;
        for (const b of list) bytes += b.length; // this turn's lines only: they are flushed every turn
        const used = m.outputMemory() + bytes;
        if (used >= MONITOR_OUTPUT_CAP || outputLimitReached(m, used, limits)) {
          host.log.warn({ client: m.addr, pendingBytes: used }, 'closing client for overcoming of output buffer limits');
          this.remove(m);
          host.closeClient(m);
          i--;
        }
      }
    }
  }

  /** Lines pending for `c` (bytes): part of its output memory. */
  pendingBytes(c: Client): number {
    const list = this.pending.get(c);
    if (list === undefined) return 0;
    let n = 0;
    for (const b of list) n += b.length;
    return n;
  }

  /** The line for `argv` run by `c`, encoded once. */
  private encode(c: Client, argv: Argv): Buffer {
    const ms = performance.timeOrigin + performance.now();
    const sec = Math.floor(ms / 1000);
    const usec = Math.min(999999, Math.floor((ms - sec * 1000) * 1000));
    const who = c.socket !== null && c.socket.remoteAddress === undefined ? `unix:${this.host.config.unixsocket}` : c.addr;
    const head = `+${sec}.${String(usec).padStart(6, '0')} [0 ${who}] `;
    // Worst case: every byte as \xhh (4 bytes), plus quotes and separators.
    let need = head.length + 2;
    for (let j = 0; j < argv.argc; j++) need += argv.argLen[j] * 4 + 3;
    if (need > this.scratch.length) this.scratch = Buffer.allocUnsafe(Math.max(need, this.scratch.length * 2));
    const out = this.scratch;
    let p = out.write(head, 0, 'latin1');
    // Only AUTH and HELLO can carry secrets here (CONFIG SET is an admin command, never shown): test the name's
    // length before making a string of it.
    const nameLen = argv.argLen[0];
    const redact = nameLen === 4 || nameLen === 5 ? redactedArgs(argv) : null;
    const b = argv.buf;
    for (let j = 0; j < argv.argc; j++) {
      if (j > 0) out[p++] = 0x20;
      if (redact !== null && redact.has(j)) {
        REDACTED.copy(out, p);
        p += REDACTED.length;
        continue;
      }
      out[p++] = 0x22;
      const end = argv.argOff[j] + argv.argLen[j];
      for (let i = argv.argOff[j]; i < end; i++) {
        const ch = b[i]!;
        if (ch === 0x5c || ch === 0x22) {
          out[p++] = 0x5c;
          out[p++] = ch;
        } else if (ch >= 0x20 && ch <= 0x7e) out[p++] = ch;
        else if (ch === 0x0a) p = esc(out, p, 0x6e);
        else if (ch === 0x0d) p = esc(out, p, 0x72);
        else if (ch === 0x09) p = esc(out, p, 0x74);
        else if (ch === 0x07) p = esc(out, p, 0x61);
        else if (ch === 0x08) p = esc(out, p, 0x62);
        else {
          out[p++] = 0x5c;
          out[p++] = 0x78;
          out[p++] = HEX.charCodeAt(ch >> 4);
          out[p++] = HEX.charCodeAt(ch & 15);
        }
      }
      out[p++] = 0x22;
    }
    out[p++] = 0x0d;
    out[p++] = 0x0a;
    return Buffer.from(out.subarray(0, p));
  }

  /** Writes the lines pending for `c` to its socket. */
  private flushOne(c: Client): void {
    const list = this.pending.get(c);
    if (list === undefined) return;
    this.pending.delete(c);
    const sock = c.socket as Socket | null;
    if (sock === null || sock.destroyed || c.closing) return;
    sock.write(list.length === 1 ? list[0]! : Buffer.concat(list));
    c.unsentAfterFlush = sock.writableLength;
  }

  /** Writes every monitor's pending lines (once per event-loop turn). */
  private readonly flushAll = (): void => {
    this.flushScheduled = false;
    for (const c of [...this.pending.keys()]) this.flushOne(c);
  };
}

/** Writes `\<letter>` at `p`. @returns the position after it */
function esc(out: Buffer, p: number, letter: number): number {
  out[p] = 0x5c;
  out[p + 1] = letter;
  return p + 2;
}
