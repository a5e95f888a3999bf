/**
 * Redis glob-style pattern matching, on bytes.
 *
 * Semantics follow Redis util.c `stringmatchlen()` as of Redis 7.0.15 (checked against the real server with
 * KEYS and CONFIG GET):
 *
 * - `*` matches any run of bytes, `?` any single byte;
 * - `[abc]` a byte of the set, `[^abc]` a byte not in it, `[a-z]` a range (ends may be given in either order,
 *   `[z-a]` equals `[a-z]`), `\x` inside a class is the literal `x` (always compared case-sensitively);
 *   `]` right after `[` closes the class at once, so `[]` and `[]a]` never match; an unterminated class such as
 *   `[ab` is closed by the end of the pattern (`[^` alone matches any byte);
 * - `\x` outside a class is the literal `x`; a trailing lone `\` is the literal `\`;
 * - `nocase` folds ASCII `A`-`Z` only (C `tolower` in the C locale);
 * - the empty string is matched only by the empty pattern: `*` does NOT match `""` here, exactly as in util.c.
 *   Redis's KEYS and SCAN never call the matcher for the pattern `*` alone (they treat it as "all keys");
 *   callers should do the same, see {@link isMatchAll}.
 *
 * Protection against abusive patterns, both present in Redis 7.0.15:
 * - once the rest of a pattern after a `*` failed to match at every later position of the string, no earlier
 *   `*` can help either, so the whole match fails at once ("skipLongerMatches"); this makes `*a*a*a*a*b`
 *   against `aaaa…` polynomial instead of exponential;
 * - recursion (one level per `*` that is followed by more pattern) stops at depth 1000: a pattern needing
 *   more than 1000 nested `*` levels to match does not match. Verified on redis-server 7.0.15: KEYS with
 *   `*a` repeated 1000 times matches a key of 1100 `a`, repeated 1001 times it does not.
 *
 * Class ranges compare bytes as C `char`s, which are signed on x86-64 (where the reference redis-server of
 * this project runs) and unsigned on ARM: so a range with one end below 0x80 and the other at or above it
 * behaves as on x86 Redis, e.g. `[a-\xff]` is the range -1..97 and matches `A` and `\xff` but not `b`
 * (verified on redis-server 7.0.15, x86_64). Redis built for ARM would differ there, and only there.
 *
 * The matcher allocates nothing; recursion depth is bounded by the nesting limit.
 */

/** Nesting depth past which a match fails, as in Redis util.c (`if (nesting > 1000) return 0`). */
export const GLOB_MAX_NESTING = 1000;

const STAR = 0x2a; // *
const QMARK = 0x3f; // ?
const LBRACKET = 0x5b; // [
const RBRACKET = 0x5d; // ]
const BACKSLASH = 0x5c; // \
const CARET = 0x5e; // ^
const DASH = 0x2d; // -

/** Shared "skip longer matches" flag of the match in progress (the matcher is not re-entrant, and needs not be). */
let skipLonger = false;

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** A byte as a signed C `char` of x86 (0x80..0xff become -128..-1). */
function schar(b: number): number {
  return (b << 24) >> 24;
}

/**
 * Matches `s[sOff, sOff + sLen)` against the glob pattern `pat[patOff, patOff + patLen)`.
 *
 * @param pat pattern bytes; only the given range is read.
 * @param patOff offset of the pattern in `pat`.
 * @param patLen pattern length in bytes (≥ 0).
 * @param s subject bytes (e.g. a key inside an arena extent); only the given range is read.
 * @param sOff offset of the subject in `s`.
 * @param sLen subject length in bytes (≥ 0).
 * @param nocase fold ASCII letters (CONFIG GET uses true, KEYS/SCAN/PSUBSCRIBE false).
 * @returns true when the whole subject matches the whole pattern. See the module comment for the exact rules,
 *   the 1000-level nesting limit and the `*` versus empty string rule.
 */
export function globMatch(
  pat: Uint8Array,
  patOff: number,
  patLen: number,
  s: Uint8Array,
  sOff: number,
  sLen: number,
  nocase: boolean,
): boolean {
  skipLonger = false;
  return matchImpl(pat, patOff, patOff + patLen, s, sOff, sOff + sLen, nocase, 0);
}

