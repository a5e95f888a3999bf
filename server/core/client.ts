/**
 * A connected client: its socket, request parser and session state (protocol version, authentication, name,
 * library info), plus what CLIENT LIST reports. One JS object per connection, never per command.
 */
import type { Socket } from 'node:net';
import { RequestParser, type ParserLimits } from '../../protocol/request-parser.js';
import type { Argv } from '../../protocol/argv.js';
import { noteReleased } from '../memory/gc.js';
import type { ClientPubSub } from '../pubsub/pubsub.js';

/** Session state of one connection. */
export class Client {
  /** RESP protocol version chosen with HELLO (2 until then). */
  proto: 2 | 3 = 2;
  authenticated: boolean;
  /** CLIENT SETNAME / HELLO SETNAME ('' when none). */
  name = '';
  /** CLIENT SETINFO LIB-NAME / LIB-VER. */
  libName = '';
  libVer = '';
  /** Creation time and time of the last command, ms since the epoch. */
  readonly createdAt: number;
  lastInteraction: number;
  /** Full name of the last command run (CLIENT LIST `cmd=`). */
  lastCmd = 'NULL';
  /** Close the connection once the pending replies are written (QUIT, protocol errors, CLIENT KILL). */
  closeAfterReply = false;
  /** True once the socket is closing; no more commands are read. */
  closing = false;
  /**
   * Waiting for the reply of a command that completes later (MIGRATE_PREPARE waits for the OS to take the memory
   * back, CLIENT PAUSE holds a command, BLPOP & co. wait for a key: core/blocking.ts); the client's next commands stay
   * buffered until then, so replies keep their order.
   */
  blocked = false;
  /** Commands queued since MULTI (copies of their arguments), or null outside a transaction. */
  multi: Argv[] | null = null;
  /** A command was rejected while queueing: EXEC must answer -EXECABORT. */
  multiDirty = false;
  /** A queued command is denyoom: EXEC is refused when out of memory. */
  multiDenyOom = false;
  /**
   * While EXEC runs the transaction: its number of commands (CLIENT LIST shows flag `x`, `multi=<n>` and
   * `cmd=exec` until it ends, as Redis does); -1 otherwise.
   */
  execCount = -1;
  /** Keys this client WATCHes (latin1 strings), each with whether it was there but expired when WATCHed; or null. */
  watched: Map<string, boolean> | null = null;
  /** A WATCHed key changed: EXEC must answer a null array. */
  watchDirty = false;
  /** Pub/sub subscriptions (server/pubsub/pubsub.ts), or null when subscribed to nothing (not in pub/sub mode). */
  pubsub: ClientPubSub | null = null;
  /**
   * May wait for CLIENT PAUSE to end (blocked, its command run later). False for the HTTP front's pseudo clients,
   * which answer at once: a command a pause holds gets `-PAUSED` (HTTP 503) instead.
   */
  canWait = true;
  /** In monitor mode (MONITOR; core/monitor.ts): CLIENT LIST flag `O`, may not run keyspace commands. */
  monitor = false;
  /** A batch of its replies waits for the end of the event-loop turn (server.ts flushDeferred). */
  deferred = false;
  /** Reads paused because the client does not read its replies fast enough. */
  paused = false;
  /** CLIENT NO-EVICT on (CLIENT LIST flag `e`) and CLIENT NO-TOUCH on (flag `T`); accepted, no other effect. */
  noEvict = false;
  noTouch = false;
  /** When the unsent output reached the soft output buffer limit (ms since the epoch), 0 while below it. */
  softLimitSince = 0;
  /**
   * Of the unsent output, bytes of arena values sent by reference (zero-copy, pinned: reply-writer.ts `bulkRef`),
   * less REF_OVERHEAD each: memory the keyspace already counts. Maintained by the reply writer's write callbacks.
   */
  refBytes = 0;
  /** The socket's unsent bytes right after the last flush (what a disconnect leaves to the garbage collector). */
  unsentAfterFlush = 0;
  /** "ip:port" of the peer and of the local end. */
  readonly addr: string;
  readonly laddr: string;
  /** The peer is on loopback or a Unix socket (for `enable-migrate-command local`). */
  readonly local: boolean;
  /**
   * The connection's file descriptor (CLIENT LIST / CLIENT INFO `fd=`): the libuv handle's fd where Node exposes
   * it (TCP and Unix sockets on POSIX systems), else -1, Redis's value for a client without a socket.
   */
  readonly fd: number;
  readonly parser: RequestParser;

  /**
   * @param id unique client id (CLIENT ID), increasing from 1
   * @param socket the connection (null for an in-process pseudo client)
   * @param limits parser limits shared with the server's config (mutated by CONFIG SET)
   * @param needsAuth true when requirepass is set at connection time
   * @param now current time, ms
   */
  constructor(
    readonly id: number,
    readonly socket: Socket | null,
    limits: ParserLimits,
    needsAuth: boolean,
    now: number,
  ) {
    this.authenticated = !needsAuth;
    this.createdAt = now;
    this.lastInteraction = now;
    this.parser = new RequestParser(limits);
    // Query buffers the parser drops (a big argument's, once its command ran) count toward the cron's forced GC.
    this.parser.onDrop = noteReleased;
    this.parser.requireAuth = needsAuth;
    this.parser.authenticated = !needsAuth;
    if (socket !== null) {
      const ra = socket.remoteAddress;
      this.addr = ra !== undefined ? `${formatHost(ra)}:${socket.remotePort ?? 0}` : '/unix:0';
      this.laddr = socket.localAddress !== undefined ? `${formatHost(socket.localAddress)}:${socket.localPort ?? 0}` : '/unix:0';
      this.local = ra === undefined || isLoopback(ra);
    } else {
      this.addr = '';
      this.laddr = '';
      this.local = true;
    }
    this.fd = socketFd(socket);
  }

  /** Reply bytes handed to the socket and not written to the kernel yet (bytes). */
  unsentBytes(): number {
    return this.socket !== null ? this.socket.writableLength : 0;
  }

  /**
   * Memory held by the unsent replies (bytes): the unsent bytes less the arena values they reference, which the
   * keyspace counts (CLIENT LIST `omem`, INFO `mem_clients_normal`).
   */
  outputMemory(): number {
    return Math.max(0, this.unsentBytes() - this.refBytes);
  }

  /** Marks the client authenticated (AUTH / HELLO AUTH) and lifts the parser's unauthenticated limits. */
  setAuthenticated(on: boolean): void {
    this.authenticated = on;
    this.parser.authenticated = on;
  }
}

/**
 * The OS file descriptor of a socket, read from Node's internal libuv handle (`socket._handle.fd`, not a public
 * API, hence the checks).
 * @returns the descriptor (>= 0), or -1 when there is no socket or Node does not expose one (Windows, closed)
 */
export function socketFd(socket: Socket | null): number {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } } | null)?._handle?.fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : -1;
}

/** Strips the IPv4-mapped prefix as Redis prints addresses ("::ffff:127.0.0.1" → "127.0.0.1"). */
function formatHost(h: string): string {
  return h.startsWith('::ffff:') ? h.slice(7) : h;
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(addr: string): boolean {
  const a = formatHost(addr);
  return a === '::1' || a.startsWith('127.');
}
