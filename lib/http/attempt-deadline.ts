/** Why an attempt's own deadline aborted it (never shown to users: the client maps it). */
export class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
  readonly code = 'ETIMEDOUT';
}

/**
 * One attempt's signal: aborted by the library's deadline (a whole-attempt limit, not an
 * idle timeout) or by the caller's signal, whichever comes first. `handleEvent` makes the
 * object its own listener: no closure per attempt on the hot path.
 */
export class AttemptDeadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private expired = false;

  constructor(
    ms: number,
    private readonly caller?: AbortSignal,
  ) {
    this.timer = setTimeout(() => this.expire(), ms);
    caller?.addEventListener('abort', this, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when the library's own deadline fired (not the caller's abort). */
  get timedOut(): boolean {
    return this.expired;
  }

  /** The caller aborted. */
  handleEvent(): void {
    this.controller.abort(this.caller!.reason);
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

  private expire(): void {
    if (this.controller.signal.aborted) return;
    this.expired = true;
    this.controller.abort(new AttemptTimeoutError('attempt deadline'));
  }
}
