/**
 * FakeWechatServer: a real HTTP(S) server on 127.0.0.1 that behaves like WeChat.
 *
 * How the pieces fit (the seam every WeChat area plugs into):
 * - `server.ts` (this file): lifecycle, counting, faults and latency, routing. It reads each
 *   body as bytes (up to MAX_BODY_BYTES), builds a `FakeRequest` and hands it to the handler
 *   registered for its pathname; an unknown path answers 404 as WeChat's gateway does.
 * - An area is a module exporting a factory `(ctx: AreaContext) => FakeArea`, where
 *   `FakeArea.routes` maps exact pathnames to handlers `(req: FakeRequest) => Answer |
 *   Promise<Answer>` (area.ts). The context shares the resolved options (options.ts), the
 *   token registry (tokens.ts), the daily quota (quota-ledger.ts), the material library
 *   (library.ts) and the server's own `baseUrl()`. Handlers wrap business calls in
 *   `business(ctx, req, 'POST' | 'GET' | 'ANY', handle)` for WeChat's token, method and quota
 *   checks, and answer with the helpers of answers.ts (`jsonAnswer`, `errorAnswer`,
 *   `materialAnswer`, a Buffer body with `headers`…).
 * - Adding an area: write `fake/<area>.ts` with its factory (state in the closure or the
 *   returned object), add ONE line to `createAreas` below, and its paths to paths.ts. Faults,
 *   latency, counters and `lastBody` then apply to its paths with no other change. A public
 *   control method (e.g. `failPublish`) is a one-line method here calling
 *   `this.areas.<area>.<method>`; its options go in options.ts and reach the area as
 *   `ctx.options`.
 * - Faults (faults.ts) are decided when a request arrives; the body faults `reset_body` and
 *   `stall_body` run the normal handler, then cut its answer (exchange.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { errorAnswer, notFoundAnswer, type Answer } from './answers.js';
import type { AreaContext, FakeRequest, RouteHandler } from './area.js';
import { MAX_BODY_BYTES, readBody, resetSocket, send, sendCut, splitUrl } from './exchange.js';
import { FaultBook, planFault, type FakeFault } from './faults.js';
import { MaterialLibrary, type FakeMaterialType } from './library.js';
import { materialArea } from './material.js';
import { mediaArea } from './media.js';
import {
  resolveFakeOptions,
  type FakeWechatServerOptions,
  type ResolvedFakeOptions,
} from './options.js';
import { isTokenPath } from './paths.js';
import { QuotaLedger } from './quota-ledger.js';
import { quotaArea } from './quota.js';
import { tokenArea } from './token-area.js';
import { DraftBox, draftsArea } from './drafts.js';
import { publishArea, type FakePublishFailure } from './publish.js';
import { TokenRegistry } from './tokens.js';

export type { FakeFault } from './faults.js';
export type { FakeWechatServerOptions } from './options.js';

/** Every area the fake serves: one line each. */
function createAreas(ctx: AreaContext) {
  // Publishing takes drafts out of the box: the two areas share it.
  const box = new DraftBox();
  return {
    tokens: tokenArea(ctx),
    material: materialArea(ctx),
    quota: quotaArea(ctx),
    media: mediaArea(ctx),
    drafts: draftsArea(ctx, box),
    publish: publishArea(ctx, box),
  };
}

function noop(): void {}

/**
 * A real HTTP server on 127.0.0.1 that behaves like the WeChat API for the two token
 * endpoints, the material list, media (uploads, downloads, temporary media) and quota/get,
 * with injectable faults. Zero dependencies.
 */
export class FakeWechatServer {
  private readonly options: ResolvedFakeOptions;
  private readonly ctx: AreaContext;
  private readonly areas: ReturnType<typeof createAreas>;
  private readonly routes = new Map<string, RouteHandler>();
  private readonly faults = new FaultBook();

  private server: Server | HttpsServer | undefined;
  private baseUrl: string | undefined;
  private starting: Promise<{ baseUrl: string }> | undefined;
  private stopping: Promise<void> | undefined;

