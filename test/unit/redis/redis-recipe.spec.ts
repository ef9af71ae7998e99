import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { MaterialService } from '../../../lib/index.js';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { APP_ID, APP_SECRET, FAKE_ACCOUNTS } from '../../helpers/constants.js';
import { RedisServer, describeWithRedis } from '../../helpers/redis-server.js';
import { sleep } from '../../helpers/wait.js';
import { SharedTokenAppModule } from '../recipes/redis.recipe.js';

const ENV_KEYS = [
  'REDIS_URL',
  'WECHAT_APP_ID',
  'WECHAT_APP_SECRET',
  'WECHAT_API_BASE_URL',
] as const;

describeWithRedis('recipe: tokens shared through Redis (RedisTokenStore as a provider)', () => {
  const redis = new RedisServer();
  const server = new FakeWechatServer({ accounts: FAKE_ACCOUNTS });
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  let raw: Redis;

  beforeAll(async () => {
    await redis.start();
    const { baseUrl } = await server.start();
    server.seedGenerated({ image: 2 });
    raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    Object.assign(process.env, {
      REDIS_URL: redis.url,
      WECHAT_APP_ID: APP_ID,
      WECHAT_APP_SECRET: APP_SECRET,
      WECHAT_API_BASE_URL: baseUrl,
    });
  });

  afterAll(async () => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await raw?.quit();
    await server.stop();
    await redis.stop();
  });

  it('two app instances share one token through Redis, and close their connections on shutdown', async () => {
    const clientsBefore = await clientCount(raw);
    const apps = await Promise.all(
      [0, 1].map(() =>
        Test.createTestingModule({ imports: [SharedTokenAppModule] })
          .setLogger(new CapturingLogger())
          .compile(),
      ),
    );
    const pages = await Promise.all(
      apps.map((app) =>
        app.get(MaterialService).batchGetMaterial({ type: 'image', offset: 0, count: 20 }),
      ),
    );
    expect(pages.map((p) => p.item_count)).toEqual([2, 2]);
    expect(server.tokenRequests).toBe(1);
    expect(await raw.exists(`wechat-material:access_token:${APP_ID}`)).toBe(1);
    expect(await clientCount(raw)).toBe(clientsBefore + 2);

    await Promise.all(apps.map((app) => app.close()));
    const deadline = Date.now() + 3_000;
    while ((await clientCount(raw)) !== clientsBefore) {
      if (Date.now() > deadline) throw new Error('the stores did not close their connections');
      await sleep(20);
    }
  });
});

async function clientCount(raw: Redis): Promise<number> {
  const list = (await raw.client('LIST')) as string;
  return list.trim().split('\n').filter(Boolean).length;
}
