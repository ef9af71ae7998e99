import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { LOG_CONTEXT } from '../wechat-material.constants.js';
import type { ResolvedWechatOptions, WechatCallEvent } from '../wechat-material.options.js';
import { WechatApiException } from '../errors/wechat-api.exception.js';
import { WechatTransportException } from '../errors/wechat-transport.exception.js';
import { subscriberFailedMessage } from '../errors/messages.js';

/** How one HTTP attempt ended (`F`: what a successful download hands over). */
export type AttemptOutcome<F = never> =
  | { kind: 'ok'; body: Record<string, unknown>; status: number; file?: F }
  | { kind: 'fail'; error: WechatApiException | WechatTransportException; retryable: boolean }
  /** The caller's signal aborted the attempt: reported as a transport outcome, then rethrown. */
  | { kind: 'cancelled'; reason: unknown };

/**
 * One `onCall` event (and log line, per `logCalls`) per HTTP attempt; a download body that
 * fails after its headers reports a second one for the same attempt. Never a token, a
 * secret or a query string: only the path, the account and the outcome.
 */
export class CallReporter {
  private readonly logger = new Logger(LOG_CONTEXT);
  private subscriberFailureLogged = false;

  constructor(private readonly options: Pick<ResolvedWechatOptions, 'onCall' | 'logCalls'>) {}

  report(
    req: { path: string; appId?: string },
    attempt: number,
    started: number,
    result: AttemptOutcome<unknown>,
    retried: boolean,
  ): void {
    const { onCall, logCalls } = this.options;
    const failed = result.kind !== 'ok';
    const wantsLog = logCalls === true || (logCalls === 'errors' && failed);
    if (!onCall && !wantsLog) return;
    const event: WechatCallEvent = {
      path: req.path,
      appId: req.appId,
      attempt,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      outcome: 'ok',
      retried,
    };
    if (result.kind === 'ok') {
      event.status = result.status;
    } else if (result.kind === 'cancelled') {
      event.outcome = 'transport';
    } else if (result.error instanceof WechatApiException) {
      event.outcome = 'errcode';
      event.errcode = result.error.errcode;
      if (result.error.rid) event.rid = result.error.rid;
      event.status = 200;
    } else {
      event.outcome = 'transport';
      if (result.error.status !== undefined) event.status = result.error.status;
    }
    if (wantsLog) this.log(event, result);
    if (onCall) {
      try {
        onCall(event);
      } catch (err) {
        if (!this.subscriberFailureLogged) {
          this.subscriberFailureLogged = true;
          const name = err instanceof Error ? err.name : typeof err;
          this.logger.error(subscriberFailedMessage(name));
        }
      }
    }
  }

  private log(e: WechatCallEvent, result: AttemptOutcome<unknown>): void {
    const parts = [`${e.path}`, `attempt=${e.attempt}`, `ms=${e.durationMs}`];
    if (e.status !== undefined) parts.push(`status=${e.status}`);
    if (e.outcome === 'ok') {
      this.logger.debug(`ok ${parts.join(' ')}`);
      return;
    }
    if (e.errcode !== undefined) parts.push(`errcode=${e.errcode}`);
    if (e.rid) parts.push(`rid=${e.rid}`);
    if (result.kind === 'cancelled') parts.push('reason=cancelled');
    if (result.kind === 'fail' && result.error instanceof WechatTransportException) {
      parts.push(`reason=${result.error.reason}`);
    }
    if (e.retried) parts.push('retrying');
    this.logger.warn(`${e.outcome} ${parts.join(' ')}`);
  }
}
