/** A news article (图文) of a draft. Fields WeChat adds later pass through. */
export interface NewsDraftArticle {
  article_type?: 'news';
  title: string;
  author?: string;
  digest?: string;
  /** Article HTML; images must be URLs from `uploadArticleImage`. */
  content: string;
  content_source_url?: string;
  /** A permanent image media_id (thumbs included). */
  thumb_media_id: string;
  need_open_comment?: 0 | 1;
  only_fans_can_comment?: 0 | 1;
  /** `X1_Y1_X2_Y2`: four numbers in 0..1 joined by `_`. */
  pic_crop_235_1?: string;
  pic_crop_1_1?: string;
  [field: string]: unknown;
}

/** An image post (图片消息). */
export interface NewspicDraftArticle {
  article_type: 'newspic';
  title: string;
  /** Plain text. */
  content: string;
  /** 1..20 images, the first is the cover. */
  image_info: { image_list: { image_media_id: string; [field: string]: unknown }[] };
  need_open_comment?: 0 | 1;
  only_fans_can_comment?: 0 | 1;
  /** Passed through as given. */
  cover_info?: unknown;
  /** Passed through as given. */
  product_info?: unknown;
  [field: string]: unknown;
}

export type DraftArticle = NewsDraftArticle | NewspicDraftArticle;

/** An article as `draft/get` and `draft/batchget` return it. */
export type StoredDraftArticle = DraftArticle & { url?: string; thumb_url?: string };

/** One draft of `draft/batchget`. */
export interface DraftItem {
  media_id: string;
  update_time: number;
  content: { news_item: StoredDraftArticle[]; [field: string]: unknown };
  [field: string]: unknown;
}

/** One page of `draft/batchget`, as WeChat sent it. */
export interface DraftPage {
  total_count: number;
  item_count: number;
  item: DraftItem[];
  [field: string]: unknown;
}

export interface BatchGetDraftsQuery {
  offset: number;
  count: number;
  no_content?: 0 | 1;
}

/** Options of `iterateDrafts` and `iteratePublished`. */
export interface IterateDraftsOptions {
  /** Leave out article content (`no_content: 1`). Default false. */
  noContent?: boolean;
  /** Items per request, 1..20. Default 20. */
  pageSize?: number;
  /** Offset to start from. Default 0. */
  startOffset?: number;
  /** Pages fetched ahead, 1..8. Default 1. */
  concurrency?: number;
  /** Aborting rejects with `signal.reason` and cancels in-flight requests and waits. */
  signal?: AbortSignal;
}

/** The draft API for one account (see `DraftService.forAccount`). */
export interface DraftClient {
  addDraft(articles: DraftArticle[]): Promise<{ media_id: string }>;
  getDraft(mediaId: string): Promise<{ news_item: StoredDraftArticle[] }>;
  updateDraft(mediaId: string, index: number, article: DraftArticle): Promise<void>;
  deleteDraft(mediaId: string): Promise<void>;
  getDraftCount(): Promise<{ total_count: number }>;
  batchGetDrafts(q: BatchGetDraftsQuery): Promise<DraftPage>;
  iterateDrafts(opts?: IterateDraftsOptions): AsyncIterable<DraftItem>;
}
