import type { AccessTokenService } from '../token/access-token.service.js';
import type { WechatHttpClient } from '../http/wechat-http.client.js';

export interface CallOptions {
  /** Shape check for a successful answer; failing it is a `bad_response`. */
  accept?: (body: Record<string, unknown>) => boolean;
  /** Keys whose bare JSON numbers are read as strings (ids past 2^53). */
  stringFields?: readonly string[];
  signal?: AbortSignal;
}

/** One account's JSON calls: a token (replayed once after a rejection), then the request. */
export class AccountCaller {
  constructor(
    readonly appId: string | undefined,
    private readonly tokens: AccessTokenService,
    private readonly http: WechatHttpClient,
  ) {}

  post(path: string, body: unknown, opts: CallOptions = {}): Promise<Record<string, unknown>> {
    return this.tokens.withToken(this.appId, (accessToken) =>
      this.http.request({ path, method: 'POST', appId: this.appId, accessToken, body, ...opts }),
    );
  }

  get(path: string, opts: CallOptions = {}): Promise<Record<string, unknown>> {
    return this.tokens.withToken(this.appId, (accessToken) =>
      this.http.request({ path, method: 'GET', appId: this.appId, accessToken, ...opts }),
    );
  }
}
