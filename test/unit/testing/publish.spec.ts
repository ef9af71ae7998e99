import { beforeEach, describe, expect, it } from '@jest/globals';
import { PATHS } from '../../helpers/constants.js';
import {
  advanceClock,
  expectErrcode,
  useFakeServer,
  fakeDateOnly,
  parse,
} from '../../helpers/fake-client.js';

// Date is faked before the fake starts, so its publish clock starts on the faked time.
beforeEach(() => fakeDateOnly());
const fake = useFakeServer({ publishDelayMs: 60_000 });
const { call } = fake;
let token: string;

const post = (path: string, body: unknown, raw?: string) =>
  call(path, { method: 'POST', query: { access_token: token }, body, raw });
const ok = async (path: string, body: unknown, raw?: string) => {
  const reply = await post(path, body, raw);
  expect(reply.status).toBe(200);
  const json = parse(reply);
  expect(json.errcode ?? 0).toBe(0);
  return { json, text: reply.text };
};

const THUMB = 'THUMB_MEDIA_ID';
const THUMB_URL = 'http://mmbiz.qpic.cn/mmbiz_jpg/thumb/0?wx_fmt=jpeg';
const news = (title: string) => ({ title, content: `<p>${title}</p>`, thumb_media_id: THUMB });

/** The publish_id as the raw text has it (a bare number), every digit. */
const rawId = (text: string, key: string) => new RegExp(`"${key}":(\\d+)`).exec(text)?.[1];

async function draft(...titles: string[]): Promise<string> {
  const { json } = await ok(PATHS.draftAdd, { articles: titles.map(news) });
  return json.media_id as string;
}

async function submit(mediaId: string): Promise<string> {
  const { text } = await ok(PATHS.publishSubmit, { media_id: mediaId });
  return rawId(text, 'publish_id')!;
}

async function status(publishId: string) {
  return (await ok(PATHS.publishGet, { publish_id: publishId })).json;
}

beforeEach(() => {
  token = fake.server.issueToken();
  fake.server.addMaterial('image', { media_id: THUMB, name: 'cover.jpg', url: THUMB_URL });
});

describe('freepublish/submit and get', () => {
  it('sends ids as bare numbers, the first beyond 2^53 (a lossy parse changes it)', async () => {
    const { text } = await ok(PATHS.publishSubmit, { media_id: await draft('A') });
    const publishId = rawId(text, 'publish_id')!;
    const msgDataId = rawId(text, 'msg_data_id')!;
    expect(BigInt(publishId) > 2n ** 53n).toBe(true);
    expect(String(JSON.parse(text).publish_id)).not.toBe(publishId);
    expect(msgDataId).toMatch(/^\d+$/);
    const second = await submit(await draft('B'));
    expect(BigInt(second) > 2n ** 31n).toBe(true);
    expect(second).not.toBe(publishId);
  });

  it('publishing for publishDelayMs, then success: the draft becomes an article with URLs', async () => {
    const mediaId = await draft('A', 'B');
    const publishId = await submit(mediaId);
    expect(await status(publishId)).toEqual({
      publish_id: expect.any(Number),
      publish_status: 1,
      fail_idx: [],
    });
    advanceClock(59_999);
    expect((await status(publishId)).publish_status).toBe(1);
    advanceClock(1);
    const { text } = await ok(PATHS.publishGet, { publish_id: publishId });
    expect(rawId(text, 'publish_id')).toBe(publishId);
    const done = JSON.parse(text);
    expect(done).toMatchObject({ publish_status: 0, article_id: expect.any(String), fail_idx: [] });
    expect(done.article_detail).toEqual({
      count: 2,
      item: [
        { idx: 1, article_url: expect.stringMatching(/^http:\/\/mp\.weixin\.qq\.com\/s\?/) },
        { idx: 2, article_url: expect.any(String) },
      ],
    });
    // The draft left the box.
    expectErrcode(await post(PATHS.draftGet, { media_id: mediaId }), 40007);
    const article = (await ok(PATHS.publishGetArticle, { article_id: done.article_id })).json;
    expect(article.news_item).toEqual([
      {
        ...news('A'),
        url: done.article_detail.item[0].article_url,
        thumb_url: THUMB_URL,
        is_deleted: false,
      },
      {
        ...news('B'),
        url: done.article_detail.item[1].article_url,
        thumb_url: THUMB_URL,
        is_deleted: false,
      },
    ]);
  });

  it('accepts the id back as a string or as a bare number', async () => {
    const publishId = await submit(await draft('A'));
    const asNumber = (await ok(PATHS.publishGet, undefined, `{"publish_id":${publishId}}`)).text;
    expect(rawId(asNumber, 'publish_id')).toBe(publishId);
    expect((await status(publishId)).publish_status).toBe(1);
  });

  it('40007 for an unknown draft or publish_id', async () => {
    expectErrcode(await post(PATHS.publishSubmit, { media_id: 'nope' }), 40007);
    expectErrcode(await post(PATHS.publishGet, { publish_id: '123' }), 40007);
    // The id read through a lossy JSON number is another id.
    const publishId = await submit(await draft('A'));
    const lossy = String(Number(publishId));
    expectErrcode(await post(PATHS.publishGet, undefined, `{"publish_id":${lossy}}`), 40007);
  });

  it('failPublish: the job ends in that state with fail_idx; the draft stays', async () => {
    const mediaId = await draft('A', 'B');
    fake.server.failPublish(mediaId, 4, [2]);
    const publishId = await submit(mediaId);
    advanceClock(60_000);
    const s = await status(publishId);
    expect(s).toMatchObject({ publish_status: 4, fail_idx: [2] });
    expect(s).not.toHaveProperty('article_id');
    await ok(PATHS.draftGet, { media_id: mediaId });
    expect((await ok(PATHS.publishBatchGet, { offset: 0, count: 20 })).json.total_count).toBe(0);
    // Used once: the next job of that draft succeeds.
    const again = await submit(mediaId);
    advanceClock(60_000);
    expect((await status(again)).publish_status).toBe(0);
  });

  it('failPublish refuses a status outside 2..6 and bad article numbers', () => {
    expect(() => fake.server.failPublish('x', 1 as never)).toThrow(RangeError);
    expect(() => fake.server.failPublish('x', 7 as never)).toThrow(RangeError);
    expect(() => fake.server.failPublish('x', 3, [0])).toThrow(RangeError);
  });
});

