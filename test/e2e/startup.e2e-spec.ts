import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FakeWechatServer } from '../../lib/testing/index.js';
import { bootstrap } from '../../sample-app/src/bootstrap.js';
import { upstreamOf } from '../../sample-app/src/create-app.js';
import { CapturingLogger } from '../helpers/capturing-logger.js';
import { PATHS } from '../helpers/constants.js';
import { ADAPTERS } from './helper/sample-app.js';

const ENV_KEYS = [
  'PORT',
  'HOST',
  'HTTP_ADAPTER',
  'WECHAT_APP_ID',
  'WECHAT_APP_SECRET',
  'WECHAT_BASE_URL',
  'WECHAT_TIMEOUT_MS',
] as const;

describe.each(ADAPTERS)('sample app start-up (%s)', (adapter) => {
  const saved: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
  let app: INestApplication | undefined;
  let logger: CapturingLogger;

  beforeEach(() => {
    for (const key of ENV_KEYS) {
      saved[key] = process.env[key];
      delete process.env[key];
    }
    process.env.PORT = '0';
    logger = new CapturingLogger();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('without credentials, starts an embedded fake, says so, and stops it on close', async () => {
    app = await bootstrap({ adapter, logger });
    const url = await app.getUrl();
    const fakeUrl = upstreamOf(app).baseUrl!;
    const log = logger.text();
    expect(log).toContain(
      `No WECHAT_APP_ID/WECHAT_APP_SECRET set: using an embedded FakeWechatServer at ${fakeUrl}`,
    );
    expect(log).toMatch(new RegExp(`Listening on http://127\\.0\\.0\\.1:\\d+ \\(${adapter}\\)`));
    expect(log).toMatch(/Swagger UI: http:\/\/127\.0\.0\.1:\d+\/docs /);

    const count = await request(url).get('/materials/count').expect(200);
    expect(count.body).toEqual({ voice_count: 2, video_count: 2, image_count: 4, news_count: 2 });

    await app.close();
    app = undefined;
    expect(logger.text()).toContain('Embedded FakeWechatServer stopped');
    await expect(fetch(`${fakeUrl}${PATHS.count}`)).rejects.toThrow();
  });

  it('with WECHAT_APP_ID/WECHAT_APP_SECRET, calls the configured WeChat base URL', async () => {
    const wechat = new FakeWechatServer({ accounts: { wx_env_app: 'env_secret_0123456789' } });
    const { baseUrl } = await wechat.start();
    try {
      Object.assign(process.env, {
        WECHAT_APP_ID: 'wx_env_app',
        WECHAT_APP_SECRET: 'env_secret_0123456789',
        WECHAT_BASE_URL: baseUrl,
      });
      app = await bootstrap({ adapter, logger });
      const log = logger.text();
      expect(log).toContain(`Calling WeChat at ${baseUrl} as wx_env_app`);
      expect(log).not.toContain('env_secret_0123456789');
      expect(upstreamOf(app).ownedFake).toBeUndefined();
      await request(await app.getUrl())
        .get('/materials/count')
        .expect(200);
      expect(wechat.tokenRequests).toBe(1);
    } finally {
      await app?.close();
      app = undefined;
      await wechat.stop();
    }
  });

  it('refuses to start with only one of the two credentials', async () => {
    process.env.WECHAT_APP_ID = 'wx_env_app';
    await expect(bootstrap({ adapter, logger })).rejects.toThrow(
      /set both WECHAT_APP_ID and WECHAT_APP_SECRET/,
    );
  });

  it('refuses to start with a bad WECHAT_BASE_URL, naming the option', async () => {
    Object.assign(process.env, {
      WECHAT_APP_ID: 'wx_env_app',
      WECHAT_APP_SECRET: 'env_secret_0123456789',
      WECHAT_BASE_URL: 'ftp://example.com',
    });
    const failure = bootstrap({ adapter, logger });
    await expect(failure).rejects.toThrow(/baseUrl/);
    await expect(failure).rejects.not.toThrow(/env_secret_0123456789/);
  });
});
