/**
 * The fault matrix as data: what the fake does, what the caller must get (exception class
 * and fields, HTTP status through WechatExceptionFilter), and exactly how many requests
 * WeChat sees. Used by fault-matrix.spec.ts and, with the classic token endpoint too, by
 * leaks.spec.ts.
 */
import { expect } from '@jest/globals';
import type { FakeFault } from '../../lib/testing/index.js';
import {
  WechatApiException,
  WechatTransportException,
  type WechatMaterialModuleOptions,
} from '../../lib/index.js';
import { SHORT_DEADLINE, type Harness } from './harness.js';
import { PATHS } from '../helpers/constants.js';

export type TokenPath = typeof PATHS.stableToken | typeof PATHS.classicToken;

/** rid as the fake (and WeChat) writes it: `<unix time hex>-<8 hex>-<8 hex>`. */
export const RID = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

export interface ExpectedError {
  type: typeof WechatApiException | typeof WechatTransportException;
  /** Own fields of the exception, compared with toMatchObject (RegExp allowed). */
  fields: Record<string, unknown>;
  message: string | RegExp;
  /** `cause` exactly (undefined: none). */
  cause?: unknown;
}

export interface FaultCase {
  name: string;
  /** Module options for this case (e.g. the short deadline of the timeout cases). */
  wechat?: Partial<WechatMaterialModuleOptions>;
  /** Everything before the measured call: warm-up calls, token expiry, queued faults. */
  arrange(h: Harness, tokenPath: TokenPath): Promise<void> | void;
  status: number;
  /** Reply headers that must be present (lower-case names). */
  headers?: Record<string, string>;
  /** undefined: the measured call succeeds. */
  error?: ExpectedError;
  /** `server.requests` after the measured call, exactly (paths with 0 left out). */
  requests: (tokenPath: TokenPath) => Record<string, number>;
  /** After `clearFaults()`, one more call: its status and the requests it adds. */
  followUp: { status: number; added: (tokenPath: TokenPath) => Record<string, number> };
  /** Extra checks after the follow-up (e.g. the stable_token body of the last fetch). */
  verify?(h: Harness, tokenPath: TokenPath): void;
}

const msgApi = (errcode: number, path: string, text: string) =>
  `WeChat API error ${errcode} on ${path}: ${text}`;
const msgTransport = (path: string, reason: string) =>
  `WeChat request to ${path} failed: ${reason}`;

const req =
  (token: number, batch: number) =>
  (tokenPath: TokenPath): Record<string, number> => {
    const out: Record<string, number> = {};
    if (token > 0) out[tokenPath] = token;
    if (batch > 0) out[PATHS.batchGet] = batch;
    return out;
  };

/** One warm-up call, so the token is cached and the keep-alive socket open. */
async function warmUp(h: Harness): Promise<void> {
  const res = await h.page();
  if (res.status !== 200) throw new Error(`warm-up failed: ${res.status} ${res.text}`);
}

const failBatch =
  (fault: FakeFault, times = 1) =>
  (h: Harness): void =>
    h.server.failNext(PATHS.batchGet, fault, times);

const failToken =
  (fault: FakeFault, times = 1) =>
  (h: Harness, tokenPath: TokenPath): void =>
    h.server.failNext(tokenPath, fault, times);

const ok = { status: 200, added: req(0, 1) };

function transportCase(
  name: string,
  fault: FakeFault,
  reason: 'timeout' | 'network' | 'http_status',
  status: number,
  extra: { upstreamStatus?: number; code?: string },
): FaultCase[] {
  const wechat = fault === 'timeout' ? SHORT_DEADLINE : undefined;
  return [
    {
      name: `${name}, always (3 attempts)`,
      wechat,
      arrange: failBatch(fault, 3),
      status,
      error: {
        type: WechatTransportException,
        fields: {
          reason,
          path: PATHS.batchGet,
          ...(extra.upstreamStatus ? { status: extra.upstreamStatus } : {}),
        },
        message: msgTransport(PATHS.batchGet, reason),
        cause: extra.code ? { code: extra.code } : undefined,
      },
      requests: req(1, 3),
      followUp: ok,
    },
    {
      name: `${name}, once (retried, succeeds)`,
      wechat,
      arrange: failBatch(fault, 1),
      status: 200,
      requests: req(1, 2),
      followUp: ok,
    },
  ];
}

function badResponseCase(name: string, fault: FakeFault): FaultCase {
  return {
    name: `${name} (bad_response, never retried)`,
    arrange: failBatch(fault, 1),
    status: 502,
    error: {
      type: WechatTransportException,
      fields: { reason: 'bad_response', path: PATHS.batchGet, status: 200 },
      message: msgTransport(PATHS.batchGet, 'bad_response'),
      cause: undefined,
    },
    requests: req(1, 1),
    followUp: ok,
  };
}

function businessErrcodeCase(
  errcode: number,
  status: number,
  text: string,
  extra: Partial<FaultCase> & { messageSuffix?: string } = {},
): FaultCase {
  return {
    name: `errcode ${errcode} (not retried)`,
    arrange: failBatch({ errcode }, 1),
    status,
    error: {
      type: WechatApiException,
      fields: { errcode, path: PATHS.batchGet, rid: expect.stringMatching(RID) },
      message: msgApi(errcode, PATHS.batchGet, text) + (extra.messageSuffix ?? ''),
    },
    requests: req(1, 1),
    followUp: ok,
    ...extra,
  };
}

