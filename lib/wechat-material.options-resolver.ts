import { DEFAULT_BASE_URL } from './wechat-material.constants.js';
import { WechatConfigurationException } from './errors/wechat-configuration.exception.js';
import { invalidOptionsMessage } from './errors/messages.js';
import type {
  ResolvedWechatOptions,
  WechatMaterialModuleOptions,
} from './wechat-material.options.js';

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isPositiveFinite = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v > 0;
const isNonNegativeInt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Applies defaults and checks every field at once, so a bad configuration fails at
 * bootstrap with one message naming every field to fix. Values are never echoed:
 * a secret typed into the wrong field must not end up in a log.
 */
export function resolveWechatOptions(
  input: WechatMaterialModuleOptions | undefined | null,
): ResolvedWechatOptions {
  const o: WechatMaterialModuleOptions =
    input && typeof input === 'object' ? input : ({} as WechatMaterialModuleOptions);
  const problems: { field: string; hint: string }[] = [];
  const bad = (field: string, hint: string) => problems.push({ field, hint });

  const provider = o.accessTokenProvider;
  if (
    provider !== undefined &&
    (provider === null || typeof provider.getAccessToken !== 'function')
  ) {
    bad(
      'accessTokenProvider',
      'must be an object with a getAccessToken({ appId, forceRefresh }) method',
    );
  }
  if (!provider) {
    if (!isNonEmptyString(o.appId)) {
      bad('appId', 'is missing: set appId and appSecret, or pass accessTokenProvider');
    }
    if (!isNonEmptyString(o.appSecret)) {
      bad('appSecret', 'is missing: set appId and appSecret, or pass accessTokenProvider');
    }
  } else {
    if (o.appId !== undefined && !isNonEmptyString(o.appId))
      bad('appId', 'must be a non-empty string');
  }
  if (
    o.tokenEndpoint !== undefined &&
    o.tokenEndpoint !== 'stable' &&
    o.tokenEndpoint !== 'classic'
  ) {
    bad('tokenEndpoint', "must be 'stable' or 'classic'");
  }
  const store = o.tokenStore;
  if (
    store !== undefined &&
    (store === null ||
      typeof store.get !== 'function' ||
      typeof store.set !== 'function' ||
      typeof store.delete !== 'function')
  ) {
    bad('tokenStore', 'must implement get, set and delete (see TokenStore)');
  }
  if (o.refreshMarginSeconds !== undefined && !isNonNegativeInt(o.refreshMarginSeconds)) {
    bad('refreshMarginSeconds', 'must be an integer >= 0');
  }
  let baseUrl = DEFAULT_BASE_URL;
  if (o.baseUrl !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = typeof o.baseUrl === 'string' ? new URL(o.baseUrl) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      bad('baseUrl', 'must be an http(s) URL such as https://api.weixin.qq.com');
    } else if (parsed.search || parsed.hash || parsed.username || parsed.password) {
      bad('baseUrl', 'must not carry a query, a fragment or credentials');
    } else {
      baseUrl = parsed.href.replace(/\/+$/, '');
    }
  }
  if (o.timeoutMs !== undefined && !isPositiveFinite(o.timeoutMs)) {
    bad('timeoutMs', 'must be a positive number of milliseconds');
  }
  if (o.transferTimeoutMs !== undefined && !isPositiveFinite(o.transferTimeoutMs)) {
    bad('transferTimeoutMs', 'must be a positive number of milliseconds');
  }
  const retry = o.retry ?? {};
  if (o.retry !== undefined && (o.retry === null || typeof o.retry !== 'object')) {
    bad('retry', 'must be an object { attempts, baseDelayMs, maxDelayMs }');
  } else {
    if (
      retry.attempts !== undefined &&
      !(isNonNegativeInt(retry.attempts) && retry.attempts <= 10)
    ) {
      bad('retry.attempts', 'must be an integer from 0 to 10');
    }
    if (retry.baseDelayMs !== undefined && !isNonNegativeInt(retry.baseDelayMs)) {
      bad('retry.baseDelayMs', 'must be an integer >= 0');
    }
    if (retry.maxDelayMs !== undefined && !isNonNegativeInt(retry.maxDelayMs)) {
      bad('retry.maxDelayMs', 'must be an integer >= 0');
    }
  }
  const overrides = o.errorStatusOverrides ?? {};
  if (o.errorStatusOverrides !== undefined) {
    if (overrides === null || typeof overrides !== 'object') {
      bad('errorStatusOverrides', 'must map errcodes to HTTP statuses, e.g. { 40007: 410 }');
    } else {
      for (const [code, status] of Object.entries(overrides)) {
        if (
          !/^-?\d+$/.test(code) ||
          !(Number.isInteger(status) && status >= 400 && status <= 599)
        ) {
          bad(`errorStatusOverrides`, 'keys must be errcodes and values HTTP statuses 400..599');
          break;
        }
      }
    }
  }
  const accounts = o.accounts ?? {};
  if (o.accounts !== undefined) {
    if (accounts === null || typeof accounts !== 'object') {
      bad('accounts', 'must map appIds to { appSecret }');
    } else {
      for (const [appId, cred] of Object.entries(accounts)) {
        if (!appId.trim() || !cred || !isNonEmptyString(cred.appSecret)) {
          // The appId is not secret and tells the user which entry to fix.
          bad(`accounts.${appId}.appSecret`, 'is missing: every account needs { appSecret }');
        }
      }
    }
  }
  if (o.onCall !== undefined && typeof o.onCall !== 'function') bad('onCall', 'must be a function');
  if (o.logCalls !== undefined && typeof o.logCalls !== 'boolean' && o.logCalls !== 'errors') {
    bad('logCalls', "must be true, false or 'errors'");
  }
  if (o.tokenErrorCooldownMs !== undefined && !isNonNegativeInt(o.tokenErrorCooldownMs)) {
    bad('tokenErrorCooldownMs', 'must be an integer >= 0');
  }
  if (o.http !== undefined && (o.http === null || typeof o.http !== 'object')) {
    bad('http', 'must be an object { proxy, httpAgent, httpsAgent }');
  }

  if (problems.length > 0) {
    throw new WechatConfigurationException(
      invalidOptionsMessage(problems),
      problems.map((p) => p.field),
    );
  }

  return Object.freeze({
    appId: o.appId,
    appSecret: o.appSecret,
    accessTokenProvider: provider,
    tokenEndpoint: o.tokenEndpoint ?? 'stable',
    tokenStore: store,
    refreshMarginSeconds: o.refreshMarginSeconds ?? 300,
    baseUrl,
    timeoutMs: o.timeoutMs ?? 10_000,
    transferTimeoutMs: o.transferTimeoutMs ?? 60_000,
    retry: Object.freeze({
      attempts: retry.attempts ?? 2,
      baseDelayMs: retry.baseDelayMs ?? 200,
      maxDelayMs: retry.maxDelayMs ?? 2000,
    }),
    errorStatusOverrides: Object.freeze({ ...overrides }),
    accounts: Object.freeze({ ...accounts }),
    onCall: o.onCall,
    logCalls: o.logCalls ?? 'errors',
    tokenErrorCooldownMs: o.tokenErrorCooldownMs ?? 2000,
    http: Object.freeze({ ...(o.http ?? {}) }),
  });
}
