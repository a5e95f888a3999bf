/**
 * Turning a redis.conf-style file and a redis-server-style command line into directives (name + arguments +
 * where they came from), and the commander definition behind `--help`. Pure: no `Config` here; config.ts
 * applies the directives.
 */
import { Command, Option } from 'commander';
import { splitArgs } from '../../protocol/split-args.js';
import { PARAMS, defaultForHelp, type ParamDef } from './params.js';
import { asciiLower, reprArg } from './units.js';

/** One `name arg...` directive of a config file or of the command line. */
export interface Directive {
  /** Directive name, lower case. */
  readonly name: string;
  /** Its arguments, as split by Redis's quoting rules. */
  readonly args: readonly string[];
  /** Where it came from, for error messages. */
  readonly where: DirectiveSource;
}

/** Origin of a directive. `text` is the line as Redis shows it after `>>>` in its fatal config errors. */
export type DirectiveSource =
  | { readonly source: 'file'; readonly path: string; readonly line: number; readonly text: string }
  | { readonly source: 'args'; readonly option: string; readonly text: string }
  | { readonly source: 'params'; readonly text: string };

/**
 * A configuration error: bad directive, bad value, unreadable file. `message` is the complete text to print, in
 * the style of redis-server's fatal config errors:
 *
 *     *** FATAL CONFIG FILE ERROR (tierkv 0.1.0) ***
 *     Reading the configuration file /etc/tierkv.conf, at line 3
 *     >>> 'hz "abc"'
 *     argument couldn't be parsed into an integer
 */
