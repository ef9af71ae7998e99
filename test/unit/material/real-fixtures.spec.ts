/**
 * Replays real WeChat answers kept beside the project in ../shared/fixtures/wechat-real
 * (provenance in its SOURCES.md). They are read at test time, never copied into the project.
 * On a clone without ../shared this file is skipped, visibly; under CI=true it fails instead.
 * Every answer is served exactly once: a file whose name matches no group below is an error,
 * not something to ignore.
 */
import { afterEach, beforeAll, afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  WechatApiException,
  WechatTransportException,
  type MaterialType,
} from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { PATHS } from '../../helpers/constants.js';
import { RawServer, type RawRequest, type RawAnswer } from '../../helpers/raw-server.js';
import { rejectionOf } from '../../helpers/wait.js';

const DIR = fileURLToPath(new URL('../../../../shared/fixtures/wechat-real/', import.meta.url));
/** The recorded answers; a new one means a new line in SOURCES.md and a new count here. */
const RECORDED_ANSWERS = 30;
const present = existsSync(DIR);
/** Every file but the provenance notes is one answer body. */
const answers = present ? readdirSync(DIR).filter((f) => f !== 'SOURCES.md') : [];

/** Each answer belongs to exactly one group, by its name. */
const GROUPS = {
  page: /^batchget\.(image|video|voice|news)\..+(?<!\.invalid)\.json$/,
  notJson: /^batchget\.(image|video|voice|news)\..+\.invalid\.txt$/,
  count: /^count\..+\.json$/,
  error: /^error\.-?\d+\..+\.json$/,
  classicTokenError: /^token\.classic\.error\.\d+\..+\.json$/,
  tokenSuccess: /^token\.(classic|stable)\.success\..+\.json$/,
} as const;
type Group = keyof typeof GROUPS;
const groupOf = (file: string): Group[] =>
  (Object.keys(GROUPS) as Group[]).filter((g) => GROUPS[g].test(file));
const inGroup = (group: Group): string[] => answers.filter((f) => groupOf(f)[0] === group);

/** How often each answer was served: every one exactly once by the end. */
const served = new Map<string, number>();
/** The body of `file`, counted as served. */
const use = (file: string): Buffer => {
  served.set(file, (served.get(file) ?? 0) + 1);
  return readFileSync(join(DIR, file));
};

// The filter's table (API.md) for the errcodes the real answers carry.
const STATUS: Record<number, number> = {
  [-1]: 503,
  40001: 502,
  40004: 400,
  40007: 404,
  42001: 502,
  45009: 429,
  48001: 403,
  40013: 502,
  40125: 502,
  40164: 502,
};
const RID = /rid: ([0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8})/;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;

