import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { builtinModules } from 'node:module';
import { describe, expect, it } from '@jest/globals';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Bare package names a file imports (import … from 'x', import 'x', import('x')). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(?\s*)['"]([^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
  return specs
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

const libFiles = sourceFiles(join(root, 'lib'));

describe('package manifest', () => {
  it('declares every package lib/ imports as a peer, except undici: the one dependency', () => {
    const used = new Set(libFiles.flatMap(importsOf));
    expect(used.has('undici')).toBe(true);
    for (const name of used) {
      if (builtinModules.includes(name) || name === 'undici') continue;
      expect({ name, declared: name in pkg.peerDependencies }).toEqual({ name, declared: true });
      expect(pkg.devDependencies[name]).toBeDefined();
    }
    // A range within 7 (undici 8 needs Node 22), so apps share one copy with their own undici.
    expect(pkg.dependencies).toEqual({ undici: expect.stringMatching(/^\^7\.\d+\.\d+$/) });
  });

  it('keeps ioredis optional and imported only under lib/redis', () => {
    expect(pkg.peerDependenciesMeta?.ioredis?.optional).toBe(true);
    const importers = libFiles
      .filter((f) => importsOf(f).includes('ioredis'))
      .map((f) => relative(root, f));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((f) => !f.startsWith(join('lib', 'redis')))).toEqual([]);
  });

  it('keeps @nestjs/terminus an optional ^12 peer, imported only under lib/terminus', () => {
    expect(pkg.peerDependencies['@nestjs/terminus']).toBe('^12.0.0');
    expect(pkg.peerDependenciesMeta?.['@nestjs/terminus']?.optional).toBe(true);
    const importers = libFiles
      .filter((f) => importsOf(f).includes('@nestjs/terminus'))
      .map((f) => relative(root, f));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((f) => !f.startsWith(join('lib', 'terminus')))).toEqual([]);
  });

  it('keeps lib/testing free of runtime dependencies (it ships to users test code)', () => {
    const testing = libFiles.filter((f) => f.includes(join('lib', 'testing')));
    expect(testing.flatMap(importsOf).filter((n) => !builtinModules.includes(n))).toEqual([]);
  });

  it('pins every devDependency to an exact version', () => {
    for (const [name, version] of Object.entries(pkg.devDependencies)) {
      expect({ name, version }).toEqual({ name, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    }
  });
});
