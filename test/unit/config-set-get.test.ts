import { describe, expect, expectTypeOf, test } from 'vitest';
import { Config } from '../../server/config/config.js';
import {
  ALL_NAMES,
  PARAMS,
  camelCase,
  lookupParam,
  type Loglevel,
  type MaxmemoryPolicy,
  type MigrateCommandMode,
} from '../../server/config/params.js';

const sorted = (pairs: Array<[string, string]>) => [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
const get1 = (c: Config, name: string) => {
  const r = c.get([name]);
  expect(r).toHaveLength(1);
  return r[0]![1];
};
const failed = (name: string, reason: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;

describe('CONFIG SET error texts (each checked against redis-server 7.0.15)', () => {
  // [pairs, expected reply]; null = OK. Strings copied from what redis-server 7.0.15 answered.
  const cases: [Array<[string, string]>, string | null][] = [
    [[['foo', 'bar']], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [[['foo', '1'], ['bar', '2']], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [[['maxmemory', '1'], ['foo', '2']], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [[['foo', '1'], ['databases', '2']], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [[['databases', '2'], ['foo', '1']], failed('databases', "can't set immutable config")],
    [[['databases', '16']], failed('databases', "can't set immutable config")],
    [[['DATABASES', '16']], failed('DATABASES', "can't set immutable config")],
    [[['maxmemory', '1'], ['maxmemory', '2']], failed('maxmemory', 'duplicate parameter')],
    [[['maxmemory', '1'], ['MAXMEMORY', '2']], failed('MAXMEMORY', 'duplicate parameter')],
    [[['requirepass', 'foo'], ['requirepass', 'bar']], failed('requirepass', 'duplicate parameter')],
    [[['appendonly', 'yes'], ['appendonly', 'no']], failed('appendonly', 'duplicate parameter')],
    [[['hash-max-listpack-entries', '1'], ['hash-max-ziplist-entries', '2']], null],
    [[['maxmemory', '-1']], failed('maxmemory', 'argument must be a memory value')],
    [[['maxmemory', 'abc']], failed('maxmemory', 'argument must be a memory value')],
    [[['MAXMEMORY', 'abc']], failed('maxmemory', 'argument must be a memory value')],
    [[['Hash-Max-Ziplist-Value', 'abc']], failed('hash-max-ziplist-value', 'argument must be a memory value')],
    [[['zset-max-listpack-value', '-1']], failed('zset-max-listpack-value', 'argument must be a memory value')],
    [
      [['maxmemory-policy', 'foo']],
      failed('maxmemory-policy', 'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction'),
    ],
    [
      [['maxmemory-policy', ' noeviction']],
      failed('maxmemory-policy', 'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction'),
    ],
    [[['maxmemory-policy', 'ALLKEYS-LRU']], null],
    [[['appendfsync', 'foo']], failed('appendfsync', 'argument(s) must be one of the following: everysec, always, no')],
    [[['repl-diskless-load', 'foo']], failed('repl-diskless-load', 'argument(s) must be one of the following: disabled, on-empty-db, swapdb')],
    [[['appendonly', 'maybe']], failed('appendonly', "argument must be 'yes' or 'no'")],
    [[['slave-lazy-flush', 'maybe']], failed('slave-lazy-flush', "argument must be 'yes' or 'no'")],
    [[['lazyfree-lazy-user-flush', 'maybe']], failed('lazyfree-lazy-user-flush', "argument must be 'yes' or 'no'")],
    [[['appendonly', 'YES']], null],
    ...['abc', '1.5', ' 5', '+5', '05', '0x10', '10mb', '', '9223372036854775808'].map(
      (v): [Array<[string, string]>, string] => [[['hz', v]], failed('hz', "argument couldn't be parsed into an integer")],
    ),
    [[['hz', '-1']], failed('hz', 'argument must be between 0 and 2147483647 inclusive')],
    [[['timeout', '-1']], failed('timeout', 'argument must be between 0 and 2147483647 inclusive')],
    [[['timeout', '1.0']], failed('timeout', "argument couldn't be parsed into an integer")],
    [[['lua-time-limit', 'abc']], failed('lua-time-limit', "argument couldn't be parsed into an integer")],
    [[['list-max-ziplist-size', '1.5']], failed('list-max-ziplist-size', "argument couldn't be parsed into an integer")],
    [[['maxclients', '0']], failed('maxclients', 'argument must be between 1 and 4294967295 inclusive')],
    [[['maxclients', '1000000000000']], failed('maxclients', 'argument must be between 1 and 4294967295 inclusive')],
    [[['active-expire-effort', '11']], failed('active-expire-effort', 'argument must be between 1 and 10 inclusive')],
    [[['active-expire-effort', '0']], failed('active-expire-effort', 'argument must be between 1 and 10 inclusive')],
    [[['lfu-log-factor', '-1']], failed('lfu-log-factor', 'argument must be between 0 and 2147483647 inclusive')],
    [[['lfu-decay-time', '-1']], failed('lfu-decay-time', 'argument must be between 0 and 2147483647 inclusive')],
    [[['tcp-keepalive', '-1']], failed('tcp-keepalive', 'argument must be between 0 and 2147483647 inclusive')],
    [[['maxmemory-samples', '0']], failed('maxmemory-samples', 'argument must be between 1 and 2147483647 inclusive')],
    [[['proto-max-bulk-len', '100']], failed('proto-max-bulk-len', 'argument must be between 1048576 and 9223372036854775807 inclusive')],
    [[['client-query-buffer-limit', '100']], failed('client-query-buffer-limit', 'argument must be between 1048576 and 9223372036854775807 inclusive')],
    [[['slowlog-log-slower-than', '-2']], failed('slowlog-log-slower-than', 'argument must be between -1 and 9223372036854775807 inclusive')],
    [[['slowlog-log-slower-than', '-1']], null],
    [[['slowlog-max-len', '-1']], failed('slowlog-max-len', 'argument must be between 0 and 9223372036854775807 inclusive')],
    [[['latency-monitor-threshold', '-1']], failed('latency-monitor-threshold', 'argument must be between 0 and 9223372036854775807 inclusive')],
    [[['list-compress-depth', '-1']], failed('list-compress-depth', 'argument must be between 0 and 2147483647 inclusive')],
    [[['set-max-intset-entries', '-1']], failed('set-max-intset-entries', 'argument must be between 0 and 9223372036854775807 inclusive')],
    [[['list-max-listpack-size', '-6']], null],
    [[['daemonize', 'yes']], failed('daemonize', "can't set immutable config")],
    [[['unixsocket', '/tmp/x']], failed('unixsocket', "can't set immutable config")],
    [[['unixsocketperm', '777']], failed('unixsocketperm', "can't set immutable config")],
    [[['tcp-backlog', '100']], failed('tcp-backlog', "can't set immutable config")],
    [[['io-threads', '2']], failed('io-threads', "can't set immutable config")],
    [[['appendfilename', 'foo']], failed('appendfilename', "can't set immutable config")],
    [[['pidfile', '/tmp/x.pid']], failed('pidfile', "can't set immutable config")],
    [[['logfile', 'foo']], failed('logfile', "can't set immutable config")],
    [[['supervised', 'no']], failed('supervised', "can't set immutable config")],
    [[['enable-debug-command', 'yes']], failed('enable-debug-command', "can't set immutable config")],
    [[['dbfilename', 'foo']], failed('dbfilename', "can't set protected config")],
    [[['dbfilename', 'foo/bar']], failed('dbfilename', "can't set protected config")],
    [[['dir', '/nonexistent']], failed('dir', "can't set protected config")],
    [[['save', '900 1']], null],
    [[['save', 'abc']], failed('save', 'Invalid save parameters')],
    [[['save', '900']], failed('save', 'Invalid save parameters')],
    [[['save', '900 1 300']], failed('save', 'Invalid save parameters')],
    [[['save', '0 1']], failed('save', 'Invalid save parameters')],
    [[['save', '900 -1']], failed('save', 'Invalid save parameters')],
    [[['save', '900  1']], failed('save', 'Invalid save parameters')],
    [[['save', 'a b']], failed('save', 'Invalid save parameters')],
    [[['save', '']], null],
    [[['notify-keyspace-events', 'X']], failed('notify-keyspace-events', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")],
    [[['client-output-buffer-limit', 'master 1 1 1']], failed('client-output-buffer-limit', 'Invalid client class specified in buffer limit configuration.')],
    [[['client-output-buffer-limit', 'normal 1 1']], failed('client-output-buffer-limit', 'Wrong number of arguments in buffer limit configuration.')],
    [
      [['client-output-buffer-limit', 'replica 1 1 -1']],
      failed('client-output-buffer-limit', 'Error in hard, soft or soft_seconds setting in buffer limit configuration.'),
    ],
    [
      [['client-output-buffer-limit', 'normal 1x 1 1']],
      failed('client-output-buffer-limit', 'Error in hard, soft or soft_seconds setting in buffer limit configuration.'),
    ],
    [
      [['client-output-buffer-limit', 'normal 1 1 1x']],
      failed('client-output-buffer-limit', 'Error in hard, soft or soft_seconds setting in buffer limit configuration.'),
    ],
    [[['client-output-buffer-limit', '']], null],
    [[['oom-score-adj-values', '0 200']], failed('oom-score-adj-values', 'wrong number of arguments')],
    [[['oom-score-adj-values', '0 200 3000']], failed('oom-score-adj-values', 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.')],
    ...['{foo}', '{title', '', '{title}', ' ', '{}', 'a{', '{unixsocket}', '{server-mode}'].map(
      (v): [Array<[string, string]>, string] => [
        [['proc-title-template', v]],
        failed('proc-title-template', 'template format is invalid or contains unknown variables'),
      ],
    ),
    ...['{{', '{{x', '}', '}}', '  x ', '{port}', 'x', '{title} {port} {tls-port} {unixsocket} {config-file} {listen-addr} {server-mode}'].map(
      (v): [Array<[string, string]>, null] => [[['proc-title-template', v]], null],
    ),
    [[['maxmemory-clients', '50%']], null],
    [[['maxmemory-clients', '101%']], failed('maxmemory-clients', 'percentage argument must be less or equal to 100')],
    [[['maxmemory-clients', '9223372036854775808']], failed('maxmemory-clients', 'percentage argument must be less or equal to 100')],
    [[['maxmemory-clients', 'abc']], failed('maxmemory-clients', 'argument must be a memory or percent value')],
    [[['latency-monitor-threshold', 'abc']], failed('latency-monitor-threshold', "argument couldn't be parsed into an integer")],
  ];
  test.each(cases)('CONFIG SET %j', (pairs, expected) => {
    expect(new Config().set(pairs)).toBe(expected);
  });

  test('tierkv differences from Redis 7.0.15, on purpose', () => {
    const c = new Config();
    // loglevel also accepts Redis 7.2's "nothing" (Redis 7.0.15 lists: debug, verbose, notice, warning).
    expect(c.set([['loglevel', 'foo']])).toBe(
      failed('loglevel', 'argument(s) must be one of the following: debug, verbose, notice, warning, nothing'),
    );
    expect(c.set([['loglevel', 'nothing']])).toBeNull();
    // port and bind are immutable in tierkv (Redis can rebind at run time).
    expect(c.set([['port', '1234']])).toBe(failed('port', "can't set immutable config"));
    expect(c.set([['bind', '0.0.0.0']])).toBe(failed('bind', "can't set immutable config"));
    // Debian's Redis build refuses activedefrag yes (no jemalloc defrag support); official builds accept it.
    expect(c.set([['activedefrag', 'yes']])).toBeNull();
  });
});

describe('CONFIG SET values read back as Redis 7.0.15 prints them', () => {
  // [name, value set, CONFIG GET afterwards], observed on redis-server 7.0.15.
  const cases: [string, string, string][] = [
    ['maxmemory', '1MB', '1048576'],
    ['maxmemory', '1k', '1000'],
    ['maxmemory', '1gb', '1073741824'],
    ['maxmemory', '', '0'],
    ['maxmemory', '010', '10'],
    ['maxmemory', '18446744073709551616', '18446744073709551615'],
    ['maxmemory', '9223372036854775808', '9223372036854775808'],
    ['maxmemory', '10000000000gb', '10737418240000000000'],
    ['maxmemory-policy', 'ALLKEYS-LRU', 'allkeys-lru'],
    ['loglevel', 'WARNING', 'warning'],
    ['appendonly', 'YES', 'yes'],
    ['hz', '0', '1'],
    ['hz', '600', '500'],
    ['save', '900 1', '900 1'],
    ['save', '3600 1 300 100 60 10000', '3600 1 300 100 60 10000'],
    ['save', '900 0', '900 0'],
    ['save', '', ''],
    ['notify-keyspace-events', 'KEA', 'AKE'],
    ['notify-keyspace-events', 'Agn', 'A'],
    ['notify-keyspace-events', 'g$lshzxetd', 'A'],
    ['notify-keyspace-events', 'Em$', '$Em'],
    ['notify-keyspace-events', '', ''],
    ['client-output-buffer-limit', 'normal 1mb 2mb 3', 'normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60'],
    ['client-output-buffer-limit', 'slave 1 1 1', 'normal 0 0 0 slave 1 1 1 pubsub 33554432 8388608 60'],
    ['client-output-buffer-limit', 'normal 1 1 1 normal 2 2 2', 'normal 2 2 2 slave 268435456 67108864 60 pubsub 33554432 8388608 60'],
    ['maxmemory-clients', '50%', '50%'],
    ['maxmemory-clients', '0', '0'],
    ['oom-score-adj', 'relative', 'yes'],
    ['oom-score-adj', 'absolute', 'absolute'],
    ['repl-backlog-size', '1', '16384'],
    ['repl-backlog-size', '1kb', '16384'],
    ['busy-reply-threshold', '6000', '6000'],
    ['list-max-listpack-size', '-5', '-5'],
  ];
  test.each(cases)('%s %j → %j', (name, value, printed) => {
    const c = new Config();
    expect(c.set([[name, value]])).toBeNull();
    expect(get1(c, name)).toBe(printed);
  });

  test('an alias reads and writes the same value', () => {
    const c = new Config();
    expect(c.set([['busy-reply-threshold', '6000']])).toBeNull();
    expect(get1(c, 'lua-time-limit')).toBe('6000');
    // A name and its alias in one CONFIG SET are not duplicates; the later one wins (as Redis 7.0.15).
    expect(c.set([['hash-max-listpack-entries', '5'], ['hash-max-ziplist-entries', '6']])).toBeNull();
    expect(sorted(c.get(['hash-max-*-entries']))).toEqual([
      ['hash-max-listpack-entries', '6'],
      ['hash-max-ziplist-entries', '6'],
    ]);
  });
});

describe('CONFIG SET is atomic', () => {
  test('a bad value in the middle leaves every parameter unchanged', () => {
    const c = new Config();
    // Observed on Redis 7.0.15: "CONFIG SET hz 5 maxmemory abc timeout 1" fails and hz/timeout keep their values.
    expect(c.set([['hz', '5'], ['maxmemory', 'abc'], ['timeout', '1']])).toBe(failed('maxmemory', 'argument must be a memory value'));
    expect(c.hz).toBe(10);
    expect(c.timeout).toBe(0);
    expect(c.maxmemory).toBe(0);
    expect(sorted(c.get(['hz', 'timeout', 'maxmemory']))).toEqual([
      ['hz', '10'],
      ['maxmemory', '0'],
      ['timeout', '0'],
    ]);
  });

  test('an unknown or immutable name anywhere rejects all, before any parsing', () => {
    const c = new Config();
    expect(c.set([['maxmemory', '1mb'], ['foo', '1']])).toMatch(/Unknown option/);
    expect(c.set([['maxmemory', '1mb'], ['port', '1']])).toMatch(/immutable/);
    expect(c.maxmemory).toBe(0);
  });

  test('a failing change hook rolls everything back and re-applies the old values', () => {
    const c = new Config();
    const seen: Array<[string, unknown]> = [];
    c.onChange('maxmemory', (v, cfg, name) => {
      seen.push([name, v]);
      return null;
    });
    c.onChange('hz', (v) => (v === 42 ? 'hz 42 is not allowed here' : null));
    expect(c.set([['maxmemory', '1mb'], ['hz', '42'], ['timeout', '7']])).toBe(failed('hz', 'hz 42 is not allowed here'));
    expect(c.maxmemory).toBe(0);
    expect(c.hz).toBe(10);
    expect(c.timeout).toBe(0);
    // applied with the new value, then re-applied with the restored one
    expect(seen).toEqual([
      ['maxmemory', 1048576],
      ['maxmemory', 0],
    ]);
  });

  test('a throwing hook counts as a rejection', () => {
    const c = new Config();
    c.onChange('maxmemory-policy', () => {
      throw new Error('boom');
    });
    expect(c.set([['maxmemory-policy', 'allkeys-lru']])).toBe(failed('maxmemory-policy', 'boom'));
    expect(c.maxmemoryPolicy).toBe('noeviction');
  });

  test('the error of a failing hook names the alias that was used', () => {
    const c = new Config();
    c.onChange('replica-lazy-flush', () => 'no');
    expect(c.set([['slave-lazy-flush', 'yes']])).toBe(failed('slave-lazy-flush', 'no'));
  });
});

describe('change hooks', () => {
  test('run only when the value changes, once per SET, with the typed value', () => {
    const c = new Config();
    const calls: unknown[] = [];
    const off = c.onChange(['maxmemory', 'maxmemory-policy'], (v, cfg, name) => {
      calls.push([name, v, cfg.maxmemory, cfg.maxmemoryPolicy]);
      return null;
    });
    expect(c.set([['maxmemory', '0']])).toBeNull(); // unchanged: no call
    expect(calls).toEqual([]);
    expect(c.set([['maxmemory', '2mb'], ['maxmemory-policy', 'allkeys-lfu']])).toBeNull();
    expect(calls).toEqual([['maxmemory', 2097152, 2097152, 'allkeys-lfu']]);
    off();
    expect(c.set([['maxmemory', '3mb']])).toBeNull();
    expect(calls).toHaveLength(1);
  });

  test('noop parameters pass their CONFIG GET text; unknown names throw', () => {
    const c = new Config();
    let got: unknown;
    c.onChange('save', (v) => {
      got = v;
      return null;
    });
    expect(c.set([['save', '900 1 300 10']])).toBeNull();
    expect(got).toBe('900 1 300 10');
    expect(() => c.onChange('nope', () => null)).toThrow(/unknown config parameter 'nope'/);
  });
});

describe('CONFIG GET', () => {
  const c = new Config();

  test('exact names: case-insensitive, reported as given, once', () => {
    // Observed on Redis 7.0.15.
    expect(c.get(['MAXMEMORY'])).toEqual([['MAXMEMORY', '0']]);
    expect(c.get(['MAXMEMORY', 'maxmemory'])).toEqual([['MAXMEMORY', '0']]);
    expect(c.get(['maxmemory', 'MAXMEMORY'])).toEqual([['maxmemory', '0']]);
    expect(c.get(['nonexist'])).toEqual([]);
    expect(c.get([''])).toEqual([]);
    expect(c.get(['maxmemory\\-policy'])).toEqual([]); // no glob character: an exact (failing) lookup
    expect(c.get(['hash-max-ziplist-entries', 'hash-max-listpack-entries'])).toEqual([
      ['hash-max-ziplist-entries', '512'],
      ['hash-max-listpack-entries', '512'],
    ]);
  });

  test('patterns: glob, case-insensitive, names and aliases, each once', () => {
    expect(c.get(['maxmemor[y]'])).toEqual([['maxmemory', '0']]);
    expect(sorted(c.get(['MAXMEM*']))).toEqual(sorted(c.get(['maxmem*'])));
    expect(sorted(c.get(['maxmemory*', 'maxmemory'])).map((p) => p[0])).toEqual([
      'maxmemory',
      'maxmemory-clients',
      'maxmemory-eviction-tenacity',
      'maxmemory-policy',
      'maxmemory-samples',
    ]);
    expect(c.get(['MAXMEMORY', 'maxmemory*']).filter(([n]) => n.toLowerCase() === 'maxmemory')).toEqual([['MAXMEMORY', '0']]);
    expect(sorted(c.get(['hash-max-*']))).toEqual([
      ['hash-max-listpack-entries', '512'],
      ['hash-max-listpack-value', '64'],
      ['hash-max-ziplist-entries', '512'],
      ['hash-max-ziplist-value', '64'],
    ]);
    expect(sorted(c.get(['*slave-lazy*']))).toEqual([['slave-lazy-flush', 'no']]);
    // Observed on Redis 7.0.15: exactly these two.
    expect(sorted(c.get(['slave-lazy-flush', 'replica-lazy-flush', '*lazy-flush'])).map((p) => p[0])).toEqual([
      'replica-lazy-flush',
      'slave-lazy-flush',
    ]);
  });

  test('* lists every name and alias exactly once', () => {
    const all = c.get(['*']);
    const names = all.map(([n]) => n);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...ALL_NAMES].sort());
    expect(names).toContain('hash-max-ziplist-entries');
    expect(names).toContain('hot-ratio');
  });

  test('the value of requirepass is shown (Redis only hides it from logs)', () => {
    const d = new Config();
    expect(d.set([['requirepass', 'secret']])).toBeNull();
    expect(d.get(['requirepass'])).toEqual([['requirepass', 'secret']]);
    expect(Config.isSensitive('REQUIREPASS')).toBe(true);
    expect(Config.isSensitive('maxmemory')).toBe(false);
  });
});

describe('defaults', () => {
  // CONFIG GET output of a fresh redis-server 7.0.15 (started with --save '' --appendonly no), for every
  // parameter where tierkv keeps Redis's default.
  const redisDefaults: [string, string][] = [
    ['save', ''],
    ['appendonly', 'no'],
    ['appendfsync', 'everysec'],
    ['appendfilename', 'appendonly.aof'],
    ['appenddirname', 'appendonlydir'],
    ['dbfilename', 'dump.rdb'],
    ['stop-writes-on-bgsave-error', 'yes'],
    ['rdbcompression', 'yes'],
    ['rdbchecksum', 'yes'],
    ['rdb-del-sync-files', 'no'],
    ['rdb-save-incremental-fsync', 'yes'],
    ['no-appendfsync-on-rewrite', 'no'],
    ['auto-aof-rewrite-percentage', '100'],
    ['auto-aof-rewrite-min-size', '67108864'],
    ['aof-load-truncated', 'yes'],
    ['aof-use-rdb-preamble', 'yes'],
    ['aof-timestamp-enabled', 'no'],
    ['aof-rewrite-incremental-fsync', 'yes'],
    ['hash-max-listpack-entries', '512'],
    ['hash-max-ziplist-entries', '512'],
    ['hash-max-listpack-value', '64'],
    ['hash-max-ziplist-value', '64'],
    ['list-max-listpack-size', '-2'],
    ['list-max-ziplist-size', '-2'],
    ['list-compress-depth', '0'],
    ['set-max-intset-entries', '512'],
    ['zset-max-listpack-entries', '128'],
    ['zset-max-ziplist-entries', '128'],
    ['zset-max-listpack-value', '64'],
    ['zset-max-ziplist-value', '64'],
    ['hll-sparse-max-bytes', '3000'],
    ['stream-node-max-bytes', '4096'],
    ['stream-node-max-entries', '100'],
    ['activerehashing', 'yes'],
    ['activedefrag', 'no'],
    ['active-defrag-ignore-bytes', '104857600'],
    ['active-defrag-threshold-lower', '10'],
    ['active-defrag-threshold-upper', '100'],
    ['active-defrag-cycle-min', '1'],
    ['active-defrag-cycle-max', '25'],
    ['active-defrag-max-scan-fields', '1000'],
    ['lazyfree-lazy-eviction', 'no'],
    ['lazyfree-lazy-expire', 'no'],
    ['lazyfree-lazy-server-del', 'no'],
    ['lazyfree-lazy-user-del', 'no'],
    ['replica-lazy-flush', 'no'],
    ['slave-lazy-flush', 'no'],
    ['replica-serve-stale-data', 'yes'],
    ['slave-serve-stale-data', 'yes'],
    ['replica-read-only', 'yes'],
    ['slave-read-only', 'yes'],
    ['replica-ignore-maxmemory', 'yes'],
    ['slave-ignore-maxmemory', 'yes'],
    ['replica-priority', '100'],
    ['slave-priority', '100'],
    ['repl-diskless-sync', 'yes'],
    ['repl-diskless-sync-delay', '5'],
    ['repl-diskless-sync-max-replicas', '0'],
    ['repl-diskless-load', 'disabled'],
    ['repl-disable-tcp-nodelay', 'no'],
    ['repl-backlog-size', '1048576'],
    ['repl-backlog-ttl', '3600'],
    ['repl-timeout', '60'],
    ['repl-ping-replica-period', '10'],
    ['repl-ping-slave-period', '10'],
    ['min-replicas-to-write', '0'],
    ['min-slaves-to-write', '0'],
    ['min-replicas-max-lag', '10'],
    ['min-slaves-max-lag', '10'],
    ['client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60'],
    ['maxmemory-clients', '0'],
    ['maxmemory-eviction-tenacity', '10'],
    ['slowlog-log-slower-than', '10000'],
    ['slowlog-max-len', '128'],
    ['latency-monitor-threshold', '0'],
    ['latency-tracking', 'yes'],
    ['notify-keyspace-events', ''],
    ['busy-reply-threshold', '5000'],
    ['lua-time-limit', '5000'],
    ['tracking-table-max-keys', '1000000'],
    ['acllog-max-len', '128'],
    ['aclfile', ''],
    ['acl-pubsub-default', 'resetchannels'],
    ['io-threads', '1'],
    ['io-threads-do-reads', 'no'],
    ['dynamic-hz', 'yes'],
    ['jemalloc-bg-thread', 'yes'],
    ['crash-log-enabled', 'yes'],
    ['crash-memcheck-enabled', 'yes'],
    ['shutdown-timeout', '10'],
    ['supervised', 'no'],
    ['always-show-logo', 'no'],
    ['set-proc-title', 'yes'],
    ['proc-title-template', '{title} {listen-addr} {server-mode}'],
    ['syslog-enabled', 'no'],
    ['syslog-ident', 'redis'],
    ['syslog-facility', 'local0'],
    ['disable-thp', 'yes'],
    ['oom-score-adj', 'no'],
    ['oom-score-adj-values', '0 200 800'],
    ['enable-debug-command', 'no'],
    ['enable-module-command', 'no'],
    ['enable-protected-configs', 'no'],
    ['sanitize-dump-payload', 'no'],
    ['cluster-enabled', 'no'],
    ['ignore-warnings', ''],
    ['unixsocket', ''],
    ['unixsocketperm', '0'],
    ['maxmemory', '0'],
    ['maxmemory-policy', 'noeviction'],
    ['maxmemory-samples', '5'],
    ['requirepass', ''],
    ['maxclients', '10000'],
    ['proto-max-bulk-len', '536870912'],
    ['client-query-buffer-limit', '1073741824'],
    ['hz', '10'],
    ['timeout', '0'],
    ['tcp-keepalive', '300'],
    ['tcp-backlog', '511'],
    ['loglevel', 'notice'],
    ['logfile', ''],
    ['lfu-log-factor', '1'], // tierkv's default (Redis: 10), see params.ts
    ['lfu-decay-time', '1'],
    ['active-expire-effort', '1'],
    ['lazyfree-lazy-user-flush', 'no'],
    ['daemonize', 'no'],
    ['pidfile', ''],
  ];
  test.each(redisDefaults)('%s defaults to %j as in Redis', (name, value) => {
    expect(get1(new Config(), name)).toBe(value);
  });

  test('tierkv-specific defaults', () => {
    const c = new Config();
    expect(sorted(c.get(['port', 'bind', 'databases', 'protected-mode', 'hot-ratio', 'tier-counter-reset-ms', 'tier-work-budget-us']))).toEqual(
      sorted([
        ['port', '6379'],
        ['bind', '127.0.0.1'],
        ['databases', '1'],
        ['protected-mode', 'no'],
        ['hot-ratio', '0.3'],
        ['tier-counter-reset-ms', '60000'],
        ['tier-work-budget-us', '100'],
      ]),
    );
    expect(
      sorted(c.get(['arena-extent-size', 'slab-page-size', 'slab-growth-factor', 'slab-chunk-min', 'enable-migrate-command', 'migrate-prepare-timeout-ms', 'http-port'])),
    ).toEqual(
      sorted([
        ['arena-extent-size', '33554432'],
        ['slab-page-size', '1048576'],
        ['slab-growth-factor', '1.125'],
        ['slab-chunk-min', '32'],
        ['enable-migrate-command', 'local'],
        ['migrate-prepare-timeout-ms', '600000'],
        ['http-port', 'auto'],
      ]),
    );
    expect(get1(c, 'dir')).toBe(process.cwd());
  });

  test('every default parses back to itself', () => {
    for (const def of PARAMS) {
      if (def.name === 'dir') continue;
      const c = new Config();
      expect(def.format((c as unknown as { values: Map<unknown, unknown> }).values.get(def)), def.name).toBe(def.default);
    }
  });
});

describe('typed fields', () => {
  test('one camelCase field per parameter with an effect, none for no-op ones', () => {
    const c = new Config();
    const fields = Object.keys(c).filter((k) => k !== 'values' && k !== 'hooks');
    const expected = PARAMS.filter((d) => !d.noop).map((d) => camelCase(d.name));
    expect([...fields].sort()).toEqual([...expected].sort());
    for (const d of PARAMS) expect(d.field).toBe(d.noop ? null : camelCase(d.name));
  });

  test('fields are plain data properties (hot-path reads), typed from their declarations', () => {
    const c = new Config();
    for (const d of PARAMS) {
      if (d.field === null) continue;
      const desc = Object.getOwnPropertyDescriptor(c, d.field);
      expect(desc && 'value' in desc && desc.writable && desc.enumerable, d.name).toBe(true);
    }
    // Compile-time checks (tsc -p tsconfig.check.json): the field types come from the parameter table.
    expectTypeOf(c.maxmemory).toEqualTypeOf<number>();
    expectTypeOf(c.migrateZeroFreed).toEqualTypeOf<boolean>();
    expectTypeOf(c.maxmemoryPolicy).toEqualTypeOf<MaxmemoryPolicy>();
    expectTypeOf(c.loglevel).toEqualTypeOf<Loglevel>();
    expectTypeOf(c.enableMigrateCommand).toEqualTypeOf<MigrateCommandMode>();
    expectTypeOf(c.bind).toEqualTypeOf<readonly string[]>();
    expectTypeOf(c.clientOutputBufferLimit).toEqualTypeOf<readonly number[]>();
    expectTypeOf(c).not.toHaveProperty('appendonly');
  });

  test('fields have the typed defaults', () => {
    const c = new Config();
    expect(c.port).toBe(6379);
    expect(c.bind).toEqual(['127.0.0.1']);
    expect(c.maxmemory).toBe(0);
    expect(c.maxmemoryPolicy).toBe('noeviction');
    expect(c.protoMaxBulkLen).toBe(512 * 1024 * 1024);
    expect(c.clientQueryBufferLimit).toBe(1024 * 1024 * 1024);
    expect(c.hz).toBe(10);
    expect(c.loglevel).toBe('notice');
    expect(c.lazyfreeLazyUserFlush).toBe(false);
    expect(c.hotRatio).toBe(0.3);
    expect(c.arenaExtentSize).toBe(32 * 1024 * 1024);
    expect(c.slabPageSize).toBe(1024 * 1024);
    expect(c.slabGrowthFactor).toBe(1.125);
    expect(c.slabChunkMin).toBe(32);
    expect(c.enableMigrateCommand).toBe('local');
    expect(c.httpPort).toBe(-1); // auto (port + 1000), resolved by the server when it listens
    expect(c.unixsocketperm).toBe(0);
  });

  test('fields follow every successful set and every rollback', () => {
    const c = new Config();
    const mutable = PARAMS.filter((d) => d.field && d.mutable && !d.protected);
    for (const d of mutable) {
      const f = d.field as keyof Config;
      // Setting the current value must keep the field identical.
      const before = c[f];
      expect(c.set([[d.name, c.value(d.name)!]]), d.name).toBeNull();
      expect(c[f], d.name).toEqual(before);
    }
    expect(c.set([['maxmemory', '3gb'], ['hot-ratio', '0.5'], ['loglevel', 'debug'], ['lazyfree-lazy-user-flush', 'yes']])).toBeNull();
    expect([c.maxmemory, c.hotRatio, c.loglevel, c.lazyfreeLazyUserFlush]).toEqual([3 * 1024 ** 3, 0.5, 'debug', true]);
    expect(c.set([['maxmemory', '1gb'], ['hot-ratio', '0']])).toBe(failed('hot-ratio', 'argument must be greater than 0 and at most 1'));
    expect([c.maxmemory, c.hotRatio]).toEqual([3 * 1024 ** 3, 0.5]);
  });
});

describe('tierkv parameters', () => {
  test('validation', () => {
    const c = new Config();
    expect(c.set([['hot-ratio', '1']])).toBeNull();
    expect(c.set([['hot-ratio', '1.01']])).toBe(failed('hot-ratio', 'argument must be greater than 0 and at most 1'));
    expect(c.set([['hot-ratio', 'x']])).toBe(failed('hot-ratio', "argument couldn't be parsed into a number"));
    expect(c.set([['tier-counter-reset-ms', '0']])).toBe(failed('tier-counter-reset-ms', 'argument must be between 1 and 2147483647 inclusive'));
    expect(c.set([['tier-work-budget-us', '250']])).toBeNull();
    expect(c.tierWorkBudgetUs).toBe(250);
    expect(c.set([['migrate-prepare-timeout-ms', '1000']])).toBeNull();
    for (const name of ['arena-extent-size', 'slab-page-size', 'slab-growth-factor', 'slab-chunk-min', 'enable-migrate-command', 'http-port']) {
      expect(c.set([[name, '1']])).toBe(failed(name, "can't set immutable config"));
    }
  });

  test('lookups are case-insensitive and know aliases', () => {
    expect(lookupParam('HASH-MAX-ZIPLIST-ENTRIES')).toMatchObject({ registered: 'hash-max-ziplist-entries', def: { name: 'hash-max-listpack-entries' } });
    expect(lookupParam('nope')).toBeUndefined();
  });
});
