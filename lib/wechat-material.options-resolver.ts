import { WECHAT_MATERIAL_DEFAULTS as DEFAULTS } from './wechat-material.constants.js';
import { WechatConfigurationException } from './errors/wechat-configuration.exception.js';
import { invalidOptionsMessage, OPTION_HINTS as HINT } from './errors/messages.js';
import { isIntIn, isNonEmptyString, isPositiveFinite, Problems } from './shared/validate.js';
import type { AxiosProxyConfig } from 'axios';
import type { Dispatcher } from 'undici';
import type {
  ResolvedWechatOptions as Resolved,
  WechatHttpOptions,
  WechatMaterialModuleOptions as Options,
} from './wechat-material.options.js';

const isObject = (v: unknown): v is object => v !== null && typeof v === 'object';
const isNonNegativeInt = (v: unknown): v is number => isIntIn(v, 0, Number.POSITIVE_INFINITY);

/**
 * Applies defaults and checks every field at once, so a bad configuration fails at
 * bootstrap with one message naming every field to fix. Values are never echoed: a secret
 * typed into the wrong field must not end up in a log. One function per group of options.
 */
export function resolveWechatOptions(input: Options | undefined | null): Resolved {
  const o: Options = isObject(input) ? input : {};
  const problems = new Problems();
  const resolved: Resolved = {
    ...resolveCredentials(o, problems),
    ...resolveTokenOptions(o, problems),
    ...resolveEndpoint(o, problems),
    ...resolveRetry(o, problems),
    ...resolveErrorMap(o, problems),
    ...resolveAccounts(o, problems),
    ...resolveHooks(o, problems),
    ...resolveHttp(o, problems),
  };
  if (!problems.empty) {
    throw new WechatConfigurationException(invalidOptionsMessage(problems.list), problems.fields);
  }
  return Object.freeze(resolved);
}

/** appId + appSecret, or an accessTokenProvider. */
function resolveCredentials(
  o: Options,
  problems: Problems,
): Pick<Resolved, 'appId' | 'appSecret' | 'accessTokenProvider'> {
  const provider = o.accessTokenProvider;
  problems.check(
    provider === undefined || (provider !== null && typeof provider.getAccessToken === 'function'),
    'accessTokenProvider',
    HINT.accessTokenProvider,
  );
  if (!provider) {
    problems
      .check(isNonEmptyString(o.appId), 'appId', HINT.credentialMissing)
      .check(isNonEmptyString(o.appSecret), 'appSecret', HINT.credentialMissing);
  } else {
    problems.check(
      o.appId === undefined || isNonEmptyString(o.appId),
      'appId',
      HINT.nonEmptyString,
    );
  }
  return { appId: o.appId, appSecret: o.appSecret, accessTokenProvider: provider };
}

function resolveTokenOptions(
  o: Options,
  problems: Problems,
): Pick<
  Resolved,
  'tokenEndpoint' | 'tokenStore' | 'refreshMarginSeconds' | 'tokenErrorCooldownMs'
> {
  const store = o.tokenStore;
  const endpoint = o.tokenEndpoint;
  problems
    .check(
      endpoint === undefined || endpoint === 'stable' || endpoint === 'classic',
      'tokenEndpoint',
      HINT.tokenEndpoint,
    )
    .check(store === undefined || isTokenStore(store), 'tokenStore', HINT.tokenStore)
    .check(
      o.refreshMarginSeconds === undefined || isNonNegativeInt(o.refreshMarginSeconds),
      'refreshMarginSeconds',
      HINT.nonNegativeInt,
    )
    .check(
      o.tokenErrorCooldownMs === undefined || isNonNegativeInt(o.tokenErrorCooldownMs),
      'tokenErrorCooldownMs',
      HINT.nonNegativeInt,
    );
  return {
    tokenEndpoint: endpoint ?? DEFAULTS.tokenEndpoint,
    tokenStore: store,
    refreshMarginSeconds: o.refreshMarginSeconds ?? DEFAULTS.refreshMarginSeconds,
    tokenErrorCooldownMs: o.tokenErrorCooldownMs ?? DEFAULTS.tokenErrorCooldownMs,
  };
}

const isTokenStore = (s: unknown): boolean =>
  s !== null &&
  ['get', 'set', 'delete'].every((m) => typeof (s as Record<string, unknown>)[m] === 'function');

/** Where WeChat is, and how long one attempt may take. */
function resolveEndpoint(
  o: Options,
  problems: Problems,
): Pick<Resolved, 'baseUrl' | 'timeoutMs' | 'transferTimeoutMs'> {
  const positiveMs = (v: unknown) => v === undefined || isPositiveFinite(v);
  problems
    .check(positiveMs(o.timeoutMs), 'timeoutMs', HINT.positiveMs)
    .check(positiveMs(o.transferTimeoutMs), 'transferTimeoutMs', HINT.positiveMs);
  return {
    baseUrl: o.baseUrl === undefined ? DEFAULTS.baseUrl : resolveBaseUrl(o.baseUrl, problems),
    timeoutMs: o.timeoutMs ?? DEFAULTS.timeoutMs,
    transferTimeoutMs: o.transferTimeoutMs ?? DEFAULTS.transferTimeoutMs,
  };
}

/** An http(s) origin (and path), without a trailing slash. */
function resolveBaseUrl(value: unknown, problems: Problems): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    problems.add('baseUrl', HINT.baseUrl);
  } else if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    problems.add('baseUrl', HINT.baseUrlParts);
  } else {
    return parsed.href.replace(/\/+$/, '');
  }
  return DEFAULTS.baseUrl;
}

