import type { WalkOptions } from '../paging/page-walker.js';

/** The four kinds of permanent material WeChat lists. */
export type MaterialType = 'image' | 'video' | 'voice' | 'news';

/** `['image', 'video', 'voice', 'news']` */
export const MATERIAL_TYPES: readonly MaterialType[] = Object.freeze([
  'image',
  'video',
  'voice',
  'news',
]);

/** One article of a legacy news (图文) item. Unknown fields WeChat adds are kept. */
export interface NewsArticle {
  title: string;
  author: string;
  digest: string;
  /** Article HTML. */
  content: string;
  content_source_url: string;
  thumb_media_id: string;
  show_cover_pic: number;
  url: string;
  thumb_url: string;
  need_open_comment?: number;
  only_fans_can_comment?: number;
  [field: string]: unknown;
}

/** A news item of `batchget_material` with `type: 'news'`. */
export interface NewsMaterialItem {
  media_id: string;
  update_time: number;
  content: {
    news_item: NewsArticle[];
    create_time?: number;
    update_time?: number;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** An image, video or voice item. Video and voice items may have no `url`. */
export interface FileMaterialItem {
  media_id: string;
  name: string;
  update_time: number;
  url?: string;
  [field: string]: unknown;
}

/** One page of `batchget_material`, as WeChat sent it. */
export interface MaterialPage<T> {
  total_count: number;
  item_count: number;
  item: T[];
  [field: string]: unknown;
}

export type NewsMaterialPage = MaterialPage<NewsMaterialItem>;
export type FileMaterialPage = MaterialPage<FileMaterialItem>;

/** `get_materialcount`. */
export interface MaterialCount {
  voice_count: number;
  video_count: number;
  image_count: number;
  news_count: number;
  [field: string]: unknown;
}

export interface BatchGetMaterialQuery<T extends MaterialType = MaterialType> {
  type: T;
  offset: number;
  count: number;
}

/** pageSize 1..20, startOffset, concurrency 1..8, signal: the walker's options. */
export type IterateMaterialsOptions = WalkOptions;
