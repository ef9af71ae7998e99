import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type {
  FileMaterialItem,
  FileMaterialPage,
  MaterialCount,
  NewsArticle,
  NewsMaterialPage,
} from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { OTHER_APP_ID, OTHER_APP_SECRET, PATHS } from '../../helpers/constants.js';

// The project's own fixtures, shaped like WeChat's answers (see WECHAT.md "Answers and quirks").
const IMAGES = [
  {
    media_id: 'IMG_media_id_0000000000000000000000000000001',
    name: '春节活动海报.png',
    update_time: 1707000000,
    url: 'http://mmbiz.qpic.cn/mmbiz_png/AbCdEf0123456789/0?wx_fmt=png',
    tags: [],
  },
  {
    media_id: 'IMG_media_id_0000000000000000000000000000002',
    name: 'CropImage',
    update_time: 1438162982,
    url: 'http://mmbiz.qlogo.cn/mmbiz/ZyXwVu9876543210/0?wx_fmt=jpeg',
    // A field WeChat might add tomorrow: passed through untouched.
    future_field: { nested: [1, '二', null], flag: true },
  },
];
const VIDEOS = [
  {
    media_id: 'VID_media_id_0000000000000000000000000000001',
    name: '品牌宣传片',
    update_time: 1718000000,
    description: '2024 年品牌宣传片',
    tags: ['宣传'],
    cover_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/Cover0123/0?wx_fmt=jpeg',
  },
  // 2016-style: no url, no description
  {
    media_id: 'VID_media_id_0000000000000000000000000000002',
    name: '发布会回放',
    update_time: 1464702356,
  },
];
const VOICES = [
  {
    media_id: 'VOI_media_id_0000000000000000000000000000001',
    name: '欢迎语音.mp3',
    update_time: 1547511262,
  },
];
const ARTICLE: NewsArticle = {
  title: '新品发布｜夏季系列上线',
  author: '品牌部',
  digest: '夏季系列今日上线。',
  content: '<p>正文</p><p><img data-src="http://mmbiz.qpic.cn/mmbiz_jpg/X/0?wx_fmt=jpeg" /></p>',
  content_source_url: 'https://example.com/summer',
  thumb_media_id: 'IMG_media_id_0000000000000000000000000000001',
  show_cover_pic: 1,
  url: 'http://mp.weixin.qq.com/s?__biz=MzA5NjYxMjM0NQ==&mid=2247483650&idx=1&sn=abc#rd',
  thumb_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/X/0?wx_fmt=jpeg',
  need_open_comment: 1,
  only_fans_can_comment: 0,
};
const NEWS = [
  {
    media_id: 'NEW_media_id_0000000000000000000000000000001',
    content: {
      news_item: [
        ARTICLE,
        { ...ARTICLE, title: '第二篇', show_cover_pic: 0, extra_article_field: 'kept' },
      ],
      create_time: 1718050000,
      update_time: 1718060000,
    },
    update_time: 1718060000,
  },
  {
    // 2016 article: no comment fields
    media_id: 'NEW_media_id_0000000000000000000000000000002',
    content: {
      news_item: [
        {
          title: '公众号开通啦',
          author: '小编',
          digest: '欢迎关注',
          content: '<p><br  /></p>',
          content_source_url: '',
          thumb_media_id: 'IMG_media_id_0000000000000000000000000000002',
          show_cover_pic: 0,
          url: 'http://mp.weixin.qq.com/s?__biz=MzA5NjYxMjM0NQ==&mid=100000016&idx=1&sn=def#rd',
          thumb_url: 'http://mmbiz.qlogo.cn/mmbiz/Y/0?wx_fmt=jpeg',
        },
      ],
      create_time: 1464848761,
      update_time: 1719000000,
    },
    update_time: 1719000000,
  },
];

