/**
 * The transport-independent core of the server: it owns and wires the arena, the keyspace, the memory policy
 * (memory/: tiers, page mover, MIGRATE_PREPARE, eviction), the transactions (multi/), the command table, the
 * clients and the statistics (stats.ts), and runs command dispatch (`execute`) and the periodic cron. The network
 * layer (net/server.ts) feeds it parsed commands; tests and the HTTP interface (net/http/) can drive it too.
 * Command handlers see it only as `CommandServices` (commands/context.ts), INFO as `InfoSource` (observe/info.ts).
 *
 * Dispatch follows Redis's processCommand (src/server.c): command lookup (unknown command / unknown subcommand
 * errors), arity check, authentication, maxmemory (evict, or -OOM for commands flagged denyoom), then the handler.
 */
import { performance } from 'node:perf_hooks';
import { Arena, ArenaFullError } from '../../allocator/arena.js';
import type { Argv } from '../../protocol/argv.js';
import { ReplyWriter } from '../../protocol/reply-writer.js';
import type { Client } from './client.js';
import { CommandContext, type CommandServices } from '../commands/context.js';
import { CommandTable } from '../commands/table.js';
import type { Command } from '../commands/types.js';
import { ERR } from '../commands/reply-helpers.js';
import { allCommands } from '../commands/index.js';
import type { Config } from '../config/config.js';
import { EVICT_FAIL, EVICT_RUNNING, performEvictions } from '../memory/eviction.js';
import { Keyspace } from '../keyspace/keyspace.js';
import { TierManager } from '../memory/tiers.js';
import { PageMover } from '../memory/page-mover.js';
import { IdleCollector, forceGc, takeReleased } from '../memory/gc.js';
import { MigrationManager } from '../memory/migrate-prepare.js';
import { MULTI_CONTROL, MULTI_OOM_EXEMPT, Transactions } from '../multi/multi.js';
import type { Logger } from './log.js';
import { recordLatency } from '../observe/latency.js';
import { buildInfo, selectSections } from '../observe/info.js';
import { CLIENT_PEAK_SLOTS, ServerStats } from './stats.js';
import { PubSub, SUBSCRIBED_MODE_COMMANDS, subscribedModeError } from '../pubsub/pubsub.js';
import { KeyspaceEvents } from '../pubsub/notify.js';
import { SlowLog } from './slowlog.js';
import { LatencyMonitor } from './latency-monitor.js';
import { Monitors } from './monitor.js';
import { ClientPause, PAUSE_ALL, PAUSE_OFF } from './client-pause.js';
import { BlockingKeys } from './blocking.js';


/** Released extent bytes after which the cron forces a garbage collection. */
const GC_AFTER_RELEASED_BYTES = 32 << 20;
/** Released bytes collected at the first cron tick without client input. */
const GC_WHEN_QUIET_BYTES = 1 << 20;
/** Pool of the reply writer that serves blocked clients (blocking.ts; it grows for a bigger reply). */
const SERVE_POOL_BYTES = 16 * 1024;


