/**
 * MULTI / EXEC / DISCARD / WATCH through ioredis and raw RESP, compared with what Redis answers: queued commands
 * run together at EXEC, a queueing error aborts the whole transaction, a WATCHed key changed by another client
 * (or expired, or flushed) makes EXEC answer a null array.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RawClient } from '../support/raw-client.js';
import { startTarget, type ServerHandle } from '../support/tierkv.js';
import { sleep } from '../support/wait.js';

describe('transactions', () => {
  let srv: ServerHandle;
  let a: Redis;
  let b: Redis;
  beforeAll(async () => {
    srv = await startTarget();
    a = new Redis({ port: srv.port, host: srv.host });
    b = new Redis({ port: srv.port, host: srv.host });
  });
  afterAll(async () => {
    a?.disconnect();
    b?.disconnect();
    await srv?.stop();
  });

  it('runs the queued commands at EXEC and returns their replies (ioredis multi)', async () => {
    const res = await a.multi().set('tx:1', 'v').incr('tx:n').get('tx:1').exec();
    expect(res).toEqual([
      [null, 'OK'],
      [null, 1],
      [null, 'v'],
    ]);
  });

  it('queues without running: another client sees nothing before EXEC', async () => {
    const raw = await RawClient.connect(srv.port, { host: srv.host });
    try {
      expect((await raw.command('MULTI')).toString()).toBe('+OK\r\n');
      expect((await raw.command('SET', 'tx:q', '1')).toString()).toBe('+QUEUED\r\n');
      expect(await b.get('tx:q')).toBeNull();
      expect((await raw.command('EXEC')).toString()).toBe('*1\r\n+OK\r\n');
      expect(await b.get('tx:q')).toBe('1');
    } finally {
      await raw.close();
    }
  });

  it('aborts the whole transaction after a queueing error (EXECABORT), and an error inside EXEC is just a reply', async () => {
    const raw = await RawClient.connect(srv.port, { host: srv.host });
    try {
      await raw.command('MULTI');
      await raw.command('SET', 'tx:abort', '1');
      expect((await raw.command('NOSUCHCOMMAND')).toString()).toMatch(/^-ERR unknown command/);
      expect((await raw.command('EXEC')).toString()).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
      expect(await b.exists('tx:abort')).toBe(0);
      await raw.command('SET', 'tx:str', 'abc');
      await raw.command('MULTI');
      await raw.command('INCR', 'tx:str');
      await raw.command('SET', 'tx:after', 'x');
      expect((await raw.command('EXEC')).toString()).toBe('*2\r\n-ERR value is not an integer or out of range\r\n+OK\r\n');
      expect(await b.get('tx:after')).toBe('x');
    } finally {
      await raw.close();
    }
  });

  it('answers Redis\'s errors for misplaced MULTI, EXEC, DISCARD and WATCH', async () => {
    const raw = await RawClient.connect(srv.port, { host: srv.host });
    try {
      expect((await raw.command('EXEC')).toString()).toBe('-ERR EXEC without MULTI\r\n');
      expect((await raw.command('DISCARD')).toString()).toBe('-ERR DISCARD without MULTI\r\n');
      await raw.command('MULTI');
      expect((await raw.command('MULTI')).toString()).toBe('-ERR MULTI calls can not be nested\r\n');
      expect((await raw.command('WATCH', 'k')).toString()).toBe('-ERR WATCH inside MULTI is not allowed\r\n');
      expect((await raw.command('DISCARD')).toString()).toBe('+OK\r\n');
    } finally {
      await raw.close();
    }
  });

  it('WATCH: EXEC answers null when a watched key was written by another client, runs otherwise', async () => {
    await a.set('tx:w', '1');
    await a.watch('tx:w');
    await b.set('tx:w', '2');
    expect(await a.multi().set('tx:w', '3').exec()).toBeNull();
    expect(await a.get('tx:w')).toBe('2');
    await a.watch('tx:w');
    expect(await a.multi().set('tx:w', '4').exec()).toEqual([[null, 'OK']]);
    expect(await a.get('tx:w')).toBe('4');
  });

  it('WATCH: expiry and FLUSHALL count as modifications; UNWATCH forgets', async () => {
    await a.set('tx:e', '1', 'PX', 50);
    await a.watch('tx:e');
    await sleep(100);
    await b.get('tx:e'); // expires it (lazily)
    expect(await a.multi().set('tx:e', '2').exec()).toBeNull();
    await a.set('tx:f', '1');
    await a.watch('tx:f');
    await b.flushall();
    expect(await a.multi().set('tx:f', '2').exec()).toBeNull();
    await a.watch('tx:u');
    await a.unwatch();
    await b.set('tx:u', 'x');
    expect(await a.multi().get('tx:u').exec()).toEqual([[null, 'x']]);
  });
});
