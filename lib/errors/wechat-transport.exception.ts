import { transportErrorMessage } from './messages.js';

export type WechatTransportReason = 'timeout' | 'network' | 'http_status' | 'bad_response';

/**
 * No usable answer from WeChat. `cause` is at most `{ code }` (e.g. `ECONNRESET`): an
 * AxiosError would carry the request config, and with it the access_token URL or the
 * stable_token secret.
 */
export class WechatTransportException extends Error {
  override readonly name = 'WechatTransportException';
  readonly reason: WechatTransportReason;
  /** The API path, without query string. */
  readonly path: string;
  /** HTTP status of the answer, when there was one. */
  readonly status?: number;

  constructor(
    reason: WechatTransportReason,
    path: string,
    opts: { status?: number; code?: string } = {},
  ) {
    super(
      transportErrorMessage(path, reason),
      opts.code ? { cause: { code: opts.code } } : undefined,
    );
    this.reason = reason;
    this.path = path;
    if (opts.status !== undefined) this.status = opts.status;
  }
}
