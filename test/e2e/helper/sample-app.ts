import type { INestApplication, LoggerService } from '@nestjs/common';
import type { WechatCallEvent, WechatMaterialModuleOptions } from '../../../lib/index.js';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { type AdapterName, createAdapter, createApp } from '../../../sample-app/src/create-app.js';
import { PATHS } from '../../helpers/constants.js';

export const ADAPTERS: AdapterName[] = ['express', 'fastify'];

export interface SampleAppUnderTest {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
  fake: FakeWechatServer;
  /** Called on every WeChat attempt (the module's `onCall`), settable per test. */
  onCall?: (e: WechatCallEvent) => void;
  close(): Promise<void>;
}

/**
 * The sample app on a real port (127.0.0.1:0) in front of a FakeWechatServer, with short
 * retries so fault tests stay fast. `close()` stops both.
 */
export async function startSampleApp(
  adapter: AdapterName,
  opts: {
    fake?: FakeWechatServer;
    wechat?: Partial<WechatMaterialModuleOptions>;
    logger?: LoggerService;
  } = {},
): Promise<SampleAppUnderTest> {
  const fake = opts.fake ?? new FakeWechatServer();
  const handle = { fake } as SampleAppUnderTest;
  const app = await createApp(createAdapter(adapter), {
    fake,
    logger: opts.logger ?? false,
    wechat: {
      logCalls: false,
      timeoutMs: 2000,
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      onCall: (e) => handle.onCall?.(e),
      ...opts.wechat,
    },
  });
  await app.listen(0, '127.0.0.1');
  handle.app = app;
  handle.url = await app.getUrl();
  handle.close = async () => {
    await app.close();
    await fake.stop();
  };
  return handle;
}

/** The NDJSON lines of a body, parsed. */
export function ndjson(body: string): Record<string, unknown>[] {
  return body
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** What the fake itself answers for a page, with a token of its own (no app involved). */
export async function fakePage(
  fake: FakeWechatServer,
  q: { type: string; offset: number; count: number },
): Promise<unknown> {
  const { baseUrl } = await fake.start();
  const res = await fetch(`${baseUrl}${PATHS.batchGet}?access_token=${fake.issueToken()}`, {
    method: 'POST',
    body: JSON.stringify(q),
  });
  return JSON.parse(await res.text());
}
