import { Readable } from 'node:stream';
import {
  AxiosError,
  AxiosHeaders,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { FormData as UndiciFormData, getGlobalDispatcher, type Dispatcher } from 'undici';

/** The per-request config this adapter reads beyond axios' own keys. */
export interface UndiciRequestConfig {
  /** The undici dispatcher (keep-alive pools, proxy) of the module sending the request. */
  dispatcher?: Dispatcher;
}

type Config = InternalAxiosRequestConfig & UndiciRequestConfig;
const noop = (): void => undefined;
type RequestBody = Dispatcher.DispatchOptions['body'];

/**
 * An axios adapter over `undici`'s `Dispatcher.request`. It is stateless: the axios instance
 * is shared by every module instance, so the dispatcher (and with it the sockets and the
 * proxy) comes with each request's config. Redirects are never followed (a 3xx is returned
 * as an answer), the body is read as UTF-8 text up to `maxContentLength`, or handed over as
 * a Readable with `responseType: 'stream'`. An abort of `config.signal` rejects with the
 * signal's reason.
 */
export const undiciAdapter: AxiosAdapter = (config: InternalAxiosRequestConfig) => {
  const cfg = config as Config;
  return new Promise<AxiosResponse>((resolve, reject) => {
    let opts: Dispatcher.RequestOptions;
    try {
      opts = requestOptions(cfg);
    } catch (err) {
      reject(err);
      return;
    }
    (cfg.dispatcher ?? getGlobalDispatcher()).request(opts, (err, res) => {
      if (err) reject(toAxiosError(err, cfg));
      else onHeaders(cfg, res, resolve, reject);
    });
  });
};

function requestOptions(cfg: Config): Dispatcher.RequestOptions {
  const url = fullUrl(cfg);
  // `scheme://host[:port]` ends at the first '/' after the scheme: no URL parse per call.
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  const origin = slash === -1 ? url : url.slice(0, slash);
  const path = slash === -1 ? '/' : url.slice(slash);
  const headers = cfg.headers.toJSON() as Record<string, string>;
  const body = requestBody(cfg, headers);
  const opts: Dispatcher.RequestOptions = {
    origin,
    path,
    method: (cfg.method ?? 'get').toUpperCase() as Dispatcher.HttpMethod,
    headers,
    body,
    signal: cfg.signal as AbortSignal | undefined,
  };
  // axios' `timeout` is an idle limit; undici has the same two: until headers, between chunks.
  if (cfg.timeout) opts.headersTimeout = opts.bodyTimeout = cfg.timeout;
  return opts;
}

function fullUrl(cfg: Config): string {
  let url = cfg.url ?? '';
  if (cfg.baseURL && !/^https?:\/\//i.test(url)) {
    url = `${cfg.baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
  }
  const params = cfg.params as Record<string, unknown> | undefined;
  if (params && typeof params === 'object') {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v != null) qs.append(k, String(v));
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  if (!/^https?:\/\//i.test(url)) {
    throw new AxiosError('undici adapter: only absolute http(s) URLs', 'ERR_INVALID_URL', cfg);
  }
  return url;
}

/**
 * Bodies always go out with a Content-Length: WeChat's upload endpoints reject chunked
 * bodies, and a known length lets undici check that a stream delivered all of it.
 */
function requestBody(cfg: Config, headers: Record<string, string>): RequestBody {
  const data: unknown = cfg.data;
  if (data == null || typeof data === 'string' || data instanceof Uint8Array) {
    return data as RequestBody;
  }
  if (data instanceof UndiciFormData) {
    // undici writes the multipart Content-Type with its boundary (axios set a default one).
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-type') delete headers[k];
    return data;
  }
  if (typeof FormData === 'function' && data instanceof FormData) {
    throw new AxiosError(
      "undici adapter: use undici's FormData (import { FormData } from 'undici'), not the global one",
      'ERR_BAD_REQUEST',
      cfg,
    );
  }
  if (data instanceof Readable || isAsyncIterable(data)) {
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')) {
      throw new AxiosError(
        'undici adapter: a stream body needs a Content-Length header (never sent chunked)',
        'ERR_BAD_REQUEST',
        cfg,
      );
    }
    return data as RequestBody;
  }
  throw new AxiosError(
    'undici adapter: the body must be a string, a Buffer, a FormData or a stream',
    'ERR_BAD_REQUEST',
    cfg,
  );
}

function isAsyncIterable(v: unknown): v is AsyncIterable<Uint8Array> {
  return typeof (v as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === 'function';
}

function onHeaders(
  cfg: Config,
  res: Dispatcher.ResponseData,
  resolve: (r: AxiosResponse) => void,
  reject: (e: unknown) => void,
): void {
  const response: AxiosResponse = {
    data: undefined,
    status: res.statusCode,
    statusText: (res as { statusText?: string }).statusText ?? '',
    // undici's names are already lower-case and its values clean: copied as they are into an
    // AxiosHeaders, which axios then keeps (no `AxiosHeaders.from` of a plain object per call).
    headers: Object.assign(new AxiosHeaders(), res.headers),
    config: cfg,
    request: undefined,
  };
  if (cfg.responseType === 'stream') {
    // The caller owns the body: reading it to the end reuses the socket, destroying it frees
    // it. undici reports a destroy() before the end as an 'error' (RequestAbortedError): not
    // a crash when nobody listens; listeners of the caller still see every error.
    response.data = res.body.on('error', noop);
    settle(cfg, response, resolve, reject);
    return;
  }
  const max = cfg.maxContentLength ?? -1;
  const declared = Number(res.headers['content-length']);
  if (max > -1 && declared > max) {
    res.body.destroy();
    reject(tooLong(cfg, max));
    return;
  }
  const text = max > -1 && !(declared <= max) ? readCapped(res.body, max, cfg) : res.body.text();
  text.then(
    (t) => {
      response.data = t;
      settle(cfg, response, resolve, reject);
    },
    (err: unknown) => reject(toAxiosError(err, cfg)),
  );
}

/** A body without a (trustworthy) length: collected until `max` bytes, then abandoned. */
function readCapped(body: Readable, max: number, cfg: Config): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        body.destroy();
        reject(tooLong(cfg, max));
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    body.once('error', reject);
  });
}

function tooLong(cfg: Config, max: number): AxiosError {
  return new AxiosError(`maxContentLength size of ${max} exceeded`, 'ERR_BAD_RESPONSE', cfg);
}

/** axios' own `settle`: `validateStatus` decides (the library passes one that accepts all). */
function settle(
  cfg: Config,
  response: AxiosResponse,
  resolve: (r: AxiosResponse) => void,
  reject: (e: unknown) => void,
): void {
  const validate = cfg.validateStatus;
  if (!validate || validate(response.status)) {
    resolve(response);
    return;
  }
  const code = response.status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST';
  reject(
    new AxiosError(
      `Request failed with status code ${response.status}`,
      code,
      cfg,
      undefined,
      response,
    ),
  );
}

/**
 * undici's errors as axios-like errors with a `code`. undici reports a connection the peer
 * closed or reset as `UND_ERR_SOCKET`; it is named `ECONNRESET` here, as axios' Node adapter
 * names it. An abort of the caller's signal rejects with the signal's reason, untouched.
 */
function toAxiosError(err: unknown, cfg: Config): unknown {
  const signal = cfg.signal as AbortSignal | undefined;
  if (signal?.aborted && err === signal.reason) return err;
  if (err instanceof AxiosError) return err;
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  let code = typeof e?.code === 'string' ? e.code : undefined;
  if (code === 'UND_ERR_SOCKET') {
    code = typeof e.cause?.code === 'string' ? e.cause.code : 'ECONNRESET';
  }
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const out = new AxiosError(message, code, cfg);
  (out as { cause?: unknown }).cause = err;
  return out;
}
