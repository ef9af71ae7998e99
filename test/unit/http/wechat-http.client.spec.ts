import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import {
  WechatApiException,
  WechatTransportException,
  type WechatCallEvent,
} from '../../../lib/index.js';
import type { FakeFault } from '../../../lib/testing/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { PATHS } from '../../helpers/constants.js';
import { RawServer } from '../../helpers/raw-server.js';
import { rejectionOf } from '../../helpers/wait.js';

const PAGE = { type: 'image', offset: 0, count: 20 } as const;

/**
 * The fake holds a 'timeout' request unanswered (it never races the deadline), and the
 * deadline is a second: long enough that a good answer on a busy machine is never cut off.
 */
const DEADLINE_MS = 1000;
const RETRY = { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 };

describe('per-attempt deadline (timeoutMs)', () => {
  let t: TestModule;
  const batchRequests = (): number => t.server.requests[PATHS.batchGet] ?? 0;

  beforeAll(async () => {
    t = await createTestModule({ timeoutMs: DEADLINE_MS, retry: RETRY });
    await t.tokens.getAccessToken();
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => {
    t.server.clearFaults();
    t.server.resetCounters();
  });

  it('a hanging answer hits the per-attempt deadline: reason timeout, attempts + 1 requests', async () => {
    t.server.failNext(PATHS.batchGet, 'timeout', 3);
    const started = Date.now();
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(WechatTransportException);
    expect(err).toMatchObject({
      name: 'WechatTransportException',
      reason: 'timeout',
      path: PATHS.batchGet,
      message: `WeChat request to ${PATHS.batchGet} failed: timeout`,
    });
    expect((err as WechatTransportException).status).toBeUndefined();
    expect(batchRequests()).toBe(3);
    // Three deadlines, not one overall and not an idle timeout; two short backoffs between.
    expect(elapsed).toBeGreaterThanOrEqual(3 * (DEADLINE_MS - 10));
    expect(elapsed).toBeLessThan(3 * DEADLINE_MS + 2 * RETRY.maxDelayMs + 2000);
    expect(t.server.tokenRequests).toBe(0);
  });

  it('a timeout then a good answer succeeds on the retry', async () => {
    t.server.failNext(PATHS.batchGet, 'timeout');
    const page = await t.material.batchGetMaterial(PAGE);
    expect(page.item).toHaveLength(4);
    expect(batchRequests()).toBe(2);
  });
});

describe('a deadline, not an idle timeout', () => {
  let raw: RawServer;
  let t: TestModule;

  beforeAll(async () => {
    raw = new RawServer();
    const baseUrl = await raw.start();
    t = await createTestModule({ baseUrl, timeoutMs: DEADLINE_MS, retry: { attempts: 0 } });
    await t.tokens.getAccessToken();
  });

  afterAll(async () => {
    await t.close();
    await raw.stop();
  });

  it('a server trickling one byte every 100 ms for longer than timeoutMs times out at timeoutMs', async () => {
    // A valid page after 80 bytes of padding: 8 s to send in full, never 100 ms idle.
    const page = '{"item":[],"total_count":0,"item_count":0}';
    const body = ' '.repeat(80 - page.length) + page;
    raw.setHandler((r) => (r.path === PATHS.batchGet ? { body, trickleMs: 100 } : undefined));
    const started = Date.now();
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(WechatTransportException);
    expect(err).toMatchObject({ reason: 'timeout', path: PATHS.batchGet });
    expect(raw.requests.filter((r) => r.path === PATHS.batchGet)).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 10);
    // Well before the last byte (8 s): the deadline ended it, not the end of the body.
    expect(elapsed).toBeLessThan(DEADLINE_MS + 3000);
  });
});

