/**
 * ListType (server/keyspace/list-type.ts) against a model (a JS array), on a real Keyspace and Arena: pushes,
 * LSET, LINSERT, LREM with positive, negative and zero counts (the negative case finds its start walking backward,
 * then deletes walking forward), LPOS from either end with RANK/MAXLEN, ranges in both directions, trims at both
 * ends, for several list-max-listpack-size values; deleting the list gives every byte back to the arena. Ranges are
 * read both element by element (`range`) and as a reply (`writeRange` into a ReplyWriter with a small pool, so
 * that a range spans several pool buffers), whose RESP bulks are decoded and compared with the model.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Arena } from '../../allocator/arena.js';
import { Keyspace } from '../../server/keyspace/keyspace.js';
import { ListType } from '../../server/keyspace/list-type.js';
import { ReplyWriter } from '../../protocol/reply-writer.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Model of LREM. */
function modelRem(m: string[], count: number, e: string): number {
  let removed = 0;
  if (count >= 0) {
    for (let i = 0; i < m.length; ) {
      if (m[i] === e && (count === 0 || removed < count)) {
        m.splice(i, 1);
        removed++;
      } else i++;
    }
  } else {
    for (let i = m.length - 1; i >= 0; i--) {
      if (m[i] === e && removed < -count) {
        m.splice(i, 1);
        removed++;
      }
    }
  }
  return removed;
}

/** Model of LPOS's matches (indexes from the head), in search order. */
function modelPos(m: string[], fromTail: boolean, rank: number, maxlen: number, e: string): number[] {
  const out: number[] = [];
  let matches = 0;
  const n = m.length;
  for (let s = 0; s < n && (maxlen === 0 || s < maxlen); s++) {
    const i = fromTail ? n - 1 - s : s;
    if (m[i] === e && ++matches >= rank) out.push(i);
  }
  return out;
}

/** The RESP bulk strings of `writeRange(s, t, reverse)`, written through a ReplyWriter (64-byte pools), decoded. */
function replyRange(l: ListType, s: number, t: number, reverse: boolean): string[] {
  const w = new ReplyWriter(64);
  w.begin();
  l.writeRange(w, s, t, reverse);
  const chunks: Buffer[] = [];
  w.flushTo({ write: (x: Buffer) => (chunks.push(Buffer.from(x)), true) });
  const r = Buffer.concat(chunks);
  const out: string[] = [];
  let p = 0;
  while (p < r.length) {
    expect(r[p]).toBe(0x24);
    const nl = r.indexOf('\r\n', p);
    const len = Number(r.toString('latin1', p + 1, nl));
    out.push(r.toString('latin1', nl + 2, nl + 2 + len));
    expect(r.toString('latin1', nl + 2 + len, nl + 4 + len)).toBe('\r\n');
    p = nl + 4 + len;
  }
  return out;
}

/** `n` latin1 characters that depend on their position and on `n`. */
function varied(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(33 + ((i * 7 + n) % 90));
  return s;
}

const elem = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('a', 'b', 'c', '', '\x00') },
  // Longer elements vary along their bytes and with their length, so a copy from a wrong offset shows.
  { weight: 2, arbitrary: fc.integer({ min: 17, max: 400 }).map((n) => varied(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 9000, max: 70000 }).map((n) => varied(n)) },
);

describe('ListType', () => {
  it('random list operations against a model, for several list-max-listpack-size values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(-2, -1, 1, 3, 128),
        fc.array(fc.tuple(fc.constantFrom('lpush', 'rpush', 'set', 'insb', 'insa', 'rem', 'pos', 'range', 'trim'), elem, elem, fc.integer({ min: -6, max: 6 }), fc.integer({ min: -6, max: 6 })), { maxLength: 120 }),
        (fill, ops) => {
          const ks = new Keyspace(new Arena({ extentSize: 4 << 20 }));
          const l = new ListType(ks);
          l.fill = fill;
          const m: string[] = [];
          const key = b('l');
          for (const [op, e1, e2, i, j] of ops) {
            const found = ks.lookupWrite(key, 0, 1);
            if (!found) {
              if (op !== 'lpush' && op !== 'rpush') continue;
              l.create();
            }
            const b1 = b(e1);
            if (op === 'lpush' || op === 'rpush') {
              l.push(op === 'lpush', b1, 0, b1.length);
              if (op === 'lpush') m.unshift(e1);
              else m.push(e1);
            } else if (op === 'set') {
              const idx = i < 0 ? i + m.length : i;
              const ok = idx >= 0 && idx < m.length;
              expect(l.set(i, b1, 0, b1.length)).toBe(ok);
              if (ok) m[idx] = e1;
            } else if (op === 'insb' || op === 'insa') {
              const b2 = b(e2);
              const at = m.indexOf(e2);
              expect(l.insert(op === 'insa', b2, 0, b2.length, b1, 0, b1.length)).toBe(at >= 0);
              if (at >= 0) m.splice(op === 'insa' ? at + 1 : at, 0, e1);
            } else if (op === 'rem') {
              expect(l.rem(i, b1, 0, b1.length)).toBe(modelRem(m, i, e1));
            } else if (op === 'pos') {
              const rank = i === 0 ? 1 : Math.abs(i);
              const maxlen = Math.abs(j);
              const got: number[] = [];
              l.pos(i < 0, rank, maxlen, b1, 0, b1.length, (x) => {
                got.push(x);
                return true;
              });
              expect(got).toEqual(modelPos(m, i < 0, rank, maxlen, e1));
            } else if (op === 'range') {
              const n = m.length;
              const s = Math.max(0, Math.min(Math.abs(i), n - 1));
              const t = Math.min(n - 1, s + Math.abs(j));
              const got: string[] = [];
              l.range(s, t, j < 0, (q) => got.push(Buffer.from(q.elemBuf.subarray(q.elemOff, q.elemOff + q.elemLen)).toString('latin1')));
              const want = n === 0 ? [] : m.slice(s, t + 1);
              expect(got).toEqual(j < 0 ? want.reverse() : want);
              if (n > 0) expect(replyRange(l, s, t, j < 0)).toEqual(want);
            } else {
              const n = Math.min(Math.abs(i), m.length);
              l.trimEnd(i >= 0, n);
              if (i >= 0) m.splice(0, n);
              else m.splice(m.length - n, n);
            }
            expect(l.len()).toBe(m.length);
            if (m.length === 0) ks.removeCurrent();
          }
          if (ks.lookupWrite(key, 0, 1)) {
            const all: string[] = [];
            l.range(0, l.len() - 1, false, (q) => all.push(Buffer.from(q.elemBuf.subarray(q.elemOff, q.elemOff + q.elemLen)).toString('latin1')));
            expect(all).toEqual(m);
            expect(replyRange(l, 0, m.length - 1, false)).toEqual(m);
            expect(replyRange(l, 0, m.length - 1, true)).toEqual([...m].reverse());
            expect(l.encoding()).toBe('quicklist');
            ks.removeCurrent();
          } else expect(m).toEqual([]);
          expect(ks.arena.usedBytes()).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
