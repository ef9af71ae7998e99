import { WechatValidationException } from '../errors/wechat-validation.exception.js';
import { WALK_OPTION_HINTS } from '../errors/messages.js';
import { Problems } from '../shared/validate.js';

/** WeChat's offsets are 32-bit ints; a larger number would be sent as `1e+21` and rejected. */
export const MAX_OFFSET = 2_147_483_647;
/** Every WeChat listing answers at most 20 items a page. */
export const MAX_PAGE_SIZE = 20;
/** Pages fetched ahead, at most. */
export const MAX_CONCURRENCY = 8;

/**
 * How many recent keys are remembered for de-duplication. Items added at the front during a
 * walk shift older ones to higher offsets, so they come back once more; up to this many
 * insertions per walk are absorbed while memory stays bounded (no set of every key).
 */
const DEDUPE_WINDOW = 2000;

export interface WalkOptions {
  /** Items per request, 1..20. Default 20. */
  pageSize?: number;
  /** Offset to start from. Default 0. */
  startOffset?: number;
  /** Pages fetched ahead, 1..8. Default 1. */
  concurrency?: number;
  /** Aborting rejects with `signal.reason` and cancels in-flight requests and waits. */
  signal?: AbortSignal;
}

/** What the walker needs of a page: WeChat's `total_count` and the items. */
export interface WalkPage<T> {
  total_count?: number;
  item: T[];
}

/** Fetches `count` items from `offset`; `signal` cancels the request (and its backoff). */
export type WalkPageFetcher<T> = (
  offset: number,
  count: number,
  signal: AbortSignal,
) => Promise<WalkPage<T>>;

/** Every bad walk option (none: empty), in ValidationPipe's `field hint` format. */
export function walkOptionProblems(options: WalkOptions | undefined): Problems {
  const o: WalkOptions = options ?? {};
  return new Problems()
    .optionalInt('pageSize', o.pageSize, 1, MAX_PAGE_SIZE, WALK_OPTION_HINTS.pageSize)
    .optionalInt('concurrency', o.concurrency, 1, MAX_CONCURRENCY, WALK_OPTION_HINTS.concurrency)
    .optionalInt('startOffset', o.startOffset, 0, MAX_OFFSET, WALK_OPTION_HINTS.startOffset)
    .check(
      o.signal === undefined || o.signal instanceof AbortSignal,
      'signal',
      WALK_OPTION_HINTS.signal,
    );
}

/**
 * Walks a WeChat listing: next offset = previous offset + items received (a short page
 * skips nothing), skips keys already yielded, stops at total_count or the first empty page.
 * With concurrency k > 1 it fetches up to k pages ahead (after the first page told it the
 * total) and still yields in WeChat's order; a short page drops the pages fetched after it.
 * Bad options reject the first `next()` with WechatValidationException; an aborted signal
 * rejects with `signal.reason`; both it and breaking out cancel in-flight requests.
 */
export async function* walkPages<T>(
  fetchPage: WalkPageFetcher<T>,
  keyOf: (item: T) => string,
  options: WalkOptions = {},
): AsyncGenerator<T, void, undefined> {
  const opts: WalkOptions = options ?? {};
  const problems = walkOptionProblems(opts);
  if (!problems.empty) throw new WechatValidationException(problems.messages());
  const { signal, concurrency = 1 } = opts;
  const pages = new PageQueue(fetchPage, opts.pageSize ?? MAX_PAGE_SIZE, opts.startOffset ?? 0);
  pages.follow(signal);
  const seen = new RecentKeys(DEDUPE_WINDOW);
  try {
    if (signal?.aborted) throw signal.reason;
    let total = Number.POSITIVE_INFINITY;
    for (;;) {
      // Until the first page tells the total, fetch one page at a time: no blind requests.
      const head = pages.next(Number.isFinite(total) ? concurrency : 1, total);
      if (!head) return;
      const page = await head.page;
      if (signal?.aborted) throw signal.reason;
      const items = page.item;
      if (typeof page.total_count === 'number' && Number.isFinite(page.total_count)) {
        total = page.total_count;
      }
      for (const item of items) {
        if (!seen.add(keyOf(item))) continue;
        yield item;
        if (signal?.aborted) throw signal.reason;
      }
      if (items.length === 0) return;
      const nextOffset = head.offset + items.length;
      if (nextOffset >= total) return;
      pages.resumeAt(nextOffset);
    }
  } finally {
    pages.close();
  }
}

interface Pending<T> {
  offset: number;
  controller: AbortController;
  page: Promise<WalkPage<T>>;
}

/** The pages in flight, in offset order; each one cancelled with the walk. */
class PageQueue<T> {
  private readonly queue: Pending<T>[] = [];
  private readonly walk = new AbortController();
  private unfollow: (() => void) | undefined;

  constructor(
    private readonly fetchPage: WalkPageFetcher<T>,
    private readonly pageSize: number,
    /** Offset of the next page to request. */
    private scheduled: number,
  ) {}

  /** Aborting `signal` aborts every page in flight. */
  follow(signal: AbortSignal | undefined): void {
    if (!signal) return;
    const onAbort = () => this.walk.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.unfollow = () => signal.removeEventListener('abort', onAbort);
  }

  /** Tops the queue up to `width` pages below `total`, then takes the first one. */
  next(width: number, total: number): Pending<T> | undefined {
    while (this.queue.length < width && this.scheduled < total) {
      this.queue.push(this.start(this.scheduled));
      this.scheduled += this.pageSize;
    }
    return this.queue.shift();
  }

  /** After a short page, what was fetched ahead starts at the wrong offset: drop it. */
  resumeAt(offset: number): void {
    if (offset === (this.queue[0]?.offset ?? this.scheduled)) return;
    this.drop();
    this.scheduled = offset;
  }

  close(): void {
    this.unfollow?.();
    this.drop();
    if (!this.walk.signal.aborted) this.walk.abort(new Error('walk ended'));
  }

  private start(offset: number): Pending<T> {
    const controller = new AbortController();
    const onWalkAbort = () => controller.abort(this.walk.signal.reason);
    this.walk.signal.addEventListener('abort', onWalkAbort, { once: true });
    const page = this.fetchPage(offset, this.pageSize, controller.signal).finally(() =>
      this.walk.signal.removeEventListener('abort', onWalkAbort),
    );
    // A prefetched page may fail or be dropped before anyone awaits it.
    page.catch(() => undefined);
    return { offset, controller, page };
  }

  private drop(): void {
    for (const p of this.queue.splice(0)) p.controller.abort(new Error('page dropped'));
  }
}

/** Remembers the last `size` keys. */
class RecentKeys {
  private readonly ring: (string | undefined)[];
  private readonly set = new Set<string>();
  private next = 0;

  constructor(size: number) {
    this.ring = new Array<string | undefined>(size);
  }

  /** False when key was seen recently; else remembers it and returns true. */
  add(key: string): boolean {
    if (this.set.has(key)) return false;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.set.delete(evicted);
    this.ring[this.next] = key;
    this.next = (this.next + 1) % this.ring.length;
    this.set.add(key);
    return true;
  }
}
