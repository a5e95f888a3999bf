/**
 * Runs a fuzz sequence (gen.ts) on tierkv and redis-server at once and returns the first divergence.
 *
 * Per run: one connection per server (RESP2, or RESP3 after HELLO 3; reopened, with the same HELLO, whenever the
 * server closes it after QUIT, CLIENT KILL or a protocol error), FLUSHALL and the fuzzed configuration parameters
 * restored first. Steps are grouped into pipelines; each pipeline is written in pieces cut at random byte offsets
 * (seeded), every reply is compared (normalize.ts), and so is whether and when the server closed the connection.
 * Drop steps run MIGRATE_PREPARE on tierkv through a control connection and DEL the same keys on redis. At the end
 * the keyspaces are compared (KEYS, TYPE, GET, PTTL of every key) and tierkv must still be alive.
 * With `events` (fuzz.ts sets it), both servers get the same `notify-keyspace-events` flags and a subscriber each,
 * and the keyspace notifications of every batch are compared (events.ts: what is compared and why).
 */
import { decodeReply, showBytes, showCommand } from '../support/resp.js';
import { Rng } from '../support/rng.js';
import { CONFIG_SET_VALUES, commandName, describeDifference, type Cmd, type Phase, type Step } from './gen.js';
import { compareDumps, dumpKeyspace, type Exec } from './keyspace.js';
import { compareReplies, type CompareEnv } from './normalize.js';
import type { Pair } from './servers.js';
import { RawClient, RawClientTimeoutError } from '../support/raw-client.js';
import { encodeCmds } from './wire.js';
import { EventWatch } from './events.js';
import { sleep } from '../support/wait.js';

/** The first difference found. */
export interface Divergence {
  /** reply: a reply differs; close: one side closed, the other not; state: final keyspaces; drop: MIGRATE_PREPARE
   * report inconsistent; dead: tierkv died; error: the harness failed to talk to a side (timeout); events: the
   * keyspace notifications of a batch differ (events.ts). */
  kind: 'reply' | 'close' | 'state' | 'drop' | 'dead' | 'error' | 'events';
  /** Index of the step in the sequence (-1: setup or final checks). */
  step: number;
  cmd?: Cmd;
  tierkv?: Buffer;
  redis?: Buffer;
  reason: string;
}

/** How to run. */
export interface RunOptions {
  protocol: 2 | 3;
  /** Seed of the pipeline split offsets. */
  splitSeed: number;
  /** Per-pipeline reply timeout, ms (default 10000). */
  timeoutMs?: number;
  /** Faults injected into a side's pipelines, for the runner's and shrinker's self-tests (fuzz-harness.test.ts). */
  faults?: { tierkv?: Faults; redis?: Faults };
  /**
   * `notify-keyspace-events` flags to set on both servers and compare the keyspace notifications under (events.ts);
   * undefined: not compared.
   */
  events?: string;
}

/** Faults injected into one side's main connection (pipelined steps); never set by a fuzz run. */
export interface Faults {
  /** The command sent instead of `cmd`. */
  rewrite?(cmd: Cmd): Cmd;
  /** The reply seen instead of `reply`. */
  corrupt?(cmd: Cmd, reply: Buffer): Buffer;
  /** True: the side fails instead of sending the batch holding `cmd` (like a broken connection). */
  fail?(cmd: Cmd): boolean;
}

