/**
 * Versions tierkv reports. Clients read `redis_version` (INFO) and `version` (HELLO) to decide which commands
 * they may send; tierkv implements the Redis 7.2 behaviour they rely on (HELLO 3, CLIENT SETINFO), so it
 * reports 7.2.0 there and its own version as `tierkv_version`.
 */
export { tierkvVersion } from './config/version.js';

/** The Redis version whose behaviour tierkv follows, as reported to clients. */
export const REDIS_COMPAT_VERSION = '7.2.0';
