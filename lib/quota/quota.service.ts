import { Inject, Injectable } from '@nestjs/common';
import { PATHS, RESOLVED_WECHAT_OPTIONS } from '../wechat-material.constants.js';
import type { ResolvedWechatOptions } from '../wechat-material.options.js';
import { AccessTokenService } from '../token/access-token.service.js';
import { WechatHttpClient } from '../http/wechat-http.client.js';

/** Daily quota of one API, as `/cgi-bin/openapi/quota/get` reports it. */
export interface WechatQuota {
  daily_limit: number;
  used: number;
  remain: number;
  [field: string]: unknown;
}

const hasQuota = (b: Record<string, unknown>): boolean =>
  b.quota !== null && typeof b.quota === 'object' && !Array.isArray(b.quota);

/** How much of an API's daily quota is left, before 45009 stops you. */
@Injectable()
export class QuotaService {
  constructor(
    @Inject(RESOLVED_WECHAT_OPTIONS) private readonly options: ResolvedWechatOptions,
    private readonly tokens: AccessTokenService,
    private readonly http: WechatHttpClient,
  ) {}

  /** Quota of `cgiPath` (default batchget_material) for `appId` (default options.appId). */
  async getQuota(
    cgiPath: string = PATHS.batchGetMaterial,
    appId: string | undefined = this.options.appId,
  ): Promise<WechatQuota> {
    const body = await this.tokens.withToken(appId, (accessToken) =>
      this.http.request({
        path: PATHS.quota,
        method: 'POST',
        appId,
        accessToken,
        body: { cgi_path: cgiPath },
        accept: hasQuota,
      }),
    );
    return body.quota as WechatQuota;
  }
}
