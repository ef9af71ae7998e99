import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import type { FakeFault } from '../../../lib/testing/index.js';

const TOKEN = '/cgi-bin/token';
const STABLE = '/cgi-bin/stable_token';
const BATCHGET = '/cgi-bin/material/batchget_material';
const COUNT = '/cgi-bin/material/get_materialcount';
const QUOTA = '/cgi-bin/openapi/quota/get';
const JSON_TYPE = 'application/json; encoding=utf-8';

interface Reply {
  status: number;
  type: string;
  text: string;
}

interface CallInit {
  method?: string;
  query?: Record<string, string>;
  body?: unknown;
  raw?: string;
  signal?: AbortSignal;
}

let server: FakeWechatServer;
let baseUrl: string;

async function call(path: string, init: CallInit = {}, base = baseUrl): Promise<Reply> {
  const url = new URL(path, base);
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const res = await fetch(url, {
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

function parse(reply: Reply): Record<string, unknown> {
  return JSON.parse(reply.text) as Record<string, unknown>;
}

function expectErrcode(reply: Reply, errcode: number, message?: string): void {
  expect(reply.status).toBe(200);
  expect(reply.type).toBe(JSON_TYPE);
  const body = parse(reply);
  expect(body.errcode).toBe(errcode);
  expect(body.errmsg).toMatch(/ rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
  if (message !== undefined) expect(String(body.errmsg).startsWith(`${message} rid: `)).toBe(true);
}

function batchget(token: string | undefined, body: unknown, raw?: string): Promise<Reply> {
  return call(BATCHGET, {
    method: 'POST',
    query: token === undefined ? {} : { access_token: token },
    body,
    raw,
  });
}

async function page(
  token: string,
  type: string,
  offset: number,
  count: number,
): Promise<{ item: Record<string, unknown>[]; total_count: number; item_count: number }> {
  const reply = await batchget(token, { type, offset, count });
  expect(reply.status).toBe(200);
  return JSON.parse(reply.text) as {
    item: Record<string, unknown>[];
    total_count: number;
    item_count: number;
  };
}

function classic(query: Record<string, string>): Promise<Reply> {
  return call(TOKEN, { query });
}

const GOOD_CLASSIC = {
  grant_type: 'client_credential',
  appid: 'wx_fake_app',
  secret: 'fake_secret',
};
const GOOD_STABLE = { ...GOOD_CLASSIC, force_refresh: false };

/** Fakes Date only: sockets and the server's own timers keep running for real. */
function fakeDateOnly(): void {
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

function advanceClock(ms: number): void {
  jest.setSystemTime(Date.now() + ms);
}

async function withServer<T>(
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

beforeEach(async () => {
  server = new FakeWechatServer();
  ({ baseUrl } = await server.start());
});

afterEach(async () => {
  jest.useRealTimers();
  await server.stop();
});

describe('lifecycle', () => {
  it('listens on 127.0.0.1 and stop() is idempotent', async () => {
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await server.start()).toEqual({ baseUrl });
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
    await expect(call(COUNT)).rejects.toThrow();
  });

  it('can start again after stop()', async () => {
    await server.stop();
    ({ baseUrl } = await server.start());
    const reply = await call(COUNT, { query: { access_token: server.issueToken() } });
    expect(reply.status).toBe(200);
  });

  it('rejects bad options with a RangeError', () => {
    expect(() => new FakeWechatServer({ latencyMs: -1 })).toThrow(RangeError);
    expect(() => new FakeWechatServer({ tokenTtlSeconds: 0 })).toThrow(RangeError);
    expect(() => new FakeWechatServer({ port: 70000 })).toThrow(RangeError);
    expect(() => new FakeWechatServer({ dailyLimits: { [BATCHGET]: 1.5 } })).toThrow(RangeError);
  });
});

describe('classic /cgi-bin/token', () => {
  it('mints a new WeChat-like token on each fetch', async () => {
    const first = parse(await classic(GOOD_CLASSIC));
    const second = parse(await classic(GOOD_CLASSIC));
    expect(first.expires_in).toBe(7200);
    expect(first.access_token).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    expect(second.access_token).not.toBe(first.access_token);
  });

  it('answers expires_in = tokenTtlSeconds', async () => {
    await withServer({ tokenTtlSeconds: 600 }, async (_s, url) => {
      const reply = await call(TOKEN, { query: GOOD_CLASSIC }, url);
      expect(parse(reply).expires_in).toBe(600);
    });
  });

  it('keeps the previous token valid for a 5-minute overlap, then 40001', async () => {
    fakeDateOnly();
    const old = String(parse(await classic(GOOD_CLASSIC)).access_token);
    const fresh = String(parse(await classic(GOOD_CLASSIC)).access_token);
    expect((await page(old, 'image', 0, 1)).item_count).toBe(1);
    advanceClock(4 * 60 * 1000);
    expect((await page(old, 'image', 0, 1)).item_count).toBe(1);
    advanceClock(61 * 1000);
    expectErrcode(await batchget(old, { type: 'image', offset: 0, count: 1 }), 40001);
    expect((await page(fresh, 'image', 0, 1)).item_count).toBe(1);
  });

  it.each([
    [{ appid: 'wx_fake_app', secret: 'fake_secret' }, 40002, 'invalid grant_type'],
    [{ ...GOOD_CLASSIC, grant_type: 'password' }, 40002, 'invalid grant_type'],
    [{ grant_type: 'client_credential', secret: 'fake_secret' }, 41002, 'appid missing'],
    [{ ...GOOD_CLASSIC, appid: 'wx_nobody' }, 40013, 'invalid appid'],
    [{ grant_type: 'client_credential', appid: 'wx_fake_app' }, 41004, 'appsecret missing'],
    [{ ...GOOD_CLASSIC, secret: 'wrong' }, 40125, 'invalid appsecret'],
  ])('%j -> %i', async (query, errcode, message) => {
    expectErrcode(await classic(query), errcode, message);
  });

  it('uses the accounts option instead of the default account', async () => {
    await withServer({ accounts: { wx_a: 'sa', wx_b: 'sb' } }, async (s, url) => {
      const ok = await call(
        TOKEN,
        { query: { ...GOOD_CLASSIC, appid: 'wx_b', secret: 'sb' } },
        url,
      );
      expect(parse(ok).access_token).toEqual(expect.any(String));
      expectErrcode(await call(TOKEN, { query: GOOD_CLASSIC }, url), 40013);
      expect(s.issueToken()).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    });
  });
});

describe('stable /cgi-bin/stable_token', () => {
  function stable(body: unknown, query?: Record<string, string>, raw?: string): Promise<Reply> {
    return call(STABLE, { method: 'POST', body, query, raw });
  }

  it('returns the same token while valid, with the remaining expires_in', async () => {
    fakeDateOnly();
    const first = parse(await stable(GOOD_STABLE));
    expect(first.expires_in).toBe(7200);
    advanceClock(100_000);
    const second = parse(await stable(GOOD_STABLE));
    expect(second.access_token).toBe(first.access_token);
    expect(second.expires_in).toBe(7100);
  });

  it('mints a new token after expiry', async () => {
    fakeDateOnly();
    const first = parse(await stable(GOOD_STABLE));
    advanceClock(7200_000);
    const second = parse(await stable(GOOD_STABLE));
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.expires_in).toBe(7200);
  });

  it('force_refresh mints a new token and the old one dies at once', async () => {
    const old = String(parse(await stable(GOOD_STABLE)).access_token);
    const fresh = String(parse(await stable({ ...GOOD_STABLE, force_refresh: true })).access_token);
    expect(fresh).not.toBe(old);
    expectErrcode(await batchget(old, { type: 'image', offset: 0, count: 1 }), 40001);
    expect((await page(fresh, 'image', 0, 1)).item_count).toBe(1);
    expect(parse(await stable(GOOD_STABLE)).access_token).toBe(fresh);
  });

  it('is isolated from classic tokens', async () => {
    const st = String(parse(await stable(GOOD_STABLE)).access_token);
    await classic(GOOD_CLASSIC);
    await classic(GOOD_CLASSIC);
    expect(parse(await stable(GOOD_STABLE)).access_token).toBe(st);
  });

  it.each([
    ['appid in the query', GOOD_STABLE, { appid: 'wx_fake_app' }, undefined, 41002],
    ['invalid JSON', undefined, undefined, '{"grant_type":', 47001],
    ['missing body', undefined, undefined, '', 47001],
    ['JSON array', [GOOD_STABLE], undefined, undefined, 47001],
    ['bad grant_type', { ...GOOD_STABLE, grant_type: 'x' }, undefined, undefined, 40002],
    ['unknown appid', { ...GOOD_STABLE, appid: 'wx_x' }, undefined, undefined, 40013],
    ['wrong secret', { ...GOOD_STABLE, secret: 'x' }, undefined, undefined, 40125],
    ['missing appid', { grant_type: 'client_credential' }, undefined, undefined, 41002],
  ])('%s -> errcode', async (_name, body, query, raw, errcode) => {
    expectErrcode(await stable(body, query, raw), errcode);
  });

  it('answers 43002 to GET', async () => {
    expectErrcode(await call(STABLE, { query: {} }), 43002, 'require POST method');
  });
});

describe('token checks on business calls', () => {
  const body = { type: 'image', offset: 0, count: 1 };

  it('41001 without a token, 40001 for an unknown one', async () => {
    expectErrcode(await batchget(undefined, body), 41001, 'access_token missing');
    expectErrcode(await batchget('', body), 41001);
    expectErrcode(
      await batchget('nope', body),
      40001,
      'invalid credential, access_token is invalid or not latest',
    );
  });

  it('42001 past the TTL', async () => {
    await withServer({ tokenTtlSeconds: 60 }, async (s, url) => {
      fakeDateOnly();
      const token = s.issueToken();
      advanceClock(61_000);
      const reply = await call(BATCHGET, { query: { access_token: token }, body }, url);
      expectErrcode(reply, 42001, 'access_token expired');
    });
  });

  it('expireToken() makes every current token answer 40001; new fetches work', async () => {
    const issued = server.issueToken();
    const cl = String(parse(await classic(GOOD_CLASSIC)).access_token);
    const st = String(
      parse(await call(STABLE, { method: 'POST', body: GOOD_STABLE })).access_token,
    );
    server.expireToken();
    for (const token of [issued, cl, st]) expectErrcode(await batchget(token, body), 40001);
    const st2 = String(
      parse(await call(STABLE, { method: 'POST', body: GOOD_STABLE })).access_token,
    );
    expect(st2).not.toBe(st);
    expect((await page(st2, 'image', 0, 1)).item_count).toBe(1);
    expect((await page(server.issueToken(), 'image', 0, 1)).item_count).toBe(1);
  });

  it('issueToken(appId) mints tokens for accounts it does not know (authorizers)', async () => {
    const token = server.issueToken('wx_authorizer');
    expect(token).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    expect((await page(token, 'news', 0, 1)).item_count).toBe(1);
  });

  it('rid starts with the current Unix time in hex', async () => {
    const before = Math.floor(Date.now() / 1000);
    const errmsg = String(parse(await batchget(undefined, body)).errmsg);
    const rid = /rid: ([0-9a-f]{8})-/.exec(errmsg)?.[1];
    expect(Math.abs(parseInt(rid!, 16) - before)).toBeLessThanOrEqual(2);
  });

  it('tokenless mode needs no access_token and ignores one given', async () => {
    await withServer({ tokenless: true }, async (_s, url) => {
      const none = await call(BATCHGET, { body }, url);
      expect(JSON.parse(none.text).item_count).toBe(1);
      const bogus = await call(BATCHGET, { query: { access_token: 'bogus' }, body }, url);
      expect(JSON.parse(bogus.text).item_count).toBe(1);
      expect(JSON.parse((await call(COUNT, {}, url)).text).image_count).toBe(4);
    });
  });
});

describe('batchget_material validation', () => {
  let token: string;
  beforeEach(() => {
    token = server.issueToken();
  });

  it('43002 for GET', async () => {
    const reply = await call(BATCHGET, { query: { access_token: token } });
    expectErrcode(reply, 43002, 'require POST method');
  });

  it('44002 for an empty body, 47001 for a body that is not a JSON object', async () => {
    expectErrcode(await batchget(token, undefined, ''), 44002, 'empty post data');
    expectErrcode(await batchget(token, undefined, 'type=image'), 47001, 'data format error');
    expectErrcode(await batchget(token, undefined, '{"type":"image",'), 47001);
    expectErrcode(await batchget(token, [1]), 47001);
    expectErrcode(await batchget(token, null), 47001);
  });

  it.each([
    [{ type: 'images', offset: 0, count: 1 }, 40004],
    [{ offset: 0, count: 1 }, 40004],
    [{ type: 'image', offset: -1, count: 1 }, 47001],
    [{ type: 'image', offset: 1.5, count: 1 }, 47001],
    [{ type: 'image', offset: '0', count: 1 }, 47001],
    [{ type: 'image', count: 1 }, 47001],
    [{ type: 'image', offset: 0, count: 0 }, 47001],
    [{ type: 'image', offset: 0, count: 21 }, 47001],
    [{ type: 'image', offset: 0, count: 2.5 }, 47001],
    [{ type: 'image', offset: 0 }, 47001],
    [{ type: 'images', offset: 0, count: 50 }, 40004],
  ])('%j -> %i', async (body, errcode) => {
    expectErrcode(await batchget(token, body), errcode);
  });

  it('accepts count 20 and offset past the end', async () => {
    expect((await page(token, 'image', 0, 20)).item_count).toBe(4);
    expect(await page(token, 'image', 99, 20)).toEqual({ item: [], total_count: 4, item_count: 0 });
  });
});

describe('library and paging', () => {
  let token: string;
  beforeEach(() => {
    token = server.issueToken();
  });

  it('serves text/plain with escaped slashes, still valid JSON', async () => {
    const reply = await batchget(token, { type: 'image', offset: 0, count: 20 });
    expect(reply.type).toBe('text/plain');
    expect(reply.text).toContain('http:\\/\\/mmbiz.qpic.cn\\/');
    expect(reply.text).not.toMatch(/[^\\]\//);
    expect(reply.text.startsWith('{"item":[')).toBe(true);
    const count = await call(COUNT, { query: { access_token: token } });
    expect(count.type).toBe('text/plain');
    expect(count.text).toBe('{"voice_count":2,"video_count":2,"image_count":4,"news_count":2}');
  });

  it('get_materialcount answers GET and POST', async () => {
    const post = await call(COUNT, { method: 'POST', query: { access_token: token }, raw: '' });
    expect(parse(post).image_count).toBe(4);
    expectErrcode(await call(COUNT), 41001);
  });

  it('seeds a realistic default library', async () => {
    const images = await page(token, 'image', 0, 20);
    const names = images.item.map((i) => i.name);
    expect(names).toContain('封面图.jpg');
    expect(names).toContain('CropImage');
    for (const item of images.item) {
      expect(item.media_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(item.url).toMatch(/^http:\/\/mmbiz\.(qpic|qlogo)\.cn\/.+\?wx_fmt=(png|jpeg)$/);
    }
    const videos = (await page(token, 'video', 0, 20)).item;
    expect(videos.every((v) => !('url' in v))).toBe(true);
    expect(videos.some((v) => 'description' in v && 'cover_url' in v)).toBe(true);
    expect(videos.some((v) => !('description' in v))).toBe(true);
    const voices = (await page(token, 'voice', 0, 20)).item;
    expect(voices.every((v) => !('url' in v))).toBe(true);
    const news = (await page(token, 'news', 0, 20)).item;
    const articles = news.flatMap(
      (n) => (n.content as { news_item: Record<string, unknown>[] }).news_item,
    );
    for (const a of articles) {
      for (const key of [
        'title',
        'author',
        'digest',
        'content',
        'content_source_url',
        'thumb_media_id',
        'show_cover_pic',
        'url',
        'thumb_url',
      ]) {
        expect(a).toHaveProperty(key);
      }
    }
    expect(articles.some((a) => 'need_open_comment' in a)).toBe(true);
    expect(articles.some((a) => !('need_open_comment' in a))).toBe(true);
    for (const n of news) {
      expect(n.update_time).toEqual(expect.any(Number));
      expect(n.content).toHaveProperty('create_time');
      expect(n.content).toHaveProperty('update_time');
    }
  });

  it('pages newest first, and addMaterial() shifts later offsets', async () => {
    server.seed({
      image: ['A', 'B', 'C', 'D', 'E'].map((id, i) => ({
        media_id: id,
        name: `${id}.jpg`,
        update_time: 1700000000 - i,
        url: `http://mmbiz.qpic.cn/mmbiz_jpg/${id}/0?wx_fmt=jpeg`,
      })),
    });
    const first = await page(token, 'image', 0, 2);
    expect(first.item.map((i) => i.media_id)).toEqual(['A', 'B']);
    expect(first.total_count).toBe(5);
    server.addMaterial('image', { media_id: 'Z', name: 'new.png', update_time: 1800000000 });
    const second = await page(token, 'image', 2, 2);
    expect(second.item.map((i) => i.media_id)).toEqual(['B', 'C']);
    expect(second.total_count).toBe(6);
    const tail = await page(token, 'image', 4, 20);
    expect(tail.item.map((i) => i.media_id)).toEqual(['D', 'E']);
    expect(tail.item_count).toBe(2);
    expect((await page(token, 'image', 0, 1)).item[0]).toEqual({
      media_id: 'Z',
      name: 'new.png',
      update_time: 1800000000,
    });
  });

  it('addMaterial() fills a missing media_id and update_time', async () => {
    server.addMaterial('voice', { name: 'hi.mp3' });
    const [item] = (await page(token, 'voice', 0, 1)).item;
    expect(item!.media_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(item!.update_time).toEqual(expect.any(Number));
    expect(item!.name).toBe('hi.mp3');
  });

  it('seed() replaces the library; missing types become empty', async () => {
    server.seed({ voice: [{ media_id: 'v1', name: 'a', update_time: 1 }] });
    const count = parse(await call(COUNT, { query: { access_token: token } }));
    expect(count).toEqual({ voice_count: 1, video_count: 0, image_count: 0, news_count: 0 });
    expect(await page(token, 'image', 0, 20)).toEqual({ item: [], total_count: 0, item_count: 0 });
  });

  it('seedGenerated(50000) is fast, deterministic and newest first', async () => {
    const started = performance.now();
    server.seedGenerated({ image: 50000, video: 50000, voice: 50000, news: 50000 });
    expect(performance.now() - started).toBeLessThan(50);
    const count = parse(await call(COUNT, { query: { access_token: token } }));
    expect(count).toEqual({
      voice_count: 50000,
      video_count: 50000,
      image_count: 50000,
      news_count: 50000,
    });
    const head = await page(token, 'news', 0, 20);
    expect(head.item_count).toBe(20);
    const times = head.item.map((i) => Number(i.update_time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const tail = await page(token, 'image', 49990, 20);
    expect(tail.item_count).toBe(10);

    await withServer({}, async (other, url) => {
      other.seedGenerated({ news: 50000 });
      const reply = await call(
        BATCHGET,
        {
          query: { access_token: other.issueToken() },
          body: { type: 'news', offset: 0, count: 20 },
        },
        url,
      );
      expect(JSON.parse(reply.text)).toEqual(head);
    });
  });

  it('seedGenerated() media_ids are unique across a whole shelf', async () => {
    server.seedGenerated({ video: 1000 });
    const ids = new Set<string>();
    for (let offset = 0; offset < 1000; offset += 20) {
      for (const item of (await page(token, 'video', offset, 20)).item) {
        expect(item.media_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(item).not.toHaveProperty('url');
        ids.add(String(item.media_id));
      }
    }
    expect(ids.size).toBe(1000);
    expect(await page(token, 'image', 0, 20)).toEqual({ item: [], total_count: 0, item_count: 0 });
  });
});

describe('faults', () => {
  let token: string;
  const body = { type: 'image', offset: 0, count: 1 };
  beforeEach(() => {
    token = server.issueToken();
  });

  it('errcode faults carry WeChat text and a rid', async () => {
    server.failNext(BATCHGET, { errcode: 45011 });
    server.failNext(BATCHGET, { errcode: 40164 });
    server.failNext(BATCHGET, { errcode: -1 });
    server.failNext(BATCHGET, { errcode: 40007, errmsg: 'invalid media_id hint: [x]' });
    server.failNext(BATCHGET, { errcode: 12345 });
    expectErrcode(
      await batchget(token, body),
      45011,
      'api minute-quota reach limit mustslower retry next minute',
    );
    expectErrcode(
      await batchget(token, body),
      40164,
      'invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist',
    );
    expectErrcode(await batchget(token, body), -1, 'system error');
    expectErrcode(await batchget(token, body), 40007, 'invalid media_id hint: [x]');
    expectErrcode(await batchget(token, body), 12345);
    expect((await page(token, 'image', 0, 1)).item_count).toBe(1);
  });

  it('failNext(times) faults exactly that many requests of that path only', async () => {
    server.failNext(BATCHGET, 'html502', 2);
    expect((await call(COUNT, { query: { access_token: token } })).status).toBe(200);
    expect((await batchget(token, body)).status).toBe(502);
    expect((await batchget(token, body)).status).toBe(502);
    expect((await batchget(token, body)).status).toBe(200);
  });

  it('faults the token endpoints too, and counts them', async () => {
    server.failNext(STABLE, 'empty');
    const reply = await call(STABLE, { method: 'POST', body: GOOD_STABLE });
    expect(reply).toEqual({ status: 200, type: JSON_TYPE, text: '' });
    expect(server.tokenRequests).toBe(1);
    expect(server.requests[STABLE]).toBe(1);
  });

  it('html502 / html504 are nginx HTML pages', async () => {
    server.failNext(BATCHGET, 'html502');
    server.failNext(BATCHGET, 'html504');
    const r502 = await batchget(token, body);
    expect(r502.status).toBe(502);
    expect(r502.type).toBe('text/html');
    expect(r502.text).toContain('<title>502 Bad Gateway</title>');
    const r504 = await batchget(token, body);
    expect(r504.status).toBe(504);
    expect(r504.text).toContain('504 Gateway Time-out');
  });

  it('not_json is an HTTP 200 HTML page', async () => {
    server.failNext(BATCHGET, 'not_json');
    const reply = await batchget(token, body);
    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/^text\/html/);
    expect(() => JSON.parse(reply.text)).toThrow();
    expect(reply.text).toContain('<html');
  });

  it('truncated_json is an HTTP 200 JSON body cut in the middle', async () => {
    server.failNext(BATCHGET, 'truncated_json');
    server.failNext(TOKEN, 'truncated_json');
    for (const reply of [await batchget(token, body), await classic(GOOD_CLASSIC)]) {
      expect(reply.status).toBe(200);
      expect(reply.text.startsWith('{"')).toBe(true);
      expect(reply.text.length).toBeGreaterThan(10);
      expect(() => JSON.parse(reply.text)).toThrow(SyntaxError);
    }
  });

  it('empty is HTTP 200 with no body', async () => {
    server.failNext(BATCHGET, 'empty');
    const reply = await batchget(token, body);
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
  });

  it('reset destroys the socket without an answer', async () => {
    server.failNext(BATCHGET, 'reset');
    const error = await batchget(token, body).then(
      () => undefined,
      (e: unknown) => e as { message: string; cause?: { code?: string } },
    );
    expect(error?.message).toBe('fetch failed');
    expect(error?.cause?.code).toBe('ECONNRESET');
    expect((await batchget(token, body)).status).toBe(200);
  });

  it('timeout holds the request until the client gives up', async () => {
    server.failNext(BATCHGET, 'timeout');
    const started = performance.now();
    await expect(
      call(BATCHGET, {
        query: { access_token: token },
        body,
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect((await batchget(token, body)).status).toBe(200);
  });

  it('stop() releases held timeout requests', async () => {
    server.failNext(BATCHGET, 'timeout', 3);
    const pending = [1, 2, 3].map(() => batchget(token, body));
    const settled = Promise.allSettled(pending);
    while ((server.requests[BATCHGET] ?? 0) < 3) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    await server.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    const results = await settled;
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });

  it('failRatio faults about that fraction, reproducibly', async () => {
    const pattern = async (s: FakeWechatServer, url: string): Promise<string> => {
      const t = s.issueToken();
      s.failRatio(COUNT, 0.2, { errcode: -1 });
      s.failRatio(COUNT, 0.1, 'html502');
      let out = '';
      for (let i = 0; i < 500; i++) {
        const reply = await call(COUNT, { query: { access_token: t } }, url);
        out += reply.status === 502 ? 'H' : reply.text.includes('errcode') ? 'E' : '.';
      }
      return out;
    };
    const first = await pattern(server, baseUrl);
    const errors = first.split('E').length - 1;
    const pages = first.split('H').length - 1;
    expect(errors).toBeGreaterThan(65);
    expect(errors).toBeLessThan(135);
    expect(pages).toBeGreaterThan(25);
    expect(pages).toBeLessThan(80);
    await withServer({}, async (other, url) => {
      expect(await pattern(other, url)).toBe(first);
    });
  });

  it('failRatio(1) faults everything; clearFaults() stops it', async () => {
    server.failRatio(BATCHGET, 1, { errcode: 48001 });
    server.failNext(COUNT, 'html504', 5);
    expectErrcode(await batchget(token, body), 48001, 'api unauthorized');
    expectErrcode(await batchget(token, body), 48001);
    server.clearFaults();
    expect((await batchget(token, body)).status).toBe(200);
    expect((await call(COUNT, { query: { access_token: token } })).status).toBe(200);
  });

  it('rejects bad ratio and times', () => {
    expect(() => server.failRatio(BATCHGET, 1.5, 'reset')).toThrow(RangeError);
    expect(() => server.failNext(BATCHGET, 'reset', -1)).toThrow(RangeError);
  });

  it.each<FakeFault>([
    'html502',
    'html504',
    'not_json',
    'truncated_json',
    'empty',
    { errcode: -1 },
  ])('latency applies to the %j fault too', async (fault) => {
    await withServer({ latencyMs: 120 }, async (s, url) => {
      s.failNext(COUNT, fault);
      const started = performance.now();
      await call(COUNT, {}, url);
      expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    });
  });
});

describe('counters', () => {
  it('counts token requests whatever the outcome, and every request by path', async () => {
    await classic(GOOD_CLASSIC);
    await classic({ ...GOOD_CLASSIC, secret: 'bad' });
    await call(STABLE, { method: 'POST', raw: 'nope' });
    server.failNext(TOKEN, 'reset');
    await expect(classic(GOOD_CLASSIC)).rejects.toThrow();
    await call(COUNT, {});
    await call('/cgi-bin/unknown?x=1', {});
    expect(server.tokenRequests).toBe(4);
    expect(server.requests).toEqual({
      [TOKEN]: 3,
      [STABLE]: 1,
      [COUNT]: 1,
      '/cgi-bin/unknown': 1,
    });
    server.resetCounters();
    expect(server.tokenRequests).toBe(0);
    expect(server.requests).toEqual({});
  });

  it('requests is a snapshot that survives odd paths', async () => {
    await call('/__proto__', {});
    const snapshot = server.requests;
    expect(Object.getOwnPropertyDescriptor(snapshot, '/__proto__')?.value).toBe(1);
    await call(COUNT, {});
    expect(snapshot[COUNT]).toBeUndefined();
  });

  it('lastBody() returns what the client sent', async () => {
    await call(STABLE, { method: 'POST', body: GOOD_STABLE });
    expect(JSON.parse(server.lastBody(STABLE)!)).toEqual(GOOD_STABLE);
    expect(server.lastBody(BATCHGET)).toBeUndefined();
  });
});

describe('quota', () => {
  it('counts calls per path and answers 45009 at the daily limit', async () => {
    await withServer({ dailyLimits: { [BATCHGET]: 3 } }, async (s, url) => {
      const token = s.issueToken();
      const body = { type: 'image', offset: 0, count: 1 };
      for (let i = 0; i < 3; i++) {
        const reply = await call(BATCHGET, { query: { access_token: token }, body }, url);
        expect(JSON.parse(reply.text).item_count).toBe(1);
      }
      expectErrcode(
        await call(BATCHGET, { query: { access_token: token }, body }, url),
        45009,
        'reach max api daily quota limit',
      );
      const quota = await call(
        QUOTA,
        { query: { access_token: token }, body: { cgi_path: BATCHGET } },
        url,
      );
      expect(quota.type).toBe(JSON_TYPE);
      expect(JSON.parse(quota.text)).toEqual({
        errcode: 0,
        errmsg: 'ok',
        quota: { daily_limit: 3, used: 3, remain: 0 },
      });
      const countQuota = await call(
        QUOTA,
        { query: { access_token: token }, body: { cgi_path: COUNT } },
        url,
      );
      expect(JSON.parse(countQuota.text).quota).toEqual({
        daily_limit: 100000,
        used: 0,
        remain: 100000,
      });
      s.resetCounters();
      const again = await call(BATCHGET, { query: { access_token: token }, body }, url);
      expect(JSON.parse(again.text).item_count).toBe(1);
    });
  });

  it('checks token, method and body of quota/get', async () => {
    const token = server.issueToken();
    const q = { access_token: token };
    expectErrcode(await call(QUOTA, { method: 'POST', body: { cgi_path: BATCHGET } }), 41001);
    expectErrcode(await call(QUOTA, { query: q }), 43002);
    expectErrcode(await call(QUOTA, { query: q, method: 'POST', raw: '' }), 44002);
    expectErrcode(await call(QUOTA, { query: q, raw: 'x' }), 47001);
    expectErrcode(
      await call(QUOTA, { query: q, body: { cgi_path: '/cgi-bin/nope' } }),
      76021,
      'cgi_path not found, please check',
    );
  });
});

describe('robustness', () => {
  it('answers unknown paths with HTTP 404 text', async () => {
    const reply = await call('/cgi-bin/draft/batchget', { method: 'POST', body: {} });
    expect(reply).toEqual({ status: 404, type: 'text/plain', text: 'Not Found' });
  });

  it('refuses bodies over 1 MB with 413 and keeps serving', async () => {
    const token = server.issueToken();
    const reply = await batchget(token, undefined, 'x'.repeat(1024 * 1024 + 10));
    expect(reply.status).toBe(413);
    expect((await page(token, 'image', 0, 1)).item_count).toBe(1);
  });

  it('survives odd query strings', async () => {
    const reply = await call(`${BATCHGET}?access_token=%E0%A4%A&&=&type`, {
      method: 'POST',
      body: {},
    });
    expectErrcode(reply, 40001);
  });

  it('latencyMs delays answers and stop() clears pending timers', async () => {
    await withServer({ latencyMs: 150 }, async (s, url) => {
      const started = performance.now();
      await call(COUNT, { query: { access_token: s.issueToken() } }, url);
      expect(performance.now() - started).toBeGreaterThanOrEqual(130);
      const pending = call(COUNT, {}, url).then(
        () => 'answered',
        () => 'failed',
      );
      await new Promise((r) => setTimeout(r, 30));
      await s.stop();
      expect(await pending).toBe('failed');
    });
  });
});
