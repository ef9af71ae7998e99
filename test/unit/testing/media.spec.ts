import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { PATHS } from '../../helpers/constants.js';
import {
  advanceClock,
  expectErrcode,
  fakeDateOnly,
  useFakeServer,
  type Reply,
} from '../../helpers/fake-client.js';

const ADD = PATHS.addMaterial;
const GET = PATHS.getMaterial;
const DEL = PATHS.delMaterial;
const UPLOADIMG = PATHS.uploadImg;
const TEMP_UPLOAD = PATHS.mediaUpload;
const TEMP_GET = PATHS.mediaGet;
const KB = 1024;
const MB = 1024 * KB;

const fake = useFakeServer();
let token: string;

beforeEach(() => {
  token = fake.server.issueToken();
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

interface FilePart {
  filename?: string;
  name?: string;
  contentType?: string;
  bytes: Buffer;
}

/** multipart/form-data written out by hand: fields first, raw UTF-8 names, as WeChat wants. */
function multipart(
  fields: Record<string, string>,
  file?: FilePart,
): { body: Buffer; type: string } {
  const boundary = `----spec${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  if (file) {
    const filename = file.filename === undefined ? '' : `; filename="${file.filename}"`;
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'media'}"${filename}\r\n` +
          `Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

interface Download extends Reply {
  bytes: Buffer;
  disposition: string | undefined;
  length: string | null;
}

async function send(
  path: string,
  init: { query?: Record<string, string>; body?: Buffer | string; type?: string; method?: string },
): Promise<Download> {
  const url = new URL(path, fake.baseUrl);
  for (const [k, v] of Object.entries({ access_token: token, ...init.query })) {
    url.searchParams.set(k, v);
  }
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: init.type ? { 'content-type': init.type } : {},
    body: init.body,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const raw = res.headers.get('content-disposition');
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text: bytes.toString('utf8'),
    bytes,
    // Header values arrive one byte per character: decode the bytes as UTF-8, as clients must.
    disposition: raw === null ? undefined : Buffer.from(raw, 'latin1').toString('utf8'),
    length: res.headers.get('content-length'),
  };
}

function upload(
  path: string,
  type: string | undefined,
  file?: FilePart,
  fields: Record<string, string> = {},
): Promise<Download> {
  const form = multipart(fields, file);
  return send(path, { query: type ? { type } : {}, body: form.body, type: form.type });
}

const json = (reply: Reply): Record<string, unknown> =>
  JSON.parse(reply.text) as Record<string, unknown>;

const getMaterial = (mediaId: string): Promise<Download> =>
  send(GET, { body: JSON.stringify({ media_id: mediaId }) });

async function counts(): Promise<Record<string, number>> {
  return json(await send(PATHS.count, {})) as Record<string, number>;
}

const VIDEO_DESC = JSON.stringify({ title: '新品发布会', introduction: '2024 夏季 · 上海' });

describe('add_material + get_material round trips (sha256)', () => {
  it.each([
    ['image', '春节海报.png', 'image/png', 300 * KB],
    ['image', 'photo.JPEG', 'image/jpeg', 10 * MB],
    ['voice', '欢迎语音.mp3', 'audio/mpeg', 2 * MB],
    ['voice', 'hello.amr', 'audio/amr', 5 * KB],
    ['thumb', '封面.jpg', 'image/jpeg', 64 * KB],
  ])(
    '%s %s: the exact bytes come back with type and raw UTF-8 filename',
    async (type, filename, contentType, size) => {
      const bytes = randomBytes(size);
      const added = await upload(ADD, type, { filename, bytes });
      const answer = json(added);
      expect(answer.media_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      if (type === 'image')
        expect(answer.url).toMatch(/^http:\/\/mmbiz\.qpic\.cn\/mmbiz_(png|jpg)\//);
      else expect(answer).not.toHaveProperty('url');
      const got = await getMaterial(String(answer.media_id));
      expect(got.status).toBe(200);
      expect(got.type).toBe(contentType);
      expect(sha256(got.bytes)).toBe(sha256(bytes));
      expect(got.length).toBe(String(size));
      expect(got.disposition).toBe(`attachment; filename="${filename}"`);
    },
  );

  it('video: JSON {title, description, down_url}; the fake serves down_url byte-exact', async () => {
    const bytes = randomBytes(3 * MB);
    const added = json(
      await upload(ADD, 'video', { filename: '发布会.mp4', bytes }, { description: VIDEO_DESC }),
    );
    expect(Object.keys(added)).toEqual(['media_id']);
    const got = await getMaterial(String(added.media_id));
    expect(got.disposition).toBeUndefined();
    const video = json(got);
    expect(video).toEqual({
      title: '新品发布会',
      description: '2024 夏季 · 上海',
      down_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
    });
    const res = await fetch(String(video.down_url));
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('lists uploads newest first; thumbs are listed and counted as images', async () => {
    const before = await counts();
    const thumb = json(await upload(ADD, 'thumb', { filename: 't.jpg', bytes: randomBytes(KB) }));
    const image = json(await upload(ADD, 'image', { filename: 'i.gif', bytes: randomBytes(KB) }));
    await upload(ADD, 'voice', { filename: 'v.wav', bytes: randomBytes(KB) });
    await upload(
      ADD,
      'video',
      { filename: 'v.mp4', bytes: randomBytes(KB) },
      { description: VIDEO_DESC },
    );
    expect(await counts()).toEqual({
      voice_count: before.voice_count! + 1,
      video_count: before.video_count! + 1,
      image_count: before.image_count! + 2,
      news_count: before.news_count,
    });
    const page = json(
      await send(PATHS.batchGet, { body: JSON.stringify({ type: 'image', offset: 0, count: 2 }) }),
    ) as { item: Record<string, unknown>[] };
    expect(page.item.map((i) => i.media_id)).toEqual([image.media_id, thumb.media_id]);
    expect(page.item[1]).toMatchObject({ name: 't.jpg', url: expect.stringMatching(/^http:/) });
    const videos = json(
      await send(PATHS.batchGet, { body: JSON.stringify({ type: 'video', offset: 0, count: 1 }) }),
    ) as { item: Record<string, unknown>[] };
    expect(videos.item[0]).toMatchObject({ name: '新品发布会', description: '2024 夏季 · 上海' });
  });
});

describe('add_material errcodes, as WeChat answers bad uploads', () => {
  const small = (filename: string): FilePart => ({ filename, bytes: randomBytes(100) });

  it('41005: no media part, a body that is not multipart, an empty file', async () => {
    expectErrcode(
      await upload(ADD, 'image', undefined, { title: 'x' }),
      41005,
      'media data missing',
    );
    expectErrcode(await upload(ADD, 'image', { ...small('a.jpg'), name: 'file' }), 41005);
    expectErrcode(
      await send(ADD, { query: { type: 'image' }, body: '{}', type: 'application/json' }),
      41005,
    );
    expectErrcode(await upload(ADD, 'image', { filename: 'a.jpg', bytes: Buffer.alloc(0) }), 41005);
  });

  it.each([
    ['no description field', {}],
    ['a description that is not JSON', { description: 'title=x' }],
    ['a description without introduction', { description: JSON.stringify({ title: 't' }) }],
    [
      'a description with an empty title',
      { description: JSON.stringify({ title: '', introduction: 'i' }) },
    ],
  ])('41005: a video with %s', async (_name, fields) => {
    expectErrcode(await upload(ADD, 'video', small('v.mp4'), fields), 41005);
    expect((await counts()).video_count).toBe(2);
  });

  it.each([
    ['image', 'a.txt'],
    ['image', 'photo'],
    ['image', 'a.webp'],
    ['voice', 'a.mp4'],
    ['video', 'a.mov'],
    ['thumb', 'a.png'],
  ])('40005: %s named %s', async (type, filename) => {
    const fields: Record<string, string> = type === 'video' ? { description: VIDEO_DESC } : {};
    expectErrcode(await upload(ADD, type, small(filename), fields), 40005, 'invalid file type');
  });

  it('40005: a media part without a filename', async () => {
    expectErrcode(await upload(ADD, 'image', { bytes: randomBytes(10) }), 40005);
  });

  it.each([
    ['image', 'a.png', 10 * MB, 40009],
    ['voice', 'a.mp3', 2 * MB, 45001],
    ['video', 'a.mp4', 10 * MB, 45001],
    ['thumb', 'a.jpg', 64 * KB, 45001],
  ])(
    '%s %s over its limit (%i bytes + 1) -> %i; the limit itself passes',
    async (type, filename, limit, errcode) => {
      const fields: Record<string, string> = type === 'video' ? { description: VIDEO_DESC } : {};
      const over = await upload(ADD, type, { filename, bytes: Buffer.alloc(limit + 1, 7) }, fields);
      expectErrcode(over, errcode);
      const at = await upload(ADD, type, { filename, bytes: Buffer.alloc(limit, 7) }, fields);
      expect(json(at).media_id).toEqual(expect.any(String));
    },
  );

  it('40004 for an unknown type; token and method are checked first', async () => {
    expectErrcode(await upload(ADD, 'news', small('a.jpg')), 40004);
    expectErrcode(await upload(ADD, undefined, small('a.jpg')), 40004);
    token = 'bogus';
    expectErrcode(await upload(ADD, 'image', small('a.jpg')), 40001);
    token = fake.server.issueToken();
    expectErrcode(await send(ADD, { query: { type: 'image' } }), 43002);
  });
});

describe('uploadimg (article images)', () => {
  it('jpg/jpeg/png up to 1 MB -> {url}; not stored in the library', async () => {
    const before = await counts();
    for (const filename of ['a.jpg', 'b.JPEG', '插图.png']) {
      const reply = await upload(UPLOADIMG, undefined, { filename, bytes: randomBytes(MB) });
      expect(Object.keys(json(reply))).toEqual(['url']);
      expect(json(reply).url).toMatch(
        /^http:\/\/mmbiz\.qpic\.cn\/mmbiz_(jpg|png)\/[A-Za-z0-9]+\/0/,
      );
    }
    expect(await counts()).toEqual(before);
  });

  it('40005 for gif or bmp, 40009 past 1 MB, 41005 without a media part', async () => {
    expectErrcode(
      await upload(UPLOADIMG, undefined, { filename: 'a.gif', bytes: randomBytes(9) }),
      40005,
    );
    expectErrcode(
      await upload(UPLOADIMG, undefined, { filename: 'a.bmp', bytes: randomBytes(9) }),
      40005,
    );
    const big = { filename: 'a.png', bytes: Buffer.alloc(MB + 1) };
    expectErrcode(await upload(UPLOADIMG, undefined, big), 40009, 'invalid image size');
    expectErrcode(await upload(UPLOADIMG, undefined, undefined, { a: 'b' }), 41005);
  });
});

describe('get_material and del_material', () => {
  it('news -> JSON {news_item} (text/plain, escaped slashes, as the list)', async () => {
    const page = json(
      await send(PATHS.batchGet, { body: JSON.stringify({ type: 'news', offset: 0, count: 1 }) }),
    ) as { item: { media_id: string; content: { news_item: unknown[] } }[] };
    const news = page.item[0]!;
    const got = await getMaterial(news.media_id);
    expect(got.type).toBe('text/plain');
    expect(got.text).toContain('http:\\/\\/');
    expect(json(got)).toEqual({ news_item: news.content.news_item });
  });

  it('seeded and generated items serve deterministic generated bytes with their names', async () => {
    const page = json(
      await send(PATHS.batchGet, { body: JSON.stringify({ type: 'image', offset: 0, count: 2 }) }),
    ) as { item: { media_id: string }[] };
    const cover = await getMaterial(page.item[0]!.media_id);
    expect(cover.disposition).toBe('attachment; filename="封面图.jpg"');
    expect(cover.type).toBe('image/jpeg');
    expect(cover.bytes.length).toBeGreaterThanOrEqual(4 * KB);
    expect(sha256((await getMaterial(page.item[0]!.media_id)).bytes)).toBe(sha256(cover.bytes));
    const crop = await getMaterial(page.item[1]!.media_id);
    expect(crop.disposition).toBe('attachment; filename="CropImage.jpg"');
    expect(sha256(crop.bytes)).not.toBe(sha256(cover.bytes));

    fake.server.seedGenerated({ voice: 500, video: 500 });
    const voices = json(
      await send(PATHS.batchGet, {
        body: JSON.stringify({ type: 'voice', offset: 480, count: 1 }),
      }),
    ) as { item: { media_id: string; name: string }[] };
    const voice = await getMaterial(voices.item[0]!.media_id);
    expect(voice.type).toBe('audio/mpeg');
    expect(voice.disposition).toBe(`attachment; filename="${voices.item[0]!.name}"`);
    const other = new FakeWechatServer();
    const { baseUrl: otherUrl } = await other.start();
    try {
      other.seedGenerated({ voice: 500 });
      const res = await fetch(`${otherUrl}${GET}?access_token=${other.issueToken()}`, {
        method: 'POST',
        body: JSON.stringify({ media_id: voices.item[0]!.media_id }),
      });
      expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(voice.bytes));
    } finally {
      await other.stop();
    }
    const videos = json(
      await send(PATHS.batchGet, { body: JSON.stringify({ type: 'video', offset: 0, count: 1 }) }),
    ) as { item: { media_id: string; name: string }[] };
    const video = json(await getMaterial(videos.item[0]!.media_id));
    expect(video.title).toBe(videos.item[0]!.name);
    const res = await fetch(String(video.down_url));
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThanOrEqual(4 * KB);
  });

  it('40007 for an unknown media_id; 44002 / 47001 for an empty or non-JSON body', async () => {
    expectErrcode(await getMaterial('no-such-id'), 40007, 'invalid media_id');
    expectErrcode(await send(GET, { body: JSON.stringify({}) }), 40007);
    expectErrcode(await send(GET, { method: 'POST', body: '' }), 44002);
    expectErrcode(await send(GET, { body: 'media_id=x' }), 47001);
    expectErrcode(await send(GET, {}), 43002);
  });

  it('del_material -> {errcode:0}; then 40007, and the counts follow', async () => {
    const added = json(await upload(ADD, 'voice', { filename: 'v.mp3', bytes: randomBytes(KB) }));
    expect((await counts()).voice_count).toBe(3);
    const del = await send(DEL, { body: JSON.stringify({ media_id: added.media_id }) });
    expect(json(del)).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await counts()).voice_count).toBe(2);
    expectErrcode(await getMaterial(String(added.media_id)), 40007);
    expectErrcode(await send(DEL, { body: JSON.stringify({ media_id: added.media_id }) }), 40007);
  });

  it('deleting a generated item takes it out of the list and the counts', async () => {
    fake.server.seedGenerated({ image: 50 });
    const list = async (): Promise<string[]> =>
      (
        json(
          await send(PATHS.batchGet, {
            body: JSON.stringify({ type: 'image', offset: 9, count: 3 }),
          }),
        ) as { item: { media_id: string }[] }
      ).item.map((i) => i.media_id);
    const [a, b, c] = await list();
    expect(json(await send(DEL, { body: JSON.stringify({ media_id: b }) })).errcode).toBe(0);
    expect((await counts()).image_count).toBe(49);
    const after = await list();
    expect(after.slice(0, 2)).toEqual([a, c]);
    expectErrcode(await getMaterial(b!), 40007);
  });
});

describe('temporary media (media/upload, media/get)', () => {
  const tempGet = (mediaId: string): Promise<Download> =>
    send(TEMP_GET, { query: { media_id: mediaId } });

  it.each([
    ['image', '临时图片.gif', 'image/gif'],
    ['voice', 'v.amr', 'audio/amr'],
  ])(
    '%s: {type, media_id, created_at}, then the exact bytes from media/get',
    async (type, filename, contentType) => {
      const bytes = randomBytes(200 * KB);
      const started = Math.floor(Date.now() / 1000);
      const answer = json(await upload(TEMP_UPLOAD, type, { filename, bytes }));
      expect(answer).toEqual({
        type,
        media_id: expect.any(String),
        created_at: expect.any(Number),
      });
      expect(Number(answer.created_at)).toBeGreaterThanOrEqual(started);
      const got = await tempGet(String(answer.media_id));
      expect(got.type).toBe(contentType);
      expect(got.disposition).toBe(`attachment; filename="${filename}"`);
      expect(sha256(got.bytes)).toBe(sha256(bytes));
    },
  );

  it('thumb answers thumb_media_id only', async () => {
    const bytes = randomBytes(10 * KB);
    const answer = json(await upload(TEMP_UPLOAD, 'thumb', { filename: 't.jpg', bytes }));
    expect(answer).toEqual({
      type: 'thumb',
      thumb_media_id: expect.any(String),
      created_at: expect.any(Number),
    });
    expect(sha256((await tempGet(String(answer.thumb_media_id))).bytes)).toBe(sha256(bytes));
  });

  it('video: media/get answers {video_url}, served by the fake byte-exact', async () => {
    const bytes = randomBytes(MB);
    const answer = json(await upload(TEMP_UPLOAD, 'video', { filename: 'clip.mp4', bytes }));
    const got = json(await tempGet(String(answer.media_id)));
    expect(Object.keys(got)).toEqual(['video_url']);
    const res = await fetch(String(got.video_url));
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('temporary media is not permanent material: not counted, not in get_material', async () => {
    const before = await counts();
    const answer = json(
      await upload(TEMP_UPLOAD, 'image', { filename: 'a.png', bytes: randomBytes(9) }),
    );
    expect(await counts()).toEqual(before);
    expectErrcode(await getMaterial(String(answer.media_id)), 40007);
    expectErrcode(await send(DEL, { body: JSON.stringify({ media_id: answer.media_id }) }), 40007);
  });

  it('errcodes: temporary limits and extensions, unknown ids, expiry after 3 days', async () => {
    expectErrcode(
      await upload(TEMP_UPLOAD, 'voice', { filename: 'a.wav', bytes: randomBytes(9) }),
      40005,
    );
    expectErrcode(
      await upload(TEMP_UPLOAD, 'image', { filename: 'a.bmp', bytes: randomBytes(9) }),
      40005,
    );
    const big = { filename: 'a.mp3', bytes: Buffer.alloc(2 * MB + 1) };
    expectErrcode(await upload(TEMP_UPLOAD, 'voice', big), 45001);
    expectErrcode(
      await upload(TEMP_UPLOAD, 'image', { filename: 'a.png', bytes: Buffer.alloc(10 * MB + 1) }),
      40009,
    );
    expectErrcode(
      await upload(TEMP_UPLOAD, 'news', { filename: 'a.png', bytes: randomBytes(9) }),
      40004,
    );
    expectErrcode(await tempGet('nope'), 40007);
    fakeDateOnly();
    const answer = json(
      await upload(TEMP_UPLOAD, 'image', { filename: 'a.png', bytes: randomBytes(9) }),
    );
    advanceClock(3 * 24 * 3600 * 1000 - 5000);
    token = fake.server.issueToken();
    expect((await tempGet(String(answer.media_id))).status).toBe(200);
    advanceClock(10_000);
    token = fake.server.issueToken(); // the first one expired two days ago
    expectErrcode(await tempGet(String(answer.media_id)), 40007);
  });
});

describe('body faults on file downloads', () => {
  /** A download watched chunk by chunk: headers, how far the body got, how it ended. */
  function watch(path: string, query: Record<string, string>, body?: string) {
    const url = new URL(path, fake.baseUrl);
    for (const [k, v] of Object.entries({ access_token: token, ...query }))
      url.searchParams.set(k, v);
    return new Promise<{
      headers: Record<string, unknown>;
      received: () => number;
      ended: Promise<'end' | 'error'>;
    }>((resolve, reject) => {
      const req = request(
        url,
        { method: body === undefined ? 'GET' : 'POST', agent: false },
        (res) => {
          let received = 0;
          const ended = new Promise<'end' | 'error'>((done) => {
            res.on('data', (c: Buffer) => (received += c.length));
            res.on('end', () => done('end'));
            res.on('error', () => done('error'));
            res.on('aborted', () => done('error'));
          });
          resolve({ headers: res.headers, received: () => received, ended });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('reset_body on get_material: the file headers, part of the bytes, then a reset', async () => {
    const bytes = randomBytes(MB);
    const added = json(await upload(ADD, 'image', { filename: '海报.png', bytes }));
    fake.server.failNext(GET, 'reset_body');
    const watched = await watch(GET, {}, JSON.stringify({ media_id: added.media_id }));
    expect(watched.headers['content-type']).toBe('image/png');
    expect(watched.headers['content-length']).toBe(String(MB));
    expect(
      Buffer.from(String(watched.headers['content-disposition']), 'latin1').toString('utf8'),
    ).toBe('attachment; filename="海报.png"');
    expect(await watched.ended).toBe('error');
    expect(watched.received()).toBeLessThan(MB);
    expect(sha256((await getMaterial(String(added.media_id))).bytes)).toBe(sha256(bytes));
  });

  it('stall_body on media/get: part of the bytes, then silence until stop()', async () => {
    const answer = json(
      await upload(TEMP_UPLOAD, 'voice', { filename: 'v.mp3', bytes: randomBytes(MB) }),
    );
    fake.server.failNext(TEMP_GET, 'stall_body');
    const watched = await watch(TEMP_GET, { media_id: String(answer.media_id) });
    expect(watched.headers['content-type']).toBe('audio/mpeg');
    const outcome = await Promise.race([
      watched.ended,
      new Promise((r) => setTimeout(() => r('still held'), 1000)),
    ]);
    expect(outcome).toBe('still held');
    expect(watched.received()).toBeGreaterThan(0);
    expect(watched.received()).toBeLessThan(MB);
    await fake.server.stop();
    expect(await watched.ended).toBe('error');
  });
});
