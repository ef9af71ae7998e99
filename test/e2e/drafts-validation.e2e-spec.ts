import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { newsArticle, newspicArticle } from '../helpers/draft-bodies.js';
import { PATHS } from '../helpers/constants.js';
import { upstreamCalls } from '../helpers/upstream-calls.js';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';

const news = newsArticle('THUMB_ID');
const pic = newspicArticle(['IMG_1', 'IMG_2']);
const ids = (n: number) => Array.from({ length: n }, (_, i) => `IMG_${i}`);
const A0 = 'articles.0';

/** POST /drafts bodies → the property paths the 400 must name (and no others). */
const BAD_DRAFTS: [string, unknown, string[]][] = [
  ['no articles', {}, ['articles']],
  ['an array body', [news], ['articles']],
  ['articles not an array', { articles: news }, ['articles']],
  ['0 articles', { articles: [] }, ['articles']],
  ['9 articles', { articles: Array.from({ length: 9 }, () => news) }, ['articles']],
  ['a title that is a number', { articles: [{ ...news, title: 5 }] }, [`${A0}.title`]],
  ['an empty title', { articles: [{ ...news, title: '' }] }, [`${A0}.title`]],
  ['no content', { articles: [{ ...news, content: undefined }] }, [`${A0}.content`]],
  [
    'a second article without its cover',
    { articles: [news, { ...news, thumb_media_id: undefined }] },
    ['articles.1.thumb_media_id'],
  ],
  [
    'an unknown article_type',
    { articles: [{ ...news, article_type: 'video' }] },
    [`${A0}.article_type`],
  ],
  [
    'article_type of another case',
    { articles: [{ ...pic, article_type: 'NEWSPIC' }] },
    [`${A0}.article_type`, `${A0}.thumb_media_id`],
  ],
  ['21 images', { articles: [newspicArticle(ids(21))] }, [`${A0}.image_info.image_list`]],
  ['0 images', { articles: [newspicArticle([])] }, [`${A0}.image_info.image_list`]],
  [
    'an empty image id',
    { articles: [newspicArticle(['IMG', ''])] },
    [`${A0}.image_info.image_list.1.image_media_id`],
  ],
  [
    'newspic without image_info',
    { articles: [{ ...pic, image_info: undefined }] },
    [`${A0}.image_info`],
  ],
  ['newspic content not text', { articles: [{ ...pic, content: ['x'] }] }, [`${A0}.content`]],
  [
    'a crop of three numbers',
    { articles: [{ ...news, pic_crop_235_1: '0_0_1' }] },
    [`${A0}.pic_crop_235_1`],
  ],
  [
    'a crop value above 1',
    { articles: [{ ...news, pic_crop_1_1: '0_0_1_1.5' }] },
    [`${A0}.pic_crop_1_1`],
  ],
  [
    'a negative crop value',
    { articles: [{ ...news, pic_crop_1_1: '0_-0.1_1_1' }] },
    [`${A0}.pic_crop_1_1`],
  ],
  [
    'a crop joined by commas',
    { articles: [{ ...news, pic_crop_235_1: '0,0,1,1' }] },
    [`${A0}.pic_crop_235_1`],
  ],
  [
    'a crop that is a number',
    { articles: [{ ...news, pic_crop_235_1: 0 }] },
    [`${A0}.pic_crop_235_1`],
  ],
  [
    'need_open_comment 2',
    { articles: [{ ...news, need_open_comment: 2 }] },
    [`${A0}.need_open_comment`],
  ],
  [
    'need_open_comment "1"',
    { articles: [{ ...news, need_open_comment: '1' }] },
    [`${A0}.need_open_comment`],
  ],
  [
    'only_fans_can_comment true',
    { articles: [{ ...pic, only_fans_can_comment: true }] },
    [`${A0}.only_fans_can_comment`],
  ],
  [
    'a null flag',
    { articles: [{ ...news, need_open_comment: null }] },
    [`${A0}.need_open_comment`],
  ],
  [
    'several faults at once',
    { articles: [news, { ...pic, title: 1, need_open_comment: 3 }] },
    ['articles.1.title', 'articles.1.need_open_comment'],
  ],
];

