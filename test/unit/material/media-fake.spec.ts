import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  WechatApiException,
  WechatTransportException,
  type MaterialContent,
  type MaterialFileContent,
  type TemporaryMaterialContent,
  type UploadType,
  type WechatCallEvent,
} from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { rejectionOf } from '../../helpers/wait.js';
import { PATHS } from '../../helpers/constants.js';

const GET = PATHS.getMaterial;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The bytes behind a down_url / video_url (the fake serves them itself, without a token). */
function fetchBytes(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      drain(res).then(resolve, reject);
    }).on('error', reject);
  });
}

function asFile(content: MaterialContent | TemporaryMaterialContent): MaterialFileContent {
  expect(content.kind).toBe('file');
  return content as MaterialFileContent;
}

describe('media against FakeWechatServer: every type round-trips byte for byte', () => {
  let t: TestModule;
  let dir: string;
  let spoolDir: string;
  const savedTmp = process.env.TMPDIR;
  const events: WechatCallEvent[] = [];

  beforeAll(async () => {
    t = await createTestModule({ transferTimeoutMs: 1000, onCall: (e) => events.push(e) });
    dir = await mkdtemp(join(tmpdir(), 'media-fake-'));
    spoolDir = await mkdtemp(join(tmpdir(), 'media-fake-spool-'));
    process.env.TMPDIR = spoolDir;
  });

  afterAll(async () => {
    process.env.TMPDIR = savedTmp;
    await t.close();
    await rm(dir, { recursive: true, force: true });
    await rm(spoolDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    t.server.clearFaults();
    events.length = 0;
  });

  it.each<[UploadType, string, number, 'data' | 'path' | 'stream']>([
    ['image', '春节 海报.png', 3 * 1024 * 1024, 'path'],
    ['voice', '语音留言.mp3', 700_000, 'stream'],
    ['thumb', 'cover.JPG', 64 * 1024, 'data'],
  ])(
    'permanent %s (%s, %d bytes from %s): add, get, same sha256 and name',
    async (type, filename, size, how) => {
      const bytes = randomBytes(size);
      const path = join(dir, `src-${type}`);
      await writeFile(path, bytes);
      const source =
        how === 'data'
          ? { data: bytes }
          : how === 'path'
            ? { path }
            : { stream: Readable.from([bytes]) };
      const added = await t.material.addMaterial(type as 'image', { filename, ...source });
      expect(typeof added.media_id).toBe('string');
      if (type === 'image') expect(added.url).toMatch(/^http:\/\/mmbiz\.qpic\.cn\//);
      const content = asFile(await t.material.getMaterial(added.media_id));
      expect(content.filename).toBe(filename);
      expect(content.contentLength).toBe(size);
      expect(sha256(await drain(content.stream))).toBe(sha256(bytes));
      expect(await readdir(spoolDir)).toEqual([]);
    },
  );

  it('permanent video: the description arrives in Chinese, down_url serves the same bytes', async () => {
    const bytes = randomBytes(2 * 1024 * 1024);
    const description = { title: '产品介绍 第1集', introduction: '一段“中文”介绍' };
    const added = await t.material.addMaterial(
      'video',
      { filename: '介绍.mp4', data: bytes },
      description,
    );
    const content = await t.material.getMaterial(added.media_id);
    expect(content).toMatchObject({
      kind: 'video',
      title: description.title,
      description: description.introduction,
    });
    const { down_url } = content as { down_url: string };
    expect(sha256(await fetchBytes(down_url))).toBe(sha256(bytes));
  });

  it.each<[UploadType, string]>([
    ['image', 'tmp.gif'],
    ['voice', 'tmp.amr'],
    ['thumb', 'tmp.jpeg'],
  ])('temporary %s: add, get, same sha256', async (type, filename) => {
    const bytes = randomBytes(type === 'thumb' ? 60_000 : 500_000);
    const added = await t.material.addTemporaryMaterial(type, { filename, data: bytes });
    expect(added.type).toBe(type);
    expect(typeof added.media_id).toBe('string');
    expect(typeof added.created_at).toBe('number');
    const content = asFile(await t.material.getTemporaryMaterial(added.media_id));
    expect(sha256(await drain(content.stream))).toBe(sha256(bytes));
  });

  it('temporary video: video_url serves the same bytes', async () => {
    const bytes = randomBytes(1024 * 1024);
    const added = await t.material.addTemporaryMaterial('video', {
      filename: 'clip.mp4',
      data: bytes,
    });
    const content = await t.material.getTemporaryMaterial(added.media_id);
    expect(content.kind).toBe('video');
    expect(sha256(await fetchBytes((content as { video_url: string }).video_url))).toBe(
      sha256(bytes),
    );
  });

  it('article image → url; delete → counts follow, then 40007', async () => {
    const { url } = await t.material.uploadArticleImage({
      filename: '插图.png',
      data: randomBytes(2000),
    });
    expect(url).toMatch(/^http:\/\/mmbiz\.qpic\.cn\//);
    const before = await t.material.getMaterialCount();
    const added = await t.material.addMaterial('image', {
      filename: 'x.png',
      data: randomBytes(10),
    });
    expect((await t.material.getMaterialCount()).image_count).toBe(before.image_count + 1);
    await t.material.deleteMaterial(added.media_id);
    expect((await t.material.getMaterialCount()).image_count).toBe(before.image_count);
    const err = await rejectionOf(t.material.getMaterial(added.media_id));
    expect(err).toBeInstanceOf(WechatApiException);
    expect(err).toMatchObject({ errcode: 40007 });
    await expect(t.material.deleteMaterial(added.media_id)).rejects.toMatchObject({
      errcode: 40007,
    });
  });

  it.each<['stall_body' | 'reset_body', string]>([
    ['stall_body', 'timeout'],
    ['reset_body', 'network'],
  ])(
    "the fake's %s fault: the stream errors with %s, one more transport event",
    async (fault, reason) => {
      const added = await t.material.addMaterial('image', {
        filename: 'f.png',
        data: randomBytes(2 * 1024 * 1024),
      });
      events.length = 0;
      t.server.failNext(GET, fault);
      const content = asFile(await t.material.getMaterial(added.media_id));
      const err = await rejectionOf(drain(content.stream));
      expect(err).toBeInstanceOf(WechatTransportException);
      expect(err).toMatchObject({ reason, path: GET });
      expect(
        events.filter((e) => e.path === GET).map((e) => [e.attempt, e.outcome, e.retried]),
      ).toEqual([
        [1, 'ok', false],
        [1, 'transport', false],
      ]);
    },
  );
});
