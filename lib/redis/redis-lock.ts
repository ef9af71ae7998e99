import { randomBytes } from 'node:crypto';
import { redisMessages } from '../errors/messages.js';
import { sleep } from '../shared/sleep.js';
import { noop, RedisDeadlineError, type RedisConnection } from './redis-connection.js';
import type { RedisLog } from './redis-log.js';

/** Lock polling backoff: first and largest pause between two `SET NX` tries. */
const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 100;

/** Deletes the lock only while it still holds our random value: an expired lock that another
 * process has taken since is left alone. */
const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

type AcquireOutcome = { kind: 'acquired' } | { kind: 'timeout' } | { kind: 'error'; err: unknown };

/**
 * The cross-process lock: `SET key <random> NX PX ttl`, polled with jittered backoff for
 * at most `waitMs`, released by a script that checks the random value. When Redis is
 * unreachable or the lock is not won in time, the work runs without it (and a warning is
 * logged): WeChat calls keep working.
 */
export class RedisLock {
  constructor(
    private readonly connection: RedisConnection,
    private readonly log: RedisLog,
    private readonly ttlMs: number,
    private readonly waitMs: number,
  ) {}

  /** Runs `fn` holding `lockKey` (or without it, see above); `key` names it in warnings. */
  async run<T>(key: string, lockKey: string, fn: () => Promise<T>): Promise<T> {
    const owner = randomBytes(16).toString('hex');
    const outcome = await this.acquire(lockKey, owner);
    if (outcome.kind === 'error') {
      this.log.warn(
        'lock-error',
        redisMessages.lockUnreachable(this.log.describe(outcome.err), key),
      );
      return fn();
    }
    if (outcome.kind === 'timeout') {
      this.log.warn('lock-timeout', redisMessages.lockTimeout(key, this.waitMs));
      return fn();
    }
    const startedAt = Date.now();
    try {
      return await fn();
    } finally {
      await this.release(key, lockKey, owner, startedAt);
    }
  }

  private async acquire(lockKey: string, owner: string): Promise<AcquireOutcome> {
    const deadline = Date.now() + this.waitMs;
    let pause = POLL_FIRST_MS;
    for (;;) {
      let reply: string | null;
      try {
        reply = await this.connection.run((r) => r.set(lockKey, owner, 'PX', this.ttlMs, 'NX'));
      } catch (err) {
        if (err instanceof RedisDeadlineError) {
          // The SET may still run later from a client's offline queue; the release queued
          // behind it (same connection, same order) undoes it.
          this.connection.redis.eval(RELEASE_SCRIPT, 1, lockKey, owner).catch(noop);
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
      const released = await this.connection.run((r) => r.eval(RELEASE_SCRIPT, 1, lockKey, owner));
      if (released !== 1) {
        this.log.warn(
          'lock-expired',
          redisMessages.lockExpired(key, Date.now() - startedAt, this.ttlMs),
        );
      }
    } catch (err) {
      this.log.warn('unlock', redisMessages.unlockFailed(key, this.log.describe(err)));
    }
  }
}