/** The core. Command handlers see it only as CommandServices (commands/context.ts). */
export class ServerCore implements CommandServices {
  readonly arena: Arena;
  readonly ks: Keyspace;
  readonly tiers: TierManager;
  /** The slab page mover: keeps the arena's slab pages within a budget derived from maxmemory (page-mover.ts). */
  readonly pageMover: PageMover;
  readonly migration: MigrationManager;
  /** MULTI queues and WATCHes (multi/multi.ts). */
  readonly multi: Transactions;
  readonly table: CommandTable;
  readonly writer = new ReplyWriter();
  readonly ctx: CommandContext;
  readonly stats = new ServerStats();
  readonly clients = new Map<number, Client>();
  /** Pub/sub channels, patterns and fan-out (pubsub/pubsub.ts). */
  readonly pubsub = new PubSub(this);
  /** MONITOR's clients and line fan-out (monitor.ts). */
  readonly monitors = new Monitors(this);
  /** CLIENT PAUSE (client-pause.ts): waiting clients resume with their command when the pause ends. */
  readonly pause = new ClientPause(
    (c, argv) => this.unblock(c, () => this.execute(c, argv)),
    (paused) => {
      this.ks.expiryPaused = paused;
    },
  );
  /** Clients blocked on keys (BLPOP...; blocking.ts): served after each command, timed out by their own timer. */
  readonly blocking: BlockingKeys;
  /** The context and reply writer blocking.ts serves waiters with (dispatch's writer is batching another client). */
  readonly serveCtx: CommandContext;
  /** Server start, ms since the epoch. */
  readonly startTime = Date.now();
  /**
   * Wall-clock ms minus the monotonic clock's ms (`performance.now()`): a command reads the monotonic clock once for
   * both its start time and the keyspace's `now` (Date.now() beside it was ~65 ns a command on Node 20, as much as a
   * GET's lookup). Starts at `performance.timeOrigin` (sub-ms precise); the cron follows clock steps.
   */
  private wallOffset = performance.timeOrigin;
  /**
   * In a pipeline (`beginPipeline` .. `endPipeline`, the network layer's loop over one read's commands): the monotonic
   * ms at which the previous command ended, which is when the next one starts ([0] = -1: read the clock). A batch of
   * N commands reads the clock N + 1 times instead of 2N: a read is ~65 ns on Node 20 here (performance.now, kvm-clock;
   * it also allocates its result), a tenth of a pipelined LPUSH's command path. What happens between two commands of
   * a batch (parsing the next one) counts toward the next command's time: sub-µs. A Float64Array, not a field: a
   * number field would hold the clock's boxed result, a young object stored into an old one at each command.
   */
  private readonly clockCarry = new Float64Array([-1]);
  private chainClock = false;
  /** SLOWLOG (slowlog.ts). */
  readonly slowlog: SlowLog;
  /** LATENCY (latency-monitor.ts): commands and tierkv's own events at least latency-monitor-threshold long. */
  readonly latency = new LatencyMonitor();
  /** 40 hex characters, new on each start (INFO run_id). */
  readonly runId: string;
  private nextClientId = 1;
  /** The second whose slot trackClientPeaks last wrote. */
  private peakSecond = 0;
  /** stats.totalNetInputBytes at the previous cron tick (unchanged since: the clients are quiet). */
  private inputAtLastCron = 0;
  /** Collections once the clients are quiet, to give back V8's young generation (memory/gc.ts). */
  private readonly idleCollector = new IdleCollector(Date.now());
  /** Off-heap bytes dropped (gc.ts noteReleased) and not yet collected by a forced GC. */
  private releasedOffHeap = 0;
  /** Set when the server is shutting down. */
  shuttingDown = false;
  /**
   * Bytes of HTTP request bodies held right now (PUT /v1/keys: bodies being received or about to be stored; see
   * net/http/body.ts); 0 at rest. INFO memory reports it as `mem_http_bodies`.
   */
  httpBodyBytes = 0;
  /** Hook used by SHUTDOWN: closes the server (set by the network layer). */
  requestShutdown: () => void = () => {};
  /**
   * Hook set by the network layer: writes a blocked client's deferred reply with `reply` and resumes executing
   * its buffered commands. Use `unblock` rather than calling it.
   */
  resumeClient: (c: Client, reply: (w: ReplyWriter) => void) => void = () => {};
  /** Hook used by CLIENT KILL and timeouts to close a client's socket. */
  closeClient: (c: Client) => void = () => {};
  /** TCP port actually bound (0 until listening). */
  tcpPort = 0;
  /** Path of the config file given on the command line, or ''. */
  configFile = '';

