/**
 * Shared machinery of the reliability suite: a real Nest app over HTTP in front of
 * MaterialService, a FakeWechatServer behind it, and the watchers that prove nothing is
 * left behind (timers, sockets, unhandled rejections).
 */
import { runInThisContext } from 'node:vm';
import { Controller, Get, Inject, type INestApplication, Module, Query } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  AccessTokenService,
  MaterialService,
  WechatExceptionFilter,
  WechatMaterialModule,
  type MaterialType,
  type WechatCallEvent,
  type WechatMaterialModuleOptions,
} from '../../lib/index.js';
import { FakeWechatServer, type FakeWechatServerOptions } from '../../lib/testing/index.js';
import { CapturingLogger } from '../helpers/capturing-logger.js';
import { type HttpAnswer, httpGet } from '../helpers/http-get.js';
import { RecordingTokenStore } from '../helpers/recording-token.store.js';
import { sleep } from '../helpers/wait.js';

/** Distinctive credentials, so that a leak check that finds nothing means something. */
export const CANARY_APP_ID = 'wx_leak_canary_app';
export const CANARY_SECRET = 'sec_LEAKCANARY_123456';

/**
 * Tiny backoff, so a failure path costs little beyond its deadlines. The deadline is 2 s
 * here so that a loaded CI machine never turns a slow answer into a retry that changes the
 * request counts; the timeout cases set `SHORT_DEADLINE`.
 */
export const MATRIX_OPTIONS: WechatMaterialModuleOptions = {
  appId: CANARY_APP_ID,
  appSecret: CANARY_SECRET,
  timeoutMs: 2000,
  retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
  // Long enough that a follow-up call in the same test is always inside the cooldown.
  tokenErrorCooldownMs: 60_000,
};

/**
 * The deadline of the cases where WeChat never answers: the fake holds those requests
 * explicitly, so nothing races the deadline, and a second is long enough that the good
 * answer of a "timeout once" case is never cut off on a busy machine.
 */
export const SHORT_DEADLINE: Partial<WechatMaterialModuleOptions> = { timeoutMs: 1000 };

/**
 * Slack for a loaded 2-core machine on top of what the options allow (Nest, the fake and
 * the HTTP round trips of the probe app).
 */
export const ELAPSED_SLACK_MS = 2000;

/**
 * The longest a call may take when WeChat saw `requests` requests for it: each attempt ends
 * at its deadline and is followed by at most one backoff, plus ELAPSED_SLACK_MS.
 */
export function elapsedCeilingMs(
  options: Partial<WechatMaterialModuleOptions>,
  requests: number,
): number {
  const o = { ...MATRIX_OPTIONS, ...options };
  const maxDelayMs = o.retry?.maxDelayMs ?? 0;
  return requests * (o.timeoutMs! + maxDelayMs) + ELAPSED_SLACK_MS;
}

/**
 * The Node process outside Jest's sandbox. Jest hands test code a copy of `process` whose
 * event listeners never fire; the real one is what emits 'unhandledRejection'.
 */
export const realProcess = runInThisContext('process') as NodeJS.Process;

/** Records every unhandled rejection while installed (Jest's own handler stays in place). */
export class UnhandledRejectionWatch {
  readonly seen: unknown[] = [];
  private readonly listener = (reason: unknown): void => {
    this.seen.push(reason);
  };

  install(): void {
    realProcess.on('unhandledRejection', this.listener);
  }

  uninstall(): void {
    realProcess.off('unhandledRejection', this.listener);
  }
}