if (!present) {
  const message = `${DIR} not found: the real WeChat answers live beside the project (../shared).`;
  if (process.env.CI === 'true') throw new Error(`${message} CI=true: these tests must run.`);
  console.warn(`SKIPPED: ${message}`);
  describe.skip('real WeChat answers (skipped: ../shared/fixtures/wechat-real not found)', () => {
    it('needs ../shared/fixtures/wechat-real beside the project root', () => undefined);
  });
} else {
  describe(`real WeChat answers (${DIR})`, () => {
    let raw: RawServer;
    let baseUrl: string;
    let serve: (req: RawRequest) => RawAnswer | undefined = () => undefined;
    let t: TestModule | undefined;

    beforeAll(async () => {
      raw = new RawServer((req) => serve(req));
      baseUrl = await raw.start();
    });

    afterAll(async () => {
      await raw.stop();
    });

    afterEach(async () => {
      await t?.close();
      t = undefined;
      raw.requests.length = 0;
      serve = () => undefined;
    });

    const requestsTo = (path: string): RawRequest[] => raw.requests.filter((r) => r.path === path);

    it(`holds the ${RECORDED_ANSWERS} recorded answers, each in one group, each with its provenance`, () => {
      const unmatched = answers.filter((f) => groupOf(f).length !== 1);
      expect(unmatched).toEqual([]);
      expect(answers).toHaveLength(RECORDED_ANSWERS);
      const sources = readFileSync(join(DIR, 'SOURCES.md'), 'utf8');
      expect(answers.filter((f) => !sources.includes(`\`${f}\``))).toEqual([]);
      for (const group of Object.keys(GROUPS) as Group[]) {
        expect([group, inGroup(group).length]).not.toEqual([group, 0]);
      }
    });

    it.each(inGroup('page'))('%s passes through untouched', async (file) => {
      const type = file.split('.')[1] as MaterialType;
      const body = use(file);
      serve = (req) =>
        req.path === PATHS.batchGet ? { contentType: 'text/plain', body } : undefined;
      t = await createTestModule({ baseUrl });
      const page = await t.material.batchGetMaterial({ type, offset: 0, count: 20 } as never);
      expect(page).toEqual(JSON.parse(body.toString('utf8')));
      expect(requestsTo(PATHS.batchGet)).toHaveLength(1);
    });

    it.each(inGroup('notJson'))('%s (not JSON) is a bad_response, not retried', async (file) => {
      const body = use(file);
      // The name says the body is not JSON: it must not parse, or the file is misnamed.
      expect(() => JSON.parse(body.toString('utf8'))).toThrow(SyntaxError);
      serve = (req) =>
        req.path === PATHS.batchGet ? { contentType: 'text/plain', body } : undefined;
      t = await createTestModule({ baseUrl });
      const err = await rejectionOf(
        t.material.batchGetMaterial({ type: 'voice', offset: 0, count: 20 }),
      );
      expect(err).toBeInstanceOf(WechatTransportException);
      expect(err).toMatchObject({ reason: 'bad_response', status: 200 });
      expect(requestsTo(PATHS.batchGet)).toHaveLength(1);
    });

    it.each(inGroup('count'))('%s', async (file) => {
      const body = use(file);
      serve = (req) => (req.path === PATHS.count ? { contentType: 'text/plain', body } : undefined);
      t = await createTestModule({ baseUrl });
      await expect(t.material.getMaterialCount()).resolves.toEqual(
        JSON.parse(body.toString('utf8')),
      );
    });

    it.each(inGroup('error'))('%s maps to the right exception and status', async (file) => {
      const body = use(file);
      const json = JSON.parse(body.toString('utf8')) as { errcode: number; errmsg: string };
      expect(file.split('.')[1]).toBe(String(json.errcode));
      serve = (req) => (req.path === PATHS.batchGet ? { body } : undefined);
      t = await createTestModule({ baseUrl });
      const err = await rejectionOf(
        t.material.batchGetMaterial({ type: 'image', offset: 0, count: 20 }),
      );
      expect(err).toBeInstanceOf(WechatApiException);
      const e = err as WechatApiException;
      expect(e.errcode).toBe(json.errcode);
      expect(e.errmsg).toBe(json.errmsg);
      expect(e.path).toBe(PATHS.batchGet);
      expect(e.rid).toBe(RID.exec(json.errmsg)?.[1]);
      const text = json.errmsg.split(/ hint: | rid: /)[0]!;
      expect(
        e.message.startsWith(`WeChat API error ${json.errcode} on ${PATHS.batchGet}: ${text}`),
      ).toBe(true);
      expect(e.message).not.toMatch(/hint:|rid:/);
      const reply = t.filter.toResponse(e);
      expect(reply.status).toBe(STATUS[json.errcode]);
      expect(reply.body).toEqual({
        statusCode: STATUS[json.errcode],
        error: expect.any(String),
        message: e.message,
        errcode: json.errcode,
        ...(e.rid ? { rid: e.rid } : {}),
      });
      // -1 is retried, a rejected token is refreshed once and replayed once, the rest are final.
      const expectedRequests =
        json.errcode === -1 ? 3 : [40001, 42001].includes(json.errcode) ? 2 : 1;
      expect(requestsTo(PATHS.batchGet)).toHaveLength(expectedRequests);
    });

    it.each(inGroup('classicTokenError'))('%s from /cgi-bin/token', async (file) => {
      const body = use(file);
      const json = JSON.parse(body.toString('utf8')) as { errcode: number; errmsg: string };
      expect(file.split('.')[3]).toBe(String(json.errcode));
      serve = (req) => (req.path === PATHS.classicToken ? { body } : undefined);
      t = await createTestModule({ baseUrl, tokenEndpoint: 'classic' });
      const err = await rejectionOf(
        t.material.batchGetMaterial({ type: 'image', offset: 0, count: 20 }),
      );
      expect(err).toBeInstanceOf(WechatApiException);
      const e = err as WechatApiException;
      expect(e).toMatchObject({ errcode: json.errcode, path: PATHS.classicToken });
      expect(e.rid).toBe(RID.exec(json.errmsg)?.[1]);
      const reply = t.filter.toResponse(e);
      expect(reply.status).toBe(STATUS[json.errcode]);
      for (const ip of json.errmsg.match(IPV4) ?? []) {
        for (const text of [e.message, e.errmsg, JSON.stringify(reply.body), t.logger.text()]) {
          expect(text).not.toContain(ip);
        }
      }
      expect(requestsTo(PATHS.classicToken)).toHaveLength(1);
      expect(requestsTo(PATHS.batchGet)).toHaveLength(0);
    });

    it.each(inGroup('tokenSuccess'))('%s: the token is used as given', async (file) => {
      const endpoint = file.split('.')[1] === 'stable' ? 'stable' : 'classic';
      const path = endpoint === 'stable' ? PATHS.stableToken : PATHS.classicToken;
      const body = use(file);
      const json = JSON.parse(body.toString('utf8')) as { access_token: string };
      serve = (req) =>
        req.path === path
          ? { body }
          : req.path === PATHS.count
            ? { body: '{"voice_count":0,"video_count":0,"image_count":0,"news_count":0}' }
            : undefined;
      t = await createTestModule({ baseUrl, tokenEndpoint: endpoint });
      await t.material.getMaterialCount();
      await t.material.getMaterialCount();
      expect(requestsTo(path)).toHaveLength(1);
      expect(requestsTo(PATHS.count).map((r) => r.query.get('access_token'))).toEqual([
        json.access_token,
        json.access_token,
      ]);
    });

    // Last in the file (Jest runs a file's tests in order): every answer went through a test.
    it(`served each of the ${RECORDED_ANSWERS} answers exactly once`, () => {
      expect(Object.fromEntries([...served].sort())).toEqual(
        Object.fromEntries(answers.map((f) => [f, 1]).sort()),
      );
      expect(served.size).toBe(RECORDED_ANSWERS);
    });
  });
}
