/**
 * What the kernel says about this process and machine, read from /proc (Linux; each probe falls back to what Node
 * offers, or to "unknown", elsewhere): the resident set size, the system's total and available memory, the main
 * thread's CPU time. Used by INFO, the Prometheus metrics and MIGRATE_PREPARE (which waits for the RSS to fall).
 * Each call reads a small /proc file: not for a hot path.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Resident set size of this process in bytes, read from /proc/self/statm (falls back to process.memoryUsage). */
export function residentBytes(): number {
  try {
    const statm = readFileSync('/proc/self/statm', 'latin1');
    const pages = Number(statm.split(' ')[1]);
    return pages * 4096;
  } catch {
    return process.memoryUsage.rss();
  }
}

/** Total and available system memory in bytes from /proc/meminfo (0 when unreadable). */
export function systemMemory(): { total: number; available: number } {
  try {
    const text = readFileSync('/proc/meminfo', 'latin1');
    const field = (name: string): number => {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
      return m !== null ? Number(m[1]) * 1024 : 0;
    };
    return { total: field('MemTotal'), available: field('MemAvailable') };
  } catch {
    return { total: os.totalmem(), available: os.freemem() };
  }
}

/**
 * CPU time of the calling thread (the JS main thread when called from the server), seconds, from
 * /proc/thread-self/stat (utime and stime, in USER_HZ = 100 ticks per second on Linux); null when unreadable.
 * Redis reports the same as used_cpu_*_main_thread (getrusage RUSAGE_THREAD).
 */
export function mainThreadCpu(): { user: number; sys: number } | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(f[11]) / 100;
    const sys = Number(f[12]) / 100;
    return Number.isFinite(user) && Number.isFinite(sys) ? { user, sys } : null;
  } catch {
    return null;
  }
}
