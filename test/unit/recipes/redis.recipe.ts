import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { WechatMaterialModule } from '../../../lib/index.js';
import { RedisTokenStore } from '../../../lib/redis/index.js';

/** One store per process, closed with the app. */
@Module({
  providers: [
    {
      provide: RedisTokenStore,
      useFactory: () => new RedisTokenStore(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
    },
  ],
  exports: [RedisTokenStore],
})
export class TokenStoreModule implements OnApplicationShutdown {
  constructor(private readonly store: RedisTokenStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}

@Module({
  imports: [
    WechatMaterialModule.forRootAsync({
      imports: [TokenStoreModule],
      inject: [RedisTokenStore],
      useFactory: (tokenStore: RedisTokenStore) => ({
        appId: process.env.WECHAT_APP_ID,
        appSecret: process.env.WECHAT_APP_SECRET,
        baseUrl: process.env.WECHAT_API_BASE_URL, // unset: https://api.weixin.qq.com
        tokenStore,
      }),
    }),
  ],
})
export class SharedTokenAppModule {}