  private readonly requestCounts = new Map<string, number>();
  private readonly lastBodies = new Map<string, Buffer>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly held = new Set<ServerResponse>();

  /** @param opts see {@link FakeWechatServerOptions}; bad values throw a RangeError. */
  constructor(opts: FakeWechatServerOptions = {}) {
    const options = resolveFakeOptions(opts);
    this.options = options;
    this.ctx = {
      options,
      tokens: new TokenRegistry(options.accounts, options.tokenTtlMs, options.tokenless),
      quota: new QuotaLedger(options.dailyLimits),
      library: new MaterialLibrary(),
      baseUrl: () => this.baseUrl ?? '',
    };
    this.areas = createAreas(this.ctx);
    for (const area of Object.values(this.areas)) {
      for (const [path, handler] of Object.entries(area.routes)) {
        if (this.routes.has(path)) throw new Error(`FakeWechatServer: two areas serve ${path}`);
        this.routes.set(path, handler);
      }
    }
  }

  /** Token + stable_token requests so far, whatever their outcome. */
  get tokenRequests(): number {
    return this.ctx.tokens.requestCount;
  }

  /** Token + stable_token requests that named this appid (extra, beyond API.md). */
  tokenRequestsFor(appId: string): number {
    return this.ctx.tokens.requestsByApp.get(appId) ?? 0;
  }

  /** Requests so far by pathname (faulted ones included); a snapshot. */
  get requests(): Record<string, number> {
    return Object.fromEntries(this.requestCounts);
  }

  /** Every access token the fake ever handed out (token, stable_token, issueToken); a snapshot. */
  get issuedTokens(): readonly string[] {
    return [...this.ctx.tokens.issued];
  }

