import { PATHS } from '../wechat-material.constants.js';
import type { WechatHttpClient } from '../http/wechat-http.client.js';
import {
  isTokenAnswer,
  toFetched,
  type FetchedToken,
  type TokenFetcher,
  type TokenFetchRequest,
} from './token-fetcher.js';

/** `GET /cgi-bin/token`: every fetch mints a new token (the old one lives 5 more minutes). */
export class ClassicTokenFetcher implements TokenFetcher {
  readonly path = PATHS.classicToken;

  constructor(private readonly http: WechatHttpClient) {}

  async fetch({ appId, appSecret }: TokenFetchRequest): Promise<FetchedToken> {
    const body = await this.http.request({
      path: this.path,
      method: 'GET',
      appId,
      query: { grant_type: 'client_credential', appid: appId, secret: appSecret },
      secrets: [appSecret],
      accept: isTokenAnswer,
    });
    return toFetched(body);
  }
}
