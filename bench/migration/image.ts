/**
 * The guest image of the migration experiment: a Debian kernel and an initramfs that boots straight into tierkv.
 *
 * Built from Debian packages only, into bench/migration/build/ (git-ignored), and cached:
 * - `apt-get download` of the kernel that `linux-image-amd64` depends on and of `busybox-static` (the .debs are
 *   kept in build/debs/ and reused; nothing is installed on the host), unpacked with `dpkg-deb -x`;
 * - the virtio modules (virtio_pci, virtio_net, virtio_balloon, virtio_console and what they depend on), ordered by
 *   `depmod -b` + `modprobe -d … --show-depends` over the unpacked tree (the .deb ships no modules.dep);
 * - the host's `node` (debug info stripped) and the shared libraries `ldd` lists, at the same paths;
 * - tierkv's built `dist/` (server, allocator, protocol), package.json, and the runtime closure of package.json's
 *   "dependencies" from node_modules;
 * - guest/init as /init, packed with GNU cpio (newc) and compressed with zstd.
 *
 * The image is rebuilt when its key changes: a SHA-256 over the kernel and busybox package names, the node binary
 * (path, size, mtime), every file copied from dist/ and node_modules, guest/init and this builder's version. The
 * recipe follows the lab notes in /work/shared/vm-lab (what boots on these machines: TCG, Debian 6.1 kernel,
 * busybox, host node); the initramfs format is the kernel's (Documentation/filesystems/ramfs-rootfs-initramfs.rst).
 *
 * Host tools used: apt-get, apt-cache, dpkg-deb, depmod/modprobe (kmod), strip (binutils), ldd, cpio, zstd.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from '../lib/server.js';

/** Where the image and its cache live (git-ignored). */
export const BUILD_DIR = join(REPO_ROOT, 'bench', 'migration', 'build');
/** The guest's PID 1 script. */
export const GUEST_INIT = join(REPO_ROOT, 'bench', 'migration', 'guest', 'init');
/** Bumped when the builder changes what it packs. */
const BUILDER_VERSION = 3;
/** Modules the guest loads (plus their dependencies). */
export const GUEST_MODULES = ['virtio_pci', 'virtio_net', 'virtio_balloon', 'virtio_console'] as const;
/** dist/ folders the server needs at run time. */
const DIST_DIRS = ['server', 'allocator', 'protocol'] as const;

/** A built image. Paths are absolute; sizes bytes. */
export interface GuestImage {
  kernel: string;
  initrd: string;
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
  /** Bytes of the unpacked root file system (what stays in guest RAM as tmpfs). */
  rootfsBytes: number;
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
  const key = h.digest('hex').slice(0, 16);

  const manifestPath = join(BUILD_DIR, 'image.json');
  const kernelOut = join(BUILD_DIR, 'vmlinuz');
  const initrdOut = join(BUILD_DIR, 'initramfs.cpio.zst');
  if (!opts.force && existsSync(manifestPath) && existsSync(kernelOut) && existsSync(initrdOut)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as GuestImage;
    if (m.key === key) return { ...m, kernel: kernelOut, initrd: initrdOut, built: false, buildMs: 0 };
  }

  log(`building the guest image (key ${key})`);
  const kroot = unpackDeb(kernelDeb);
  const broot = unpackDeb(busyboxDeb);
  const kver = readdirSync(join(kroot, 'lib', 'modules'))[0];
  if (!kver) throw new Error(`no lib/modules/<version> in ${kernelDeb}`);

  const root = join(BUILD_DIR, 'rootfs');
  rmSync(root, { recursive: true, force: true });
  for (const d of ['bin', 'etc', 'lib/modules', 'proc', 'sys', 'dev', 'tmp', 'run', 'tierkv']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(join(kroot, 'boot', `vmlinuz-${kver}`), kernelOut);
  copyFileSync(join(broot, 'bin', 'busybox'), join(root, 'bin', 'busybox'));
  chmodSync(join(root, 'bin', 'busybox'), 0o755);

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
    mkdirSync(dirname(join(root, 'lib', 'modules', rel)), { recursive: true });
    copyFileSync(ko, join(root, 'lib', 'modules', rel));
    modList.push(rel);
  }
  writeFileSync(join(root, 'etc', 'modules.list'), modList.join('\n') + '\n');
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

  const tmp = `${initrdOut}.tmp`;
  await shell(`find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet --owner=0:0 | zstd -q -T0 -3 -f -o '${tmp}'`, root);
  await shell(`mv -f '${tmp}' '${initrdOut}'`, BUILD_DIR);
  const image: GuestImage = {
    kernel: kernelOut,
    initrd: initrdOut,
    kernelVersion: kver,
    kernelPackage,
    busyboxPackage: busyboxDeb.split('/').pop()!.replace(/\.deb$/, ''),
    key,
    built: true,
    buildMs: Math.round(performance.now() - t0),
    initrdBytes: statSync(initrdOut).size,
    rootfsBytes: dirBytes(root),
  };
  writeFileSync(manifestPath, JSON.stringify(image, null, 1) + '\n');
  log(`guest image built in ${image.buildMs} ms: initramfs ${(image.initrdBytes / 2 ** 20).toFixed(1)} MiB, rootfs ${(image.rootfsBytes / 2 ** 20).toFixed(1)} MiB, kernel ${kver}`);
  return image;
}
