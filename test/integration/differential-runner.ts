/**
 * Runs command sequences against two servers ("sides") and compares the replies byte for byte, then compares
 * the final keyspaces; on a mismatch, finds the shortest prefix that reproduces it and a smaller subsequence,
 * and formats a report for the failure message.
 *
 * Sides are abstract ({@link DiffSide}) so the harness can be tested with a deliberately faulty side.
 */
import { RawClient, decodeReply, showBytes, showCommand } from '../support/raw-client.js';
import type { Command } from './differential-gen.js';

/** One connection to a side: runs a command and returns the raw bytes of its reply. */
export interface DiffConnection {
  /** @throws on a connection error or timeout (the runner reports it as a mismatch). */
  exec(command: Command): Promise<Buffer>;
  close(): Promise<void>;
}

/** A server to compare: `name` labels it in reports ("tierkv", "redis"). */
export interface DiffSide {
  readonly name: string;
  /** Opens a fresh connection (new connection state: db 0, RESP2). */
  connect(): Promise<DiffConnection>;
}

/** A side reached over TCP with a {@link RawClient}. */
export function rawSide(name: string, port: number, host?: string): DiffSide {
  return {
    name,
    async connect() {
      const client = await RawClient.connect(port, { ...(host ? { host } : {}), readTimeoutMs: 15_000 });
      return {
        exec: (command) => client.command(...command),
        close: async () => client.destroy(),
      };
    },
  };
}

/** How to run and compare. */
export interface DiffConfig {
  /** RESP version negotiated with HELLO before the sequence (2: no HELLO). */
  protocol: 2 | 3;
  /** Allowed difference of TTL and EXPIRETIME replies, in seconds (default 2). */
  toleranceSec?: number;
  /** Allowed difference of PTTL and PEXPIRETIME replies (and of the final PTTLs), in ms (default 2000). */
  toleranceMs?: number;
  /** Databases compared in the final keyspace check (default 16: 0..15). */
  databases?: number;
}

/** The first difference found in a run. */
export type Mismatch =
  | {
      kind: 'reply';
      /** Index of the command in the sequence (0-based). */
      index: number;
      command: Command;
      /** Replies of side a and side b (for a connection error: the error text, marked). */
      replyA: Buffer;
      replyB: Buffer;
    }
  | {
      kind: 'state';
      /** Human-readable differences of the final keyspaces (at most 20). */
      differences: string[];
    }
  | { kind: 'setup'; message: string };

/** One traced step: the command and both replies. */
export interface TraceStep {
  command: Command;
  replyA: Buffer;
  replyB: Buffer;
}

const TTL_SECONDS = new Set(['TTL', 'EXPIRETIME']);
const TTL_MILLIS = new Set(['PTTL', 'PEXPIRETIME']);

/**
 * True if two replies to `command` count as the same: byte-identical, or, for TTL/EXPIRETIME (seconds) and
 * PTTL/PEXPIRETIME (ms), two non-negative integers within the tolerance (the servers run each command a few
 * ms apart, so remaining times differ slightly; -1 and -2 must match exactly).
 */
export function repliesEquivalent(command: Command, a: Buffer, b: Buffer, config: DiffConfig): boolean {
  if (a.equals(b)) return true;
  const name = (command[0] ?? Buffer.alloc(0)).toString('latin1').toUpperCase();
  const tolerance = TTL_SECONDS.has(name)
    ? (config.toleranceSec ?? 2)
    : TTL_MILLIS.has(name)
      ? (config.toleranceMs ?? 2000)
      : undefined;
  if (tolerance === undefined || command.length !== 2) return false;
  const na = nonNegativeInteger(a);
  const nb = nonNegativeInteger(b);
  return na !== undefined && nb !== undefined && absDiff(na, nb) <= BigInt(tolerance);
}

/** Integers as bigint: expiry times can exceed 2^53 (e.g. EXPIRE k 9223372036854775). */
function nonNegativeInteger(reply: Buffer): bigint | undefined {
  const m = /^:(\d+)\r\n$/.exec(reply.toString('latin1'));
  return m ? BigInt(m[1]!) : undefined;
}

const absDiff = (x: bigint, y: bigint): bigint => (x > y ? x - y : y - x);

/** Marks a failed exec (timeout, closed connection) in a reply slot; never equivalent to anything. */
const NO_REPLY = '<<no reply: ';
const errorReply = (err: unknown): Buffer =>
  Buffer.from(`${NO_REPLY}${err instanceof Error ? err.message : String(err)}>>`, 'utf8');
const isNoReply = (reply: Buffer): boolean => reply.toString('latin1', 0, NO_REPLY.length) === NO_REPLY;

