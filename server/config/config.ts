/**
 * The server configuration: current values of every parameter of params.ts, typed fields for hot-path reads,
 * CONFIG GET / CONFIG SET with Redis 7.0 semantics, change hooks, and loading from a config file + command line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globMatch, hasGlobChars } from '../keyspace/glob.js';
import { splitArgs } from '../../protocol/split-args.js';
import {
  CliExit,
  ConfigError,
  buildCommand,
  paramsToDirectives,
  parseConfigText,
  tokenizeArgs,
  type Directive,
} from './loader.js';
import {
  ALL_NAMES,
  DEPRECATED_DIRECTIVES,
  PARAMS,
  lookupParam,
  type ConfigValues,
  type FastValue,
  type ParamDef,
} from './params.js';
import { asciiLower } from './units.js';
import { tierkvVersion } from './version.js';

export { CliExit, ConfigError } from './loader.js';
export type { Directive } from './loader.js';

/** The typed fields of {@link Config}, derived from the parameter table (see params.ts ConfigValues). */
export type ConfigFields = ConfigValues;

/**
 * A change hook: called after CONFIG SET stored new values, once per SET for each hook whose parameters changed.
 * Returns null to accept, or an error text to make the whole CONFIG SET fail and roll back (Redis's "apply"
 * functions, config.c).
 *
 * @param value the new typed value of `name` (the `Config` field value; for no-op parameters, the CONFIG GET
 *   text).
 * @param config the configuration, holding all the new values of this CONFIG SET.
 * @param name canonical name of the (first) changed parameter the hook is registered for.
 */
export type ChangeHook = (value: FastValue, config: Config, name: string) => string | null;

/** Result of loading a configuration. */
export interface LoadResult {
  readonly config: Config;
  /** Non-fatal remarks (ignored deprecated directives, parameters with no effect set to non-defaults). */
  readonly warnings: string[];
  /** Absolute path of the config file read, or null. */
  readonly configFile: string | null;
}

const NAME_BYTES: ReadonlyMap<string, Buffer> = new Map(ALL_NAMES.map((n) => [n, Buffer.from(n, 'latin1')]));

const UNSUPPORTED_DIRECTIVES = new Set(['include', 'rename-command', 'user', 'loadmodule', 'sentinel']);

/** Splits a multi-word CONFIG SET value on single spaces, like Redis's sdssplitlen(value, " "): "" gives none. */
function splitOnSpaces(value: string): string[] {
  return value === '' ? [] : value.split(' ');
}

/**
 * The typed fields of {@link Config}, declared by the parameter table (params.ts): merged into the class, each one
 * stored by the constructor as a plain own property.
 */
export interface Config extends ConfigFields {}

/**
 * The configuration of one server.
 *
 * Fields (see {@link ConfigFields}) are plain own properties, set for every parameter by the constructor and
 * always in sync with the stored values, for hot-path reads (`if (config.maxmemory && used > config.maxmemory)
 * ...`); change them only through {@link Config.set} or loading.
 */
export class Config {
  private readonly values = new Map<ParamDef<any>, unknown>();
  private readonly hooks = new Map<ParamDef<any>, ChangeHook[]>();

  /** A configuration with every parameter at its default (`dir` = the current working directory). */
  constructor() {
    for (const def of PARAMS) {
      let v: unknown;
      if (def.initial) v = def.initial();
      else {
        const r = def.parse(def.multiArg ? splitOnSpaces(def.default) : [def.default], undefined, {
          loading: false,
          seenDuringLoad: false,
        });
        if (!r.ok) throw new Error(`bad default for config parameter ${def.name}: ${r.error}`);
        v = r.value;
      }
      this.values.set(def, v);
      // Defined, not assigned: V8 keeps an object with this many properties added by computed-name assignment in
      // dictionary mode, which would make every `config.maxmemory` read on the command path a hash lookup.
      if (def.field !== null) {
        Object.defineProperty(this, def.field, { value: def.fast(v), writable: true, enumerable: true, configurable: true });
      }
    }
  }

  private store(def: ParamDef<any>, v: unknown): void {
    this.values.set(def, v);
    if (def.field !== null) (this as unknown as Record<string, FastValue>)[def.field] = def.fast(v);
  }

  /**
   * Records the value a parameter actually took effect with, bypassing mutability (CONFIG SET still refuses
   * it): the server stores the resolved `http-port` here (`auto` -> the port in use, or 0 when HTTP is off) so that
   * CONFIG GET and `Config.httpPort` tell the truth.
   * @param name a parameter name or alias
   * @param value its config-file text (e.g. "7379")
   * @throws Error for an unknown name or a value its parser refuses (a programming error)
   */
  resolve(name: string, value: string): void {
    const l = lookupParam(name);
    if (!l) throw new Error(`unknown config parameter ${name}`);
    const r = l.def.parse([value], this.values.get(l.def), { loading: false, seenDuringLoad: false });
    if (!r.ok) throw new Error(`bad resolved value for ${name}: ${r.error}`);
    this.store(l.def, r.value);
  }

