/**
 * CLIENT PAUSE / CLIENT UNPAUSE (Redis 7.0 src/networking.c pauseClients, unpauseClients; the check in
 * src/server.c processCommand). While a pause is on, a command that must wait is not rejected: dispatch copies it
 * and blocks its client (its later commands stay buffered, in order), and when the pause ends — its time has
 * passed, CLIENT UNPAUSE, or WRITE after ALL — the waiting clients are resumed in the order they started waiting,
 * each running its waiting command first.
 *
 * Which commands wait: with ALL every command (CLIENT UNPAUSE too, as in Redis 7.0: an ALL pause ends by its
 * time); with WRITE those flagged `write` or `may_replicate` (PUBLISH, SPUBLISH...), and EXEC of a transaction
 * holding one. Clients in monitor mode never wait (Redis's replicas are never paused), nor do the commands EXEC
 * runs. A repeated CLIENT PAUSE keeps the stricter mode and the later end. While paused, the cron's active expiry
 * is stopped and a lookup of an expired key answers "missing" without deleting it (Redis 7.0 expireIfNeeded and
 * activeExpireCycle), so keys expire for good once the pause ends.
 */
import { copyArgv, type Argv } from '../../protocol/argv.js';
import type { Client } from './client.js';

/** Pause modes, in increasing strictness (Redis's pause_type). */
export const PAUSE_OFF = 0;
export const PAUSE_WRITE = 1;
export const PAUSE_ALL = 2;

/** setTimeout's longest delay, ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A client waiting for the pause to end, with a copy of its command. */
interface Postponed {
  readonly c: Client;
  readonly argv: Argv;
}

/** The server's pause state. */
export class ClientPause {
  /** PAUSE_OFF, PAUSE_WRITE or PAUSE_ALL: dispatch's only test when no pause is on. */
  type = PAUSE_OFF;
  /** When the pause ends, ms since the epoch. */
  end = 0;
  private waiting: Postponed[] = [];
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param resume runs a waiting client's command again, then its buffered ones (ServerCore: `unblock` + `execute`)
   * @param onChange told when the pause starts or ends (the keyspace stops or restarts expiring)
   */
  constructor(
    private readonly resume: (c: Client, argv: Argv) => void,
    private readonly onChange: (paused: boolean) => void,
  ) {}

  /** Clients waiting right now. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /**
   * CLIENT PAUSE: pauses until `end` (ms since the epoch; an end already past pauses nothing) in mode `type`, or
   * extends the pause on (the stricter mode and the later end win).
   */
  pause(end: number, type: number): void {
    const now = Date.now();
    if (this.type !== PAUSE_OFF && this.end < now) this.finish();
    if (end < now) return;
    this.type = Math.max(this.type, type);
    this.end = Math.max(this.end, end);
    this.onChange(true);
    this.arm();
  }

  /** CLIENT UNPAUSE: the pause ends now. */
  unpause(): void {
    if (this.type !== PAUSE_OFF) this.finish();
  }

  /** True when `Date.now()` is past the end: the pause is over (the waiting clients are resumed). */
  checkEnded(now: number): boolean {
    if (this.type === PAUSE_OFF) return true;
    if (this.end >= now) return false;
    this.finish();
    return true;
  }

  /** Makes `c` wait with a copy of `argv` (the caller has blocked the client). */
  postpone(c: Client, argv: Argv): void {
    this.waiting.push({ c, argv: copyArgv(argv) });
  }

  /** Ends the pause and resumes the waiting clients, in order. */
  private finish(): void {
    this.type = PAUSE_OFF;
    this.end = 0;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.onChange(false);
    const list = this.waiting;
    this.waiting = [];
    // Not from inside the command that ended the pause (CLIENT UNPAUSE, or dispatch noticing the end): the shared
    // reply writer is batching that client's replies. Once it is done, as Redis reprocesses unblocked clients in
    // beforeSleep.
    if (list.length !== 0) process.nextTick(() => {
      for (const p of list) this.resume(p.c, p.argv);
    });
  }

  /** Wakes up at the end of the pause (in steps, for ends beyond setTimeout's range). */
  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, this.end - Date.now() + 1));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.checkEnded(Date.now())) this.arm();
    }, delay);
    this.timer.unref();
  }

  /** Stops the timer (server shutdown). */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
