import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { FakeWechatServer } from '../../lib/testing/index.js';
import { ADAPTERS, ndjson, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';
import { CapturingLogger } from '../helpers/capturing-logger.js';
import { PATHS } from '../helpers/constants.js';
import { httpGet } from '../helpers/http-get.js';
import { sleep } from '../helpers/wait.js';

const RID = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

describe.each(ADAPTERS)('GET /materials/:type/export (%s)', (adapter) => {
  let t: SampleAppUnderTest;

  beforeAll(async () => {
    t = await startSampleApp(adapter);
  });
  beforeEach(() => {
    t.fake.seedGenerated({ image: 45, video: 3, voice: 0, news: 4 });
  });
  afterEach(() => {
    t.onCall = undefined;
    t.fake.clearFaults();
  });
  afterAll(() => t.close());

  it('streams every item once as NDJSON, in WeChat order', async () => {
    const before = t.fake.requests[PATHS.batchGet] ?? 0;
    const res = await httpGet(`${t.url}/materials/image/export`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.text.endsWith('\n')).toBe(true);
    const items = ndjson(res.text);
    expect(items).toHaveLength(45);
    expect(new Set(items.map((i) => i.media_id)).size).toBe(45);
    // Same items, same order as paging by hand.
    const pages = await Promise.all(
      [0, 20, 40].map(
        async (offset) =>
          (await request(t.url).get(`/materials?type=image&offset=${offset}&count=20`)).body.item,
      ),
    );
    expect(items).toEqual(pages.flat());
    // 3 pages of 20 for the export, then 3 more for the check above.
    expect((t.fake.requests[PATHS.batchGet] ?? 0) - before).toBe(6);
  });

  it('streams news items with their articles', async () => {
    const items = ndjson((await httpGet(`${t.url}/materials/news/export`)).text);
    expect(items).toHaveLength(4);
    for (const item of items) {
      expect(item).toEqual(
        expect.objectContaining({
          media_id: expect.any(String),
          content: expect.objectContaining({ news_item: expect.any(Array) }),
        }),
      );
    }
  });

  it('answers an empty library with an empty stream', async () => {
    const res = await httpGet(`${t.url}/materials/voice/export`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.text).toBe('');
  });

  it('answers a failure before the first line like any route (status, body, Retry-After)', async () => {
    t.fake.failNext(PATHS.batchGet, { errcode: 45011 });
    const res = await request(t.url).get('/materials/image/export').expect(429);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['retry-after']).toBe('60');
    expect(res.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringContaining('WeChat API error 45011'),
      errcode: 45011,
      rid: expect.stringMatching(RID),
    });
  });

  it('ends with an error line when WeChat fails mid-stream (errcode)', async () => {
    failAfterFirstPage(t, { errcode: 45009 });
    const res = await httpGet(`${t.url}/materials/image/export`);
    expect(res.status).toBe(200);
    const lines = ndjson(res.text);
    expect(lines).toHaveLength(21);
    expect(lines.slice(0, 20).every((l) => typeof l.media_id === 'string')).toBe(true);
    expect(lines[20]).toEqual({
      error: {
        statusCode: 429,
        error: 'Too Many Requests',
        message: expect.stringContaining('WeChat API error 45009'),
        errcode: 45009,
        rid: expect.stringMatching(RID),
      },
    });
  });

  it('ends with an error line when WeChat fails mid-stream (transport)', async () => {
    failAfterFirstPage(t, 'html502', 3);
    const lines = ndjson((await httpGet(`${t.url}/materials/image/export`)).text);
    expect(lines).toHaveLength(21);
    expect(lines[20]).toEqual({
      error: {
        statusCode: 502,
        error: 'Bad Gateway',
        message: `WeChat request to ${PATHS.batchGet} failed: http_status`,
      },
    });
  });
});

describe.each(ADAPTERS)('export: the client leaving stops the walk (%s)', (adapter) => {
  let t: SampleAppUnderTest;
  const logger = new CapturingLogger();

  beforeAll(async () => {
    // A long deadline: without the abort, the held request would pin the walk for 10 s.
    t = await startSampleApp(adapter, { logger, wechat: { timeoutMs: 10_000 } });
    t.fake.seedGenerated({ image: 45 });
  });
  afterAll(() => t.close());

  it('cancels the in-flight WeChat request when the client disconnects mid-stream', async () => {
    // Page 2 is held unanswered by the fake.
    failAfterFirstPage(t, 'timeout');
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${t.url}/materials/image/export`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.once('error', reject);
      req.end();
    });
    const left = Date.now();
    const stopped = /Export of image stopped: the client left after \d+ items/;
    while (!stopped.test(logger.text()) && Date.now() - left < 5000) {
      await sleep(20);
    }
    expect(Date.now() - left).toBeLessThan(2000);
    await sleep(200);
    // Page 1, then the held page 2: no retry, no page 3.
    expect(t.fake.requests[PATHS.batchGet]).toBe(2);
  });
});

/** Arms `fault` as soon as the first page has been served, so page 2 fails. */
function failAfterFirstPage(
  t: SampleAppUnderTest,
  fault: Parameters<FakeWechatServer['failNext']>[1],
  times = 1,
): void {
  let armed = false;
  t.onCall = (e) => {
    if (!armed && e.path === PATHS.batchGet && e.outcome === 'ok') {
      armed = true;
      t.fake.failNext(PATHS.batchGet, fault, times);
    }
  };
}
