/**
 * The guest image of the migration experiment: a Debian kernel, a small initramfs, and an ext4 root disk image that
 * boots into tierkv. The root file system lives on a virtio-blk disk, like a real VM's (the paper's VM image sat on
 * shared storage); the initramfs only loads the modules and mounts it, so the guest keeps page cache as a real one
 * does instead of holding its whole root file system in RAM as tmpfs.
 *
 * Built from Debian packages only, into bench/migration/build/ (git-ignored), and cached:
 * - `apt-get download` of the kernel that `linux-image-amd64` depends on and of `busybox-static` (the .debs are
 *   kept in build/debs/ and reused; nothing is installed on the host), unpacked with `dpkg-deb -x`;
 * - the modules (virtio_pci, virtio_blk, ext4, virtio_net, virtio_balloon, virtio_console and what they depend on,
 *   softdeps such as crc32c included), ordered by `depmod -b` + `modprobe -d … --show-depends` over the unpacked tree
 *   (the .deb ships no modules.dep); they go into the initramfs, with busybox and guest/initramfs-init as /init;
 * - the host's `node` (debug info stripped) and the shared libraries `ldd` lists, at the same paths;
 * - tierkv's built `dist/` (server, allocator, protocol), package.json, and the runtime closure of package.json's
 *   "dependencies" from node_modules;
 * - the root file system (busybox, node, tierkv, guest/init as /init) is written into a raw ext4 image with
 *   `mkfs.ext4 -d` (e2fsprogs ≥ 1.43 fills a file system from a directory: no root, loop device or mount needed);
 * - the initramfs is packed with GNU cpio (newc) and compressed with zstd.
 *
 * Every run gets a qcow2 overlay on top of the raw image ({@link createRunDisk}), which the source and the
 * destination QEMU both open with the same `-drive`: QEMU migrates RAM and device state but not the disk, and on one
 * host the image file is shared storage. The destination opens it inactive and takes it over when the source lets go
 * (QEMU 7.2 migration/migration.c: the source's `bdrv_inactivate_all()` at the switch, the destination's
 * `bdrv_activate_all()`; docs/devel/migration.rst). The guest's writes stay in the overlay, so the cached image
 * never changes.
 *
 * The image is rebuilt when its key changes: a SHA-256 over the kernel and busybox package names, the node binary
 * (path, size, mtime), every file copied from dist/ and node_modules, guest/init and this builder's version. The
 * recipe follows the lab notes in /work/shared/vm-lab (what boots on these machines: TCG, Debian 6.1 kernel,
 * busybox, host node); the initramfs format is the kernel's (Documentation/filesystems/ramfs-rootfs-initramfs.rst).
 *
 * Host tools used: apt-get, apt-cache, dpkg-deb, depmod/modprobe (kmod), strip (binutils), ldd, cpio, zstd,
 * mkfs.ext4 (e2fsprogs), qemu-img (qemu-utils).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from '../lib/server.js';

/** Where the image and its cache live (git-ignored). */
export const BUILD_DIR = join(REPO_ROOT, 'bench', 'migration', 'build');
/** The guest's PID 1 script on the root disk (run by the initramfs after switch_root). */
export const GUEST_INIT = join(REPO_ROOT, 'bench', 'migration', 'guest', 'init');
/** The initramfs's /init: loads the modules, mounts the root disk, switch_root. */
export const INITRAMFS_INIT = join(REPO_ROOT, 'bench', 'migration', 'guest', 'initramfs-init');
/** Bumped when the builder changes what it packs. */
const BUILDER_VERSION = 4;
/** Modules the guest loads (plus their dependencies), from the initramfs. */
export const GUEST_MODULES = ['virtio_pci', 'virtio_blk', 'ext4', 'virtio_net', 'virtio_balloon', 'virtio_console'] as const;
/** Free space left in the root file system on top of its files, bytes. */
const ROOT_FS_SLACK_BYTES = 64 * 2 ** 20;
/** dist/ folders the server needs at run time. */
const DIST_DIRS = ['server', 'allocator', 'protocol'] as const;

