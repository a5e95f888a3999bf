/**
 * Every command tierkv implements, by family. The command table (table.ts) is built from this list.
 */
import { aclCommands } from './acl.js';
import { bitmapCommands } from './bitmaps.js';
import { blockingListCommands } from './blocking-lists.js';
import { blockingZsetCommands } from './blocking-zsets.js';
import { commandCommands } from './command-cmd.js';
import { connectionCommands } from './connection.js';
import { diagnosticsCommands } from './diagnostics.js';
import { expireCommands } from './expire.js';
import { hashCommands } from './hashes.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { zsetCommands } from './zsets.js';
import { migrateCommands } from './migrate.js';
import { pubsubCommands } from './pubsub.js';
import { serverCommands } from './server-cmds.js';
import { setCommands } from './sets.js';
import { sortCommands } from './sort.js';
import { stringCommands } from './strings.js';
import { transactionCommands } from './transactions.js';
import type { CommandSpec } from './types.js';

/** All command declarations. */
export const allCommands: CommandSpec[] = [
  ...stringCommands,
  ...bitmapCommands,
  ...hashCommands,
  ...setCommands,
  ...keyCommands,
  ...listCommands,
  ...zsetCommands,
  ...blockingListCommands,
  ...blockingZsetCommands,
  ...expireCommands,
  ...connectionCommands,
  ...serverCommands,
  ...commandCommands,
  ...migrateCommands,
  ...transactionCommands,
  ...pubsubCommands,
  ...diagnosticsCommands,
  ...aclCommands,
  ...sortCommands,
];
