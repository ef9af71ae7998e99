import 'reflect-metadata';
import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { type AbstractHttpAdapter, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { WechatExceptionFilter } from '../../lib/index.js';
import { AppModule } from './app.module.js';
import { VALIDATION_OPTIONS } from './draft-article-body.pipe.js';
import { streamMultipartOnFastify } from './multipart-upload.js';
import type { SampleAppOptions } from './sample-app.options.js';
import { setupSwagger } from './swagger.setup.js';
import { WECHAT_UPSTREAM, type WechatUpstream } from './wechat-upstream.provider.js';

export type AdapterName = 'express' | 'fastify';

export function createAdapter(name: AdapterName = 'express'): AbstractHttpAdapter {
  return name === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
}

/**
 * The sample app, configured but not listening, on Express (default) or Fastify. `main.ts`
 * and the e2e tests both build it here.
 */
export async function createApp(
  adapter: AbstractHttpAdapter = createAdapter('express'),
  options: SampleAppOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(options), adapter, {
    logger: options.logger,
    // Throw on a bad configuration instead of exiting: main.ts reports it, tests assert on it.
    abortOnError: false,
  });
  streamMultipartOnFastify(app);
  // whitelist: bodies keep only documented fields (the draft DTOs mark cover_info and
  // product_info with @Allow, so those pass as given).
  app.useGlobalPipes(new ValidationPipe(VALIDATION_OPTIONS));
  app.useGlobalFilters(app.get(WechatExceptionFilter));
  await setupSwagger(app);
  return app;
}

/** Where the app's WeChat calls go (for start-up logs and tests). */
export function upstreamOf(app: INestApplication): WechatUpstream {
  return app.get<WechatUpstream>(WECHAT_UPSTREAM);
}
