/**
 * Test helpers for suites that drive a real QEMU or a fake QMP server.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultQemuBinary } from '../../migration-hook/qemu-process.js';

/** True if the QEMU binary used by the tests runs (`--version` exits 0). Synchronous, for `describe.skipIf`. */
export function qemuAvailable(binary = defaultQemuBinary()): boolean {
  const r = spawnSync(binary, ['--version'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

/**
 * A fresh temporary directory with a short path (Unix socket paths must stay under 108 bytes), and a function
 * that removes it.
 */
export function makeSocketDir(prefix = 'tkv-qmp-'): { dir: string; sock: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    sock: (name: string) => path.join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close). */
export async function freeTcpPort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

export { sleep } from './wait.js';
