/**
 * Structured logging with pino. Redis's `loglevel` names map to pino levels: debug → debug, verbose → debug,
 * notice → info, warning → warn, nothing → silent. `logfile ""` logs to standard output, as redis-server does;
 * otherwise lines are appended to the file. Nothing is logged per command, so the logger stays quiet under load.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

const LEVELS: Record<string, string> = {
  debug: 'debug',
  verbose: 'debug',
  notice: 'info',
  warning: 'warn',
  nothing: 'silent',
};

/**
 * Creates the server's logger.
 * @param loglevel Redis loglevel name
 * @param logfile '' for stdout, else a file path (appended to, created if missing)
 */
export function createLogger(loglevel: string, logfile: string): Logger {
  const level = LEVELS[loglevel] ?? 'info';
  const dest = logfile === '' ? pino.destination({ fd: 1, sync: true }) : pino.destination({ dest: logfile, append: true, mkdir: true, sync: true });
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, dest);
}

/** Maps a Redis loglevel name to a pino level (for CONFIG SET loglevel). */
export function pinoLevel(loglevel: string): string {
  return LEVELS[loglevel] ?? 'info';
}
