import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  asciiLower,
  formatMemory,
  parseFloatStrict,
  parseInt64,
  parseMemory,
  parseMemoryBig,
  parseStrtoll,
  parseYesNo,
  reprArg,
} from '../../server/config/units.js';

describe('parseMemory (Redis memtoull)', () => {
  // Each value below was sent as `CONFIG SET maxmemory <v>` to redis-server 7.0.15; "null" means Redis answered
  // "argument must be a memory value", a number is what CONFIG GET maxmemory printed afterwards.
  const observed: [string, number | null][] = [
    ['100', 100],
    ['-1', null],
    ['-0', null],
    ['1.5mb', null],
    ['1.5', null],
    [' 1mb', null],
    ['1mb ', null],
    ['1 mb', null],
    ['1MB', 1048576],
    ['1Mb', 1048576],
    ['1k', 1000],
    ['1K', 1000],
    ['1kb', 1024],
    ['1g', 1000000000],
    ['1gb', 1073741824],
    ['1b', 1],
    ['5B', 5],
    ['', 0],
    ['mb', 0],
    ['B', 0],
    ['abc', null],
    ['1kk', null],
    ['0x10', null],
    ['+5', null],
    ['1e3', null],
    ['010', 10],
    ['1%', null],
  ];
  test.each(observed)('%j → %j', (input, expected) => {
    expect(parseMemory(input)).toBe(expected);
  });

  test('m is 10^6 and mb 2^20, g 10^9 and gb 2^30', () => {
    expect(parseMemory('3m')).toBe(3_000_000);
    expect(parseMemory('3mb')).toBe(3 * 1024 * 1024);
    expect(parseMemory('2G')).toBe(2_000_000_000);
    expect(parseMemory('2GB')).toBe(2 * 1024 ** 3);
  });

  test('exact 64-bit results: saturation and wrap-around as in Redis', () => {
    // Observed on Redis 7.0.15: CONFIG GET maxmemory after these CONFIG SETs.
    expect(parseMemoryBig('18446744073709551615')).toBe(18446744073709551615n);
    expect(parseMemoryBig('18446744073709551616')).toBe(18446744073709551615n);
    expect(parseMemoryBig('9223372036854775808')).toBe(9223372036854775808n);
    expect(parseMemoryBig('10000000000gb')).toBe(10737418240000000000n);
    // unsigned multiplication wraps modulo 2^64
    expect(parseMemoryBig('18446744073709551615kb')).toBe((18446744073709551615n * 1024n) % 2n ** 64n);
  });

  test('128 digits or more are refused', () => {
    expect(parseMemory('1'.repeat(127))).not.toBeNull();
    expect(parseMemory('1'.repeat(128))).toBeNull();
  });

  test('units are ASCII case-insensitive only', () => {
    expect(parseMemory('1\u212a')).toBeNull(); // KELVIN SIGN, which toLowerCase() folds to "k"
    expect(parseMemory('1\u212ab')).toBeNull();
  });

  test('formatMemory', () => {
    expect(formatMemory(0)).toBe('0');
    expect(formatMemory(1)).toBe('1');
    expect(formatMemory(1000)).toBe('1000');
    expect(formatMemory(1024)).toBe('1kb');
    expect(formatMemory(1536)).toBe('1536');
    expect(formatMemory(32 * 1024 * 1024)).toBe('32mb');
    expect(formatMemory(1024 ** 3)).toBe('1gb');
    expect(formatMemory(3 * 1024 ** 3)).toBe('3gb');
  });

  test('property: parseMemory(formatMemory(n)) === n', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.nat({ max: 1 << 20 }).map((k) => k * 1024), fc.nat({ max: 4096 }).map((k) => k * 1024 ** 3)), (n) => {
        expect(parseMemory(formatMemory(n))).toBe(n);
      }),
    );
  });
});

describe('integers', () => {
  test('parseInt64 follows Redis string2ll', () => {
    expect(parseInt64('0')).toBe(0n);
    expect(parseInt64('-1')).toBe(-1n);
    expect(parseInt64('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseInt64('-9223372036854775808')).toBe(-9223372036854775808n);
    for (const bad of ['', '+1', '01', '-0', ' 1', '1 ', '1.5', '0x10', '10mb', '9223372036854775808', '-9223372036854775809', '-']) {
      expect(parseInt64(bad), bad).toBeNull();
    }
  });

  test('parseStrtoll follows C strtoll with a full-consumption check', () => {
    expect(parseStrtoll('')).toBe(0n);
    expect(parseStrtoll(' 5')).toBe(5n);
    expect(parseStrtoll('+5')).toBe(5n);
    expect(parseStrtoll('-5')).toBe(-5n);
    expect(parseStrtoll('007')).toBe(7n);
    expect(parseStrtoll('5 ')).toBeNull();
    expect(parseStrtoll(' ')).toBeNull();
    expect(parseStrtoll('x')).toBeNull();
    expect(parseStrtoll('99999999999999999999')).toBe(9223372036854775807n);
    expect(parseStrtoll('-99999999999999999999')).toBe(-9223372036854775808n);
    expect(parseStrtoll('777', 8)).toBe(0o777n);
    expect(parseStrtoll('8', 8)).toBeNull();
  });

  test('parseYesNo', () => {
    expect(parseYesNo('yes')).toBe(true);
    expect(parseYesNo('YES')).toBe(true);
    expect(parseYesNo('No')).toBe(false);
    for (const bad of ['', '1', 'true', 'on', 'y', 'maybe', ' yes']) expect(parseYesNo(bad)).toBeNull();
  });

  test('parseFloatStrict', () => {
    expect(parseFloatStrict('0.3')).toBe(0.3);
    expect(parseFloatStrict('1')).toBe(1);
    expect(parseFloatStrict('.5')).toBe(0.5);
    expect(parseFloatStrict('1.')).toBe(1);
    expect(parseFloatStrict('-2.5e-1')).toBe(-0.25);
    for (const bad of ['', ' 1', '1 ', 'abc', '0x1', 'inf', 'NaN', 'Infinity', '1e999', '.', '1,5']) {
      expect(parseFloatStrict(bad), bad).toBeNull();
    }
  });
});

describe('text helpers', () => {
  test('asciiLower', () => {
    expect(asciiLower('MaxMemory-POLICY')).toBe('maxmemory-policy');
    expect(asciiLower('\u212a\u0130')).toBe('\u212a\u0130');
  });

  test('reprArg quotes like sdscatrepr', () => {
    expect(reprArg('abc')).toBe('"abc"');
    expect(reprArg('')).toBe('""');
    expect(reprArg('a "b" \\ c')).toBe('"a \\"b\\" \\\\ c"');
    expect(reprArg('\n\r\t\x07\b\x01\x7f')).toBe('"\\n\\r\\t\\a\\b\\x01\\x7f"');
  });
});
