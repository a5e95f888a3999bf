// Rewrites README.md's table of tierkv's own configuration parameters from the parameter table
// (server/config/params.ts, via dist/: run after tsc, as `npm run docs:config` does).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withOwnParamsTable } from '../dist/server/config/readme-table.js';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const before = readFileSync(readmePath, 'utf8');
const after = withOwnParamsTable(before);
if (after === before) {
  console.log('README.md: configuration table up to date');
} else {
  writeFileSync(readmePath, after);
  console.log('README.md: configuration table rewritten');
}
