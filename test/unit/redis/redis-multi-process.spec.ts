import { afterAll, afterEach, beforeAll, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisTokenStore } from '../../../lib/redis/index.js';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { APP_ID, APP_SECRET, FAKE_ACCOUNTS, PATHS } from '../../helpers/constants.js';
import { NodeWorker, assertBuilt } from '../../helpers/node-worker.js';
import { RedisServer, describeWithRedis } from '../../helpers/redis-server.js';

jest.setTimeout(120_000);

const PROCESSES = 4;
const CALLS_PER_PROCESS = 250;

interface WorkerResult {
  pid: number;
  ok: number;
  failed: number;
  errors: string[];
  itemCounts: number[];
  ms: number;
}

describeWithRedis('RedisTokenStore across processes (built dist/, real redis-server)', () => {
  const redis = new RedisServer();
  let raw: Redis;
  const workers: NodeWorker[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    assertBuilt();
    await redis.start();
    raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  });

  afterEach(async () => {
    for (const worker of workers.splice(0)) worker.kill();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await raw?.quit();
    await redis.stop();
  });

  it(`${PROCESSES} processes × ${CALLS_PER_PROCESS} concurrent cold calls → exactly 1 token request`, async () => {
    const server = new FakeWechatServer({ accounts: FAKE_ACCOUNTS, latencyMs: 20 });
    const { baseUrl } = await server.start();
    cleanups.push(() => server.stop());
    server.seedGenerated({ image: 30 });
    const keyPrefix = 'mp:';

    for (let i = 0; i < PROCESSES; i++) {
      workers.push(
        new NodeWorker('redis-token-worker.mjs', {
          baseUrl,
          redisUrl: redis.url,
          appId: APP_ID,
          appSecret: APP_SECRET,
          calls: CALLS_PER_PROCESS,
          count: 5,
          keyPrefix,
          watchdogMs: 100_000,
        }),
      );
    }
    await Promise.all(workers.map((w) => w.waitForLine('READY', 45_000)));
    expect(server.tokenRequests).toBe(0); // all cold
    expect(await raw.exists(`${keyPrefix}access_token:${APP_ID}`)).toBe(0);

    for (const worker of workers) worker.send('GO');
    const results = await Promise.all(
      workers.map(async (w) => {
        const line = await w.waitForLine('RESULT ', 45_000);
        return JSON.parse(line.slice('RESULT '.length)) as WorkerResult;
      }),
    );

    for (const result of results) {
      expect(result).toMatchObject({
        ok: CALLS_PER_PROCESS,
        failed: 0,
        errors: [],
        itemCounts: [5],
      });
    }
    expect(server.tokenRequests).toBe(1);
    expect(server.requests[PATHS.batchGet]).toBe(PROCESSES * CALLS_PER_PROCESS);
    // Nobody had to fall back to an unlocked fetch.
    const output = workers.map((w) => w.lines.join('\n')).join('\n');
    expect(output).not.toMatch(/not won within|unreachable|RedisTokenStore/);
    const exits = await Promise.all(workers.map((w) => w.exited));
    expect(exits.every((e) => e.code === 0)).toBe(true);

    // Keys: namespaced, carry the appId, never the secret; values never hold the secret.
    const keys = await scanAll(raw);
    expect(keys).toEqual([`${keyPrefix}access_token:${APP_ID}`]);
    for (const key of keys) {
      expect(key).toContain(APP_ID);
      expect(key).not.toContain(APP_SECRET);
      expect(await raw.get(key)).not.toContain(APP_SECRET);
    }
  });

  it('a process SIGKILLed while holding the lock: another store takes it after lockTtlMs', async () => {
    const lockTtlMs = 1_500;
    const keyPrefix = 'kill-a:';
    const key = `access_token:${APP_ID}`;
    const lockKey = `${keyPrefix}lock:${key}`;
    const holder = new NodeWorker('redis-lock-holder.mjs', {
      redisUrl: redis.url,
      key,
      lockTtlMs,
      keyPrefix,
    });
    workers.push(holder);
    await holder.waitForLine('LOCKED', 40_000);
    const deadValue = await raw.get(lockKey);
    expect(deadValue).toMatch(/^[0-9a-f]{32}$/);

    holder.kill('SIGKILL');
    expect((await holder.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    const leftMs = await raw.pttl(lockKey);
    expect(leftMs).toBeGreaterThan(0); // the dead process's lock is still there

    const store = new RedisTokenStore(redis.url, { keyPrefix, lockTtlMs, lockWaitMs: 8_000 });
    cleanups.push(() => store.close());
    const valueInside = await store.withLock(key, () => raw.get(lockKey));
    const waited = Date.now() - killedAt;

    expect(valueInside).toMatch(/^[0-9a-f]{32}$/);
    expect(valueInside).not.toBe(deadValue); // we hold the lock now, not the dead process
    expect(waited).toBeGreaterThanOrEqual(leftMs - 50);
    expect(waited).toBeLessThan(lockTtlMs + 3_000);
    expect(await raw.exists(lockKey)).toBe(0);
  });

  it('a process SIGKILLed while holding the lock: MaterialService calls elsewhere recover after lockTtlMs', async () => {
    const lockTtlMs = 1_500;
    const keyPrefix = 'kill-b:';
    const key = `access_token:${APP_ID}`;
    const holder = new NodeWorker('redis-lock-holder.mjs', {
      redisUrl: redis.url,
      key,
      lockTtlMs,
      keyPrefix,
    });
    workers.push(holder);
    await holder.waitForLine('LOCKED', 40_000);
    holder.kill('SIGKILL');
    await holder.exited;
    const killedAt = Date.now();
    const leftMs = await raw.pttl(`${keyPrefix}lock:${key}`);

    const store = new RedisTokenStore(redis.url, { keyPrefix, lockTtlMs, lockWaitMs: 8_000 });
    const t: TestModule = await createTestModule({ tokenStore: store });
    cleanups.push(() => store.close());
    cleanups.push(() => t.close());

    const pages = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.material.batchGetMaterial({ type: 'image', offset: 0, count: 5 }),
      ),
    );
    const waited = Date.now() - killedAt;

    expect(pages.every((p) => Array.isArray(p.item))).toBe(true);
    expect(t.server.tokenRequests).toBe(1);
    expect(waited).toBeGreaterThanOrEqual(leftMs - 50);
    expect(waited).toBeLessThan(lockTtlMs + 4_000);
    // It got the lock properly: no fallback warning.
    expect(t.logger.wechat('warn')).toEqual([]);
  });
});

async function scanAll(raw: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await raw.scan(cursor, 'COUNT', 100);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}
