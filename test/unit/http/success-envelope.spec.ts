import { describe, expect, it } from '@jest/globals';
import { useScriptedWechat } from '../../helpers/scripted-wechat.js';
import { PATHS } from '../../helpers/constants.js';

/** WeChat adds `errcode: 0, errmsg: "ok"` to some successes, as text/plain with `\/` escapes. */
const ok = (fields: string) => ({
  contentType: 'text/plain',
  body: `{"errcode":0,"errmsg":"ok",${fields}}`,
});

describe('a success answered with errcode 0 resolves with API.md’s shape only', () => {
  const s = useScriptedWechat();

  it('uploads: uploadArticleImage, addMaterial (video), addTemporaryMaterial', async () => {
    s.answers.set(PATHS.uploadImg, ok('"url":"http:\\/\\/mmbiz.qpic.cn\\/u.jpg"'));
    s.answers.set(PATHS.addMaterial, ok('"media_id":"VID_1"'));
    s.answers.set(
      PATHS.mediaUpload,
      ok('"type":"image","media_id":"TMP_1","created_at":1700000000'),
    );
    const m = s.t.material;
    const file = { filename: 'a.jpg', data: Buffer.from('jpeg') };
    await expect(m.uploadArticleImage(file)).resolves.toStrictEqual({
      url: 'http://mmbiz.qpic.cn/u.jpg',
    });
    const video = { filename: 'v.mp4', data: Buffer.from('mp4') };
    await expect(
      m.addMaterial('video', video, { title: '标题', introduction: '介绍' }),
    ).resolves.toStrictEqual({ media_id: 'VID_1' });
    await expect(m.addTemporaryMaterial('image', file)).resolves.toStrictEqual({
      type: 'image',
      media_id: 'TMP_1',
      created_at: 1700000000,
    });
  });

  it('downloads: get_material news keeps its own fields and nothing of the envelope', async () => {
    s.answers.set(PATHS.getMaterial, ok('"news_item":[{"title":"t"}],"future":1'));
    await expect(s.t.material.getMaterial('NEWS_1')).resolves.toStrictEqual({
      kind: 'news',
      news_item: [{ title: 't' }],
      future: 1,
    });
  });

  it('drafts and publishing: getDraft, getDraftCount, getPublishStatus, getPublishedArticle', async () => {
    s.answers.set(PATHS.draftGet, ok('"news_item":[]'));
    s.answers.set(PATHS.draftCount, ok('"total_count":3'));
    s.answers.set(PATHS.publishGet, ok('"publish_id":2247483647123456789,"publish_status":0'));
    s.answers.set(PATHS.publishGetArticle, ok('"news_item":[]'));
    await expect(s.drafts.getDraft('D_1')).resolves.toStrictEqual({ news_item: [] });
    await expect(s.drafts.getDraftCount()).resolves.toStrictEqual({ total_count: 3 });
    await expect(s.publish.getPublishStatus('2247483647123456789')).resolves.toStrictEqual({
      publish_id: '2247483647123456789',
      publish_status: 0,
      state: 'success',
    });
    await expect(s.publish.getPublishedArticle('A_1')).resolves.toStrictEqual({ news_item: [] });
  });

  it('listing: batchGetMaterial and getMaterialCount', async () => {
    s.answers.set(PATHS.batchGet, ok('"total_count":0,"item_count":0,"item":[]'));
    s.answers.set(
      PATHS.count,
      ok('"voice_count":1,"video_count":2,"image_count":3,"news_count":4'),
    );
    await expect(
      s.t.material.batchGetMaterial({ type: 'image', offset: 0, count: 20 }),
    ).resolves.toStrictEqual({ total_count: 0, item_count: 0, item: [] });
    await expect(s.t.material.getMaterialCount()).resolves.toStrictEqual({
      voice_count: 1,
      video_count: 2,
      image_count: 3,
      news_count: 4,
    });
  });
});