  /** Listens on 127.0.0.1 (https with the `tls` option); again while running: the same address. */
  async start(): Promise<{ baseUrl: string }> {
    if (this.stopping) await this.stopping;
    if (this.server && this.baseUrl) return { baseUrl: this.baseUrl };
    if (this.starting) return this.starting;
    const tls = this.options.tls;
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => this.onRequest(req, res);
    const server = tls
      ? createHttpsServer({ key: tls.key, cert: tls.cert }, onRequest)
      : createServer(onRequest);
    this.starting = new Promise<{ baseUrl: string }>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, '127.0.0.1', () => {
        server.off('error', reject);
        // A late server error must never crash the test process.
        server.on('error', noop);
        const address = server.address() as AddressInfo;
        this.server = server;
        this.baseUrl = `${tls ? 'https' : 'http'}://127.0.0.1:${address.port}`;
        resolve({ baseUrl: this.baseUrl });
      });
    });
    try {
      return await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  /**
   * Closes the server, destroys open sockets, releases held 'timeout' and 'stall_body'
   * requests and clears latency timers. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.starting) await this.starting.catch(noop);
    if (this.stopping) return this.stopping;
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.baseUrl = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const res of this.held) res.destroy();
    this.held.clear();
    this.stopping = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    try {
      await this.stopping;
    } finally {
      this.stopping = undefined;
    }
  }

  /** Replaces the library; types left out become empty. Index 0 of each list is the newest. */
  seed(items: Partial<Record<FakeMaterialType, readonly object[]>>): void {
    this.ctx.library.seed(items);
  }

  /**
   * Replaces the library with `counts` deterministic items per type (types left out become
   * empty). Items are built when asked for, so 50,000 cost nothing up front.
   */
  seedGenerated(counts: Partial<Record<FakeMaterialType, number>>): void {
    this.ctx.library.seedGenerated(counts);
  }

  /**
   * Inserts an item as the newest of its type, so later offsets shift by one as on WeChat.
   * A missing `media_id` or `update_time` is filled in.
   */
  addMaterial(type: FakeMaterialType, item: object): void {
    this.ctx.library.add(type, item);
  }

  /**
   * Answers the next `times` requests to `path` (a pathname) with `fault`, after counting
   * them. Queued faults are used in the order given.
   */
  failNext(path: string, fault: FakeFault, times = 1): void {
    this.faults.failNext(path, fault, times);
  }

  /**
   * Answers about `ratio` (0..1) of the requests to `path` with `fault`. Rules for one path add
   * up (1 % of -1 plus 1 % of html502 faults 2 %). The draws come from a PRNG seeded by the
   * path, so the same request sequence faults the same requests on every run.
   */
  failRatio(path: string, ratio: number, fault: FakeFault): void {
    this.faults.failRatio(path, ratio, fault);
  }

  /** Drops every queued and ratio fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Mints a valid token for `appId` (default: the first account), e.g. an authorizer token. */
  issueToken(appId?: string): string {
    const id = appId ?? this.options.accounts.keys().next().value;
    if (id === undefined)
      throw new Error('FakeWechatServer: issueToken needs an appId (no accounts)');
    return this.ctx.tokens.mint(id);
  }

  /** Every token minted so far answers 40001 from now on; new fetches work. */
  expireToken(): void {
    this.ctx.tokens.expireAll();
  }

  /**
   * The next publish job of that draft ends in this publish_status (2 originality check
   * failed, 3 failed, 4 rejected, 5 deleted by the user, 6 banned) with `fail_idx`
   * (1-based article numbers; default none), instead of success. Used once.
   */
  failPublish(draftMediaId: string, status: FakePublishFailure, failIdx?: number[]): void {
    this.areas.publish.failPublish(draftMediaId, status, failIdx);
  }

  /** Zeroes `tokenRequests`, `requests` and the quota used per path (a new "day"). */
  resetCounters(): void {
    this.ctx.tokens.requestCount = 0;
    this.ctx.tokens.requestsByApp.clear();
    this.requestCounts.clear();
    this.ctx.quota.reset();
  }

  /** The raw body of the last request to `path` (UTF-8), for assertions on what a client sent. */
  lastBody(path: string): string | undefined {
    return this.lastBodies.get(path)?.toString('utf8');
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    req.on('error', noop);
    res.on('error', noop);
    const { path, query } = splitUrl(req.url ?? '/');
    this.requestCounts.set(path, (this.requestCounts.get(path) ?? 0) + 1);
    if (isTokenPath(path)) this.ctx.tokens.requestCount++;
    // Decided on arrival, so queued faults hit requests in the order they came in.
    const fault = this.faults.take(path);
    readBody(req, res, MAX_BODY_BYTES, (body) => {
      let text: string | undefined;
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        path,
        query,
        headers: req.headers,
        body,
        text: () => (text ??= body.toString('utf8')),
      };
      this.lastBodies.set(path, body);
      if (isTokenPath(path)) this.ctx.tokens.noteRequest(path, query, request.text);
      this.respond(req, res, request, fault).catch(() => send(res, errorAnswer(-1)));
    });
  }

  private async respond(
    req: IncomingMessage,
    res: ServerResponse,
    request: FakeRequest,
    fault: FakeFault | undefined,
  ): Promise<void> {
    const plan = fault === undefined ? undefined : planFault(fault, request.path);
    if (plan?.kind === 'hold') return this.hold(res);
    if (plan?.kind === 'reset') return this.later(() => resetSocket(req.socket));
    if (plan?.kind === 'answer') return this.later(() => send(res, plan.answer));
    const answer = await this.dispatch(request);
    if (plan?.kind !== 'cut') return this.later(() => send(res, answer));
    const after = plan.then === 'reset' ? () => resetSocket(req.socket) : () => this.hold(res);
    this.later(() => sendCut(res, answer, after));
  }

  private async dispatch(request: FakeRequest): Promise<Answer> {
    const handler = this.routes.get(request.path);
    if (!handler) return notFoundAnswer();
    try {
      return await handler(request);
    } catch {
      return errorAnswer(-1);
    }
  }

  /** Keeps the response open, unanswered, until the client gives up or stop(). */
  private hold(res: ServerResponse): void {
    if (res.destroyed) return;
    this.held.add(res);
    res.on('close', () => this.held.delete(res));
  }

  private later(fn: () => void): void {
    if (this.options.latencyMs <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, this.options.latencyMs);
    timer.unref();
    this.timers.add(timer);
  }
}
