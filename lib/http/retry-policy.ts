/**
 * Pure retry decisions: which failures are retried, and how long to wait.
 * Only errcode -1 (system busy), HTTP 5xx, connection errors and timeouts are worth
 * another try; every other errcode is a definite answer, and 45009/45011 only get worse.
 */

/** Exponential backoff with "equal jitter": half fixed, half random, capped at maxDelayMs. */
export function retryDelayMs(
  retryNumber: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export const isRetryableErrcode = (errcode: number): boolean => errcode === -1;

export const isRetryableStatus = (status: number): boolean => status >= 500 && status <= 599;

/** Resolves after ms, or rejects with signal.reason as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
