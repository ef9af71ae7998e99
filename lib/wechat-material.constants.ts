/** Resolved, validated and frozen options (internal). */
export const RESOLVED_WECHAT_OPTIONS = Symbol('RESOLVED_WECHAT_OPTIONS');

/** Logger context used for every line the module writes. */
export const LOG_CONTEXT = 'WechatMaterial';

export const DEFAULT_BASE_URL = 'https://api.weixin.qq.com';

export const PATHS = {
  batchGetMaterial: '/cgi-bin/material/batchget_material',
  materialCount: '/cgi-bin/material/get_materialcount',
  classicToken: '/cgi-bin/token',
  stableToken: '/cgi-bin/stable_token',
  quota: '/cgi-bin/openapi/quota/get',
  addMaterial: '/cgi-bin/material/add_material',
  getMaterial: '/cgi-bin/material/get_material',
  deleteMaterial: '/cgi-bin/material/del_material',
  uploadArticleImage: '/cgi-bin/media/uploadimg',
  addTemporaryMaterial: '/cgi-bin/media/upload',
  getTemporaryMaterial: '/cgi-bin/media/get',
} as const;
