import { Test, type TestingModule } from '@nestjs/testing';
import {
  AccessTokenService,
  MaterialService,
  QuotaService,
  WechatExceptionFilter,
  WechatMaterialModule,
  type WechatMaterialModuleOptions,
} from '../../lib/index.js';
import { FakeWechatServer, type FakeWechatServerOptions } from '../../lib/testing/index.js';
import { CapturingLogger } from './capturing-logger.js';
import { APP_ID, APP_SECRET, FAKE_ACCOUNTS } from './constants.js';

export interface TestModule {
  server: FakeWechatServer;
  baseUrl: string;
  moduleRef: TestingModule;
  material: MaterialService;
  tokens: AccessTokenService;
  quota: QuotaService;
  filter: WechatExceptionFilter;
  logger: CapturingLogger;
  /** Closes the module, then stops the fake. Idempotent enough for afterEach + a test's own call. */
  close(): Promise<void>;
}

/**
 * Test defaults: tiny backoff so retry paths stay quick, and a generous deadline so a busy CI
 * machine never turns a slow answer into a retry (tests of timeouts set `timeoutMs` themselves).
 */
export const FAST_OPTIONS: WechatMaterialModuleOptions = {
  appId: APP_ID,
  appSecret: APP_SECRET,
  timeoutMs: 10_000,
  retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
};

/**
 * Starts a FakeWechatServer on 127.0.0.1:0 and compiles `WechatMaterialModule.forRoot()`
 * pointed at it. `overrides` replace single options (baseUrl included).
 */
export async function createTestModule(
  overrides: WechatMaterialModuleOptions = {},
  serverOptions: FakeWechatServerOptions = {},
): Promise<TestModule> {
  const server = new FakeWechatServer({ accounts: FAKE_ACCOUNTS, ...serverOptions });
  const { baseUrl } = await server.start();
  const logger = new CapturingLogger();
  let moduleRef: TestingModule;
  try {
    moduleRef = await Test.createTestingModule({
      imports: [WechatMaterialModule.forRoot({ ...FAST_OPTIONS, baseUrl, ...overrides })],
    })
      .setLogger(logger)
      .compile();
  } catch (err) {
    await server.stop();
    throw err;
  }
  let closed = false;
  return {
    server,
    baseUrl,
    moduleRef,
    material: moduleRef.get(MaterialService),
    tokens: moduleRef.get(AccessTokenService),
    quota: moduleRef.get(QuotaService),
    filter: moduleRef.get(WechatExceptionFilter),
    logger,
    async close() {
      if (closed) return;
      closed = true;
      await moduleRef.close();
      await server.stop();
    },
  };
}
