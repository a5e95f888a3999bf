/**
 * Tables rendered two ways from the same data: aligned plain text for the terminal and
 * GitHub-flavoured markdown for bench/RESULTS.md. Plus number formatting helpers and the cells that put two
 * sides side by side.
 */

/** Column alignment: numbers right, labels left. */
export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align?: Align;
}

/** Right-aligned columns (figures), in order: `columns: [{ header: 'test' }, ...rightColumns('ops/s', 'p99')]`. */
export function rightColumns(...headers: string[]): Column[] {
  return headers.map((header) => ({ header, align: 'right' }));
}

/** A titled table of pre-formatted cells. */
export interface Table {
  title: string;
  columns: Column[];
  rows: string[][];
  /** Lines printed under the table (notes, units, legends). */
  notes?: string[];
}

/** Renders a table as aligned plain text (columns separated by two spaces, a dashed rule under the header). */
export function renderText(t: Table): string {
  const widths = t.columns.map((c, i) => Math.max(width(c.header), ...t.rows.map((r) => width(r[i] ?? ''))));
  const fmt = (cells: string[]): string =>
    cells
      .map((cell, i) => pad(cell, widths[i]!, t.columns[i]?.align ?? 'left'))
      .join('  ')
      .trimEnd();
  const lines = [t.title, fmt(t.columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of t.rows) lines.push(fmt(r));
  for (const n of t.notes ?? []) lines.push(n);
  return lines.join('\n');
}

/** Renders a table as markdown: a bold title line, the pipe table, then the notes as plain lines. */
export function renderMarkdown(t: Table): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const widths = t.columns.map((c, i) => Math.max(3, width(c.header), ...t.rows.map((r) => width(esc(r[i] ?? '')))));
  const row = (cells: string[]): string =>
    '| ' + cells.map((c, i) => pad(esc(c), widths[i]!, t.columns[i]?.align ?? 'left')).join(' | ') + ' |';
  const rule = '|' + widths.map((w, i) => (t.columns[i]?.align === 'right' ? ' ' + '-'.repeat(w - 1) + ': ' : ' ' + '-'.repeat(w) + ' ')).join('|') + '|';
  const lines = [`**${t.title}**`, '', row(t.columns.map((c) => c.header)), rule, ...t.rows.map(row)];
  if (t.notes?.length) lines.push('', ...t.notes.map((n) => n + '  '));
  return lines.join('\n');
}

function width(s: string): number {
  return [...s].length;
}

function pad(s: string, w: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** Placeholder for a value that does not exist (e.g. arena_bytes on redis). */
export const NA = '—';

/** Integer with thousands separators, e.g. 1,234,567; NA for undefined/NaN. */
export function fmtInt(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? NA : Math.round(n).toLocaleString('en-US');
}

/** Fixed decimals, e.g. fmtFixed(0.1234, 3) = "0.123"; NA for undefined/NaN. */
export function fmtFixed(n: number | undefined, digits: number): string {
  return n === undefined || !Number.isFinite(n) ? NA : n.toFixed(digits);
}

/** Bytes shown in MiB with one decimal, e.g. 123.4; NA for undefined. */
export function fmtMiB(bytes: number | undefined): string {
  return bytes === undefined || !Number.isFinite(bytes) ? NA : (bytes / 1048576).toFixed(1);
}

/** Bytes as MiB with one decimal and the unit, e.g. "123.4 MiB". */
export function fmtMiBUnit(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** A share in [0, 1] as a percent with one decimal, e.g. 12.3; NA for NaN. */
export function fmtPct(x: number): string {
  return Number.isFinite(x) ? (100 * x).toFixed(1) : NA;
}

/** a/b as "0.42x"; NA if either is missing or b is 0. */
export function fmtRatio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return NA;
  return `${(a / b).toFixed(2)}x`;
}

/** Requests/s of a run, or `error` when it has none. */
export function fmtOpsOrError(rps: number | undefined): string {
  return rps === undefined ? 'error' : fmtInt(rps);
}

/** A latency in ms with 3 decimals (redis-benchmark's --precision 3). */
export function fmtMs(ms: number | undefined): string {
  return fmtFixed(ms, 3);
}

/** Two sides' figure, then a/b unless `ratio` is false: `[fmt(a), fmt(b), fmtRatio(a, b)]`. */
export function sideBySide(a: number | undefined, b: number | undefined, fmt: (x: number | undefined) => string, ratio = true): string[] {
  return ratio ? [fmt(a), fmt(b), fmtRatio(a, b)] : [fmt(a), fmt(b)];
}

/** Geometric mean of positive finite numbers; undefined if there are none. */
export function geomean(xs: number[]): number | undefined {
  const ok = xs.filter((x) => Number.isFinite(x) && x > 0);
  if (ok.length === 0) return undefined;
  return Math.exp(ok.reduce((s, x) => s + Math.log(x), 0) / ok.length);
}