  /** CONFIG GET text of a parameter (by name or alias, any case), or undefined for an unknown name. */
  value(name: string): string | undefined {
    const l = lookupParam(name);
    return l ? l.def.format(this.values.get(l.def)) : undefined;
  }

  /** True when the parameter (name or alias) must not be shown in logs / SLOWLOG / MONITOR (`requirepass`). */
  static isSensitive(name: string): boolean {
    return lookupParam(name)?.def.sensitive ?? false;
  }

  /**
   * CONFIG GET with Redis 7.0 semantics (config.c configGetCommand, checked against redis-server 7.0.15):
   *
   * - a pattern without `*`, `?` or `[` is an exact, case-insensitive lookup of a name or alias, reported under
   *   the spelling given (`CONFIG GET MAXMEMORY` → `MAXMEMORY`);
   * - any other pattern is matched, case-insensitively, with the glob rules of server/keyspace/glob.ts against every
   *   canonical name and every alias, reported in lower case (so `CONFIG GET *` lists aliases such as
   *   `hash-max-ziplist-entries` next to `hash-max-listpack-entries`, as Redis 7.0 does);
   * - each name appears at most once (compared case-insensitively; the first spelling wins).
   *
   * @param patterns one or more patterns (the caller checks arity: Redis answers "wrong number of arguments"
   *   for none).
   * @returns `[name, value]` pairs in an unspecified order (Redis's is its dict order); empty when nothing
   *   matches.
   */
  get(patterns: readonly string[]): Array<[name: string, value: string]> {
    const out = new Map<string, [string, string]>();
    for (const pattern of patterns) {
      if (!hasGlobChars(pattern)) {
        const key = asciiLower(pattern);
        if (out.has(key)) continue;
        const l = lookupParam(pattern);
        if (l) out.set(key, [pattern, l.def.format(this.values.get(l.def))]);
        continue;
      }
      const pat = Buffer.from(pattern, 'utf8');
      for (const [name, bytes] of NAME_BYTES) {
        if (out.has(name)) continue;
        if (globMatch(pat, 0, pat.length, bytes, 0, bytes.length, true)) {
          const def = lookupParam(name)!.def;
          out.set(name, [name, def.format(this.values.get(def))]);
        }
      }
    }
    return [...out.values()];
  }

  /**
   * CONFIG SET with Redis 7.0 semantics (config.c configSetCommand, error texts checked against redis-server
   * 7.0.15). All or nothing:
   *
   * 1. every name is checked in order, the first problem wins: unknown name →
   *    "ERR Unknown option or number of arguments for CONFIG SET - '<name>'"; immutable →
   *    "ERR CONFIG SET failed (possibly related to argument '<name>') - can't set immutable config"; protected
   *    (`dir`, `dbfilename`) → "... - can't set protected config"; the same registered name twice →
   *    "... - duplicate parameter" (a name and its alias are different registrations, as in Redis, and the
   *    later one wins). These quote the name as given.
   * 2. values are parsed and stored in order (multi-word values split on single spaces); on the first invalid
   *    one, every value is restored and the error is "ERR CONFIG SET failed (possibly related to argument
   *    '<registered name>') - <reason>", the name in lower case (the alias if an alias was used).
   * 3. change hooks ({@link onChange}) of the parameters whose value changed run once each; if one returns an
   *    error, every value is restored, the hooks are run again on the restored values (their errors ignored),
   *    and the error names that hook's parameter.
   *
   * @param pairs `[name, value]` pairs (the caller checks arity: Redis answers "wrong number of arguments" for
   *   none and "syntax error" for an odd count).
   * @returns null on success, else the error text without the leading `-`.
   */
  set(pairs: ReadonlyArray<readonly [string, string]>): string | null {
    const found: { def: ParamDef<any>; registered: string; value: string }[] = [];
    for (const [name, value] of pairs) {
      const l = lookupParam(name);
      // Redis prints the name with %s: up to a NUL byte.
      if (!l) return `ERR Unknown option or number of arguments for CONFIG SET - '${name.split('\0')[0]}'`;
      if (!l.def.mutable) return setFailed(name, "can't set immutable config");
      if (l.def.protected) return setFailed(name, "can't set protected config");
      if (found.some((f) => f.registered === l.registered)) return setFailed(name, 'duplicate parameter');
      found.push({ def: l.def, registered: l.registered, value });
    }

    const backup = found.map((f) => this.values.get(f.def));
    const restore = () => {
      for (let i = found.length - 1; i >= 0; i--) this.store(found[i]!.def, backup[i]);
    };
    const changed: { def: ParamDef<any>; registered: string }[] = [];
    for (const f of found) {
      const prev = this.values.get(f.def);
      const args = f.def.multiArg ? splitOnSpaces(f.value) : [f.value];
      const r = f.def.parse(args, prev, { loading: false, seenDuringLoad: false });
      if (!r.ok) {
        restore();
        return setFailed(f.registered, r.error);
      }
      if (f.def.format(r.value) !== f.def.format(prev)) changed.push(f);
      this.store(f.def, r.value);
    }

    // Apply: each hook once, in the order of the parameters that changed.
    const run: { hook: ChangeHook; def: ParamDef<any>; registered: string }[] = [];
    for (const c of changed) {
      for (const hook of this.hooks.get(c.def) ?? []) {
        if (!run.some((r) => r.hook === hook)) run.push({ hook, def: c.def, registered: c.registered });
      }
    }
    for (const r of run) {
      let err: string | null;
      try {
        err = r.hook(r.def.fast(this.values.get(r.def)), this, r.def.name);
      } catch (e) {
        err = e instanceof Error ? e.message : String(e);
      }
      if (err !== null) {
        restore();
        for (const again of run) {
          try {
            again.hook(again.def.fast(this.values.get(again.def)), this, again.def.name);
          } catch {
            // Redis only logs failures to re-apply restored values.
          }
        }
        return setFailed(r.registered, err);
      }
    }
    return null;
  }

