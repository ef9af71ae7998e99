import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { MaterialService } from '../../../lib/index.js';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { PATHS } from '../../helpers/constants.js';
import {
  AuthorizerMaterialService,
  AuthorizerTokenSource,
  PlatformMaterialModule,
} from './third-party-platform.recipe.js';

const AUTHORIZER_A = 'wx_authorizer_a';
const AUTHORIZER_B = 'wx_authorizer_b';

/** Stands for the platform's token store: authorizer tokens minted by the fake WeChat. */
class FakeAuthorizerTokens extends AuthorizerTokenSource {
  readonly asked: { appId: string; forceRefresh: boolean }[] = [];
  private readonly cache = new Map<string, string>();

  constructor(private readonly server: FakeWechatServer) {
    super();
  }

  async getAuthorizerAccessToken(appId: string, opts: { forceRefresh: boolean }): Promise<string> {
    this.asked.push({ appId, forceRefresh: opts.forceRefresh });
    let token = this.cache.get(appId);
    if (!token || opts.forceRefresh) {
      token = this.server.issueToken(appId);
      this.cache.set(appId, token);
    }
    return token;
  }
}

describe('recipe: third-party platform (authorizer_access_token through an AccessTokenProvider)', () => {
  let server: FakeWechatServer;
  let tokens: FakeAuthorizerTokens;
  let moduleRef: TestingModule;
  let platform: AuthorizerMaterialService;
  const savedBaseUrl = process.env.WECHAT_API_BASE_URL;

  beforeEach(async () => {
    // Authorizer accounts exist at WeChat; the library never learns a secret for them.
    server = new FakeWechatServer({
      accounts: { [AUTHORIZER_A]: 'not_used_a', [AUTHORIZER_B]: 'not_used_b' },
    });
    const { baseUrl } = await server.start();
    server.seedGenerated({ image: 3 });
    process.env.WECHAT_API_BASE_URL = baseUrl;
    tokens = new FakeAuthorizerTokens(server);

    @Global()
    @Module({
      providers: [{ provide: AuthorizerTokenSource, useValue: tokens }],
      exports: [AuthorizerTokenSource],
    })
    class PlatformTokenModule {}

    moduleRef = await Test.createTestingModule({
      imports: [PlatformTokenModule, PlatformMaterialModule],
    })
      .setLogger(new CapturingLogger())
      .compile();
    platform = moduleRef.get(AuthorizerMaterialService);
  });

  afterEach(async () => {
    if (savedBaseUrl === undefined) delete process.env.WECHAT_API_BASE_URL;
    else process.env.WECHAT_API_BASE_URL = savedBaseUrl;
    await moduleRef?.close();
    await server.stop();
  });

  it('calls each authorizer with its own token from the provider; the library fetches none', async () => {
    const [a, b] = await Promise.all([
      platform.listImages(AUTHORIZER_A),
      platform.listImages(AUTHORIZER_B),
    ]);
    expect(a.item_count).toBe(3);
    expect(b.item_count).toBe(3);
    expect(server.tokenRequests).toBe(0);
    expect(server.requests[PATHS.batchGet]).toBe(2);
    expect(tokens.asked).toEqual(
      expect.arrayContaining([
        { appId: AUTHORIZER_A, forceRefresh: false },
        { appId: AUTHORIZER_B, forceRefresh: false },
      ]),
    );
  });

  it('concurrent calls for one authorizer share one pending provider call', async () => {
    await Promise.all(Array.from({ length: 10 }, () => platform.listImages(AUTHORIZER_A)));
    expect(tokens.asked.filter((q) => q.appId === AUTHORIZER_A)).toHaveLength(1);
  });

  it('after a 40001 the provider is asked once with forceRefresh: true and the call is replayed', async () => {
    await platform.listImages(AUTHORIZER_A);
    server.expireToken(); // the cached authorizer token is dead now

    const page = await platform.listImages(AUTHORIZER_A);
    expect(page.item_count).toBe(3);
    expect(tokens.asked.filter((q) => q.forceRefresh)).toEqual([
      { appId: AUTHORIZER_A, forceRefresh: true },
    ]);
  });

  it('a call without forAccount() fails with a message saying what to do', async () => {
    const material = moduleRef.get(MaterialService);
    await expect(material.batchGetMaterial({ type: 'image', offset: 0, count: 1 })).rejects.toThrow(
      /forAccount\(authorizerAppId\)/,
    );
    expect(server.requests[PATHS.batchGet]).toBeUndefined();
  });
});
