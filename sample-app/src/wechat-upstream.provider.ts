import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { FakeWechatServer } from '../../lib/testing/index.js';
import { SAMPLE_APP_OPTIONS, type SampleAppOptions } from './sample-app.options.js';

/** The account FakeWechatServer knows by default. */
export const FAKE_APP_ID = 'wx_fake_app';
export const FAKE_APP_SECRET = 'fake_secret';

export const WECHAT_UPSTREAM = Symbol('WECHAT_UPSTREAM');

/** How long the embedded fake's publish jobs stay `publishing`. */
export const EMBEDDED_PUBLISH_DELAY_MS = 2000;

/** Where the app sends its WeChat calls. */
export interface WechatUpstream {
  /** `wechat`: the real API with WECHAT_APP_ID/WECHAT_APP_SECRET; `fake`: a FakeWechatServer. */
  readonly mode: 'wechat' | 'fake';
  readonly appId: string;
  readonly appSecret: string;
  /** undefined = the library's default, https://api.weixin.qq.com */
  readonly baseUrl?: string;
  /** The fake, when the app started it itself (stopped on shutdown). */
  readonly ownedFake?: FakeWechatServer;
}

async function resolveUpstream(
  config: ConfigService,
  options: SampleAppOptions,
): Promise<WechatUpstream> {
  if (options.fake) {
    const { baseUrl } = await options.fake.start();
    return { mode: 'fake', appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, baseUrl };
  }
  const appId = config.get<string>('WECHAT_APP_ID')?.trim();
  const appSecret = config.get<string>('WECHAT_APP_SECRET')?.trim();
  if (appId && appSecret) {
    const baseUrl = config.get<string>('WECHAT_BASE_URL')?.trim() || undefined;
    return { mode: 'wechat', appId, appSecret, baseUrl };
  }
  // No credentials: an embedded fake with its realistic default library, so the app works
  // offline and without a WeChat account. Publish jobs stay `publishing` for 2 s (WeChat
  // takes seconds to minutes), long enough to see GET /publish-jobs/:id change state.
  const fake = new FakeWechatServer({ publishDelayMs: EMBEDDED_PUBLISH_DELAY_MS });
  const { baseUrl } = await fake.start();
  return { mode: 'fake', appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, baseUrl, ownedFake: fake };
}

export const wechatUpstreamProvider: Provider = {
  provide: WECHAT_UPSTREAM,
  useFactory: resolveUpstream,
  inject: [ConfigService, SAMPLE_APP_OPTIONS],
};

/** Stops the embedded fake when the app closes (SIGTERM/SIGINT or `app.close()`). */
@Injectable()
export class WechatUpstreamLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('SampleApp');

  constructor(@Inject(WECHAT_UPSTREAM) private readonly upstream: WechatUpstream) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.upstream.ownedFake) return;
    await this.upstream.ownedFake.stop();
    this.logger.log('Embedded FakeWechatServer stopped');
  }
}
