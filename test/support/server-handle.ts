/**
 * The common shape of every server a test starts (a real redis-server, tierkv in-process, tierkv as a child
 * process), so a suite can run the same assertions against either.
 */

/** Which implementation a {@link ServerHandle} runs. */
export type ServerKind = 'redis' | 'tierkv-inprocess' | 'tierkv-process';

/** Config parameters by their Redis names and values as on a redis.conf line: `{ maxmemory: '2mb' }`. */
export type ServerParams = Record<string, string>;

export interface ServerHandle {
  readonly kind: ServerKind;
  /** Address to connect to (always a loopback address). */
  readonly host: string;
  /** TCP port the server listens on. */
  readonly port: number;
  /** Parameters the server was started with (excluding port and the helper's own defaults). */
  readonly params: Readonly<ServerParams>;
  /**
   * Output the server printed so far (stdout and stderr interleaved, last ~64 KiB) for failure messages; empty
   * for an in-process server.
   */
  output(): string;
  /** True until the server's process has exited (or, in-process, until stop()). */
  alive(): boolean;
  /** Stops the server and resolves once it has exited (or closed, in-process). Idempotent. */
  stop(): Promise<void>;
}

/** Keeps the last `limit` characters of a stream of text, for process output in failure messages. */
export class OutputTail {
  private text = '';
  constructor(private readonly limit = 64 * 1024) {}
  append(chunk: Buffer | string): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (this.text.length > this.limit * 2) this.text = this.text.slice(-this.limit);
  }
  toString(): string {
    return this.text.length > this.limit ? this.text.slice(-this.limit) : this.text;
  }
}

/** Converts `{ maxmemory: '2mb', save: '' }` to `['--maxmemory', '2mb', '--save', '']` (redis-server argv form). */
export function paramsToArgv(params: Readonly<ServerParams>): string[] {
  const argv: string[] = [];
  for (const [name, value] of Object.entries(params)) argv.push(`--${name}`, value);
  return argv;
}
