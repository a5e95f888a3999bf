/**
 * MIGRATE_PREPARE, MIGRATE_DONE, MIGRATE_ABORT: tierkv's cooperation with a VM live migration (see
 * server/memory/migrate-prepare.ts). They are admin commands, refused unless `enable-migrate-command` allows the caller:
 * `no` refuses everyone, `local` (default) only loopback and Unix-socket connections (as Redis's
 * enable-debug-command), `yes` everyone; requirepass applies as usual.
 */
import type { ReplyWriter } from '../../protocol/reply-writer.js';
import type { PrepareReport } from '../memory/migrate-prepare.js';
import type { CommandContext } from './context.js';
import type { CommandSpec } from './types.js';

/** Checks enable-migrate-command for the caller; replies the refusal and returns false when not allowed. */
function allowed(ctx: CommandContext): boolean {
  const mode = ctx.server.config.enableMigrateCommand;
  if (mode === 'yes' || (mode === 'local' && ctx.client.local)) return true;
  const name = ctx.cmd.name.toUpperCase();
  ctx.reply.error(
    mode === 'no'
      ? `ERR ${name} is disabled: set enable-migrate-command to yes or local in the configuration and restart the server`
      : `ERR ${name} is only allowed from a local connection (loopback or Unix socket) while enable-migrate-command is local`,
  );
  return false;
}

/** Writes the report as a map (RESP3) or a flat array of field/value pairs (RESP2). */
function writeReport(w: ReplyWriter, report: PrepareReport): void {
  const entries = Object.entries(report);
  w.mapLen(entries.length);
  for (const [k, v] of entries) {
    w.bulkString(k);
    if (typeof v === 'number') w.integer(Math.round(v));
    else w.bulkString(String(v));
  }
}

function migratePrepare(ctx: CommandContext): void {
  if (!allowed(ctx)) return;
  const core = ctx.server;
  const c = ctx.client;
  core.block(c);
  core.migration.prepare().then(
    (report) => core.unblock(c, (w) => writeReport(w, report)),
    (e: unknown) => core.unblock(c, (w) => w.error(`ERR MIGRATE_PREPARE failed: ${(e as Error).message}`)),
  );
}

function migrateDone(ctx: CommandContext): void {
  if (!allowed(ctx)) return;
  ctx.server.migration.finish('done');
  ctx.reply.ok();
}

function migrateAbort(ctx: CommandContext): void {
  if (!allowed(ctx)) return;
  ctx.server.migration.finish('abort');
  ctx.reply.ok();
}

const NOKEYS = { firstKey: 0, lastKey: 0, step: 0 };
const S = { group: 'server' };
const FLAGS = ['admin', 'noscript', 'loading', 'stale', 'no_multi'];
const ACL = ['admin', 'slow', 'dangerous'];

/** The migration commands of the table. */
export const migrateCommands: CommandSpec[] = [
  {
    name: 'migrate_prepare', arity: 1, flags: FLAGS, ...NOKEYS, ...S, acl: ACL, since: 'tierkv 0.1.0',
    summary:
      'Before a VM live migration: drops the whole cold tier (its keys are LOST: use tierkv as a cache only), returns the ' +
      'memory to the OS, enters migration mode (no demotion until MIGRATE_DONE/MIGRATE_ABORT or ' +
      'migrate-prepare-timeout-ms) and replies dropped_keys, freed_bytes, used_memory, used_memory_rss, ' +
      'system_memory_total, system_memory_available, stall_us, release_ms and more.',
    complexity: 'O(number of cold extents); the reply waits (bounded) until the RSS has fallen',
    handler: migratePrepare,
  },
  {
    name: 'migrate_done', arity: 1, flags: FLAGS, ...NOKEYS, ...S, acl: ACL, since: 'tierkv 0.1.0',
    summary: 'Ends migration mode after a completed migration: demotion to the cold tier resumes.', complexity: 'O(1)',
    handler: migrateDone,
  },
  {
    name: 'migrate_abort', arity: 1, flags: FLAGS, ...NOKEYS, ...S, acl: ACL, since: 'tierkv 0.1.0',
    summary: 'Ends migration mode after a failed or cancelled migration (the dropped keys stay dropped).',
    complexity: 'O(1)', handler: migrateAbort,
  },
];
