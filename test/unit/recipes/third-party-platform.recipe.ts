import { Injectable, Module } from '@nestjs/common';
import {
  MaterialService,
  WechatMaterialModule,
  type AccessTokenProvider,
  type FileMaterialPage,
} from '../../../lib/index.js';

/**
 * Your platform's authorizer tokens: refreshed with `component/api_authorizer_token` from
 * the authorizer_refresh_token you stored when the account authorized you, and cached by you.
 */
export abstract class AuthorizerTokenSource {
  abstract getAuthorizerAccessToken(
    authorizerAppId: string,
    opts: { forceRefresh: boolean },
  ): Promise<string>;
}

/** Hands the library the authorizer_access_token of the account a call is made for. */
export class AuthorizerAccessTokenProvider implements AccessTokenProvider {
  constructor(private readonly source: AuthorizerTokenSource) {}

  async getAccessToken(opts: { appId?: string; forceRefresh: boolean }): Promise<string> {
    if (!opts.appId) {
      throw new Error(
        'Call materialService.forAccount(authorizerAppId): each call needs an authorizer',
      );
    }
    return this.source.getAuthorizerAccessToken(opts.appId, { forceRefresh: opts.forceRefresh });
  }
}

@Injectable()
export class AuthorizerMaterialService {
  constructor(private readonly material: MaterialService) {}

  listImages(authorizerAppId: string, offset = 0): Promise<FileMaterialPage> {
    return this.material
      .forAccount(authorizerAppId)
      .batchGetMaterial({ type: 'image', offset, count: 20 });
  }
}

// AuthorizerTokenSource comes from your platform module: make it @Global(), or add it to
// forRootAsync's `imports`.
@Module({
  imports: [
    WechatMaterialModule.forRootAsync({
      inject: [AuthorizerTokenSource],
      useFactory: (source: AuthorizerTokenSource) => ({
        accessTokenProvider: new AuthorizerAccessTokenProvider(source),
        baseUrl: process.env.WECHAT_API_BASE_URL, // unset: https://api.weixin.qq.com
      }),
    }),
  ],
  providers: [AuthorizerMaterialService],
  exports: [AuthorizerMaterialService],
})
export class PlatformMaterialModule {}