/** Long-lived state of a pair: initial values of the fuzzed parameters, tierkv's command names. */
export interface PairContext {
  pair: Pair;
  env: CompareEnv;
  /** Per side, the CONFIG SET arguments that restore the fuzzed parameters. */
  restoreA: string[];
  restoreB: string[];
  /** tierkv's hot-ratio at start (restored after drop steps). */
  hotRatio: string;
  /** Databases compared at the end (default 1; the servers of a pair run with `databases 1`). */
  databases?: number;
}

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Reads what the runner needs to know about a freshly started pair. */
export async function preparePair(pair: Pair): Promise<PairContext> {
  const a = await RawClient.connect(pair.tierkv.port, { host: pair.tierkv.host, readTimeoutMs: 15_000 });
  const b = await RawClient.connect(pair.redis.port, { host: pair.redis.host, readTimeoutMs: 15_000 });
  if (pair.password) for (const c of [a, b]) await c.command('AUTH', pair.password);
  try {
    const list = decodeReply(await a.command('COMMAND', 'LIST'));
    const names = new Set((list as unknown[]).map((x) => String(x).toLowerCase()));
    const restore = async (c: RawClient): Promise<string[]> => {
      const out: string[] = [];
      for (const name of Object.keys(CONFIG_SET_VALUES)) {
        if (name === '') continue;
        const v = decodeReply(await c.command('CONFIG', 'GET', name));
        const arr = v instanceof Map ? [...v].flat() : (v as unknown[]);
        if (arr.length !== 2) continue;
        // Only parameters CONFIG SET accepts back (mutable ones).
        const r = await c.command('CONFIG', 'SET', name, String(arr[1]));
        if (r.toString('latin1') === '+OK\r\n') out.push(name, String(arr[1]));
      }
      return out;
    };
    const hr = decodeReply(await a.command('CONFIG', 'GET', 'hot-ratio'));
    const hotRatio = String((hr instanceof Map ? [...hr].flat() : (hr as unknown[]))[1]);
    return { pair, env: { tierkvCommands: names }, restoreA: await restore(a), restoreB: await restore(b), hotRatio };
  } finally {
    a.destroy();
    b.destroy();
  }
}

/**
 * The transaction state of a connection as the replies show it (the same on both sides, as replies are compared
 * before it is updated): the commands queued since MULTI, so that EXEC's reply is compared element by element with
 * the rules of each queued command.
 */
export class TxTracker {
  queued: Cmd[] | null = null;

  /** The commands EXEC will run, or null when `cmd` is not an EXEC of an open transaction. */
  execOf(cmd: Cmd): Cmd[] | null {
    return commandName(cmd) === 'EXEC' ? this.queued : null;
  }

  /** Updates the state after `cmd` got `reply`. */
  after(cmd: Cmd, reply: Buffer): void {
    const name = commandName(cmd);
    const r = reply.toString('latin1');
    if (name === 'MULTI' && r === '+OK\r\n') this.queued = [];
    // EXEC ends the transaction whatever it answers (a refused EXEC aborts it); DISCARD when it succeeds.
    else if (name === 'EXEC' || (name === 'DISCARD' && r === '+OK\r\n')) this.queued = null;
    else if (this.queued !== null && r === '+QUEUED\r\n') this.queued.push(cmd);
  }
}

/** A main connection per side, reopened on demand. */
class Side {
  conn: RawClient | null = null;
  control: RawClient | null = null;
  /** Transaction state of `conn` (reset when it is reopened). */
  tx = new TxTracker();
  constructor(
    readonly name: string,
    readonly port: number,
    readonly host: string,
    readonly protocol: 2 | 3,
    readonly password: string,
    readonly faults?: Faults,
  ) {}

  async main(): Promise<RawClient> {
    if (this.conn === null || this.conn.closed) {
      this.conn = await this.open();
      this.tx = new TxTracker();
    }
    return this.conn;
  }

  /** A new connection set up as the main one (HELLO 3 in RESP3, authenticated when there is a password). */
  async open(): Promise<RawClient> {
    const c = await RawClient.connect(this.port, { host: this.host, readTimeoutMs: 15_000 });
    if (this.protocol === 3) {
      const r = this.password !== '' ? await c.command('HELLO', '3', 'AUTH', 'default', this.password) : await c.command('HELLO', '3');
      if (r[0] !== 0x25) throw new Error(`${this.name}: HELLO 3 replied ${showBytes(r)}`);
    } else if (this.password !== '') {
      const r = await c.command('AUTH', this.password);
      if (r.toString('latin1') !== '+OK\r\n') throw new Error(`${this.name}: AUTH replied ${showBytes(r)}`);
    }
    return c;
  }

  async ctl(): Promise<RawClient> {
    if (this.control === null || this.control.closed) {
      this.control = await RawClient.connect(this.port, { host: this.host, readTimeoutMs: 15_000 });
      if (this.password !== '') await this.control.command('AUTH', this.password);
    }
    return this.control;
  }

