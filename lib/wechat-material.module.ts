import { Module } from '@nestjs/common';
import { HttpModule } from '@nestjs/axios';
import { RESOLVED_WECHAT_OPTIONS } from './wechat-material.constants.js';
import {
  ConfigurableModuleClass,
  WECHAT_MATERIAL_OPTIONS,
} from './wechat-material.module-definition.js';
import { resolveWechatOptions } from './wechat-material.options-resolver.js';
import type { WechatMaterialModuleOptions } from './wechat-material.options.js';
import { WECHAT_AXIOS_CONFIG, WechatHttpClient } from './http/wechat-http.client.js';
import { AccessTokenService } from './token/access-token.service.js';
import { MaterialService } from './material/material.service.js';
import { QuotaService } from './quota/quota.service.js';
import { DraftService } from './draft/draft.service.js';
import { PublishService } from './publish/publish.service.js';
import { WechatExceptionFilter } from './errors/wechat-exception.filter.js';

/**
 * `WechatMaterialModule.forRoot(options)` / `forRootAsync({ useFactory, inject, imports,
 * useClass, useExisting, isGlobal })`. Options are validated when the module is compiled.
 */
@Module({
  // An axios instance of our own: interceptors on the global axios (which would see the
  // access_token URL and the stable_token body) never touch WeChat calls. Its adapter is
  // built on undici; each module instance passes its own dispatcher per request.
  imports: [HttpModule.register(WECHAT_AXIOS_CONFIG)],
  providers: [
    {
      provide: RESOLVED_WECHAT_OPTIONS,
      useFactory: (options: WechatMaterialModuleOptions) => resolveWechatOptions(options),
      inject: [WECHAT_MATERIAL_OPTIONS],
    },
    WechatHttpClient,
    AccessTokenService,
    MaterialService,
    DraftService,
    PublishService,
    QuotaService,
    WechatExceptionFilter,
  ],
  exports: [
    WECHAT_MATERIAL_OPTIONS,
    MaterialService,
    DraftService,
    PublishService,
    AccessTokenService,
    QuotaService,
    WechatExceptionFilter,
  ],
})
export class WechatMaterialModule extends ConfigurableModuleClass {}