  constructor(
    readonly config: Config,
    readonly log: Logger,
  ) {
    this.arena = new Arena({
      extentSize: config.arenaExtentSize,
      pageSize: config.slabPageSize,
      minChunk: config.slabChunkMin,
      growthFactor: config.slabGrowthFactor,
    });
    this.ks = new Keyspace(this.arena, { lfuLogFactor: config.lfuLogFactor });
    const ks = this.ks;
    ks.index.expandAllowed = (more) => config.maxmemory === 0 || ks.usedMemory() + more <= config.maxmemory;
    this.tiers = new TierManager(this.ks, config);
    this.pageMover = new PageMover(this.ks, config, this.tiers);
    this.multi = new Transactions(this.ks, this.writer);
    this.migration = new MigrationManager(this.ks, this.tiers, config, log, (tier) => this.multi.touchWatchedBeforeRemoval(tier));
    config.onChange('hot-ratio', () => {
      // The tiers converge incrementally: demotions follow from the next command or idle slice.
      if (this.tiers.pending()) this.tiers.slice();
      return null;
    });
    ks.events = new KeyspaceEvents(this.pubsub, config); // keyspace notifications (pubsub/notify.ts)
    this.table = new CommandTable(allCommands);
    this.slowlog = new SlowLog(config);
    const latency = this.latency;
    latency.setThresholdMs(config.latencyMonitorThreshold);
    config.onChange('latency-monitor-threshold', () => {
      latency.setThresholdMs(config.latencyMonitorThreshold);
      return null;
    });
    this.tiers.latency = latency;
    this.pageMover.latency = latency;
    this.migration.latency = latency;
    this.ctx = new CommandContext(this.writer, this.ks, this);
    this.serveCtx = new CommandContext(new ReplyWriter(SERVE_POOL_BYTES), this.ks, this);
    this.blocking = new BlockingKeys({
      serveCtx: this.serveCtx,
      block: (c) => this.block(c),
      unblock: (c, reply) => this.unblock(c, reply),
      countError: (code) => this.countError(code),
      replyToException: (w, e, name) => this.replyToException(w, e, name),
      logServed: (w, us) => {
        if (us >= this.slowlog.threshold && !w.cmd.skipSlowlog) this.slowlog.push(w.c, w.argv, Math.floor(us));
      },
      setAddHook: (hook) => {
        this.ks.onAdd = hook;
      },
    });
    this.stats.usedMemoryStartup = this.ks.usedMemory();
    this.runId = Array.from({ length: 40 }, () => '0123456789abcdef'[(Math.random() * 16) | 0]).join('');
  }

  /**
   * Answers, with `w`, command `name` that threw instead of replying: `-OOM <message>` when the arena could not place
   * an item (ArenaFullError), else the exception is logged and answered `-ERR internal error while running '<name>':
   * <message>`. The server keeps running either way.
   */
  replyToException(w: ReplyWriter, e: unknown, name: string): void {
    if (e instanceof ArenaFullError) {
      w.error(`OOM ${e.message}`);
    } else {
      this.log.error({ err: e, cmd: name }, 'command failed with an exception');
      w.error(`ERR internal error while running '${name}': ${(e as Error).message}`);
    }
  }

  /** Makes the current command's client wait: no reply now, its later commands stay queued (see `unblock`). */
  block(c: Client): void {
    c.blocked = true;
  }

  /** Completes a blocked client's command: `reply` writes its reply, then the client's queued commands run. */
  unblock(c: Client, reply: (w: ReplyWriter) => void): void {
    if (!c.blocked) return;
    c.blocked = false;
    this.resumeClient(c, reply);
  }

  /** The INFO text for INFO's arguments `sections` (observe/info.ts; none: the default sections). */
  info(sections: string[]): string {
    return buildInfo(this, selectSections(sections));
  }

  /** CONFIG RESETSTAT: the server's, the keyspace's and every command's statistics restart from zero. */
  resetStats(): void {
    this.stats.reset(this.ks.usedMemory());
    const ks = this.ks.stats;
    ks.hits = ks.misses = ks.expired = ks.evicted = 0;
    ks.tierHits.fill(0);
    for (const c of this.table.all()) {
      c.calls = c.usec = c.rejectedCalls = c.failedCalls = 0;
      c.latency?.fill(0);
    }
  }

  /**
   * The commands `execute` runs from now until `endPipeline` follow one another without anything else running in
   * between (one read's pipeline): each starts at the clock reading that ended the previous one (clockCarry).
   */
  beginPipeline(): void {
    this.chainClock = true;
    this.clockCarry[0] = -1;
  }

