import { beforeEach, describe, expect, it } from '@jest/globals';
import { PATHS } from '../../helpers/constants.js';
import { expectErrcode, useFakeServer, parse } from '../../helpers/fake-client.js';

const fake = useFakeServer();
const { call } = fake;
let token: string;

const post = (path: string, body: unknown, raw?: string) =>
  call(path, { method: 'POST', query: { access_token: token }, body, raw });
const ok = async (path: string, body: unknown) => {
  const reply = await post(path, body);
  expect(reply.status).toBe(200);
  const json = parse(reply);
  expect(json.errcode ?? 0).toBe(0);
  return json;
};

const THUMB = 'THUMB_MEDIA_ID';
const THUMB_URL = 'http://mmbiz.qpic.cn/mmbiz_jpg/thumb/0?wx_fmt=jpeg';
const IMAGE = 'IMAGE_MEDIA_ID';
const news = (title: string) => ({ title, content: `<p>${title}</p>`, thumb_media_id: THUMB });
const pic = (title: string, ids = [IMAGE]) => ({
  article_type: 'newspic',
  title,
  content: 'plain',
  image_info: { image_list: ids.map((image_media_id) => ({ image_media_id })) },
});

beforeEach(() => {
  token = fake.server.issueToken();
  // A thumb upload sits on the image shelf, as WeChat lists it.
  fake.server.addMaterial('image', { media_id: THUMB, name: 'cover.jpg', url: THUMB_URL });
  fake.server.addMaterial('image', {
    media_id: IMAGE,
    name: 'photo.png',
    url: 'http://mmbiz.qpic.cn/x',
  });
});

describe('draft/add', () => {
  it('stores the articles as sent, unknown fields included, with url and thumb_url', async () => {
    const article = { ...news('A'), later_field: { x: 1 } };
    const { media_id } = await ok(PATHS.draftAdd, { articles: [article, pic('B')] });
    expect(media_id).toEqual(expect.any(String));
    const got = await ok(PATHS.draftGet, { media_id });
    const items = got.news_item as Record<string, unknown>[];
    expect(items[0]).toEqual({
      ...article,
      url: expect.stringMatching(/^http:\/\/mp\.weixin\.qq\.com\/s\?/),
      thumb_url: THUMB_URL,
    });
    expect(items[1]).toEqual({ ...pic('B'), url: expect.any(String) });
  });

  it.each<[string, unknown, number]>([
    ['no articles', {}, 47001],
    ['0 articles', { articles: [] }, 47001],
    ['9 articles', { articles: Array(9).fill(news('x')) }, 47001],
    ['an article without title', { articles: [{ content: 'c', thumb_media_id: THUMB }] }, 47001],
    ['a news article without thumb', { articles: [{ title: 't', content: 'c' }] }, 47001],
    ['an unknown article_type', { articles: [{ ...news('t'), article_type: 'video' }] }, 47001],
    ['an unknown thumb_media_id', { articles: [{ ...news('t'), thumb_media_id: 'nope' }] }, 40007],
    ['a video as cover', { articles: [{ ...news('t'), thumb_media_id: 'VIDEO' }] }, 40007],
    [
      'newspic without images',
      { articles: [{ ...pic('t'), image_info: { image_list: [] } }] },
      47001,
    ],
    ['newspic with 21 images', { articles: [pic('t', Array(21).fill(IMAGE))] }, 47001],
    ['newspic with an unknown image', { articles: [pic('t', [IMAGE, 'nope'])] }, 40007],
  ])('%s → %d, nothing stored', async (_label, body, errcode) => {
    fake.server.addMaterial('video', { media_id: 'VIDEO', name: 'v' });
    expectErrcode(await post(PATHS.draftAdd, body), errcode);
    expect((await ok(PATHS.draftCount, {})).total_count).toBe(0);
  });

  it('44002 for an empty body, 47001 for one that is not JSON, 43002 for GET, 41001 without token', async () => {
    expectErrcode(await post(PATHS.draftAdd, undefined, ''), 44002);
    expectErrcode(await post(PATHS.draftAdd, undefined, '{"articles":'), 47001);
    expectErrcode(await call(PATHS.draftAdd, { query: { access_token: token } }), 43002);
    expectErrcode(
      await call(PATHS.draftAdd, { method: 'POST', body: { articles: [news('a')] } }),
      41001,
    );
  });
});

describe('draft/get, update, delete, count, batchget', () => {
  it('40007 for an unknown media_id on get, update and delete', async () => {
    for (const path of [PATHS.draftGet, PATHS.draftDelete]) {
      expectErrcode(await post(path, { media_id: 'nope' }), 40007);
    }
    expectErrcode(
      await post(PATHS.draftUpdate, { media_id: 'nope', index: 0, articles: news('x') }),
      40007,
    );
  });

  it('update replaces the article at a 0-based index; 40114 outside the draft', async () => {
    const { media_id } = await ok(PATHS.draftAdd, { articles: [news('A'), news('B')] });
    await ok(PATHS.draftUpdate, { media_id, index: 1, articles: pic('B2') });
    const items = (await ok(PATHS.draftGet, { media_id })).news_item as Record<string, unknown>[];
    expect(items.map((a) => a.title)).toEqual(['A', 'B2']);
    for (const index of [2, -1, 0.5, '0', undefined]) {
      expectErrcode(await post(PATHS.draftUpdate, { media_id, index, articles: news('C') }), 40114);
    }
    expectErrcode(
      await post(PATHS.draftUpdate, {
        media_id,
        index: 0,
        articles: { ...news('C'), thumb_media_id: 'nope' },
      }),
      40007,
    );
  });

  it('delete removes the draft; count and batchget follow', async () => {
    const a = (await ok(PATHS.draftAdd, { articles: [news('A')] })).media_id;
    const b = (await ok(PATHS.draftAdd, { articles: [news('B'), pic('P')] })).media_id;
    expect((await ok(PATHS.draftCount, {})).total_count).toBe(2);
    const full = await ok(PATHS.draftBatchGet, { offset: 0, count: 20 });
    expect(full).toMatchObject({ total_count: 2, item_count: 2 });
    const items = full.item as {
      media_id: string;
      content: { news_item: Record<string, unknown>[] };
    }[];
    // Newest first; with content unless no_content is 1.
    expect(items.map((i) => i.media_id)).toEqual([b, a]);
    expect(items[0]!.content.news_item[0]!.content).toBe('<p>B</p>');
    const light = await ok(PATHS.draftBatchGet, { offset: 0, count: 1, no_content: 1 });
    const lightItems = light.item as typeof items;
    expect(lightItems).toHaveLength(1);
    expect(lightItems[0]!.content.news_item.every((n) => !('content' in n))).toBe(true);
    expect(lightItems[0]!.content.news_item[0]!.title).toBe('B');
    await ok(PATHS.draftDelete, { media_id: b });
    expect((await ok(PATHS.draftCount, {})).total_count).toBe(1);
    expectErrcode(await post(PATHS.draftGet, { media_id: b }), 40007);
  });

  it.each([
    { offset: -1, count: 1 },
    { offset: 0, count: 0 },
    { offset: 0, count: 21 },
    { offset: '0', count: 1 },
    { offset: 0, count: 1, no_content: 2 },
  ])('batchget %j → 47001', async (body) => {
    expectErrcode(await post(PATHS.draftBatchGet, body), 47001);
  });
});
