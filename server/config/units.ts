/**
 * Parsers and formatters for configuration values, with the exact acceptance rules of Redis 7.0.15
 * (each rule below was checked against the real redis-server with CONFIG SET).
 */

/**
 * Lower-cases ASCII letters only, like C `tolower()` in the C locale (which Redis's `strcasecmp` and
 * `sdstolower` use); `String.prototype.toLowerCase` would also fold e.g. the Kelvin sign into `k`.
 */
export function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) | 0x20)) : s;
}

const MEMORY_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/**
 * Parses a memory amount the way Redis util.c `memtoull()` does: a run of ASCII digits followed by an optional
 * unit, `b` (1), `k` (1000), `kb` (1024), `m` (10^6), `mb` (2^20), `g` (10^9), `gb` (2^30), the unit
 * case-insensitive (`1MB`, `1Mb`, `1mb` are all 1048576).
 *
 * Rejected (null), as by Redis: a leading `-` (even `-0`) or `+`, decimals (`1.5mb`), exponents (`1e3`), hex
 * (`0x10`), percent signs, any space (leading, trailing or between number and unit), unknown units (`1kk`,
 * `1t`), and 128 or more digits. Accepted as by Redis: leading zeros (`010` = 10), an empty number (`""`, `mb`,
 * `b` are all 0).
 *
 * @param s the text, e.g. `"512mb"`.
 * @returns the number of bytes, or null when `s` is not a memory value. Values above `Number.MAX_SAFE_INTEGER`
 *   are rounded to the nearest double; use {@link parseMemoryBig} for the exact value.
 */
export function parseMemory(s: string): number | null {
  const v = parseMemoryBig(s);
  return v === null ? null : Number(v);
}

const U64 = 2n ** 64n;

/**
 * {@link parseMemory} with the exact unsigned 64-bit result of Redis: the number saturates at 2^64-1 (C
 * `strtoull`), and number × unit wraps modulo 2^64 (unsigned multiplication), e.g. `"18446744073709551616"` is
 * 18446744073709551615.
 *
 * @returns the byte count as a bigint in 0 .. 2^64-1, or null.
 */
export function parseMemoryBig(s: string): bigint | null {
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  if (i >= 128) return null;
  const unit = asciiLower(s.slice(i));
  if (!Object.hasOwn(MEMORY_UNITS, unit)) return null;
  if (i === 0) return 0n;
  let v = BigInt(s.slice(0, i));
  if (v >= U64) v = U64 - 1n;
  return (v * BigInt(MEMORY_UNITS[unit]!)) % U64;
}

/**
 * Formats a byte count the way Redis writes memory values into a config file (config.c
 * `rewriteConfigFormatMemory`): `1gb`, `512mb`, `64kb` when the count is a whole number of those units, plain
 * bytes otherwise. `formatMemory(0)` is `"0"`. CONFIG GET itself prints plain bytes; this form is for help
 * texts and messages.
 *
 * @param bytes a non-negative integer.
 */
export function formatMemory(bytes: number): string {
  const gb = 1024 * 1024 * 1024;
  const mb = 1024 * 1024;
  const kb = 1024;
  if (bytes !== 0 && bytes % gb === 0) return `${bytes / gb}gb`;
  if (bytes !== 0 && bytes % mb === 0) return `${bytes / mb}mb`;
  if (bytes !== 0 && bytes % kb === 0) return `${bytes / kb}kb`;
  return String(bytes);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses a signed 64-bit integer with Redis util.c `string2ll()` rules: an optional `-`, then `0` alone or a
 * digit 1-9 followed by digits; no `+`, no leading zeros, no spaces, no `-0`, nothing after the digits, within
 * -2^63 .. 2^63-1.
 *
 * @returns the value as a bigint (exact over the whole int64 range), or null.
 */
export function parseInt64(s: string): bigint | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s) || s.length > 20) return null;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

/**
 * Parses an integer with C `strtoll(s, &end, 10)` + `*end == '\0'` rules, as Redis uses for `save` and
 * `client-output-buffer-limit` seconds: optional leading white space, an optional sign, decimal digits, and
 * nothing after them. An empty string is 0 (strtoll consumes nothing and stops on the terminator). Out-of-range
 * values saturate at the int64 limits, as strtoll does.
 *
 * @returns the value, or null when characters remain after the number.
 */
export function parseStrtoll(s: string, base: 8 | 10 = 10): bigint | null {
  if (s === '') return 0n;
  const m = base === 10 ? /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s) : /^[ \t\n\v\f\r]*([+-]?)([0-7]+)$/.exec(s);
  if (!m) return null;
  let v = BigInt(base === 10 ? m[2]! : `0o${m[2]!}`);
  if (m[1] === '-') v = -v;
  if (v < INT64_MIN) return INT64_MIN;
  if (v > INT64_MAX) return INT64_MAX;
  return v;
}

/**
 * Parses Redis's booleans (util.c `yesnotoi()`): `yes` or `no`, case-insensitive.
 * @returns true, false, or null for anything else (`1`, `true`, `on`... are rejected as by Redis).
 */
export function parseYesNo(s: string): boolean | null {
  const l = asciiLower(s);
  if (l === 'yes') return true;
  if (l === 'no') return false;
  return null;
}

/**
 * Parses a decimal floating-point number for tierkv's own float parameters (Redis 7.0 has none): an optional
 * sign, digits with an optional fraction, an optional exponent; no spaces, no hex, no `inf`/`nan`.
 *
 * @returns the finite value, or null.
 */
export function parseFloatStrict(s: string): number | null {
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/**
 * Formats a value the way Redis's `sdscatrepr()` quotes one argument for display (used to echo a command-line
 * option as a config line in error messages): inside double quotes, `\\`, `"`, `\n`, `\r`, `\t`, `\a`, `\b`
 * escaped, other non-printable bytes as `\xNN`.
 */
export function reprArg(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\x07':
        out += '\\a';
        break;
      case '\b':
        out += '\\b';
        break;
      default:
        out += c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
    }
  }
  return out + '"';
}