  /** Ends what `beginPipeline` began: the next command reads the clock again. */
  endPipeline(): void {
    this.chainClock = false;
    this.clockCarry[0] = -1;
  }

  /** A new unique client id. */
  newClientId(): number {
    return this.nextClientId++;
  }

  /**
   * Executes one parsed command for `c`, writing its reply with `this.writer` (the caller has set
   * `writer.proto` and will flush). Never throws: an unexpected exception becomes an -ERR reply and is logged.
   */
  execute(c: Client, argv: Argv): void {
    const ctx = this.ctx;
    const w = this.writer;
    // Only a command that runs to the end leaves its end time for the next one (a rejected or queued one leaves none).
    const carry = this.clockCarry[0];
    this.clockCarry[0] = -1;
    let cmd = this.table.lookup(argv.buf, argv.argOff[0], argv.argLen[0]);
    // CLIENT LIST's cmd= is the command looked up last, whatever happens to it next, NULL for an unknown one (Redis
    // 7.0 processCommand sets lastcmd at lookup); the commands a running EXEC executes leave it at exec.
    if (cmd === undefined) {
      if (c.execCount < 0) c.lastCmd = 'NULL';
      if (c.multi !== null) c.multiDirty = true;
      this.rejectUnknown(argv, null);
      return;
    }
    if (cmd.subs !== null && argv.argc >= 2) {
      const sub = CommandTable.lookupSub(cmd, argv.buf, argv.argOff[1], argv.argLen[1]);
      if (sub === undefined) {
        if (c.execCount < 0) c.lastCmd = 'NULL';
        if (c.multi !== null) c.multiDirty = true;
        this.rejectUnknown(argv, cmd);
        return;
      }
      cmd = sub;
    }
    if (c.execCount < 0) c.lastCmd = cmd.fullName;
    const arity = cmd.arity;
    if ((arity > 0 && argv.argc !== arity) || argv.argc < -arity) {
      this.rejectCommand(c, cmd, `ERR wrong number of arguments for '${cmd.fullName}' command`);
      return;
    }
    if (!c.authenticated && !cmd.noAuth) {
      this.rejectCommand(c, cmd, ERR.noAuth);
      return;
    }
    if (c.multi !== null && cmd.flags.includes('no_multi')) {
      this.rejectCommand(c, cmd, 'ERR Command not allowed inside a transaction');
      return;
    }
    const config = this.config;
    const ks = this.ks;
    // One monotonic clock read gives the command both its wall-clock ms (wallNow) and its start time; in a pipeline
    // the previous command's end is that read (clockCarry).
    let t0 = carry >= 0 ? carry : performance.now();
    ks.now = Math.floor(this.wallOffset + t0);
    // The commands of a running EXEC were checked when queued (Redis runs them without processCommand's checks).
    if (config.maxmemory > 0 && c.execCount < 0) {
      // Redis processCommand: inside MULTI every command but EXEC, DISCARD, QUIT, RESET is refused on OOM (queueing
      // takes memory), and EXEC is when it holds a denyoom command.
      const denyOom = c.multi !== null ? (cmd.name === 'exec' ? c.multiDenyOom : !MULTI_OOM_EXEMPT.has(cmd.name)) : cmd.denyOom;
      if (this.enforceMaxmemory(cmd, argv) === EVICT_FAIL && denyOom) {
        this.rejectCommand(c, cmd, ERR.oom);
        return;
      }
      t0 = performance.now(); // the command's time does not include the eviction (as Redis's call())
    }
    // Pub/sub: a RESP2 client with subscriptions may only run (P|S)(UN)SUBSCRIBE, PING, QUIT, RESET (Redis 7.0).
    if (c.pubsub !== null && c.proto === 2 && (cmd.parent !== null || !SUBSCRIBED_MODE_COMMANDS.has(cmd.name))) {
      this.rejectCommand(c, cmd, subscribedModeError(cmd.fullName));
      return;
    }
    // A client in monitor mode (Redis: flagged as a replica) may not touch the keyspace (Redis 7.0 processCommand).
    if (c.monitor && (mayReplicate(cmd) || cmd.flags.includes('readonly'))) {
      this.rejectCommand(c, cmd, "ERR Replica can't interact with the keyspace");
      return;
    }
    // CLIENT PAUSE (Redis 7.0 processCommand): the command waits, its client blocked, until the pause ends. Not for
    // monitors (Redis's replicas) nor for the commands a running EXEC executes.
    if (this.pause.type !== PAUSE_OFF && !c.monitor && c.execCount < 0 && this.mustWaitForPause(c, cmd) && !this.pause.checkEnded(Date.now())) {
      if (!c.canWait) {
        this.rejectCommand(c, cmd, 'PAUSED clients are paused by CLIENT PAUSE, retry later');
        return;
      }
      this.block(c);
      this.pause.postpone(c, argv);
      return;
    }
    if (c.multi !== null && !MULTI_CONTROL.has(cmd.name)) {
      this.multi.queue(c, argv, cmd.denyOom);
      return;
    }
    ctx.client = c;
    ctx.argv = argv;
    ctx.cmd = cmd;
    const errorsBefore = w.errors;
    const countedBefore = this.errorsCounted;
    const mark = w.mark();
    try {
      (cmd.handler as (ctx: CommandContext) => void)(ctx);
    } catch (e) {
      // Never leave half a reply on the wire: drop it, or close the connection when it cannot be dropped.
      if (!w.rollback(mark)) c.closeAfterReply = true;
      this.replyToException(w, e, cmd.fullName);
    }
    // The keyspace's lookup state points at this command's key bytes; let go of them, or a 500 MB SET's query
    // buffer would stay alive through that reference until the next lookup.
    ks.releaseKeyRef();
    cmd.calls++;
    const t1 = performance.now();
    if (this.chainClock) this.clockCarry[0] = t1;
    const us = (t1 - t0) * 1000;
    cmd.usec += us;
    recordLatency(cmd, us);
    // MONITOR: one length test when no monitor is attached; admin commands are never shown (Redis 7.0 call()).
    if (this.monitors.count !== 0 && !cmd.isAdmin) this.monitors.feed(c, argv);
    // SLOWLOG: a command that is not slow pays this compare only (threshold is Infinity when the log is off). One
    // that blocked on keys is logged when served, never when it times out or is unblocked (Redis 7.0 call()).
    const blockedOnKeys = c.blocked && this.blocking.noteBlockedUs(c, us);
    if (us >= this.slowlog.threshold && !cmd.skipSlowlog && !blockedOnKeys) this.slowlog.push(c, argv, Math.floor(us));
    // LATENCY: the same, one compare (thresholdUs is Infinity while the monitor is off).
    if (us >= this.latency.thresholdUs) this.latency.add(cmd.flags.includes('fast') ? 'fast-command' : 'command', us);
    if (w.errors !== errorsBefore) {
      cmd.failedCalls++;
      // EXEC's queued commands counted their own errors (execute runs them): count only an error of this one.
      if (w.errors - errorsBefore > this.errorsCounted - countedBefore) {
        const e = w.lastError;
        const sp = e.indexOf(' ');
        this.countError(sp > 0 ? e.slice(0, sp) : e);
      }
    }
    this.stats.totalCommandsProcessed++;
    // Clients blocked on keys this command made ready are served now, before anything else runs (Redis 7.0
    // processCommand → handleClientsBlockedOnKeys); for a transaction, once EXEC is done.
    // (The work below is no command's: the next command reads the clock again.)
    if (c.execCount < 0 && this.blocking.hasReady()) {
      this.blocking.serveReady();
      this.clockCarry[0] = -1;
    }
    // A bounded slice of tier work after the command (tiers.ts), only when the hot tier is over capacity; then one
    // of the page mover (page-mover.ts), only when the slab pages are over their budget.
    if (this.tiers.pending()) {
      this.tiers.slice();
      this.clockCarry[0] = -1;
    }
    if (this.pageMover.pending()) {
      this.pageMover.slice();
      this.clockCarry[0] = -1;
    }
  }