/** Options for {@link runSequence}. */
export interface RunOptions {
  /** Compare the final keyspaces after the sequence (default true). */
  checkState?: boolean;
  /** If given, every executed step is appended to it. */
  trace?: TraceStep[];
}

/**
 * Runs `commands` on fresh connections to both sides (HELLO 3 first for RESP3, then FLUSHALL), comparing each
 * reply, and then (by default) the final keyspaces of both sides.
 * @returns the first mismatch, or null if the sides agree.
 */
export async function runSequence(
  a: DiffSide,
  b: DiffSide,
  commands: readonly Command[],
  config: DiffConfig,
  options: RunOptions = {},
): Promise<Mismatch | null> {
  const [ca, cb] = await Promise.all([a.connect(), b.connect()]);
  try {
    const setupError = await setup(a.name, ca, config) ?? await setup(b.name, cb, config);
    if (setupError) return { kind: 'setup', message: setupError };
    for (let index = 0; index < commands.length; index++) {
      const command = commands[index]!;
      const [replyA, replyB] = await Promise.all([
        ca.exec(command).catch(errorReply),
        cb.exec(command).catch(errorReply),
      ]);
      options.trace?.push({ command, replyA, replyB });
      if (isNoReply(replyA) || isNoReply(replyB) || !repliesEquivalent(command, replyA, replyB, config)) {
        return { kind: 'reply', index, command, replyA, replyB };
      }
    }
    if (options.checkState === false) return null;
    const [da, db] = await Promise.all([dumpKeyspace(ca, config), dumpKeyspace(cb, config)]);
    const differences = compareDumps(da, db, a.name, b.name, config);
    return differences.length > 0 ? { kind: 'state', differences } : null;
  } finally {
    await Promise.all([ca.close(), cb.close()]);
  }
}

async function setup(name: string, conn: DiffConnection, config: DiffConfig): Promise<string | undefined> {
  try {
    if (config.protocol === 3) {
      const hello = await conn.exec([Buffer.from('HELLO'), Buffer.from('3')]);
      if (hello[0] !== 0x25) return `${name}: HELLO 3 did not return a RESP3 map: ${showBytes(hello)}`;
    }
    const flush = await conn.exec([Buffer.from('FLUSHALL')]);
    if (flush.toString('latin1') !== '+OK\r\n') return `${name}: FLUSHALL replied ${showBytes(flush)}`;
    return undefined;
  } catch (err) {
    return `${name}: setup failed: ${(err as Error).message}`;
  }
}

/** One key of a keyspace dump: raw TYPE and GET replies, and the PTTL as a number. */
export interface DumpEntry {
  db: number;
  key: Buffer;
  type: Buffer;
  value: Buffer;
  /** PTTL reply value (bigint: it can exceed 2^53). */
  pttl: bigint;
}

/** A keyspace dump: the keys, and the databases that could not be read (SELECT failed), as messages. */
export interface Dump {
  entries: DumpEntry[];
  errors: string[];
}

/**
 * Reads the whole keyspace through one connection: for each database, SELECT, `KEYS *` (sorted bytewise), then
 * TYPE, GET and PTTL of every key. A database whose SELECT fails is listed in `errors` and skipped. Leaves the
 * connection on the last database.
 * @throws if a reply has an unexpected shape (the message shows it).
 */
export async function dumpKeyspace(conn: DiffConnection, config: DiffConfig): Promise<Dump> {
  const out: DumpEntry[] = [];
  const errors: string[] = [];
  const cmd = (...args: (string | Buffer)[]): Promise<Buffer> =>
    conn.exec(args.map((x) => (typeof x === 'string' ? Buffer.from(x) : x)));
  for (let db = 0; db < (config.databases ?? 16); db++) {
    const sel = await cmd('SELECT', String(db));
    if (sel.toString('latin1') !== '+OK\r\n') {
      errors.push(`db ${db}: SELECT ${db} replied ${showBytes(sel)}`);
      continue;
    }
    const keysReply = await cmd('KEYS', '*');
    const keys = decodeReply(keysReply, { buffers: true });
    if (!Array.isArray(keys) || !keys.every((k) => Buffer.isBuffer(k))) {
      throw new Error(`KEYS * in db ${db} replied ${showBytes(keysReply)}`);
    }
    const sorted = (keys as Buffer[]).slice().sort(Buffer.compare);
    for (const key of sorted) {
      const type = await cmd('TYPE', key);
      const value = await cmd('GET', key);
      const pttlReply = await cmd('PTTL', key);
      const m = /^:(-?\d+)\r\n$/.exec(pttlReply.toString('latin1'));
      if (!m) throw new Error(`PTTL ${showBytes(key)} replied ${showBytes(pttlReply)}`);
      out.push({ db, key, type, value, pttl: BigInt(m[1]!) });
    }
  }
  return { entries: out, errors };
}

