import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { WechatValidationException, type MaterialType } from '../../../lib/index.js';
import { createTestModule, type TestModule } from '../../helpers/create-test-module.js';
import { PATHS } from '../../helpers/constants.js';
import { RawServer } from '../../helpers/raw-server.js';
import { collect, firstNext, rejectionOf } from '../../helpers/wait.js';

describe('iterateMaterials', () => {
  let t: TestModule;
  const batchRequests = (): number => t.server.requests[PATHS.batchGet] ?? 0;

  /** Every item of `type` the fake holds, read page by page with batchGetMaterial. */
  async function allPages(type: MaterialType): Promise<string[]> {
    const ids: string[] = [];
    for (let offset = 0; ; offset += 20) {
      const page = await t.material.batchGetMaterial({ type, offset, count: 20 } as never);
      ids.push(...page.item.map((i) => i.media_id));
      if (offset + 20 >= page.total_count) return ids;
    }
  }

  beforeAll(async () => {
    t = await createTestModule();
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => {
    t.server.clearFaults();
    t.server.resetCounters();
  });

  it.each([
    [0, 1],
    [1, 1],
    [20, 1],
    [21, 2],
    [45, 3],
  ])('%d items: each once, in order, with %d request(s)', async (n, requests) => {
    t.server.seedGenerated({ image: n });
    const expected = await allPages('image');
    expect(expected).toHaveLength(n);
    t.server.resetCounters();
    const items = await collect(t.material.iterateMaterials('image'));
    expect(items.map((i) => i.media_id)).toEqual(expected);
    expect(new Set(expected).size).toBe(n);
    expect(batchRequests()).toBe(requests);
  });

  it('yields the items WeChat sent, untouched', async () => {
    t.server.seedGenerated({ news: 3 });
    const page = await t.material.batchGetMaterial({ type: 'news', offset: 0, count: 20 });
    await expect(collect(t.material.iterateMaterials('news'))).resolves.toEqual(page.item);
  });

  it('concurrency 1 and 4 give the same sequence', async () => {
    t.server.seedGenerated({ video: 95 });
    const one = await collect(
      t.material.iterateMaterials('video', { concurrency: 1, pageSize: 10 }),
    );
    const four = await collect(
      t.material.iterateMaterials('video', { concurrency: 4, pageSize: 10 }),
    );
    expect(one).toHaveLength(95);
    expect(four.map((i) => i.media_id)).toEqual(one.map((i) => i.media_id));
  });

  it('pageSize and startOffset are honoured', async () => {
    t.server.seedGenerated({ voice: 30 });
    const expected = (await allPages('voice')).slice(7);
    t.server.resetCounters();
    const items = await collect(
      t.material.iterateMaterials('voice', { pageSize: 5, startOffset: 7 }),
    );
    expect(items.map((i) => i.media_id)).toEqual(expected);
    expect(batchRequests()).toBe(5); // 23 items / 5 a page
    expect(JSON.parse(t.server.lastBody(PATHS.batchGet)!)).toEqual({
      type: 'voice',
      offset: 27,
      count: 5,
    });
  });

  it('a material added mid-walk shifts offsets; the repeated item is skipped', async () => {
    t.server.seedGenerated({ image: 45 });
    const expected = await allPages('image');
    t.server.resetCounters();
    const seen: string[] = [];
    for await (const item of t.material.iterateMaterials('image')) {
      seen.push(item.media_id);
      if (seen.length === 1)
        t.server.addMaterial('image', { name: '新增图片.png', url: 'http://mmbiz.qpic.cn/x/0' });
    }
    expect(seen).toEqual(expected);
    // offsets 0, 20, 40: the item at 19 came back at 20 and was dropped; 44 sits at 45 now.
    expect(batchRequests()).toBe(3);
  });

  it('bad options reject the first next() with WechatValidationException, no request', async () => {
    for (const opts of [
      { pageSize: 0 },
      { pageSize: 21 },
      { concurrency: 0 },
      { concurrency: 9 },
      { startOffset: -1 },
    ]) {
      const err = await rejectionOf(firstNext(t.material.iterateMaterials('image', opts)));
      expect(err).toBeInstanceOf(WechatValidationException);
      expect((err as WechatValidationException).getStatus()).toBe(400);
    }
    const err = await rejectionOf(firstNext(t.material.iterateMaterials('images' as MaterialType)));
    expect(err).toBeInstanceOf(WechatValidationException);
    expect(t.server.requests).toEqual({});
  });

  it('a failing page rejects the walk with the mapped error', async () => {
    t.server.seedGenerated({ image: 45 });
    t.server.failNext(PATHS.batchGet, { errcode: 45009 });
    await expect(collect(t.material.iterateMaterials('image'))).rejects.toMatchObject({
      errcode: 45009,
    });
  });
});

describe('iterateMaterials against short pages', () => {
  let raw: RawServer;
  let t: TestModule;
  const ITEMS = Array.from({ length: 40 }, (_, i) => ({
    media_id: `short_page_item_${String(i).padStart(2, '0')}`,
    name: `图片${i}.png`,
    update_time: 1700000000 - i,
  }));

  beforeAll(async () => {
    // Answers at most 15 items whatever count asks for.
    raw = new RawServer((req) => {
      if (req.path !== PATHS.batchGet) return undefined;
      const { offset, count } = JSON.parse(req.body) as { offset: number; count: number };
      const item = ITEMS.slice(offset, offset + Math.min(count, 15));
      return {
        contentType: 'text/plain',
        body: JSON.stringify({ item, total_count: ITEMS.length, item_count: item.length }),
      };
    });
    t = await createTestModule({ baseUrl: await raw.start() });
  });

  afterAll(async () => {
    await t.close();
    await raw.stop();
  });

  beforeEach(() => {
    raw.requests.length = 0;
  });

  const offsetsAsked = (): number[] =>
    raw.requests
      .filter((r) => r.path === PATHS.batchGet)
      .map((r) => (JSON.parse(r.body) as { offset: number }).offset);

  it('a short page skips nothing: next offset = previous offset + items received', async () => {
    const items = await collect(t.material.iterateMaterials('image'));
    expect(items).toEqual(ITEMS);
    expect(offsetsAsked()).toEqual([0, 15, 30]);
  });

  it('with concurrency 4, pages fetched ahead of a short page are dropped and the walk resumes at the real offset', async () => {
    const items = await collect(t.material.iterateMaterials('image', { concurrency: 4 }));
    expect(items).toEqual(ITEMS);
    const asked = offsetsAsked();
    for (const offset of [0, 15, 30]) expect(asked).toContain(offset);
  });
});
