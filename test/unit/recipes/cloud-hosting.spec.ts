import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { MaterialService, WechatApiException } from '../../../lib/index.js';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { PATHS } from '../../helpers/constants.js';
import { rejectionOf } from '../../helpers/wait.js';
import { CloudHostingMaterialModule } from './cloud-hosting.recipe.js';

describe('recipe: WeChat Cloud Hosting (no access_token; the gateway adds it)', () => {
  let server: FakeWechatServer | undefined;
  let moduleRef: TestingModule | undefined;
  const savedBaseUrl = process.env.WECHAT_API_BASE_URL;

  /** The recipe's module, pointed (through its env variable) at a fake over plain http. */
  async function start(fake: FakeWechatServer): Promise<MaterialService> {
    server = fake;
    const { baseUrl } = await fake.start();
    expect(baseUrl).toMatch(/^http:\/\//);
    fake.seedGenerated({ image: 4, news: 2 });
    process.env.WECHAT_API_BASE_URL = baseUrl;
    moduleRef = await Test.createTestingModule({ imports: [CloudHostingMaterialModule] })
      .setLogger(new CapturingLogger())
      .compile();
    return moduleRef.get(MaterialService);
  }

  afterEach(async () => {
    if (savedBaseUrl === undefined) delete process.env.WECHAT_API_BASE_URL;
    else process.env.WECHAT_API_BASE_URL = savedBaseUrl;
    await moduleRef?.close();
    await server?.stop();
    moduleRef = undefined;
    server = undefined;
  });

  it('lists material through a tokenless gateway without ever fetching a token', async () => {
    const material = await start(new FakeWechatServer({ tokenless: true }));
    const images = await material.batchGetMaterial({ type: 'image', offset: 0, count: 20 });
    const news = await material.batchGetMaterial({ type: 'news', offset: 0, count: 20 });
    const counts = await material.getMaterialCount();

    expect(images.item_count).toBe(4);
    expect(news.item_count).toBe(2);
    expect(counts).toMatchObject({ image_count: 4, news_count: 2 });
    expect(server!.tokenRequests).toBe(0);
  });

  it('really sends no access_token: plain WeChat answers 41001 (access_token missing)', async () => {
    const material = await start(new FakeWechatServer());
    const err = await rejectionOf(
      material.batchGetMaterial({ type: 'image', offset: 0, count: 20 }),
    );
    expect(err).toBeInstanceOf(WechatApiException);
    expect((err as WechatApiException).errcode).toBe(41001);
    expect(server!.tokenRequests).toBe(0);
    expect(server!.requests[PATHS.batchGet]).toBe(1); // no token refresh + replay loop either
  });
});