/** Differences between two keyspace dumps (empty if equal; PTTLs compared within the ms tolerance). */
export function compareDumps(dumpA: Dump, dumpB: Dump, nameA: string, nameB: string, config: DiffConfig): string[] {
  const a = dumpA.entries;
  const b = dumpB.entries;
  const tol = config.toleranceMs ?? 2000;
  const id = (e: DumpEntry): string => `${e.db}:${e.key.toString('hex')}`;
  const mb = new Map(b.map((e) => [id(e), e]));
  const ma = new Map(a.map((e) => [id(e), e]));
  const diffs: string[] = [];
  if (dumpA.errors.join('\n') !== dumpB.errors.join('\n')) {
    for (const e of dumpA.errors) diffs.push(`${nameA}: ${e}`);
    for (const e of dumpB.errors) diffs.push(`${nameB}: ${e}`);
  }
  const label = (e: DumpEntry): string => `db ${e.db} key ${showBytes(e.key, 60)}`;
  for (const ea of a) {
    const eb = mb.get(id(ea));
    if (!eb) {
      diffs.push(`${label(ea)}: exists only in ${nameA} (value ${showBytes(ea.value, 60)}, pttl ${ea.pttl})`);
      continue;
    }
    if (!ea.type.equals(eb.type)) diffs.push(`${label(ea)}: TYPE ${nameA} ${showBytes(ea.type)} vs ${nameB} ${showBytes(eb.type)}`);
    if (!ea.value.equals(eb.value)) {
      diffs.push(`${label(ea)}: GET ${nameA} ${showBytes(ea.value, 80)} vs ${nameB} ${showBytes(eb.value, 80)}`);
    }
    const ttlOk = ea.pttl === eb.pttl || (ea.pttl >= 0n && eb.pttl >= 0n && absDiff(ea.pttl, eb.pttl) <= BigInt(tol));
    if (!ttlOk) diffs.push(`${label(ea)}: PTTL ${nameA} ${ea.pttl} vs ${nameB} ${eb.pttl}`);
  }
  for (const eb of b) {
    if (!ma.has(id(eb))) diffs.push(`${label(eb)}: exists only in ${nameB} (value ${showBytes(eb.value, 60)}, pttl ${eb.pttl})`);
  }
  return diffs.slice(0, 20).concat(diffs.length > 20 ? [`... and ${diffs.length - 20} more`] : []);
}

/** What {@link findReproducer} found. */
export interface Reproducer {
  /** Length of the shortest prefix of the sequence that reproduces a mismatch, or null if none did on replay. */
  prefixLength: number | null;
  /** A subsequence of that prefix, as small as found within the budget, that still reproduces a mismatch. */
  minimized: Command[] | null;
  /** Trace of the minimized sequence (both sides' replies), ending at its mismatch. */
  trace: TraceStep[];
  /** The mismatch the minimized sequence produces. */
  mismatch: Mismatch | null;
  replays: number;
  /** Why the search stopped early (a replay threw, e.g. the server died; or the time budget ran out). */
  stoppedBecause?: string;
}

/**
 * Given a sequence that produced `mismatch`, finds the shortest reproducing prefix by replaying (for a reply
 * mismatch at index i it is the first i+1 commands if the replay confirms it; for a final-state mismatch the
 * shortest prefix whose final states differ), then greedily removes chunks of commands (halves, quarters, ...,
 * single commands) while a mismatch of the same kind still occurs, within `maxReplays` replays.
 */
