/**
 * README.md's table of tierkv's own configuration parameters is generated from the parameter table
 * (server/config/readme-table.ts): this fails when it is stale. Fix: `npm run docs:config`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { PARAMS } from '../../server/config/params.js';
import { README_TABLE_BEGIN, README_TABLE_END, ownParamsTable } from '../../server/config/readme-table.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

describe("README table of tierkv's own parameters", () => {
  test('is up to date (npm run docs:config)', () => {
    const readme = readFileSync(README, 'utf8');
    const a = readme.indexOf(README_TABLE_BEGIN);
    const b = readme.indexOf(README_TABLE_END);
    expect(a, 'README.md: table markers').toBeGreaterThanOrEqual(0);
    expect(b, 'README.md: table markers').toBeGreaterThan(a);
    const table = readme.slice(a + README_TABLE_BEGIN.length, b).trim();
    expect(table, 'README.md is stale: run npm run docs:config').toBe(ownParamsTable());
  });

  test('has one row per own parameter, each with an effect', () => {
    const own = PARAMS.filter((d) => d.own);
    expect(own.length).toBeGreaterThan(0);
    for (const d of own) {
      expect(d.noop, d.name).toBe(false);
      expect(ownParamsTable(), d.name).toContain(`| \`${d.name}\` |`);
    }
  });
});
