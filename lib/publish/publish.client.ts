import { walkPages } from '../paging/page-walker.js';
import { AccountCaller } from '../draft/account-caller.js';
import { assertValid } from '../draft/dto-validator.js';
import { pageBody } from '../draft/draft.client.js';
import { args, splitIterateOptions } from '../draft/argument-checks.js';
import type { IterateDraftsOptions } from '../draft/draft.types.js';
import { BatchGetPublishedDto } from './batch-get-published.dto.js';
import { ID_FIELDS, PUBLISH_PATHS, WAIT_DEFAULTS } from './publish.constants.js';
import { isPublishStatusBody, toPublishStatus } from './publish-status.js';
import { waitForPublish } from './wait-for-publish.js';
import type {
  BatchGetPublishedQuery,
  PublishClient,
  PublishedArticle,
  PublishedItem,
  PublishedPage,
  PublishStatus,
  WaitForPublishOptions,
} from './publish.types.js';

const hasPublishId = (b: Record<string, unknown>): boolean => typeof b.publish_id === 'string';
const hasNewsItem = (b: Record<string, unknown>): boolean => Array.isArray(b.news_item);
const hasItems = (b: Record<string, unknown>): boolean => Array.isArray(b.item);

/** Every id field read as a string, whether WeChat sent a string or a (long) number. */
const IDS = { stringFields: ID_FIELDS };

/** The publishing API acting for one appId. Every input is checked before any request. */
export class AccountPublishClient implements PublishClient {
  private readonly caller: AccountCaller;

  constructor(...args: ConstructorParameters<typeof AccountCaller>) {
    this.caller = new AccountCaller(...args);
  }

  /** Accepted is not published: follow the job with waitForPublish. */
  async submitPublish(draftMediaId: string): Promise<{ publish_id: string; msg_data_id?: string }> {
    args().id('draftMediaId', draftMediaId).assert();
    const body = await this.caller.post(
      PUBLISH_PATHS.submit,
      { media_id: draftMediaId },
      { ...IDS, accept: hasPublishId },
    );
    // The client already drops WeChat's errcode 0 / errmsg "ok": what is left is the job.
    return body as { publish_id: string; msg_data_id?: string };
  }

  async getPublishStatus(publishId: string): Promise<PublishStatus> {
    args().id('publishId', publishId).assert();
    return this.fetchStatus(publishId);
  }

  private async fetchStatus(publishId: string, signal?: AbortSignal): Promise<PublishStatus> {
    // Sent back as a JSON string: WeChat accepts both, and a string keeps every digit.
    const body = await this.caller.post(
      PUBLISH_PATHS.get,
      { publish_id: publishId },
      { ...IDS, accept: isPublishStatusBody, signal },
    );
    return toPublishStatus(body, publishId);
  }

  async waitForPublish(publishId: string, opts?: WaitForPublishOptions): Promise<PublishStatus> {
    const { intervalMs, timeoutMs, signal } = opts ?? {};
    args()
      .id('publishId', publishId)
      .optionalPositive('intervalMs', intervalMs)
      .optionalPositive('timeoutMs', timeoutMs)
      .optionalSignal('signal', signal)
      .assert();
    return waitForPublish((s) => this.fetchStatus(publishId, s), {
      intervalMs: intervalMs ?? WAIT_DEFAULTS.intervalMs,
      timeoutMs: timeoutMs ?? WAIT_DEFAULTS.timeoutMs,
      signal,
      path: PUBLISH_PATHS.get,
    });
  }

  /** `index` 1-based; omitted, the whole article set is deleted (WeChat reads 0 as "all"). */
  async deletePublished(articleId: string, opts?: { index?: number }): Promise<void> {
    const index = opts?.index;
    const problems = args().id('articleId', articleId);
    if (index !== undefined) problems.index('index', index, 1);
    problems.assert();
    const body = index === undefined ? { article_id: articleId } : { article_id: articleId, index };
    await this.caller.post(PUBLISH_PATHS.delete, body);
  }

  async getPublishedArticle(articleId: string): Promise<{ news_item: PublishedArticle[] }> {
    args().id('articleId', articleId).assert();
    const body = await this.caller.post(
      PUBLISH_PATHS.getArticle,
      { article_id: articleId },
      { accept: hasNewsItem },
    );
    return body as { news_item: PublishedArticle[] };
  }

  async batchGetPublished(q: BatchGetPublishedQuery): Promise<PublishedPage> {
    assertValid(BatchGetPublishedDto, q, 'query');
    return this.fetchPage(q);
  }

  private async fetchPage(q: BatchGetPublishedQuery, signal?: AbortSignal): Promise<PublishedPage> {
    const body = await this.caller.post(PUBLISH_PATHS.batchGet, pageBody(q), {
      ...IDS,
      accept: hasItems,
      signal,
    });
    return body as PublishedPage;
  }

  async *iteratePublished(
    opts?: IterateDraftsOptions,
  ): AsyncGenerator<PublishedItem, void, undefined> {
    const { noContent: no_content, walk } = splitIterateOptions(opts);
    yield* walkPages<PublishedItem>(
      (offset, count, signal) => this.fetchPage({ offset, count, no_content }, signal),
      (item) => item.article_id,
      walk,
    );
  }
}
