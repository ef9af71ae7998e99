import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  WechatConfigurationException,
  WechatTransportException,
  WechatValidationException,
  type DraftArticle,
} from '../../../lib/index.js';
import { json, useScriptedWechat } from '../../helpers/scripted-wechat.js';
import { APP_ID, OTHER_APP_ID, OTHER_APP_SECRET, PATHS } from '../../helpers/constants.js';
import { rejectionOf } from '../../helpers/wait.js';

const P = {
  add: PATHS.draftAdd,
  get: PATHS.draftGet,
  update: PATHS.draftUpdate,
  delete: PATHS.draftDelete,
  count: PATHS.draftCount,
  batchGet: PATHS.draftBatchGet,
};

const NEWS: DraftArticle = { title: 'Hello', content: '<p>hi</p>', thumb_media_id: 'THUMB_1' };
const PIC: DraftArticle = {
  article_type: 'newspic',
  title: 'Pictures',
  content: 'plain text',
  image_info: { image_list: [{ image_media_id: 'IMG_1' }] },
};

describe('DraftService', () => {
  const s = useScriptedWechat({ accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } } });

  describe('sends what the caller gave, in WeChat’s shapes', () => {
    it('addDraft: the caller’s own article objects, unknown fields and key order kept', async () => {
      s.answers.set(P.add, json({ media_id: 'DRAFT_1' }));
      const future = { ...PIC, cover_info: { a: [1, 2] }, product_info: { b: 'x' }, new_field: 7 };
      const articles = [NEWS, future] as DraftArticle[];
      await expect(s.drafts.addDraft(articles)).resolves.toEqual({ media_id: 'DRAFT_1' });
      const [call] = s.calls(P.add);
      expect(call!.method).toBe('POST');
      expect(call!.body).toBe(JSON.stringify({ articles }));
    });

    it('getDraft, deleteDraft: { media_id } as a string', async () => {
      s.answers.set(P.get, json({ news_item: [{ ...NEWS, url: 'http://mp.weixin.qq.com/s?x' }] }));
      s.answers.set(P.delete, json({ errcode: 0, errmsg: 'ok' }));
      const draft = await s.drafts.getDraft('DRAFT_1');
      expect(draft.news_item[0]!.url).toBe('http://mp.weixin.qq.com/s?x');
      await expect(s.drafts.deleteDraft('DRAFT_1')).resolves.toBeUndefined();
      expect(JSON.parse(s.calls(P.get)[0]!.body)).toEqual({ media_id: 'DRAFT_1' });
      expect(JSON.parse(s.calls(P.delete)[0]!.body)).toEqual({ media_id: 'DRAFT_1' });
    });

    it('updateDraft: { media_id, index, articles: ONE article }', async () => {
      s.answers.set(P.update, json({ errcode: 0, errmsg: 'ok' }));
      const article = { ...NEWS, later_field: true } as DraftArticle;
      await s.drafts.updateDraft('DRAFT_1', 2, article);
      expect(s.calls(P.update)[0]!.body).toBe(
        JSON.stringify({ media_id: 'DRAFT_1', index: 2, articles: article }),
      );
    });

    it('getDraftCount: GET draft/count', async () => {
      s.answers.set(P.count, json({ total_count: 3 }));
      await expect(s.drafts.getDraftCount()).resolves.toEqual({ total_count: 3 });
      expect(s.calls(P.count)[0]!.method).toBe('GET');
    });

    it('batchGetDrafts: offset, count and no_content only', async () => {
      s.answers.set(P.batchGet, json({ total_count: 0, item_count: 0, item: [] }));
      await s.drafts.batchGetDrafts({ offset: 3, count: 5, no_content: 1, extra: 1 } as never);
      await s.drafts.batchGetDrafts({ offset: 0, count: 20 });
      expect(s.calls(P.batchGet).map((c) => JSON.parse(c.body))).toEqual([
        { offset: 3, count: 5, no_content: 1 },
        { offset: 0, count: 20 },
      ]);
    });
  });

  describe('answers without the expected shape are bad_response (never retried)', () => {
    it.each<[string, string, () => Promise<unknown>]>([
      ['add without media_id', P.add, () => s.drafts.addDraft([NEWS])],
      ['get without news_item', P.get, () => s.drafts.getDraft('D')],
      ['count without total_count', P.count, () => s.drafts.getDraftCount()],
      ['batchget without item', P.batchGet, () => s.drafts.batchGetDrafts({ offset: 0, count: 1 })],
    ])('%s', async (_label, path, call) => {
      s.answers.set(path, json({ errcode: 0, errmsg: 'ok' }));
      const err = await rejectionOf(call());
      expect(err).toBeInstanceOf(WechatTransportException);
      expect((err as WechatTransportException).reason).toBe('bad_response');
      expect(s.calls(path)).toHaveLength(1);
    });
  });

  describe('bad input: WechatValidationException naming the argument, zero requests', () => {
    it.each<[string, () => Promise<unknown>, string[]]>([
      ['getDraft("")', () => s.drafts.getDraft(''), ['mediaId must be a non-empty string']],
      ['getDraft(5)', () => s.drafts.getDraft(5 as never), ['mediaId must be a non-empty string']],
      ['deleteDraft(" ")', () => s.drafts.deleteDraft(' '), ['mediaId must be a non-empty string']],
      [
        'updateDraft("", -1, news)',
        () => s.drafts.updateDraft('', -1, NEWS),
        ['mediaId must be a non-empty string', 'index must be an integer >= 0'],
      ],
      [
        'updateDraft(id, 1.5, news)',
        () => s.drafts.updateDraft('D', 1.5, NEWS),
        ['index must be an integer >= 0'],
      ],
      [
        'updateDraft(id, 0, bad article)',
        () => s.drafts.updateDraft('D', 0, { ...NEWS, thumb_media_id: 3 } as never),
        ['articles.thumb_media_id must be a string'],
      ],
      [
        'updateDraft(id, 0, [news])',
        () => s.drafts.updateDraft('D', 0, [NEWS] as never),
        ['articles must be an object'],
      ],
      ['addDraft([])', () => s.drafts.addDraft([]), ['articles must contain at least 1 elements']],
      [
        'addDraft(not an array)',
        () => s.drafts.addDraft(NEWS as never),
        [
          'articles must contain no more than 8 elements',
          'articles must contain at least 1 elements',
          'articles must be an array',
        ],
      ],
      [
        'addDraft: 2nd article has no title',
        () => s.drafts.addDraft([NEWS, { ...PIC, title: undefined } as never]),
        ['articles.1.title should not be empty', 'articles.1.title must be a string'],
      ],
      [
        'batchGetDrafts(count 21)',
        () => s.drafts.batchGetDrafts({ offset: 0, count: 21 }),
        ['count must not be greater than 20'],
      ],
      [
        'batchGetDrafts(null)',
        () => s.drafts.batchGetDrafts(null as never),
        ['query must be an object'],
      ],
      [
        'batchGetDrafts(no_content 2)',
        () => s.drafts.batchGetDrafts({ offset: 0, count: 1, no_content: 2 as never }),
        ['no_content must be one of the following values: 0, 1'],
      ],
    ])('%s', async (_label, call, messages) => {
      const err = await rejectionOf(call());
      expect(err).toBeInstanceOf(WechatValidationException);
      expect((err as WechatValidationException).getResponse()).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: messages,
      });
      expect(s.all()).toEqual([]);
    });

    it('iterateDrafts: a bad option rejects the first next(), zero requests', async () => {
      const it1 = s.drafts.iterateDrafts({ noContent: 1 as never })[Symbol.asyncIterator]();
      const err = await rejectionOf(it1.next());
      expect((err as WechatValidationException).messages).toEqual(['noContent must be a boolean']);
      const it2 = s.drafts.iterateDrafts({ pageSize: 21 })[Symbol.asyncIterator]();
      expect(await rejectionOf(it2.next())).toBeInstanceOf(WechatValidationException);
      expect(s.all()).toEqual([]);
    });
  });

  describe('property: a draft that breaks a rule never reaches WeChat', () => {
    const id = fc.string({ minLength: 1, maxLength: 12 }).filter((v) => v.trim() !== '');
    const crop = fc
      .tuple(...Array.from({ length: 4 }, () => fc.integer({ min: 0, max: 1000 })))
      .map((ns) => ns.map((n) => String(n / 1000)).join('_'));
    const news = fc.record(
      {
        title: id,
        content: fc.string(),
        thumb_media_id: id,
        author: fc.string(),
        need_open_comment: fc.constantFrom(0, 1),
        pic_crop_235_1: crop,
      },
      { requiredKeys: ['title', 'content', 'thumb_media_id'] },
    );
    const pic = fc.record({
      article_type: fc.constant('newspic'),
      title: id,
      content: fc.string(),
      image_info: fc.record({
        image_list: fc.array(fc.record({ image_media_id: id }), { minLength: 1, maxLength: 20 }),
      }),
    });
    const valid = fc.array(fc.oneof(news, pic), { minLength: 1, maxLength: 8 });
    /** One rule broken in one article (or in the list itself). */
    const breakage = fc.constantFrom<(a: Record<string, unknown>[]) => unknown>(
      (a) => [...a, ...a, ...a, ...a, ...a, ...a, ...a, ...a, ...a].slice(0, 9),
      () => [],
      (a) => a.map((x, i) => (i === 0 ? { ...x, title: 42 } : x)),
      (a) => a.map((x, i) => (i === a.length - 1 ? { ...x, content: undefined } : x)),
      (a) => a.map((x) => ({ ...x, need_open_comment: 2 })),
      (a) => a.map((x) => ({ ...x, only_fans_can_comment: '1' })),
      (a) => a.map((x) => ({ ...x, article_type: 'video' })),
      (a) => a.map((x) => ({ ...x, article_type: 'newspic', image_info: { image_list: [] } })),
      (a) => [
        {
          ...a[0],
          article_type: 'newspic',
          image_info: { image_list: Array(21).fill({ image_media_id: 'i' }) },
        },
      ],
      (a) => a.map((x) => ({ ...x, article_type: undefined, thumb_media_id: '' })),
      // crop strings belong to news articles (newspic passes unknown fields through)
      (a) => [{ ...NEWS, pic_crop_1_1: '0_0_1_1.01' }, ...a.slice(1)],
      (a) => [...a.slice(0, 7), null],
    );

    it('valid drafts are sent as given; broken ones are refused with no request', async () => {
      s.answers.set(P.add, json({ media_id: 'D' }));
      await fc.assert(
        fc.asyncProperty(valid, breakage, async (articles, brk) => {
          s.raw.requests.length = 0;
          await s.drafts.addDraft(articles as DraftArticle[]);
          expect(s.calls(P.add).map((c) => c.body)).toEqual([JSON.stringify({ articles })]);
          s.raw.requests.length = 0;
          const err = await rejectionOf(s.drafts.addDraft(brk(articles) as DraftArticle[]));
          expect(err).toBeInstanceOf(WechatValidationException);
          expect(s.all()).toEqual([]);
        }),
        { numRuns: 150 },
      );
    });
  });

  describe('forAccount', () => {
    it('acts for another account with its own token; an unknown appId throws at once', async () => {
      s.answers.set(P.count, json({ total_count: 1 }));
      await s.drafts.forAccount(OTHER_APP_ID).getDraftCount();
      expect(s.calls(P.count)).toHaveLength(1);
      const tokenCalls = s.all().filter((r) => r.path === PATHS.stableToken);
      expect(tokenCalls.map((r) => JSON.parse(r.body).appid)).toEqual([OTHER_APP_ID]);
      expect(s.drafts.forAccount(APP_ID)).toBeDefined();
      expect(() => s.drafts.forAccount('wx_nobody')).toThrow(WechatConfigurationException);
      expect(() => s.drafts.forAccount('')).toThrow(WechatConfigurationException);
      expect(s.calls()).toHaveLength(1);
    });
  });
});
