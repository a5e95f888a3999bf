/**
 * Keyspace-notification capture for tests: run commands on one connection and collect what a subscriber of the
 * pattern `*` received meanwhile.
 */
import { decodeReply, type RawClient } from './raw-client.js';
import { sleep } from './wait.js';

/** Channel published after the steps: its message marks the end of the events they caused. */
export const EVENTS_END = '__test_end__';

/**
 * Runs `steps` (commands, or a number: a pause in ms) on `cmd`, then publishes an end marker, and returns the
 * events `sub` (PSUBSCRIBEd to `*`) received in between, as "channel message" lines.
 */
export async function eventsOf(sub: RawClient, cmd: RawClient, steps: (string[] | number)[]): Promise<string[]> {
  for (const s of steps) {
    if (typeof s === 'number') await sleep(s);
    else await cmd.command(...s);
  }
  await cmd.command('PUBLISH', EVENTS_END, 'x');
  const out: string[] = [];
  for (;;) {
    const m = decodeReply(await sub.readReply()) as string[];
    if (m[2] === EVENTS_END) return out;
    out.push(`${m[2]} ${m[3]}`);
  }
}
