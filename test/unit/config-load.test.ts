import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CliExit, Config, ConfigError, loadFromArgs } from '../../server/config/config.js';
import { PARAMS, keyspaceEventsToFlags } from '../../server/config/params.js';
import { tierkvVersion } from '../../server/config/version.js';
import { parseConfigText, tokenizeArgs } from '../../server/config/loader.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tierkv-config-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;
function confFile(text: string): string {
  const p = path.join(tmp, `t${++fileNo}.conf`);
  writeFileSync(p, text);
  return p;
}
const V = '9.9.9';
const load = (argv: string[]) => loadFromArgs(argv, { version: V });
function loadError(argv: string[]): ConfigError {
  try {
    load(argv);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(argv)}`);
}
const val = (c: Config, name: string) => c.value(name);

describe('command line, redis-server rules (each checked against redis-server 7.0.15)', () => {
  test('several words after one option, or one quoted word, for multi-word parameters', () => {
    expect(val(load(['--bind', '127.0.0.1', '::1']).config, 'bind')).toBe('127.0.0.1 ::1');
    expect(val(load(['--bind', '127.0.0.1 ::1']).config, 'bind')).toBe('127.0.0.1 ::1');
    expect(val(load(['--save', '900 1']).config, 'save')).toBe('900 1');
    expect(val(load(['--save', '900', '1']).config, 'save')).toBe('900 1');
    expect(val(load(['--save', '900', '1', '--save', '300', '10']).config, 'save')).toBe('900 1 300 10');
  });

  test('--save with no value means save ""', () => {
    expect(val(load(['--save']).config, 'save')).toBe('');
    const r = load(['--save', '--hz', '20']);
    expect(val(r.config, 'save')).toBe('');
    expect(r.config.hz).toBe(20);
  });

  test('the first word after an option name is its value even if it starts with --', () => {
    expect(load(['--requirepass', '--x']).config.requirepass).toBe('--x');
    expect(load(['--requirepass', '--x', '--maxmemory', '1mb']).config.maxmemory).toBe(1048576);
  });

  test('negative numbers are values', () => {
    const c = load(['--list-max-listpack-size', '-3', '--slowlog-log-slower-than', '-1']).config;
    expect(val(c, 'list-max-listpack-size')).toBe('-3');
    expect(val(c, 'slowlog-log-slower-than')).toBe('-1');
  });

  test('the last occurrence wins; option names are case-insensitive; "--name value" as one word works', () => {
    expect(load(['--maxmemory', '1mb', '--maxmemory', '2mb']).config.maxmemory).toBe(2097152);
    expect(load(['--HZ', '20']).config.hz).toBe(20);
    expect(load(['--port 6380']).config.port).toBe(6380);
  });

  test('values read like the config-file line Redis builds from them', () => {
    expect(load(['--requirepass', 'a "quoted" \\ pass word']).config.requirepass).toBe('a "quoted" \\ pass word');
    expect(load(['--requirepass', '']).config.requirepass).toBe('');
    expect(load(['--requirepass', 'héllo']).config.requirepass).toBe('héllo');
  });

  test('error texts and the line Redis shows', () => {
    // [argv, the ">>>" line and the reason redis-server 7.0.15 printed]
    const cases: [string[], string, string][] = [
      [['--hz', 'abc'], `>>> 'hz "abc"'`, "argument couldn't be parsed into an integer"],
      [['--hz'], `>>> 'hz'`, 'wrong number of arguments'],
      [['--hz', '1', '2'], `>>> 'hz "1" "2"'`, 'wrong number of arguments'],
      [['--foo', 'bar'], `>>> 'foo "bar"'`, 'Bad directive or wrong number of arguments'],
      [['--save', '900'], `>>> 'save "900"'`, 'Invalid save parameters'],
      [['--save', '900', '1', '--save', '300'], `>>> 'save "300"'`, 'Invalid save parameters'],
      [['--maxmemory', '-1'], `>>> 'maxmemory "-1"'`, 'argument must be a memory value'],
      [['--maxmemory', '1 mb'], `>>> 'maxmemory "1 mb"'`, 'argument must be a memory value'],
      [['--daemonize', 'maybe'], `>>> 'daemonize "maybe"'`, "argument must be 'yes' or 'no'"],
      [['--appendfilename', ''], `>>> 'appendfilename ""'`, "appendfilename can't be empty"],
      [['--appendfilename', 'a/b'], `>>> 'appendfilename "a/b"'`, "appendfilename can't be a path, just a filename"],
      [['--dbfilename', 'a/b'], `>>> 'dbfilename "a/b"'`, "dbfilename can't be a path, just a filename"],
      [['--unixsocketperm', '999'], `>>> 'unixsocketperm "999"'`, "argument couldn't be parsed as an octal number"],
      [['--unixsocketperm', '-1'], `>>> 'unixsocketperm "-1"'`, 'argument must be between 0 and 777 inclusive'],
      [['--dir', '/nonexistent-tierkv-dir'], `>>> 'dir "/nonexistent-tierkv-dir"'`, 'No such file or directory'],
      [['--port', '99999'], `>>> 'port "99999"'`, 'argument must be between 0 and 65535 inclusive'],
      [['--requirepass'], `>>> 'requirepass'`, 'wrong number of arguments'],
      [['--notify-keyspace-events', 'K', 'E'], `>>> 'notify-keyspace-events "K" "E"'`, 'wrong number of arguments'],
      [['--oom-score-adj-values', '1 2'], `>>> 'oom-score-adj-values "1 2"'`, 'wrong number of arguments'],
      [['--list-max-ziplist-entries', '5', '6'], `>>> 'list-max-ziplist-entries "5" "6"'`, 'Bad directive or wrong number of arguments'],
      [['--HZ', 'x'], `>>> 'HZ "x"'`, "argument couldn't be parsed into an integer"],
      [['--io-threads', '0'], `>>> 'io-threads "0"'`, 'argument must be between 1 and 128 inclusive'],
      [['--bind', ...Array.from({ length: 17 }, (_, i) => `127.0.0.${i + 1}`)], '', 'Too many bind addresses specified.'],
    ];
    for (const [argv, shown, reason] of cases) {
      const e = loadError(argv);
      const lines = e.message.split('\n');
      expect(lines[0], argv.join(' ')).toBe(`*** FATAL CONFIG FILE ERROR (tierkv ${V}) ***`);
      expect(lines[1], argv.join(' ')).toBe(`Reading the command line, at option ${argv[0]}`);
      if (shown) expect(lines[2], argv.join(' ')).toBe(shown);
      expect(lines[3], argv.join(' ')).toBe(reason);
      expect(e.reason).toBe(reason);
    }
  });

  test('the dir parameter checks the directory and stores an absolute path', () => {
    expect(load(['--dir', tmp]).config.dir).toBe(tmp);
    const file = confFile('');
    expect(loadError(['--dir', file]).reason).toBe('Not a directory');
  });

  test('tierkv refusals', () => {
    expect(loadError(['--daemonize', 'yes']).reason).toMatch(/tierkv does not daemonize/);
    expect(load(['--daemonize', 'no']).config.daemonize).toBe(false);
    expect(loadError(['--cluster-enabled', 'yes']).reason).toMatch(/no cluster mode/);
    expect(loadError(['--include', '/x.conf']).reason).toBe("'include' is not supported by tierkv");
    expect(loadError(['--loadmodule', '/x.so']).reason).toBe("'loadmodule' is not supported by tierkv");
    expect(loadError(['--mymodule.param', '1']).reason).toBe("'mymodule.param' is not supported by tierkv");
    expect(loadError(['--save', '"unbalanced']).reason).toBe('Unbalanced quotes in configuration line');
    expect(loadError(['-']).reason).toMatch(/standard input/);
    expect(loadError(['--port', '1', '-']).reason).toMatch(/standard input/);
    expect(loadError(['--version=1']).reason).toBe('Bad directive or wrong number of arguments');
  });

  test('cross-parameter checks', () => {
    expect(loadError(['--slab-page-size', '3mb']).reason).toBe('argument must be a power of two');
    expect(loadError(['--slab-page-size', '32mb', '--arena-extent-size', '48mb']).reason).toBe(
      'arena-extent-size (50331648) must be a multiple of slab-page-size (33554432)',
    );
    expect(loadError(['--slab-page-size', '64kb', '--slab-chunk-min', '40000']).reason).toBe(
      'slab-chunk-min (40000) must be at most half of slab-page-size (65536)',
    );
    expect(loadError(['--slab-chunk-min', '52']).reason).toBe('argument must be a multiple of 8');
    expect(loadError(['--arena-extent-size', '16mb']).reason).toBe('argument must be between 33554432 and 1073741824 inclusive');
    const ok = load(['--slab-page-size', '64kb', '--arena-extent-size', '64mb', '--slab-growth-factor', '1.5', '--slab-chunk-min', '64']).config;
    expect([ok.slabPageSize, ok.arenaExtentSize, ok.slabGrowthFactor, ok.slabChunkMin]).toEqual([65536, 64 * 1024 * 1024, 1.5, 64]);
  });

  test('a word that is neither the config file nor an option value is refused', () => {
    expect(() => tokenizeArgs(['a.conf', 'b'], V)).toThrow(/Unexpected argument 'b'/);
    expect(tokenizeArgs(['a.conf', '--port', '1'], V).configFile).toBe('a.conf');
  });
});

describe('config file', () => {
  test('comments, blank lines, quoting, accumulation, and command-line overrides', () => {
    const file = confFile(
      [
        '# a comment',
        '',
        '   # an indented comment',
        'maxmemory 1mb',
        '  maxmemory-policy   allkeys-lru  ',
        'MAXMEMORY-SAMPLES 7',
        'requirepass "p a s s\\x41\\n"',
        "notify-keyspace-events 'KEA'",
        'save 900 1',
        'save "300 10"',
        'bind 127.0.0.1 "::1"',
        'client-output-buffer-limit normal 0 0 0',
        'client-output-buffer-limit replica 256mb 64mb 60',
        'client-output-buffer-limit pubsub 32mb 8mb 60',
        'hz 10\r',
        'hot-ratio 0.5',
      ].join('\n'),
    );
    const r = load([file, '--maxmemory', '2mb', '--save', '60', '10000', '--hot-ratio', '0.25']);
    expect(r.configFile).toBe(file);
    const c = r.config;
    expect(c.maxmemory).toBe(2 * 1024 * 1024); // the command line overrides the file
    expect(c.maxmemoryPolicy).toBe('allkeys-lru');
    expect(c.maxmemorySamples).toBe(7);
    expect(c.requirepass).toBe('p a s sA\n');
    expect(val(c, 'notify-keyspace-events')).toBe('AKE');
    // Redis: the first save line replaces the default, the following ones (file and command line) add to it.
    expect(val(c, 'save')).toBe('900 1 300 10 60 10000');
    expect(c.bind).toEqual(['127.0.0.1', '::1']);
    expect(val(c, 'client-output-buffer-limit')).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    expect(c.hz).toBe(10);
    expect(c.hotRatio).toBe(0.25);
    expect(r.warnings).toContain("'save 900 1 300 10 60 10000' has no effect in tierkv");
    // notify-keyspace-events has an effect since the keyspace notifications (server/pubsub/notify.ts).
    expect(r.warnings.some((w) => w.includes('notify-keyspace-events'))).toBe(false);
    expect(c.notifyKeyspaceEvents).toBe(keyspaceEventsToFlags('AKE'));
  });

  test('errors give the file, the line number and the line', () => {
    const file = confFile('port 7000\n\n# x\nhz abc\n');
    const e = loadError([file]);
    expect(e.message).toBe(
      [
        `*** FATAL CONFIG FILE ERROR (tierkv ${V}) ***`,
        `Reading the configuration file ${file}, at line 4`,
        ">>> 'hz abc'",
        "argument couldn't be parsed into an integer",
      ].join('\n'),
    );
    expect(loadError([confFile('requirepass "abc\n')]).message).toContain(`at line 1\n>>> 'requirepass "abc'\nUnbalanced quotes in configuration line`);
    expect(loadError([confFile('requirepass "a"b\n')]).reason).toBe('Unbalanced quotes in configuration line');
    expect(loadError([confFile('nosuchthing 1\n')]).reason).toBe('Bad directive or wrong number of arguments');
    expect(loadError([confFile('include other.conf\n')]).reason).toBe("'include' is not supported by tierkv");
    expect(loadError([confFile('rename-command FLUSHALL ""\n')]).reason).toBe("'rename-command' is not supported by tierkv");
  });

  test('deprecated Redis directives are ignored with a warning', () => {
    const file = confFile('list-max-ziplist-entries 512\nlist-max-ziplist-value 64\n');
    const r = load([file]);
    expect(r.warnings).toEqual([
      `${file}:1: 'list-max-ziplist-entries' is a deprecated Redis directive, ignored`,
      `${file}:2: 'list-max-ziplist-value' is a deprecated Redis directive, ignored`,
    ]);
  });

  test('a missing file is a clear error', () => {
    const missing = path.join(tmp, 'missing.conf');
    expect(loadError([missing]).message).toBe(
      `*** FATAL CONFIG FILE ERROR (tierkv ${V}) ***\nFatal error, can't open config file '${missing}': No such file or directory`,
    );
  });

  test('a relative config path is resolved from opts.cwd', () => {
    confFile('hz 33\n');
    const r = loadFromArgs([`t${fileNo}.conf`], { version: V, cwd: tmp });
    expect(r.config.hz).toBe(33);
  });

  test("the directives of Debian's default redis.conf load (with daemonize no)", () => {
    const file = confFile(
      `bind 127.0.0.1 -::1
protected-mode yes
port 6379
tcp-backlog 511
timeout 0
tcp-keepalive 300
daemonize no
pidfile /run/redis/redis-server.pid
loglevel notice
logfile /var/log/redis/redis-server.log
databases 16
always-show-logo no
set-proc-title yes
proc-title-template "{title} {listen-addr} {server-mode}"
stop-writes-on-bgsave-error yes
rdbcompression yes
rdbchecksum yes
dbfilename dump.rdb
rdb-del-sync-files no
dir ${tmp}
replica-serve-stale-data yes
replica-read-only yes
repl-diskless-sync yes
repl-diskless-sync-delay 5
repl-diskless-sync-max-replicas 0
repl-diskless-load disabled
repl-disable-tcp-nodelay no
replica-priority 100
acllog-max-len 128
lazyfree-lazy-eviction no
lazyfree-lazy-expire no
lazyfree-lazy-server-del no
replica-lazy-flush no
lazyfree-lazy-user-del no
lazyfree-lazy-user-flush no
oom-score-adj no
oom-score-adj-values 0 200 800
disable-thp yes
appendonly no
appendfilename "appendonly.aof"
appenddirname "appendonlydir"
appendfsync everysec
no-appendfsync-on-rewrite no
auto-aof-rewrite-percentage 100
auto-aof-rewrite-min-size 64mb
aof-load-truncated yes
aof-use-rdb-preamble yes
aof-timestamp-enabled no
slowlog-log-slower-than 10000
slowlog-max-len 128
latency-monitor-threshold 0
notify-keyspace-events ""
hash-max-listpack-entries 512
hash-max-listpack-value 64
list-max-listpack-size -2
list-compress-depth 0
set-max-intset-entries 512
zset-max-listpack-entries 128
zset-max-listpack-value 64
hll-sparse-max-bytes 3000
stream-node-max-bytes 4096
stream-node-max-entries 100
activerehashing yes
client-output-buffer-limit normal 0 0 0
client-output-buffer-limit replica 256mb 64mb 60
client-output-buffer-limit pubsub 32mb 8mb 60
hz 10
dynamic-hz yes
aof-rewrite-incremental-fsync yes
rdb-save-incremental-fsync yes
jemalloc-bg-thread yes
`,
    );
    const r = load([file]);
    expect(r.config.bind).toEqual(['127.0.0.1', '-::1']);
    expect(r.config.protectedMode).toBe(true);
    expect(r.config.databases).toBe(16);
    expect(r.config.logfile).toBe('/var/log/redis/redis-server.log');
    expect(r.config.dir).toBe(tmp);
    expect(r.warnings).toEqual([]); // every no-op parameter is at its default
  });

  test('parseConfigText keeps line numbers and skips what Redis skips', () => {
    const d = parseConfigText('\n# c\n  \t\nport 1\r\nsave ""\n', '/f.conf', V);
    expect(d.map((x) => [x.name, x.args, x.where])).toEqual([
      ['port', ['1'], { source: 'file', path: '/f.conf', line: 4, text: 'port 1' }],
      ['save', [''], { source: 'file', path: '/f.conf', line: 5, text: 'save ""' }],
    ]);
  });
});

