import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GLOB_MAX_NESTING, globMatch, globMatchString, hasGlobChars, isMatchAll } from '../../server/keyspace/glob.js';

const latin1 = (s: string) => Buffer.from(s, 'latin1');
/** Byte-exact match of two latin1 strings (every char is one byte). */
function m(pattern: string, subject: string, nocase = false): boolean {
  const p = latin1(pattern);
  const s = latin1(subject);
  return globMatch(p, 0, p.length, s, 0, s.length, nocase);
}

describe('globMatch: cases checked against redis-server 7.0.15 (KEYS, nocase off)', () => {
  // Keys that were stored, and for each pattern the keys KEYS returned (observed on Redis 7.0.15, x86_64).
  const keys = ['a', 'ab', '[', ']', 'a-', '\\', 'x\\', 'b', '^'];
  const observed: [pattern: string, matches: string[]][] = [
    ['[', []],
    ['[a', ['a']],
    ['[]', []],
    ['[]]', []],
    ['a[', []],
    ['a[-', ['a-']],
    ['\\', ['\\']],
    ['x\\', ['x\\']],
    ['x\\\\', ['x\\']],
    ['[\\', ['\\']],
    ['[^', ['[', '\\', ']', '^', 'a', 'b']],
    ['[^a', ['[', '\\', ']', '^', 'b']],
    ['[a-', ['a']],
    ['[a-]', [']', '^', 'a']],
    ['[\\]]', [']']],
    ['a[b', ['ab']],
    ['[]a]', []],
    ['[z-a]', ['a', 'b']],
    ['[^]', ['[', '\\', ']', '^', 'a', 'b']],
    ['ab\\', []],
  ];
  test.each(observed)('pattern %j', (pattern, matches) => {
    const got = keys.filter((k) => m(pattern, k)).sort();
    expect(got).toEqual([...matches].sort());
  });

  test('class ranges compare signed chars, as x86 Redis does', () => {
    // Keys b, \x90, \xff, A; observed KEYS results on redis-server 7.0.15 (x86_64).
    const hk = ['b', '\x90', '\xff', 'A'];
    const sel = (p: string) => hk.filter((k) => m(p, k)).sort();
    expect(sel('[a-\xff]')).toEqual(['A', '\xff'].sort());
    expect(sel('[\xff-a]')).toEqual(['A', '\xff'].sort());
    expect(sel('[\x80-\xff]')).toEqual(['\x90', '\xff'].sort());
    expect(sel('[\x00-a]')).toEqual(['A']);
    expect(sel('\xff')).toEqual(['\xff']);
    expect(sel('[^a-\xff]')).toEqual(['\x90', 'b'].sort());
  });

  test('the empty subject is matched only by the empty pattern', () => {
    // Observed with an empty key: KEYS "" returns it, KEYS "**", "?", "[", "a*", "*a" do not. (KEYS "*" returns
    // it only because Redis does not call the matcher for "*" alone.)
    expect(m('', '')).toBe(true);
    for (const p of ['**', '*', '?', '[', 'a*', '*a', '[^a]']) expect(m(p, '')).toBe(false);
    expect(m('', 'a')).toBe(false);
  });

  test('nesting limit: 1000 nested stars still match, 1001 do not (as Redis 7.0.15)', () => {
    const key = 'a'.repeat(1100);
    expect(GLOB_MAX_NESTING).toBe(1000);
    expect(m('*a'.repeat(999), key)).toBe(true);
    expect(m('*a'.repeat(1000), key)).toBe(true);
    expect(m('*a'.repeat(1001), key)).toBe(false);
    expect(m('*a'.repeat(1500), key)).toBe(false);
  });
});

