/**
 * `npm run bench:migration [-- --smoke | --paper] [options]`: the migration experiment on real VMs (experiment.ts),
 * then bench/migration/results/latest.json, bench/migration/RESULTS.md and the charts (results.ts).
 *
 * The whole run holds /tmp/bench.lock (the machine's 2 cores are shared: the file holds this PID; the run waits
 * while another process holds it, and removes it at the end, also on failure or Ctrl-C).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { stopAllQemu } from '../../migration-hook/qemu-process.js';
import { invocation, isMain, parsePositiveInt, stringOptions } from '../lib/cli.js';
import { REPO_ROOT } from '../lib/server.js';
import { CASE_NAMES, chooseAccel, presetConfig, runExperiment, withSizing, type CaseName, type ExperimentDoc, type SizePreset } from './experiment.js';
import { writeResults } from './results.js';

/** latest.json's folder. */
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'migration', 'results');
/** The benchmark lock shared by everyone on this machine. */
export const BENCH_LOCK = '/tmp/bench.lock';

const HELP = `usage: node dist/bench/migration/main.js [--smoke | --paper] [options]
  --smoke                 CI size: 768 MiB guest, 700,000 keys, postcopy and tierkv, 1 repetition
  --paper                 the paper's size: 5 GiB guest, 10,000,000 keys, postcopy, tierkv, tierkv-overlap, tierkv-balloon and
                          tierkv-precopy, 1 repetition (~60 min under TCG); writes paper.json, not latest.json
  --keys N                keys to load (default 2,000,000)
  --guest-mib M           guest RAM, MiB (default 1024)
  --reps R                repetitions (default 3; --paper 1)
  --cases a,b,...         cases to run (${CASE_NAMES.join(', ')})
  --rate OPS              client operations per second during the run (default 200)
  --bandwidth MIBPS       migration bandwidth cap, MiB/s, both phases (default 128)
  --accel auto|tcg|kvm    accelerator (default auto: KVM only where a hardware KVM works)
  --out DIR               where latest.json goes (default bench/migration/results); RESULTS.md and charts are
                          written beside it only for the default folder
  --report-only           re-render RESULTS.md and the charts from latest.json (and paper.json if present)
  --no-lock               do not take ${BENCH_LOCK}`;

/**
 * True when the lock file names a process that no longer exists, or has stayed empty for more than 10 s (a holder
 * that died between creating it and writing its PID).
 */
function lockIsStale(path: string): boolean {
  try {
    const text = readFileSync(path, 'utf8').trim();
    if (text === '') return Date.now() - statSync(path).mtimeMs > 10_000;
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false;
  }
}

/**
 * Waits until `path` does not exist, then creates it with this PID (exclusive create, so two waiters cannot both
 * win). @returns a release function (idempotent). A lock whose holder is gone is taken over. Polls every 2 s; logs once while waiting.
 */
export async function acquireLock(path: string, log: (s: string) => void, timeoutMs = 6 * 3600_000): Promise<() => void> {
  const t0 = Date.now();
  let said = false;
  for (;;) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (lockIsStale(path)) {
      log(`${path} is stale (its holder is gone): taking it over`);
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`${path} still held after ${timeoutMs} ms`);
    if (!said) {
      let holder = '?';
      try {
        holder = readFileSync(path, 'utf8').trim();
      } catch {
        /* gone meanwhile */
      }
      log(`waiting for ${path} (held by PID ${holder})`);
      said = true;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
    } catch {
      /* already gone */
    }
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean' },
      paper: { type: 'boolean' },
      ...stringOptions('keys', 'guest-mib', 'reps', 'cases', 'rate', 'bandwidth', 'accel', 'out'),
      'report-only': { type: 'boolean' },
      'no-lock': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const log = (s: string): void => void process.stderr.write(`[migration] ${s}\n`);
  const outDir = values.out ?? RESULTS_DIR;
  const latest = join(outDir, 'latest.json');
  const paperJson = join(outDir, 'paper.json');
  const readDoc = (p: string): ExperimentDoc | undefined => (existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as ExperimentDoc) : undefined);
  if (values['report-only']) {
    const doc = JSON.parse(readFileSync(latest, 'utf8')) as ExperimentDoc;
    const files = await writeResults(doc, outDir === RESULTS_DIR ? dirname(RESULTS_DIR) : outDir, readDoc(paperJson));
    log(`wrote ${files.join(', ')}`);
    return 0;
  }
  if (values.smoke && values.paper) throw new Error('--smoke and --paper exclude each other');
  const size: SizePreset = values.smoke ? 'smoke' : values.paper ? 'paper' : 'default';
  // The paper's size has a file of its own; RESULTS.md shows it as the "Paper's size" section beside latest.json.
  const outJson = size === 'paper' ? paperJson : latest;
  const accelArg = (values.accel ?? 'auto') as 'auto' | 'tcg' | 'kvm';
  if (!['auto', 'tcg', 'kvm'].includes(accelArg)) throw new Error(`--accel: auto, tcg or kvm, not ${accelArg}`);
  let c = presetConfig(size, await chooseAccel(accelArg));
  if (values.keys) c.keys = parsePositiveInt(values.keys, '--keys');
  if (values['guest-mib']) c.guest_mib = parsePositiveInt(values['guest-mib'], '--guest-mib');
  if (values.reps) c.repetitions = parsePositiveInt(values.reps, '--reps');
  if (values.rate) c.client.rate_ops_per_sec = parsePositiveInt(values.rate, '--rate');
  if (values.bandwidth) c.bandwidth_bytes_per_sec = parsePositiveInt(values.bandwidth, '--bandwidth') * 2 ** 20;
  if (values.cases) {
    const list = values.cases.split(',').map((s) => s.trim()).filter(Boolean);
    for (const n of list) if (!(CASE_NAMES as readonly string[]).includes(n)) throw new Error(`--cases: unknown case ${n} (${CASE_NAMES.join(', ')})`);
    c.cases = list as CaseName[];
  }
  c = withSizing(c);

  const release = values['no-lock'] ? () => {} : await acquireLock(BENCH_LOCK, log);
  process.once('exit', release);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping the VMs`);
      void stopAllQemu({ timeoutMs: 3000 }).finally(() => {
        release();
        process.exit(sig === 'SIGINT' ? 130 : 143);
      });
    });
  }
  try {
    mkdirSync(outDir, { recursive: true });
    const command = invocation();
    const t0 = Date.now();
    const doc = await runExperiment(c, {
      log,
      command,
      onRun: (_r, d) => writeFileSync(`${outJson}.partial`, JSON.stringify(d) + '\n'),
    });
    writeFileSync(outJson, JSON.stringify(doc, null, 1) + '\n');
    if (existsSync(`${outJson}.partial`)) rmSync(`${outJson}.partial`);
    log(`wrote ${outJson} (${doc.runs.length} runs in ${((Date.now() - t0) / 60000).toFixed(1)} min)`);
    const main = size === 'paper' ? readDoc(latest) : doc;
    if (outDir === RESULTS_DIR && main) {
      const files = await writeResults(main, dirname(RESULTS_DIR), size === 'paper' ? doc : readDoc(paperJson));
      log(`wrote ${files.join(', ')}`);
    }
    const failed = doc.runs.filter((r) => r.status !== 'ok');
    for (const r of failed) log(`run ${r.strategy} #${r.repetition}: ${r.status}`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    release();
  }
}

if (isMain(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    async (e) => {
      process.stderr.write(`[migration] ${(e as Error).stack ?? e}\n`);
      await stopAllQemu({ timeoutMs: 3000 });
      process.exit(1);
    },
  );
}
