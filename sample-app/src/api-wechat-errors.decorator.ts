import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ValidationErrorBodyDto, WechatErrorBodyDto } from './api-schemas.dto.js';

/**
 * The error answers of a route that calls WeChat: 400 from ValidationPipe for routes with
 * input (`invalidInput` says what is checked), then every status of WechatExceptionFilter's
 * errcode map (API.md), each with the `{ statusCode, error, message, errcode?, rid? }` body.
 * `more` adds an area's errcodes to a status (appended to its text), or a status of its own.
 */
export function ApiWechatErrors(invalidInput?: string, more: Partial<Record<number, string>> = {}) {
  const wechatError = { $ref: getSchemaPath(WechatErrorBodyDto) };
  // `more` adds the errcodes of one area (drafts, publishing) to a status, or a new status.
  const describe = (status: number, description: string) =>
    more[status] ? `${description}; ${more[status]}` : description;
  const wechat = (status: number, description: string, headers?: Record<string, object>) =>
    ApiResponse({
      status,
      description: describe(status, description),
      schema: wechatError,
      ...(headers ? { headers } : {}),
    });
  const known = [400, 403, 404, 410, 429, 500, 502, 503, 504];
  const added = Object.entries(more)
    .filter(([status]) => !known.includes(Number(status)))
    .map(([status, description]) => wechat(Number(status), description!));
  const badInput = invalidInput
    ? [
        ApiResponse({
          status: 400,
          description: describe(
            400,
            `${invalidInput} (ValidationPipe: no WeChat call is made), or errcode 40004 (invalid media type)`,
          ),
          schema: { oneOf: [{ $ref: getSchemaPath(ValidationErrorBodyDto) }, wechatError] },
        }),
      ]
    : [];
  return applyDecorators(
    ApiExtraModels(WechatErrorBodyDto, ValidationErrorBodyDto),
    ...badInput,
    wechat(
      403,
      'errcode 48001, 50001, 50002: API not authorised for this account, or account limited',
    ),
    wechat(404, 'errcode 40007: invalid media_id'),
    wechat(410, 'errcode 45103, 45106: API withdrawn by WeChat'),
    wechat(
      429,
      'errcode 45009 (daily quota reached) or 45011 (called too often, with Retry-After)',
      {
        'Retry-After': {
          description: 'Seconds to wait; sent with errcode 45011 only',
          schema: { type: 'integer', example: 60 },
        },
      },
    ),
    wechat(
      500,
      'errcode 40002, 41001, 43002, 44002, 47001, 61024: the request to WeChat was malformed',
    ),
    wechat(
      502,
      'errcode 40001/40014/42001 (token still rejected after one refresh), 40013, 40125, 40243, ' +
        '40164 (credentials or IP whitelist), any unknown errcode, or no usable answer ' +
        '(connection reset, HTML 502 page); transport failures carry no errcode',
    ),
    wechat(
      503,
      'errcode -1 (WeChat busy, after retries), 89501, 89503 (admin must confirm the IP)',
    ),
    wechat(504, 'WeChat did not answer within timeoutMs (after retries); no errcode'),
    ...added,
  );
}
