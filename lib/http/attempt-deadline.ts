/** Why an attempt's own deadline aborted it (never shown to users: the client maps it). */
export class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
  readonly code = 'ETIMEDOUT';
}

type AbortListener = ((event: { type: 'abort' }) => void) | { handleEvent(): void };
const ABORT_EVENT = { type: 'abort' } as const;

/**
 * The part of an `AbortSignal` that axios (`aborted`) and undici (`aborted`, `reason`,
 * `addEventListener`/`removeEventListener` of 'abort') read. A real `AbortController` per
 * attempt, with its EventTarget listeners, was ~6 % of the CPU of a call; this is a field
 * and a short array. Listeners run once, in order; one that throws is reported as an
 * uncaught exception, as EventTarget does, without stopping the others.
 */
export class AttemptSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: AbortListener[] | undefined;

  addEventListener(type: string, listener: AbortListener): void {
    if (type !== 'abort' || this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(type: string, listener: AbortListener): void {
    const i = type === 'abort' && this.listeners ? this.listeners.indexOf(listener) : -1;
    if (i !== -1) this.listeners!.splice(i, 1);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const l of listeners ?? []) {
      try {
        if (typeof l === 'function') l(ABORT_EVENT);
        else l.handleEvent();
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}

function expire(deadline: AttemptDeadline): void {
  deadline.expire();
}

/**
 * One attempt's signal: aborted by the library's deadline (a whole-attempt limit, not an
 * idle timeout) or by the caller's signal, whichever comes first. `handleEvent` makes the
 * object its own listener and the timer gets it as an argument: no closure per attempt.
 */
export class AttemptDeadline {
  readonly signal = new AttemptSignal();
  private timer: NodeJS.Timeout | undefined;
  private expired = false;

  constructor(
    ms: number,
    private readonly caller?: AbortSignal,
  ) {
    this.timer = setTimeout(expire, ms, this);
    caller?.addEventListener('abort', this, { once: true });
  }

  /** True when the library's own deadline fired (not the caller's abort). */
  get timedOut(): boolean {
    return this.expired;
  }

  /** The caller aborted. */
  handleEvent(): void {
    this.signal.abort(this.caller!.reason);
  }

  /** Ends the whole-attempt limit, keeping the link to the caller's signal. */
  stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this);
  }

  /** The whole-attempt limit passed. */
  expire(): void {
    if (this.signal.aborted) return;
    this.expired = true;
    this.signal.abort(new AttemptTimeoutError('attempt deadline'));
  }
}
