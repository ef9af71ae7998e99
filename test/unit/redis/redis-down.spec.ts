import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest,
} from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RedisTokenStore } from '../../../lib/redis/index.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { APP_ID, APP_SECRET, OTHER_APP_ID, OTHER_APP_SECRET } from '../../helpers/constants.js';
import { RedisServer, describeWithRedis, freePort } from '../../helpers/redis-server.js';
import { sleep } from '../../helpers/wait.js';

jest.setTimeout(60_000);

const KEY = `access_token:${APP_ID}`;

/** Resolves with fn's result and how long it took. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const startedAt = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - startedAt };
}

describeWithRedis('RedisTokenStore when Redis is down: documented fallback, never a hang', () => {
  const redis = new RedisServer();
  const cleanups: (() => Promise<void> | void)[] = [];
  let deadUrl = '';

  beforeAll(async () => {
    await redis.start();
    // Nothing listens here (picked free, never bound): connections are refused at once.
    deadUrl = `redis://127.0.0.1:${await freePort()}`;
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    redis.resume();
    if (!redis.running) await redis.restart();
  });

  afterAll(async () => {
    await redis.stop();
  });

  describe('store level', () => {
    let logger: CapturingLogger;

    beforeEach(() => {
      logger = new CapturingLogger();
      Logger.overrideLogger(logger);
    });

    it('unreachable Redis: get is a miss, set/delete do not throw, withLock runs fn — all fast', async () => {
      const store = new RedisTokenStore(deadUrl);
      cleanups.push(() => store.close());

      const { ms } = await timed(async () => {
        await expect(store.get(KEY)).resolves.toBeUndefined();
        await expect(
          store.set(KEY, { token: 'TOKEN_NEVER_LOGGED', expiresAt: Date.now() + 60_000 }),
        ).resolves.toBeUndefined();
        await expect(store.delete(KEY)).resolves.toBeUndefined();
        await expect(store.withLock(KEY, async () => 'fetched without the lock')).resolves.toBe(
          'fetched without the lock',
        );
      });
      expect(ms).toBeLessThan(3_000);

      const warnings = logger
        .wechat('warn')
        .map((l) => l.message)
        .join('\n');
      expect(warnings).toMatch(/GET failed .*cache miss/);
      expect(warnings).toMatch(/SET failed/);
      expect(warnings).toMatch(/DEL failed/);
      expect(warnings).toMatch(/Redis unreachable .*without the cross-process lock/);
      expect(logger.text()).not.toContain('TOKEN_NEVER_LOGGED');
    });

    it('a URL password never reaches a log line', async () => {
      const store = new RedisTokenStore(deadUrl.replace('redis://', 'redis://:s3cr3t-pass@'));
      cleanups.push(() => store.close());
      await store.get(KEY);
      await store.withLock(KEY, async () => undefined);
      expect(logger.wechat('warn').length).toBeGreaterThan(0);
      expect(logger.text()).not.toContain('s3cr3t-pass');
    });

    it('frozen Redis (SIGSTOP: connected, never answers): every command gives up on its deadline', async () => {
      const store = new RedisTokenStore(redis.url);
      cleanups.push(() => store.close());
      await store.set(KEY, { token: 'TOKEN_BEFORE', expiresAt: Date.now() + 60_000 });
      redis.pause();

      const { value, ms } = await timed(async () => ({
        got: await store.get(KEY),
        locked: await store.withLock(KEY, async () => 'ran'),
      }));
      expect(value).toEqual({ got: undefined, locked: 'ran' });
      expect(ms).toBeLessThan(5_000);
      expect(
        logger
          .wechat('warn')
          .map((l) => l.message)
          .join('\n'),
      ).toMatch(/timed out/);
    });
  });

  describe('through MaterialService', () => {
    const moduleWith = async (tokenStore: RedisTokenStore): Promise<TestModule> => {
      const t = await createTestModule({
        tokenStore,
        accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } },
      });
      cleanups.push(() => t.close());
      return t;
    };

    it('Redis unreachable from the start: cold calls work (one token fetch), within bounded time', async () => {
      const store = new RedisTokenStore(deadUrl);
      cleanups.push(() => store.close());
      const t = await moduleWith(store);

      const { value: pages, ms } = await timed(() =>
        Promise.all(
          Array.from({ length: 50 }, () =>
            t.material.batchGetMaterial({ type: 'image', offset: 0, count: 5 }),
          ),
        ),
      );
      expect(pages).toHaveLength(50);
      expect(ms).toBeLessThan(5_000);
      expect(t.server.tokenRequests).toBe(1); // still single-flighted inside the process
      const warnings = t.logger
        .wechat('warn')
        .map((l) => l.message)
        .join('\n');
      expect(warnings).toMatch(/Redis unreachable .*without the cross-process lock/);
      expect(t.logger.text()).not.toContain(APP_SECRET);
    });

    it('Redis stops while the app runs: calls keep working, and the store is used again once Redis is back', async () => {
      const store = new RedisTokenStore(redis.url);
      cleanups.push(() => store.close());
      const t = await moduleWith(store);
      await t.material.batchGetMaterial({ type: 'image', offset: 0, count: 5 });
      expect(t.server.tokenRequests).toBe(1);

      await redis.stop();
      // A cold account needs a fetch: the store fails, the fallback serves the call.
      const { ms } = await timed(async () => {
        await t.material
          .forAccount(OTHER_APP_ID)
          .batchGetMaterial({ type: 'image', offset: 0, count: 5 });
        await t.material.batchGetMaterial({ type: 'image', offset: 0, count: 5 }); // cached in process
      });
      expect(ms).toBeLessThan(5_000);
      expect(t.server.tokenRequests).toBe(2);

      await redis.restart();
      const probe = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      cleanups.push(() => probe.disconnect());
      const deadline = Date.now() + 15_000;
      for (;;) {
        await store.set('access_token:wx_probe', {
          token: 'TOKEN_PROBE',
          expiresAt: Date.now() + 60_000,
        });
        if (await probe.exists('wechat-material:access_token:wx_probe')) break;
        if (Date.now() > deadline) throw new Error('the store did not reconnect within 15 s');
        await sleep(200);
      }
    });

    it('frozen Redis: a cold call still completes within bounded time', async () => {
      const store = new RedisTokenStore(redis.url);
      cleanups.push(() => store.close());
      const t = await moduleWith(store);
      await t.material.batchGetMaterial({ type: 'image', offset: 0, count: 5 });

      redis.pause();
      const { ms } = await timed(() =>
        t.material
          .forAccount(OTHER_APP_ID)
          .batchGetMaterial({ type: 'image', offset: 0, count: 5 }),
      );
      // Worst case: GET, SET NX, GET, SET each wait out their deadline once.
      expect(ms).toBeLessThan(10_000);
      expect(t.server.tokenRequests).toBe(2);
    });

    it('a given ioredis instance with its default (queueing, retrying) settings does not hang either', async () => {
      // Defaults kept: offline queue on, 20 retries per request. (A short disconnectTimeout
      // only spares the test ioredis's 2 s wait for the dead socket on disconnect.)
      const given = new Redis(deadUrl, { disconnectTimeout: 100 });
      given.on('error', () => undefined);
      cleanups.push(() => given.disconnect());
      const store = new RedisTokenStore(given);
      const t = await moduleWith(store);

      const { ms } = await timed(() =>
        t.material.batchGetMaterial({ type: 'image', offset: 0, count: 5 }),
      );
      expect(ms).toBeLessThan(10_000);
      expect(t.server.tokenRequests).toBe(1);
      await store.close();
      expect(given.status).not.toBe('end'); // close() leaves a given instance alone
    });
  });
});
