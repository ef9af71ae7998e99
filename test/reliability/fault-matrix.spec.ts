/**
 * Every upstream fault, end to end: FakeWechatServer → MaterialService → a real Nest app
 * (Express and Fastify) answering over HTTP through WechatExceptionFilter. For each fault:
 * the exception class and fields, the HTTP status, the exact number of requests WeChat saw,
 * and that nothing is left behind (timers, sockets, pending token fetches, unhandled
 * rejections).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WechatApiException, WechatTransportException } from '../../lib/index.js';
import { FAULT_CASES, type FaultCase, type TokenPath } from './fault-cases.js';
import {
  type AdapterName,
  elapsedCeilingMs,
  type Harness,
  liveHandles,
  settleHandles,
  startHarness,
  TimerTracker,
  UnhandledRejectionWatch,
} from './harness.js';
import { PATHS } from '../helpers/constants.js';
import { upstreamCalls } from '../helpers/upstream-calls.js';
import { sleep } from '../helpers/wait.js';

const watch = new UnhandledRejectionWatch();
beforeAll(() => watch.install());
afterAll(() => watch.uninstall());

/** Pending single-flight token fetches (internal map; empty once every call settled). */
function inflightTokenFetches(h: Harness): number {
  const inflight = (h.tokens as unknown as { inflight?: Map<string, unknown> }).inflight;
  if (!(inflight instanceof Map)) throw new Error('AccessTokenService.inflight not found');
  return inflight.size;
}

type TokenEndpoint = 'stable' | 'classic';
const TOKEN_PATHS: Record<TokenEndpoint, TokenPath> = {
  stable: PATHS.stableToken,
  classic: PATHS.classicToken,
};

async function runCase(adapter: AdapterName, tokenEndpoint: TokenEndpoint, c: FaultCase) {
  const tokenPath = TOKEN_PATHS[tokenEndpoint];
  const baseline = liveHandles();
  const timers = new TimerTracker();
  const h = await startHarness({ adapter, wechat: { ...c.wechat, tokenEndpoint } });
  try {
    await c.arrange(h, tokenPath);

    const sentBefore = upstreamCalls(h.server);
    timers.install();
    const started = Date.now();
    const res = await h.page();
    const elapsed = Date.now() - started;
    await new Promise((resolve) => setImmediate(resolve));
    timers.uninstall();

    // HTTP status and reply through the filter.
    expect(res.status).toBe(c.status);
    for (const [name, value] of Object.entries(c.headers ?? {})) {
      expect(res.headers[name]).toBe(value);
    }
    if (!c.headers?.['retry-after']) expect(res.headers['retry-after']).toBeUndefined();

    // Exactly these requests, retries included.
    expect(h.server.requests).toEqual(c.requests(tokenPath));

    if (c.error) {
      expect(h.captured).toHaveLength(1);
      const err = h.captured[0] as WechatApiException | WechatTransportException;
      expect(err).toBeInstanceOf(c.error.type);
      expect(err.constructor).toBe(c.error.type);
      expect(err.name).toBe(c.error.type.name);
      expect(err).toMatchObject(c.error.fields);
      if (c.error.type === WechatApiException && c.error.fields.path === undefined) {
        expect(err.path).toBe(tokenPath);
      }
      if (c.error.type === WechatTransportException && c.error.fields.path === undefined) {
        expect(err.path).toBe(tokenPath);
      }
      if (typeof c.error.message === 'string') expect(err.message).toBe(c.error.message);
      else expect(err.message).toMatch(c.error.message);
      expect(err.cause).toEqual(c.error.cause);

      // The filter's reply: { statusCode, error, message, errcode?, rid? } and nothing else.
      const body = res.json as Record<string, unknown>;
      const expected: Record<string, unknown> = {
        statusCode: c.status,
        error: expect.any(String),
        message: err.message,
      };
      if (err instanceof WechatApiException) {
        expected.errcode = err.errcode;
        if (err.rid) expected.rid = err.rid;
      }
      expect(body).toEqual(expected);
    } else {
      expect(h.captured).toEqual([]);
      const body = res.json as { item?: unknown[]; total_count?: number };
      expect(Array.isArray(body.item)).toBe(true);
      expect(body.total_count).toBeGreaterThan(0);
    }

    // Bounded: every request it made ended by its deadline, with at most one backoff each.
    const sent = upstreamCalls(h.server) - sentBefore;
    expect(elapsed).toBeLessThan(elapsedCeilingMs(c.wechat ?? {}, sent));
    // Nothing armed is left behind by the call, and no token fetch is still pending.
    expect(timers.pending()).toEqual([]);
    // (and the tracker did see the calls: one deadline timer per attempt at least)
    expect(timers.created).toBeGreaterThanOrEqual(sent);
    expect(inflightTokenFetches(h)).toBe(0);

    // The follow-up call after the fault is gone: not stuck, no loop.
    const before = h.server.requests;
    h.server.clearFaults();
    const next = await h.page();
    expect(next.status).toBe(c.followUp.status);
    const added: Record<string, number> = {};
    for (const [path, n] of Object.entries(h.server.requests)) {
      const d = n - (before[path] ?? 0);
      if (d !== 0) added[path] = d;
    }
    expect(added).toEqual(c.followUp.added(tokenPath));
    expect(inflightTokenFetches(h)).toBe(0);
    c.verify?.(h, tokenPath);
  } finally {
    timers.uninstall();
    await h.close();
  }
  // After closing the app and the fake: no timer or socket keeps the process alive.
  const after = await settleHandles(baseline);
  expect(Object.keys(after).filter((k) => k.startsWith('TCP'))).toEqual([]);
  expect(after.Timeout ?? 0).toBeLessThanOrEqual(baseline.Timeout ?? 0);
}

