import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { inspect } from 'node:util';
import { WechatApiException, WechatTransportException } from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import {
  APP_ID,
  APP_SECRET,
  OTHER_APP_ID,
  OTHER_APP_SECRET,
  PATHS,
} from '../../helpers/constants.js';
import { installFakeClock } from '../../helpers/fake-clock.js';
import { rejectionOf, sleep } from '../../helpers/wait.js';

const PAGE = { type: 'image', offset: 0, count: 20 } as const;
const WRONG_SECRET = 'wrong_secret_5e6f7a8b9c0d1e2f';

describe('errors of the token endpoint', () => {
  let t: TestModule | undefined;

  afterEach(async () => {
    jest.restoreAllMocks();
    await t?.close();
    t = undefined;
  });

  it('40125 (wrong secret) → WechatApiException 40125 on the token path, mapped to 502, secret never shown', async () => {
    t = await createTestModule({ appSecret: WRONG_SECRET });
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toBeInstanceOf(WechatApiException);
    expect(err).toMatchObject({ errcode: 40125, path: PATHS.stableToken });
    expect((err as Error).message).toBe(
      `WeChat API error 40125 on ${PATHS.stableToken}: invalid appsecret`,
    );
    const reply = t.filter.toResponse(err as WechatApiException);
    expect(reply.status).toBe(502);
    expect(reply.body).toMatchObject({ statusCode: 502, error: 'Bad Gateway', errcode: 40125 });
    expect(t.server.requests[PATHS.batchGet]).toBeUndefined();
    for (const text of [
      String((err as Error).stack),
      inspect(err, { depth: 5 }),
      JSON.stringify(reply),
      t.logger.text(),
    ]) {
      expect(text).not.toContain(WRONG_SECRET);
      expect(text).not.toContain(APP_SECRET);
    }
  });

  it('40125 under load: 200 calls over ~1 s cost at most one token request per cooldown window', async () => {
    const cooldownMs = 250;
    t = await createTestModule({ appSecret: WRONG_SECRET, tokenErrorCooldownMs: cooldownMs });
    const started = Date.now();
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      calls.push(t.material.batchGetMaterial(PAGE).catch((e: unknown) => e));
      if (i % 20 === 19) await sleep(100);
    }
    const results = await Promise.all(calls);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(results.every((e) => e instanceof WechatApiException && e.errcode === 40125)).toBe(true);
    const windows = Math.ceil(elapsed / cooldownMs);
    expect(t.server.tokenRequests).toBeGreaterThanOrEqual(2); // the cooldown does end
    expect(t.server.tokenRequests).toBeLessThanOrEqual(windows + 1);
    expect(t.server.requests[PATHS.batchGet]).toBeUndefined();
  });

  it('within the cooldown the remembered error is rethrown without a request', async () => {
    t = await createTestModule({ appSecret: WRONG_SECRET }); // default cooldown 2000 ms
    const first = await rejectionOf(t.material.batchGetMaterial(PAGE));
    const second = await rejectionOf(t.material.getMaterialCount());
    const third = await rejectionOf(t.tokens.getAccessToken());
    expect(t.server.tokenRequests).toBe(1);
    for (const e of [first, second, third]) expect(e).toMatchObject({ errcode: 40125 });
  });

  it.each([
    [40002, 'invalid grant_type'],
    [41002, 'appid missing'],
    [40013, 'invalid appid'],
    [40164, 'invalid ip *.*.*.* ipv6 *:*, not in whitelist'],
    [40243, 'AppSecret已被冻结，请登录MP解冻后再次调用。'],
    [89503, '此IP调用需要管理员确认,请联系管理员 ip: *.*.*.*'],
  ])('%d from the token endpoint is not retried and is cooled down', async (errcode, shown) => {
    t = await createTestModule({ tokenEndpoint: 'classic' });
    t.server.failNext(PATHS.classicToken, { errcode });
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toMatchObject({ errcode, path: PATHS.classicToken });
    expect((err as Error).message).toBe(
      `WeChat API error ${errcode} on ${PATHS.classicToken}: ${shown}`,
    );
    expect((err as Error).message).not.toContain('1.2.3.4');
    await expect(t.material.batchGetMaterial(PAGE)).rejects.toMatchObject({ errcode });
    expect(t.server.tokenRequests).toBe(1);
  });

  it('the cooldown is per appId: account A cooling down leaves account B alone', async () => {
    // The main account's secret is wrong (40125 every time); the other account's is right.
    t = await createTestModule({
      appSecret: WRONG_SECRET,
      tokenErrorCooldownMs: 60_000,
      accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } },
    });
    const clock = installFakeClock();
    const other = t.material.forAccount(OTHER_APP_ID);
    await expect(t.material.batchGetMaterial(PAGE)).rejects.toMatchObject({ errcode: 40125 });
    expect(t.server.tokenRequests).toBe(1);

    // B fetches its own token and works while A cools down.
    await expect(other.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    expect(t.server.tokenRequests).toBe(2);
    await expect(t.material.getMaterialCount()).rejects.toMatchObject({ errcode: 40125 });
    await expect(t.tokens.getAccessToken({ appId: APP_ID })).rejects.toMatchObject({
      errcode: 40125,
    });
    expect(t.server.tokenRequests).toBe(2);
    // B's forced refresh is not blocked by A's cooldown either.
    await expect(
      t.tokens.getAccessToken({ appId: OTHER_APP_ID, forceRefresh: true }),
    ).resolves.toEqual(expect.any(String));
    expect(t.server.tokenRequests).toBe(3);
    expect(t.server.requests[PATHS.batchGet]).toBe(1);

    // Inside the cooldown A still costs nothing; once it is over, A asks again.
    clock.advance(59_999);
    await expect(t.material.batchGetMaterial(PAGE)).rejects.toMatchObject({ errcode: 40125 });
    expect(t.server.tokenRequests).toBe(3);
    clock.advance(2);
    await expect(t.material.batchGetMaterial(PAGE)).rejects.toMatchObject({ errcode: 40125 });
    expect(t.server.tokenRequests).toBe(4);
  });

  it('-1 from the token endpoint is retried per policy: once → success after 2 token requests', async () => {
    t = await createTestModule();
    t.server.failNext(PATHS.stableToken, { errcode: -1 });
    await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    expect(t.server.tokenRequests).toBe(2);
  });

  it('-1 always: attempts + 1 token requests, WechatApiException -1, no cooldown afterwards', async () => {
    t = await createTestModule({ retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } });
    t.server.failNext(PATHS.stableToken, { errcode: -1 }, 3);
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toMatchObject({ errcode: -1, path: PATHS.stableToken });
    expect(t.filter.toResponse(err as WechatApiException).status).toBe(503);
    expect(t.server.tokenRequests).toBe(3);
    expect(t.server.requests[PATHS.batchGet]).toBeUndefined();
    await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    expect(t.server.tokenRequests).toBe(4);
  });

  it('40001 from the token endpoint itself does not loop: one token request, the call fails', async () => {
    t = await createTestModule();
    t.server.failNext(PATHS.stableToken, { errcode: 40001 });
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toMatchObject({ errcode: 40001, path: PATHS.stableToken });
    expect(t.server.tokenRequests).toBe(1);
    expect(t.server.requests[PATHS.batchGet]).toBeUndefined();
    // Not a cooldown errcode: the next call simply fetches again.
    await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    expect(t.server.tokenRequests).toBe(2);
  });

  it('a 40001 replay whose refetch fails with 40001 at the token endpoint stops there', async () => {
    t = await createTestModule();
    await t.tokens.getAccessToken();
    t.server.resetCounters();
    t.server.expireToken();
    t.server.failNext(PATHS.stableToken, { errcode: 40001 }, 10);
    await expect(t.material.batchGetMaterial(PAGE)).rejects.toMatchObject({ errcode: 40001 });
    expect(t.server.tokenRequests).toBe(1);
    expect(t.server.requests[PATHS.batchGet]).toBe(1);
  });

  it('transport failures at the token endpoint follow the retry policy', async () => {
    t = await createTestModule({ retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } });
    t.server.failNext(PATHS.stableToken, 'html502', 3);
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toBeInstanceOf(WechatTransportException);
    expect(err).toMatchObject({ reason: 'http_status', status: 502, path: PATHS.stableToken });
    expect(t.server.tokenRequests).toBe(3);
    t.server.failNext(PATHS.stableToken, 'not_json', 3);
    await expect(t.material.batchGetMaterial(PAGE)).rejects.toMatchObject({
      reason: 'bad_response',
    });
    expect(t.server.tokenRequests).toBe(4);
  });

  it('a token answer without access_token is a bad_response', async () => {
    t = await createTestModule();
    t.server.failNext(PATHS.stableToken, 'truncated_json');
    await expect(t.material.batchGetMaterial(PAGE)).rejects.toMatchObject({
      reason: 'bad_response',
      path: PATHS.stableToken,
    });
    expect(t.server.tokenRequests).toBe(1);
  });
});
