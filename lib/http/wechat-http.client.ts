import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import type { AxiosRequestConfig, AxiosResponse, GenericAbortSignal } from 'axios';
import type { Dispatcher } from 'undici';
import { RESOLVED_WECHAT_OPTIONS } from '../wechat-material.constants.js';
import type { ResolvedWechatOptions } from '../wechat-material.options.js';
import { WechatApiException } from '../errors/wechat-api.exception.js';
import { WechatTransportException } from '../errors/wechat-transport.exception.js';
import { redactSecrets } from '../shared/scrub.js';
import { sleep } from '../shared/sleep.js';
import { AttemptDeadline } from './attempt-deadline.js';
import { CallReporter, type AttemptOutcome } from './call-reporter.js';
import { isRetryableErrcode, isRetryableStatus, retryDelayMs } from './retry-policy.js';
import { undiciAdapter, type UndiciRequestConfig } from './undici.adapter.js';
import { createModuleDispatcher } from './wechat-dispatcher.js';
import { errcodeOf, parseWechatBody, withoutStatus } from './wechat-body.parser.js';
import type { ReplayableBody } from './multipart-body.js';
import { readDownload, type DownloadedFile, type DownloadRead } from './download-reader.js';

const identity = (data: unknown): unknown => data;
/** Every status is classified by us, not thrown by axios. */
const anyStatus = (): boolean => true;
/** A page of 20 news items can be several MB of article HTML. */
const MAX_CONTENT_LENGTH = 64 * 1024 * 1024;

/**
 * The module's own axios instance (`HttpModule.register`), shared by every module instance:
 * what never changes per call lives here, so that each call's config stays small.
 */
export const WECHAT_AXIOS_CONFIG: AxiosRequestConfig = {
  adapter: undiciAdapter,
  // A redirect would replay the access_token elsewhere; WeChat never redirects.
  maxRedirects: 0,
  // Raw text: WeChat's JSON needs tolerant parsing, and axios must not guess; bodies are
  // serialised by the client (axios would JSON.parse a JSON string again to check it).
  responseType: 'text',
  transformResponse: identity,
  transformRequest: identity,
  validateStatus: anyStatus,
  maxContentLength: MAX_CONTENT_LENGTH,
};

/**
 * axios.create() puts axios' global defaults back beside WECHAT_AXIOS_CONFIG (xsrf names,
 * `env`, `transitional`, an empty header map per method…), and axios merges every one of them
 * into every request: ~15 µs a call. The module's instance is its own (no one else sends
 * through it), so its defaults are trimmed to what it uses, in place (the instance function
 * and its Axios context share that object). Idempotent. No default headers either: merging
 * them into each call's headers (caseless) cost more than sending `Accept` with each call.
 */
export function trimAxiosDefaults(defaults: object): void {
  const d = defaults as Record<string, unknown>;
  for (const key of Object.keys(d)) if (!(key in WECHAT_AXIOS_CONFIG)) delete d[key];
}

/** One logical call to WeChat; the client adds retries, deadlines and events. */
export interface WechatRequest {
  /** Pathname, e.g. `/cgi-bin/material/batchget_material`. */
  path: string;
  method: 'GET' | 'POST';
  /** For events and logs only. */
  appId?: string;
  /** Sent as `access_token` in the query string unless null/undefined. */
  accessToken?: string | null;
  /** Extra query parameters (classic token: appid, secret). Never logged. */
  query?: Record<string, string>;
  /** JSON body for POST. */
  body?: unknown;
  /**
   * Instead of `body`: bytes made afresh for each attempt, sent with their headers. An
   * upload attempt is bounded by `transferTimeoutMs` instead of `timeoutMs`.
   */
  upload?: ReplayableBody;
  /** Cancels the call, including backoff waits; rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Values to scrub from any errmsg that comes back (the secret for token calls). */
  secrets?: readonly string[];
  /** Shape check for a successful answer; failing it is a `bad_response`. */
  accept?: (body: Record<string, unknown>) => boolean;
  /** The answer may be a file (see `download()`); set by `download()` itself. */
  download?: boolean;
  /** Keys whose bare JSON numbers are read as strings, every digit kept (ids past 2^53). */
  stringFields?: readonly string[];
}

/** What `download()` resolves with: WeChat's JSON (errcode 0 / none), or a file as it arrives. */
export type DownloadAnswer =
  { kind: 'json'; body: Record<string, unknown> } | { kind: 'file'; file: DownloadedFile };

