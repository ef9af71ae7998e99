import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  dispositionFilename,
  get,
  postForm,
  send,
  sha256,
  type Answer,
  type FormPart,
} from '../helpers/media-http.js';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';

/** A file of `size` bytes: a recognisable header, then random bytes. */
function fileOf(size: number, magic: string): Buffer {
  const bytes = randomBytes(size);
  Buffer.from(magic, 'latin1').copy(bytes, 0);
  return bytes;
}

const PNG = '\x89PNG\r\n\x1a\n';
const JPG = '\xff\xd8\xff\xe0';
const MP3 = 'ID3\x03';
const MP4 = '\x00\x00\x00\x18ftypmp42';

const media = (filename: string, data: Buffer, contentType?: string): FormPart => ({
  name: 'media',
  filename,
  data,
  ...(contentType ? { contentType } : {}),
});

function fileHeaders(res: Answer, contentType: RegExp, filename: string, size: number): void {
  expect(res.status).toBe(200);
  expect(res.complete).toBe(true);
  expect(res.headers['content-type']).toMatch(contentType);
  expect(dispositionFilename(res.headers['content-disposition'])).toBe(filename);
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="/);
  expect(Number(res.headers['content-length'])).toBe(size);
}

describe.each(ADAPTERS)('media routes of the sample app (%s)', (adapter) => {
  let t: SampleAppUnderTest;

  beforeAll(async () => {
    t = await startSampleApp(adapter);
  });
  afterAll(() => t.close());

  describe('permanent material: upload, download byte-exact, delete', () => {
    it.each([
      ['image', 'poster.png', 300 * 1024, PNG, /^image\/png/],
      ['voice', 'intro.mp3', 96 * 1024, MP3, /^audio\/mpeg/],
      ['thumb', 'cover.jpg', 20 * 1024, JPG, /^image\/jpeg/],
    ])(
      '%s: POST /materials/:type then GET /materials/items/:id',
      async (type, name, size, magic, ct) => {
        const data = fileOf(size, magic);
        const up = await postForm(`${t.url}/materials/${type}`, [media(name, data)]);
        expect(up.status).toBe(201);
        const { media_id } = up.json as { media_id: string; url?: string };
        expect(media_id).toEqual(expect.any(String));
        if (type === 'image') expect((up.json as { url: string }).url).toMatch(/^https?:\/\//);

        const down = await get(`${t.url}/materials/items/${encodeURIComponent(media_id)}`);
        fileHeaders(down, ct, name, size);
        expect(sha256(down.body)).toBe(sha256(data));
      },
    );

    it('keeps a Chinese filename intact (filename* on the way out)', async () => {
      const data = fileOf(64 * 1024, PNG);
      const up = await postForm(`${t.url}/materials/image`, [media('春节海报 2025.png', data)]);
      expect(up.status).toBe(201);
      const down = await get(
        `${t.url}/materials/items/${(up.json as { media_id: string }).media_id}`,
      );
      fileHeaders(down, /^image\/png/, '春节海报 2025.png', data.length);
      expect(down.headers['content-disposition']).toContain(
        "filename*=UTF-8''%E6%98%A5%E8%8A%82%E6%B5%B7%E6%8A%A5%202025.png",
      );
      expect(sha256(down.body)).toBe(sha256(data));
    });

    it('video: a Chinese title and introduction intact; the file back from down_url', async () => {
      const data = fileOf(512 * 1024, MP4);
      const up = await postForm(`${t.url}/materials/video`, [
        { name: 'title', value: '品牌宣传片「春」' },
        { name: 'introduction', value: '2025 年春节 · 品牌宣传片' },
        media('宣传片.mp4', data),
      ]);
      expect(up.status).toBe(201);
      const { media_id } = up.json as { media_id: string };
      const down = await get(`${t.url}/materials/items/${media_id}`);
      expect(down.status).toBe(200);
      expect(down.headers['content-type']).toMatch(/^application\/json/);
      expect(down.json).toEqual({
        kind: 'video',
        title: '品牌宣传片「春」',
        description: '2025 年春节 · 品牌宣传片',
        down_url: expect.stringMatching(/^https?:\/\//),
      });
      const file = await get((down.json as { down_url: string }).down_url);
      expect(file.status).toBe(200);
      expect(sha256(file.body)).toBe(sha256(data));
    });

    it('uploads an article image', async () => {
      const data = fileOf(48 * 1024, JPG);
      const up = await postForm(`${t.url}/materials/article-images`, [media('inline.jpg', data)]);
      expect(up.status).toBe(201);
      expect(up.json).toEqual({ url: expect.stringMatching(/^https?:\/\//) });
    });

    it('DELETE /materials/items/:id answers 204, then the id is gone (404, errcode 40007)', async () => {
      const up = await postForm(`${t.url}/materials/image`, [media('gone.png', fileOf(4096, PNG))]);
      const { media_id } = up.json as { media_id: string };
      const del = await send('DELETE', `${t.url}/materials/items/${media_id}`);
      expect(del.status).toBe(204);
      expect(del.body.length).toBe(0);
      for (const res of [
        await get(`${t.url}/materials/items/${media_id}`),
        await send('DELETE', `${t.url}/materials/items/${media_id}`),
      ]) {
        expect(res.status).toBe(404);
        expect(res.json).toEqual(
          expect.objectContaining({ statusCode: 404, error: 'Not Found', errcode: 40007 }),
        );
      }
    });
  });

  it('counts the media calls under their own paths in GET /metrics', async () => {
    const metrics = (await get(`${t.url}/metrics`)).body.toString('utf8');
    for (const path of [
      '/cgi-bin/material/add_material',
      '/cgi-bin/material/get_material',
      '/cgi-bin/material/del_material',
      '/cgi-bin/media/uploadimg',
    ]) {
      expect(metrics).toContain(`wechat_calls_total{path="${path}",outcome="ok"}`);
    }
  });

  describe('temporary media', () => {
    it('image: POST /temporary-materials/image then GET /temporary-materials/:id', async () => {
      const data = fileOf(200 * 1024, JPG);
      const up = await postForm(`${t.url}/temporary-materials/image`, [media('临时.jpg', data)]);
      expect(up.status).toBe(201);
      expect(up.json).toEqual(
        expect.objectContaining({
          type: 'image',
          media_id: expect.any(String),
          created_at: expect.any(Number),
        }),
      );
      const down = await get(
        `${t.url}/temporary-materials/${(up.json as { media_id: string }).media_id}`,
      );
      fileHeaders(down, /^image\/jpeg/, '临时.jpg', data.length);
      expect(sha256(down.body)).toBe(sha256(data));
    });

    it('thumb: media_id filled from thumb_media_id', async () => {
      const up = await postForm(`${t.url}/temporary-materials/thumb`, [
        media('t.jpg', fileOf(8 * 1024, JPG)),
      ]);
      expect(up.status).toBe(201);
      const body = up.json as { media_id: string; thumb_media_id?: string };
      expect(body.media_id).toEqual(expect.any(String));
      expect(body.media_id).toBe(body.thumb_media_id);
    });

    it('video: JSON with a video_url serving the same bytes', async () => {
      const data = fileOf(256 * 1024, MP4);
      const up = await postForm(`${t.url}/temporary-materials/video`, [media('clip.mp4', data)]);
      expect(up.status).toBe(201);
      const down = await get(
        `${t.url}/temporary-materials/${(up.json as { media_id: string }).media_id}`,
      );
      expect(down.json).toEqual({
        kind: 'video',
        video_url: expect.stringMatching(/^https?:\/\//),
      });
      const file = await get((down.json as { video_url: string }).video_url);
      expect(sha256(file.body)).toBe(sha256(data));
    });
  });
});
