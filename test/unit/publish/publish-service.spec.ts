import { describe, expect, it } from '@jest/globals';
import {
  WechatApiException,
  WechatConfigurationException,
  WechatTransportException,
  WechatValidationException,
  type PublishState,
} from '../../../lib/index.js';
import { json, useScriptedWechat } from '../../helpers/scripted-wechat.js';
import { APP_ID, OTHER_APP_ID, OTHER_APP_SECRET, PATHS } from '../../helpers/constants.js';
import { rejectionOf } from '../../helpers/wait.js';

describe('PublishService', () => {
  const s = useScriptedWechat({ accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } } });

  describe('getPublishStatus names publish_status 0..6', () => {
    it.each<[number, PublishState]>([
      [0, 'success'],
      [1, 'publishing'],
      [2, 'original_failed'],
      [3, 'failed'],
      [4, 'rejected'],
      [5, 'deleted_by_user'],
      [6, 'banned'],
    ])('%d → %s', async (publish_status, state) => {
      s.answers.set(PATHS.publishGet, json({ publish_id: '100', publish_status, new_field: 'x' }));
      const status = await s.publish.getPublishStatus('100');
      expect(status).toMatchObject({ publish_id: '100', publish_status, state, new_field: 'x' });
      // Failure states always carry fail_idx; success and publishing do not get one added.
      if (publish_status >= 2) expect(status.fail_idx).toEqual([]);
      else expect(status).not.toHaveProperty('fail_idx');
    });

    it('keeps the fail_idx WeChat sent (1-based article numbers)', async () => {
      s.answers.set(
        PATHS.publishGet,
        json({ publish_id: '7', publish_status: 4, fail_idx: [1, 3] }),
      );
      await expect(s.publish.getPublishStatus('7')).resolves.toEqual({
        publish_id: '7',
        publish_status: 4,
        state: 'rejected',
        fail_idx: [1, 3],
      });
    });

    it('fills publish_id from the request when WeChat leaves it out', async () => {
      s.answers.set(PATHS.publishGet, json({ publish_status: 1 }));
      await expect(s.publish.getPublishStatus('55')).resolves.toMatchObject({ publish_id: '55' });
    });

    it.each<[string, unknown]>([
      ['7', 7],
      ['-1', -1],
      ['1.5', 1.5],
      ["'1'", '1'],
      ['null', null],
      ['missing', undefined],
    ])('publish_status %s → bad_response, not retried', async (_label, publish_status) => {
      s.answers.set(PATHS.publishGet, json({ publish_id: '1', publish_status }));
      const err = await rejectionOf(s.publish.getPublishStatus('1'));
      expect(err).toBeInstanceOf(WechatTransportException);
      expect((err as WechatTransportException).reason).toBe('bad_response');
      expect(s.calls(PATHS.publishGet)).toHaveLength(1);
    });
  });

  it('submitPublish without a publish_id is a bad_response; an errcode is an API error', async () => {
    s.answers.set(PATHS.publishSubmit, json({ errcode: 0, errmsg: 'ok' }));
    const bad = await rejectionOf(s.publish.submitPublish('D'));
    expect((bad as WechatTransportException).reason).toBe('bad_response');
    s.answers.set(PATHS.publishSubmit, json({ errcode: 53503, errmsg: 'publish check failed' }));
    const api = await rejectionOf(s.publish.submitPublish('D'));
    expect(api).toBeInstanceOf(WechatApiException);
    expect((api as WechatApiException).errcode).toBe(53503);
  });

  it('deletePublished: the whole set without index, one article with a 1-based index', async () => {
    s.answers.set(PATHS.publishDelete, json({ errcode: 0, errmsg: 'ok' }));
    await s.publish.deletePublished('A1');
    await s.publish.deletePublished('A1', {});
    await s.publish.deletePublished('A1', { index: 1 });
    expect(s.calls().map((c) => JSON.parse(c.body))).toEqual([
      { article_id: 'A1' },
      { article_id: 'A1' },
      { article_id: 'A1', index: 1 },
    ]);
  });

  describe('bad input: WechatValidationException naming the argument, zero requests', () => {
    const ac = new AbortController();
    it.each<[string, () => Promise<unknown>, string[]]>([
      [
        'submitPublish("")',
        () => s.publish.submitPublish(''),
        ['draftMediaId must be a non-empty string'],
      ],
      [
        'getPublishStatus(123)',
        () => s.publish.getPublishStatus(123 as never),
        ['publishId must be a non-empty string'],
      ],
      [
        'getPublishedArticle(undefined)',
        () => s.publish.getPublishedArticle(undefined as never),
        ['articleId must be a non-empty string'],
      ],
      [
        'deletePublished("")',
        () => s.publish.deletePublished(''),
        ['articleId must be a non-empty string'],
      ],
      // WeChat reads 0 as "delete all": never send it by mistake.
      [
        'deletePublished(id, index 0)',
        () => s.publish.deletePublished('A', { index: 0 }),
        ['index must be an integer >= 1'],
      ],
      [
        'deletePublished(id, index 1.5)',
        () => s.publish.deletePublished('A', { index: 1.5 }),
        ['index must be an integer >= 1'],
      ],
      [
        "deletePublished(id, index '2')",
        () => s.publish.deletePublished('A', { index: '2' as never }),
        ['index must be an integer >= 1'],
      ],
      [
        'waitForPublish("")',
        () => s.publish.waitForPublish(''),
        ['publishId must be a non-empty string'],
      ],
      [
        'waitForPublish(id, bad options)',
        () => s.publish.waitForPublish('1', { intervalMs: 0, timeoutMs: NaN, signal: {} as never }),
        [
          'intervalMs must be a positive number',
          'timeoutMs must be a positive number',
          'signal must be an AbortSignal',
        ],
      ],
      [
        'waitForPublish(id, intervalMs -5)',
        () => s.publish.waitForPublish('1', { intervalMs: -5, signal: ac.signal }),
        ['intervalMs must be a positive number'],
      ],
      [
        "waitForPublish(id, timeoutMs '10')",
        () => s.publish.waitForPublish('1', { timeoutMs: '10' as never }),
        ['timeoutMs must be a positive number'],
      ],
      [
        'batchGetPublished(offset -1)',
        () => s.publish.batchGetPublished({ offset: -1, count: 1 }),
        ['offset must not be less than 0'],
      ],
      [
        'batchGetPublished(count 0)',
        () => s.publish.batchGetPublished({ offset: 0, count: 0 }),
        ['count must not be less than 1'],
      ],
    ])('%s', async (_label, call, messages) => {
      const err = await rejectionOf(call());
      expect(err).toBeInstanceOf(WechatValidationException);
      expect((err as WechatValidationException).messages).toEqual(messages);
      expect(s.all()).toEqual([]);
    });

    it('iteratePublished: a bad option rejects the first next(), zero requests', async () => {
      const it1 = s.publish.iteratePublished({ noContent: 'yes' as never })[Symbol.asyncIterator]();
      expect(await rejectionOf(it1.next())).toBeInstanceOf(WechatValidationException);
      const it2 = s.publish.iteratePublished({ concurrency: 9 })[Symbol.asyncIterator]();
      expect(await rejectionOf(it2.next())).toBeInstanceOf(WechatValidationException);
      expect(s.all()).toEqual([]);
    });
  });

  it('forAccount: another account with its own token; an unknown appId throws at once', async () => {
    s.answers.set(PATHS.publishGet, json({ publish_id: '1', publish_status: 0 }));
    await s.publish.forAccount(OTHER_APP_ID).getPublishStatus('1');
    const tokenCalls = s.all().filter((r) => r.path === PATHS.stableToken);
    expect(tokenCalls.map((r) => JSON.parse(r.body).appid)).toEqual([OTHER_APP_ID]);
    expect(s.publish.forAccount(APP_ID)).toBeDefined();
    expect(() => s.publish.forAccount('wx_nobody')).toThrow(WechatConfigurationException);
    expect(s.calls()).toHaveLength(1);
  });
});
