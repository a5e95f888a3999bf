/**
 * The slow log's ring (server/core/slowlog.ts) and the latency monitor (server/core/latency-monitor.ts), without a
 * server: bounded by slowlog-max-len through growth, trims and CONFIG SET; latency samples merged per second and
 * kept 160 deep.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Argv } from '../../protocol/argv.js';
import { Config } from '../../server/config/config.js';
import type { Client } from '../../server/core/client.js';
import { LATENCY_TS_LEN, LatencyMonitor } from '../../server/core/latency-monitor.js';
import { SlowLog } from '../../server/core/slowlog.js';

function argv(...args: string[]): Argv {
  const bufs = args.map((a) => Buffer.from(a, 'latin1'));
  const argOff = new Int32Array(args.length);
  const argLen = new Int32Array(args.length);
  let off = 0;
  bufs.forEach((b, i) => {
    argOff[i] = off;
    argLen[i] = b.length;
    off += b.length;
  });
  return { argc: args.length, buf: Buffer.concat(bufs), argOff, argLen };
}

const client = { addr: '127.0.0.1:5000', name: 'n' } as Client;

describe('SlowLog', () => {
  test('is off at -1, logs at the threshold, keeps the newest slowlog-max-len entries', () => {
    const config = new Config();
    const log = new SlowLog(config);
    expect(log.threshold).toBe(10000);
    expect(config.set([['slowlog-log-slower-than', '-1']])).toBeNull();
    expect(log.threshold).toBe(Infinity);
    expect(config.set([['slowlog-log-slower-than', '0'], ['slowlog-max-len', '5']])).toBeNull();
    expect(log.threshold).toBe(0);
    for (let i = 0; i < 100; i++) log.push(client, argv('SET', `k${i}`, 'v'), i);
    expect(log.length).toBe(5);
    const got = log.newest(10);
    expect(got.map((e) => e.id)).toEqual([99, 98, 97, 96, 95]);
    expect(got[0]!.argv.map((b) => b.toString())).toEqual(['SET', 'k99', 'v']);
    expect(got[0]).toMatchObject({ duration: 99, peer: '127.0.0.1:5000', name: 'n' });
    expect(log.newest(2).map((e) => e.id)).toEqual([99, 98]);
  });

  test('a lower slowlog-max-len trims at once, a higher one lets the log grow; RESET keeps the ids going', () => {
    const config = new Config();
    const log = new SlowLog(config);
    config.set([['slowlog-log-slower-than', '0'], ['slowlog-max-len', '1000']]);
    for (let i = 0; i < 700; i++) log.push(client, argv('PING'), 1);
    expect(log.length).toBe(700);
    config.set([['slowlog-max-len', '3']]);
    expect(log.length).toBe(3);
    expect(log.newest(log.length).map((e) => e.id)).toEqual([699, 698, 697]);
    config.set([['slowlog-max-len', '0']]);
    expect(log.length).toBe(0);
    config.set([['slowlog-max-len', '128']]);
    log.push(client, argv('PING'), 1);
    log.reset();
    expect(log.length).toBe(0);
    log.push(client, argv('PING'), 1);
    expect(log.newest(1)[0]!.id).toBe(701);
  });

  test('truncates arguments and redacts secrets as Redis 7.0', () => {
    const config = new Config();
    const log = new SlowLog(config);
    config.set([['slowlog-log-slower-than', '0']]);
    const many = Array.from({ length: 40 }, (_, i) => String(i));
    log.push(client, argv('DEL', ...many), 1);
    log.push(client, argv('SET', 'k', 'y'.repeat(129)), 1);
    log.push(client, argv('auth', 'user', 'pw'), 1);
    log.push(client, argv('CONFIG', 'SET', 'REQUIREPASS', 'pw', 'hz', '10'), 1);
    const [cfg, auth, set, del] = log.newest(4).map((e) => e.argv.map((b) => b.toString('latin1')));
    expect(del).toHaveLength(32);
    expect(del![31]).toBe('... (10 more arguments)');
    expect(set![2]).toBe(`${'y'.repeat(128)}... (1 more bytes)`);
    expect(auth).toEqual(['auth', '(redacted)', '(redacted)']);
    expect(cfg).toEqual(['CONFIG', 'SET', 'REQUIREPASS', '(redacted)', 'hz', '10']);
  });
});

describe('LatencyMonitor', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('records events at least the threshold long, one sample per second (the largest), 160 deep', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    const m = new LatencyMonitor();
    m.add('command', 5_000_000);
    expect(m.events.size).toBe(0); // off
    m.setThresholdMs(2);
    m.add('command', 1999);
    expect(m.events.size).toBe(0);
    m.add('command', 2000);
    m.add('command', 7500);
    m.add('command', 3000);
    const ts = m.events.get('command')!;
    expect(ts.times[ts.last()]).toBe(1_700_000_000);
    expect(ts.latencies[ts.last()]).toBe(7);
    expect(ts.max).toBe(7);
    for (let i = 1; i <= 200; i++) {
      vi.setSystemTime(1_700_000_000_000 + i * 1000);
      m.add('command', 2000 + i * 1000);
    }
    let filled = 0;
    for (let j = 0; j < LATENCY_TS_LEN; j++) if (ts.times[j] !== 0) filled++;
    expect(filled).toBe(LATENCY_TS_LEN);
    expect(ts.latencies[ts.last()]).toBe(202);
    expect(ts.max).toBe(202);
    m.add('Tier-Slice', 2000);
    expect(m.reset(['tier-slice', 'TIER-SLICE'])).toBe(1);
    expect(m.reset(null)).toBe(1);
    m.setThresholdMs(0);
    expect(m.on).toBe(false);
  });
});
