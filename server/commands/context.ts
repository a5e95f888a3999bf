/**
 * The context a command handler runs in. One instance is reused for every command (the server is
 * single-threaded), so handlers get everything through it without any per-command allocation.
 *
 * Handlers reach the server only through `CommandServices` (as Garnet's handlers reach storage only through
 * IGarnetApi): the keyspace, the config, the clients, transactions, MIGRATE_PREPARE, INFO. The ServerCore class
 * (core/server-core.ts) implements it; no file of commands/ imports core/server-core.ts, observe/ or allocator/
 * (test/unit/structure.test.ts checks it).
 */
import type { Logger } from 'pino';
import type { Argv } from '../../protocol/argv.js';
import type { ReplyWriter } from '../../protocol/reply-writer.js';
import type { Config } from '../config/config.js';
import type { Client } from '../core/client.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { HashType } from '../keyspace/hash-type.js';
import { ListType } from '../keyspace/list-type.js';
import { SetType } from '../keyspace/set-type.js';
import { ZsetType } from '../keyspace/zset-type.js';
import type { MigrationManager } from '../memory/migrate-prepare.js';
import type { Transactions } from '../multi/multi.js';
import type { PubSub } from '../pubsub/pubsub.js';
import type { SlowLog } from '../core/slowlog.js';
import type { LatencyMonitor } from '../core/latency-monitor.js';
import type { Monitors } from '../core/monitor.js';
import type { ClientPause } from '../core/client-pause.js';
import type { BlockingKeys } from '../core/blocking.js';
import type { Command, CommandRegistry } from './types.js';

/** What command handlers may ask of the server. */
export interface CommandServices {
  readonly config: Config;
  /** The command table (COMMAND, COMMAND DOCS...). */
  readonly table: CommandRegistry;
  /** Connected clients by id (CLIENT LIST, CLIENT KILL). */
  readonly clients: ReadonlyMap<number, Client>;
  /** MULTI queues and WATCHes (multi/multi.ts). */
  readonly multi: Transactions;
  /** MIGRATE_PREPARE and migration mode (memory/migrate-prepare.ts). */
  readonly migration: MigrationManager;
  /** Pub/sub channels, patterns and fan-out (pubsub/pubsub.ts). */
  readonly pubsub: PubSub;
  /** SLOWLOG's entries and threshold (core/slowlog.ts). */
  readonly slowlog: SlowLog;
  /** LATENCY's events (core/latency-monitor.ts). */
  readonly latency: LatencyMonitor;
  /** MONITOR's clients (core/monitor.ts). */
  readonly monitors: Monitors;
  /** CLIENT PAUSE / UNPAUSE (core/client-pause.ts). */
  readonly pause: ClientPause;
  /** Clients blocked on keys: BLPOP & co. block and are served through it (core/blocking.ts). */
  readonly blocking: BlockingKeys;
  /** Server start, ms since the epoch (LASTSAVE: tierkv never saves). */
  readonly startTime: number;
  /** The figures MEMORY STATS reads. */
  readonly stats: { readonly usedMemoryPeak: number };
  readonly log: Logger;
  /** Path of the config file given on the command line, or ''. */
  readonly configFile: string;
  /** Runs a command for `c` (EXEC's queued commands) with dispatch's checks and statistics. */
  execute(c: Client, argv: Argv): void;
  /** Makes the current command's client wait: no reply now, its later commands stay queued (see `unblock`). */
  block(c: Client): void;
  /** Completes a blocked client's command: `reply` writes its reply, then the client's queued commands run. */
  unblock(c: Client, reply: (w: ReplyWriter) => void): void;
  /** Closes a client's connection (CLIENT KILL). */
  closeClient(c: Client): void;
  /** Closes the server (SHUTDOWN). */
  requestShutdown(): void;
  /** The INFO text for INFO's arguments (section names, `all`, `default`...; none: the default sections). */
  info(sections: string[]): string;
  /** CONFIG RESETSTAT. */
  resetStats(): void;
}

/** Handler context (reused). */
export class CommandContext {
  /** The calling client. */
  client!: Client;
  /** Arguments of the current command. */
  argv!: Argv;
  /** Command being executed. */
  cmd!: Command;
  /** Hash operations on the keyspace's current item (keyspace/hash-type.ts). */
  readonly hashes: HashType;
  /** Set operations on the keyspace's current item (keyspace/set-type.ts). */
  readonly sets: SetType;
  /** List operations on the keyspace's current item (keyspace/list-type.ts). */
  readonly lists: ListType;
  /** Sorted-set operations on the keyspace's current item (keyspace/zset-type.ts). */
  readonly zsets: ZsetType;
  constructor(
    /** Reply encoder for the current client's batch. */
    readonly reply: ReplyWriter,
    /** The keyspace (db 0). */
    readonly ks: Keyspace,
    /** The server, as handlers see it. */
    readonly server: CommandServices,
  ) {
    this.hashes = new HashType(ks);
    this.sets = new SetType(ks);
    this.lists = new ListType(ks);
    this.zsets = new ZsetType(ks);
    const c = server.config;
    const sync = (): null => {
      this.hashes.maxListpackEntries = c.hashMaxListpackEntries;
      this.hashes.maxListpackValue = c.hashMaxListpackValue;
      this.sets.maxIntsetEntries = c.setMaxIntsetEntries;
      this.lists.fill = c.listMaxListpackSize;
      this.zsets.maxListpackEntries = c.zsetMaxListpackEntries;
      this.zsets.maxListpackValue = c.zsetMaxListpackValue;
      return null;
    };
    sync();
    c.onChange(['hash-max-listpack-entries', 'hash-max-listpack-value', 'set-max-intset-entries', 'list-max-listpack-size'], sync);
    c.onChange(['zset-max-listpack-entries', 'zset-max-listpack-value'], sync);
  }
}