describe('WechatHttpClient: retries and answer classification', () => {
  let t: TestModule;
  const batchRequests = (): number => t.server.requests[PATHS.batchGet] ?? 0;

  beforeAll(async () => {
    t = await createTestModule({ retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 } });
    // Warm the token so each test counts business requests only.
    await t.tokens.getAccessToken();
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => {
    t.server.clearFaults();
    t.server.resetCounters();
  });

  it("'reset' then success: ok after 2 requests", async () => {
    t.server.failNext(PATHS.batchGet, 'reset');
    const page = await t.material.batchGetMaterial(PAGE);
    expect(page.total_count).toBe(4);
    expect(batchRequests()).toBe(2);
  });

  it("'reset' every time: reason network after attempts + 1 requests, cause holds only a code", async () => {
    t.server.failNext(PATHS.batchGet, 'reset', 3);
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toMatchObject({ reason: 'network', path: PATHS.batchGet });
    expect(batchRequests()).toBe(3);
    // At most { code }: an AxiosError would carry the config, and the access_token with it.
    expect((err as Error).cause).toEqual({ code: 'ECONNRESET' });
  });

  it("'html502' always: reason http_status, status 502, retried (attempts + 1 requests)", async () => {
    t.server.failNext(PATHS.batchGet, 'html502', 3);
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toBeInstanceOf(WechatTransportException);
    expect(err).toMatchObject({ reason: 'http_status', status: 502, path: PATHS.batchGet });
    expect((err as Error).message).toBe(`WeChat request to ${PATHS.batchGet} failed: http_status`);
    expect(batchRequests()).toBe(3);
  });

  it("'html504' always: status 504, retried", async () => {
    t.server.failNext(PATHS.batchGet, 'html504', 3);
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toMatchObject({ reason: 'http_status', status: 504 });
    expect(batchRequests()).toBe(3);
  });

  it("'html502' once then success", async () => {
    t.server.failNext(PATHS.batchGet, 'html502');
    await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    expect(batchRequests()).toBe(2);
  });

  it.each<FakeFault>(['not_json', 'truncated_json', 'empty'])(
    "'%s' is a bad_response and is NOT retried (1 request)",
    async (fault) => {
      t.server.failNext(PATHS.batchGet, fault, 3);
      const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
      expect(err).toBeInstanceOf(WechatTransportException);
      expect(err).toMatchObject({ reason: 'bad_response', status: 200, path: PATHS.batchGet });
      expect(batchRequests()).toBe(1);
    },
  );

  it('errcode -1 once: success after 2 requests', async () => {
    t.server.failNext(PATHS.batchGet, { errcode: -1 });
    await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ total_count: 4 });
    expect(batchRequests()).toBe(2);
  });

  it('errcode -1 always: attempts + 1 requests, then WechatApiException -1', async () => {
    t.server.failNext(PATHS.batchGet, { errcode: -1 }, 3);
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toBeInstanceOf(WechatApiException);
    expect(err).toMatchObject({ errcode: -1, path: PATHS.batchGet });
    expect(batchRequests()).toBe(3);
  });

  it('errcode -1 on get_materialcount is retried as well', async () => {
    t.server.failNext(PATHS.count, { errcode: -1 }, 2);
    await expect(t.material.getMaterialCount()).resolves.toMatchObject({ image_count: 4 });
    expect(t.server.requests[PATHS.count]).toBe(3);
  });

  it.each([45009, 45011, 40007, 48001, 40004, 50002, 89503])(
    'errcode %d is a definite answer: 1 request, no retry',
    async (errcode) => {
      t.server.failNext(PATHS.batchGet, { errcode }, 3);
      const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
      expect(err).toBeInstanceOf(WechatApiException);
      expect((err as WechatApiException).errcode).toBe(errcode);
      expect(batchRequests()).toBe(1);
    },
  );

  it('the fault queue is consumed exactly: after the failures, calls work again', async () => {
    t.server.failNext(PATHS.batchGet, 'html502', 2);
    await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    expect(batchRequests()).toBe(4);
  });
});

