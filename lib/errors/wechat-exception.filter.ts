import { STATUS_CODES } from 'node:http';
import {
  type ArgumentsHost,
  Catch,
  HttpStatus,
  type ExceptionFilter,
  Inject,
  Injectable,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WECHAT_MATERIAL_OPTIONS } from '../wechat-material.module-definition.js';
import type { WechatMaterialModuleOptions } from '../wechat-material.options.js';
import { retryAfterSeconds, statusForErrcode } from './errcodes.js';
import { WechatApiException } from './wechat-api.exception.js';
import { WechatTransportException } from './wechat-transport.exception.js';

/** Body of the filter's reply. `errcode`/`rid` only for `WechatApiException`. */
export interface WechatErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errcode?: number;
  rid?: string;
}

/**
 * Maps WeChat failures to HTTP answers (Express and Fastify, through HttpAdapterHost).
 * Outside HTTP (RPC, WebSockets, GraphQL) it rethrows the exception unchanged.
 */
@Catch(WechatApiException, WechatTransportException)
@Injectable()
export class WechatExceptionFilter implements ExceptionFilter {
  constructor(
    @Optional() private readonly adapterHost?: HttpAdapterHost,
    @Optional()
    @Inject(WECHAT_MATERIAL_OPTIONS)
    private readonly options?: WechatMaterialModuleOptions,
  ) {}

  /** The status and body this filter answers with (also used by the sample app's streams). */
  toResponse(exception: WechatApiException | WechatTransportException): {
    status: number;
    body: WechatErrorBody;
    headers: Record<string, string>;
  } {
    const status =
      'errcode' in exception
        ? statusForErrcode(exception.errcode, this.options?.errorStatusOverrides)
        : statusForTransport(exception);
    const body: WechatErrorBody = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message: exception.message,
    };
    const headers: Record<string, string> = {};
    if (exception instanceof WechatApiException) {
      body.errcode = exception.errcode;
      if (exception.rid) body.rid = exception.rid;
      const retryAfter = retryAfterSeconds(exception.errcode);
      if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
    }
    return { status, body, headers };
  }

  catch(exception: WechatApiException | WechatTransportException, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const adapter = this.adapterHost?.httpAdapter;
    const res: unknown = host.switchToHttp().getResponse();
    const { status, body, headers } = this.toResponse(exception);
    if (adapter) {
      for (const [name, value] of Object.entries(headers)) adapter.setHeader(res, name, value);
      adapter.reply(res, body, status);
      return;
    }
    // Built with `new WechatExceptionFilter()` outside DI: answer through the raw response.
    replyWithoutAdapter(res, status, body, headers, exception);
  }
}

/** Our own deadline → 504; any other transport failure (an upstream 5xx page included) → 502. */
function statusForTransport(e: WechatTransportException): number {
  return e.reason === 'timeout' ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY;
}

interface ExpressLikeResponse {
  status(code: number): ExpressLikeResponse;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
}
interface FastifyLikeReply {
  code(code: number): FastifyLikeReply;
  header(name: string, value: string): FastifyLikeReply;
  send(body: unknown): void;
}

function replyWithoutAdapter(
  res: unknown,
  status: number,
  body: WechatErrorBody,
  headers: Record<string, string>,
  exception: Error,
): void {
  const r = res as Partial<ExpressLikeResponse & FastifyLikeReply> | null;
  if (r && typeof r.code === 'function' && typeof r.send === 'function') {
    const reply = res as FastifyLikeReply;
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.code(status).send(body);
  } else if (r && typeof r.status === 'function' && typeof r.json === 'function') {
    const response = res as ExpressLikeResponse;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(status).json(body);
  } else {
    throw exception;
  }
}
