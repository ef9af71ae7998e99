/**
 * Replays real WeChat answers kept beside the project in ../shared/fixtures/wechat-real
 * (provenance in its SOURCES.md). They are read at test time, never copied into the project;
 * on a clone without ../shared this file is skipped, visibly.
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
const present = existsSync(DIR);
const files = present ? readdirSync(DIR).filter((f) => /\.(json|txt)$/.test(f)) : [];
const read = (file: string): Buffer => readFileSync(join(DIR, file));

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

const byPrefix = (prefix: string): string[] => files.filter((f) => f.startsWith(prefix));

if (!present || files.length === 0) {
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

    it('finds the fixtures', () => {
      expect(byPrefix('batchget.').length).toBeGreaterThan(0);
      expect(byPrefix('error.').length).toBeGreaterThan(0);
    });

    it.each(byPrefix('batchget.').filter((f) => f.endsWith('.json')))(
      '%s passes through untouched',
      async (file) => {
        const type = file.split('.')[1] as MaterialType;
        const body = read(file);
        serve = (req) =>
          req.path === PATHS.batchGet ? { contentType: 'text/plain', body } : undefined;
        t = await createTestModule({ baseUrl });
        const page = await t.material.batchGetMaterial({ type, offset: 0, count: 20 } as never);
        expect(page).toEqual(JSON.parse(body.toString('utf8')));
        expect(requestsTo(PATHS.batchGet)).toHaveLength(1);
      },
    );

    it.each(byPrefix('batchget.').filter((f) => f.endsWith('.txt')))(
      '%s (not JSON) is a bad_response, not retried',
      async (file) => {
        const body = read(file);
        serve = (req) =>
          req.path === PATHS.batchGet ? { contentType: 'text/plain', body } : undefined;
        t = await createTestModule({ baseUrl });
        const err = await rejectionOf(
          t.material.batchGetMaterial({ type: 'voice', offset: 0, count: 20 }),
        );
        expect(err).toBeInstanceOf(WechatTransportException);
        expect(err).toMatchObject({ reason: 'bad_response', status: 200 });
        expect(requestsTo(PATHS.batchGet)).toHaveLength(1);
      },
    );

    it.each(byPrefix('count.'))('%s', async (file) => {
      const body = read(file);
      serve = (req) => (req.path === PATHS.count ? { contentType: 'text/plain', body } : undefined);
      t = await createTestModule({ baseUrl });
      await expect(t.material.getMaterialCount()).resolves.toEqual(
        JSON.parse(body.toString('utf8')),
      );
    });

    it.each(byPrefix('error.'))('%s maps to the right exception and status', async (file) => {
      const json = JSON.parse(read(file).toString('utf8')) as { errcode: number; errmsg: string };
      serve = (req) => (req.path === PATHS.batchGet ? { body: read(file) } : undefined);
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

    it.each(byPrefix('token.classic.error.'))('%s from /cgi-bin/token', async (file) => {
      const json = JSON.parse(read(file).toString('utf8')) as { errcode: number; errmsg: string };
      serve = (req) => (req.path === PATHS.classicToken ? { body: read(file) } : undefined);
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

    it.each(byPrefix('token.').filter((f) => f.includes('.success.')))(
      '%s: the token is used as given',
      async (file) => {
        const endpoint = file.includes('.stable.') ? 'stable' : 'classic';
        const path = endpoint === 'stable' ? PATHS.stableToken : PATHS.classicToken;
        const json = JSON.parse(read(file).toString('utf8')) as { access_token: string };
        serve = (req) =>
          req.path === path
            ? { body: read(file) }
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
      },
    );
  });
}
