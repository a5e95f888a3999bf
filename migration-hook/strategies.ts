/**
 * The migration strategies the controller knows, as data, and the balloon-target rule of the `tierkv-balloon` strategy.
 *
 * Background: pre-copy live migration (Clark et al., "Live Migration of Virtual Machines", NSDI 2005) sends RAM
 * while the guest runs and re-sends dirtied pages; post-copy (Hines & Gopalan, "Post-copy based live virtual
 * machine migration using adaptive pre-paging and dynamic self-ballooning", VEE 2009) moves the guest at once and
 * fetches pages on demand, and shrinks the guest with a balloon first so that free pages are never sent. QEMU's
 * implementation and its rules (postcopy-ram on both sides, `migrate-start-postcopy`, postcopy-preempt) are in
 * QEMU's docs/devel/migration.rst ("Postcopy") and qapi/migration.json. Free page hinting and free page reporting
 * are virtio-balloon features (VIRTIO spec 1.2, 5.5 "Traditional Memory Balloon Device": VIRTIO_BALLOON_F_FREE_PAGE_HINT,
 * VIRTIO_BALLOON_F_PAGE_REPORTING), exposed by QEMU as the device properties `free-page-hint` and
 * `free-page-reporting`.
 */

/** Every strategy name accepted by the controller and by `tierkv-migrate --strategy`. */
export const STRATEGY_NAMES = [
  'precopy',
  'postcopy',
  'postcopy-preempt',
  'tierkv',
  'tierkv-preempt',
  'tierkv-balloon',
  'tierkv-balloon-preempt',
  'tierkv-overlap',
  'tierkv-precopy',
  'tierkv-report',
  'tierkv-report-preempt',
] as const;

/** One of {@link STRATEGY_NAMES}. */
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/**
 * How a strategy shrinks what is sent, after tierkv's MIGRATE_PREPARE:
 * - `none`: nothing (baselines);
 * - `zero-pages`: nothing on the controller's side: tierkv zeroed the memory it dropped before freeing it, and QEMU
 *   sends zero pages as short headers (no balloon, no guest kernel option, no device feature);
 * - `balloon`: inflate the virtio-balloon to the memory still in use, wait until it settles (bounded);
 * - `free-page-hint`: pre-copy skips the pages the guest hints as free (device property `free-page-hint=on`);
 * - `free-page-reporting`: wait (bounded) while the guest reports freed blocks, which QEMU discards
 *   (device property `free-page-reporting=on`).
 */
export type ShrinkMethod = 'none' | 'zero-pages' | 'balloon' | 'free-page-hint' | 'free-page-reporting';

/** What a strategy does, step by step. */
export interface StrategySpec {
  name: StrategyName;
  /** Send MIGRATE_PREPARE (and MIGRATE_DONE / MIGRATE_ABORT) to tierkv. */
  prepare: boolean;
  shrink: ShrinkMethod;
  /** `postcopy`: start pre-copy and switch with `migrate-start-postcopy`; `precopy`: pre-copy to the end. */
  mode: 'precopy' | 'postcopy';
  /** Also enable the `postcopy-preempt` capability (page requests get their own channel; QEMU ≥ 7.1). */
  preempt: boolean;
  /**
   * Send MIGRATE_PREPARE as the migration starts instead of before it: the first pre-copy pass (mostly zero pages
   * of the guest's free memory, a ~9-byte header each) runs while tierkv drops and zeroes its cold tier, and the
   * switch to post-copy waits for tierkv's reply. Pages zeroed after they were sent are dirty and go again as zero
   * pages; only cold pages sent before their zeroing are wasted. Needs `mode: 'postcopy'` and `shrink: 'zero-pages'`.
   */
  overlap?: boolean;
  /** One line for help texts and reports. */
  description: string;
}