/**
 * The matcher proper. Positions are absolute indexes; `pEnd`/`sEnd` are exclusive ends. A read at or past
 * `pEnd` yields 0, like the NUL terminator C reads after an sds pattern.
 */
function matchImpl(
  pat: Uint8Array,
  p: number,
  pEnd: number,
  s: Uint8Array,
  i: number,
  sEnd: number,
  nocase: boolean,
  nesting: number,
): boolean {
  if (nesting > GLOB_MAX_NESTING) return false;

  while (p < pEnd && i < sEnd) {
    const pc = pat[p]!;
    if (pc === STAR) {
      // Collapse a run of stars.
      while (p + 1 < pEnd && pat[p + 1] === STAR) p++;
      if (p + 1 === pEnd) return true; // a trailing star matches the rest
      while (i < sEnd) {
        if (matchImpl(pat, p + 1, pEnd, s, i, sEnd, nocase, nesting + 1)) return true;
        if (skipLonger) return false;
        i++;
      }
      // The rest of the pattern matched at no position of the rest of the string: no earlier star can make it
      // match by consuming more, so the caller stops too.
      skipLonger = true;
      return false;
    } else if (pc === QMARK) {
      i++;
    } else if (pc === LBRACKET) {
      p++;
      const not = p < pEnd && pat[p] === CARET;
      if (not) p++;
      let match = false;
      const c = s[i]!;
      for (;;) {
        const cur = p < pEnd ? pat[p]! : 0;
        if (cur === BACKSLASH && pEnd - p >= 2) {
          p++;
          if (pat[p] === c) match = true;
        } else if (cur === RBRACKET) {
          break;
        } else if (p >= pEnd) {
          // Unterminated class: step back so that the advance after the switch lands on the pattern end.
          p--;
          break;
        } else if (pEnd - p >= 3 && pat[p + 1] === DASH) {
          let start = schar(cur);
          let end = schar(pat[p + 2]!);
          let cc = schar(c);
          if (start > end) {
            const t = start;
            start = end;
            end = t;
          }
          if (nocase) {
            start = lower(start);
            end = lower(end);
            cc = lower(cc);
          }
          p += 2;
          if (cc >= start && cc <= end) match = true;
        } else if (nocase ? lower(cur) === lower(c) : cur === c) {
          match = true;
        }
        p++;
      }
      if (not) match = !match;
      if (!match) return false;
      i++;
    } else {
      let lit = pc;
      if (pc === BACKSLASH && pEnd - p >= 2) {
        p++;
        lit = pat[p]!;
      }
      const c = s[i]!;
      if (nocase ? lower(lit) !== lower(c) : lit !== c) return false;
      i++;
    }
    p++;
    if (i === sEnd) {
      while (p < pEnd && pat[p] === STAR) p++;
      break;
    }
  }
  return p === pEnd && i === sEnd;
}

const encoder = new TextEncoder();

/**
 * Convenience wrapper over {@link globMatch} for JavaScript strings, both encoded as UTF-8 (so `?` matches one
 * byte, not one character, as in Redis). Allocates the two encodings; use {@link globMatch} on hot paths.
 *
 * @param pattern glob pattern
 * @param subject string to test
 * @param nocase fold ASCII letters (default false)
 */
export function globMatchString(pattern: string, subject: string, nocase = false): boolean {
  const p = encoder.encode(pattern);
  const s = encoder.encode(subject);
  return globMatch(p, 0, p.length, s, 0, s.length, nocase);
}

/**
 * True when the pattern is exactly `*`, which Redis's KEYS (`allkeys`) and SCAN (`use_pattern`) treat as "match
 * everything" without calling the matcher, so that it also matches the empty key.
 */
export function isMatchAll(pat: Uint8Array, patOff: number, patLen: number): boolean {
  return patLen === 1 && pat[patOff] === STAR;
}

/**
 * True when the pattern contains one of the bytes `*`, `?`, `[` (Redis CONFIG GET uses `strpbrk(name, "[*?")` to
 * choose between an exact lookup and a glob match).
 */
export function hasGlobChars(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}
