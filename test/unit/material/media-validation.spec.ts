import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BadRequestException } from '@nestjs/common';
import {
  UPLOAD_LIMITS,
  WechatValidationException,
  type MaterialFile,
  type UploadType,
} from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { rejectionOf } from '../../helpers/wait.js';
import { OTHER_APP_ID, OTHER_APP_SECRET } from '../../helpers/constants.js';

const MB = 1024 * 1024;
const TYPE_MSG = 'type must be one of the following values: image, voice, video, thumb';
const ONE_SOURCE = 'file must have exactly one source: data, path or stream';
const FILENAME = 'file.filename must be a non-empty string without control characters';
const ext = (what: string, list: string) =>
  `file.filename must end with an extension allowed for ${what}: ${list}`;
const TITLE = 'description.title must be a non-empty string (WeChat requires it for a video)';
const INTRO =
  'description.introduction must be a non-empty string (WeChat requires it for a video)';
const MEDIA_ID = 'mediaId must be a non-empty string';

const png = (n = 16): Buffer => Buffer.alloc(n, 1);

/** A stream that yields `total` bytes in 16 KB chunks and counts what was pulled. */
function counted(total: number): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const stream = new Readable({
    read() {
      if (pulled >= total) return void this.push(null);
      const n = Math.min(16 * 1024, total - pulled);
      pulled += n;
      this.push(Buffer.alloc(n, 7));
    },
  });
  return { stream, pulled: () => pulled };
}