/** PUT /drafts/:mediaId/articles/:index: path and body → the paths named. */
const BAD_UPDATES: [string, string, unknown, string[]][] = [
  ['a negative index', 'D/articles/-1', news, ['index']],
  ['an index that is not a number', 'D/articles/first', news, ['index']],
  ['a fractional index', 'D/articles/1.5', news, ['index']],
  ['an article without title', 'D/articles/0', { ...news, title: undefined }, ['title']],
  ['an unknown article_type', 'D/articles/0', { ...news, article_type: 'album' }, ['article_type']],
  ['21 images', 'D/articles/0', newspicArticle(ids(21)), ['image_info.image_list']],
  ['a bad crop', 'D/articles/0', { ...news, pic_crop_1_1: '1_1_1' }, ['pic_crop_1_1']],
  ['an array body', 'D/articles/0', [news], ['the']],
];

const BAD_QUERIES: [string, string[]][] = [
  ['/drafts', ['offset', 'count']],
  ['/drafts?offset=-1&count=21&no_content=2', ['offset', 'count', 'no_content']],
  ['/drafts?offset=0&count=20&no_content=yes', ['no_content']],
  ['/publications?offset=0&count=0', ['count']],
  ['/publications?offset=1.5&count=1&no_content=-1', ['offset', 'no_content']],
];

type Article = Record<string, unknown>;
const id = fc.string({ minLength: 1, maxLength: 12 }).filter((v) => v.trim() !== '');
const validNews = fc.record(
  { title: id, content: fc.string(), thumb_media_id: id, need_open_comment: fc.constantFrom(0, 1) },
  { requiredKeys: ['title', 'content', 'thumb_media_id'] },
);
const validPic = fc.record({
  article_type: fc.constant('newspic'),
  title: id,
  content: fc.string(),
  image_info: fc.record({
    image_list: fc.array(fc.record({ image_media_id: id }), { minLength: 1, maxLength: 20 }),
  }),
});
const validArticles = fc.array(fc.oneof(validNews, validPic), { minLength: 1, maxLength: 8 });
const notAFlag = fc.oneof(
  fc.integer().filter((n) => n !== 0 && n !== 1),
  fc.constantFrom('0', '1', true, false, null, 0.5),
);
const badCrop = fc.oneof(
  fc.constantFrom('', '0_0_1', '0_0_1_1_0', '0,0,1,1', '.5_0_1_1', '0_0_1_1 '),
  fc.integer({ min: 2, max: 99 }).map((n) => `0_0_1_${n}`),
  fc.integer({ min: 1, max: 99 }).map((n) => `0_-0.${n}_1_1`),
);
const badType = fc.string().filter((v) => v !== 'news' && v !== 'newspic');

/** Breaks article `at` (or the list) so that the body must be refused. */
const breakage: fc.Arbitrary<(articles: Article[], at: number) => Article[]> = fc.oneof(
  fc.constantFrom('title', 'content').map((key) => (a: Article[], at: number) => {
    const copy = [...a];
    copy[at] = { ...copy[at], [key]: undefined };
    return copy;
  }),
  fc
    .constantFrom('need_open_comment', 'only_fans_can_comment')
    .chain((key) =>
      notAFlag.map(
        (v) => (a: Article[], at: number) => a.map((x, i) => (i === at ? { ...x, [key]: v } : x)),
      ),
    ),
  badCrop.map((crop) => (a: Article[], at: number) => {
    const copy = [...a];
    copy[at] = { ...copy[at], article_type: undefined, thumb_media_id: 'T', pic_crop_1_1: crop };
    return copy;
  }),
  badType.map(
    (type) => (a: Article[], at: number) =>
      a.map((x, i) => (i === at ? { ...x, article_type: type } : x)),
  ),
  fc.integer({ min: 21, max: 30 }).map((n) => (a: Article[], at: number) => {
    const copy = [...a];
    copy[at] = newspicArticle(ids(n));
    return copy;
  }),
  fc
    .integer({ min: 9, max: 12 })
    .map((n) => (a: Article[]) => Array.from({ length: n }, (_, i) => a[i % a.length]!)),
);