export async function findReproducer(
  a: DiffSide,
  b: DiffSide,
  commands: readonly Command[],
  mismatch: Mismatch,
  config: DiffConfig,
  maxReplays = 300,
  maxDurationMs = 60_000,
): Promise<Reproducer> {
  let replays = 0;
  let stoppedBecause: string | undefined;
  const deadline = Date.now() + maxDurationMs;
  const exhausted = (): boolean => {
    if (stoppedBecause === undefined && Date.now() > deadline) stoppedBecause = `time budget of ${maxDurationMs} ms used up`;
    return stoppedBecause !== undefined || replays >= maxReplays;
  };
  const reproduces = async (seq: readonly Command[]): Promise<Mismatch | null> => {
    if (exhausted()) return null;
    replays++;
    try {
      const m = await runSequence(a, b, seq, config, { checkState: mismatch.kind === 'state' });
      return m && m.kind === mismatch.kind ? m : null;
    } catch (err) {
      stoppedBecause = `a replay failed: ${(err as Error).message}`;
      return null;
    }
  };
  let prefix: Command[] | null = null;
  if (mismatch.kind === 'reply') {
    const p = commands.slice(0, mismatch.index + 1);
    if (await reproduces(p)) prefix = p;
  } else if (mismatch.kind === 'state') {
    for (let n = 1; n <= commands.length && !exhausted(); n++) {
      const p = commands.slice(0, n);
      if (await reproduces(p)) {
        prefix = p;
        break;
      }
    }
  }
  const result = (r: Omit<Reproducer, 'replays' | 'stoppedBecause'>): Reproducer => ({
    ...r,
    replays,
    ...(stoppedBecause !== undefined ? { stoppedBecause } : {}),
  });
  if (!prefix) return result({ prefixLength: null, minimized: null, trace: [], mismatch: null });
  const prefixLength = prefix.length;
  let current = prefix;
  for (let chunk = Math.max(1, Math.floor(current.length / 2)); chunk >= 1 && !exhausted(); chunk = Math.floor(chunk / 2)) {
    for (let start = 0; start < current.length && !exhausted(); ) {
      const candidate = current.slice(0, start).concat(current.slice(start + chunk));
      if (candidate.length > 0 && (await reproduces(candidate))) current = candidate;
      else start += chunk;
    }
  }
  const trace: TraceStep[] = [];
  let final: Mismatch | null = null;
  try {
    replays++;
    final = await runSequence(a, b, current, config, { checkState: mismatch.kind === 'state', trace });
  } catch (err) {
    stoppedBecause ??= `the final replay failed: ${(err as Error).message}`;
  }
  return result({ prefixLength, minimized: current, trace, mismatch: final });
}

/** Formats a mismatch and its reproducer for a test failure message. */
export function formatReport(params: {
  title: string;
  sideA: string;
  sideB: string;
  mismatch: Mismatch;
  sequenceLength: number;
  reproducer?: Reproducer;
  /** The whole sequence; its reproducing prefix is listed (elided in the middle past 60 commands). */
  commands?: readonly Command[];
}): string {
  const { title, sideA, sideB, mismatch, reproducer } = params;
  const lines: string[] = [title];
  const pad = Math.max(sideA.length, sideB.length);
  if (mismatch.kind === 'reply') {
    lines.push(
      `reply mismatch at command index ${mismatch.index} (of ${params.sequenceLength}):`,
      `  command: ${showCommand(mismatch.command)}`,
      `  ${sideA.padEnd(pad)}: ${showBytes(mismatch.replyA)}`,
      `  ${sideB.padEnd(pad)}: ${showBytes(mismatch.replyB)}`,
    );
  } else if (mismatch.kind === 'state') {
    lines.push(`final keyspace mismatch after all ${params.sequenceLength} commands:`, ...mismatch.differences.map((d) => `  ${d}`));
  } else {
    lines.push(`setup failed: ${mismatch.message}`);
  }
  if (reproducer) {
    if (reproducer.stoppedBecause) lines.push(`(reproducer search stopped early: ${reproducer.stoppedBecause})`);
    if (reproducer.prefixLength === null) {
      lines.push(`NOT reproduced on replay (${reproducer.replays} replays): timing-dependent or flaky?`);
    } else {
      lines.push(`shortest reproducing prefix: the first ${reproducer.prefixLength} commands`);
      if (params.commands) {
        const prefix = params.commands.slice(0, reproducer.prefixLength);
        const show = (c: Command, i: number): string => `  ${String(i + 1).padStart(4)}. ${showCommand(c, 40)}`;
        if (prefix.length <= 60) prefix.forEach((c, i) => lines.push(show(c, i)));
        else {
          prefix.slice(0, 20).forEach((c, i) => lines.push(show(c, i)));
          lines.push(`        ... ${prefix.length - 40} more (regenerate with the seed) ...`);
          prefix.slice(-20).forEach((c, i) => lines.push(show(c, prefix.length - 20 + i)));
        }
      }
      lines.push(
        `minimized to ${reproducer.minimized!.length} commands (${reproducer.replays} replays), ` +
          `each on a fresh connection after FLUSHALL:`,
      );
      reproducer.trace.forEach((step, i) => {
        lines.push(`  ${String(i + 1).padStart(3)}. ${showCommand(step.command)}`);
        const same = step.replyA.equals(step.replyB);
        lines.push(same ? `       -> ${showBytes(step.replyA, 120)}` : `       -> ${sideA}: ${showBytes(step.replyA, 120)}   ${sideB}: ${showBytes(step.replyB, 120)}   <== DIFFERS`);
      });
      if (!reproducer.mismatch) {
        lines.push('  (this final replay of the minimized sequence did NOT show the mismatch: timing-dependent or flaky?)');
      }
      if (reproducer.mismatch?.kind === 'state') {
        lines.push('  final keyspace differences:', ...reproducer.mismatch.differences.map((d) => `    ${d}`));
      }
    }
  }
  return lines.join('\n');
}