describe('MaterialService.batchGetMaterial / getMaterialCount', () => {
  let t: TestModule;

  beforeAll(async () => {
    t = await createTestModule({ accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } } });
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => {
    t.server.seed({ image: IMAGES, video: VIDEOS, voice: VOICES, news: NEWS });
    t.server.resetCounters();
  });

  it('image: items exactly as WeChat sent them (Chinese names, tags, unknown fields kept)', async () => {
    const page: FileMaterialPage = await t.material.batchGetMaterial({
      type: 'image',
      offset: 0,
      count: 20,
    });
    expect(page).toEqual({ total_count: 2, item_count: 2, item: IMAGES });
    const second: FileMaterialItem = page.item[1]!;
    expect(second.future_field).toEqual({ nested: [1, '二', null], flag: true });
    expect(second.url).toBe(IMAGES[1]!.url); // `\/` escapes in the body are undone
  });

  it('video: items without url stay without url', async () => {
    const page = await t.material.batchGetMaterial({ type: 'video', offset: 0, count: 20 });
    expect(page).toEqual({ total_count: 2, item_count: 2, item: VIDEOS });
    expect(page.item[1]).not.toHaveProperty('url');
    expect(page.item[1]).not.toHaveProperty('description');
  });

  it('voice', async () => {
    const page = await t.material.batchGetMaterial({ type: 'voice', offset: 0, count: 20 });
    expect(page).toEqual({ total_count: 1, item_count: 1, item: VOICES });
  });

  it('news: nested articles untouched, optional comment fields absent when WeChat omits them', async () => {
    const page: NewsMaterialPage = await t.material.batchGetMaterial({
      type: 'news',
      offset: 0,
      count: 20,
    });
    expect(page).toEqual({ total_count: 2, item_count: 2, item: NEWS });
    const articles = page.item[0]!.content.news_item;
    expect(articles[0]!.title).toBe('新品发布｜夏季系列上线');
    expect(articles[1]!.extra_article_field).toBe('kept');
    expect(page.item[1]!.content.news_item[0]).not.toHaveProperty('need_open_comment');
  });

  it('offset and count go to WeChat as given, in the JSON body; only type/offset/count are sent', async () => {
    const page = await t.material.batchGetMaterial({
      type: 'image',
      offset: 1,
      count: 1,
      extra: 'x',
    } as never);
    expect(page).toEqual({ total_count: 2, item_count: 1, item: [IMAGES[1]] });
    expect(JSON.parse(t.server.lastBody(PATHS.batchGet)!)).toEqual({
      type: 'image',
      offset: 1,
      count: 1,
    });
  });

  it('the page type follows `type` (checked by tsc)', () => {
    const material = t.material;
    const compileOnly = async (): Promise<[string, string | undefined]> => {
      const news = await material.batchGetMaterial({ type: 'news', offset: 0, count: 1 });
      const video = await material.batchGetMaterial({ type: 'video', offset: 0, count: 1 });
      // @ts-expect-error an image page is not a news page
      const wrong: NewsMaterialPage = await material.batchGetMaterial({
        type: 'image',
        offset: 0,
        count: 1,
      });
      void wrong;
      return [news.item[0]!.content.news_item[0]!.title, video.item[0]!.url];
    };
    expect(typeof compileOnly).toBe('function');
  });

  it('an offset past the end gives an empty page', async () => {
    await expect(
      t.material.batchGetMaterial({ type: 'image', offset: 20, count: 20 }),
    ).resolves.toEqual({
      total_count: 2,
      item_count: 0,
      item: [],
    });
  });

  it('getMaterialCount', async () => {
    const count: MaterialCount = await t.material.getMaterialCount();
    expect(count).toEqual({ voice_count: 1, video_count: 2, image_count: 2, news_count: 2 });
    expect(t.server.requests[PATHS.count]).toBe(1);
  });

  it('forAccount() gives the same API for another account with its own token', async () => {
    const other = t.material.forAccount(OTHER_APP_ID);
    await expect(other.batchGetMaterial({ type: 'voice', offset: 0, count: 5 })).resolves.toEqual({
      total_count: 1,
      item_count: 1,
      item: VOICES,
    });
    await expect(other.getMaterialCount()).resolves.toMatchObject({ image_count: 2 });
    expect(t.server.requests[PATHS.stableToken]).toBe(1);
    expect(JSON.parse(t.server.lastBody(PATHS.stableToken)!)).toMatchObject({
      appid: OTHER_APP_ID,
    });
  });

  it('forAccount() of an unknown appId throws WechatConfigurationException at once, naming `accounts`', () => {
    let err: unknown;
    try {
      t.material.forAccount('wx_unknown_app');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: 'WechatConfigurationException', fields: ['accounts'] });
    expect((err as Error).message).toContain('accounts');
    expect(t.server.requests).toEqual({});
  });
});