function resolveRetry(o: Options, problems: Problems): Pick<Resolved, 'retry'> {
  const retry = o.retry === undefined ? {} : o.retry;
  const nonNegative = (v: unknown) => v === undefined || isNonNegativeInt(v);
  if (!isObject(retry)) {
    problems.add('retry', HINT.retry);
    return { retry: DEFAULTS.retry };
  }
  problems
    .optionalInt('retry.attempts', retry.attempts, 0, 10, HINT.retryAttempts)
    .check(nonNegative(retry.baseDelayMs), 'retry.baseDelayMs', HINT.nonNegativeInt)
    .check(nonNegative(retry.maxDelayMs), 'retry.maxDelayMs', HINT.nonNegativeInt);
  const { attempts, baseDelayMs, maxDelayMs } = DEFAULTS.retry;
  return {
    retry: Object.freeze({
      attempts: retry.attempts ?? attempts,
      baseDelayMs: retry.baseDelayMs ?? baseDelayMs,
      maxDelayMs: retry.maxDelayMs ?? maxDelayMs,
    }),
  };
}

function resolveErrorMap(o: Options, problems: Problems): Pick<Resolved, 'errorStatusOverrides'> {
  const overrides = o.errorStatusOverrides ?? {};
  if (!isObject(overrides)) {
    problems.add('errorStatusOverrides', HINT.errorStatusOverrides);
  } else {
    const wrong = Object.entries(overrides).some(
      ([code, status]) => !/^-?\d+$/.test(code) || !isIntIn(status, 400, 599),
    );
    problems.check(!wrong, 'errorStatusOverrides', HINT.errorStatusOverridesEntry);
  }
  return { errorStatusOverrides: Object.freeze({ ...overrides }) };
}

/** More accounts for `forAccount(appId)`. */
function resolveAccounts(o: Options, problems: Problems): Pick<Resolved, 'accounts'> {
  const accounts = o.accounts ?? {};
  if (!isObject(accounts)) {
    problems.add('accounts', HINT.accounts);
  } else {
    for (const [appId, cred] of Object.entries(accounts)) {
      // The appId is not secret and tells the user which entry to fix.
      problems.check(
        appId.trim() !== '' && isObject(cred) && isNonEmptyString(cred.appSecret),
        `accounts.${appId}.appSecret`,
        HINT.accountSecret,
      );
    }
  }
  return { accounts: Object.freeze({ ...accounts }) };
}

/** What the module reports about each call. */
function resolveHooks(o: Options, problems: Problems): Pick<Resolved, 'onCall' | 'logCalls'> {
  problems
    .check(o.onCall === undefined || typeof o.onCall === 'function', 'onCall', HINT.onCall)
    .check(
      o.logCalls === undefined || typeof o.logCalls === 'boolean' || o.logCalls === 'errors',
      'logCalls',
      HINT.logCalls,
    );
  return { onCall: o.onCall, logCalls: o.logCalls ?? DEFAULTS.logCalls };
}

/**
 * Outgoing HTTP settings (the transport): a proxy, or a dispatcher of the user's own, never
 * both. A proxy URL holds credentials, so no hint repeats it.
 */
function resolveHttp(o: Options, problems: Problems): Pick<Resolved, 'http'> {
  // 0.x read them from `http`; a top-level one is refused the same way, not silently ignored.
  for (const gone of ['httpAgent', 'httpsAgent']) {
    problems.check((o as Record<string, unknown>)[gone] === undefined, gone, HINT.httpAgentGone);
  }
  if (o.http === undefined) return { http: Object.freeze({}) };
  if (!isObject(o.http)) {
    problems.add('http', HINT.http);
    return { http: Object.freeze({}) };
  }
  const http = o.http as WechatHttpOptions & Record<string, unknown>;
  for (const gone of ['httpAgent', 'httpsAgent']) {
    problems.check(http[gone] === undefined, `http.${gone}`, HINT.httpAgentGone);
  }
  const { proxy, dispatcher } = http;
  problems
    .check(isProxy(proxy), 'http.proxy', HINT.httpProxy)
    .check(
      dispatcher === undefined ||
        (isObject(dispatcher) && typeof (dispatcher as Dispatcher).dispatch === 'function'),
      'http.dispatcher',
      HINT.httpDispatcher,
    );
  if (proxy !== undefined && dispatcher !== undefined) {
    problems.add('http.proxy', HINT.httpProxyAndDispatcher);
    problems.add('http.dispatcher', HINT.httpProxyAndDispatcher);
  }
  return { http: Object.freeze({ proxy, dispatcher }) };
}

/** false, an http(s) URL, or `{ protocol?, host, port, auth? }` as axios takes it. */
function isProxy(v: unknown): boolean {
  if (v === undefined || v === false) return true;
  if (typeof v === 'string') {
    try {
      const url = new URL(v);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }
  if (!isObject(v)) return false;
  const p = v as AxiosProxyConfig;
  const auth = p.auth as Partial<NonNullable<AxiosProxyConfig['auth']>> | null | undefined;
  return (
    isNonEmptyString(p.host) &&
    isIntIn(p.port, 1, 65535) &&
    (p.protocol === undefined || /^https?:?$/.test(p.protocol)) &&
    (auth === undefined ||
      (isObject(auth) && typeof auth.username === 'string' && typeof auth.password === 'string'))
  );
}
