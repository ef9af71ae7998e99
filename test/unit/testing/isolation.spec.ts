import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from '@jest/globals';

const root = join(import.meta.dirname, '..', '..', '..');
const testingDir = join(root, 'lib', 'testing');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every module specifier in a source text: static, re-export, side-effect and dynamic imports. */
function specifiersOf(text: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((re) => [...text.matchAll(re)].map((m) => m[1]!));
}

/** Why `spec`, imported by `file`, leaves lib/testing; undefined when it stays inside. */
function escape(file: string, spec: string): string | undefined {
  if (spec.startsWith('.')) {
    const target = resolve(dirname(file), spec);
    return target === testingDir || target.startsWith(testingDir + sep)
      ? undefined
      : `${relative(root, file)} imports ${spec}`;
  }
  const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
  return builtinModules.includes(bare) ? undefined : `${relative(root, file)} imports ${spec}`;
}

describe('lib/testing stands alone (it is WeChat, not us)', () => {
  it('imports nothing from the rest of lib/ and no package, only Node built-ins', () => {
    const files = tsFiles(testingDir);
    expect(files.length).toBeGreaterThan(5);
    const specs = files.flatMap((f) => specifiersOf(readFileSync(f, 'utf8')).map((s) => [f, s]));
    expect(specs.length).toBeGreaterThan(20);
    const escapes = specs.map(([f, s]) => escape(f!, s!)).filter((e) => e !== undefined);
    expect(escapes).toEqual([]);
  });

  it('would catch every form of import that leaves the folder', () => {
    const file = join(testingDir, 'fake', 'x.ts');
    const text = [
      "import { a } from '../../errors/messages.js';",
      "import type { B } from '../../material/types.js';",
      "export { c } from '../../http/redact.js';",
      "import '../../shared/sleep.js';",
      "const d = await import('../../index.js');",
      "import { e } from 'undici';",
      "import {\n  f,\n} from '@nestjs/common';",
      "import { g } from './library.js';",
      "import { h } from 'node:http';",
    ].join('\n');
    const escapes = specifiersOf(text).map((s) => escape(file, s));
    expect(escapes.filter((e) => e !== undefined)).toHaveLength(7);
    expect(escapes.filter((e) => e === undefined)).toHaveLength(2);
  });
});
