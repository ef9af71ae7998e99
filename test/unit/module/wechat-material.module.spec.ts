import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AccessTokenService,
  MaterialService,
  QuotaService,
  WECHAT_MATERIAL_OPTIONS,
  WechatExceptionFilter,
  WechatMaterialModule,
  type WechatMaterialModuleOptions,
  type WechatMaterialOptionsFactory,
} from '../../../lib/index.js';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { APP_ID, APP_SECRET, FAKE_ACCOUNTS, PATHS } from '../../helpers/constants.js';
import { sleep } from '../../helpers/wait.js';

let server: FakeWechatServer;
let baseUrl: string;

/** What every registration style should end up with: a working MaterialService. */
async function expectWorkingMaterialService(moduleRef: TestingModule): Promise<void> {
  const material = moduleRef.get(MaterialService);
  const before = server.requests[PATHS.count] ?? 0;
  await expect(material.getMaterialCount()).resolves.toEqual({
    voice_count: 2,
    video_count: 2,
    image_count: 4,
    news_count: 2,
  });
  expect(server.requests[PATHS.count]).toBe(before + 1);
}

@Injectable()
class OptionsFactory implements WechatMaterialOptionsFactory {
  calls = 0;
  createWechatMaterialOptions(): WechatMaterialModuleOptions {
    this.calls++;
    return { appId: APP_ID, appSecret: APP_SECRET, baseUrl };
  }
}

@Module({ providers: [OptionsFactory], exports: [OptionsFactory] })
class OptionsModule {}

@Injectable()
class FeatureService {
  constructor(readonly material: MaterialService) {}
}

@Module({ providers: [FeatureService] })
class FeatureModule {}