/** A built image. Paths are absolute; sizes bytes. */
export interface GuestImage {
  kernel: string;
  initrd: string;
  /** The root file system: a raw ext4 image (never written; runs use an overlay from {@link createRunDisk}). */
  disk: string;
  /** Size of the disk image, bytes. */
  diskBytes: number;
  kernelVersion: string;
  kernelPackage: string;
  busyboxPackage: string;
  /** The cache key the image was built for. */
  key: string;
  /** True if this call built it, false if it came from the cache. */
  built: boolean;
  /** Build time, ms (0 when cached). */
  buildMs: number;
  initrdBytes: number;
  /** Bytes of the files in the root file system (on the disk, read into page cache as the guest uses them). */
  rootfsBytes: number;
  /** Bytes of the unpacked initramfs (in guest RAM until switch_root frees it). */
  initramfsBytes: number;
}

/** Options of {@link buildGuestImage}. */
export interface BuildImageOptions {
  /** Rebuild even if the cache key matches. */
  force?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  try {
    return execFileSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(err.stderr ?? '').trim() || err.message}`);
  }
}

/**
 * The versioned kernel package behind `linux-image-amd64` (e.g. `linux-image-6.1.0-57-amd64`).
 * @throws Error when apt knows no such package (run `apt-get update` first).
 */
export function resolveKernelPackage(): string {
  const out = run('apt-cache', ['depends', 'linux-image-amd64']);
  const m = /Depends:\s+(linux-image-\S+)/.exec(out);
  if (!m) throw new Error(`apt-cache depends linux-image-amd64 names no kernel package (run apt-get update?):\n${out}`);
  return m[1]!;
}

/** Finds `name_*.deb` in `dir`, or undefined. */
function findDeb(dir: string, name: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const hit = readdirSync(dir)
    .filter((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'))
    .sort()
    .pop();
  return hit ? join(dir, hit) : undefined;
}

/**
 * Returns the cached .deb of package `name`, downloading it with `apt-get download` into `dir` first if needed.
 * @throws Error if apt-get fails.
 */
function fetchDeb(dir: string, name: string, log: (s: string) => void): string {
  mkdirSync(dir, { recursive: true });
  const cached = findDeb(dir, name);
  if (cached) return cached;
  log(`apt-get download ${name}`);
  run('apt-get', ['download', '-q', name], { cwd: dir });
  const got = findDeb(dir, name);
  if (!got) throw new Error(`apt-get download ${name} left no ${name}_*.deb in ${dir}`);
  return got;
}

/** Unpacks a .deb into build/pkgs/<basename>/ once; returns that directory. */
function unpackDeb(deb: string): string {
  const dest = join(BUILD_DIR, 'pkgs', deb.split('/').pop()!.replace(/\.deb$/, ''));
  const marker = join(dest, '.unpacked');
  if (!existsSync(marker)) {
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    run('dpkg-deb', ['-x', deb, dest]);
    writeFileSync(marker, '');
  }
  return dest;
}

/** Every regular file under `dir`, relative paths, sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * The node_modules directories of package.json's runtime "dependencies" and everything they depend on (Node's
 * lookup: a nested node_modules first, then the top level).
 * @throws Error if a dependency is not installed.
 */
export function runtimeModuleDirs(root = REPO_ROOT): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const seen = new Set<string>();
  const visit = (name: string, from: string): void => {
    let dir: string | undefined;
    for (let d = from; ; d = dirname(dirname(d))) {
      const cand = join(d, 'node_modules', name);
      if (existsSync(join(cand, 'package.json'))) {
        dir = cand;
        break;
      }
      if (d === root || !d.startsWith(root)) break;
    }
    if (!dir) throw new Error(`runtime dependency ${name} (needed from ${relative(root, from) || '.'}) is not installed: run npm install`);
    if (seen.has(dir)) return;
    seen.add(dir);
    const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(p.dependencies ?? {})) visit(dep, dir);
  };
  for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, root);
  return [...seen].sort();
}

function hashFile(h: ReturnType<typeof createHash>, path: string): void {
  h.update(path);
  h.update('\0');
  h.update(readFileSync(path));
  h.update('\0');
}

function dirBytes(dir: string): number {
  return listFiles(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
}

/** Runs `sh -c script` with inherited env, rejecting on a non-zero exit (with stderr). */
function shell(script: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', script], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${script} failed (${code}): ${err.trim()}`))));
  });
}

/**
 * Builds the guest image, or returns the cached one when nothing it is made of changed.
 * @returns the image's paths and facts.
 * @throws Error when a tool fails, a package cannot be downloaded, dist/ is not built (run `npm run build`), or a
 *   runtime dependency is missing.
 */
