import { HttpStatus } from '@nestjs/common';
import { quotaHint } from './messages.js';

/** What one errcode means to the library. Flags left out are false. */
export interface ErrcodeEntry {
  /** HTTP status of the filter's reply (API.md, "WechatExceptionFilter"). */
  readonly status: number;
  /** Worth another attempt under the retry policy (only -1, "system busy"). */
  readonly retried?: boolean;
  /** On a business call: the access token is bad or expired; refresh once and replay. */
  readonly rejectsToken?: boolean;
  /** At the token endpoint: no retry can fix it; remembered for tokenErrorCooldownMs. */
  readonly tokenEndpointFatal?: boolean;
  /** Seconds for the reply's `Retry-After` header. */
  readonly retryAfterSeconds?: number;
  /** Appended to the exception's message: what to do about it. */
  readonly hint?: (path: string) => string;
}

/** Status of an errcode the catalogue does not list. */
export const UNKNOWN_ERRCODE_STATUS = HttpStatus.BAD_GATEWAY;

const { BAD_REQUEST, FORBIDDEN, NOT_FOUND, CONFLICT, GONE, UNPROCESSABLE_ENTITY } = HttpStatus;
const { TOO_MANY_REQUESTS, INTERNAL_SERVER_ERROR, BAD_GATEWAY, SERVICE_UNAVAILABLE } = HttpStatus;

/**
 * THE errcode catalogue: everything the library knows about an errcode, in one entry.
 * Adding an errcode is one line here plus its row in test/helpers/errcode-table.ts.
 */
export const ERRCODES: Readonly<Record<number, ErrcodeEntry>> = Object.freeze({
  [-1]: { status: SERVICE_UNAVAILABLE, retried: true }, // system busy
  // The token: bad or expired on a business call.
  40001: { status: BAD_GATEWAY, rejectsToken: true },
  40014: { status: BAD_GATEWAY, rejectsToken: true },
  42001: { status: BAD_GATEWAY, rejectsToken: true },
  // The token endpoint: wrong grant_type / appid / secret, IP not whitelisted, appid missing.
  40002: { status: INTERNAL_SERVER_ERROR, tokenEndpointFatal: true },
  40013: { status: BAD_GATEWAY, tokenEndpointFatal: true },
  40125: { status: BAD_GATEWAY, tokenEndpointFatal: true },
  40164: { status: BAD_GATEWAY, tokenEndpointFatal: true },
  40243: { status: BAD_GATEWAY, tokenEndpointFatal: true },
  41002: { status: BAD_GATEWAY, tokenEndpointFatal: true },
  89503: { status: SERVICE_UNAVAILABLE, tokenEndpointFatal: true }, // admin must confirm the IP
  89501: { status: SERVICE_UNAVAILABLE },
  // Our own requests were malformed: missing token, wrong method, empty or bad body, wrong token kind.
  41001: { status: INTERNAL_SERVER_ERROR },
  43002: { status: INTERNAL_SERVER_ERROR },
  44002: { status: INTERNAL_SERVER_ERROR },
  47001: { status: INTERNAL_SERVER_ERROR },
  61024: { status: INTERNAL_SERVER_ERROR },
  40004: { status: BAD_REQUEST }, // invalid media type
  40007: { status: NOT_FOUND }, // invalid media_id (or publish_id)
  45009: { status: TOO_MANY_REQUESTS, hint: quotaHint }, // daily quota reached
  45011: { status: TOO_MANY_REQUESTS, retryAfterSeconds: 60 }, // per-minute limit
  48001: { status: FORBIDDEN }, // API not authorised
  50001: { status: FORBIDDEN },
  50002: { status: FORBIDDEN },
  45103: { status: GONE }, // API withdrawn (add_news, update_news)
  45106: { status: GONE },
  // Uploads: file type or size.
  40005: { status: BAD_REQUEST },
  40006: { status: BAD_REQUEST },
  40009: { status: BAD_REQUEST },
  40113: { status: BAD_REQUEST },
  41005: { status: BAD_REQUEST },
  45001: { status: BAD_REQUEST },
  // Drafts: a field too long or bad content; a bad index; bad product cards.
  40062: { status: BAD_REQUEST },
  45002: { status: BAD_REQUEST },
  45003: { status: BAD_REQUEST },
  45004: { status: BAD_REQUEST },
  45166: { status: BAD_REQUEST },
  40114: { status: BAD_REQUEST },
  53404: { status: BAD_REQUEST },
  53405: { status: BAD_REQUEST },
  53406: { status: BAD_REQUEST },
  88000: { status: FORBIDDEN }, // no comment privilege
  // Publishing: failed the publish check; open / save the draft in the web console first;
  // unknown article_id.
  53503: { status: UNPROCESSABLE_ENTITY },
  53504: { status: CONFLICT },
  53505: { status: CONFLICT },
  53600: { status: NOT_FOUND },
  // quota/get's own: a bad cgi_path; 76003 maps like any unknown errcode.
  76021: { status: BAD_REQUEST },
  76022: { status: BAD_REQUEST },
  76003: { status: BAD_GATEWAY },
} satisfies Record<number, ErrcodeEntry>);

const entryOf = (errcode: number): ErrcodeEntry | undefined =>
  Object.prototype.hasOwnProperty.call(ERRCODES, errcode) ? ERRCODES[errcode] : undefined;

export const isRetriedErrcode = (errcode: number): boolean => entryOf(errcode)?.retried === true;

export const rejectsToken = (errcode: number): boolean => entryOf(errcode)?.rejectsToken === true;

export const isTokenEndpointFatal = (errcode: number): boolean =>
  entryOf(errcode)?.tokenEndpointFatal === true;

export const retryAfterSeconds = (errcode: number): number | undefined =>
  entryOf(errcode)?.retryAfterSeconds;

/** The hint to append to an exception's message, or ''. */
export const hintFor = (errcode: number, path: string): string =>
  entryOf(errcode)?.hint?.(path) ?? '';

export function statusForErrcode(
  errcode: number,
  overrides: Readonly<Record<number, number>> = {},
): number {
  return overrides[errcode] ?? entryOf(errcode)?.status ?? UNKNOWN_ERRCODE_STATUS;
}