/** Ref'd timers and TCP handles the process holds (what keeps it alive), by kind. */
export function liveHandles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of realProcess.getActiveResourcesInfo()) {
    if (name === 'Timeout' || name.startsWith('TCP')) out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

/**
 * Waits (up to `ms`) until no TCP handle is left and no more ref'd timers are armed than in
 * `baseline`; returns the last reading. Closing a server releases its handle a tick after
 * `close()` resolves, and the environment arms a short timer now and then, hence the polling.
 */
export async function settleHandles(
  baseline: Record<string, number>,
  ms = 1000,
): Promise<Record<string, number>> {
  const deadline = Date.now() + ms;
  const settled = (h: Record<string, number>) =>
    Object.keys(h).every((k) => !k.startsWith('TCP')) &&
    (h.Timeout ?? 0) <= (baseline.Timeout ?? 0);
  let now = liveHandles();
  while (!settled(now) && Date.now() < deadline) {
    await sleep(5);
    now = liveHandles();
  }
  return now;
}

/**
 * Tracks every `setTimeout` made through the global (the library's deadlines and backoff
 * waits, Nest's, axios') while installed: `pending()` lists those neither fired nor cleared
 * and still ref'd, i.e. the ones that would keep the process alive.
 */
export class TimerTracker {
  private readonly live = new Map<unknown, string>();
  /** Timers created while installed. */
  created = 0;
  private originalSet: typeof setTimeout | undefined;
  private originalClear: typeof clearTimeout | undefined;

  install(): void {
    const originalSet = globalThis.setTimeout;
    const originalClear = globalThis.clearTimeout;
    this.originalSet = originalSet;
    this.originalClear = originalClear;
    const live = this.live;
    const count = () => this.created++;
    const patchedSet = function (
      this: unknown,
      handler: (...args: unknown[]) => void,
      ms?: number,
      ...args: unknown[]
    ) {
      const site = new Error().stack?.split('\n').slice(2, 5).join(' | ') ?? '';
      const timer: unknown = originalSet(
        (...a: unknown[]) => {
          live.delete(timer);
          handler(...a);
        },
        ms,
        ...args,
      );
      live.set(timer, `${ms ?? 0} ms at ${site}`);
      count();
      return timer;
    };
    globalThis.setTimeout = patchedSet as unknown as typeof setTimeout;
    globalThis.clearTimeout = ((timer: Parameters<typeof clearTimeout>[0]) => {
      live.delete(timer);
      originalClear(timer);
    }) as typeof clearTimeout;
  }

  uninstall(): void {
    if (this.originalSet) globalThis.setTimeout = this.originalSet;
    if (this.originalClear) globalThis.clearTimeout = this.originalClear;
  }

  /** Timers still armed and ref'd, with the ms they were set for and where. */
  pending(): string[] {
    const out: string[] = [];
    for (const [timer, where] of this.live) {
      const t = timer as { hasRef?: () => boolean; _destroyed?: boolean };
      if (t._destroyed) continue;
      if (typeof t.hasRef === 'function' && !t.hasRef()) continue;
      out.push(where);
    }
    return out;
  }
}

const CAPTURED = Symbol('CAPTURED');

/** Errors the test controller saw, in order, before the filter turned them into replies. */
export type CapturedErrors = unknown[];

/** A tiny controller: the HTTP face of MaterialService for the matrix. */
@Controller()
class ProbeController {
  constructor(
    @Inject(MaterialService) private readonly material: MaterialService,
    @Inject(CAPTURED) private readonly captured: CapturedErrors,
  ) {}

  @Get('page')
  async page(
    @Query('type') type: string,
    @Query('offset') offset: string,
    @Query('count') count: string,
  ): Promise<unknown> {
    try {
      return await this.material.batchGetMaterial({
        type: type as MaterialType,
        offset: Number(offset),
        count: Number(count),
      } as Parameters<MaterialService['batchGetMaterial']>[0]);
    } catch (err) {
      this.captured.push(err);
      throw err;
    }
  }

  @Get('count')
  async count(): Promise<unknown> {
    try {
      return await this.material.getMaterialCount();
    } catch (err) {
      this.captured.push(err);
      throw err;
    }
  }
}

export type AdapterName = 'express' | 'fastify';

export interface Harness {
  server: FakeWechatServer;
  app: INestApplication;
  url: string;
  material: MaterialService;
  tokens: AccessTokenService;
  captured: CapturedErrors;
  logger: CapturingLogger;
  events: WechatCallEvent[];
  store: RecordingTokenStore;
  /** GET /page?type=image&offset=0&count=20 (or the given query). */
  page(query?: string): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/**
 * Fake WeChat on 127.0.0.1:0, and a Nest app (Express or Fastify) listening on 127.0.0.1:0
 * with WechatMaterialModule pointed at it, the filter installed globally, every log line and
 * every call event recorded.
 */
export async function startHarness(
  opts: {
    adapter?: AdapterName;
    wechat?: Partial<WechatMaterialModuleOptions>;
    fake?: FakeWechatServerOptions;
  } = {},
): Promise<Harness> {
  const server = new FakeWechatServer({
    accounts: { [CANARY_APP_ID]: CANARY_SECRET },
    ...opts.fake,
  });
  const { baseUrl } = await server.start();
  const logger = new CapturingLogger();
  const events: WechatCallEvent[] = [];
  const captured: CapturedErrors = [];
  const store = new RecordingTokenStore();

  @Module({
    imports: [
      WechatMaterialModule.forRoot({
        ...MATRIX_OPTIONS,
        baseUrl,
        tokenStore: store,
        onCall: (e) => events.push(e),
        ...opts.wechat,
      }),
    ],
    controllers: [ProbeController],
    providers: [{ provide: CAPTURED, useValue: captured }],
  })
  class ProbeAppModule {}

  let app: INestApplication | undefined;
  try {
    const moduleRef = await Test.createTestingModule({ imports: [ProbeAppModule] })
      .setLogger(logger)
      .compile();
    app =
      opts.adapter === 'fastify'
        ? moduleRef.createNestApplication(new FastifyAdapter(), { logger })
        : moduleRef.createNestApplication({ logger });
    app.useLogger(logger);
    app.useGlobalFilters(app.get(WechatExceptionFilter));
    await app.listen(0, '127.0.0.1');
  } catch (err) {
    await app?.close().catch(() => undefined);
    await server.stop();
    throw err;
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  const nest = app;
  return {
    server,
    app: nest,
    url,
    material: nest.get(MaterialService),
    tokens: nest.get(AccessTokenService),
    captured,
    logger,
    events,
    store,
    page: (query = 'type=image&offset=0&count=20') => httpGet(`${url}/page?${query}`),
    async close() {
      await nest.close();
      await server.stop();
    },
  };
}
