import type { IncomingHttpHeaders } from 'node:http';
import { errorAnswer, type Answer } from './answers.js';
import type { MaterialLibrary } from './library.js';
import type { ResolvedFakeOptions } from './options.js';
import type { QuotaLedger } from './quota-ledger.js';
import type { TokenRegistry } from './tokens.js';

/** One request as an area sees it: the body already read, as bytes. */
export interface FakeRequest {
  readonly method: string;
  /** pathname without the query: the key of the route tables, `requests` and faults */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** the body decoded as UTF-8 (JSON endpoints) */
  text(): string;
}

/** Answers one path. May be async (multipart parsing); a throw answers errcode -1. */
export type RouteHandler = (req: FakeRequest) => Answer | Promise<Answer>;

/** pathname -> handler; paths are exact, without the query. */
export type RouteTable = Readonly<Record<string, RouteHandler>>;

/** One WeChat area (tokens, material, quota, media, drafts, publish…). */
export interface FakeArea {
  readonly routes: RouteTable;
}

/**
 * What the server shares with every area. The objects stay the same for the server's life
 * (seed() refills the library in place), so an area may keep them.
 */
export interface AreaContext {
  readonly options: ResolvedFakeOptions;
  readonly tokens: TokenRegistry;
  readonly quota: QuotaLedger;
  readonly library: MaterialLibrary;
  /** `http(s)://127.0.0.1:<port>` while started: for URLs the fake serves itself (down_url). */
  baseUrl(): string;
}

/** Builds an area from the shared context; its state lives in the closure or the object. */
export type AreaFactory<A extends FakeArea = FakeArea> = (ctx: AreaContext) => A;

/**
 * The checks every business call gets, in WeChat's order: access_token (41001/40001/42001),
 * HTTP method (43002 / 43001), daily quota (45009), then `handle`'s own checks.
 */
export function business(
  ctx: AreaContext,
  req: FakeRequest,
  method: 'POST' | 'GET' | 'ANY',
  handle: () => Answer | Promise<Answer>,
): Answer | Promise<Answer> {
  const tokenErr = ctx.tokens.check(req.query);
  if (tokenErr !== 0) return errorAnswer(tokenErr);
  if (method === 'POST' && req.method !== 'POST') return errorAnswer(43002);
  if (method === 'GET' && req.method !== 'GET') return errorAnswer(43001);
  if (!ctx.quota.take(req.path)) return errorAnswer(45009);
  return handle();
}
