import { WechatValidationException } from '../errors/wechat-validation.exception.js';
import type {
  BatchGetMaterialQuery,
  FileMaterialItem,
  FileMaterialPage,
  IterateMaterialsOptions,
  MaterialType,
  NewsMaterialItem,
  NewsMaterialPage,
} from './material.types.js';
import { MATERIAL_TYPES } from './material.types.js';
import { MAX_OFFSET } from './batch-get-material.dto.js';

type Item = NewsMaterialItem | FileMaterialItem;
type Page = NewsMaterialPage | FileMaterialPage;
export type PageFetcher = (q: BatchGetMaterialQuery, signal: AbortSignal) => Promise<Page>;

/**
 * How many recent media_ids are remembered for de-duplication. Items added at the front
 * during a walk shift older ones to higher offsets, so they come back once more; up to this
 * many insertions per walk are absorbed while memory stays bounded (no set of every id).
 */
const DEDUPE_WINDOW = 2000;

const isIntIn = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function checkOptions(type: unknown, opts: IterateMaterialsOptions): void {
  const messages: string[] = [];
  if (!MATERIAL_TYPES.includes(type as MaterialType)) {
    messages.push(`type must be one of the following values: ${MATERIAL_TYPES.join(', ')}`);
  }
  if (opts.pageSize !== undefined && !isIntIn(opts.pageSize, 1, 20)) {
    messages.push('pageSize must be an integer from 1 to 20');
  }
  if (opts.concurrency !== undefined && !isIntIn(opts.concurrency, 1, 8)) {
    messages.push('concurrency must be an integer from 1 to 8');
  }
  if (opts.startOffset !== undefined && !isIntIn(opts.startOffset, 0, MAX_OFFSET)) {
    messages.push('startOffset must be an integer >= 0');
  }
  if (opts.signal !== undefined && !(opts.signal instanceof AbortSignal)) {
    messages.push('signal must be an AbortSignal');
  }
  if (messages.length > 0) throw new WechatValidationException(messages);
}

/** Remembers the last `size` media_ids. */
class RecentIds {
  private readonly ring: (string | undefined)[];
  private readonly set = new Set<string>();
  private next = 0;

  constructor(size: number) {
    this.ring = new Array<string | undefined>(size);
  }

  /** False when id was seen recently; else remembers it and returns true. */
  add(id: string): boolean {
    if (this.set.has(id)) return false;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.set.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.ring.length;
    this.set.add(id);
    return true;
  }
}

interface Pending {
  offset: number;
  controller: AbortController;
  page: Promise<Page>;
}

/**
 * Walks every item of one type: next offset = previous offset + items received, skips
 * media_ids already yielded, stops at total_count or the first empty page. With
 * concurrency k > 1 it fetches up to k pages ahead (after the first page told it the total)
 * and still yields in WeChat's order; a short page drops the pages fetched after it.
 */
export async function* iterateMaterials(
  fetchPage: PageFetcher,
  type: MaterialType,
  options: IterateMaterialsOptions = {},
): AsyncGenerator<Item, void, undefined> {
  const opts: IterateMaterialsOptions = options ?? {};
  checkOptions(type, opts);
  const pageSize = opts.pageSize ?? 20;
  const concurrency = opts.concurrency ?? 1;
  const signal = opts.signal;
  const walk = new AbortController();
  const onAbort = () => walk.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const queue: Pending[] = [];
  const seen = new RecentIds(DEDUPE_WINDOW);

  const start = (offset: number): Pending => {
    const controller = new AbortController();
    const onWalkAbort = () => controller.abort(walk.signal.reason);
    walk.signal.addEventListener('abort', onWalkAbort, { once: true });
    const page = fetchPage({ type, offset, count: pageSize }, controller.signal).finally(() =>
      walk.signal.removeEventListener('abort', onWalkAbort),
    );
    // A prefetched page may fail or be dropped before anyone awaits it.
    page.catch(() => undefined);
    return { offset, controller, page };
  };
  const dropQueue = () => {
    for (const p of queue.splice(0)) p.controller.abort(new Error('page dropped'));
  };

  try {
    if (signal?.aborted) throw signal.reason;
    let total = Number.POSITIVE_INFINITY;
    let scheduled = opts.startOffset ?? 0;
    for (;;) {
      // Until the first page tells the total, fetch one page at a time: no blind requests.
      const width = Number.isFinite(total) ? concurrency : 1;
      while (queue.length < width && scheduled < total) {
        queue.push(start(scheduled));
        scheduled += pageSize;
      }
      const head = queue.shift();
      if (!head) return;
      const page = await head.page;
      if (signal?.aborted) throw signal.reason;
      const items = page.item;
      if (typeof page.total_count === 'number' && Number.isFinite(page.total_count)) {
        total = page.total_count;
      }
      for (const item of items) {
        if (!seen.add(item.media_id)) continue;
        yield item;
        if (signal?.aborted) throw signal.reason;
      }
      if (items.length === 0) return;
      const nextOffset = head.offset + items.length;
      if (nextOffset >= total) return;
      if (nextOffset !== (queue[0]?.offset ?? scheduled)) {
        // Short page: what was fetched ahead starts at the wrong offset.
        dropQueue();
        scheduled = nextOffset;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    dropQueue();
    if (!walk.signal.aborted) walk.abort(new Error('walk ended'));
  }
}
