import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  MaterialService,
  WechatMaterialModule,
  type WechatCallEvent,
  type WechatMaterialModuleOptions,
} from '../../lib/index.js';
import { CapturingLogger } from './capturing-logger.js';
import { FAST_OPTIONS } from './create-test-module.js';
import { UploadServer } from './upload-server.js';

export interface MediaModules {
  server: UploadServer;
  /** Every call event of every module made here; emptied before each test. */
  events: WechatCallEvent[];
  /** A MaterialService pointed at `server`, closed after the describe's tests. */
  material(overrides?: WechatMaterialModuleOptions): Promise<MaterialService>;
}

/**
 * An UploadServer for the enclosing describe (started before its tests, reset before each,
 * stopped after them) and MaterialServices pointed at it.
 */
export function useMediaModules(): MediaModules {
  const server = new UploadServer();
  let baseUrl = '';
  const modules: TestingModule[] = [];
  const events: WechatCallEvent[] = [];

  async function material(overrides: WechatMaterialModuleOptions = {}): Promise<MaterialService> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WechatMaterialModule.forRoot({
          ...FAST_OPTIONS,
          baseUrl,
          onCall: (e) => events.push(e),
          ...overrides,
        }),
      ],
    })
      .setLogger(new CapturingLogger())
      .compile();
    modules.push(moduleRef);
    return moduleRef.get(MaterialService);
  }

  beforeAll(async () => {
    baseUrl = await server.start();
  });

  afterAll(async () => {
    for (const ref of modules) await ref.close();
    await server.stop();
  });

  beforeEach(() => {
    server.reset();
    events.length = 0;
  });

  return { server, events, material };
}
