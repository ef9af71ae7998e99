import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { OTHER_APP_ID, OTHER_APP_SECRET, PATHS } from '../../helpers/constants.js';
import { installFakeClock } from '../../helpers/fake-clock.js';

const PAGE = { type: 'image', offset: 0, count: 1 } as const;

describe('token lifetime (fake clock: the library and the fake read the same Date.now)', () => {
  let t: TestModule | undefined;

  afterEach(async () => {
    jest.restoreAllMocks();
    await t?.close();
    t = undefined;
  });

  it.each(['stable', 'classic'] as const)(
    '%s: refreshes before expiry using expires_in; the 300 s margin is capped at half the lifetime',
    async (tokenEndpoint) => {
      // expires_in 4 s and refreshMarginSeconds 300 → margin 2 s: each token is used ~2 s.
      t = await createTestModule(
        { tokenEndpoint, refreshMarginSeconds: 300 },
        { tokenTtlSeconds: 4 },
      );
      const clock = installFakeClock();
      const started = Date.now();
      await t.material.batchGetMaterial(PAGE);
      const first = await t.tokens.getAccessToken();
      expect(t.server.tokenRequests).toBe(1);

      clock.advance(800);
      await t.material.batchGetMaterial(PAGE);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await t.tokens.getAccessToken()).toBe(first);
      expect(t.server.tokenRequests).toBe(1);

      // Just before the capped margin: still the same token.
      clock.advance(1199);
      await t.material.batchGetMaterial(PAGE);
      expect(t.server.tokenRequests).toBe(1);

      clock.advance(301);
      await t.material.batchGetMaterial(PAGE);
      expect(t.server.tokenRequests).toBe(2);
      // Refreshed before WeChat would have rejected it: no 42001 along the way.
      expect(t.server.requests[PATHS.batchGet]).toBe(4);
      // Classic mints a new token per fetch; stable hands back the same one while it has
      // more than a little life left (expires_in then says how little).
      if (tokenEndpoint === 'classic') expect(await t.tokens.getAccessToken()).not.toBe(first);
      else expect(await t.tokens.getAccessToken()).toBe(first);
    },
  );

  it('refreshMarginSeconds smaller than half the lifetime is used as is', async () => {
    // expires_in 2 s with margin 0: the token lives the full 2 s (capping would refetch at 1 s).
    t = await createTestModule(
      { tokenEndpoint: 'classic', refreshMarginSeconds: 0 },
      { tokenTtlSeconds: 2 },
    );
    const clock = installFakeClock();
    const started = Date.now();
    await t.material.batchGetMaterial(PAGE);
    clock.advance(1300);
    await t.material.batchGetMaterial(PAGE);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(t.server.tokenRequests).toBe(1);
    // At the full lifetime it is fetched again (and WeChat never saw an expired token).
    clock.advance(700);
    await t.material.batchGetMaterial(PAGE);
    expect(t.server.tokenRequests).toBe(2);
    expect(t.server.requests[PATHS.batchGet]).toBe(3);
  });
});

describe('AccessTokenService.invalidate()', () => {
  let t: TestModule | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('drops the cached token only if it is still that token (a stale invalidate leaves a newer one)', async () => {
    t = await createTestModule({ tokenEndpoint: 'classic' });
    const t1 = (await t.tokens.getAccessToken())!;
    const t2 = (await t.tokens.getAccessToken({ forceRefresh: true }))!;
    expect(t2).not.toBe(t1);
    expect(t.server.tokenRequests).toBe(2);

    await t.tokens.invalidate(t1);
    expect(await t.tokens.getAccessToken()).toBe(t2);
    expect(t.server.tokenRequests).toBe(2);

    await t.tokens.invalidate(t2);
    const t3 = await t.tokens.getAccessToken();
    expect(t3).not.toBe(t2);
    expect(t.server.tokenRequests).toBe(3);
    await t.material.batchGetMaterial(PAGE);
    expect(t.server.tokenRequests).toBe(3);
  });

  it('is per appId', async () => {
    t = await createTestModule({
      tokenEndpoint: 'classic',
      accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } },
    });
    const main = (await t.tokens.getAccessToken())!;
    const other = (await t.tokens.getAccessToken({ appId: OTHER_APP_ID }))!;
    // The other account's token, invalidated under the main appId: nothing happens.
    await t.tokens.invalidate(other);
    expect(await t.tokens.getAccessToken({ appId: OTHER_APP_ID })).toBe(other);
    await t.tokens.invalidate(other, OTHER_APP_ID);
    expect(await t.tokens.getAccessToken()).toBe(main);
    expect(await t.tokens.getAccessToken({ appId: OTHER_APP_ID })).not.toBe(other);
    expect(t.server.tokenRequests).toBe(3);
  });

  it('getAccessToken() for an unknown appId throws WechatConfigurationException without a request', async () => {
    t = await createTestModule();
    await expect(t.tokens.getAccessToken({ appId: 'wx_nobody' })).rejects.toMatchObject({
      name: 'WechatConfigurationException',
    });
    expect(t.server.tokenRequests).toBe(0);
  });
});