function tokenFatalCase(errcode: number, text: string, errmsg: RegExp): FaultCase {
  return {
    name: `token endpoint ${errcode} (not retried, cooldown)`,
    arrange: failToken({ errcode }, 1),
    status: 502,
    error: {
      type: WechatApiException,
      // path is the token endpoint; checked in the spec against the case's tokenPath
      fields: { errcode, errmsg: expect.stringMatching(errmsg), rid: expect.stringMatching(RID) },
      message: new RegExp(`^WeChat API error ${errcode} on /cgi-bin/(stable_)?token: ${text}$`),
    },
    requests: req(1, 0),
    // Inside tokenErrorCooldownMs: the same error, and not one more request.
    followUp: { status: 502, added: req(0, 0) },
  };
}

export const FAULT_CASES: FaultCase[] = [
  {
    name: 'no fault (baseline)',
    arrange: () => undefined,
    status: 200,
    requests: req(1, 1),
    followUp: ok,
  },
  ...transportCase('timeout (request held, 1 s deadline)', 'timeout', 'timeout', 504, {
    code: 'ETIMEDOUT',
  }),
  ...transportCase('socket reset', 'reset', 'network', 502, { code: 'ECONNRESET' }),
  ...transportCase('HTML 502 page', 'html502', 'http_status', 502, { upstreamStatus: 502 }),
  ...transportCase('HTML 504 page', 'html504', 'http_status', 502, { upstreamStatus: 504 }),
  badResponseCase('empty 200 body', 'empty'),
  badResponseCase('truncated JSON', 'truncated_json'),
  badResponseCase('non-JSON 200 (HTML)', 'not_json'),
  {
    name: 'errcode -1 once (retried, succeeds)',
    arrange: failBatch({ errcode: -1 }, 1),
    status: 200,
    requests: req(1, 2),
    followUp: ok,
  },
  {
    ...businessErrcodeCase(-1, 503, 'system error'),
    name: 'errcode -1 always (3 attempts)',
    arrange: failBatch({ errcode: -1 }, 3),
    requests: req(1, 3),
  },
  businessErrcodeCase(45009, 429, 'reach max api daily quota limit', {
    messageSuffix:
      ` (daily quota reached: look it up with QuotaService.getQuota('${PATHS.batchGet}'), ` +
      'i.e. POST /cgi-bin/openapi/quota/get, and reset it in the WeChat admin console)',
  }),
  businessErrcodeCase(45011, 429, 'api minute-quota reach limit mustslower retry next minute', {
    headers: { 'retry-after': '60' },
  }),
  businessErrcodeCase(40007, 404, 'invalid media_id'),
  businessErrcodeCase(48001, 403, 'api unauthorized'),
  {
    name: '40001 mid-flight: token expires between calls (refetch once, replay once)',
    arrange: async (h) => {
      await warmUp(h);
      h.server.expireToken();
    },
    status: 200,
    // warm-up: token + page; then 40001, one refetch, the replay.
    requests: req(2, 3),
    followUp: ok,
    verify: (h, tokenPath) => {
      if (tokenPath === PATHS.stableToken) {
        // Another replica may already hold the new token: the refetch does not force.
        const body = JSON.parse(h.server.lastBody(PATHS.stableToken) ?? '{}') as Record<
          string,
          unknown
        >;
        if (body.force_refresh !== false) throw new Error('refetch after 40001 forced a refresh');
      }
    },
  },
  {
    name: '40001 on the replay too (fails 502; next call refreshes, no loop)',
    arrange: failBatch({ errcode: 40001 }, 2),
    status: 502,
    error: {
      type: WechatApiException,
      fields: { errcode: 40001, path: PATHS.batchGet, rid: expect.stringMatching(RID) },
      message: msgApi(
        40001,
        PATHS.batchGet,
        'invalid credential, access_token is invalid or not latest',
      ),
    },
    requests: req(2, 2),
    // The rejected token was dropped: one fetch (stable: with force_refresh), one call.
    followUp: { status: 200, added: req(1, 1) },
    verify: (h, tokenPath) => {
      if (tokenPath === PATHS.stableToken) {
        const body = JSON.parse(h.server.lastBody(PATHS.stableToken) ?? '{}') as Record<
          string,
          unknown
        >;
        if (body.force_refresh !== true)
          throw new Error('after the same token was rejected twice, no force_refresh was asked');
      }
    },
  },
  tokenFatalCase(40013, 'invalid appid', /^invalid appid rid: /),
  tokenFatalCase(40125, 'invalid appsecret', /^invalid appsecret rid: /),
  tokenFatalCase(
    40164,
    'invalid ip \\*\\.\\*\\.\\*\\.\\* ipv6 \\*:\\*, not in whitelist',
    /^invalid ip \*\.\*\.\*\.\* ipv6 \*:\*, not in whitelist rid: /,
  ),
  {
    name: 'token endpoint -1 always (3 attempts, no business call)',
    arrange: failToken({ errcode: -1 }, 3),
    status: 503,
    error: {
      type: WechatApiException,
      fields: { errcode: -1, rid: expect.stringMatching(RID) },
      message: /^WeChat API error -1 on \/cgi-bin\/(stable_)?token: system error$/,
    },
    requests: req(3, 0),
    // -1 is not remembered: the next call fetches a token and succeeds.
    followUp: { status: 200, added: req(1, 1) },
  },
  {
    name: 'token endpoint -1 once (retried, succeeds)',
    arrange: failToken({ errcode: -1 }, 1),
    status: 200,
    requests: req(2, 1),
    followUp: ok,
  },
  {
    name: 'token endpoint reset always (3 attempts)',
    arrange: failToken('reset', 3),
    status: 502,
    error: {
      type: WechatTransportException,
      fields: { reason: 'network' },
      message: /^WeChat request to \/cgi-bin\/(stable_)?token failed: network$/,
      cause: { code: 'ECONNRESET' },
    },
    requests: req(3, 0),
    followUp: { status: 200, added: req(1, 1) },
  },
];