  close(): void {
    this.conn?.destroy();
    this.control?.destroy();
  }
}

/** Random split offsets for a pipeline of `len` bytes. */
function splits(rng: Rng, len: number): number[] {
  if (len < 2 || rng.chance(0.35)) return [];
  const n = rng.int(1, Math.min(6, len - 1));
  const out = new Set<number>();
  for (let i = 0; i < n; i++) out.add(rng.int(1, len - 1));
  return [...out].sort((x, y) => x - y);
}

/**
 * Runs `steps` on both servers.
 * @returns the first divergence, or null
 */
export async function runSteps(ctx: PairContext, steps: readonly Step[], opts: RunOptions): Promise<Divergence | null> {
  const { pair } = ctx;
  const env: CompareEnv = { ...ctx.env, errorSkew: new Map() };
  const A = new Side('tierkv', pair.tierkv.port, pair.tierkv.host, opts.protocol, pair.password ?? '', opts.faults?.tierkv);
  const Bs = new Side('redis', pair.redis.port, pair.redis.host, opts.protocol, pair.password ?? '', opts.faults?.redis);
  const timeout = opts.timeoutMs ?? 10_000;
  const rng = new Rng(opts.splitSeed);
  let watch: EventWatch | undefined;
  try {
    // Setup: parameters back to their start values, empty keyspace, statistics reset.
    const [ca, cb] = await Promise.all([A.ctl(), Bs.ctl()]);
    if (ctx.restoreA.length > 0) await ca.command('CONFIG', 'SET', ...ctx.restoreA);
    if (ctx.restoreB.length > 0) await cb.command('CONFIG', 'SET', ...ctx.restoreB);
    for (const c of [ca, cb]) {
      await c.command('FLUSHALL');
      await c.command('CONFIG', 'RESETSTAT');
    }
    if (opts.events !== undefined) {
      const side = (s: Side) => ({ host: s.host, port: s.port, password: s.password, ctl: () => s.ctl() });
      watch = await EventWatch.start(side(A), side(Bs), opts.events, timeout);
    }
    await Promise.all([A.main(), Bs.main()]);

    /** Compares the keyspace notifications since the last check (none without `events`), blamed on step `index`. */
    const checkEvents = async (index: number, discard = false): Promise<Divergence | null> => {
      if (watch === undefined) return null;
      const reason = await watch.sync(discard);
      return reason === null ? null : { kind: 'events', step: index, reason };
    };
    let batch: Array<{ step: Step; index: number }> = [];
    const flush = async (): Promise<Divergence | null> => {
      if (batch.length === 0) return null;
      const items = batch;
      batch = [];
      return (await runBatch(A, Bs, items, rng, timeout, env)) ?? (await checkEvents(items[items.length - 1]!.index));
    };
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (step.drop === true || step.scanAll !== undefined || step.fresh === true || step.clients !== undefined) {
        const d =
          (await flush()) ??
          (step.clients !== undefined
            ? ((step.cmds.length > 0 ? await runBatch(A, Bs, [{ step: { cmds: step.cmds }, index: i }], rng, timeout, env) : null) ??
              (await runClients(A, Bs, step.clients, i, rng, timeout, env)))
            : step.drop === true
            ? await runDrop(ctx, A, Bs, i)
            : step.fresh === true
              ? await runFresh(A, Bs, step, i, rng, timeout, env)
              : ((step.cmds.length > 0 ? await runBatch(A, Bs, [{ step: { cmds: step.cmds }, index: i }], rng, timeout, env) : null) ??
                (await runScanAll(A, Bs, step.scanAll!, i))));
        if (d !== null) return d;
        // A drop's segment holds tierkv's migrate_prepare and redis's DELs of the same keys: read, not compared.
        const e = await checkEvents(i, step.drop === true);
        if (e !== null) return e;
        continue;
      }
      batch.push({ step, index: i });
      if (step.flush === true || step.sleepMs !== undefined || step.raw !== undefined || step.inline === true) {
        const d = await flush();
        if (d !== null) return d;
        if (step.sleepMs !== undefined) await sleep(step.sleepMs);
      }
    }
    const d = await flush();
    if (d !== null) return d;
    if (!pair.tierkvAlive()) return { kind: 'dead', step: -1, reason: 'tierkv exited' };
    // Final keyspaces, through the control connections (RESP2, database 0).
    const dumpConfig = { databases: ctx.databases ?? 1 };
    const [da, db] = await Promise.all([dumpKeyspace(adapter(await A.ctl()), dumpConfig), dumpKeyspace(adapter(await Bs.ctl()), dumpConfig)]);
    const diffs = compareDumps(da, db, 'tierkv', 'redis', dumpConfig);
    if (diffs.length > 0) return { kind: 'state', step: -1, reason: diffs.join('\n') };
    return null;
  } catch (e) {
    const alive = pair.tierkvAlive();
    const got = e instanceof RawClientTimeoutError ? ` (buffered: ${showBytes(e.received, 200)})` : '';
    return { kind: alive ? 'error' : 'dead', step: -1, reason: `${(e as Error).message}${got}${alive ? '' : '; tierkv exited'}` };
  } finally {
    watch?.destroy();
    A.close();
    Bs.close();
  }
}

