/**
 * Property tests (fast-check): any input either reaches WeChat (valid) or is refused with
 * WechatValidationException before any request; any body WeChat (or a gateway) might send
 * ends in a page, a WechatApiException or a WechatTransportException, never anything else.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import fc from 'fast-check';
import {
  MaterialService,
  WechatApiException,
  WechatMaterialModule,
  WechatTransportException,
  WechatValidationException,
} from '../../lib/index.js';
import { FakeWechatServer } from '../../lib/testing/index.js';
import { CANARY_APP_ID, CANARY_SECRET, UnhandledRejectionWatch } from './harness.js';
import { CapturingLogger } from '../helpers/capturing-logger.js';
import { PATHS } from '../helpers/constants.js';

const TYPES = ['image', 'video', 'voice', 'news'] as const;
const MAX_OFFSET = 2_147_483_647;
/**
 * 200 in `npm test`; `FC_RUNS=5000` for a longer hunt. Every run is made: no time limit (an
 * interrupted fast-check run counts as a pass), so Jest's timeout grows with the runs.
 */
const NUM_RUNS = Number(process.env.FC_RUNS ?? 200);
const RUNS_TIMEOUT_MS = 60_000 + NUM_RUNS * 500;
const HTTP_STATUS_RUNS = 60;

const watch = new UnhandledRejectionWatch();
beforeAll(() => watch.install());
afterAll(() => {
  watch.uninstall();
  expect(watch.seen).toEqual([]);
});

async function compile(baseUrl: string): Promise<TestingModule> {
  return Test.createTestingModule({
    imports: [
      WechatMaterialModule.forRoot({
        appId: CANARY_APP_ID,
        appSecret: CANARY_SECRET,
        baseUrl,
        timeoutMs: 1000,
        retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
      }),
    ],
  })
    .setLogger(new CapturingLogger())
    .compile();
}

// ---------------------------------------------------------------------------------------
// 1. Input: type / offset / count
// ---------------------------------------------------------------------------------------

/** Values of every kind a caller (or a query string parsed by hand) could pass. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -0,
    0.5,
    -1,
    21,
    2 ** 31,
    2 ** 53,
    1e21,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
  ),
  fc.integer({ min: -1_000_000_000, max: -1 }),
  fc.integer({ min: MAX_OFFSET + 1, max: Number.MAX_SAFE_INTEGER }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('0', '20', '1e1', ' 5', '0x10', '', 'image', 'NaN'),
  fc.bigInt(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.object({ maxDepth: 2 }),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.anything({
    maxDepth: 2,
    withNullPrototype: true,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withDate: true,
  }),
);

const typeArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<unknown>(...TYPES) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>('Image', 'images', 'IMAGE', ' image', 'new', ''),
  },
  { weight: 2, arbitrary: junk },
);
const offsetArb = fc.oneof(
  { weight: 3, arbitrary: fc.nat(1000) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_OFFSET }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(0, MAX_OFFSET, -0) },
  { weight: 3, arbitrary: junk },
);
const countArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(0, 21, -1, 20.5, 1.0000001) },
  { weight: 3, arbitrary: junk },
);
/** Keys may be missing; an unknown extra key must change nothing. */
const mixedQueryArb = fc.record(
  { type: typeArb, offset: offsetArb, count: countArb, extra: fc.anything({ maxDepth: 1 }) },
  { requiredKeys: [] },
);
/** Valid on every field (so that the "reaches WeChat" side is well exercised). */
const validQueryArb = fc.record(
  {
    type: fc.constantFrom(...TYPES),
    offset: fc.oneof(fc.nat(1000), fc.integer({ min: 0, max: MAX_OFFSET })),
    count: fc.integer({ min: 1, max: 20 }),
    extra: fc.anything({ maxDepth: 1 }),
  },
  { requiredKeys: ['type', 'offset', 'count'] },
);
const queryArb = fc.oneof(
  { weight: 1, arbitrary: validQueryArb },
  { weight: 3, arbitrary: mixedQueryArb },
);

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** The contract (API.md), written independently of lib/: which fields are bad. */
function badFields(q: Record<string, unknown>): string[] {
  const bad: string[] = [];
  if (!(TYPES as readonly unknown[]).includes(q.type)) bad.push('type');
  if (!isInt(q.offset, 0, MAX_OFFSET)) bad.push('offset');
  if (!isInt(q.count, 1, 20)) bad.push('count');
  return bad;
}

