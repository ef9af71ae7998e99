import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Test, type TestingModule } from '@nestjs/testing';
import fc from 'fast-check';
import {
  MaterialService,
  WechatMaterialModule,
  WechatValidationException,
  type MaterialFile,
  type UploadType,
} from '../../../lib/index.js';
import { FAST_OPTIONS } from '../../helpers/create-test-module.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { UploadServer } from '../../helpers/upload-server.js';

type Kind = 'permanent' | 'temporary' | 'article';

/** WeChat's table written out again (an oracle independent of UPLOAD_LIMITS). */
const KB = 1024;
const MB = 1024 * KB;
const ORACLE: Record<Kind, Record<string, { max: number; ext: string[] }>> = {
  permanent: {
    image: { max: 10 * MB, ext: ['bmp', 'png', 'jpeg', 'jpg', 'gif'] },
    voice: { max: 2 * MB, ext: ['mp3', 'wma', 'wav', 'amr'] },
    video: { max: 10 * MB, ext: ['mp4'] },
    thumb: { max: 64 * KB, ext: ['jpg', 'jpeg'] },
  },
  temporary: {
    image: { max: 10 * MB, ext: ['png', 'jpeg', 'jpg', 'gif'] },
    voice: { max: 2 * MB, ext: ['amr', 'mp3'] },
    video: { max: 10 * MB, ext: ['mp4'] },
    thumb: { max: 64 * KB, ext: ['jpg', 'jpeg'] },
  },
  article: { image: { max: MB, ext: ['jpg', 'jpeg', 'png'] } },
};
const ALL_EXT = [
  'bmp',
  'png',
  'jpeg',
  'jpg',
  'gif',
  'mp3',
  'wma',
  'wav',
  'amr',
  'mp4',
  'webp',
  'txt',
  'exe',
];

const randomCase = (s: string, mask: number): string =>
  [...s].map((c, i) => ((mask >> i) & 1 ? c.toUpperCase() : c)).join('');

/** A filename: `allowed` picks an extension the type allows (the rest is left to chance). */
type NameSpec =
  { base: string; ext: string | { allowed: number }; mask: number } | { literal: string };

const nameSpec: fc.Arbitrary<NameSpec> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      base: fc.string({ unit: 'grapheme', minLength: 0, maxLength: 12 }),
      ext: fc.oneof(fc.constantFrom(...ALL_EXT), fc.record({ allowed: fc.nat(9) })),
      mask: fc.nat(15),
    }),
  },
  // anything at all: no extension, dots only, control characters, emoji…
  { weight: 1, arbitrary: fc.record({ literal: fc.string({ unit: 'grapheme', maxLength: 16 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      literal: fc.constantFrom('a.png\r\n', 'a\u0000.jpg', '.jpg', 'x.', '   ', ''),
    }),
  },
);

function nameOf(spec: NameSpec, allowed: readonly string[]): string {
  if ('literal' in spec) return spec.literal;
  const ext =
    typeof spec.ext === 'string' ? spec.ext : (allowed[spec.ext.allowed % allowed.length] ?? 'x');
  return `${spec.base}.${randomCase(ext, spec.mask)}`;
}

const size = fc.oneof(
  { weight: 1, arbitrary: fc.constant('empty' as const) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 4096 }) },
  { weight: 2, arbitrary: fc.constantFrom('limit' as const, 'limit+1' as const) },
);

const sourceKind = fc.constantFrom('data' as const, 'path' as const, 'stream' as const);

/** The oracle's verdict: is this upload one WeChat should ever see? */
function shouldSend(kind: Kind, type: string, name: string, bytes: number): boolean {
  const rule = ORACLE[kind][type];
  // eslint-disable-next-line no-control-regex -- control characters are what is checked
  if (!rule || name.trim() === '' || /[\u0000-\u001f\u007f]/.test(name)) return false;
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
  return rule.ext.includes(ext) && bytes >= 1 && bytes <= rule.max;
}