/**
 * Both HTTP adapters, both token endpoints. The adapter only shapes the filter's reply and
 * the token endpoint only what happens upstream, so the classic endpoint runs on one adapter:
 * the whole cross product would add a third to this file's time for nothing new.
 */
describe.each<[AdapterName, TokenEndpoint]>([
  ['express', 'stable'],
  ['fastify', 'stable'],
  ['express', 'classic'],
])('fault matrix over HTTP (%s, %s token endpoint)', (adapter, tokenEndpoint) => {
  it.each(FAULT_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await runCase(adapter, tokenEndpoint, c);
  });
});

/**
 * iterateMaterials holds several requests at once (prefetch) and sleeps between retries:
 * a failure, a `break` or an abort must cancel all of it, leave no timer armed, and send
 * nothing more upstream afterwards.
 */
describe('iterateMaterials under faults (prefetch, break, abort)', () => {
  const IMAGES = 60;
  /** A backoff or a deadline the aborts below must not wait for. */
  const LONG_MS = 10_000;

  async function withHarness(
    opts: Parameters<typeof startHarness>[0],
    fn: (h: Harness, timers: TimerTracker) => Promise<void>,
  ): Promise<void> {
    const baseline = liveHandles();
    const timers = new TimerTracker();
    const h = await startHarness(opts);
    h.server.seedGenerated({ image: IMAGES });
    try {
      await h.tokens.getAccessToken();
      timers.install();
      await fn(h, timers);
    } finally {
      timers.uninstall();
      await h.close();
    }
    const after = await settleHandles(baseline);
    expect(Object.keys(after).filter((k) => k.startsWith('TCP'))).toEqual([]);
  }

  /**
   * Gives requests written before the cancel time to arrive (the fake counts on arrival), and
   * a retry or a further page time to show up, before the counts are checked.
   */
  const settleUpstream = () => sleep(150);

  it('an errcode on a prefetched page rejects the walk; the other prefetches are cancelled', async () => {
    await withHarness({ fake: { latencyMs: 20 } }, async (h, timers) => {
      const seen: string[] = [];
      let error: unknown;
      try {
        for await (const item of h.material.iterateMaterials('image', {
          pageSize: 5,
          concurrency: 4,
        })) {
          // The first page is in: the next request (offset 5, prefetched with 3 more) fails.
          if (seen.length === 0) h.server.failNext(PATHS.batchGet, { errcode: 40007 });
          seen.push(item.media_id);
        }
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(WechatApiException);
      expect(error).toMatchObject({ errcode: 40007, path: PATHS.batchGet });
      expect(seen).toHaveLength(5);
      await settleUpstream();
      // The first page, then at most the 4 pages fetched ahead: no retry, no more pages.
      expect(h.server.requests[PATHS.batchGet]).toBeLessThanOrEqual(5);
      expect(timers.pending()).toEqual([]);
      expect(inflightTokenFetches(h)).toBe(0);
    });
  });

  it('break after the first item cancels the pages fetched ahead', async () => {
    await withHarness({ fake: { latencyMs: 30 } }, async (h, timers) => {
      let n = 0;
      for await (const _item of h.material.iterateMaterials('image', {
        pageSize: 5,
        concurrency: 8,
      })) {
        n++;
        if (n === 6) break; // inside the second page: pages 3..9 are in flight
      }
      expect(n).toBe(6);
      await settleUpstream();
      // The first page, then the 8 fetched ahead at most.
      expect(h.server.requests[PATHS.batchGet]).toBeLessThanOrEqual(9);
      expect(timers.pending()).toEqual([]);
    });
  });

  it('abort during a long backoff rejects at once with signal.reason and clears the timer', async () => {
    await withHarness(
      { wechat: { retry: { attempts: 2, baseDelayMs: LONG_MS, maxDelayMs: LONG_MS } } },
      async (h, timers) => {
        h.server.failNext(PATHS.batchGet, { errcode: -1 }, 3);
        const controller = new AbortController();
        const reason = new Error('caller gave up');
        const walk = (async () => {
          for await (const _item of h.material.iterateMaterials('image', {
            signal: controller.signal,
          })) {
            // never reached
          }
        })();
        // The first attempt failed; the client now sleeps 5..10 s before the retry.
        const deadline = Date.now() + 2000;
        while ((h.server.requests[PATHS.batchGet] ?? 0) < 1 && Date.now() < deadline) {
          await sleep(5);
        }
        await sleep(30);
        const started = Date.now();
        controller.abort(reason);
        await expect(walk).rejects.toBe(reason);
        // At once: a small part of the backoff it interrupted, however busy the machine.
        expect(Date.now() - started).toBeLessThan(LONG_MS / 5);
        expect(timers.pending()).toEqual([]);
        await settleUpstream();
        // No retry after the abort.
        expect(h.server.requests[PATHS.batchGet]).toBe(1);
      },
    );
  });

  it('abort while a request hangs upstream cancels it (no wait for the deadline)', async () => {
    await withHarness({ wechat: { timeoutMs: LONG_MS } }, async (h, timers) => {
      h.server.failNext(PATHS.batchGet, 'timeout');
      const controller = new AbortController();
      const walk = (async () => {
        for await (const _item of h.material.iterateMaterials('image', {
          signal: controller.signal,
        })) {
          // never reached
        }
      })();
      const deadline = Date.now() + 2000;
      while ((h.server.requests[PATHS.batchGet] ?? 0) < 1 && Date.now() < deadline) {
        await sleep(5);
      }
      const started = Date.now();
      controller.abort(new Error('stop'));
      await expect(walk).rejects.toThrow('stop');
      // At once: a small part of the deadline it did not wait for.
      expect(Date.now() - started).toBeLessThan(LONG_MS / 5);
      expect(timers.pending()).toEqual([]);
      await settleUpstream();
      expect(h.server.requests[PATHS.batchGet]).toBe(1);
    });
  });
});

/** Many callers at once: one token fetch for all of them, whatever the token endpoint does. */
describe('concurrent callers under token faults (no thundering herd)', () => {
  const N = 50;
  const page = { type: 'image', offset: 0, count: 20 } as const;

  /** N concurrent calls; their outcomes counted as 'ok' or the errcode / reason. */
  async function callAll(h: Harness): Promise<Record<string, number>> {
    const results = await Promise.allSettled(
      Array.from({ length: N }, () => h.material.batchGetMaterial(page)),
    );
    const outcomes: Record<string, number> = {};
    for (const r of results) {
      let key = 'ok';
      if (r.status === 'rejected') {
        const e = r.reason as { name?: string; errcode?: number; reason?: string };
        key = `${e.name}:${e.errcode ?? e.reason}`;
      }
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    return outcomes;
  }

  it(`token endpoint -1 always: ${N} callers share one fetch (3 attempts), all reject with -1`, async () => {
    const h = await startHarness();
    try {
      h.server.failNext(PATHS.stableToken, { errcode: -1 }, 3);
      const outcomes = await callAll(h);
      expect({ outcomes, requests: h.server.requests }).toEqual({
        outcomes: { 'WechatApiException:-1': N },
        requests: { [PATHS.stableToken]: 3 },
      });
      expect(inflightTokenFetches(h)).toBe(0);
    } finally {
      await h.close();
    }
  });

  it(`token endpoint 40125: ${N} callers, one request; ${N} more inside the cooldown, none`, async () => {
    const h = await startHarness();
    try {
      h.server.failNext(PATHS.stableToken, { errcode: 40125 });
      const first = await callAll(h);
      const second = await callAll(h);
      expect({ first, second, requests: h.server.requests }).toEqual({
        first: { 'WechatApiException:40125': N },
        second: { 'WechatApiException:40125': N },
        requests: { [PATHS.stableToken]: 1 },
      });
    } finally {
      await h.close();
    }
  });

  it(`40001 for ${N} in-flight callers (token expired): one refetch, every call replayed once`, async () => {
    const h = await startHarness();
    try {
      await h.tokens.getAccessToken();
      h.server.expireToken();
      const outcomes = await callAll(h);
      // The first fetch, then one refetch shared by all callers (not one each).
      expect({ outcomes, requests: h.server.requests }).toEqual({
        outcomes: { ok: N },
        requests: { [PATHS.stableToken]: 2, [PATHS.batchGet]: 2 * N },
      });
      expect(inflightTokenFetches(h)).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe('the suite as a whole', () => {
  it('covered every fault of the issue', () => {
    const names = FAULT_CASES.map((c) => c.name).join('\n');
    for (const word of [
      'timeout',
      'socket reset',
      'HTML 502',
      'HTML 504',
      'empty',
      'truncated JSON',
      'non-JSON',
      'errcode -1 once',
      'errcode -1 always',
      'errcode 45009',
      'errcode 45011',
      '40001 mid-flight',
      'token endpoint 40013',
      'token endpoint 40125',
      'token endpoint 40164',
      'token endpoint -1',
    ]) {
      expect(names).toContain(word);
    }
  });

  it('saw no unhandled rejection', async () => {
    await sleep(20);
    expect(watch.seen).toEqual([]);
  });
});
