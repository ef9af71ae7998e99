import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  type ArgumentsHost,
  type INestApplication,
  Param,
  Query,
  UseFilters,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  MaterialService,
  WechatApiException,
  WechatExceptionFilter,
  WechatMaterialModule,
  WechatTransportException,
  type WechatMaterialModuleOptions,
} from '../../../lib/index.js';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { APP_ID, APP_SECRET, FAKE_ACCOUNTS, PATHS } from '../../helpers/constants.js';

@Controller('materials')
class MaterialsController {
  constructor(private readonly material: MaterialService) {}

  @Get('count')
  count() {
    return this.material.getMaterialCount();
  }

  @Get(':type')
  list(@Param('type') type: string, @Query('offset') offset = '0', @Query('count') count = '20') {
    return this.material.batchGetMaterial({
      type,
      offset: Number(offset),
      count: Number(count),
    } as never);
  }
}

@Controller('filtered')
@UseFilters(WechatExceptionFilter)
class FilteredController {
  constructor(private readonly material: MaterialService) {}

  @Get()
  list() {
    return this.material.batchGetMaterial({ type: 'image', offset: 0, count: 20 });
  }
}

const RID = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

describe('WechatExceptionFilter in a real Nest application (Express)', () => {
  let server: FakeWechatServer;
  let baseUrl: string;
  let app: INestApplication | undefined;
  let url: string;

  beforeAll(async () => {
    server = new FakeWechatServer({ accounts: FAKE_ACCOUNTS });
    ({ baseUrl } = await server.start());
  });

  afterAll(async () => {
    await server.stop();
  });

  beforeEach(() => {
    server.clearFaults();
    server.resetCounters();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function startApp(
    style: 'global' | 'app_filter' | 'use_filters',
    extra: WechatMaterialModuleOptions = {},
  ): Promise<void> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WechatMaterialModule.forRoot({
          appId: APP_ID,
          appSecret: APP_SECRET,
          baseUrl,
          retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10 },
          ...extra,
        }),
      ],
      controllers: style === 'use_filters' ? [FilteredController] : [MaterialsController],
      providers:
        style === 'app_filter' ? [{ provide: APP_FILTER, useClass: WechatExceptionFilter }] : [],
    })
      .setLogger(new CapturingLogger())
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    if (style === 'global') app.useGlobalFilters(app.get(WechatExceptionFilter));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }

  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    return {
      status: res.status,
      headers: res.headers,
      body: (await res.json()) as Record<string, unknown>,
    };
  };

  it('a good call passes through', async () => {
    await startApp('global');
    const res = await get('/materials/image');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total_count: 4, item_count: 4 });
  });

  it('40007 → 404 with { statusCode, error, message, errcode, rid }', async () => {
    await startApp('global');
    server.failNext(PATHS.batchGet, { errcode: 40007 });
    const res = await get('/materials/image');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `WeChat API error 40007 on ${PATHS.batchGet}: invalid media_id`,
      errcode: 40007,
      rid: expect.stringMatching(RID),
    });
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('45011 → 429 with Retry-After: 60', async () => {
    await startApp('global');
    server.failNext(PATHS.batchGet, { errcode: 45011 });
    const res = await get('/materials/image');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(res.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', errcode: 45011 });
  });

  it('45009 → 429 without Retry-After, message hinting at QuotaService.getQuota', async () => {
    await startApp('global');
    server.failNext(PATHS.batchGet, { errcode: 45009 });
    const res = await get('/materials/image');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.body.message).toContain('QuotaService.getQuota');
  });

  it('-1 after the retries → 503', async () => {
    await startApp('global');
    server.failNext(PATHS.batchGet, { errcode: -1 }, 2);
    const res = await get('/materials/image');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', errcode: -1 });
    expect(server.requests[PATHS.batchGet]).toBe(2);
  });

  it('our own timeout → 504, body without errcode/rid', async () => {
    // The fake holds the request; 1 s leaves the token fetch before it plenty of time.
    await startApp('global', { timeoutMs: 1000 });
    server.failNext(PATHS.batchGet, 'timeout', 2);
    const res = await get('/materials/image');
    expect(res.status).toBe(504);
    expect(res.body).toEqual({
      statusCode: 504,
      error: 'Gateway Timeout',
      message: `WeChat request to ${PATHS.batchGet} failed: timeout`,
    });
  });

  it('an upstream HTML 504 page → 502 (other transport)', async () => {
    await startApp('global');
    server.failNext(PATHS.count, 'html504', 2);
    const res = await get('/materials/count');
    expect(res.status).toBe(502);
    expect(res.body).toEqual({
      statusCode: 502,
      error: 'Bad Gateway',
      message: `WeChat request to ${PATHS.count} failed: http_status`,
    });
  });

  it('bad input never reaches WeChat and is a 400 with ValidationPipe-style messages', async () => {
    await startApp('global');
    const res = await get('/materials/images?offset=-1&count=50');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [
        'type must be one of the following values: image, video, voice, news',
        'offset must not be less than 0',
        'count must not be greater than 20',
      ],
    });
    expect(server.requests).toEqual({});
  });

  it('as an APP_FILTER provider, with errorStatusOverrides { 40007: 410 }', async () => {
    await startApp('app_filter', { errorStatusOverrides: { 40007: 410 } });
    server.failNext(PATHS.batchGet, { errcode: 40007 });
    const res = await get('/materials/image');
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({ statusCode: 410, error: 'Gone', errcode: 40007 });
    server.failNext(PATHS.batchGet, { errcode: 48001 });
    expect((await get('/materials/image')).status).toBe(403);
  });

  it('through @UseFilters(WechatExceptionFilter)', async () => {
    await startApp('use_filters');
    server.failNext(PATHS.batchGet, { errcode: 48001 });
    const res = await get('/filtered');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden', errcode: 48001 });
  });

  it('the 40164 IP never reaches the reply', async () => {
    await startApp('global');
    server.failNext(PATHS.stableToken, { errcode: 40164 });
    const res = await get('/materials/image');
    expect(res.status).toBe(502);
    expect(JSON.stringify(res.body)).not.toContain('1.2.3.4');
    expect(res.body).toMatchObject({ errcode: 40164 });
  });
});

describe('WechatExceptionFilter outside HTTP', () => {
  const filter = new WechatExceptionFilter();
  const hostOf = (type: string): ArgumentsHost =>
    ({
      getType: () => type,
      switchToHttp: () => {
        throw new Error('not an HTTP context');
      },
    }) as unknown as ArgumentsHost;

  it.each(['rpc', 'ws', 'graphql'])('%s: rethrows the exception unchanged', (type) => {
    for (const exception of [
      new WechatApiException(40007, 'invalid media_id', PATHS.batchGet),
      new WechatTransportException('timeout', PATHS.batchGet),
    ]) {
      let thrown: unknown;
      try {
        filter.catch(exception, hostOf(type));
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBe(exception);
    }
  });
});
