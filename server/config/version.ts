/**
 * The versions tierkv reports: its own (`tierkv_version`, `--version`), read once from the repository's
 * package.json (found by walking up from this module, so it works both from the sources and from dist/), and the
 * Redis version it follows. Clients read `redis_version` (INFO) and `version` (HELLO) to decide which commands they
 * may send; tierkv implements the Redis 7.2 behaviour they rely on (HELLO 3, CLIENT SETINFO), so it reports 7.2.0
 * there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Redis version whose behaviour tierkv follows, as reported to clients. */
export const REDIS_COMPAT_VERSION = '7.2.0';

let cached: string | undefined;

/**
 * The `version` field of tierkv's package.json, e.g. "0.1.0"; "0.0.0" when it cannot be found or read.
 */
export function tierkvVersion(): string {
  if (cached !== undefined) return cached;
  cached = '0.0.0';
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'tierkv' && typeof pkg.version === 'string') {
        cached = pkg.version;
        break;
      }
    } catch {
      // not here: go up
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return cached;
}
