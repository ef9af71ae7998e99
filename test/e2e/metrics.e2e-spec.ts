import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { WechatCallEvent } from '../../lib/index.js';
import { ADAPTERS, type SampleAppUnderTest, startSampleApp } from './helper/sample-app.js';
import { PATHS } from '../helpers/constants.js';
import { RecordingTokenStore } from '../helpers/recording-token.store.js';

const PAGE = '/materials?type=image&offset=0&count=1';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = value!;
    }
    const raw = m[3]!;
    samples.push({ name: m[1]!, labels, value: raw === '+Inf' ? Infinity : Number(raw) });
  }
  return samples;
}

/** The value of the one sample with exactly these labels (undefined when there is none). */
function valueOf(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  const found = samples.filter(
    (s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === wanted,
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${wanted}`);
  return found[0]?.value;
}

describe.each(ADAPTERS)('GET /metrics (%s)', (adapter) => {
  let t: SampleAppUnderTest;
  const store = new RecordingTokenStore();
  const events: WechatCallEvent[] = [];

  beforeAll(async () => {
    t = await startSampleApp(adapter, { wechat: { tokenStore: store } });
    t.onCall = (e) => events.push(e);
  });
  afterAll(() => t.close());

  it('serves empty counters before any WeChat call', async () => {
    const res = await request(t.url).get('/metrics').expect(200);
    expect(res.text).toContain('# TYPE wechat_calls_total counter');
    expect(res.text).toContain('# TYPE wechat_call_duration_seconds histogram');
    expect(res.text).toContain('# TYPE wechat_token_fetches_total counter');
    expect(res.text).toContain('# TYPE wechat_call_retries_total counter');
    expect(parseMetrics(res.text)).toEqual([]);
  });

  it('counts calls, errcodes, retries and token fetches exactly', async () => {
    for (let i = 0; i < 3; i++) await request(t.url).get(PAGE).expect(200); // 1st fetches a token
    t.fake.failNext(PATHS.batchGet, { errcode: 40007 });
    await request(t.url).get(PAGE).expect(404);
    t.fake.failNext(PATHS.batchGet, 'html502'); // retried once, then ok
    await request(t.url).get(PAGE).expect(200);
    await request(t.url).get('/materials/count').expect(200);
    await request(t.url).get('/materials?type=images&offset=0&count=1').expect(400); // no call

    const res = await request(t.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['content-type']).toContain('version=0.0.4');
    const samples = parseMetrics(res.text);

    const calls = (labels: Record<string, string>) =>
      valueOf(samples, 'wechat_calls_total', labels);
    expect(calls({ path: PATHS.batchGet, outcome: 'ok' })).toBe(4);
    expect(calls({ path: PATHS.batchGet, outcome: 'errcode', errcode: '40007' })).toBe(1);
    expect(calls({ path: PATHS.batchGet, outcome: 'transport' })).toBe(1);
    expect(calls({ path: PATHS.count, outcome: 'ok' })).toBe(1);
    expect(calls({ path: PATHS.stableToken, outcome: 'ok' })).toBe(1);
    const callSamples = samples.filter((s) => s.name === 'wechat_calls_total');
    expect(callSamples).toHaveLength(5);

    expect(valueOf(samples, 'wechat_token_fetches_total', { endpoint: 'stable' })).toBe(1);
    expect(samples.filter((s) => s.name === 'wechat_token_fetches_total')).toHaveLength(1);
    expect(valueOf(samples, 'wechat_call_retries_total', { path: PATHS.batchGet })).toBe(1);
    expect(samples.filter((s) => s.name === 'wechat_call_retries_total')).toHaveLength(1);

    // What WeChat (the fake) saw and what onCall saw agree with the counters.
    const batchgetCalls = callSamples
      .filter((s) => s.labels.path === PATHS.batchGet)
      .reduce((sum, s) => sum + s.value, 0);
    expect(batchgetCalls).toBe(t.fake.requests[PATHS.batchGet]);
    expect(t.fake.tokenRequests).toBe(1);
    expect(callSamples.reduce((sum, s) => sum + s.value, 0)).toBe(events.length);

    for (const [outcome, count] of [
      ['ok', 4],
      ['errcode', 1],
      ['transport', 1],
    ] as const) {
      const labels = { path: PATHS.batchGet, outcome };
      expect(valueOf(samples, 'wechat_call_duration_seconds_count', labels)).toBe(count);
      expect(
        valueOf(samples, 'wechat_call_duration_seconds_bucket', { ...labels, le: '+Inf' }),
      ).toBe(count);
      const ms = events
        .filter((e) => e.path === PATHS.batchGet && e.outcome === outcome)
        .reduce((sum, e) => sum + e.durationMs, 0);
      expect(valueOf(samples, 'wechat_call_duration_seconds_sum', labels)).toBeCloseTo(
        ms / 1000,
        6,
      );
    }
    expect(
      valueOf(samples, 'wechat_call_duration_seconds_count', { path: PATHS.count, outcome: 'ok' }),
    ).toBe(1);
    expect(
      valueOf(samples, 'wechat_call_duration_seconds_count', {
        path: PATHS.stableToken,
        outcome: 'ok',
      }),
    ).toBe(1);
  });

  it('keeps every label in a fixed set and never shows a token or secret', async () => {
    const res = await request(t.url).get('/metrics').expect(200);
    expect(store.tokens).toHaveLength(1);
    for (const secret of [...store.tokens, 'fake_secret', 'access_token', 'secret=']) {
      expect(res.text).not.toContain(secret);
    }
    const allowed: Record<string, RegExp> = {
      path: /^\/cgi-bin\/(stable_token|token|material\/(batchget_material|get_materialcount|add_material|get_material|del_material)|media\/(uploadimg|upload|get)|openapi\/quota\/get)$|^other$/,
      outcome: /^(ok|errcode|transport)$/,
      errcode: /^(-1|\d{5}|other)$/,
      endpoint: /^(stable|classic)$/,
      le: /^(\d+(\.\d+)?|\+Inf)$/,
    };
    for (const s of parseMetrics(res.text)) {
      for (const [key, value] of Object.entries(s.labels)) {
        expect(Object.keys(allowed)).toContain(key);
        expect(value).toMatch(allowed[key]!);
      }
    }
  });

  it('is left out of the OpenAPI document', async () => {
    const res = await request(t.url).get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).not.toContain('/metrics');
  });

  it('counts per app: a second app in the same process starts from zero', async () => {
    const other = await startSampleApp(adapter);
    try {
      await request(other.url).get('/materials/count').expect(200);
      const mine = parseMetrics((await request(other.url).get('/metrics').expect(200)).text);
      expect(valueOf(mine, 'wechat_calls_total', { path: PATHS.count, outcome: 'ok' })).toBe(1);
      expect(valueOf(mine, 'wechat_calls_total', { path: PATHS.batchGet, outcome: 'ok' })).toBe(
        undefined,
      );
      const first = parseMetrics((await request(t.url).get('/metrics').expect(200)).text);
      expect(valueOf(first, 'wechat_calls_total', { path: PATHS.count, outcome: 'ok' })).toBe(1);
    } finally {
      await other.close();
    }
  });
});
