import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * STYLE.md §2, "Imports run one way": madge finds cycles between files only; this keeps the
 * folders of lib/ acyclic too. Only runtime imports count: `import type` is erased, and the
 * options interfaces (lib root) name token/ types that token/ in turn is configured by.
 */

const LIB = resolve(import.meta.dirname, '..', '..', '..', 'lib');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** A folder of lib/ (`errors`), or a file of lib's root on its own (`wechat-material.module.ts`). */
function nodeOf(file: string): string {
  return relative(LIB, file).split(sep)[0]!;
}

const STATEMENT = /(?:^|\n)[ \t]*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/g;
const SIDE_EFFECT = /(?:^|\n)[ \t]*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Relative specifiers a file loads at runtime. */
export function runtimeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(STATEMENT)) {
    const [, , typeKeyword, clause, spec] = m;
    const names = /^\{([\s\S]*)\}$/.exec(clause!.trim())?.[1];
    const allTypes =
      names !== undefined &&
      names
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean)
        .every((n) => n.startsWith('type '));
    if (!typeKeyword && !allTypes) out.push(spec!);
  }
  for (const m of text.matchAll(SIDE_EFFECT)) out.push((m[1] ?? m[2])!);
  return out.filter((s) => s.startsWith('.'));
}

/** Node → nodes it imports from at runtime (self-edges left out). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(LIB)) {
    const from = nodeOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const spec of runtimeImports(readFileSync(file, 'utf8'))) {
      const to = nodeOf(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** A cycle as a path `[a, b, …, a]`, or undefined. */
export function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('folder imports of lib/', () => {
  const graph = folderGraph();
  const importsOf = (node: string) => [...(graph.get(node) ?? [])].sort();

  it('form no cycle between folders', () => {
    expect(graph.size).toBeGreaterThan(5);
    expect(findCycle(graph)).toBeUndefined();
  });

  it('run one way at the bottom: shared/ imports nothing, errors/ only shared/ (and the options token)', () => {
    expect(importsOf('shared')).toEqual([]);
    expect(importsOf('errors').filter((n) => !n.startsWith('wechat-material.'))).toEqual([
      'shared',
    ]);
    expect(importsOf('paging')).not.toContain('material');
  });

  it('the cycle finder finds a folder cycle, and type-only imports do not count', () => {
    const cyclic = new Map([
      ['material', new Set(['http'])],
      ['http', new Set(['errors'])],
      ['errors', new Set(['http'])],
    ]);
    expect(findCycle(cyclic)).toEqual(['http', 'errors', 'http']);
    expect(findCycle(new Map([['a', new Set(['b'])]]))).toBeUndefined();
    const text = [
      "import type { A } from '../a/a.js';",
      "import { type B, type C } from '../b/b.js';",
      "import {\n  D,\n  type E,\n} from '../d/d.js';",
      "export { F } from './f.js';",
      "import 'reflect-metadata';",
      "import '../side/effect.js';",
      "export type { G } from '../g/g.js';",
    ].join('\n');
    expect(runtimeImports(text)).toEqual(['../d/d.js', './f.js', '../side/effect.js']);
  });
});
