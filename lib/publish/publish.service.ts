import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_WECHAT_OPTIONS } from '../wechat-material.constants.js';
import type { ResolvedWechatOptions } from '../wechat-material.options.js';
import { AccessTokenService } from '../token/access-token.service.js';
import { WechatHttpClient } from '../http/wechat-http.client.js';
import { clientForAccount } from '../token/account-client.js';
import type { IterateDraftsOptions } from '../draft/draft.types.js';
import { AccountPublishClient } from './publish.client.js';
import type {
  BatchGetPublishedQuery,
  PublishClient,
  PublishedArticle,
  PublishedItem,
  PublishedPage,
  PublishStatus,
  WaitForPublishOptions,
} from './publish.types.js';

/**
 * Publishing (发布能力) for the configured Official Account; `forAccount(appId)` gives the
 * same API for another account. Ids (publish_id, msg_data_id, article_id) are strings, exact.
 */
@Injectable()
export class PublishService implements PublishClient {
  private readonly main: AccountPublishClient;

  constructor(
    @Inject(RESOLVED_WECHAT_OPTIONS) private readonly options: ResolvedWechatOptions,
    private readonly tokens: AccessTokenService,
    private readonly http: WechatHttpClient,
  ) {
    this.main = new AccountPublishClient(options.appId, tokens, http);
  }

  /** `freepublish/submit`: WeChat accepted the job; it may still fail (see waitForPublish). */
  submitPublish(draftMediaId: string): Promise<{ publish_id: string; msg_data_id?: string }> {
    return this.main.submitPublish(draftMediaId);
  }

  /** `freepublish/get`: the job's status, `publish_status` 0..6 named as `state`. */
  getPublishStatus(publishId: string): Promise<PublishStatus> {
    return this.main.getPublishStatus(publishId);
  }

  /** Polls until the job is no longer `publishing`, or returns the last status at timeoutMs. */
  waitForPublish(publishId: string, opts?: WaitForPublishOptions): Promise<PublishStatus> {
    return this.main.waitForPublish(publishId, opts);
  }

  /** `freepublish/delete`: `index` 1-based; omitted, the whole article set. */
  deletePublished(articleId: string, opts?: { index?: number }): Promise<void> {
    return this.main.deletePublished(articleId, opts);
  }

  /** `freepublish/getarticle`. */
  getPublishedArticle(articleId: string): Promise<{ news_item: PublishedArticle[] }> {
    return this.main.getPublishedArticle(articleId);
  }

  /** `freepublish/batchget`: one page (`count` 1..20). */
  batchGetPublished(q: BatchGetPublishedQuery): Promise<PublishedPage> {
    return this.main.batchGetPublished(q);
  }

  /** Every publication, each article_id once, in WeChat's order. */
  iteratePublished(opts?: IterateDraftsOptions): AsyncIterable<PublishedItem> {
    return this.main.iteratePublished(opts);
  }

  /**
   * The same API for another Official Account. Throws WechatConfigurationException at once
   * (no request) when appId has no credentials in `accounts`/`appId` and no provider is set.
   */
  forAccount(appId: string): PublishClient {
    return clientForAccount(
      appId,
      this.tokens,
      { appId: this.options.appId, client: this.main },
      (id) => new AccountPublishClient(id, this.tokens, this.http),
    );
  }
}
