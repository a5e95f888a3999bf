/**
 * Shrinking a failing fuzz sequence to a minimal reproduction, and printing it.
 *
 * The shrinker is delta debugging over steps (Zeller and Hildebrandt, "Simplifying and Isolating
 * Failure-Inducing Input", TSE 2002, in its simple complement-removal form): first the prefix up to the failing
 * step, then chunks of half, a quarter, ... down to single steps are removed while the replay still diverges the
 * same way (same kind, same command: `sameDivergence`), within a budget of replays and time. Steps are atomic,
 * so a command is never separated from the EXISTS or the sleep it needs to be deterministic; only the clients steps
 * left (several connections on large values) are then shrunk inside, by phase and by command.
 */
import { showBytes, showCommand } from '../support/resp.js';
import { describeReply, describeValue, type Cmd, type Step } from './gen.js';
import { type Divergence, type PairContext, type RunOptions, runSteps, sameDivergence } from './runner.js';

/** Result of {@link shrink}. */
export interface Shrunk {
  steps: Step[];
  divergence: Divergence;
  replays: number;
  /** Set when the budget ran out before a 1-minimal sequence was reached. */
  incomplete?: string;
}

/**
 * Shrinks `steps`, which diverged as `found`.
 * @param budget at most this many replays and this many ms
 * @returns the smallest sequence found that still diverges the same way (the original when no replay reproduces)
 */
export async function shrink(
  ctx: PairContext,
  steps: readonly Step[],
  found: Divergence,
  opts: RunOptions,
  budget: { replays: number; ms: number } = { replays: 400, ms: 120_000 },
): Promise<Shrunk> {
  const deadline = Date.now() + budget.ms;
  let replays = 0;
  let best: Divergence = found;
  let incomplete: string | undefined;
  const fails = async (seq: Step[]): Promise<boolean> => {
    if (replays >= budget.replays || Date.now() > deadline) {
      incomplete ??= `budget of ${budget.replays} replays / ${budget.ms} ms used up`;
      return false;
    }
    replays++;
    const d = await runSteps(ctx, seq, opts);
    if (d !== null && sameDivergence(d, found)) {
      best = d;
      return true;
    }
    return false;
  };
  let cur = steps.slice();
  if (found.step >= 0 && found.kind !== 'state' && found.step + 1 < cur.length && (await fails(cur.slice(0, found.step + 1)))) {
    cur = cur.slice(0, found.step + 1);
  }
  for (let chunk = Math.max(1, cur.length >> 1); chunk >= 1 && incomplete === undefined; chunk >>= 1) {
    for (let start = 0; start < cur.length && incomplete === undefined; ) {
      const cand = cur.slice(0, start).concat(cur.slice(start + chunk));
      if (cand.length > 0 && (await fails(cand))) cur = cand;
      else start += chunk;
    }
  }
  // Then inside the clients steps that are left (gen.ts Step.clients): whole phases, then single commands of the
  // phases and of the commands run before them.
  for (let i = 0; i < cur.length && incomplete === undefined; i++) {
    if (cur[i]!.clients === undefined) continue;
    const replace = (st: Step): Step[] => cur.slice(0, i).concat([st], cur.slice(i + 1));
    for (let p = 0; p < cur[i]!.clients!.length && cur[i]!.clients!.length > 1 && incomplete === undefined; ) {
      const cand = replace({ ...cur[i]!, clients: cur[i]!.clients!.filter((_, j) => j !== p) });
      if (await fails(cand)) cur = cand;
      else p++;
    }
    for (let c = 0; c < cur[i]!.cmds.length && incomplete === undefined; ) {
      const cand = replace({ ...cur[i]!, cmds: cur[i]!.cmds.filter((_, j) => j !== c) });
      if (await fails(cand)) cur = cand;
      else c++;
    }
    for (let p = 0; p < cur[i]!.clients!.length && incomplete === undefined; p++) {
      for (let c = 0; c < cur[i]!.clients![p]!.cmds.length && cur[i]!.clients![p]!.cmds.length > 1 && incomplete === undefined; ) {
        const phases = cur[i]!.clients!.map((ph, j) => (j === p ? { ...ph, cmds: ph.cmds.filter((_, k) => k !== c) } : ph));
        const cand = replace({ ...cur[i]!, clients: phases });
        if (await fails(cand)) cur = cand;
        else c++;
      }
    }
  }
  return { steps: cur, divergence: best, replays, ...(incomplete !== undefined ? { incomplete } : {}) };
}

/** A command as text: arguments as quoted bytes, large ones (values of many KiB) summarized by describeValue. */
export function showCmd(c: Cmd): string {
  return c.map((a) => (a.length > 120 ? describeValue(a) : showCommand([a], 60))).join(' ');
}

/** One step as text (commands as quoted arguments; special steps named). */
export function showStep(s: Step): string {
  const parts: string[] = [];
  if (s.drop === true) parts.push('<MIGRATE_PREPARE on tierkv / DEL of its cold keys on redis>');
  if (s.fresh === true) parts.push('<on a new connection:>');
  for (const c of s.cmds) parts.push((s.inline === true ? '(inline) ' : '') + showCmd(c));
  for (const ph of s.clients ?? []) {
    parts.push(`<client ${ph.client}${ph.unread === true ? ', replies left unread, waited until executed' : ''}:> ${ph.cmds.map(showCmd).join('  ;  ')}`);
  }
  if (s.scanAll !== undefined) parts.push(`<full SCAN iteration> ${showCommand(s.scanAll, 40)}`);
  if (s.raw !== undefined) parts.push(`<raw bytes> ${showBytes(s.raw, 80)}`);
  if (s.sleepMs !== undefined) parts.push(`<sleep ${s.sleepMs} ms>`);
  return parts.join('  ;  ');
}

/** A report of a divergence: what differed and the (shrunk) steps, one per line. */
export function formatDivergence(title: string, d: Divergence, steps: readonly Step[]): string {
  const lines = [title, `${d.kind} divergence${d.step >= 0 ? ` at step ${d.step + 1}` : ''}: ${d.reason}`];
  const show = (b: Buffer): string => (b.length > 600 ? describeReply(b) : showBytes(b, 600));
  if (d.cmd !== undefined) lines.push(`  command: ${showCmd(d.cmd)}`);
  if (d.tierkv !== undefined) lines.push(`  tierkv : ${show(d.tierkv)}`);
  if (d.redis !== undefined) lines.push(`  redis  : ${show(d.redis)}`);
  lines.push(`steps (${steps.length}), each run on a fresh connection after FLUSHALL:`);
  steps.forEach((s, i) => lines.push(`  ${String(i + 1).padStart(4)}. ${showStep(s)}`));
  return lines.join('\n');
}
