import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { WechatMaterialModule } from '../../../lib/index.js';
import { WechatHealthIndicator } from '../../../lib/terminus/index.js';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { FAST_OPTIONS } from '../../helpers/create-test-module.js';
import { APP_SECRET, FAKE_ACCOUNTS, PATHS } from '../../helpers/constants.js';

/** The controller the README shows: terminus answers 200 or 503 from the indicator's result. */
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly wechat: WechatHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () =>
        this.wechat.isHealthy('wechat', { quota: { cgiPath: PATHS.batchGet, minRemaining: 10 } }),
    ]);
  }
}

async function startApp(
  adapter: 'express' | 'fastify',
  fake: FakeWechatServer,
): Promise<INestApplication> {
  const { baseUrl } = await fake.start();
  @Module({
    imports: [TerminusModule, WechatMaterialModule.forRoot({ ...FAST_OPTIONS, baseUrl })],
    controllers: [HealthController],
    providers: [WechatHealthIndicator],
  })
  class AppModule {}
  const app = await NestFactory.create(
    AppModule,
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return app;
}

describe.each(['express', 'fastify'] as const)('GET /health on %s', (adapter) => {
  let app: INestApplication | undefined;
  let fake: FakeWechatServer | undefined;

  afterEach(async () => {
    await app?.close();
    await fake?.stop();
    app = undefined;
    fake = undefined;
  });

  async function getHealth(): Promise<{ status: number; body: unknown; text: string }> {
    const res = await fetch(`${await app!.getUrl()}/health`);
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as unknown, text };
  }

  it('answers 200 with wechat up (token and quota fine)', async () => {
    fake = new FakeWechatServer({ accounts: FAKE_ACCOUNTS });
    app = await startApp(adapter, fake);
    const { status, body } = await getHealth();
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      info: { wechat: { status: 'up' } },
      error: {},
      details: { wechat: { status: 'up' } },
    });
  });

  it('answers 503 with { reason: token, errcode: 40164 } and nothing secret, then serves it from memory', async () => {
    fake = new FakeWechatServer({ accounts: FAKE_ACCOUNTS });
    app = await startApp(adapter, fake);
    fake.failNext(PATHS.stableToken, { errcode: 40164 });
    const down = { wechat: { status: 'down', reason: 'token', errcode: 40164 } };
    for (let i = 0; i < 3; i++) {
      const { status, body, text } = await getHealth();
      expect(status).toBe(503);
      expect(body).toEqual({ status: 'error', info: {}, error: down, details: down });
      expect(text).not.toContain(APP_SECRET);
      expect(text).not.toContain('1.2.3.4');
    }
    expect(fake.tokenRequests).toBe(1);
    expect(fake.requests[PATHS.quota]).toBeUndefined();
  });

  it('answers 503 with { reason: quota_low } when less than minRemaining is left', async () => {
    fake = new FakeWechatServer({ accounts: FAKE_ACCOUNTS, dailyLimits: { [PATHS.batchGet]: 9 } });
    app = await startApp(adapter, fake);
    const { status, body } = await getHealth();
    expect(status).toBe(503);
    expect(body).toMatchObject({ error: { wechat: { status: 'down', reason: 'quota_low' } } });
  });
});