function adapter(c: RawClient): Exec {
  return (cmd) => c.command(...cmd);
}

/** A fresh step: the step's bytes on a new connection of each side (RESP2, unauthenticated), closed afterwards. */
async function runFresh(A: Side, Bs: Side, step: Step, index: number, rng: Rng, timeout: number, env: CompareEnv): Promise<Divergence | null> {
  const [ca, cb] = await Promise.all([RawClient.connect(A.port, { host: A.host, readTimeoutMs: 15_000 }), RawClient.connect(Bs.port, { host: Bs.host, readTimeoutMs: 15_000 })]);
  try {
    return await runBatch({ main: async () => ca, tx: new TxTracker(), faults: A.faults }, { main: async () => cb, faults: Bs.faults }, [{ step, index }], rng, timeout, env);
  } finally {
    ca.destroy();
    cb.destroy();
  }
}

async function runBatch(
  A: { main(): Promise<RawClient>; tx: TxTracker; faults?: Faults | undefined },
  Bs: { main(): Promise<RawClient>; faults?: Faults | undefined },
  items: Array<{ step: Step; index: number }>,
  rng: Rng,
  timeout: number,
  env: CompareEnv,
): Promise<Divergence | null> {
  const parts: Buffer[] = [];
  const owners: Array<{ index: number; cmd: Cmd }> = [];
  let raw = false;
  for (const { step, index } of items) {
    if (step.cmds.length > 0) parts.push(encodeCmds(step.cmds, step.inline === true));
    for (const c of step.cmds) owners.push({ index, cmd: c });
    if (step.raw !== undefined) {
      parts.push(step.raw);
      owners.push({ index, cmd: [B('<malformed>'), step.raw] });
      raw = true;
    }
  }
  const bytes = Buffer.concat(parts);
  const cut = splits(rng, bytes.length);
  for (const [name, f] of [['tierkv', A.faults], ['redis', Bs.faults]] as const) {
    const failing = f?.fail !== undefined ? owners.find((o) => f.fail!(o.cmd)) : undefined;
    if (failing !== undefined) return { kind: 'error', step: failing.index, cmd: failing.cmd, reason: `${name}: injected failure` };
  }
  /** The bytes a side is sent: `bytes`, or with its faults' rewritten commands. */
  const sent = (f: Faults | undefined): Buffer =>
    f?.rewrite === undefined
      ? bytes
      : Buffer.concat(items.flatMap(({ step }) => [...(step.cmds.length > 0 ? [encodeCmds(step.cmds.map((c) => f.rewrite!(c)), step.inline === true)] : []), ...(step.raw !== undefined ? [step.raw] : [])]));
  const [ca, cb] = await Promise.all([A.main(), Bs.main()]);
  await Promise.all([ca.writeSplit(sent(A.faults), cut), cb.writeSplit(sent(Bs.faults), cut)]);
  const n = owners.length;
  const lastIndex = items[items.length - 1]!.index;
  // A batch that may close the connection (QUIT, CLIENT KILL of oneself, a protocol error) waits for the close,
  // briefly when the close is only possible, so that a late close is not blamed on the next batch.
  const closing = raw || owners.some((o) => mayClose(o.cmd));
  const wait = raw || owners.some((o) => commandName(o.cmd) === 'QUIT') ? timeout : 300;
  let ra, rb;
  try {
    [ra, rb] = await Promise.all([ca.readBatch(n, closing ? wait : timeout, closing), cb.readBatch(n, closing ? wait : timeout, closing)]);
  } catch (e) {
    const which = e instanceof RawClientTimeoutError ? 'a side' : 'reading';
    return { kind: 'error', step: lastIndex, reason: `${which}: ${(e as Error).message}; batch ${owners.map((o) => showCommand(o.cmd, 40)).join(' | ')}` };
  }
  const corrupt = (f: Faults | undefined, replies: Buffer[]): Buffer[] =>
    f?.corrupt === undefined ? replies : replies.map((r, i) => (i < owners.length ? f.corrupt!(owners[i]!.cmd, r) : r));
  ra.replies = corrupt(A.faults, ra.replies);
  rb.replies = corrupt(Bs.faults, rb.replies);
  const m = Math.min(ra.replies.length, rb.replies.length);
  for (let i = 0; i < m; i++) {
    const { index, cmd } = owners[i]!;
    const reason = compareReplies(cmd, ra.replies[i]!, rb.replies[i]!, env, A.tx.execOf(cmd) ?? undefined);
    if (reason !== null) return { kind: 'reply', step: index, cmd, tierkv: ra.replies[i], redis: rb.replies[i], reason: withSizes(reason, ra.replies[i]!, rb.replies[i]!) };
    A.tx.after(cmd, rb.replies[i]!);
  }
  if (ra.closed || rb.closed) A.tx.queued = null;
  if (ra.replies.length !== rb.replies.length || ra.closed !== rb.closed) {
    const i = Math.min(m, n - 1);
    return {
      kind: 'close',
      step: owners[i]!.index,
      cmd: owners[i]!.cmd,
      reason: `tierkv: ${ra.replies.length} replies${ra.closed ? ', closed' : ''}; redis: ${rb.replies.length} replies${rb.closed ? ', closed' : ''}`,
      ...(ra.replies[m] ? { tierkv: ra.replies[m] } : {}),
      ...(rb.replies[m] ? { redis: rb.replies[m] } : {}),
    };
  }
  return null;
}