export async function buildGuestImage(opts: BuildImageOptions = {}): Promise<GuestImage> {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  mkdirSync(BUILD_DIR, { recursive: true });
  const debs = join(BUILD_DIR, 'debs');
  let kernelPackage: string;
  try {
    kernelPackage = resolveKernelPackage();
  } catch (e) {
    // Offline or no apt lists: fall back to a kernel .deb downloaded before.
    const cached = existsSync(debs) ? readdirSync(debs).filter((f) => /^linux-image-.*-amd64_.*\.deb$/.test(f) && !f.startsWith('linux-image-amd64_')).sort().pop() : undefined;
    if (!cached) throw e;
    kernelPackage = cached.split('_')[0]!;
  }
  const kernelDeb = fetchDeb(debs, kernelPackage, log);
  const busyboxDeb = fetchDeb(debs, 'busybox-static', log);

  const distFiles: string[] = [];
  for (const d of DIST_DIRS) {
    const dir = join(REPO_ROOT, 'dist', d);
    if (!existsSync(join(REPO_ROOT, 'dist', 'server', 'main.js'))) throw new Error('dist/server/main.js is missing: run npm run build (npx tsc -p tsconfig.json)');
    for (const f of listFiles(dir)) if (!f.endsWith('.map')) distFiles.push(join('dist', d, f));
  }
  const moduleDirs = runtimeModuleDirs();
  const nodeBin = process.execPath;
  const nodeStat = statSync(nodeBin);

  const h = createHash('sha256');
  h.update(`v${BUILDER_VERSION}\0${kernelDeb}\0${busyboxDeb}\0${nodeBin}\0${nodeStat.size}\0${nodeStat.mtimeMs}\0`);
  for (const f of distFiles) hashFile(h, join(REPO_ROOT, f));
  hashFile(h, join(REPO_ROOT, 'package.json'));
  for (const m of moduleDirs) for (const f of listFiles(m)) hashFile(h, join(m, f));
  hashFile(h, GUEST_INIT);
  hashFile(h, INITRAMFS_INIT);
  const key = h.digest('hex').slice(0, 16);

  const manifestPath = join(BUILD_DIR, 'image.json');
  const kernelOut = join(BUILD_DIR, 'vmlinuz');
  const initrdOut = join(BUILD_DIR, 'initramfs.cpio.zst');
  const diskOut = join(BUILD_DIR, 'rootfs.ext4');
  if (!opts.force && existsSync(manifestPath) && existsSync(kernelOut) && existsSync(initrdOut) && existsSync(diskOut)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as GuestImage;
    if (m.key === key) return { ...m, kernel: kernelOut, initrd: initrdOut, disk: diskOut, built: false, buildMs: 0 };
  }

  log(`building the guest image (key ${key})`);
  const kroot = unpackDeb(kernelDeb);
  const broot = unpackDeb(busyboxDeb);
  const kver = readdirSync(join(kroot, 'lib', 'modules'))[0];
  if (!kver) throw new Error(`no lib/modules/<version> in ${kernelDeb}`);

  // Two trees: `initramfs` (busybox, modules, /init) and `rootfs` (the root disk's files).
  const initramfs = join(BUILD_DIR, 'initramfs');
  const root = join(BUILD_DIR, 'rootfs');
  for (const [tree, dirs] of [
    [initramfs, ['bin', 'etc', 'lib/modules', 'proc', 'sys', 'dev', 'newroot']],
    [root, ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'run', 'tierkv']],
  ] as const) {
    rmSync(tree, { recursive: true, force: true });
    for (const d of dirs) mkdirSync(join(tree, d), { recursive: true });
    copyFileSync(join(broot, 'bin', 'busybox'), join(tree, 'bin', 'busybox'));
    chmodSync(join(tree, 'bin', 'busybox'), 0o755);
  }
  copyFileSync(join(kroot, 'boot', `vmlinuz-${kver}`), kernelOut);

  // Modules in dependency order.
  run('depmod', ['-b', kroot, kver]);
  const order: string[] = [];
  for (const m of GUEST_MODULES) {
    for (const line of run('modprobe', ['-d', kroot, '-S', kver, '--show-depends', m]).split('\n')) {
      const ko = /^insmod\s+(\S+)/.exec(line.trim())?.[1];
      if (ko && !order.includes(ko)) order.push(ko);
    }
  }
  const modPrefix = join(kroot, 'lib', 'modules', kver) + '/';
  const modList: string[] = [];
  for (const ko of order) {
    const rel = ko.startsWith(modPrefix) ? ko.slice(modPrefix.length) : ko.split(`/lib/modules/${kver}/`)[1]!;
    mkdirSync(dirname(join(initramfs, 'lib', 'modules', rel)), { recursive: true });
    copyFileSync(ko, join(initramfs, 'lib', 'modules', rel));
    modList.push(rel);
  }
  writeFileSync(join(initramfs, 'etc', 'modules.list'), modList.join('\n') + '\n');
  log(`modules: ${modList.map((m) => m.split('/').pop()).join(' ')}`);

  // node and its libraries.
  run('strip', ['--strip-debug', '-o', join(root, 'bin', 'node'), nodeBin]);
  for (const lib of run('ldd', [nodeBin]).match(/\/\S+/g) ?? []) {
    mkdirSync(join(root, dirname(lib)), { recursive: true });
    copyFileSync(lib, join(root, lib));
  }

  // tierkv.
  for (const f of distFiles) {
    mkdirSync(dirname(join(root, 'tierkv', f)), { recursive: true });
    copyFileSync(join(REPO_ROOT, f), join(root, 'tierkv', f));
  }
  copyFileSync(join(REPO_ROOT, 'package.json'), join(root, 'tierkv', 'package.json'));
  for (const m of moduleDirs) {
    const rel = relative(REPO_ROOT, m);
    for (const f of listFiles(m)) {
      mkdirSync(dirname(join(root, 'tierkv', rel, f)), { recursive: true });
      copyFileSync(join(m, f), join(root, 'tierkv', rel, f));
    }
  }
  copyFileSync(GUEST_INIT, join(root, 'init'));
  chmodSync(join(root, 'init'), 0o755);

  copyFileSync(INITRAMFS_INIT, join(initramfs, 'init'));
  chmodSync(join(initramfs, 'init'), 0o755);

  const tmp = `${initrdOut}.tmp`;
  await shell(`find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet --owner=0:0 | zstd -q -T0 -3 -f -o '${tmp}'`, initramfs);
  await shell(`mv -f '${tmp}' '${initrdOut}'`, BUILD_DIR);

  // The root disk: ext4 filled from the staged tree, files owned by root, sized to the files plus some slack.
  const rootfsBytes = dirBytes(root);
  const diskBytes = Math.ceil((rootfsBytes * 1.15 + ROOT_FS_SLACK_BYTES) / 2 ** 20) * 2 ** 20;
  const diskTmp = `${diskOut}.tmp`;
  rmSync(diskTmp, { force: true });
  run('mkfs.ext4', ['-q', '-F', '-L', 'tierkv-root', '-d', root, '-E', 'root_owner=0:0', diskTmp, `${diskBytes / 1024}k`]);
  await shell(`mv -f '${diskTmp}' '${diskOut}'`, BUILD_DIR);
  const image: GuestImage = {
    kernel: kernelOut,
    initrd: initrdOut,
    disk: diskOut,
    diskBytes,
    kernelVersion: kver,
    kernelPackage,
    busyboxPackage: busyboxDeb.split('/').pop()!.replace(/\.deb$/, ''),
    key,
    built: true,
    buildMs: Math.round(performance.now() - t0),
    initrdBytes: statSync(initrdOut).size,
    rootfsBytes,
    initramfsBytes: dirBytes(initramfs),
  };
  writeFileSync(manifestPath, JSON.stringify(image, null, 1) + '\n');
  log(`guest image built in ${image.buildMs} ms: initramfs ${(image.initrdBytes / 2 ** 20).toFixed(1)} MiB, root disk ${(diskBytes / 2 ** 20).toFixed(0)} MiB (${(rootfsBytes / 2 ** 20).toFixed(1)} MiB of files), kernel ${kver}`);
  return image;
}

/**
 * Creates the disk one run's source and destination share: a qcow2 overlay at `path` whose backing file is the
 * image's raw root disk (`qemu-img create -f qcow2 -F raw -b`), so the guest's writes never reach the cached image.
 * @returns `path`.
 * @throws Error when qemu-img fails.
 */
export function createRunDisk(image: GuestImage, path: string): string {
  rmSync(path, { force: true });
  run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', image.disk, path]);
  return path;
}
