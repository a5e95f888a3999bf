#!/usr/bin/env node
/**
 * `tierkv-migrate`: live-migrates a VM that runs tierkv between two QEMU processes, with one of the strategies of
 * strategies.ts, and prints a report (a table, or one JSON object with `--json`).
 *
 *   tierkv-migrate --source-qmp <path|host:port> --dest-qmp <path|host:port> --dest-uri tcp:HOST:PORT
 *     --kv HOST:PORT [--kv HOST:PORT ...] [--kv-password P] --strategy <name> [--balloon-headroom 64mb]
 *     [--max-bandwidth 128mb] [--json]
 *
 * `--kv` (and `--kv-after`) may be given once per tierkv instance of the VM (one per vCPU): every instance is
 * prepared in parallel, their replies are summed for the balloon target, and each gets MIGRATE_DONE/MIGRATE_ABORT.
 *
 * Exit status: 0 completed (warnings included), 1 failed and cleaned up (the VM runs on the source), 2 bad
 * arguments, 3 failed after the switch to post-copy (the VM is lost).
 *
 * Progress goes to stderr when stderr is a terminal (or with `--progress`); the report goes to stdout.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

import { parseMemory } from '../server/config/units.js';
import { parseMigrationUri, runMigration, type MigrationOptions } from './controller.js';
import { MigrationFailedError, type MigrationProgress } from './report-types.js';
import { parseKvTarget } from './kv-client.js';
import { formatProgress, formatReportJson, formatReportTable } from './report.js';
import { STRATEGIES, STRATEGY_NAMES, isStrategyName } from './strategies.js';

/** Exit statuses of the CLI. */
export const EXIT = { ok: 0, failed: 1, usage: 2, vmLost: 3 } as const;

/** Parses a size with Redis's units (`64mb` = 64 MiB, `1g` = 10^9, plain bytes); an optional `/s` is allowed. */
export function parseSize(value: string): number {
  const v = parseMemory(value.trim().replace(/\/s$/i, ''));
  if (v === null || !Number.isSafeInteger(v)) throw new InvalidArgumentError(`not a size: ${value} (e.g. 64mb, 1gb, 1048576)`);
  return v;
}

function parseMs(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`not a duration in ms: ${value}`);
  return n;
}

function parsePid(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`not a PID: ${value}`);
  return n;
}

/** Commander's argument parser for a repeatable option: appends each value to the list so far. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function checked<T>(fn: (v: string) => T): (v: string) => T {
  return (v) => {
    try {
      return fn(v);
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw err;
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

/** What the command line asks for: the controller's options plus the output choices. */
export interface CliRequest {
  options: Omit<MigrationOptions, 'signal' | 'onProgress'>;
  json: boolean;
  /** true/false when given (`--progress` / `--no-progress`), undefined: when stderr is a terminal. */
  progress: boolean | undefined;
}

/**
 * Builds the commander program (exported for tests). Its `action` is not set: {@link parseCliArgs} reads the
 * options after parsing.
 */
