import { afterEach, describe, expect, it } from '@jest/globals';
import type { WechatCallEvent } from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import {
  APP_ID,
  APP_SECRET,
  OTHER_APP_ID,
  OTHER_APP_SECRET,
  PATHS,
} from '../../helpers/constants.js';

const PAGE = { type: 'image', offset: 0, count: 20 } as const;
const RID = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

describe('onCall events', () => {
  let t: TestModule | undefined;
  let events: WechatCallEvent[];

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function setup(extra: Parameters<typeof createTestModule>[0] = {}): Promise<TestModule> {
    events = [];
    t = await createTestModule({
      onCall: (e) => events.push(e),
      accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } },
      ...extra,
    });
    return t;
  }

  it('one event per attempt, token fetch included, with the documented fields only', async () => {
    const { material } = await setup();
    await material.batchGetMaterial(PAGE);
    expect(events).toEqual([
      {
        path: PATHS.stableToken,
        appId: APP_ID,
        attempt: 1,
        durationMs: expect.any(Number),
        outcome: 'ok',
        status: 200,
        retried: false,
      },
      {
        path: PATHS.batchGet,
        appId: APP_ID,
        attempt: 1,
        durationMs: expect.any(Number),
        outcome: 'ok',
        status: 200,
        retried: false,
      },
    ]);
    for (const e of events) expect(e.durationMs).toBeGreaterThanOrEqual(0);
    // The cached token costs no event.
    await material.getMaterialCount();
    expect(events.map((e) => e.path)).toEqual([PATHS.stableToken, PATHS.batchGet, PATHS.count]);
  });

  it('errcode -1 then ok: attempt counts from 1, retried marks that another attempt follows', async () => {
    const { material, server } = await setup();
    await material.getMaterialCount();
    events.length = 0;
    server.failNext(PATHS.batchGet, { errcode: -1 });
    await material.batchGetMaterial(PAGE);
    expect(events).toEqual([
      expect.objectContaining({
        path: PATHS.batchGet,
        attempt: 1,
        outcome: 'errcode',
        errcode: -1,
        status: 200,
        retried: true,
      }),
      expect.objectContaining({ path: PATHS.batchGet, attempt: 2, outcome: 'ok', retried: false }),
    ]);
    expect(events[0]!.rid).toMatch(RID);
    expect(events[1]).not.toHaveProperty('errcode');
  });

  it('transport failures: outcome transport, status when there was an answer', async () => {
    // The fake holds the 'timeout' request unanswered; a 1 s deadline never cuts a good answer.
    const { material, server } = await setup({ timeoutMs: 1000 });
    await material.getMaterialCount();
    events.length = 0;
    server.failNext(PATHS.batchGet, 'html502', 3);
    await expect(material.batchGetMaterial(PAGE)).rejects.toThrow();
    expect(events.map((e) => [e.attempt, e.outcome, e.status, e.retried])).toEqual([
      [1, 'transport', 502, true],
      [2, 'transport', 502, true],
      [3, 'transport', 502, false],
    ]);
    events.length = 0;
    server.failNext(PATHS.batchGet, 'timeout');
    await material.batchGetMaterial(PAGE);
    expect(events[0]).toMatchObject({ outcome: 'transport', attempt: 1, retried: true });
    expect(events[0]!.status).toBeUndefined();
    expect(events[0]!.durationMs).toBeGreaterThanOrEqual(990);
    expect(events[1]).toMatchObject({ outcome: 'ok', attempt: 2, retried: false });
  });

  it('a definite errcode is one event with retried false', async () => {
    const { material, server } = await setup();
    await material.getMaterialCount();
    events.length = 0;
    server.failNext(PATHS.batchGet, { errcode: 40007 });
    await expect(material.batchGetMaterial(PAGE)).rejects.toThrow();
    expect(events).toEqual([
      expect.objectContaining({ outcome: 'errcode', errcode: 40007, attempt: 1, retried: false }),
    ]);
  });

  it('token fetch retries are events too', async () => {
    const { material, server } = await setup();
    server.failNext(PATHS.stableToken, { errcode: -1 });
    await material.batchGetMaterial(PAGE);
    expect(events.map((e) => [e.path, e.attempt, e.outcome, e.errcode, e.retried])).toEqual([
      [PATHS.stableToken, 1, 'errcode', -1, true],
      [PATHS.stableToken, 2, 'ok', undefined, false],
      [PATHS.batchGet, 1, 'ok', undefined, false],
    ]);
  });

  it('carries the appId of forAccount()', async () => {
    const { material } = await setup();
    await material.forAccount(OTHER_APP_ID).getMaterialCount();
    expect(events.map((e) => [e.path, e.appId])).toEqual([
      [PATHS.stableToken, OTHER_APP_ID],
      [PATHS.count, OTHER_APP_ID],
    ]);
  });

  it('never holds a token, a secret or a query string', async () => {
    const { material, server, tokens } = await setup({ tokenEndpoint: 'classic' });
    server.failNext(PATHS.batchGet, { errcode: -1 });
    await material.batchGetMaterial(PAGE);
    await material.forAccount(OTHER_APP_ID).getMaterialCount();
    const text = JSON.stringify(events);
    for (const secret of [
      await tokens.getAccessToken(),
      await tokens.getAccessToken({ appId: OTHER_APP_ID }),
      APP_SECRET,
      OTHER_APP_SECRET,
      'access_token',
      'secret',
      '?',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(events.map((e) => e.path)).toContain(PATHS.classicToken);
  });

  it('a throwing onCall never breaks the call and is logged once', async () => {
    let calls = 0;
    const { material, logger, server } = await setup({
      onCall: () => {
        calls++;
        throw new Error('subscriber bug');
      },
    });
    await expect(material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    server.failNext(PATHS.batchGet, { errcode: -1 });
    await expect(material.batchGetMaterial(PAGE)).resolves.toMatchObject({ item_count: 4 });
    server.failNext(PATHS.batchGet, { errcode: 40007 });
    await expect(material.batchGetMaterial(PAGE)).rejects.toMatchObject({ errcode: 40007 });
    expect(calls).toBe(5);
    const errors = logger.wechat('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/onCall/);
  });
});

describe('call logging through Nest Logger (context WechatMaterial)', () => {
  let t: TestModule | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("default 'errors': warn with path, errcode, rid and ms for failures; nothing for ok calls", async () => {
    t = await createTestModule();
    await t.material.batchGetMaterial(PAGE);
    expect(t.logger.wechat()).toEqual([]);
    t.server.failNext(PATHS.batchGet, { errcode: 40007 });
    const err = await t.material.batchGetMaterial(PAGE).catch((e: unknown) => e);
    const warns = t.logger.wechat('warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]!.message).toContain(PATHS.batchGet);
    expect(warns[0]!.message).toContain('40007');
    expect(warns[0]!.message).toContain((err as { rid: string }).rid);
    expect(warns[0]!.message).toMatch(/ms/);
    t.server.failNext(PATHS.batchGet, 'html502');
    await t.material.batchGetMaterial(PAGE);
    expect(t.logger.wechat('warn')).toHaveLength(2);
    expect(t.logger.wechat('warn')[1]!.message).toContain('502');
    expect(t.logger.wechat('debug')).toEqual([]);
  });

  it('logCalls true adds a debug line per ok call', async () => {
    t = await createTestModule({ logCalls: true });
    await t.material.batchGetMaterial(PAGE);
    const debug = t.logger.wechat('debug');
    expect(debug).toHaveLength(2);
    expect(debug[0]!.message).toContain(PATHS.stableToken);
    expect(debug[1]!.message).toContain(PATHS.batchGet);
  });

  it('logCalls false writes nothing', async () => {
    t = await createTestModule({ logCalls: false });
    t.server.failNext(PATHS.batchGet, { errcode: 40007 });
    await expect(t.material.batchGetMaterial(PAGE)).rejects.toThrow();
    expect(t.logger.wechat()).toEqual([]);
  });
});
