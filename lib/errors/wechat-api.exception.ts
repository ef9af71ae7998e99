import { extractRid, maskIps, stripErrmsgSuffix } from '../http/redact.js';
import { apiErrorMessage, quotaHint } from './messages.js';

/** WeChat answered with a non-zero `errcode`. */
export class WechatApiException extends Error {
  override readonly name = 'WechatApiException';
  /** WeChat's errcode, e.g. 40007. */
  readonly errcode: number;
  /** WeChat's errmsg (caller IPs masked). */
  readonly errmsg: string;
  /** The request id WeChat support asks for, from `rid:` in errmsg. */
  readonly rid?: string;
  /** The API path, without query string. */
  readonly path: string;

  constructor(errcode: number, errmsg: string, path: string) {
    const masked = maskIps(String(errmsg ?? ''));
    super(
      apiErrorMessage(errcode, path, stripErrmsgSuffix(masked)) +
        (errcode === 45009 ? quotaHint(path) : ''),
    );
    this.errcode = errcode;
    this.errmsg = masked;
    this.rid = extractRid(masked);
    this.path = path;
  }
}
