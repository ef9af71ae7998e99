import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { FakeWechatServer } from '../../lib/testing/index.js';
import { get, postForm, sha256 } from '../helpers/media-http.js';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';
import { PATHS } from '../helpers/constants.js';

type Fault = Parameters<FakeWechatServer['failNext']>[1];

const ADD = PATHS.addMaterial;
const GET = PATHS.getMaterial;
const TEMP_UPLOAD = PATHS.mediaUpload;
const TEMP_GET = PATHS.mediaGet;

// One retry, so that a fault armed twice is what the client sees (and a fault armed once is
// retried away). Deadlines of 2 s keep the timeout cases short and a busy machine's ordinary
// calls well inside them.
const ATTEMPTS = 2;
const WECHAT = {
  timeoutMs: 2000,
  transferTimeoutMs: 2000,
  retry: { attempts: ATTEMPTS - 1, baseDelayMs: 1, maxDelayMs: 5 },
};

/** Fault → the status and message the exception filter answers with (API.md's table). */
const FAULTS: [string, Fault, number, RegExp][] = [
  ['an HTML 502 page', 'html502', 502, /failed: http_status$/],
  ['no answer (timeout)', 'timeout', 504, /failed: timeout$/],
  ['errcode -1 (busy)', { errcode: -1 }, 503, /^WeChat API error -1 on /],
];

const IMAGE = randomBytes(256 * 1024);
const png = (data = IMAGE) => [{ name: 'media', filename: 'fault.png', data }];

describe.each(ADAPTERS)('media routes when WeChat fails (%s)', (adapter) => {
  let t: SampleAppUnderTest;
  let mediaId: string;
  let tempId: string;

  beforeAll(async () => {
    t = await startSampleApp(adapter, { wechat: WECHAT });
    // Longer than any client wait below: a response merely ended short (not broken) would
    // hold its keep-alive connection open instead of being closed by the server's idle timer.
    (t.app.getHttpServer() as Server).keepAliveTimeout = 60_000;
    const up = await postForm(`${t.url}/materials/image`, png());
    mediaId = (up.json as { media_id: string }).media_id;
    const temp = await postForm(`${t.url}/temporary-materials/image`, png());
    tempId = (temp.json as { media_id: string }).media_id;
  });
  afterEach(() => t.fake.clearFaults());
  afterAll(() => t.close());

  describe.each(FAULTS)('%s', (_name, fault, status, message) => {
    it(`upload: ${status} after ${ATTEMPTS} attempts`, async () => {
      const before = t.fake.requests[ADD] ?? 0;
      t.fake.failNext(ADD, fault, ATTEMPTS);
      const res = await postForm(`${t.url}/materials/image`, png());
      expect(res.status).toBe(status);
      expect(res.json).toEqual(
        expect.objectContaining({ statusCode: status, message: expect.stringMatching(message) }),
      );
      expect((t.fake.requests[ADD] ?? 0) - before).toBe(ATTEMPTS);
    });

    it(`download: ${status} before the first byte`, async () => {
      t.fake.failNext(GET, fault, ATTEMPTS);
      const res = await get(`${t.url}/materials/items/${mediaId}`);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(res.json).toEqual(
        expect.objectContaining({ statusCode: status, message: expect.stringMatching(message) }),
      );
    });
  });

  it('upload: one failed attempt is retried with the whole file (replayed from its spool)', async () => {
    const data = randomBytes(128 * 1024);
    t.fake.failNext(ADD, 'html502', 1);
    const up = await postForm(`${t.url}/materials/image`, png(data));
    expect(up.status).toBe(201);
    const down = await get(
      `${t.url}/materials/items/${(up.json as { media_id: string }).media_id}`,
    );
    expect(sha256(down.body)).toBe(sha256(data));
  });

  it('temporary media: 502 on upload and on download', async () => {
    t.fake.failNext(TEMP_UPLOAD, 'html502', ATTEMPTS);
    expect((await postForm(`${t.url}/temporary-materials/image`, png())).status).toBe(502);
    t.fake.failNext(TEMP_GET, 'html502', ATTEMPTS);
    expect((await get(`${t.url}/temporary-materials/${tempId}`)).status).toBe(502);
  });

  describe.each([
    ['reset mid-body', 'reset_body' as Fault],
    ['stalled mid-body', 'stall_body' as Fault],
  ])('WeChat %s', (_name, fault) => {
    it.each([
      ['permanent', GET, () => `/materials/items/${mediaId}`],
      ['temporary', TEMP_GET, () => `/temporary-materials/${tempId}`],
    ])(
      '%s download: the client sees a broken transfer, never a clean short 200',
      async (_kind, path, route) => {
        t.fake.failNext(path, fault, 1);
        // Keep-alive: a response merely ended short of its Content-Length would leave this
        // client waiting for the rest (timedOut); only a connection the app breaks ends it.
        const res = await get(`${t.url}${route()}`, { keepAlive: true, idleMs: 10_000 });
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^image\/png/);
        expect(res.complete).toBe(false);
        expect(res.timedOut).toBe(false);
        expect(res.body.length).toBeLessThan(IMAGE.length);
        // The next download of the same file is whole again.
        const again = await get(`${t.url}${route()}`);
        expect(again.complete).toBe(true);
        expect(sha256(again.body)).toBe(sha256(IMAGE));
      },
    );
  });
});
