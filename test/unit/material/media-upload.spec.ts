import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  MaterialService,
  WechatApiException,
  WechatTransportException,
} from '../../../lib/index.js';
import { useMediaModules } from '../../helpers/media-modules.js';
import {
  UPLOAD_TOKEN,
  hold,
  json,
  reset,
  type Answer,
  type ReceivedRequest,
} from '../../helpers/upload-server.js';
import { rejectionOf } from '../../helpers/wait.js';
import { PATHS } from '../../helpers/constants.js';

const ADD = PATHS.addMaterial;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The file part WeChat reads. */
const mediaPart = (r: ReceivedRequest) => r.parts?.find((p) => p.name === 'media');

/** Answers after `ms` (an upload's deadline is transferTimeoutMs, not timeoutMs). */
const slow =
  (ms: number, answer: Answer): Answer =>
  (req, res) =>
    void setTimeout(() => answer(req, res), ms);

describe('uploads: multipart as WeChat wants it, replay-safe', () => {
  const { server, events, material } = useMediaModules();
  let dir: string;
  let spoolDir: string;
  const savedTmp = process.env.TMPDIR;

  let m: MaterialService;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-upload-'));
    spoolDir = await mkdtemp(join(tmpdir(), 'media-spool-'));
    process.env.TMPDIR = spoolDir;
    m = await material();
  });

  afterAll(async () => {
    process.env.TMPDIR = savedTmp;
    await rm(dir, { recursive: true, force: true });
    await rm(spoolDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    // Whatever the outcome, no spooled file is left behind.
    expect(await readdir(spoolDir)).toEqual([]);
  });

  function expectWellFormed(r: ReceivedRequest): void {
    expect(r.method).toBe('POST');
    expect(r.query.get('access_token')).toBe(UPLOAD_TOKEN);
    // Always a Content-Length, never chunked.
    expect(r.headers['transfer-encoding']).toBeUndefined();
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(r.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  }

  it('image from data: one `media` part with filename, default content type and the exact bytes', async () => {
    const data = randomBytes(300_000);
    const res = await m.addMaterial('image', { filename: 'photo.PNG', data });
    expect(res).toEqual({ media_id: 'MEDIA_ID_1', url: 'http://mmbiz.qpic.cn/x' });
    const [r] = server.to(ADD);
    expect(server.to(ADD)).toHaveLength(1);
    expectWellFormed(r!);
    expect(r!.query.get('type')).toBe('image');
    expect(r!.parts).toHaveLength(1);
    expect(mediaPart(r!)).toMatchObject({ filename: 'photo.PNG', mimeType: 'image/png' });
    expect(sha256(mediaPart(r!)!.data)).toBe(sha256(data));
  });

  it('from a path, read from disk while sent; an explicit content type wins', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const path = join(dir, 'voice.bin');
    await writeFile(path, data);
    await m.addMaterial('voice', { filename: 'voice.amr', path, contentType: 'audio/x-amr' });
    const [r] = server.to(ADD);
    expectWellFormed(r!);
    expect(r!.query.get('type')).toBe('voice');
    expect(mediaPart(r!)).toMatchObject({ filename: 'voice.amr', mimeType: 'audio/x-amr' });
    expect(sha256(mediaPart(r!)!.data)).toBe(sha256(data));
  });

  it('from a stream: spooled, sent with a Content-Length, the temporary file removed', async () => {
    const data = randomBytes(1024 * 1024 + 17);
    const stream = Readable.from(
      (function* () {
        for (let i = 0; i < data.length; i += 65_536) yield data.subarray(i, i + 65_536);
      })(),
    );
    await m.addMaterial('image', { filename: 'x.jpg', stream });
    const [r] = server.to(ADD);
    expectWellFormed(r!);
    expect(mediaPart(r!)!.mimeType).toBe('image/jpeg');
    expect(sha256(mediaPart(r!)!.data)).toBe(sha256(data));
  });

  it('video: a `description` field of UTF-8 JSON, Chinese title and filename intact', async () => {
    const data = randomBytes(50_000);
    const description = {
      title: '春节 "特别" 节目',
      introduction: '介绍：第一集\n换行 & émoji 🎉',
    };
    await m.addMaterial('video', { filename: '视频 演示.mp4', data }, description);
    const [r] = server.to(ADD);
    expectWellFormed(r!);
    expect(r!.query.get('type')).toBe('video');
    const field = r!.parts!.find((p) => p.name === 'description')!;
    expect(JSON.parse(field.data.toString('utf8'))).toEqual(description);
    // The raw bytes on the wire are UTF-8, not \u escapes.
    expect(r!.body.includes(Buffer.from('春节', 'utf8'))).toBe(true);
    expect(r!.body.includes(Buffer.from('视频 演示.mp4', 'utf8'))).toBe(true);
    expect(mediaPart(r!)).toMatchObject({ filename: '视频 演示.mp4', mimeType: 'video/mp4' });
    expect(sha256(mediaPart(r!)!.data)).toBe(sha256(data));
  });

  it('uploadArticleImage: media/uploadimg without a type, resolves { url }', async () => {
    const res = await m.uploadArticleImage({ filename: 'in-article.jpeg', data: randomBytes(999) });
    expect(res).toEqual({ url: 'http://mmbiz.qpic.cn/article' });
    const [r] = server.to('/cgi-bin/media/uploadimg');
    expectWellFormed(r!);
    expect(r!.query.has('type')).toBe(false);
    expect(mediaPart(r!)).toMatchObject({ filename: 'in-article.jpeg', mimeType: 'image/jpeg' });
  });

  it('addTemporaryMaterial thumb: media_id filled from thumb_media_id', async () => {
    server.script(
      '/cgi-bin/media/upload',
      json({ type: 'thumb', thumb_media_id: 'THUMB_1', created_at: 1700000001 }),
    );
    const res = await m.addTemporaryMaterial('thumb', {
      filename: 't.jpg',
      data: randomBytes(64 * 1024),
    });
    expect(res).toEqual({
      type: 'thumb',
      thumb_media_id: 'THUMB_1',
      media_id: 'THUMB_1',
      created_at: 1700000001,
    });
    expect(server.to('/cgi-bin/media/upload')[0]!.query.get('type')).toBe('thumb');
  });

  it('an answer without media_id is a bad_response', async () => {
    server.script(ADD, json({ url: 'x' }));
    const err = await rejectionOf(
      m.addMaterial('image', { filename: 'a.png', data: randomBytes(10) }),
    );
    expect(err).toMatchObject({
      name: 'WechatTransportException',
      reason: 'bad_response',
      path: ADD,
    });
  });

  describe('retries and the replay after a token rejection resend the whole body', () => {
    it.each<[string, Answer]>([
      ['errcode -1', json({ errcode: -1, errmsg: 'system error' })],
      ['HTTP 502', json({}, 502)],
      ['a reset connection', reset],
    ])('%s, then success: two identical bodies', async (_label, first) => {
      const data = randomBytes(700_000);
      const path = join(dir, 'retry.png');
      await writeFile(path, data);
      server.script(ADD, first);
      await m.addMaterial('image', { filename: 'retry.png', path });
      const sent = server.to(ADD);
      expect(sent).toHaveLength(2);
      expect(sha256(sent[1]!.body)).toBe(sha256(sent[0]!.body));
      expect(sha256(mediaPart(sent[1]!)!.data)).toBe(sha256(data));
      expect(events.filter((e) => e.path === ADD).map((e) => [e.attempt, e.retried])).toEqual([
        [1, true],
        [2, false],
      ]);
    });

    it('40001 on a spooled stream: one fresh token, the same bytes replayed', async () => {
      const data = randomBytes(200_000);
      server.script(ADD, json({ errcode: 40001, errmsg: 'invalid credential' }));
      const tokensBefore = server.to('/cgi-bin/stable_token').length;
      await m.addMaterial('thumb', {
        filename: 'a.jpg',
        stream: Readable.from([data.subarray(0, 60_000)]),
      });
      const sent = server.to(ADD);
      expect(sent).toHaveLength(2);
      expect(sent[1]!.body.equals(sent[0]!.body)).toBe(true);
      expect(server.to('/cgi-bin/stable_token').length - tokensBefore).toBe(1);
    });
  });

  describe('the spooled file is removed whatever the outcome', () => {
    const stream = () => Readable.from([randomBytes(40_000)]);

    it('a definite errcode (40005, not retried)', async () => {
      server.script(ADD, json({ errcode: 40005, errmsg: 'invalid file type' }));
      const err = await rejectionOf(
        m.addMaterial('image', { filename: 'a.png', stream: stream() }),
      );
      expect(err).toBeInstanceOf(WechatApiException);
      expect(err).toMatchObject({ errcode: 40005, path: ADD });
      expect(server.to(ADD)).toHaveLength(1);
    });

    it('transport failures through every retry', async () => {
      server.script(ADD, reset, reset, reset);
      const err = await rejectionOf(
        m.addMaterial('image', { filename: 'a.png', stream: stream() }),
      );
      expect(err).toBeInstanceOf(WechatTransportException);
      expect(err).toMatchObject({ reason: 'network' });
      expect(server.to(ADD)).toHaveLength(3);
    });
  });

  describe('deadline: transferTimeoutMs per upload attempt, not timeoutMs', () => {
    it('an answer slower than timeoutMs but within transferTimeoutMs succeeds', async () => {
      const quick = await material({
        timeoutMs: 1000,
        transferTimeoutMs: 10_000,
        retry: { attempts: 0 },
      });
      server.script(ADD, slow(1500, json({ media_id: 'SLOW' })));
      await expect(
        quick.addMaterial('image', { filename: 'a.png', data: randomBytes(10) }),
      ).resolves.toEqual({
        media_id: 'SLOW',
      });
    });

    it('an upload held past transferTimeoutMs fails with timeout', async () => {
      const bounded = await material({
        timeoutMs: 30_000,
        transferTimeoutMs: 1000,
        retry: { attempts: 0 },
      });
      server.script(ADD, hold);
      const started = Date.now();
      const err = await rejectionOf(
        bounded.addMaterial('image', { filename: 'a.png', data: randomBytes(10) }),
      );
      expect(err).toMatchObject({ name: 'WechatTransportException', reason: 'timeout', path: ADD });
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });

  describe('deleteMaterial', () => {
    it('POSTs { media_id } and resolves undefined', async () => {
      server.script('/cgi-bin/material/del_material', json({ errcode: 0, errmsg: 'ok' }));
      await expect(m.deleteMaterial('MEDIA_ID_9')).resolves.toBeUndefined();
      const [r] = server.to('/cgi-bin/material/del_material');
      expect(JSON.parse(r!.body.toString('utf8'))).toEqual({ media_id: 'MEDIA_ID_9' });
    });

    it('40007 → WechatApiException', async () => {
      server.script(
        '/cgi-bin/material/del_material',
        json({ errcode: 40007, errmsg: 'invalid media_id' }),
      );
      await expect(m.deleteMaterial('nope')).rejects.toMatchObject({ errcode: 40007 });
    });
  });
});
