import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_WECHAT_OPTIONS } from '../wechat-material.constants.js';
import type { ResolvedWechatOptions } from '../wechat-material.options.js';
import { AccessTokenService } from '../token/access-token.service.js';
import { WechatHttpClient } from '../http/wechat-http.client.js';
import { clientForAccount } from '../token/account-client.js';
import { AccountDraftClient } from './draft.client.js';
import type {
  BatchGetDraftsQuery,
  DraftArticle,
  DraftClient,
  DraftItem,
  DraftPage,
  IterateDraftsOptions,
  StoredDraftArticle,
} from './draft.types.js';

/**
 * The draft box (草稿箱) of the configured Official Account; `forAccount(appId)` gives the
 * same API for another account. Inputs are validated with the exported DTOs before any request.
 */
@Injectable()
export class DraftService implements DraftClient {
  private readonly main: AccountDraftClient;

  constructor(
    @Inject(RESOLVED_WECHAT_OPTIONS) private readonly options: ResolvedWechatOptions,
    private readonly tokens: AccessTokenService,
    private readonly http: WechatHttpClient,
  ) {
    this.main = new AccountDraftClient(options.appId, tokens, http);
  }

  /** `draft/add`: 1..8 articles → the draft's media_id. */
  addDraft(articles: DraftArticle[]): Promise<{ media_id: string }> {
    return this.main.addDraft(articles);
  }

  /** `draft/get`: the draft's articles. */
  getDraft(mediaId: string): Promise<{ news_item: StoredDraftArticle[] }> {
    return this.main.getDraft(mediaId);
  }

  /** `draft/update`: replaces the article at `index` (0-based). */
  updateDraft(mediaId: string, index: number, article: DraftArticle): Promise<void> {
    return this.main.updateDraft(mediaId, index, article);
  }

  /** `draft/delete`. */
  deleteDraft(mediaId: string): Promise<void> {
    return this.main.deleteDraft(mediaId);
  }

  /** `draft/count`. */
  getDraftCount(): Promise<{ total_count: number }> {
    return this.main.getDraftCount();
  }

  /** `draft/batchget`: one page (`count` 1..20), `no_content: 1` leaves out the HTML. */
  batchGetDrafts(q: BatchGetDraftsQuery): Promise<DraftPage> {
    return this.main.batchGetDrafts(q);
  }

  /** Every draft, each media_id once, in WeChat's order (the walker of iterateMaterials). */
  iterateDrafts(opts?: IterateDraftsOptions): AsyncIterable<DraftItem> {
    return this.main.iterateDrafts(opts);
  }

  /**
   * The same API for another Official Account. Throws WechatConfigurationException at once
   * (no request) when appId has no credentials in `accounts`/`appId` and no provider is set.
   */
  forAccount(appId: string): DraftClient {
    return clientForAccount(
      appId,
      this.tokens,
      { appId: this.options.appId, client: this.main },
      (id) => new AccountDraftClient(id, this.tokens, this.http),
    );
  }
}
