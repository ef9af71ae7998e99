import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { upstreamCalls } from '../helpers/upstream-calls.js';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';

/** Query string → the fields that must be reported (and no others). */
const BAD_QUERIES: [string, string[]][] = [
  ['', ['type', 'offset', 'count']],
  ['type=image', ['offset', 'count']],
  ['type=images&offset=0&count=20', ['type']],
  ['type=IMAGE&offset=0&count=20', ['type']],
  ['type=&offset=0&count=20', ['type']],
  ['type=image&type=video&offset=0&count=20', ['type']],
  ['type=image&offset=-1&count=20', ['offset']],
  ['type=image&offset=1.5&count=20', ['offset']],
  ['type=image&offset=abc&count=20', ['offset']],
  ['type=image&offset=2147483648&count=20', ['offset']],
  ['type=image&offset=0&count=0', ['count']],
  ['type=image&offset=0&count=21', ['count']],
  ['type=image&offset=0&count=50', ['count']],
  ['type=image&offset=0&count=', ['count']],
  ['type=image&offset=0&count=ten', ['count']],
  ['type=image&offset=0&count=2&count=3', ['count']],
  ['type=images&offset=-1&count=50', ['type', 'offset', 'count']],
];

const BAD_EXPORT_TYPES = ['images', 'IMAGE', 'all', '%20', 'news.json'];

describe.each(ADAPTERS)('bad input → 400 with no WeChat call (%s)', (adapter) => {
  let t: SampleAppUnderTest;

  beforeAll(async () => {
    t = await startSampleApp(adapter);
    // Warm up (token fetched), so that a call slipping through would show in the counters.
    await request(t.url).get('/materials/count').expect(200);
  });
  afterAll(() => t.close());

  it.each(BAD_QUERIES)('GET /materials?%s', async (query, fields) => {
    const before = upstreamCalls(t.fake);
    const res = await request(t.url).get(`/materials?${query}`).expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.any(Array),
    });
    const messages = res.body.message as string[];
    expect(messages.every((m) => typeof m === 'string')).toBe(true);
    const reported = new Set(messages.map((m) => m.split(' ')[0]));
    expect([...reported].sort()).toEqual([...fields].sort());
    expect(upstreamCalls(t.fake)).toBe(before);
  });

  it.each(BAD_EXPORT_TYPES)('GET /materials/%s/export', async (type) => {
    const before = upstreamCalls(t.fake);
    const res = await request(t.url).get(`/materials/${type}/export`).expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['type must be one of the following values: image, video, voice, news'],
    });
    expect(upstreamCalls(t.fake)).toBe(before);
  });
});
