import type { PublishState } from './publish.types.js';

/** WeChat's publishing (发布能力) endpoints. */
export const PUBLISH_PATHS = {
  submit: '/cgi-bin/freepublish/submit',
  get: '/cgi-bin/freepublish/get',
  delete: '/cgi-bin/freepublish/delete',
  getArticle: '/cgi-bin/freepublish/getarticle',
  batchGet: '/cgi-bin/freepublish/batchget',
} as const;

/** `publish_status` → state: the index is the status WeChat sends. */
export const PUBLISH_STATES: readonly PublishState[] = Object.freeze([
  'success',
  'publishing',
  'original_failed',
  'failed',
  'rejected',
  'deleted_by_user',
  'banned',
]);

/** Ids WeChat may send as bare JSON numbers (past 2^53): read as strings, every digit kept. */
export const ID_FIELDS = ['publish_id', 'msg_data_id', 'article_id'] as const;

/** waitForPublish's pauses: start, growth after each poll, ceiling; and its default deadline. */
export const WAIT_DEFAULTS = {
  intervalMs: 2000,
  growth: 1.5,
  maxIntervalMs: 30_000,
  timeoutMs: 300_000,
} as const;
