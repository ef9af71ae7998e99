import { Logger } from '@nestjs/common';
import { LOG_CONTEXT } from '../wechat-material.constants.js';
import { redactSecrets } from '../shared/scrub.js';

/** The same kind of warning is written at most once in this window (an outage must not flood logs). */
const WARN_INTERVAL_MS = 10_000;
/** Redis error texts can be long (a whole reply); a log line needs the start. */
const MAX_DESCRIPTION = 200;

/** The store's log lines: throttled per kind, and scrubbed of the connection's password. */
export class RedisLog {
  private readonly logger = new Logger(LOG_CONTEXT);
  private readonly lastWarnAt = new Map<string, number>();

  /** `secrets`: strings that must never reach a log line (the password of a URL we were given). */
  constructor(private readonly secrets: readonly string[] = []) {}

  warn(kind: string, message: string): void {
    const now = Date.now();
    const last = this.lastWarnAt.get(kind);
    if (last !== undefined && now - last < WARN_INTERVAL_MS) return;
    this.lastWarnAt.set(kind, now);
    this.logger.warn(message);
  }

  log(message: string): void {
    this.logger.log(message);
  }

  /** An error's message, scrubbed and shortened, for a log line. */
  describe(err: unknown): string {
    const raw = err instanceof Error ? err.message : String(err);
    // Passwords may be short: scrub every one, whatever its length.
    const text = redactSecrets(raw, this.secrets, { minLength: 1 });
    return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION)}…` : text;
  }
}
