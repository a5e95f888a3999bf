/**
 * What the tier benchmark measures (bench/tiers.ts): the INFO tiers reading, how maxmemory was chosen, and the
 * outcome of part 1 (cost of tiering) and part 2 (hot-hit ratio over time). cost.ts and hits.ts fill them in;
 * report.ts renders them.
 */
import type { RbStats } from '../lib/redis-benchmark.js';
import type { Table } from '../lib/table.js';
import type { TiersOptions } from './options.js';

/** The INFO tiers fields this benchmark reads, as numbers (missing fields are NaN). */
export interface TierInfo {
  hotUsed: number;
  hotCapacity: number;
  coldUsed: number;
  hotKeys: number;
  coldKeys: number;
  promotions: number;
  demotions: number;
  epoch: number;
  hitsHot: number;
  hitsCold: number;
  slices: number;
  workTotalUs: number;
  workMaxUs: number;
}

/** How maxmemory was chosen for a part. */
export interface MaxmemoryChoice {
  /** maxmemory given to the servers, bytes. */
  bytes: number;
  /** The value as put on the command line ("1gb" or a byte count). */
  arg: string;
  /** Automatic: used_memory of the calibration server after the load, bytes (undefined when given). */
  calibratedUsed?: number;
}

/** One redis-benchmark test on one server. */
export interface CostTest {
  test: 'get' | 'set';
  pipeline: number;
  stats?: RbStats;
  error?: string;
  /** INFO tiers right before and after the measured run. */
  before?: TierInfo;
  after?: TierInfo;
  /** keyspace_misses during the run (GET of a key that is not there: the data set does not match). */
  misses?: number;
}

/** One server (one side, one repetition) of part 1. */
export interface CostSide {
  side: 'on' | 'off';
  rep: number;
  commandLine: string;
  identity: string;
  /** CPU cores kept busy by other processes during the 0.5 s before the start. */
  backgroundCores: number;
  loadMs?: number;
  settleMs?: number;
  maxmemory?: number;
  usedMemory?: number;
  /** INFO tiers after the load and settling. */
  afterLoad?: TierInfo;
  evicted?: number;
  tests: CostTest[];
  error?: string;
}

/** Part 1 outcome. */
export interface CostResult {
  sides: CostSide[];
  /** maxmemory of all part 1 servers. */
  maxmemory?: MaxmemoryChoice;
  elapsedMs: number;
  tables: Table[];
}

/** One sampling interval of part 2. */
export interface HitSample {
  /** End of the interval, seconds since the first phase started. */
  t: number;
  /** Length of the interval, seconds. */
  dt: number;
  /** Phase the interval belongs to. */
  phase: string;
  /** GET replies per second received by the load generator. */
  ops: number;
  /** Δtier_hits_hot / Δ(tier_hits_hot + tier_hits_cold); NaN without reads. */
  ratio: number;
  promotionsPerS: number;
  demotionsPerS: number;
  hotKeys: number;
  epoch: number;
  /** True if tier_counter_epoch changed during the interval. */
  reset: boolean;
}

/** Part 2 phase summary. */
export interface HitPhase {
  name: string;
  description: string;
  durationS: number;
  /** Best possible hot-hit ratio with the hot tier's key capacity. */
  oracle: number;
}

export interface HitResult {
  commandLine: string;
  identity: string;
  backgroundCores: number;
  loadMs?: number;
  maxmemory?: MaxmemoryChoice;
  usedMemory?: number;
  afterLoad?: TierInfo;
  /** evicted_keys after the load (should be 0). */
  evicted?: number;
  /** Keys the hot tier can hold (hot capacity / mean item bytes). */
  hotKeyCapacity?: number;
  phases: HitPhase[];
  samples: HitSample[];
  /** Load generator totals. */
  replies: number;
  errors: number;
  nils: number;
  firstError?: string;
  /** Zipf sampler check (share of draws on the top ranks vs the exact CDF). */
  zipfCheck?: string;
  error?: string;
  elapsedMs: number;
  tables: Table[];
}

/** Both parts' outcome. */
export interface TiersResult {
  options: TiersOptions;
  cost?: CostResult;
  hits?: HitResult;
  tables: Table[];
  /** Server command lines and identities, for the record. */
  servers: { label: string; commandLine: string; identity: string }[];
  /** True if a server failed to start or a test/phase recorded an error. */
  failed: boolean;
}
