/**
 * The source tree's structure (issue 13, "one owner per idea"):
 * - no import cycle of more than 2 files among the server's and the migration controller's modules, type-only
 *   imports included (dpdm's dependency tree with `transform: false`, the CLI's `-T false`; the strongly connected
 *   components are computed here, so a cycle dpdm's own listing would report in pieces still counts whole);
 * - command handlers reach the server only through CommandServices (server/commands/context.ts): no file under
 *   server/commands/ imports allocator/, observe/, net/ or core/server-core.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDependencyTree, type DependencyTree } from 'dpdm';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every .ts file under `dir` (relative to the repository root), recursively. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Strongly connected components of more than one file (Tarjan), each sorted. */
function cycles(tree: DependencyTree): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let next = 0;
  const edges = (v: string): string[] => (tree[v] ?? []).map((d) => d.id).filter((id): id is string => id !== null && id in tree);
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of Object.keys(tree)) if (!index.has(v)) visit(v);
  return out;
}

describe('source structure', () => {
  test('no import cycle of more than 2 files (type-only imports included)', async () => {
    const entries = ['server/main.ts', 'migration-hook/main.ts', ...tsFiles('server'), ...tsFiles('migration-hook')];
    const tree = await parseDependencyTree(entries, {
      context: ROOT,
      cwd: ROOT,
      transform: false,
      skipDynamicImports: false,
      include: /\.ts$/,
      exclude: /node_modules/,
    });
    expect(Object.keys(tree).length).toBeGreaterThan(60); // the tree was really read
    const big = cycles(tree).filter((c) => c.length > 2);
    expect(big, `import cycles:\n${big.map((c) => `  ${c.length} files: ${c.join(' ')}`).join('\n')}`).toEqual([]);
  }, 60_000);

  test('command handlers import neither allocator/ nor observe/, net/ or core/server-core.ts', () => {
    const bad: string[] = [];
    const dir = 'server/commands';
    for (const f of tsFiles(dir)) {
      const src = readFileSync(path.join(ROOT, f), 'utf8');
      for (const m of src.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gms)) {
        const spec = m[1]!;
        if (!spec.startsWith('.')) continue;
        const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(f), spec)).split(path.sep).join('/');
        if (/^(allocator|server\/observe|server\/net)\//.test(target) || target === 'server/core/server-core.js') bad.push(`${f}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
