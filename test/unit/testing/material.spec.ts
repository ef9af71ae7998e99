import { beforeEach, describe, expect, it } from '@jest/globals';
import { PATHS } from '../../helpers/constants.js';
import { expectErrcode, useFakeServer, parse, withServer } from '../../helpers/fake-client.js';

const { batchGet: BATCHGET, count: COUNT } = PATHS;

const fake = useFakeServer();
const { call, batchget, page } = fake;

describe('batchget_material validation', () => {
  let token: string;
  beforeEach(() => {
    token = fake.server.issueToken();
  });

  it('43002 for GET', async () => {
    const reply = await call(BATCHGET, { query: { access_token: token } });
    expectErrcode(reply, 43002, 'require POST method');
  });

  it('44002 for an empty body, 47001 for a body that is not a JSON object', async () => {
    expectErrcode(await batchget(token, undefined, ''), 44002, 'empty post data');
    expectErrcode(await batchget(token, undefined, 'type=image'), 47001, 'data format error');
    expectErrcode(await batchget(token, undefined, '{"type":"image",'), 47001);
    expectErrcode(await batchget(token, [1]), 47001);
    expectErrcode(await batchget(token, null), 47001);
  });

  it.each([
    [{ type: 'images', offset: 0, count: 1 }, 40004],
    [{ offset: 0, count: 1 }, 40004],
    [{ type: 'image', offset: -1, count: 1 }, 47001],
    [{ type: 'image', offset: 1.5, count: 1 }, 47001],
    [{ type: 'image', offset: '0', count: 1 }, 47001],
    [{ type: 'image', count: 1 }, 47001],
    [{ type: 'image', offset: 0, count: 0 }, 47001],
    [{ type: 'image', offset: 0, count: 21 }, 47001],
    [{ type: 'image', offset: 0, count: 2.5 }, 47001],
    [{ type: 'image', offset: 0 }, 47001],
    [{ type: 'images', offset: 0, count: 50 }, 40004],
  ])('%j -> %i', async (body, errcode) => {
    expectErrcode(await batchget(token, body), errcode);
  });

  it('accepts count 20 and offset past the end', async () => {
    expect((await page(token, 'image', 0, 20)).item_count).toBe(4);
    expect(await page(token, 'image', 99, 20)).toEqual({ item: [], total_count: 4, item_count: 0 });
  });
});

