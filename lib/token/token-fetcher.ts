import { PATHS } from '../wechat-material.constants.js';
import type { WechatHttpClient } from '../http/wechat-http.client.js';

/** What a token endpoint gave back. */
export interface FetchedToken {
  token: string;
  /** WeChat's `expires_in`: the remaining lifetime in seconds (stable tokens: as low as 300). */
  expiresInSeconds: number;
}

export interface TokenFetchRequest {
  appId: string;
  appSecret: string;
  forceRefresh: boolean;
}

export interface TokenFetcher {
  readonly path: string;
  fetch(req: TokenFetchRequest): Promise<FetchedToken>;
}

const isTokenAnswer = (b: Record<string, unknown>): boolean =>
  typeof b.access_token === 'string' && b.access_token !== '' && Number(b.expires_in) > 0;

const toFetched = (b: Record<string, unknown>): FetchedToken => ({
  token: b.access_token as string,
  expiresInSeconds: Number(b.expires_in),
});

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
      body: { grant_type: 'client_credential', appid: appId, secret: appSecret, force_refresh: forceRefresh },
      secrets: [appSecret],
      accept: isTokenAnswer,
    });
    return toFetched(body);
  }
}

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