/** The first word of each message: the property path ValidationPipe names. */
const paths = (messages: string[]) => [...new Set(messages.map((m) => m.split(' ')[0]))].sort();

describe.each(ADAPTERS)('bad draft input → 400 with no WeChat call (%s)', (adapter) => {
  let t: SampleAppUnderTest;

  beforeAll(async () => {
    t = await startSampleApp(adapter);
    // Token fetched, so a call slipping through shows in the counters.
    await request(t.url).get('/drafts?offset=0&count=1').expect(200);
  });
  afterAll(() => t.close());

  const expect400 = (res: request.Response, fields: string[]) => {
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(Array) });
    expect(paths(res.body.message as string[])).toEqual([...fields].sort());
  };

  it.each(BAD_DRAFTS)('POST /drafts: %s', async (_name, body, fields) => {
    const before = upstreamCalls(t.fake);
    expect400(
      await request(t.url)
        .post('/drafts')
        .send(body as object),
      fields,
    );
    expect(upstreamCalls(t.fake)).toBe(before);
  });

  it.each(BAD_UPDATES)('PUT /drafts/%s', async (_name, path, body, fields) => {
    const before = upstreamCalls(t.fake);
    expect400(
      await request(t.url)
        .put(`/drafts/${path}`)
        .send(body as object),
      fields,
    );
    expect(upstreamCalls(t.fake)).toBe(before);
  });

  it.each(BAD_QUERIES)('GET %s', async (path, fields) => {
    const before = upstreamCalls(t.fake);
    expect400(await request(t.url).get(path), fields);
    expect(upstreamCalls(t.fake)).toBe(before);
  });

  it.each(['0', '-1', 'all', '1.5'])('DELETE /publications/A?index=%s', async (index) => {
    const before = upstreamCalls(t.fake);
    expect400(await request(t.url).delete(`/publications/A?index=${index}`), ['index']);
    expect(upstreamCalls(t.fake)).toBe(before);
  });

  // ValidationPipe's own wording for an element that is no object: no index, but a 400.
  it.each([[[null]], [['x']], [[news, 7]]])('POST /drafts: articles %j', async (articles) => {
    const before = upstreamCalls(t.fake);
    const res = await request(t.url).post('/drafts').send({ articles }).expect(400);
    expect(res.body.message).toEqual([
      'articles.each value in nested property articles must be either object or array',
    ]);
    expect(upstreamCalls(t.fake)).toBe(before);
  });

  it('names the nested path in full', async () => {
    const res = await request(t.url)
      .post('/drafts')
      .send({ articles: [news, { ...news, title: 7 }] })
      .expect(400);
    expect(res.body.message).toEqual(['articles.1.title must be a string']);
  });

  it('refuses every broken draft body with 400 naming `articles…`, and calls nobody', async () => {
    await fc.assert(
      fc.asyncProperty(validArticles, fc.nat(), breakage, async (articles, n, brk) => {
        const body = { articles: brk(articles, n % articles.length) };
        const before = upstreamCalls(t.fake);
        const res = await request(t.url).post('/drafts').send(body);
        expect(res.status).toBe(400);
        const messages = res.body.message as string[];
        expect(messages.length).toBeGreaterThan(0);
        for (const m of messages) expect(m).toMatch(/^articles(\.\d+(\.[a-z_0-9.]+)?)? /);
        expect(upstreamCalls(t.fake)).toBe(before);
      }),
      { numRuns: 60 },
    );
  });

  it('lets every valid draft body through to WeChat, as sent', async () => {
    await fc.assert(
      fc.asyncProperty(validArticles, async (articles) => {
        const before = t.fake.requests[PATHS.draftAdd] ?? 0;
        const res = await request(t.url).post('/drafts').send({ articles });
        // The fake knows none of these generated ids: WeChat's 40007, after one request.
        expect(res.status).toBe(404);
        expect(res.body.errcode).toBe(40007);
        expect(t.fake.requests[PATHS.draftAdd]).toBe(before + 1);
        expect(JSON.parse(t.fake.lastBody(PATHS.draftAdd)!)).toEqual({ articles });
      }),
      { numRuns: 30 },
    );
  });
});