type AttemptResult = AttemptOutcome<DownloadedFile>;

const acceptAny = (): boolean => true;
const ACCEPT = 'application/json, text/plain, */*';
const GET_HEADERS = { Accept: ACCEPT } as const;
const JSON_HEADERS = { Accept: ACCEPT, 'Content-Type': 'application/json' } as const;
/** A file's length and bytes as stored: no transfer compression to undo. */
const DOWNLOAD_HEADERS = { 'Accept-Encoding': 'identity' } as const;

/**
 * HTTP to WeChat through @nestjs/axios (an undici adapter, this module's keep-alive
 * dispatcher), a deadline per attempt (an AbortSignal, not an idle timeout), bounded retries
 * with jittered backoff for -1/5xx/resets/timeouts only, tolerant parsing, and one event per
 * attempt.
 */
@Injectable()
export class WechatHttpClient implements OnModuleDestroy {
  private readonly reporter: CallReporter;
  private readonly dispatcher: Dispatcher;
  /** False for a dispatcher the user passed in `http.dispatcher`: its owner closes it. */
  private readonly ownsDispatcher: boolean;
  /** Every configured secret (app secrets, proxy credentials): scrubbed from any errmsg. */
  private readonly configuredSecrets: readonly string[];

  constructor(
    private readonly http: HttpService,
    @Inject(RESOLVED_WECHAT_OPTIONS) private readonly options: ResolvedWechatOptions,
  ) {
    trimAxiosDefaults(http.axiosRef.defaults);
    this.reporter = new CallReporter(options);
    const own = createModuleDispatcher(options.http);
    this.dispatcher = own.dispatcher;
    this.ownsDispatcher = own.owned;
    this.configuredSecrets = [
      options.appSecret,
      ...Object.values(options.accounts).map((a) => a.appSecret),
      ...own.secrets,
    ].filter((v): v is string => typeof v === 'string');
  }

  /** Closes the keep-alive sockets of the dispatcher this module created. */
  async onModuleDestroy(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.destroy();
  }

  /** Sends the request with retries; resolves with WeChat's JSON answer (errcode 0 / none). */
  async request(req: WechatRequest): Promise<Record<string, unknown>> {
    return (await this.run(req)).body;
  }

  /**
   * For answers that may be a file (get_material, media/get): JSON is recognised by its
   * body and header together and handled like `request()`; a file is handed over unbuffered
   * once its headers arrived (the event fires then; a body failing later adds one
   * `transport` event for that attempt) and is never fetched again.
   */
  async download(req: WechatRequest): Promise<DownloadAnswer> {
    const ok = await this.run({ ...req, download: true });
    return ok.file ? { kind: 'file', file: ok.file } : { kind: 'json', body: ok.body };
  }

  private async run(req: WechatRequest): Promise<AttemptResult & { kind: 'ok' }> {
    const { attempts, baseDelayMs, maxDelayMs } = this.options.retry;
    const max = attempts + 1;
    for (let attempt = 1; ; attempt++) {
      if (req.signal?.aborted) throw req.signal.reason;
      const started = performance.now();
      const result = await this.attempt(req, attempt, started);
      const retried = result.kind === 'fail' && result.retryable && attempt < max;
      this.reporter.report(req, attempt, started, result, retried);
      if (result.kind === 'ok') return result;
      if (result.kind === 'cancelled') throw result.reason;
      if (!retried) throw result.error;
      await sleep(retryDelayMs(attempt, baseDelayMs, maxDelayMs), req.signal);
    }
  }

  private async attempt(req: WechatRequest, n: number, started: number): Promise<AttemptResult> {
    const deadline = new AttemptDeadline(
      req.upload ? this.options.transferTimeoutMs : this.options.timeoutMs,
      req.signal,
    );
    // A fresh body per attempt: retries and the replay after a token rejection resend it whole.
    const upload = req.upload?.open();
    try {
      const res = await this.send(req, deadline.signal, upload);
      if (!req.download) {
        return this.classify(req, res.status, typeof res.data === 'string' ? res.data : '');
      }
      // Still within timeoutMs: until a file's headers, or a JSON answer's whole body.
      const got = await this.readDownloadAnswer(req, res, n, started);
      if (got.kind === 'file') return { kind: 'ok', body: {}, status: res.status, file: got.file };
      return this.classify(req, res.status, got.kind === 'json' ? got.text : '');
    } catch (err) {
      return this.failure(req, err, deadline);
    } finally {
      deadline.dispose();
      // WeChat may answer before reading the whole body: release the file it was read from.
      upload?.destroy();
    }
  }

