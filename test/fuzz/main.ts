/**
 * The differential fuzzer's command line: tierkv against redis-server 7.0, seed after seed, in RESP2 and RESP3,
 * on the plain and the tiered configuration (servers.ts), printing a shrunk reproduction for every divergence.
 *
 *   npm run fuzz -- --seconds 1800          # soak run: as many seeds as fit in 30 minutes, from a random seed
 *   npm run fuzz -- --seeds 100 --from 1    # seeds 1..100
 *   npm run fuzz -- --seed 4242 --variant tiered --protocol 3   # rerun one case
 *   npm run fuzz -- --seeds 50 --large on   # every sequence with large values and interleaved clients
 *
 * By default odd seeds run with large values and clients steps (gen.ts GenOptions.large: values across the jumbo
 * threshold, unread pipelines of one client while another writes); `--large on|off` for all or none.
 *
 * Keyspace notifications are compared too (events.ts: one subscriber per server, flags picked by seed;
 * `--no-events` turns that off).
 *
 * Exit code 0 when nothing diverged, 1 otherwise, 2 on a usage error. Needs redis-server on PATH (or
 * $REDIS_SERVER_BIN) and a built dist/ (`npm run fuzz` builds first).
 */
import { Command, InvalidArgumentError } from 'commander';
import { runSeed, type SeedResult } from './fuzz.js';
import { preparePair, type PairContext } from './runner.js';
import { startPair, type TierkvMode, type Variant } from './servers.js';

function int(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('not a non-negative integer');
  return n;
}

const program = new Command()
  .name('fuzz')
  .description('differential fuzzer: tierkv vs redis-server, byte for byte')
  .option('--seconds <n>', 'run seeds until this many seconds have passed', int)
  .option('--seeds <n>', 'number of seeds (default 20 unless --seconds)', int)
  .option('--from <seed>', 'first seed (default: 1, or a random one with --seconds)', int)
  .option('--seed <seed>', 'run exactly this seed', int)
  .option('--steps <n>', 'steps per sequence', int, 200)
  .option('--variant <v>', 'plain | tiered | auth | all (alternating by seed)', 'all')
  .option('--protocol <p>', '2 | 3 | both', 'both')
  .option('--target <t>', 'process (tierkv as a child process) | inprocess', 'process')
  .option('--large <mode>', 'large values and interleaved clients (gen.ts): on | off | alternate (odd seeds)', 'alternate')
  .option('--no-shrink', 'print the whole failing sequence instead of shrinking it')
  .option('--no-events', 'do not compare keyspace notifications (events.ts; on by default, flags picked by seed)')
  .option('--max-divergences <n>', 'stop after this many divergent cases', int, 20)
  .option('--verbose', 'print a line per case')
  .parse();

const o = program.opts<{
  seconds?: number;
  seeds?: number;
  from?: number;
  seed?: number;
  steps: number;
  variant: string;
  protocol: string;
  target: string;
  large: string;
  shrink: boolean;
  events: boolean;
  maxDivergences: number;
  verbose?: boolean;
}>();

if (!['on', 'off', 'alternate'].includes(o.large) || !['plain', 'tiered', 'auth', 'all'].includes(o.variant) || !['2', '3', 'both'].includes(o.protocol) || !['process', 'inprocess'].includes(o.target)) {
  program.error('bad --variant, --protocol or --target', { exitCode: 2 });
}

const variants: Variant[] = o.variant === 'all' ? ['plain', 'tiered', 'auth'] : [o.variant as Variant];
const protocols: Array<2 | 3> = o.protocol === 'both' ? [2, 3] : [Number(o.protocol) as 2 | 3];
const first = o.seed ?? o.from ?? (o.seconds !== undefined ? Math.floor(Math.random() * 1_000_000_000) : 1);
const count = o.seed !== undefined ? 1 : (o.seeds ?? (o.seconds !== undefined ? Number.MAX_SAFE_INTEGER : 20));
const deadline = o.seconds !== undefined ? Date.now() + o.seconds * 1000 : Infinity;

const pairs = new Map<Variant, PairContext>();
async function pairFor(v: Variant): Promise<PairContext> {
  let ctx = pairs.get(v);
  if (ctx !== undefined && !ctx.pair.tierkvAlive()) {
    process.stdout.write(`tierkv (${v}) died; output tail:\n${ctx.pair.tierkv.output().slice(-4000)}\nrestarting the pair\n`);
    await ctx.pair.stop();
    ctx = undefined;
  }
  if (ctx === undefined) {
    ctx = await preparePair(await startPair(v, o.target as TierkvMode));
    pairs.set(v, ctx);
  }
  return ctx;
}

const started = Date.now();
let seeds = 0;
let cases = 0;
let commands = 0;
const divergent: SeedResult[] = [];
process.stdout.write(`fuzz: from seed ${first}, variants ${variants.join('+')}, RESP ${protocols.join('+')}, ${o.steps} steps per sequence\n`);
try {
  for (let seed = first; seed < first + count && Date.now() < deadline; seed++) {
    const variant = variants[seed % variants.length]!;
    for (const protocol of protocols) {
      const ctx = await pairFor(variant);
      const large = o.large === 'on' || (o.large === 'alternate' && seed % 2 === 1);
      const rerun = `npm run fuzz -- --seed ${seed} --variant ${variant} --protocol ${protocol} --steps ${o.steps} --large ${large ? 'on' : 'off'}${o.events ? '' : ' --no-events'}`;
      const r = await runSeed(ctx, seed, protocol, { steps: o.steps, shrink: o.shrink, rerun, large, events: o.events });
      cases++;
      commands += r.commands;
      if (o.verbose === true) {
        process.stdout.write(`  seed ${seed} ${variant} RESP${protocol}${large ? ' large' : ''}: ${r.commands} commands, ${r.divergence === null ? 'ok' : r.divergence.kind}\n`);
      }
      if (r.divergence !== null) {
        divergent.push(r);
        process.stdout.write(`\n${r.report}\n\n`);
      }
    }
    seeds++;
    if (seeds % 25 === 0) {
      const s = ((Date.now() - started) / 1000).toFixed(0);
      process.stdout.write(`  ${seeds} seeds, ${cases} cases, ${commands} commands, ${divergent.length} divergent, ${s} s\n`);
    }
    if (divergent.length >= o.maxDivergences) break;
  }
} finally {
  for (const ctx of pairs.values()) await ctx.pair.stop();
}
const secs = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(
  `fuzz: ${seeds} seeds (${first}..${first + seeds - 1}), ${cases} cases, ${commands} commands in ${secs} s: ` +
    `${divergent.length} divergent${divergent.length > 0 ? ` (seeds ${divergent.map((d) => `${d.seed}/RESP${d.protocol}`).join(', ')})` : ''}\n`,
);
process.exitCode = divergent.length > 0 ? 1 : 0;
