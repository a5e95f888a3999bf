/**
 * Describing the machine and tools a benchmark ran on, for RESULTS.md.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import { versionLine } from './exec.js';

export interface MachineInfo {
  /** ISO date-time of the run (UTC). */
  date: string;
  /** Logical CPUs available to this process (like `nproc`). */
  nproc: number;
  cpuModel: string;
  /** Physical memory, bytes. */
  memTotalBytes: number;
  kernel: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  loadAverage: number[];
  node: string;
  redisServer: string;
  redisBenchmark: string;
  redisCli: string;
}

/** Collects the machine description (runs the redis tools with --version). */
export function machineInfo(): MachineInfo {
  let cpuModel = 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    /* not Linux */
  }
  return {
    date: new Date().toISOString(),
    nproc: availableParallelism(),
    cpuModel,
    memTotalBytes: totalmem(),
    kernel: release(),
    loadAverage: loadavg(),
    node: process.version,
    redisServer: versionLine('redis-server'),
    redisBenchmark: versionLine('redis-benchmark'),
    redisCli: versionLine('redis-cli'),
  };
}

/** Machine description as markdown bullet lines. */
export function machineMarkdown(m: MachineInfo): string {
  return [
    `- date: ${m.date}`,
    `- machine: nproc ${m.nproc}, ${m.cpuModel}, ${(m.memTotalBytes / 2 ** 30).toFixed(1)} GiB RAM, Linux ${m.kernel}`,
    `- load average at start: ${m.loadAverage.map((x) => x.toFixed(2)).join(', ')} (1, 5, 15 min)`,
    `- node: ${m.node}`,
    `- redis-server: ${m.redisServer}`,
    `- redis-benchmark: ${m.redisBenchmark}; redis-cli: ${m.redisCli}`,
  ].join('\n');
}

/** Machine description as plain text lines. */
export function machineText(m: MachineInfo): string {
  return machineMarkdown(m).replace(/^- /gm, '');
}
