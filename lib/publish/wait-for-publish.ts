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

type Poll = (signal: AbortSignal) => Promise<PublishStatus>;

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
export function waitForPublish(poll: Poll, plan: WaitPlan): Promise<PublishStatus> {
  if (plan.signal?.aborted) return Promise.reject(plan.signal.reason);
  return new Promise<PublishStatus>((resolve, reject) => {
    new PublishWaiter(poll, plan, resolve, reject).start();
  });
}

/** The state of one wait: at most one poll or one pause at a time, and one deadline. */
class PublishWaiter {
  private interval: number;
  private last: PublishStatus | undefined;
  private inFlight: AbortController | undefined;
  private pauseTimer: ReturnType<typeof setTimeout> | undefined;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private deadlinePassed = false;
  private settled = false;
  private readonly onAbort = (): void => {
    this.inFlight?.abort(this.plan.signal!.reason);
    this.finish(() => this.reject(this.plan.signal!.reason));
  };

  constructor(
    private readonly poll: Poll,
    private readonly plan: WaitPlan,
    private readonly resolve: (s: PublishStatus) => void,
    private readonly reject: (e: unknown) => void,
  ) {
    this.interval = plan.intervalMs;
  }

  start(): void {
    this.deadlineTimer = timer(() => this.onDeadline(), this.plan.timeoutMs);
    this.plan.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.startPoll();
  }

  private finish(settle: () => void): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.pauseTimer);
    clearTimeout(this.deadlineTimer);
    this.plan.signal?.removeEventListener('abort', this.onAbort);
    settle();
  }

  private onDeadline(): void {
    this.deadlinePassed = true;
    if (!this.inFlight) {
      // Pausing: the pause is cut short, the last status seen is the answer.
      this.finish(() => this.resolve(this.last!));
    } else if (this.last === undefined) {
      this.inFlight.abort(DEADLINE);
      this.finish(() => this.reject(new WechatTransportException('timeout', this.plan.path)));
    }
    // Otherwise the poll in flight is awaited: its answer is the result.
  }

  private startPoll(): void {
    const controller = new AbortController();
    this.inFlight = controller;
    this.poll(controller.signal).then(
      (status) => this.onStatus(status),
      (err: unknown) => {
        this.inFlight = undefined;
        this.finish(() => this.reject(err));
      },
    );
  }

  private onStatus(status: PublishStatus): void {
    this.inFlight = undefined;
    if (status.state !== 'publishing' || this.deadlinePassed) {
      this.finish(() => this.resolve(status));
      return;
    }
    this.last = status;
    if (this.settled) return;
    this.pauseTimer = timer(() => this.startPoll(), this.interval);
    // Grows up to 30 s, but never shrinks a longer interval the caller chose.
    this.interval = Math.max(
      this.interval,
      Math.min(this.interval * WAIT_DEFAULTS.growth, WAIT_DEFAULTS.maxIntervalMs),
    );
  }
}
