import { Module } from '@nestjs/common';
import { WechatMaterialModule, type AccessTokenProvider } from '../../../lib/index.js';

/** Inside WeChat Cloud Hosting the open-API gateway adds the token: send none. */
export const cloudHostingTokenProvider: AccessTokenProvider = {
  getAccessToken: async () => null,
};

@Module({
  imports: [
    WechatMaterialModule.forRootAsync({
      useFactory: () => ({
        accessTokenProvider: cloudHostingTokenProvider,
        // Plain http to the gateway ("开放接口服务" enabled for the service).
        baseUrl: process.env.WECHAT_API_BASE_URL ?? 'http://api.weixin.qq.com',
      }),
    }),
  ],
})
export class CloudHostingMaterialModule {}
