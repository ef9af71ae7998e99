import { afterEach, describe, expect, it, jest } from '@jest/globals';
import {
  APP_ID,
  APP_SECRET,
  OTHER_APP_ID,
  OTHER_APP_SECRET,
  PATHS,
} from '../../helpers/constants.js';
import { createHealthModule, type HealthTestModule } from '../../helpers/create-health-module.js';

const QUOTA = { cgiPath: PATHS.batchGet, minRemaining: 3 };
const PAGE = { type: 'image', offset: 0, count: 20 } as const;

/**
 * Fakes Date only (timers, sockets and the fake server's I/O run in real time), so a test can
 * step over the indicator's one-minute windows without waiting for them.
 */
function fakeDate(): { advance(ms: number): void } {
  jest.useFakeTimers({
    now: Date.now(),
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  return { advance: (ms) => jest.setSystemTime(Date.now() + ms) };
}

describe('WechatHealthIndicator', () => {
  let t: HealthTestModule | undefined;

  afterEach(async () => {
    jest.useRealTimers();
    await t?.close();
    t = undefined;
  });

  it('is up when a token can be had (one token request, nothing else)', async () => {
    t = await createHealthModule();
    await expect(t.health.isHealthy('wechat')).resolves.toEqual({ wechat: { status: 'up' } });
    expect(t.server.requests).toEqual({ [PATHS.stableToken]: 1 });
  });

  it('makes no request while a token is cached, however often it probes', async () => {
    t = await createHealthModule();
    await t.tokens.getAccessToken();
    t.server.resetCounters();
    for (let i = 0; i < 20; i++) {
      await expect(t.health.isHealthy('wechat')).resolves.toEqual({ wechat: { status: 'up' } });
    }
    expect(t.server.requests).toEqual({});
  });

  it('is down { token, 40013 } for an appid WeChat does not know, and keeps it a minute without asking again', async () => {
    const clock = fakeDate();
    t = await createHealthModule({ appId: 'wx_not_at_wechat' });
    const down = { wechat: { status: 'down', reason: 'token', errcode: 40013 } };
    await expect(t.health.isHealthy('wechat')).resolves.toEqual(down);
    expect(t.server.tokenRequests).toBe(1);
    // Past the AccessTokenService cooldown (2 s) but within the minute: still no request.
    for (const step of [1_000, 5_000, 20_000, 33_000]) {
      clock.advance(step);
      await expect(t.health.isHealthy('wechat')).resolves.toEqual(down);
    }
    expect(t.server.tokenRequests).toBe(1);
    clock.advance(1_500); // 60.5 s after the first answer
    await expect(t.health.isHealthy('wechat')).resolves.toEqual(down);
    expect(t.server.tokenRequests).toBe(2);
  });

  it('is down { token, 40164 } (IP not whitelisted) with no secret, token, IP or message in it', async () => {
    const clock = fakeDate();
    t = await createHealthModule();
    t.server.failNext(PATHS.stableToken, { errcode: 40164 });
    const result = await t.health.isHealthy('wechat');
    expect(result).toEqual({ wechat: { status: 'down', reason: 'token', errcode: 40164 } });
    const text = JSON.stringify(result);
    for (const secret of [APP_SECRET, '1.2.3.4', 'whitelist']) expect(text).not.toContain(secret);
    // The fault is gone, but the indicator remembers the answer for a minute.
    clock.advance(59_000);
    await expect(t.health.isHealthy('wechat')).resolves.toEqual(result);
    expect(t.server.tokenRequests).toBe(1);
    clock.advance(1_001);
    await expect(t.health.isHealthy('wechat')).resolves.toEqual({ wechat: { status: 'up' } });
    expect(t.server.tokenRequests).toBe(2);
  });

  it('remembers a down token result for tokenErrorCooldownMs when that is longer than a minute', async () => {
    const clock = fakeDate();
    t = await createHealthModule({ tokenErrorCooldownMs: 120_000 });
    t.server.failNext(PATHS.stableToken, { errcode: 40125 });
    await expect(t.health.isHealthy('wechat')).resolves.toMatchObject({
      wechat: { reason: 'token', errcode: 40125 },
    });
    clock.advance(119_000);
    await expect(t.health.isHealthy('wechat')).resolves.toMatchObject({
      wechat: { status: 'down', errcode: 40125 },
    });
    expect(t.server.tokenRequests).toBe(1);
    clock.advance(1_001);
    await expect(t.health.isHealthy('wechat')).resolves.toEqual({ wechat: { status: 'up' } });
    expect(t.server.tokenRequests).toBe(2);
  });

  it('reports a token errcode remembered by the AccessTokenService cooldown without a request', async () => {
    t = await createHealthModule({ tokenErrorCooldownMs: 60_000 });
    t.server.failNext(PATHS.stableToken, { errcode: 40243 });
    await expect(t.material.getMaterialCount()).rejects.toMatchObject({ errcode: 40243 });
    await expect(t.health.isHealthy('wechat')).resolves.toEqual({
      wechat: { status: 'down', reason: 'token', errcode: 40243 },
    });
    expect(t.server.tokenRequests).toBe(1);
  });

  it('is down with the transport reason when fetching the token fails, and asks again next time', async () => {
    t = await createHealthModule();
    t.server.failNext(PATHS.stableToken, 'html502', 3); // the first try and both retries
    await expect(t.health.isHealthy('wechat')).resolves.toEqual({
      wechat: { status: 'down', reason: 'http_status' },
    });
    t.server.failNext(PATHS.stableToken, 'reset', 3);
    await expect(t.health.isHealthy('wechat')).resolves.toEqual({
      wechat: { status: 'down', reason: 'network' },
    });
    t.server.failNext(PATHS.stableToken, 'not_json', 1);
    await expect(t.health.isHealthy('wechat')).resolves.toEqual({
      wechat: { status: 'down', reason: 'bad_response' },
    });
    // Transport failures are not remembered: the next probe fetches and is up.
    await expect(t.health.isHealthy('wechat')).resolves.toEqual({ wechat: { status: 'up' } });
    expect(t.server.tokenRequests).toBe(3 + 3 + 1 + 1);
  });

  it('answers down { timeout } within 3 s while the token request is held, and does not pile requests up', async () => {
    t = await createHealthModule({ timeoutMs: 20_000 });
    t.server.failNext(PATHS.stableToken, 'timeout');
    const started = Date.now();
    const [first, second] = await Promise.all([
      t.health.isHealthy('wechat'),
      t.health.isHealthy('wechat'),
    ]);
    const elapsed = Date.now() - started;
    expect(first).toEqual({ wechat: { status: 'down', reason: 'timeout' } });
    expect(second).toEqual(first);
    expect(elapsed).toBeGreaterThanOrEqual(2_400);
    // Within the promised 3 s, with slack for a loaded machine's timers.
    expect(elapsed).toBeLessThan(3_500);
    expect(t.server.tokenRequests).toBe(1); // both share the one held fetch
  }, 15_000);

  describe('with quota', () => {
    it('is up while remain >= minRemaining and down { quota_low } below it', async () => {
      t = await createHealthModule({}, { dailyLimits: { [PATHS.batchGet]: 5 } });
      await t.material.batchGetMaterial(PAGE);
      await t.material.batchGetMaterial(PAGE); // remain 3
      await expect(t.health.isHealthy('wechat', { quota: QUOTA })).resolves.toEqual({
        wechat: { status: 'up' },
      });
      await expect(
        t.health.isHealthy('other', { quota: { ...QUOTA, minRemaining: 4 } }),
      ).resolves.toEqual({ other: { status: 'down', reason: 'quota_low' } });
      expect(t.server.requests[PATHS.quota]).toBe(1); // same (appId, cgiPath): cached
    });

    it('asks quota/get once a minute per (appId, cgiPath), however often it probes', async () => {
      const clock = fakeDate();
      t = await createHealthModule(
        { accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } } },
        { dailyLimits: { [PATHS.batchGet]: 5 } },
      );
      const probe = (appId: string = APP_ID, cgiPath: string = PATHS.batchGet) =>
        t!.health.isHealthy('wechat', { appId, quota: { cgiPath, minRemaining: 3 } });
      await expect(probe()).resolves.toEqual({ wechat: { status: 'up' } });
      await t.material.batchGetMaterial(PAGE);
      await t.material.batchGetMaterial(PAGE);
      await t.material.batchGetMaterial(PAGE); // remain 2, but the cached answer says 5
      clock.advance(59_000);
      await expect(probe()).resolves.toEqual({ wechat: { status: 'up' } });
      expect(t.server.requests[PATHS.quota]).toBe(1);
      // Another account or another path is another question.
      await probe(OTHER_APP_ID);
      await probe(APP_ID, PATHS.count);
      expect(t.server.requests[PATHS.quota]).toBe(3);
      clock.advance(1_001);
      await expect(probe()).resolves.toEqual({
        wechat: { status: 'down', reason: 'quota_low' },
      });
      expect(t.server.requests[PATHS.quota]).toBe(4);
    });

    it('is down { quota_error, errcode } when quota/get answers an errcode, and not cached', async () => {
      t = await createHealthModule();
      const unknownPath = { cgiPath: '/cgi-bin/no/such/api', minRemaining: 1 };
      await expect(t.health.isHealthy('wechat', { quota: unknownPath })).resolves.toEqual({
        wechat: { status: 'down', reason: 'quota_error', errcode: 76021 },
      });
      await t.health.isHealthy('wechat', { quota: unknownPath });
      expect(t.server.requests[PATHS.quota]).toBe(2);
    });

    it('reports a token endpoint failure met while quota/get refreshes a rejected token as token, not quota_error', async () => {
      t = await createHealthModule();
      await t.tokens.getAccessToken();
      t.server.failNext(PATHS.quota, { errcode: 40001 }); // the token was revoked meanwhile
      t.server.failNext(PATHS.stableToken, { errcode: 40164 }); // and the refetch is refused
      await expect(t.health.isHealthy('wechat', { quota: QUOTA })).resolves.toEqual({
        wechat: { status: 'down', reason: 'token', errcode: 40164 },
      });
      // Remembered like any down token result: the next probe asks nothing.
      t.server.resetCounters();
      await expect(t.health.isHealthy('wechat', { quota: QUOTA })).resolves.toMatchObject({
        wechat: { reason: 'token', errcode: 40164 },
      });
      expect(t.server.requests).toEqual({});
    });

    it('is down { quota_error } without errcode when quota/get fails in transport', async () => {
      t = await createHealthModule();
      t.server.failNext(PATHS.quota, 'html504', 3);
      await expect(t.health.isHealthy('wechat', { quota: QUOTA })).resolves.toEqual({
        wechat: { status: 'down', reason: 'quota_error' },
      });
      await expect(t.health.isHealthy('wechat', { quota: QUOTA })).resolves.toEqual({
        wechat: { status: 'up' },
      });
    });
  });

  describe('accounts and providers', () => {
    it('is up with a provider resolving null (Cloud Hosting), quota included', async () => {
      t = await createHealthModule(
        { appSecret: undefined, accessTokenProvider: { getAccessToken: async () => null } },
        { tokenless: true },
      );
      await expect(t.health.isHealthy('wechat', { quota: QUOTA })).resolves.toEqual({
        wechat: { status: 'up' },
      });
      expect(t.server.tokenRequests).toBe(0);
    });

    it('is down { token } when the provider throws (its message is not shown)', async () => {
      t = await createHealthModule({
        appSecret: undefined,
        accessTokenProvider: {
          getAccessToken: async () => {
            throw new Error('token service down: secret=abc');
          },
        },
      });
      await expect(t.health.isHealthy('wechat')).resolves.toEqual({
        wechat: { status: 'down', reason: 'token' },
      });
    });

    it('is down { configuration } for an appId the module does not know, with no request', async () => {
      t = await createHealthModule();
      await expect(t.health.isHealthy('wechat', { appId: 'wx_nobody' })).resolves.toEqual({
        wechat: { status: 'down', reason: 'configuration' },
      });
      expect(t.server.requests).toEqual({});
    });

    it('probes another configured account with its own token', async () => {
      t = await createHealthModule({
        accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } },
      });
      await expect(t.health.isHealthy('other', { appId: OTHER_APP_ID })).resolves.toEqual({
        other: { status: 'up' },
      });
      expect(t.server.tokenRequestsFor(OTHER_APP_ID)).toBe(1);
      expect(t.server.tokenRequestsFor(APP_ID)).toBe(0);
    });

    it.each([
      ['a negative minRemaining', { quota: { cgiPath: PATHS.batchGet, minRemaining: -1 } }],
      ['a cgiPath that is not a path', { quota: { cgiPath: 'batchget', minRemaining: 1 } }],
      ['an empty appId', { appId: '' }],
    ])('is down { configuration } for %s, with no request', async (_what, opts) => {
      t = await createHealthModule();
      await expect(t.health.isHealthy('wechat', opts)).resolves.toEqual({
        wechat: { status: 'down', reason: 'configuration' },
      });
      expect(t.server.requests).toEqual({});
    });
  });
});
