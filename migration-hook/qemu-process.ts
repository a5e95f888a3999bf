/**
 * Start and stop `qemu-system-x86_64` processes for tests and the migration experiment, and pick an accelerator.
 *
 * The VMs have no guest OS unless the caller adds one through `extraArgs` (`-kernel`, `-initrd`, ...): the firmware
 * runs, finds nothing to boot and idles, which is enough to exercise QMP, ballooning commands and RAM migration.
 *
 * Sources: QEMU's "Invocation" documentation (`-machine`, `-accel`, `-m`, `-nodefaults`, `-qmp`, `-incoming`,
 * `-object iothread`), the virtio-balloon-pci device properties (`qemu-system-x86_64 -device
 * virtio-balloon-pci,help`: `free-page-hint` requires an `iothread`), and the lab notes in
 * /work/shared/vm-lab/README.md for what works on the project's machines (KVM there is the software `kvm_pvm`
 * hypervisor and unusable, TCG works).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { QmpClient, type QmpConnectOptions } from './qmp.js';

/** Accelerators this module knows how to use. */
export type QemuAccel = 'kvm' | 'tcg';

/** virtio-balloon device options. */
export interface QemuBalloonOptions {
  /** `free-page-hint=on`: the guest reports free pages during migration so they are skipped (needs a guest driver;
   * an iothread is created for it, as QEMU requires). */
  freePageHint?: boolean;
  /** `free-page-reporting=on`: the guest reports freed pages continuously and QEMU discards them. */
  freePageReporting?: boolean;
  /** `deflate-on-oom=on`: the guest may deflate the balloon under memory pressure. */
  deflateOnOom?: boolean;
}

/** Options of {@link startQemu}. */
export interface StartQemuOptions {
  /** VM name (`-name`); also used in error messages. */
  name: string;
  /** Guest RAM in MiB (`-m NM`); a positive integer. */
  memMiB: number;
  /** Where QEMU creates its QMP Unix socket; must fit in `sun_path` (at most 107 bytes). A stale socket there is
   * removed first. */
  qmpSocketPath: string;
  /** Add `-incoming defer` (a migration destination; start it later with `migrate-incoming`). */
  incomingDefer?: boolean;
  /** Add a `virtio-balloon-pci` device (id `balloon0`), optionally with features. */
  balloon?: boolean | QemuBalloonOptions;
  /** Accelerator; `'auto'` (default) uses {@link probeAccel}. */
  accel?: 'auto' | QemuAccel;
  /** Appended verbatim after the generated arguments (e.g. `['-cpu', 'max', '-kernel', ...]`). */
  extraArgs?: readonly string[];
  /** QEMU binary (default: env `TIERKV_QEMU_BINARY`, else `qemu-system-x86_64` from PATH). */
  qemuBinary?: string;
  /** Budget in ms for the process to create its socket and finish the QMP handshake (default 20 000). */
  startTimeoutMs?: number;
  /** On Linux, start QEMU through `setpriv --pdeathsig KILL` so it dies with the thread that started it even if
   * this process is SIGKILLed (default true when `setpriv` is on PATH). */
  dieWithParent?: boolean;
  /** Options for the QMP client (per-command timeout, event buffer size). */
  qmpOptions?: Omit<QmpConnectOptions, 'timeoutMs' | 'waitForSocket'>;
}

/** How a QEMU process ended: its exit code, or the signal that killed it. */
export interface QemuExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running QEMU started by {@link startQemu}. */
export interface QemuInstance {
  readonly name: string;
  /** The child process (its pid is QEMU's pid, also when started through setpriv, which execs). */
  readonly proc: ChildProcess;
  readonly pid: number;
  /** A connected, negotiated QMP client. */
  readonly qmp: QmpClient;
  readonly accel: QemuAccel;
  readonly qmpSocketPath: string;
  /** The full command line: binary first, then QEMU's arguments (without the setpriv wrapper). */
  readonly argv: readonly string[];
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<QemuExit>;
  /** The last ~16 KiB of QEMU's stderr and stdout, for diagnostics. */
  output(): string;
  /**
   * Stops QEMU: QMP `quit`, then SIGTERM, then SIGKILL, each after a grace period (total about `timeoutMs`,
   * default 5000 ms); closes the QMP client and removes the socket file. Idempotent (later calls return the same
   * promise); never rejects.
   */
  stop(opts?: { timeoutMs?: number }): Promise<QemuExit>;
}

