/**
 * One fuzz case: the sequence of a seed, run in one protocol on one pair of servers, shrunk and reported when it
 * diverges. Used by the CLI (main.ts) and by the bounded vitest suite (test/integration/fuzz.test.ts).
 */
import { generate, type Step } from './gen.js';
import { type Divergence, type PairContext, type RunOptions, runSteps } from './runner.js';
import { formatDivergence, shrink } from './shrink.js';
import { EVENT_FLAG_CHOICES } from './events.js';

/** Outcome of {@link runSeed}. */
export interface SeedResult {
  seed: number;
  protocol: 2 | 3;
  variant: string;
  steps: number;
  commands: number;
  divergence: Divergence | null;
  /** The printed reproduction (shrunk unless `shrink` was false), when it diverged. */
  report?: string;
  /** The shrunk steps, when it diverged. */
  minimal?: Step[];
}

/** Options of {@link runSeed}. */
export interface SeedOptions {
  /** Steps per sequence (default 200). */
  steps?: number;
  /** Shrink a failing sequence (default true). */
  shrink?: boolean;
  /** Text of the command that reruns this case, for the report. */
  rerun?: string;
  /** Large values and clients steps (gen.ts GenOptions.large; default false). */
  large?: boolean;
  /** Compare keyspace notifications (events.ts; default true), under flags picked by {@link eventFlagsOf}. */
  events?: boolean;
}

/** The `notify-keyspace-events` flags a seed's run compares its notifications under (events.ts). */
export function eventFlagsOf(seed: number): string {
  return EVENT_FLAG_CHOICES[seed % EVENT_FLAG_CHOICES.length]!;
}

/** Split seed derived from the sequence seed and protocol. */
export function splitSeedOf(seed: number, protocol: 2 | 3): number {
  return (Math.imul(seed, 0x9e3779b1) ^ protocol) >>> 0;
}

/**
 * Generates the sequence of `seed`, runs it on the pair in RESP`protocol`, shrinks it on divergence.
 * Never throws for a divergence (it is returned); throws only when the harness itself breaks.
 */
export async function runSeed(ctx: PairContext, seed: number, protocol: 2 | 3, options: SeedOptions = {}): Promise<SeedResult> {
  const tiered = ctx.pair.variant === 'tiered';
  const seq = generate(seed, { steps: options.steps ?? 200, drops: tiered, password: ctx.pair.password ?? '', large: options.large ?? false });
  const base = {
    seed,
    protocol,
    variant: ctx.pair.variant,
    steps: seq.steps.length,
    commands: seq.steps.reduce((n, s) => n + s.cmds.length + (s.clients ?? []).reduce((m, p) => m + p.cmds.length, 0), 0),
  };
  const title = `seed ${seed}, variant ${ctx.pair.variant}, RESP${protocol}` + (options.rerun ? ` (rerun: ${options.rerun})` : '');
  const events = options.events !== false ? eventFlagsOf(seed) : undefined;
  const r = await runReported(ctx, seq.steps, { protocol, splitSeed: splitSeedOf(seed, protocol), ...(events !== undefined ? { events } : {}) }, title, options.shrink !== false);
  return { ...base, ...r };
}

/** Outcome of {@link runReported}. */
export interface Reported {
  divergence: Divergence | null;
  /** The printed reproduction (shrunk when asked), when it diverged. */
  report?: string;
  /** The (shrunk) steps, when it diverged. */
  minimal?: Step[];
}

/**
 * Runs `steps` on the pair and, on a divergence, shrinks them (unless `doShrink` is false or tierkv died) and
 * formats the reproduction under `title`. Never throws for a divergence.
 */
export async function runReported(ctx: PairContext, steps: readonly Step[], runOpts: RunOptions, title: string, doShrink = true): Promise<Reported> {
  const d = await runSteps(ctx, steps, runOpts);
  if (d === null) return { divergence: null };
  if (!doShrink || d.kind === 'dead') return { divergence: d, report: formatDivergence(title, d, steps), minimal: steps.slice() };
  const s = await shrink(ctx, steps, d, runOpts);
  const note = `\n(shrunk from ${steps.length} to ${s.steps.length} steps in ${s.replays} replays${s.incomplete ? `; ${s.incomplete}` : ''})`;
  return { divergence: s.divergence, report: formatDivergence(title, s.divergence, s.steps) + note, minimal: s.steps };
}