describe('help and version', () => {
  function exit(argv: string[]): CliExit {
    try {
      load(argv);
    } catch (e) {
      if (e instanceof CliExit) return e;
      throw e;
    }
    throw new Error('no CliExit');
  }

  test('--help and -h list every parameter with its doc and default', () => {
    for (const flag of ['--help', '-h']) {
      const e = exit([flag]);
      expect(e.exitCode).toBe(0);
      expect(e.output).toMatch(/^Usage: tierkv-server \[config-file\] \[--name value \.\.\.\]/);
      for (const def of PARAMS) expect(e.output, def.name).toContain(`--${def.name} <value`);
      expect(e.output).toMatch(/--proto-max-bulk-len <value>\s+largest bulk string a client may send, bytes \[default: 512mb\]/);
      expect(e.output).toMatch(/\[alias:\s+hash-max-ziplist-entries\]/);
      expect(e.output).toContain('tierkv parameters:');
      expect(e.output).toContain('Redis parameters accepted for compatibility (no effect in tierkv):');
    }
    // also in place of an option name after other options
    expect(exit(['--port', '1', '--help']).output).toMatch(/^Usage:/);
  });

  test('--version and -v', () => {
    for (const flag of ['--version', '-v']) {
      const e = exit([flag]);
      expect(e.exitCode).toBe(0);
      expect(e.output).toBe(`tierkv server v=${V} node=${process.version}\n`);
    }
  });

  test('the default version is package.json’s', () => {
    expect(tierkvVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(tierkvVersion()).not.toBe('0.0.0');
  });
});

describe('Config.fromParams', () => {
  test('applies params like --name value', () => {
    const r = Config.fromParams({ maxmemory: '2mb', save: '', bind: '127.0.0.1 ::1', 'maxmemory-policy': 'allkeys-lru', port: '0' }, V);
    expect(r.config.maxmemory).toBe(2097152);
    expect(r.config.bind).toEqual(['127.0.0.1', '::1']);
    expect(r.config.maxmemoryPolicy).toBe('allkeys-lru');
    expect(r.config.port).toBe(0);
    expect(r.config.value('save')).toBe('');
  });

  test('errors name the parameter', () => {
    let err: unknown;
    try {
      Config.fromParams({ hz: 'x' }, V);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      `*** FATAL CONFIG FILE ERROR (tierkv ${V}) ***\nReading the startup parameters\n>>> 'hz "x"'\nargument couldn't be parsed into an integer`,
    );
  });

  test('loading does not run change hooks', () => {
    const c = new Config();
    let called = false;
    c.onChange('hz', () => {
      called = true;
      return null;
    });
    expect(c.load([{ name: 'hz', args: ['20'], where: { source: 'params', text: 'hz 20' } }], V)).toEqual([]);
    expect(c.hz).toBe(20);
    expect(called).toBe(false);
  });
});
