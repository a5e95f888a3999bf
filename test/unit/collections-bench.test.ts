/**
 * The collections benchmark's RESP streams (bench/collections.ts) and the SPOP set-up of bench/throughput.ts: the
 * commands decode to what the scenarios promise (counts, sizes, names). No server is started; nothing is timed.
 */
import { describe, expect, it } from 'vitest';

import { collectionsOptionsFrom, defaultCollectionsOptions, padded, scenarioChunks } from '../../bench/collections.js';
import { spopFillChunks } from '../../bench/throughput.js';

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
    expect(() => collectionsOptionsFrom({ 'coll-parts': 'memory,nope' })).toThrow();
    expect(() => collectionsOptionsFrom({ 'coll-field-bytes': '4' })).toThrow();
  });
});
