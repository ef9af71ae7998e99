import { WechatTransportException } from '../errors/wechat-transport.exception.js';
import { WAIT_DEFAULTS } from './publish.constants.js';
import type { PublishStatus } from './publish.types.js';

export interface WaitPlan {
  intervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** For the timeout exception: the path polled. */
  path: string;
}

/** setTimeout's ceiling (about 24.8 days): a longer delay would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;
const timer = (fn: () => void, ms: number) => setTimeout(fn, Math.min(ms, MAX_TIMER_MS));

/** Marks the abort of the poll in flight by our own deadline. */
const DEADLINE = Symbol('waitForPublish deadline');

/**
 * Polls until a status is not `publishing`. Asks at once, then pauses intervalMs, growing ×1.5
 * after each poll up to 30 s; never more than one poll in flight. At timeoutMs: while pausing,
 * resolves with the last status seen (the pause is cut short); while a poll is in flight, that
 * poll is awaited within its own deadline and its answer returned; with no answer at all yet,
 * the poll is aborted and it rejects with a `timeout`. A poll's error rejects at once; an
 * aborted signal rejects with its reason at once and stops polling.
 */
export function waitForPublish(
  poll: (signal: AbortSignal) => Promise<PublishStatus>,
  plan: WaitPlan,
): Promise<PublishStatus> {
  const { signal } = plan;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<PublishStatus>((resolve, reject) => {
    let interval = plan.intervalMs;
    let last: PublishStatus | undefined;
    let inFlight: AbortController | undefined;
    let pauseTimer: ReturnType<typeof setTimeout> | undefined;
    let deadlinePassed = false;
    let settled = false;

    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(pauseTimer);
      clearTimeout(deadlineTimer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = (): void => {
      inFlight?.abort(signal!.reason);
      finish(() => reject(signal!.reason));
    };
    const onDeadline = (): void => {
      deadlinePassed = true;
      if (!inFlight) {
        finish(() => resolve(last!));
      } else if (last === undefined) {
        inFlight.abort(DEADLINE);
        finish(() => reject(new WechatTransportException('timeout', plan.path)));
      }
      // else: the poll in flight is awaited; its answer is the result.
    };
    const startPoll = (): void => {
      const controller = new AbortController();
      inFlight = controller;
      poll(controller.signal).then(
        (status) => {
          inFlight = undefined;
          if (status.state !== 'publishing' || deadlinePassed) {
            finish(() => resolve(status));
            return;
          }
          last = status;
          if (settled) return;
          pauseTimer = timer(startPoll, interval);
          // Grows up to 30 s, but never shrinks a longer interval the caller chose.
          interval = Math.max(
            interval,
            Math.min(interval * WAIT_DEFAULTS.growth, WAIT_DEFAULTS.maxIntervalMs),
          );
        },
        (err: unknown) => {
          inFlight = undefined;
          finish(() => reject(err));
        },
      );
    };

    const deadlineTimer = timer(onDeadline, plan.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    startPoll();
  });
}
