/**
 * Reading a process's memory figures from Linux procfs.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Memory figures of one process, all in bytes. */
export interface ProcMemory {
  /** Resident set size now (VmRSS), bytes. */
  rssBytes: number;
  /** Peak resident set size since the process started (VmHWM), bytes. */
  hwmBytes: number;
}

/**
 * Reads VmRSS and VmHWM of process `pid` from /proc/PID/status.
 * The kernel reports them in kB (KiB); they are returned in bytes.
 * Throws if the process does not exist or the fields are missing (non-Linux).
 */
export function readProcMemory(pid: number): ProcMemory {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssBytes: statusField(text, 'VmRSS'), hwmBytes: statusField(text, 'VmHWM') };
}

/** Resident set size (VmRSS) of process `pid`, bytes. */
export function readRssBytes(pid: number): number {
  return readProcMemory(pid).rssBytes;
}

/** True if /proc/PID exists (the process is alive or a zombie). */
export function processExists(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`, 'utf8');
    return true;
  } catch {
    return false;
  }
}

function statusField(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
  if (!m) throw new Error(`/proc status has no ${name} field`);
  return Number(m[1]) * 1024;
}

/** Busy and total CPU time of the whole machine, in clock ticks, from the first line of /proc/stat. */
function cpuTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice; guest* are already in user/nice
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * How many CPU cores other processes keep busy: the machine-wide busy fraction over `ms`
 * milliseconds (default 500) times the number of CPUs. Call it while this benchmark is idle
 * (no server or load generator running) to see whether someone else is using the machine.
 */
export async function backgroundCpuCores(ms = 500, ncpu = 1): Promise<number> {
  const a = cpuTicks();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTicks();
  const dt = b.total - a.total;
  return dt > 0 ? ((b.busy - a.busy) / dt) * ncpu : 0;
}

/** Other processes' CPU use above which a run is flagged as unreliable, cores. */
export const BUSY_CORES_WARNING = 0.25;

/**
 * A one-line note on other processes' CPU use sampled before each server start (cores busy),
 * turned into a warning ending in `consequence` if any sample exceeded BUSY_CORES_WARNING.
 */
export function backgroundNote(cores: number[], consequence: string): string {
  if (cores.length === 0) return '';
  const max = Math.max(...cores);
  const text = `other processes' CPU use before each server start: ${Math.min(...cores).toFixed(2)}–${max.toFixed(2)} cores of ${availableParallelism()}`;
  return max > BUSY_CORES_WARNING ? `WARNING: the machine was busy (${text}); ${consequence}.` : `${text}.`;
}

/**
 * CPU time (user + system, all threads) process `pid` has used so far, seconds, from /proc/PID/stat (USER_HZ 100:
 * 10 ms resolution). NaN if the process is gone. Less sensitive than wall-clock time to what else runs on the machine.
 */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}
