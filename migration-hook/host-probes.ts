/**
 * Host probes: what the controller reads about local processes from /proc (Linux only, best effort) — which process
 * holds a socket (the source QEMU's PID from its QMP socket) and a process's resident set size.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * The PID of the process listening on a local Unix socket (e.g. QEMU's QMP socket), found through
 * /proc/net/unix (socket inode by path) and /proc/PID/fd (who holds that inode). Linux only, best effort.
 * @returns the PID, or null when it cannot be found (other host, no permission, not Linux).
 */
export function findPidByUnixSocket(socketPath: string): number | null {
  try {
    const inodes = new Set<string>();
    for (const line of readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 8 && f[7] === socketPath) inodes.add(f[6]!);
    }
    if (inodes.size === 0) return null;
    return pidHoldingSocket(inodes, process.pid);
  } catch {
    // not Linux or no /proc
  }
  return null;
}

/**
 * The PID of a process that holds one of the given socket inodes (as /proc/net/{unix,tcp,...} list them), found
 * through /proc/PID/fd; `excludePid` is passed over (the caller itself, when it is connected to that socket).
 * @returns the PID, or null when no readable process holds one (no permission, not Linux).
 */
export function pidHoldingSocket(inodes: ReadonlySet<string>, excludePid?: number): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc');
  } catch {
    return null; // not Linux or no /proc
  }
  for (const pidDir of pids) {
    if (!/^\d+$/.test(pidDir) || Number(pidDir) === excludePid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pidDir}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pidDir}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return Number(pidDir);
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return null;
}

/** Resident set size of a process from /proc/PID/statm, bytes; null if unreadable. */
export function readRss(pid: number): number | null {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(pages) ? pages * 4096 : null;
  } catch {
    return null;
  }
}