describe('property: a bad upload never reaches WeChat, a good one arrives intact', () => {
  const server = new UploadServer();
  let moduleRef: TestingModule;
  let m: MaterialService;
  let dir: string;
  let fileNo = 0;

  beforeAll(async () => {
    const baseUrl = await server.start();
    moduleRef = await Test.createTestingModule({
      imports: [WechatMaterialModule.forRoot({ ...FAST_OPTIONS, baseUrl })],
    })
      .setLogger(new CapturingLogger())
      .compile();
    m = moduleRef.get(MaterialService);
    dir = await mkdtemp(join(tmpdir(), 'media-props-'));
  });

  afterAll(async () => {
    await moduleRef.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => server.reset());

  /** Bytes of the size asked for; big limits go through a sparse file, never memory. */
  async function source(
    how: 'data' | 'path' | 'stream',
    bytes: number,
  ): Promise<Pick<MaterialFile, 'data' | 'path' | 'stream'>> {
    if (how === 'data' && bytes <= 2 * MB) return { data: Buffer.alloc(bytes, 0x5a) };
    const path = join(dir, `f${fileNo++}`);
    await writeFile(path, '');
    await truncate(path, bytes);
    if (how === 'stream') {
      const { createReadStream } = await import('node:fs');
      return { stream: bytes === 0 ? Readable.from([]) : createReadStream(path) };
    }
    return { path };
  }

  const arbitrary = fc.record({
    kind: fc.constantFrom<Kind>('permanent', 'temporary', 'article'),
    type: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom('image', 'voice', 'video', 'thumb') },
      { weight: 1, arbitrary: fc.constantFrom('news', 'IMAGE', '', 'file') },
    ),
    name: nameSpec,
    size,
    how: sourceKind,
  });

  it('bad ones are refused with zero requests; good ones arrive with their name and size', async () => {
    const seen = { sent: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ kind, type, name: spec, size: s, how }) => {
        server.reset();
        const rule = ORACLE[kind][kind === 'article' ? 'image' : type];
        const name = nameOf(spec, rule?.ext ?? []);
        // 10 MB at the limit is covered elsewhere; here the limits tried are up to 2 MB.
        const limit = rule && rule.max <= 2 * MB ? rule.max : 64 * KB;
        const bytes = s === 'empty' ? 0 : s === 'limit' ? limit : s === 'limit+1' ? limit + 1 : s;
        const file = { filename: name, ...(await source(how, bytes)) } as MaterialFile;
        const description = { title: '标题', introduction: '介绍' };
        const call =
          kind === 'article'
            ? m.uploadArticleImage(file)
            : kind === 'temporary'
              ? m.addTemporaryMaterial(type as UploadType, file)
              : m.addMaterial(type as 'video', file, description);
        const sent = shouldSend(kind, kind === 'article' ? 'image' : type, name, bytes);
        const outcome = await call.then(
          () => 'sent',
          (err: unknown) => err,
        );
        seen[sent ? 'sent' : 'refused']++;
        if (!sent) {
          expect(outcome).toBeInstanceOf(WechatValidationException);
          expect(server.requests).toEqual([]);
          return;
        }
        expect(outcome).toBe('sent');
        const uploads = server.businessRequests;
        expect(uploads).toHaveLength(1);
        const part = uploads[0]!.parts?.find((p) => p.name === 'media');
        // As a form parser reads it: quotes travel as %22 (the WHATWG form encoding browsers
        // use too) and busboy keeps only the part after the last / or \.
        const parsed = name.replace(/"/g, '%22');
        expect(part?.filename).toBe(
          parsed.slice(Math.max(parsed.lastIndexOf('/'), parsed.lastIndexOf('\\')) + 1),
        );
        expect(part?.data.length).toBe(bytes);
      }),
      { numRuns: 120, seed: 20261205 },
    );
    // Both sides of the property were exercised.
    expect(seen.sent).toBeGreaterThanOrEqual(15);
    expect(seen.refused).toBeGreaterThanOrEqual(15);
  });
});