describe('publications: getarticle, delete, batchget', () => {
  async function published(...titles: string[]): Promise<string> {
    const publishId = await submit(await draft(...titles));
    advanceClock(60_000);
    return (await status(publishId)).article_id as string;
  }

  it('53600 for an unknown article_id on getarticle and delete', async () => {
    expectErrcode(await post(PATHS.publishGetArticle, { article_id: 'nope' }), 53600);
    expectErrcode(await post(PATHS.publishDelete, { article_id: 'nope' }), 53600);
  });

  it('delete: a 1-based index marks one article deleted; 40114 out of range; no index: all', async () => {
    const articleId = await published('A', 'B');
    for (const index of [3, -1, 1.5]) {
      expectErrcode(await post(PATHS.publishDelete, { article_id: articleId, index }), 40114);
    }
    await ok(PATHS.publishDelete, { article_id: articleId, index: 2 });
    const items = (await ok(PATHS.publishGetArticle, { article_id: articleId })).json.news_item as {
      is_deleted: boolean;
    }[];
    expect(items.map((i) => i.is_deleted)).toEqual([false, true]);
    expect((await ok(PATHS.publishBatchGet, { offset: 0, count: 20 })).json.total_count).toBe(1);
    await ok(PATHS.publishDelete, { article_id: articleId });
    expect((await ok(PATHS.publishBatchGet, { offset: 0, count: 20 })).json.total_count).toBe(0);
  });

  it('batchget lists publications newest first, with or without content', async () => {
    const first = await published('A');
    const second = await published('B', 'C');
    const page = (await ok(PATHS.publishBatchGet, { offset: 0, count: 20 })).json;
    expect(page).toMatchObject({ total_count: 2, item_count: 2 });
    const items = page.item as {
      article_id: string;
      content: { news_item: Record<string, unknown>[] };
    }[];
    expect(items.map((i) => i.article_id)).toEqual([second, first]);
    expect(items[0]!.content.news_item.map((n) => n.content)).toEqual(['<p>B</p>', '<p>C</p>']);
    const light = (await ok(PATHS.publishBatchGet, { offset: 1, count: 1, no_content: 1 })).json;
    const lightItems = light.item as typeof items;
    expect(lightItems.map((i) => i.article_id)).toEqual([first]);
    expect(lightItems[0]!.content.news_item[0]).not.toHaveProperty('content');
    expectErrcode(await post(PATHS.publishBatchGet, { offset: 0, count: 21 }), 47001);
  });
});
