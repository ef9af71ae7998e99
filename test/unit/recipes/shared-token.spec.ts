import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ConfigModule } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { MaterialService, WECHAT_MATERIAL_OPTIONS } from '../../../lib/index.js';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { APP_ID, APP_SECRET, FAKE_ACCOUNTS, PATHS } from '../../helpers/constants.js';
import {
  MaterialFeatureModule,
  WechatCoreModule,
  WechatMaterialConfig,
  WechatTokenService,
} from './shared-token.recipe.js';

describe('recipe: a token shared with an existing service (forRootAsync({ useExisting }))', () => {
  let server: FakeWechatServer;
  let moduleRef: TestingModule;
  /** `this` of every createWechatMaterialOptions() call. */
  let factoryInstances: unknown[];

  beforeEach(async () => {
    factoryInstances = [];
    const original = WechatMaterialConfig.prototype.createWechatMaterialOptions;
    jest
      .spyOn(WechatMaterialConfig.prototype, 'createWechatMaterialOptions')
      .mockImplementation(function (this: WechatMaterialConfig) {
        factoryInstances.push(this);
        return original.call(this);
      });
    server = new FakeWechatServer({ accounts: FAKE_ACCOUNTS });
    const { baseUrl } = await server.start();
    server.seedGenerated({ image: 2 });
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [
            () => ({
              WECHAT_APP_ID: APP_ID,
              WECHAT_APP_SECRET: APP_SECRET,
              WECHAT_API_BASE_URL: baseUrl,
            }),
          ],
        }),
        MaterialFeatureModule,
      ],
    })
      .setLogger(new CapturingLogger())
      .compile();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await moduleRef?.close();
    await server.stop();
  });

  it('reuses the options provider the other module exports: its instance, asked once', () => {
    const exported = moduleRef.select(WechatCoreModule).get(WechatMaterialConfig);
    expect(factoryInstances).toEqual([exported]);
    expect(factoryInstances[0]).toBe(exported);
    expect(moduleRef.get(WECHAT_MATERIAL_OPTIONS, { strict: false })).toMatchObject({
      appId: APP_ID,
    });
  });

  it('the existing service and the material module use one token: one token request in all', async () => {
    const tokens = moduleRef.get(WechatTokenService, { strict: false });
    const material = moduleRef.get(MaterialService, { strict: false });

    const own = await tokens.getToken();
    const [page] = await Promise.all([
      material.batchGetMaterial({ type: 'image', offset: 0, count: 20 }),
      material.getMaterialCount(),
    ]);
    expect(page.item_count).toBe(2);
    expect(await tokens.getToken()).toBe(own);
    expect(server.tokenRequests).toBe(1);
    expect(server.requests[PATHS.stableToken]).toBe(1);
  });

  it('a rejected token (40001) is refreshed by the existing service once, then replayed', async () => {
    const tokens = moduleRef.get(WechatTokenService, { strict: false });
    const material = moduleRef.get(MaterialService, { strict: false });
    const first = await tokens.getToken();
    server.expireToken();

    const page = await material.batchGetMaterial({ type: 'image', offset: 0, count: 20 });
    expect(page.item_count).toBe(2);
    expect(server.tokenRequests).toBe(2);
    expect(JSON.parse(server.lastBody(PATHS.stableToken)!)).toMatchObject({ force_refresh: true });
    expect(await tokens.getToken()).not.toBe(first); // the existing service holds the new one
  });
});
