/**
 * The context a command handler runs in. One instance is reused for every command (the server is
 * single-threaded), so handlers get everything through it without any per-command allocation.
 */
import type { ReplyWriter } from '../../protocol/reply-writer.js';
import type { Client } from '../core/client.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { ServerCore } from '../core/server-core.js';
import type { Command } from './types.js';

/** The arguments of the current command: `argc` byte ranges of `buf` (argument 0 is the command name). */
export interface Argv {
  argc: number;
  buf: Buffer;
  argOff: Int32Array;
  argLen: Int32Array;
}

/** Handler context (reused). */
export class CommandContext {
  /** The calling client. */
  client!: Client;
  /** Arguments of the current command. */
  argv!: Argv;
  /** Command being executed. */
  cmd!: Command;
  constructor(
    /** Reply encoder for the current client's batch. */
    readonly reply: ReplyWriter,
    /** The keyspace (db 0). */
    readonly ks: Keyspace,
    /** The server (config, clients, statistics, tiers). */
    readonly server: ServerCore,
  ) {}
}
