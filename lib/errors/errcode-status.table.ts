import { HttpStatus } from '@nestjs/common';
import type { WechatApiException } from './wechat-api.exception.js';
import type { WechatTransportException } from './wechat-transport.exception.js';

/** Default errcode → HTTP status map (API.md, "WechatExceptionFilter"). */
export const ERRCODE_STATUS: Readonly<Record<number, number>> = Object.freeze({
  [-1]: HttpStatus.SERVICE_UNAVAILABLE,
  40001: HttpStatus.BAD_GATEWAY,
  40014: HttpStatus.BAD_GATEWAY,
  42001: HttpStatus.BAD_GATEWAY,
  40002: HttpStatus.INTERNAL_SERVER_ERROR,
  41001: HttpStatus.INTERNAL_SERVER_ERROR,
  43002: HttpStatus.INTERNAL_SERVER_ERROR,
  44002: HttpStatus.INTERNAL_SERVER_ERROR,
  47001: HttpStatus.INTERNAL_SERVER_ERROR,
  61024: HttpStatus.INTERNAL_SERVER_ERROR,
  40004: HttpStatus.BAD_REQUEST,
  40007: HttpStatus.NOT_FOUND,
  40013: HttpStatus.BAD_GATEWAY,
  40125: HttpStatus.BAD_GATEWAY,
  40243: HttpStatus.BAD_GATEWAY,
  40164: HttpStatus.BAD_GATEWAY,
  45009: HttpStatus.TOO_MANY_REQUESTS,
  45011: HttpStatus.TOO_MANY_REQUESTS,
  48001: HttpStatus.FORBIDDEN,
  50001: HttpStatus.FORBIDDEN,
  50002: HttpStatus.FORBIDDEN,
  45103: HttpStatus.GONE,
  45106: HttpStatus.GONE,
  89501: HttpStatus.SERVICE_UNAVAILABLE,
  89503: HttpStatus.SERVICE_UNAVAILABLE,
  // quota/get's own errcodes
  76021: HttpStatus.BAD_REQUEST,
  76022: HttpStatus.BAD_REQUEST,
  76003: HttpStatus.BAD_GATEWAY,
});

/** Seconds to send in `Retry-After` for 45011 (WeChat's per-minute limit). */
export const RETRY_AFTER_SECONDS: Readonly<Record<number, number>> = Object.freeze({ 45011: 60 });

export function statusForErrcode(
  errcode: number,
  overrides: Readonly<Record<number, number>> = {},
): number {
  return overrides[errcode] ?? ERRCODE_STATUS[errcode] ?? HttpStatus.BAD_GATEWAY;
}

export function statusForTransport(e: WechatTransportException): number {
  return e.reason === 'timeout' ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY;
}

export function statusFor(
  e: WechatApiException | WechatTransportException,
  overrides?: Readonly<Record<number, number>>,
): number {
  return 'errcode' in e ? statusForErrcode(e.errcode, overrides) : statusForTransport(e);
}
