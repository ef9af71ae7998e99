import { maskIps } from '../shared/scrub.js';
import { hintFor } from './errcodes.js';
import { extractRid, stripErrmsgSuffix } from './errmsg.js';
import { apiErrorMessage } from './messages.js';

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
    super(apiErrorMessage(errcode, path, stripErrmsgSuffix(masked)) + hintFor(errcode, path));
    this.errcode = errcode;
    this.errmsg = masked;
    this.rid = extractRid(masked);
    this.path = path;
  }
}
