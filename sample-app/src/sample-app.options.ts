import type { LoggerService, LogLevel } from '@nestjs/common';
import type { WechatMaterialModuleOptions } from '../../lib/index.js';
import type { FakeWechatServer } from '../../lib/testing/index.js';

/** How tests (and anyone embedding the sample) tune the app; `npm start` passes none. */
export interface SampleAppOptions {
  /**
   * Talk to this fake (started if needed, left running on shutdown: the caller owns it)
   * instead of reading WECHAT_APP_ID / WECHAT_APP_SECRET. Uses its default account.
   */
  fake?: FakeWechatServer;
  /**
   * Merged over the module options the app builds from the environment; an `onCall` here is
   * called after the app's own metrics subscriber (GET /metrics), not instead of it.
   */
  wechat?: Partial<WechatMaterialModuleOptions>;
  /** Nest logger; `false` silences it. */
  logger?: LoggerService | LogLevel[] | false;
}

export const SAMPLE_APP_OPTIONS = Symbol('SAMPLE_APP_OPTIONS');
