import { afterEach, beforeEach, expect, jest } from '@jest/globals';
import { FakeWechatServer } from '../../lib/testing/index.js';

/** What the fake's own specs call it with, and what they read back. */
export interface Reply {
  status: number;
  type: string;
  text: string;
}

export interface CallInit {
  method?: string;
  query?: Record<string, string>;
  body?: unknown;
  raw?: string;
  signal?: AbortSignal;
}

export const JSON_TYPE = 'application/json; encoding=utf-8';

export const GOOD_CLASSIC = {
  grant_type: 'client_credential',
  appid: 'wx_fake_app',
  secret: 'fake_secret',
};
export const GOOD_STABLE = { ...GOOD_CLASSIC, force_refresh: false };

export type Page = { item: Record<string, unknown>[]; total_count: number; item_count: number };

export function parse(reply: Reply): Record<string, unknown> {
  return JSON.parse(reply.text) as Record<string, unknown>;
}

/** An errcode answer as WeChat sends it: HTTP 200 JSON, the text, then a rid. */
export function expectErrcode(reply: Reply, errcode: number, message?: string): void {
  expect(reply.status).toBe(200);
  expect(reply.type).toBe(JSON_TYPE);
  const body = parse(reply);
  expect(body.errcode).toBe(errcode);
  expect(body.errmsg).toMatch(/ rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
  if (message !== undefined) expect(String(body.errmsg).startsWith(`${message} rid: `)).toBe(true);
}

/** Plain fetch calls against a running fake whose base URL `base()` gives. */
export function fakeCalls(base: () => string) {
  async function call(path: string, init: CallInit = {}, url = base()): Promise<Reply> {
    const target = new URL(path, url);
    for (const [k, v] of Object.entries(init.query ?? {})) target.searchParams.set(k, v);
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    const res = await fetch(target, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      body,
      signal: init.signal,
    });
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      text: await res.text(),
    };
  }

  function batchget(token: string | undefined, body: unknown, raw?: string): Promise<Reply> {
    return call('/cgi-bin/material/batchget_material', {
      method: 'POST',
      query: token === undefined ? {} : { access_token: token },
      body,
      raw,
    });
  }

  async function page(token: string, type: string, offset: number, count: number): Promise<Page> {
    const reply = await batchget(token, { type, offset, count });
    expect(reply.status).toBe(200);
    return JSON.parse(reply.text) as Page;
  }

  function classic(query: Record<string, string>): Promise<Reply> {
    return call('/cgi-bin/token', { query });
  }

  return { call, batchget, page, classic };
}

/** Fakes Date only: sockets and the server's own timers keep running for real. */
export function fakeDateOnly(): void {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

export function advanceClock(ms: number): void {
  jest.setSystemTime(Date.now() + ms);
}

/** Runs `fn` against a fake started with `opts`, stopped afterwards whatever happens. */
export async function withServer<T>(
  opts: ConstructorParameters<typeof FakeWechatServer>[0],
  fn: (s: FakeWechatServer, url: string) => Promise<T>,
): Promise<T> {
  const s = new FakeWechatServer(opts);
  const { baseUrl: url } = await s.start();
  try {
    return await fn(s, url);
  } finally {
    await s.stop();
  }
}

/**
 * One fake per test for the fake's own specs: started before each test, stopped after it (real
 * timers back first). `server` and `baseUrl` are read at call time; a test that restarts the
 * server sets `baseUrl` again.
 */
export function useFakeServer(opts?: ConstructorParameters<typeof FakeWechatServer>[0]) {
  const state = { server: undefined as unknown as FakeWechatServer, baseUrl: '' };
  const fake = Object.assign(
    state,
    fakeCalls(() => state.baseUrl),
  );
  beforeEach(async () => {
    fake.server = new FakeWechatServer(opts);
    ({ baseUrl: fake.baseUrl } = await fake.server.start());
  });
  afterEach(async () => {
    jest.useRealTimers();
    await fake.server.stop();
  });
  return fake;
}
