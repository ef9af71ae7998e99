import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const HERE = dirname(fileURLToPath(import.meta.url));
const DOC = resolve(HERE, '../../../docs/recipes.md');

/** What a user writes instead of the repository-relative imports the tests use. */
const asPublished = (code: string): string =>
  code
    .replaceAll("'../../../lib/redis/index.js'", "'nestjs-wechat-material/redis'")
    .replaceAll("'../../../lib/index.js'", "'nestjs-wechat-material'")
    .trimEnd();

/** `<!-- recipe: file -->` followed by a ```ts block. */
function docBlocks(markdown: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const pattern = /<!-- recipe: (\S+) -->\s*```ts\n([\s\S]*?)\n```/g;
  for (const match of markdown.matchAll(pattern)) blocks.set(match[1]!, match[2]!.trimEnd());
  return blocks;
}

describe('docs/recipes.md', () => {
  const blocks = docBlocks(readFileSync(DOC, 'utf8'));
  const recipeFiles = readdirSync(HERE).filter((f) => f.endsWith('.recipe.ts'));

  it('shows every tested recipe file', () => {
    expect([...blocks.keys()].sort()).toEqual([...recipeFiles].sort());
  });

  it.each(recipeFiles)('shows exactly the code of %s', (file) => {
    expect(blocks.get(file)).toBe(asPublished(readFileSync(join(HERE, file), 'utf8')));
  });

  it('imports only from the public entry points', () => {
    for (const code of blocks.values()) {
      expect(code).not.toMatch(/from '\.\.?\//);
    }
  });
});