describe('globMatch: semantics', () => {
  test('basic wildcards', () => {
    expect(m('h?llo', 'hello')).toBe(true);
    expect(m('h?llo', 'hllo')).toBe(false);
    expect(m('h*llo', 'hllo')).toBe(true);
    expect(m('h*llo', 'heeeello')).toBe(true);
    expect(m('h[ae]llo', 'hallo')).toBe(true);
    expect(m('h[ae]llo', 'hillo')).toBe(false);
    expect(m('h[^e]llo', 'hallo')).toBe(true);
    expect(m('h[^e]llo', 'hello')).toBe(false);
    expect(m('h[a-b]llo', 'hbllo')).toBe(true);
    expect(m('h[a-b]llo', 'hcllo')).toBe(false);
    expect(m('*', 'anything')).toBe(true);
    expect(m('a*', 'a')).toBe(true);
    expect(m('a**', 'a')).toBe(true);
    expect(m('a*b*', 'ab')).toBe(true);
  });

  test('escapes', () => {
    expect(m('\\*', '*')).toBe(true);
    expect(m('\\*', 'a')).toBe(false);
    expect(m('a\\?', 'a?')).toBe(true);
    expect(m('a\\?', 'ab')).toBe(false);
    expect(m('\\[a]', '[a]')).toBe(true);
    expect(m('[\\-]', '-')).toBe(true);
    expect(m('[\\^a]', '^')).toBe(true);
  });

  test('nocase folds ASCII letters only, in literals, classes and ranges', () => {
    expect(m('MAXMEM*', 'maxmemory', true)).toBe(true);
    expect(m('MAXMEM*', 'maxmemory', false)).toBe(false);
    expect(m('[M]axmemory', 'maxmemory', true)).toBe(true);
    expect(m('[a-c]', 'B', true)).toBe(true);
    expect(m('[A-C]', 'b', true)).toBe(true);
    expect(m('[a-c]', 'B', false)).toBe(false);
    expect(m('\xc9', '\xe9', true)).toBe(false); // É / é in latin1: not ASCII, not folded
    // Escaped class members compare exactly, even with nocase.
    expect(m('[\\A]', 'a', true)).toBe(false);
  });

  test('reads only the given ranges of both buffers', () => {
    const pat = latin1('xx[ab]*yy');
    const subj = latin1('--bzzz]]');
    // pattern "[ab]*" (offset 2, length 5) against "bzzz" (offset 2, length 4)
    expect(globMatch(pat, 2, 5, subj, 2, 4, false)).toBe(true);
    // pattern "[ab" (unterminated, the next byte ']' is outside the range) against "b"
    expect(globMatch(latin1('[ab]'), 0, 3, latin1('b]'), 0, 1, false)).toBe(true);
    // a trailing '*' outside the range must not be seen: pattern "a" against "ab"
    expect(globMatch(latin1('a*'), 0, 1, latin1('ab'), 0, 2, false)).toBe(false);
    // a '*' right after the pattern range must not be collapsed into it
    expect(globMatch(latin1('*a**'), 0, 2, latin1('xa'), 0, 2, false)).toBe(true);
    expect(globMatch(latin1('*a**'), 0, 2, latin1('xab'), 0, 3, false)).toBe(false);
  });

  test('pathological patterns stay fast (skip-longer-matches rule)', () => {
    const subject = 'a'.repeat(5000);
    const t0 = performance.now();
    expect(m('*a*a*a*a*a*a*a*a*a*a*a*a*b', subject)).toBe(false);
    expect(m(`${'*a'.repeat(200)}*b`, subject)).toBe(false);
    expect(m('*?*?*?*?*?*?*?*?*?*?c', subject)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  test('string wrapper works on UTF-8 bytes', () => {
    expect(globMatchString('h?llo', 'hello')).toBe(true);
    expect(globMatchString('?', 'é')).toBe(false); // two bytes in UTF-8
    expect(globMatchString('??', 'é')).toBe(true);
    expect(globMatchString('MAX*', 'maxmemory', true)).toBe(true);
  });

  test('isMatchAll and hasGlobChars', () => {
    expect(isMatchAll(latin1('*'), 0, 1)).toBe(true);
    expect(isMatchAll(latin1('**'), 0, 2)).toBe(false);
    expect(isMatchAll(latin1('a*'), 1, 1)).toBe(true);
    expect(hasGlobChars('maxmemory')).toBe(false);
    expect(hasGlobChars('maxmemory\\-policy')).toBe(false);
    expect(hasGlobChars('max*')).toBe(true);
    expect(hasGlobChars('max?')).toBe(true);
    expect(hasGlobChars('max[y]')).toBe(true);
  });
});

describe('globMatch: property against a RegExp reference', () => {
  // Patterns from tokens that have an exact RegExp equivalent: literals without special bytes, '*', '?', escaped
  // special bytes, and non-empty classes of letters and ordered same-case ranges.
  type Tok = { glob: string; re: string };
  const letters = 'abcAB';
  const lit = fc.constantFrom(...letters.split('')).map((c): Tok => ({ glob: c, re: c }));
  const star = fc.constant<Tok>({ glob: '*', re: '[\\s\\S]*' });
  const qm = fc.constant<Tok>({ glob: '?', re: '[\\s\\S]' });
  const esc = fc.constantFrom('*', '?', '[', ']', '\\').map((c): Tok => ({ glob: `\\${c}`, re: `\\${c}` }));
  const classItem = fc.oneof(
    fc.constantFrom('a', 'b', 'c', 'x', 'A', 'B'),
    fc.constantFrom('a-c', 'b-x', 'A-B', 'a-a'),
  );
  const cls = fc
    .tuple(fc.boolean(), fc.array(classItem, { minLength: 1, maxLength: 3 }))
    .map(([not, items]): Tok => ({ glob: `[${not ? '^' : ''}${items.join('')}]`, re: `[${not ? '^' : ''}${items.join('')}]` }));
  const pattern = fc.array(fc.oneof({ weight: 4, arbitrary: lit }, star, qm, esc, cls), { maxLength: 10 });
  const subject = fc.array(fc.constantFrom(...'abcxAB*?[]\\'.split('')), { maxLength: 12 }).map((a) => a.join(''));

  function reference(toks: Tok[], s: string, nocase: boolean): boolean {
    // util.c: an empty subject is matched only by an empty pattern.
    if (s === '') return toks.length === 0;
    return new RegExp(`^${toks.map((t) => t.re).join('')}$`, nocase ? 'i' : '').test(s);
  }

  test('globMatch agrees with the reference', () => {
    fc.assert(
      fc.property(pattern, subject, fc.boolean(), (toks, s, nocase) => {
        const glob = toks.map((t) => t.glob).join('');
        expect(m(glob, s, nocase)).toBe(reference(toks, s, nocase));
      }),
      { numRuns: 5000 },
    );
  });

  test('subjects built to match always match', () => {
    // Expand each token into a matching piece, so positives are frequent.
    const piece = (t: Tok) => {
      if (t.glob === '*') return fc.constantFrom('', 'a', 'xyz');
      if (t.glob === '?') return fc.constantFrom('a', '*', '[');
      if (t.glob.startsWith('\\')) return fc.constant(t.glob.slice(1));
      if (t.glob.startsWith('[')) {
        const fits = 'abcxyzAB*?'.split('').filter((c) => new RegExp(t.re).test(c));
        return fits.length > 0 ? fc.constantFrom(...fits) : fc.constant('a');
      }
      return fc.constant(t.glob);
    };
    const arb = pattern
      .filter((toks) => toks.length > 0)
      .chain((toks) => fc.tuple(fc.constant(toks), fc.tuple(...toks.map(piece)).map((ps) => ps.join(''))));
    fc.assert(
      fc.property(arb, ([toks, s]) => {
        const glob = toks.map((t) => t.glob).join('');
        expect(m(glob, s)).toBe(reference(toks, s, false));
      }),
      { numRuns: 2000 },
    );
  });
});
