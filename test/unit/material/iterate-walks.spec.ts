import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { WechatApiException, type FileMaterialItem } from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { APP_ID, OTHER_APP_ID, OTHER_APP_SECRET, PATHS } from '../../helpers/constants.js';
import { collect, sleep } from '../../helpers/wait.js';

/** Walks of the whole library (issue "Walking the whole library"), against FakeWechatServer. */
describe('iterateMaterials: whole-library walks', () => {
  let t: TestModule;
  const batchRequests = (): number => t.server.requests[PATHS.batchGet] ?? 0;

  beforeAll(async () => {
    t = await createTestModule({ accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } } });
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => {
    t.server.clearFaults();
    t.server.resetCounters();
  });

  it.each([1, 4])('10,000 items with concurrency %d: each once, in order', async (concurrency) => {
    t.server.seedGenerated({ voice: 10_000 });
    const ids = (await collect(t.material.iterateMaterials('voice', { concurrency }))).map(
      (i) => i.media_id,
    );
    expect(ids).toHaveLength(10_000);
    expect(new Set(ids).size).toBe(10_000);
    const first = await t.material.batchGetMaterial({ type: 'voice', offset: 0, count: 20 });
    const last = await t.material.batchGetMaterial({ type: 'voice', offset: 9_980, count: 20 });
    expect(ids.slice(0, 20)).toEqual(first.item.map((i) => i.media_id));
    expect(ids.slice(-20)).toEqual(last.item.map((i) => i.media_id));
    // 500 pages, none fetched twice or past the end.
    expect(batchRequests()).toBe(500 + 2);
  });

  it.each([1, 4])(
    'items added at the front mid-walk (concurrency %d): every original item once, no repeat',
    async (concurrency) => {
      t.server.seedGenerated({ image: 100 });
      const original = (await collect(t.material.iterateMaterials('image'))).map((i) => i.media_id);
      const seen: string[] = [];
      for await (const item of t.material.iterateMaterials('image', {
        concurrency,
        pageSize: 10,
      })) {
        seen.push(item.media_id);
        if (seen.length === 15 || seen.length === 55) {
          for (let k = 0; k < 3; k++) {
            t.server.addMaterial('image', {
              media_id: `added_${seen.length}_${k}`,
              name: `新增-${k}.png`,
              update_time: 1_800_000_000,
              url: 'http://mmbiz.qpic.cn/mmbiz_png/x/0?wx_fmt=png',
            });
          }
        }
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => !id.startsWith('added_'))).toEqual(original);
    },
  );

  it('an error on page 3 surfaces after the items of pages 1 and 2', async () => {
    t.server.seedGenerated({ image: 100 });
    const got: FileMaterialItem[] = [];
    let error: unknown;
    try {
      for await (const item of t.material.iterateMaterials('image')) {
        got.push(item as FileMaterialItem);
        // Page 3 is requested only when item 41 is pulled (concurrency 1).
        if (got.length === 40) t.server.failNext(PATHS.batchGet, { errcode: 40007 });
      }
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WechatApiException);
    expect(error).toMatchObject({ errcode: 40007, path: PATHS.batchGet });
    expect(got).toHaveLength(40);
    expect(batchRequests()).toBe(3);
  });

  it('abort mid-walk rejects with signal.reason and requests nothing more', async () => {
    t.server.seedGenerated({ image: 200 });
    const ac = new AbortController();
    const reason = new Error('enough');
    const got: string[] = [];
    let error: unknown;
    try {
      for await (const item of t.material.iterateMaterials('image', {
        concurrency: 4,
        signal: ac.signal,
      })) {
        got.push(item.media_id);
        if (got.length === 25) ac.abort(reason);
      }
    } catch (err) {
      error = err;
    }
    expect(error).toBe(reason);
    expect(got).toHaveLength(25);
    const after = batchRequests();
    await sleep(50);
    expect(batchRequests()).toBe(after);
    expect(after).toBeLessThanOrEqual(1 + 4);
  });

  it('two accounts walk concurrently with their own tokens; invalidation never crosses', async () => {
    // A cold module: no token cached by the tests above.
    const cold = await createTestModule({
      accounts: { [OTHER_APP_ID]: { appSecret: OTHER_APP_SECRET } },
    });
    try {
      await walkTwoAccounts(cold);
    } finally {
      await cold.close();
    }
  });
});

async function walkTwoAccounts(t: TestModule): Promise<void> {
  t.server.seedGenerated({ image: 60, video: 45 });
  const other = t.material.forAccount(OTHER_APP_ID);
  const [mine, theirs] = await Promise.all([
    collect(t.material.iterateMaterials('image', { concurrency: 4 })),
    collect(other.iterateMaterials('video', { concurrency: 4 })),
    ...Array.from({ length: 20 }, () => other.getMaterialCount()),
  ]);
  expect(mine).toHaveLength(60);
  expect(theirs).toHaveLength(45);
  expect(t.server.tokenRequestsFor(APP_ID)).toBe(1);
  expect(t.server.tokenRequestsFor(OTHER_APP_ID)).toBe(1);

  // Dropping one account's token leaves the other's alone.
  const mineToken = (await t.tokens.getAccessToken())!;
  const theirToken = (await t.tokens.getAccessToken({ appId: OTHER_APP_ID }))!;
  expect(mineToken).not.toBe(theirToken);
  await t.tokens.invalidate(mineToken, APP_ID);
  await t.tokens.invalidate(mineToken, OTHER_APP_ID); // not theirs: no effect
  await other.getMaterialCount();
  expect(t.server.tokenRequestsFor(OTHER_APP_ID)).toBe(1);
  await t.material.getMaterialCount();
  expect(t.server.tokenRequestsFor(APP_ID)).toBe(2);
}
