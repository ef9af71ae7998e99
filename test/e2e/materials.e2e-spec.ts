import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MATERIAL_TYPES } from '../../lib/index.js';
import {
  ADAPTERS,
  fakePage,
  type SampleAppUnderTest,
  startSampleApp,
} from './helper/sample-app.js';
import { PATHS } from '../helpers/constants.js';

describe.each(ADAPTERS)('GET /materials and /materials/count (%s)', (adapter) => {
  let t: SampleAppUnderTest;

  beforeAll(async () => {
    t = await startSampleApp(adapter);
  });
  afterAll(() => t.close());

  it.each([...MATERIAL_TYPES])('answers a page of %s exactly as WeChat sent it', async (type) => {
    const res = await request(t.url)
      .get('/materials')
      .query({ type, offset: 0, count: 20 })
      .expect(200)
      .expect('Content-Type', /application\/json/);
    expect(res.body).toEqual(await fakePage(t.fake, { type, offset: 0, count: 20 }));
    expect(res.body.item.length).toBeGreaterThan(0);
    expect(res.body.item_count).toBe(res.body.item.length);
  });

  it('passes through the fields real answers have and the docs omit', async () => {
    const images = (await request(t.url).get('/materials?type=image&offset=0&count=20')).body;
    expect(images.item.find((i: { tags?: unknown }) => i.tags)).toMatchObject({ tags: [] });
    expect(images.item.some((i: { url: string }) => i.url.includes('mmbiz.qlogo.cn'))).toBe(true);

    const videos = (await request(t.url).get('/materials?type=video&offset=0&count=20')).body;
    expect(videos.item[0]).toEqual(
      expect.objectContaining({ description: expect.any(String), cover_url: expect.any(String) }),
    );
    expect(videos.item[1]).not.toHaveProperty('url');

    const news = (await request(t.url).get('/materials?type=news&offset=0&count=20')).body;
    const [first, old] = news.item;
    expect(first.content.news_item[0]).toEqual(
      expect.objectContaining({ need_open_comment: 1, only_fans_can_comment: 0 }),
    );
    expect(old.content.news_item[0]).not.toHaveProperty('need_open_comment');
    expect(old.content.create_time).toBeLessThan(first.content.create_time);
  });

  it('pages with offset and count', async () => {
    const all = (await request(t.url).get('/materials?type=image&offset=0&count=20')).body;
    const res = await request(t.url).get('/materials?type=image&offset=1&count=2').expect(200);
    expect(res.body).toEqual({ ...all, item: all.item.slice(1, 3), item_count: 2 });

    const past = await request(t.url).get('/materials?type=image&offset=100&count=20').expect(200);
    expect(past.body).toEqual({ item: [], total_count: all.total_count, item_count: 0 });
  });

  it('sends the page query to WeChat as numbers', async () => {
    await request(t.url).get('/materials?type=voice&offset=1&count=1').expect(200);
    expect(JSON.parse(t.fake.lastBody(PATHS.batchGet)!)).toEqual({
      type: 'voice',
      offset: 1,
      count: 1,
    });
  });

  it('counts every type', async () => {
    const res = await request(t.url).get('/materials/count').expect(200);
    expect(res.body).toEqual({ voice_count: 2, video_count: 2, image_count: 4, news_count: 2 });
    expect(t.fake.requests[PATHS.count]).toBeGreaterThanOrEqual(1);
  });
});
