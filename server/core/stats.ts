/**
 * The server-wide statistics that INFO stats, INFO clients and the Prometheus metrics report, with Redis's names:
 * plain counters bumped by dispatch and the network layer, the instantaneous_* samples taken by the cron every
 * 100 ms (Redis STATS_METRIC_SAMPLES), and the per-second client buffer peaks. Per-command counters live on the
 * commands (commands/types.ts), keyspace counters in keyspace/keyspace.ts, tier and page mover counters in memory/.
 */

/** Seconds over which INFO client_recent_max_input_buffer / _output_buffer look back (Redis: 8). */
export const CLIENT_PEAK_SLOTS = 8;

/** Server-wide counters (Redis INFO stats names). */
export class ServerStats {
  totalConnectionsReceived = 0;
  totalCommandsProcessed = 0;
  rejectedConnections = 0;
  totalNetInputBytes = 0;
  totalNetOutputBytes = 0;
  totalErrorReplies = 0;
  totalReadsProcessed = 0;
  totalWritesProcessed = 0;
  /** errorstat_<CODE> counts. */
  errorCodes = new Map<string, number>();
  /** instantaneous_ops_per_sec samples (Redis STATS_METRIC_SAMPLES = 16, every 100 ms). */
  opsSamples = new Float64Array(16);
  opsSampleIdx = 0;
  lastSampleTime = 0;
  lastSampleOps = 0;
  /** instantaneous_input_kbps / instantaneous_output_kbps samples (bytes per second), taken with the ops samples. */
  inSamples = new Float64Array(16);
  outSamples = new Float64Array(16);
  lastSampleIn = 0;
  lastSampleOut = 0;
  usedMemoryPeak = 0;
  /**
   * Largest query buffer and largest output memory (client.ts `outputMemory`) of any client, per second over the
   * last CLIENT_PEAK_SLOTS seconds (Redis 7.0 clientsCronTrackExpansiveClients): INFO client_recent_max_*_buffer.
   */
  readonly clientPeakIn = new Float64Array(CLIENT_PEAK_SLOTS);
  readonly clientPeakOut = new Float64Array(CLIENT_PEAK_SLOTS);
  /** used_memory once the server was set up (INFO used_memory_startup). */
  usedMemoryStartup = 0;

  /** instantaneous_ops_per_sec: mean of the recent samples. */
  instantaneousOps(): number {
    let s = 0;
    for (const v of this.opsSamples) s += v;
    return Math.round(s / this.opsSamples.length);
  }

  /** CONFIG RESETSTAT's part of these counters; the peak restarts from `usedMemory`. */
  reset(usedMemory: number): void {
    this.totalConnectionsReceived = 0;
    this.totalCommandsProcessed = 0;
    this.rejectedConnections = 0;
    this.totalNetInputBytes = 0;
    this.totalNetOutputBytes = 0;
    this.totalErrorReplies = 0;
    this.totalReadsProcessed = 0;
    this.totalWritesProcessed = 0;
    this.errorCodes.clear();
    this.usedMemoryPeak = usedMemory;
  }
}
