import { afterEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FakeWechatServer } from '../../lib/testing/index.js';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';
import { PATHS } from '../helpers/constants.js';

const WRONG_SECRET = 'wrong_secret_3c4d5e6f7a8b9c0d';

describe.each(ADAPTERS)('GET /health (%s)', (adapter) => {
  let t: SampleAppUnderTest | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers 200 with wechat up, not cached by clients, and costs no token request once warm', async () => {
    t = await startSampleApp(adapter);
    const res = await request(t.url).get('/health').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      info: { wechat: { status: 'up' } },
      error: {},
      details: { wechat: { status: 'up' } },
    });
    expect(res.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
    const before = t.fake.requests;
    for (let i = 0; i < 5; i++) await request(t.url).get('/health').expect(200);
    // Token cached, quota answer cached for a minute: probes cost WeChat nothing.
    expect(t.fake.requests).toEqual(before);
    expect(before).toEqual({ [PATHS.stableToken]: 1, [PATHS.quota]: 1 });
  });

  it('answers 503 { reason: token, errcode: 40125 } for a wrong secret, never showing it', async () => {
    t = await startSampleApp(adapter, { wechat: { appSecret: WRONG_SECRET } });
    const down = { wechat: { status: 'down', reason: 'token', errcode: 40125 } };
    for (let i = 0; i < 3; i++) {
      const res = await request(t.url).get('/health').expect(503);
      expect(res.body).toEqual({ status: 'error', info: {}, error: down, details: down });
      expect(res.text).not.toContain(WRONG_SECRET);
    }
    expect(t.fake.tokenRequests).toBe(1); // remembered: probes do not burn the token quota
  });

  it('answers 503 { reason: quota_low } when fewer than 100 listings are left today', async () => {
    const fake = new FakeWechatServer({ dailyLimits: { [PATHS.batchGet]: 99 } });
    t = await startSampleApp(adapter, { fake });
    const res = await request(t.url).get('/health').expect(503);
    expect(res.body.error).toEqual({ wechat: { status: 'down', reason: 'quota_low' } });
  });
});