describe('media input checks (before any request)', () => {
  let t: TestModule;
  let dir: string;
  let spoolDir: string;
  const savedTmp = process.env.TMPDIR;

  beforeAll(async () => {
    t = await createTestModule({ accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } } });
    dir = await mkdtemp(join(tmpdir(), 'media-validation-'));
    // Spooled streams land in os.tmpdir(): a private one shows whether they are removed.
    spoolDir = await mkdtemp(join(tmpdir(), 'media-spool-'));
    process.env.TMPDIR = spoolDir;
  });

  afterAll(async () => {
    process.env.TMPDIR = savedTmp;
    await t.close();
    await rm(dir, { recursive: true, force: true });
    await rm(spoolDir, { recursive: true, force: true });
  });

  beforeEach(() => t.server.resetCounters());

  afterEach(async () => {
    expect(await readdir(spoolDir)).toEqual([]);
  });

  async function messagesOf(call: Promise<unknown>): Promise<string[]> {
    const err = await rejectionOf(call);
    expect(err).toBeInstanceOf(WechatValidationException);
    expect(err).toBeInstanceOf(BadRequestException);
    const e = err as WechatValidationException;
    expect(e.getStatus()).toBe(400);
    const response = e.getResponse() as { message: string[]; error: string; statusCode: number };
    expect(response).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    // Zero upstream calls: not even a token fetch.
    expect(t.server.requests).toEqual({});
    expect(t.server.tokenRequests).toBe(0);
    return response.message;
  }

  const add = (type: unknown, file: unknown, description?: unknown) =>
    t.material.addMaterial(type as 'image', file as MaterialFile, description as never);

  it.each<[string, unknown, unknown, string[]]>([
    ["type 'news'", 'news', { filename: 'a.png', data: png() }, [TYPE_MSG]],
    ["type 'IMAGE'", 'IMAGE', { filename: 'a.png', data: png() }, [TYPE_MSG]],
    ['no type', undefined, { filename: 'a.png', data: png() }, [TYPE_MSG]],
    [
      'file null',
      'image',
      null,
      ['file must be an object { filename, data | path | stream, contentType? }'],
    ],
    ['no source', 'image', { filename: 'a.png' }, [ONE_SOURCE]],
    ['two sources', 'image', { filename: 'a.png', data: png(), path: '/x.png' }, [ONE_SOURCE]],
    [
      'data a string',
      'image',
      { filename: 'a.png', data: 'abc' },
      ['file.data must be a Buffer or a Uint8Array'],
    ],
    [
      'path empty',
      'image',
      { filename: 'a.png', path: '' },
      ['file.path must be a non-empty string'],
    ],
    [
      'stream not a stream',
      'image',
      { filename: 'a.png', stream: {} },
      ['file.stream must be a Readable stream'],
    ],
    ['no filename', 'image', { data: png() }, [FILENAME]],
    ['blank filename', 'image', { filename: '  ', data: png() }, [FILENAME]],
    ['filename with a line break', 'image', { filename: 'a\r\n.png', data: png() }, [FILENAME]],
    [
      'filename without extension',
      'image',
      { filename: 'photo', data: png() },
      [ext('a permanent image', '.bmp, .png, .jpeg, .jpg, .gif')],
    ],
    [
      'image .webp',
      'image',
      { filename: 'a.webp', data: png() },
      [ext('a permanent image', '.bmp, .png, .jpeg, .jpg, .gif')],
    ],
    [
      'thumb .png',
      'thumb',
      { filename: 'a.png', data: png() },
      [ext('a permanent thumb', '.jpg, .jpeg')],
    ],
    [
      'voice .ogg',
      'voice',
      { filename: 'a.ogg', data: png() },
      [ext('a permanent voice', '.mp3, .wma, .wav, .amr')],
    ],
    [
      'contentType with a line break',
      'image',
      { filename: 'a.png', data: png(), contentType: 'image/png\r\nX-A: b' },
      ['file.contentType must be a MIME type such as image/png (no line breaks or quotes)'],
    ],
    [
      'empty data',
      'image',
      { filename: 'a.png', data: Buffer.alloc(0) },
      ['file.data must not be empty'],
    ],
    [
      'thumb 64 KB + 1',
      'thumb',
      { filename: 'a.jpg', data: Buffer.alloc(64 * 1024 + 1) },
      ['file.data must not be larger than 65536 bytes (64 KB, the limit for a permanent thumb)'],
    ],
    [
      'voice 2 MB + 1 as a Uint8Array',
      'voice',
      { filename: 'a.mp3', data: new Uint8Array(2 * MB + 1) },
      ['file.data must not be larger than 2097152 bytes (2 MB, the limit for a permanent voice)'],
    ],
    ['everything wrong at once', 'images', { filename: 'x' }, [TYPE_MSG, ONE_SOURCE]],
    [
      'bad file and missing description',
      'video',
      { filename: 'a.mov', data: png() },
      [TITLE, INTRO, ext('a permanent video', '.mp4')],
    ],
    ['video without description', 'video', { filename: 'a.mp4', data: png() }, [TITLE, INTRO]],
    ['video with an empty title', 'video', { filename: 'a.mp4', data: png() }, [TITLE]],
  ])('addMaterial: %s → 400 with zero requests', async (label, type, file, messages) => {
    const description =
      label === 'video with an empty title' ? { title: ' ', introduction: '介绍' } : undefined;
    expect(await messagesOf(add(type, file, description))).toEqual(messages);
  });

  it('video with a description object missing introduction', async () => {
    expect(
      await messagesOf(add('video', { filename: 'a.mp4', data: png() }, { title: '标题' })),
    ).toEqual([INTRO]);
  });

  it('temporary limits differ: voice .wav and image .bmp are refused, 10 MB + 1 image too', async () => {
    const tmp = (type: string, file: unknown) =>
      t.material.addTemporaryMaterial(type as UploadType, file as MaterialFile);
    expect(await messagesOf(tmp('voice', { filename: 'a.wav', data: png() }))).toEqual([
      ext('a temporary voice', '.amr, .mp3'),
    ]);
    expect(await messagesOf(tmp('image', { filename: 'a.BMP', data: png() }))).toEqual([
      ext('a temporary image', '.png, .jpeg, .jpg, .gif'),
    ]);
    expect(
      await messagesOf(tmp('image', { filename: 'a.gif', data: Buffer.alloc(10 * MB + 1) })),
    ).toEqual([
      'file.data must not be larger than 10485760 bytes (10 MB, the limit for a temporary image)',
    ]);
    expect(await messagesOf(tmp('news', { filename: 'a.png', data: png() }))).toEqual([TYPE_MSG]);
  });

  it('article images: jpg/jpeg/png up to 1 MB', async () => {
    const up = (file: unknown) => t.material.uploadArticleImage(file as MaterialFile);
    expect(await messagesOf(up({ filename: 'a.gif', data: png() }))).toEqual([
      ext('an article image', '.jpg, .jpeg, .png'),
    ]);
    expect(await messagesOf(up({ filename: 'a.png', data: Buffer.alloc(MB + 1) }))).toEqual([
      'file.data must not be larger than 1048576 bytes (1 MB, the limit for an article image)',
    ]);
  });

  describe('path sources: size from fs.stat', () => {
    it('a missing file, a directory → file.path must name a readable regular file', async () => {
      const msg = ['file.path must name a readable regular file'];
      expect(
        await messagesOf(add('image', { filename: 'a.png', path: join(dir, 'nope.png') })),
      ).toEqual(msg);
      expect(await messagesOf(add('image', { filename: 'a.png', path: dir }))).toEqual(msg);
    });

    it('an empty file and a file one byte over the limit (sparse, never read)', async () => {
      const empty = join(dir, 'empty.png');
      await writeFile(empty, '');
      expect(await messagesOf(add('image', { filename: 'a.png', path: empty }))).toEqual([
        'file.path must not be empty',
      ]);
      const big = join(dir, 'big.mp4');
      await writeFile(big, '');
      await truncate(big, UPLOAD_LIMITS.permanent.video.maxBytes + 1);
      expect(
        await messagesOf(
          add('video', { filename: 'a.mp4', path: big }, { title: 't', introduction: 'i' }),
        ),
      ).toEqual([
        'file.path must not be larger than 10485760 bytes (10 MB, the limit for a permanent video)',
      ]);
    });
  });

  describe('stream sources: spooled to a temporary file, counting bytes', () => {
    it('one byte over the limit: reading stops there, the file is removed, nothing is sent', async () => {
      const limit = UPLOAD_LIMITS.permanent.thumb.maxBytes;
      const src = counted(10 * MB);
      expect(await messagesOf(add('thumb', { filename: 'a.jpg', stream: src.stream }))).toEqual([
        'file.stream must not be larger than 65536 bytes (64 KB, the limit for a permanent thumb)',
      ]);
      // It stopped soon after the limit, far from the 10 MB the stream could give.
      expect(src.pulled()).toBeGreaterThan(limit);
      expect(src.pulled()).toBeLessThan(limit + 256 * 1024);
      expect(src.stream.destroyed).toBe(true);
    });

    it('an empty stream → file.stream must not be empty', async () => {
      expect(
        await messagesOf(add('image', { filename: 'a.png', stream: Readable.from([]) })),
      ).toEqual(['file.stream must not be empty']);
    });

    it('a stream that errors mid-way → file.stream failed before its end', async () => {
      async function* failing() {
        yield Buffer.alloc(1000);
        throw new Error('client went away');
      }
      expect(
        await messagesOf(add('image', { filename: 'a.png', stream: Readable.from(failing()) })),
      ).toEqual(['file.stream failed before its end']);
    });

    it('a stream given to a call that fails its other checks is destroyed unread', async () => {
      const src = counted(1000);
      expect(await messagesOf(add('image', { filename: 'a.txt', stream: src.stream }))).toEqual([
        ext('a permanent image', '.bmp, .png, .jpeg, .jpg, .gif'),
      ]);
      expect(src.pulled()).toBe(0);
      expect(src.stream.destroyed).toBe(true);
    });
  });

  it.each<[string, unknown]>([
    ['empty', ''],
    ['blank', '   '],
    ['undefined', undefined],
    ['a number', 42],
  ])('deleteMaterial with a mediaId %s → 400 with zero requests', async (_l, id) => {
    expect(await messagesOf(t.material.deleteMaterial(id as string))).toEqual([MEDIA_ID]);
  });

  it('forAccount clients check the same way', async () => {
    const other = t.material.forAccount(OTHER_APP_ID);
    expect(
      await messagesOf(other.addMaterial('thumb', { filename: 'a.png', data: png() })),
    ).toEqual([ext('a permanent thumb', '.jpg, .jpeg')]);
    expect(await messagesOf(other.deleteMaterial(''))).toEqual([MEDIA_ID]);
  });
});