/** The strategies, by name. */
export const STRATEGIES: Readonly<Record<StrategyName, StrategySpec>> = {
  precopy: {
    name: 'precopy',
    prepare: false,
    shrink: 'none',
    mode: 'precopy',
    preempt: false,
    description: 'plain pre-copy (baseline); tierkv is not involved',
  },
  postcopy: {
    name: 'postcopy',
    prepare: false,
    shrink: 'none',
    mode: 'postcopy',
    preempt: false,
    description: 'pre-copy switched to post-copy at once (the paper\'s baseline); tierkv is not involved',
  },
  'postcopy-preempt': {
    name: 'postcopy-preempt',
    prepare: false,
    shrink: 'none',
    mode: 'postcopy',
    preempt: true,
    description: 'postcopy with the postcopy-preempt capability (baseline)',
  },
  tierkv: {
    name: 'tierkv',
    prepare: true,
    shrink: 'zero-pages',
    mode: 'postcopy',
    preempt: false,
    description: 'MIGRATE_PREPARE (tierkv zeroes the memory it drops), then post-copy; no balloon (the default)',
  },
  'tierkv-preempt': {
    name: 'tierkv-preempt',
    prepare: true,
    shrink: 'zero-pages',
    mode: 'postcopy',
    preempt: true,
    description: 'tierkv with postcopy-preempt',
  },
  'tierkv-balloon': {
    name: 'tierkv-balloon',
    prepare: true,
    shrink: 'balloon',
    mode: 'postcopy',
    preempt: false,
    description: "MIGRATE_PREPARE, inflate the balloon to the memory in use, then post-copy (the paper's exact method)",
  },
  'tierkv-balloon-preempt': {
    name: 'tierkv-balloon-preempt',
    prepare: true,
    shrink: 'balloon',
    mode: 'postcopy',
    preempt: true,
    description: 'tierkv-balloon with postcopy-preempt',
  },
  'tierkv-overlap': {
    name: 'tierkv-overlap',
    prepare: true,
    shrink: 'zero-pages',
    mode: 'postcopy',
    preempt: false,
    overlap: true,
    description: 'tierkv, but MIGRATE_PREPARE runs during the first pre-copy pass; the post-copy switch follows its reply',
  },
  'tierkv-precopy': {
    name: 'tierkv-precopy',
    prepare: true,
    shrink: 'free-page-hint',
    mode: 'precopy',
    preempt: false,
    description: 'MIGRATE_PREPARE, then pre-copy that skips the pages the guest hints as free (free-page-hint)',
  },
  'tierkv-report': {
    name: 'tierkv-report',
    prepare: true,
    shrink: 'free-page-reporting',
    mode: 'postcopy',
    preempt: false,
    description: 'MIGRATE_PREPARE, wait while free-page-reporting returns the freed blocks, then post-copy (no inflation)',
  },
  'tierkv-report-preempt': {
    name: 'tierkv-report-preempt',
    prepare: true,
    shrink: 'free-page-reporting',
    mode: 'postcopy',
    preempt: true,
    description: 'tierkv-report with postcopy-preempt',
  },
};

/** The strategy `tierkv-migrate` and the experiment mean by "tierkv": MIGRATE_PREPARE with zeroing, post-copy. */
export const DEFAULT_STRATEGY: StrategyName = 'tierkv';

/** True when the strategy needs a virtio-balloon device in the VM (to inflate it, or for one of its features). */
export function needsBalloonDevice(spec: StrategySpec): boolean {
  return spec.shrink === 'balloon' || spec.shrink === 'free-page-hint' || spec.shrink === 'free-page-reporting';
}

/** True if `name` is a known strategy. */
export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

/**
 * The spec of a strategy.
 * @throws {TypeError} for an unknown name (the message lists the known ones).
 */
export function strategySpec(name: string): StrategySpec {
  if (!isStrategyName(name)) throw new TypeError(`unknown strategy ${JSON.stringify(name)}; one of: ${STRATEGY_NAMES.join(', ')}`);
  return STRATEGIES[name];
}

/** The migration capabilities a strategy turns on, per side (`events` always, for the timeline). */
export function strategyCapabilities(spec: StrategySpec): { source: Record<string, boolean>; destination: Record<string, boolean> } {
  const common: Record<string, boolean> = { events: true };
  if (spec.mode === 'postcopy') common['postcopy-ram'] = true;
  if (spec.preempt) common['postcopy-preempt'] = true;
  const destination = { ...common };
  // Per-vCPU fault blocking time, measured on the destination only (qapi/migration.json).
  if (spec.mode === 'postcopy') destination['postcopy-blocktime'] = true;
  return { source: common, destination };
}

// ---------------------------------------------------------------------------------------------------------------
// Balloon target
// ---------------------------------------------------------------------------------------------------------------

