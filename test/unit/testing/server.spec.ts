import { describe, expect, it } from '@jest/globals';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import { PATHS } from '../../helpers/constants.js';
import {
  GOOD_CLASSIC,
  GOOD_STABLE,
  expectErrcode,
  useFakeServer,
  withServer,
} from '../../helpers/fake-client.js';
import { sleep } from '../../helpers/wait.js';

const { classicToken: TOKEN, stableToken: STABLE, batchGet: BATCHGET, count: COUNT } = PATHS;

const fake = useFakeServer();
const { call, batchget, page, classic } = fake;

describe('lifecycle', () => {
  it('listens on 127.0.0.1 and stop() is idempotent', async () => {
    expect(fake.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await fake.server.start()).toEqual({ baseUrl: fake.baseUrl });
    await Promise.all([fake.server.stop(), fake.server.stop()]);
    await fake.server.stop();
    await expect(call(COUNT)).rejects.toThrow();
  });

  it('can start again after stop()', async () => {
    await fake.server.stop();
    ({ baseUrl: fake.baseUrl } = await fake.server.start());
    const reply = await call(COUNT, { query: { access_token: fake.server.issueToken() } });
    expect(reply.status).toBe(200);
  });

  it('rejects bad options with a RangeError', () => {
    expect(() => new FakeWechatServer({ latencyMs: -1 })).toThrow(RangeError);
    expect(() => new FakeWechatServer({ tokenTtlSeconds: 0 })).toThrow(RangeError);
    expect(() => new FakeWechatServer({ port: 70000 })).toThrow(RangeError);
    expect(() => new FakeWechatServer({ dailyLimits: { [BATCHGET]: 1.5 } })).toThrow(RangeError);
  });
});

describe('counters', () => {
  it('counts token requests whatever the outcome, and every request by path', async () => {
    await classic(GOOD_CLASSIC);
    await classic({ ...GOOD_CLASSIC, secret: 'bad' });
    await call(STABLE, { method: 'POST', raw: 'nope' });
    fake.server.failNext(TOKEN, 'reset');
    await expect(classic(GOOD_CLASSIC)).rejects.toThrow();
    await call(COUNT, {});
    await call('/cgi-bin/unknown?x=1', {});
    expect(fake.server.tokenRequests).toBe(4);
    expect(fake.server.requests).toEqual({
      [TOKEN]: 3,
      [STABLE]: 1,
      [COUNT]: 1,
      '/cgi-bin/unknown': 1,
    });
    fake.server.resetCounters();
    expect(fake.server.tokenRequests).toBe(0);
    expect(fake.server.requests).toEqual({});
  });

  it('requests is a snapshot that survives odd paths', async () => {
    await call('/__proto__', {});
    const snapshot = fake.server.requests;
    expect(Object.getOwnPropertyDescriptor(snapshot, '/__proto__')?.value).toBe(1);
    await call(COUNT, {});
    expect(snapshot[COUNT]).toBeUndefined();
  });

  it('lastBody() returns what the client sent', async () => {
    await call(STABLE, { method: 'POST', body: GOOD_STABLE });
    expect(JSON.parse(fake.server.lastBody(STABLE)!)).toEqual(GOOD_STABLE);
    expect(fake.server.lastBody(BATCHGET)).toBeUndefined();
  });
});

describe('robustness', () => {
  it('answers unknown paths with HTTP 404 text', async () => {
    const reply = await call('/cgi-bin/no_such_area/batchget', { method: 'POST', body: {} });
    expect(reply).toEqual({ status: 404, type: 'text/plain', text: 'Not Found' });
  });

  it('reads bodies as bytes up to the largest upload plus a margin', async () => {
    const token = fake.server.issueToken();
    // 10 MB + 512 KB: over the old 1 MB limit, under 10 MB + the multipart margin.
    const padding = ' '.repeat(10 * 1024 * 1024 + 512 * 1024);
    const raw = `{"type":"image","offset":0,"count":1,"note":"素材"}${padding}`;
    const reply = await batchget(token, undefined, raw);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text).item_count).toBe(1);
    expect(fake.server.lastBody(BATCHGET)).toBe(raw);
  });

  it('refuses bodies over 11 MB with 413 and keeps serving', async () => {
    const token = fake.server.issueToken();
    const reply = await batchget(token, undefined, 'x'.repeat(11 * 1024 * 1024 + 10));
    expect(reply.status).toBe(413);
    expect(reply.text).toContain('413 Request Entity Too Large');
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
      await sleep(30);
      await s.stop();
      expect(await pending).toBe('failed');
    });
  });
});
