import type { AxiosProxyConfig } from 'axios';
import type { Dispatcher } from 'undici';
import type { AccessTokenProvider } from './token/access-token-provider.interface.js';
import type { TokenStore } from './token/token-store.interface.js';

/** One HTTP attempt to WeChat, as reported to `onCall`. Never holds a token, secret or query. */
export interface WechatCallEvent {
  /** Pathname, e.g. `/cgi-bin/material/batchget_material`. */
  path: string;
  /** The account the call was made for (undefined when a provider serves an unnamed account). */
  appId?: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  durationMs: number;
  outcome: 'ok' | 'errcode' | 'transport';
  errcode?: number;
  rid?: string;
  /** HTTP status, when an answer came back. */
  status?: number;
  /** True when another attempt follows this one. */
  retried: boolean;
}

export interface WechatRetryOptions {
  /** Retries after the first try (at most attempts + 1 requests). Default 2. */
  attempts?: number;
  /** First backoff delay in ms. Default 200. */
  baseDelayMs?: number;
  /** Cap for one backoff delay in ms. Default 2000. */
  maxDelayMs?: number;
}

export interface WechatHttpOptions {
  /**
   * A forward proxy for every request (`{ protocol?, host, port, auth? }` or a URL such as
   * `http://user:pass@proxy:3128`): a CONNECT tunnel for an https `baseUrl`, absolute-form
   * for an http one. Absent: `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` are honoured with undici's
   * `EnvHttpProxyAgent` semantics. `false`: no proxy, whatever the environment says.
   */
  proxy?: AxiosProxyConfig | string | false;
  /** An undici dispatcher of your own (TLS, pool sizes, a mock); the module never closes it. */
  dispatcher?: Dispatcher;
}

/** Options of `WechatMaterialModule.forRoot()` / `forRootAsync()`. */
export interface WechatMaterialModuleOptions {
  /** AppID of the Official Account; required unless `accessTokenProvider` is given. */
  appId?: string;
  /** AppSecret; required unless `accessTokenProvider` is given. Never logged. */
  appSecret?: string;
  /** Replaces the built-in token fetch (third-party authorizer tokens, Cloud Hosting). */
  accessTokenProvider?: AccessTokenProvider;
  /** Default `'stable'` (`/cgi-bin/stable_token`). */
  tokenEndpoint?: 'stable' | 'classic';
  /** Where fetched tokens are kept. Default: in-memory. */
  tokenStore?: TokenStore;
  /** Refresh this long before expiry (never more than half of `expires_in`). Default 300. */
  refreshMarginSeconds?: number;
  /** Default `'https://api.weixin.qq.com'`. */
  baseUrl?: string;
  /** Deadline for each HTTP attempt as a whole. Default 10000. */
  timeoutMs?: number;
  /** Retries for errcode -1, HTTP 5xx, connection errors and timeouts only. */
  retry?: WechatRetryOptions;
  /** errcode → HTTP status, replacing single entries of the filter's table. */
  errorStatusOverrides?: Record<number, number>;
  /** More accounts served by `MaterialService.forAccount(appId)`. */
  accounts?: Record<string, { appSecret: string }>;
  /** Called once per HTTP attempt to WeChat. Errors it throws are caught and logged once. */
  onCall?: (e: WechatCallEvent) => void;
  /** Log calls through Nest's Logger: `true` all, `'errors'` (default) failures only, `false` none. */
  logCalls?: boolean | 'errors';
  /** How long a token-endpoint error no retry can fix is rethrown without a request. Default 2000. */
  tokenErrorCooldownMs?: number;
  /** Outgoing HTTP settings. */
  http?: WechatHttpOptions;
  /**
   * Deadline of one upload attempt (instead of `timeoutMs`), and the longest pause between
   * two chunks of a download body once its headers arrived. Default 60000.
   */
  transferTimeoutMs?: number;
}

/** Options after defaults and validation (internal). */
export interface ResolvedWechatOptions {
  readonly appId?: string;
  readonly appSecret?: string;
  readonly accessTokenProvider?: AccessTokenProvider;
  readonly tokenEndpoint: 'stable' | 'classic';
  readonly tokenStore?: TokenStore;
  readonly refreshMarginSeconds: number;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retry: Readonly<Required<WechatRetryOptions>>;
  readonly errorStatusOverrides: Readonly<Record<number, number>>;
  readonly accounts: Readonly<Record<string, { readonly appSecret: string }>>;
  readonly onCall?: (e: WechatCallEvent) => void;
  readonly logCalls: boolean | 'errors';
  readonly tokenErrorCooldownMs: number;
  readonly http: Readonly<WechatHttpOptions>;
  readonly transferTimeoutMs: number;
}
