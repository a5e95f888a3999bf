/**
 * Runs the throughput benchmark, then the memory benchmark, then the tier benchmark, then the MIGRATE_PREPARE
 * benchmark, then the client and large-value memory benchmark (bench/client-memory.ts), then the collections benchmark
 * (bench/collections.ts), then the MONITOR overhead benchmark (bench/monitor.ts) (defaults unless options are given), prints their tables, and with `--write` puts them into bench/RESULTS.md (or
 * `--out PATH`) together with the date, the machine, tool versions, the server command lines and the
 * exact command that produced them. Servers run one at a time; no timing is asserted.
 *
 * RESULTS.md has these generated sections: throughput + memory (markers BEGIN_MARKER/END_MARKER),
 * tiers (TIERS_MARKERS), migrate (MIGRATE_MARKERS, bench/migrate-prepare.ts), client-memory
 * (CLIENT_MEMORY_MARKERS, bench/client-memory.ts), collections (COLLECTIONS_MARKERS, bench/collections.ts) and monitor
 * (MONITOR_MARKERS, bench/monitor.ts). A run rewrites only the
 * section(s) of what it ran, so `--only tiers --write` keeps the other sections as they were.
 *
 * The tier, MIGRATE_PREPARE, client-memory and collections benchmarks need tierkv: without `--only`, they are skipped when the tierkv
 * side is overridden (`--tierkv-cmd`/TIERKV_CMD, e.g. redis-server standing in for tierkv).
 *
 * Usage: npm run bench [-- options]   (= tsc, then node dist/bench/run-all.js [options])
 *   --write          update bench/RESULTS.md (generated sections between markers)
 *   --out PATH       file to update instead of bench/RESULTS.md (implies --write)
 *   --only LIST      run only these of throughput, memory, tiers, migrate, client-memory, collections, monitor (comma-separated)
 *   plus every option of throughput.ts, memory.ts, tiers.ts, migrate-prepare.ts, client-memory.ts, collections.ts and monitor.ts
 *   (see --help; the last four's are prefixed `--migrate-` / `--cm-` / `--coll-` / `--monitor-`, e.g. `--migrate-keys 1000000`).
 * Exit code: 1 if a server could not be started or any test/side recorded an error, else 0.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { invocation, runIfMain } from './lib/cli.js';
import { machineInfo, machineMarkdown, machineText } from './lib/machine.js';
import { TIERS_MARKERS, codeSpan, writeGeneratedSection } from './lib/markdown.js';
import { REPO_ROOT, type ServerSpec } from './lib/server.js';
import { renderMarkdown, renderText, type Table } from './lib/table.js';
import { COLLECTIONS_ARG_OPTIONS, COLLECTIONS_HELP, COLLECTIONS_MARKERS, collectionsMarkdown, collectionsOptionsFrom, runCollections } from './collections.js';
import { CLIENT_MEMORY_ARG_OPTIONS, CLIENT_MEMORY_HELP, CLIENT_MEMORY_MARKERS, clientMemoryMarkdown, clientMemoryOptionsFrom, runClientMemory } from './client-memory.js';
import { MEMORY_ARG_OPTIONS, MEMORY_HELP, memoryOptionsFrom, runMemory, type MemoryResult } from './memory.js';
import { MIGRATE_ARG_OPTIONS, MIGRATE_HELP, MIGRATE_MARKERS, migrateMarkdown, migrateOptionsFrom, runMigrate } from './migrate-prepare.js';
import { MONITOR_ARG_OPTIONS, MONITOR_HELP, MONITOR_MARKERS, monitorMarkdown, monitorOptionsFrom, runMonitor } from './monitor.js';
import { THROUGHPUT_ARG_OPTIONS, THROUGHPUT_HELP, runThroughput, throughputOptionsFrom, type ThroughputResult } from './throughput.js';
import { runTiers } from './tiers.js';
import { TIERS_ARG_OPTIONS, TIERS_HELP, tiersOptionsFrom } from './tiers/options.js';
import { tiersMarkdown } from './tiers/report.js';

/** Default results file. */
export const RESULTS_PATH = join(REPO_ROOT, 'bench', 'RESULTS.md');

