import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RedisTokenStore } from '../../../lib/redis/index.js';
import { WechatConfigurationException } from '../../../lib/index.js';
import { CapturingLogger } from '../../helpers/capturing-logger.js';
import { RedisServer, describeWithRedis } from '../../helpers/redis-server.js';
import { sleep } from '../../helpers/wait.js';

const KEY = 'access_token:wx_store_app';

describeWithRedis('RedisTokenStore against a real redis-server', () => {
  const redis = new RedisServer();
  let raw: Redis;
  let logger: CapturingLogger;
  const stores: RedisTokenStore[] = [];
  let prefixCounter = 0;
  let prefix = '';

  /** A store on its own connection (from the URL), closed after the test. */
  const newStore = (
    opts: ConstructorParameters<typeof RedisTokenStore>[1] = {},
  ): RedisTokenStore => {
    const store = new RedisTokenStore(redis.url, { keyPrefix: prefix, ...opts });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    await redis.start();
    raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    await raw?.quit();
    await redis.stop();
  });

  beforeEach(() => {
    prefix = `t${++prefixCounter}:`;
    logger = new CapturingLogger();
    Logger.overrideLogger(logger);
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  describe('get / set / delete', () => {
    it('stores JSON under the prefixed key with a PX TTL that ends at expiresAt', async () => {
      const store = newStore();
      const expiresAt = Date.now() + 60_000;
      await store.set(KEY, { token: 'TOKEN_A', expiresAt });

      expect(JSON.parse((await raw.get(`${prefix}${KEY}`))!)).toEqual({
        token: 'TOKEN_A',
        expiresAt,
      });
      const pttl = await raw.pttl(`${prefix}${KEY}`);
      expect(pttl).toBeGreaterThan(58_000);
      expect(pttl).toBeLessThanOrEqual(60_000);
      await expect(store.get(KEY)).resolves.toEqual({ token: 'TOKEN_A', expiresAt });
      // Another store (another process, in real life) sees the same entry.
      await expect(newStore().get(KEY)).resolves.toEqual({ token: 'TOKEN_A', expiresAt });

      await store.delete(KEY);
      await expect(store.get(KEY)).resolves.toBeUndefined();
      expect(await raw.exists(`${prefix}${KEY}`)).toBe(0);
    });

    it('lets Redis drop the entry once expiresAt has passed', async () => {
      const store = newStore();
      await store.set(KEY, { token: 'TOKEN_SHORT', expiresAt: Date.now() + 150 });
      await expect(store.get(KEY)).resolves.toMatchObject({ token: 'TOKEN_SHORT' });
      await sleep(250);
      await expect(store.get(KEY)).resolves.toBeUndefined();
    });

    it('does not keep an entry that is already past expiresAt (and replaces an older one)', async () => {
      const store = newStore();
      await store.set(KEY, { token: 'TOKEN_OLD', expiresAt: Date.now() + 60_000 });
      await store.set(KEY, { token: 'TOKEN_DEAD', expiresAt: Date.now() - 1 });
      await expect(store.get(KEY)).resolves.toBeUndefined();
    });

    it('overwrites, and treats a value that is not one of ours as a miss', async () => {
      const store = newStore();
      await store.set(KEY, { token: 'TOKEN_1', expiresAt: Date.now() + 60_000 });
      await store.set(KEY, { token: 'TOKEN_2', expiresAt: Date.now() + 60_000 });
      await expect(store.get(KEY)).resolves.toMatchObject({ token: 'TOKEN_2' });

      for (const junk of [
        'not json',
        '"a string"',
        '{"token":"","expiresAt":1}',
        '{"token":"x"}',
        'null',
      ]) {
        await raw.set(`${prefix}${KEY}`, junk);
        await expect(store.get(KEY)).resolves.toBeUndefined();
      }
    });

    it("uses 'wechat-material:' as the default prefix", async () => {
      const store = new RedisTokenStore(redis.url);
      stores.push(store);
      await store.set('access_token:wx_default_prefix', {
        token: 'T',
        expiresAt: Date.now() + 10_000,
      });
      expect(await raw.exists('wechat-material:access_token:wx_default_prefix')).toBe(1);
      await store.delete('access_token:wx_default_prefix');
    });
  });

  describe('withLock', () => {
    it('lets one holder in at a time across connections (mutual exclusion)', async () => {
      const a = newStore({ lockWaitMs: 10_000 });
      const b = newStore({ lockWaitMs: 10_000 });
      let inside = 0;
      let maxInside = 0;
      let runs = 0;
      const critical = async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        // The lock must exist in Redis while someone is inside.
        expect(await raw.exists(`${prefix}lock:${KEY}`)).toBe(1);
        await sleep(15);
        runs++;
        inside--;
        return runs;
      };
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).withLock(KEY, critical)),
      );
      expect(maxInside).toBe(1);
      expect(runs).toBe(20);
      expect(new Set(results).size).toBe(20);
      expect(await raw.exists(`${prefix}lock:${KEY}`)).toBe(0);
      expect(logger.wechat('warn')).toEqual([]);
    });

    it('sets the lock with SET NX PX lockTtlMs and a random value', async () => {
      const store = newStore({ lockTtlMs: 4_000 });
      const seen: { value: string | null; pttl: number }[] = [];
      const inLock = async () => {
        seen.push({
          value: await raw.get(`${prefix}lock:${KEY}`),
          pttl: await raw.pttl(`${prefix}lock:${KEY}`),
        });
      };
      await store.withLock(KEY, inLock);
      await store.withLock(KEY, inLock);
      expect(seen[0]!.value).toMatch(/^[0-9a-f]{32}$/);
      expect(seen[1]!.value).not.toBe(seen[0]!.value);
      expect(seen[0]!.pttl).toBeGreaterThan(3_000);
      expect(seen[0]!.pttl).toBeLessThanOrEqual(4_000);
    });

    it('releases the lock when fn throws, and passes the error on', async () => {
      const store = newStore();
      const boom = new Error('fetch failed');
      await expect(store.withLock(KEY, () => Promise.reject(boom))).rejects.toBe(boom);
      expect(await raw.exists(`${prefix}lock:${KEY}`)).toBe(0);
    });

    it('does not delete a lock another holder took after ours expired (token-checked release)', async () => {
      const first = newStore({ lockTtlMs: 200 });
      const second = newStore({ lockTtlMs: 5_000, lockWaitMs: 3_000 });
      let releaseSecond!: () => void;
      const secondMayLeave = new Promise<void>((resolve) => (releaseSecond = resolve));
      let secondInside = false;
      let secondValue: string | null = null;

      const firstDone = first.withLock(KEY, async () => {
        await sleep(100);
        // Second waits for our lock (200 ms TTL), then takes it once it expired.
        void second.withLock(KEY, async () => {
          secondInside = true;
          secondValue = await raw.get(`${prefix}lock:${KEY}`);
          await secondMayLeave;
          secondInside = false;
        });
        await sleep(500);
        expect(secondInside).toBe(true);
        return 'first';
      });
      await expect(firstDone).resolves.toBe('first');

      // The first holder's release ran after its lock had expired: the second's is intact.
      expect(secondInside).toBe(true);
      expect(secondValue).toMatch(/^[0-9a-f]{32}$/);
      expect(await raw.get(`${prefix}lock:${KEY}`)).toBe(secondValue);
      expect(
        logger
          .wechat('warn')
          .map((l) => l.message)
          .join('\n'),
      ).toMatch(/expired while held .*raise lockTtlMs/);

      releaseSecond();
      await sleep(50);
      expect(await raw.exists(`${prefix}lock:${KEY}`)).toBe(0);
    });

    it('runs fn without the lock (warning) when it is not won within lockWaitMs', async () => {
      const holder = newStore({ lockTtlMs: 5_000 });
      const waiter = newStore({ lockWaitMs: 300 });
      let leave!: () => void;
      const held = holder.withLock(KEY, () => new Promise<void>((resolve) => (leave = resolve)));
      await sleep(50);

      const startedAt = Date.now();
      await expect(waiter.withLock(KEY, async () => 'ran anyway')).resolves.toBe('ran anyway');
      const elapsed = Date.now() - startedAt;
      expect(elapsed).toBeGreaterThanOrEqual(280);
      expect(elapsed).toBeLessThan(1_500);
      const warnings = logger.wechat('warn').map((l) => l.message);
      expect(warnings.join('\n')).toMatch(
        /lock for access_token:wx_store_app not won within lockWaitMs \(300 ms\)/,
      );
      // The holder's lock was not touched.
      expect(await raw.exists(`${prefix}lock:${KEY}`)).toBe(1);
      leave();
      await held;
      expect(await raw.exists(`${prefix}lock:${KEY}`)).toBe(0);
    });

    it('runs fn exactly once per call', async () => {
      const store = newStore();
      let calls = 0;
      await store.withLock(KEY, async () => calls++);
      expect(calls).toBe(1);
    });
  });

  describe('construction and close()', () => {
    it('rejects bad arguments naming every field, never echoing a URL', () => {
      let error: unknown;
      try {
        new RedisTokenStore('http://user:hunter2@127.0.0.1:6379', {
          lockTtlMs: 0,
          lockWaitMs: -1,
          keyPrefix: 3 as unknown as string,
        });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(WechatConfigurationException);
      const e = error as WechatConfigurationException;
      expect([...e.fields].sort()).toEqual(['keyPrefix', 'lockTtlMs', 'lockWaitMs', 'redis']);
      expect(e.message).not.toContain('hunter2');
      expect(() => new RedisTokenStore({} as unknown as Redis)).toThrow(
        WechatConfigurationException,
      );
    });

    it('close() quits a connection it opened itself', async () => {
      const before = await clientCount(raw);
      const store = new RedisTokenStore(redis.url, { keyPrefix: prefix });
      await store.get(KEY); // connected
      expect(await clientCount(raw)).toBe(before + 1);
      await store.close();
      await store.close(); // idempotent
      await waitForClients(raw, before);
    });

    it('close() leaves a given ioredis instance open, and uses it as given', async () => {
      const mine = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      try {
        const store = new RedisTokenStore(mine, { keyPrefix: prefix });
        await store.set(KEY, { token: 'T_GIVEN', expiresAt: Date.now() + 10_000 });
        await store.close();
        expect(mine.status).toBe('ready');
        expect(await mine.get(`${prefix}${KEY}`)).toContain('T_GIVEN');
      } finally {
        await mine.quit();
      }
    });
  });
});

async function clientCount(raw: Redis): Promise<number> {
  const list = (await raw.client('LIST')) as string;
  return list.trim().split('\n').filter(Boolean).length;
}

async function waitForClients(raw: Redis, expected: number): Promise<void> {
  const deadline = Date.now() + 3_000;
  while ((await clientCount(raw)) !== expected) {
    if (Date.now() > deadline) throw new Error(`expected ${expected} Redis clients`);
    await sleep(20);
  }
}
