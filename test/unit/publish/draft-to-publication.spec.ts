import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DraftService,
  PublishService,
  WechatApiException,
  type NewsDraftArticle,
  type NewspicDraftArticle,
} from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { PATHS } from '../../helpers/constants.js';
import { collect, rejectionOf } from '../../helpers/wait.js';

/** A few bytes are enough: WeChat (and the fake) judge the type by the extension. */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array(2048).fill(7), 0xff, 0xd9]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array(4096).fill(3)]);

/**
 * The whole path over real HTTP against the fake: upload a thumbnail and an article image,
 * write a draft whose HTML uses that image URL, publish, wait, read the article, delete it.
 */
describe('from uploads to a published article and back (over HTTP, against the fake)', () => {
  let t: TestModule;
  let drafts: DraftService;
  let publish: PublishService;
  /** Short polls: the fake publishes after 300 ms, the test never depends on tight timing. */
  const WAIT = { intervalMs: 25, timeoutMs: 60_000 };

  beforeAll(async () => {
    t = await createTestModule({}, { publishDelayMs: 300 });
    drafts = t.moduleRef.get(DraftService);
    publish = t.moduleRef.get(PublishService);
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => {
    t.server.resetCounters();
  });

  it('news: thumb + article image → draft → publish → wait → read → delete', async () => {
    const thumb = await t.material.addMaterial('thumb', { filename: 'cover.jpg', data: JPEG });
    const { url: imageUrl } = await t.material.uploadArticleImage({
      filename: 'inline.png',
      data: PNG,
    });
    expect(imageUrl).toMatch(/^https?:\/\//);

    const article: NewsDraftArticle = {
      title: 'Spring release',
      author: 'Editor',
      digest: 'What changed',
      content: `<p>Hello</p><p><img src="${imageUrl}"></p>`,
      thumb_media_id: thumb.media_id,
      need_open_comment: 1,
      only_fans_can_comment: 0,
      pic_crop_235_1: '0.1945_0_1_0.5236',
    };
    const { media_id: draftId } = await drafts.addDraft([article]);
    const draft = await drafts.getDraft(draftId);
    expect(draft.news_item[0]).toMatchObject(article);
    await expect(drafts.getDraftCount()).resolves.toEqual({ total_count: 1 });

    const job = await publish.submitPublish(draftId);
    // The fake's first publish_id is past 2^53: only an exact string finds the job again.
    expect(BigInt(job.publish_id) > 2n ** 53n).toBe(true);
    const status = await publish.waitForPublish(job.publish_id, WAIT);
    expect(status).toMatchObject({
      publish_id: job.publish_id,
      state: 'success',
      publish_status: 0,
    });
    const articleId = status.article_id!;
    expect(status.article_detail!.item).toEqual([{ idx: 1, article_url: expect.any(String) }]);

    const published = await publish.getPublishedArticle(articleId);
    expect(published.news_item).toHaveLength(1);
    const [item] = published.news_item;
    expect(item).toMatchObject({ ...article, is_deleted: false });
    expect(item!.content).toContain(imageUrl);
    expect(item!.url).toBe(status.article_detail!.item[0]!.article_url);
    // The cover's URL, as WeChat adds it (the thumb upload itself answers no url).
    expect(item!.thumb_url).toMatch(/^https?:\/\/mmbiz\.qpic\.cn\//);

    // Published: the draft left the box, the publication is listed.
    await expect(drafts.getDraftCount()).resolves.toEqual({ total_count: 0 });
    const listed = await collect(publish.iteratePublished({ noContent: true }));
    expect(listed.map((p) => p.article_id)).toEqual([articleId]);

    await publish.deletePublished(articleId);
    const after = await publish.getPublishedArticle(articleId);
    expect(after.news_item.map((a) => a.is_deleted)).toEqual([true]);
    expect((await publish.batchGetPublished({ offset: 0, count: 20 })).total_count).toBe(0);
    // Polled with one request at a time; each poll one freepublish/get.
    expect(t.server.requests[PATHS.publishSubmit]).toBe(1);
    expect(t.server.requests[PATHS.publishGet]).toBeGreaterThanOrEqual(2);
  });

  it('newspic: images uploaded as permanent material → image post → publish → read → delete', async () => {
    const images = await Promise.all(
      ['a.jpg', 'b.png', 'c.jpg'].map((filename) =>
        t.material.addMaterial('image', { filename, data: filename.endsWith('png') ? PNG : JPEG }),
      ),
    );
    const post: NewspicDraftArticle = {
      article_type: 'newspic',
      title: 'Three photos',
      content: 'Plain text under the photos',
      image_info: { image_list: images.map((i) => ({ image_media_id: i.media_id })) },
      need_open_comment: 0,
      cover_info: { crop_percent_list: [{ ratio: '1_1', x1: '0', y1: '0', x2: '1', y2: '1' }] },
    };
    const { media_id: draftId } = await drafts.addDraft([post]);
    const job = await publish.submitPublish(draftId);
    const status = await publish.waitForPublish(job.publish_id, WAIT);
    expect(status.state).toBe('success');
    const { news_item } = await publish.getPublishedArticle(status.article_id!);
    // The image post comes back as sent, cover_info included, plus its URL.
    expect(news_item[0]).toMatchObject({ ...post, is_deleted: false, url: expect.any(String) });
    await publish.deletePublished(status.article_id!, { index: 1 });
    expect((await publish.getPublishedArticle(status.article_id!)).news_item[0]!.is_deleted).toBe(
      true,
    );
  });

  it('a job that fails: waitForPublish tells the truth with fail_idx; the draft stays', async () => {
    const thumb = await t.material.addMaterial('thumb', { filename: 't.jpg', data: JPEG });
    const a: NewsDraftArticle = { title: 'A', content: '<p>a</p>', thumb_media_id: thumb.media_id };
    const { media_id: draftId } = await drafts.addDraft([a, { ...a, title: 'B' }]);
    t.server.failPublish(draftId, 4, [2]);
    const job = await publish.submitPublish(draftId);
    const status = await publish.waitForPublish(job.publish_id, WAIT);
    expect(status).toMatchObject({ state: 'rejected', publish_status: 4, fail_idx: [2] });
    expect(status.article_id).toBeUndefined();
    expect((await drafts.getDraft(draftId)).news_item.map((n) => n.title)).toEqual(['A', 'B']);
    // Fix the second article in place (0-based index 1), then publish again.
    await drafts.updateDraft(draftId, 1, { ...a, title: 'B, fixed' });
    const again = await publish.waitForPublish(
      (await publish.submitPublish(draftId)).publish_id,
      WAIT,
    );
    expect(again.state).toBe('success');
    // Published drafts leave the box: WeChat answers 40007 for them.
    expect(await rejectionOf(drafts.deleteDraft(draftId))).toMatchObject({ errcode: 40007 });
  });

  it('WeChat’s errcodes come through: unknown thumb, bad index, unknown article', async () => {
    const bad = await rejectionOf(
      drafts.addDraft([{ title: 'x', content: 'y', thumb_media_id: 'no_such_thumb' }]),
    );
    expect(bad).toMatchObject({ errcode: 40007, path: PATHS.draftAdd });
    const thumb = await t.material.addMaterial('thumb', { filename: 'u.jpg', data: JPEG });
    const { media_id } = await drafts.addDraft([
      { title: 'x', content: 'y', thumb_media_id: thumb.media_id },
    ]);
    const index = await rejectionOf(
      drafts.updateDraft(media_id, 3, { title: 'x', content: 'y', thumb_media_id: thumb.media_id }),
    );
    expect(index).toMatchObject({ errcode: 40114 });
    expect(t.filter.toResponse(index as WechatApiException).status).toBe(400);
    const unknown = await rejectionOf(publish.getPublishedArticle('no_such_article'));
    expect(unknown).toMatchObject({ errcode: 53600 });
    expect(t.filter.toResponse(unknown as WechatApiException).status).toBe(404);
    await drafts.deleteDraft(media_id);
  });
});
