import type { ResolvedWechatOptions } from './wechat-material.options.js';

/** Resolved, validated and frozen options (internal). */
export const RESOLVED_WECHAT_OPTIONS = Symbol('RESOLVED_WECHAT_OPTIONS');

/** Logger context used for every line the module writes. */
export const LOG_CONTEXT = 'WechatMaterial';

/**
 * Defaults of the module options, the only place they are written in code (the JSDoc of
 * WechatMaterialModuleOptions and the README's Options table quote them).
 */
export const WECHAT_MATERIAL_DEFAULTS = Object.freeze({
  tokenEndpoint: 'stable',
  refreshMarginSeconds: 300,
  baseUrl: 'https://api.weixin.qq.com',
  timeoutMs: 10_000,
  transferTimeoutMs: 60_000,
  retry: Object.freeze({ attempts: 2, baseDelayMs: 200, maxDelayMs: 2000 }),
  logCalls: 'errors',
  tokenErrorCooldownMs: 2000,
} as const satisfies Partial<ResolvedWechatOptions>);

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
