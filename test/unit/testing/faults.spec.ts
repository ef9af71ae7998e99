import { beforeEach, describe, expect, it } from '@jest/globals';
import { FakeWechatServer } from '../../../lib/testing/index.js';
import type { FakeFault } from '../../../lib/testing/index.js';
import { PATHS } from '../../helpers/constants.js';
import {
  GOOD_CLASSIC,
  GOOD_STABLE,
  JSON_TYPE,
  expectErrcode,
  useFakeServer,
  withServer,
} from '../../helpers/fake-client.js';
import { sleep } from '../../helpers/wait.js';

const { classicToken: TOKEN, stableToken: STABLE, batchGet: BATCHGET, count: COUNT } = PATHS;

const fake = useFakeServer();
const { call, batchget, page, classic } = fake;

describe('faults', () => {
  let token: string;
  const body = { type: 'image', offset: 0, count: 1 };
  beforeEach(() => {
    token = fake.server.issueToken();
  });

  it('errcode faults carry WeChat text and a rid', async () => {
    fake.server.failNext(BATCHGET, { errcode: 45011 });
    fake.server.failNext(BATCHGET, { errcode: 40164 });
    fake.server.failNext(BATCHGET, { errcode: -1 });
    fake.server.failNext(BATCHGET, { errcode: 40007, errmsg: 'invalid media_id hint: [x]' });
    fake.server.failNext(BATCHGET, { errcode: 12345 });
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
    fake.server.failNext(BATCHGET, 'html502', 2);
    expect((await call(COUNT, { query: { access_token: token } })).status).toBe(200);
    expect((await batchget(token, body)).status).toBe(502);
    expect((await batchget(token, body)).status).toBe(502);
    expect((await batchget(token, body)).status).toBe(200);
  });

  it('faults the token endpoints too, and counts them', async () => {
    fake.server.failNext(STABLE, 'empty');
    const reply = await call(STABLE, { method: 'POST', body: GOOD_STABLE });
    expect(reply).toEqual({ status: 200, type: JSON_TYPE, text: '' });
    expect(fake.server.tokenRequests).toBe(1);
    expect(fake.server.requests[STABLE]).toBe(1);
  });

  it('html502 / html504 are nginx HTML pages', async () => {
    fake.server.failNext(BATCHGET, 'html502');
    fake.server.failNext(BATCHGET, 'html504');
    const r502 = await batchget(token, body);
    expect(r502.status).toBe(502);
    expect(r502.type).toBe('text/html');
    expect(r502.text).toContain('<title>502 Bad Gateway</title>');
    const r504 = await batchget(token, body);
    expect(r504.status).toBe(504);
    expect(r504.text).toContain('504 Gateway Time-out');
  });

  it('not_json is an HTTP 200 HTML page', async () => {
    fake.server.failNext(BATCHGET, 'not_json');
    const reply = await batchget(token, body);
    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/^text\/html/);
    expect(() => JSON.parse(reply.text)).toThrow();
    expect(reply.text).toContain('<html');
  });

  it('truncated_json is an HTTP 200 JSON body cut in the middle', async () => {
    fake.server.failNext(BATCHGET, 'truncated_json');
    fake.server.failNext(TOKEN, 'truncated_json');
    for (const reply of [await batchget(token, body), await classic(GOOD_CLASSIC)]) {
      expect(reply.status).toBe(200);
      expect(reply.text.startsWith('{"')).toBe(true);
      expect(reply.text.length).toBeGreaterThan(10);
      expect(() => JSON.parse(reply.text)).toThrow(SyntaxError);
    }
  });

  it('empty is HTTP 200 with no body', async () => {
    fake.server.failNext(BATCHGET, 'empty');
    const reply = await batchget(token, body);
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
  });

  it('reset destroys the socket without an answer', async () => {
    fake.server.failNext(BATCHGET, 'reset');
    const error = await batchget(token, body).then(
      () => undefined,
      (e: unknown) => e as { message: string; cause?: { code?: string } },
    );
    expect(error?.message).toBe('fetch failed');
    expect(error?.cause?.code).toBe('ECONNRESET');
    expect((await batchget(token, body)).status).toBe(200);
  });

  it('timeout holds the request until the client gives up', async () => {
    fake.server.failNext(BATCHGET, 'timeout');
    const started = performance.now();
    await expect(
      call(BATCHGET, {
        query: { access_token: token },
        body,
        signal: AbortSignal.timeout(1000),
      }),
    ).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect((await batchget(token, body)).status).toBe(200);
  });

  it('stop() releases held timeout requests', async () => {
    fake.server.failNext(BATCHGET, 'timeout', 3);
    const pending = [1, 2, 3].map(() => batchget(token, body));
    const settled = Promise.allSettled(pending);
    while ((fake.server.requests[BATCHGET] ?? 0) < 3) await sleep(5);
    await sleep(20);
    const started = performance.now();
    await fake.server.stop();
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
    const first = await pattern(fake.server, fake.baseUrl);
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
    fake.server.failRatio(BATCHGET, 1, { errcode: 48001 });
    fake.server.failNext(COUNT, 'html504', 5);
    expectErrcode(await batchget(token, body), 48001, 'api unauthorized');
    expectErrcode(await batchget(token, body), 48001);
    fake.server.clearFaults();
    expect((await batchget(token, body)).status).toBe(200);
    expect((await call(COUNT, { query: { access_token: token } })).status).toBe(200);
  });

  it('rejects bad ratio and times', () => {
    expect(() => fake.server.failRatio(BATCHGET, 1.5, 'reset')).toThrow(RangeError);
    expect(() => fake.server.failNext(BATCHGET, 'reset', -1)).toThrow(RangeError);
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
