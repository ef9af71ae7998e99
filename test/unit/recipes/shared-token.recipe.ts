import { Injectable, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  WechatMaterialModule,
  type WechatMaterialModuleOptions,
  type WechatMaterialOptionsFactory,
} from '../../../lib/index.js';

/** The token service your app already runs (JS-SDK signatures, messages…): one token for all. */
@Injectable()
export class WechatTokenService {
  private current?: { token: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(private readonly config: ConfigService) {}

  getToken(forceRefresh = false): Promise<string> {
    if (!forceRefresh && this.current && Date.now() < this.current.expiresAt) {
      return Promise.resolve(this.current.token);
    }
    this.pending ??= this.fetchToken(forceRefresh).finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchToken(forceRefresh: boolean): Promise<string> {
    const base = this.config.get<string>('WECHAT_API_BASE_URL') ?? 'https://api.weixin.qq.com';
    const res = await fetch(`${base}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: this.config.getOrThrow<string>('WECHAT_APP_ID'),
        secret: this.config.getOrThrow<string>('WECHAT_APP_SECRET'),
        force_refresh: forceRefresh,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as {
      access_token?: string;
      expires_in?: number;
      errcode?: number;
    };
    if (!body.access_token) throw new Error(`stable_token failed: errcode ${body.errcode}`);
    const lifetime = body.expires_in ?? 7200;
    const useFor = Math.max(lifetime - 300, lifetime / 2);
    this.current = { token: body.access_token, expiresAt: Date.now() + useFor * 1000 };
    return body.access_token;
  }
}

/** Material options built from what the existing module already has. */
@Injectable()
export class WechatMaterialConfig implements WechatMaterialOptionsFactory {
  constructor(
    private readonly tokens: WechatTokenService,
    private readonly config: ConfigService,
  ) {}

  createWechatMaterialOptions(): WechatMaterialModuleOptions {
    return {
      appId: this.config.getOrThrow<string>('WECHAT_APP_ID'),
      baseUrl: this.config.get<string>('WECHAT_API_BASE_URL'),
      accessTokenProvider: {
        getAccessToken: ({ forceRefresh }) => this.tokens.getToken(forceRefresh),
      },
    };
  }
}

/** The module you already have; it exports the options provider. */
@Module({
  providers: [WechatTokenService, WechatMaterialConfig],
  exports: [WechatTokenService, WechatMaterialConfig],
})
export class WechatCoreModule {}

@Module({
  imports: [
    WechatMaterialModule.forRootAsync({
      imports: [WechatCoreModule],
      useExisting: WechatMaterialConfig,
    }),
  ],
})
export class MaterialFeatureModule {}
