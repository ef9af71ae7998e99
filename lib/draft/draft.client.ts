import { walkPages } from '../paging/page-walker.js';
import { AccountCaller } from './account-caller.js';
import { AddDraftDto } from './add-draft.dto.js';
import { UpdateDraftDto } from './update-draft.dto.js';
import { BatchGetDraftsDto } from './batch-get-drafts.dto.js';
import { assertValid } from './dto-validator.js';
import { args, splitIterateOptions } from './argument-checks.js';
import { DRAFT_PATHS } from './draft.constants.js';
import type {
  BatchGetDraftsQuery,
  DraftArticle,
  DraftClient,
  DraftItem,
  DraftPage,
  IterateDraftsOptions,
  StoredDraftArticle,
} from './draft.types.js';

const hasMediaId = (b: Record<string, unknown>): boolean => typeof b.media_id === 'string';
const hasNewsItem = (b: Record<string, unknown>): boolean => Array.isArray(b.news_item);
const hasItems = (b: Record<string, unknown>): boolean => Array.isArray(b.item);
const hasTotal = (b: Record<string, unknown>): boolean => typeof b.total_count === 'number';

/** The body of a listing request: only the documented fields, as numbers. */
export const pageBody = (q: BatchGetDraftsQuery): Record<string, number> =>
  q.no_content === undefined
    ? { offset: q.offset, count: q.count }
    : { offset: q.offset, count: q.count, no_content: q.no_content };

/** The draft API acting for one appId. Every input is checked before any request. */
export class AccountDraftClient implements DraftClient {
  private readonly caller: AccountCaller;

  constructor(...args: ConstructorParameters<typeof AccountCaller>) {
    this.caller = new AccountCaller(...args);
  }

  async addDraft(articles: DraftArticle[]): Promise<{ media_id: string }> {
    assertValid(AddDraftDto, { articles }, 'articles');
    // The caller's own objects: fields WeChat adds later pass through untouched.
    const body = await this.caller.post(DRAFT_PATHS.add, { articles }, { accept: hasMediaId });
    return body as { media_id: string };
  }

  async getDraft(mediaId: string): Promise<{ news_item: StoredDraftArticle[] }> {
    args().id('mediaId', mediaId).assert();
    const body = await this.caller.post(
      DRAFT_PATHS.get,
      { media_id: mediaId },
      { accept: hasNewsItem },
    );
    return body as { news_item: StoredDraftArticle[] };
  }

  async updateDraft(mediaId: string, index: number, article: DraftArticle): Promise<void> {
    args().id('mediaId', mediaId).index('index', index, 0).assert();
    const body = { media_id: mediaId, index, articles: article };
    assertValid(UpdateDraftDto, body, 'article');
    await this.caller.post(DRAFT_PATHS.update, body);
  }

  async deleteDraft(mediaId: string): Promise<void> {
    args().id('mediaId', mediaId).assert();
    await this.caller.post(DRAFT_PATHS.delete, { media_id: mediaId });
  }

  async getDraftCount(): Promise<{ total_count: number }> {
    const body = await this.caller.get(DRAFT_PATHS.count, { accept: hasTotal });
    return body as { total_count: number };
  }

  async batchGetDrafts(q: BatchGetDraftsQuery): Promise<DraftPage> {
    assertValid(BatchGetDraftsDto, q, 'query');
    return this.fetchPage(q);
  }

  /** A page without input checks (the walker checked its options); `signal` cancels it. */
  async fetchPage(q: BatchGetDraftsQuery, signal?: AbortSignal): Promise<DraftPage> {
    const body = await this.caller.post(DRAFT_PATHS.batchGet, pageBody(q), {
      accept: hasItems,
      signal,
    });
    return body as DraftPage;
  }

  async *iterateDrafts(opts?: IterateDraftsOptions): AsyncGenerator<DraftItem, void, undefined> {
    const { noContent: no_content, walk } = splitIterateOptions(opts);
    yield* walkPages<DraftItem>(
      (offset, count, signal) => this.fetchPage({ offset, count, no_content }, signal),
      (item) => item.media_id,
      walk,
    );
  }
}