/** Replies longer than this are reported by size, first differing offset and a summary (never in full). */
const LARGE_REPLY = 4096;

/** `reason`, with where and how two large replies differ. */
export function withSizes(reason: string, a: Buffer, b: Buffer): string {
  return a.length > LARGE_REPLY || b.length > LARGE_REPLY ? `${reason} (${describeDifference(a, b)})` : reason;
}

/** Name an unread phase's connection takes after its commands, so that the runner sees when they were executed. */
const SYNC_NAME = 'fuzz-sync';

/**
 * Waits until the connection named `name` appears in CLIENT LIST of the control connection: the server has then
 * executed every command written before the CLIENT SETNAME that gave it that name (a connection's commands run in
 * order), whether or not their replies were read. Works alike on redis-server and tierkv.
 * @throws RawClientTimeoutError after `timeoutMs`
 */
async function waitExecuted(ctl: RawClient, name: string, timeoutMs: number, side: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const needle = ` name=${name} `;
  for (let delay = 1; ; delay = Math.min(20, delay * 2)) {
    const r = await ctl.command('CLIENT', 'LIST');
    if (r.toString('latin1').includes(needle)) return;
    if (Date.now() > deadline) throw new RawClientTimeoutError(`${side}: the unread pipeline ending in CLIENT SETNAME ${name} was not executed within ${timeoutMs} ms`, r);
    await new Promise((res) => setTimeout(res, delay));
  }
}

/** One extra client of a clients step, on both sides: its connections and the replies it has not read yet. */
interface Extra {
  a: RawClient;
  b: RawClient;
  tx: TxTracker;
  unread: Array<{ phase: number; cmd: Cmd }>;
}