/** QEMU could not be started (bad arguments, missing binary, no QMP socket in time). */
export class QemuStartError extends Error {
  override readonly name = 'QemuStartError';
  /** The command line that failed. */
  readonly argv: readonly string[];
  /** Tail of QEMU's stderr/stdout. */
  readonly output: string;
  /** Set if the process exited. */
  readonly exit: QemuExit | undefined;

  constructor(message: string, argv: readonly string[], output: string, exit?: QemuExit, cause?: unknown) {
    super(output.trim() ? `${message}\n--- qemu output ---\n${output.trim()}` : message, { cause });
    this.argv = argv;
    this.output = output;
    this.exit = exit;
  }
}

const DEFAULT_START_TIMEOUT_MS = 20_000;
const OUTPUT_TAIL_BYTES = 16 * 1024;
/** sun_path is 108 bytes on Linux including the terminating NUL. */
const MAX_UNIX_SOCKET_PATH_BYTES = 107;

/** The QEMU binary used by default: env `TIERKV_QEMU_BINARY` or `qemu-system-x86_64`. */
export function defaultQemuBinary(): string {
  return process.env.TIERKV_QEMU_BINARY || 'qemu-system-x86_64';
}

/** Escapes a value for QEMU's `key=value,...` option syntax, where a literal comma is written `,,`. */
export function escapeQemuOptionValue(value: string): string {
  return value.replaceAll(',', ',,');
}

/**
 * Builds QEMU's arguments (without the binary) for {@link startQemu}:
 * `-name N -machine q35 -accel A -m MEMM -nodefaults -display none -qmp unix:PATH,server=on,wait=off`
 * `[-object iothread,id=balloon0-iothread] [-device virtio-balloon-pci,id=balloon0,...] [-incoming defer] ...extra`.
 * @throws {RangeError} if `memMiB` is not a positive integer; {@link TypeError} for an empty name or socket path, or
 *   a socket path longer than 107 bytes.
 */
export function buildQemuArgs(opts: StartQemuOptions & { accel: QemuAccel }): string[] {
  if (typeof opts.name !== 'string' || opts.name.length === 0) throw new TypeError('QEMU name must be a non-empty string');
  if (!Number.isSafeInteger(opts.memMiB) || opts.memMiB <= 0) {
    throw new RangeError(`memMiB must be a positive integer, got ${opts.memMiB}`);
  }
  if (typeof opts.qmpSocketPath !== 'string' || opts.qmpSocketPath.length === 0) {
    throw new TypeError('qmpSocketPath must be a non-empty string');
  }
  if (Buffer.byteLength(opts.qmpSocketPath) > MAX_UNIX_SOCKET_PATH_BYTES) {
    throw new TypeError(
      `qmpSocketPath is ${Buffer.byteLength(opts.qmpSocketPath)} bytes, longer than the ${MAX_UNIX_SOCKET_PATH_BYTES} a Unix socket allows: ${opts.qmpSocketPath}`,
    );
  }
  const args = [
    '-name', escapeQemuOptionValue(opts.name),
    '-machine', 'q35',
    '-accel', opts.accel,
    '-m', `${opts.memMiB}M`,
    '-nodefaults',
    '-display', 'none',
    '-qmp', `unix:${escapeQemuOptionValue(opts.qmpSocketPath)},server=on,wait=off`,
  ];
  if (opts.balloon) {
    const b: QemuBalloonOptions = opts.balloon === true ? {} : opts.balloon;
    let device = 'virtio-balloon-pci,id=balloon0';
    if (b.freePageHint) {
      args.push('-object', 'iothread,id=balloon0-iothread');
      device += ',free-page-hint=on,iothread=balloon0-iothread';
    }
    if (b.freePageReporting) device += ',free-page-reporting=on';
    if (b.deflateOnOom) device += ',deflate-on-oom=on';
    args.push('-device', device);
  }
  if (opts.incomingDefer) args.push('-incoming', 'defer');
  if (opts.extraArgs) args.push(...opts.extraArgs);
  return args;
}

// ---------------------------------------------------------------------------------------------------------------
// Process bookkeeping: no orphans
// ---------------------------------------------------------------------------------------------------------------

