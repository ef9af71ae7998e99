import { PATHS } from '../wechat-material.constants.js';
import type { WechatHttpClient } from '../http/wechat-http.client.js';
import {
  isTokenAnswer,
  toFetched,
  type FetchedToken,
  type TokenFetcher,
  type TokenFetchRequest,
} from './token-fetcher.js';

/** `POST /cgi-bin/stable_token`: the same token until it nears expiry; credentials in the body. */
export class StableTokenFetcher implements TokenFetcher {
  readonly path = PATHS.stableToken;

  constructor(private readonly http: WechatHttpClient) {}

  async fetch({ appId, appSecret, forceRefresh }: TokenFetchRequest): Promise<FetchedToken> {
    const body = await this.http.request({
      path: this.path,
      method: 'POST',
      appId,
      // appid in the query string gives 41002: everything goes in the body.
      body: {
        grant_type: 'client_credential',
        appid: appId,
        secret: appSecret,
        force_refresh: forceRefresh,
      },
      secrets: [appSecret],
      accept: isTokenAnswer,
    });
    return toFetched(body);
  }
}
