import type { Redis } from 'ioredis';
import { WechatConfigurationException } from '../errors/wechat-configuration.exception.js';
import { redisMessages } from '../errors/messages.js';
import { passwordsOf } from '../shared/scrub.js';
import { isIntIn, Problems } from '../shared/validate.js';
import type { StoredToken, TokenStore } from '../token/token-store.interface.js';
import { RedisConnection } from './redis-connection.js';
import { RedisLock } from './redis-lock.js';
import { RedisLog } from './redis-log.js';

/** Options of {@link RedisTokenStore}. */
export interface RedisTokenStoreOptions {
  /** Put before every key, e.g. `wechat-material:access_token:<appId>`. Default `'wechat-material:'`. */
  keyPrefix?: string;
  /**
   * How long a lock lives if its holder never releases it (a crashed process), in ms.
   * Should exceed a normal token fetch. Default 10000.
   */
  lockTtlMs?: number;
  /**
   * How long a caller waits for the lock before fetching without it (and logging a
   * warning), in ms. Default 5000.
   */
  lockWaitMs?: number;
}

export const DEFAULT_KEY_PREFIX = 'wechat-material:';
export const DEFAULT_LOCK_TTL_MS = 10_000;
export const DEFAULT_LOCK_WAIT_MS = 5_000;

/**
 * A {@link TokenStore} in Redis, shared by every process that uses the same Redis and
 * prefix, with a cross-process lock (`SET NX PX` + a token-checked release) so that only
 * one process fetches a token at a time.
 *
 * Redis trouble never stops WeChat calls: a failed read is a cache miss, a failed write or
 * delete is skipped, and when Redis is unreachable or the lock is not won within
 * `lockWaitMs`, the fetch goes ahead without the lock. Each case logs a warning (context
 * `WechatMaterial`), never a token. Every command has a deadline.
 *
 * Pass a `redis://` / `rediss://` URL and the store opens (and `close()` quits) its own
 * connection with bounded settings (`commandTimeout`, `maxRetriesPerRequest: 1`,
 * `enableOfflineQueue: false`). Pass an ioredis instance and it is used as it is and left
 * open by `close()`; consider `{ maxRetriesPerRequest: 1, enableOfflineQueue: false,
 * commandTimeout: 1000 }` on it, although the store bounds each command either way.
 */
export class RedisTokenStore implements TokenStore {
  private readonly keyPrefix: string;
  private readonly log: RedisLog;
  private readonly connection: RedisConnection;
  private readonly lock: RedisLock;

  constructor(redis: Redis | string, opts: RedisTokenStoreOptions = {}) {
    const o: RedisTokenStoreOptions = opts && typeof opts === 'object' ? opts : {};
    checkArguments(redis, o);
    this.keyPrefix = o.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.log = new RedisLog(typeof redis === 'string' ? passwordsOf(redis) : []);
    this.connection = new RedisConnection(redis, this.log);
    this.lock = new RedisLock(
      this.connection,
      this.log,
      o.lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
      o.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
    );
  }

  async get(key: string): Promise<StoredToken | undefined> {
    let raw: string | null;
    try {
      raw = await this.connection.run((r) => r.get(this.tokenKey(key)));
    } catch (err) {
      this.log.warn('get', redisMessages.getFailed(this.log.describe(err)));
      return undefined;
    }
    return raw === null ? undefined : parseStoredToken(raw);
  }

  async set(key: string, value: StoredToken): Promise<void> {
    const json = JSON.stringify({ token: value.token, expiresAt: value.expiresAt });
    const ttlMs = Math.ceil(value.expiresAt - Date.now());
    const k = this.tokenKey(key);
    try {
      if (Number.isFinite(value.expiresAt) && !(ttlMs > 0)) {
        // Already past its use-by time: nothing worth keeping.
        await this.connection.run((r) => r.del(k));
      } else if (Number.isFinite(ttlMs)) {
        await this.connection.run((r) => r.set(k, json, 'PX', ttlMs));
      } else {
        await this.connection.run((r) => r.set(k, json));
      }
    } catch (err) {
      this.log.warn('set', redisMessages.setFailed(this.log.describe(err)));
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.connection.run((r) => r.del(this.tokenKey(key)));
    } catch (err) {
      this.log.warn('delete', redisMessages.deleteFailed(this.log.describe(err)));
    }
  }

  /**
   * Runs `fn` while holding the lock for `key` across every process sharing this Redis.
   * When Redis is unreachable or the lock is not won within `lockWaitMs`, runs `fn`
   * without the lock (and logs a warning) rather than failing or waiting longer.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(key, `${this.keyPrefix}lock:${key}`, fn);
  }

  /** Quits the connection if this store opened it (from a URL); a given instance is left open. */
  close(): Promise<void> {
    return this.connection.close();
  }

  private tokenKey(key: string): string {
    return `${this.keyPrefix}${key}`;
  }
}

/** Names every bad argument at once; never echoes a value (a URL may carry a password). */
function checkArguments(redis: unknown, o: RedisTokenStoreOptions): void {
  const hints = redisMessages.hints;
  const problems = new Problems()
    .check(
      o.keyPrefix === undefined || typeof o.keyPrefix === 'string',
      'keyPrefix',
      hints.keyPrefix,
    )
    .check(
      o.lockTtlMs === undefined || isIntIn(o.lockTtlMs, 1, Infinity),
      'lockTtlMs',
      hints.lockTtlMs,
    )
    .optionalInt('lockWaitMs', o.lockWaitMs, 0, Infinity, hints.lockWaitMs)
    .check(
      typeof redis === 'string' ? isRedisUrl(redis) : isRedisLike(redis),
      'redis',
      hints.redis,
    );
  if (!problems.empty) {
    throw new WechatConfigurationException(
      redisMessages.invalidArguments(problems.list),
      problems.fields,
    );
  }
}

function isRedisUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'redis:' || protocol === 'rediss:';
  } catch {
    return false;
  }
}

function isRedisLike(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  return ['get', 'set', 'del', 'eval'].every((m) => typeof r[m] === 'function');
}

/** A stored entry, or undefined when it is not one of ours (treated as a miss). */
function parseStoredToken(raw: string): StoredToken | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const { token, expiresAt } = value as Record<string, unknown>;
  if (typeof token !== 'string' || token === '' || typeof expiresAt !== 'number') return undefined;
  return { token, expiresAt };
}