export class ConfigError extends Error {
  /**
   * @param reason what is wrong, in Redis's words where Redis has them.
   * @param where the offending directive, if any.
   * @param version tierkv version for the header line.
   */
  constructor(
    readonly reason: string,
    readonly where: DirectiveSource | undefined,
    version: string,
  ) {
    const lines = [`*** FATAL CONFIG FILE ERROR (tierkv ${version}) ***`];
    if (where?.source === 'file') lines.push(`Reading the configuration file ${where.path}, at line ${where.line}`);
    else if (where?.source === 'args') lines.push(`Reading the command line, at option ${where.option}`);
    else if (where?.source === 'params') lines.push('Reading the startup parameters');
    if (where) lines.push(`>>> '${where.text}'`);
    lines.push(reason);
    super(lines.join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * Thrown by `loadFromArgs` for `--help` and `--version`: print `output` to standard output and exit with
 * `exitCode` (0).
 */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    readonly output: string,
  ) {
    super(output);
    this.name = 'CliExit';
  }
}

function decode(args: readonly Buffer[]): string[] {
  return args.map((b) => b.toString('utf8'));
}

/**
 * Parses the text of a redis.conf-style file, as Redis config.c `loadServerConfigFromString` does: lines split
 * on `\n`, each trimmed of spaces, tabs, `\r` and `\n`; empty lines and lines starting with `#` skipped; the
 * rest split with sdssplitargs rules (quotes and escapes, see protocol/split-args.ts); the first word, lower
 * cased, is the directive name. Values are decoded as UTF-8.
 *
 * @param text file contents (bytes, or a string encoded as UTF-8).
 * @param filePath shown in error messages.
 * @param version shown in error messages.
 * @returns the directives in file order.
 * @throws ConfigError "Unbalanced quotes in configuration line" with the line number.
 */
export function parseConfigText(text: Buffer | string, filePath: string, version: string): Directive[] {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const out: Directive[] = [];
  let start = 0;
  let lineNo = 0;
  while (start <= buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    lineNo++;
    let a = start;
    let b = end;
    const trim = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
    while (a < b && trim(buf[a]!)) a++;
    while (b > a && trim(buf[b - 1]!)) b--;
    start = end + 1;
    if (a === b || buf[a] === 0x23 /* # */) continue;
    const line = buf.subarray(a, b);
    const where: DirectiveSource = { source: 'file', path: filePath, line: lineNo, text: line.toString('utf8') };
    const argv = splitArgs(line);
    if (argv === null) throw new ConfigError('Unbalanced quotes in configuration line', where, version);
    if (argv.length === 0) continue;
    const words = decode(argv);
    out.push({ name: asciiLower(words[0]!), args: words.slice(1), where });
  }
  return out;
}

/** What the command line asks for. */
export interface ParsedArgs {
  /** The config file named as the first argument, if any (as given, not resolved). */
  readonly configFile: string | null;
  /** `--name value...` options in order, to apply after the file. */
  readonly directives: Directive[];
  /** `-h`/`--help` or `-v`/`--version` was given. */
  readonly help: boolean;
  readonly version: boolean;
}

/**
 * Splits a redis-server style command line, `[config-file] [--name value ...]`, with the rules of redis-server
 * 7.0 `main()` (checked against redis-server 7.0.15):
 *
 * - the first argument is the config file unless it starts with `-`;
 * - `--name` starts a directive; the words after it, up to the next word starting with `--`, are its values,
 *   except that the first word after a name is always a value, even if it starts with `--`
 *   (`--requirepass --x` sets the password `--x`);
 * - `--save` directly followed by another `--option` or at the very end means `--save ""` (snapshots off);
 * - each directive becomes the config line `name "value1" "value2"`, re-split with the config-file rules, so
 *   `--save "900 1"`, `--save 900 1` and `--bind 127.0.0.1 ::1` work as in Redis, and repeating an option
 *   behaves like repeating the line in a file (the last one wins; `save` accumulates);
 * - `--help`/`-h` and `--version`/`-v` ask for help / the version (Redis accepts them only alone; tierkv also
 *   in place of any option name).
 *
 * Not supported (ConfigError): reading the config from standard input (`-`), a word before the first option that
 * is not the config file.
 *
 * @param argv the arguments after the program name (`process.argv.slice(2)`).
 * @param version for error messages.
 */
export function tokenizeArgs(argv: readonly string[], version: string): ParsedArgs {
  let j = 0;
  let configFile: string | null = null;
  let help = false;
  let ver = false;
  const first = argv[0];
  if (first === '-h' || first === '--help') return { configFile: null, directives: [], help: true, version: false };
  if (first === '-v' || first === '--version') return { configFile: null, directives: [], help: false, version: true };
  if (first !== undefined && first !== '-' && !first.startsWith('-')) {
    configFile = first;
    j = 1;
  }
  const pending: { option: string; words: string[] }[] = [];
  let cur: { option: string; words: string[] } | null = null;
  let handledLast = true;
  for (; j < argv.length; j++) {
    const a = argv[j]!;
    if (a === '-' && (j === 0 || j === argv.length - 1)) {
      throw new ConfigError('Reading the configuration from standard input (-) is not supported', undefined, version);
    }
    if (handledLast && a.startsWith('--')) {
      if (a === '--help') {
        help = true;
        cur = null;
        continue;
      }
      if (a === '--version') {
        ver = true;
        cur = null;
        continue;
      }
      cur = { option: a, words: [] };
      pending.push(cur);
      const parts = splitArgs(a);
      if (parts !== null && parts.length === 1) {
        // Only a name ("--port"): the next word is its value whatever it looks like.
        handledLast = false;
        if (asciiLower(a) === '--save' && (j === argv.length - 1 || argv[j + 1]!.startsWith('--'))) {
          cur.words.push('');
          handledLast = true;
        }
      } else {
        // "--port 6380" as one word: name and value are in it already.
        handledLast = true;
      }
      continue;
    }
    if (cur === null) {
      throw new ConfigError(
        `Unexpected argument '${a}': the config file must come first, then options as --name value`,
        undefined,
        version,
      );
    }
    cur.words.push(a);
    handledLast = true;
  }
  const directives: Directive[] = [];
  for (const p of pending) {
    // The config line redis-server builds for the option: name, then each value quoted (sdscatrepr).
    const line = [p.option.slice(2), ...p.words.map(reprArg)].join(' ').trim();
    const where: DirectiveSource = { source: 'args', option: p.option, text: line };
    const argvLine = splitArgs(line);
    if (argvLine === null) throw new ConfigError('Unbalanced quotes in configuration line', where, version);
    if (argvLine.length === 0) throw new ConfigError('Bad directive or wrong number of arguments', where, version);
    const words = decode(argvLine);
    directives.push({ name: asciiLower(words[0]!), args: words.slice(1), where });
  }
  return { configFile, directives, help, version: ver };
}

/**
 * Converts startup parameters given as an object (`{ maxmemory: '2mb', save: '' }`, as test harnesses and
 * `startServer(params)` pass them) to directives, exactly as if given as `--name value` on the command line.
 */
export function paramsToDirectives(params: Readonly<Record<string, string>>, version: string): Directive[] {
  const out: Directive[] = [];
  for (const [name, value] of Object.entries(params)) {
    const line = `${name} ${reprArg(value)}`;
    const where: DirectiveSource = { source: 'params', text: line };
    const argv = splitArgs(line);
    if (argv === null || argv.length === 0) throw new ConfigError('Bad directive or wrong number of arguments', where, version);
    const words = decode(argv);
    out.push({ name: asciiLower(words[0]!), args: words.slice(1), where });
  }
  return out;
}

function helpGroup(def: ParamDef<unknown>): string {
  if (def.noop) return 'Redis parameters accepted for compatibility (no effect in tierkv):';
  if (def.own) return 'tierkv parameters:';
  return 'Redis parameters:';
}

/** The `--help` description of one parameter: doc, allowed values, default, aliases, runtime mutability. */
export function describeParam(def: ParamDef<unknown>): string {
  const bits = [def.doc];
  if (def.values && def.type === 'enum') bits.push(`(${def.values.join('|')})`);
  bits.push(`[default: ${defaultForHelp(def)}]`);
  if (def.aliases.length) bits.push(`[alias: ${def.aliases.join(', ')}]`);
  if (!def.mutable) bits.push('[startup only]');
  return bits.join(' ');
}

/**
 * The commander definition of the command line: one `--name <value>` option per parameter (variadic for
 * multi-word ones), grouped and documented from the parameter table, plus `-h, --help` and `-v, --version`.
 * Its `--help` output is what `tierkv-server --help` prints. Values themselves are grouped by
 * {@link tokenizeArgs}, which follows redis-server's rules where they differ from commander's (`--save` with no
 * value, values starting with `--`, repeated options).
 *
 * Output goes to the returned `out` buffer rather than the process's streams; parse errors throw (exitOverride).
 *
 * @param version shown by `--version`.
 */
export function buildCommand(version: string): { command: Command; out: { text: string } } {
  const out = { text: '' };
  const command = new Command('tierkv-server')
    .usage('[config-file] [--name value ...]')
    .description(
      'Redis-compatible in-memory key-value server with hot and cold memory tiers. ' +
        'Options are read after the config file (redis.conf format) and override it. Parameter names, syntax ' +
        'and memory units (1k = 1000, 1kb = 1024, mb, gb...) are those of redis-server; multi-word values may be ' +
        'given as several words (--save 900 1 --bind 127.0.0.1 ::1) or as one quoted word.',
    )
    .argument('[config-file]', 'configuration file in redis.conf format')
    .helpOption('-h, --help', 'show this help and exit')
    .version(versionLine(version), '-v, --version', 'print the version and exit')
    .exitOverride()
    .configureHelp({ helpWidth: 120 })
    .configureOutput({
      writeOut: (s) => {
        out.text += s;
      },
      writeErr: (s) => {
        out.text += s;
      },
    });
  for (const def of PARAMS) {
    const opt = new Option(`--${def.name} <value${def.multiArg ? '...' : ''}>`, describeParam(def));
    opt.helpGroup(helpGroup(def));
    command.addOption(opt);
  }
  return { command, out };
}

/** The `--version` text, in the spirit of redis-server's "Redis server v=7.0.15 ...". */
export function versionLine(version: string): string {
  return `tierkv server v=${version} node=${process.version}`;
}
