import { WechatConfigurationException } from '../errors/wechat-configuration.exception.js';
import { invalidAppIdMessage } from '../errors/messages.js';
import type { AccessTokenService } from './access-token.service.js';

/**
 * What every service's `forAccount(appId)` does: a blank or unknown appId throws
 * WechatConfigurationException at once (no request); the configured appId gets the service's
 * own client, any other a new one. Clients are stateless (tokens live in AccessTokenService),
 * so a new one is cheap.
 */
export function clientForAccount<C>(
  appId: string,
  tokens: AccessTokenService,
  main: { appId: string | undefined; client: C },
  create: (appId: string) => C,
): C {
  if (typeof appId !== 'string' || appId.trim() === '') {
    throw new WechatConfigurationException(invalidAppIdMessage(), ['appId']);
  }
  tokens.assertKnownAccount(appId);
  return appId === main.appId ? main.client : create(appId);
}
