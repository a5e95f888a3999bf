/**
 * Runs the throughput benchmark, then the memory benchmark (defaults unless options are given),
 * prints both tables, and with `--write` puts them into bench/RESULTS.md (or `--out PATH`)
 * together with the date, the machine, tool versions, the server command lines and the exact
 * command that produced them. Servers run one at a time; no timing is asserted.
 *
 * Usage: npm run bench [-- options]   (= tsc, then node dist/bench/run-all.js [options])
 *   --write          update bench/RESULTS.md (generated section between markers)
 *   --out PATH       file to update instead of bench/RESULTS.md (implies --write)
 *   --only NAME      run only "throughput" or "memory"
 *   plus every option of throughput.ts and memory.ts (see --help).
 * Exit code: 1 if a server could not be started or any test/side recorded an error, else 0.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { invocation, isMain } from './lib/cli.js';
import { machineInfo, machineMarkdown, machineText } from './lib/machine.js';
import { codeSpan, writeGeneratedSection } from './lib/markdown.js';
import { REPO_ROOT, type ServerSpec } from './lib/server.js';
import { renderMarkdown, renderText, type Table } from './lib/table.js';
import { MEMORY_ARG_OPTIONS, MEMORY_HELP, memoryOptionsFrom, runMemory, type MemoryResult } from './memory.js';
import { THROUGHPUT_ARG_OPTIONS, THROUGHPUT_HELP, runThroughput, throughputOptionsFrom, type ThroughputResult } from './throughput.js';

/** Default results file. */
export const RESULTS_PATH = join(REPO_ROOT, 'bench', 'RESULTS.md');

const OPTIONS = {
  ...THROUGHPUT_ARG_OPTIONS,
  ...MEMORY_ARG_OPTIONS,
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: OPTIONS, strict: true });
  if (values.help) {
    console.log(`Usage: node dist/bench/run-all.js [--write] [--out PATH] [--only throughput|memory] [options]\n${THROUGHPUT_HELP}\n${MEMORY_HELP}`);
    return;
  }
  const only = values.only;
  if (only !== undefined && only !== 'throughput' && only !== 'memory') throw new Error(`--only: expected throughput or memory, got ${only}`);
  const cmd = invocation();
  const machine = machineInfo();
  console.log(`# tierkv benchmarks\ncommand: ${cmd}\n${machineText(machine)}\n`);

  const tOpts = throughputOptionsFrom(values);
  const mOpts = memoryOptionsFrom(values);
  const tables: Table[] = [];
  const identities: Partial<Record<'tierkv' | 'redis', string>> = {};
  let failed = false;

  if (only !== 'memory') {
    const r: ThroughputResult = await runThroughput(tOpts);
    for (const s of r.servers) identities[s.side] ??= s.identity;
    failed ||= r.runs.some((x) => x.error !== undefined);
    tables.push(r.table);
    console.log(renderText(r.table) + '\n');
  }
  if (only !== 'throughput') {
    const r: MemoryResult = await runMemory(mOpts);
    for (const s of r.sides) identities[s.side] ??= s.identity;
    failed ||= r.sides.some((x) => x.error !== undefined || (x.errors ?? 0) > 0);
    tables.push(r.table);
    console.log(renderText(r.table) + '\n');
  }

  if (values.write || values.out !== undefined) {
    const path = values.out ?? RESULTS_PATH;
    writeGeneratedSection(path, resultsMarkdown(cmd, machineMarkdown(machine), { tierkv: tOpts.tierkv, redis: tOpts.redis }, identities, tables));
    console.log(`wrote ${path}`);
  }
  if (failed) process.exitCode = 1;
}

if (isMain(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
