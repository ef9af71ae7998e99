import { afterEach, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import axios from 'axios';
import { WechatApiException, WechatTransportException } from '../../../lib/index.js';
import type { FakeFault } from '../../../lib/testing/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { APP_SECRET, PATHS } from '../../helpers/constants.js';
import { rejectionOf } from '../../helpers/wait.js';

const PAGE = { type: 'image', offset: 0, count: 20 } as const;

/**
 * The deadline for a fault: the fake holds a 'timeout' request unanswered, and 1 s never
 * cuts off a good answer (the token fetch included) on a busy machine; other faults keep
 * the test module's long default.
 */
const deadlineFor = (fault: FakeFault) => (fault === 'timeout' ? { timeoutMs: 1000 } : {});

/** Every way an error gets printed or sent. */
function renderings(t: TestModule, err: unknown): string[] {
  const e = err as Error;
  const out = [
    e.message,
    String(e.stack),
    String(e),
    inspect(e, { depth: 10, showHidden: true }),
    JSON.stringify(e),
    inspect(e.cause, { depth: 10, showHidden: true }),
    t.logger.text(),
  ];
  if (err instanceof WechatApiException || err instanceof WechatTransportException) {
    out.push(JSON.stringify(t.filter.toResponse(err)));
  }
  return out;
}

function expectClean(t: TestModule, err: unknown, secrets: string[]): void {
  expect(err).toBeInstanceOf(Error);
  for (const text of renderings(t, err)) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

describe('no access token or app secret in errors, stacks, causes, logs or replies', () => {
  let t: TestModule | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it.each<FakeFault>(['reset', 'timeout', 'html502', 'not_json', 'truncated_json', 'empty'])(
    'business call failing with %p (the token was in the URL)',
    async (fault) => {
      t = await createTestModule({ ...deadlineFor(fault), logCalls: true });
      const token = (await t.tokens.getAccessToken())!;
      t.server.failNext(PATHS.batchGet, fault, 3);
      const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
      expect(err).toBeInstanceOf(WechatTransportException);
      expectClean(t, err, [token, APP_SECRET]);
    },
  );

  it('an errmsg that echoes the token is scrubbed', async () => {
    t = await createTestModule({ logCalls: true });
    const token = (await t.tokens.getAccessToken())!;
    t.server.failNext(PATHS.batchGet, {
      errcode: 48001,
      errmsg: `api unauthorized for access_token ${token}`,
    });
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toMatchObject({ errcode: 48001 });
    expectClean(t, err, [token]);
    expect((err as WechatApiException).errmsg).toContain('api unauthorized');
  });

  it('an errmsg of a business call that echoes an app secret is scrubbed too', async () => {
    t = await createTestModule({ logCalls: true });
    t.server.failNext(PATHS.batchGet, { errcode: 48001, errmsg: `api unauthorized ${APP_SECRET}` });
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expect(err).toMatchObject({ errcode: 48001 });
    expectClean(t, err, [APP_SECRET]);
    expect((err as WechatApiException).errmsg).toContain('api unauthorized ***');
  });

  it('interceptors on the global axios instance never see a WeChat call (own instance)', async () => {
    const seen: string[] = [];
    const id = axios.interceptors.request.use((config) => {
      seen.push(String(config.url));
      return config;
    });
    try {
      t = await createTestModule();
      await t.material.batchGetMaterial(PAGE);
      expect(t.server.requests[PATHS.batchGet]).toBe(1);
      expect(seen).toEqual([]);
    } finally {
      axios.interceptors.request.eject(id);
    }
  });

  it('a rejected token (40001 twice) is not printed', async () => {
    t = await createTestModule({ logCalls: true });
    const token = (await t.tokens.getAccessToken())!;
    t.server.failNext(PATHS.batchGet, { errcode: 40001, errmsg: `invalid credential ${token}` }, 2);
    const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
    expectClean(t, err, [token, APP_SECRET]);
  });

  it.each<FakeFault>(['reset', 'html502', 'not_json', 'timeout'])(
    'classic token endpoint failing with %p (the secret was in the URL)',
    async (fault) => {
      t = await createTestModule({
        tokenEndpoint: 'classic',
        ...deadlineFor(fault),
        logCalls: true,
      });
      t.server.failNext(PATHS.classicToken, fault, 3);
      const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
      expect(err).toBeInstanceOf(WechatTransportException);
      expectClean(t, err, [APP_SECRET, 'secret=']);
    },
  );

  it.each(['stable', 'classic'] as const)(
    '%s token endpoint echoing the secret in errmsg',
    async (tokenEndpoint) => {
      t = await createTestModule({ tokenEndpoint, logCalls: true });
      const path = tokenEndpoint === 'stable' ? PATHS.stableToken : PATHS.classicToken;
      t.server.failNext(path, { errcode: 40125, errmsg: `invalid appsecret ${APP_SECRET}` });
      const err = await rejectionOf(t.material.batchGetMaterial(PAGE));
      expect(err).toMatchObject({ errcode: 40125, path });
      expectClean(t, err, [APP_SECRET]);
    },
  );

  it('the events and the logs of a whole session hold neither', async () => {
    const events: unknown[] = [];
    t = await createTestModule({ logCalls: true, onCall: (e) => events.push(e) });
    await t.material.batchGetMaterial(PAGE);
    const token = (await t.tokens.getAccessToken())!;
    t.server.failNext(PATHS.batchGet, { errcode: -1 });
    await t.material.batchGetMaterial(PAGE);
    t.server.expireToken();
    await t.material.getMaterialCount();
    const newToken = await t.tokens.getAccessToken();
    const text = `${JSON.stringify(events)}\n${t.logger.text()}`;
    for (const secret of [token, newToken, APP_SECRET]) expect(text).not.toContain(secret);
    expect(t.logger.wechat().length).toBeGreaterThan(0);
  });
});
