/**
 * Pure retry decisions: which failures are retried, and how long to wait.
 * Only errcode -1 (system busy), HTTP 5xx, connection errors and timeouts are worth
 * another try; every other errcode is a definite answer, and 45009/45011 only get worse.
 */

import { isRetriedErrcode } from '../errors/errcodes.js';

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

/** Read from the errcode catalogue (today: -1 only). */
export const isRetryableErrcode = (errcode: number): boolean => isRetriedErrcode(errcode);

export const isRetryableStatus = (status: number): boolean => status >= 500 && status <= 599;