/**
 * A clients step (gen.ts Step.clients): each phase's commands on its client's connection to each side, an unread
 * phase followed by a CLIENT SETNAME that the runner waits for on both sides before the next phase, its socket
 * paused meanwhile (the replies stay on the server); replies
 * compared when read (a read phase reads its client's earlier unread replies first), the rest at the end.
 */
async function runClients(A: Side, Bs: Side, phases: readonly Phase[], index: number, rng: Rng, timeout: number, env: CompareEnv): Promise<Divergence | null> {
  const extras = new Map<number, Extra>();
  const [ctlA, ctlB] = await Promise.all([A.ctl(), Bs.ctl()]);
  try {
    const client = async (n: number): Promise<Extra> => {
      let e = extras.get(n);
      if (e === undefined) {
        const [a, b] = await Promise.all([A.open(), Bs.open()]);
        e = { a, b, tx: new TxTracker(), unread: [] };
        extras.set(n, e);
      }
      return e;
    };
    /** Reads and compares every reply `e` has not read. */
    const readAll = async (n: number, e: Extra): Promise<Divergence | null> => {
      const owners = e.unread;
      e.unread = [];
      let ra, rb;
      try {
        [ra, rb] = await Promise.all([e.a.readBatch(owners.length, timeout), e.b.readBatch(owners.length, timeout)]);
      } catch (err) {
        return { kind: 'error', step: index, reason: `client ${n}: ${(err as Error).message}` };
      }
      const m = Math.min(ra.replies.length, rb.replies.length);
      for (let i = 0; i < m; i++) {
        const { phase, cmd } = owners[i]!;
        const reason = compareReplies(cmd, ra.replies[i]!, rb.replies[i]!, env, e.tx.execOf(cmd) ?? undefined);
        if (reason !== null) {
          return { kind: 'reply', step: index, cmd, tierkv: ra.replies[i], redis: rb.replies[i], reason: `client ${n}, phase ${phase + 1}: ${withSizes(reason, ra.replies[i]!, rb.replies[i]!)}` };
        }
        e.tx.after(cmd, rb.replies[i]!);
      }
      if (ra.replies.length !== rb.replies.length || ra.closed !== rb.closed) {
        const i = Math.min(m, owners.length - 1);
        return {
          kind: 'close',
          step: index,
          cmd: owners[i]!.cmd,
          reason: `client ${n}: tierkv ${ra.replies.length} replies${ra.closed ? ', closed' : ''}; redis ${rb.replies.length} replies${rb.closed ? ', closed' : ''}`,
        };
      }
      return null;
    };
    for (let p = 0; p < phases.length; p++) {
      const ph = phases[p]!;
      const e = await client(ph.client);
      const cmds = ph.cmds.slice();
      const sync = `${SYNC_NAME}-${index}-${p}`;
      if (ph.unread === true) cmds.push([B('CLIENT'), B('SETNAME'), B(sync)]);
      for (const cmd of cmds) e.unread.push({ phase: p, cmd });
      const bytes = encodeCmds(cmds, false);
      const cut = splits(rng, bytes.length);
      if (ph.unread === true) {
        e.a.pause();
        e.b.pause();
      }
      await Promise.all([e.a.writeSplit(bytes, cut), e.b.writeSplit(bytes, cut)]);
      if (ph.unread === true) {
        try {
          await Promise.all([waitExecuted(ctlA, sync, timeout, 'tierkv'), waitExecuted(ctlB, sync, timeout, 'redis')]);
        } catch (err) {
          return { kind: 'error', step: index, reason: `client ${ph.client}, phase ${p + 1}: ${(err as Error).message}` };
        }
      } else {
        const d = await readAll(ph.client, e);
        if (d !== null) return d;
      }
    }
    for (const [n, e] of extras) {
      if (e.unread.length === 0) continue;
      const d = await readAll(n, e);
      if (d !== null) return d;
    }
    return null;
  } finally {
    for (const e of extras.values()) {
      e.a.destroy();
      e.b.destroy();
    }
  }
}

/** True for commands after which the server may close the connection (QUIT, CLIENT KILL that may match the caller). */
function mayClose(cmd: Cmd): boolean {
  const n = commandName(cmd);
  if (n === 'QUIT') return true;
  if (n !== 'CLIENT|KILL') return false;
  return cmd.length === 3 || cmd.some((a, i) => i > 1 && a.toString('latin1').toLowerCase() === 'no');
}

