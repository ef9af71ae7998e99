import { TerminusModule } from '@nestjs/terminus';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AccessTokenService,
  MaterialService,
  WechatMaterialModule,
  type WechatMaterialModuleOptions,
} from '../../lib/index.js';
import { WechatHealthIndicator } from '../../lib/terminus/index.js';
import { FakeWechatServer, type FakeWechatServerOptions } from '../../lib/testing/index.js';
import { FAST_OPTIONS } from './create-test-module.js';
import { CapturingLogger } from './capturing-logger.js';
import { FAKE_ACCOUNTS } from './constants.js';

export interface HealthTestModule {
  server: FakeWechatServer;
  health: WechatHealthIndicator;
  tokens: AccessTokenService;
  material: MaterialService;
  moduleRef: TestingModule;
  close(): Promise<void>;
}

/**
 * A user's module as the README shows it: TerminusModule + WechatMaterialModule.forRoot()
 * imported, WechatHealthIndicator provided, against a FakeWechatServer on 127.0.0.1:0.
 */
export async function createHealthModule(
  overrides: WechatMaterialModuleOptions = {},
  serverOptions: FakeWechatServerOptions = {},
): Promise<HealthTestModule> {
  const server = new FakeWechatServer({ accounts: FAKE_ACCOUNTS, ...serverOptions });
  const { baseUrl } = await server.start();
  let moduleRef: TestingModule;
  try {
    moduleRef = await Test.createTestingModule({
      imports: [
        TerminusModule,
        WechatMaterialModule.forRoot({ ...FAST_OPTIONS, baseUrl, ...overrides }),
      ],
      providers: [WechatHealthIndicator],
    })
      .setLogger(new CapturingLogger())
      .compile();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    server,
    moduleRef,
    health: moduleRef.get(WechatHealthIndicator),
    tokens: moduleRef.get(AccessTokenService),
    material: moduleRef.get(MaterialService),
    async close() {
      await moduleRef.close();
      await server.stop();
    },
  };
}
