import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { WechatMaterialModuleOptions } from './wechat-material.options.js';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: WECHAT_MATERIAL_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WechatMaterialModuleOptions>({ moduleName: 'WechatMaterial' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createWechatMaterialOptions')
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

/** Options of `WechatMaterialModule.forRootAsync()`. */
export type WechatMaterialModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;

/** Implemented by a class given to `forRootAsync({ useClass })`. */
export interface WechatMaterialOptionsFactory {
  createWechatMaterialOptions(): Promise<WechatMaterialModuleOptions> | WechatMaterialModuleOptions;
}