describe('retry: { attempts: 0 }', () => {
  let t: TestModule;

  beforeAll(async () => {
    t = await createTestModule({ timeoutMs: DEADLINE_MS, retry: { attempts: 0 } });
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => {
    t.server.clearFaults();
    t.server.resetCounters();
  });

  it.each<FakeFault>([{ errcode: -1 }, 'html502', 'reset', 'timeout'])(
    'sends exactly 1 request on %p',
    async (fault) => {
      await t.tokens.getAccessToken();
      t.server.failNext(PATHS.batchGet, fault, 3);
      await expect(t.material.batchGetMaterial(PAGE)).rejects.toBeInstanceOf(Error);
      expect(t.server.requests[PATHS.batchGet]).toBe(1);
    },
  );
});

describe('backoff between attempts', () => {
  it('waits between retries (baseDelayMs) and respects maxDelayMs', async () => {
    const slow = await createTestModule({
      retry: { attempts: 2, baseDelayMs: 100, maxDelayMs: 1000 },
    });
    const capped = await createTestModule({
      retry: { attempts: 2, baseDelayMs: 5000, maxDelayMs: 40 },
    });
    try {
      await slow.tokens.getAccessToken();
      await capped.tokens.getAccessToken();
      slow.server.failNext(PATHS.batchGet, { errcode: -1 }, 2);
      let t0 = Date.now();
      await slow.material.batchGetMaterial(PAGE);
      // retry 1 waits >= 50 ms, retry 2 >= 100 ms
      expect(Date.now() - t0).toBeGreaterThanOrEqual(145);

      capped.server.failNext(PATHS.batchGet, { errcode: -1 }, 2);
      t0 = Date.now();
      await capped.material.batchGetMaterial(PAGE);
      // Two waits of at most 40 ms, not seconds.
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(capped.server.requests[PATHS.batchGet]).toBe(3);
    } finally {
      await slow.close();
      await capped.close();
    }
  });
});

describe('answers the fake cannot produce', () => {
  let raw: RawServer;
  let t: TestModule;

  beforeAll(async () => {
    raw = new RawServer();
    const baseUrl = await raw.start();
    t = await createTestModule({ baseUrl });
  });

  afterAll(async () => {
    await t.close();
    await raw.stop();
  });

  beforeEach(() => {
    raw.requests.length = 0;
  });

  const batchRequests = () => raw.requests.filter((r) => r.path === PATHS.batchGet).length;

  it('a 4xx answer is http_status with its status and is NOT retried', async () => {
    raw.setHandler((r) =>
      r.path === PATHS.batchGet
        ? { status: 404, contentType: 'text/plain', body: 'Not Found' }
        : undefined,
    );
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toMatchObject({ reason: 'http_status', status: 404 });
    expect(batchRequests()).toBe(1);
  });

  it('a 2xx JSON page without an item array is a bad_response, not retried', async () => {
    raw.setHandler((r) =>
      r.path === PATHS.batchGet
        ? { body: JSON.stringify({ total_count: 1, item_count: 1 }) }
        : undefined,
    );
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toMatchObject({ reason: 'bad_response', status: 200 });
    expect(batchRequests()).toBe(1);
  });

  it('a count answer without any count field is a bad_response', async () => {
    raw.setHandler((r) => (r.path === PATHS.count ? { body: '{"ok":true}' } : undefined));
    await expect(t.material.getMaterialCount()).rejects.toMatchObject({ reason: 'bad_response' });
  });

  it('errcode as a string is still an error', async () => {
    raw.setHandler((r) =>
      r.path === PATHS.batchGet
        ? { body: '{"errcode":"40007","errmsg":"invalid media_id"}' }
        : undefined,
    );
    await expect(t.material.batchGetMaterial(PAGE)).rejects.toMatchObject({ errcode: 40007 });
  });

  it('success with errcode 0 is success', async () => {
    raw.setHandler((r) =>
      r.path === PATHS.batchGet
        ? { body: '{"errcode":0,"errmsg":"ok","item":[],"total_count":0,"item_count":0}' }
        : undefined,
    );
    await expect(t.material.batchGetMaterial(PAGE)).resolves.toMatchObject({
      item: [],
      total_count: 0,
    });
  });
});

describe('connection refused', () => {
  it('is reason network, retried attempts + 1 times (one event per attempt)', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((r) => probe.close(() => r()));
    const events: WechatCallEvent[] = [];
    const t = await createTestModule({
      baseUrl: `http://127.0.0.1:${port}`,
      onCall: (e) => events.push(e),
    });
    try {
      const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
      expect(err).toBeInstanceOf(WechatTransportException);
      expect(err).toMatchObject({ reason: 'network', path: PATHS.stableToken });
      expect(((err as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
      expect(events.map((e) => [e.path, e.attempt, e.outcome, e.retried])).toEqual([
        [PATHS.stableToken, 1, 'transport', true],
        [PATHS.stableToken, 2, 'transport', true],
        [PATHS.stableToken, 3, 'transport', false],
      ]);
    } finally {
      await t.close();
    }
  });
});
