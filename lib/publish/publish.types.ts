import type { DraftArticle, IterateDraftsOptions } from '../draft/draft.types.js';

/** `publish_status` 0..6, in this order. */
export type PublishState =
  | 'success'
  | 'publishing'
  | 'original_failed'
  | 'failed'
  | 'rejected'
  | 'deleted_by_user'
  | 'banned';

/** `freepublish/get`, with `state` named and ids as strings. */
export interface PublishStatus {
  publish_id: string;
  publish_status: number;
  state: PublishState;
  article_id?: string;
  article_detail?: { count: number; item: { idx: number; article_url: string }[] };
  /** 1-based numbers of the articles that failed; always present in a failure state. */
  fail_idx?: number[];
  [field: string]: unknown;
}

/** A published article: the fields of a draft article plus its URL and deletion flag. */
export type PublishedArticle = DraftArticle & {
  url: string;
  thumb_url?: string;
  is_deleted: boolean;
};

/** One publication of `freepublish/batchget`. */
export interface PublishedItem {
  article_id: string;
  update_time: number;
  content: { news_item: PublishedArticle[]; [field: string]: unknown };
  [field: string]: unknown;
}

/** One page of `freepublish/batchget`, as WeChat sent it (ids as strings). */
export interface PublishedPage {
  total_count: number;
  item_count: number;
  item: PublishedItem[];
  [field: string]: unknown;
}

export interface BatchGetPublishedQuery {
  offset: number;
  count: number;
  no_content?: 0 | 1;
}

export interface WaitForPublishOptions {
  /** First pause between two polls; grows ×1.5 after each poll, up to 30 s. Default 2000. */
  intervalMs?: number;
  /** Resolve with the last `publishing` status after this long. Default 300000. */
  timeoutMs?: number;
  /** Aborting rejects with `signal.reason` at once and stops polling. */
  signal?: AbortSignal;
}

/** The publishing API for one account (see `PublishService.forAccount`). */
export interface PublishClient {
  submitPublish(draftMediaId: string): Promise<{ publish_id: string; msg_data_id?: string }>;
  getPublishStatus(publishId: string): Promise<PublishStatus>;
  waitForPublish(publishId: string, opts?: WaitForPublishOptions): Promise<PublishStatus>;
  deletePublished(articleId: string, opts?: { index?: number }): Promise<void>;
  getPublishedArticle(articleId: string): Promise<{ news_item: PublishedArticle[] }>;
  batchGetPublished(q: BatchGetPublishedQuery): Promise<PublishedPage>;
  iteratePublished(opts?: IterateDraftsOptions): AsyncIterable<PublishedItem>;
}