  /**
   * During a pause, whether `cmd` waits: every command with ALL; with WRITE, the ones that write or may replicate
   * (PUBLISH...), and an EXEC whose transaction holds one (Redis's is_may_replicate_command).
   */
  private mustWaitForPause(c: Client, cmd: Command): boolean {
    if (this.pause.type === PAUSE_ALL) return true;
    if (mayReplicate(cmd)) return true;
    if (cmd.name !== 'exec' || c.multi === null) return false;
    for (const q of c.multi) {
      let qc = this.table.lookup(q.buf, q.argOff[0], q.argLen[0]);
      if (qc !== undefined && qc.subs !== null && q.argc >= 2) qc = CommandTable.lookupSub(qc, q.buf, q.argOff[1], q.argLen[1]);
      if (qc !== undefined && mayReplicate(qc)) return true;
    }
    return false;
  }

  /**
   * maxmemory before a command (Redis processCommand → performEvictions): the arguments of a command that may add
   * memory count as used, as Redis counts its query buffers, so a value bigger than the limit is refused instead of
   * stored and then evicted. When the eviction budget runs out, the command still runs and eviction continues from
   * the event loop until memory is within the limit.
   * @returns EVICT_OK, EVICT_RUNNING or EVICT_FAIL
   */
  private enforceMaxmemory(cmd: Command, argv: Argv): number {
    const config = this.config;
    let extra = 0;
    if (cmd.denyOom) for (let i = 1; i < argv.argc; i++) extra += argv.argLen[i];
    const hotLimit = this.tiers.evictionHotLimit();
    const r = performEvictions(this.ks, config.maxmemory, config.maxmemoryPolicy, config.maxmemorySamples, hotLimit, extra);
    if (r === EVICT_RUNNING) this.scheduleBackgroundEviction();
    return r;
  }

