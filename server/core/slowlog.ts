/**
 * The slow log (Redis 7.0 src/slowlog.c): commands that ran for at least `slowlog-log-slower-than` microseconds,
 * newest first, at most `slowlog-max-len` of them, kept in a ring that drops the oldest entry. Dispatch
 * (server-core.ts `execute`) measures every command's duration anyway (INFO commandstats) and compares it with
 * `threshold`, a plain number (Infinity when the log is off): a command that is not slow costs that compare only.
 *
 * An entry is what SLOWLOG GET prints: id, unix time (s), duration (µs), the arguments (at most 32, the last one
 * then replaced by "... (N more arguments)"; each at most 128 bytes, a longer one cut and followed by
 * "... (N more bytes)"), the client's ip:port and name. Secrets never reach the log: AUTH's arguments, HELLO's AUTH
 * username and password and the values of sensitive parameters in CONFIG SET are replaced by "(redacted)", as
 * Redis's redactClientCommandArgument does; EXEC itself is not logged (flag skip_slowlog), its commands are.
 */
import type { Argv } from '../../protocol/argv.js';
import { Config } from '../config/config.js';
import type { Client } from './client.js';

/** Redis SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
export const SLOWLOG_MAX_ARGC = 32;
export const SLOWLOG_MAX_STRING = 128;

const REDACTED = Buffer.from('(redacted)');

/** One logged command. */
export interface SlowlogEntry {
  readonly id: number;
  /** Unix time, seconds. */
  readonly time: number;
  /** Microseconds. */
  readonly duration: number;
  readonly argv: readonly Buffer[];
  readonly peer: string;
  readonly name: string;
}

/** The slow log: a ring of entries, newest last. */
export class SlowLog {
  /** Commands taking at least this many µs are logged; Infinity when `slowlog-log-slower-than` is -1. */
  threshold = Infinity;
  private maxLen = 128;
  private ring: (SlowlogEntry | undefined)[] = [];
  /** Index of the oldest entry in `ring`. */
  private head = 0;
  private count = 0;
  private nextId = 0;

  constructor(private readonly config: Config) {
    const apply = (): null => {
      const t = config.slowlogLogSlowerThan;
      this.threshold = t < 0 ? Infinity : t;
      this.maxLen = config.slowlogMaxLen;
      // Redis trims on its next command; a shorter log is visible right away either way.
      if (t >= 0) this.trim();
      return null;
    };
    apply();
    config.onChange(['slowlog-log-slower-than', 'slowlog-max-len'], apply);
  }

  /** Entries held. */
  get length(): number {
    return this.count;
  }

  /** Logs a command that took `us` µs (the caller checked `us >= threshold`). */
  push(c: Client, argv: Argv, us: number): void {
    const e: SlowlogEntry = {
      id: this.nextId++,
      time: Math.floor(Date.now() / 1000),
      duration: us,
      argv: entryArgs(argv),
      peer: c.addr,
      name: c.name,
    };
    if (this.count === this.ring.length) this.grow();
    this.ring[(this.head + this.count) % this.ring.length] = e;
    this.count++;
    this.trim();
  }

  /** The newest `n` entries, newest first. */
  newest(n: number): SlowlogEntry[] {
    const out: SlowlogEntry[] = [];
    const len = this.ring.length;
    for (let i = this.count - 1; i >= 0 && out.length < n; i--) out.push(this.ring[(this.head + i) % len]!);
    return out;
  }

  /** SLOWLOG RESET: every entry dropped (ids keep increasing, as in Redis). */
  reset(): void {
    this.ring = [];
    this.head = 0;
    this.count = 0;
  }

  /** Drops the oldest entries beyond `slowlog-max-len`. */
  private trim(): void {
    while (this.count > this.maxLen) {
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.ring.length;
      this.count--;
    }
    // Give back a ring far larger than the limit (after CONFIG SET slowlog-max-len lowered it).
    if (this.ring.length > 64 && this.ring.length > 2 * Math.max(this.maxLen, this.count)) this.resize(Math.max(this.count, 16));
  }

  private grow(): void {
    this.resize(Math.max(16, this.ring.length * 2));
  }

  private resize(size: number): void {
    const next: (SlowlogEntry | undefined)[] = new Array(size);
    for (let i = 0; i < this.count; i++) next[i] = this.ring[(this.head + i) % this.ring.length];
    this.ring = next;
    this.head = 0;
  }
}

/** The logged arguments of a command: copied, limited, secrets redacted. */
function entryArgs(argv: Argv): Buffer[] {
  const argc = argv.argc;
  const redact = redactedArgs(argv);
  const n = Math.min(argc, SLOWLOG_MAX_ARGC);
  const out: Buffer[] = [];
  for (let j = 0; j < n; j++) {
    if (n !== argc && j === n - 1) {
      out.push(Buffer.from(`... (${argc - n + 1} more arguments)`));
      break;
    }
    if (redact !== null && redact.has(j)) {
      out.push(REDACTED);
      continue;
    }
    const off = argv.argOff[j];
    const len = argv.argLen[j];
    if (len > SLOWLOG_MAX_STRING) {
      const b = Buffer.allocUnsafe(SLOWLOG_MAX_STRING);
      argv.buf.copy(b, 0, off, off + SLOWLOG_MAX_STRING);
      out.push(Buffer.concat([b, Buffer.from(`... (${len - SLOWLOG_MAX_STRING} more bytes)`)]));
    } else {
      const b = Buffer.allocUnsafe(len);
      argv.buf.copy(b, 0, off, off + len);
      out.push(b);
    }
  }
  return out;
}

/** Bytes of argument `j` as a lower-case latin1 string. */
function argLower(argv: Argv, j: number): string {
  return argv.buf.toString('latin1', argv.argOff[j], argv.argOff[j] + argv.argLen[j]).toLowerCase();
}

/**
 * Indexes of the arguments Redis 7.0 redacts: AUTH's password (and user) when it has at most 2 arguments
 * (acl.c authCommand), HELLO's `AUTH user pass` (networking.c helloCommand), the value of every sensitive parameter
 * in CONFIG SET (config.c configSetCommand).
 */
export function redactedArgs(argv: Argv): Set<number> | null {
  const argc = argv.argc;
  const name = argLower(argv, 0);
  if (name === 'auth') {
    if (argc > 3) return null;
    return argc === 3 ? new Set([1, 2]) : new Set([1]);
  }
  if (name === 'hello' && argc >= 3) {
    const out = new Set<number>();
    for (let j = 2; j < argc; j++) {
      const opt = argLower(argv, j);
      if (opt === 'auth' && argc - 1 - j >= 2) {
        out.add(j + 1).add(j + 2);
        j += 2;
      } else if (opt === 'setname' && argc - 1 - j >= 1) {
        j++;
      } else break;
    }
    return out;
  }
  if (name === 'config' && argc >= 4 && argLower(argv, 1) === 'set') {
    let out: Set<number> | null = null;
    for (let j = 2; j + 1 < argc; j += 2) {
      if (Config.isSensitive(argLower(argv, j))) (out ??= new Set()).add(j + 1);
    }
    return out;
  }
  return null;
}