/** Every QEMU child still running (also during start-up), for the exit hook. */
const liveProcs = new Set<ChildProcess>();
/** Fully started instances not yet stopped, for {@link stopAllQemu}. */
const liveInstances = new Set<QemuInstance>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL whatever is still running. This covers normal exits and
  // process.exit(); a SIGKILL of this process is covered by setpriv --pdeathsig (see dieWithParent).
  process.on('exit', () => {
    for (const proc of liveProcs) {
      try {
        proc.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** Stops every QEMU started by this module that is still running (e.g. in a test's `afterAll`). Never rejects. */
export async function stopAllQemu(opts?: { timeoutMs?: number }): Promise<void> {
  await Promise.all([...liveInstances].map((inst) => inst.stop(opts)));
}

let setprivPath: string | null | undefined;

/** Finds an executable on PATH (synchronously), or null. */
function findOnPath(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function setprivAvailable(): string | null {
  if (setprivPath === undefined) setprivPath = process.platform === 'linux' ? findOnPath('setpriv') : null;
  return setprivPath;
}

async function removeStaleSocket(p: string): Promise<void> {
  try {
    const st = await fsp.lstat(p);
    if (st.isSocket()) await fsp.unlink(p);
    else throw new TypeError(`qmpSocketPath exists and is not a socket: ${p}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves true if `p` settles within `ms`, false otherwise. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([p.then(() => true), new Promise<boolean>((res) => (timer = setTimeout(() => res(false), ms)))]);
  clearTimeout(timer);
  return r;
}

/**
 * Starts QEMU with the arguments of {@link buildQemuArgs}, waits for its QMP socket and connects a
 * {@link QmpClient}. The process is registered so that it is killed when this Node.js process exits, and (Linux,
 * `dieWithParent`) when it is killed.
 * @returns the running instance; call `stop()` when done (e.g. in `afterEach`/`afterAll`, or {@link stopAllQemu}).
 * @throws {QemuStartError} if the binary is missing, QEMU exits (e.g. bad arguments; `output` has its message), or
 *   no QMP handshake completes within `startTimeoutMs` (the process is then killed); {@link RangeError} /
 *   {@link TypeError} for invalid options, or if `qmpSocketPath` exists and is not a socket.
 */
export async function startQemu(opts: StartQemuOptions): Promise<QemuInstance> {
  const accel: QemuAccel = !opts.accel || opts.accel === 'auto' ? await probeAccel({ qemuBinary: opts.qemuBinary }) : opts.accel;
  const args = buildQemuArgs({ ...opts, accel });
  const binary = opts.qemuBinary ?? defaultQemuBinary();
  const argv = [binary, ...args];
  const startTimeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  await removeStaleSocket(opts.qmpSocketPath);

  const setpriv = opts.dieWithParent === false ? null : setprivAvailable();
  const [cmd, cmdArgs] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', ...argv]] : [binary, args];
  const proc = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });

  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_TAIL_BYTES) output = output.slice(-OUTPUT_TAIL_BYTES);
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);

  let exitInfo: QemuExit | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<QemuExit>((resolve) => {
    proc.once('error', (err) => {
      // spawn failure (ENOENT ...): 'exit' may not follow, so settle here too
      spawnError = err;
      exitInfo ??= { code: null, signal: null };
      resolve(exitInfo);
    });
    proc.once('close', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });

  installExitHook();
  liveProcs.add(proc); // at once, so that the exit hook also covers the start-up phase
  void exited.then(() => liveProcs.delete(proc));

  const fail = async (message: string, cause?: unknown): Promise<never> => {
    if (!exitInfo) {
      proc.kill('SIGKILL');
      await exited;
    }
    await fsp.rm(opts.qmpSocketPath, { force: true }).catch(() => {});
    throw new QemuStartError(
      `${message} (${opts.name}: ${argv.join(' ')})`,
      argv,
      output,
      spawnError ? undefined : exitInfo,
      cause ?? spawnError,
    );
  };

  // Wait for the socket file, then connect (retrying while QEMU is not listening yet), unless QEMU exits first.
  const deadline = performance.now() + startTimeoutMs;
  let qmp: QmpClient | undefined;
  try {
    while (!exitInfo) {
      const st = await fsp.lstat(opts.qmpSocketPath).catch(() => undefined);
      if (st?.isSocket()) break;
      if (performance.now() > deadline) return await fail(`QEMU did not create its QMP socket within ${startTimeoutMs} ms`);
      await Promise.race([sleep(25), exited]);
    }
    if (exitInfo) {
      return await fail(spawnError ? `could not start ${binary}: ${spawnError.message}` : `QEMU exited during start-up (code ${exitInfo.code}, signal ${exitInfo.signal})`);
    }
    const connecting = QmpClient.connect(opts.qmpSocketPath, {
      ...opts.qmpOptions,
      timeoutMs: Math.max(1, deadline - performance.now()),
      waitForSocket: true,
    });
    const raced = await Promise.race([connecting, exited.then(() => null)]);
    if (raced === null) {
      connecting.then((c) => c.destroy(), () => {});
      const exit = await exited;
      return await fail(`QEMU exited during start-up (code ${exit.code}, signal ${exit.signal})`);
    }
    qmp = raced;
  } catch (err) {
    if (err instanceof QemuStartError) throw err;
    return await fail(`QMP handshake with QEMU failed: ${(err as Error).message}`, err);
  }

  const client = qmp;
  let stopping: Promise<QemuExit> | undefined;
  const instance: QemuInstance = {
    name: opts.name,
    proc,
    pid: proc.pid ?? -1,
    qmp: client,
    accel,
    qmpSocketPath: opts.qmpSocketPath,
    argv,
    exited,
    output: () => output,
    stop: ({ timeoutMs = 5000 } = {}) => {
      stopping ??= (async () => {
        const grace = Math.max(100, timeoutMs / 2);
        if (!exitInfo) {
          await client.quit({ timeoutMs: Math.min(2000, grace) }).catch(() => {});
          if (!(await settlesWithin(exited, grace))) {
            proc.kill('SIGTERM');
            if (!(await settlesWithin(exited, Math.max(100, timeoutMs / 4)))) proc.kill('SIGKILL');
          }
        }
        const exit = await exited;
        await client.close(500);
        liveInstances.delete(instance);
        await fsp.rm(opts.qmpSocketPath, { force: true }).catch(() => {});
        return exit;
      })();
      return stopping;
    },
  };
  liveInstances.add(instance);
  // If QEMU dies on its own, forget it (the caller still sees it via `exited` and the QMP 'close' event).
  void exited.then(() => {
    if (!stopping) liveInstances.delete(instance);
  });
  return instance;
}

// ---------------------------------------------------------------------------------------------------------------
// Accelerator choice
// ---------------------------------------------------------------------------------------------------------------

/** Facts about the host that decide whether KVM can run an x86-64 guest; see {@link gatherKvmHostFacts}. */
export interface KvmHostFacts {
  /** `process.platform`. */
  platform: string;
  /** `process.arch`. */
  arch: string;
  /** /dev/kvm exists and is readable and writable by this user. */
  devKvmAccessible: boolean;
  /** CPU feature flags from the first `flags` line of /proc/cpuinfo. */
  cpuFlags: ReadonlySet<string>;
  /** kvm* entries of /sys/module (e.g. `kvm`, `kvm_intel`, `kvm_amd`, `kvm_pvm`). */
  kvmModules: readonly string[];
}

/** Reads {@link KvmHostFacts} from the running host. Never throws (missing files read as empty). */
export async function gatherKvmHostFacts(): Promise<KvmHostFacts> {
  let devKvmAccessible = false;
  try {
    await fsp.access('/dev/kvm', fsConstants.R_OK | fsConstants.W_OK);
    devKvmAccessible = true;
  } catch {
    // absent or no permission
  }
  let cpuFlags = new Set<string>();
  try {
    const cpuinfo = await fsp.readFile('/proc/cpuinfo', 'utf8');
    const line = /^flags\s*:(.*)$/m.exec(cpuinfo);
    if (line?.[1]) cpuFlags = new Set(line[1].trim().split(/\s+/));
  } catch {
    // not Linux
  }
  let kvmModules: string[] = [];
  try {
    kvmModules = (await fsp.readdir('/sys/module')).filter((m) => m === 'kvm' || m.startsWith('kvm_'));
  } catch {
    // not Linux
  }
  return { platform: process.platform, arch: process.arch, devKvmAccessible, cpuFlags, kvmModules };
}

/**
 * The cheap part of {@link probeAccel}: can this host's KVM plausibly run an x86-64 guest at hardware speed?
 * Requires Linux on x86-64, a read/writable /dev/kvm, the `vmx` (Intel) or `svm` (AMD) CPU flag, a hardware KVM
 * module (`kvm_intel` / `kvm_amd`), and no `kvm_pvm`. The last rule comes from the lab machines (vm-lab README):
 * there /dev/kvm is the software PVM hypervisor, the CPU has no vmx/svm, `query-kvm` says enabled, yet `-cpu host`
 * aborts once a guest runs (MSR 0x10a) and a Linux guest barely progresses; firmware alone runs ~15× slower than
 * under TCG (measured: SeaBIOS reaches "No bootable device" after 1.5 s vs 0.1 s).
 */
export function assessKvmHost(facts: KvmHostFacts): { usable: boolean; reason: string } {
  if (facts.platform !== 'linux') return { usable: false, reason: `KVM needs Linux (platform ${facts.platform})` };
  if (facts.arch !== 'x64') return { usable: false, reason: `x86-64 guests need an x86-64 host for KVM (arch ${facts.arch})` };
  if (!facts.devKvmAccessible) return { usable: false, reason: '/dev/kvm is missing or not readable and writable' };
  if (facts.kvmModules.includes('kvm_pvm')) {
    return { usable: false, reason: '/dev/kvm is provided by kvm_pvm (software PVM hypervisor), unusable for QEMU guests' };
  }
  if (!facts.cpuFlags.has('vmx') && !facts.cpuFlags.has('svm')) {
    return { usable: false, reason: 'the CPU has no vmx/svm flag (no hardware virtualisation)' };
  }
  if (!facts.kvmModules.includes('kvm_intel') && !facts.kvmModules.includes('kvm_amd')) {
    return { usable: false, reason: 'neither kvm_intel nor kvm_amd is loaded' };
  }
  return { usable: true, reason: 'hardware KVM (vmx/svm with kvm_intel/kvm_amd)' };
}

const probeCache = new Map<string, Promise<QemuAccel>>();

/**
 * Chooses the accelerator for {@link startQemu}: `'kvm'` only where a real KVM works, else `'tcg'`.
 *
 * 1. env `TIERKV_QEMU_ACCEL=kvm|tcg` forces the answer (e.g. in CI).
 * 2. {@link assessKvmHost} on {@link gatherKvmHostFacts} (no process started): rejects hosts without hardware KVM.
 * 3. Functional check: a 32 MiB guest with `-accel kvm -cpu host` must start, report `query-kvm`
 *    `{enabled: true}`, and still be running 300 ms later (catches permission problems and MSR aborts).
 *
 * The result is cached per QEMU binary for the life of the process (`refresh: true` re-probes). Never rejects.
 */
export function probeAccel(opts: { qemuBinary?: string; refresh?: boolean } = {}): Promise<QemuAccel> {
  const forced = process.env.TIERKV_QEMU_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return Promise.resolve(forced);
  const binary = opts.qemuBinary ?? defaultQemuBinary();
  let cached = probeCache.get(binary);
  if (!cached || opts.refresh) {
    cached = probeAccelUncached(binary);
    probeCache.set(binary, cached);
  }
  return cached;
}

async function probeAccelUncached(binary: string): Promise<QemuAccel> {
  const verdict = assessKvmHost(await gatherKvmHostFacts());
  if (!verdict.usable) return 'tcg';
  const dir = await fsp.mkdtemp(path.join(tmpdir(), 'tierkv-kvmprobe-'));
  let inst: QemuInstance | undefined;
  try {
    inst = await startQemu({
      name: 'kvm-probe',
      memMiB: 32,
      qmpSocketPath: path.join(dir, 'qmp.sock'),
      accel: 'kvm',
      extraArgs: ['-cpu', 'host'],
      qemuBinary: binary,
      startTimeoutMs: 10_000,
    });
    const kvm = await inst.qmp.queryKvm({ timeoutMs: 5000 });
    if (!kvm.enabled) return 'tcg';
    await sleep(300);
    const status = await inst.qmp.queryStatus({ timeoutMs: 5000 });
    return status.running ? 'kvm' : 'tcg';
  } catch {
    return 'tcg';
  } finally {
    await inst?.stop({ timeoutMs: 3000 });
    await fsp.rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}
