// nestjs-wechat-material, built (../../dist), through MaterialService in a Nest application
// context. Its peer dependencies (@nestjs/*, axios, rxjs…) resolve from the root node_modules.
import { NestFactory } from '@nestjs/core';
import { MaterialService, WechatMaterialModule } from '../../dist/index.js';

export default {
  name: 'nestjs-wechat-material',
  handlesTokens: true,
  setup: 'WechatMaterialModule.forRoot({ appId, appSecret, baseUrl }); logger: false',

  async create({ baseUrl, appId, appSecret, moduleOptions = {} }) {
    const app = await NestFactory.createApplicationContext(
      WechatMaterialModule.forRoot({ appId, appSecret, baseUrl, ...moduleOptions }),
      { logger: false },
    );
    return { app, material: app.get(MaterialService) };
  },

  async call({ material }) {
    const page = await material.batchGetMaterial({ type: 'image', offset: 0, count: 20 });
    return page.item.length;
  },

  async close({ app }) {
    await app.close();
  },
};