const OPTIONS = {
  ...THROUGHPUT_ARG_OPTIONS,
  ...MEMORY_ARG_OPTIONS,
  ...TIERS_ARG_OPTIONS,
  ...MIGRATE_ARG_OPTIONS,
  ...CLIENT_MEMORY_ARG_OPTIONS,
  ...COLLECTIONS_ARG_OPTIONS,
  ...MONITOR_ARG_OPTIONS,
  write: { type: 'boolean' },
  out: { type: 'string' },
  only: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function serverLine(spec: ServerSpec, identity: string | undefined): string {
  return `- ${spec.side}: ${codeSpan(spec.cmd)}${spec.overridden ? ' (overridden)' : ' (default)'}${identity ? ` — ${identity}` : ''}`;
}

/** The markdown section written to RESULTS.md. */
export function resultsMarkdown(cmd: string, machine: string, specs: { tierkv: ServerSpec; redis: ServerSpec }, identities: Partial<Record<'tierkv' | 'redis', string>>, tables: Table[]): string {
  const lines = [
    `## Latest run`,
    '',
    `Command (from the repository root): ${codeSpan(cmd)}`,
    '',
    machine,
    serverLine(specs.tierkv, identities.tierkv),
    serverLine(specs.redis, identities.redis),
  ];
  if (specs.tierkv.overridden) {
    lines.push('', `> **Note:** the tierkv side was replaced by the command above, so the "tierkv" columns are not tierkv's numbers.`);
  }
  for (const t of tables) lines.push('', renderMarkdown(t));
  return lines.join('\n') + '\n';
}

/** Benchmarks run-all knows, in the order it runs them. */
const BENCHMARKS = ['throughput', 'memory', 'tiers', 'migrate', 'client-memory', 'collections', 'monitor'] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

/** Parses `--only` ("tiers", "throughput,memory", "migrate"); undefined = all. */
function parseOnly(s: string | undefined): Set<BenchmarkName> | undefined {
  if (s === undefined) return undefined;
  const names = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const n of names) {
    if (!(BENCHMARKS as readonly string[]).includes(n)) throw new Error(`--only: expected a comma-separated list of ${BENCHMARKS.join(', ')}, got ${n}`);
  }
  if (names.length === 0) throw new Error(`--only: expected ${BENCHMARKS.join(', ')}`);
  return new Set(names as BenchmarkName[]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: OPTIONS, strict: true });
  if (values.help) {
    console.log(
      `Usage: node dist/bench/run-all.js [--write] [--out PATH] [--only throughput,memory,tiers,migrate,client-memory,collections,monitor] [options]\n${THROUGHPUT_HELP}\n${MEMORY_HELP}\n${TIERS_HELP}\n${MIGRATE_HELP}\n${CLIENT_MEMORY_HELP}\n${COLLECTIONS_HELP}\n${MONITOR_HELP}`,
    );
    return;
  }
  const only = parseOnly(values.only);
  const cmd = invocation();
  const machine = machineInfo();
  console.log(`# tierkv benchmarks\ncommand: ${cmd}\n${machineText(machine)}\n`);

  const tOpts = throughputOptionsFrom(values);
  const mOpts = memoryOptionsFrom(values);
  const tiOpts = tiersOptionsFrom(values);
  const miOpts = migrateOptionsFrom(values);
  const cmOpts = clientMemoryOptionsFrom(values);
  const coOpts = collectionsOptionsFrom(values);
  const moOpts = monitorOptionsFrom(values);
  const runs = (name: BenchmarkName): boolean => only === undefined || only.has(name);
  let runTiersToo = runs('tiers');
  if (only === undefined && tiOpts.tierkv.overridden) {
    runTiersToo = false;
    console.log('(tiers skipped: the tierkv side is overridden and the tier benchmark needs tierkv; use --only tiers to run it anyway)\n');
  }
  let runMigrateToo = runs('migrate');
  if (only === undefined && miOpts.tierkv.overridden) {
    runMigrateToo = false;
    console.log('(migrate skipped: the tierkv side is overridden and MIGRATE_PREPARE needs tierkv; use --only migrate to run it anyway)\n');
  }
  let runClientMemoryToo = runs('client-memory');
  if (only === undefined && cmOpts.tierkv.overridden) {
    runClientMemoryToo = false;
    console.log('(client-memory skipped: the tierkv side is overridden and its HTTP scenario needs tierkv; use --only client-memory to run it anyway)\n');
  }
  let runCollectionsToo = runs('collections');
  if (only === undefined && coOpts.tierkv.overridden) {
    runCollectionsToo = false;
    console.log('(collections skipped: the tierkv side is overridden and its MIGRATE_PREPARE part needs tierkv; use --only collections to run it anyway)\n');
  }
  const runMonitorToo = runs('monitor');
  const tables: Table[] = [];
  const identities: Partial<Record<'tierkv' | 'redis', string>> = {};
  let failed = false;

  if (runs('throughput')) {
    const r: ThroughputResult = await runThroughput(tOpts);
    for (const s of r.servers) identities[s.side] ??= s.identity;
    failed ||= r.runs.some((x) => x.error !== undefined);
    tables.push(r.table);
    console.log(renderText(r.table) + '\n');
  }
  if (runs('memory')) {
    const r: MemoryResult = await runMemory(mOpts);
    for (const s of r.sides) identities[s.side] ??= s.identity;
    failed ||= r.sides.some((x) => x.error !== undefined || (x.errors ?? 0) > 0);
    tables.push(r.table);
    console.log(renderText(r.table) + '\n');
  }
  let tiersSection: string | undefined;
  if (runTiersToo) {
    const r = await runTiers(tiOpts);
    failed ||= r.failed;
    for (const s of r.servers) console.log(`${s.label}: ${s.commandLine} (${s.identity})`);
    for (const t of r.tables) console.log('\n' + renderText(t));
    console.log('');
    tiersSection = tiersMarkdown(cmd, machineMarkdown(machine), r);
  }
  let migrateSection: string | undefined;
  if (runMigrateToo) {
    const r = await runMigrate(miOpts);
    failed ||= r.failed;
    for (const s of r.sides) if (s.commandLine) console.log(`${s.side}: ${s.commandLine} (${s.identity})`);
    console.log('\n' + renderText(r.table) + '\n');
    migrateSection = migrateMarkdown(cmd, machineMarkdown(machine), r);
  }
  let clientMemorySection: string | undefined;
  if (runClientMemoryToo) {
    const r = await runClientMemory(cmOpts);
    failed ||= r.failed;
    for (const t of r.tables) console.log(renderText(t) + '\n');
    for (const e of r.errors) console.log(`ERROR: ${e}`);
    clientMemorySection = clientMemoryMarkdown(cmd, machineMarkdown(machine), r);
  }
  let collectionsSection: string | undefined;
  if (runCollectionsToo) {
    const r = await runCollections(coOpts);
    failed ||= r.failed;
    for (const t of r.tables) console.log(renderText(t) + '\n');
    collectionsSection = collectionsMarkdown(cmd, machineMarkdown(machine), r);
  }
  let monitorSection: string | undefined;
  if (runMonitorToo) {
    const r = await runMonitor(moOpts);
    failed ||= r.failed;
    console.log(renderText(r.table) + '\n');
    monitorSection = monitorMarkdown(cmd, machineMarkdown(machine), r);
  }

  if (values.write || values.out !== undefined) {
    const path = values.out ?? RESULTS_PATH;
    if (tables.length > 0) {
      writeGeneratedSection(path, resultsMarkdown(cmd, machineMarkdown(machine), { tierkv: tOpts.tierkv, redis: tOpts.redis }, identities, tables));
    }
    if (tiersSection !== undefined) writeGeneratedSection(path, tiersSection, TIERS_MARKERS);
    if (migrateSection !== undefined) writeGeneratedSection(path, migrateSection, MIGRATE_MARKERS);
    if (clientMemorySection !== undefined) writeGeneratedSection(path, clientMemorySection, CLIENT_MEMORY_MARKERS);
    if (collectionsSection !== undefined) writeGeneratedSection(path, collectionsSection, COLLECTIONS_MARKERS);
    if (monitorSection !== undefined) writeGeneratedSection(path, monitorSection, MONITOR_MARKERS);
    console.log(`wrote ${path}`);
  }
  if (failed) process.exitCode = 1;
}

runIfMain(import.meta.url, main);