  private evictionScheduled = false;

  /** Keeps evicting in slices from the event loop while memory is over the limit (Redis's eviction time proc). */
  private scheduleBackgroundEviction(): void {
    if (this.evictionScheduled) return;
    this.evictionScheduled = true;
    setImmediate(() => {
      this.evictionScheduled = false;
      const config = this.config;
      if (config.maxmemory === 0 || this.shuttingDown) return;
      this.ks.now = Date.now();
      const hotLimit = this.tiers.evictionHotLimit();
      const r = performEvictions(this.ks, config.maxmemory, config.maxmemoryPolicy, config.maxmemorySamples, hotLimit);
      if (r === EVICT_RUNNING) this.scheduleBackgroundEviction();
    });
  }

  /**
   * Refuses a command before it runs, as Redis's rejectCommand: a transaction in progress is flagged (EXEC will
   * answer -EXECABORT), and a refused EXEC itself ends the transaction (and the WATCHes, even outside MULTI) with
   * `-EXECABORT Transaction discarded because of: <reason>` (src/multi.c execCommandAbort).
   * @param msg the error without the leading `-`; the EXECABORT reason is the same text without an `ERR ` prefix
   */
  private rejectCommand(c: Client, cmd: Command, msg: string): void {
    if (cmd.name === 'exec') {
      this.multi.abort(c);
      this.reject(cmd, `EXECABORT Transaction discarded because of: ${msg.startsWith('ERR ') ? msg.slice(4) : msg}`);
      return;
    }
    if (c.multi !== null) c.multiDirty = true;
    this.reject(cmd, msg);
  }

  /** Error replies counted by countError since the start (unlike the statistics, never reset by CONFIG RESETSTAT). */
  private errorsCounted = 0;

  /** Replies with an error for a rejected command and counts it (rejected_calls, errorstats). */
  private reject(cmd: Command | null, msg: string): void {
    this.writer.errorLatin1(msg);
    this.countError(msg.slice(0, msg.indexOf(' ')));
    if (cmd !== null) cmd.rejectedCalls++;
  }