/** Inputs of {@link computeBalloonTarget}; bytes throughout. */
export interface BalloonTargetInput {
  /** The guest's RAM now, per `query-balloon` `actual` (the whole RAM unless a balloon is inflated already). */
  guestRamBytes: number;
  /** Memory kept free for the guest on top of what is in use (`--balloon-headroom`). */
  headroomBytes: number;
  /** Never shrink the guest below this (default: the headroom, at least 64 MiB). */
  minBytes?: number;
  /** From MIGRATE_PREPARE (tierkv in the guest): /proc/meminfo MemTotal of the machine tierkv runs on. */
  systemMemoryTotal?: number;
  /** From MIGRATE_PREPARE: /proc/meminfo MemAvailable after the drop. */
  systemMemoryAvailable?: number;
  /** From MIGRATE_PREPARE: tierkv's RSS after the drop. */
  usedMemoryRss?: number;
  /** From MIGRATE_PREPARE: tierkv's dataset bytes after the drop. */
  usedMemory?: number;
}

/**
 * Which figures set the target: `guest-available` (guest RAM − (MemAvailable − headroom)), `used-memory`
 * (tierkv's used memory + headroom, when the guest's figures are missing or are not the guest's), or `none`
 * (nothing to free: the target equals the guest RAM).
 */
export type BalloonBasis = 'guest-available' | 'used-memory' | 'none';

/** Result of {@link computeBalloonTarget}. */
export interface BalloonTarget {
  /** The `balloon` command's value: the guest's RAM size to reach, bytes. */
  targetBytes: number;
  basis: BalloonBasis;
  /** Why this basis (for the report). */
  reason: string;
  /** True when the target is below the guest RAM by more than 1 MiB, i.e. a balloon command is worth sending. */
  inflate: boolean;
}

const MiB = 1024 * 1024;

/**
 * The `tierkv-balloon` strategy's balloon target: shrink the guest to what is still in use plus a headroom.
 *
 * - With the guest's own figures (tierkv runs in the guest, so MIGRATE_PREPARE's `system_memory_total` and
 *   `system_memory_available` are the guest kernel's): `target = guestRam − (available − headroom)`.
 * - When they are missing, or cannot be the guest's because MemTotal exceeds the guest RAM by more than 10 %
 *   (tierkv runs elsewhere, e.g. on the host in tests): `target = max(used_memory_rss, used_memory) + headroom`.
 *
 * The target is clamped to [`minBytes`, guestRam] and rounded down to whole MiB (the balloon moves in pages).
 * Hines & Gopalan's dynamic self-ballooning (VEE 2009) is the idea; the formula is this project's.
 * @throws {RangeError} if `guestRamBytes` is not positive or `headroomBytes` is negative.
 */
export function computeBalloonTarget(input: BalloonTargetInput): BalloonTarget {
  const ram = input.guestRamBytes;
  if (!(ram > 0)) throw new RangeError(`guest RAM must be positive, got ${ram}`);
  if (!(input.headroomBytes >= 0)) throw new RangeError(`balloon headroom must be >= 0, got ${input.headroomBytes}`);
  const floor = Math.min(ram, input.minBytes ?? Math.max(64 * MiB, input.headroomBytes));
  const total = input.systemMemoryTotal ?? 0;
  const avail = input.systemMemoryAvailable;
  let raw: number;
  let basis: BalloonBasis;
  let reason: string;
  if (total > 0 && avail !== undefined && avail >= 0 && total <= ram * 1.1) {
    basis = 'guest-available';
    const free = Math.max(0, avail - input.headroomBytes);
    raw = ram - free;
    reason = `guest RAM ${fmt(ram)} − (MemAvailable ${fmt(avail)} − headroom ${fmt(input.headroomBytes)})`;
  } else {
    basis = 'used-memory';
    const used = Math.max(input.usedMemoryRss ?? 0, input.usedMemory ?? 0);
    raw = used + input.headroomBytes;
    reason =
      total > ram * 1.1
        ? `tierkv's MemTotal ${fmt(total)} exceeds the guest RAM ${fmt(ram)} (not the guest's figures): used ${fmt(used)} + headroom ${fmt(input.headroomBytes)}`
        : `no guest memory figures: used ${fmt(used)} + headroom ${fmt(input.headroomBytes)}`;
  }
  let target = Math.min(ram, Math.max(floor, raw));
  if (target < ram) target = Math.floor(target / MiB) * MiB;
  const inflate = ram - target > MiB;
  if (!inflate) return { targetBytes: ram, basis: 'none', reason: `nothing to free (${reason})`, inflate: false };
  return { targetBytes: target, basis, reason, inflate };
}

function fmt(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}