/**
 * MIGRATE_PREPARE on tierkv with the keys' tiers read just before (demotion stopped meanwhile by a hot-ratio of 1),
 * then DEL of the cold keys on redis.
 */
async function runDrop(ctx: PairContext, A: Side, Bs: Side, index: number): Promise<Divergence | null> {
  const ca = await A.ctl();
  const cb = await Bs.ctl();
  await ca.command('CONFIG', 'SET', 'hot-ratio', '1');
  try {
    const keys = decodeReply(await ca.command('KEYS', '*'), { buffers: true }) as Buffer[];
    const cold: Buffer[] = [];
    for (const k of keys) {
      const t = (await ca.command('OBJECT', 'TIER', k)).toString('latin1');
      if (t === '$4\r\ncold\r\n') cold.push(k);
    }
    const report = decodeReply(await ca.command('MIGRATE_PREPARE'));
    const fields = Array.isArray(report) ? report : [];
    const dropped = Number(fields[fields.indexOf('dropped_keys') + 1]);
    const done = (await ca.command('MIGRATE_DONE')).toString('latin1');
    if (done !== '+OK\r\n') return { kind: 'drop', step: index, reason: `MIGRATE_DONE replied ${showBytes(done)}` };
    if (dropped !== cold.length) {
      return { kind: 'drop', step: index, reason: `MIGRATE_PREPARE dropped ${dropped} keys, ${cold.length} were cold (${cold.map((k) => showBytes(k, 30)).join(' ')})` };
    }
    if (cold.length > 0) await cb.command('DEL', ...cold);
    return null;
  } finally {
    await ca.command('CONFIG', 'SET', 'hot-ratio', ctx.hotRatio);
    // Both control connections end on the same command: a CLIENT LIST of the main connection keeps the lines whose
    // last command is CLIENT LIST (normalize.ts clientNorm), which the control's is on redis after a clients step.
    await Promise.all([ca.command('PING'), cb.command('PING')]);
  }
}

/** A full SCAN iteration with `opts` on both sides: errors compared exactly, key sets as sets. */
async function runScanAll(A: Side, Bs: Side, opts: Buffer[], index: number): Promise<Divergence | null> {
  const scan = async (s: Side): Promise<{ err: Buffer | null; keys: string[] }> => {
    const c = await s.main();
    let cursor = '0';
    const keys = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const r = await c.command('SCAN', cursor, ...opts);
      if (r[0] === 0x2d) return { err: r, keys: [] };
      const v = decodeReply(r, { buffers: true }) as [Buffer, Buffer[]];
      for (const k of v[1]) keys.add(k.toString('hex'));
      cursor = v[0].toString('latin1');
      if (cursor === '0') break;
    }
    return { err: null, keys: [...keys].sort() };
  };
  const [ra, rb] = await Promise.all([scan(A), scan(Bs)]);
  const cmd = [B('SCAN'), B('0'), ...opts];
  if (ra.err !== null || rb.err !== null) {
    if (ra.err !== null && rb.err !== null && ra.err.equals(rb.err)) return null;
    return { kind: 'reply', step: index, cmd, ...(ra.err ? { tierkv: ra.err } : {}), ...(rb.err ? { redis: rb.err } : {}), reason: 'SCAN: one side failed' };
  }
  if (ra.keys.join(',') !== rb.keys.join(',')) {
    const hex = (h: string): string => showBytes(Buffer.from(h, 'hex'), 30);
    return { kind: 'reply', step: index, cmd, reason: `full SCAN: tierkv [${ra.keys.map(hex).join(' ')}] vs redis [${rb.keys.map(hex).join(' ')}]` };
  }
  return null;
}

/** True when two divergences are "the same bug" for shrinking: same kind and, for replies, same command name. */
export function sameDivergence(x: Divergence, y: Divergence): boolean {
  if (x.kind !== y.kind) return false;
  if (x.kind === 'reply' || x.kind === 'close') return x.cmd !== undefined && y.cmd !== undefined && commandName(x.cmd) === commandName(y.cmd);
  return true;
}
