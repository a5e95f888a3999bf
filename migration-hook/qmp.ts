/**
 * QMP (QEMU Machine Protocol) client used by the migration controller.
 *
 * Protocol source: QEMU's "QEMU Machine Protocol Specification" (docs/interop/qmp-spec.rst) and the
 * "QEMU QMP Reference Manual" generated from qapi/*.json (commands and events used here are in
 * qapi/migration.json, qapi/machine.json, qapi/run-state.json and qapi/control.json).
 *
 * Wire format, in short: the server sends one JSON object per line (QEMU terminates lines with CRLF). On connect it
 * sends a greeting `{"QMP": {"version": ..., "capabilities": [...]}}`; the client must send `qmp_capabilities`
 * before anything else. A command is `{"execute": name, "arguments": {...}, "id": any}` and is answered by
 * `{"return": value, "id": same}` or `{"error": {"class": ..., "desc": ...}, "id": same}`. Asynchronous events
 * `{"event": NAME, "data": {...}, "timestamp": {"seconds": s, "microseconds": us}}` may arrive at any time,
 * including before the reply of the command that caused them (e.g. `STOP` before the reply to `stop`).
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

import type {
  BalloonInfo,
  KvmInfo,
  MigrateSetParameters,
  MigrationCapability,
  MigrationCapabilityStatus,
  MigrationInfo,
  MigrationParameters,
  QmpVersion,
  StatusInfo,
} from './qmp-types.js';

/** Default time allowed for connect + greeting + capabilities negotiation, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Default per-command timeout, in ms. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
/** Default timeout of {@link QmpClient.waitForEvent}, in ms. */
export const DEFAULT_EVENT_TIMEOUT_MS = 30_000;
/** Default number of recent events kept for {@link QmpClient.waitForEvent} and {@link QmpClient.events}. */
export const DEFAULT_EVENT_BUFFER_SIZE = 1024;
/** Default limit on one incoming line, in bytes of UTF-16 text (QEMU 7.2's largest reply, query-qmp-schema, is ~0.2 MB). */
export const DEFAULT_MAX_LINE_LENGTH = 16 * 1024 * 1024;

/** Listener event names that the client itself uses; QEMU event names (upper case) never collide with them. */
const RESERVED_EMITTER_EVENTS = new Set(['event', 'close', 'warning', 'error', 'newListener', 'removeListener']);

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

/**
 * QEMU answered a command with `{"error": {"class", "desc"}}`.
 * `errorClass` is the QMP error class (e.g. `CommandNotFound`, `GenericError`, `DeviceNotActive`), `desc` QEMU's
 * human-readable text (not for parsing), `command` the `execute` name that failed.
 */
export class QmpError extends Error {
  override readonly name = 'QmpError';
  readonly errorClass: string;
  readonly desc: string;
  readonly command: string;

  constructor(command: string, errorClass: string, desc: string) {
    super(`QMP command ${command} failed: ${errorClass}: ${desc}`);
    this.command = command;
    this.errorClass = errorClass;
    this.desc = desc;
  }
}

/**
 * No answer within the allowed time. `operation` is what timed out: a command name, `connect`, or
 * `event NAME`; `command` is set for commands only. A timed-out command is *not* cancelled inside QEMU (QMP has
 * no cancel); its late reply is discarded.
 */
export class QmpTimeoutError extends Error {
  override readonly name = 'QmpTimeoutError';
  readonly operation: string;
  readonly command: string | undefined;
  readonly timeoutMs: number;