  /**
   * "unknown command" / "unknown subcommand" with Redis's wording: arguments are echoed as C strings (up to a NUL
   * byte, raw bytes kept), the list limited to about 128 bytes (src/server.c processCommand).
   */
  private rejectUnknown(argv: Argv, container: Command | null): void {
    if (container !== null) {
      const sub = cString(argv, 1, 128);
      this.reject(null, `ERR unknown subcommand '${sanitize(sub)}'. Try ${container.name.toUpperCase()} HELP.`);
      return;
    }
    const name = cString(argv, 0, 128);
    let args = '';
    for (let j = 1; j < argv.argc && args.length < 128; j++) args += `'${cString(argv, j, 128 - args.length)}' `;
    this.reject(null, `ERR unknown command '${sanitize(name)}', with args beginning with: ${sanitize(args)}`);
  }

  /** Counts an error reply written by a handler or by dispatch. */
  countError(code: string): void {
    this.errorsCounted++;
    this.stats.totalErrorReplies++;
    const m = this.stats.errorCodes;
    m.set(code, (m.get(code) ?? 0) + 1);
  }

  /**
   * Periodic work, run `hz` times per second: statistics sampling, active expiry and cleanup of dropped entries,
   * incremental rehashing, idle-client timeouts, the access-counter epoch.
   */
  cron(): void {
    const now = Date.now();
    // Keep the commands' wall clock on Date.now(): a step of the system clock (settimeofday, an NTP step) moves
    // Date.now() but not the monotonic clock. Within 1 ms it is Date.now()'s own truncation: left alone.
    const drift = now - (this.wallOffset + performance.now());
    if (drift > 1 || drift < -1) this.wallOffset += drift;
    const ks = this.ks;
    ks.now = now;
    const st = this.stats;
    if (now - st.lastSampleTime >= 100) {
      const dt = now - st.lastSampleTime;
      const ops = st.totalCommandsProcessed - st.lastSampleOps;
      st.opsSamples[st.opsSampleIdx] = st.lastSampleTime === 0 ? 0 : (ops * 1000) / dt;
      st.inSamples[st.opsSampleIdx] = st.lastSampleTime === 0 ? 0 : ((st.totalNetInputBytes - st.lastSampleIn) * 1000) / dt;
      st.outSamples[st.opsSampleIdx] = st.lastSampleTime === 0 ? 0 : ((st.totalNetOutputBytes - st.lastSampleOut) * 1000) / dt;
      st.opsSampleIdx = (st.opsSampleIdx + 1) % st.opsSamples.length;
      st.lastSampleTime = now;
      st.lastSampleOps = st.totalCommandsProcessed;
      st.lastSampleIn = st.totalNetInputBytes;
      st.lastSampleOut = st.totalNetOutputBytes;
    }
    const effort = this.config.activeExpireEffort;
    // Redis's slow expire cycle may use up to 25% of the CPU between two ticks; keep well below that here.
    const budgetMs = Math.min(25, (1000 / this.config.hz) * 0.05 * effort);
    const latency = this.latency;
    // No active expiry while clients are paused (Redis 7.0 activeExpireCycle); the pause's end is checked here too.
    if (this.pause.checkEnded(now)) {
      const te = latency.on ? performance.now() : 0;
      // Faster while entries of dropped extents remain (after MIGRATE_PREPARE): they hold page ids in quarantine.
      if (ks.deadEntries > 0) ks.activeCycle(Math.max(budgetMs, 2), 200_000);
      else ks.activeCycle(budgetMs, 20000 * effort);
      if (latency.on) latency.add('expire-cycle', (performance.now() - te) * 1000);
    }
    this.migration.checkTimeout(now);
    ks.index.rehashFor(1);
    const used = ks.usedMemory();
    if (used > st.usedMemoryPeak) st.usedMemoryPeak = used;
    this.tiers.tick(now);
    this.pageMover.onCron();
    if (this.pageMover.pending()) this.pageMover.slice();
    if (this.config.maxmemory > 0 && ks.usedMemory() > this.config.maxmemory) this.scheduleBackgroundEviction();
    // Extents released by deletes, evictions or FLUSHALL, and dropped reply, query and HTTP buffers (gc.ts), free
    // their RAM only when V8 collects them: V8 does not collect soon by itself (the JS heap stays small), so collect
    // once enough has been released.
    this.releasedOffHeap += takeReleased();
    // Less than that is collected too once the clients went quiet for a tick (no input since the last one): a
    // collection then costs no command anything (e.g. the old tables a growing hash or set left behind, 15 MiB for
    // 1M members, which V8 would keep for minutes).
    const released = this.arena.releasedBytes + ks.index.releasedBytes + this.releasedOffHeap;
    const quiet = st.totalNetInputBytes === this.inputAtLastCron;
    this.inputAtLastCron = st.totalNetInputBytes;
    const idleGc = this.idleCollector.tick(now, quiet);
    if (released >= GC_AFTER_RELEASED_BYTES || (quiet && released >= GC_WHEN_QUIET_BYTES) || idleGc) {
      this.arena.clearReleasedBytes();
      ks.index.releasedBytes = 0;
      this.releasedOffHeap = 0;
      const tg = latency.on ? performance.now() : 0;
      forceGc();
      if (latency.on) latency.add('forced-gc', (performance.now() - tg) * 1000);
    }
    this.trackClientPeaks(now);
    const timeout = this.config.timeout;
    if (timeout > 0) {
      // Redis clientsCronHandleTimeout: whole seconds of idleness; blocked clients, subscribers and monitors exempt.
      const nowSec = Math.floor(now / 1000);
      for (const c of this.clients.values()) {
        if (!c.blocked && c.pubsub === null && !c.monitor && nowSec - Math.floor(c.lastInteraction / 1000) > timeout) this.closeClient(c);
      }
    }
  }

