import { describe, expect, it } from '@jest/globals';
import { quoteNumberFields, parseWechatBody } from '../../../lib/http/wechat-body.parser.js';
import { useScriptedWechat } from '../../helpers/scripted-wechat.js';
import { PATHS } from '../../helpers/constants.js';

/** Past 2^53 (9007199254740992): JSON.parse would change the last digits. */
const BIG = '9223372036854775807';
const BIG2 = '2247483647123456789';
const BIG3 = '18014398509481985';

describe('ids past 2^53 are read from the text', () => {
  it('the precondition: a lossy JSON.parse changes these ids', () => {
    for (const id of [BIG, BIG2, BIG3]) expect(String(JSON.parse(id))).not.toBe(id);
  });

  it('quotes bare numbers of the named keys only, wherever they are nested', () => {
    const text =
      `{"publish_id":${BIG},"other":${BIG},"item":[{"article_id" : ${BIG2} ,"n":1},` +
      `{"article_id":"already"}],"msg_data_id":-12.5e3}`;
    expect(parseWechatBody(text, ['publish_id', 'msg_data_id', 'article_id'])).toEqual({
      publish_id: BIG,
      other: Number(BIG),
      item: [{ article_id: BIG2, n: 1 }, { article_id: 'already' }],
      msg_data_id: '-12.5e3',
    });
  });

  it('never touches text inside strings (article HTML that mentions the keys)', () => {
    const content = `<p>{"article_id":${BIG},"publish_id": 5}</p>`;
    const text = JSON.stringify({ content, article_id: 1 }).replace(
      '"article_id":1',
      `"article_id":${BIG}`,
    );
    const body = parseWechatBody(text, ['article_id', 'publish_id'])!;
    expect(body.content).toBe(content);
    expect(body.article_id).toBe(BIG);
  });

  it('without keys the text is parsed as before', () => {
    expect(quoteNumberFields(`{"publish_id":${BIG}}`, [])).toBe(`{"publish_id":${BIG}}`);
  });
});

describe('PublishService keeps every digit of publish_id, msg_data_id and article_id', () => {
  const s = useScriptedWechat();

  it('submitPublish: bare numbers in, exact strings out; the draft id goes as a string', async () => {
    s.answers.set(PATHS.publishSubmit, {
      body: `{"errcode":0,"errmsg":"ok","publish_id":${BIG},"msg_data_id":${BIG2}}`,
    });
    // Exactly the job: errcode/errmsg of the acceptance are not part of it.
    await expect(s.publish.submitPublish('DRAFT_1')).resolves.toStrictEqual({
      publish_id: BIG,
      msg_data_id: BIG2,
    });
    expect(s.calls(PATHS.publishSubmit)[0]!.body).toBe('{"media_id":"DRAFT_1"}');
  });

  it('getPublishStatus: publish_id goes back as a JSON string, article_id comes back exact', async () => {
    s.answers.set(PATHS.publishGet, {
      body:
        `{"publish_id":${BIG},"publish_status":0,"article_id":${BIG3},` +
        `"article_detail":{"count":1,"item":[{"idx":1,"article_url":"https://mp.weixin.qq.com/s/x"}]},"fail_idx":[]}`,
    });
    const status = await s.publish.getPublishStatus(BIG);
    expect(status).toEqual({
      publish_id: BIG,
      publish_status: 0,
      state: 'success',
      article_id: BIG3,
      article_detail: { count: 1, item: [{ idx: 1, article_url: 'https://mp.weixin.qq.com/s/x' }] },
      fail_idx: [],
    });
    expect(s.calls(PATHS.publishGet)[0]!.body).toBe(`{"publish_id":"${BIG}"}`);
  });

  it('batchGetPublished and iteratePublished: article_id of each item exact', async () => {
    s.answers.set(PATHS.publishBatchGet, {
      body:
        `{"total_count":2,"item_count":2,"item":[` +
        `{"article_id":${BIG},"content":{"news_item":[]},"update_time":1},` +
        `{"article_id":${BIG2},"content":{"news_item":[]},"update_time":2}]}`,
    });
    const page = await s.publish.batchGetPublished({ offset: 0, count: 20 });
    expect(page.item.map((i) => i.article_id)).toEqual([BIG, BIG2]);
    const ids: string[] = [];
    for await (const item of s.publish.iteratePublished()) ids.push(item.article_id);
    expect(ids).toEqual([BIG, BIG2]);
  });

  it('deletePublished and getPublishedArticle send article_id as a JSON string', async () => {
    s.answers.set(PATHS.publishDelete, { body: '{"errcode":0,"errmsg":"ok"}' });
    s.answers.set(PATHS.publishGetArticle, { body: '{"news_item":[]}' });
    await s.publish.deletePublished(BIG);
    await s.publish.deletePublished(BIG2, { index: 2 });
    await s.publish.getPublishedArticle(BIG3);
    expect(s.calls().map((c) => c.body)).toEqual([
      `{"article_id":"${BIG}"}`,
      `{"article_id":"${BIG2}","index":2}`,
      `{"article_id":"${BIG3}"}`,
    ]);
  });
});
