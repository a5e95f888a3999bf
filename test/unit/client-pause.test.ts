/**
 * CLIENT PAUSE's state (server/core/client-pause.ts): the stricter mode and the later end win, an end already past
 * pauses nothing, and when the pause ends the waiting clients resume in order, after the current tick, with their
 * own copy of the command; the keyspace is told when expiry must stop and restart.
 */
import { describe, expect, it } from 'vitest';
import { copyArgv, type Argv } from '../../protocol/argv.js';
import { ClientPause, PAUSE_ALL, PAUSE_OFF, PAUSE_WRITE } from '../../server/core/client-pause.js';
import type { Client } from '../../server/core/client.js';

function argvOf(...args: string[]): Argv {
  const buf = Buffer.from(args.join(''), 'latin1');
  const argOff = new Int32Array(args.length);
  const argLen = new Int32Array(args.length);
  let o = 0;
  args.forEach((a, i) => {
    argOff[i] = o;
    argLen[i] = a.length;
    o += a.length;
  });
  return { argc: args.length, buf, argOff, argLen };
}

const text = (a: Argv): string[] => Array.from({ length: a.argc }, (_, i) => a.buf.toString('latin1', a.argOff[i], a.argOff[i] + a.argLen[i]));

describe('ClientPause', () => {
  it('keeps the stricter mode and the later end; an end in the past pauses nothing', () => {
    const changes: boolean[] = [];
    const p = new ClientPause(() => {}, (on) => changes.push(on));
    const now = Date.now();
    p.pause(now - 10, PAUSE_ALL);
    expect(p.type).toBe(PAUSE_OFF);
    p.pause(now + 5000, PAUSE_WRITE);
    p.pause(now + 1000, PAUSE_ALL);
    expect(p.type).toBe(PAUSE_ALL);
    expect(p.end).toBe(now + 5000);
    p.pause(now + 9000, PAUSE_WRITE);
    expect(p.type).toBe(PAUSE_ALL);
    expect(p.end).toBe(now + 9000);
    expect(p.checkEnded(now + 100)).toBe(false);
    p.unpause();
    expect(p.type).toBe(PAUSE_OFF);
    expect(changes.at(-1)).toBe(false);
    p.close();
  });

  it('resumes the waiting clients in order, after the current tick, with copies of their commands', async () => {
    const resumed: [number, string[]][] = [];
    const p = new ClientPause((c, argv) => resumed.push([c.id, text(argv)]), () => {});
    p.pause(Date.now() + 60_000, PAUSE_WRITE);
    const a = argvOf('SET', 'k', 'v');
    p.postpone({ id: 1 } as Client, a);
    a.buf.fill(0x78); // the query buffer is reused: the copy must not change
    p.postpone({ id: 2 } as Client, argvOf('INCR', 'n'));
    expect(p.waitingCount).toBe(2);
    p.unpause();
    expect(resumed).toEqual([]);
    await new Promise((r) => process.nextTick(r));
    expect(resumed).toEqual([[1, ['SET', 'k', 'v']], [2, ['INCR', 'n']]]);
    expect(p.waitingCount).toBe(0);
  });

  it('ends by itself at its end time', async () => {
    let ended = false;
    const p = new ClientPause(() => {}, (on) => {
      if (!on) ended = true;
    });
    p.pause(Date.now() + 30, PAUSE_ALL);
    await new Promise((r) => setTimeout(r, 120));
    expect(ended).toBe(true);
    expect(p.type).toBe(PAUSE_OFF);
  });

  it('copyArgv copies the bytes of every argument', () => {
    const c = copyArgv(argvOf('a', '', 'bcd'));
    expect(text(c)).toEqual(['a', '', 'bcd']);
  });
});
