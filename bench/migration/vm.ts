/**
 * Booting the experiment's guests: a QEMU (started with migration-hook's `startQemu`) that runs the image of
 * image.ts, with tierkv's RESP and HTTP ports forwarded to 127.0.0.1, a virtio-balloon, and a second QMP socket for
 * the migration controller (QEMU serves one client per QMP socket; the runner keeps the first).
 *
 * Devices: q35, one vCPU, `-cpu max` under TCG (`-cpu host` under a real KVM), the root disk as `virtio-blk-pci`
 * (the run's qcow2 overlay of image.ts's ext4 image, opened by the source and the destination alike: shared storage
 * on one host; QEMU's default `cache=writeback` is coherent there, as both processes go through the same host page
 * cache, and the source flushes before the destination takes the image over), `virtio-net-pci` on user-mode
 * networking with `restrict=on` (the guest can reach nothing outside; `hostfwd` still forwards 127.0.0.1:PORT to the
 * guest's 10.0.2.15), the guest console on a serial file. A destination gets the same devices and `-incoming defer`;
 * only its forwarded host ports differ, which migration allows (the network backend is not part of the guest state).
 * Sources: QEMU's invocation docs (`-netdev user,hostfwd=`, `-incoming`), /work/shared/vm-lab (what works here).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { escapeQemuOptionValue, startQemu, type QemuAccel, type QemuBalloonOptions, type QemuInstance } from '../../migration-hook/qemu-process.js';
import { RespClient, RespError } from '../lib/resp.js';
import type { GuestImage } from './image.js';

/** Where the guest's tierkv listens (RESP) and serves HTTP, inside the guest. */
export const GUEST_RESP_PORT = 6379;
export const GUEST_HTTP_PORT = 7379;

/** Options of {@link startGuestVm}. */
export interface GuestVmOptions {
  /** VM name; also the file prefix in `dir`. */
  name: string;
  image: GuestImage;
  /** Guest RAM, MiB. */
  memMiB: number;
  /** Folder for the QMP sockets and the serial log (short path: Unix socket paths must fit 107 bytes). */
  dir: string;
  /** Host ports forwarded to tierkv's RESP and HTTP ports. */
  respPort: number;
  httpPort: number;
  /** The root disk both sides open: the run's overlay from image.ts `createRunDisk` (qcow2). */
  disk: string;
  /** Start as a migration destination (`-incoming defer`): the guest does not boot. */
  incoming?: boolean;
  /** tierkv parameters, passed on the kernel command line as `tkv.NAME=VALUE` (no spaces in values). */
  tierkv: Record<string, string>;
  /** Extra kernel command-line words (e.g. `init_on_free=1`). */
  kernelArgs?: readonly string[];
  balloon: QemuBalloonOptions;
  accel: QemuAccel;
}

/** A running guest VM. */
export interface GuestVm {
  readonly name: string;
  readonly qemu: QemuInstance;
  /** The second QMP socket, for the migration controller. */
  readonly controlQmp: string;
  readonly respPort: number;
  readonly httpPort: number;
  readonly serialPath: string;
  readonly cmdline: string;
  /** The serial console so far (guest kernel and init messages, tierkv's log). */
  serial(): string;
  stop(): Promise<void>;
}

/** The kernel command line for a guest: console, no reboot on panic, tierkv's parameters, extras. */
export function guestCmdline(tierkv: Record<string, string>, extra: readonly string[] = []): string {
  const words = ['console=ttyS0', 'panic=-1', 'loglevel=4'];
  for (const [k, v] of Object.entries(tierkv)) {
    if (/\s|"/.test(k + v)) throw new TypeError(`tierkv parameter ${k}=${v}: no spaces or quotes on the kernel command line`);
    words.push(`tkv.${k}=${v}`);
  }
  return [...words, ...extra].join(' ');
}

/**
 * Starts a guest VM (or an `-incoming defer` destination for one).
 * @throws {import('../../migration-hook/qemu-process.js').QemuStartError} when QEMU does not start.
 */
export async function startGuestVm(o: GuestVmOptions): Promise<GuestVm> {
  mkdirSync(o.dir, { recursive: true });
  const controlQmp = join(o.dir, `${o.name}.ctl`);
  const serialPath = join(o.dir, `${o.name}.serial`);
  const cmdline = guestCmdline(o.tierkv, o.kernelArgs);
  const fwd = `hostfwd=tcp:127.0.0.1:${o.respPort}-:${GUEST_RESP_PORT},hostfwd=tcp:127.0.0.1:${o.httpPort}-:${GUEST_HTTP_PORT}`;
  const qemu = await startQemu({
    name: o.name,
    memMiB: o.memMiB,
    qmpSocketPath: join(o.dir, `${o.name}.qmp`),
    incomingDefer: o.incoming,
    balloon: o.balloon,
    accel: o.accel,
    startTimeoutMs: 30_000,
    extraArgs: [
      '-cpu', o.accel === 'kvm' ? 'host' : 'max',
      '-smp', '1',
      '-kernel', o.image.kernel,
      '-initrd', o.image.initrd,
      '-append', cmdline,
      '-drive', `file=${escapeQemuOptionValue(o.disk)},format=qcow2,if=none,id=root0`,
      '-device', 'virtio-blk-pci,drive=root0',
      '-no-reboot',
      '-serial', `file:${serialPath}`,
      '-netdev', `user,id=n0,restrict=on,${fwd}`,
      '-device', 'virtio-net-pci,netdev=n0',
      '-qmp', `unix:${controlQmp},server=on,wait=off`,
    ],
  });
  return {
    name: o.name,
    qemu,
    controlQmp,
    respPort: o.respPort,
    httpPort: o.httpPort,
    serialPath,
    cmdline,
    serial: () => {
      try {
        return readFileSync(serialPath, 'utf8');
      } catch {
        return '';
      }
    },
    stop: async () => {
      await qemu.stop({ timeoutMs: 5000 });
    },
  };
}

/**
 * Waits until tierkv in the guest answers `AUTH password` + `PING` through the forwarded port.
 * @returns ms waited.
 * @throws Error after `timeoutMs`, or when the QEMU process exits meanwhile (with the serial console's tail).
 */
export async function waitForTierkv(vm: GuestVm, password: string, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  let exited = false;
  void vm.qemu.exited.then(() => (exited = true));
  let last = '';
  while (performance.now() - t0 < timeoutMs) {
    if (exited) throw new Error(`${vm.name}: QEMU exited while booting\n${tail(vm.serial())}\n${vm.qemu.output()}`);
    let c: RespClient | undefined;
    try {
      c = await RespClient.connect('127.0.0.1', vm.respPort, 2000);
      const a = await c.send(['AUTH', password], 3000);
      if (a instanceof RespError) throw a;
      const p = await c.send(['PING'], 3000);
      if (p === 'PONG') return performance.now() - t0;
      last = String(p);
    } catch (e) {
      last = (e as Error).message;
    } finally {
      c?.close();
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${vm.name}: tierkv did not answer on 127.0.0.1:${vm.respPort} within ${timeoutMs} ms (last: ${last})\n${tail(vm.serial())}`);
}

/** The last `n` lines of a text. */
export function tail(text: string, n = 25): string {
  return text.split('\n').slice(-n).join('\n');
}
