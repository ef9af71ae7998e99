import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { newsArticle, newspicArticle, uploadImage, uploadThumb } from '../helpers/draft-bodies.js';
import { PATHS } from '../helpers/constants.js';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';

describe.each(ADAPTERS)('drafts through the sample app (%s)', (adapter) => {
  let t: SampleAppUnderTest;
  let thumb: string;
  let image: string;

  beforeAll(async () => {
    t = await startSampleApp(adapter);
    thumb = await uploadThumb(t.url);
    image = await uploadImage(t.url);
  });
  afterAll(() => t.close());

  it('creates, lists, reads, updates one article of, and deletes a draft', async () => {
    const articles = [newsArticle(thumb), newspicArticle([image, thumb])];
    const created = await request(t.url).post('/drafts').send({ articles }).expect(201);
    expect(created.body).toEqual({ media_id: expect.any(String) });
    const id = created.body.media_id as string;
    // WeChat receives the articles as posted.
    expect(JSON.parse(t.fake.lastBody(PATHS.draftAdd)!)).toEqual({ articles });

    const page = await request(t.url).get('/drafts?offset=0&count=20').expect(200);
    const listed = page.body.item.find((d: { media_id: string }) => d.media_id === id);
    expect(listed.content.news_item).toHaveLength(2);
    expect(listed.content.news_item[0]).toMatchObject({
      title: articles[0]!.title,
      content: '<p>新品上市</p>',
    });
    expect(page.body.total_count).toBeGreaterThanOrEqual(1);
    const light = await request(t.url).get('/drafts?offset=0&count=20&no_content=1').expect(200);
    const lightItem = light.body.item.find((d: { media_id: string }) => d.media_id === id);
    expect(lightItem.content.news_item[0].content).toBeFalsy();
    expect(JSON.parse(t.fake.lastBody(PATHS.draftBatchGet)!)).toEqual({
      offset: 0,
      count: 20,
      no_content: 1,
    });

    const read = await request(t.url).get(`/drafts/${id}`).expect(200);
    expect(read.body.news_item[0]).toMatchObject(articles[0]!);
    expect(read.body.news_item[1]).toMatchObject(articles[1]!);

    const replacement = newsArticle(image, { title: '改过的标题' });
    await request(t.url).put(`/drafts/${id}/articles/1`).send(replacement).expect(204);
    expect(JSON.parse(t.fake.lastBody(PATHS.draftUpdate)!)).toEqual({
      media_id: id,
      index: 1,
      articles: replacement,
    });
    const updated = await request(t.url).get(`/drafts/${id}`).expect(200);
    expect(updated.body.news_item[1]).toMatchObject(replacement);
    expect(updated.body.news_item[0]).toMatchObject(articles[0]!);

    await request(t.url).delete(`/drafts/${id}`).expect(204);
    const gone = await request(t.url).get(`/drafts/${id}`).expect(404);
    expect(gone.body).toMatchObject({ statusCode: 404, errcode: 40007 });
  });

  it('keeps cover_info and product_info under whitelist: true, strips undocumented fields', async () => {
    const cover_info = {
      crop_percent_list: [{ ratio: '1_1', x1: '0', y1: '0', x2: '1', y2: '1' }],
    };
    const product_info = { footer_product_info: { product_key: 'P123' } };
    const article = newspicArticle([image], { cover_info, product_info, not_documented: 1 });
    await request(t.url)
      .post('/drafts')
      .send({ articles: [article] })
      .expect(201);
    const sent = JSON.parse(t.fake.lastBody(PATHS.draftAdd)!).articles[0];
    expect(sent).toEqual({ ...article, not_documented: undefined });
    expect(sent).not.toHaveProperty('not_documented');
    expect(sent.cover_info).toEqual(cover_info);
    expect(sent.product_info).toEqual(product_info);
  });

  it('an index past the draft → 400 with errcode 40114', async () => {
    const created = await request(t.url)
      .post('/drafts')
      .send({ articles: [newsArticle(thumb)] })
      .expect(201);
    const res = await request(t.url)
      .put(`/drafts/${created.body.media_id}/articles/3`)
      .send(newsArticle(thumb))
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errcode: 40114 });
  });

  it('an unknown cover → 404 with errcode 40007', async () => {
    const res = await request(t.url)
      .post('/drafts')
      .send({ articles: [newsArticle('no_such_thumb')] })
      .expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', errcode: 40007 });
    await request(t.url).delete('/drafts/no_such_draft').expect(404);
  });
});
