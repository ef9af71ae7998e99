import { STATUS_CODES } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { FakeFault } from '../../lib/testing/index.js';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';
import { ERRCODE_STATUS_ROWS } from '../helpers/errcode-table.js';
import { PATHS } from '../helpers/constants.js';

/** Transport faults: [fault, times in a row, status]. Retries: 2, so 3 in a row exhaust them. */
const TRANSPORT_ROWS: [FakeFault, number, number][] = [
  ['timeout', 3, 504],
  ['html502', 3, 502],
  ['html504', 3, 502],
  ['reset', 3, 502],
  ['not_json', 1, 502],
  ['truncated_json', 1, 502],
  ['empty', 1, 502],
];

const RID = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;
const PAGE = '/materials?type=image&offset=0&count=1';

describe.each(ADAPTERS)('WeChat failures → HTTP answers (%s)', (adapter) => {
  let t: SampleAppUnderTest;

  beforeAll(async () => {
    // The fake holds 'timeout' requests; 1 s never cuts off a good answer on a busy machine
    // (that would add a retry and break the exact request counts below).
    t = await startSampleApp(adapter, { wechat: { timeoutMs: 1000 } });
  });
  afterEach(() => t.fake.clearFaults());
  afterAll(() => t.close());

  it.each(ERRCODE_STATUS_ROWS)('errcode %i → %i', async (errcode, status) => {
    // More than retries or the one token refresh can use up.
    t.fake.failNext(PATHS.batchGet, { errcode }, 3);
    const res = await request(t.url).get(PAGE).expect(status);
    expect(Object.keys(res.body).sort()).toEqual(
      ['errcode', 'error', 'message', 'rid', 'statusCode'].sort(),
    );
    expect(res.body).toEqual({
      statusCode: status,
      error: STATUS_CODES[status],
      message: expect.stringMatching(`^WeChat API error ${errcode} on ${PATHS.batchGet}: `),
      errcode,
      rid: expect.stringMatching(RID),
    });
    expect(res.body.message).not.toMatch(/access_token=|fake_secret|rid:/);
    if (errcode === 45011) {
      expect(res.headers['retry-after']).toBe('60');
    } else {
      expect(res.headers['retry-after']).toBeUndefined();
    }
  });

  it('masks the caller IP WeChat echoes (40164)', async () => {
    t.fake.failNext(PATHS.batchGet, {
      errcode: 40164,
      errmsg: 'invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist',
    });
    const res = await request(t.url).get(PAGE).expect(502);
    expect(res.body.message).toContain('invalid ip');
    expect(JSON.stringify(res.body)).not.toContain('203.0.113.7');
  });

  it('maps errors of /materials/count too', async () => {
    t.fake.failNext(PATHS.count, { errcode: 48001 });
    const res = await request(t.url).get('/materials/count').expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden', errcode: 48001 });
  });

  it.each(TRANSPORT_ROWS)('transport fault %s ×%i → %i', async (fault, times, status) => {
    t.fake.failNext(PATHS.batchGet, fault, times);
    const before = t.fake.requests[PATHS.batchGet] ?? 0;
    const res = await request(t.url).get(PAGE).expect(status);
    expect(res.body).toEqual({
      statusCode: status,
      error: STATUS_CODES[status],
      message: expect.stringMatching(`^WeChat request to ${PATHS.batchGet} failed: `),
    });
    expect((t.fake.requests[PATHS.batchGet] ?? 0) - before).toBe(times);
  });

  it.each(['reset', 'html502', 'timeout'] as FakeFault[])(
    'recovers from one %s by retrying → 200',
    async (fault) => {
      t.fake.failNext(PATHS.batchGet, fault);
      const before = t.fake.requests[PATHS.batchGet] ?? 0;
      const res = await request(t.url).get(PAGE).expect(200);
      expect(res.body).toMatchObject({ item_count: 1, total_count: 4 });
      expect((t.fake.requests[PATHS.batchGet] ?? 0) - before).toBe(2);
    },
  );

  it('refreshes a rejected token once and answers 200', async () => {
    t.fake.expireToken();
    const tokensBefore = t.fake.tokenRequests;
    await request(t.url).get(PAGE).expect(200);
    expect(t.fake.tokenRequests - tokensBefore).toBe(1);
  });
});
