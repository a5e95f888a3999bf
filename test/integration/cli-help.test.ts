/**
 * Issue 11 item 7: `tierkv-server --help` (the built bin) does not describe a parameter as working when tierkv
 * ignores it: those tierkv accepts for compatibility but does not act on say "no effect" in their description, or
 * are listed under the "no effect" heading.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TIERKV_MAIN } from '../support/tierkv.js';

/** Parameters in the "Redis parameters" group that tierkv accepts but does not act on. */
const IGNORED = ['lfu-decay-time', 'lazyfree-lazy-user-flush', 'protected-mode', 'dir', 'pidfile'];

/** The description of each `--name <value>` option, its wrapped lines joined. */
function optionDocs(help: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | null = null;
  for (const line of help.split('\n')) {
    const m = /^ {2}--([a-z0-9_-]+) <value(?:\.\.\.)?>\s+(.*)$/.exec(line);
    if (m) {
      name = m[1]!;
      out.set(name, m[2]!);
    } else if (name !== null && /^\s{20,}\S/.test(line)) {
      out.set(name, `${out.get(name)} ${line.trim()}`);
    } else {
      name = null;
    }
  }
  return out;
}

describe('tierkv-server --help', () => {
  it('says "no effect" for every parameter tierkv ignores', () => {
    const r = spawnSync(process.execPath, [TIERKV_MAIN, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const docs = optionDocs(r.stdout);
    for (const name of IGNORED) {
      expect(docs.get(name), name).toMatch(/^accepted.*no effect/);
    }
    expect(docs.get('lfu-decay-time')).toContain('tier-counter-reset-ms');
    // http-port documents its automatic default.
    expect(docs.get('http-port')).toContain('auto = port + 1000');
    expect(docs.get('http-port')).toContain('[default: auto]');
  });
});
