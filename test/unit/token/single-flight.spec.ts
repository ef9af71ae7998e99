import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Agent } from 'undici';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { OTHER_APP_ID, OTHER_APP_SECRET, PATHS } from '../../helpers/constants.js';

const PAGE = { type: 'image', offset: 0, count: 1 } as const;

describe('single-flight token fetch', () => {
  let t: TestModule | undefined;

  let agent: Agent;

  beforeEach(() => {
    agent = new Agent({ connections: 16 });
  });

  afterEach(async () => {
    await t?.close();
    t = undefined;
    await agent.destroy();
  });

  it.each([
    ['stable', PATHS.stableToken],
    ['classic', PATHS.classicToken],
  ] as const)(
    '%s: 1000 concurrent cold calls make exactly 1 token request',
    async (tokenEndpoint, tokenPath) => {
      // All 1000 calls start before the first token answer can arrive. A bounded agent keeps
      // the 1000 business calls cheap: this test is about the token.
      t = await createTestModule({ tokenEndpoint, timeoutMs: 20_000, http: { dispatcher: agent } });
      const pages = await Promise.all(
        Array.from({ length: 1000 }, () => t!.material.batchGetMaterial(PAGE)),
      );
      expect(pages).toHaveLength(1000);
      expect(pages.every((p) => p.item_count === 1)).toBe(true);
      expect(t.server.tokenRequests).toBe(1);
      expect(t.server.requests[tokenPath]).toBe(1);
      expect(t.server.requests[PATHS.batchGet]).toBe(1000);
    },
  );

  it('1000 concurrent getAccessToken() calls share one fetch and get the same token', async () => {
    t = await createTestModule({}, { latencyMs: 20 });
    const tokens = await Promise.all(
      Array.from({ length: 1000 }, () => t!.tokens.getAccessToken()),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(t.server.tokenRequests).toBe(1);
  });

  it('the token is reused across later calls (no fetch per call)', async () => {
    t = await createTestModule({ tokenEndpoint: 'classic' });
    for (let i = 0; i < 5; i++) await t.material.batchGetMaterial(PAGE);
    await t.material.getMaterialCount();
    await t.quota.getQuota();
    expect(t.server.tokenRequests).toBe(1);
    expect(t.server.requests[PATHS.batchGet]).toBe(5);
  });

  it('single flight is per appId: two accounts, two fetches, separate tokens', async () => {
    t = await createTestModule(
      { accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } } },
      { latencyMs: 20 },
    );
    const other = t.material.forAccount(OTHER_APP_ID);
    await Promise.all([
      ...Array.from({ length: 50 }, () => t!.material.batchGetMaterial(PAGE)),
      ...Array.from({ length: 50 }, () => other.batchGetMaterial(PAGE)),
    ]);
    expect(t.server.tokenRequests).toBe(2);
    const main = await t.tokens.getAccessToken();
    const second = await t.tokens.getAccessToken({ appId: OTHER_APP_ID });
    expect(main).not.toBe(second);
    expect(t.server.tokenRequests).toBe(2);
  });

  it('a failed fetch is not cached: the next call fetches again', async () => {
    t = await createTestModule({ retry: { attempts: 0 } });
    t.server.failNext(PATHS.stableToken, 'html502');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => t!.material.batchGetMaterial(PAGE)),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(t.server.tokenRequests).toBe(1);
    await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 1 });
    expect(t.server.tokenRequests).toBe(2);
  });
});