  /** Records this second's largest query buffer and output memory (INFO client_recent_max_*_buffer). */
  private trackClientPeaks(now: number): void {
    const st = this.stats;
    const sec = Math.floor(now / 1000);
    const slot = sec % CLIENT_PEAK_SLOTS;
    if (sec !== this.peakSecond) {
      // Clear the slots of the seconds skipped since the last tick (at most all of them).
      for (let s = this.peakSecond + 1, n = 0; s <= sec && n < CLIENT_PEAK_SLOTS; s++, n++) {
        st.clientPeakIn[s % CLIENT_PEAK_SLOTS] = 0;
        st.clientPeakOut[s % CLIENT_PEAK_SLOTS] = 0;
      }
      this.peakSecond = sec;
    }
    let maxIn = st.clientPeakIn[slot]!;
    let maxOut = st.clientPeakOut[slot]!;
    for (const c of this.clients.values()) {
      const qb = c.parser.bufferedBytes();
      const om = c.outputMemory();
      if (qb > maxIn) maxIn = qb;
      if (om > maxOut) maxOut = om;
    }
    st.clientPeakIn[slot] = maxIn;
    st.clientPeakOut[slot] = maxOut;
  }
}

/**
 * Commands Redis 7.0 flags MAY_REPLICATE (src/commands/*.json) that tierkv has: its COMMAND INFO does not show that
 * flag, so the table cannot carry it (EVAL, EVALSHA, FCALL and PFCOUNT are the others).
 */
const MAY_REPLICATE: ReadonlySet<string> = new Set(['publish', 'spublish']);

/** A command CLIENT PAUSE WRITE holds back: a write, or one that may replicate (Redis's is_may_replicate_command). */
function mayReplicate(cmd: Command): boolean {
  return cmd.isWrite || MAY_REPLICATE.has(cmd.fullName);
}

/** Argument `i` as C's "%.*s" prints it: latin1, up to the first NUL byte, at most `max` bytes. */
function cString(argv: Argv, i: number, max: number): string {
  const b = argv.buf;
  const start = argv.argOff[i];
  const end = start + Math.min(argv.argLen[i], max);
  let j = start;
  while (j < end && b[j] !== 0) j++;
  return b.toString('latin1', start, j);
}

/** Replaces CR and LF by spaces, as Redis does before echoing arguments in an error. */
function sanitize(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}
