import { describe, expect, it } from '@jest/globals';
import { PATHS } from '../../helpers/constants.js';
import { JSON_TYPE, expectErrcode, useFakeServer, withServer } from '../../helpers/fake-client.js';

const { batchGet: BATCHGET, count: COUNT, quota: QUOTA } = PATHS;

const fake = useFakeServer();
const { call } = fake;

describe('quota', () => {
  it('counts calls per path and answers 45009 at the daily limit', async () => {
    await withServer({ dailyLimits: { [BATCHGET]: 3 } }, async (s, url) => {
      const token = s.issueToken();
      const body = { type: 'image', offset: 0, count: 1 };
      for (let i = 0; i < 3; i++) {
        const reply = await call(BATCHGET, { query: { access_token: token }, body }, url);
        expect(JSON.parse(reply.text).item_count).toBe(1);
      }
      expectErrcode(
        await call(BATCHGET, { query: { access_token: token }, body }, url),
        45009,
        'reach max api daily quota limit',
      );
      const quota = await call(
        QUOTA,
        { query: { access_token: token }, body: { cgi_path: BATCHGET } },
        url,
      );
      expect(quota.type).toBe(JSON_TYPE);
      expect(JSON.parse(quota.text)).toEqual({
        errcode: 0,
        errmsg: 'ok',
        quota: { daily_limit: 3, used: 3, remain: 0 },
      });
      const countQuota = await call(
        QUOTA,
        { query: { access_token: token }, body: { cgi_path: COUNT } },
        url,
      );
      expect(JSON.parse(countQuota.text).quota).toEqual({
        daily_limit: 100000,
        used: 0,
        remain: 100000,
      });
      s.resetCounters();
      const again = await call(BATCHGET, { query: { access_token: token }, body }, url);
      expect(JSON.parse(again.text).item_count).toBe(1);
    });
  });

  it('checks token, method and body of quota/get', async () => {
    const token = fake.server.issueToken();
    const q = { access_token: token };
    expectErrcode(await call(QUOTA, { method: 'POST', body: { cgi_path: BATCHGET } }), 41001);
    expectErrcode(await call(QUOTA, { query: q }), 43002);
    expectErrcode(await call(QUOTA, { query: q, method: 'POST', raw: '' }), 44002);
    expectErrcode(await call(QUOTA, { query: q, raw: 'x' }), 47001);
    expectErrcode(
      await call(QUOTA, { query: q, body: { cgi_path: '/cgi-bin/nope' } }),
      76021,
      'cgi_path not found, please check',
    );
  });
});
