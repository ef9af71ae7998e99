import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { UploadServer } from '../helpers/upload-server.js';
import { waitFor } from '../helpers/wait.js';
import { postForm, sha256 } from '../helpers/media-http.js';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';
import { PATHS } from '../helpers/constants.js';

const ADD = PATHS.addMaterial;
const TEMP = PATHS.mediaUpload;
const ARTICLE = PATHS.uploadImg;

/** What WeChat receives from the sample app: the multipart request on the wire. */
describe.each(ADAPTERS)('sample-app uploads as WeChat receives them (%s)', (adapter) => {
  let t: SampleAppUnderTest;
  const wechat = new UploadServer();

  beforeAll(async () => {
    const baseUrl = await wechat.start();
    t = await startSampleApp(adapter, { wechat: { baseUrl } });
  });
  afterEach(() => wechat.reset());
  afterAll(async () => {
    await t.close();
    await wechat.stop();
  });

  it('video: the file part `media` byte-exact and `description` as UTF-8 JSON', async () => {
    const data = randomBytes(700 * 1024);
    const res = await postForm(`${t.url}/materials/video`, [
      { name: 'title', value: '品牌宣传片「春」' },
      { name: 'introduction', value: '2025 年春节 · "引号" 与换行\n第二行' },
      // curl sends application/octet-stream for .mp4: the library's default replaces it.
      { name: 'media', filename: '宣传片.mp4', contentType: 'application/octet-stream', data },
    ]);
    expect(res.status).toBe(201);
    const [sent] = wechat.to(ADD);
    expect(sent!.query.get('type')).toBe('video');
    expect(Number(sent!.headers['content-length'])).toBe(sent!.body.length);
    const media = sent!.parts!.find((p) => p.name === 'media')!;
    expect(media.filename).toBe('宣传片.mp4');
    expect(media.mimeType).toBe('video/mp4');
    expect(sha256(media.data)).toBe(sha256(data));
    const description = sent!.parts!.find((p) => p.name === 'description')!;
    expect(JSON.parse(description.data.toString('utf8'))).toEqual({
      title: '品牌宣传片「春」',
      introduction: '2025 年春节 · "引号" 与换行\n第二行',
    });
  });

  it('image: the content type the client sent, no description field', async () => {
    const data = randomBytes(2 * 1024 * 1024 + 17); // over Fastify's default 1 MB body limit
    const res = await postForm(`${t.url}/materials/image`, [
      { name: 'title', value: 'ignored for images' },
      { name: 'media', filename: 'Poster.JPG', contentType: 'image/jpeg', data },
    ]);
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ media_id: 'MEDIA_ID_1', url: 'http://mmbiz.qpic.cn/x' });
    const [sent] = wechat.to(ADD);
    expect(sent!.query.get('type')).toBe('image');
    expect(sent!.parts!.map((p) => p.name)).toEqual(['media']);
    expect(sent!.parts![0]!.filename).toBe('Poster.JPG');
    expect(sent!.parts![0]!.mimeType).toBe('image/jpeg');
    expect(sha256(sent!.parts![0]!.data)).toBe(sha256(data));
  });

  it('temporary media and article images go to their own endpoints', async () => {
    const voice = randomBytes(10_000);
    expect(
      (
        await postForm(`${t.url}/temporary-materials/voice`, [
          { name: 'media', filename: '语音.amr', data: voice },
        ])
      ).status,
    ).toBe(201);
    const [temp] = wechat.to(TEMP);
    expect(temp!.query.get('type')).toBe('voice');
    expect(temp!.parts![0]!.filename).toBe('语音.amr');
    expect(temp!.parts![0]!.mimeType).toBe('audio/amr');
    expect(sha256(temp!.parts![0]!.data)).toBe(sha256(voice));

    const image = randomBytes(30_000);
    const res = await postForm(`${t.url}/materials/article-images`, [
      { name: 'media', filename: 'inline.png', data: image },
    ]);
    expect(res.json).toEqual({ url: 'http://mmbiz.qpic.cn/article' });
    expect(sha256(wechat.to(ARTICLE)[0]!.parts![0]!.data)).toBe(sha256(image));
  });

  it('a client that leaves mid-upload: the spooled file is removed, nothing reaches WeChat', async () => {
    // The library spools a streamed upload to os.tmpdir()/wechat-material-<uuid> (TMPDIR cannot
    // be changed from inside Jest's sandbox, and other suites spool there too). Ours is the new
    // one holding what was sent: 256 KB + 1 byte, less the few bytes busboy holds back while
    // it looks for the boundary.
    const sent = 256 * 1024 + 1;
    const before = new Set(spoolFiles());
    const ours = () =>
      spoolFiles().find((f) => {
        const size = sizeOf(f);
        return !before.has(f) && size > sent - 64 && size <= sent;
      });
    const boundary = 'left-early';
    const req = request(`${t.url}/materials/image`, {
      method: 'POST',
      agent: false,
      headers: {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': 5 * 1024 * 1024,
      },
    });
    req.on('error', () => undefined);
    let spooled: string | undefined;
    try {
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="a.png"\r\n\r\n`,
      );
      req.write(randomBytes(sent));
      await waitFor(() => (spooled = ours()) !== undefined, 10_000, 'the upload being spooled');
    } finally {
      req.destroy();
    }
    // Without the app ending the file part, the spooling would wait for bytes forever.
    await waitFor(() => !spoolFiles().includes(spooled!), 10_000, 'the spooled file removed');
    const ok = await postForm(`${t.url}/materials/image`, [
      { name: 'media', filename: 'b.png', data: randomBytes(1000) },
    ]);
    expect(ok.status).toBe(201);
    expect(wechat.to(ADD)).toHaveLength(1);
    expect(wechat.to(ADD)[0]!.parts![0]!.filename).toBe('b.png');
  });
});

function spoolFiles(): string[] {
  return readdirSync(tmpdir()).filter((f) => f.startsWith('wechat-material-'));
}

function sizeOf(file: string): number {
  try {
    return statSync(join(tmpdir(), file)).size;
  } catch {
    return 0; // removed meanwhile
  }
}