export function buildProgram(): Command {
  const strategies = STRATEGY_NAMES.map((n) => `  ${n.padEnd(22)} ${STRATEGIES[n].description}`).join('\n');
  return new Command('tierkv-migrate')
    .description('Live-migrate a VM that runs tierkv between two QEMUs over QMP, and report the figures.')
    .requiredOption('--source-qmp <target>', 'QMP of the source QEMU: a Unix socket path or HOST:PORT')
    .requiredOption('--dest-qmp <target>', 'QMP of the destination QEMU (started with -incoming defer)')
    .requiredOption(
      '--dest-uri <uri>',
      'where the destination listens: tcp:HOST:PORT (PORT 0: QEMU chooses) or unix:PATH',
      checked((v) => (parseMigrationUri(v), v)),
    )
    .addOption(new Option('--strategy <name>', 'migration strategy (see below)').choices(STRATEGY_NAMES).makeOptionMandatory())
    .option(
      '--kv <address>',
      'tierkv before the migration: HOST:PORT or a Unix socket path (needed by tierkv* strategies); repeat it for each tierkv instance of the VM',
      collect,
    )
    .option('--kv-password <password>', 'tierkv AUTH password (requirepass), for every instance')
    .option('--kv-user <name>', 'tierkv AUTH user name (ACL), with --kv-password')
    .option(
      '--kv-after <address>',
      'tierkv after the migration, for MIGRATE_DONE (default: --kv), e.g. the destination\'s forwarded port; with several --kv, once per --kv, in the same order',
      collect,
    )
    .option('--balloon-headroom <size>', 'memory left free in the guest above what is in use', checked(parseSize), 64 * 1024 * 1024)
    .option('--balloon-min <size>', 'never balloon the guest below this (default: max(64mb, headroom))', checked(parseSize))
    .option('--balloon-timeout <ms>', 'longest wait for the balloon to settle', checked(parseMs), 60_000)
    .option('--balloon-stall <ms>', 'stop waiting when the balloon has not moved for this long', checked(parseMs), 3000)
    .option('--report-wait <ms>', 'tierkv-report*: longest wait for free page reporting', checked(parseMs), 10_000)
    .option('--report-quiet <ms>', 'tierkv-report*: stop once the source RSS has not fallen for this long', checked(parseMs), 2500)
    .option('--source-pid <pid>', 'PID of the source QEMU, to watch its RSS (default: found from a local QMP socket)', checked(parsePid))
    .option('--max-bandwidth <size>', 'bandwidth cap per second, pre-copy and post-copy (e.g. 128mb)', checked(parseSize))
    .option('--max-postcopy-bandwidth <size>', 'post-copy bandwidth cap per second (default: --max-bandwidth)', checked(parseSize))
    .option('--downtime-limit <ms>', 'QEMU downtime-limit', checked(parseMs))
    .option('--overlap-bandwidth <size>', 'tierkv-overlap: pre-copy bandwidth cap while MIGRATE_PREPARE runs (default 8mb)', checked(parseSize))
    .option('--postcopy-after <ms>', 'switch to post-copy this long after the migration became active (default 0: at once)', checked(parseMs))
    .option('--timeout <ms>', 'bound on the migration itself', checked(parseMs), 600_000)
    .option('--json', 'print the report as one JSON object', false)
    .option('--progress', 'print progress to stderr even when it is not a terminal')
    .option('--no-progress', 'print no progress')
    .addHelpText(
      'after',
      `\nStrategies:\n${strategies}\n\n` +
        '`tierkv` is the default method: tierkv zeroes the memory it drops, and QEMU sends zero pages as ~9-byte headers, so\n' +
        'no balloon is needed. `tierkv-balloon` is the paper\'s exact method (balloon inflated before the post-copy switch).\n' +
        '\nSeveral tierkv instances in one VM (one per vCPU): give --kv once per instance (and --kv-after as many times, in the\n' +
        'same order, or not at all). All are sent MIGRATE_PREPARE in parallel; the balloon target uses their replies summed\n' +
        '(used memory added up, the guest\'s MemAvailable read once); each gets MIGRATE_DONE or MIGRATE_ABORT; the report\n' +
        'lists each instance with its own figures, and their sums.\n' +
        '\nExit status: 0 completed, 1 failed and cleaned up (the VM runs on the source), ' +
        '2 bad arguments, 3 failed after the switch to post-copy (the VM is lost).',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
}

/**
 * Parses `argv` (without `node` and the script) into a {@link CliRequest}.
 * @throws {CommanderError} for bad or missing options (commander has printed the message), and for `--help`
 *   (code `commander.helpDisplayed`); {@link TypeError} for a bad `--kv` or a tierkv strategy without `--kv`.
 */
export function parseCliArgs(argv: readonly string[]): CliRequest {
  const program = buildProgram();
  program.parse([...argv], { from: 'user' });
  const o = program.opts<{
    sourceQmp: string;
    destQmp: string;
    destUri: string;
    strategy: string;
    kv?: string[];
    kvPassword?: string;
    kvUser?: string;
    kvAfter?: string[];
    balloonHeadroom: number;
    balloonMin?: number;
    balloonTimeout: number;
    balloonStall: number;
    reportWait: number;
    reportQuiet: number;
    sourcePid?: number;
    maxBandwidth?: number;
    maxPostcopyBandwidth?: number;
    downtimeLimit?: number;
    overlapBandwidth?: number;
    postcopyAfter?: number;
    timeout: number;
    json: boolean;
    progress?: boolean;
  }>();
  if (!isStrategyName(o.strategy)) throw new TypeError(`unknown strategy ${o.strategy}`);
  const auth = { password: o.kvPassword, username: o.kvUser };
  const withAuth = (address: string) => {
    const ep = parseKvTarget(address);
    if (auth.password !== undefined) ep.password = auth.password;
    if (auth.username !== undefined) ep.username = auth.username;
    return ep;
  };
  const kv = (o.kv ?? []).map(withAuth);
  const kvAfter = (o.kvAfter ?? []).map(withAuth);
  if (STRATEGIES[o.strategy].prepare && kv.length === 0) throw new TypeError(`--strategy ${o.strategy} needs --kv HOST:PORT (where tierkv answers)`);
  if (kvAfter.length > 0 && kvAfter.length !== kv.length) {
    throw new TypeError(`--kv-after was given ${kvAfter.length} time${kvAfter.length === 1 ? '' : 's'} but --kv ${kv.length}: give one --kv-after per --kv, in the same order (or none)`);
  }
  // One instance stays a single endpoint (the options' shape before several instances were supported).
  const one = <T>(list: T[]): T | T[] | undefined => (list.length === 0 ? undefined : list.length === 1 ? list[0] : list);
  const options: CliRequest['options'] = {
    source: o.sourceQmp,
    destination: o.destQmp,
    destUri: o.destUri,
    strategy: o.strategy,
    kv: one(kv),
    kvAfter: one(kvAfter),
    balloonHeadroomBytes: o.balloonHeadroom,
    balloonMinBytes: o.balloonMin,
    balloonTimeoutMs: o.balloonTimeout,
    balloonStallMs: o.balloonStall,
    reportWaitMs: o.reportWait,
    reportQuietMs: o.reportQuiet,
    sourcePid: o.sourcePid,
    maxBandwidth: o.maxBandwidth,
    maxPostcopyBandwidth: o.maxPostcopyBandwidth,
    downtimeLimitMs: o.downtimeLimit,
    overlapBandwidth: o.overlapBandwidth,
    postcopyAfterMs: o.postcopyAfter,
    migrationTimeoutMs: o.timeout,
  };
  // progress: commander sets `progress` true for --progress, false for --no-progress, and true by default because
  // of the negatable option; tell "given" from "default" by the argv itself.
  const given = argv.some((a) => a === '--progress' || a === '--no-progress');
  return { options, json: o.json, progress: given ? o.progress !== false : undefined };
}

/** Writes progress to stderr: on a terminal one line rewritten in place (messages get their own line). */
function progressPrinter(tty: boolean): (p: MigrationProgress) => void {
  let partial = false;
  return (p) => {
    const text = formatProgress(p);
    if (tty) {
      if (p.message) {
        process.stderr.write(`${partial ? '\r\x1b[2K' : ''}${text}\n`);
        partial = false;
      } else {
        process.stderr.write(`\r\x1b[2K${text}`);
        partial = true;
      }
    } else {
      process.stderr.write(`${text}\n`);
    }
  };
}

/**
 * Runs the CLI with `argv` (without `node` and the script); resolves with the exit status (see {@link EXIT}).
 * SIGINT/SIGTERM abort the migration (cleanly before the post-copy switch; ignored after it).
 */
export async function main(argv: readonly string[]): Promise<number> {
  let req: CliRequest;
  try {
    req = parseCliArgs(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write(`tierkv-migrate: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  const showProgress = req.progress ?? Boolean(process.stderr.isTTY);
  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    process.stderr.write(`\ntierkv-migrate: ${sig}: aborting (a migration already switched to post-copy is left to finish)\n`);
    ac.abort(new Error(`interrupted by ${sig}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const report = await runMigration({
      ...req.options,
      signal: ac.signal,
      onProgress: showProgress ? progressPrinter(Boolean(process.stderr.isTTY)) : undefined,
    });
    process.stdout.write(`${req.json ? formatReportJson(report) : formatReportTable(report)}\n`);
    for (const w of report.warnings) if (req.json) process.stderr.write(`tierkv-migrate: warning: ${w}\n`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof MigrationFailedError) {
      process.stdout.write(`${req.json ? formatReportJson(err.report) : formatReportTable(err.report)}\n`);
      process.stderr.write(`tierkv-migrate: ${err.message}\n`);
      return err.fatal ? EXIT.vmLost : EXIT.failed;
    }
    process.stderr.write(`tierkv-migrate: ${(err as Error).message}\n`);
    return err instanceof TypeError || err instanceof RangeError ? EXIT.usage : EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** True when this module is the program being run (also through npm's bin symlink). */
function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`tierkv-migrate: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