describe('library and paging', () => {
  let token: string;
  beforeEach(() => {
    token = fake.server.issueToken();
  });

  it('serves text/plain with escaped slashes, still valid JSON', async () => {
    const reply = await batchget(token, { type: 'image', offset: 0, count: 20 });
    expect(reply.type).toBe('text/plain');
    expect(reply.text).toContain('http:\\/\\/mmbiz.qpic.cn\\/');
    expect(reply.text).not.toMatch(/[^\\]\//);
    expect(reply.text.startsWith('{"item":[')).toBe(true);
    const count = await call(COUNT, { query: { access_token: token } });
    expect(count.type).toBe('text/plain');
    expect(count.text).toBe('{"voice_count":2,"video_count":2,"image_count":4,"news_count":2}');
  });

  it('get_materialcount answers GET and POST', async () => {
    const post = await call(COUNT, { method: 'POST', query: { access_token: token }, raw: '' });
    expect(parse(post).image_count).toBe(4);
    expectErrcode(await call(COUNT), 41001);
  });

  it('seeds a realistic default library', async () => {
    const images = await page(token, 'image', 0, 20);
    const names = images.item.map((i) => i.name);
    expect(names).toContain('封面图.jpg');
    expect(names).toContain('CropImage');
    for (const item of images.item) {
      expect(item.media_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(item.url).toMatch(/^http:\/\/mmbiz\.(qpic|qlogo)\.cn\/.+\?wx_fmt=(png|jpeg)$/);
    }
    const videos = (await page(token, 'video', 0, 20)).item;
    expect(videos.every((v) => !('url' in v))).toBe(true);
    expect(videos.some((v) => 'description' in v && 'cover_url' in v)).toBe(true);
    expect(videos.some((v) => !('description' in v))).toBe(true);
    const voices = (await page(token, 'voice', 0, 20)).item;
    expect(voices.every((v) => !('url' in v))).toBe(true);
    const news = (await page(token, 'news', 0, 20)).item;
    const articles = news.flatMap(
      (n) => (n.content as { news_item: Record<string, unknown>[] }).news_item,
    );
    for (const a of articles) {
      for (const key of [
        'title',
        'author',
        'digest',
        'content',
        'content_source_url',
        'thumb_media_id',
        'show_cover_pic',
        'url',
        'thumb_url',
      ]) {
        expect(a).toHaveProperty(key);
      }
    }
    expect(articles.some((a) => 'need_open_comment' in a)).toBe(true);
    expect(articles.some((a) => !('need_open_comment' in a))).toBe(true);
    for (const n of news) {
      expect(n.update_time).toEqual(expect.any(Number));
      expect(n.content).toHaveProperty('create_time');
      expect(n.content).toHaveProperty('update_time');
    }
  });

  it('pages newest first, and addMaterial() shifts later offsets', async () => {
    fake.server.seed({
      image: ['A', 'B', 'C', 'D', 'E'].map((id, i) => ({
        media_id: id,
        name: `${id}.jpg`,
        update_time: 1700000000 - i,
        url: `http://mmbiz.qpic.cn/mmbiz_jpg/${id}/0?wx_fmt=jpeg`,
      })),
    });
    const first = await page(token, 'image', 0, 2);
    expect(first.item.map((i) => i.media_id)).toEqual(['A', 'B']);
    expect(first.total_count).toBe(5);
    fake.server.addMaterial('image', { media_id: 'Z', name: 'new.png', update_time: 1800000000 });
    const second = await page(token, 'image', 2, 2);
    expect(second.item.map((i) => i.media_id)).toEqual(['B', 'C']);
    expect(second.total_count).toBe(6);
    const tail = await page(token, 'image', 4, 20);
    expect(tail.item.map((i) => i.media_id)).toEqual(['D', 'E']);
    expect(tail.item_count).toBe(2);
    expect((await page(token, 'image', 0, 1)).item[0]).toEqual({
      media_id: 'Z',
      name: 'new.png',
      update_time: 1800000000,
    });
  });

  it('addMaterial() fills a missing media_id and update_time', async () => {
    fake.server.addMaterial('voice', { name: 'hi.mp3' });
    const [item] = (await page(token, 'voice', 0, 1)).item;
    expect(item!.media_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(item!.update_time).toEqual(expect.any(Number));
    expect(item!.name).toBe('hi.mp3');
  });

  it('seed() replaces the library; missing types become empty', async () => {
    fake.server.seed({ voice: [{ media_id: 'v1', name: 'a', update_time: 1 }] });
    const count = parse(await call(COUNT, { query: { access_token: token } }));
    expect(count).toEqual({ voice_count: 1, video_count: 0, image_count: 0, news_count: 0 });
    expect(await page(token, 'image', 0, 20)).toEqual({ item: [], total_count: 0, item_count: 0 });
  });

  it('seedGenerated builds items on demand: a billion of each type costs nothing up front', async () => {
    // Generated lazily; an eager shelf would run out of memory here instead of answering.
    fake.server.seedGenerated({ image: 1e9, video: 1e9, voice: 1e9, news: 1e9 });
    const count = parse(await call(COUNT, { query: { access_token: token } }));
    expect(count).toEqual({
      voice_count: 1e9,
      video_count: 1e9,
      image_count: 1e9,
      news_count: 1e9,
    });
    const tail = await page(token, 'voice', 1e9 - 5, 20);
    expect(tail).toMatchObject({ total_count: 1e9, item_count: 5 });
  });

  it('seedGenerated(50000) is deterministic and newest first', async () => {
    fake.server.seedGenerated({ image: 50000, video: 50000, voice: 50000, news: 50000 });
    const count = parse(await call(COUNT, { query: { access_token: token } }));
    expect(count).toEqual({
      voice_count: 50000,
      video_count: 50000,
      image_count: 50000,
      news_count: 50000,
    });
    const head = await page(token, 'news', 0, 20);
    expect(head.item_count).toBe(20);
    const times = head.item.map((i) => Number(i.update_time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const tail = await page(token, 'image', 49990, 20);
    expect(tail.item_count).toBe(10);

    await withServer({}, async (other, url) => {
      other.seedGenerated({ news: 50000 });
      const reply = await call(
        BATCHGET,
        {
          query: { access_token: other.issueToken() },
          body: { type: 'news', offset: 0, count: 20 },
        },
        url,
      );
      expect(JSON.parse(reply.text)).toEqual(head);
    });
  });

  it('seedGenerated() media_ids are unique across a whole shelf', async () => {
    fake.server.seedGenerated({ video: 1000 });
    const ids = new Set<string>();
    for (let offset = 0; offset < 1000; offset += 20) {
      for (const item of (await page(token, 'video', offset, 20)).item) {
        expect(item.media_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(item).not.toHaveProperty('url');
        ids.add(String(item.media_id));
      }
    }
    expect(ids.size).toBe(1000);
    expect(await page(token, 'image', 0, 20)).toEqual({ item: [], total_count: 0, item_count: 0 });
  });
});
