import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import {
  WechatApiException,
  WechatExceptionFilter,
  WechatMaterialModule,
  WechatTransportException,
} from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { APP_ID, APP_SECRET, PATHS } from '../../helpers/constants.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { rejectionOf } from '../../helpers/wait.js';
import { ERRCODE_STATUS_ROWS } from '../../helpers/errcode-table.js';
import { ERRCODES } from '../../../lib/errors/errcodes.js';
import { isRetryableErrcode } from '../../../lib/http/retry-policy.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

describe('every errcode of the table, from a real answer to the filter reply', () => {
  let t: TestModule;

  beforeAll(async () => {
    t = await createTestModule();
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => {
    t.server.clearFaults();
    t.server.resetCounters();
  });

  it.each(ERRCODE_STATUS_ROWS)('errcode %d → HTTP %d', async (errcode, status) => {
    const errmsg = `some reason for ${errcode} hint: [Zq7.x-1!]`;
    // -1 is retried and a rejected token is refreshed and replayed: fail every attempt.
    const times = errcode === -1 ? 3 : [40001, 40014, 42001].includes(errcode) ? 2 : 1;
    t.server.failNext(PATHS.batchGet, { errcode, errmsg }, times);
    const err = await rejectionOf(
      t.material.batchGetMaterial({ type: 'image', offset: 0, count: 20 }),
    );
    expect(err).toBeInstanceOf(WechatApiException);
    expect(err).toBeInstanceOf(Error);
    const e = err as WechatApiException;
    expect(e.name).toBe('WechatApiException');
    expect(e.errcode).toBe(errcode);
    // WeChat's errmsg as sent: ours plus the rid the fake appends, like WeChat since 2020.
    const sent = /^(.*) rid: ([0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8})$/.exec(e.errmsg);
    expect(sent?.[1]).toBe(errmsg);
    const rid = sent![2]!;
    expect(e.rid).toBe(rid);
    // The rid starts with the Unix time of the answer.
    expect(Math.abs(parseInt(rid.slice(0, 8), 16) - Date.now() / 1000)).toBeLessThan(60);
    expect(e.path).toBe(PATHS.batchGet);
    const base = `WeChat API error ${errcode} on ${PATHS.batchGet}: some reason for ${errcode}`;
    if (errcode === 45009) {
      expect(e.message.startsWith(`${base} `)).toBe(true);
      expect(e.message).toContain('QuotaService.getQuota');
    } else {
      expect(e.message).toBe(base);
    }
    expect(t.server.requests[PATHS.batchGet]).toBe(times);

    const reply = t.filter.toResponse(e);
    expect(reply.status).toBe(status);
    expect(reply.body).toEqual({
      statusCode: status,
      error: STATUS_TEXT[status],
      message: e.message,
      errcode,
      rid,
    });
    expect(reply.headers).toEqual(errcode === 45011 ? { 'Retry-After': '60' } : {});
  });

  it('transport: our own timeout → 504, everything else → 502; no errcode/rid in the body', () => {
    const cases: [WechatTransportException, number][] = [
      [new WechatTransportException('timeout', PATHS.batchGet), 504],
      [new WechatTransportException('network', PATHS.batchGet, { code: 'ECONNRESET' }), 502],
      [new WechatTransportException('http_status', PATHS.batchGet, { status: 502 }), 502],
      [new WechatTransportException('http_status', PATHS.batchGet, { status: 504 }), 502],
      [new WechatTransportException('http_status', PATHS.batchGet, { status: 404 }), 502],
      [new WechatTransportException('bad_response', PATHS.batchGet, { status: 200 }), 502],
    ];
    for (const [e, status] of cases) {
      const reply = t.filter.toResponse(e);
      expect(reply.status).toBe(status);
      expect(reply.body).toEqual({
        statusCode: status,
        error: STATUS_TEXT[status],
        message: `WeChat request to ${PATHS.batchGet} failed: ${e.reason}`,
      });
      expect(reply.headers).toEqual({});
    }
  });

  it('a hint-only errmsg gives no rid field in the reply', () => {
    const reply = t.filter.toResponse(
      new WechatApiException(40007, 'invalid media_id hint: [p4t0-0]', PATHS.batchGet),
    );
    expect(reply.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `WeChat API error 40007 on ${PATHS.batchGet}: invalid media_id`,
      errcode: 40007,
    });
    expect(reply.body).not.toHaveProperty('rid');
  });
});

// API.md, "AccessTokenService" and "Errors": written out again, not read from lib/.
const RETRIED = [-1];
const TOKEN_REJECTED = [40001, 40014, 42001];
const TOKEN_ENDPOINT_FATAL = [40002, 40013, 40125, 40164, 40243, 41002, 89503];
const RETRY_AFTER: Record<number, number> = { 45011: 60 };
const WITH_HINT = [45009];

describe('the errcode catalogue, entry by entry, against the filter and the tables above', () => {
  const filter = new WechatExceptionFilter();
  const catalogued = Object.keys(ERRCODES).map(Number);
  const tableStatus = new Map(ERRCODE_STATUS_ROWS);

  it('lists every errcode the tables name, and every row of the status table agrees', () => {
    for (const code of [...RETRIED, ...TOKEN_REJECTED, ...TOKEN_ENDPOINT_FATAL, ...WITH_HINT]) {
      expect({ code, catalogued: catalogued.includes(code) }).toEqual({ code, catalogued: true });
    }
    for (const [code, status] of ERRCODE_STATUS_ROWS) {
      // A row the catalogue does not list can only be an "any other" row.
      const expected = catalogued.includes(code) ? status : 502;
      expect({ code, status }).toEqual({ code, status: expected });
    }
  });

  it.each(catalogued)('errcode %d: status, Retry-After, retry, token flags and hint', (code) => {
    const entry = ERRCODES[code]!;
    const e = new WechatApiException(code, 'why', PATHS.batchGet);
    const reply = filter.toResponse(e);
    expect({ code, status: reply.status }).toEqual({ code, status: tableStatus.get(code) });
    expect(reply.headers).toEqual(
      code in RETRY_AFTER ? { 'Retry-After': String(RETRY_AFTER[code]) } : {},
    );
    expect(isRetryableErrcode(code)).toBe(RETRIED.includes(code));
    expect(entry.rejectsToken === true).toBe(TOKEN_REJECTED.includes(code));
    expect(entry.tokenEndpointFatal === true).toBe(TOKEN_ENDPOINT_FATAL.includes(code));
    if (WITH_HINT.includes(code)) {
      expect(e.message).toContain(`QuotaService.getQuota('${PATHS.batchGet}')`);
    } else {
      expect(e.message).toBe(`WeChat API error ${code} on ${PATHS.batchGet}: why`);
    }
  });
});

describe('errorStatusOverrides', () => {
  it('changes single entries and leaves the rest of the table alone', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WechatMaterialModule.forRoot({
          appId: APP_ID,
          appSecret: APP_SECRET,
          errorStatusOverrides: { 40007: 410, 45009: 503 },
        }),
      ],
    })
      .setLogger(new CapturingLogger())
      .compile();
    try {
      const filter = moduleRef.get(WechatExceptionFilter);
      const status = (errcode: number) =>
        filter.toResponse(new WechatApiException(errcode, 'x', PATHS.batchGet)).status;
      expect(status(40007)).toBe(410);
      expect(filter.toResponse(new WechatApiException(40007, 'x', PATHS.batchGet)).body.error).toBe(
        'Gone',
      );
      expect(status(45009)).toBe(503);
      expect(status(40004)).toBe(400);
      expect(status(45011)).toBe(429);
    } finally {
      await moduleRef.close();
    }
  });
});
