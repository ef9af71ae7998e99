import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { APP_ID, APP_SECRET, PATHS } from '../../helpers/constants.js';
import { RAW_TOKEN, RawServer, type RawAnswer } from '../../helpers/raw-server.js';

const PAGE = { type: 'image', offset: 0, count: 20 } as const;

describe('WeChat bodies as they really come', () => {
  let raw: RawServer;
  let t: TestModule;
  let answer: RawAnswer;

  beforeAll(async () => {
    raw = new RawServer((req) =>
      req.path === PATHS.batchGet || req.path === PATHS.count ? answer : undefined,
    );
    t = await createTestModule({ baseUrl: await raw.start() });
  });

  afterAll(async () => {
    await t.close();
    await raw.stop();
  });

  beforeEach(() => {
    raw.requests.length = 0;
  });

  it('text/plain with `\\/` escapes, Chinese names', async () => {
    answer = {
      contentType: 'text/plain',
      body:
        '{"item":[{"media_id":"m1","name":"测试图片4","update_time":1464700717,' +
        '"url":"http:\\/\\/mmbiz.qpic.cn\\/mmbiz\\/abc\\/0?wx_fmt=jpeg"}],"total_count":1,"item_count":1}',
    };
    await expect(t.material.batchGetMaterial(PAGE)).resolves.toEqual({
      item: [
        {
          media_id: 'm1',
          name: '测试图片4',
          update_time: 1464700717,
          url: 'http://mmbiz.qpic.cn/mmbiz/abc/0?wx_fmt=jpeg',
        },
      ],
      total_count: 1,
      item_count: 1,
    });
    // The token went in the query string, the query in a JSON body.
    const sent = raw.requests.find((r) => r.path === PATHS.batchGet)!;
    expect(sent.method).toBe('POST');
    expect(sent.query.get('access_token')).toBe(RAW_TOKEN);
    expect(JSON.parse(sent.body)).toEqual(PAGE);
  });

  it("'application/json; encoding=utf-8' and \\u escapes", async () => {
    answer = {
      contentType: 'application/json; encoding=utf-8',
      body: '{"item":[{"media_id":"m2","name":"\\u6d4b\\u8bd5","update_time":1}],"total_count":1,"item_count":1}',
    };
    const page = await t.material.batchGetMaterial(PAGE);
    expect(page.item[0]!.name).toBe('测试');
  });

  it('raw control characters inside strings are repaired', async () => {
    const content = '<p>第一段</p>\n<p>第二段\t缩进</p>\r\n\u0001';
    answer = {
      contentType: 'text/plain',
      body:
        '{"item":[{"media_id":"n1","content":{"news_item":[{"title":"标题\n换行","content":"' +
        content +
        '"}]},"update_time":2}],"total_count":1,"item_count":1}',
    };
    const page = await t.material.batchGetMaterial({ type: 'news', offset: 0, count: 20 });
    expect(page.item[0]!.content.news_item[0]).toEqual({ title: '标题\n换行', content });
    expect(raw.requests.filter((r) => r.path === PATHS.batchGet)).toHaveLength(1);
  });

  it('a UTF-8 BOM before the JSON is skipped', async () => {
    answer = {
      contentType: 'text/plain',
      body: Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('{"voice_count":1,"video_count":2,"image_count":3,"news_count":4}', 'utf8'),
      ]),
    };
    await expect(t.material.getMaterialCount()).resolves.toEqual({
      voice_count: 1,
      video_count: 2,
      image_count: 3,
      news_count: 4,
    });
  });

  it('get_materialcount is a GET with the token in the query string', async () => {
    answer = { body: '{"voice_count":0,"video_count":0,"image_count":0,"news_count":0}' };
    await t.material.getMaterialCount();
    const sent = raw.requests.find((r) => r.path === PATHS.count)!;
    expect(sent.method).toBe('GET');
    expect(sent.query.get('access_token')).toBe(RAW_TOKEN);
  });

  it('a pretty-printed error answer with an errcode is an error', async () => {
    answer = {
      body: '{\n\t"errcode": 40007,\n\t"errmsg": "invalid media_id hint: [Ab12cd3456]"\n}',
    };
    await expect(t.material.batchGetMaterial(PAGE)).rejects.toMatchObject({
      errcode: 40007,
      errmsg: 'invalid media_id hint: [Ab12cd3456]',
      rid: undefined,
    });
  });

  it('the stable_token request carries appid and secret in the JSON body, never in the URL', async () => {
    await t.tokens.invalidate(RAW_TOKEN);
    await t.tokens.getAccessToken();
    const token = raw.requests.find((r) => r.path === PATHS.stableToken);
    expect(token).toBeDefined();
    expect(token!.method).toBe('POST');
    expect([...token!.query.keys()]).toEqual([]);
    expect(JSON.parse(token!.body)).toEqual({
      grant_type: 'client_credential',
      appid: APP_ID,
      secret: APP_SECRET,
      force_refresh: false,
    });
  });
});
