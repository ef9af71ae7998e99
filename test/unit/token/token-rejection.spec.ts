import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { WechatApiException } from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { APP_ID, OTHER_APP_ID, OTHER_APP_SECRET, PATHS } from '../../helpers/constants.js';
import { installFakeClock } from '../../helpers/fake-clock.js';
import { rejectionOf } from '../../helpers/wait.js';

const PAGE = { type: 'image', offset: 0, count: 20 } as const;

/** force_refresh of the last stable_token request the fake saw. */
function lastForceRefresh(t: TestModule): unknown {
  const body = t.server.lastBody(PATHS.stableToken);
  return body === undefined
    ? undefined
    : (JSON.parse(body) as { force_refresh?: unknown }).force_refresh;
}

describe('a token rejected on a business call', () => {
  let t: TestModule | undefined;

  afterEach(async () => {
    jest.restoreAllMocks();
    await t?.close();
    t = undefined;
  });

  it.each(['stable', 'classic'] as const)(
    '%s: 40001 (server.expireToken()) → exactly one refresh, the call is replayed once and succeeds',
    async (tokenEndpoint) => {
      t = await createTestModule({ tokenEndpoint });
      const first = await t.tokens.getAccessToken();
      await t.material.batchGetMaterial(PAGE);
      t.server.expireToken();
      t.server.resetCounters();
      await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
      expect(t.server.tokenRequests).toBe(1);
      expect(t.server.requests[PATHS.batchGet]).toBe(2);
      const second = await t.tokens.getAccessToken();
      expect(second).not.toBe(first);
      // The new token is cached: later calls cost no fetch.
      await t.material.batchGetMaterial(PAGE);
      expect(t.server.tokenRequests).toBe(1);
      if (tokenEndpoint === 'stable') expect(lastForceRefresh(t)).toBe(false);
    },
  );

  it('concurrent calls rejected with 40001 share one refresh', async () => {
    t = await createTestModule({}, { latencyMs: 10 });
    await t.tokens.getAccessToken();
    t.server.expireToken();
    t.server.resetCounters();
    const pages = await Promise.all(
      Array.from({ length: 50 }, () => t!.material.batchGetMaterial(PAGE)),
    );
    expect(pages.every((p) => p.item_count === 4)).toBe(true);
    expect(t.server.tokenRequests).toBe(1);
    expect(t.server.requests[PATHS.batchGet]).toBe(100);
  });

  it.each([40014, 42001])('%d also triggers one refresh and one replay', async (errcode) => {
    t = await createTestModule();
    await t.tokens.getAccessToken();
    t.server.resetCounters();
    t.server.failNext(PATHS.batchGet, { errcode });
    await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    expect(t.server.tokenRequests).toBe(1);
    expect(t.server.requests[PATHS.batchGet]).toBe(2);
  });

  it('never loops: a replay rejected again fails the call (502-mapped), one refresh only', async () => {
    t = await createTestModule({ tokenEndpoint: 'classic' });
    await t.tokens.getAccessToken();
    t.server.resetCounters();
    t.server.failNext(PATHS.batchGet, { errcode: 40001 }, 5);
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toBeInstanceOf(WechatApiException);
    expect((err as WechatApiException).errcode).toBe(40001);
    expect(t.filter.toResponse(err as WechatApiException).status).toBe(502);
    expect(t.server.tokenRequests).toBe(1);
    expect(t.server.requests[PATHS.batchGet]).toBe(2);
  });

  it('get_materialcount and quota/get recover from 40001 the same way', async () => {
    t = await createTestModule();
    await t.tokens.getAccessToken();
    t.server.expireToken();
    t.server.resetCounters();
    await expect(t.material.getMaterialCount()).resolves.toMatchObject({ image_count: 4 });
    t.server.expireToken();
    await expect(t.quota.getQuota()).resolves.toMatchObject({ daily_limit: 100000 });
    expect(t.server.tokenRequests).toBe(2);
    expect(t.server.requests[PATHS.count]).toBe(2);
    expect(t.server.requests[PATHS.quota]).toBe(2);
  });

  describe('stable endpoint hands back the very token it rejected', () => {
    it('the call fails 502; the next call fetches with force_refresh: true, at most once per 30 s', async () => {
      t = await createTestModule({ tokenEndpoint: 'stable' });
      const original = await t.tokens.getAccessToken();
      t.server.resetCounters();

      // The token is fine on the fake, so stable_token returns it again; the replay is
      // rejected too: WeChat keeps refusing a token it keeps handing out.
      t.server.failNext(PATHS.batchGet, { errcode: 40001 }, 2);
      const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
      expect(err).toMatchObject({ errcode: 40001 });
      expect(t.filter.toResponse(err as WechatApiException).status).toBe(502);
      expect(t.server.tokenRequests).toBe(1);
      expect(lastForceRefresh(t)).toBe(false);
      expect(t.server.requests[PATHS.batchGet]).toBe(2);

      // Next call: force_refresh, a new token, success.
      await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
      expect(t.server.tokenRequests).toBe(2);
      expect(lastForceRefresh(t)).toBe(true);
      const forced = await t.tokens.getAccessToken();
      expect(forced).not.toBe(original);

      // Same story again within 30 s: no second force_refresh.
      t.server.failNext(PATHS.batchGet, { errcode: 40001 }, 2);
      await expect(t.material.batchGetMaterial(PAGE)).rejects.toMatchObject({ errcode: 40001 });
      expect(t.server.tokenRequests).toBe(3);
      await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
      expect(t.server.tokenRequests).toBe(4);
      expect(lastForceRefresh(t)).toBe(false);

      // 31 s later the token is still marked stale: the next fetch may force again.
      t.server.failNext(PATHS.batchGet, { errcode: 40001 }, 2);
      await expect(t.material.batchGetMaterial(PAGE)).rejects.toMatchObject({ errcode: 40001 });
      expect(t.server.tokenRequests).toBe(5);
      const realNow = Date.now.bind(Date);
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 31_000);
      await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
      expect(t.server.tokenRequests).toBe(6);
      expect(lastForceRefresh(t)).toBe(true);
    });

    it('force_refresh at most once per 30 s per appId: account A forcing leaves account B free to force', async () => {
      t = await createTestModule({
        tokenEndpoint: 'stable',
        accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } },
      });
      const clock = installFakeClock();
      const accounts = { A: t.material, B: t.material.forAccount(OTHER_APP_ID) };
      /** appid and force_refresh of the last stable_token request. */
      const lastFetch = () => {
        const body = JSON.parse(t!.server.lastBody(PATHS.stableToken) ?? '{}') as {
          appid?: string;
          force_refresh?: unknown;
        };
        return [body.appid, body.force_refresh];
      };
      /** The account's token is refused twice in a row: the call fails, the token is stale. */
      const rejectTwice = async (who: keyof typeof accounts) => {
        t!.server.failNext(PATHS.batchGet, { errcode: 40001 }, 2);
        await expect(accounts[who].batchGetMaterial(PAGE)).rejects.toMatchObject({
          errcode: 40001,
        });
      };
      await accounts.A.batchGetMaterial(PAGE);
      await accounts.B.batchGetMaterial(PAGE);

      await rejectTwice('A');
      await accounts.A.batchGetMaterial(PAGE);
      expect(lastFetch()).toEqual([APP_ID, true]);
      clock.advance(1_000);
      // B's token goes stale one second after A forced: B may force all the same.
      await rejectTwice('B');
      await accounts.B.batchGetMaterial(PAGE);
      expect(lastFetch()).toEqual([OTHER_APP_ID, true]);

      // A again within 30 s of its own force: no second force_refresh.
      clock.advance(28_000);
      await rejectTwice('A');
      await accounts.A.batchGetMaterial(PAGE);
      expect(lastFetch()[1]).toBe(false);
      // Past 30 s since A's force, A's stale token may be forced out again.
      await rejectTwice('A');
      clock.advance(1_001);
      await accounts.A.batchGetMaterial(PAGE);
      expect(lastFetch()[1]).toBe(true);
    });

    it('a different token on the refetch is not "stale": no force_refresh afterwards', async () => {
      t = await createTestModule({ tokenEndpoint: 'stable' });
      await t.tokens.getAccessToken();
      t.server.resetCounters();
      t.server.expireToken(); // the refetch mints a new token…
      t.server.failNext(PATHS.batchGet, { errcode: 40001 }, 2); // …which is refused as well
      await expect(t.material.batchGetMaterial(PAGE)).rejects.toMatchObject({ errcode: 40001 });
      expect(t.server.tokenRequests).toBe(1);
      await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
      expect(t.server.tokenRequests).toBe(2);
      expect(lastForceRefresh(t)).toBe(false);
    });
  });
});
