import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type FormPart, postForm, send } from '../helpers/media-http.js';
import { upstreamCalls } from '../helpers/upstream-calls.js';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';

const KB = 1024;
const MB = 1024 * KB;

const file = (filename: string, size = 1024, name = 'media'): FormPart => ({
  name,
  filename,
  data: Buffer.alloc(size, 7),
});
const field = (name: string, value: string): FormPart => ({ name, value });

/** Route, form parts in order, the property every message must start with. */
const BAD_FORMS: [string, string, FormPart[], string][] = [
  ['unknown type', '/materials/images', [file('a.png')], 'type'],
  ['type in upper case', '/materials/IMAGE', [file('a.png')], 'type'],
  ['news is no upload type', '/materials/news', [file('a.png')], 'type'],
  ['unknown temporary type', '/temporary-materials/news', [file('a.png')], 'type'],
  ['image named .txt', '/materials/image', [file('photo.txt')], 'file.filename'],
  ['image without an extension', '/materials/image', [file('photo')], 'file.filename'],
  ['voice named .mp4', '/materials/voice', [file('a.mp4')], 'file.filename'],
  ['thumb named .png', '/materials/thumb', [file('c.png')], 'file.filename'],
  ['temporary voice named .wav', '/temporary-materials/voice', [file('a.wav')], 'file.filename'],
  ['article image named .gif', '/materials/article-images', [file('x.gif')], 'file.filename'],
  ['empty image', '/materials/image', [file('a.png', 0)], 'file.stream'],
  ['thumb of 64 KB + 1 byte', '/materials/thumb', [file('c.jpg', 64 * KB + 1)], 'file.stream'],
  [
    'article image of 1 MB + 1 byte',
    '/materials/article-images',
    [file('x.png', MB + 1)],
    'file.stream',
  ],
  ['video without title and introduction', '/materials/video', [file('v.mp4')], 'title'],
  [
    'video with introduction after the file',
    '/materials/video',
    [field('title', '标题'), file('v.mp4'), field('introduction', '简介')],
    'introduction',
  ],
  [
    'video with both fields after the file',
    '/materials/video',
    [file('v.mp4'), field('title', '标题'), field('introduction', '简介')],
    'title',
  ],
  [
    'video with an empty title',
    '/materials/video',
    [field('title', ''), field('introduction', '简介'), file('v.mp4')],
    'description.title',
  ],
  ['no file part', '/materials/image', [field('title', 'x')], 'media'],
  ['media sent as a text field', '/materials/image', [field('media', 'not a file')], 'media'],
  ['file part under another name', '/materials/image', [file('a.png', 1024, 'file')], 'media'],
  ['temporary upload without a file', '/temporary-materials/image', [], 'media'],
];

describe.each(ADAPTERS)('media uploads: bad input → 400, no WeChat call (%s)', (adapter) => {
  let t: SampleAppUnderTest;
  const calls = () => upstreamCalls(t.fake);

  beforeAll(async () => {
    t = await startSampleApp(adapter);
    // Warm up (token fetched), so that a call slipping through would show in the counters.
    await request(t.url).get('/materials/count').expect(200);
  });
  afterAll(() => t.close());

  it.each(BAD_FORMS)('%s (POST %s)', async (_case, route, parts, property) => {
    const before = calls();
    const res = await postForm(`${t.url}${route}`, parts);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(Array) });
    const messages = (res.json as { message: string[] }).message;
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(message.split(' ')[0]).toBe(property);
    expect(calls()).toBe(before);
  });

  it('a body that is not multipart', async () => {
    const before = calls();
    const res = await send('POST', `${t.url}/materials/image`, {
      body: Buffer.from(JSON.stringify({ media: 'a.png' })),
      contentType: 'application/json',
    });
    expect(res.status).toBe(400);
    expect((res.json as { message: string[] }).message).toEqual([
      expect.stringMatching(/^media must be sent as multipart\/form-data/),
    ]);
    expect(calls()).toBe(before);
  });

  it('a multipart body cut short', async () => {
    const before = calls();
    const boundary = 'cut-short';
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="a.png"\r\n` +
        `Content-Type: image/png\r\n\r\n${'x'.repeat(2048)}`,
    );
    const res = await send('POST', `${t.url}/materials/image`, {
      body,
      contentType: `multipart/form-data; boundary=${boundary}`,
    });
    expect(res.status).toBe(400);
    expect((res.json as { message: string[] }).message[0]).toMatch(/^media /);
    expect(calls()).toBe(before);
  });

  it('the app still uploads after all of the above', async () => {
    const res = await postForm(`${t.url}/materials/image`, [file('ok.png')]);
    expect(res.status).toBe(201);
  });
});
