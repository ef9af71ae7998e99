import { describe, expect, it } from '@jest/globals';
import {
  isRetryableErrcode,
  isRetryableStatus,
  retryDelayMs,
} from '../../../lib/http/retry-policy.js';
import { sleep } from '../../../lib/shared/sleep.js';

const LOW = () => 0;
const HIGH = () => 0.999999;

describe('retryDelayMs (pure backoff)', () => {
  it('doubles from baseDelayMs, half fixed and half jitter', () => {
    // retry 1: [base/2, base]; retry 2: [base, 2 base]; retry 3: [2 base, 4 base]
    expect(retryDelayMs(1, 200, 10_000, LOW)).toBe(100);
    expect(retryDelayMs(1, 200, 10_000, HIGH)).toBe(200);
    expect(retryDelayMs(2, 200, 10_000, LOW)).toBe(200);
    expect(retryDelayMs(2, 200, 10_000, HIGH)).toBe(400);
    expect(retryDelayMs(3, 200, 10_000, LOW)).toBe(400);
    expect(retryDelayMs(3, 200, 10_000, HIGH)).toBe(800);
  });

  it('never exceeds maxDelayMs, however many retries', () => {
    for (const n of [5, 6, 10, 50, 1000]) {
      expect(retryDelayMs(n, 200, 2000, HIGH)).toBeLessThanOrEqual(2000);
      expect(retryDelayMs(n, 200, 2000, LOW)).toBe(1000);
    }
    expect(retryDelayMs(4, 200, 2000, LOW)).toBe(800); // 1600 is still under the cap
    expect(Number.isFinite(retryDelayMs(5000, 200, 2000, HIGH))).toBe(true);
  });

  it('jitter stays within [exp/2, exp] and actually varies', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const d = retryDelayMs(2, 100, 2000);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(200);
      seen.add(d);
    }
    expect(seen.size).toBeGreaterThan(10);
  });

  it('treats retry numbers below 1 as the first retry and zero delays as zero', () => {
    expect(retryDelayMs(0, 200, 2000, HIGH)).toBe(200);
    expect(retryDelayMs(-3, 200, 2000, LOW)).toBe(100);
    expect(retryDelayMs(3, 0, 2000, HIGH)).toBe(0);
    expect(retryDelayMs(3, 200, 0, HIGH)).toBe(0);
  });

  it('is pure: same inputs, same output', () => {
    expect(retryDelayMs(2, 300, 5000, () => 0.5)).toBe(retryDelayMs(2, 300, 5000, () => 0.5));
    expect(retryDelayMs(2, 300, 5000, () => 0.5)).toBe(450);
  });
});

describe('what is retried', () => {
  it('only errcode -1 among errcodes', () => {
    expect(isRetryableErrcode(-1)).toBe(true);
    for (const code of [0, 40001, 40007, 40125, 40164, 42001, 45009, 45011, 48001, 89503]) {
      expect(isRetryableErrcode(code)).toBe(false);
    }
  });

  it('only 5xx among HTTP statuses', () => {
    for (const s of [500, 502, 503, 504, 599]) expect(isRetryableStatus(s)).toBe(true);
    for (const s of [200, 301, 400, 404, 413, 429, 499, 600])
      expect(isRetryableStatus(s)).toBe(false);
  });
});

describe('sleep', () => {
  it('waits about ms', async () => {
    const t0 = Date.now();
    await sleep(30);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('rejects with signal.reason as soon as the signal aborts', async () => {
    const ac = new AbortController();
    const reason = new Error('stop waiting');
    const t0 = Date.now();
    const p = sleep(10_000, ac.signal);
    setTimeout(() => ac.abort(reason), 20);
    await expect(p).rejects.toBe(reason);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('rejects at once with an already aborted signal', async () => {
    const reason = new Error('already');
    await expect(sleep(0, AbortSignal.abort(reason))).rejects.toBe(reason);
    await expect(sleep(10_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
