import { afterEach, describe, expect, it } from '@jest/globals';
import type { AccessTokenProvider } from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { APP_ID, OTHER_APP_ID, PATHS } from '../../helpers/constants.js';
import { sleep } from '../../helpers/wait.js';

const PAGE = { type: 'image', offset: 0, count: 20 } as const;

type ProviderCall = { appId?: string; forceRefresh: boolean };

/** An authorizer-style provider backed by the fake's issueToken(); it owns its cache. */
function recordingProvider(
  mint: (appId?: string) => string | null,
  delayMs = 0,
): AccessTokenProvider & { calls: ProviderCall[] } {
  const cache = new Map<string, string | null>();
  const calls: ProviderCall[] = [];
  return {
    calls,
    async getAccessToken(opts) {
      calls.push({ ...opts });
      if (delayMs > 0) await sleep(delayMs);
      const key = opts.appId ?? '';
      if (opts.forceRefresh || !cache.has(key)) cache.set(key, mint(opts.appId));
      return cache.get(key)!;
    },
  };
}

describe('accessTokenProvider', () => {
  let t: TestModule | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** Mints a valid token on the fake of the running test (called lazily, after setup). */
  const issue = (appId?: string): string => t!.server.issueToken(appId);

  async function setup(provider: AccessTokenProvider, serverOptions = {}): Promise<TestModule> {
    t = await createTestModule(
      { appId: APP_ID, appSecret: undefined, accessTokenProvider: provider },
      serverOptions,
    );
    return t;
  }

  it('replaces the token fetch: no token requests, provider asked with { appId, forceRefresh: false }', async () => {
    const provider = recordingProvider(issue);
    const { server } = await setup(provider);
    await expect(t!.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    expect(provider.calls).toEqual([{ appId: APP_ID, forceRefresh: false }]);
    expect(server.tokenRequests).toBe(0);
    expect(server.requests[PATHS.batchGet]).toBe(1);
  });

  it('is not cached by the library: asked again on every call', async () => {
    const provider = recordingProvider(issue);
    const { server } = await setup(provider);
    await t!.material.batchGetMaterial(PAGE);
    await t!.material.getMaterialCount();
    await t!.material.batchGetMaterial(PAGE);
    expect(provider.calls).toHaveLength(3);
    expect(server.tokenRequests).toBe(0);
  });

  it('after a 40001 it is asked once with forceRefresh: true and the call is replayed', async () => {
    const provider = recordingProvider(issue);
    const { server } = await setup(provider);
    await t!.material.batchGetMaterial(PAGE);
    server.expireToken();
    await expect(t!.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    expect(provider.calls).toEqual([
      { appId: APP_ID, forceRefresh: false },
      { appId: APP_ID, forceRefresh: false },
      { appId: APP_ID, forceRefresh: true },
    ]);
    expect(server.requests[PATHS.batchGet]).toBe(3);
    expect(server.tokenRequests).toBe(0);
  });

  it('a provider token rejected twice fails the call without more provider calls', async () => {
    const provider = recordingProvider(issue);
    const { server } = await setup(provider);
    server.failNext(PATHS.batchGet, { errcode: 42001 }, 5);
    await expect(t!.material.batchGetMaterial(PAGE)).rejects.toMatchObject({ errcode: 42001 });
    expect(provider.calls.map((c) => c.forceRefresh)).toEqual([false, true]);
    expect(server.requests[PATHS.batchGet]).toBe(2);
  });

  it('concurrent calls share one pending provider call', async () => {
    const provider = recordingProvider(issue, 30);
    const { server } = await setup(provider);
    await Promise.all(Array.from({ length: 100 }, () => t!.material.batchGetMaterial(PAGE)));
    expect(provider.calls).toHaveLength(1);
    expect(server.requests[PATHS.batchGet]).toBe(100);
  });

  it('receives the appId of forAccount(), and any appId is allowed with a provider', async () => {
    const provider = recordingProvider(issue);
    const { server } = await setup(provider);
    await t!.material.forAccount(OTHER_APP_ID).getMaterialCount();
    expect(provider.calls).toEqual([{ appId: OTHER_APP_ID, forceRefresh: false }]);
    expect(server.tokenRequests).toBe(0);
  });

  it('resolving null sends no access_token: works behind a Cloud Hosting gateway (tokenless)', async () => {
    const provider = recordingProvider(() => null);
    const { server, material } = await setup(provider, { tokenless: true });
    await expect(material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    await expect(material.getMaterialCount()).resolves.toMatchObject({ image_count: 4 });
    expect(server.tokenRequests).toBe(0);
    expect(provider.calls.every((c) => c.forceRefresh === false)).toBe(true);
  });

  it('resolving null really omits access_token (a normal server answers 41001)', async () => {
    const provider = recordingProvider(() => null);
    const { material, filter } = await setup(provider);
    const err = await material.batchGetMaterial(PAGE).catch((e: unknown) => e);
    expect(err).toMatchObject({ errcode: 41001 });
    expect(filter.toResponse(err as never).status).toBe(500);
  });

  it('getAccessToken() with a provider resolving null resolves null (no token, no request)', async () => {
    const provider = recordingProvider(() => null);
    const { tokens, server } = await setup(provider, { tokenless: true });
    await expect(tokens.getAccessToken()).resolves.toBeNull();
    await expect(tokens.getAccessToken({ forceRefresh: true })).resolves.toBeNull();
    expect(provider.calls.map((c) => c.forceRefresh)).toEqual([false, true]);
    expect(server.requests).toEqual({});
  });

  it('a provider that throws fails the call with its error, no request sent', async () => {
    const boom = new Error('token service down');
    const { material, server } = await setup({
      getAccessToken: async () => {
        throw boom;
      },
    });
    await expect(material.batchGetMaterial(PAGE)).rejects.toBe(boom);
    expect(server.requests).toEqual({});
  });
});
