import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { LOG_CONTEXT } from '../wechat-material.constants.js';
import { WechatConfigurationException } from '../errors/wechat-configuration.exception.js';
import type { StoredToken, TokenStore } from '../token/token-store.interface.js';

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

/** Deadline for one Redis command, whoever created the connection. */
const COMMAND_DEADLINE_MS = 1_500;
/** ioredis `commandTimeout` for connections this store opens itself. */
const OWN_COMMAND_TIMEOUT_MS = 1_000;
/** How long the first command waits for a connection this store opened itself. */
const FIRST_CONNECT_WAIT_MS = 2_000;
/** The same kind of warning is written at most once in this window (an outage must not flood logs). */
const WARN_INTERVAL_MS = 10_000;
/** Lock polling backoff: first and largest pause between two `SET NX` tries. */
const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 100;

/** Deletes the lock only while it still holds our random value: an expired lock that another
 * process has taken since is left alone. */
const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

type AcquireOutcome = { kind: 'acquired' } | { kind: 'timeout' } | { kind: 'error'; err: unknown };

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
  private readonly redis: Redis;
  private readonly owned: boolean;
  private readonly keyPrefix: string;
  private readonly lockTtlMs: number;
  private readonly lockWaitMs: number;
  private readonly logger = new Logger(LOG_CONTEXT);
  private readonly lastWarnAt = new Map<string, number>();
  /** Strings that must never reach a log line (the password of a URL we were given). */
  private readonly scrub: string[] = [];
  /** Pending until a connection we opened is ready or has failed once (bounded). */
  private firstConnect: Promise<void> | undefined;
  private cancelFirstConnect: (() => void) | undefined;
  private closed = false;

  constructor(redis: Redis | string, opts: RedisTokenStoreOptions = {}) {
    const problems: string[] = [];
    const fields: string[] = [];
    const bad = (field: string, hint: string) => {
      fields.push(field);
      problems.push(`${field} ${hint}`);
    };
    const o: RedisTokenStoreOptions = opts && typeof opts === 'object' ? opts : {};
    if (o.keyPrefix !== undefined && typeof o.keyPrefix !== 'string') {
      bad('keyPrefix', 'must be a string');
    }
    if (o.lockTtlMs !== undefined && !(Number.isInteger(o.lockTtlMs) && o.lockTtlMs > 0)) {
      bad('lockTtlMs', 'must be an integer > 0 (milliseconds)');
    }
    if (o.lockWaitMs !== undefined && !(Number.isInteger(o.lockWaitMs) && o.lockWaitMs >= 0)) {
      bad('lockWaitMs', 'must be an integer >= 0 (milliseconds)');
    }
    let url: URL | undefined;
    if (typeof redis === 'string') {
      url = parseRedisUrl(redis);
      if (!url) bad('redis', 'must be a redis:// or rediss:// URL or an ioredis instance');
    } else if (!isRedisLike(redis)) {
      bad('redis', 'must be a redis:// or rediss:// URL or an ioredis instance');
    }
    if (problems.length > 0) {
      // Never echo the values: a URL may carry a password.
      throw new WechatConfigurationException(
        `Invalid RedisTokenStore arguments: ${problems.join('; ')}`,
        fields,
      );
    }
    this.keyPrefix = o.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.lockTtlMs = o.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
    this.lockWaitMs = o.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;

    if (url) {
      if (url.password) this.scrub.push(url.password, safeDecode(url.password));
      this.owned = true;
      this.redis = new Redis(redis as string, {
        commandTimeout: OWN_COMMAND_TIMEOUT_MS,
        connectTimeout: FIRST_CONNECT_WAIT_MS,
        maxRetriesPerRequest: 1,
        // Fail at once while disconnected instead of queueing: the caller falls back.
        enableOfflineQueue: false,
        // Keep reconnecting (capped) so a restarted Redis is used again.
        retryStrategy: (times: number) => Math.min(times * 200, 2_000),
        // ioredis waits this long for a dead socket to close on disconnect(), keeping the
        // process alive meanwhile (default 2000).
        disconnectTimeout: 200,
      });
      this.watchOwnConnection();
    } else {
      this.owned = false;
      this.redis = redis as Redis;
    }
  }

  async get(key: string): Promise<StoredToken | undefined> {
    let raw: string | null;
    try {
      raw = await this.run(() => this.redis.get(this.tokenKey(key)));
    } catch (err) {
      this.warn(
        'get',
        `RedisTokenStore: GET failed (${this.describe(err)}); treating it as a cache miss`,
      );
      return undefined;
    }
    return raw === null ? undefined : parseStoredToken(raw);
  }

  async set(key: string, value: StoredToken): Promise<void> {
    const json = JSON.stringify({ token: value.token, expiresAt: value.expiresAt });
    const ttlMs = Math.ceil(value.expiresAt - Date.now());
    try {
      if (Number.isFinite(value.expiresAt) && !(ttlMs > 0)) {
        // Already past its use-by time: nothing worth keeping.
        await this.run(() => this.redis.del(this.tokenKey(key)));
      } else if (Number.isFinite(ttlMs)) {
        await this.run(() => this.redis.set(this.tokenKey(key), json, 'PX', ttlMs));
      } else {
        await this.run(() => this.redis.set(this.tokenKey(key), json));
      }
    } catch (err) {
      this.warn(
        'set',
        `RedisTokenStore: SET failed (${this.describe(err)}); the token stays in this process only`,
      );
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.run(() => this.redis.del(this.tokenKey(key)));
    } catch (err) {
      this.warn('delete', `RedisTokenStore: DEL failed (${this.describe(err)})`);
    }
  }

  /**
   * Runs `fn` while holding the lock for `key` across every process sharing this Redis.
   * When Redis is unreachable or the lock is not won within `lockWaitMs`, runs `fn`
   * without the lock (and logs a warning) rather than failing or waiting longer.
   */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lockKey = this.lockKey(key);
    const owner = randomBytes(16).toString('hex');
    const outcome = await this.acquire(lockKey, owner);
    if (outcome.kind === 'error') {
      this.warn(
        'lock-error',
        `RedisTokenStore: Redis unreachable (${this.describe(outcome.err)}); ` +
          `fetching the token for ${key} without the cross-process lock`,
      );
      return fn();
    }
    if (outcome.kind === 'timeout') {
      this.warn(
        'lock-timeout',
        `RedisTokenStore: lock for ${key} not won within lockWaitMs (${this.lockWaitMs} ms); ` +
          'fetching the token without it (another process may be stuck fetching or have died ' +
          'holding it: its lock expires after lockTtlMs)',
      );
      return fn();
    }
    const startedAt = Date.now();
    try {
      return await fn();
    } finally {
      await this.release(key, lockKey, owner, startedAt);
    }
  }

  /** Quits the connection if this store opened it (from a URL); a given instance is left open. */
  async close(): Promise<void> {
    if (!this.owned || this.closed) return;
    this.closed = true;
    this.cancelFirstConnect?.();
    try {
      await withDeadline(this.redis.quit(), COMMAND_DEADLINE_MS);
    } catch {
      // Not connected (or too slow to answer): drop the socket and stop reconnecting.
      this.redis.disconnect();
    }
  }

  private async acquire(lockKey: string, owner: string): Promise<AcquireOutcome> {
    const deadline = Date.now() + this.lockWaitMs;
    let pause = POLL_FIRST_MS;
    for (;;) {
      let reply: string | null;
      try {
        reply = await this.run(() => this.redis.set(lockKey, owner, 'PX', this.lockTtlMs, 'NX'));
      } catch (err) {
        if (err instanceof RedisDeadlineError) {
          // The SET may still run later from a client's offline queue; the release queued
          // behind it (same connection, same order) undoes it.
          this.redis.eval(RELEASE_SCRIPT, 1, lockKey, owner).catch(noop);
        }
        return { kind: 'error', err };
      }
      if (reply === 'OK') return { kind: 'acquired' };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'timeout' };
      // Jittered, so waiters in several processes do not poll in lockstep.
      await sleep(Math.min(left, pause * (0.5 + Math.random())));
      pause = Math.min(pause * 2, POLL_MAX_MS);
    }
  }

  private async release(
    key: string,
    lockKey: string,
    owner: string,
    startedAt: number,
  ): Promise<void> {
    try {
      const released = await this.run(() => this.redis.eval(RELEASE_SCRIPT, 1, lockKey, owner));
      if (released !== 1) {
        this.warn(
          'lock-expired',
          `RedisTokenStore: the lock for ${key} expired while held (${Date.now() - startedAt} ms ` +
            `> lockTtlMs ${this.lockTtlMs} ms), so another process may have fetched too; raise lockTtlMs`,
        );
      }
    } catch (err) {
      this.warn(
        'unlock',
        `RedisTokenStore: could not release the lock for ${key} (${this.describe(err)}); ` +
          'it expires after lockTtlMs',
      );
    }
  }

  /** One bounded Redis command (after the first connection of an own client settled). */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (this.firstConnect) await this.firstConnect;
    // A given client may queue commands while it reconnects (its default): fail at once
    // instead, the caller has a fallback. 'wait' / 'connecting' still go (bounded below).
    const status = this.redis.status;
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      throw new Error(`Redis is not connected (${status})`);
    }
    return withDeadline(command(), COMMAND_DEADLINE_MS);
  }

  private watchOwnConnection(): void {
    let failing = false;
    // Without an 'error' listener ioredis prints every reconnect failure to the console.
    this.redis.on('error', (err: unknown) => {
      failing = true;
      this.warn(
        'connection',
        `RedisTokenStore: Redis connection error (${this.describe(err)}); tokens are kept per ` +
          'process and fetched without the cross-process lock until it is back',
      );
    });
    this.redis.on('ready', () => {
      if (failing) this.logger.log('RedisTokenStore: Redis connection is back');
      failing = false;
    });
    // With no offline queue a command sent before the first connection fails at once, so
    // the first commands wait (bounded) for it; an app's first calls then share the lock.
    this.firstConnect = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.redis.off('ready', done);
        this.redis.off('error', done);
        this.redis.off('end', done);
        this.firstConnect = undefined;
        this.cancelFirstConnect = undefined;
        resolve();
      };
      const timer = setTimeout(done, FIRST_CONNECT_WAIT_MS);
      timer.unref();
      this.redis.once('ready', done);
      this.redis.once('error', done);
      this.redis.once('end', done);
      this.cancelFirstConnect = done;
    });
  }

  private tokenKey(key: string): string {
    return `${this.keyPrefix}${key}`;
  }

  private lockKey(key: string): string {
    return `${this.keyPrefix}lock:${key}`;
  }

  private warn(kind: string, message: string): void {
    const now = Date.now();
    const last = this.lastWarnAt.get(kind);
    if (last !== undefined && now - last < WARN_INTERVAL_MS) return;
    this.lastWarnAt.set(kind, now);
    this.logger.warn(message);
  }

  private describe(err: unknown): string {
    let text = err instanceof Error ? err.message : String(err);
    for (const secret of this.scrub) if (secret) text = text.split(secret).join('***');
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  }
}

function parseRedisUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'redis:' || url.protocol === 'rediss:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
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

class RedisDeadlineError extends Error {
  override readonly name = 'RedisDeadlineError';
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RedisDeadlineError(`Redis command timed out after ${ms} ms`)),
      ms,
    );
  });
  promise.catch(noop);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const noop = (): void => undefined;
