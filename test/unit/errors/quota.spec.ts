import { afterEach, describe, expect, it } from '@jest/globals';
import { WechatApiException } from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { PATHS } from '../../helpers/constants.js';
import { rejectionOf } from '../../helpers/wait.js';

const PAGE = { type: 'image', offset: 0, count: 1 } as const;

describe('45009 and QuotaService', () => {
  let t: TestModule | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('the daily quota runs out: 45009 (429, not retried) hints at getQuota, which tells the numbers', async () => {
    t = await createTestModule({}, { dailyLimits: { [PATHS.batchGet]: 2 } });
    await t.material.batchGetMaterial(PAGE);
    await t.material.batchGetMaterial(PAGE);
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toBeInstanceOf(WechatApiException);
    const e = err as WechatApiException;
    expect(e.errcode).toBe(45009);
    expect(e.message).toContain(`QuotaService.getQuota('${PATHS.batchGet}')`);
    expect(t.filter.toResponse(e).status).toBe(429);
    expect(t.server.requests[PATHS.batchGet]).toBe(3);

    await expect(t.quota.getQuota()).resolves.toEqual({ daily_limit: 2, used: 2, remain: 0 });
    expect(JSON.parse(t.server.lastBody(PATHS.quota)!)).toEqual({ cgi_path: PATHS.batchGet });
    await expect(t.quota.getQuota(PATHS.count)).resolves.toMatchObject({ daily_limit: 100000 });
  });

  it("quota/get's own errcodes: 76021 → 400, 76003 → 502", async () => {
    t = await createTestModule();
    const unknown = await rejectionOf(t.quota.getQuota('/cgi-bin/not/a/path'));
    expect(unknown).toMatchObject({ errcode: 76021, path: PATHS.quota });
    expect(t.filter.toResponse(unknown as WechatApiException).status).toBe(400);
    t.server.failNext(PATHS.quota, { errcode: 76022 });
    const denied = await rejectionOf(t.quota.getQuota());
    expect(t.filter.toResponse(denied as WechatApiException).status).toBe(400);
    t.server.failNext(PATHS.quota, { errcode: 76003, errmsg: 'cgi_path not found' });
    const other = await rejectionOf(t.quota.getQuota());
    expect(t.filter.toResponse(other as WechatApiException).status).toBe(502);
  });
});