describe('property: batchGetMaterial input', () => {
  let server: FakeWechatServer;
  let moduleRef: TestingModule;
  let material: MaterialService;

  beforeAll(async () => {
    server = new FakeWechatServer({ accounts: { [CANARY_APP_ID]: CANARY_SECRET } });
    server.seedGenerated({ image: 45, video: 3, voice: 0, news: 25 });
    const { baseUrl } = await server.start();
    moduleRef = await compile(baseUrl);
    material = moduleRef.get(MaterialService);
  });

  afterAll(async () => {
    await moduleRef.close();
    await server.stop();
  });

  const batchCalls = () => server.requests[PATHS.batchGet] ?? 0;
  const stats = { valid: 0, invalid: 0 };

  it(
    `valid input reaches WeChat once, invalid input never does (${NUM_RUNS} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(queryArb, async (q: Record<string, unknown>) => {
          const before = batchCalls();
          const bad = badFields(q);
          let result: unknown;
          let error: unknown;
          try {
            result = await material.batchGetMaterial(q as never);
          } catch (err) {
            error = err;
          }
          if (bad.length === 0) {
            stats.valid++;
            expect(error).toBeUndefined();
            expect(batchCalls()).toBe(before + 1);
            const page = result as { item: unknown[]; total_count: number; item_count: number };
            expect(Array.isArray(page.item)).toBe(true);
            expect(page.item_count).toBe(page.item.length);
            // Exactly the three fields went out (an unknown extra key did not).
            expect(JSON.parse(server.lastBody(PATHS.batchGet) ?? 'null')).toEqual({
              type: q.type,
              offset: (q.offset as number) + 0,
              count: q.count,
            });
          } else {
            stats.invalid++;
            expect(batchCalls()).toBe(before);
            expect(error).toBeInstanceOf(WechatValidationException);
            const ex = error as WechatValidationException;
            expect(ex.getStatus()).toBe(400);
            const response = ex.getResponse() as { message: unknown };
            expect(Array.isArray(response.message)).toBe(true);
            const messages = response.message as unknown[];
            expect(messages.every((m) => typeof m === 'string')).toBe(true);
            // ValidationPipe's format: every bad field has at least one entry, named first.
            for (const field of bad) {
              expect(messages.some((m) => (m as string).startsWith(`${field} `))).toBe(true);
            }
            for (const field of ['type', 'offset', 'count'].filter((f) => !bad.includes(f))) {
              expect(messages.some((m) => (m as string).startsWith(`${field} `))).toBe(false);
            }
          }
        }),
        { numRuns: NUM_RUNS },
      );
      // Both sides of the property were really exercised.
      expect(stats.valid).toBeGreaterThan(NUM_RUNS / 8);
      expect(stats.invalid).toBeGreaterThan(NUM_RUNS / 4);
      if (process.env.RELIABILITY_REPORT) console.log('input property', stats);
    },
    RUNS_TIMEOUT_MS,
  );

  it('a query that is not an object is refused without a request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(null),
          fc.constant(undefined),
          fc.string(),
          fc.integer(),
          fc.boolean(),
          fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
        ),
        async (q) => {
          const before = batchCalls();
          await expect(material.batchGetMaterial(q as never)).rejects.toBeInstanceOf(
            WechatValidationException,
          );
          expect(batchCalls()).toBe(before);
        },
      ),
      { numRuns: 50 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// 2. Upstream bodies: random bytes and strings never crash the parser
// ---------------------------------------------------------------------------------------

const TOKEN = 'RAW_PROPERTY_TOKEN_0123456789abcdef';

/** A tiny WeChat: stable_token answers a valid token; batchget answers what the test set. */
class ScriptedServer {
  body: Buffer = Buffer.alloc(0);
  status = 200;
  batchCalls = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0];
        if (path === PATHS.stableToken) {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ access_token: TOKEN, expires_in: 7200 }));
          return;
        }
        if (path === PATHS.batchGet) this.batchCalls++;
        res.writeHead(path === PATHS.batchGet ? this.status : 404, {
          'Content-Type': 'text/plain',
          'Content-Length': path === PATHS.batchGet ? this.body.length : 0,
        });
        res.end(path === PATHS.batchGet ? this.body : undefined);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

const PAGE = JSON.stringify({
  total_count: 2,
  item_count: 2,
  item: [
    {
      media_id: 'm1',
      name: '封面图.jpg',
      update_time: 1718090000,
      url: 'http://mmbiz.qpic.cn/a/0?wx_fmt=png',
    },
    { media_id: 'm2', name: 'CropImage', update_time: 1717990000 },
  ],
}).replace(/\//g, '\\/');

const errcodeArb = fc.oneof(
  fc.constantFrom<unknown>(0, -1, 40001, 40007, 45009, 45011, '0', '40007', null),
  fc.integer({ min: -5, max: 99999 }),
  fc.string({ maxLength: 6 }),
  fc.double(),
  fc.boolean(),
);
const wechatishArb = fc.record(
  {
    errcode: errcodeArb,
    errmsg: fc.string({ maxLength: 40 }),
    item: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.jsonValue()),
    total_count: fc.jsonValue({ maxDepth: 1 }),
    item_count: fc.nat(),
  },
  { requiredKeys: [] },
);

/** Text a gateway, a broken proxy or a buggy WeChat could answer with. */
const bodyArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')),
  fc.json({ maxDepth: 3 }).map((s) => Buffer.from(s, 'utf8')),
  wechatishArb.map((o) => Buffer.from(JSON.stringify(o), 'utf8')),
  // A real page cut anywhere, or with a raw control character / BOM spliced in.
  fc.nat(PAGE.length).map((n) => Buffer.from(PAGE.slice(0, n), 'utf8')),
  fc
    .tuple(fc.nat(PAGE.length), fc.integer({ min: 0, max: 0x1f }))
    .map(([n, c]) =>
      Buffer.from(PAGE.slice(0, n) + String.fromCharCode(c) + PAGE.slice(n), 'utf8'),
    ),
  fc
    .constantFrom(
      '\ufeff' + PAGE,
      '  \r\n' + PAGE,
      PAGE + 'garbage',
      '{}',
      '[]',
      'null',
      '{"item":null}',
      '{"errcode":0,"item":[]}',
      '{"errcode":"-1"}',
      '{"__proto__":{"item":[]}}',
      '{"constructor":{"prototype":{"item":[]}}}',
    )
    .map((s) => Buffer.from(s, 'utf8')),
);

type Outcome = 'page' | 'api' | 'bad_response';

/** What the contract says a 200 answer with this body must give, when JSON can tell. */
function expectedOutcome(body: Buffer): { outcome: Outcome; errcode?: number } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined; // not strict JSON: the tolerant parser may repair it, or not
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { outcome: 'bad_response' };
  }
  const o = value as Record<string, unknown>;
  if (typeof o.errcode === 'number' && o.errcode !== 0) {
    return { outcome: 'api', errcode: o.errcode };
  }
  if (o.errcode !== undefined && o.errcode !== null && typeof o.errcode !== 'number') {
    return undefined; // a non-numeric errcode: any of the three outcomes is acceptable
  }
  return { outcome: Array.isArray(o.item) ? 'page' : 'bad_response' };
}

/** Requests one call makes for an errcode answer: -1 is retried twice, 40001 replayed once. */
const attemptsFor = (errcode: number): number =>
  errcode === -1 ? 3 : [40001, 40014, 42001].includes(errcode) ? 2 : 1;

describe('property: upstream bodies never crash the parser', () => {
  let scripted: ScriptedServer;
  let moduleRef: TestingModule;
  let material: MaterialService;
  const seen: Record<string, number> = {};

  beforeAll(async () => {
    scripted = new ScriptedServer();
    moduleRef = await compile(await scripted.start());
    material = moduleRef.get(MaterialService);
  });

  afterAll(async () => {
    await moduleRef.close();
    await scripted.stop();
  });

  it(
    `a 200 answer with any body ends in a page, WechatApiException or bad_response (${NUM_RUNS} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(bodyArb, async (body) => {
          scripted.status = 200;
          scripted.body = body;
          const before = scripted.batchCalls;
          let outcome: Outcome;
          let errcode: number | undefined;
          try {
            const page = (await material.batchGetMaterial({
              type: 'image',
              offset: 0,
              count: 20,
            })) as {
              item: unknown;
            };
            expect(Array.isArray(page.item)).toBe(true);
            outcome = 'page';
          } catch (err) {
            if (err instanceof WechatApiException) {
              expect(Number.isFinite(err.errcode)).toBe(true);
              expect(err.errcode).not.toBe(0);
              expect(typeof err.message).toBe('string');
              outcome = 'api';
              errcode = err.errcode;
            } else if (err instanceof WechatTransportException) {
              expect(err.reason).toBe('bad_response');
              expect(err.status).toBe(200);
              outcome = 'bad_response';
            } else {
              throw new Error(`unexpected error type: ${String(err)}`);
            }
          }
          seen[outcome] = (seen[outcome] ?? 0) + 1;
          const calls = scripted.batchCalls - before;
          const expected = expectedOutcome(body);
          if (expected) {
            expect(outcome).toBe(expected.outcome);
            if (expected.errcode !== undefined) expect(errcode).toBe(expected.errcode);
          }
          // bad_response is never retried; a page takes one request.
          expect(calls).toBe(outcome === 'api' ? attemptsFor(errcode!) : 1);
        }),
        { numRuns: NUM_RUNS },
      );
      expect(Object.keys(seen).sort()).toEqual(['api', 'bad_response', 'page']);
      if (process.env.RELIABILITY_REPORT) console.log('body property', seen);
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'a non-2xx answer with any body ends in http_status (5xx retried, others not)',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(301, 302, 400, 403, 404, 413, 429, 500, 502, 503, 504),
          bodyArb,
          async (status, body) => {
            scripted.status = status;
            scripted.body = body;
            const before = scripted.batchCalls;
            const err = await material.batchGetMaterial({ type: 'news', offset: 0, count: 1 }).then(
              () => undefined,
              (e: unknown) => e,
            );
            expect(err).toBeInstanceOf(WechatTransportException);
            expect(err).toMatchObject({ reason: 'http_status', status, path: PATHS.batchGet });
            expect(scripted.batchCalls - before).toBe(status >= 500 ? 3 : 1);
          },
        ),
        { numRuns: HTTP_STATUS_RUNS },
      );
    },
    60_000 + HTTP_STATUS_RUNS * 500,
  );
});
