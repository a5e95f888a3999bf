/**
 * The collections benchmark's RESP streams (bench/collections.ts) and the set-ups of bench/throughput.ts: the
 * commands decode to what the scenarios promise (counts, sizes, names). No server is started; nothing is timed.
 */
import { describe, expect, it } from 'vitest';

import { collectionsOptionsFrom, defaultCollectionsOptions, padded, scenarioChunks } from '../../bench/collections.js';
import { fillChunks, spopFillChunks } from '../../bench/throughput.js';

/** Decodes a stream of RESP arrays of bulk strings into commands. */
function decode(chunks: Iterable<Buffer>): Buffer[][] {
  const b = Buffer.concat([...chunks]);
  const out: Buffer[][] = [];
  let i = 0;
  const line = (): string => {
    const e = b.indexOf('\r\n', i);
    const s = b.toString('latin1', i, e);
    i = e + 2;
    return s;
  };
  while (i < b.length) {
    const h = line();
    expect(h[0]).toBe('*');
    const n = Number(h.slice(1));
    const args: Buffer[] = [];
    for (let k = 0; k < n; k++) {
      const l = line();
      expect(l[0]).toBe('$');
      const len = Number(l.slice(1));
      args.push(b.subarray(i, i + len));
      i += len + 2;
    }
    out.push(args);
  }
  return out;
}

describe('collections benchmark streams', () => {
  const o = defaultCollectionsOptions();
  o.hashes = 300;
  o.big = 1234;
  o.batch = 100;

  it('names fields and members with a fixed width', () => {
    expect(padded('f', 7, 8)).toBe('f0000007');
    expect(padded('m', 999_999, 15)).toHaveLength(15);
    expect(() => padded('f', 12_345_678, 8)).toThrow(RangeError);
  });

  it('(a) one HSET per hash, F fields of the given sizes, distinct keys', () => {
    const cmds = decode(scenarioChunks(o, 'hashes'));
    expect(cmds).toHaveLength(300);
    const keys = new Set(cmds.map((c) => c[1]!.toString('latin1')));
    expect(keys.size).toBe(300);
    for (const c of cmds) {
      expect(c[0]!.toString()).toBe('HSET');
      expect(c).toHaveLength(2 + 2 * o.fields);
      for (let j = 0; j < o.fields; j++) {
        expect(c[2 + 2 * j]).toHaveLength(o.fieldBytes);
        expect(c[3 + 2 * j]).toHaveLength(o.valueBytes);
      }
    }
  });

  it('(b) and (c) cover every element once in batches', () => {
    const h = decode(scenarioChunks(o, 'bighash'));
    expect(h).toHaveLength(Math.ceil(o.big / o.batch));
    const fields = h.flatMap((c) => c.slice(2).filter((_, k) => k % 2 === 0).map((x) => x.toString()));
    expect(new Set(fields).size).toBe(o.big);
    const s = decode(scenarioChunks(o, 'bigset'));
    const members = s.flatMap((c) => c.slice(2).map((x) => x.toString()));
    expect(s.every((c) => c[0]!.toString() === 'SADD' && c[1]!.toString() === 'bigset')).toBe(true);
    expect(new Set(members).size).toBe(o.big);
    expect(members.every((m) => m.length === o.memberBytes && !/^\d+$/.test(m))).toBe(true);
  });

  it('(d) and (e) cover every element once in batches, in order for the list', () => {
    const x = { ...o, listBig: 1050, listBytes: 16 };
    const l = decode(scenarioChunks(x, 'biglist'));
    expect(l).toHaveLength(11);
    expect(l.every((c) => c[0]!.toString() === 'RPUSH' && c[1]!.toString() === 'biglist')).toBe(true);
    const elems = l.flatMap((c) => c.slice(2).map((e) => e.toString()));
    expect(elems).toEqual(Array.from({ length: 1050 }, (_, i) => padded('e', i, 16)));
    const z = decode(scenarioChunks(o, 'bigzset'));
    expect(z.every((c) => c[0]!.toString() === 'ZADD' && c[1]!.toString() === 'bigzset' && c.length % 2 === 0)).toBe(true);
    const members = z.flatMap((c) => c.slice(2).filter((_, k) => k % 2 === 1).map((m) => m.toString()));
    const scores = z.flatMap((c) => c.slice(2).filter((_, k) => k % 2 === 0).map((m) => Number(m.toString())));
    expect(new Set(members).size).toBe(o.big);
    expect(scores.every((v) => Number.isFinite(v))).toBe(true);
    expect(new Set(scores).size).toBeGreaterThan(o.big / 2);
  });

  it('list and sorted set set-ups: N elements, 100 per command', () => {
    const cmds = decode(fillChunks('RPUSH', 'mylist', 250, () => 'x'.repeat(100)));
    expect(cmds.map((c) => c.length - 2)).toEqual([100, 100, 50]);
    expect(cmds.every((c) => c[1]!.toString() === 'mylist' && c.slice(2).every((e) => e.length === 100))).toBe(true);
    const z = decode(fillChunks('ZADD', 'myzset', 150, (i) => `${i} element:${i}`));
    expect(z.map((c) => c.length - 2)).toEqual([200, 100]);
    expect(z[1]!.slice(2, 4).map((e) => e.toString())).toEqual(['100', 'element:100']);
  });

  it('SPOP set-up adds N distinct members to myset', () => {
    const cmds = decode(spopFillChunks(250, 100));
    expect(cmds.map((c) => c.length - 2)).toEqual([100, 100, 50]);
    const members = cmds.flatMap((c) => c.slice(2).map((x) => x.toString()));
    expect(new Set(members).size).toBe(250);
    expect(members[0]).toBe('element:000000000000');
  });

  it('options: parts, mixed keyspace, tests', () => {
    const x = collectionsOptionsFrom({ 'coll-parts': 'memory,throughput', 'coll-mig-mixed': '1,2,3', 'coll-tests': 'hset,spop' });
    expect(x.parts).toEqual(['memory', 'throughput']);
    expect(x.migMixed).toEqual({ strings: 1, hashes: 2, sets: 3 });
    expect(x.throughput.tests).toEqual(['hset', 'spop']);
    expect(defaultCollectionsOptions().throughput.tests).toEqual(expect.arrayContaining(['lpush', 'rpush', 'lpop', 'rpop', 'lrange_100', 'lrange_600', 'zadd', 'zpopmin', 'set']));
    expect(collectionsOptionsFrom({ 'coll-scenarios': 'biglist,bigzset', 'coll-list-big': '1000' }).listBig).toBe(1000);
    expect(() => collectionsOptionsFrom({ 'coll-list-bytes': '3' })).toThrow();
    expect(() => collectionsOptionsFrom({ 'coll-parts': 'memory,nope' })).toThrow();
    expect(() => collectionsOptionsFrom({ 'coll-field-bytes': '4' })).toThrow();
  });
});