  constructor(operation: string, timeoutMs: number, command?: string) {
    super(`QMP ${operation} timed out after ${timeoutMs} ms`);
    this.operation = operation;
    this.command = command;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The QMP connection is closed (by {@link QmpClient.close}, by QEMU, or lost). Every pending command and event
 * wait is rejected with it, and every later call fails with it immediately. `cause` holds the socket error, if any.
 */
export class QmpClosedError extends Error {
  override readonly name = 'QmpClosedError';
  readonly command: string | undefined;

  constructor(message: string, options?: { command?: string; cause?: unknown }) {
    super(options?.command ? `${message} (command ${options.command})` : message, { cause: options?.cause });
    this.command = options?.command;
  }
}

/** The peer does not speak QMP as expected (bad greeting, oversized line). The connection is dropped. */
export class QmpProtocolError extends Error {
  override readonly name = 'QmpProtocolError';
}

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

/**
 * One QMP event as the client delivers it.
 * - `name`: QEMU's event name (`MIGRATION`, `STOP`, ...).
 * - `data`: the event's `data` member (`{}` when QEMU sends none).
 * - `timestampUs`: QEMU's wall-clock timestamp, microseconds since the Unix epoch (seconds·10⁶ + microseconds).
 * - `receivedAt`: when this client parsed the line, `performance.now()` in ms (monotonic; for timelines).
 * - `seq`: per-client sequence number, 1 for the first event; see {@link QmpClient.eventCursor}.
 */
export interface QmpEvent<D = Record<string, unknown>> {
  name: string;
  data: D;
  timestampUs: number;
  receivedAt: number;
  seq: number;
}

/** Where to connect: a Unix socket path or a TCP host and port. */
export type QmpTarget = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/** Options of {@link QmpClient.connect}. */
export interface QmpConnectOptions {
  /** Budget in ms for connecting, reading the greeting and negotiating (default 10 000). */
  timeoutMs?: number;
  /** Keep retrying while the socket does not exist yet or refuses connections (ENOENT, ECONNREFUSED), until
   * `timeoutMs` runs out; useful right after starting QEMU. Default false: fail on the first error. */
  waitForSocket?: boolean;
  /** Default timeout of {@link QmpClient.execute} in ms (default 30 000); 0 or Infinity disables it. */
  commandTimeoutMs?: number;
  /** How many recent events to keep for {@link QmpClient.waitForEvent} (default 1024). */
  eventBufferSize?: number;
  /** Longest accepted line from the server, in characters (default 16 Mi); a longer one drops the connection. */
  maxLineLength?: number;
}

/** Options of {@link QmpClient.execute}. */
export interface QmpExecuteOptions {
  /** Timeout in ms for this command (default: the client's `commandTimeoutMs`); 0 or Infinity disables it. */
  timeoutMs?: number;
}

/** Options of {@link QmpClient.waitForEvent}. */
export interface QmpWaitForEventOptions {
  /** Timeout in ms (default 30 000); 0 or Infinity waits until the connection closes. */
  timeoutMs?: number;
  /**
   * Only consider events with `seq > since` (take it from {@link QmpClient.eventCursor} *before* triggering the
   * event). Default: events newer than the last one of this name that `waitForEvent` already returned.
   */
  since?: number;
  /** Abort the wait; rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of {@link QmpClient.events}. */
export interface QmpEventsOptions {
  /** Start after this sequence number (default: the current {@link QmpClient.eventCursor}, i.e. new events only).
   * Pass 0 to replay the whole buffer first. */
  since?: number;
  /** Only these event names (default: all). */
  names?: readonly string[];
  /** Ends the iteration (the iterator returns `done`). */
  signal?: AbortSignal;
}

interface PendingCommand {
  command: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

interface EventWaiter {
  name: string;
  predicate: ((ev: QmpEvent<any>) => boolean) | undefined;
  since: number;
  settle: (err: Error | undefined, ev?: QmpEvent) => void;
}

interface EventSubscriber {
  since: number;
  names: ReadonlySet<string> | undefined;
  queue: QmpEvent[];
  wake: (() => void) | undefined;
  done: boolean;
  finish: () => void;
}

type ClientState = 'greeting' | 'negotiating' | 'ready' | 'closing' | 'closed';

/**
 * Parses a QMP target: `unix:PATH`, `tcp:HOST:PORT`, `HOST:PORT`, `[IPv6]:PORT`, or a path. Anything containing a
 * `/` or not ending in `:PORT` is taken as a Unix socket path.
 * @throws {TypeError} on an empty string or a TCP port outside 1–65535.
 */
export function parseQmpTarget(target: string): QmpTarget {
  if (typeof target !== 'string' || target.length === 0) throw new TypeError('QMP target must be a non-empty string');
  if (target.startsWith('unix:')) return { kind: 'unix', path: target.slice(5) };
  const tcp = target.startsWith('tcp:') ? target.slice(4) : target;
  if (!target.startsWith('tcp:') && target.includes('/')) return { kind: 'unix', path: target };
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(tcp);
  if (!m) {
    if (target.startsWith('tcp:')) throw new TypeError(`invalid QMP TCP target: ${target}`);
    return { kind: 'unix', path: target };
  }
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TypeError(`invalid QMP TCP port in ${target}`);
  const host = m[1] ?? m[2] ?? '';
  return { kind: 'tcp', host: host === '' ? '127.0.0.1' : host, port };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Longest delay setTimeout supports (about 24.8 days); longer ones would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Validates a timeout in ms; 0 and anything beyond setTimeout's range mean "no timeout" (Infinity). */
function normalizeTimeout(ms: number | undefined, fallback: number): number {
  const v = ms ?? fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw new RangeError(`invalid timeout: ${String(ms)}`);
  return v === 0 || v > MAX_TIMER_MS ? Infinity : v;
}

/** setTimeout that does nothing for an infinite delay. */
function timerFor(ms: number, fn: () => void): NodeJS.Timeout | undefined {
  return Number.isFinite(ms) ? setTimeout(fn, Math.max(0, ms)) : undefined;
}

/** Opens the transport, retrying ENOENT/ECONNREFUSED when asked, until `deadline` (performance.now() ms). */
async function openSocket(target: QmpTarget, deadline: number, retry: boolean, timeoutMs: number): Promise<net.Socket> {
  for (;;) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw new QmpTimeoutError('connect', timeoutMs);
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        const socket =
          target.kind === 'unix'
            ? net.createConnection({ path: target.path })
            : net.createConnection({ host: target.host, port: target.port });
        const timer = timerFor(remaining, () => {
          socket.destroy();
          reject(new QmpTimeoutError('connect', timeoutMs));
        });
        socket.once('connect', () => {
          clearTimeout(timer);
          socket.removeAllListeners('error');
          resolve(socket);
        });
        socket.once('error', (err) => {
          clearTimeout(timer);
          socket.destroy();
          reject(err);
        });
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!retry || (code !== 'ENOENT' && code !== 'ECONNREFUSED')) throw err;
      if (deadline - performance.now() <= 50) throw new QmpTimeoutError('connect', timeoutMs);
      await sleep(50);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------------------------

/** Typed listener signatures of {@link QmpClient} (Node's EventEmitter API). */
export interface QmpClient {
  /** Every QMP event. */
  on(eventName: 'event', listener: (ev: QmpEvent) => void): this;
  /** The connection closed; `err` is the socket error when it was lost, undefined on a clean close. */
  on(eventName: 'close', listener: (err: Error | undefined) => void): this;
  /** Something the client ignored: an unparsable line, a reply with an unknown id, an id-less error. */
  on(eventName: 'warning', listener: (err: Error) => void): this;
  /** One QEMU event by name, e.g. `'MIGRATION'`, `'STOP'`, `'BALLOON_CHANGE'`. */
  on(eventName: string, listener: (ev: QmpEvent) => void): this;
  once(eventName: 'event', listener: (ev: QmpEvent) => void): this;
  once(eventName: 'close', listener: (err: Error | undefined) => void): this;
  once(eventName: 'warning', listener: (err: Error) => void): this;
  once(eventName: string, listener: (ev: QmpEvent) => void): this;
  off(eventName: 'event', listener: (ev: QmpEvent) => void): this;
  off(eventName: 'close', listener: (err: Error | undefined) => void): this;
  off(eventName: 'warning', listener: (err: Error) => void): this;
  off(eventName: string, listener: (ev: QmpEvent) => void): this;
}

/**
 * A QMP connection to one QEMU process. Create it with {@link QmpClient.connect}.
 *
 * Commands run concurrently and are correlated by a numeric `id`. Events are emitted as `'event'` and under their
 * own name, and the last `eventBufferSize` of them are kept so that {@link waitForEvent} and {@link events} do not
 * miss an event that arrived before the call (QEMU often sends e.g. `STOP` before the reply to `stop`).
 *
 * The client never enables optional QMP capabilities (no out-of-band execution), so QEMU answers in order.
 */
export class QmpClient extends EventEmitter {
  /** The target string given to {@link connect}. */
  readonly target: string;

  readonly #socket: net.Socket;
  readonly #commandTimeoutMs: number;
  readonly #eventBufferSize: number;
  readonly #maxLineLength: number;

  #state: ClientState = 'greeting';
  #buffer = '';
  #nextId = 1;
  readonly #pending = new Map<number, PendingCommand>();
  readonly #timedOutIds = new Set<number>();
  #version: QmpVersion | undefined;
  #serverCapabilities: readonly string[] = [];
  #greeting: { resolve: () => void; reject: (err: Error) => void } | undefined;
  readonly #greetingPromise: Promise<void>;
  #closeReason: { message: string; cause?: unknown } | undefined;
  #closedPromise: Promise<void>;

  #eventSeq = 0;
  readonly #events: QmpEvent[] = [];
  readonly #consumedSeq = new Map<string, number>();
  readonly #waiters = new Set<EventWaiter>();
  readonly #subscribers = new Set<EventSubscriber>();

  private constructor(socket: net.Socket, target: string, opts: QmpConnectOptions) {
    super();
    this.target = target;
    this.#socket = socket;
    this.#commandTimeoutMs = normalizeTimeout(opts.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS);
    this.#eventBufferSize = Math.max(1, Math.floor(opts.eventBufferSize ?? DEFAULT_EVENT_BUFFER_SIZE));
    this.#maxLineLength = opts.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;

    this.#greetingPromise = new Promise<void>((resolve, reject) => {
      this.#greeting = { resolve, reject };
    });
    this.#greetingPromise.catch(() => {}); // awaited by #handshake; no unhandled rejection if its timeout wins

    socket.setEncoding('utf8'); // the decoder keeps multi-byte characters split across chunks intact
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', (err) => {
      this.#closeReason ??= { message: `QMP connection to ${this.target} lost: ${err.message}`, cause: err };
    });
    this.#closedPromise = new Promise((resolve) => {
      socket.once('close', () => {
        this.#onClose();
        resolve();
      });
    });
  }

  /**
   * Connects to a QMP server, reads the greeting, sends `qmp_capabilities` and resolves once commands can be
   * executed.
   * @param target Unix socket path (`/run/vm.qmp`, `unix:/run/vm.qmp`) or TCP `host:port` (`tcp:` prefix optional).
   * @param opts `timeoutMs` (default 10 000 ms) bounds the whole handshake; see {@link QmpConnectOptions}.
   * @throws the socket error (e.g. ENOENT, ECONNREFUSED) if the connection fails and `waitForSocket` is off;
   *   {@link QmpTimeoutError} (operation `connect`) when the budget runs out; {@link QmpProtocolError} on a
   *   malformed greeting; {@link QmpClosedError} if the server hangs up first; {@link QmpError} if QEMU rejects
   *   `qmp_capabilities` (e.g. a monitor already in command mode).
   */
  static async connect(target: string, opts: QmpConnectOptions = {}): Promise<QmpClient> {
    const parsed = parseQmpTarget(target);
    const timeoutMs = normalizeTimeout(opts.timeoutMs, DEFAULT_CONNECT_TIMEOUT_MS);
    const deadline = performance.now() + timeoutMs;
    const socket = await openSocket(parsed, deadline, opts.waitForSocket ?? false, timeoutMs);
    const client = new QmpClient(socket, target, opts);
    try {
      await client.#handshake(deadline, timeoutMs);
    } catch (err) {
      client.#destroy(err instanceof QmpTimeoutError ? 'QMP handshake timed out' : 'QMP handshake failed', err);
      throw err;
    }
    return client;
  }

  /** QEMU's version from the greeting, e.g. `{major: 7, minor: 2, micro: 22, package: "Debian ..."}`. */
  get version(): QmpVersion {
    if (!this.#version) throw new Error('QMP greeting not received yet');
    return this.#version;
  }

  /** Capabilities the server offered in its greeting (e.g. `['oob']`); none are enabled by this client. */
  get serverCapabilities(): readonly string[] {
    return this.#serverCapabilities;
  }

  /** True once the connection is closed or closing; every call then fails with {@link QmpClosedError}. */
  get closed(): boolean {
    return this.#state === 'closed' || this.#state === 'closing';
  }

  /** Number of commands sent and not yet answered. */
  get pendingCommands(): number {
    return this.#pending.size;
  }

  async #handshake(deadline: number, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = timerFor(deadline - performance.now(), () => reject(new QmpTimeoutError('connect', timeoutMs)));
    });
    try {
      await Promise.race([this.#greetingPromise, timeout]);
    } finally {
      clearTimeout(timer);
    }
    this.#state = 'negotiating';
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw new QmpTimeoutError('connect', timeoutMs);
    try {
      await this.#send('qmp_capabilities', undefined, remaining);
    } catch (err) {
      if (err instanceof QmpTimeoutError) throw new QmpTimeoutError('connect', timeoutMs);
      throw err;
    }
    this.#state = 'ready';
  }

  /**
   * Executes one QMP command.
   * @param command the `execute` name, e.g. `'query-status'`.
   * @param args the command's `arguments` object (omitted from the message when undefined).
   * @param opts `timeoutMs`: per-command timeout in ms (default: the client's, 30 000); 0/Infinity = none.
   * @returns the `return` member of QEMU's reply, typed as `T` (a cast: the reply is not validated).
   * @throws {QmpError} when QEMU answers with an error (`errorClass`, `desc`, `command`);
   *   {@link QmpTimeoutError} when no reply arrives in time (the command may still run in QEMU);
   *   {@link QmpClosedError} if the connection is or gets closed before the reply.
   */
  execute<T = unknown>(command: string, args?: object, opts: QmpExecuteOptions = {}): Promise<T> {
    if (this.#state !== 'ready') return Promise.reject(this.#closedError(command));
    if (typeof command !== 'string' || command.length === 0) {
      return Promise.reject(new TypeError('QMP command name must be a non-empty string'));
    }
    let timeoutMs: number;
    try {
      timeoutMs = normalizeTimeout(opts.timeoutMs, this.#commandTimeoutMs);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#send<T>(command, args, timeoutMs);
  }

  #send<T>(command: string, args: object | undefined, timeoutMs: number): Promise<T> {
    const id = this.#nextId++;
    const message: { execute: string; arguments?: object; id: number } = { execute: command, id };
    if (args !== undefined) message.arguments = args;
    let line: string;
    try {
      line = JSON.stringify(message) + '\n';
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<T>((resolve, reject) => {
      const pending: PendingCommand = {
        command,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer: undefined,
      };
      pending.timer = timerFor(timeoutMs, () => {
        this.#pending.delete(id);
        this.#timedOutIds.add(id);
        reject(new QmpTimeoutError(command, timeoutMs, command));
      });
      this.#pending.set(id, pending);
      this.#socket.write(line);
    });
  }

  #closedError(command?: string): QmpClosedError {
    const reason = this.#closeReason ?? { message: `QMP connection to ${this.target} is closed` };
    return new QmpClosedError(reason.message, { command, cause: reason.cause });
  }

  // ----- incoming data -------------------------------------------------------------------------------------------

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let start = 0;
    for (;;) {
      const nl = this.#buffer.indexOf('\n', start);
      if (nl < 0) break;
      const line = this.#buffer.slice(start, nl);
      start = nl + 1;
      if (line.trim().length === 0) continue;
      try {
        this.#onLine(line);
      } catch (err) {
        // A listener threw. Keep the stream consistent and surface the error like an uncaught listener error.
        process.nextTick(() => {
          throw err;
        });
      }
      if (this.#socket.destroyed) return; // dropped by a protocol error or a listener: ignore the rest
    }
    this.#buffer = this.#buffer.slice(start);
    if (this.#buffer.length > this.#maxLineLength) {
      this.#destroy(
        `QMP line from ${this.target} exceeds ${this.#maxLineLength} characters`,
        new QmpProtocolError(`line longer than ${this.#maxLineLength} characters`),
      );
    }
  }

  #onLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      this.#warn(`unparsable QMP line: ${line.slice(0, 200)}`);
      return;
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
      this.#warn(`QMP line is not a JSON object: ${line.slice(0, 200)}`);
      return;
    }
    const m = msg as Record<string, unknown>;

    if (this.#state === 'greeting') {
      if (typeof m.event === 'string' && !('QMP' in m)) {
        // QEMU can emit an event on a fresh connection before its greeting: the monitor is still in command mode
        // from the previous client when the chardev accepts the new one (seen with RESUME on QEMU 7.2). It
        // belongs to no session of ours, so it is dropped rather than taken for a broken greeting.
        this.#warn(`QMP event before the greeting ignored: ${m.event}`);
        return;
      }
      this.#onGreeting(m, line);
      return;
    }
    if (typeof m.event === 'string') {
      this.#onEvent(m);
      return;
    }
    if ('return' in m || 'error' in m) {
      this.#onReply(m);
      return;
    }
    if ('QMP' in m) {
      this.#warn('unexpected second QMP greeting');
      return;
    }
    this.#warn(`unknown QMP message: ${line.slice(0, 200)}`);
  }

  #onGreeting(m: Record<string, unknown>, line: string): void {
    const qmp = m.QMP as { version?: { qemu?: Record<string, unknown>; package?: unknown }; capabilities?: unknown } | undefined;
    const qemu = qmp?.version?.qemu;
    if (
      !qmp ||
      typeof qmp !== 'object' ||
      !qemu ||
      typeof qemu.major !== 'number' ||
      typeof qemu.minor !== 'number' ||
      typeof qemu.micro !== 'number'
    ) {
      const err = new QmpProtocolError(`expected a QMP greeting, got: ${line.slice(0, 200)}`);
      this.#greeting?.reject(err);
      this.#destroy('QMP greeting invalid', err);
      return;
    }
    this.#version = {
      major: qemu.major,
      minor: qemu.minor,
      micro: qemu.micro,
      package: typeof qmp.version?.package === 'string' ? qmp.version.package : '',
    };
    this.#serverCapabilities = Array.isArray(qmp.capabilities)
      ? qmp.capabilities.filter((c): c is string => typeof c === 'string')
      : [];
    this.#state = 'negotiating';
    this.#greeting?.resolve();
    this.#greeting = undefined;
  }

  #onReply(m: Record<string, unknown>): void {
    const id = m.id;
    const pending = typeof id === 'number' ? this.#pending.get(id) : undefined;
    if (!pending) {
      if (typeof id === 'number' && this.#timedOutIds.delete(id)) return; // late reply to a timed-out command
      const what = 'error' in m ? `error ${JSON.stringify(m.error)}` : 'reply';
      this.#warn(`QMP ${what} with unknown id ${JSON.stringify(id)}`);
      return;
    }
    this.#pending.delete(id as number);
    clearTimeout(pending.timer);
    if ('error' in m) {
      const e = (m.error ?? {}) as { class?: unknown; desc?: unknown };
      pending.reject(
        new QmpError(
          pending.command,
          typeof e.class === 'string' ? e.class : 'GenericError',
          typeof e.desc === 'string' ? e.desc : JSON.stringify(m.error),
        ),
      );
    } else {
      pending.resolve(m.return);
    }
  }

  #onEvent(m: Record<string, unknown>): void {
    const ts = m.timestamp as { seconds?: unknown; microseconds?: unknown } | undefined;
    const seconds = typeof ts?.seconds === 'number' ? ts.seconds : 0;
    const micros = typeof ts?.microseconds === 'number' ? ts.microseconds : 0;
    const data = m.data !== null && typeof m.data === 'object' ? (m.data as Record<string, unknown>) : {};
    const ev: QmpEvent = {
      name: m.event as string,
      data,
      timestampUs: seconds * 1_000_000 + micros,
      receivedAt: performance.now(),
      seq: ++this.#eventSeq,
    };
    this.#events.push(ev);
    if (this.#events.length > this.#eventBufferSize) this.#events.shift();

    for (const w of [...this.#waiters]) this.#offerToWaiter(w, ev);
    for (const s of this.#subscribers) {
      if (ev.seq > s.since && (!s.names || s.names.has(ev.name))) {
        s.queue.push(ev);
        s.wake?.();
      }
    }
    // Listener exceptions propagate to #onData, which rethrows them asynchronously.
    this.emit('event', ev);
    if (!RESERVED_EMITTER_EVENTS.has(ev.name)) this.emit(ev.name, ev);
  }

  #warn(message: string): void {
    if (this.listenerCount('warning') > 0) this.emit('warning', new Error(message));
  }

  // ----- events --------------------------------------------------------------------------------------------------

  /**
   * Sequence number of the newest event received so far (0 before any). Take it before an action and pass it as
   * `since` to {@link waitForEvent} / {@link events} to see only what happened afterwards.
   */
  eventCursor(): number {
    return this.#eventSeq;
  }

  /** A copy of the buffered recent events, oldest first (at most `eventBufferSize`). */
  recentEvents(): QmpEvent[] {
    return [...this.#events];
  }

  /**
   * Resolves with the first event named `name` (and accepted by `predicate`) with `seq > since`, looking at the
   * buffered recent events first and then at new ones, so an event that arrived before the call is not missed.
   * `D` types the event's `data` (a cast, not validated).
   *
   * Default `since`: the `seq` of the last `name` event that `waitForEvent` returned, so consecutive calls return
   * consecutive events (mailbox semantics); events of that name older than it are skipped. Pass
   * `since: client.eventCursor()` taken before triggering the event to ignore anything older.
   *
   * @param options a timeout in ms (default 30 000; 0/Infinity = none) or {@link QmpWaitForEventOptions}.
   * @throws {QmpTimeoutError} (operation `event NAME`) on timeout; {@link QmpClosedError} if the connection closes
   *   first; the signal's reason on abort; whatever `predicate` throws.
   */
  waitForEvent<D = Record<string, unknown>>(
    name: string,
    predicate?: (ev: QmpEvent<D>) => boolean,
    options?: number | QmpWaitForEventOptions,
  ): Promise<QmpEvent<D>> {
    const o: QmpWaitForEventOptions = typeof options === 'number' ? { timeoutMs: options } : (options ?? {});
    let timeoutMs: number;
    try {
      timeoutMs = normalizeTimeout(o.timeoutMs, DEFAULT_EVENT_TIMEOUT_MS);
    } catch (err) {
      return Promise.reject(err);
    }
    if (o.signal?.aborted) return Promise.reject(o.signal.reason);
    const since = o.since ?? this.#consumedSeq.get(name) ?? 0;

    return new Promise<QmpEvent<D>>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => waiter.settle(o.signal?.reason ?? new Error('aborted'));
      const waiter: EventWaiter = {
        name,
        predicate: predicate as ((ev: QmpEvent<any>) => boolean) | undefined,
        since,
        settle: (err, ev) => {
          if (!this.#waiters.delete(waiter)) return;
          clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else {
            this.#consumedSeq.set(name, Math.max(this.#consumedSeq.get(name) ?? 0, ev!.seq));
            resolve(ev as QmpEvent<D>);
          }
        },
      };
      this.#waiters.add(waiter);
      for (const ev of this.#events) {
        if (this.#offerToWaiter(waiter, ev)) return;
      }
      if (this.#state === 'closed' || this.#state === 'closing') {
        waiter.settle(this.#closedError());
        return;
      }
      timer = timerFor(timeoutMs, () => waiter.settle(new QmpTimeoutError(`event ${name}`, timeoutMs)));
      o.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Offers `ev` to a waiter; returns true if the waiter was settled. */
  #offerToWaiter(w: EventWaiter, ev: QmpEvent): boolean {
    if (ev.name !== w.name || ev.seq <= w.since) return false;
    try {
      if (w.predicate && !w.predicate(ev)) return false;
    } catch (err) {
      w.settle(err instanceof Error ? err : new Error(String(err)));
      return true;
    }
    w.settle(undefined, ev);
    return true;
  }

  /**
   * Async iteration over events: `for await (const ev of client.events({ names: ['MIGRATION'] })) {...}`.
   * Yields buffered events with `seq > since` first (default: none, only new ones), then live ones, and ends when
   * the connection closes (after the queued events), when `signal` aborts, or when the loop breaks. Events are
   * queued per iterator without limit while it is open, so do not leave an unconsumed iterator open.
   */
  events(options: QmpEventsOptions = {}): AsyncIterableIterator<QmpEvent> {
    const sub: EventSubscriber = {
      since: options.since ?? this.#eventSeq,
      names: options.names ? new Set(options.names) : undefined,
      queue: [],
      wake: undefined,
      done: false,
      finish: () => {
        sub.done = true;
        this.#subscribers.delete(sub);
        options.signal?.removeEventListener('abort', sub.finish);
        sub.wake?.();
      },
    };
    for (const ev of this.#events) {
      if (ev.seq > sub.since && (!sub.names || sub.names.has(ev.name))) sub.queue.push(ev);
    }
    if (this.#state === 'closed' || options.signal?.aborted) sub.done = true;
    else {
      this.#subscribers.add(sub);
      options.signal?.addEventListener('abort', sub.finish, { once: true });
    }

    const iterator: AsyncIterableIterator<QmpEvent> = {
      next: async (): Promise<IteratorResult<QmpEvent>> => {
        for (;;) {
          const ev = sub.queue.shift();
          if (ev) return { value: ev, done: false };
          if (sub.done) return { value: undefined, done: true };
          await new Promise<void>((resolve) => {
            sub.wake = resolve;
          });
          sub.wake = undefined;
        }
      },
      return: async (): Promise<IteratorResult<QmpEvent>> => {
        sub.finish();
        sub.queue.length = 0;
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Same as {@link events} with default options: new events until the connection closes. */
  [Symbol.asyncIterator](): AsyncIterableIterator<QmpEvent> {
    return this.events();
  }

  // ----- closing -------------------------------------------------------------------------------------------------

  /**
   * Closes the connection gracefully: half-closes the socket and waits until QEMU closes its side (QEMU answers
   * commands it has already read), then destroys it after `timeoutMs` (default 2000) at the latest. Commands still
   * pending when the socket closes reject with {@link QmpClosedError}. Emits `'close'`. Idempotent; never throws.
   */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.#state !== 'closed' && this.#state !== 'closing') {
      this.#closeReason ??= { message: `QMP connection to ${this.target} closed by client` };
      this.#state = 'closing';
      this.#socket.end();
      const timer = timerFor(normalizeTimeout(timeoutMs, 2000), () => this.#socket.destroy());
      timer?.unref();
      await this.#closedPromise;
      clearTimeout(timer);
    }
    await this.#closedPromise;
  }

  /** Drops the connection at once (no graceful shutdown); pending calls reject with {@link QmpClosedError}. */
  destroy(): void {
    this.#destroy(`QMP connection to ${this.target} destroyed by client`);
  }

  #destroy(message: string, cause?: unknown): void {
    this.#closeReason ??= { message, cause };
    if (this.#state !== 'closed') this.#state = 'closing';
    this.#socket.destroy();
  }

  #onClose(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#closeReason ??= { message: `QMP connection to ${this.target} closed by peer` };
    this.#buffer = '';
    this.#greeting?.reject(this.#closedError());
    this.#greeting = undefined;
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      clearTimeout(p.timer);
      p.reject(this.#closedError(p.command));
    }
    this.#timedOutIds.clear();
    for (const w of [...this.#waiters]) w.settle(this.#closedError());
    for (const s of [...this.#subscribers]) s.finish();
    const cause = this.#closeReason.cause;
    this.emit('close', cause instanceof Error ? cause : undefined);
  }

  // ----- typed command helpers (thin wrappers over execute; see qapi/*.json) ---------------------------------------

  /** `query-status` (qapi/run-state.json): run state, e.g. `{running: true, status: 'running'}`. */
  queryStatus(opts?: QmpExecuteOptions): Promise<StatusInfo> {
    return this.execute<StatusInfo>('query-status', undefined, opts);
  }

  /** `query-migrate` (qapi/migration.json): `{}` before any migration, else status, times in ms, RAM stats in bytes/pages. */
  queryMigrate(opts?: QmpExecuteOptions): Promise<MigrationInfo> {
    return this.execute<MigrationInfo>('query-migrate', undefined, opts);
  }

  /** `query-migrate-capabilities`: the state of every migration capability. */
  queryMigrateCapabilities(opts?: QmpExecuteOptions): Promise<MigrationCapabilityStatus[]> {
    return this.execute<MigrationCapabilityStatus[]>('query-migrate-capabilities', undefined, opts);
  }

  /** `query-migrate-parameters`: current migration parameters (bandwidths in bytes/s, downtime-limit in ms). */
  queryMigrateParameters(opts?: QmpExecuteOptions): Promise<MigrationParameters> {
    return this.execute<MigrationParameters>('query-migrate-parameters', undefined, opts);
  }

  /**
   * `query-balloon` (qapi/machine.json): `{actual}` = guest RAM in bytes after ballooning.
   * @throws {QmpError} class `DeviceNotActive` when the VM has no balloon device.
   */
  queryBalloon(opts?: QmpExecuteOptions): Promise<BalloonInfo> {
    return this.execute<BalloonInfo>('query-balloon', undefined, opts);
  }

  /**
   * `balloon` (qapi/machine.json): asks the guest's balloon driver to bring the guest's RAM to `bytes` (the target
   * *size of guest RAM*, not of the balloon). Returns at once; the guest converges asynchronously (watch
   * `query-balloon` / `BALLOON_CHANGE`). Without a guest driver nothing changes.
   * @throws {RangeError} if `bytes` is not a positive safe integer; {@link QmpError} `DeviceNotActive` without a
   *   balloon device.
   */
  async balloon(bytes: number, opts?: QmpExecuteOptions): Promise<void> {
    if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new RangeError(`balloon target must be a positive integer of bytes, got ${bytes}`);
    await this.execute('balloon', { value: bytes }, opts);
  }

  /**
   * `migrate-set-capabilities`: e.g. `{ 'postcopy-ram': true, events: true }`. Must be set on both sides for
   * `postcopy-ram`, and before `migrate` / `migrate-incoming`.
   * @throws {QmpError} (GenericError) for an unknown capability or one that cannot change now.
   */
  async migrateSetCapabilities(
    caps: Partial<Record<MigrationCapability, boolean>> & Record<string, boolean>,
    opts?: QmpExecuteOptions,
  ): Promise<void> {
    const capabilities = Object.entries(caps).map(([capability, state]) => ({ capability, state: Boolean(state) }));
    await this.execute('migrate-set-capabilities', { capabilities }, opts);
  }

  /** `migrate-set-parameters`: e.g. `{ 'max-bandwidth': 128 * 2 ** 20, 'downtime-limit': 300 }` (bytes/s, ms). */
  async migrateSetParameters(params: MigrateSetParameters, opts?: QmpExecuteOptions): Promise<void> {
    await this.execute('migrate-set-parameters', params, opts);
  }

  /**
   * `migrate` (source side): starts an outgoing migration to `uri` (e.g. `tcp:127.0.0.1:4444`) and returns at once;
   * poll {@link queryMigrate} or wait for `MIGRATION` events (`events` capability) for progress.
   * `resume: true` resumes a paused post-copy migration.
   */
  async migrate(uri: string, opts?: { resume?: boolean } & QmpExecuteOptions): Promise<void> {
    const args: { uri: string; resume?: boolean } = { uri };
    if (opts?.resume !== undefined) args.resume = opts.resume;
    await this.execute('migrate', args, opts);
  }

  /** `migrate-incoming` (destination started with `-incoming defer`): listen on `uri`, e.g. `tcp:127.0.0.1:4444`. */
  async migrateIncoming(uri: string, opts?: QmpExecuteOptions): Promise<void> {
    await this.execute('migrate-incoming', { uri }, opts);
  }

  /** `migrate-start-postcopy` (source): switch a running migration with `postcopy-ram` to post-copy. */
  async migrateStartPostcopy(opts?: QmpExecuteOptions): Promise<void> {
    await this.execute('migrate-start-postcopy', undefined, opts);
  }

  /** `migrate_cancel` (QMP's name has an underscore): cancel the outgoing migration; a no-op if there is none. */
  async migrateCancel(opts?: QmpExecuteOptions): Promise<void> {
    await this.execute('migrate_cancel', undefined, opts);
  }

  /** `query-kvm` (qapi/machine.json): `{enabled, present}`. */
  queryKvm(opts?: QmpExecuteOptions): Promise<KvmInfo> {
    return this.execute<KvmInfo>('query-kvm', undefined, opts);
  }

  /** `stop`: pause the vCPUs (emits `STOP`). */
  async stop(opts?: QmpExecuteOptions): Promise<void> {
    await this.execute('stop', undefined, opts);
  }

  /** `cont`: resume the vCPUs (emits `RESUME`). */
  async cont(opts?: QmpExecuteOptions): Promise<void> {
    await this.execute('cont', undefined, opts);
  }

  /**
   * `quit`: asks QEMU to exit. Resolves when QEMU acknowledged it or dropped the connection while answering (both
   * mean it is exiting); the connection then closes.
   * @throws {QmpTimeoutError} if QEMU does neither in time; {@link QmpClosedError} if the client was already closed.
   */
  async quit(opts?: QmpExecuteOptions): Promise<void> {
    if (this.closed) throw this.#closedError('quit');
    try {
      await this.execute('quit', undefined, opts);
    } catch (err) {
      if (err instanceof QmpClosedError) return;
      throw err;
    }
  }
}
