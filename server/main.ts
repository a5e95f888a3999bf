#!/usr/bin/env node
/**
 * `tierkv-server [config-file] [--name value ...]`: starts a server the way redis-server does (parameters by
 * Redis's names; see `--help`). With no arguments it serves 127.0.0.1:6379 with the embedded defaults.
 */
import { CliExit, ConfigError, loadFromArgs } from './config/config.js';
import { createLogger } from './core/log.js';
import { TierkvServer } from './net/server.js';
import { REDIS_COMPAT_VERSION, tierkvVersion } from './config/version.js';

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadFromArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof CliExit) {
      process.stdout.write(e.output);
      process.exit(e.exitCode);
    }
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      process.exit(1);
    }
    throw e;
  }
  const { config, warnings, configFile } = loaded;
  const log = createLogger(config.loglevel, config.logfile);
  for (const w of warnings) log.warn(w);
  if (config.databases !== 1) log.warn(`databases is ${config.databases}, but tierkv serves only database 0: SELECT of any other fails`);
  const srv = new TierkvServer(config, log);
  srv.core.configFile = configFile ?? '';
  srv.onShutdown = () => {
    log.info('tierkv is now ready to exit, bye bye');
    process.exit(0);
  };
  try {
    await srv.listen();
  } catch (e) {
    log.fatal({ err: e }, 'could not listen');
    process.exit(1);
  }
  // Start the zeroing worker now rather than at the first MIGRATE_PREPARE: a new worker thread takes seconds to
  // boot in an emulated (TCG) guest, which would be setup time of the migration.
  if (config.migrateZeroFreed && config.enableMigrateCommand !== 'no') srv.core.migration.warmUp();
  log.info(
    {
      version: tierkvVersion(),
      redisCompat: REDIS_COMPAT_VERSION,
      port: srv.port,
      bind: config.bind,
      maxmemory: config.maxmemory,
      maxmemoryPolicy: config.maxmemoryPolicy,
      hotRatio: config.hotRatio,
      configFile,
    },
    `tierkv ${tierkvVersion()} started. Ready to accept connections tcp on ${srv.host}:${srv.port}`,
  );
  const stop = (sig: string): void => {
    log.info({ signal: sig }, 'received signal, shutting down');
    void srv.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
