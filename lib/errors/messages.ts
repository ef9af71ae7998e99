/** Every user-facing message in one place (as @nestjs/terminus does). None echoes a value. */

export const apiErrorMessage = (errcode: number, path: string, errmsg: string): string =>
  `WeChat API error ${errcode} on ${path}: ${errmsg}`;

export const transportErrorMessage = (path: string, reason: string): string =>
  `WeChat request to ${path} failed: ${reason}`;

export const quotaHint = (path: string): string =>
  ` (daily quota reached: look it up with QuotaService.getQuota('${path}'), ` +
  `i.e. POST /cgi-bin/openapi/quota/get, and reset it in the WeChat admin console)`;

export const invalidOptionsMessage = (
  problems: readonly { field: string; hint: string }[],
): string =>
  `Invalid WechatMaterialModule options: ${problems.map((p) => `${p.field} ${p.hint}`).join('; ')}`;

export const unknownAccountMessage = (): string =>
  'forAccount(appId): this appId has no credentials: add it to the `accounts` option ' +
  '({ [appId]: { appSecret } }) or pass an `accessTokenProvider`';

// Media uploads and downloads (WechatValidationException: each message starts with the
// property it is about, as ValidationPipe's do; none echoes a filename or a path).

const sizeText = (bytes: number): string =>
  bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`;

export const mediaMessages = {
  type: (allowed: readonly string[]): string =>
    `type must be one of the following values: ${allowed.join(', ')}`,
  oneSource: (): string => 'file must have exactly one source: data, path or stream',
  fileObject: (): string =>
    'file must be an object { filename, data | path | stream, contentType? }',
  filename: (): string => 'file.filename must be a non-empty string without control characters',
  extension: (what: string, extensions: readonly string[]): string =>
    `file.filename must end with an extension allowed for ${what}: ${extensions.map((e) => `.${e}`).join(', ')}`,
  contentType: (): string =>
    'file.contentType must be a MIME type such as image/png (no line breaks or quotes)',
  sourceType: (source: 'data' | 'path' | 'stream'): string =>
    source === 'data'
      ? 'file.data must be a Buffer or a Uint8Array'
      : source === 'path'
        ? 'file.path must be a non-empty string'
        : 'file.stream must be a Readable stream',
  empty: (source: 'data' | 'path' | 'stream'): string => `file.${source} must not be empty`,
  tooLarge: (source: 'data' | 'path' | 'stream', what: string, maxBytes: number): string =>
    `file.${source} must not be larger than ${maxBytes} bytes (${sizeText(maxBytes)}, the limit for ${what})`,
  unreadablePath: (): string => 'file.path must name a readable regular file',
  streamFailed: (): string => 'file.stream failed before its end',
  description: (field: 'title' | 'introduction'): string =>
    `description.${field} must be a non-empty string (WeChat requires it for a video)`,
  mediaId: (): string => 'mediaId must be a non-empty string',
};

/** ValidationPipe's wording for `@IsIn`, e.g. `type must be one of the following values: a, b`. */
export const oneOfHint = (values: readonly string[]): string =>
  `must be one of the following values: ${values.join(', ')}`;

/** Options of the paging walkers (iterateMaterials, iterateDrafts, iteratePublished). */
export const WALK_OPTION_HINTS = {
  pageSize: 'must be an integer from 1 to 20',
  concurrency: 'must be an integer from 1 to 8',
  startOffset: 'must be an integer >= 0',
  signal: 'must be an AbortSignal',
} as const;

/** Hints of the module options' WechatConfigurationException: what to set, never the value. */
export const OPTION_HINTS = {
  accessTokenProvider: 'must be an object with a getAccessToken({ appId, forceRefresh }) method',
  credentialMissing: 'is missing: set appId and appSecret, or pass accessTokenProvider',
  nonEmptyString: 'must be a non-empty string',
  tokenEndpoint: "must be 'stable' or 'classic'",
  tokenStore: 'must implement get, set and delete (see TokenStore)',
  nonNegativeInt: 'must be an integer >= 0',
  baseUrl: 'must be an http(s) URL such as https://api.weixin.qq.com',
  baseUrlParts: 'must not carry a query, a fragment or credentials',
  positiveMs: 'must be a positive number of milliseconds',
  retry: 'must be an object { attempts, baseDelayMs, maxDelayMs }',
  retryAttempts: 'must be an integer from 0 to 10',
  errorStatusOverrides: 'must map errcodes to HTTP statuses, e.g. { 40007: 410 }',
  errorStatusOverridesEntry: 'keys must be errcodes and values HTTP statuses 400..599',
  accounts: 'must map appIds to { appSecret }',
  accountSecret: 'is missing: every account needs { appSecret }',
  onCall: 'must be a function',
  logCalls: "must be true, false or 'errors'",
  http: 'must be an object { proxy, dispatcher }',
  httpProxy:
    'must be false, an http(s) URL such as http://user:pass@proxy:3128, or { protocol?, host, port (1..65535), auth? }',
  httpDispatcher: "must be an undici Dispatcher, e.g. new Agent() from 'undici'",
  httpProxyAndDispatcher:
    'cannot be combined: put the proxy on your own dispatcher (undici ProxyAgent)',
  httpAgentGone:
    "is no longer supported: pass an undici dispatcher in http.dispatcher instead, e.g. new Agent({ connections: 16 }) from 'undici'",
} as const;

/** RedisTokenStore: what went wrong and what happens instead (never a token or a password). */
export const redisMessages = {
  invalidArguments: (problems: readonly { field: string; hint: string }[]): string =>
    `Invalid RedisTokenStore arguments: ${problems.map((p) => `${p.field} ${p.hint}`).join('; ')}`,
  hints: {
    keyPrefix: 'must be a string',
    lockTtlMs: 'must be an integer > 0 (milliseconds)',
    lockWaitMs: 'must be an integer >= 0 (milliseconds)',
    redis: 'must be a redis:// or rediss:// URL or an ioredis instance',
  },
  getFailed: (why: string): string =>
    `RedisTokenStore: GET failed (${why}); treating it as a cache miss`,
  setFailed: (why: string): string =>
    `RedisTokenStore: SET failed (${why}); the token stays in this process only`,
  deleteFailed: (why: string): string => `RedisTokenStore: DEL failed (${why})`,
  lockUnreachable: (why: string, key: string): string =>
    `RedisTokenStore: Redis unreachable (${why}); ` +
    `fetching the token for ${key} without the cross-process lock`,
  lockTimeout: (key: string, lockWaitMs: number): string =>
    `RedisTokenStore: lock for ${key} not won within lockWaitMs (${lockWaitMs} ms); ` +
    'fetching the token without it (another process may be stuck fetching or have died ' +
    'holding it: its lock expires after lockTtlMs)',
  lockExpired: (key: string, heldMs: number, lockTtlMs: number): string =>
    `RedisTokenStore: the lock for ${key} expired while held (${heldMs} ms ` +
    `> lockTtlMs ${lockTtlMs} ms), so another process may have fetched too; raise lockTtlMs`,
  unlockFailed: (key: string, why: string): string =>
    `RedisTokenStore: could not release the lock for ${key} (${why}); ` +
    'it expires after lockTtlMs',
  connectionError: (why: string): string =>
    `RedisTokenStore: Redis connection error (${why}); tokens are kept per ` +
    'process and fetched without the cross-process lock until it is back',
  connectionBack: (): string => 'RedisTokenStore: Redis connection is back',
  notConnected: (status: string): string => `Redis is not connected (${status})`,
  commandTimedOut: (ms: number): string => `Redis command timed out after ${ms} ms`,
};

// Drafts and publishing (inputs checked before any request).

export const articleTypeMessage = (property: string): string =>
  `${property} must be 'news' (or absent) or 'newspic'`;

export const cropMessage = (property: string): string =>
  `${property} must be X1_Y1_X2_Y2: four decimals from 0 to 1 joined by _`;

/** Hints for the arguments of DraftService and PublishService that are not DTOs. */
export const ARGUMENT_HINTS = {
  id: 'must be a non-empty string',
  index: (min: number): string => `must be an integer >= ${min}`,
  positive: 'must be a positive number',
  boolean: 'must be a boolean',
  signal: 'must be an AbortSignal',
  object: 'must be an object',
} as const;

/** `forAccount('')` and the like, in every service. */
export const invalidAppIdMessage = (): string =>
  'forAccount(appId): appId must be a non-empty string';

export const providerResultMessage = (): string =>
  'accessTokenProvider.getAccessToken() must resolve a non-empty string or null';

/** Logged once: later subscriber errors are not. */
export const subscriberFailedMessage = (errorName: string): string =>
  `onCall subscriber threw (${errorName}); the call went on. Further subscriber errors are not logged.`;

/** batchGetMaterial(q) with something that is not an object. */
export const queryNotObjectMessage = (): string => 'query must be an object';
