/**
 * The fuzzer's keyspace-notification rule (test/fuzz/events.ts), without servers: which messages are compared, and
 * how two batches' messages are told apart.
 */
import { describe, expect, it } from 'vitest';

import { EVENT_FLAG_CHOICES, compareSegments, compared, eventName, type EventMessage } from '../fuzz/events.js';
import { eventFlagsOf } from '../fuzz/fuzz.js';

const m = (channel: string, payload: string): EventMessage => ({ channel: Buffer.from(channel, 'latin1'), payload: Buffer.from(payload, 'latin1') });

describe('fuzz keyspace events', () => {
  it('names the event of keyspace and keyevent messages', () => {
    expect(eventName(m('__keyspace@0__:k:1', 'set'))).toBe('set');
    expect(eventName(m('__keyevent@0__:rename_from', 'a:b'))).toBe('rename_from');
  });

  it('leaves out expired, evicted and migrate_prepare (timing- or tierkv-specific), compares the rest', () => {
    for (const e of ['expired', 'evicted', 'migrate_prepare']) {
      expect(compared(m(`__keyevent@0__:${e}`, 'k')), e).toBe(false);
      expect(compared(m('__keyspace@0__:k', e)), e).toBe(false);
    }
    for (const e of ['set', 'del', 'expire', 'keymiss', 'new', 'setbit']) expect(compared(m('__keyspace@0__:k', e)), e).toBe(true);
  });

  it('finds the first differing message, and a missing one at either end', () => {
    const a = [m('__keyspace@0__:a', 'set'), m('__keyevent@0__:set', 'a')];
    expect(compareSegments(a, [...a])).toBeNull();
    expect(compareSegments(a, [a[0]!, m('__keyevent@0__:set', 'b')])).toMatch(/at message 2 .*tierkv "__keyevent@0__:set" "a", redis "__keyevent@0__:set" "b"/);
    expect(compareSegments(a, a.slice(0, 1))).toMatch(/tierkv 2, redis 1 compared messages\): tierkv "__keyevent@0__:set" "a", redis \(nothing\)/);
    expect(compareSegments([], a)).toMatch(/at message 1 /);
  });

  it('picks flags by seed from the documented choices, all of them valid for both servers', () => {
    const seen = new Set(Array.from({ length: 20 }, (_, i) => eventFlagsOf(i)));
    expect([...seen].sort()).toEqual([...new Set(EVENT_FLAG_CHOICES)].sort());
    for (const f of seen) expect(f).toMatch(/^[KE]+[A$gxnm]*$|^[KE][A-Za-z$]*$/);
  });
});