  /**
   * Registers a change hook (see {@link ChangeHook}) for one or more parameters (canonical names or aliases).
   * Hooks run only for CONFIG SET, not while loading; a hook registered for several parameters runs once per
   * CONFIG SET that changes any of them.
   *
   * @returns a function that unregisters the hook.
   * @throws Error for an unknown parameter name (a programming error).
   */
  onChange(names: string | readonly string[], fn: ChangeHook): () => void {
    const defs = (typeof names === 'string' ? [names] : names).map((n) => {
      const l = lookupParam(n);
      if (!l) throw new Error(`onChange: unknown config parameter '${n}'`);
      return l.def;
    });
    for (const def of defs) {
      const list = this.hooks.get(def) ?? [];
      if (!list.includes(fn)) list.push(fn);
      this.hooks.set(def, list);
    }
    return () => {
      for (const def of defs) {
        const list = this.hooks.get(def);
        if (list) this.hooks.set(def, list.filter((h) => h !== fn));
      }
    };
  }

  /**
   * Applies startup directives (config-file lines, command-line options, startup params) in order, with Redis's
   * loading rules (config.c loadServerConfigFromString): immutable parameters may be set; a one-word parameter
   * needs exactly one argument ("wrong number of arguments"); a multi-word parameter given a single non-empty
   * argument has it re-split with the config-file quoting rules (`--save "900 1"`); the first `save` replaces
   * the default and later ones add to it; Redis's deprecated directives are ignored with a warning;
   * `include`, `rename-command`, `user`, `loadmodule`, `sentinel` and module parameters (`a.b`) are refused as
   * unsupported; anything else is "Bad directive or wrong number of arguments". Then cross-parameter checks
   * run (arena-extent-size a multiple of slab-page-size, slab-chunk-min at most half a page).
   *
   * Change hooks are not run. On error, values set by earlier directives stay set (the caller exits).
   *
   * @param version shown in error messages.
   * @returns warnings.
   * @throws ConfigError naming the directive.
   */
  load(directives: readonly Directive[], version: string = tierkvVersion()): string[] {
    const warnings: string[] = [];
    const seen = new Set<ParamDef<any>>();
    for (const d of directives) {
      const l = lookupParam(d.name);
      if (!l) {
        const argc = DEPRECATED_DIRECTIVES[d.name];
        if (argc !== undefined && Object.hasOwn(DEPRECATED_DIRECTIVES, d.name) && d.args.length === argc) {
          warnings.push(`${describeWhere(d)}: '${d.name}' is a deprecated Redis directive, ignored`);
          continue;
        }
        if (UNSUPPORTED_DIRECTIVES.has(d.name) || d.name.includes('.')) {
          throw new ConfigError(`'${d.name}' is not supported by tierkv`, d.where, version);
        }
        throw new ConfigError('Bad directive or wrong number of arguments', d.where, version);
      }
      const def = l.def;
      let args = d.args;
      if (!def.multiArg) {
        if (args.length !== 1) throw new ConfigError('wrong number of arguments', d.where, version);
      } else if (args.length === 1 && args[0] !== '') {
        const re = splitArgs(args[0]!);
        if (re === null) throw new ConfigError('Unbalanced quotes in configuration line', d.where, version);
        args = re.map((b) => b.toString('utf8'));
      }
      const r = def.parse(args, this.values.get(def), { loading: true, seenDuringLoad: seen.has(def) });
      if (!r.ok) throw new ConfigError(r.error, d.where, version);
      this.store(def, r.value);
      seen.add(def);
    }
    for (const def of seen) {
      if (def.noop && def.format(this.values.get(def)) !== def.default) {
        warnings.push(`'${def.name} ${def.format(this.values.get(def))}' has no effect in tierkv`);
      }
    }
    const cross = this.crossCheck();
    if (cross) throw new ConfigError(cross, undefined, version);
    return warnings;
  }

