import { beforeEach, describe, expect, it } from '@jest/globals';
import type { RawRequest } from '../../helpers/raw-server.js';
import { json, useScriptedWechat } from '../../helpers/scripted-wechat.js';
import { PATHS } from '../../helpers/constants.js';
import { collect, rejectionOf } from '../../helpers/wait.js';

/** A listing WeChat-style: newest first, pages sliced by offset/count from the live list. */
class Listing {
  items: string[] = [];
  /** Called before each page is cut: lets a test change the list mid-walk. */
  beforePage: (req: { offset: number; count: number }) => void = () => undefined;

  constructor(private readonly key: 'media_id' | 'article_id') {}

  answer = (req: RawRequest) => {
    const q = JSON.parse(req.body) as { offset: number; count: number; no_content?: number };
    this.beforePage(q);
    const slice = this.items.slice(q.offset, q.offset + q.count);
    const item = slice.map((id) => ({
      [this.key]: id,
      update_time: 1,
      content: {
        news_item: q.no_content === 1 ? [{ title: id }] : [{ title: id, content: '<p/>' }],
      },
    }));
    return json({ total_count: this.items.length, item_count: item.length, item });
  };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe.each([
  ['iterateDrafts', PATHS.draftBatchGet, 'media_id'],
  ['iteratePublished', PATHS.publishBatchGet, 'article_id'],
] as const)('%s walks with the shared walker', (method, path, key) => {
  const s = useScriptedWechat();
  let list: Listing;
  const walk = (opts?: Record<string, unknown>) =>
    (method === 'iterateDrafts'
      ? s.drafts.iterateDrafts(opts)
      : s.publish.iteratePublished(opts)) as AsyncIterable<Record<string, unknown>>;

  beforeEach(() => {
    list = new Listing(key);
    s.answers.set(path, list.answer);
  });

  it('yields every item once, in WeChat’s order, with content unless noContent', async () => {
    list.items = ids('x', 45);
    const all = await collect(walk());
    expect(all.map((i) => i[key])).toEqual(list.items);
    expect(s.calls(path).map((c) => JSON.parse(c.body))).toEqual([
      { offset: 0, count: 20, no_content: 0 },
      { offset: 20, count: 20, no_content: 0 },
      { offset: 40, count: 20, no_content: 0 },
    ]);
    s.raw.requests.length = 0;
    const light = await collect(walk({ noContent: true, pageSize: 7, startOffset: 40 }));
    expect(light.map((i) => i[key])).toEqual(list.items.slice(40));
    expect(s.calls(path).map((c) => JSON.parse(c.body))).toEqual([
      { offset: 40, count: 7, no_content: 1 },
    ]);
  });

  it('items added at the front mid-walk come back shifted: each id still once', async () => {
    list.items = ids('old', 30);
    let added = 0;
    list.beforePage = ({ offset }) => {
      if (offset > 0 && added < 3) list.items.unshift(`new${added++}`);
    };
    const got = (await collect(walk({ pageSize: 10 }))).map((i) => i[key]);
    expect(new Set(got).size).toBe(got.length);
    expect(got.filter((id) => String(id).startsWith('old'))).toEqual(ids('old', 30));
  });

  it('prefetches with concurrency and still yields in order', async () => {
    list.items = ids('c', 100);
    const got = (await collect(walk({ pageSize: 10, concurrency: 4 }))).map((i) => i[key]);
    expect(got).toEqual(list.items);
    expect(s.calls(path)).toHaveLength(10);
  });

  it('an aborted signal rejects with its reason; breaking out stops the requests', async () => {
    list.items = ids('a', 60);
    const ac = new AbortController();
    const seen: unknown[] = [];
    const reason = new Error('enough');
    const err = await rejectionOf(
      (async () => {
        for await (const item of walk({ pageSize: 10, signal: ac.signal })) {
          seen.push(item[key]);
          if (seen.length === 12) ac.abort(reason);
        }
      })(),
    );
    expect(err).toBe(reason);
    expect(seen).toHaveLength(12);
    s.raw.requests.length = 0;
    for await (const _ of walk({ pageSize: 10 })) break;
    expect(s.calls(path)).toHaveLength(1);
  });
});
