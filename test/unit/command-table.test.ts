/**
 * Metadata completeness of the command table (server/commands): COMMAND INFO and COMMAND DOCS (which redis-cli's
 * hints and cluster-aware clients read) need every command and subcommand to carry its documentation, its
 * arguments, its flags and ACL categories in Redis's vocabulary, and key specs matching its key positions. A
 * command added without them fails here.
 */
import { describe, expect, it } from 'vitest';
import { allCommands } from '../../server/commands/index.js';
import { CommandTable } from '../../server/commands/table.js';
import type { ArgDoc, Command } from '../../server/commands/types.js';
import { Rng } from '../support/rng.js';

const table = new CommandTable(allCommands);
const commands = [...table.all()];

/** Redis 7's command flags (src/server.h CMD_*), as COMMAND INFO prints them. */
const FLAGS = new Set([
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'may_replicate', 'no_mandatory_keys', 'protected',
  'no_async_loading', 'no_multi', 'movablekeys', 'allow_busy',
]);
/** Redis 7's ACL categories (src/acl.c). */
const ACL = new Set([
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream',
  'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
]);
const ARG_TYPES = new Set(['string', 'integer', 'double', 'key', 'pattern', 'unix-time', 'pure-token', 'oneof', 'block']);
const KEY_FLAGS = new Set(['RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags']);
const GROUPS = new Set(['string', 'generic', 'connection', 'server', 'transactions', 'bitmap', 'pubsub', 'hash', 'set', 'list', 'sorted-set']);
/** Commands whose arguments Redis 7.0's COMMAND DOCS does not list either (tierkv mirrors it). */
const ARGS_UNDOCUMENTED_IN_REDIS = new Set(['quit', 'command|getkeys']);

/** Arguments a command accepts beyond its name (and subcommand name): at least one unless exactly none. */
function takesArguments(c: Command): boolean {
  const own = c.parent === null ? 1 : 2;
  return c.arity < 0 ? true : c.arity > own;
}

function walkArgs(args: readonly ArgDoc[], visit: (a: ArgDoc) => void): void {
  for (const a of args) {
    visit(a);
    if (a.arguments !== undefined) walkArgs(a.arguments, visit);
  }
}

describe('command table metadata', () => {
  it.each(commands.map((c) => [c.fullName, c] as const))('%s has its documentation', (_name, c) => {
    expect(c.summary.length, 'summary').toBeGreaterThan(10);
    expect(c.since, 'since').toMatch(/^(\d+\.\d+\.\d+|tierkv \d+\.\d+\.\d+)$/);
    expect(GROUPS, 'group').toContain(c.group);
    expect(c.complexity ?? '', 'complexity').not.toBe('');
    if (c.subs !== null) {
      expect(c.handler === undefined || c.name === 'command', 'a container has no handler of its own').toBe(true);
      expect(c.subs.length).toBeGreaterThan(0);
    } else {
      expect(typeof c.handler, 'handler').toBe('function');
      if (takesArguments(c) && !ARGS_UNDOCUMENTED_IN_REDIS.has(c.fullName)) expect(c.arguments, 'arguments (COMMAND DOCS)').toBeDefined();
    }
  });

  it.each(commands.map((c) => [c.fullName, c] as const))('%s has Redis flags, ACL categories and key specs', (_name, c) => {
    for (const f of c.flags) expect(FLAGS, `flag ${f}`).toContain(f);
    for (const a of c.acl ?? []) expect(ACL, `ACL category ${a}`).toContain(a);
    const specs = c.keySpecs ?? [];
    if (c.firstKey > 0) {
      expect(specs.length, 'key specs for a command with keys').toBeGreaterThan(0);
      expect(specs[0]!.index, 'first key spec begins at firstKey').toBe(c.firstKey);
      // Redis derives the legacy key range from the positioned specs only (server.c populateCommandLegacyRangeSpec
      // skips SORT's `unknown` ones).
      const positioned = specs.filter((sp) => sp.unknown !== true);
      const last = positioned[positioned.length - 1]!;
      // A keynum spec after the first (ZUNIONSTORE's numkeys): Redis's legacy range covers the range specs only.
      if (last.keynum !== undefined) expect(c.flags, 'movable keys').toContain('movablekeys');
      else if (c.lastKey >= 0) expect(last.index + last.lastKey, 'last key spec ends at lastKey').toBe(c.lastKey);
      else expect(last.lastKey).toBe(c.lastKey);
      expect(specs[0]!.keyStep).toBe(c.step);
    } else if (c.flags.includes('movablekeys')) {
      // Keys found through a key count (SINTERCARD's numkeys): a keynum spec, as Redis declares it.
      expect(specs.length, 'key specs for a command with movable keys').toBeGreaterThan(0);
      expect(specs.every((s) => s.keynum !== undefined), 'keynum specs').toBe(true);
    } else {
      expect(specs, 'no key specs without keys').toEqual([]);
    }
    for (const s of specs) {
      for (const f of s.flags) expect(KEY_FLAGS, `key flag ${f}`).toContain(f);
      // Shard channels (SSUBSCRIBE, SPUBLISH) are declared as keys flagged not_key only, as Redis declares them.
      const access = s.flags.includes('not_key') ? 0 : 1;
      expect(s.flags.filter((f) => ['RO', 'RW', 'OW', 'RM'].includes(f)), 'exactly one of RO/RW/OW/RM').toHaveLength(access);
    }
    walkArgs(c.arguments ?? [], (a) => {
      expect(ARG_TYPES, `argument type ${a.type}`).toContain(a.type);
      if (a.type === 'key') expect(a.keySpecIndex, `key argument ${a.name}`).toBeLessThan(specs.length);
      if (a.type === 'oneof' || a.type === 'block') expect(a.arguments?.length ?? 0, `${a.name} has members`).toBeGreaterThan(0);
      if (a.type === 'pure-token') expect(a.token, `${a.name} has a token`).toBeDefined();
    });
  });

  it('declares each name once, lower case, and subcommands under their container', () => {
    const names = commands.map((c) => c.fullName);
    expect(new Set(names).size).toBe(names.length);
    for (const c of commands) {
      expect(c.name).toBe(c.name.toLowerCase());
      if (c.parent !== null) expect(c.fullName).toBe(`${c.parent.name}|${c.name}`);
    }
  });
});

describe('CommandTable.lookup', () => {
  it('finds each command by its name bytes in any case, in any order, and nothing for other names', () => {
    // The last command found is tried first: names in turns, prefixes, longer names and mixed case must not match it.
    const names = table.commands.map((c) => c.name);
    const probes = [...names, ...names.map((n) => n.toUpperCase()), ...names.map((n) => n + 'x'), ...names.map((n) => n.slice(0, -1)), 'nosuch', ''];
    const rng = new Rng(7);
    for (let i = 0; i < 20_000; i++) {
      const p = rng.pick(probes);
      const b = Buffer.from('..' + p + '..', 'latin1');
      const want = names.find((n) => n === p.toLowerCase());
      expect(table.lookup(b, 2, p.length)?.name).toBe(want);
    }
  });
});