  /** Startup consistency rules between parameters; an error text or null. */
  private crossCheck(): string | null {
    if (this.arenaExtentSize % this.slabPageSize !== 0) {
      return `arena-extent-size (${this.arenaExtentSize}) must be a multiple of slab-page-size (${this.slabPageSize})`;
    }
    if (this.slabChunkMin > this.slabPageSize / 2) {
      return `slab-chunk-min (${this.slabChunkMin}) must be at most half of slab-page-size (${this.slabPageSize})`;
    }
    return null;
  }

  /**
   * A configuration from startup parameters given as an object (`{ port: '0', maxmemory: '2mb', save: '' }`),
   * each applied as `--name value` would be on the command line.
   *
   * @throws ConfigError
   */
  static fromParams(params: Readonly<Record<string, string>>, version: string = tierkvVersion()): LoadResult {
    const config = new Config();
    const warnings = config.load(paramsToDirectives(params, version), version);
    return { config, warnings, configFile: null };
  }
}

function setFailed(name: string, reason: string): string {
  return `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;
}

function describeWhere(d: Directive): string {
  const w = d.where;
  if (w.source === 'file') return `${w.path}:${w.line}`;
  if (w.source === 'args') return `option ${w.option}`;
  return 'startup parameters';
}

/** Options of {@link loadFromArgs}. */
export interface LoadOptions {
  /** Version for `--version` and error headers (default: package.json's). */
  readonly version?: string;
  /** Directory a relative config-file path is resolved from (default: the current directory). */
  readonly cwd?: string;
}

/** One address to listen on, from `bind` (Redis's forms: `-addr` optional, `*` any IPv4, `::*` any IPv6). */
export interface BindAddress {
  host: string;
  /** `-` prefix: a failure to bind it is only a warning. */
  optional: boolean;
}

/**
 * The addresses of `bind` (default 127.0.0.1) as the RESP and HTTP listeners bind them (Redis's listenToPort:
 * a leading `-` makes an address optional, `*` and `::*` mean every IPv4 / IPv6 address).
 */
export function bindAddresses(config: Config): BindAddress[] {
  const binds = config.bind.length > 0 ? config.bind : ['127.0.0.1'];
  return binds.map((raw) => {
    const optional = raw.startsWith('-');
    let host = optional ? raw.slice(1) : raw;
    if (host === '*') host = '0.0.0.0';
    if (host === '::*') host = '::';
    return { host, optional };
  });
}

/**
 * Loads the configuration from the command line `tierkv-server [config-file] [--name value ...]`: defaults,
 * then the config file (redis.conf format, see parseConfigText), then the options, which therefore override the
 * file. Option grouping follows redis-server (see tokenizeArgs); `--help` text comes from the commander
 * definition generated from the parameter table (buildCommand).
 *
 * @param argv arguments after the program name (`process.argv.slice(2)`).
 * @returns the configuration and warnings to log.
 * @throws CliExit for `--help`/`-h` and `--version`/`-v` (print `output` to stdout, exit with `exitCode` 0).
 * @throws ConfigError for an unreadable file, an unknown directive or option, a bad value; `message` is the
 *   complete text to print before exiting with status 1.
 */
export function loadFromArgs(argv: readonly string[], opts: LoadOptions = {}): LoadResult {
  const version = opts.version ?? tierkvVersion();
  const parsed = tokenizeArgs(argv, version);
  if (parsed.help || parsed.version) {
    const { command, out } = buildCommand(version);
    try {
      command.parse([parsed.help ? '--help' : '--version'], { from: 'user' });
    } catch {
      // exitOverride: commander throws after writing the help / version text to `out`.
    }
    throw new CliExit(0, out.text);
  }
  const config = new Config();
  const directives: Directive[] = [];
  let configFile: string | null = null;
  if (parsed.configFile !== null) {
    configFile = path.resolve(opts.cwd ?? process.cwd(), parsed.configFile);
    let text: Buffer;
    try {
      text = readFileSync(configFile);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : code === 'EISDIR' ? 'Is a directory' : String(e);
      throw new ConfigError(`Fatal error, can't open config file '${configFile}': ${why}`, undefined, version);
    }
    directives.push(...parseConfigText(text, configFile, version));
  }
  directives.push(...parsed.directives);
  const warnings = config.load(directives, version);
  return { config, warnings, configFile };
}
