/** WeChat's draft box (草稿箱) endpoints. */
export const DRAFT_PATHS = {
  add: '/cgi-bin/draft/add',
  get: '/cgi-bin/draft/get',
  update: '/cgi-bin/draft/update',
  delete: '/cgi-bin/draft/delete',
  count: '/cgi-bin/draft/count',
  batchGet: '/cgi-bin/draft/batchget',
} as const;
