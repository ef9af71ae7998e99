import { Redis } from 'ioredis';
import { redisMessages } from '../errors/messages.js';
import type { RedisLog } from './redis-log.js';

/** Deadline for one Redis command, whoever created the connection. */
const COMMAND_DEADLINE_MS = 1_500;
/** ioredis `commandTimeout` for connections this store opens itself. */
const OWN_COMMAND_TIMEOUT_MS = 1_000;
/** How long the first command waits for a connection this store opened itself. */
const FIRST_CONNECT_WAIT_MS = 2_000;

/** A command outlived its deadline: it may still run later from a client's offline queue. */
export class RedisDeadlineError extends Error {
  override readonly name = 'RedisDeadlineError';
}

/**
 * The store's Redis connection: given (used as it is, left open) or opened from a URL with
 * bounded settings and watched. Every command has a deadline and none waits in a queue
 * while the connection is down: the caller has a fallback.
 */
export class RedisConnection {
  readonly redis: Redis;
  private readonly owned: boolean;
  /** Pending until a connection we opened is ready or has failed once (bounded). */
  private firstConnect: Promise<void> | undefined;
  private cancelFirstConnect: (() => void) | undefined;
  private closed = false;

  constructor(
    redis: Redis | string,
    private readonly log: RedisLog,
  ) {
    if (typeof redis !== 'string') {
      this.owned = false;
      this.redis = redis;
      return;
    }
    this.owned = true;
    this.redis = new Redis(redis, {
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
    this.watch();
  }

  /** One bounded Redis command (after the first connection of an own client settled). */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.firstConnect) await this.firstConnect;
    // A given client may queue commands while it reconnects (its default): fail at once
    // instead, the caller has a fallback. 'wait' / 'connecting' still go (bounded below).
    const status = this.redis.status;
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      throw new Error(redisMessages.notConnected(status));
    }
    return withDeadline(command(this.redis), COMMAND_DEADLINE_MS);
  }

  /** Quits the connection if we opened it (from a URL); a given instance is left open. */
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

  private watch(): void {
    let failing = false;
    // Without an 'error' listener ioredis prints every reconnect failure to the console.
    this.redis.on('error', (err: unknown) => {
      failing = true;
      this.log.warn('connection', redisMessages.connectionError(this.log.describe(err)));
    });
    this.redis.on('ready', () => {
      if (failing) this.log.log(redisMessages.connectionBack());
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
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisDeadlineError(redisMessages.commandTimedOut(ms))), ms);
  });
  promise.catch(noop);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export const noop = (): void => undefined;