describe('WechatMaterialModule registration', () => {
  let moduleRef: TestingModule | undefined;

  beforeAll(async () => {
    server = new FakeWechatServer({ accounts: FAKE_ACCOUNTS });
    ({ baseUrl } = await server.start());
  });

  afterAll(async () => {
    await server.stop();
  });

  beforeEach(() => {
    server.resetCounters();
  });

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  const compile = (imports: unknown[]): Promise<TestingModule> =>
    Test.createTestingModule({ imports: imports as never[] })
      .setLogger(new CapturingLogger())
      .compile();

  it('forRoot provides and exports MaterialService, AccessTokenService, QuotaService, the filter and the options token', async () => {
    const options = { appId: APP_ID, appSecret: APP_SECRET, baseUrl };
    moduleRef = await compile([WechatMaterialModule.forRoot(options)]);
    expect(moduleRef.get(MaterialService)).toBeInstanceOf(MaterialService);
    expect(moduleRef.get(AccessTokenService)).toBeInstanceOf(AccessTokenService);
    expect(moduleRef.get(QuotaService)).toBeInstanceOf(QuotaService);
    expect(moduleRef.get(WechatExceptionFilter)).toBeInstanceOf(WechatExceptionFilter);
    expect(moduleRef.get(WECHAT_MATERIAL_OPTIONS)).toEqual(options);
    await expectWorkingMaterialService(moduleRef);
    expect(server.tokenRequests).toBe(1);
  });

  it('forRootAsync with useFactory + inject + imports (ConfigModule/ConfigService)', async () => {
    moduleRef = await compile([
      WechatMaterialModule.forRootAsync({
        imports: [
          ConfigModule.forRoot({
            ignoreEnvFile: true,
            load: [() => ({ wechat: { appId: APP_ID, appSecret: APP_SECRET, baseUrl } })],
          }),
        ],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          appId: config.getOrThrow<string>('wechat.appId'),
          appSecret: config.getOrThrow<string>('wechat.appSecret'),
          baseUrl: config.getOrThrow<string>('wechat.baseUrl'),
          tokenEndpoint: 'classic',
        }),
      }),
    ]);
    await expectWorkingMaterialService(moduleRef);
    // The factory's options were used: classic token endpoint, not stable.
    expect(server.requests[PATHS.classicToken]).toBe(1);
    expect(server.requests[PATHS.stableToken]).toBeUndefined();
  });

  it('forRootAsync with an async useFactory', async () => {
    moduleRef = await compile([
      WechatMaterialModule.forRootAsync({
        useFactory: async () => {
          await sleep(5);
          return { appId: APP_ID, appSecret: APP_SECRET, baseUrl };
        },
      }),
    ]);
    await expectWorkingMaterialService(moduleRef);
  });

  it('forRootAsync with useClass (WechatMaterialOptionsFactory)', async () => {
    moduleRef = await compile([WechatMaterialModule.forRootAsync({ useClass: OptionsFactory })]);
    await expectWorkingMaterialService(moduleRef);
  });

  it('forRootAsync with useExisting reuses the factory another module exports', async () => {
    moduleRef = await compile([
      OptionsModule,
      WechatMaterialModule.forRootAsync({ imports: [OptionsModule], useExisting: OptionsFactory }),
    ]);
    await expectWorkingMaterialService(moduleRef);
    // One instance, created by OptionsModule, asked once.
    expect(moduleRef.get(OptionsFactory).calls).toBe(1);
  });

  it('isGlobal: a feature module injects MaterialService without importing the module', async () => {
    moduleRef = await compile([
      WechatMaterialModule.forRoot({
        appId: APP_ID,
        appSecret: APP_SECRET,
        baseUrl,
        isGlobal: true,
      }),
      FeatureModule,
    ]);
    const feature = moduleRef.get(FeatureService);
    expect(feature.material).toBe(moduleRef.get(MaterialService));
    await expectWorkingMaterialService(moduleRef);
  });

  it('isGlobal with forRootAsync', async () => {
    moduleRef = await compile([
      WechatMaterialModule.forRootAsync({
        isGlobal: true,
        useFactory: () => ({ appId: APP_ID, appSecret: APP_SECRET, baseUrl }),
      }),
      FeatureModule,
    ]);
    expect(moduleRef.get(FeatureService).material).toBeInstanceOf(MaterialService);
  });

  it('isGlobal is not passed on as an option, and the module is not global without it', async () => {
    await expect(
      compile([
        WechatMaterialModule.forRoot({ appId: APP_ID, appSecret: APP_SECRET, baseUrl }),
        FeatureModule,
      ]),
    ).rejects.toThrow(/MaterialService/);
    moduleRef = await compile([
      WechatMaterialModule.forRoot({
        appId: APP_ID,
        appSecret: APP_SECRET,
        baseUrl,
        isGlobal: true,
      }),
    ]);
    expect(moduleRef.get(WECHAT_MATERIAL_OPTIONS)).not.toHaveProperty('isGlobal');
  });

  it('overrideProvider(WECHAT_MATERIAL_OPTIONS).useValue() replaces the options', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        // Would never answer: port 9 (discard) on loopback is closed.
        WechatMaterialModule.forRoot({
          appId: 'wx_unused',
          appSecret: 'unused',
          baseUrl: 'http://127.0.0.1:9',
        }),
      ],
    })
      .overrideProvider(WECHAT_MATERIAL_OPTIONS)
      .useValue({ appId: APP_ID, appSecret: APP_SECRET, baseUrl, tokenEndpoint: 'classic' })
      .setLogger(new CapturingLogger())
      .compile();
    await expectWorkingMaterialService(moduleRef);
    expect(server.requests[PATHS.classicToken]).toBe(1);
  });

  it('overridden options are validated too', async () => {
    await expect(
      Test.createTestingModule({
        imports: [WechatMaterialModule.forRoot({ appId: APP_ID, appSecret: APP_SECRET, baseUrl })],
      })
        .overrideProvider(WECHAT_MATERIAL_OPTIONS)
        .useValue({ appId: APP_ID, appSecret: APP_SECRET, timeoutMs: -1 })
        .setLogger(new CapturingLogger())
        .compile(),
    ).rejects.toMatchObject({ name: 'WechatConfigurationException', fields: ['timeoutMs'] });
  });

  it('accessTokenProvider alone (no appId/appSecret) is a valid configuration', async () => {
    moduleRef = await compile([
      WechatMaterialModule.forRoot({
        baseUrl,
        accessTokenProvider: { getAccessToken: async () => server.issueToken(APP_ID) },
      }),
    ]);
    await expectWorkingMaterialService(moduleRef);
    expect(server.tokenRequests).toBe(0);
  });

  it('two modules in one process keep separate token caches', async () => {
    moduleRef = await compile([
      WechatMaterialModule.forRoot({ appId: APP_ID, appSecret: APP_SECRET, baseUrl }),
    ]);
    const other = await compile([
      WechatMaterialModule.forRoot({ appId: APP_ID, appSecret: APP_SECRET, baseUrl }),
    ]);
    try {
      await moduleRef.get(MaterialService).getMaterialCount();
      await other.get(MaterialService).getMaterialCount();
      expect(server.tokenRequests).toBe(2);
    } finally {
      await other.close();
    }
  });
});