  /** One HTTP exchange through HttpService; the shared settings are in WECHAT_AXIOS_CONFIG. */
  private send(
    req: WechatRequest,
    signal: GenericAbortSignal,
    upload: Readable | undefined,
  ): Promise<AxiosResponse<unknown>> {
    const post = req.method === 'POST';
    const config: AxiosRequestConfig & UndiciRequestConfig = {
      method: req.method,
      url: this.url(req),
      // An upload goes out as a stream with its Content-Length (the adapter never chunks).
      data: upload ?? (post ? JSON.stringify(req.body ?? {}) : undefined),
      headers: upload
        ? { Accept: ACCEPT, ...req.upload!.headers }
        : post
          ? JSON_HEADERS
          : GET_HEADERS,
      signal,
      dispatcher: this.dispatcher,
    };
    if (req.download) {
      config.responseType = 'stream';
      config.headers = { ...config.headers, ...DOWNLOAD_HEADERS };
    }
    return this.http.axiosRef.request<unknown>(config);
  }

  /** A request that brought no answer: the caller's abort, our deadline, or the network. */
  private failure(req: WechatRequest, err: unknown, deadline: AttemptDeadline): AttemptResult {
    if (req.signal?.aborted) return { kind: 'cancelled', reason: req.signal.reason };
    const timedOut = deadline.timedOut;
    return {
      kind: 'fail',
      error: new WechatTransportException(timedOut ? 'timeout' : 'network', req.path, {
        code: timedOut ? 'ETIMEDOUT' : errorCode(err),
      }),
      retryable: true,
    };
  }

  private readDownloadAnswer(
    req: WechatRequest,
    res: AxiosResponse<unknown>,
    n: number,
    started: number,
  ): Promise<DownloadRead> {
    const body = res.data as Readable;
    if (res.status < 200 || res.status > 299) {
      body.destroy();
      return Promise.resolve({ kind: 'unusable' });
    }
    return readDownload(body, res.headers as Record<string, unknown>, {
      idleMs: this.options.transferTimeoutMs,
      path: req.path,
      maxJsonBytes: MAX_CONTENT_LENGTH,
      onFailure: (error) =>
        this.reporter.report(req, n, started, { kind: 'fail', error, retryable: false }, false),
    });
  }

  private classify(req: WechatRequest, status: number, text: string): AttemptResult {
    if (status < 200 || status > 299) {
      return {
        kind: 'fail',
        error: new WechatTransportException('http_status', req.path, { status }),
        retryable: isRetryableStatus(status),
      };
    }
    const body = parseWechatBody(text, req.stringFields);
    if (!body) {
      return {
        kind: 'fail',
        error: new WechatTransportException('bad_response', req.path, { status }),
        retryable: false,
      };
    }
    const errcode = errcodeOf(body);
    if (errcode !== 0) {
      const errmsg = typeof body.errmsg === 'string' ? body.errmsg : '';
      const secrets = [req.accessToken, ...(req.secrets ?? []), ...this.configuredSecrets].filter(
        (s): s is string => typeof s === 'string',
      );
      return {
        kind: 'fail',
        error: new WechatApiException(errcode, redactSecrets(errmsg, secrets), req.path),
        retryable: isRetryableErrcode(errcode),
      };
    }
    if (!(req.accept ?? acceptAny)(body)) {
      return {
        kind: 'fail',
        error: new WechatTransportException('bad_response', req.path, { status }),
        retryable: false,
      };
    }
    return { kind: 'ok', body: withoutStatus(body), status };
  }

  private url(req: WechatRequest): string {
    // The common case, a token and nothing else, without a URLSearchParams per call.
    if (!req.query) {
      const base = `${this.options.baseUrl}${req.path}`;
      return req.accessToken ? `${base}?access_token=${encodeURIComponent(req.accessToken)}` : base;
    }
    const params = new URLSearchParams(req.query);
    if (req.accessToken) params.set('access_token', req.accessToken);
    const qs = params.toString();
    return `${this.options.baseUrl}${req.path}${qs ? `?${qs}` : ''}`;
  }
}

function errorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
