import { describe, expect, it } from '@jest/globals';
import { WechatValidationException } from '../../../lib/index.js';
import { walkPages, type WalkPage } from '../../../lib/paging/page-walker.js';
import { rejectionOf } from '../../helpers/wait.js';

/** A listing of `ids` (newest first) that is not material: publications keyed by article_id. */
function listing(ids: string[]) {
  const asked: [offset: number, count: number][] = [];
  const fetchPage = async (
    offset: number,
    count: number,
  ): Promise<WalkPage<{ article_id: string }>> => {
    asked.push([offset, count]);
    return {
      total_count: ids.length,
      item: ids.slice(offset, offset + count).map((article_id) => ({ article_id })),
    };
  };
  return { asked, fetchPage };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('walkPages (generic: a page fetcher and a key in, items out)', () => {
  it('walks any listing by its own key, in order, next offset = offset + items received', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `A${i}`);
    const { asked, fetchPage } = listing(ids);
    const items = await collect(walkPages(fetchPage, (a) => a.article_id, { pageSize: 3 }));
    expect(items.map((a) => a.article_id)).toEqual(ids);
    expect(asked).toEqual([
      [0, 3],
      [3, 3],
      [6, 3],
    ]);
  });

  it('yields each key once when an item comes back on the next page', async () => {
    let calls = 0;
    const pages: WalkPage<{ id: string }>[] = [
      { total_count: 4, item: [{ id: 'a' }, { id: 'b' }] },
      { total_count: 4, item: [{ id: 'b' }, { id: 'c' }] },
      { total_count: 4, item: [] },
    ];
    const items = await collect(
      walkPages(
        async () => pages[calls++]!,
        (x) => x.id,
        { pageSize: 2 },
      ),
    );
    expect(items.map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });

  it('bad options reject the first next() in ValidationPipe format, with no fetch', async () => {
    const { asked, fetchPage } = listing(['A']);
    const walk = walkPages(fetchPage, (a) => a.article_id, {
      pageSize: 21,
      concurrency: 0,
      startOffset: -1,
      signal: 'x' as unknown as AbortSignal,
    });
    const err = await rejectionOf(walk.next());
    expect(err).toBeInstanceOf(WechatValidationException);
    expect((err as WechatValidationException).getResponse()).toMatchObject({
      statusCode: 400,
      message: [
        'pageSize must be an integer from 1 to 20',
        'concurrency must be an integer from 1 to 8',
        'startOffset must be an integer >= 0',
        'signal must be an AbortSignal',
      ],
    });
    expect(asked).toEqual([]);
  });

  it('breaking out aborts the page in flight', async () => {
    const signals: AbortSignal[] = [];
    const walk = walkPages<{ id: string }>(
      (offset, _count, signal) => {
        signals.push(signal);
        return offset < 2
          ? Promise.resolve({ total_count: 100, item: [{ id: `item${offset}` }] })
          : new Promise(() => undefined); // held: never answers
      },
      (x) => x.id,
      { pageSize: 1, concurrency: 2 },
    );
    const seen: string[] = [];
    for await (const item of walk) {
      seen.push(item.id);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['item0', 'item1']);
    // Pages 1 and 2 were fetched together once the total was known; 2 was still in flight.
    expect(signals).toHaveLength(3);
    expect(signals.map((s) => s.aborted)).toEqual([false, false, true]);
  });
});
