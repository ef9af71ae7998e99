import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FakeWechatServer } from '../../lib/testing/index.js';
import {
  newsArticle,
  newspicArticle,
  uploadArticleImage,
  uploadImage,
  uploadThumb,
} from '../helpers/draft-bodies.js';
import { PATHS } from '../helpers/constants.js';
import { sleep } from '../helpers/wait.js';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';

const TWO_53 = 2n ** 53n;

/** How long the fake keeps a job `publishing`: long enough for a first poll to see it. */
const PUBLISH_DELAY_MS = 1000;

/** Polls GET /publish-jobs/:id (which asks WeChat once) until the job leaves `publishing`. */
async function pollJob(url: string, publishId: string): Promise<Record<string, unknown>[]> {
  const seen: Record<string, unknown>[] = [];
  const deadline = Date.now() + 10 * PUBLISH_DELAY_MS;
  while (Date.now() < deadline) {
    const res = await request(url).get(`/publish-jobs/${publishId}`).expect(200);
    seen.push(res.body as Record<string, unknown>);
    if (res.body.state !== 'publishing') return seen;
    await sleep(50);
  }
  throw new Error(`publish job ${publishId} still publishing after ${seen.length} polls`);
}

describe.each(ADAPTERS)('publishing through the sample app (%s)', (adapter) => {
  let t: SampleAppUnderTest;

  beforeAll(async () => {
    t = await startSampleApp(adapter, {
      fake: new FakeWechatServer({ publishDelayMs: PUBLISH_DELAY_MS }),
    });
  });
  afterEach(() => t.fake.clearFaults());
  afterAll(() => t.close());

  /** POST /drafts/:id/publish: the job, checked to be the 202 the route promises. */
  async function publish(draftId: string): Promise<string> {
    const res = await request(t.url).post(`/drafts/${draftId}/publish`).expect(202);
    expect(res.body).toEqual({ publish_id: expect.any(String), msg_data_id: expect.any(String) });
    expect(res.headers.location).toBe(`/publish-jobs/${res.body.publish_id}`);
    return res.body.publish_id as string;
  }

  async function addDraft(articles: object[]): Promise<string> {
    const res = await request(t.url).post('/drafts').send({ articles }).expect(201);
    return res.body.media_id as string;
  }

  it('news: thumb and article image uploaded, draft, publish, poll, read, delete', async () => {
    const thumb = await uploadThumb(t.url);
    const inline = await uploadArticleImage(t.url);
    const html = `<p>新品上市</p><p><img src="${inline}"></p>`;
    const draftId = await addDraft([newsArticle(thumb, { content: html })]);

    const publishId = await publish(draftId);
    const seen = await pollJob(t.url, publishId);
    expect(seen[0]).toMatchObject({
      publish_id: publishId,
      publish_status: 1,
      state: 'publishing',
    });
    const done = seen.at(-1)!;
    expect(done).toMatchObject({
      publish_id: publishId,
      publish_status: 0,
      state: 'success',
      article_id: expect.any(String),
      article_detail: { count: 1, item: [{ idx: 1, article_url: expect.any(String) }] },
      fail_idx: [],
    });
    const articleId = done.article_id as string;
    // Published: the draft left the draft box.
    await request(t.url).get(`/drafts/${draftId}`).expect(404);

    const read = await request(t.url).get(`/publications/${articleId}`).expect(200);
    expect(read.body.news_item).toHaveLength(1);
    expect(read.body.news_item[0]).toMatchObject({
      title: '春季新品发布',
      content: html,
      thumb_media_id: thumb,
      is_deleted: false,
      url: (done.article_detail as { item: { article_url: string }[] }).item[0]!.article_url,
    });
    const page = await request(t.url).get('/publications?offset=0&count=20').expect(200);
    expect(page.body.item.map((p: { article_id: string }) => p.article_id)).toContain(articleId);

    await request(t.url).delete(`/publications/${articleId}`).expect(204);
    expect(JSON.parse(t.fake.lastBody(PATHS.publishDelete)!)).toEqual({ article_id: articleId });
    const after = await request(t.url).get(`/publications/${articleId}`).expect(200);
    expect(after.body.news_item[0].is_deleted).toBe(true);
    const listed = await request(t.url).get('/publications?offset=0&count=20').expect(200);
    expect(listed.body.item.map((p: { article_id: string }) => p.article_id)).not.toContain(
      articleId,
    );
  });

  it('newspic: images uploaded, image post, publish, poll, read, delete one article', async () => {
    const first = await uploadImage(t.url);
    const second = await uploadThumb(t.url); // a thumb is an image too
    const pic = newspicArticle([first, second]);
    const draftId = await addDraft([pic, pic]);

    const done = (await pollJob(t.url, await publish(draftId))).at(-1)!;
    expect(done).toMatchObject({ state: 'success', article_detail: { count: 2 } });
    const articleId = done.article_id as string;

    const read = await request(t.url).get(`/publications/${articleId}`).expect(200);
    expect(read.body.news_item).toHaveLength(2);
    expect(read.body.news_item[0]).toMatchObject({ ...pic, is_deleted: false });

    // index is 1-based: the second article only.
    await request(t.url).delete(`/publications/${articleId}?index=2`).expect(204);
    expect(JSON.parse(t.fake.lastBody(PATHS.publishDelete)!)).toEqual({
      article_id: articleId,
      index: 2,
    });
    const after = await request(t.url).get(`/publications/${articleId}`).expect(200);
    expect(after.body.news_item.map((a: { is_deleted: boolean }) => a.is_deleted)).toEqual([
      false,
      true,
    ]);
    await request(t.url).delete(`/publications/${articleId}`).expect(204);
  });

  it('a failed job shows its state and fail_idx; the draft stays', async () => {
    const thumb = await uploadThumb(t.url);
    const draftId = await addDraft([newsArticle(thumb), newsArticle(thumb)]);
    t.fake.failPublish(draftId, 4, [2]);
    const done = (await pollJob(t.url, await publish(draftId))).at(-1)!;
    expect(done).toEqual({
      publish_id: expect.any(String),
      publish_status: 4,
      state: 'rejected',
      fail_idx: [2],
    });
    await request(t.url).get(`/drafts/${draftId}`).expect(200);
    await request(t.url).delete(`/drafts/${draftId}`).expect(204);
  });

  it('publish ids past 2^53 come back with every digit, as strings', async () => {
    const thumb = await uploadThumb(t.url);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push(await publish(await addDraft([newsArticle(thumb)])));
    const big = ids.filter((id) => BigInt(id) > TWO_53);
    expect(big.length).toBeGreaterThanOrEqual(1);
    for (const id of big) {
      expect(id).toMatch(/^\d+$/);
      // The fake's big ids are odd: a double that large is even, so a rounded id would show.
      expect(BigInt(id) % 2n).toBe(1n);
      // WeChat finds the job by the exact id, sent back as a string.
      const res = await request(t.url).get(`/publish-jobs/${id}`).expect(200);
      expect(res.body.publish_id).toBe(id);
      expect(JSON.parse(t.fake.lastBody(PATHS.publishGet)!)).toEqual({ publish_id: id });
    }
    for (const id of ids) await pollJob(t.url, id);
  });

  describe('errcodes through the filter', () => {
    it('40007 unknown draft on publish → 404', async () => {
      const res = await request(t.url).post('/drafts/no_such_draft/publish').expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', errcode: 40007 });
    });

    it('40007 unknown publish_id → 404', async () => {
      const res = await request(t.url).get('/publish-jobs/123').expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, errcode: 40007 });
    });

    it('53600 unknown article_id → 404 (read and delete)', async () => {
      const read = await request(t.url).get('/publications/no_such_article').expect(404);
      expect(read.body).toMatchObject({ statusCode: 404, error: 'Not Found', errcode: 53600 });
      const del = await request(t.url).delete('/publications/no_such_article').expect(404);
      expect(del.body).toMatchObject({ errcode: 53600 });
    });

    it('40114 index past the publication → 400', async () => {
      const thumb = await uploadThumb(t.url);
      const done = (await pollJob(t.url, await publish(await addDraft([newsArticle(thumb)])))).at(
        -1,
      )!;
      const res = await request(t.url)
        .delete(`/publications/${done.article_id as string}?index=5`)
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errcode: 40114 });
    });

    it('53503 the draft failed the publish check → 422', async () => {
      const thumb = await uploadThumb(t.url);
      const draftId = await addDraft([newsArticle(thumb)]);
      t.fake.failNext(PATHS.publishSubmit, { errcode: 53503, errmsg: 'draft not pass check' });
      const res = await request(t.url).post(`/drafts/${draftId}/publish`).expect(422);
      expect(res.body).toMatchObject({
        statusCode: 422,
        error: 'Unprocessable Entity',
        errcode: 53503,
        message: expect.stringMatching(`^WeChat API error 53503 on ${PATHS.publishSubmit}: `),
      });
      expect(res.headers.location).toBeUndefined();
      await request(t.url).delete(`/drafts/${draftId}`).expect(204);
    });
  });
});
